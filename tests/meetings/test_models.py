"""Meeting, adoption and attendance constraints: enforced by the database and full_clean()."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.meetings.models import ActionItem, Attendance, Meeting, MinutesAdoption

pytestmark = pytest.mark.django_db


def meeting(group, **fields) -> Meeting:
    fields = {
        "group": group,
        "title": "Roadmap review",
        "starts_at": datetime.datetime(2026, 4, 20, 10, tzinfo=datetime.UTC),
        **fields,
    }
    return Meeting.objects.create(**fields)


def test_it_rejects_a_second_adoption_for_one_side(energy, cochair_az, member):
    target = meeting(energy)
    MinutesAdoption.objects.create(meeting=target, side="az", adopted_by=cochair_az)
    with pytest.raises(IntegrityError), transaction.atomic():
        MinutesAdoption.objects.create(meeting=target, side="az", adopted_by=member)


def test_it_reports_a_second_adoption_for_one_side(energy, cochair_az, member):
    target = meeting(energy)
    MinutesAdoption.objects.create(meeting=target, side="az", adopted_by=cochair_az)
    with pytest.raises(ValidationError, match="already adopted these minutes"):
        MinutesAdoption(meeting=target, side="az", adopted_by=member).full_clean()


def test_it_accepts_one_adoption_per_side(energy, cochair_az, cochair_us):
    target = meeting(energy)
    MinutesAdoption.objects.create(meeting=target, side="az", adopted_by=cochair_az)
    MinutesAdoption.objects.create(meeting=target, side="us", adopted_by=cochair_us)
    assert target.adoptions.count() == 2


def test_it_rejects_an_adoption_from_another_side(energy, staff):
    with pytest.raises(IntegrityError), transaction.atomic():
        MinutesAdoption.objects.create(meeting=meeting(energy), side="other", adopted_by=staff)


@pytest.mark.parametrize("with_user, guest_name", [(True, "Jane Guest"), (False, "")])
def test_it_rejects_attendance_not_member_xor_guest(energy, member, with_user, guest_name):
    user = member if with_user else None
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(meeting=meeting(energy), user=user, guest_name=guest_name)


@pytest.mark.parametrize("with_user, guest_name", [(True, "Jane Guest"), (False, "")])
def test_it_reports_attendance_not_member_xor_guest(energy, member, with_user, guest_name):
    row = Attendance(
        meeting=meeting(energy), user=member if with_user else None, guest_name=guest_name
    )
    with pytest.raises(ValidationError, match="Choose a member or name a guest"):
        row.validate_constraints()


def test_it_accepts_a_member_or_a_guest(energy, member):
    target = meeting(energy)
    Attendance.objects.create(meeting=target, user=member)
    Attendance(meeting=target, guest_name="Jane Guest", guest_organisation="SOCAR").full_clean()
    Attendance.objects.create(meeting=target, guest_name="Jane Guest")
    Attendance.objects.create(meeting=target, guest_name="John Guest")
    assert target.attendance.count() == 3


def test_it_rejects_a_member_listed_twice(energy, member):
    target = meeting(energy)
    Attendance.objects.create(meeting=target, user=member)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(meeting=target, user=member, status="present")


def test_it_reports_a_member_listed_twice(energy, member):
    target = meeting(energy)
    Attendance.objects.create(meeting=target, user=member)
    with pytest.raises(ValidationError, match="already on the attendance list"):
        Attendance(meeting=target, user=member).full_clean()


def test_it_allows_a_member_at_two_meetings(energy, member):
    Attendance.objects.create(meeting=meeting(energy), user=member)
    Attendance.objects.create(meeting=meeting(energy), user=member)
    assert member.attendance.count() == 2


def test_it_rejects_an_unknown_attendance_status(energy, member):
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(meeting=meeting(energy), user=member, status="late")


@pytest.mark.parametrize("fields", [{"minutes_state": "final"}, {"duration_minutes": 0}])
def test_it_rejects_an_invalid_meeting(energy, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        meeting(energy, **fields)


def test_it_rejects_an_unknown_action_item_status(energy):
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionItem.objects.create(meeting=meeting(energy), title="Draft roadmap", status="later")
