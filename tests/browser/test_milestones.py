"""The milestones workspace in a real browser: inline edits without a page load, the
progress log, two co-chairs signing off, an edit conflict, and the same edit without
JavaScript."""

import pytest
from playwright.sync_api import Locator, Page, expect

from apps.milestones.models import Milestone, MilestoneUpdate, Status
from apps.milestones.services import (
    evidence_add,
    milestone_log_progress,
    milestone_sign_off,
    milestone_update,
)
from tests.milestones.conftest import PDF, make_milestone, upload

pytestmark = pytest.mark.browser


@pytest.fixture
def cochair_az(cochair_az):
    """These tests read the English interface; the shared cast's AZ co-chair has chosen
    Azerbaijani, which the pages now follow (tests/i18n covers that)."""
    cochair_az.language = "en"
    cochair_az.save(update_fields=["language"])
    return cochair_az


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads land in a temporary folder, not the developer's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


def sign_in(page: Page, base_url: str, user) -> Page:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill("test-pass-1234")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")
    return page


def mark_window(page: Page) -> None:
    """A marker that only survives if the page is never reloaded or left."""
    page.evaluate("window.__noReload = 'still here'")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__noReload") == "still here"


@pytest.fixture
def milestone(energy, member, cochair_az, cochair_us) -> Milestone:
    return make_milestone(energy, owner=member, title="Feasibility study", progress=20)


@pytest.fixture
def csp_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return errors


def open_row_editor(page: Page, milestone) -> Locator:
    """Click the row's Edit link; htmx swaps the row for its edit form."""
    row = page.locator(f"#milestone-row-{milestone.pk}")
    row.get_by_role("link", name=f"Edit {milestone.title}").click()
    expect(page.locator(f"#row-form-{milestone.pk}")).to_be_visible()
    return page.locator(f"#milestone-row-{milestone.pk}")


def test_it_edits_a_row_of_the_list_on_demand(live_server, page, member, milestone, csp_errors):
    sign_in(page, live_server.url, member)
    page.goto(f"{live_server.url}/milestones/?group=energy")
    mark_window(page)
    # Read-only until asked: no form field in the list.
    expect(page.locator(".msl-table select, .msl-table input")).to_have_count(0)
    row = open_row_editor(page, milestone)
    row.get_by_label("Status", exact=True).select_option("at_risk")
    row.get_by_label("Progress (%)").fill("35")
    row.get_by_role("button", name="Save").click()

    row = page.locator(f"#milestone-row-{milestone.pk}")
    expect(row.get_by_role("status")).to_have_text("Saved.")
    expect(row).to_contain_text("At risk")
    expect(row).to_contain_text("35 %")
    expect(row.locator("select")).to_have_count(0)
    assert_not_reloaded(page)
    assert page.url == f"{live_server.url}/milestones/?group=energy"
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress, milestone.version) == (Status.AT_RISK, 35, 2)

    # A second edit of the same row carries the new version: no conflict.
    row = open_row_editor(page, milestone)
    row.get_by_label("Progress (%)").fill("40")
    row.get_by_role("button", name="Save").click()
    expect(page.locator(f"#milestone-row-{milestone.pk}").get_by_role("status")).to_have_text(
        "Saved."
    )
    expect(page.locator(f"#milestone-row-{milestone.pk} progress")).to_have_attribute("value", "40")

    # Cancel gives the read-only row back, unchanged.
    row = open_row_editor(page, milestone)
    row.get_by_label("Progress (%)").fill("90")
    row.get_by_role("link", name="Cancel").click()
    expect(page.locator(f"#row-form-{milestone.pk}")).to_have_count(0)
    expect(page.locator(f"#milestone-row-{milestone.pk}")).to_contain_text("40 %")
    assert_not_reloaded(page)
    assert csp_errors == []


