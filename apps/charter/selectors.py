"""Reads for charters and working groups."""

from django.db.models import Q, QuerySet

from apps.charter.models import Charter, Membership, WorkingGroup


def groups_visible_to(*, user) -> QuerySet[WorkingGroup]:
    """Restricted groups are visible only to their members and to staff."""
    groups = WorkingGroup.objects.select_related("section")
    if user.is_staff:
        return groups
    own = Membership.objects.filter(user=user).values("group_id")
    return groups.filter(Q(restricted=False) | Q(pk__in=own))


def charter_current() -> Charter | None:
    return Charter.objects.order_by("-signed_on").first()
