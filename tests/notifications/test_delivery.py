"""The outbox pass (`emails_deliver`): claim each due row, send it, record what happened.

These tests use Django's locmem mailer or a scripted one; tests/notifications/test_smtp.py
does the same against a real SMTP server (aiosmtpd).
"""

import datetime as dt
import smtplib

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.accounts.models import DigestFrequency
from apps.notifications import services
from apps.notifications.models import EmailKind, EmailLog, EmailState
from tests.notifications.factories import at, milestone, outbox_row

pytestmark = pytest.mark.django_db

NOW = at("2026-05-04 09:00")


class ScriptedBackend(BaseEmailBackend):
    """Raises the next scripted error for each message (None: accept it)."""

    script: list = []
    accepted: list = []

    def send_messages(self, messages):
        for message in messages:
            error = ScriptedBackend.script.pop(0) if ScriptedBackend.script else None
            if error is not None:
                raise error
            ScriptedBackend.accepted.append(message)
        return len(messages)


@pytest.fixture
def scripted(settings):
    ScriptedBackend.script, ScriptedBackend.accepted = [], []
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.ScriptedBackend"}}
    return ScriptedBackend


def state_of(row) -> tuple:
    row.refresh_from_db()
    return row.state, row.attempts


def test_it_sends_due_rows_exactly_as_decided(member):
    row = outbox_row(
        member,
        headers={"List-Unsubscribe": "<http://127.0.0.1:8000/unsubscribe/x/>"},
        attachments=[
            {"filename": "a.ics", "content": "BEGIN:VCALENDAR", "mimetype": "text/calendar"}
        ],
    )
    result = services.emails_deliver(now=NOW)
    assert (result.due, result.sent) == (1, 1)
    (message,) = mail.outbox
    assert message.subject == row.subject
    assert message.body == row.body_text
    assert message.alternatives[0].content == row.body_html
    assert message.to == [member.email]
    assert message.from_email == "CharterHub <noreply@charterhub.test>"
    assert message.extra_headers["Message-ID"] == row.message_id
    assert message.extra_headers["List-Unsubscribe"] == "<http://127.0.0.1:8000/unsubscribe/x/>"
    assert message.attachments[0].filename == "a.ics"
    row.refresh_from_db()
    assert (row.state, row.attempts, row.sending_since) == (EmailState.SENT, 1, None)
    assert NOW <= row.sent_at < NOW + dt.timedelta(seconds=30)


def test_it_waits_for_rows_whose_time_has_not_come(member):
    row = outbox_row(member, send_after=NOW + dt.timedelta(minutes=1))
    assert services.emails_deliver(now=NOW).due == 0
    assert state_of(row) == (EmailState.QUEUED, 0)
    assert services.emails_deliver(now=NOW + dt.timedelta(minutes=1)).sent == 1


def test_it_sends_the_oldest_first_and_at_most_a_batch(member):
    rows = [outbox_row(member, send_after=NOW - dt.timedelta(minutes=n)) for n in range(5)]
    result = services.emails_deliver(now=NOW, limit=3)
    assert (result.due, result.sent) == (3, 3)
    assert [m.subject for m in mail.outbox] == [r.subject for r in reversed(rows)][:3]
    assert services.emails_deliver(now=NOW).sent == 2


def test_it_never_sends_a_row_twice(member):
    outbox_row(member)
    services.emails_deliver(now=NOW)
    assert services.emails_deliver(now=NOW + dt.timedelta(hours=1)).due == 0
    assert len(mail.outbox) == 1


def test_it_leaves_a_row_another_deliverer_took(member, monkeypatch):
    row = outbox_row(member)
    real_filter = EmailLog.objects.filter

    def filter_after_a_rival_took_it(*args, **kwargs):
        if kwargs.get("state") == EmailState.QUEUED and kwargs.get("pk") == row.pk:
            real_filter(pk=row.pk).update(state=EmailState.SENDING, sending_since=NOW)
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(EmailLog.objects, "filter", filter_after_a_rival_took_it)
    result = services.emails_deliver(now=NOW)
    assert (result.due, result.sent) == (1, 0)
    assert mail.outbox == []