def test_it_finds_the_owner_by_name_as_you_type(
    live_server, page, member, cochair_us, milestone, csp_errors
):
    sign_in(page, live_server.url, member)
    page.goto(f"{live_server.url}/milestones/")
    mark_window(page)
    row = open_row_editor(page, milestone)
    owner = row.get_by_label("Owner")
    expect(owner).to_have_value("Member <member@example.test>")
    # The row came in by a swap: type only once htmx has bound the input's trigger, or the
    # keystrokes go unheard (seen once in CI).
    page.wait_for_function("el => Boolean(el['htmx-internal-data'])", arg=owner.element_handle())
    with page.expect_response(lambda response: "/milestones/owners/" in response.url):
        owner.fill("Cochair U")
    options = row.locator("datalist option")
    expect(options).to_have_count(1)
    expect(options.first).to_have_attribute("value", "Cochair Us <cochair.us@example.test>")
    owner.fill("Cochair Us <cochair.us@example.test>")
    row.get_by_role("button", name="Save").click()
    expect(page.locator(f"#milestone-row-{milestone.pk}").get_by_role("status")).to_have_text(
        "Saved."
    )
    expect(page.locator(f"#milestone-row-{milestone.pk}")).to_contain_text("Cochair Us")
    assert_not_reloaded(page)
    milestone.refresh_from_db()
    assert milestone.owner == cochair_us
    assert csp_errors == []


def test_it_shows_a_row_error_in_place(live_server, page, member, milestone):
    sign_in(page, live_server.url, member)
    page.goto(f"{live_server.url}/milestones/")
    mark_window(page)
    row = open_row_editor(page, milestone)
    row.get_by_label("Owner").fill("stranger@example.org")
    row.get_by_role("button", name="Save").click()
    summary = page.locator(f"#milestone-row-{milestone.pk} .error-summary")
    expect(summary).to_contain_text("stranger@example.org is not a member of this group")
    expect(summary).to_be_focused()
    expect(page.locator(f"#row-{milestone.pk}-owner")).to_have_attribute("aria-invalid", "true")
    assert_not_reloaded(page)
    assert Milestone.objects.get(pk=milestone.pk).version == 1


def test_it_edits_a_row_without_javascript(live_server, browser, member, cochair_us, milestone):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = sign_in(context.new_page(), live_server.url, member)
        page.goto(f"{live_server.url}/milestones/?group=energy&status=planned")
        with page.expect_navigation():
            page.get_by_role("link", name="Edit Feasibility study").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Edit “Feasibility study”")
        page.get_by_label("Status", exact=True).select_option("at_risk")
        # Without JavaScript the owner is a plain <select> of the group's possible owners.
        page.get_by_label("Owner").select_option("cochair.us@example.test")
        with page.expect_navigation():
            page.get_by_role("button", name="Save").click()
        assert page.url == f"{live_server.url}/milestones/?group=energy&status=planned"
        expect(page.locator(".messages")).to_contain_text("Saved.")
        # It is no longer planned: this filtered list does not show it.
        expect(page.locator(f"#milestone-row-{milestone.pk}")).to_have_count(0)
        page.get_by_role("link", name="Status: Planned").click()
        expect(page.locator(f"#milestone-row-{milestone.pk}")).to_contain_text("At risk")
        expect(page.locator(f"#milestone-row-{milestone.pk}")).to_contain_text("Cochair Us")
    finally:
        context.close()
    milestone.refresh_from_db()
    assert (milestone.status, milestone.owner) == (Status.AT_RISK, cochair_us)


def test_it_creates_a_milestone_choosing_the_owner_by_name(
    live_server, page, member, cochair_us, energy, csp_errors
):
    sign_in(page, live_server.url, member)
    page.goto(f"{live_server.url}/milestones/new/?group=energy")
    page.get_by_role("button", name="Create milestone").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="This field is required.").click()
    expect(page.get_by_label("Title")).to_be_focused()
    page.get_by_label("Title").fill("Offshore wind atlas")
    page.get_by_label("Due date").fill("2026-10-01")
    # With JavaScript the owner <select> gives way to a text input that suggests people.
    owner = page.get_by_label("Owner")
    expect(owner).to_have_attribute("list", "id_owner-options")
    with page.expect_response(lambda response: "/milestones/owners/" in response.url):
        owner.fill("cochair")
    expect(page.locator("#id_owner-options option")).to_have_count(1)
    owner.fill("Cochair Us <cochair.us@example.test>")
    with page.expect_navigation():
        page.get_by_role("button", name="Create milestone").click()
    expect(page.locator(".messages")).to_contain_text("Milestone created.")
    assert Milestone.objects.get(title="Offshore wind atlas").owner == cochair_us
    assert csp_errors == []


