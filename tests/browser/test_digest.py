"""A digest email's HTML in a real browser, and the email preferences page with htmx."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from apps.milestones.models import Status
from apps.notifications import services
from apps.notifications.models import EmailKind, EmailLog
from tests.notifications.factories import (
    action,
    at,
    decision,
    meeting,
    milestone,
    progress_update,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def cochair_az(cochair_az):
    """These tests read the English interface; the shared cast's AZ co-chair has chosen
    Azerbaijani, which the pages now follow (tests/i18n covers that)."""
    cochair_az.language = "en"
    cochair_az.save(update_fields=["language"])
    return cochair_az


@pytest.fixture
def digest_html(energy, member, observer, cochair_us) -> str:
    grid = milestone(
        energy,
        owner=member,
        due="2026-05-12",
        title="Grid interconnection study",
        status=Status.AT_RISK,
        progress=30,
    )
    progress_update(
        grid,
        author=member,
        when=at("2026-04-30 09:00"),
        old_status=Status.IN_PROGRESS,
        new_status=Status.AT_RISK,
        new_progress=30,
        note="Data from the transmission operator is late; we asked again on Thursday.",
    )
    milestone(
        energy,
        owner=member,
        due="2026-05-01",
        title="Terms of reference for the grid study",
        status=Status.DONE,
        completed_at=at("2026-05-02 12:00"),
        progress=100,
    )
    milestone(energy, owner=cochair_us, due="2026-04-01", title="Hydrogen roadmap outline")
    held = meeting(energy, starts_at=at("2026-04-29 06:00"), title="Energy WG, second session")
    decision(held, "Adopt the terms of reference for the grid study.")
    decision(held, "Ask both ministries for the 2025 interconnector data.")
    meeting(energy, starts_at=at("2026-05-08 06:00"), title="Energy WG, third session")
    action(held, owner=member, due="2026-05-06", title="Circulate the data request")
    services.digests_claim(now=at("2026-05-04 09:00"))
    return EmailLog.objects.get(kind=EmailKind.DIGEST, recipient=observer).body_html


def test_it_renders_a_digest_email_in_chromium(page, digest_html, artifacts):
    page.set_viewport_size({"width": 760, "height": 900})
    page.set_content(digest_html)
    expect(page.get_by_role("heading", name="CharterHub weekly digest, 4 May 2026")).to_be_visible()
    expect(page.get_by_role("link", name="Energy", exact=True)).to_have_attribute(
        "href", "http://127.0.0.1:8000/groups/energy/"
    )
    for text in (
        "Terms of reference for the grid study",
        "At risk",
        "Adopt the terms of reference for the grid study.",
        "Energy WG, third session",
        "Circulate the data request",
    ):
        expect(page.get_by_text(text).first).to_be_visible()
    # The email's own styles apply (no external CSS): the brand bar is dark blue.
    brand = page.locator(".email-brand")
    assert brand.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(18, 38, 63)"
    links = page.locator("a").evaluate_all("els => els.map(el => el.href)")
    assert links and all(link.startswith("http://127.0.0.1:8000/") for link in links)
    page.screenshot(path=artifacts / "digest-email.png", full_page=True)


def test_it_saves_preferences_with_htmx_and_shows_errors_in_place(
    log_in, member, live_server, artifacts
):
    messages = []
    page = log_in(member)
    page.on("console", lambda message: messages.append(message.text))
    page.goto(f"{live_server.url}/notifications/preferences/")
    page.get_by_label("Remind me this many days before a due date").fill("14, 7, seven")
    page.get_by_role("button", name="Save preferences").click()
    expect(
        page.locator(".error-message").get_by_text("“seven” is not a whole number of days.")
    ).to_be_visible()
    assert page.url.endswith("/notifications/preferences/")
    page.get_by_label("Remind me this many days before a due date").fill("21, 3")
    page.get_by_label("Daily").check()
    page.get_by_label("Time zone").select_option("America/New_York")
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Your email preferences are saved.")).to_be_visible()
    page.screenshot(path=artifacts / "email-preferences.png", full_page=True)
    member.refresh_from_db()
    assert (member.digest_frequency, member.reminder_lead_days, member.time_zone) == (
        "daily",
        [21, 3],
        "America/New_York",
    )
    assert [text for text in messages if "Content Security Policy" in text] == []


def test_it_shows_a_cochair_the_digest_preview(
    log_in, cochair_az, member, energy, live_server, artifacts
):
    milestone(energy, owner=member, due=dt.date.today() + dt.timedelta(days=5), title="Grid study")
    page = log_in(cochair_az)
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto(f"{live_server.url}/notifications/preview/{member.pk}/")
    expect(page.get_by_role("heading", name="Next digest for Member")).to_be_visible()
    expect(page.get_by_role("link", name="Grid study")).to_be_visible()
    page.screenshot(path=artifacts / "digest-preview.png", full_page=True)
    assert [text for text in messages if "Content Security Policy" in text] == []
