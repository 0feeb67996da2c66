"""Writes of the reports app: the user's calendar feed token, and the co-chairs' narratives
in the progress reports."""

from typing import Final

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.charter.access import group_access
from apps.charter.models import SignOffSide, WorkingGroup
from apps.core.conflict import Conflict, ConflictRow
from apps.core.time import today_for
from apps.reports.models import ReportNarrative
from apps.reports.periods import Period

# --- progress-report narratives --------------------------------------------------------------

#: The longest narrative a co-chair can save, in characters (about two printed pages).
NARRATIVE_MAX_LENGTH: Final = 6000


def _narrative_conflict(narrative: ReportNarrative, attempted: str) -> Conflict:
    return Conflict(
        current=narrative,
        attempted={"text": attempted},
        author=narrative.updated_by,
        changed_at=narrative.updated_at,
        rows=[
            ConflictRow(
                label=str(_("Narrative")), theirs=narrative.text, yours=attempted, long=True
            )
        ],
    )


def clean_narrative_text(text: str) -> str:
    """Plain text with Unix line ends and no surrounding blanks; too long or holding a NUL
    character raises ValidationError."""
    if not isinstance(text, str):
        raise ValidationError(_("The narrative must be text."), code="invalid")
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if "\x00" in text:
        raise ValidationError(_("The narrative cannot contain null characters."), code="null")
    if len(text) > NARRATIVE_MAX_LENGTH:
        raise ValidationError(
            _("The narrative is too long: at most %(limit)d characters, and it has %(length)d."),
            code="max_length",
            params={"limit": NARRATIVE_MAX_LENGTH, "length": len(text)},
        )
    return text


def report_narrative_save(
    *,
    group: WorkingGroup,
    period: Period,
    side: str,
    user: User,
    text: str,
    version: int,
) -> ReportNarrative:
    """Save the co-chair's narrative for their side of the group's report for ``period``.

    Only the group's co-chair for ``side`` may (``PermissionDenied`` for anyone else, staff
    included: the narrative is that co-chair's account). ``version`` is the version the
    co-chair loaded, 0 when there was no narrative yet; if the narrative has moved on since,
    ``Conflict`` is raised and nothing is written. Saving the same text again changes nothing.
    """
    if side not in SignOffSide.values:
        raise ValidationError(_("Choose the Azerbaijani or the US side."), code="side")
    access = group_access(user=user, group=group)
    if not access.can_view or access.signing_side != side:
        raise PermissionDenied(
            gettext("Only the group's co-chair for this side can write its narrative.")
        )
    if period.start > today_for(user):
        raise ValidationError(_("This period has not started yet."), code="future")
    text = clean_narrative_text(text)
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise ValidationError(_("The form is out of date: reload the page."), code="version")
    key = {"group": group, "period_start": period.start, "side": side}
    with transaction.atomic():
        narrative = (
            ReportNarrative.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .filter(**key)
            .first()
        )
        if narrative is None:
            if version != 0:
                raise ValidationError(
                    _("The form is out of date: reload the page."), code="version"
                )
            try:
                with transaction.atomic():
                    return ReportNarrative.objects.create(
                        **key, text=text, version=1, updated_by=user
                    )
            except IntegrityError:
                # Written a moment ago in another tab: the same as a stale version.
                narrative = ReportNarrative.objects.select_related("updated_by").get(**key)
                raise _narrative_conflict(narrative, text) from None
        if version != narrative.version:
            raise _narrative_conflict(narrative, text)
        if narrative.text == text:
            return narrative
        narrative.text = text
        narrative.version += 1
        narrative.updated_by = user
        narrative.save(update_fields=["text", "version", "updated_by", "updated_at"])
        return narrative
