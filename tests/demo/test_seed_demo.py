"""`manage.py seed_demo [--scale N]`: demo accounts and data, idempotent; synthetic volume."""

from datetime import UTC, date, datetime, time, timedelta
from io import StringIO
from itertools import pairwise

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Q

from apps.accounts.models import Sector, User
from apps.charter.models import Membership, Role, WorkingGroup
from apps.core.time import BAKU, WASHINGTON
from apps.demo import data
from apps.demo.models import DemoAnchor
from apps.meetings.models import (
    ActionItem,
    Attendance,
    AttendanceStatus,
    Decision,
    Meeting,
    MinutesAdoption,
    MinutesState,
)
from apps.milestones.models import OPEN_STATUSES, Milestone, MilestoneUpdate, SignOff, Status
from apps.milestones.rag import annotate_rag

TODAY = date(2026, 11, 28)
NOW = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
SLUGS = ("economy", "energy", "connectivity", "ai-digital", "security")

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def seeded(frozen) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, stderr=StringIO())
    return out.getvalue()


def demo_milestones():
    return Milestone.objects.filter(external_ref__startswith="DEMO-")


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, so a re-run can be shown to change nothing at all."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values_list())
        for model in apps.get_models()
    }


def counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_it_creates_the_documented_accounts_with_the_demo_password(seeded):
    emails = ["admin@charterhub.test", "observer@charterhub.test"]
    for slug in SLUGS:
        for role in ("cochair", "member"):
            emails += [f"{role}.{slug}.az@charterhub.test", f"{role}.{slug}.us@charterhub.test"]
    users = {user.email: user for user in User.objects.filter(email__in=emails)}
    assert sorted(users) == sorted(emails)
    for user in users.values():
        assert user.check_password("charterhub-demo"), user.email
        assert user.is_active
    admin = users["admin@charterhub.test"]
    assert admin.is_staff and admin.is_superuser
    assert not any(user.is_staff for email, user in users.items() if email != admin.email)
    # One hash, computed once, shared by every demo account.
    assert User.objects.filter(email__endswith="@charterhub.test").aggregate(
        hashes=Count("password", distinct=True)
    ) == {"hashes": 1}
    for email in emails:
        assert email in seeded  # the summary prints the logins
    assert "charterhub-demo" in seeded


def test_it_gives_every_group_an_az_and_a_us_cochair(seeded):
    for slug in SLUGS:
        chairs = {
            membership.side: membership.user
            for membership in Membership.objects.filter(group__slug=slug, role=Role.CO_CHAIR)
        }
        assert set(chairs) == {"az", "us"}, slug
        assert chairs["az"].email == f"cochair.{slug}.az@charterhub.test"
        assert (chairs["az"].side, chairs["az"].time_zone, chairs["az"].language) == (
            "az",
            "Asia/Baku",
            "az",
        )
        assert chairs["us"].email == f"cochair.{slug}.us@charterhub.test"
        assert (chairs["us"].side, chairs["us"].time_zone, chairs["us"].language) == (
            "us",
            "America/New_York",
            "en",
        )
        members = Membership.objects.filter(group__slug=slug, role=Role.MEMBER)
        assert members.filter(user__email=f"member.{slug}.az@charterhub.test", side="az").exists()
        assert members.filter(user__email=f"member.{slug}.us@charterhub.test", side="us").exists()
        assert members.count() >= 4  # the two documented members and a few named ones


def test_it_makes_the_observer_an_observer_of_every_non_restricted_group(seeded):
    observed = set(
        Membership.objects.filter(
            user__email="observer@charterhub.test", role=Role.OBSERVER
        ).values_list("group__slug", flat=True)
    )
    open_groups = set(WorkingGroup.objects.filter(restricted=False).values_list("slug", flat=True))
    assert observed == open_groups
    assert WorkingGroup.objects.filter(restricted=True).exists()  # security is not observed


def test_it_includes_private_sector_members_ministries_and_a_russian_speaker(seeded):
    for slug in SLUGS:
        private = Membership.objects.filter(group__slug=slug, user__sector=Sector.PRIVATE)
        assert private.filter(side="az").exists() and private.filter(side="us").exists(), slug
    organisations = set(
        User.objects.filter(email__endswith="@charterhub.test").values_list(
            "organisation", flat=True
        )
    )
    assert {
        "Ministry of Economy",
        "Ministry of Digital Development and Transport",
        "U.S. Department of State",
        "U.S. Department of Energy",
        "Caspian Logistics LLC",
    } <= organisations
    assert User.objects.filter(language="ru", email__endswith="@charterhub.test").exists()


