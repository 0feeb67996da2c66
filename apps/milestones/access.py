"""Who may see and change a milestone, on top of the group rules in apps.charter.access.

Every milestones view goes through one of these helpers: a milestone the user may not
see is a 404 (restricted groups do not reveal what they hold); one they may see but not
change raises PermissionDenied (403).
"""

from django.http import Http404

from apps.charter.access import GroupAccess, check_access, group_access
from apps.charter.models import Role
from apps.milestones.models import Evidence, Milestone, Status

CLOSED_STATUSES = (Status.DONE, Status.CANCELLED)
#: Who may own a milestone: the group's members and co-chairs (observers edit nothing).
OWNER_ROLES = (Role.MEMBER, Role.CO_CHAIR)


def get_milestone_for_user(
    *, user, pk, edit: bool = False, manage: bool = False
) -> tuple[Milestone, GroupAccess]:
    milestone = Milestone.objects.select_related("group", "section", "owner").filter(pk=pk).first()
    if milestone is None:
        raise Http404("No such milestone")
    access = group_access(user=user, group=milestone.group)
    check_access(access, edit=edit, manage=manage)
    return milestone, access


def get_evidence_for_user(*, user, pk, edit: bool = False) -> tuple[Evidence, GroupAccess]:
    evidence = Evidence.objects.select_related("milestone__group", "added_by").filter(pk=pk).first()
    if evidence is None:
        raise Http404("No such evidence")
    access = group_access(user=user, group=evidence.milestone.group)
    check_access(access, edit=edit)
    return evidence, access


def can_change(access: GroupAccess, milestone: Milestone) -> bool:
    """Edit the milestone's fields: members while it is open; co-chairs and staff always
    (only they may cancel, or reopen a done or cancelled milestone)."""
    if not access.can_edit:
        return False
    return access.can_manage or milestone.status not in CLOSED_STATUSES


def can_sign(access: GroupAccess) -> bool:
    """Sign off or decline: a co-chair of the group, for their own side. Staff who are not
    co-chairs of the group cannot."""
    return access.signing_side is not None


def can_remove_evidence(*, user, access: GroupAccess, evidence: Evidence) -> bool:
    """Whoever added it (while the milestone is open), and the group's co-chairs and staff."""
    if not access.can_edit:
        return False
    if access.can_manage:
        return True
    return evidence.added_by_id == user.pk and evidence.milestone.status not in CLOSED_STATUSES
