"""Wrong current passwords on the change-password page are recorded, and after five within
fifteen minutes the page answers 429 without checking anything."""

import datetime

import pytest
import time_machine

from apps.audit.models import AuditEvent, AuditKind

pytestmark = pytest.mark.django_db

URL = "/accounts/password/"
OLD = "test-pass-1234"
NEW = "Caspian-pipeline-2026!"
START = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)


def change(client, old):
    return client.post(URL, {"old_password": old, "new_password1": NEW, "new_password2": NEW})


@pytest.fixture
def signed_in(client, member):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(member)
        client.clock = clock
        yield client


def test_it_records_a_wrong_current_password(signed_in, member):
    assert change(signed_in, "not-it").status_code == 422
    [event] = AuditEvent.objects.filter(kind=AuditKind.PASSWORD_CHANGE_FAILED)
    assert event.actor == member


def test_it_does_not_count_other_mistakes(signed_in):
    response = signed_in.post(
        URL, {"old_password": OLD, "new_password1": "x", "new_password2": "y"}
    )
    assert response.status_code == 422
    assert not AuditEvent.objects.filter(kind=AuditKind.PASSWORD_CHANGE_FAILED).exists()


def test_it_records_a_change(signed_in, member):
    assert change(signed_in, OLD).status_code == 302
    [event] = AuditEvent.objects.filter(kind=AuditKind.PASSWORD_CHANGED)
    assert event.actor == member


def test_it_refuses_after_five_wrong_passwords_even_the_right_one(signed_in, member):
    for _ in range(5):
        assert change(signed_in, "not-it").status_code == 422
    before = member.password
    response = change(signed_in, OLD)
    assert response.status_code == 429
    assert "Too many wrong current passwords. Try again in 15 minutes" in response.content.decode()
    member.refresh_from_db()
    assert member.password == before


def test_it_lets_the_user_try_again_after_fifteen_minutes(signed_in, member):
    for _ in range(5):
        change(signed_in, "not-it")
    signed_in.clock.shift(datetime.timedelta(minutes=14))
    signed_in.get("/")  # keep the session alive
    assert change(signed_in, OLD).status_code == 429
    signed_in.clock.shift(datetime.timedelta(minutes=2))
    assert change(signed_in, OLD).status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW)
