"""The meeting page in a real browser: htmx swaps in place, and the same forms work without JS."""

import re

import pytest
from playwright.sync_api import expect

from apps.meetings.models import Attendance, AttendanceStatus, Decision
from tests.meetings.conftest import schedule

pytestmark = pytest.mark.browser


@pytest.fixture
def meeting(energy, member, cochair_us, observer):
    return schedule(energy, member, agenda="1. **Grid** interconnection\n2. Gas")


def mark_page(page) -> None:
    """A flag on the window: it survives htmx swaps and disappears on a page load."""
    page.evaluate("window.__sameDocument = true")


def same_document(page) -> bool:
    return page.evaluate("window.__sameDocument === true")


def test_it_records_attendance_in_place(
    log_in, live_server, meeting, member, cochair_us, artifacts
):
    page = log_in(member)
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    expect(page.get_by_role("heading", name="Energy roadmap review")).to_be_visible()
    mark_page(page)

    row_id = Attendance.objects.get(meeting=meeting, user=cochair_us).pk
    row = page.locator(f"#attendance-{row_id}")
    expect(row).to_contain_text("Invited")
    row.get_by_role("button", name="Present").click()

    expect(row).to_contain_text("Present")
    expect(row.get_by_role("button", name="Present")).to_have_attribute("aria-pressed", "true")
    expect(row).to_have_class(re.compile(r"\bstatus-present\b"))
    assert same_document(page), "the toggle swapped the row without loading a page"
    assert Attendance.objects.get(pk=row_id).status == AttendanceStatus.PRESENT

    row.get_by_role("button", name="Apologies").click()
    expect(row.get_by_role("button", name="Apologies")).to_have_attribute("aria-pressed", "true")
    assert same_document(page)
    assert Attendance.objects.get(pk=row_id).status == AttendanceStatus.APOLOGIES
    assert [text for text in console if "Content Security Policy" in text] == []
    page.screenshot(path=artifacts / "meeting-attendance.png", full_page=True)


def test_it_adds_a_decision_in_place(log_in, live_server, meeting, member):
    page = log_in(member)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    mark_page(page)

    decisions = page.locator("#decisions")
    decisions.get_by_label("New decision").fill("Commission the Caspian grid study by June.")
    decisions.get_by_role("button", name="Add decision").click()

    expect(decisions.locator(".decision-list")).to_contain_text(
        "Commission the Caspian grid study by June."
    )
    expect(decisions).to_contain_text("Decision recorded.")
    expect(decisions.get_by_label("New decision")).to_have_value("")
    assert same_document(page)
    assert (
        Decision.objects.get(meeting=meeting).text == "Commission the Caspian grid study by June."
    )

    # An empty decision is refused in place, with the reason.
    decisions = page.locator("#decisions")
    decisions.get_by_label("New decision").fill("   ")
    decisions.get_by_role("button", name="Add decision").click()
    expect(page.locator("#decisions")).to_contain_text("Write the decision.")
    assert same_document(page)
    assert Decision.objects.filter(meeting=meeting).count() == 1


def test_it_records_attendance_without_javascript(browser, live_server, meeting, member, observer):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email address").fill(member.email)
        page.get_by_label("Password").fill("test-pass-1234")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/")

        page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
        row_id = Attendance.objects.get(meeting=meeting, user=observer).pk
        row = page.locator(f"#attendance-{row_id}")
        with page.expect_navigation():
            row.get_by_role("button", name="Absent").click()

        assert page.url == f"{live_server.url}/meetings/{meeting.pk}/#attendance"
        expect(page.locator(".messages")).to_contain_text("Attendance recorded.")
        row = page.locator(f"#attendance-{row_id}")
        expect(row).to_contain_text("Absent")
        expect(row.get_by_role("button", name="Absent")).to_have_attribute("aria-pressed", "true")
        assert Attendance.objects.get(pk=row_id).status == AttendanceStatus.ABSENT
    finally:
        context.close()


def test_it_locks_the_page_in_place_when_the_second_side_adopts(
    log_in, live_server, meeting, member, cochair_az, cochair_us, artifacts
):
    from apps.meetings import services

    services.minutes_update(
        meeting_id=meeting.pk,
        user=member,
        version=1,
        minutes="## Summary\n\nThe roadmap is agreed.",
    )
    services.action_item_add(meeting_id=meeting.pk, user=member, title="Publish the roadmap")
    services.minutes_adopt(meeting_id=meeting.pk, user=cochair_az)

    page = log_in(cochair_us)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    mark_page(page)
    expect(page.locator("#decisions").get_by_role("button", name="Add decision")).to_be_visible()
    page.get_by_role("button", name="Adopt the minutes for United States").click()

    expect(page.locator("#adoption")).to_contain_text("record of this meeting is locked")
    # The other sections were swapped out of band: their edit forms are gone.
    expect(page.locator("#decisions").get_by_role("button", name="Add decision")).to_have_count(0)
    expect(page.locator("#minutes").get_by_text("Edit the minutes")).to_have_count(0)
    expect(page.locator("#attendance").get_by_role("button", name="Present")).to_have_count(0)
    expect(page.locator("#meeting-header")).to_contain_text("minutes adopted")
    expect(page.get_by_role("link", name="Edit details")).to_have_count(0)
    # Follow-ups continue.
    expect(page.locator("#actions").get_by_role("button", name="Mark done")).to_be_visible()
    assert same_document(page)
    page.screenshot(path=artifacts / "meeting-adopted.png", full_page=True)