def test_it_covers_every_milestone_state_the_demo_needs(seeded):
    open_statuses = [str(status) for status in OPEN_STATUSES]
    overdue = demo_milestones().filter(due_date__lt=TODAY, status__in=open_statuses)
    assert overdue.count() >= 4
    assert {"at_risk", "blocked", "in_progress", "awaiting_signoff"} <= set(
        overdue.values_list("status", flat=True)
    )
    assert demo_milestones().filter(status=Status.AT_RISK, due_date__gte=TODAY).exists()
    assert demo_milestones().filter(status=Status.BLOCKED).exists()
    assert demo_milestones().filter(status=Status.PLANNED, due_date__gt=TODAY).exists()

    done = demo_milestones().filter(status=Status.DONE)
    assert done.count() >= 5
    for milestone in done.select_related("group"):
        assert milestone.progress == 100 and milestone.completed_at is not None
        signers = {
            s.side: s.signed_by.email for s in milestone.signoffs.select_related("signed_by")
        }
        slug = milestone.group.slug
        assert signers == {
            "az": f"cochair.{slug}.az@charterhub.test",
            "us": f"cochair.{slug}.us@charterhub.test",
        }

    awaiting = demo_milestones().filter(status=Status.AWAITING_SIGNOFF)
    assert awaiting.exists()
    for milestone in awaiting:
        assert milestone.progress == 100 and milestone.completed_at is None
        assert milestone.signoffs.count() == 1

    # The charter's deadline: met (done, both sides) in most groups, missed in one.
    roadmaps = demo_milestones().filter(due_date=data.ROADMAP_DUE, external_ref__endswith="-01")
    assert roadmaps.count() == 5
    assert roadmaps.filter(status=Status.DONE).count() == 4
    assert roadmaps.exclude(status=Status.DONE).get().group.slug == "ai-digital"


def test_it_keeps_milestones_consistent_with_their_group_and_log(seeded):
    for group in WorkingGroup.objects.all():
        milestones = demo_milestones().filter(group=group)
        assert 6 <= milestones.count() <= 10, group.slug
        member_ids = set(group.memberships.values_list("user_id", flat=True))
        for milestone in milestones:
            assert milestone.section_id == group.section_id
            assert milestone.owner_id in member_ids
            assert milestone.external_ref.startswith(f"DEMO-{group.slug.upper()}-")
            if milestone.status == Status.PLANNED:
                assert milestone.progress == 0
            if milestone.status in (Status.DONE, Status.AWAITING_SIGNOFF):
                assert milestone.progress == 100
            log = list(milestone.updates.order_by("created_at"))
            assert 1 <= len(log) <= 4
            assert all(entry.note and entry.author_id for entry in log)
            assert (log[-1].new_status, log[-1].new_progress) == (
                milestone.status,
                milestone.progress,
            )
            for before, after in pairwise(log):
                assert (before.new_status, before.new_progress) == (
                    after.old_status,
                    after.old_progress,
                )
                assert before.created_at < after.created_at
    # Spread over the past weeks rather than stamped with the moment of seeding.
    times = MilestoneUpdate.objects.values_list("created_at", flat=True)
    assert min(times) < NOW - timedelta(days=28)
    assert len({moment.date() for moment in times}) > 20


