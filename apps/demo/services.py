"""Writes for `manage.py seed_demo`: the demo data, and synthetic volume for benchmarks.

Both are idempotent by natural key — user email, milestone `external_ref`, meeting
(group, title) — and write only what is missing. Child rows (progress log, sign-offs,
attendance, decisions, action items, minutes adoptions) are written together with their new
parent, so re-running creates nothing, and a row a user has since changed keeps its state.
The one update: on a day other than the recorded `DemoAnchor`, the demo's own dates that
still hold the demo's values move to that day (`_demo_dates_move`); synthetic rows never move.

Timestamps that the models fill in themselves (`auto_now_add`) are back-dated after insert
with `QuerySet.update()`, grouped by value, so the demo's history reads like weeks of work.
"""

import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import batched
from typing import Protocol
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.db.models.functions import Lower

from apps.accounts.models import DigestFrequency, User
from apps.charter.models import Membership, Role, WorkingGroup
from apps.demo import data
from apps.demo.models import DemoAnchor
from apps.meetings.models import (
    ActionItem,
    ActionItemStatus,
    Attendance,
    AttendanceStatus,
    Decision,
    Meeting,
    MinutesAdoption,
    MinutesState,
)
from apps.milestones.models import Milestone, MilestoneUpdate, SignOff, Status

BATCH_SIZE = 2000
STAMP_CHUNK = 500  # ids per back-dating UPDATE (well under every backend's parameter limit)


class DemoSeedError(Exception):
    """The database is not ready to be seeded (for example the charter's groups are missing)."""


class PasswordHash:
    """The demo password, hashed once on first use and shared by every account a run creates."""

    def __init__(self, raw: str = data.DEMO_PASSWORD) -> None:
        self._raw = raw
        self._hash: str | None = None

    @property
    def value(self) -> str:
        if self._hash is None:
            self._hash = make_password(self._raw)
        return self._hash


class ProgressBar(Protocol):
    def update(self, n: int = 1) -> object: ...

    def close(self) -> None: ...


#: Called with a stage description and the number of rows it will write; returns the bar.
ProgressFactory = Callable[[str, int], ProgressBar]


class _NoProgress:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def _no_progress(description: str, total: int) -> ProgressBar:
    return _NoProgress()


@dataclass
class SeedReport:
    """What one run wrote: rows created per kind, and anything the operator should know."""

    created: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    logins: list[data.Login] = field(default_factory=list)
    #: Demo only: the day the dates were counted from before this run, and the rows moved.
    moved_from: date | None = None
    moved: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.created.values())


# Helpers -----------------------------------------------------------------------------------------


class _Stamps:
    """Collects back-dated values for auto_now_add fields and writes them in grouped UPDATEs."""

    def __init__(self) -> None:
        self._pending: dict[tuple[type[models.Model], str, date | datetime], list[int]] = (
            defaultdict(list)
        )

    def add(
        self, model: type[models.Model], field_name: str, pk: int, value: date | datetime
    ) -> None:
        self._pending[(model, field_name, value)].append(pk)

    def __len__(self) -> int:
        return sum(len(pks) for pks in self._pending.values())

    def write(self, bar: ProgressBar | None = None) -> None:
        for (model, field_name, value), pks in self._pending.items():
            for chunk in batched(pks, STAMP_CHUNK):
                model._default_manager.filter(pk__in=chunk).update(**{field_name: value})
                if bar is not None:
                    bar.update(len(chunk))
        self._pending.clear()


def _day(value: int | date, today: date) -> date:
    return value if isinstance(value, date) else today + timedelta(days=value)


def _local(day: date, zone: str, minutes: int) -> datetime:
    """An aware datetime `minutes` after midnight on `day` in the time zone `zone`."""
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=ZoneInfo(zone))


def _groups_by_slug() -> dict[str, WorkingGroup]:
    groups = WorkingGroup.objects.select_related("section").in_bulk(
        data.GROUP_SLUGS, field_name="slug"
    )
    missing = [slug for slug in data.GROUP_SLUGS if slug not in groups]
    if missing:
        raise DemoSeedError(
            f"Working group(s) {', '.join(missing)} not found. The charter's groups are loaded by "
            "the charter data migration: run `manage.py migrate` first."
        )
    return groups


def _cochairs(group_ids: list[int]) -> dict[tuple[int, str], int]:
    """{(group id, side): co-chair's user id}."""
    rows = Membership.objects.filter(group_id__in=group_ids, role=Role.CO_CHAIR).values_list(
        "group_id", "side", "user_id"
    )
    return {(group_id, side): user_id for group_id, side, user_id in rows}


def _round5(value: float) -> int:
    return int(5 * round(value / 5))


# Demo data ---------------------------------------------------------------------------------------


