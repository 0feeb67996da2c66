"""Reads for the meetings pages, each with the joins it needs so the query count stays flat."""

from django.contrib.auth import get_user_model
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from apps.charter.models import Membership, WorkingGroup
from apps.charter.selectors import groups_visible_to
from apps.meetings.models import (
    ActionItem,
    Attendance,
    Decision,
    Meeting,
    MinutesAdoption,
)
from apps.meetings.services import OWNER_ROLES


def attendance_list(*, meeting: Meeting) -> list[Attendance]:
    """Members first (by name), then guests in the order they were added."""
    return list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("user")
        .annotate(
            is_guest=Case(
                When(user__isnull=True, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("is_guest", "user__display_name", "user__email", "id")
    )


def attendance_row(*, meeting: Meeting, attendance_id: int) -> Attendance | None:
    return (
        Attendance.objects.select_related("user").filter(meeting=meeting, pk=attendance_id).first()
    )


def decision_list(*, meeting: Meeting) -> list[Decision]:
    return list(Decision.objects.filter(meeting=meeting).order_by("id"))


def action_item_list(*, meeting: Meeting) -> list[ActionItem]:
    return list(
        ActionItem.objects.filter(meeting=meeting)
        .select_related("owner", "milestone")
        .order_by("id")
    )


def adoption_list(*, meeting: Meeting) -> list[MinutesAdoption]:
    return list(
        MinutesAdoption.objects.filter(meeting=meeting)
        .select_related("adopted_by")
        .order_by("side")
    )


def action_owner_choices(*, group: WorkingGroup) -> QuerySet:
    """Who can own an action item of the group: its active members and co-chairs."""
    owners = Membership.objects.filter(
        group=group, role__in=OWNER_ROLES, user__is_active=True
    ).values("user_id")
    return get_user_model().objects.filter(pk__in=owners).order_by("display_name", "email")


def meetings_visible_to(*, user, upcoming: bool, group: WorkingGroup | None = None) -> QuerySet:
    """Meetings of the groups the user may see; upcoming soonest first, past latest first."""
    meetings = Meeting.objects.filter(group__in=groups_visible_to(user=user).values("pk"))
    if group is not None:
        meetings = meetings.filter(group=group)
    now = timezone.now()
    if upcoming:
        meetings = meetings.filter(starts_at__gte=now).order_by("starts_at", "id")
    else:
        meetings = meetings.filter(starts_at__lt=now).order_by("-starts_at", "-id")
    return meetings.select_related("group")


def groups_for_new_meeting(*, user) -> QuerySet:
    """The groups in which the user may schedule a meeting (members, co-chairs; staff: all)."""
    groups = WorkingGroup.objects.order_by("position", "slug")
    if user.is_staff and user.is_active:
        return groups
    own = Membership.objects.filter(user=user, role__in=OWNER_ROLES).values("group_id")
    return groups.filter(pk__in=own)
