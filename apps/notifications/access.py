"""Who may see which outbox rows and whose digest preview. Built on the group rules
of apps/charter/access.py (GroupAccess): 404 for what a user may not see, 403 for what
they may see but not do."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.accounts.models import User
from apps.charter.access import GroupAccess
from apps.charter.models import Membership
from apps.notifications.models import EmailLog


def get_email_for_user(*, user, pk: int) -> EmailLog:
    """An email sent to `user` (staff see every email)."""
    emails = EmailLog.objects.all()
    if not user.is_staff:
        emails = emails.filter(recipient=user)
    email = emails.filter(pk=pk).first()
    if email is None:
        raise Http404("No such email")
    return email


def get_digest_subject_for_user(*, user, pk: int) -> tuple[User, list[int]]:
    """The user whose next digest `user` may preview, and the groups the preview may show.

    Staff, the user themselves, and co-chairs of a group the user belongs to may preview;
    the preview shows only groups the viewer may see. Someone who shares a group with the
    user but does not co-chair it gets 403; anyone else 404 (users are not enumerable).
    """
    subject = User.objects.filter(pk=pk, is_active=True).first()
    if subject is None:
        raise Http404("No such user")
    memberships = list(
        Membership.objects.filter(user=subject).select_related("group").order_by("group__position")
    )
    own = {
        membership.group_id: membership
        for membership in Membership.objects.filter(
            user=user, group__in=[m.group_id for m in memberships]
        ).only("group_id", "role", "side")
    }
    staff = bool(user.is_active and user.is_staff)
    access = [
        GroupAccess(
            group=m.group,
            role=own[m.group_id].role if m.group_id in own else None,
            side=own[m.group_id].side if m.group_id in own else None,
            is_staff=staff,
        )
        for m in memberships
    ]
    visible = [a.group.pk for a in access if a.can_view]
    if staff or user.pk == subject.pk or any(a.can_manage for a in access):
        return subject, visible
    if own:
        raise PermissionDenied(
            "Only the group's co-chairs and staff can preview a member's digest."
        )
    raise Http404("No such user")
