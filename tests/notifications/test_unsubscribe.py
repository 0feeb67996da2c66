"""One-click unsubscribe (RFC 8058): no login, GET only asks, POST unsubscribes."""

import pytest
from django.core import mail, signing
from django.test import Client

from apps.accounts.models import DigestFrequency, User
from apps.notifications import services
from apps.notifications.emails import unsubscribe_token
from apps.notifications.models import EmailLog, EmailState
from tests.notifications.factories import at, milestone

pytestmark = pytest.mark.django_db


def url(token: str) -> str:
    return f"/unsubscribe/{token}/"


def prefs(user) -> tuple:
    user = User.objects.get(pk=user.pk)
    return user.digest_frequency, user.reminders_enabled


def test_it_only_asks_on_get(client, member):
    token = unsubscribe_token(user_id=member.pk, scope="digest")
    for _ in range(3):  # a link scanner following the link changes nothing
        response = client.get(url(token))
        assert response.status_code == 200
    body = response.content.decode()
    assert "Stop progress digests for member@example.test?" in body
    assert f'<form method="post" action="{url(token)}">' in body
    assert prefs(member) == ("weekly", True)


def test_it_stops_digests_on_post(client, member):
    token = unsubscribe_token(user_id=member.pk, scope="digest")
    response = client.post(url(token))
    assert response.status_code == 302
    assert response["Location"] == url(token)
    assert prefs(member) == (DigestFrequency.OFF, True)
    page = client.get(url(token)).content.decode()
    assert "Done: you are unsubscribed." in page
    assert "member@example.test gets no progress digests." in page
    assert '<form method="post"' not in page.split("<main", 1)[1]


def test_it_stops_reminders_on_post(client, member):
    token = unsubscribe_token(user_id=member.pk, scope="reminders")
    assert "Stop deadline and meeting reminders" in client.get(url(token)).content.decode()
    client.post(url(token))
    assert prefs(member) == ("weekly", False)


def test_it_can_be_repeated(client, member):
    token = unsubscribe_token(user_id=member.pk, scope="digest")
    client.post(url(token))
    response = client.post(url(token))
    assert response.status_code == 302
    assert prefs(member) == (DigestFrequency.OFF, True)


def forged_tokens(member, other) -> list[str]:
    good = unsubscribe_token(user_id=member.pk, scope="digest")
    payload, stamp, signature = good.split(":")
    someone_else = signing.dumps({"u": other.pk, "s": "digest"}, salt="unsubscribe").split(":")
    return [
        f"{payload}:{stamp}:{signature[:-2]}xy",  # signature changed
        f"{someone_else[0]}:{stamp}:{signature}",  # payload swapped for another user
        signing.dumps({"u": member.pk, "s": "digest"}, salt="password-reset"),  # other salt
        signing.dumps({"u": member.pk, "s": "everything"}, salt="unsubscribe"),  # unknown scope
        signing.dumps({"u": "1", "s": "digest"}, salt="unsubscribe"),  # not an id
        signing.dumps(["digest"], salt="unsubscribe"),
        "not-a-token",
        "a" * 300,
    ]


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_refuses_a_tampered_token_with_a_clear_message(client, member, observer, method):
    before = (prefs(member), prefs(observer))
    for token in forged_tokens(member, observer):
        response = getattr(client, method)(url(token))
        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in response.content.decode()
    assert (prefs(member), prefs(observer)) == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_refuses_a_token_for_a_deleted_user(client, outsider, method):
    token = unsubscribe_token(user_id=outsider.pk, scope="digest")
    outsider.delete()
    assert getattr(client, method)(url(token)).status_code == 400


def test_it_needs_no_login_and_no_csrf_token(member):
    client = Client(enforce_csrf_checks=True)
    token = unsubscribe_token(user_id=member.pk, scope="reminders")
    assert client.post(url(token), {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert prefs(member) == ("weekly", False)


@pytest.mark.parametrize(
    "scope, prefs_after", [("digest", ("off", True)), ("reminders", ("weekly", False))]
)
def test_it_answers_a_one_click_post_with_the_outcome_not_a_redirect(member, scope, prefs_after):
    # RFC 8058 §3.1: the mail client POSTs "List-Unsubscribe=One-Click" and shows nothing.
    client = Client(enforce_csrf_checks=True)
    token = unsubscribe_token(user_id=member.pk, scope=scope)
    for _ in range(2):  # repeated: the same answer
        response = client.post(
            url(token),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200
        assert "Location" not in response
        body = response.content.decode()
        assert "You are unsubscribed" in body
        assert "member@example.test gets no" in body
        assert '<form method="post"' not in body.split("<main", 1)[1]
    assert prefs(member) == prefs_after


def test_it_still_redirects_the_pages_own_button(client, member):
    token = unsubscribe_token(user_id=member.pk, scope="reminders")
    assert "Stop reminders" in client.get(url(token)).content.decode()
    response = client.post(url(token))  # the button posts no List-Unsubscribe field
    assert (response.status_code, response["Location"]) == (302, url(token))


def test_it_works_from_the_header_of_a_real_email_and_cancels_what_is_queued(
    client, member, energy
):
    milestone(energy, owner=member, due="2026-05-11")
    milestone(energy, owner=member, due="2026-05-05")
    services.reminders_claim(now=at("2026-05-04 06:00"))
    _, second = EmailLog.objects.order_by("pk")
    services.emails_deliver(now=at("2026-05-04 06:00"), limit=1)
    (message,) = mail.outbox
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://127.0.0.1:8000/unsubscribe/")
    post = message.extra_headers["List-Unsubscribe-Post"]  # what the mail client sends
    assert post == "List-Unsubscribe=One-Click"
    response = client.post(
        link.removeprefix("http://127.0.0.1:8000"),
        post,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert prefs(member) == ("weekly", False)
    services.emails_deliver(now=at("2026-05-04 06:01"))
    assert len(mail.outbox) == 1
    second.refresh_from_db()
    assert second.state == EmailState.CANCELLED


@pytest.mark.parametrize("rows", [10, 1000])
def test_it_pins_the_query_counts(client, member, rows, django_assert_num_queries):
    EmailLog.objects.bulk_create(
        EmailLog(
            kind="digest",
            recipient=member,
            to_email=member.email,
            subject_key="digest",
            period=f"p{n}",
        )
        for n in range(rows)
    )
    token = unsubscribe_token(user_id=member.pk, scope="digest")
    with django_assert_num_queries(1):  # the user
        assert client.get(url(token)).status_code == 200
    with django_assert_num_queries(4):  # savepoint, the user locked, update, release
        assert client.post(url(token)).status_code == 302
