"""The meeting page in a real browser: htmx swaps in place, and the same forms work without JS."""

import re

import pytest
from playwright.sync_api import expect

from apps.accounts.models import User
from apps.meetings.models import Attendance, AttendanceStatus, Decision
from tests.browser.test_milestones import sign_in
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
    status = row.get_by_label("Attendance of Cochair Us")
    expect(status).to_have_value("")  # "Invited": no answer yet
    status.select_option("present")
    row.get_by_role("button", name="Save attendance of Cochair Us").click()

    expect(row).to_contain_text("Attendance recorded.")
    expect(row.get_by_label("Attendance of Cochair Us")).to_have_value("present")
    expect(row).to_have_class(re.compile(r"\bstatus-present\b"))
    assert same_document(page), "saving swapped the row without loading a page"
    assert Attendance.objects.get(pk=row_id).status == AttendanceStatus.PRESENT

    row.get_by_label("Attendance of Cochair Us").select_option("apologies")
    row.get_by_role("button", name="Save attendance of Cochair Us").click()
    expect(row).to_have_class(re.compile(r"\bstatus-apologies\b"))
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


def log_in_without_javascript(context, base: str, user):
    return sign_in(context.new_page(), base, user)


def test_it_asks_on_a_page_before_adopting_without_javascript(
    browser, live_server, meeting, member, cochair_us
):
    from apps.meetings import services
    from apps.meetings.models import MinutesAdoption

    services.minutes_update(meeting_id=meeting.pk, user=member, version=1, minutes="Agreed.")
    services.guest_add(meeting_id=meeting.pk, user=member, name="Jane Doe")
    context = browser.new_context(java_script_enabled=False)
    try:
        page = log_in_without_javascript(context, live_server.url, cochair_us)
        page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
        page.get_by_role("button", name="Adopt the minutes for United States").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Adopt the minutes of “Energy roadmap review”?"
        )
        expect(page.locator("main")).to_contain_text("Adopting locks the minutes")
        expect(page.locator("main")).to_contain_text("Guest still “Invited”: Jane Doe")
        assert not MinutesAdoption.objects.exists()

        with page.expect_navigation():
            page.get_by_role("button", name="Adopt the minutes", exact=True).click()
        expect(page.locator(".messages")).to_contain_text("Minutes adopted for your side.")
        assert MinutesAdoption.objects.get().side == "us"
    finally:
        context.close()


def test_it_records_attendance_without_javascript(browser, live_server, meeting, member, observer):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = log_in_without_javascript(context, live_server.url, member)
        page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
        row_id = Attendance.objects.get(meeting=meeting, user=observer).pk
        row = page.locator(f"#attendance-{row_id}")
        row.get_by_label("Attendance of Observer").select_option("absent")
        with page.expect_navigation():
            row.get_by_role("button", name="Save attendance of Observer").click()

        assert page.url == f"{live_server.url}/meetings/{meeting.pk}/#attendance"
        expect(page.locator(".messages")).to_contain_text("Attendance recorded.")
        row = page.locator(f"#attendance-{row_id}")
        expect(row.get_by_label("Attendance of Observer")).to_have_value("absent")
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
    dialog = page.get_by_role("dialog", name="Adopt the minutes of “Energy roadmap review”?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Adopting locks the minutes, decisions and action items")
    dialog.get_by_role("button", name="Adopt the minutes", exact=True).click()

    expect(page.locator("#adoption")).to_contain_text("record of this meeting is locked")
    # The confirmation of what was done: in view, a status message, and focused (read out).
    banner = page.locator("#adoption .notification-banner--success")
    expect(banner).to_have_attribute("role", "status")
    expect(banner).to_contain_text("Minutes adopted by both sides")
    expect(banner).to_be_in_viewport()
    expect(banner).to_be_focused()
    # The other sections were swapped out of band: their edit forms are gone.
    expect(page.locator("#decisions").get_by_role("button", name="Add decision")).to_have_count(0)
    expect(page.locator("#minutes").get_by_text("Edit the minutes")).to_have_count(0)
    expect(page.locator("#attendance").locator("select")).to_have_count(0)
    expect(page.locator("#meeting-header")).to_contain_text("Minutes adopted")
    expect(page.get_by_role("link", name="Edit details")).to_have_count(0)
    # Follow-ups continue.
    expect(page.locator("#actions").get_by_role("button", name="Mark done")).to_be_visible()
    assert same_document(page)
    page.screenshot(path=artifacts / "meeting-adopted.png", full_page=True)


def test_it_asks_before_adopting_and_names_who_is_still_invited(
    log_in, live_server, meeting, member, cochair_us
):
    from apps.meetings import services
    from apps.meetings.models import MinutesAdoption

    services.minutes_update(meeting_id=meeting.pk, user=member, version=1, minutes="Agreed.")
    services.guest_add(meeting_id=meeting.pk, user=member, name="Jane Doe", organisation="SOCAR")
    page = log_in(cochair_us)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    mark_page(page)

    page.get_by_role("button", name="Adopt the minutes for United States").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Guest still “Invited”: Jane Doe (SOCAR)")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert not MinutesAdoption.objects.exists(), "cancelling adopts nothing"

    page.get_by_role("button", name="Adopt the minutes for United States").click()
    dialog.get_by_role("button", name="Adopt the minutes", exact=True).click()
    banner = page.locator("#adoption .notification-banner--success")
    expect(banner).to_contain_text("Minutes adopted for your side.")
    expect(banner).to_be_in_viewport()
    assert same_document(page)
    assert MinutesAdoption.objects.get().side == "us"