@transaction.atomic
def demo_seed(*, today: date, password: PasswordHash | None = None) -> SeedReport:
    """Create whatever is missing of the demo accounts, memberships, milestones and meetings.

    The demo's dates count from a day recorded in `DemoAnchor`. On a later (or earlier) day
    the demo's own dates are first moved to `today` (`_demo_dates_move`); on the same day
    nothing changes.
    """
    password = password or PasswordHash()
    report = SeedReport(logins=data.demo_logins())
    groups = _groups_by_slug()
    anchor = DemoAnchor.objects.select_for_update().order_by("pk").first()
    if anchor is None:
        anchor = DemoAnchor.objects.create(day=_demo_anchor_guess() or today)
    if anchor.day != today:
        report.moved_from = anchor.day
        report.moved = _demo_dates_move(old=anchor.day, new=today)
        anchor.day = today
        anchor.save(update_fields=["day"])
    stamps = _Stamps()

    users = _demo_users_ensure(password=password, report=report)
    _demo_memberships_ensure(groups=groups, users=users, report=report)
    refs = _demo_milestones_ensure(
        groups=groups, users=users, today=today, stamps=stamps, report=report
    )
    _demo_meetings_ensure(
        groups=groups, users=users, refs=refs, today=today, stamps=stamps, report=report
    )
    stamps.write()
    return report


def _demo_users_ensure(*, password: PasswordHash, report: SeedReport) -> dict[str, User]:
    people = data.people()
    emails = [person.email for person in people]

    def existing():
        return User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)

    present = set(existing().values_list("email_lower", flat=True))
    new = [
        User(
            email=person.email,
            display_name=person.display_name,
            side=person.side,
            organisation=person.organisation,
            sector=person.sector,
            time_zone=person.zone,
            language=person.lang,
            digest_frequency=person.digest,
            is_staff=person.staff,
            is_superuser=person.staff,
            password=password.value,
        )
        for person in people
        if person.email not in present
    ]
    User.objects.bulk_create(new, batch_size=BATCH_SIZE)
    report.created["users"] += len(new)
    return {user.email_lower: user for user in existing()}


def _demo_memberships_ensure(
    *, groups: dict[str, WorkingGroup], users: dict[str, User], report: SeedReport
) -> None:
    wanted: list[tuple[data.Person, WorkingGroup, str]] = []
    for spec in data.GROUPS:
        group = groups[spec.slug]
        wanted.append((spec.cochair_az, group, Role.CO_CHAIR))
        wanted.append((spec.cochair_us, group, Role.CO_CHAIR))
        wanted.extend((person, group, Role.MEMBER) for person in spec.members)
        if not group.restricted:
            wanted.append((data.OBSERVER, group, Role.OBSERVER))

    group_ids = [group.pk for group in groups.values()]
    present = set(
        Membership.objects.filter(group_id__in=group_ids).values_list("user_id", "group_id")
    )
    chairs = _cochairs(group_ids)
    new = []
    for person, group, role in wanted:
        user = users[person.email]
        if (user.pk, group.pk) in present:
            continue
        if role == Role.CO_CHAIR:
            holder = chairs.get((group.pk, person.side))
            if holder is not None and holder != user.pk:
                report.warnings.append(
                    f"{group.slug} already has a co-chair for the {person.side.upper()} side; "
                    f"{person.email} joins as a member instead."
                )
                role = Role.MEMBER
            chairs[(group.pk, person.side)] = user.pk
        new.append(Membership(user=user, group=group, role=role, side=person.side))
    Membership.objects.bulk_create(new, batch_size=BATCH_SIZE)
    report.created["memberships"] += len(new)


@dataclass(frozen=True)
class _Step:
    author: str
    at: datetime
    old_status: str
    new_status: str
    old_progress: int
    new_progress: int
    note: str


@dataclass(frozen=True)
class _MilestonePlan:
    due_date: date
    completed_at: datetime | None
    created_at: datetime
    steps: list[_Step]
    signoffs: list[tuple[str, str, datetime]]  # (side, signer email, signed at)


