"""The admin for the email log: read-only, with a retry action for failed emails."""

import datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from apps.notifications.models import EmailKind, EmailLog, EmailState

pytestmark = pytest.mark.django_db

EMAIL_LOG_CHANGELIST_QUERIES = 7
LONG_AGO = datetime.datetime(2026, 1, 5, 8, tzinfo=datetime.UTC)


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


def url(view: str, *args) -> str:
    return reverse(f"admin:notifications_emaillog_{view}", args=args)


def make_emails(recipient, count: int, *, state=EmailState.QUEUED, start: int = 0, **extra):
    emails = []
    for number in range(start, start + count):
        values = {
            "kind": EmailKind.MILESTONE_REMINDER,
            "recipient": recipient,
            "to_email": recipient.email,
            "subject_key": f"milestone:{number}",
            "period": "lead-7",
            "subject": f"Milestone {number} is due in 7 days",
            "state": state,
            "send_after": LONG_AGO,
            **extra,
        }
        if state == EmailState.SENT:
            values["sent_at"] = LONG_AGO
        emails.append(EmailLog.objects.create(**values))
    return emails


def test_it_renders_the_changelist_and_change_pages(admin_client, member):
    (email,) = make_emails(member, 1, state=EmailState.FAILED, last_error="550 no such user")
    assert admin_client.get(url("changelist")).status_code == 200
    response = admin_client.get(url("change", email.pk))
    assert response.status_code == 200
    assert "550 no such user" in response.text


def test_it_is_read_only(admin_client, member):
    (email,) = make_emails(member, 1, state=EmailState.SENT)
    assert admin_client.get(url("add")).status_code == 403
    response = admin_client.get(url("change", email.pk))
    assert not response.context["has_change_permission"]
    response = admin_client.post(url("change", email.pk), {"to_email": "someone@else.test"})
    assert response.status_code == 403
    email.refresh_from_db()
    assert email.to_email == member.email


def test_it_keeps_the_email_log_changelist_query_count_flat(
    admin_client, django_assert_num_queries, member, observer
):
    make_emails(member, 2)
    make_emails(observer, 1, state=EmailState.FAILED)
    with django_assert_num_queries(EMAIL_LOG_CHANGELIST_QUERIES):
        response = admin_client.get(url("changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 3

    make_emails(member, 8, start=2, state=EmailState.SENT)
    make_emails(observer, 4, start=1, state=EmailState.CHECK)
    with django_assert_num_queries(EMAIL_LOG_CHANGELIST_QUERIES):
        response = admin_client.get(url("changelist"))
    assert response.context["cl"].result_count == 15


def test_it_filters_by_state_and_kind_and_searches_by_address(admin_client, member, observer):
    make_emails(member, 2, state=EmailState.FAILED)
    make_emails(observer, 1, state=EmailState.FAILED, kind=EmailKind.DIGEST)
    make_emails(observer, 1, start=5)

    response = admin_client.get(url("changelist"), {"state__exact": EmailState.FAILED})
    assert response.context["cl"].result_count == 3
    response = admin_client.get(url("changelist"), {"kind__exact": EmailKind.DIGEST})
    assert response.context["cl"].result_count == 1
    response = admin_client.get(url("changelist"), {"q": "observer@"})
    assert response.context["cl"].result_count == 2


def test_it_retries_only_failed_and_unchecked_emails(admin_client, member):
    failed = make_emails(
        member, 2, state=EmailState.FAILED, last_error="550 mailbox unavailable", attempts=5
    )
    check = make_emails(
        member, 1, start=2, state=EmailState.CHECK, last_error="timeout", sending_since=LONG_AGO
    )
    sent = make_emails(member, 1, start=3, state=EmailState.SENT)
    queued = make_emails(member, 1, start=4, state=EmailState.QUEUED)
    everything = failed + check + sent + queued

    with time_machine.travel("2026-05-04 09:30:00Z", tick=False):
        response = admin_client.post(
            url("changelist"),
            {"action": "retry_failed", "_selected_action": [email.pk for email in everything]},
        )
        now = timezone.now()
    assert response.status_code == 302
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert messages[0] == "3 emails requeued."
    assert messages[1].startswith("2 emails were left alone")

    for email in failed + check:
        email.refresh_from_db()
        assert (email.state, email.send_after) == (EmailState.QUEUED, now)
        assert (email.attempts, email.sending_since) == (0, None)  # a fresh backoff schedule
        assert email.last_error  # kept, so the next failure can be compared
    for email, state in ((sent[0], EmailState.SENT), (queued[0], EmailState.QUEUED)):
        email.refresh_from_db()
        assert (email.state, email.send_after) == (state, LONG_AGO)


def test_it_offers_the_retry_action(admin_client, member):
    make_emails(member, 1, state=EmailState.FAILED)
    response = admin_client.get(url("changelist"))
    choices = dict(response.context["action_form"].fields["action"].choices)
    assert choices["retry_failed"] == "Retry selected failed emails"


def test_it_shows_the_message_as_it_was_sent(admin_client, member):
    (email,) = make_emails(
        member,
        1,
        state=EmailState.CHECK,
        body_text="Hello Member, your milestone is due.",
        headers={"List-Unsubscribe": "<http://127.0.0.1:8000/unsubscribe/t/>"},
        sending_since=LONG_AGO,
        last_error="Interrupted while sending",
    )
    body = admin_client.get(url("change", email.pk)).content.decode()
    for text in ("Hello Member, your milestone is due.", "List-Unsubscribe", "Needs checking"):
        assert text in body


def test_a_retried_email_that_needed_checking_is_sent_again(admin_client, member):
    from django.core import mail

    from apps.notifications.services import emails_deliver

    (email,) = make_emails(member, 1, state=EmailState.CHECK, sending_since=LONG_AGO)
    admin_client.post(url("changelist"), {"action": "retry_failed", "_selected_action": [email.pk]})
    emails_deliver(now=timezone.now())
    assert [m.subject for m in mail.outbox] == [email.subject]
