"""Sessions end after 30 idle minutes and 12 hours after login; an active session writes
its last-seen stamp at most once a minute; HTMX gets HX-Redirect instead of a login page."""

import datetime

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.session_timeout import SEEN_AT
from apps.audit.models import AuditEvent, AuditKind
from charterhub.env import EnvError, env_int

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)
PAGE = "/milestones/"
HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/milestones/?group=energy"}


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def signed_in(client, member, clock):
    client.force_login(member)
    assert client.get(PAGE).status_code == 200
    return client


def session_writes(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE).status_code == 200
    return sum(
        1
        for query in queries.captured_queries
        if "django_session" in query["sql"]
        and query["sql"].lstrip().startswith(("UPDATE", "INSERT"))
    )


def test_it_keeps_an_active_user_signed_in_past_the_idle_timeout(signed_in, clock):
    for _ in range(6):  # an hour of work, a request every ten minutes
        clock.shift(10 * MINUTE)
        assert signed_in.get(PAGE).status_code == 200


def test_it_signs_out_after_thirty_idle_minutes(signed_in, clock, member):
    clock.shift(31 * MINUTE)
    response = signed_in.get(PAGE)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/milestones/"
    assert SESSION_KEY not in signed_in.session
    page = signed_in.get(response["Location"])
    assert "Your session expired. Please log in again to continue." in page.content.decode()
    [event] = AuditEvent.objects.filter(kind=AuditKind.SESSION_EXPIRED)
    assert (event.actor, event.detail) == (member, {"reason": "idle"})


def test_it_keeps_a_session_idle_for_less_than_thirty_minutes(signed_in, clock):
    clock.shift(29 * MINUTE)
    assert signed_in.get(PAGE).status_code == 200


def test_it_signs_out_twelve_hours_after_login_however_active(signed_in, clock, member):
    for _ in range(12 * 4):  # every quarter of an hour for twelve hours
        clock.shift(15 * MINUTE)
        assert signed_in.get(PAGE).status_code == 200
    clock.shift(2 * MINUTE)
    response = signed_in.get(PAGE)
    assert response.status_code == 302
    [event] = AuditEvent.objects.filter(kind=AuditKind.SESSION_EXPIRED)
    assert event.detail == {"reason": "absolute"}


def test_it_starts_the_clocks_again_at_the_next_login(client, member, clock):
    client.post("/accounts/login/", {"username": member.email, "password": "test-pass-1234"})
    clock.shift(31 * MINUTE)
    assert client.get(PAGE).status_code == 302
    client.post("/accounts/login/", {"username": member.email, "password": "test-pass-1234"})
    assert client.get(PAGE).status_code == 200


def test_it_writes_the_session_at_most_once_a_minute(signed_in, clock):
    stamp = signed_in.session[SEEN_AT]
    clock.shift(datetime.timedelta(seconds=30))
    assert session_writes(signed_in) == 0
    assert signed_in.session[SEEN_AT] == stamp
    clock.shift(datetime.timedelta(seconds=31))
    assert session_writes(signed_in) == 1
    assert signed_in.session[SEEN_AT] == stamp + 61
    clock.shift(datetime.timedelta(seconds=10))
    assert session_writes(signed_in) == 0


def test_it_answers_htmx_with_hx_redirect_to_the_page_it_came_from(signed_in, clock):
    clock.shift(31 * MINUTE)
    response = signed_in.get(PAGE, headers=HTMX)
    assert response.status_code == 401
    assert response["HX-Redirect"] == "/accounts/login/?next=/milestones/%3Fgroup%3Denergy"
    assert response.content == b""


def test_it_ignores_a_current_url_of_another_site(signed_in, clock):
    clock.shift(31 * MINUTE)
    headers = {**HTMX, "HX-Current-URL": "https://evil.example/steal"}
    response = signed_in.get(PAGE, headers=headers)
    assert response["HX-Redirect"] == "/accounts/login/"


def test_it_answers_an_htmx_request_without_a_session_with_hx_redirect(client, db):
    response = client.get(PAGE, headers=HTMX)
    assert response.status_code == 401
    assert response["HX-Redirect"].startswith("/accounts/login/?next=")


def test_it_sends_an_expired_post_to_the_login_page_without_next(signed_in, clock):
    clock.shift(31 * MINUTE)
    response = signed_in.post("/accounts/password/", {})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


def test_it_counts_a_clock_set_back_as_fresh(signed_in, clock):
    clock.move_to(START - datetime.timedelta(days=30))
    assert signed_in.get(PAGE).status_code == 200


def test_it_follows_the_idle_timeout_setting(settings, signed_in, clock):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    clock.shift(6 * MINUTE)
    assert signed_in.get(PAGE).status_code == 302


@pytest.mark.parametrize("raw, expected", [(None, 30), ("", 30), ("45", 45), (" 2 ", 2)])
def test_it_reads_the_idle_minutes_from_the_environment(monkeypatch, raw, expected):
    if raw is None:
        monkeypatch.delenv("SESSION_IDLE_MINUTES", raising=False)
    else:
        monkeypatch.setenv("SESSION_IDLE_MINUTES", raw)
    assert env_int("SESSION_IDLE_MINUTES", 30, minimum=2, maximum=1440) == expected


@pytest.mark.parametrize("raw", ["thirty", "1", "1441", "-5", "2.5"])
def test_it_refuses_a_malformed_idle_timeout(monkeypatch, raw):
    monkeypatch.setenv("SESSION_IDLE_MINUTES", raw)
    with pytest.raises(EnvError, match="SESSION_IDLE_MINUTES"):
        env_int("SESSION_IDLE_MINUTES", 30, minimum=2, maximum=1440)


def test_it_sends_the_security_headers_with_the_expiry_redirect(signed_in, clock):
    clock.shift(31 * MINUTE)
    for headers in ({}, HTMX):
        response = signed_in.get(PAGE, headers=headers)
        assert response["X-Frame-Options"] == "DENY"
        assert "Content-Security-Policy" in response
