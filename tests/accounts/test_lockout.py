"""Login throttling (django-axes): five failures for one account, from any IPs and in any
letter case, lock that account for 15 minutes with a 429 page; other accounts are not
affected; a success resets the count."""

import datetime

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client

from apps.audit.models import AuditEvent, AuditKind

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PASSWORD = "test-pass-1234"
START = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)


def attempt(email: str, password: str, ip: str = "198.51.100.1", client: Client | None = None):
    client = client or Client(REMOTE_ADDR=ip)
    response = client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)
    return response, client


def fail(email: str, times: int, *, first_ip: int = 1):
    return [attempt(email, "wrong-password", f"203.0.113.{first_ip + n}")[0] for n in range(times)]


def test_it_locks_an_account_after_five_failures_from_different_ips(member):
    responses = fail(member.email, 5)
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    response, client = attempt(member.email, PASSWORD, "192.0.2.200")  # right password, new IP
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    body = response.content.decode()
    assert "Too many failed logins" in body
    assert "This account is locked after 5 failed logins in a row." in body
    assert "Try again in 15 minutes." in body
    assert 'href="/accounts/password/reset/"' in body


def test_it_counts_the_email_in_any_letter_case_as_one_account(member):
    for email in [
        "member@example.test",
        "MEMBER@example.test",
        " Member@Example.Test",
        "mEmber@example.test",
    ]:
        assert attempt(email, "wrong")[0].status_code == 200
    assert attempt("member@EXAMPLE.test", "wrong")[0].status_code == 429


def test_it_lets_another_account_log_in_from_the_same_ip(member, observer):
    fail(member.email, 5, first_ip=7)
    response, client = attempt(observer.email, PASSWORD, "203.0.113.7")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(observer.pk)


def test_it_resets_the_count_after_a_success(member):
    fail(member.email, 4)
    assert attempt(member.email, PASSWORD)[0].status_code == 302
    assert [r.status_code for r in fail(member.email, 4)] == [200] * 4


def test_it_unlocks_fifteen_minutes_after_the_fifth_failure(member):
    with time_machine.travel(START, tick=False) as clock:
        fail(member.email, 5)
        for _ in range(7):  # an attacker who keeps trying does not extend the lock
            clock.shift(datetime.timedelta(minutes=2))
            assert attempt(member.email, "wrong", "203.0.113.1")[0].status_code == 429
        clock.shift(datetime.timedelta(minutes=1, seconds=1))
        assert attempt(member.email, PASSWORD, "203.0.113.1")[0].status_code == 302


def test_it_records_the_failures_and_the_lockout(member):
    fail(member.email, 5)
    attempt(member.email, PASSWORD, "192.0.2.200")
    kinds = list(AuditEvent.objects.order_by("id").values_list("kind", "target", "ip"))
    assert kinds[:4] == [
        (AuditKind.LOGIN_FAILED, member.email, f"203.0.113.{n}") for n in range(1, 5)
    ]
    assert kinds[4:] == [
        (AuditKind.LOCKED_OUT, member.email, "203.0.113.5"),
        (AuditKind.LOCKED_OUT, member.email, "192.0.2.200"),
    ]
    lockouts = AuditEvent.objects.filter(kind=AuditKind.LOCKED_OUT).order_by("id")
    assert [event.detail for event in lockouts] == [{"failures": 5}, {}]  # set, then refused


def test_it_shows_the_lockout_page_in_the_visitors_language(member):
    fail(member.email, 5)
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    response = client.post(LOGIN, {"username": member.email, "password": PASSWORD})
    assert response.status_code == 429
    assert 'lang="ru"' in response.content.decode()


def test_it_counts_failures_under_the_address_as_typed_in_any_case():
    from django.test import RequestFactory

    from apps.accounts.security import login_username

    posted = RequestFactory().post("/accounts/login/", {"username": "  Member@Example.TEST "})
    assert login_username(posted) == "member@example.test"
    assert login_username(None, {"username": "X@Y.test"}) == "x@y.test"
    assert login_username(RequestFactory().post("/accounts/login/", {})) is None
