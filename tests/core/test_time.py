"""The time rules every page and job uses (apps/core/time.py, docs/conventions.md "Time")."""

import datetime as dt

import pytest
from django.test import RequestFactory
from django.utils import timezone

from apps.accounts.models import User
from apps.core.middleware import UserTimeZoneMiddleware
from apps.core.time import in_capitals, today_for, zone_for, zone_named

LATE_EVENING_UTC = dt.datetime(2026, 6, 15, 22, 30, tzinfo=dt.UTC)


def test_it_falls_back_to_utc_for_an_unknown_or_empty_zone():
    assert zone_named("Not/A_Zone").key == "UTC"
    assert zone_named("").key == "UTC"
    assert zone_named("Asia/Baku").key == "Asia/Baku"
    assert zone_for(User(time_zone="America/New_York")).key == "America/New_York"


def test_today_is_the_readers_own_day(time_machine):
    time_machine.move_to(LATE_EVENING_UTC)
    assert today_for(User(time_zone="Asia/Baku")) == dt.date(2026, 6, 16)
    assert today_for(User(time_zone="America/New_York")) == dt.date(2026, 6, 15)
    with timezone.override(zone_named("Asia/Baku")):
        assert today_for() == dt.date(2026, 6, 16)


def test_it_shows_a_moment_on_both_capitals_clocks():
    (baku_name, baku), (washington_name, washington) = in_capitals(LATE_EVENING_UTC)
    assert (baku_name, baku.hour, baku.day) == ("Baku", 2, 16)
    assert (washington_name, washington.hour, washington.day) == ("Washington", 18, 15)


@pytest.mark.django_db
def test_the_middleware_activates_the_users_zone_for_the_request_only(member):
    seen = []

    def view(request):
        seen.append(timezone.get_current_timezone_name())
        return None

    request = RequestFactory().get("/")
    request.user = member  # Asia/Baku
    UserTimeZoneMiddleware(view)(request)
    assert seen == ["Asia/Baku"]
    assert timezone.get_current_timezone_name() == "UTC"