def _milestone_plan(spec: data.MilestoneSpec, group: data.GroupSpec, today: date) -> _MilestonePlan:
    """The milestone's history: progress log entries and sign-offs consistent with its status."""
    count = len(spec.notes)
    if spec.status == Status.DONE:
        path = [Status.IN_PROGRESS] * (count - 2) + [Status.AWAITING_SIGNOFF, Status.DONE]
    elif spec.status in (Status.PLANNED, Status.IN_PROGRESS):
        path = [spec.status] * count
    else:
        path = [Status.IN_PROGRESS] * (count - 1) + [spec.status]
    progress = [
        100
        if status in (Status.AWAITING_SIGNOFF, Status.DONE)
        else spec.progress
        if index == count - 1
        else min(spec.progress, _round5(spec.progress * (index + 1) / count))
        for index, status in enumerate(path)
    ]

    zones = {person.email: person.zone for person in group.cast}
    yesterday = today - timedelta(days=1)
    signoffs: list[tuple[str, str, datetime]] = []
    completed_at = None
    if spec.status == Status.DONE:
        completed = min(
            _day(spec.completed if spec.completed is not None else -1, today), yesterday
        )
        signoffs = [
            ("az", group.cochair_az.email, _local(completed - timedelta(days=1), data.BAKU, 660)),
            ("us", group.cochair_us.email, _local(completed, data.NEW_YORK, 600)),
        ]
        completed_at = signoffs[-1][2]
        # The last entry is the second signature; the one before, the request for sign-off.
        days = [completed - timedelta(days=3 + 9 * (count - 2 - index)) for index in range(count)]
        days[-1] = completed
    else:
        latest = today - timedelta(days=spec.updated or 2 + (spec.number * 3) % 7)
        days = [latest - timedelta(days=9 * (count - 1 - index)) for index in range(count)]
        for side in spec.signed:
            signer = group.cochair_az if side == "az" else group.cochair_us
            signed_on = min(latest + timedelta(days=1), yesterday)
            signoffs.append(
                (side, signer.email, _local(signed_on, signer.zone, 600 + 45 * len(signoffs)))
            )

    steps = []
    old_status, old_progress = Status.PLANNED, 0
    for index, (day, status, value) in enumerate(zip(days, path, progress, strict=True)):
        if status == Status.DONE:
            author, at = group.cochair_us.email, completed_at
        else:
            author = spec.owner
            at = _local(day, zones[author], 540 + (spec.number * 37 + index * 53) % 420)
        steps.append(_Step(author, at, old_status, status, old_progress, value, spec.notes[index]))
        old_status, old_progress = status, value

    return _MilestonePlan(
        due_date=_day(spec.due, today),
        completed_at=completed_at,
        # Milestones go on the roadmap around the charter's deadline, or just before their
        # first progress entry when that comes earlier.
        created_at=min(
            steps[0].at - timedelta(days=2),
            _local(data.ROADMAP_DUE + timedelta(days=spec.number), data.BAKU, 600),
        ),
        steps=steps,
        signoffs=signoffs,
    )


def _demo_milestones_ensure(
    *,
    groups: dict[str, WorkingGroup],
    users: dict[str, User],
    today: date,
    stamps: _Stamps,
    report: SeedReport,
) -> dict[str, int]:
    """Create the missing demo milestones with their history; return every demo ref's id."""
    specs = [(group_spec, spec) for group_spec in data.GROUPS for spec in group_spec.milestones]
    refs = [group_spec.ref(spec.number) for group_spec, spec in specs]
    present = dict(
        Milestone.objects.filter(external_ref__in=refs).values_list("external_ref", "id")
    )

    new: list[tuple[Milestone, _MilestonePlan, data.GroupSpec]] = []
    for group_spec, spec in specs:
        ref = group_spec.ref(spec.number)
        if ref in present:
            continue
        group = groups[group_spec.slug]
        plan = _milestone_plan(spec, group_spec, today)
        milestone = Milestone(
            group=group,
            section=group.section,
            external_ref=ref,
            title=spec.title,
            description=spec.description,
            owner=users[spec.owner],
            due_date=plan.due_date,
            status=spec.status,
            progress=spec.progress,
            completed_at=plan.completed_at,
        )
        new.append((milestone, plan, group_spec))
    Milestone.objects.bulk_create([milestone for milestone, _, _ in new], batch_size=BATCH_SIZE)

    updates: list[tuple[MilestoneUpdate, datetime]] = []
    signoffs: list[tuple[SignOff, datetime]] = []
    for milestone, plan, _ in new:
        stamps.add(Milestone, "created_at", milestone.pk, plan.created_at)
        for step in plan.steps:
            update = MilestoneUpdate(
                milestone=milestone,
                author=users[step.author],
                old_status=step.old_status,
                new_status=step.new_status,
                old_progress=step.old_progress,
                new_progress=step.new_progress,
                note=step.note,
            )
            updates.append((update, step.at))
        for side, signer, signed_at in plan.signoffs:
            signoff = SignOff(milestone=milestone, side=side, signed_by=users[signer])
            signoffs.append((signoff, signed_at))
    MilestoneUpdate.objects.bulk_create([row for row, _ in updates], batch_size=BATCH_SIZE)
    SignOff.objects.bulk_create([row for row, _ in signoffs], batch_size=BATCH_SIZE)
    for row, at in updates:
        stamps.add(MilestoneUpdate, "created_at", row.pk, at)
    for row, at in signoffs:
        stamps.add(SignOff, "signed_at", row.pk, at)

    report.created["milestones"] += len(new)
    report.created["progress updates"] += len(updates)
    report.created["sign-offs"] += len(signoffs)
    present.update({milestone.external_ref: milestone.pk for milestone, _, _ in new})
    return present


def _weekday(day: date) -> date:
    """`day`, or the nearest weekday when it is a weekend: Saturday → Friday, Sunday → Monday."""
    return day + timedelta(days={5: -1, 6: 1}.get(day.weekday(), 0))


@dataclass(frozen=True)
class _ActionPlan:
    due_date: date
    created_at: datetime
    completed_at: datetime | None


@dataclass(frozen=True)
class _MeetingPlan:
    starts_at: datetime
    created_at: datetime
    decided_at: datetime  # decisions and action items are recorded at the end of the meeting
    actions: list[_ActionPlan]
    adoptions: list[tuple[str, str, datetime]]  # (side, co-chair email, adopted at)


