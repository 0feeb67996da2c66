"""The language switcher (POST /accounts/language/) and the interface following the user's
saved language: after login, on every device, and in the <html lang> of each page."""

import re

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from apps.accounts.models import User
from apps.accounts.services import user_set_language

URL = "/accounts/language/"
COOKIE = settings.LANGUAGE_COOKIE_NAME
HTMX = {"HTTP_HX_REQUEST": "true"}

pytestmark = pytest.mark.django_db


def language_of(user: User) -> str:
    return User.objects.values_list("language", flat=True).get(pk=user.pk)


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


@pytest.fixture
def signed_in(client, member):
    client.force_login(member)
    return client


# --- the switcher ---------------------------------------------------------------------------


def test_it_offers_each_language_named_in_itself(signed_in):
    body = signed_in.get("/milestones/?status=planned").content.decode()
    form = re.search(r'<form class="language-switcher".*?</form>', body, re.S).group(0)
    assert 'method="post"' in form and f'action="{URL}"' in form
    assert 'aria-label="Language"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<input type="hidden" name="next" value="/milestones/?status=planned">' in form
    for code, name in [("en", "English"), ("az", "Azərbaycanca"), ("ru", "Русский")]:
        assert re.search(rf'value="{code}" lang="{code}"[^>]*>{name}</button>', form)
    assert re.search(r'value="en" lang="en" aria-current="true"', form)


def test_it_is_on_the_login_page_too(client):
    body = client.get("/accounts/login/").content.decode()
    assert 'class="language-switcher"' in body


def test_it_saves_the_language_on_the_account_and_goes_back(signed_in, member):
    response = signed_in.post(URL, {"language": "ru", "next": "/milestones/?status=planned"})
    assert response.status_code == 302
    assert response["Location"] == "/milestones/?status=planned"
    assert language_of(member) == "ru"
    assert response.cookies[COOKIE].value == "ru"
    page = signed_in.get(response["Location"])
    assert html_lang(page) == "ru"
    assert "Интерфейс теперь на русском языке." in page.content.decode()  # the PRG message


def test_it_saves_in_a_pinned_number_of_queries(signed_in, member, django_assert_num_queries):
    # Session, user, then the UPDATE inside a savepoint (the service's transaction); the
    # message travels in the messages cookie.
    with django_assert_num_queries(5):
        response = signed_in.post(URL, {"language": "az", "next": "/"})
    assert response.status_code == 302
    assert language_of(member) == "az"


