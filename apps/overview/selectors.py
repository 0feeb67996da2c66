"""Reads for the dashboard and the group page.

Every function here runs a fixed number of queries, whatever the number of milestones,
meetings or members: per-group figures are aggregated by the database in one pass, lists are
cut off in SQL.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber, TruncWeek

from apps.charter.models import Membership, Role, WorkingGroup
from apps.charter.selectors import groups_visible_to
from apps.core.lists import FirstOf
from apps.meetings.models import (
    ActionItem,
    ActionItemStatus,
    Meeting,
    MinutesAdoption,
    MinutesState,
)
from apps.milestones.models import OPEN_STATUSES, Milestone, SignOff, Status
from apps.milestones.rag import (
    AMBER,
    GREEN,
    REASON_FIELDS,
    RED,
    annotate_rag,
    rag_expression,
    rag_reason_annotations,
)
from apps.overview.charts import TIMELINE_LIMIT, TimelineMark

#: How many entries each "My work" list shows before "more".
MY_WORK_LIMIT = 10
#: How many open milestones the group page lists.
GROUP_MILESTONES_LIMIT = 15
#: How many upcoming and how many past meetings the group page lists.
GROUP_MEETINGS_LIMIT = 3


@dataclass(frozen=True)
class Figures:
    """A group's milestone figures. ``live`` counts every milestone that is not cancelled."""

    live: int = 0
    done: int = 0
    open: int = 0
    overdue: int = 0
    mean_progress: float | None = None
    next_due_date: dt.date | None = None

    @property
    def done_percent(self) -> int | None:
        """Share of milestones done, of those not cancelled, in whole percent."""
        return round(self.done * 100 / self.live) if self.live else None

    @property
    def mean_progress_percent(self) -> int | None:
        return None if self.mean_progress is None else round(self.mean_progress)


@dataclass
class MyWork:
    milestones: FirstOf
    action_items: FirstOf
    signoffs: FirstOf
    minutes: FirstOf
    empty: bool = field(init=False)

    def __post_init__(self) -> None:
        self.empty = not (self.milestones or self.action_items or self.signoffs or self.minutes)


#: Worst first: the order of the dashboard's group cards.
RAG_ORDER = {RED: 0, AMBER: 1, GREEN: 2}


@dataclass(frozen=True)
class GroupStatus:
    """A group's RAG status and the counts that explain it (``apps.milestones.rag``)."""

    rag: str
    rag_overdue: int = 0
    rag_blocked: int = 0
    rag_at_risk: int = 0
    rag_stalled: int = 0


def _count_per_group(queryset: QuerySet) -> Coalesce:
    counts = (
        queryset.filter(group=OuterRef("pk")).order_by().values("group").annotate(n=Count("pk"))
    )
    return Coalesce(Subquery(counts.values("n"), output_field=IntegerField()), 0)


def milestone_figures(*, today: dt.date, groups=None) -> dict[int, Figures]:
    """Figures per group id, for the groups in ``groups`` (ids, or a queryset of them; all
    groups when None), in one aggregate query over their milestones. Groups without
    milestones are missing from the dict.

    The database groups by group and status (no per-row status tests; the index on group,
    status, due date and progress answers it alone, in order, on a vacuumed table), and the
    few rows per group are summed up here.
    """
    milestones = (
        Milestone.objects.all() if groups is None else Milestone.objects.filter(group__in=groups)
    )
    rows = (
        milestones.order_by()
        .values_list("group_id", "status")
        .annotate(
            n=Count("*"),
            progress=Sum("progress"),
            # due_date, never null, rather than the id: the index holds it.
            overdue=Count("due_date", filter=Q(due_date__lt=today)),
            next_due_date=Min("due_date", filter=Q(due_date__gte=today)),
        )
    )
    totals: dict[int, dict] = {}
    for group_id, status, n, progress, overdue, next_due_date in rows:
        total = totals.setdefault(
            group_id, {"live": 0, "done": 0, "open": 0, "overdue": 0, "sum": 0, "next": None}
        )
        if status == Status.CANCELLED:
            continue
        total["live"] += n
        total["sum"] += progress or 0
        if status == Status.DONE:
            total["done"] += n
        elif status in OPEN_STATUSES:
            total["open"] += n
            total["overdue"] += overdue
            if next_due_date is not None and (
                total["next"] is None or next_due_date < total["next"]
            ):
                total["next"] = next_due_date
    return {
        group_id: Figures(
            live=total["live"],
            done=total["done"],
            open=total["open"],
            overdue=total["overdue"],
            mean_progress=total["sum"] / total["live"] if total["live"] else None,
            next_due_date=total["next"],
        )
        for group_id, total in totals.items()
    }