def test_it_marks_rows_left_sending_past_the_lease_for_checking(member):
    stale = outbox_row(
        member, state=EmailState.SENDING, sending_since=NOW - dt.timedelta(minutes=11)
    )
    fresh = outbox_row(
        member, state=EmailState.SENDING, sending_since=NOW - dt.timedelta(minutes=9)
    )
    result = services.emails_deliver(now=NOW)
    assert (result.checked, result.sent) == (1, 0)
    stale.refresh_from_db()
    assert stale.state == EmailState.CHECK
    assert "may or may not have reached the recipient" in stale.last_error
    assert state_of(fresh) == (EmailState.SENDING, 0)
    assert mail.outbox == []  # never resent blindly
    services.emails_deliver(now=NOW + dt.timedelta(hours=2))
    assert mail.outbox == []
    assert state_of(fresh)[0] == EmailState.CHECK


@pytest.mark.parametrize(
    "kind, change",
    [
        (EmailKind.DIGEST, {"digest_frequency": DigestFrequency.OFF}),
        (EmailKind.MILESTONE_REMINDER, {"reminders_enabled": False}),
        (EmailKind.MEETING_REMINDER, {"reminders_enabled": False}),
        (EmailKind.DIGEST, {"is_active": False}),
    ],
)
def test_it_cancels_what_the_recipient_turned_off_before_delivery(member, kind, change):
    row = outbox_row(member, kind=kind)
    for name, value in change.items():
        setattr(member, name, value)
    member.save()
    result = services.emails_deliver(now=NOW)
    assert (result.cancelled, result.sent) == (1, 0)
    row.refresh_from_db()
    assert row.state == EmailState.CANCELLED
    assert "turned these emails off" in row.last_error
    assert mail.outbox == []


def test_it_still_sends_reminders_to_someone_who_stopped_digests(member):
    member.digest_frequency = DigestFrequency.OFF
    member.save()
    outbox_row(member, kind=EmailKind.MILESTONE_REMINDER)
    assert services.emails_deliver(now=NOW).sent == 1


def test_it_backs_off_1_5_15_60_minutes_then_fails(member, scripted):
    row = outbox_row(member)
    scripted.script = [smtplib.SMTPDataError(451, b"4.3.0 Try again later")] * 5
    moment = NOW
    for attempts, wait in enumerate([1, 5, 15, 60], start=1):
        assert services.emails_deliver(now=moment).retrying == 1
        row.refresh_from_db()
        assert (row.state, row.attempts) == (EmailState.QUEUED, attempts)
        assert row.send_after == moment + dt.timedelta(minutes=wait)
        assert row.last_error == "451 4.3.0 Try again later"
        assert services.emails_deliver(now=row.send_after - dt.timedelta(seconds=1)).due == 0
        moment = row.send_after
    assert services.emails_deliver(now=moment).failed == 1
    assert state_of(row) == (EmailState.FAILED, 5)
    assert services.emails_deliver(now=moment + dt.timedelta(days=1)).due == 0


def test_it_fails_a_permanent_refusal_at_once_with_the_reply(member, observer, scripted):
    refused = outbox_row(member, to_email="nobody@example.test")
    accepted = outbox_row(observer)
    scripted.script = [
        smtplib.SMTPRecipientsRefused(
            {"nobody@example.test": (550, b"5.1.1 <nobody@example.test>: Recipient unknown")}
        ),
        None,
    ]
    result = services.emails_deliver(now=NOW)
    assert (result.failed, result.sent) == (1, 1)
    refused.refresh_from_db()
    assert (refused.state, refused.attempts) == (EmailState.FAILED, 1)
    assert refused.last_error == "550 5.1.1 <nobody@example.test>: Recipient unknown"
    assert state_of(accepted) == (EmailState.SENT, 1)


@pytest.mark.parametrize(
    "error, outcome",
    [
        (smtplib.SMTPSenderRefused(553, b"5.7.1 Sender not allowed", "x@y"), EmailState.FAILED),
        (smtplib.SMTPDataError(554, b"5.6.0 Message rejected"), EmailState.FAILED),
        (smtplib.SMTPRecipientsRefused({"a@b": (450, b"4.2.0 Mailbox busy")}), EmailState.QUEUED),
        (smtplib.SMTPDataError(452, b"4.3.1 Insufficient storage"), EmailState.QUEUED),
        (TimeoutError("timed out"), EmailState.QUEUED),
        (ValueError("Invalid address 'x'"), EmailState.FAILED),
        (RuntimeError("something unexpected"), EmailState.QUEUED),
    ],
)
def test_it_tells_temporary_from_permanent_failures(member, scripted, error, outcome):
    row = outbox_row(member)
    scripted.script = [error]
    services.emails_deliver(now=NOW)
    row.refresh_from_db()
    assert (row.state, row.attempts) == (outcome, 1)
    assert row.last_error