def _meeting_plan(spec: data.MeetingSpec, group: data.GroupSpec, today: date) -> _MeetingPlan:
    """The meeting's dates when the demo is anchored on `today`: on a weekday, at its hour."""
    day = _weekday(today + timedelta(days=spec.days))
    starts_at = _local(day, spec.time_zone, spec.hour * 60)
    ends_at = starts_at + timedelta(minutes=spec.duration)
    yesterday = today - timedelta(days=1)
    zones = {person.email: person.zone for person in data.people()}
    actions = []
    for action in spec.actions:
        due = day + timedelta(days=action.due)
        completed_at = (
            _local(min(due, yesterday), zones[action.owner], 720) if action.done else None
        )
        actions.append(_ActionPlan(due, ends_at, completed_at))
    adoptions = []
    if spec.adopted:
        adoptions = [
            (
                "az",
                group.cochair_az.email,
                _local(min(day + timedelta(days=3), yesterday), data.BAKU, 720),
            ),
            (
                "us",
                group.cochair_us.email,
                _local(min(day + timedelta(days=4), yesterday), data.NEW_YORK, 660),
            ),
        ]
    start_of_today = datetime.combine(today, time(), tzinfo=UTC)
    return _MeetingPlan(
        starts_at=starts_at,
        created_at=min(starts_at - timedelta(days=14), start_of_today - timedelta(hours=20)),
        decided_at=ends_at,
        actions=actions,
        adoptions=adoptions,
    )


def _demo_meetings_ensure(
    *,
    groups: dict[str, WorkingGroup],
    users: dict[str, User],
    refs: dict[str, int],
    today: date,
    stamps: _Stamps,
    report: SeedReport,
) -> None:
    specs = [(group_spec, spec) for group_spec in data.GROUPS for spec in group_spec.meetings]
    present = set(
        Meeting.objects.filter(
            group__in=groups.values(), title__in=[spec.title for _, spec in specs]
        ).values_list("group__slug", "title")
    )
    new: list[tuple[Meeting, _MeetingPlan, data.MeetingSpec, data.GroupSpec]] = []
    for group_spec, spec in specs:
        if (group_spec.slug, spec.title) in present:
            continue
        plan = _meeting_plan(spec, group_spec, today)
        host = group_spec.cochair_az if spec.time_zone == data.BAKU else group_spec.cochair_us
        meeting = Meeting(
            group=groups[group_spec.slug],
            title=spec.title,
            starts_at=plan.starts_at,
            time_zone=spec.time_zone,
            duration_minutes=spec.duration,
            location=spec.location,
            link=spec.link,
            agenda=spec.agenda,
            minutes=spec.minutes,
            minutes_state=MinutesState.ADOPTED if spec.adopted else MinutesState.DRAFT,
            created_by=users[host.email],
        )
        new.append((meeting, plan, spec, group_spec))
    Meeting.objects.bulk_create([meeting for meeting, _, _, _ in new], batch_size=BATCH_SIZE)

    attendance: list[Attendance] = []
    decisions: list[tuple[Decision, datetime]] = []
    actions: list[tuple[ActionItem, datetime]] = []
    adoptions: list[tuple[MinutesAdoption, datetime]] = []
    for meeting, plan, spec, group_spec in new:
        group = groups[group_spec.slug]
        held = spec.days < 0
        stamps.add(Meeting, "created_at", meeting.pk, plan.created_at)
        participants = list(group_spec.cast)
        if not group.restricted:
            participants.append(data.OBSERVER)
        for person in participants:
            if not held:
                status = AttendanceStatus.INVITED
            elif person.email in spec.apologies:
                status = AttendanceStatus.APOLOGIES
            elif person.email in spec.absent:
                status = AttendanceStatus.ABSENT
            else:
                status = AttendanceStatus.PRESENT
            attendance.append(Attendance(meeting=meeting, user=users[person.email], status=status))
        for name, organisation in spec.guests:
            attendance.append(
                Attendance(
                    meeting=meeting,
                    guest_name=name,
                    guest_organisation=organisation,
                    status=AttendanceStatus.PRESENT if held else AttendanceStatus.INVITED,
                )
            )
        decisions.extend(
            (Decision(meeting=meeting, text=text), plan.decided_at) for text in spec.decisions
        )
        for action, dates in zip(spec.actions, plan.actions, strict=True):
            item = ActionItem(
                meeting=meeting,
                title=action.title,
                owner=users[action.owner],
                due_date=dates.due_date,
                status=ActionItemStatus.DONE if action.done else ActionItemStatus.OPEN,
                milestone_id=refs[group_spec.ref(action.milestone)] if action.milestone else None,
                completed_at=dates.completed_at,
            )
            actions.append((item, dates.created_at))
        for side, chair, adopted_at in plan.adoptions:
            row = MinutesAdoption(meeting=meeting, side=side, adopted_by=users[chair])
            adoptions.append((row, adopted_at))

    Attendance.objects.bulk_create(attendance, batch_size=BATCH_SIZE)
    Decision.objects.bulk_create([row for row, _ in decisions], batch_size=BATCH_SIZE)
    ActionItem.objects.bulk_create([row for row, _ in actions], batch_size=BATCH_SIZE)
    MinutesAdoption.objects.bulk_create([row for row, _ in adoptions], batch_size=BATCH_SIZE)
    for row, at in decisions:
        stamps.add(Decision, "created_at", row.pk, at)
    for row, at in actions:
        stamps.add(ActionItem, "created_at", row.pk, at)
    for row, at in adoptions:
        stamps.add(MinutesAdoption, "adopted_at", row.pk, at)

    report.created["meetings"] += len(new)
    report.created["attendance"] += len(attendance)
    report.created["decisions"] += len(decisions)
    report.created["action items"] += len(actions)
    report.created["minutes adoptions"] += len(adoptions)


