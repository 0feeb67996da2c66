"""The red / amber / green (RAG) status of a working group, computed by the database.

The rule, over the group's open milestones (planned, in progress, at risk, blocked or awaiting
sign-off; done and cancelled milestones never count):

* **Red** if any of them is overdue (due before today) or blocked.
* **Amber** otherwise, if any of them is at risk, or is due within the next 14 days (today
  included) and has had no progress logged — no entry in its progress log — in the last 14 days.
* **Green** otherwise, including a group with no open milestones.

"Today" is the reader's own calendar day (``apps.core.time.today_for``; the rule is in
docs/conventions.md, "Time"), the same day their milestone list and reminders use.
"The last 14 days" starts at midnight UTC fourteen days before today.

``annotate_rag()`` adds the status to a queryset of working groups as one SQL ``CASE`` over
``EXISTS`` subqueries, so it is computed by the database for all the groups at once and each
test stops at the first matching milestone (the milestone indexes on group, status and due
date answer it). Nothing is computed per milestone in Python. The words shown for each status
are in ``templates/milestones/_rag.html``.

Why a group has its colour — how many of its open milestones are overdue, blocked, at risk or
stalled — comes from ``rag_reason_annotations()``: four counts per group, computed by the
database in the same query as the status (one correlated count each), over the same
milestones and with the same tests as the status. ``rag_reason()`` is the one place that words
them ("2 overdue · 1 blocked", "On track"); templates use it as ``group|rag_reason``
(milestone_tags).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext, ngettext

from apps.core.time import today_for
from apps.milestones.models import OPEN_STATUSES, Milestone, MilestoneUpdate, Status

RED = "red"
AMBER = "amber"
GREEN = "green"

#: Days ahead that count as "due soon", and days back that count as "recent progress".
WINDOW_DAYS = 14


def progress_window_start(today: dt.date) -> dt.datetime:
    """Progress logged at or after this moment counts as recent."""
    return dt.datetime.combine(today - dt.timedelta(days=WINDOW_DAYS), dt.time.min, tzinfo=dt.UTC)


@dataclass(frozen=True)
class _RagTests:
    """The group's open milestones that make it red (overdue, blocked) or amber (at risk,
    stalled): four querysets correlated to the group ``OuterRef(group_ref)``."""

    overdue: QuerySet
    blocked: QuerySet
    at_risk: QuerySet
    stalled: QuerySet


def _rag_tests(
    *,
    today: dt.date | None,
    group_ref: str,
    milestones: QuerySet | None,
    status: str,
    progress_before: dt.datetime | None,
) -> _RagTests:
    today = today or today_for()
    milestones = (Milestone.objects if milestones is None else milestones).filter(
        group=OuterRef(group_ref)
    )
    open_milestones = milestones.filter(**{f"{status}__in": OPEN_STATUSES})
    recent_progress = MilestoneUpdate.objects.filter(
        milestone=OuterRef("pk"), created_at__gte=progress_window_start(today)
    )
    if progress_before is not None:
        recent_progress = recent_progress.filter(created_at__lt=progress_before)
    return _RagTests(
        overdue=open_milestones.filter(due_date__lt=today),
        blocked=open_milestones.filter(**{status: Status.BLOCKED}),
        at_risk=open_milestones.filter(**{status: Status.AT_RISK}),
        stalled=open_milestones.filter(
            due_date__gte=today, due_date__lte=today + dt.timedelta(days=WINDOW_DAYS)
        ).exclude(Exists(recent_progress)),
    )


def rag_expression(
    *,
    today: dt.date | None = None,
    group_ref: str = "pk",
    milestones: QuerySet | None = None,
    status: str = "status",
    progress_before: dt.datetime | None = None,
) -> Case:
    """The RAG status of the working group whose id is ``OuterRef(group_ref)``.

    By default the group's milestones as they are now. A report of a past quarter passes the
    milestones annotated with their status then (``milestones``, and the annotation's name as
    ``status``) and its moment (``progress_before``: progress logged later does not count)."""
    tests = _rag_tests(
        today=today,
        group_ref=group_ref,
        milestones=milestones,
        status=status,
        progress_before=progress_before,
    )
    return Case(
        When(Exists(tests.overdue) | Exists(tests.blocked), then=Value(RED)),
        When(Exists(tests.at_risk) | Exists(tests.stalled), then=Value(AMBER)),
        default=Value(GREEN),
        output_field=CharField(),
    )


#: The annotations ``rag_reason_annotations()`` adds, which ``rag_reason()`` reads.
REASON_FIELDS = ("rag_overdue", "rag_blocked", "rag_at_risk", "rag_stalled")


def _count(queryset: QuerySet) -> Coalesce:
    counts = queryset.order_by().values("group").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def rag_reason_annotations(
    *,
    today: dt.date | None = None,
    group_ref: str = "pk",
    milestones: QuerySet | None = None,
    status: str = "status",
    progress_before: dt.datetime | None = None,
) -> dict[str, Coalesce]:
    """Why the group ``OuterRef(group_ref)`` has its RAG status: how many of its open
    milestones are overdue, blocked, at risk and stalled (``REASON_FIELDS``), by the same tests
    and with the same arguments as ``rag_expression()``. ``groups.annotate(**...)``: still one
    query for all the groups."""
    tests = _rag_tests(
        today=today,
        group_ref=group_ref,
        milestones=milestones,
        status=status,
        progress_before=progress_before,
    )
    return {
        "rag_overdue": _count(tests.overdue),
        "rag_blocked": _count(tests.blocked),
        "rag_at_risk": _count(tests.at_risk),
        "rag_stalled": _count(tests.stalled),
    }


def rag_reason(*, rag: str, overdue: int, blocked: int, at_risk: int, stalled: int) -> str:
    """The words for why a group is ``rag``: what made it red ("2 overdue · 1 blocked"), or
    amber ("1 at risk · 1 stalled"), or "On track" for green."""
    if rag == GREEN:
        return gettext("On track")
    if rag == RED:
        parts = [
            ngettext("%(count)d overdue", "%(count)d overdue", overdue) % {"count": overdue},
            ngettext("%(count)d blocked", "%(count)d blocked", blocked) % {"count": blocked},
        ]
        counts = [overdue, blocked]
    else:
        parts = [
            ngettext("%(count)d at risk", "%(count)d at risk", at_risk) % {"count": at_risk},
            ngettext("%(count)d stalled", "%(count)d stalled", stalled) % {"count": stalled},
        ]
        counts = [at_risk, stalled]
    return " · ".join(part for part, count in zip(parts, counts, strict=True) if count)


def rag_reason_of(obj) -> str:
    """``rag_reason()`` of an object (a working group) annotated with ``rag`` and
    ``rag_reason_annotations()``."""
    return rag_reason(
        rag=obj.rag,
        overdue=obj.rag_overdue,
        blocked=obj.rag_blocked,
        at_risk=obj.rag_at_risk,
        stalled=obj.rag_stalled,
    )


def annotate_rag(
    groups: QuerySet, *, today: dt.date | None = None, reasons: bool = False
) -> QuerySet:
    """Annotate each working group of ``groups`` with ``rag``: "red", "amber" or "green";
    with ``reasons``, also the counts that explain it (``REASON_FIELDS``, for ``rag_reason``)."""
    annotations = rag_reason_annotations(today=today) if reasons else {}
    return groups.annotate(rag=rag_expression(today=today), **annotations)