def test_it_stops_the_pass_when_the_server_goes_away(member, observer, scripted):
    first, second, third = (
        outbox_row(member, send_after=NOW - dt.timedelta(minutes=n)) for n in (3, 2, 1)
    )
    scripted.script = [None, ConnectionRefusedError(111, "Connection refused")]
    result = services.emails_deliver(now=NOW)
    assert (result.sent, result.retrying) == (1, 2)
    assert len(scripted.accepted) == 1
    assert state_of(first) == (EmailState.SENT, 1)
    for row in (second, third):
        row.refresh_from_db()
        assert (row.state, row.attempts) == (EmailState.QUEUED, 1)
        assert row.send_after == NOW + dt.timedelta(minutes=1)
        assert "Connection refused" in row.last_error


def test_it_stops_taking_rows_when_its_time_is_up(member, monkeypatch):
    row = outbox_row(member)
    monkeypatch.setattr(services, "DELIVERY_BUDGET_SECONDS", -1)
    assert services.emails_deliver(now=NOW).sent == 0
    assert state_of(row) == (EmailState.QUEUED, 0)


def test_it_delivers_what_the_jobs_decided_end_to_end(member, energy):
    milestone(energy, owner=member, due="2026-05-11", title="Grid study")
    services.reminders_claim(now=NOW)
    services.emails_deliver(now=NOW)
    (message,) = mail.outbox
    row = EmailLog.objects.get()
    assert message.subject == row.subject == "[Energy] Due in 7 days: Grid study"
    raw = message.message().as_string()
    # List-Unsubscribe stays one plain line (not an RFC 2047 encoded word), however long.
    (line,) = [line for line in raw.splitlines() if line.startswith("List-Unsubscribe:")]
    assert line == f"List-Unsubscribe: {row.headers['List-Unsubscribe']}"
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw


def test_it_deletes_old_sent_and_cancelled_rows_only(member):
    old = NOW - dt.timedelta(days=401)
    keep = [
        outbox_row(member, state=EmailState.FAILED),
        outbox_row(member, state=EmailState.CHECK),
        outbox_row(member, state=EmailState.SENT),
    ]
    gone = [
        outbox_row(member, state=EmailState.SENT),
        outbox_row(member, state=EmailState.CANCELLED),
    ]
    EmailLog.objects.filter(pk__in=[row.pk for row in keep[:2] + gone]).update(created_at=old)
    assert services.email_log_cleanup(now=NOW) == 2
    assert set(EmailLog.objects.values_list("pk", flat=True)) == {row.pk for row in keep}


def test_the_command_runs_a_pass_at_the_given_time(member, capsys):
    outbox_row(member, send_after=at("2026-05-04 10:00"))
    call_command("deliver_emails", "--now", "2026-05-04T13:59:00+04:00")
    assert "0 due, 0 sent" in capsys.readouterr().out
    call_command("deliver_emails", "--now", "2026-05-04T10:00:00")  # naive: UTC
    assert "1 due, 1 sent, 0 to retry, 0 failed, 0 cancelled, 0 to check" in capsys.readouterr().out


@pytest.mark.parametrize("value", ["tomorrow", "2026-13-01T00:00", "2026-05-04T25:00", ""])
def test_the_commands_refuse_a_bad_now(value, db):
    for command in ("deliver_emails", "send_deadline_reminders", "send_digests"):
        if value:
            with pytest.raises(CommandError, match="--now must be an ISO 8601"):
                call_command(command, "--now", value)
        else:
            call_command(command, "--now", value)  # empty: the current time


def test_it_leaves_a_row_stopped_mid_send_for_checking(member, scripted):
    row = outbox_row(member)
    scripted.script = [SoftTimeLimitExceeded()]
    with pytest.raises(SoftTimeLimitExceeded):
        services.emails_deliver(now=NOW)
    assert state_of(row) == (EmailState.SENDING, 0)
    services.emails_deliver(now=NOW + services.SENDING_LEASE + dt.timedelta(seconds=1))
    assert state_of(row) == (EmailState.CHECK, 0)
