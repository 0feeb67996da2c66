"""The calendar feeds page in a real browser: create the private feed addresses, see them,
regenerate them (the old address answers 404, the new one serves the calendar), turn them off
(every address answers 404). With htmx (no page load) and without JavaScript."""

import re

import pytest
from playwright.sync_api import Page, expect

from apps.accounts.models import User
from tests.browser import axe

pytestmark = pytest.mark.browser

TOKEN_URL = re.compile(r"/calendar/([A-Za-z0-9_-]{20,})\.ics$")


@pytest.fixture(autouse=True)
def _site_url(settings, live_server):
    """The page writes absolute addresses under SITE_URL: make them this live server's."""
    settings.SITE_URL = live_server.url


def feed_urls(page: Page) -> list[str]:
    return page.locator("#calendar-feeds code.feed-url").all_inner_texts()


def own_feed(page: Page) -> str:
    """The address of "My deadlines, action items and meetings" (the first card)."""
    card = page.locator("#calendar-feeds .calendar-feed").first
    expect(card.get_by_role("heading")).to_have_text("My deadlines, action items and meetings")
    return card.locator("code.feed-url").inner_text()


def own_feed_unchanged(url: str) -> bool:
    return User.objects.filter(calendar_token=TOKEN_URL.search(url)[1]).exists()


def status_of(page: Page, url: str) -> int:
    return page.request.get(url).status


def mark_window(page: Page) -> None:
    page.evaluate("window.__noReload = 'still here'")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__noReload") == "still here"


def test_it_hands_out_regenerates_and_revokes_feed_addresses(live_server, page, log_in, member):
    User.objects.filter(pk=member.pk).update(calendar_token=None)
    log_in(member)
    page.goto(f"{live_server.url}/calendar/")
    mark_window(page)
    expect(page.locator("#calendar-feeds")).to_contain_text("Your calendar feeds are off")
    page.get_by_role("button", name="Create my feed addresses").click()

    expect(page.locator("#calendar-feeds .notification-banner")).to_be_visible()
    first = own_feed(page)
    assert first.startswith(f"{live_server.url}/calendar/"), first
    token = TOKEN_URL.search(first)[1]
    assert User.objects.get(pk=member.pk).calendar_token == token
    # One address for me, one for each group I can see; every one of them works.
    urls = feed_urls(page)
    assert f"{live_server.url}/calendar/{token}/groups/energy.ics" in urls
    for url in urls:
        response = page.request.get(url)
        assert response.status == 200, url
        assert response.headers["content-type"].startswith("text/calendar")
    axe.assert_no_serious_violations_if_installed(page, "calendar feeds shown")

    # Renewing asks first, in a dialog that says what breaks; Cancel changes nothing.
    page.get_by_role("button", name="Renew addresses").click()
    dialog = page.get_by_role("dialog", name="Renew your calendar addresses?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("every calendar app subscribed to them stops getting")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert User.objects.get(pk=member.pk).calendar_token == token
    page.get_by_role("button", name="Renew addresses").click()
    dialog.get_by_role("button", name="Renew addresses").click()
    # The status line may already say this from the first step: wait for the swap itself.
    expect(page.locator("#calendar-feeds code.feed-url").first).not_to_have_text(first)
    expect(page.locator("#calendar-feeds .notification-banner")).to_contain_text(
        "Your calendar has new addresses. The old ones no longer work"
    )
    second = own_feed(page)
    assert second != first
    assert status_of(page, first) == 404
    assert status_of(page, f"{live_server.url}/calendar/{token}/groups/energy.ics") == 404
    assert status_of(page, second) == 200
    assert_not_reloaded(page)

    page.get_by_role("button", name="Turn feeds off").click()
    page.get_by_role("dialog", name="Turn your calendar feeds off?").get_by_role(
        "button", name="Turn feeds off"
    ).click()
    expect(page.locator("#calendar-feeds .notification-banner")).to_contain_text(
        "Your calendar feeds are turned off."
    )
    expect(page.locator("#calendar-feeds code.feed-url")).to_have_count(0)
    expect(page.get_by_role("button", name="Create my feed addresses")).to_be_visible()
    assert status_of(page, second) == 404
    assert not User.objects.get(pk=member.pk).calendar_token
    assert_not_reloaded(page)
    axe.assert_no_serious_violations_if_installed(page, "calendar feeds off")


def test_it_regenerates_and_revokes_without_javascript(live_server, browser, member):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email address").fill(member.email)
        page.get_by_label("Password").fill("test-pass-1234")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/")

        page.goto(f"{live_server.url}/calendar/")
        if page.get_by_role("button", name="Create my feed addresses").count():
            with page.expect_navigation():
                page.get_by_role("button", name="Create my feed addresses").click()
        first = own_feed(page)

        # Without JavaScript the question is a page of its own; no copy buttons either.
        expect(page.get_by_role("button", name="Copy")).to_have_count(0)
        with page.expect_navigation():
            page.get_by_role("button", name="Renew addresses").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Renew your calendar addresses?")
        assert own_feed_unchanged(first)
        with page.expect_navigation():
            page.get_by_role("button", name="Renew addresses").click()
        assert page.url == f"{live_server.url}/calendar/"
        expect(page.locator(".messages")).to_contain_text("Your calendar has new addresses.")
        second = own_feed(page)
        assert second != first
        assert status_of(page, first) == 404
        assert status_of(page, second) == 200

        with page.expect_navigation():
            page.get_by_role("button", name="Turn feeds off").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Turn your calendar feeds off?")
        with page.expect_navigation():
            page.get_by_role("button", name="Turn feeds off").click()
        expect(page.locator(".messages")).to_contain_text("Your calendar feeds are turned off.")
        expect(page.locator("#calendar-feeds code.feed-url")).to_have_count(0)
        assert status_of(page, second) == 404
    finally:
        context.close()
    assert not User.objects.get(pk=member.pk).calendar_token


def test_it_copies_an_address_with_javascript(live_server, page, log_in, member):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(member)
    page.goto(f"{live_server.url}/calendar/")
    if page.get_by_role("button", name="Create my feed addresses").count():
        page.get_by_role("button", name="Create my feed addresses").click()
    address = own_feed(page)
    copy = page.locator("#calendar-feeds .calendar-feed").first.get_by_role("button", name="Copy")
    expect(copy).to_be_visible()
    copy.click()
    expect(page.locator("#calendar-copy-status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == address
