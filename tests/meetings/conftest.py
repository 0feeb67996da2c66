"""Meetings test helpers: a scheduled Energy meeting with the whole cast invited."""

import datetime as dt

import pytest
from django.db.models import Model
from django.forms.models import model_to_dict

from apps.accounts.models import User
from apps.charter.models import Membership, Role
from apps.meetings import services
from apps.meetings.models import (
    ActionItem,
    Attendance,
    Decision,
    Meeting,
    MinutesAdoption,
)
from apps.milestones.models import Milestone

START = dt.datetime(2026, 4, 20, 10, 0)  # naive: 10:00 in the meeting's zone


def schedule(group, user, **fields) -> Meeting:
    values = {
        "title": "Energy roadmap review",
        "starts_at_local": START,
        "time_zone": "Asia/Baku",
        "duration_minutes": 90,
        "location": "Ministry of Energy, Baku",
        "agenda": "1. Roadmap\n2. Next steps",
        **fields,
    }
    return services.meeting_create(group=group, user=user, **values)


@pytest.fixture
def cast(staff, cochair_az, cochair_us, member, observer, other_member, outsider):
    """Every role of the shared cast exists (so every one of them is invited)."""
    return {
        "staff": staff,
        "cochair_az": cochair_az,
        "cochair_us": cochair_us,
        "member": member,
        "observer": observer,
        "other_member": other_member,
        "outsider": outsider,
    }


@pytest.fixture
def meeting(energy, cast) -> Meeting:
    return schedule(energy, cast["member"])


def attendance_of(meeting: Meeting, user: User) -> Attendance:
    return Attendance.objects.get(meeting=meeting, user=user)


def adopt_by_both(meeting: Meeting, cochair_az: User, cochair_us: User) -> Meeting:
    if not Meeting.objects.get(pk=meeting.pk).minutes:
        current = Meeting.objects.get(pk=meeting.pk)
        services.minutes_update(
            meeting_id=meeting.pk, user=cochair_az, version=current.version, minutes="Agreed."
        )
    services.minutes_adopt(meeting_id=meeting.pk, user=cochair_az)
    services.minutes_adopt(meeting_id=meeting.pk, user=cochair_us)
    return Meeting.objects.get(pk=meeting.pk)


MEETING_MODELS: tuple[type[Model], ...] = (
    Meeting,
    Attendance,
    Decision,
    ActionItem,
    MinutesAdoption,
    Milestone,
)


def snapshot() -> dict:
    """Every row of every table a meetings POST could touch, to compare before and after."""
    return {
        model.__name__: sorted(
            (row.pk, repr(sorted(model_to_dict(row).items()))) for row in model.objects.all()
        )
        for model in MEETING_MODELS
    }


def add_members(group, count: int, *, role: str = Role.MEMBER, prefix: str = "bulk") -> list[User]:
    """Many members at once (bulk inserts: no per-user password hashing)."""
    users = User.objects.bulk_create(
        User(
            email=f"{prefix}{number}@example.test",
            display_name=f"{prefix.title()} {number:04d}",
            side="az" if number % 2 else "us",
            password="!",
        )
        for number in range(count)
    )
    Membership.objects.bulk_create(
        Membership(user=user, group=group, role=role, side=user.side) for user in users
    )
    return users
