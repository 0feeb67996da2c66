"""Who may see and change a meeting: the group's rules (apps.charter.access) applied to it."""

from django.http import Http404

from apps.charter.access import GroupAccess, check_access, group_access
from apps.meetings.models import Meeting

MAX_ID = 2**63 - 1  # larger ids cannot be in the table (and would overflow the query)


def get_meeting_for_user(
    *, user, pk, edit: bool = False, manage: bool = False
) -> tuple[Meeting, GroupAccess]:
    """Load the meeting with its group, or raise.

    Http404 when the meeting does not exist or its group is hidden from the user (restricted
    groups do not reveal their meetings); PermissionDenied when the user may see it but not
    change it (``edit``: members, co-chairs, staff; ``manage``: co-chairs and staff).
    """
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such meeting") from None
    if not 0 < pk <= MAX_ID:
        raise Http404("No such meeting")
    meeting = Meeting.objects.select_related("group").filter(pk=pk).first()
    if meeting is None:
        raise Http404("No such meeting")
    access = group_access(user=user, group=meeting.group)
    check_access(access, edit=edit, manage=manage)
    return meeting, access
