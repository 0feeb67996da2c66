"""With production settings (DEBUG off, as the suite runs), the session and CSRF cookies are
__Host- prefixed: Secure, Path=/, no Domain; the session cookie is also HttpOnly and lives no
longer than the absolute session timeout."""

import pytest
from django.conf import settings


@pytest.fixture
def logged_in(client, member):
    client.get("/accounts/login/", secure=True)
    response = client.post(
        "/accounts/login/",
        {"username": member.email, "password": "test-pass-1234"},
        secure=True,
    )
    assert response.status_code == 302
    return response


def test_it_sends_a_host_prefixed_session_cookie(logged_in):
    cookie = logged_in.cookies["__Host-sessionid"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["path"] == "/"
    assert cookie["domain"] == ""
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == settings.SESSION_ABSOLUTE_TIMEOUT == 12 * 60 * 60


def test_it_sends_a_host_prefixed_csrf_cookie(client, db):
    response = client.get("/accounts/login/", secure=True)
    cookie = response.cookies["__Host-csrftoken"]
    assert cookie["secure"] is True
    assert (cookie["path"], cookie["domain"], cookie["samesite"]) == ("/", "", "Lax")


def test_it_sends_a_secure_language_cookie(client, db):
    client.get("/accounts/login/", secure=True)
    response = client.post(
        "/accounts/language/", {"language": "ru", "next": "/accounts/login/"}, secure=True
    )
    assert response.status_code == 302
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "ru"
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"