def test_it_records_meetings_with_attendance_decisions_and_action_items(seeded):
    for group in WorkingGroup.objects.all():
        meetings = list(Meeting.objects.filter(group=group).order_by("starts_at"))
        assert 2 <= len(meetings) <= 4, group.slug
        past = [meeting for meeting in meetings if meeting.starts_at < NOW]
        upcoming = [meeting for meeting in meetings if meeting.starts_at > NOW]
        assert len(upcoming) == 1 and len(past) >= 2
        assert upcoming[0].time_zone in ("Asia/Baku", "America/New_York")
        assert upcoming[0].location or upcoming[0].link
        assert upcoming[0].starts_at.tzinfo is not None

        assert past[-1].minutes_state == MinutesState.DRAFT
        for meeting in past[:-1]:
            assert meeting.minutes_state == MinutesState.ADOPTED
            assert set(meeting.adoptions.values_list("side", flat=True)) == {"az", "us"}
        for meeting in past:
            assert meeting.agenda and meeting.minutes
            assert meeting.decisions.exists()
            assert meeting.action_items.exclude(owner=None).exclude(due_date=None).exists()
            statuses = set(meeting.attendance.values_list("status", flat=True))
            assert AttendanceStatus.PRESENT in statuses
            assert statuses & {AttendanceStatus.APOLOGIES, AttendanceStatus.ABSENT}
            assert meeting.attendance.filter(user=None).exclude(guest_name="").exists()
        assert ActionItem.objects.filter(meeting__group=group, milestone__group=group).exists()
    assert not MinutesAdoption.objects.filter(meeting__minutes_state=MinutesState.DRAFT).exists()


def test_it_never_dates_history_after_the_present(seeded):
    assert not MilestoneUpdate.objects.filter(created_at__gt=NOW).exists()
    assert not SignOff.objects.filter(signed_at__gt=NOW).exists()
    assert not Milestone.objects.filter(Q(completed_at__gt=NOW) | Q(created_at__gt=NOW)).exists()
    assert not MinutesAdoption.objects.filter(adopted_at__gt=NOW).exists()
    assert not ActionItem.objects.filter(completed_at__gt=NOW).exists()
    assert not Attendance.objects.filter(
        meeting__starts_at__gt=NOW, status=AttendanceStatus.PRESENT
    ).exists()


def test_it_changes_nothing_when_run_twice(seeded):
    before = snapshot()
    out = StringIO()
    call_command("seed_demo", stdout=out, stderr=StringIO())
    assert snapshot() == before
    assert "nothing created" in out.getvalue()


def test_it_creates_nothing_on_a_later_day_either(seeded, time_machine):
    before = counts()
    time_machine.move_to(NOW + timedelta(days=45), tick=False)
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    assert counts() == before


def test_it_adds_synthetic_volume_with_scale_idempotently(seeded):
    before = counts()
    call_command("seed_demo", scale=1, stdout=StringIO(), stderr=StringIO())
    after = counts()
    assert after["accounts.User"] - before["accounts.User"] == 50
    assert after["milestones.Milestone"] - before["milestones.Milestone"] == 500
    assert after["meetings.Meeting"] - before["meetings.Meeting"] == 100
    assert after["charter.Membership"] - before["charter.Membership"] == 50
    assert after["milestones.MilestoneUpdate"] - before["milestones.MilestoneUpdate"] == 500
    assert after["meetings.Attendance"] > before["meetings.Attendance"]
    assert Milestone.objects.filter(external_ref__startswith="SYN-").count() == 500
    assert set(
        Milestone.objects.filter(external_ref__startswith="SYN-").values_list(
            "group__slug", flat=True
        )
    ) == set(SLUGS)
    # Consistent states: done milestones are signed by both sides, adopted minutes by both.
    done = Milestone.objects.filter(external_ref__startswith="SYN-", status=Status.DONE)
    assert done.exists()
    assert not done.annotate(n=Count("signoffs")).exclude(n=2).exists()
    adopted = Meeting.objects.filter(
        title__startswith="Synthetic meeting ", minutes_state=MinutesState.ADOPTED
    )
    assert not adopted.annotate(n=Count("adoptions")).exclude(n=2).exists()
    synthetic = User.objects.filter(email__startswith="synthetic.")
    assert synthetic.first().check_password("charterhub-demo")
    assert not synthetic.annotate(n=Count("memberships")).exclude(n=1).exists()

    snap = snapshot()
    call_command("seed_demo", scale=1, stdout=StringIO(), stderr=StringIO())
    assert snapshot() == snap

    call_command("seed_demo", scale=2, stdout=StringIO(), stderr=StringIO())
    topped_up = counts()
    assert topped_up["accounts.User"] - after["accounts.User"] == 50
    assert topped_up["milestones.Milestone"] - after["milestones.Milestone"] == 500
    assert topped_up["meetings.Meeting"] - after["meetings.Meeting"] == 100
    assert User.objects.filter(email="synthetic.00100@charterhub.test").exists()


