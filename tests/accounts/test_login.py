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


def test_it_says_who_can_log_in_with_one_primary_button(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        body = client.get("/accounts/login/").content.decode()
    assert "Only people with a CharterHub account can log in" in body
    assert "There is no sign-up" in body
    assert body.count('class="button"') == 1
    assert '<label for="id_username">Email address</label>' in body
    assert "error-summary" not in body


def test_it_sums_up_a_refused_login_at_the_top(client, member):
    body = client.post(
        "/accounts/login/", {"username": member.email, "password": "wrong-password"}
    ).content.decode()
    summary = body.split('<div class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'role="alert"' in summary and "There is a problem" in summary
    assert "enter a correct" in summary.lower()
    assert body.index("error-summary") < body.index('action="/accounts/login/"')


def test_it_links_each_missing_field_from_the_summary(client, db):
    body = client.post("/accounts/login/", {"username": "", "password": ""}).content.decode()
    assert '<a href="#id_username">' in body and '<a href="#id_password">' in body
    assert body.count('<div class="form-group form-group--error">') == 2


# CSRF on the login form: tests/fuzz/test_csrf.py.


def test_it_logs_out_with_post(client, member):
    client.force_login(member)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
