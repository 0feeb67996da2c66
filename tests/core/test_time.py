"""The time rules every page and job uses (apps/core/time.py, docs/conventions.md "Time")."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone, translation

from apps.accounts.models import User
from apps.core.middleware import UserTimeZoneMiddleware
from apps.core.time import clock_readings, today_for, zone_for, zone_label, zone_named

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


def test_it_shows_a_moment_where_it_happens_then_in_the_other_capital_and_for_the_reader():
    readings = clock_readings(
        LATE_EVENING_UTC, home=zone_named("America/New_York"), reader=zone_named("Europe/London")
    )
    assert [(r.place, r.local.hour, r.other_day) for r in readings] == [
        ("Washington", 18, False),
        ("Baku", 2, True),  # already the 16th in Baku
        ("London", 23, False),
    ]
    # The reader in a capital gets no third clock.
    assert len(clock_readings(LATE_EVENING_UTC, reader=zone_named("Asia/Baku"))) == 2
    assert zone_label("Asia/Baku") == "Baku" and zone_label("America/Argentina/Buenos_Aires") == (
        "Buenos Aires"
    )


@pytest.mark.parametrize(
    "language, expected",
    [
        ("en", "15 June 2026, 18:30 Washington · 02:30 Baku (16 June)"),
        ("az", "15 iyun 2026, 18:30 Vaşinqton · 02:30 Bakı (16 iyun)"),
        ("ru", "15 июня 2026, 18:30 Вашингтон · 02:30 Баку (16 июня)"),
    ],
)
def test_the_capitals_tag_writes_both_clocks_in_the_readers_language(language, expected):
    template = Template(
        '{% load ui %}{% capitals moment zone="America/New_York" %}|'
        '{% capitals moment zone="America/New_York" plain=True %}'
    )
    with translation.override(language), timezone.override(zone_named("Asia/Baku")):
        html, text = template.render(Context({"moment": LATE_EVENING_UTC})).split("|")
    assert text == expected
    assert 'datetime="2026-06-15T22:30:00+00:00"' in html
    assert html.replace("&nbsp;", " ").count("Washington" if language == "en" else "·") >= 1


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
