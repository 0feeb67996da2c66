"""Logging in and the dashboard in a real browser."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_it_logs_in_and_shows_the_dashboard(log_in, member, artifacts):
    page = log_in(member)
    expect(page.get_by_role("heading", name="Working groups")).to_be_visible()
    expect(page.get_by_text("Energy").first).to_be_visible()
    page.screenshot(path=artifacts / "dashboard.png", full_page=True)


def test_it_runs_without_csp_violations(log_in, member, page):
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    log_in(member)
    page.reload()
    page.wait_for_load_state("networkidle")
    assert [text for text in messages if "Content Security Policy" in text] == []
