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
"""

import datetime as dt

from django.db.models import Case, CharField, Exists, OuterRef, QuerySet, Value, When

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
    overdue = Exists(open_milestones.filter(due_date__lt=today))
    blocked = Exists(open_milestones.filter(**{status: Status.BLOCKED}))
    at_risk = Exists(open_milestones.filter(**{status: Status.AT_RISK}))
    stalled = Exists(
        open_milestones.filter(
            due_date__gte=today, due_date__lte=today + dt.timedelta(days=WINDOW_DAYS)
        ).exclude(Exists(recent_progress))
    )
    return Case(
        When(overdue | blocked, then=Value(RED)),
        When(at_risk | stalled, then=Value(AMBER)),
        default=Value(GREEN),
        output_field=CharField(),
    )


def annotate_rag(groups: QuerySet, *, today: dt.date | None = None) -> QuerySet:
    """Annotate each working group of ``groups`` with ``rag``: "red", "amber" or "green"."""
    return groups.annotate(rag=rag_expression(today=today))