def test_it_rejects_a_scale_below_one(frozen):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("seed_demo", "--scale", "0", stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="at least 1"):
        call_command("seed_demo", scale=-3, stdout=StringIO(), stderr=StringIO())


def test_it_explains_missing_working_groups(frozen):
    WorkingGroup.objects.filter(slug="energy").delete()
    with pytest.raises(CommandError, match=r"energy.*migrate"):
        call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    assert not User.objects.filter(email__endswith="@charterhub.test").exists()


def test_it_keeps_an_existing_cochair_and_warns(frozen, energy):
    chair = User.objects.create_user(
        email="someone@example.test", password="x-pass-1234", display_name="Someone", side="az"
    )
    Membership.objects.create(user=chair, group=energy, role=Role.CO_CHAIR, side="az")
    err = StringIO()
    call_command("seed_demo", stdout=StringIO(), stderr=err)
    assert Membership.objects.get(group=energy, role=Role.CO_CHAIR, side="az").user == chair
    assert Membership.objects.get(
        group=energy, user__email="cochair.energy.az@charterhub.test"
    ).role == (Role.MEMBER)
    assert "energy already has a co-chair for the AZ side" in err.getvalue()


@pytest.mark.parametrize("moment", [datetime(2026, 4, 20, 6, tzinfo=UTC), NOW])
def test_it_seeds_a_consistent_demo_on_any_day(time_machine, moment):
    time_machine.move_to(moment, tick=False)
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    today = moment.date()
    assert demo_milestones().filter(due_date__lt=today, status__in=OPEN_STATUSES).exists()
    assert not MilestoneUpdate.objects.filter(created_at__gt=moment).exists()
    assert not SignOff.objects.filter(signed_at__gt=moment).exists()
    assert not Milestone.objects.filter(completed_at__gt=moment).exists()
    assert Meeting.objects.filter(starts_at__gt=moment).count() == 5


RAG_MIX = ["amber", "amber", "green", "green", "red"]


def rag_by_group(today: date) -> dict[str, str]:
    return dict(annotate_rag(WorkingGroup.objects.all(), today=today).values_list("slug", "rag"))


def test_it_gives_the_groups_a_mix_of_rag_colours(seeded):
    rag = rag_by_group(TODAY)
    assert set(rag) == set(SLUGS)
    assert sorted(rag.values()) == RAG_MIX
    assert rag["ai-digital"] == "red"  # the group that missed the charter's deadline


#: A day of each weekday, in winter and in summer time (Washington's offset changes).
ANCHOR_DAYS = [date(2026, 11, 23) + timedelta(days=n) for n in range(7)] + [date(2027, 7, 3)]


@pytest.mark.parametrize("day", ANCHOR_DAYS, ids=str)
def test_it_holds_every_meeting_in_working_hours_in_both_capitals(time_machine, day):
    moment = datetime.combine(day, time(9, 30), tzinfo=UTC)
    time_machine.move_to(moment, tick=False)
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    assert sorted(rag_by_group(day).values()) == RAG_MIX
    meetings = list(Meeting.objects.all())
    assert len(meetings) == sum(len(group.meetings) for group in data.GROUPS)
    for meeting in meetings:
        ends_at = meeting.starts_at + timedelta(minutes=meeting.duration_minutes)
        for zone in (BAKU, WASHINGTON):
            start, end = meeting.starts_at.astimezone(zone), ends_at.astimezone(zone)
            where = f"{meeting.title} in {zone}: {start:%a %H:%M}–{end:%H:%M}"
            assert start.weekday() < 5, where
            assert start.date() == end.date(), where
            assert time(8) <= start.time() and end.time() <= time(18), where


# Moving the demo to the day it is opened ----------------------------------------------------------

LATER = NOW + timedelta(days=31)


