"""Rules the database itself keeps for meetings (each written past the services, straight
through the ORM), and the invitations a new member gets."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.charter.models import Role
from apps.charter.services import membership_add
from apps.meetings.models import (
    ActionItem,
    ActionItemStatus,
    Attendance,
    AttendanceStatus,
    Meeting,
    MinutesState,
)
from apps.meetings.services import attendance_invite_new_member
from tests.conftest import make_user
from tests.meetings.conftest import schedule

pytestmark = pytest.mark.django_db


def test_it_refuses_an_action_items_status_that_disagrees_with_its_completion_time(meeting):
    item = ActionItem.objects.create(meeting=meeting, title="Send the draft")
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionItem.objects.filter(pk=item.pk).update(status=ActionItemStatus.DONE)
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionItem.objects.filter(pk=item.pk).update(completed_at=timezone.now())
    ActionItem.objects.filter(pk=item.pk).update(
        status=ActionItemStatus.DONE, completed_at=timezone.now()
    )


def test_it_refuses_a_guest_whose_name_is_only_spaces(meeting):
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.bulk_create([Attendance(meeting=meeting, guest_name="   ")])
    guest = Attendance.objects.create(meeting=meeting, guest_name=" Ann Lee ")
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.filter(pk=guest.pk).update(guest_name="  ")


def test_it_invites_a_new_member_to_the_groups_upcoming_meetings_only(
    energy, connectivity, staff, cochair_az, member
):
    soon = timezone.localtime(timezone.now() + dt.timedelta(days=7)).replace(tzinfo=None)
    upcoming = schedule(energy, member, title="Upcoming", starts_at_local=soon)
    held = schedule(energy, member, title="Held", starts_at_local=dt.datetime(2026, 1, 10, 10))
    adopted = schedule(energy, member, title="Adopted early", starts_at_local=soon)
    Meeting.objects.filter(pk=adopted.pk).update(minutes_state=MinutesState.ADOPTED)
    elsewhere = schedule(connectivity, staff, title="Elsewhere", starts_at_local=soon)
    newcomer = make_user("newcomer@example.test")

    membership = membership_add(group=energy, actor=cochair_az, user=newcomer, role=Role.MEMBER)

    invited = Attendance.objects.filter(user=newcomer)
    assert [(row.meeting_id, row.status) for row in invited] == [
        (upcoming.pk, AttendanceStatus.INVITED)
    ]
    for meeting in (held, adopted, elsewhere):
        assert not meeting.attendance.filter(user=newcomer).exists()
    # Idempotent: asking again adds nothing.
    assert attendance_invite_new_member(membership=membership) == []
