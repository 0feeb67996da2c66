"""Server errors and loose ends the fuzz tests found, pinned one by one."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.fuzz.harness import snapshot

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# A ``next`` that is a bare word: redirect() took it for a URL name, failed to reverse it and
# answered 500 (NoReverseMatch). Now only a path on this site is followed.


@pytest.mark.parametrize("next_url", ["on", "dashboard", "x" * 1000, "Ab1\u202eд😀"])
def test_it_ignores_a_next_that_is_not_a_path_after_a_milestone_post(world, next_url):
    milestone = world.own.milestone
    response = signed_in(world.user("member")).post(
        reverse("milestones:log", args=[milestone.pk]),
        {"version": milestone.version, "note": "Progress.", "next": next_url},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("milestones:detail", args=[milestone.pk])


@pytest.mark.parametrize("next_url", ["on", "dashboard"])
def test_it_ignores_a_next_that_is_not_a_path_after_declining(world, next_url):
    awaiting = world.own.awaiting
    response = signed_in(world.user("cochair_az")).post(
        reverse("milestones:decline", args=[awaiting.pk]),
        {"reason": "Not yet.", "next": next_url, "confirmed": "yes"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("milestones:detail", args=[awaiting.pk])


def test_it_still_follows_a_next_that_is_a_path(world):
    milestone = world.own.milestone
    response = signed_in(world.user("member")).post(
        reverse("milestones:log", args=[milestone.pk]),
        {"version": milestone.version, "note": "Progress.", "next": "/milestones/?q=x"},
    )
    assert response["Location"] == "/milestones/?q=x"


@pytest.mark.parametrize("next_url", ["on", "dashboard", "//evil.example/"])
def test_it_ignores_a_next_that_is_not_a_path_after_switching_language(member, next_url):
    response = signed_in(member).post(reverse("set_language"), {"language": "en", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_it_ignores_a_next_that_is_not_a_path_after_saving_a_narrative(world):
    from tests.fuzz.catalogue import NARRATIVE

    path = reverse("reports:narrative_save", kwargs=NARRATIVE.own(world).kwargs)
    response = signed_in(world.user("cochair_az")).post(
        path, {"text": "On track.", "version": "0", "next": "on"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/groups/energy/report/")


# Pages that only read answered a POST as if it were a GET (200): now 405, like the others.


@pytest.mark.parametrize("htmx", [False, True])
def test_it_refuses_post_to_pages_that_only_read(world, htmx):
    client = signed_in(world.user("member"))
    before = snapshot()
    for path in (
        reverse("dashboard"),
        reverse("meetings:list"),
        reverse("meetings:detail", args=[world.own.meeting.pk]),
    ):
        response = client.post(path, {"title": "x"}, headers=HTMX if htmx else {})
        assert response.status_code == 405, path
    assert snapshot() == before