def next_due_milestones(*, figures: dict[int, Figures]) -> dict[int, Milestone]:
    """The next open milestone of each group (its ``next_due_date``, lowest id on a tie), in one
    query: the database picks the first of each group with a window function."""
    due = Q()
    for group_id, group_figures in figures.items():
        if group_figures.next_due_date is not None:
            due |= Q(group_id=group_id, due_date=group_figures.next_due_date)
    if not due:
        return {}
    milestones = (
        Milestone.objects.filter(due, status__in=OPEN_STATUSES)
        .annotate(rank=Window(RowNumber(), partition_by=[F("group_id")], order_by=F("id").asc()))
        .filter(rank=1)
        .only("id", "group_id", "title", "due_date", "status")
    )
    return {milestone.group_id: milestone for milestone in milestones}


def dashboard_groups(*, user, today: dt.date, now: dt.datetime) -> list[WorkingGroup]:
    """The groups ``user`` may see, as dashboard cards, worst first (red, amber, green; in
    their own order within each): ``rag`` and its reasons (``rag_overdue`` ...,
    ``apps.milestones.rag.REASON_FIELDS``), ``member_count``, ``figures`` (Figures),
    ``next_due`` (a Milestone or None) and the next meeting (``next_meeting_id``,
    ``next_meeting_title``, ``next_meeting_at``). Three queries."""
    groups = groups_visible_to(user=user)
    upcoming = Meeting.objects.filter(group=OuterRef("pk"), starts_at__gte=now).order_by(
        "starts_at", "pk"
    )
    cards = list(
        annotate_rag(groups, today=today, reasons=True).annotate(
            member_count=_count_per_group(Membership.objects.all()),
            next_meeting_id=Subquery(upcoming.values("pk")[:1]),
            next_meeting_title=Subquery(upcoming.values("title")[:1]),
            next_meeting_at=Subquery(upcoming.values("starts_at")[:1]),
        )
    )
    # Every group's figures, of which only the visible groups' cards show theirs: one plain
    # pass over the (group, status, ...) index, which the database plans well whatever it
    # knows of the table, where a filter on the visible groups can lead it astray.
    visible = {card.pk for card in cards}
    figures = {pk: row for pk, row in milestone_figures(today=today).items() if pk in visible}
    next_due = next_due_milestones(figures=figures)
    for card in cards:
        card.figures = figures.get(card.pk, Figures())
        card.next_due = next_due.get(card.pk)
    cards.sort(key=lambda card: RAG_ORDER.get(card.rag, len(RAG_ORDER)))  # stable
    return cards


def my_work(*, user, limit: int = MY_WORK_LIMIT) -> MyWork:
    """What waits for ``user``, in groups they may see: open milestones they own (soonest
    first), open action items assigned to them, and — where they are a co-chair — milestones
    awaiting their side's sign-off and draft minutes their side has not adopted. Four queries.
    """
    visible = groups_visible_to(user=user).values("pk")
    milestones = (
        Milestone.objects.filter(owner=user, status__in=OPEN_STATUSES, group__in=visible)
        .select_related("group")
        .order_by("due_date", "pk")
    )
    action_items = (
        ActionItem.objects.filter(
            owner=user, status=ActionItemStatus.OPEN, meeting__group__in=visible
        )
        .select_related("meeting", "meeting__group")
        .order_by(F("due_date").asc(nulls_last=True), "pk")
    )
    # The side the user signs for in the item's group, when they co-chair it.
    my_side = Membership.objects.filter(
        user=user, role=Role.CO_CHAIR, group=OuterRef("group")
    ).order_by()  # no default ordering: it would join groups and users for nothing
    cochaired = Membership.objects.filter(user=user, role=Role.CO_CHAIR).values("group")
    signoffs = (
        Milestone.objects.filter(status=Status.AWAITING_SIGNOFF, group__in=cochaired)
        .annotate(my_side=Subquery(my_side.values("side")[:1]))
        .exclude(Exists(SignOff.objects.filter(milestone=OuterRef("pk"), side=OuterRef("my_side"))))
        .select_related("group")
        .order_by("due_date", "pk")
    )
    minutes = (
        Meeting.objects.filter(minutes_state=MinutesState.DRAFT, group__in=cochaired)
        .exclude(minutes="")
        .annotate(my_side=Subquery(my_side.values("side")[:1]))
        .exclude(
            Exists(MinutesAdoption.objects.filter(meeting=OuterRef("pk"), side=OuterRef("my_side")))
        )
        .select_related("group")
        .order_by("starts_at", "pk")
    )
    return MyWork(
        milestones=FirstOf.from_query(milestones, limit=limit),
        action_items=FirstOf.from_query(action_items, limit=limit),
        signoffs=FirstOf.from_query(signoffs, limit=limit),
        minutes=FirstOf.from_query(minutes, limit=limit),
    )


