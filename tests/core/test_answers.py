"""The answers of a form view (apps/core/answers.py), with and without htmx."""

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from apps.core.answers import answer_done, answer_refused, answer_stale

FRAGMENT = "core/conflict.html"


def request(*, htmx: bool):
    headers = {"HX-Request": "true"} if htmx else {}
    made = RequestFactory().post("/somewhere/", headers=headers)
    made.htmx = HtmxDetails(made)
    made.session = {}
    made._messages = FallbackStorage(made)
    return made


def test_done_is_a_redirect_with_the_message_without_htmx():
    made = request(htmx=False)
    response = answer_done(made, message="Saved.", url="/next/", fragment=FRAGMENT)
    assert (response.status_code, response["Location"]) == (302, "/next/")
    assert [str(m) for m in made._messages] == ["Saved."]


def test_done_is_a_client_redirect_for_htmx_without_a_fragment():
    response = answer_done(request(htmx=True), message="Saved.", url="/next/")
    assert (response.status_code, response["HX-Redirect"]) == (200, "/next/")


@pytest.mark.django_db
def test_refused_retargets_the_fragment_and_stale_is_409():
    made = request(htmx=True)
    made.user = None
    refused = answer_refused(made, page="base.html", fragment=FRAGMENT, context={}, target="#panel")
    assert refused.status_code == 422
    assert (refused["HX-Retarget"], refused["HX-Reswap"]) == ("#panel", "outerHTML")
    stale = answer_stale(made, page="base.html", fragment=FRAGMENT, context=dict)
    assert stale.status_code == 409 and "HX-Retarget" not in stale


@pytest.mark.django_db
def test_done_renders_the_fragment_for_htmx_even_without_a_context():
    made = request(htmx=True)
    made.user = None
    response = answer_done(made, message="Saved.", url="/next/", fragment=FRAGMENT)
    assert response.status_code == 200 and "HX-Redirect" not in response