# Moving the demo to another day ------------------------------------------------------------------


class _Moves:
    """The demo's dates to move: a value moves only while it is the one the demo gave it."""

    def __init__(self) -> None:
        self.stamps = _Stamps()
        self.rows: dict[str, set[int]] = defaultdict(set)

    def add(
        self,
        kind: str,
        model: type[models.Model],
        field_name: str,
        pk: int,
        current: date | datetime | None,
        plans: dict,
    ) -> None:
        """`plans` maps each value the old demo gave to the value the new one gives."""
        if current is None or current not in plans or plans[current] == current:
            return
        self.stamps.add(model, field_name, pk, plans[current])
        self.rows[kind].add(pk)


def _demo_anchor_guess() -> date | None:
    """For a demo seeded before DemoAnchor existed: the day most demo milestones count from."""
    offsets = {
        group_spec.ref(spec.number): spec.due
        for group_spec in data.GROUPS
        for spec in group_spec.milestones
        if isinstance(spec.due, int)
    }
    votes = Counter(
        due - timedelta(days=offsets[ref])
        for ref, due in Milestone.objects.filter(external_ref__in=offsets).values_list(
            "external_ref", "due_date"
        )
    )
    return votes.most_common(1)[0][0] if votes else None


def _demo_dates_move(*, old: date, new: date) -> Counter[str]:
    """Move the demo's own dates from a demo counted from `old` to one counted from `new`.

    Only rows the demo created are looked at (milestones by `external_ref`, meetings by group
    and title, their history and action items by the parent), and in them only the dates that
    still hold the value the demo gave them on `old`: each gets the value a seed on `new`
    gives (the same number of days later, a meeting moved off a weekend, the charter's fixed
    dates kept). A date a user changed, and every row a user added, keep theirs. Returns the
    rows moved per kind.
    """
    moves = _Moves()
    _demo_milestone_dates_move(old=old, new=new, moves=moves)
    _demo_meeting_dates_move(old=old, new=new, moves=moves)
    moves.stamps.write()
    return Counter({kind: len(pks) for kind, pks in moves.rows.items()})


def _demo_milestone_dates_move(*, old: date, new: date, moves: _Moves) -> None:
    specs = {
        group_spec.ref(spec.number): (group_spec, spec)
        for group_spec in data.GROUPS
        for spec in group_spec.milestones
    }
    plans: dict[int, tuple[_MilestonePlan, _MilestonePlan]] = {}
    for pk, ref, due, completed_at, created_at in Milestone.objects.filter(
        external_ref__in=specs
    ).values_list("id", "external_ref", "due_date", "completed_at", "created_at"):
        group_spec, spec = specs[ref]
        before, after = (_milestone_plan(spec, group_spec, day) for day in (old, new))
        plans[pk] = (before, after)
        kind = "milestones"
        moves.add(kind, Milestone, "due_date", pk, due, {before.due_date: after.due_date})
        moves.add(
            kind,
            Milestone,
            "completed_at",
            pk,
            completed_at,
            {before.completed_at: after.completed_at},
        )
        moves.add(
            kind, Milestone, "created_at", pk, created_at, {before.created_at: after.created_at}
        )

    steps = {
        pk: {b.at: a.at for b, a in zip(before.steps, after.steps, strict=True)}
        for pk, (before, after) in plans.items()
    }
    for pk, milestone_id, created_at in MilestoneUpdate.objects.filter(
        milestone_id__in=plans
    ).values_list("id", "milestone_id", "created_at"):
        moves.add(
            "progress updates", MilestoneUpdate, "created_at", pk, created_at, steps[milestone_id]
        )

    for pk, milestone_id, side, signed_at in SignOff.objects.filter(
        milestone_id__in=plans
    ).values_list("id", "milestone_id", "side", "signed_at"):
        before, after = plans[milestone_id]
        signed = {
            b_at: a_at
            for (b_side, _, b_at), (_, _, a_at) in zip(before.signoffs, after.signoffs, strict=True)
            if b_side == side
        }
        moves.add("sign-offs", SignOff, "signed_at", pk, signed_at, signed)


