"""Sign-off by both sides: each side's co-chair signs an "awaiting sign-off" milestone; the
second signature completes it, exactly once; a decline withdraws the signatures and sends it
back to work."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.charter.access import GroupAccess, group_access
from apps.milestones.models import (
    Milestone,
    SignOff,
    SignOffSide,
    Status,
    UpdateKind,
)
from apps.milestones.services.milestones import _clean_note, _lock, _log


def _signing_side(access: GroupAccess) -> str:
    side = access.signing_side
    if not access.can_view or side not in SignOffSide.values:
        raise PermissionDenied(
            gettext("Only a co-chair of this group can sign off, for their own side.")
        )
    return side


def milestone_sign_off(*, milestone_id: int, user: User) -> Milestone:
    """Sign for the co-chair's own side. The second side's signature completes the
    milestone (done, 100 %, completed now) in the same transaction."""
    with transaction.atomic():
        milestone = _lock(milestone_id)
        side = _signing_side(group_access(user=user, group=milestone.group))
        if milestone.status != Status.AWAITING_SIGNOFF:
            raise ValidationError(
                _("This milestone is not awaiting sign-off."), code="not_awaiting"
            )
        signed = set(SignOff.objects.filter(milestone=milestone).values_list("side", flat=True))
        if side in signed:
            raise ValidationError(
                _("Your side has already signed off this milestone."), code="already_signed"
            )
        SignOff.objects.create(milestone=milestone, side=side, signed_by=user)
        old_status, old_progress = milestone.status, milestone.progress
        if signed | {side} >= set(SignOffSide.values):
            milestone.status = Status.DONE
            milestone.progress = 100
            milestone.completed_at = timezone.now()
            milestone.version += 1
            milestone.save(
                update_fields=["status", "progress", "completed_at", "version", "updated_at"]
            )
        _log(
            milestone=milestone,
            user=user,
            kind=UpdateKind.SIGNED,
            old_status=old_status,
            old_progress=old_progress,
            changes={"side": [None, side]},
        )
        return milestone


def milestone_decline(*, milestone_id: int, user: User, reason: str) -> Milestone:
    """A co-chair sends the milestone back to in progress, with a reason; the sign-offs
    given so far are withdrawn."""
    with transaction.atomic():
        milestone = _lock(milestone_id)
        side = _signing_side(group_access(user=user, group=milestone.group))
        if milestone.status != Status.AWAITING_SIGNOFF:
            raise ValidationError(
                _("This milestone is not awaiting sign-off."), code="not_awaiting"
            )
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError(
                {"reason": _("Say why you decline, so the group knows what to fix.")},
                code="required",
            )
        reason = _clean_note(reason, required=True, field="reason")
        changes: dict[str, list] = {"side": [None, side]}
        sides = sorted(SignOff.objects.filter(milestone=milestone).values_list("side", flat=True))
        if sides:
            SignOff.objects.filter(milestone=milestone).delete()
            changes["signoffs"] = [sides, []]
        old_status = milestone.status
        milestone.status = Status.IN_PROGRESS
        milestone.version += 1
        milestone.save(update_fields=["status", "version", "updated_at"])
        _log(
            milestone=milestone,
            user=user,
            kind=UpdateKind.DECLINED,
            old_status=old_status,
            old_progress=milestone.progress,
            changes=changes,
            note=reason,
        )
        return milestone
