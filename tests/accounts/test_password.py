"""Changing one's own password at /accounts/password/."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

URL = "/accounts/password/"
DONE = "/accounts/password/done/"
OLD = "test-pass-1234"
NEW = "Caspian-pipeline-2026!"


def password_of(user) -> str:
    user.refresh_from_db()
    return user.password


@pytest.fixture
def signed_in(client, member):
    client.force_login(member)
    return client


@pytest.mark.parametrize("path", [URL, DONE])
def test_it_sends_anonymous_users_to_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


def test_it_shows_the_form(signed_in, django_assert_num_queries):
    with django_assert_num_queries(3):  # session, user, the nav
        response = signed_in.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('class="button"') == 1
    assert '<div class="hint" id="id_new_password1_helptext">' in body
    assert "Change your password" in body
    for name in ("old_password", "new_password1", "new_password2"):
        assert f'name="{name}"' in body
    assert "can’t be a commonly used password" in body  # the validators' rules


def test_it_changes_the_password_and_keeps_the_session(signed_in, member):
    response = signed_in.post(
        URL, {"old_password": OLD, "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 302
    assert response["Location"] == DONE
    member.refresh_from_db()
    assert member.check_password(NEW)
    done = signed_in.get(DONE)
    assert done.status_code == 200
    assert "Your password has been changed" in done.content.decode()
    assert signed_in.session[SESSION_KEY] == str(member.pk)


def test_it_signs_out_the_other_sessions(signed_in, member):
    elsewhere = Client()
    elsewhere.force_login(member)
    signed_in.post(URL, {"old_password": OLD, "new_password1": NEW, "new_password2": NEW})
    assert elsewhere.get("/").status_code == 302  # back to the login page


def test_it_refuses_a_wrong_old_password(signed_in, member):
    before = password_of(member)
    response = signed_in.post(
        URL, {"old_password": "not-my-password", "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 422
    assert "Your old password was entered incorrectly" in response.content.decode()
    assert password_of(member) == before


def test_it_refuses_a_common_password(signed_in, member):
    before = password_of(member)
    response = signed_in.post(
        URL, {"old_password": OLD, "new_password1": "password123", "new_password2": "password123"}
    )
    assert response.status_code == 422
    assert "This password is too common." in response.content.decode()
    assert password_of(member) == before


def test_it_refuses_a_short_or_numeric_password(signed_in, member):
    before = password_of(member)
    response = signed_in.post(
        URL, {"old_password": OLD, "new_password1": "8273", "new_password2": "8273"}
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "This password is too short." in body
    assert "This password is entirely numeric." in body
    assert password_of(member) == before


def test_it_refuses_two_different_new_passwords(signed_in, member):
    before = password_of(member)
    response = signed_in.post(
        URL, {"old_password": OLD, "new_password1": NEW, "new_password2": NEW + "x"}
    )
    assert response.status_code == 422
    assert "The two password fields didn’t match." in response.content.decode()
    assert password_of(member) == before


def test_it_refuses_an_empty_form(signed_in, member):
    before = password_of(member)
    response = signed_in.post(URL, {})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert password_of(member) == before


# CSRF on the password change: tests/fuzz/test_csrf.py.


def test_it_changes_nothing_on_get(signed_in, member):
    """A GET with the fields in the query string changes nothing."""
    before = password_of(member)
    signed_in.get(URL, {"old_password": OLD, "new_password1": NEW, "new_password2": NEW})
    assert password_of(member) == before