def _demo_meeting_dates_move(*, old: date, new: date, moves: _Moves) -> None:
    specs = {
        (group_spec.slug, spec.title): (group_spec, spec)
        for group_spec in data.GROUPS
        for spec in group_spec.meetings
    }
    plans: dict[int, tuple[data.MeetingSpec, _MeetingPlan, _MeetingPlan]] = {}
    for pk, slug, title, starts_at, created_at in Meeting.objects.filter(
        group__slug__in=data.GROUP_SLUGS, title__in=[title for _, title in specs]
    ).values_list("id", "group__slug", "title", "starts_at", "created_at"):
        if (slug, title) not in specs:
            continue
        group_spec, spec = specs[(slug, title)]
        before, after = (_meeting_plan(spec, group_spec, day) for day in (old, new))
        plans[pk] = (spec, before, after)
        moves.add(
            "meetings", Meeting, "starts_at", pk, starts_at, {before.starts_at: after.starts_at}
        )
        moves.add(
            "meetings", Meeting, "created_at", pk, created_at, {before.created_at: after.created_at}
        )

    for pk, meeting_id, created_at in Decision.objects.filter(meeting_id__in=plans).values_list(
        "id", "meeting_id", "created_at"
    ):
        _, before, after = plans[meeting_id]
        moves.add(
            "decisions",
            Decision,
            "created_at",
            pk,
            created_at,
            {before.decided_at: after.decided_at},
        )

    for pk, meeting_id, title, due, created_at, completed_at in ActionItem.objects.filter(
        meeting_id__in=plans
    ).values_list("id", "meeting_id", "title", "due_date", "created_at", "completed_at"):
        spec, before, after = plans[meeting_id]
        for action, b, a in zip(spec.actions, before.actions, after.actions, strict=True):
            if action.title == title:
                kind = "action items"
                moves.add(kind, ActionItem, "due_date", pk, due, {b.due_date: a.due_date})
                moves.add(
                    kind, ActionItem, "created_at", pk, created_at, {b.created_at: a.created_at}
                )
                moves.add(
                    kind,
                    ActionItem,
                    "completed_at",
                    pk,
                    completed_at,
                    {b.completed_at: a.completed_at},
                )

    for pk, meeting_id, side, adopted_at in MinutesAdoption.objects.filter(
        meeting_id__in=plans
    ).values_list("id", "meeting_id", "side", "adopted_at"):
        _, before, after = plans[meeting_id]
        adopted = {
            b_at: a_at
            for (b_side, _, b_at), (_, _, a_at) in zip(
                before.adoptions, after.adoptions, strict=True
            )
            if b_side == side
        }
        moves.add("minutes adoptions", MinutesAdoption, "adopted_at", pk, adopted_at, adopted)


# Synthetic volume --------------------------------------------------------------------------------


def _missing_indices(present: Iterable[str], *, prefix: str, suffix: str, wanted: int) -> list[int]:
    """Indices 1..wanted not yet used by a natural key `<prefix><index><suffix>`."""
    used = set()
    for key in present:
        number = key[len(prefix) : len(key) - len(suffix)]
        if key.startswith(prefix) and key.endswith(suffix) and number.isdigit():
            used.add(int(number))
    return [index for index in range(1, wanted + 1) if index not in used]


def _stage(progress: ProgressFactory, description: str, todo: Sequence[int]):
    """Yield `todo` in batches, advancing a progress bar as each batch is written."""
    bar = progress(description, len(todo))
    try:
        for chunk in batched(todo, BATCH_SIZE):
            yield chunk
            bar.update(len(chunk))
    finally:
        bar.close()


@transaction.atomic
def synthetic_seed(
    *,
    scale: int,
    today: date,
    password: PasswordHash | None = None,
    progress: ProgressFactory | None = None,
) -> SeedReport:
    """Top up synthetic benchmark data to `scale` × (50 users, 500 milestones, 100 meetings).

    Rows are numbered (synthetic.00042@…, SYN-000042, "Synthetic meeting 000042"); only the
    numbers missing from 1..scale×N are written, so a re-run adds nothing and a larger scale
    tops up. Spread over the five working groups; needs their co-chairs (run `demo_seed` first).
    """
    if scale < 1:
        raise ValueError("scale must be at least 1")
    password = password or PasswordHash()
    progress = progress or _no_progress
    report = SeedReport()
    groups = [_groups_by_slug()[slug] for slug in data.GROUP_SLUGS]
    chairs = _cochairs([group.pk for group in groups])
    if any((group.pk, side) not in chairs for group in groups for side in ("az", "us")):
        raise DemoSeedError(
            "Every working group needs its two co-chairs: seed the demo data first."
        )
    stamps = _Stamps()

    _synthetic_users_ensure(
        scale=scale, groups=groups, password=password, progress=progress, report=report
    )
    pools: dict[int, list[int]] = defaultdict(list)
    for group_id, user_id in (
        Membership.objects.filter(
            user__email__startswith=data.SYNTHETIC_EMAIL_PREFIX, role=Role.MEMBER
        )
        .order_by("user_id")
        .values_list("group_id", "user_id")
    ):
        pools[group_id].append(user_id)
    for group in groups:
        pools[group.pk] = pools[group.pk] or [chairs[(group.pk, "az")]]

    _synthetic_milestones_ensure(
        scale=scale,
        groups=groups,
        pools=pools,
        chairs=chairs,
        today=today,
        stamps=stamps,
        progress=progress,
        report=report,
    )
    _synthetic_meetings_ensure(
        scale=scale,
        groups=groups,
        pools=pools,
        chairs=chairs,
        today=today,
        stamps=stamps,
        progress=progress,
        report=report,
    )
    bar = progress("back-dating timestamps", len(stamps))
    stamps.write(bar)
    bar.close()
    return report


