"""The confirmation step (apps/core/confirm.py): asked on a page, repeated with confirmed=yes."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from apps.core.confirm import Confirmation, confirmation_asked

ADOPT = Confirmation(
    key="adopt",
    heading="Adopt the minutes?",
    consequences=("Adopting locks the minutes for your side.",),
    button="Adopt the minutes",
    back_url="/meetings/1/",
    details=("Guest Name is still “Invited”.",),
)


def post(data: dict, *, htmx: bool = False):
    headers = {"HX-Request": "true"} if htmx else {}
    request = RequestFactory().post("/meetings/1/adopt/", data, headers=headers)
    request.htmx = HtmxDetails(request)
    request.user = AnonymousUser()
    return request


@pytest.mark.django_db
def test_an_unconfirmed_post_gets_the_consequence_and_the_same_fields_again():
    response = confirmation_asked(post({"side": "az", "note": ["a", "b"]}), confirmation=ADOPT)
    assert response is not None and response.status_code == 200
    body = response.content.decode()
    assert "<h1>Adopt the minutes?</h1>" in body
    assert "Adopting locks the minutes for your side." in body and "Guest Name" in body
    assert '<form method="post" action="/meetings/1/adopt/"' in body
    for field in ('name="side" value="az"', 'name="note" value="a"', 'name="note" value="b"'):
        assert field in body
    assert 'name="confirmed" value="yes"' in body
    assert 'href="/meetings/1/"' in body  # the way back changes nothing


@pytest.mark.django_db
def test_htmx_gets_the_question_in_place_of_the_page_content():
    response = confirmation_asked(post({"side": "az"}, htmx=True), confirmation=ADOPT)
    assert response["HX-Retarget"] == "#main"
    assert "<html" not in response.content.decode()


def test_a_confirmed_post_goes_through():
    assert confirmation_asked(post({"side": "az", "confirmed": "yes"}), confirmation=ADOPT) is None
