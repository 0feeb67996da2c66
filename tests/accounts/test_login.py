"""Logging in with an email address."""

from django.test import Client


def test_it_shows_the_login_page(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'name="password"' in response.content


def test_it_logs_in_with_email_in_any_case(member):
    client = Client(enforce_csrf_checks=False)
    response = client.post(
        "/accounts/login/", {"username": "MEMBER@Example.test", "password": "test-pass-1234"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_it_refuses_a_wrong_password_with_a_message(client, member):
    response = client.post(
        "/accounts/login/", {"username": member.email, "password": "wrong-password"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert b"enter a correct" in response.content.lower()


# CSRF on the login form: tests/fuzz/test_csrf.py.


def test_it_logs_out_with_post(client, member):
    client.force_login(member)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
