"""Reads for charters and working groups."""

from django.db.models import Case, Q, QuerySet, Value, When

from apps.accounts.models import Side
from apps.charter.models import Charter, Membership, Role, WorkingGroup


def groups_visible_to(*, user) -> QuerySet[WorkingGroup]:
    """Restricted groups are visible only to their members and to staff."""
    groups = WorkingGroup.objects.select_related("section")
    if user.is_staff:
        return groups
    own = Membership.objects.filter(user=user).values("group_id")
    return groups.filter(Q(restricted=False) | Q(pk__in=own))


def charter_current() -> Charter | None:
    return Charter.objects.order_by("-signed_on").first()


def group_members(*, group: WorkingGroup) -> QuerySet[Membership]:
    """The group's members with their users: Azerbaijan, then the United States, then other;
    within a side co-chairs first, then members, then observers; then by name."""
    side_order = Case(
        When(side=Side.AZ, then=Value(0)), When(side=Side.US, then=Value(1)), default=Value(2)
    )
    role_order = Case(
        When(role=Role.CO_CHAIR, then=Value(0)),
        When(role=Role.MEMBER, then=Value(1)),
        default=Value(2),
    )
    return (
        Membership.objects.filter(group=group)
        .select_related("user")
        .order_by(side_order, role_order, "user__display_name", "user__email", "pk")
    )
