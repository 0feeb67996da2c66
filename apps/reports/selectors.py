"""Reads for the dashboard and reports."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from apps.charter.models import Membership, WorkingGroup
from apps.charter.selectors import groups_visible_to
from apps.meetings.models import Meeting
from apps.milestones.models import Milestone


def _count_per_group(queryset: QuerySet) -> Coalesce:
    counts = (
        queryset.filter(group=OuterRef("pk")).order_by().values("group").annotate(n=Count("pk"))
    )
    return Coalesce(Subquery(counts.values("n"), output_field=IntegerField()), 0)


def group_cards(*, user) -> QuerySet[WorkingGroup]:
    """Groups the user may see, with member, milestone and meeting counts, in one query."""
    return groups_visible_to(user=user).annotate(
        member_count=_count_per_group(Membership.objects.all()),
        milestone_count=_count_per_group(Milestone.objects.all()),
        meeting_count=_count_per_group(Meeting.objects.all()),
    )