def group_overview(*, group: WorkingGroup, today: dt.date) -> tuple[GroupStatus, Figures]:
    """The group's RAG status with its reasons, and its figures. Two queries."""
    status = (
        WorkingGroup.objects.filter(pk=group.pk)
        .annotate(rag=rag_expression(today=today), **rag_reason_annotations(today=today))
        .values("rag", *REASON_FIELDS)
        .get()
    )
    figures = milestone_figures(groups=[group.pk], today=today).get(group.pk, Figures())
    return GroupStatus(**status), figures


def group_open_milestones(*, group: WorkingGroup, limit: int = GROUP_MILESTONES_LIMIT) -> FirstOf:
    """Open milestones by due date: the overdue ones first, then the next due.

    On PostgreSQL this is a UNION ALL of one short, index-ordered scan per open status (the
    index on group, status and due date gives each status in due-date order; a single
    ``status IN (...)`` scan would read and sort every open milestone of the group). SQLite
    cannot order and slice the parts of a compound query, and gets the plain query.
    """
    milestones = Milestone.objects.filter(group=group).select_related("owner")
    if connection.features.supports_slicing_ordering_in_compound:
        parts = [
            milestones.filter(status=status).order_by("due_date", "pk")[: limit + 1]
            for status in OPEN_STATUSES
        ]
        ordered = parts[0].union(*parts[1:], all=True).order_by("due_date", "pk")
    else:
        ordered = milestones.filter(status__in=OPEN_STATUSES).order_by("due_date", "pk")
    return FirstOf.from_query(ordered, limit=limit)


def group_meetings(
    *, group: WorkingGroup, now: dt.datetime, limit: int = GROUP_MEETINGS_LIMIT
) -> tuple[list[Meeting], list[Meeting]]:
    """The next ``limit`` meetings (soonest first) and the last ``limit`` (latest first)."""
    meetings = Meeting.objects.filter(group=group).only(
        "id", "group_id", "title", "starts_at", "time_zone", "location", "minutes_state"
    )
    upcoming = list(meetings.filter(starts_at__gte=now).order_by("starts_at", "pk")[:limit])
    past = list(meetings.filter(starts_at__lt=now).order_by("-starts_at", "-pk")[:limit])
    return upcoming, past


def timeline_marks(*, group: WorkingGroup, limit: int = TIMELINE_LIMIT) -> list[TimelineMark]:
    """The group's milestones that are not cancelled, by due date, for the timeline: the
    first ``limit`` of them, in one query (the index on group and due date gives them in
    order). How many were left out follows from the group's figures (``live``)."""
    rows = (
        Milestone.objects.filter(group=group)
        .exclude(status=Status.CANCELLED)
        .order_by("due_date", "pk")
        .values_list("pk", "title", "due_date", "status")[:limit]
    )
    return [
        TimelineMark(pk=pk, title=title, due_date=due, status=status)
        for pk, title, due, status in rows
    ]


def completed_per_week(*, group_ids) -> dict[dt.date, int]:
    """How many milestones of the groups ``group_ids`` were completed each week (weeks start
    on Monday, in UTC): one aggregate query, a row per week whatever the number of milestones."""
    rows = (
        Milestone.objects.filter(group_id__in=list(group_ids), status=Status.DONE)
        .order_by()
        .annotate(week=TruncWeek("completed_at", tzinfo=dt.UTC))
        .values_list("week")
        .annotate(n=Count("*"))
    )
    per_week: dict[dt.date, int] = {}
    for week, n in rows:
        if week is None:
            continue
        day = week.date() if isinstance(week, dt.datetime) else week
        per_week[day] = per_week.get(day, 0) + n
    return per_week