def demo_dates() -> dict[tuple, object]:
    """Every date the demo writes, by natural key."""
    dates: dict[tuple, object] = {}
    for ref, *values in demo_milestones().values_list(
        "external_ref", "due_date", "completed_at", "created_at"
    ):
        dates[("milestone", ref)] = tuple(values)
    for ref, note, at in MilestoneUpdate.objects.filter(
        milestone__external_ref__startswith="DEMO-"
    ).values_list("milestone__external_ref", "note", "created_at"):
        dates[("update", ref, note)] = at
    for ref, side, at in SignOff.objects.values_list(
        "milestone__external_ref", "side", "signed_at"
    ):
        dates[("signoff", ref, side)] = at
    for slug, title, *values in Meeting.objects.values_list(
        "group__slug", "title", "starts_at", "created_at"
    ):
        dates[("meeting", slug, title)] = tuple(values)
    for slug, title, text, at in Decision.objects.values_list(
        "meeting__group__slug", "meeting__title", "text", "created_at"
    ):
        dates[("decision", slug, title, text)] = at
    for slug, title, action, *values in ActionItem.objects.values_list(
        "meeting__group__slug", "meeting__title", "title", "due_date", "created_at", "completed_at"
    ):
        dates[("action", slug, title, action)] = tuple(values)
    for slug, title, side, at in MinutesAdoption.objects.values_list(
        "meeting__group__slug", "meeting__title", "side", "adopted_at"
    ):
        dates[("adoption", slug, title, side)] = at
    return dates


class Rollback(Exception):
    pass


def fresh_demo_dates(time_machine, moment: datetime) -> dict[tuple, object]:
    """The dates of a demo seeded for the first time at `moment` (rolled back afterwards)."""
    time_machine.move_to(moment, tick=False)
    try:
        with transaction.atomic():
            call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
            dates = demo_dates()
            raise Rollback
    except Rollback:
        pass
    assert not Meeting.objects.exists()
    return dates


def test_it_moves_the_demo_to_a_later_day_as_if_seeded_then(time_machine):
    expected = fresh_demo_dates(time_machine, LATER)
    time_machine.move_to(NOW, tick=False)
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    due_before = dict(demo_milestones().values_list("external_ref", "due_date"))
    before = counts()

    time_machine.move_to(LATER, tick=False)
    out = StringIO()
    call_command("seed_demo", stdout=out, stderr=StringIO())

    assert "Demo dates moved 31 day(s) forward" in out.getvalue()
    assert counts() == before
    assert demo_dates() == expected
    offsets = {
        group.ref(spec.number): spec.due for group in data.GROUPS for spec in group.milestones
    }
    for ref, due in demo_milestones().values_list("external_ref", "due_date"):
        if isinstance(offsets[ref], int):
            assert due == due_before[ref] + timedelta(days=31), ref
        else:  # the charter's own deadline stays where the charter put it
            assert due == due_before[ref] == data.ROADMAP_DUE, ref
    assert sorted(rag_by_group(LATER.date()).values()) == RAG_MIX
    assert not MilestoneUpdate.objects.filter(created_at__gt=LATER).exists()

    snap = snapshot()
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    assert snapshot() == snap  # the same day again: nothing moves


def test_it_leaves_what_users_added_or_changed_where_it_is(seeded, time_machine, energy):
    real = Milestone.objects.create(
        group=energy, section=energy.section, title="A real one", due_date=TODAY
    )
    real_meeting = Meeting.objects.create(group=energy, title="A real meeting", starts_at=NOW)
    demo = demo_milestones().get(external_ref="DEMO-ECONOMY-02")
    author = User.objects.get(email="member.economy.us@charterhub.test")
    logged = MilestoneUpdate.objects.create(milestone=demo, author=author, note="Real progress")
    changed = demo_milestones().get(external_ref="DEMO-ENERGY-03")
    Milestone.objects.filter(pk=changed.pk).update(due_date=date(2027, 3, 1))
    logged_at = MilestoneUpdate.objects.get(pk=logged.pk).created_at

    time_machine.move_to(LATER, tick=False)
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())

    real.refresh_from_db()
    real_meeting.refresh_from_db()
    assert (real.due_date, real_meeting.starts_at) == (TODAY, NOW)
    assert MilestoneUpdate.objects.get(pk=logged.pk).created_at == logged_at
    assert Milestone.objects.get(pk=changed.pk).due_date == date(2027, 3, 1)
    assert demo_milestones().get(pk=demo.pk).due_date == TODAY + timedelta(days=30 + 31)


def test_it_moves_a_demo_seeded_before_the_day_was_recorded(seeded, time_machine):
    DemoAnchor.objects.all().delete()
    time_machine.move_to(LATER, tick=False)
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    assert DemoAnchor.objects.get().day == LATER.date()
    assert demo_milestones().get(external_ref="DEMO-ECONOMY-02").due_date == (
        LATER.date() + timedelta(days=30)
    )
