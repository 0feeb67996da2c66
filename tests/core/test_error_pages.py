"""The site's error pages (templates/403.html, 404.html, 500.html): in the site's layout, in the
reader's language, with a way back; an ordinary 403 or 404 is one log line without a traceback
(charterhub/middleware.py ClientErrorsWithoutTraceback); under DEBUG an unknown address still
gets the site's 404 page, not Django's debug page (ErrorPagesMiddleware)."""

import logging

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from apps.milestones.models import Status
from charterhub.middleware import ClientErrorsWithoutTraceback
from tests.milestones.conftest import make_milestone

pytestmark = pytest.mark.django_db


def reader(user, language: str) -> Client:
    user.language = language
    user.save(update_fields=["language"])
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def assert_site_page(response, *, status: int, language: str, heading: str, back: str = "/"):
    assert response.status_code == status
    body = response.content.decode()
    with translation.override(language):
        title, way_back = gettext(heading), gettext("Back to the dashboard")
    assert f'<html lang="{language}">' in body
    assert 'class="site-header"' in body
    assert body.count("<h1") == 1 and f">{title}</h1>" in body
    assert f'<a href="{back}">{way_back}</a>' in body
    return body


def one_line(caplog, status: int) -> str:
    """The django.request record of this answer, as the console handler prints it."""
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1, [r.getMessage() for r in records]
    record = records[0]
    assert record.status_code == status
    assert ClientErrorsWithoutTraceback().filter(record)
    text = logging.Formatter().format(record)
    assert "\n" not in text and "Traceback" not in text, text
    return text


def test_it_says_why_it_refuses_in_the_readers_language(member, energy, caplog):
    awaiting = make_milestone(energy, status=Status.AWAITING_SIGNOFF)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = reader(member, "ru").post(
            f"/milestones/{awaiting.pk}/sign/", {"confirmed": "yes"}
        )
    body = assert_site_page(response, status=403, language="ru", heading="You cannot do this")
    with translation.override("ru"):
        reason = gettext("Only a co-chair of this group can sign off, for their own side.")
    assert reason in body
    assert one_line(caplog, 403).startswith("Forbidden")


@pytest.mark.parametrize("path", ["/no-such-page/", "/milestones/999999/"])
def test_it_answers_an_unknown_address_in_the_readers_language(member, caplog, path):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = reader(member, "az").get(path)
    assert_site_page(response, status=404, language="az", heading="Page not found")
    assert one_line(caplog, 404) == f"Not Found: {path}"


def test_it_apologises_for_a_bug_in_the_readers_language(member, monkeypatch):
    def fail(*args, **kwargs):
        raise ValueError("a real bug")

    monkeypatch.setattr("apps.milestones.views.selectors.milestone_list", fail)
    response = reader(member, "ru").get("/milestones/")
    assert_site_page(
        response, status=500, language="ru", heading="Sorry, something went wrong on our side"
    )


@pytest.mark.parametrize("path", ["/no-such-page/", "/milestones/999999/"])
def test_it_shows_the_sites_404_under_debug(settings, member, path):
    settings.DEBUG = True
    response = reader(member, "en").get(path)
    body = assert_site_page(response, status=404, language="en", heading="Page not found")
    assert "URLconf" not in body and "technical_404" not in body