@pytest.mark.parametrize("language", ["en", "az", "ru"])
def test_it_fits_the_list_on_a_phone(live_server, browser, energy, member, milestone, language):
    member.language = language
    member.save(update_fields=["language"])
    make_milestone(
        energy,
        owner=member,
        number=2,
        title="Interconnection of the national transmission grids across the Caspian region",
        external_ref="EN-2026-TRANSMISSION-INTERCONNECTION-01",
    )
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = sign_in(context.new_page(), live_server.url, member)
        page.goto(f"{live_server.url}/milestones/?group=energy&status=planned&overdue=on&q=a")
        fits = "document.documentElement.scrollWidth <= window.innerWidth"
        assert page.evaluate(fits), page.evaluate("document.documentElement.scrollWidth")
        page.goto(f"{live_server.url}/milestones/")
        page.locator(".filter-panel > summary").click()
        assert page.evaluate(fits), page.evaluate("document.documentElement.scrollWidth")
        page.locator(f"#milestone-row-{milestone.pk} .msl-actions a").click()
        expect(page.locator(f"#row-form-{milestone.pk}")).to_be_visible()
        assert page.evaluate(fits), page.evaluate("document.documentElement.scrollWidth")
        page.goto(f"{live_server.url}/milestones/new/?group=energy")
        assert page.evaluate(fits), page.evaluate("document.documentElement.scrollWidth")
    finally:
        context.close()


def assert_announced_in_view(page: Page, panel: str, text: str) -> None:
    """The banner is inside ``panel``, on screen, and announced: a status, or focused."""
    banner = page.locator(f"{panel} .notification-banner--success")
    expect(banner).to_contain_text(text)
    expect(banner).to_be_in_viewport()
    assert banner.evaluate(
        "e => e.getAttribute('role') === 'status' || e === document.activeElement"
    )


def test_it_logs_progress_and_shows_it_in_the_timeline(
    live_server, page, member, milestone, csp_errors
):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, member)
    page.goto(f"{live_server.url}/milestones/{milestone.pk}/")
    mark_window(page)
    page.get_by_label("Note", exact=True).fill("Site survey finished in Sangachal.")
    page.get_by_label("Progress (%)", exact=True).fill("45")
    page.get_by_role("button", name="Post update").click()

    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Site survey finished in Sangachal.")
    expect(timeline).to_contain_text("Progress: 20 % → 45 %")
    expect(timeline).to_contain_text("Baku")  # the entry's moment names its zone
    expect(page.locator(".ms-progress-number")).to_have_text("45 %")
    assert_announced_in_view(page, "#update-panel", "Progress logged.")
    assert_not_reloaded(page)
    assert MilestoneUpdate.objects.get(milestone=milestone).note == (
        "Site survey finished in Sangachal."
    )
    assert csp_errors == []


def test_it_completes_when_two_cochairs_sign_in_their_own_browsers(
    live_server, browser, energy, member, cochair_az, cochair_us
):
    milestone = make_milestone(
        energy, owner=member, title="Grid code", status=Status.AWAITING_SIGNOFF, progress=90
    )
    url = f"{live_server.url}/milestones/{milestone.pk}/"
    az_context, us_context = browser.new_context(), browser.new_context()
    try:
        az = sign_in(az_context.new_page(), live_server.url, cochair_az)
        us = sign_in(us_context.new_page(), live_server.url, cochair_us)
        az.goto(url)
        us.goto(url)

        expect(az.get_by_text("Your sign-off is needed for Azerbaijan.")).to_be_visible()
        az.get_by_role("button", name="Sign off for Azerbaijan").click()
        expect(az.locator("#signoff")).to_contain_text("signed by Cochair Az on")
        expect(az.locator("#signoff")).to_contain_text("waiting for Cochair Us")
        assert_announced_in_view(az, "#signoff", "Waiting for the other side.")
        expect(az.get_by_text("Your sign-off is needed")).to_have_count(0)
        expect(az.get_by_role("button", name="Sign off for Azerbaijan")).to_have_count(0)
        assert Milestone.objects.get(pk=milestone.pk).status == Status.AWAITING_SIGNOFF

        us.get_by_role("button", name="Sign off for United States").click()
        expect(us.get_by_role("status")).to_contain_text(
            "Both sides have signed off: the milestone is done."
        )
        expect(us.locator(".ms-detail-head .tag")).to_have_text("Done")
        expect(us.locator(".ms-progress-number")).to_have_text("100 %")

        az.reload()
        expect(az.locator(".ms-detail-head .tag")).to_have_text("Done")
        expect(az.locator("#signoff")).to_contain_text("signed by Cochair Us on")
    finally:
        az_context.close()
        us_context.close()
    milestone.refresh_from_db()
    assert milestone.status == Status.DONE
    assert milestone.completed_at is not None


