"""Sign-off by both sides: each side's co-chair signs an "awaiting sign-off" milestone; the
second signature completes it, exactly once; a decline withdraws the signatures and sends it
back to work, its progress back to what it was before sign-off was asked for (below 100)."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.charter.access import GroupAccess, group_access
from apps.milestones.models import (
    Milestone,
    MilestoneUpdate,
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


#: Progress a declined milestone goes back to when nothing below 100 % was logged before
#: sign-off was asked for: work remains, so it is not complete, but it is nearly there.
DECLINED_PROGRESS_CAP = 90


def progress_after_decline(
    *, milestone: Milestone, entries: Iterable[MilestoneUpdate] | None = None
) -> int:
    """The progress a decline sends ``milestone`` back to.

    A decline means "not finished": the milestone returns to in progress at the progress it
    had just before sign-off was asked for (the entry that moved it to awaiting sign-off
    records it as its old progress), so "mark done" at 100 % is undone as a whole. That
    value, or the current one when no such entry is found, never stays at 100: it is capped
    at ``DECLINED_PROGRESS_CAP`` (90). ``entries``: the milestone's log, newest first, when
    the caller has it loaded already (the detail page); else one query finds the entry.
    """
    if entries is None:
        request = (
            MilestoneUpdate.objects.filter(milestone=milestone, new_status=Status.AWAITING_SIGNOFF)
            .exclude(old_status=Status.AWAITING_SIGNOFF)
            .order_by("-created_at", "-id")
            .only("old_progress")
            .first()
        )
    else:
        request = next(
            (
                entry
                for entry in entries
                if entry.new_status == Status.AWAITING_SIGNOFF
                and entry.old_status != Status.AWAITING_SIGNOFF
            ),
            None,
        )
    progress = milestone.progress
    if request is not None and request.old_progress is not None:
        progress = request.old_progress
    return min(progress, DECLINED_PROGRESS_CAP)


def milestone_decline(*, milestone_id: int, user: User, reason: str) -> Milestone:
    """A co-chair sends the milestone back to in progress, with a reason; the sign-offs
    given so far (either side's) are withdrawn, and the progress goes back to
    ``progress_after_decline``: what it was before sign-off was asked for, never 100 %."""
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
        old_status, old_progress = milestone.status, milestone.progress
        milestone.progress = progress_after_decline(milestone=milestone)
        milestone.status = Status.IN_PROGRESS
        milestone.version += 1
        milestone.save(update_fields=["status", "progress", "version", "updated_at"])
        _log(
            milestone=milestone,
            user=user,
            kind=UpdateKind.DECLINED,
            old_status=old_status,
            old_progress=old_progress,
            changes=changes,
            note=reason,
        )
        return milestone
