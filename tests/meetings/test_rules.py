"""Rules the database itself keeps for meetings, each written past the services, straight
through the ORM."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.meetings.models import (
    ActionItem,
    ActionItemStatus,
    Attendance,
)

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
