"""Who may see and change what. Every view goes through one of these helpers.

A user who may not see an object gets 404 (restricted groups do not reveal that
they exist); one who may see it but not change it gets PermissionDenied (403).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.validators import slug_re
from django.http import Http404
from django.utils.translation import gettext as _

from apps.charter.models import Membership, Role, WorkingGroup


@dataclass(frozen=True)
class GroupAccess:
    """What one user may do in one group."""

    group: WorkingGroup
    role: str | None
    side: str | None
    is_staff: bool

    @property
    def can_view(self) -> bool:
        return self.is_staff or self.role is not None or not self.group.restricted

    @property
    def can_edit(self) -> bool:
        """Edit milestones and record meetings: members, co-chairs, staff."""
        return self.is_staff or self.role in (Role.MEMBER, Role.CO_CHAIR)

    @property
    def can_manage(self) -> bool:
        """Manage members, meetings and milestones of the group: co-chairs and staff."""
        return self.is_staff or self.role == Role.CO_CHAIR

    @property
    def signing_side(self) -> str | None:
        """The side this user signs off and adopts minutes for: a co-chair's own side only."""
        return self.side if self.role == Role.CO_CHAIR else None


def group_access(*, user, group: WorkingGroup, membership: Membership | None = None) -> GroupAccess:
    if membership is None and user.is_authenticated:
        membership = Membership.objects.filter(user=user, group=group).only("role", "side").first()
    return GroupAccess(
        group=group,
        role=membership.role if membership else None,
        side=membership.side if membership else None,
        is_staff=bool(user.is_active and user.is_staff),
    )


def check_access(access: GroupAccess, *, edit: bool = False, manage: bool = False) -> None:
    if not access.can_view:
        raise Http404("No such working group")
    if manage and not access.can_manage:
        raise PermissionDenied(_("Only the group's co-chairs and staff can do this."))
    if edit and not access.can_edit:
        raise PermissionDenied(_("Only the group's members can change this."))


def get_group_for_user(
    *, user, slug: str, edit: bool = False, manage: bool = False
) -> tuple[WorkingGroup, GroupAccess]:
    # A slug from a query string can hold anything (a NUL byte makes PostgreSQL raise).
    if not isinstance(slug, str) or len(slug) > 50 or not slug_re.fullmatch(slug):
        raise Http404("No such working group")
    group = WorkingGroup.objects.select_related("section").filter(slug=slug).first()
    if group is None:
        raise Http404("No such working group")
    access = group_access(user=user, group=group)
    check_access(access, edit=edit, manage=manage)
    return group, access
