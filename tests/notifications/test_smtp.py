"""Delivery through a real SMTP server (aiosmtpd on a free port): the test runner swaps
MAILERS to locmem, so each test points MAILERS at its own server."""

import datetime as dt

import pytest
from django.core.mail.backends import smtp as smtp_backend

from apps.notifications import services
from apps.notifications.models import EmailLog, EmailState
from tests.notifications.factories import at, milestone, outbox_row
from tests.notifications.smtp_server import SMTPServer

pytestmark = pytest.mark.django_db

NOW = at("2026-05-04 09:00")
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def smtp(settings):
    server = SMTPServer().start()
    settings.MAILERS = server.mailers
    yield server
    server.stop()


@pytest.fixture
def smtp_down(settings):
    """A server that is not running yet on its port; `.start()` brings it up."""
    server = SMTPServer()
    settings.MAILERS = server.mailers
    yield server
    server.stop()


def states() -> dict[str, int]:
    result: dict[str, int] = {}
    for state in EmailLog.objects.values_list("state", flat=True):
        result[state] = result.get(state, 0) + 1
    return result


def test_it_delivers_reminders_over_smtp(smtp, member, observer, energy):
    milestone(energy, owner=member, due="2026-05-11", title="Grid study")
    milestone(energy, owner=observer, due="2026-05-05", title="Market report")
    services.reminders_claim(now=at("2026-05-04 12:00"))
    result = services.emails_deliver(now=at("2026-05-04 12:00"))
    assert (result.due, result.sent) == (2, 2)
    assert states() == {"sent": 2}
    received = {message["To"]: message for message in smtp.handler.received}
    grid = received["member@example.test"]
    row = EmailLog.objects.get(recipient=member)
    assert grid["Subject"] == "[Energy] Due in 7 days: Grid study"
    assert grid["Message-ID"] == row.message_id
    assert grid["List-Unsubscribe"] == row.headers["List-Unsubscribe"]
    assert grid["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert grid.get_body(("plain",)).get_content().replace("\r\n", "\n") == row.body_text
    assert grid.get_body(("html",)).get_content().startswith("<!DOCTYPE html>")


def test_it_keeps_emails_queued_while_the_server_is_down_and_sends_each_once_when_back(
    smtp_down, member, observer
):
    rows = [outbox_row(member), outbox_row(observer), outbox_row(member)]
    result = services.emails_deliver(now=NOW)  # connection refused
    assert (result.sent, result.retrying) == (0, 3)
    for row in rows:
        row.refresh_from_db()
        assert (row.state, row.attempts, row.send_after) == (EmailState.QUEUED, 1, NOW + MINUTE)
        assert "Connection refused" in row.last_error or "Errno 111" in row.last_error
    smtp_down.start()
    assert services.emails_deliver(now=NOW + MINUTE / 2).due == 0  # backing off
    result = services.emails_deliver(now=NOW + MINUTE)
    assert (result.due, result.sent) == (3, 3)
    assert services.emails_deliver(now=NOW + 10 * MINUTE).due == 0
    assert sorted(smtp_down.handler.message_ids()) == sorted(row.message_id for row in rows)
    assert states() == {"sent": 3}


def test_it_fails_after_the_backoff_schedule_and_staff_can_retry(smtp_down, member):
    row = outbox_row(member)
    moment = NOW
    for _ in range(4):
        services.emails_deliver(now=moment)
        row.refresh_from_db()
        moment = row.send_after
    assert [row.state, row.attempts] == [EmailState.QUEUED, 4]
    assert moment == NOW + dt.timedelta(minutes=1 + 5 + 15 + 60)
    services.emails_deliver(now=moment)
    row.refresh_from_db()
    assert (row.state, row.attempts) == (EmailState.FAILED, 5)

    assert services.emails_retry(ids=[row.pk], now=moment) == 1
    smtp_down.start()
    assert services.emails_deliver(now=moment).sent == 1
    assert smtp_down.handler.message_ids() == [row.message_id]


def test_it_retries_a_server_that_refuses_the_first_attempts(smtp, member):
    smtp.handler.data_replies = ["451 4.7.1 Greylisted, try again later"] * 2
    first, second, third = (outbox_row(member, send_after=NOW - n * MINUTE) for n in (3, 2, 1))
    result = services.emails_deliver(now=NOW)
    assert (result.retrying, result.sent) == (2, 1)
    first.refresh_from_db()
    assert (first.state, first.attempts) == (EmailState.QUEUED, 1)
    assert first.last_error == "451 4.7.1 Greylisted, try again later"
    result = services.emails_deliver(now=NOW + MINUTE)
    assert (result.due, result.sent) == (2, 2)
    assert sorted(smtp.handler.message_ids()) == sorted(
        row.message_id for row in (first, second, third)
    )
    assert smtp.handler.attempts == 5
    assert states() == {"sent": 3}


def test_it_fails_a_permanently_rejected_recipient_with_the_servers_reply(smtp, member, observer):
    smtp.handler.refuse["nobody@example.test"] = "550 5.1.1 <nobody@example.test>: user unknown"
    rejected = outbox_row(member, to_email="nobody@example.test")
    accepted = outbox_row(observer)
    result = services.emails_deliver(now=NOW)
    assert (result.failed, result.sent) == (1, 1)
    rejected.refresh_from_db()
    assert rejected.state == EmailState.FAILED
    assert rejected.attempts == 1
    assert rejected.last_error == "550 5.1.1 <nobody@example.test>: user unknown"
    assert services.emails_deliver(now=NOW + dt.timedelta(hours=2)).due == 0
    accepted.refresh_from_db()
    assert accepted.state == EmailState.SENT
    assert smtp.handler.message_ids() == [accepted.message_id]


def test_it_treats_a_closing_server_as_unreachable(smtp, member):
    smtp.handler.data_replies = ["421 4.3.2 Shutting down"]
    first, second = outbox_row(member, send_after=NOW - MINUTE), outbox_row(member)
    result = services.emails_deliver(now=NOW)
    assert (result.sent, result.retrying) == (0, 2)
    assert services.emails_deliver(now=NOW + MINUTE).sent == 2
    assert sorted(smtp.handler.message_ids()) == sorted([first.message_id, second.message_id])


def test_it_uses_one_connection_per_pass(smtp, member, monkeypatch):
    opened = []
    original = smtp_backend.EmailBackend.open

    def counting_open(self):
        created = original(self)
        if created:
            opened.append(self)
        return created

    monkeypatch.setattr(smtp_backend.EmailBackend, "open", counting_open)
    for _ in range(5):
        outbox_row(member)
    assert services.emails_deliver(now=NOW).sent == 5
    assert len(opened) == 1
    assert len(smtp.handler.received) == 5
