"""The group page in a real browser: managing members inline with htmx."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.accounts.models import Sector, Side
from apps.charter.models import Role
from apps.meetings.models import ActionItem, Meeting
from apps.milestones.models import Milestone, Status
from tests.conftest import make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def cochair_az(cochair_az):
    """These tests read the English interface; the shared cast's AZ co-chair has chosen
    Azerbaijani, which the pages now follow (tests/i18n covers that)."""
    cochair_az.language = "en"
    cochair_az.save(update_fields=["language"])
    return cochair_az


@pytest.fixture
def newcomer(charter_data):
    return make_user(
        "newcomer@example.test",
        side=Side.US,
        display_name="Nora Newcomer",
        organisation="Caspian Energy Ltd",
        sector=Sector.PRIVATE,
    )


@pytest.fixture
def activity(energy, cochair_az, member):
    """Some milestones and meetings, so the screenshots show a working group at work."""
    today = timezone.localdate()
    rows = [
        ("Feasibility study for the Caspian–Black Sea power link", -6, Status.IN_PROGRESS, 60),
        ("Joint statement on civil nuclear cooperation", 4, Status.AWAITING_SIGNOFF, 100),
        ("Grid interconnection roadmap", 9, Status.AT_RISK, 35),
        ("Green energy corridor investor round-table", 40, Status.PLANNED, 0),
        ("Baseline study of gas transit capacity", -30, Status.DONE, 100),
    ]
    for title, due, status, progress in rows:
        Milestone.objects.create(
            group=energy,
            section=energy.section,
            title=title,
            due_date=today + dt.timedelta(days=due),
            status=status,
            progress=progress,
            owner=cochair_az,
            completed_at=timezone.now() if status == Status.DONE else None,
        )
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    held = Meeting.objects.create(
        group=energy,
        title="Working group kick-off",
        starts_at=now - dt.timedelta(days=12),
        location="Baku",
        minutes="Agreed the work plan.",
    )
    Meeting.objects.create(
        group=energy,
        title="Steering meeting",
        starts_at=now + dt.timedelta(days=6),
        location="Online",
    )
    ActionItem.objects.create(meeting=held, title="Circulate the draft roadmap", owner=cochair_az)


def open_group(page, live_server):
    page.goto(f"{live_server.url}/groups/energy/")
    # A marker that a full page load would wipe out.
    page.evaluate("window.loadedOnce = true")


def still_the_same_page(page) -> bool:
    return page.evaluate("window.loadedOnce === true")


def test_it_adds_a_member_inline_without_a_page_load(
    log_in, live_server, cochair_az, cochair_us, member, newcomer, energy, activity, artifacts
):
    page = log_in(cochair_az)
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.screenshot(path=artifacts / "dashboard-cochair.png", full_page=True)
    open_group(page, live_server)
    members = page.locator("#members")
    expect(members.get_by_text("Nora Newcomer")).to_have_count(0)

    form = page.locator("form.member-add")
    form.get_by_label("Email address").fill("newcomer@example.test")
    form.get_by_label("Role").select_option("observer")
    form.get_by_role("button", name="Add member").click()

    banner = members.get_by_role("status")
    expect(banner).to_have_text("Success Nora Newcomer joined the group: Observer, United States.")
    # By the form that was used, on screen, and announced (a status region).
    expect(banner).to_have_attribute("id", "members-feedback")
    expect(banner).to_be_in_viewport()
    assert page.evaluate(
        "document.getElementById('members-feedback').compareDocumentPosition("
        "document.querySelector('form.member-add')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    row = members.locator("li.member", has_text="Nora Newcomer")
    expect(row).to_contain_text("Observer")
    expect(row).to_contain_text("Private sector")
    expect(row).to_contain_text("Caspian Energy Ltd")
    assert still_the_same_page(page)
    assert page.url == f"{live_server.url}/groups/energy/"
    assert energy.memberships.get(user=newcomer).role == Role.OBSERVER
    assert [text for text in console if "Content Security Policy" in text] == []
    page.screenshot(path=artifacts / "group.png", full_page=True)


def test_it_shows_a_refused_addition_inline(log_in, live_server, cochair_az, energy):
    page = log_in(cochair_az)
    open_group(page, live_server)
    form = page.locator("form.member-add")
    form.get_by_label("Email address").fill("nobody@example.test")
    form.get_by_role("button", name="Add member").click()
    expect(page.locator("#members .field-error")).to_have_text(
        "No CharterHub account has the email address nobody@example.test."
    )
    expect(page.locator("form.member-add").get_by_label("Email address")).to_have_value(
        "nobody@example.test"
    )
    assert still_the_same_page(page)


def test_it_changes_and_removes_a_member_inline(
    log_in, live_server, cochair_az, cochair_us, member, energy
):
    membership = member.memberships.get()
    page = log_in(cochair_az)
    open_group(page, live_server)
    row = page.locator(f"#member-{membership.pk}")
    row.get_by_role("combobox", name="Role Member").select_option("observer")
    row.get_by_role("button", name="Save").click()
    expect(page.locator("#members [role=status]")).to_have_text(
        "Success Member is now Observer, Azerbaijan."
    )
    membership.refresh_from_db()
    assert membership.role == Role.OBSERVER

    # Remove asks first, in a dialog that says what follows; Cancel changes nothing.
    dialog = page.locator(f"#confirm-remove-{membership.pk}")
    row.get_by_role("button", name="Remove").click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Remove Member from the group?")
    expect(dialog).to_contain_text("Member will no longer be a member")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert energy.memberships.filter(user=member).exists()

    row.get_by_role("button", name="Remove").click()
    dialog.get_by_role("button", name="Remove").click()
    expect(page.locator("#members [role=status]")).to_have_text(
        "Success Member was removed from the group."
    )
    expect(row).to_have_count(0)
    assert still_the_same_page(page)
    assert not energy.memberships.filter(user=member).exists()


def test_it_asks_before_a_cochair_steps_down(log_in, live_server, cochair_az, cochair_us, energy):
    membership = cochair_az.memberships.get()
    page = log_in(cochair_az)
    open_group(page, live_server)
    row = page.locator(f"#member-{membership.pk}")
    row.get_by_role("combobox", name="Role Cochair Az").select_option("member")
    row.get_by_role("button", name="Save").click()
    # The server asks (the same question without JavaScript), in place of the page's content.
    expect(page.get_by_role("heading", level=1)).to_have_text("End Cochair Az's role as co-chair?")
    expect(page.locator("main")).to_contain_text("The co-chair seat for Azerbaijan will be empty")
    membership.refresh_from_db()
    assert membership.role == Role.CO_CHAIR
    page.get_by_role("button", name="Change role").click()
    expect(page.locator(".messages")).to_contain_text("Cochair Az is now Member, Azerbaijan.")
    membership.refresh_from_db()
    assert membership.role == Role.MEMBER
