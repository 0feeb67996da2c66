"""Reads for notifications.

The reminder scan (`reminders_due`) and the digest build (`digests_due`, `digest_preview`)
are batched: each loads what it needs per kind of object with a constant number of queries,
whatever the number of recipients or milestones, and groups it in Python.

When is something due? Every recipient lives by their own clock (User.time_zone): an email
for a local day is decided from 08:00 that local day on, and any run later the same local
day still decides it (catch-up after a missed run, or a broker that was down). A run before
08:00 local decides nothing for that day yet. A day that passed entirely without a run is
not sent late: its reminder would be stale, and the next occurrence comes anyway.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Max, QuerySet

from apps.accounts.models import DigestFrequency, User
from apps.charter.models import Membership, Role, WorkingGroup
from apps.core.lists import FirstOf
from apps.core.time import zone_named
from apps.meetings.models import (
    ActionItem,
    ActionItemStatus,
    Attendance,
    AttendanceStatus,
    Decision,
    Meeting,
)
from apps.milestones.models import OPEN_STATUSES, Milestone, MilestoneUpdate, Status
from apps.notifications.emails import (
    digest_group_fragment,
    group_url,
    meeting_url,
    milestone_url,
)
from apps.notifications.models import REMINDER_KINDS, EmailKind, EmailLog, EmailState

MORNING = time(8, 0)
#: Claims for today's occurrences were decided within this long before `now`.
CLAIM_LOOKBACK = timedelta(days=2)
#: Overdue milestones go to the group's co-chairs too from this many weeks overdue on
#: ("overdue by more than 7 days": the weekly reminders at 14, 21, … days).
ESCALATE_FROM_WEEK = 2
DIGEST_AHEAD_DAYS = 14
DIGEST_DEFAULT_WINDOW = {DigestFrequency.DAILY: timedelta(days=1)}
DIGEST_FALLBACK_WINDOW = timedelta(days=7)
#: A digest covers at most this much history, however long ago the last one was.
DIGEST_MAX_WINDOW = timedelta(days=31)
#: Items listed per section of a group in a digest; the rest are counted, with a link.
SECTION_CAP = 10
#: A digest that was decided and not given up on counts as "received" for the next window.
DIGEST_COUNTED_STATES = (EmailState.QUEUED, EmailState.SENDING, EmailState.SENT, EmailState.CHECK)

RECIPIENT_FIELDS = (
    "id",
    "email",
    "display_name",
    "language",
    "time_zone",
    "reminder_lead_days",
    "reminders_enabled",
    "digest_frequency",
    "is_active",
)


def local_morning(*, tz_name: str, now: datetime) -> tuple[date, datetime] | None:
    """(the local date, 08:00 that day in UTC) when it is 08:00 or later locally; else None."""
    tz = zone_named(tz_name)
    local = now.astimezone(tz)
    morning = datetime.combine(local.date(), MORNING, tzinfo=tz)
    if local < morning:
        return None
    return local.date(), morning.astimezone(UTC)


def local_today(*, tz_name: str, now: datetime) -> date:
    return now.astimezone(zone_named(tz_name)).date()


def next_morning(*, tz_name: str, now: datetime, weekly: bool) -> datetime:
    """The next local 08:00 (a Monday's when weekly) at or after `now`, in UTC."""
    tz = zone_named(tz_name)
    day = now.astimezone(tz).date()
    while True:
        morning = datetime.combine(day, MORNING, tzinfo=tz)
        if morning >= now and (not weekly or day.weekday() == 0):
            return morning.astimezone(UTC)
        day += timedelta(days=1)


# What the templates get --------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneRef:
    id: int
    title: str
    due_date: date
    status: str
    progress: int
    group: WorkingGroup
    owner_name: str = ""

    @property
    def url(self) -> str:
        return milestone_url(self.id)

    @property
    def status_label(self) -> str:
        return Status.label_of(self.status)

    kind = "milestone"


@dataclass(frozen=True)
class ActionRef:
    id: int
    title: str
    due_date: date
    meeting_id: int
    meeting_title: str
    group: WorkingGroup
    owner_name: str = ""

    @property
    def url(self) -> str:
        return meeting_url(self.meeting_id)

    kind = "action"


@dataclass(frozen=True)
class Planned:
    """An email a job has decided to send: its claim key, when, and what to render."""

    kind: str
    recipient: User
    subject_key: str
    period: str
    send_after: datetime
    template: str
    context: dict[str, Any]
    record: dict[str, Any]
    invite: Meeting | None = None  # attach this meeting's .ics

    @property
    def key(self) -> tuple[str, int, str, str]:
        return (self.kind, self.recipient.pk, self.subject_key, self.period)


def occurrence(*, due: date, today: date, lead_days: Iterable[int]) -> tuple[str, int] | None:
    """Which reminder, if any, falls on `today` for something due on `due`.

    ("lead", n) n days before; ("due", 0) on the day; ("overdue", weeks) every 7 days after.
    """
    delta = (due - today).days
    if delta > 0:
        return ("lead", delta) if delta in lead_days else None
    if delta == 0:
        return ("due", 0)
    if -delta % 7 == 0:
        return ("overdue", -delta // 7)
    return None


def period_for(which: tuple[str, int], today: date) -> str:
    name, number = which
    if name == "lead":
        return f"lead-{number}:{today.isoformat()}"
    if name == "due":
        return f"due:{today.isoformat()}"
    return f"overdue-w{number}:{today.isoformat()}"


def claimed_keys(*, kinds: Iterable[str], now: datetime) -> set[tuple[str, int, str, str]]:
    """Claims decided recently: whatever is due today was decided within CLAIM_LOOKBACK."""
    return set(
        EmailLog.objects.filter(kind__in=list(kinds), decided_at__gte=now - CLAIM_LOOKBACK)
        .order_by()
        .values_list("kind", "recipient_id", "subject_key", "period")
    )


def _recipients(**filters) -> QuerySet[User]:
    return User.objects.filter(is_active=True, **filters).only(*RECIPIENT_FIELDS).order_by()


def _groups() -> dict[int, WorkingGroup]:
    return {group.pk: group for group in WorkingGroup.objects.order_by()}


def lead_days(user: User) -> list[int]:
    """The user's reminder lead days; anything malformed (not possible through the forms)
    is ignored rather than stopping everyone's reminders."""
    value = user.reminder_lead_days
    if not isinstance(value, list):
        return []
    return [day for day in value if isinstance(day, int) and not isinstance(day, bool) and day > 0]


# Reminders ---------------------------------------------------------------------------------------


def reminders_due(*, now: datetime) -> list[Planned]:
    """Every reminder due at `now` and not claimed yet. Eight queries, however many rows."""
    users = {user.pk: user for user in _recipients(reminders_enabled=True)}
    mornings = {}
    for user in users.values():
        morning = local_morning(tz_name=user.time_zone, now=now)
        if morning is not None:
            mornings[user.pk] = morning
    leads = {pk: set(lead_days(user)) for pk, user in users.items()}
    longest_lead = max((max(days, default=0) for days in leads.values()), default=0)
    horizon = now.date() + timedelta(days=longest_lead + 2)

    groups = _groups()
    cochairs: dict[int, list[int]] = defaultdict(list)
    for group_id, user_id in (
        Membership.objects.filter(role=Role.CO_CHAIR)
        .order_by("group_id", "side")
        .values_list("group_id", "user_id")
    ):
        cochairs[group_id].append(user_id)
    milestones = (
        Milestone.objects.filter(status__in=OPEN_STATUSES, due_date__lte=horizon)
        .order_by("due_date", "id")
        .values_list(
            "id",
            "title",
            "due_date",
            "status",
            "progress",
            "group_id",
            "owner_id",
            "owner__display_name",
        )
    )
    actions = (
        ActionItem.objects.filter(
            status=ActionItemStatus.OPEN, owner__isnull=False, due_date__lte=horizon
        )
        .order_by("due_date", "id")
        .values_list(
            "id",
            "title",
            "due_date",
            "meeting_id",
            "meeting__title",
            "meeting__group_id",
            "owner_id",
            "owner__display_name",
        )
    )
    soon = (now, now + timedelta(days=3))
    meetings = {
        meeting.pk: meeting
        for meeting in Meeting.objects.filter(starts_at__range=soon)
        .only(
            "id",
            "title",
            "starts_at",
            "time_zone",
            "duration_minutes",
            "location",
            "link",
            "version",
            "updated_at",
            "group",
        )
        .order_by()
    }
    invited = Attendance.objects.filter(
        meeting__starts_at__range=soon,
        user__isnull=False,
        status__in=[AttendanceStatus.INVITED, AttendanceStatus.PRESENT],
    ).values_list("meeting_id", "user_id")
    claimed = claimed_keys(kinds=REMINDER_KINDS, now=now)

    planned: list[Planned] = []

    def add(item: Planned) -> None:
        if item.key not in claimed:
            claimed.add(item.key)
            planned.append(item)

    for row in milestones:
        _, _, due, _, _, group_id, owner_id, _ = row
        if owner_id in mornings:
            today, send_after = mornings[owner_id]
            which = occurrence(due=due, today=today, lead_days=leads[owner_id])
            if which is not None:
                ref = _milestone_ref(row, groups)
                add(_milestone_reminder(users[owner_id], ref, which, today, send_after))
        # Local dates run at most a day ahead of UTC: nobody can be 14 days overdue yet.
        if (now.date() - due).days < 7 * ESCALATE_FROM_WEEK - 1:
            continue
        for chair_id in cochairs.get(group_id, ()):
            if chair_id == owner_id or chair_id not in mornings:
                continue
            today, send_after = mornings[chair_id]
            which = occurrence(due=due, today=today, lead_days=())
            if which and which[0] == "overdue" and which[1] >= ESCALATE_FROM_WEEK:
                ref = _milestone_ref(row, groups)
                add(_milestone_escalation(users[chair_id], ref, which, today, send_after))

    for pk, title, due, meeting_id, meeting_title, group_id, owner_id, owner_name in actions:
        if owner_id not in mornings:
            continue
        today, send_after = mornings[owner_id]
        which = occurrence(due=due, today=today, lead_days=leads[owner_id])
        if which is None:
            continue
        ref = ActionRef(pk, title, due, meeting_id, meeting_title, groups[group_id], owner_name)
        add(_action_reminder(users[owner_id], ref, which, today, send_after))

    for meeting_id, user_id in invited:
        if user_id not in mornings or meeting_id not in meetings:
            continue
        user, meeting = users[user_id], meetings[meeting_id]
        today, send_after = mornings[user_id]
        starts_on = local_today(tz_name=user.time_zone, now=meeting.starts_at)
        if starts_on != today + timedelta(days=1):
            continue
        add(_meeting_reminder(user, meeting, groups[meeting.group_id], starts_on, send_after))
    return planned


def _milestone_ref(row: tuple, groups: dict[int, WorkingGroup]) -> MilestoneRef:
    pk, title, due, status, progress, group_id, _, owner_name = row
    return MilestoneRef(pk, title, due, status, progress, groups[group_id], owner_name or "")


def _milestone_reminder(user, ref: MilestoneRef, which, today: date, send_after) -> Planned:
    name, _ = which
    return Planned(
        kind=EmailKind.MILESTONE_REMINDER,
        recipient=user,
        subject_key=f"milestone:{ref.id}",
        period=period_for(which, today),
        send_after=send_after,
        template="milestone_reminder",
        context={"milestone": ref, "occurrence": name, "days": _days(which), "today": today},
        record={"milestone": ref.id, "due_date": ref.due_date.isoformat(), "occurrence": name},
    )


def _milestone_escalation(user, ref: MilestoneRef, which, today: date, send_after) -> Planned:
    return Planned(
        kind=EmailKind.MILESTONE_ESCALATION,
        recipient=user,
        subject_key=f"milestone:{ref.id}",
        period=period_for(which, today),
        send_after=send_after,
        template="milestone_escalation",
        context={"milestone": ref, "days": _days(which), "today": today},
        record={"milestone": ref.id, "due_date": ref.due_date.isoformat(), "occurrence": "overdue"},
    )


def _action_reminder(user, ref: ActionRef, which, today: date, send_after) -> Planned:
    name, _ = which
    return Planned(
        kind=EmailKind.ACTION_REMINDER,
        recipient=user,
        subject_key=f"action:{ref.id}",
        period=period_for(which, today),
        send_after=send_after,
        template="action_reminder",
        context={"action": ref, "occurrence": name, "days": _days(which), "today": today},
        record={"action": ref.id, "due_date": ref.due_date.isoformat(), "occurrence": name},
    )


def _meeting_reminder(user, meeting: Meeting, group, starts_on: date, send_after) -> Planned:
    return Planned(
        kind=EmailKind.MEETING_REMINDER,
        recipient=user,
        subject_key=f"meeting:{meeting.pk}",
        period=f"eve:{starts_on.isoformat()}",
        send_after=send_after,
        template="meeting_reminder",
        context={"meeting": meeting, "group": group, "meeting_url": meeting_url(meeting.pk)},
        record={"meeting": meeting.pk, "starts_at": meeting.starts_at.isoformat()},
        invite=meeting,
    )


def _days(which: tuple[str, int]) -> int:
    name, number = which
    return number * 7 if name == "overdue" else number


# Digests -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompletedItem:
    milestone: MilestoneRef
    at: datetime


@dataclass(frozen=True)
class UpdateItem:
    milestone_id: int
    title: str
    at: datetime
    author: str
    old_status: str
    new_status: str
    progress: int | None
    note: str

    @property
    def url(self) -> str:
        return milestone_url(self.milestone_id)

    @property
    def note_line(self) -> str:
        """The note on one line, for the plain-text email."""
        return " ".join(self.note.split())

    @property
    def old_label(self) -> str:
        return Status.label_of(self.old_status) if self.old_status else ""

    @property
    def new_label(self) -> str:
        return Status.label_of(self.new_status) if self.new_status else ""


@dataclass(frozen=True)
class MeetingItem:
    id: int
    title: str
    starts_at: datetime
    time_zone: str
    location: str
    decisions: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return meeting_url(self.id)


@dataclass(frozen=True)
class GroupDigest:
    group: WorkingGroup
    completed: FirstOf
    status_changes: FirstOf
    notes: FirstOf
    deadlines: FirstOf
    overdue: FirstOf
    meetings_held: FirstOf
    meetings_coming: FirstOf
    #: Rendered sections, per format, language and time zone: everyone in the group with the
    #: same window and local day shares this object, so each is rendered once per run.
    fragments: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def url(self) -> str:
        return group_url(self.group.slug)

    @property
    def html(self) -> str:
        return digest_group_fragment(self, "html")

    @property
    def text(self) -> str:
        return digest_group_fragment(self, "txt")

    @property
    def sections(self) -> tuple[FirstOf, ...]:
        return (
            self.completed,
            self.status_changes,
            self.notes,
            self.deadlines,
            self.overdue,
            self.meetings_held,
            self.meetings_coming,
        )

    @property
    def is_empty(self) -> bool:
        return not any(self.sections)


@dataclass(frozen=True)
class Digest:
    recipient: User
    frequency: str
    today: date
    since: datetime
    until: datetime
    groups: list[GroupDigest]

    @property
    def is_empty(self) -> bool:
        return not self.groups

    def total(self, name: str) -> int:
        return sum(getattr(group, name).total for group in self.groups)

    @property
    def counts(self) -> dict[str, int]:
        names = (
            "completed",
            "status_changes",
            "notes",
            "deadlines",
            "overdue",
            "meetings_held",
            "meetings_coming",
        )
        return {name: self.total(name) for name in names}


@dataclass
class _Timeline:
    """Items sorted by time, to cut at any `since` with a binary search."""

    items: list = field(default_factory=list)
    keys: list = field(default_factory=list)

    def add(self, at, item) -> None:
        self.keys.append(at)
        self.items.append(item)

    def sort(self) -> None:
        order = sorted(range(len(self.keys)), key=self.keys.__getitem__)
        self.keys = [self.keys[i] for i in order]
        self.items = [self.items[i] for i in order]

    def since(self, moment, *, newest_first: bool = True) -> FirstOf:
        start = bisect_left(self.keys, moment)
        total = len(self.items) - start
        if newest_first:
            chosen = self.items[len(self.items) - min(total, SECTION_CAP) :][::-1]
        else:
            chosen = self.items[start : start + SECTION_CAP]
        return FirstOf(items=chosen, more=total - len(chosen))


@dataclass
class _GroupData:
    group: WorkingGroup
    completed: _Timeline = field(default_factory=_Timeline)
    changes: _Timeline = field(default_factory=_Timeline)
    notes: _Timeline = field(default_factory=_Timeline)
    held: _Timeline = field(default_factory=_Timeline)
    coming: list = field(default_factory=list)
    open_items: list = field(default_factory=list)  # MilestoneRef / ActionRef by due date
    open_keys: list = field(default_factory=list)
    _by_day: dict = field(default_factory=dict)
    _by_since: dict = field(default_factory=dict)
    _digests: dict = field(default_factory=dict)

    def due_sections(self, today: date) -> tuple[FirstOf, FirstOf]:
        if today not in self._by_day:
            first = bisect_left(self.open_keys, today)
            last = bisect_right(self.open_keys, today + timedelta(days=DIGEST_AHEAD_DAYS))
            overdue = self.open_items[:first]
            ahead = self.open_items[first:last]
            self._by_day[today] = (
                FirstOf.from_rows(ahead, limit=SECTION_CAP),
                FirstOf.from_rows(overdue, limit=SECTION_CAP),
            )
        return self._by_day[today]

    def digest(self, *, since: datetime, today: date) -> GroupDigest:
        if (since, today) not in self._digests:
            self._digests[(since, today)] = self._digest(since=since, today=today)
        return self._digests[(since, today)]

    def _digest(self, *, since: datetime, today: date) -> GroupDigest:
        if since not in self._by_since:
            self._by_since[since] = (
                self.completed.since(since),
                self.changes.since(since),
                self.notes.since(since),
                self.held.since(since),
            )
        completed, changes, notes, held = self._by_since[since]
        deadlines, overdue = self.due_sections(today)
        coming = FirstOf.from_rows(self.coming, limit=SECTION_CAP)
        return GroupDigest(self.group, completed, changes, notes, deadlines, overdue, held, coming)


def _digest_data(
    *, groups: dict[int, WorkingGroup], since: datetime, until: datetime, last_day: date
) -> dict[int, _GroupData]:
    """Everything a digest may mention, for `groups`, from `since` on: six queries."""
    data = {pk: _GroupData(group) for pk, group in groups.items()}
    ids = list(data)
    ahead_until = last_day + timedelta(days=DIGEST_AHEAD_DAYS)

    for pk, title, group_id, due, progress, completed_at in (
        Milestone.objects.filter(
            group_id__in=ids, status=Status.DONE, completed_at__gte=since, completed_at__lt=until
        )
        .order_by()
        .values_list("id", "title", "group_id", "due_date", "progress", "completed_at")
    ):
        ref = MilestoneRef(pk, title, due, Status.DONE, progress, groups[group_id])
        data[group_id].completed.add(completed_at, CompletedItem(ref, completed_at))

    for row in (
        MilestoneUpdate.objects.filter(
            milestone__group_id__in=ids, created_at__gte=since, created_at__lt=until
        )
        .order_by()
        .values_list(
            "milestone_id",
            "milestone__title",
            "milestone__group_id",
            "created_at",
            "author__display_name",
            "old_status",
            "new_status",
            "new_progress",
            "note",
        )
    ):
        milestone_id, title, group_id, at, author, old, new, progress, note = row
        item = UpdateItem(milestone_id, title, at, author or "", old, new, progress, note.strip())
        if new and new != old and new != Status.DONE:
            data[group_id].changes.add(at, item)
        if item.note:
            data[group_id].notes.add(at, item)

    open_rows: list[tuple[date, int, object]] = []
    for pk, title, group_id, due, status, progress, owner in (
        Milestone.objects.filter(
            group_id__in=ids, status__in=OPEN_STATUSES, due_date__lte=ahead_until
        )
        .order_by()
        .values_list(
            "id", "title", "group_id", "due_date", "status", "progress", "owner__display_name"
        )
    ):
        ref = MilestoneRef(pk, title, due, status, progress, groups[group_id], owner or "")
        open_rows.append((due, 0, ref))
    for pk, title, due, meeting_id, meeting_title, group_id, owner in (
        ActionItem.objects.filter(
            meeting__group_id__in=ids, status=ActionItemStatus.OPEN, due_date__lte=ahead_until
        )
        .order_by()
        .values_list(
            "id",
            "title",
            "due_date",
            "meeting_id",
            "meeting__title",
            "meeting__group_id",
            "owner__display_name",
        )
    ):
        ref = ActionRef(pk, title, due, meeting_id, meeting_title, groups[group_id], owner or "")
        open_rows.append((due, 1, ref))
    open_rows.sort(key=lambda row: (row[0], row[1], row[2].id))
    for due, _, ref in open_rows:
        data[ref.group.pk].open_items.append(ref)
        data[ref.group.pk].open_keys.append(due)

    decisions: dict[int, list[str]] = defaultdict(list)
    for meeting_id, text in (
        Decision.objects.filter(
            meeting__group_id__in=ids, meeting__starts_at__gte=since, meeting__starts_at__lt=until
        )
        .order_by("meeting_id", "id")
        .values_list("meeting_id", "text")
    ):
        decisions[meeting_id].append(text)
    coming_until = until + timedelta(days=DIGEST_AHEAD_DAYS)
    for pk, title, group_id, starts_at, tz_name, location in (
        Meeting.objects.filter(group_id__in=ids, starts_at__gte=since, starts_at__lt=coming_until)
        .order_by("starts_at", "id")
        .values_list("id", "title", "group_id", "starts_at", "time_zone", "location")
    ):
        item = MeetingItem(pk, title, starts_at, tz_name, location, tuple(decisions.get(pk, ())))
        if starts_at < until:
            data[group_id].held.add(starts_at, item)
        else:
            data[group_id].coming.append(item)

    for group_data in data.values():
        for timeline in (group_data.completed, group_data.changes, group_data.notes):
            timeline.sort()
    return data


def _digest_for(
    *,
    user: User,
    frequency: str,
    group_ids: list[int],
    data: dict[int, _GroupData],
    since: datetime,
    until: datetime,
    today: date,
) -> Digest:
    groups = [data[pk].digest(since=since, today=today) for pk in group_ids if pk in data]
    groups = [group for group in groups if not group.is_empty]
    groups.sort(key=lambda group: (group.group.position, group.group.slug))
    return Digest(user, frequency, today, since, until, groups)


def _last_digests(*, now: datetime, **filters) -> dict[int, datetime]:
    return dict(
        EmailLog.objects.filter(
            kind=EmailKind.DIGEST,
            state__in=DIGEST_COUNTED_STATES,
            decided_at__gte=now - DIGEST_MAX_WINDOW,
            decided_at__lte=now,
            **filters,
        )
        .order_by()
        .values("recipient_id")
        .annotate(last=Max("decided_at"))
        .values_list("recipient_id", "last")
    )


def _window_start(*, frequency: str, last: datetime | None, now: datetime) -> datetime:
    if last is not None:
        return max(last, now - DIGEST_MAX_WINDOW)
    return now - DIGEST_DEFAULT_WINDOW.get(frequency, DIGEST_FALLBACK_WINDOW)


def digests_due(*, now: datetime) -> list[Planned]:
    """Every non-empty digest due at `now` and not claimed yet.

    Daily: every local morning; weekly: Monday local morning. Each covers the user's
    groups since their last digest (else the last 1 or 7 days). At most twelve queries.
    """
    frequencies = [DigestFrequency.DAILY, DigestFrequency.WEEKLY]
    due: list[tuple[User, date, datetime]] = []
    for user in _recipients(digest_frequency__in=frequencies):
        morning = local_morning(tz_name=user.time_zone, now=now)
        if morning is None:
            continue
        today, send_after = morning
        if user.digest_frequency == DigestFrequency.WEEKLY and today.weekday() != 0:
            continue
        due.append((user, today, send_after))
    claimed = {
        (recipient_id, period)
        for kind, recipient_id, _, period in claimed_keys(kinds=[EmailKind.DIGEST], now=now)
    }
    due = [row for row in due if (row[0].pk, row[1].isoformat()) not in claimed]
    if not due:
        return []

    last = _last_digests(now=now, recipient__digest_frequency__in=frequencies)
    memberships: dict[int, list[int]] = defaultdict(list)
    for user_id, group_id in Membership.objects.filter(
        user__is_active=True, user__digest_frequency__in=frequencies
    ).values_list("user_id", "group_id"):
        memberships[user_id].append(group_id)
    starts = {
        user.pk: _window_start(frequency=user.digest_frequency, last=last.get(user.pk), now=now)
        for user, _, _ in due
    }
    data = _digest_data(
        groups=_groups(),
        since=min(starts.values()),
        until=now,
        last_day=max(today for _, today, _ in due),
    )

    planned = []
    for user, today, send_after in due:
        digest = _digest_for(
            user=user,
            frequency=user.digest_frequency,
            group_ids=memberships.get(user.pk, []),
            data=data,
            since=starts[user.pk],
            until=now,
            today=today,
        )
        if digest.is_empty:
            continue
        planned.append(
            Planned(
                kind=EmailKind.DIGEST,
                recipient=user,
                subject_key="digest",
                period=today.isoformat(),
                send_after=send_after,
                template="digest",
                context={"digest": digest},
                record={
                    "frequency": user.digest_frequency,
                    "since": digest.since.isoformat(),
                    "until": digest.until.isoformat(),
                    "groups": [group.group.slug for group in digest.groups],
                    "counts": digest.counts,
                },
            )
        )
    return planned


@dataclass(frozen=True)
class DigestPreview:
    digest: Digest
    sends_at: datetime | None  # None: the user's digest is off

    @property
    def digest_as_sent(self) -> Digest:
        """The digest dated the day it goes out, in the recipient's zone (its subject names
        that day); as of today when the digest is off. Its content is what stands now."""
        if self.sends_at is None:
            return self.digest
        sends_on = local_today(tz_name=self.digest.recipient.time_zone, now=self.sends_at)
        return replace(self.digest, today=sends_on)


def digest_preview(*, user: User, group_ids: list[int], now: datetime) -> DigestPreview:
    """The digest `user` would get next, as it stands at `now`, limited to `group_ids`."""
    frequency = user.digest_frequency
    since = _window_start(
        frequency=frequency, last=_last_digests(now=now, recipient=user).get(user.pk), now=now
    )
    today = local_today(tz_name=user.time_zone, now=now)
    groups = {group.pk: group for group in WorkingGroup.objects.filter(pk__in=group_ids).order_by()}
    data = _digest_data(groups=groups, since=since, until=now, last_day=today)
    digest = _digest_for(
        user=user,
        frequency=frequency,
        group_ids=list(groups),
        data=data,
        since=since,
        until=now,
        today=today,
    )
    sends_at = None
    if frequency != DigestFrequency.OFF:
        sends_at = next_morning(
            tz_name=user.time_zone, now=now, weekly=frequency == DigestFrequency.WEEKLY
        )
    return DigestPreview(digest, sends_at)


# Pages -------------------------------------------------------------------------------------------


def emails_for_user(*, user) -> QuerySet[EmailLog]:
    """The emails decided for `user`, newest first, without the bodies."""
    return (
        EmailLog.objects.filter(recipient=user)
        .only(
            "id",
            "kind",
            "subject",
            "state",
            "decided_at",
            "send_after",
            "sent_at",
            "to_email",
            "recipient_id",
        )
        .order_by("-decided_at", "-id")
    )


def unsubscribe_subject(*, user_id: int) -> User | None:
    return (
        User.objects.filter(pk=user_id)
        .only("id", "email", "display_name", "digest_frequency", "reminders_enabled")
        .first()
    )