def test_it_works_with_csrf_checks_on(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    refused = client.post(URL, {"language": "az", "next": "/"})
    assert refused.status_code == 403
    assert language_of(member) == "en"
    client.get("/")  # the page with the switcher sets the CSRF cookie
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(URL, {"language": "az", "next": "/", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert language_of(member) == "az"


@pytest.mark.parametrize("language", ["de", "", "EN", "ru-xx", "<b>ru</b>"])
def test_it_refuses_an_unknown_language_and_changes_nothing(signed_in, member, language):
    response = signed_in.post(URL, {"language": language, "next": "/"})
    assert response.status_code == 422
    assert "is not one of the languages of CharterHub" in response.content.decode()
    assert "<b>ru</b>" not in response.content.decode()  # escaped
    assert language_of(member) == "en"
    if COOKIE in response.cookies:  # the middleware keeps the cookie in step with the account
        assert response.cookies[COOKIE].value == "en"


def test_it_refuses_an_unknown_language_to_htmx_with_the_form(signed_in, member):
    response = signed_in.post(URL, {"language": "fr", "next": "/"}, **HTMX)
    assert response.status_code == 422
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="language-form">')
    assert "is not one of the languages of CharterHub" in body
    assert language_of(member) == "en"


def test_it_answers_htmx_with_a_redirect_header(signed_in, member):
    response = signed_in.post(URL, {"language": "ru", "next": "/meetings/"}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/meetings/"
    assert language_of(member) == "ru"
    assert response.cookies[COOKIE].value == "ru"


@pytest.mark.parametrize(
    "unsafe",
    ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "", "http:///x", "on"],
)
def test_it_ignores_an_unsafe_next(signed_in, member, unsafe):
    response = signed_in.post(URL, {"language": "az", "next": unsafe})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert language_of(member) == "az"


def test_it_refuses_get(signed_in, member):
    assert signed_in.get(URL, {"language": "ru"}).status_code == 405
    assert language_of(member) == "en"


def test_it_sets_only_the_cookie_for_anonymous_visitors(client):
    response = client.post(URL, {"language": "az", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert response.cookies[COOKIE].value == "az"
    page = client.get("/accounts/login/")
    assert html_lang(page) == "az"
    assert "CharterHub-a daxil olun" in page.content.decode()


def test_it_refuses_an_unknown_language_for_anonymous_visitors(client):
    response = client.post(URL, {"language": "xx", "next": "/accounts/login/"})
    assert response.status_code == 422
    assert COOKIE not in response.cookies


# --- the service ----------------------------------------------------------------------------


def test_it_writes_nothing_when_the_language_is_unchanged(member, django_assert_num_queries):
    with django_assert_num_queries(0):
        user_set_language(user=member, language="en")


def test_it_raises_for_a_language_the_site_does_not_offer(member):
    with pytest.raises(ValidationError) as error:
        user_set_language(user=member, language="de")
    assert error.value.message_dict["language"] == [
        "“de” is not one of the languages of CharterHub."
    ]
    assert language_of(member) == "en"


# --- the interface follows the user ---------------------------------------------------------


def test_it_shows_the_dashboard_in_russian_after_login(client, other_member):
    assert other_member.language == "ru"
    login = client.post(
        "/accounts/login/", {"username": other_member.email, "password": "test-pass-1234"}
    )
    assert login.status_code == 302
    response = client.get("/")
    body = response.content.decode()
    assert html_lang(response) == "ru"
    assert response["Content-Language"] == "ru"
    assert "Рабочие группы" in body
    assert ">Выйти</button>" in body
    # Dates in the Russian format: the charter was signed on 10 February 2026.
    assert "10 февраля 2026" in body
    assert "February" not in body


def test_it_keeps_the_language_chosen_on_the_login_page_at_sign_in(client, other_member):
    """Choosing Azerbaijani on the login page, then signing in as someone whose saved
    language is Russian: the choice made just now wins, and is saved on the account."""
    assert other_member.language == "ru"
    client.post(URL, {"language": "az", "next": "/accounts/login/"})
    login = client.post(
        "/accounts/login/", {"username": other_member.email, "password": "test-pass-1234"}
    )
    assert login.status_code == 302
    assert language_of(other_member) == "az"
    response = client.get("/")
    assert html_lang(response) == "az"
    assert "İşçi qruplar" in response.content.decode()
    # Asked once: signing in again later (with the account's language changed since) keeps it.
    client.post(URL, {"language": "ru", "next": "/"})
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"username": other_member.email, "password": "test-pass-1234"})
    assert language_of(other_member) == "ru"


def test_it_does_not_give_the_last_users_language_to_the_next_one(client, other_member, member):
    """The cookie left by someone who signed out is not a choice: the next user keeps theirs."""
    client.force_login(other_member)
    client.get("/")  # the cookie follows the account: ru
    client.post("/accounts/logout/")
    login = client.post(
        "/accounts/login/", {"username": member.email, "password": "test-pass-1234"}
    )
    assert login.status_code == 302
    assert language_of(member) == "en"
    assert html_lang(client.get("/")) == "en"


def test_it_shows_the_dashboard_in_azerbaijani(client, cochair_az):
    client.force_login(cochair_az)
    response = client.get("/")
    body = response.content.decode()
    assert html_lang(response) == "az"
    assert "İşçi qruplar" in body
    assert ">Çıxış</button>" in body
    assert "10 fevral 2026" in body


def test_it_follows_the_account_over_the_browser(client, member):
    """The saved language wins over Accept-Language and an old cookie, on any device."""
    client.force_login(member)
    client.cookies[COOKIE] = "ru"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="az")
    assert html_lang(response) == "en"
    assert response.cookies[COOKIE].value == "en"  # the cookie catches up
    elsewhere = Client()
    elsewhere.force_login(member)
    client.post(URL, {"language": "az", "next": "/"})
    assert html_lang(elsewhere.get("/")) == "az"


def test_it_keeps_the_language_on_the_login_page_after_logging_out(client, other_member):
    client.force_login(other_member)
    client.get("/")
    client.post("/accounts/logout/")
    page = client.get("/accounts/login/")
    assert html_lang(page) == "ru"
    assert "Вход в CharterHub" in page.content.decode()


def test_it_follows_accept_language_for_anonymous_visitors(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="ru")
    assert html_lang(response) == "ru"
    assert "Вход в CharterHub" in response.content.decode()


def test_it_leaves_no_language_active_after_the_request(client, other_member):
    """Code that runs later in the same thread without a request (a command, the next test)
    must not speak the last visitor's language."""
    client.force_login(other_member)
    assert html_lang(client.get("/")) == "ru"
    assert translation.get_language() == settings.LANGUAGE_CODE
    client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="az")
    assert translation.get_language() == settings.LANGUAGE_CODE
