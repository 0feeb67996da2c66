"""Password reset by email: the same answer for every address, the link sent by the worker
in the recipient's language, valid for an hour and once, never for inactive accounts."""

import datetime
import re
from smtplib import SMTPRecipientsRefused, SMTPResponseException, SMTPServerDisconnected

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client

from apps.accounts import services, tasks
from apps.audit.models import AuditEvent, AuditKind
from tests.accounts.test_lockout import fail
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

RESET = "/accounts/password/reset/"
SENT = "/accounts/password/reset/sent/"
COMPLETE = "/accounts/password/reset/done/"
NEW = "Absheron-sunrise-2026!"
START = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)
# session (none), the audit record — and no user lookup: that is the worker's
REQUEST_QUERIES = 1


@pytest.fixture
def queued(monkeypatch):
    """The emails handed to the worker (the broker is not reached in tests)."""
    calls = []
    monkeypatch.setattr(
        tasks.send_password_reset_email,
        "apply_async",
        lambda args, **options: calls.append((args, options)),
    )
    return calls


def request_reset(client, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(RESET, {"email": email})


def link_in(message) -> str:
    return re.search(r"http://127\.0\.0\.1:8000(/accounts/password/reset/\S+/)", message.body)[1]


def send_and_get_link(user) -> str:
    assert services.password_reset_email_send(email=user.email) == 1
    return link_in(mail.outbox[-1])


def test_it_links_the_login_page_to_the_reset_page(client, db):
    body = client.get("/accounts/login/").content.decode()
    assert f'href="{RESET}"' in body
    assert "Forgot your password?" in body


def test_it_shows_the_form(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(RESET)
    assert response.status_code == 200
    assert 'name="email"' in response.content.decode()


@pytest.mark.parametrize("known", [True, False])
def test_it_answers_every_address_the_same(
    client, member, queued, known, django_assert_num_queries, django_capture_on_commit_callbacks
):
    email = member.email if known else "nobody@example.test"
    with django_assert_num_queries(REQUEST_QUERIES):
        response = request_reset(client, email, django_capture_on_commit_callbacks)
    assert (response.status_code, response["Location"]) == (302, SENT)
    assert queued == [([email], {"expires": 3600})]
    [event] = AuditEvent.objects.filter(kind=AuditKind.PASSWORD_RESET_REQUESTED)
    assert event.target == email
    assert not mail.outbox  # sent by the worker, not by the request


def test_it_says_to_check_the_email(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(SENT)
    assert response.status_code == 200
    assert "The link works for 60 minutes." in response.content.decode()


@pytest.mark.parametrize("email", ["", "not-an-address", "a@b@c", "x" * 300 + "@example.test"])
def test_it_refuses_a_malformed_address_with_422(
    client, db, queued, email, django_capture_on_commit_callbacks
):
    response = request_reset(client, email, django_capture_on_commit_callbacks)
    assert response.status_code == 422
    body = response.content.decode()
    assert 'class="error-message field-error"' in body
    # The error summary at the top of the form links to the field.
    assert 'class="error-summary"' in body and '<a href="#id_email">' in body
    assert queued == []
    assert not AuditEvent.objects.exists()


def test_it_needs_the_csrf_token(member, queued, django_capture_on_commit_callbacks):
    client = Client(enforce_csrf_checks=True)
    response = request_reset(client, member.email, django_capture_on_commit_callbacks)
    assert response.status_code == 403
    assert queued == []


def test_it_survives_a_broker_that_is_down(
    client, member, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.send_password_reset_email, "apply_async", broken)
    response = request_reset(client, member.email, django_capture_on_commit_callbacks)
    assert (response.status_code, response["Location"]) == (302, SENT)


def test_it_sends_the_link_in_the_users_language(cochair_az):
    link = send_and_get_link(cochair_az)
    [message] = mail.outbox
    assert message.to == ["cochair.az@example.test"]
    assert link.startswith("/accounts/password/reset/")
    html = message.alternatives[0].content
    assert 'lang="az"' in html
    assert f'href="http://127.0.0.1:8000{link}"' in html
    assert "List-Unsubscribe" not in message.extra_headers
    [event] = AuditEvent.objects.filter(kind=AuditKind.PASSWORD_RESET_SENT)
    assert event.target.startswith(f"user:{cochair_az.pk} ")


@pytest.mark.parametrize(
    "extra",
    [{"is_active": False}, {"password": None}],
    ids=["inactive", "no usable password"],
)
def test_it_sends_nothing_to_an_account_that_cannot_use_it(db, charter_data, extra):
    password = extra.pop("password", "test-pass-1234")
    user = make_user("someone@example.test", **extra)
    if password is None:
        user.set_unusable_password()
        user.save()
    assert services.password_reset_email_send(email="someone@example.test") == 0
    assert not mail.outbox


def test_it_sends_nothing_for_an_unknown_address(db):
    assert services.password_reset_email_send(email="nobody@example.test") == 0
    assert not mail.outbox


def test_it_finds_the_account_whatever_the_case(member):
    assert services.password_reset_email_send(email="MEMBER@Example.TEST") == 1


def test_it_sends_at_most_three_links_an_hour(member):
    with time_machine.travel(START, tick=False) as clock:
        sent = [services.password_reset_email_send(email=member.email) for _ in range(5)]
        assert sent == [1, 1, 1, 0, 0]
        clock.shift(datetime.timedelta(minutes=61))
        assert services.password_reset_email_send(email=member.email) == 1


def test_it_sets_a_new_password_through_the_link(client, member, django_assert_num_queries):
    elsewhere = Client()
    elsewhere.force_login(member)
    link = send_and_get_link(member)
    response = client.get(link)
    assert response.status_code == 302  # Django moves the token out of the URL
    form_url = response["Location"]
    assert form_url.endswith("/set-password/")
    with django_assert_num_queries(2):  # session, the user
        page = client.get(form_url)
    assert page.status_code == 200
    assert 'name="new_password1"' in page.content.decode()
    response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert (response.status_code, response["Location"]) == (302, COMPLETE)
    member.refresh_from_db()
    assert member.check_password(NEW)
    assert elsewhere.get("/").status_code == 302  # other sessions are signed out
    assert SESSION_KEY not in client.session  # and this one is not signed in
    with django_assert_num_queries(1):  # the session
        assert client.get(COMPLETE).status_code == 200
    assert AuditEvent.objects.filter(kind=AuditKind.PASSWORD_RESET_COMPLETED).count() == 1


def test_it_applies_the_password_rules(client, member):
    form_url = client.get(send_and_get_link(member))["Location"]
    response = client.post(
        form_url, {"new_password1": "password123", "new_password2": "password123"}
    )
    assert response.status_code == 422
    assert "This password is too common." in response.content.decode()
    member.refresh_from_db()
    assert member.check_password("test-pass-1234")


def test_it_refuses_a_link_used_once(client, member):
    link = send_and_get_link(member)
    form_url = client.get(link)["Location"]
    client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    response = Client().get(link)
    assert response.status_code == 200
    assert "This link no longer works" in response.content.decode()


def test_it_refuses_a_link_older_than_an_hour(member):
    with time_machine.travel(START, tick=False) as clock:
        link = send_and_get_link(member)
        clock.shift(datetime.timedelta(minutes=59))
        assert Client().get(link).status_code == 302
        clock.shift(datetime.timedelta(minutes=2))
        response = Client().get(link)
    assert response.status_code == 200
    assert "This link no longer works" in response.content.decode()


@pytest.mark.parametrize("path", ["MQ/bad-token/", "not-base64/x/", "MQ/set-password/"])
def test_it_answers_a_made_up_link_with_the_expired_page(client, db, path):
    response = client.get(f"{RESET}{path}")
    assert response.status_code == 200
    assert "This link no longer works" in response.content.decode()


def test_it_unlocks_a_locked_account(client, member):
    fail(member.email, 5)
    form_url = client.get(send_and_get_link(member))["Location"]
    client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    response = Client().post("/accounts/login/", {"username": member.email, "password": NEW})
    assert response.status_code == 302
    event = AuditEvent.objects.get(kind=AuditKind.PASSWORD_RESET_COMPLETED)
    assert event.detail == {"lockout_cleared": True}


@pytest.mark.parametrize(
    "error, attempts",
    [
        (SMTPServerDisconnected("gone"), 5),  # the first try and four retries
        (SMTPResponseException(451, b"try later"), 5),
        (SMTPResponseException(554, b"rejected"), 1),
        (SMTPRecipientsRefused({"member@example.test": (550, b"no such user")}), 1),
    ],
    ids=["disconnected", "4xx", "5xx", "refused"],
)
def test_it_retries_only_temporary_smtp_failures(monkeypatch, db, error, attempts):
    calls = []

    def failing(**kwargs):
        calls.append(kwargs)
        raise error

    monkeypatch.setattr(services, "password_reset_email_send", failing)
    # Run eagerly, Celery retries at once (without the countdown) until max_retries.
    result = tasks.send_password_reset_email.apply(args=["member@example.test"])
    assert result.state == "FAILURE"
    assert len(calls) == attempts


def test_it_sends_through_the_task(member):
    result = tasks.send_password_reset_email.apply(args=[member.email])
    assert (result.state, result.result) == ("SUCCESS", 1)
    assert len(mail.outbox) == 1


HTMX = {"HX-Request": "true"}


def test_it_answers_htmx_with_hx_redirect(
    client, member, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RESET, {"email": member.email}, headers=HTMX)
    assert (response.status_code, response["HX-Redirect"]) == (200, SENT)
    assert len(queued) == 1


def test_it_answers_a_malformed_address_over_htmx_with_the_form_fragment(client, db, queued):
    response = client.post(RESET, {"email": "nope"}, headers=HTMX)
    assert response.status_code == 422
    body = response.content.decode().strip()
    assert body.startswith("<form") and body.endswith("</form>")
    assert "Enter a valid email address." in body
    assert queued == []


def test_it_sets_a_new_password_over_htmx(client, member):
    form_url = client.get(send_and_get_link(member))["Location"]
    refused = client.post(
        form_url, {"new_password1": "short", "new_password2": "short"}, headers=HTMX
    )
    assert refused.status_code == 422
    assert refused.content.decode().strip().startswith("<form")
    response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW}, headers=HTMX)
    assert (response.status_code, response["HX-Redirect"]) == (200, COMPLETE)
    member.refresh_from_db()
    assert member.check_password(NEW)


def test_it_needs_the_csrf_token_to_set_the_password(member):
    client = Client(enforce_csrf_checks=True)
    form_url = client.get(send_and_get_link(member))["Location"]
    response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW}, headers=HTMX)
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.check_password("test-pass-1234")