def test_it_shows_a_stale_edit_the_conflict_naming_the_first_editor(
    live_server, browser, member, cochair_az, milestone
):
    url = f"{live_server.url}/milestones/{milestone.pk}/"
    first_context, second_context = browser.new_context(), browser.new_context()
    try:
        first = sign_in(first_context.new_page(), live_server.url, cochair_az)
        second = sign_in(second_context.new_page(), live_server.url, member)
        first.goto(url)
        second.goto(url)
        mark_window(second)

        first.get_by_label("Progress (%)", exact=True).fill("30")
        first.get_by_role("button", name="Post update").click()
        expect(first.get_by_role("status")).to_contain_text("Saved.")

        second.get_by_label("Progress (%)", exact=True).fill("60")
        second.get_by_label("Status", exact=True).select_option("blocked")
        second.get_by_role("button", name="Post update").click()

        conflict = second.locator("#update-panel .conflict")
        expect(conflict).to_contain_text("Cochair Az saved a change")
        expect(conflict).to_contain_text("30 %")
        expect(conflict).to_contain_text("60 %")
        expect(
            conflict.get_by_role("link", name="Reload to see the current version")
        ).to_be_visible()
        # Their edit is saved; mine is still in the form, ready to save on purpose.
        expect(second.get_by_label("Progress (%)", exact=True)).to_have_value("60")
        expect(second.get_by_label("Status", exact=True)).to_have_value("blocked")
        assert_not_reloaded(second)
        assert Milestone.objects.get(pk=milestone.pk).progress == 30

        second.get_by_role("button", name="Save my values").click()
        expect(second.get_by_role("status")).to_contain_text("Saved.")
        assert Milestone.objects.get(pk=milestone.pk).progress == 60
    finally:
        first_context.close()
        second_context.close()


def test_it_edits_without_javascript(live_server, browser, member, milestone):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = sign_in(context.new_page(), live_server.url, member)
        page.goto(f"{live_server.url}/milestones/{milestone.pk}/")
        page.get_by_label("Progress (%)", exact=True).fill("75")
        page.get_by_label("Note", exact=True).fill("Submitted without JavaScript")
        with page.expect_navigation():
            page.get_by_role("button", name="Post update").click()
        assert page.url == f"{live_server.url}/milestones/{milestone.pk}/"
        expect(page.locator(".messages")).to_contain_text("Progress logged.")
        expect(page.locator(".ms-progress-number")).to_have_text("75 %")
        expect(page.locator("#timeline")).to_contain_text("Submitted without JavaScript")

    finally:
        context.close()
    milestone.refresh_from_db()
    assert milestone.progress == 75


