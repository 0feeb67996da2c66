"""PrivateCacheMiddleware: what a signed-in user is answered is stored by no cache."""

import pytest
from django.conf import settings
from django.test import Client, override_settings

from apps.calendar import services as calendar_services

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_it_keeps_the_dashboard_of_a_signed_in_user_out_of_every_cache(client, member):
    client.force_login(member)
    response = client.get("/")
    assert response.status_code == 200
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives


def test_it_covers_fragments_and_redirects_too(client, member):
    client.force_login(member)
    fragment = client.get("/milestones/", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and no_store(fragment)
    redirect = client.get("/meetings/new/")  # no group chosen: back to the list
    assert redirect.status_code == 302 and no_store(redirect)


WITHOUT_IT = [name for name in settings.MIDDLEWARE if not name.endswith("PrivateCacheMiddleware")]
CACHE_HEADERS = ("Cache-Control", "Expires")


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/password/reset/", "/", "/healthz", "/unsubscribe/x/"]
)
def test_it_leaves_anonymous_answers_as_they_were(path):
    with_it = Client().get(path)
    with override_settings(MIDDLEWARE=WITHOUT_IT):
        without_it = Client().get(path)
    assert with_it.status_code == without_it.status_code
    assert [with_it.get(name) for name in CACHE_HEADERS] == [
        without_it.get(name) for name in CACHE_HEADERS
    ]
    if path == "/":  # sent to the login page, with no cache headers of ours
        assert with_it.status_code == 302 and not no_store(with_it)


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_it_leaves_static_files_alone(member):
    signed_in = Client()
    signed_in.force_login(member)
    response = signed_in.get("/static/css/charterhub.css")
    assert response.status_code == 200
    assert not no_store(response)


def test_it_keeps_what_a_view_chose_for_itself(member):
    token = calendar_services.calendar_token_regenerate(user=member)
    anonymous = Client().get(f"/calendar/{token}.ics")  # a calendar app: the token is the key
    assert anonymous["Cache-Control"] == "private, max-age=300"
    signed_in = Client()
    signed_in.force_login(member)  # the same feed opened in the browser
    assert signed_in.get(f"/calendar/{token}.ics")["Cache-Control"] == "private, max-age=300"
