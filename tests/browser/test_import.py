"""The roadmap import page in a real browser: a co-chair picks a CSV in the real file input,
sees the preview, confirms, and the milestones exist; a file with bad rows shows every error
with its line and column and imports nothing. With htmx (no page load) and without JavaScript
(plain form posts). The preview and the error states are checked with axe-core too."""

import pytest
from playwright.sync_api import Page, expect

from apps.milestones.models import Milestone, MilestoneUpdate, Status
from tests.browser import axe
from tests.milestones.test_roadmap_csv import csv_bytes, row

pytestmark = pytest.mark.browser

FILE_LABEL = "Roadmap file (CSV)"


@pytest.fixture
def good_csv(tmp_path, energy):
    path = tmp_path / "energy-roadmap.csv"
    path.write_bytes(
        csv_bytes(
            row(ref="EN-10", title="Grid code harmonisation", due="2026-10-31"),
            row(
                ref="EN-11",
                title="Caspian wind auction design",
                description="Terms for the first offshore auction",
                due="2027-03-31",
                status="in_progress",
                progress="15",
            ),
        )
    )
    return path


@pytest.fixture
def bad_csv(tmp_path, energy):
    path = tmp_path / "broken-roadmap.csv"
    path.write_bytes(
        csv_bytes(
            row(ref="EN-20", title="Fine row"),
            row(ref="EN-21", progress="150"),
            row(ref="EN-22", group="atlantis"),
        )
    )
    return path


def mark_window(page: Page) -> None:
    page.evaluate("window.__noReload = 'still here'")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__noReload") == "still here"


def test_it_previews_and_imports_a_roadmap(live_server, page, log_in, cochair_us, good_csv):
    log_in(cochair_us)
    page.goto(f"{live_server.url}/milestones/import/")
    mark_window(page)
    page.get_by_label(FILE_LABEL).set_input_files(good_csv)
    page.get_by_role("button", name="Check the file").click()

    panel = page.locator("#import-panel")
    expect(panel.get_by_role("heading", level=2)).to_have_text(
        "Preview of energy-roadmap.csv: 2 to create, 0 to change, 0 unchanged"
    )
    preview = panel.get_by_role("table")
    expect(preview).to_contain_text("EN-10")
    expect(preview).to_contain_text("Caspian wind auction design")
    assert Milestone.objects.count() == 0, "a preview writes nothing"
    axe.assert_no_serious_violations_if_installed(page, "import preview")

    expect(panel).to_contain_text("2 milestones will be created.")
    panel.get_by_role("button", name="Confirm and import").click()
    banner = panel.locator(".notification-banner")
    expect(banner).to_contain_text("Import done: 2 created, 0 changed, 0 unchanged.")
    expect(banner).to_be_focused()
    expect(banner.get_by_role("link", name="See the milestones of")).to_have_attribute(
        "href", "/milestones/?group=energy"
    )
    assert_not_reloaded(page)
    created = {m.external_ref: m for m in Milestone.objects.all()}
    assert set(created) == {"EN-10", "EN-11"}
    assert created["EN-11"].title == "Caspian wind auction design"
    assert (created["EN-11"].status, created["EN-11"].progress) == (Status.IN_PROGRESS, 15)
    assert created["EN-10"].group.slug == "energy"
    axe.assert_no_serious_violations_if_installed(page, "import done")

    # The same file again: every row is unchanged, nothing is written twice.
    panel.get_by_role("link", name="Import another file").click()
    page.get_by_label(FILE_LABEL).set_input_files(good_csv)
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#import-panel").get_by_role("heading", level=2)).to_have_text(
        "Preview of energy-roadmap.csv: 0 to create, 0 to change, 2 unchanged"
    )


def test_it_shows_every_error_with_line_and_column(live_server, page, log_in, cochair_us, bad_csv):
    log_in(cochair_us)
    page.goto(f"{live_server.url}/milestones/import/")
    mark_window(page)
    page.get_by_label(FILE_LABEL).set_input_files(bad_csv)
    page.get_by_role("button", name="Check the file").click()

    errors = page.locator("#import-panel .error-summary[role=alert]")
    expect(errors.get_by_role("heading")).to_have_text("There is a problem")
    expect(errors).to_be_focused()
    table = errors.get_by_role("table", name="broken-roadmap.csv: 2 errors, nothing was imported")
    expect(table.get_by_role("row")).to_have_text(
        [
            "LineColumnProblem",
            "3Progress (%)150 is not between 0 and 100.",
            "4Groupunknown group “atlantis”.",
        ]
    )
    expect(page.get_by_role("button", name="Confirm and import")).to_have_count(0)
    # The file input is there again, to pick a corrected file.
    expect(page.get_by_label(FILE_LABEL)).to_be_visible()
    assert_not_reloaded(page)
    assert Milestone.objects.count() == 0
    assert MilestoneUpdate.objects.count() == 0
    axe.assert_no_serious_violations_if_installed(page, "import with errors")


def test_it_imports_without_javascript(live_server, browser, cochair_us, good_csv, bad_csv):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email address").fill(cochair_us.email)
        page.get_by_label("Password").fill("test-pass-1234")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/")

        page.goto(f"{live_server.url}/milestones/import/")
        page.get_by_label(FILE_LABEL).set_input_files(bad_csv)
        with page.expect_navigation():
            page.get_by_role("button", name="Check the file").click()
        expect(page.locator("#import-panel .error-summary")).to_contain_text(
            "unknown group “atlantis”"
        )
        assert Milestone.objects.count() == 0

        page.get_by_label(FILE_LABEL).set_input_files(good_csv)
        with page.expect_navigation():
            page.get_by_role("button", name="Check the file").click()
        expect(page.locator("#import-panel").get_by_role("heading", level=2)).to_contain_text(
            "2 to create"
        )
        with page.expect_navigation():
            page.get_by_role("button", name="Confirm and import").click()
        # Post/redirect/get: back on the import page, the result in a banner with a link.
        assert page.url == f"{live_server.url}/milestones/import/"
        banner = page.locator(".notification-banner")
        expect(banner).to_contain_text("Import done: 2 created, 0 changed, 0 unchanged.")
        banner.get_by_role("link", name="See the milestones of").click()
        assert page.url == f"{live_server.url}/milestones/?group=energy"
    finally:
        context.close()
    assert set(Milestone.objects.values_list("external_ref", flat=True)) == {"EN-10", "EN-11"}
