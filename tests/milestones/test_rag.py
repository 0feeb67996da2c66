"""The red / amber / green status of a working group (apps/milestones/rag.py)."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from apps.charter.models import WorkingGroup
from apps.core.time import today_for
from apps.milestones.models import Milestone, MilestoneUpdate, Status
from apps.milestones.rag import AMBER, GREEN, RED, annotate_rag
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def milestone(group, *, due: int, status: str = Status.PLANNED, **extra) -> Milestone:
    """A milestone due ``due`` days from today."""
    if status == Status.DONE:
        extra.setdefault("completed_at", NOW)
    return MilestoneFactory(
        group=group,
        title=f"{status} due {due:+d}",
        due_date=TODAY + dt.timedelta(days=due),
        status=status,
        **extra,
    )


def log_progress(target: Milestone, *, days_ago: float) -> None:
    entry = MilestoneUpdate.objects.create(milestone=target, new_progress=10, note="progress")
    MilestoneUpdate.objects.filter(pk=entry.pk).update(created_at=NOW - dt.timedelta(days=days_ago))


def rag_of(group) -> str:
    return annotate_rag(WorkingGroup.objects.filter(pk=group.pk)).get().rag


def test_it_is_green_without_milestones(energy):
    assert rag_of(energy) == GREEN


def test_it_is_green_when_everything_is_on_track(energy):
    milestone(energy, due=30)
    milestone(energy, due=5, status=Status.IN_PROGRESS)
    log_progress(Milestone.objects.get(status=Status.IN_PROGRESS), days_ago=3)
    assert rag_of(energy) == GREEN


@pytest.mark.parametrize(
    "status", [Status.PLANNED, Status.IN_PROGRESS, Status.AT_RISK, Status.AWAITING_SIGNOFF]
)
def test_it_is_red_when_an_open_milestone_is_overdue(energy, status):
    milestone(energy, due=-1, status=status)
    assert rag_of(energy) == RED


def test_it_is_red_when_a_milestone_is_blocked(energy):
    target = milestone(energy, due=60, status=Status.BLOCKED)
    log_progress(target, days_ago=1)
    assert rag_of(energy) == RED


@pytest.mark.parametrize("status", [Status.DONE, Status.CANCELLED])
def test_it_ignores_closed_milestones_past_their_due_date(energy, status):
    milestone(energy, due=-10, status=status)
    assert rag_of(energy) == GREEN


def test_it_is_not_overdue_on_its_due_date(energy):
    target = milestone(energy, due=0)
    log_progress(target, days_ago=1)
    assert rag_of(energy) == GREEN


def test_it_is_amber_when_a_milestone_is_at_risk(energy):
    target = milestone(energy, due=90, status=Status.AT_RISK)
    log_progress(target, days_ago=1)
    assert rag_of(energy) == AMBER


@pytest.mark.parametrize("due", [0, 1, 7, 14])
def test_it_is_amber_when_due_within_14_days_without_recent_progress(energy, due):
    milestone(energy, due=due)
    assert rag_of(energy) == AMBER


def test_it_is_green_when_due_in_15_days_without_progress(energy):
    milestone(energy, due=15)
    assert rag_of(energy) == GREEN


def test_it_counts_progress_logged_in_the_last_14_days(energy):
    target = milestone(energy, due=7)
    log_progress(target, days_ago=13)
    assert rag_of(energy) == GREEN


def test_it_counts_progress_from_midnight_utc_14_days_ago(energy):
    target = milestone(energy, due=7)
    log_progress(target, days_ago=14.5)  # 2026-06-01 00:00 UTC: the first moment that counts
    assert rag_of(energy) == GREEN


def test_it_ignores_progress_older_than_14_days(energy):
    target = milestone(energy, due=7)
    log_progress(target, days_ago=15)
    assert rag_of(energy) == AMBER


def test_it_ignores_progress_on_another_milestone(energy):
    milestone(energy, due=7)
    log_progress(milestone(energy, due=40), days_ago=1)
    assert rag_of(energy) == AMBER


def test_it_ignores_closed_milestones_due_soon(energy):
    milestone(energy, due=3, status=Status.DONE)
    milestone(energy, due=3, status=Status.CANCELLED)
    assert rag_of(energy) == GREEN


def test_it_prefers_red_to_amber(energy):
    milestone(energy, due=60, status=Status.AT_RISK)
    milestone(energy, due=-1)
    assert rag_of(energy) == RED


def test_it_judges_overdue_on_the_readers_own_day(energy, frozen):
    """At 23:30 UTC it is already tomorrow in Baku: there, yesterday's due date has passed."""
    frozen.move_to(dt.datetime(2026, 6, 15, 23, 30, tzinfo=dt.UTC))
    target = milestone(energy, due=0)
    log_progress(target, days_ago=0)
    assert today_for() == dt.date(2026, 6, 15)
    assert rag_of(energy) == GREEN
    with timezone.override(zoneinfo.ZoneInfo("Asia/Baku")):
        assert today_for() == dt.date(2026, 6, 16)
        assert rag_of(energy) == RED


def test_it_turns_red_the_day_after_the_due_date(energy, frozen):
    target = milestone(energy, due=0)
    log_progress(target, days_ago=0)
    frozen.move_to(NOW + dt.timedelta(days=1))
    assert rag_of(energy) == RED


def test_it_computes_every_group_in_one_query(
    charter_data, energy, connectivity, security, django_assert_num_queries
):
    economy = WorkingGroup.objects.get(slug="economy")
    milestone(energy, due=-3)  # red: overdue
    milestone(connectivity, due=5)  # amber: due soon, no progress
    on_track = milestone(economy, due=5)  # green: due soon, with progress
    log_progress(on_track, days_ago=2)
    milestone(security, due=20, status=Status.BLOCKED)  # red: blocked
    with django_assert_num_queries(1):
        statuses = dict(annotate_rag(WorkingGroup.objects.all()).values_list("slug", "rag"))
    assert statuses == {
        "economy": GREEN,
        "energy": RED,
        "connectivity": AMBER,
        "ai-digital": GREEN,
        "security": RED,
    }


def test_it_takes_an_explicit_date(energy):
    milestone(energy, due=10)
    groups = WorkingGroup.objects.filter(pk=energy.pk)
    assert annotate_rag(groups, today=TODAY + dt.timedelta(days=30)).get().rag == RED
    assert annotate_rag(groups, today=TODAY - dt.timedelta(days=30)).get().rag == GREEN


# --- the reason, in words ---------------------------------------------------------------------


def test_it_words_the_reason_of_each_colour():
    from apps.milestones.rag import rag_reason

    counts = {"overdue": 2, "blocked": 1, "at_risk": 1, "stalled": 0}
    assert rag_reason(rag=RED, **counts) == "2 overdue · 1 blocked"
    assert rag_reason(rag=AMBER, **counts) == "1 at risk"
    assert rag_reason(rag=GREEN, **counts) == "On track"
    assert rag_reason(rag=RED, **{**counts, "overdue": 0}) == "1 blocked"
