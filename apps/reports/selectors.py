"""Reads for the quarterly progress reports.

Every function here runs a fixed number of queries, whatever the number of milestones,
meetings or members: per-group figures are aggregated by the database in one pass, lists are
cut off in SQL.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from apps.charter.models import Charter, Membership, Role, WorkingGroup
from apps.core.lists import FirstOf
from apps.meetings.models import (
    Decision,
)
from apps.milestones.models import OPEN_STATUSES, Milestone, MilestoneUpdate, Status
from apps.milestones.rag import (
    rag_expression,
    rag_reason_annotations,
)
from apps.reports.models import ReportNarrative
from apps.reports.periods import Period, available_periods

# --- progress reports ------------------------------------------------------------------------

#: How many rows each list of a report shows per group; the counts beside them are exact.
REPORT_LIST_LIMIT = 100


@dataclass(frozen=True)
class ReportMoment:
    """What a report describes: ``period``, seen at ``at`` (the charter day ``day``).

    The current period is seen as it is now (``live``); a closed period as it stood at its
    end (midnight UTC at the start of the next quarter), reconstructed from the milestones'
    progress log.
    """

    period: Period
    live: bool
    day: dt.date
    at: dt.datetime

    @classmethod
    def of(cls, period: Period, *, today: dt.date, now: dt.datetime) -> "ReportMoment":
        if period == Period.of(today):
            return cls(period=period, live=True, day=today, at=now)
        return cls(period=period, live=False, day=period.end, at=period.end_at)


def report_charter(*, today: dt.date) -> tuple[Charter | None, list[Period]]:
    """The charter (for the report's title block) and the periods a report can be asked
    for, latest first: from the quarter the charter was signed in to the current one. One
    query (the charter)."""
    charter = (
        Charter.objects.order_by("-signed_on")
        .only("signed_on", "title_en", "title_az", "title_ru")
        .first()
    )
    periods = available_periods(first_day=charter.signed_on if charter else None, today=today)
    return charter, periods


def report_periods(*, today: dt.date) -> list[Period]:
    """The periods of ``report_charter``, without the charter. One query."""
    return report_charter(today=today)[1]


def status_at(at: dt.datetime) -> Case:
    """The status a milestone had at the moment ``at``, read from its progress log: the new
    status of the last entry before ``at`` or, when there is none, the old status of the
    first entry after it (or its status now, when it has no log at all). NULL when the
    milestone did not exist yet."""
    updates = MilestoneUpdate.objects.filter(milestone=OuterRef("pk"))
    before = (
        updates.filter(created_at__lt=at)
        .exclude(new_status="")
        .order_by("-created_at", "-pk")
        .values("new_status")[:1]
    )
    after = (
        updates.filter(created_at__gte=at)
        .exclude(old_status="")
        .order_by("created_at", "pk")
        .values("old_status")[:1]
    )
    return Case(
        When(created_at__gte=at, then=Value(None)),
        default=Coalesce(Subquery(before), Subquery(after), F("status")),
        output_field=CharField(),
    )


def _milestones_then(moment: ReportMoment) -> QuerySet:
    """Milestones with ``status_then``: their status at the report's moment."""
    if moment.live:
        return Milestone.objects.annotate(status_then=F("status"))
    return Milestone.objects.annotate(status_then=status_at(moment.at))


def _rag_arguments(moment: ReportMoment) -> dict:
    """The arguments of ``apps.milestones.rag`` for the report's moment. Live: the status
    today; else the milestones' statuses then, and the progress logged until then."""
    if moment.live:
        return {"today": moment.day}
    return {
        "today": moment.day,
        "milestones": _milestones_then(moment),
        "status": "status_then",
        "progress_before": moment.at,
    }


def rag_then_expression(moment: ReportMoment) -> Case:
    """The RAG status (``apps.milestones.rag``) of the working group whose id is
    ``OuterRef("pk")``, as it stood at the report's moment. Live: the status today."""
    return rag_expression(**_rag_arguments(moment))


def rag_reasons_then(moment: ReportMoment) -> dict:
    """The counts that explain ``rag_then_expression(moment)`` (``apps.milestones.rag``)."""
    return rag_reason_annotations(**_rag_arguments(moment))


def report_groups(*, groups: QuerySet, moment: ReportMoment) -> list[WorkingGroup]:
    """``groups`` (a queryset of working groups) with ``rag`` at the report's moment and the
    counts that explain it (for ``rag_reason``). One query."""
    return list(
        groups.annotate(rag=rag_then_expression(moment), **rag_reasons_then(moment)).order_by(
            "position", "slug"
        )
    )


def _capped_per_group(
    queryset: QuerySet, *, group_field: str, order_by: list, limit: int
) -> dict[int, FirstOf]:
    """The first ``limit`` rows of ``queryset`` per group (in ``order_by`` order) and each
    group's total, in one query: the database numbers and counts the rows of each group with
    window functions and returns only the first ``limit`` of each."""
    rows = (
        queryset.annotate(
            report_group=F(group_field),
            report_rank=Window(RowNumber(), partition_by=[F(group_field)], order_by=order_by),
            report_total=Window(Count("*"), partition_by=[F(group_field)]),
        )
        .filter(report_rank__lte=limit)
        .order_by(group_field, "report_rank")
    )
    items: dict[int, list] = {}
    totals: dict[int, int] = {}
    for row in rows:
        items.setdefault(row.report_group, []).append(row)
        totals[row.report_group] = row.report_total
    return {
        group: FirstOf(items=rows, more=totals[group] - len(rows)) for group, rows in items.items()
    }


def report_completed(
    *, group_ids: list[int], moment: ReportMoment, limit: int = REPORT_LIST_LIMIT
) -> dict[int, FirstOf]:
    """Milestones completed in the period (done now, completed between its start and end),
    in the order they were completed."""
    period = moment.period
    milestones = Milestone.objects.filter(
        group_id__in=group_ids,
        status=Status.DONE,
        completed_at__gte=period.start_at,
        completed_at__lt=period.end_at,
    ).select_related("owner")
    return _capped_per_group(
        milestones,
        group_field="group_id",
        order_by=[F("completed_at").asc(), F("pk").asc()],
        limit=limit,
    )


def _open_due(
    *, group_ids: list[int], moment: ReportMoment, limit: int, **due_date
) -> dict[int, FirstOf]:
    """Milestones open at the report's moment whose due date passes the ``due_date__*``
    lookups, oldest due date first, with ``status_then``."""
    milestones = (
        _milestones_then(moment)
        .filter(
            group_id__in=group_ids,
            status_then__in=OPEN_STATUSES,
            **{f"due_date__{lookup}": day for lookup, day in due_date.items()},
        )
        .select_related("owner")
    )
    return _capped_per_group(
        milestones,
        group_field="group_id",
        order_by=[F("due_date").asc(), F("pk").asc()],
        limit=limit,
    )


def report_overdue(
    *, group_ids: list[int], moment: ReportMoment, limit: int = REPORT_LIST_LIMIT
) -> dict[int, FirstOf]:
    """Milestones overdue at the report's moment (open then, due before its charter day),
    oldest due date first, with ``status_then``."""
    return _open_due(group_ids=group_ids, moment=moment, limit=limit, lt=moment.day)


def report_due_later(
    *, group_ids: list[int], moment: ReportMoment, limit: int = REPORT_LIST_LIMIT
) -> dict[int, FirstOf]:
    """Milestones open at the report's moment and due later in the period: from its charter
    day (today included) to the period's last day, by due date. Together with
    ``report_overdue`` (due before that day) every milestone open and due in the period is
    in one list. Empty for a closed period, whose day is the end of the period."""
    return _open_due(
        group_ids=group_ids, moment=moment, limit=limit, gte=moment.day, lt=moment.period.end
    )


def report_coming(
    *, group_ids: list[int], moment: ReportMoment, limit: int = REPORT_LIST_LIMIT
) -> dict[int, FirstOf]:
    """Milestones due in the next period and open at the report's moment, by due date."""
    following = moment.period.next
    return _open_due(
        group_ids=group_ids, moment=moment, limit=limit, gte=following.start, lt=following.end
    )


def report_decisions(
    *, group_ids: list[int], moment: ReportMoment, limit: int = REPORT_LIST_LIMIT
) -> dict[int, FirstOf]:
    """Decisions recorded at the groups' meetings held in the period, by meeting date."""
    period = moment.period
    decisions = Decision.objects.filter(
        meeting__group_id__in=group_ids,
        meeting__starts_at__gte=period.start_at,
        meeting__starts_at__lt=period.end_at,
    ).select_related("meeting")
    return _capped_per_group(
        decisions,
        group_field="meeting__group_id",
        order_by=[F("meeting__starts_at").asc(), F("meeting_id").asc(), F("pk").asc()],
        limit=limit,
    )


def report_narratives(*, group_ids: list[int], period: Period) -> dict[tuple[int, str], Any]:
    """The co-chairs' narratives for the period, by (group id, side). One query."""
    narratives = ReportNarrative.objects.filter(
        group_id__in=group_ids, period_start=period.start
    ).select_related("updated_by")
    return {(narrative.group_id, narrative.side): narrative for narrative in narratives}


def report_cochairs(*, group_ids: list[int]) -> dict[tuple[int, str], Membership]:
    """The groups' co-chairs with their users, by (group id, side). One query."""
    cochairs = (
        Membership.objects.filter(group_id__in=group_ids, role=Role.CO_CHAIR)
        .select_related("user")
        .order_by()
    )
    return {(membership.group_id, membership.side): membership for membership in cochairs}