def _synthetic_users_ensure(
    *,
    scale: int,
    groups: list[WorkingGroup],
    password: PasswordHash,
    progress: ProgressFactory,
    report: SeedReport,
) -> None:
    suffix = f"@{data.DOMAIN}"
    todo = _missing_indices(
        User.objects.filter(email__startswith=data.SYNTHETIC_EMAIL_PREFIX).values_list(
            "email", flat=True
        ),
        prefix=data.SYNTHETIC_EMAIL_PREFIX,
        suffix=suffix,
        wanted=scale * data.SYNTHETIC_USERS_PER_SCALE,
    )
    digests = (DigestFrequency.WEEKLY, DigestFrequency.DAILY, DigestFrequency.OFF)
    for chunk in _stage(progress, "synthetic users", todo):
        users, memberships = [], []
        for index in chunk:
            side, sector, organisation = data.SYNTHETIC_ORGANISATIONS[
                index % len(data.SYNTHETIC_ORGANISATIONS)
            ]
            user = User(
                email=data.synthetic_email(index),
                display_name=f"Synthetic User {index:05d}",
                side=side,
                organisation=organisation,
                sector=sector,
                time_zone=data.BAKU if side == "az" else data.NEW_YORK,
                language=("ru" if index % 3 == 0 else "az") if side == "az" else "en",
                digest_frequency=digests[index % len(digests)],
                password=password.value,
            )
            users.append(user)
            memberships.append(
                Membership(
                    user=user,
                    group=groups[index % len(groups)],
                    role=Role.OBSERVER if index % 4 == 0 else Role.MEMBER,
                    side=side,
                )
            )
        User.objects.bulk_create(users, batch_size=BATCH_SIZE)
        Membership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
        report.created["users"] += len(users)
        report.created["memberships"] += len(memberships)


_OVERDUE_MIX = (
    (Status.DONE, 60),
    (Status.IN_PROGRESS, 12),
    (Status.AT_RISK, 10),
    (Status.BLOCKED, 6),
    (Status.AWAITING_SIGNOFF, 8),
    (Status.CANCELLED, 4),
)
_FUTURE_MIX = (
    (Status.PLANNED, 40),
    (Status.IN_PROGRESS, 35),
    (Status.AT_RISK, 10),
    (Status.BLOCKED, 5),
    (Status.AWAITING_SIGNOFF, 5),
    (Status.DONE, 5),
)
_PROGRESS_RANGE = {
    Status.PLANNED: (0, 2),
    Status.IN_PROGRESS: (2, 18),
    Status.AT_RISK: (4, 16),
    Status.BLOCKED: (2, 14),
    Status.AWAITING_SIGNOFF: (20, 20),
    Status.DONE: (20, 20),
    Status.CANCELLED: (0, 10),
}  # in steps of 5 %
#: Synthetic sign-offs: both sides on done milestones, the AZ side on those awaiting sign-off.
_SIGNED_SIDES = {Status.DONE: ("az", "us"), Status.AWAITING_SIGNOFF: ("az",)}