def test_it_shows_a_milestone_awaiting_signoff(
    live_server, page, energy, member, cochair_az, cochair_us, artifacts, csp_errors
):
    milestone = make_milestone(
        energy,
        owner=member,
        title="Feasibility study for the Caspian–Black Sea green energy corridor",
        description="Technical and commercial feasibility of the corridor, with the partners "
        "named in the 10 February 2026 Charter.",
        external_ref="EN-03",
        progress=20,
    )
    milestone_log_progress(
        milestone_id=milestone.pk,
        user=member,
        version=1,
        note="Terms of reference agreed with the consultants.",
        status=Status.IN_PROGRESS,
        progress=40,
    )
    evidence_add(
        milestone_id=milestone.pk,
        user=member,
        title="Terms of reference (signed)",
        file=upload("terms-of-reference.pdf", PDF),
    )
    evidence_add(
        milestone_id=milestone.pk,
        user=member,
        title="Ministry of Energy announcement",
        url="https://minenergy.gov.az/en/news",
    )
    milestone_update(
        milestone_id=milestone.pk,
        user=member,
        version=2,
        status=Status.DONE,
        progress=100,
        note="Final report delivered to both co-chairs.",
    )
    milestone_sign_off(milestone_id=milestone.pk, user=cochair_az)

    sign_in(page, live_server.url, cochair_us)
    page.goto(f"{live_server.url}/milestones/{milestone.pk}/")
    expect(page.locator(".ms-detail-head .tag")).to_have_text("Awaiting sign-off")
    expect(page.get_by_role("button", name="Sign off for United States")).to_be_visible()
    expect(page.get_by_role("button", name="Decline")).to_be_hidden()  # inside a closed <details>
    expect(page.get_by_text("Decline the sign-off", exact=True)).to_be_visible()
    expect(page.locator("#evidence-panel")).to_contain_text("Terms of reference (signed)")
    expect(page.locator("#timeline")).to_contain_text("Signed off for Azerbaijan.")
    page.screenshot(path=artifacts / "milestone-detail.png", full_page=True)
    page.goto(f"{live_server.url}/milestones/?group=energy")
    page.screenshot(path=artifacts / "milestone-list.png", full_page=True)
    assert csp_errors == []


def test_it_uploads_evidence_without_a_page_load(
    live_server, page, member, milestone, tmp_path, csp_errors
):
    report = tmp_path / "site-survey.pdf"
    report.write_bytes(PDF)
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"MZ\x90\x00 not a pdf")
    sign_in(page, live_server.url, member)
    page.goto(f"{live_server.url}/milestones/{milestone.pk}/")
    mark_window(page)

    page.get_by_text("Add evidence", exact=True).click()
    page.get_by_label("File (PDF, PNG, JPEG, DOCX, XLSX, CSV or TXT; up to 10 MB)").set_input_files(
        fake
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#evidence-panel")).to_contain_text("is not a real .pdf file")

    page.get_by_label("File (PDF, PNG, JPEG, DOCX, XLSX, CSV or TXT; up to 10 MB)").set_input_files(
        report
    )
    page.get_by_role("button", name="Upload").click()
    link = page.locator("#evidence-panel").get_by_role("link", name="site-survey.pdf")
    expect(link).to_be_visible()
    assert_announced_in_view(page, "#evidence-panel", "Evidence added.")
    expect(page.locator("#evidence-panel")).not_to_contain_text("is not a real .pdf file")
    assert_not_reloaded(page)
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "site-survey.pdf"
    assert download.path().read_bytes() == PDF
    assert csp_errors == []


def test_it_declines_after_the_dialog_states_the_consequence(
    live_server, page, energy, member, cochair_az, cochair_us, csp_errors
):
    milestone = make_milestone(energy, owner=member, title="Grid code", progress=60)
    milestone_update(
        milestone_id=milestone.pk, user=member, version=1, status=Status.DONE, progress=100
    )
    milestone_sign_off(milestone_id=milestone.pk, user=cochair_us)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, cochair_az)
    page.goto(f"{live_server.url}/milestones/{milestone.pk}/")
    mark_window(page)
    page.get_by_text("Decline the sign-off", exact=True).click()
    page.get_by_label("Why do you decline?").fill("The annex is missing.")
    page.get_by_role("button", name="Decline", exact=True).click()

    dialog = page.locator("dialog#confirm-decline")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(
        "This withdraws the United States side's signature, given by Cochair Us."
    )
    expect(dialog).to_contain_text("The milestone goes back to In progress at 60 %")
    assert Milestone.objects.get(pk=milestone.pk).status == Status.AWAITING_SIGNOFF
    dialog.get_by_role("button", name="Yes, decline the sign-off").click()

    assert_announced_in_view(page, "#signoff", "Sign-off declined")
    expect(page.locator(".ms-detail-head .tag")).to_have_text("In progress")
    expect(page.locator(".ms-progress-number")).to_have_text("60 %")
    assert_not_reloaded(page)
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress) == (Status.IN_PROGRESS, 60)
    assert csp_errors == []