PHONE = {"width": 390, "height": 844}
LANGUAGES = ("en", "az", "ru")


@pytest.fixture
def busy_meeting(energy, member, cochair_az):
    """Everything the meeting page can show to a co-chair who may still adopt, with long
    words where people have them (Russian and Azerbaijani labels are longer still)."""
    import datetime as dt

    from apps.meetings import services

    meeting = schedule(
        energy,
        member,
        title="Energy roadmap review: the Caspian–Black Sea interconnection and gas storage",
        starts_at_local=dt.datetime(2026, 12, 7, 11, 0),
        duration_minutes=60,
        location="Ministry of Energy of the Republic of Azerbaijan, 88 Hasan Bey Zardabi Street",
        link="https://meet.example/energy/very-long-meeting-room-identifier-0123456789",
    )
    services.minutes_update(meeting_id=meeting.pk, user=member, version=1, minutes="Agreed.")
    services.guest_add(
        meeting_id=meeting.pk,
        user=member,
        name="Konstantin Konstantinopolsky-Aliyev",
        organisation="State Oil Company of the Azerbaijan Republic",
    )
    services.decision_add(meeting_id=meeting.pk, user=member, text="Commission the study.")
    services.action_item_add(meeting_id=meeting.pk, user=member, title="Undated follow-up")
    services.action_item_add(
        meeting_id=meeting.pk,
        user=member,
        title="Circulate the roadmap",
        owner_id=cochair_az.pk,
        due_date=dt.date(2026, 12, 20),
    )
    services.minutes_adopt(meeting_id=meeting.pk, user=cochair_az)
    # A past one with its minutes still in draft, for the list's tag.
    schedule(
        energy,
        member,
        title="Interconnection feasibility: the second technical session",
        starts_at_local=dt.datetime(2026, 11, 2, 15, 30),
        time_zone="America/New_York",
    )
    return meeting


def fits(page, where: str) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{where} scrolls sideways: {widths}"


def check_meeting_pages(page, base: str, meeting, language: str, artifacts) -> None:
    page.goto(f"{base}/meetings/{meeting.pk}/")
    assert page.evaluate("document.documentElement.lang") == language
    assert page.locator("#attendance select").count() > 0, "the attendance controls"
    assert page.locator("#adoption form[data-confirm]").count() == 1
    fits(page, f"the meeting page in {language}")
    page.screenshot(path=artifacts / f"meeting-390-{language}.png", full_page=True)
    page.locator("#adopt-button").click()  # the confirmation, open
    expect(page.locator("dialog[open]")).to_be_visible()
    fits(page, f"the adoption dialog in {language}")
    page.keyboard.press("Escape")
    for when in ("past", "upcoming"):
        page.goto(f"{base}/meetings/?when={when}")
        expect(page.locator("table.meeting-list tbody tr")).to_have_count(1)
        fits(page, f"the {when} meetings in {language}")
        page.screenshot(path=artifacts / f"meetings-{when}-390-{language}.png", full_page=True)


def test_the_meeting_pages_fit_a_phone_in_every_language(
    live_server, page, log_in, busy_meeting, cochair_us, artifacts
):
    page.set_viewport_size(PHONE)
    log_in(cochair_us)
    for language in LANGUAGES:
        User.objects.filter(pk=cochair_us.pk).update(language=language)
        check_meeting_pages(page, live_server.url, busy_meeting, language, artifacts)


def test_it_records_attendance_with_the_keyboard_alone(live_server, page, meeting, cochair_us):
    from tests.browser.test_keyboard import focus_after_swap, focused, log_in_with_keyboard, tab_to

    member = meeting.created_by
    log_in_with_keyboard(page, live_server.url, member)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    row_id = Attendance.objects.get(meeting=meeting, user=cochair_us).pk

    tab_to(page, lambda element: element["id"] == f"attendance-status-{row_id}")
    page.keyboard.press("ArrowDown")  # "Invited" (no answer) → "Present"
    expect(page.locator(f"#attendance-status-{row_id}")).to_have_value("present")
    tab_to(page, lambda element: element["id"] == f"attendance-save-{row_id}")
    page.keyboard.press("Enter")

    expect(page.locator(f"#attendance-{row_id}")).to_contain_text("Attendance recorded.")
    assert Attendance.objects.get(pk=row_id).status == AttendanceStatus.PRESENT
    after = focus_after_swap(page)
    assert after is not None and after["id"] == f"attendance-save-{row_id}", after

    # Back to the control, another answer, submitted with Space this time.
    tab_to(page, lambda element: element["id"] == f"attendance-status-{row_id}", backwards=True)
    page.keyboard.press("ArrowDown")
    expect(page.locator(f"#attendance-status-{row_id}")).to_have_value("apologies")
    tab_to(page, lambda element: element["id"] == f"attendance-save-{row_id}")
    page.keyboard.press(" ")
    expect(page.locator(f"#attendance-{row_id}")).to_have_class(re.compile(r"\bstatus-apologies\b"))
    assert Attendance.objects.get(pk=row_id).status == AttendanceStatus.APOLOGIES
    assert focused(page) is not None
