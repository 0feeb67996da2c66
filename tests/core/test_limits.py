"""Attempt counters shared by every process (apps/core/limits.py)."""

import datetime as dt

import pytest
import time_machine

from apps.core.limits import Limit, limit_hit, limit_reached, limit_reset

pytestmark = pytest.mark.django_db
THREE_PER_QUARTER_HOUR = Limit(name="test", attempts=3, window=dt.timedelta(minutes=15))
START = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


def test_it_is_reached_after_the_attempts_until_the_window_closes():
    with time_machine.travel(START, tick=False) as clock:
        assert [limit_hit(limit=THREE_PER_QUARTER_HOUR, key="a") for _ in range(3)] == [1, 2, 3]
        assert limit_reached(limit=THREE_PER_QUARTER_HOUR, key="a")
        assert not limit_reached(limit=THREE_PER_QUARTER_HOUR, key="b")
        clock.shift(dt.timedelta(minutes=14))
        assert limit_reached(limit=THREE_PER_QUARTER_HOUR, key="a")
        clock.shift(dt.timedelta(minutes=2))
        assert not limit_reached(limit=THREE_PER_QUARTER_HOUR, key="a")


def test_a_reset_forgets_the_failures():
    for _ in range(3):
        limit_hit(limit=THREE_PER_QUARTER_HOUR, key="a")
    limit_reset(limit=THREE_PER_QUARTER_HOUR, key="a")
    assert not limit_reached(limit=THREE_PER_QUARTER_HOUR, key="a")