def test_it_adds_a_link_and_asks_before_removing_it(
    live_server, page, member, milestone, csp_errors
):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, member)
    page.goto(f"{live_server.url}/milestones/{milestone.pk}/")
    page.get_by_text("Add evidence", exact=True).click()
    page.get_by_label("Link (http:// or https://)").fill("https://example.org/report")
    page.get_by_label("Title (optional)").first.fill("Survey report")
    page.get_by_role("button", name="Add link").click()
    assert_announced_in_view(page, "#evidence-panel", "Evidence added.")

    page.locator("#evidence-panel").get_by_role("button", name="Remove Survey report").click()
    dialog = page.locator("dialog.confirm-dialog[open]")
    expect(dialog).to_contain_text("Remove “Survey report”?")
    dialog.get_by_role("button", name="Cancel").click()
    assert MilestoneUpdate.objects.filter(milestone=milestone).count() == 1  # added, not removed

    page.locator("#evidence-panel").get_by_role("button", name="Remove Survey report").click()
    page.locator("dialog.confirm-dialog[open]").get_by_role("button", name="Yes, remove it").click()
    assert_announced_in_view(page, "#evidence-panel", "Evidence removed.")
    expect(page.locator("#evidence-panel")).not_to_contain_text("Evidence added.")
    assert csp_errors == []


@pytest.mark.parametrize("language", ["en", "az", "ru"])
def test_it_fits_a_phone_in_every_language(
    live_server, page, energy, member, cochair_az, cochair_us, language, artifacts
):
    milestone = make_milestone(
        energy,
        owner=member,
        title="Feasibility study for the Caspian–Black Sea green energy corridor "
        "(Azərbaycan–Gürcüstan–Rumıniya–Macarıstan) with the interconnector",
        status=Status.AWAITING_SIGNOFF,
        progress=90,
    )
    evidence_add(
        milestone_id=milestone.pk,
        user=member,
        url="https://minenergy.gov.az/en/news/a-very-long-address-without-any-break-at-all-0123456789",
    )
    milestone_sign_off(milestone_id=milestone.pk, user=cochair_us)
    cochair_az.language = language
    cochair_az.save(update_fields=["language"])
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, cochair_az)
    page.goto(f"{live_server.url}/milestones/{milestone.pk}/")
    for opened in ("details.ms-decline", "details.ms-more", "details.ms-add-evidence"):
        page.locator(f"{opened} > summary").click()
    page.screenshot(path=artifacts / f"milestone-detail-390-{language}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_it_asks_on_a_page_before_declining_without_javascript(
    live_server, browser, energy, member, cochair_az, cochair_us
):
    milestone = make_milestone(
        energy, owner=member, title="Grid code", status=Status.AWAITING_SIGNOFF, progress=80
    )
    milestone_sign_off(milestone_id=milestone.pk, user=cochair_us)
    context = browser.new_context(java_script_enabled=False)
    try:
        page = sign_in(context.new_page(), live_server.url, cochair_az)
        page.goto(f"{live_server.url}/milestones/{milestone.pk}/")
        page.get_by_text("Decline the sign-off", exact=True).click()
        page.get_by_label("Why do you decline?").fill("The annex is missing.")
        with page.expect_navigation():
            page.get_by_role("button", name="Decline", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Decline the sign-off?")
        expect(page.locator(".warning-text")).to_contain_text(
            "This withdraws the United States side's signature, given by Cochair Us."
        )
        assert Milestone.objects.get(pk=milestone.pk).status == Status.AWAITING_SIGNOFF
        with page.expect_navigation():
            page.get_by_role("button", name="Yes, decline the sign-off").click()
        assert page.url == f"{live_server.url}/milestones/{milestone.pk}/"
        expect(page.locator(".messages")).to_contain_text("Sign-off declined")
    finally:
        context.close()
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress, milestone.signoffs.count()) == (
        Status.IN_PROGRESS,
        80,
        0,
    )
