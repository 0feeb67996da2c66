"""What the milestone page asks before what cannot be undone (apps/core/confirm.py): one
function per action, used by the page (its dialog) and by the view (its confirmation page
without JavaScript), so both say the same."""

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext

from apps.charter.models import SignOffSide
from apps.core.confirm import Confirmation
from apps.milestones.models import Evidence, Milestone, SignOff, Status
from apps.milestones.services import progress_after_decline


def _detail_url(milestone_id: int) -> str:
    return reverse("milestones:detail", args=[milestone_id])


def decline_confirmation(
    *, milestone: Milestone, signoffs: Iterable[SignOff], progress: int | None = None
) -> Confirmation:
    """Declining withdraws every signature given so far and sends the milestone back to
    work. ``progress``: what it goes back to, when the caller has worked it out already
    (``services.progress_after_decline``)."""
    if progress is None:
        progress = progress_after_decline(milestone=milestone)
    consequences = [
        gettext("This withdraws the %(side)s side's signature, given by %(name)s.")
        % {"side": SignOffSide(signoff.side).label, "name": signoff.signed_by.get_full_name()}
        for signoff in signoffs
    ]
    consequences.append(
        gettext(
            "The milestone goes back to %(status)s at %(progress)s %%; once it is marked done "
            "again, both co-chairs must sign off again."
        )
        % {"status": Status.IN_PROGRESS.label, "progress": progress}
    )
    return Confirmation(
        key="decline",
        heading=gettext("Decline the sign-off?"),
        consequences=tuple(consequences),
        button=gettext("Yes, decline the sign-off"),
        back_url=_detail_url(milestone.pk) + "#signoff",
    )


def evidence_removal_confirmation(*, evidence: Evidence) -> Confirmation:
    """Removing evidence deletes a file for good (a link is only dropped)."""
    if evidence.file:
        consequence = gettext(
            "The file %(name)s is deleted from CharterHub and cannot be recovered."
        ) % {"name": evidence.original_filename or evidence.title}
    else:
        consequence = gettext("The link to %(url)s is removed from this milestone.") % {
            "url": evidence.url
        }
    return Confirmation(
        key=f"remove-evidence-{evidence.pk}",
        heading=gettext("Remove “%(title)s”?") % {"title": evidence.title},
        consequences=(consequence, gettext("The removal is recorded in the history.")),
        button=gettext("Yes, remove it"),
        back_url=_detail_url(evidence.milestone_id) + "#evidence-panel",
    )