def _synthetic_milestones_ensure(
    *,
    scale: int,
    groups: list[WorkingGroup],
    pools: dict[int, list[int]],
    chairs: dict[tuple[int, str], int],
    today: date,
    stamps: _Stamps,
    progress: ProgressFactory,
    report: SeedReport,
) -> None:
    todo = _missing_indices(
        Milestone.objects.filter(external_ref__startswith=data.SYNTHETIC_REF_PREFIX).values_list(
            "external_ref", flat=True
        ),
        prefix=data.SYNTHETIC_REF_PREFIX,
        suffix="",
        wanted=scale * data.SYNTHETIC_MILESTONES_PER_SCALE,
    )
    yesterday = today - timedelta(days=1)
    for chunk in _stage(progress, "synthetic milestones", todo):
        milestones: list[Milestone] = []
        logged: list[datetime] = []
        for index in chunk:
            rng = random.Random(index)
            group = groups[index % len(groups)]
            pool = pools[group.pk]
            offset = rng.randint(-180, 365)
            mix = _OVERDUE_MIX if offset < 0 else _FUTURE_MIX
            status = rng.choices([s for s, _ in mix], weights=[w for _, w in mix])[0]
            low, high = _PROGRESS_RANGE[status]
            due = today + timedelta(days=offset)
            completed_at = None
            if status == Status.DONE:
                done_on = min(due - timedelta(days=rng.randint(0, 14)), yesterday)
                completed_at = datetime.combine(done_on, time(15), tzinfo=UTC)
                logged.append(completed_at)
            else:
                logged.append(
                    datetime.combine(
                        today - timedelta(days=rng.randint(1, 42)), time(9 + index % 8), tzinfo=UTC
                    )
                )
            topic = data.SYNTHETIC_TOPICS[index % len(data.SYNTHETIC_TOPICS)]
            milestones.append(
                Milestone(
                    group=group,
                    section=group.section,
                    external_ref=data.synthetic_ref(index),
                    title=f"{topic}: work package {index}",
                    description=f"Synthetic milestone {index} for load tests ({topic.lower()}).",
                    owner_id=pool[(index // len(groups)) % len(pool)],
                    due_date=due,
                    status=status,
                    progress=5 * rng.randint(low, high),
                    completed_at=completed_at,
                )
            )
        Milestone.objects.bulk_create(milestones, batch_size=BATCH_SIZE)

        updates, signoffs = [], []
        for milestone, at in zip(milestones, logged, strict=True):
            updates.append(
                MilestoneUpdate(
                    milestone=milestone,
                    author_id=milestone.owner_id,
                    old_status=Status.PLANNED,
                    new_status=milestone.status,
                    old_progress=0,
                    new_progress=milestone.progress,
                    note="Synthetic progress update.",
                )
            )
            for side in _SIGNED_SIDES.get(milestone.status, ()):
                signoff = SignOff(
                    milestone=milestone, side=side, signed_by_id=chairs[(milestone.group_id, side)]
                )
                signoffs.append((signoff, at))
        MilestoneUpdate.objects.bulk_create(updates, batch_size=BATCH_SIZE)
        SignOff.objects.bulk_create([row for row, _ in signoffs], batch_size=BATCH_SIZE)
        for update, at in zip(updates, logged, strict=True):
            stamps.add(MilestoneUpdate, "created_at", update.pk, at)
        for signoff, at in signoffs:
            stamps.add(SignOff, "signed_at", signoff.pk, at)
        report.created["milestones"] += len(milestones)
        report.created["progress updates"] += len(updates)
        report.created["sign-offs"] += len(signoffs)


_SYNTHETIC_AGENDA = "1. Progress on the roadmap\n2. Milestones at risk\n3. Any other business\n"


def _synthetic_meetings_ensure(
    *,
    scale: int,
    groups: list[WorkingGroup],
    pools: dict[int, list[int]],
    chairs: dict[tuple[int, str], int],
    today: date,
    stamps: _Stamps,
    progress: ProgressFactory,
    report: SeedReport,
) -> None:
    todo = _missing_indices(
        Meeting.objects.filter(title__startswith=data.SYNTHETIC_MEETING_PREFIX).values_list(
            "title", flat=True
        ),
        prefix=data.SYNTHETIC_MEETING_PREFIX,
        suffix="",
        wanted=scale * data.SYNTHETIC_MEETINGS_PER_SCALE,
    )
    attendance_mix = (
        AttendanceStatus.PRESENT,
        AttendanceStatus.PRESENT,
        AttendanceStatus.APOLOGIES,
        AttendanceStatus.ABSENT,
    )
    for chunk in _stage(progress, "synthetic meetings", todo):
        meetings: list[Meeting] = []
        for index in chunk:
            rng = random.Random(-index)
            group = groups[index % len(groups)]
            in_baku = index % 2 == 1
            zone = data.BAKU if in_baku else data.NEW_YORK
            offset = rng.randint(-365, 90)
            held = offset < 0
            meetings.append(
                Meeting(
                    group=group,
                    title=data.synthetic_meeting_title(index),
                    starts_at=_local(today + timedelta(days=offset), zone, 600 if in_baku else 540),
                    time_zone=zone,
                    location="Baku" if in_baku else "Washington, D.C.",
                    link=f"https://meet.charterhub.test/synthetic-{index}" if index % 3 else "",
                    agenda=_SYNTHETIC_AGENDA,
                    minutes="## Summary\n\nSynthetic minutes for load tests.\n" if held else "",
                    minutes_state=MinutesState.ADOPTED if offset < -14 else MinutesState.DRAFT,
                    created_by_id=chairs[(group.pk, "az" if in_baku else "us")],
                )
            )
        Meeting.objects.bulk_create(meetings, batch_size=BATCH_SIZE)

        attendance, adoptions = [], []
        for index, meeting in zip(chunk, meetings, strict=True):
            if meeting.minutes_state == MinutesState.ADOPTED:
                adopted_at = meeting.starts_at.replace(minute=0, second=0) + timedelta(days=3)
                for side in ("az", "us"):
                    row = MinutesAdoption(
                        meeting=meeting, side=side, adopted_by_id=chairs[(meeting.group_id, side)]
                    )
                    adoptions.append((row, adopted_at))
            if meeting.minutes and index % 3 == 0:
                pool = pools[meeting.group_id]
                for position, user_id in enumerate(
                    dict.fromkeys(pool[(index + k) % len(pool)] for k in range(len(attendance_mix)))
                ):
                    attendance.append(
                        Attendance(
                            meeting=meeting, user_id=user_id, status=attendance_mix[position]
                        )
                    )
        Attendance.objects.bulk_create(attendance, batch_size=BATCH_SIZE)
        MinutesAdoption.objects.bulk_create([row for row, _ in adoptions], batch_size=BATCH_SIZE)
        for row, at in adoptions:
            stamps.add(MinutesAdoption, "adopted_at", row.pk, at)
        report.created["meetings"] += len(meetings)
        report.created["attendance"] += len(attendance)
        report.created["minutes adoptions"] += len(adoptions)
