"""Every notifications URL × every role: GET and POST status codes; denied POSTs change nothing.

`MATRIX` names the URL names covered here (tests/test_access_matrix.py collects it):
url name → (path builder, {role: expected GET status}); "login" is a redirect to the login page.
"""

import pytest
from django.test import Client

from apps.accounts.models import DigestFrequency, User
from apps.notifications.emails import unsubscribe_token
from apps.notifications.models import EmailLog
from apps.notifications.services import preferences_fingerprint, preferences_of
from tests.access import ROLES, check, client_for, everyone, expect
from tests.notifications.factories import outbox_row

pytestmark = pytest.mark.django_db

SIGNED_IN = expect(200)
EVERYONE = everyone(200)


def preferences_path(world) -> str:
    return "/notifications/preferences/"


def emails_path(world) -> str:
    return "/notifications/emails/"


def email_detail_path(world) -> str:
    return f"/notifications/emails/{world['email'].pk}/"


def email_html_path(world) -> str:
    return f"/notifications/emails/{world['email'].pk}/html/"


def preview_path(world) -> str:
    return f"/notifications/preview/{world['member'].pk}/"


def unsubscribe_path(world) -> str:
    return f"/unsubscribe/{unsubscribe_token(user_id=world['member'].pk, scope='digest')}/"


MATRIX = {
    "notifications:preferences": (preferences_path, SIGNED_IN),
    "notifications:emails": (emails_path, SIGNED_IN),
    # One of the member's emails: theirs, and staff see every email.
    "notifications:email_detail": (email_detail_path, expect(404, member=200, staff=200)),
    # Its HTML body, framed by that page: the same people.
    "notifications:email_html": (email_html_path, expect(404, member=200, staff=200)),
    # The member's next digest: themselves, their group's co-chairs and staff. Someone who
    # shares the group without co-chairing it is refused; others do not learn the user exists.
    "notifications:digest_preview": (
        preview_path,
        expect(404, observer=403, member=200, cochair_az=200, cochair_us=200, staff=200),
    ),
    # No login: the signed token is the authorisation; GET only shows a confirm button.
    "notifications:unsubscribe": (unsubscribe_path, EVERYONE),
}


@pytest.fixture
def world(member, observer, outsider, other_member, cochair_az, cochair_us, staff):
    return {"member": member, "email": outbox_row(member)}


@pytest.fixture
def as_role(request):
    return lambda role, **client_options: client_for(request, role, **client_options)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_it_answers_each_role(world, as_role, name, role):
    path, expected = MATRIX[name]
    response = as_role(role).get(path(world))
    check(response, expected[role])
    assert response.status_code != 500


def snapshot() -> list:
    return [
        list(
            User.objects.order_by("pk").values_list(
                "pk",
                "digest_frequency",
                "reminders_enabled",
                "reminder_lead_days",
                "language",
                "time_zone",
            )
        ),
        list(EmailLog.objects.order_by("pk").values()),
    ]


VALID_PREFERENCES = {
    "digest_frequency": "daily",
    "reminders_enabled": "on",
    "reminder_lead_days": "10, 2",
    "language": "ru",
    "time_zone": "Europe/Paris",
}


def preferences_post(role: str, world) -> dict:
    """What the role's own preferences form would post."""
    if role == "anonymous":
        return {**VALID_PREFERENCES, "fingerprint": "x"}
    user = User.objects.get(email=EMAILS[role])
    return {**VALID_PREFERENCES, "fingerprint": preferences_fingerprint(preferences_of(user))}


EMAILS = {
    "outsider": "outsider@example.test",
    "observer": "observer@example.test",
    "member": "member@example.test",
    "other_member": "other@example.test",
    "cochair_az": "cochair.az@example.test",
    "cochair_us": "cochair.us@example.test",
    "staff": "staff@example.test",
}

# url name → {role: expected POST status}; "login" redirects to login and changes nothing.
# The read-only pages refuse POST (405): tests/test_methods.py.
POSTS = {
    "notifications:preferences": expect(302),
    "notifications:unsubscribe": everyone(302),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(POSTS))
def test_it_answers_each_role_posting(world, as_role, name, role):
    path, _ = MATRIX[name]
    before = snapshot()
    data = preferences_post(role, world) if name == "notifications:preferences" else {}
    response = as_role(role).post(path(world), data)
    expected = POSTS[name][role]
    check(response, expected)
    after = snapshot()
    if name == "notifications:preferences" and expected == 302:
        user = User.objects.get(email=EMAILS[role])
        assert (user.digest_frequency, user.reminder_lead_days, user.time_zone) == (
            "daily",
            [10, 2],
            "Europe/Paris",
        )
        others = [row for row in after[0] if row[0] != user.pk]
        assert others == [row for row in before[0] if row[0] != user.pk]
    elif name == "notifications:unsubscribe":
        # Whoever holds the link stops the member's digests, and nothing else.
        assert User.objects.get(pk=world["member"].pk).digest_frequency == DigestFrequency.OFF
        changed = [row for row in after[0] if row not in before[0]]
        assert [row[0] for row in changed] == [world["member"].pk]
    else:
        assert after == before


# CSRF on the preferences POST: tests/fuzz/test_csrf.py (every endpoint of the fuzz catalogue).


def test_it_lets_mail_clients_unsubscribe_in_one_click_without_csrf_token(world, member):
    """RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click", with no cookie or token."""
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        unsubscribe_path(world),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200  # RFC 8058: the outcome, not a redirect
    assert "text/html" in response["Content-Type"]
    member.refresh_from_db()
    assert member.digest_frequency == DigestFrequency.OFF
