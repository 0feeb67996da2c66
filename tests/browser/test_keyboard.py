"""Logging progress with the keyboard alone: Tab / Shift+Tab to move, typing, arrow keys in a
select, Enter and Space to submit. No clicks. Every stop on the way shows a visible focus
indicator, and after htmx swaps the milestone in, focus is on the form again, not lost to <body>.
"""

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from apps.milestones.models import Milestone, MilestoneUpdate, Status
from tests.milestones.conftest import make_milestone

pytestmark = pytest.mark.browser

MAX_TABS = 80

DESCRIBE_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    name: el.getAttribute("name") || "",
    text: (el.innerText || el.value || "").trim().slice(0, 60),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== "none",
  };
}"""


def focused(page: Page) -> dict | None:
    return page.evaluate(DESCRIBE_FOCUS)


def focus_after_swap(page: Page) -> dict | None:
    """Where focus is once htmx has settled (focus moves back a moment after the swap)."""
    try:
        page.wait_for_function(
            # A function, not an expression: Playwright would eval() an expression in the
            # page, which the strict CSP forbids.
            "() => document.activeElement && document.activeElement !== document.body",
            timeout=2000,
        )
    except PlaywrightTimeoutError:
        return None
    return focused(page)


def tab_to(page: Page, matches, *, backwards: bool = False) -> dict:
    """Press Tab (or Shift+Tab) until the focused element matches; check each stop shows
    a visible focus indicator on the way."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        element = focused(page)
        if element is None:
            continue  # focus went to the browser's own UI and comes back
        assert element["outline"] or element["shadow"], f"no visible focus indicator on {element}"
        if matches(element):
            return element
    raise AssertionError(f"no match after {MAX_TABS} presses of {key}; last: {focused(page)}")


def by_id(element_id: str):
    return lambda element: element["id"] == element_id


def button(text: str):
    return lambda element: element["tag"] == "button" and element["text"] == text


def log_in_with_keyboard(page: Page, base_url: str, user) -> None:
    page.goto(f"{base_url}/accounts/login/")
    tab_to(page, lambda element: element["name"] == "username")
    page.keyboard.type(user.email)
    tab_to(page, lambda element: element["name"] == "password")
    page.keyboard.type("test-pass-1234")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base_url}/")


@pytest.fixture
def milestone(energy, member, cochair_az) -> Milestone:
    return make_milestone(energy, owner=member, title="Grid interconnection roadmap", progress=20)


def test_it_posts_an_update_with_the_keyboard_alone(live_server, page, member, milestone):
    log_in_with_keyboard(page, live_server.url, member)
    page.goto(f"{live_server.url}/milestones/{milestone.pk}/")

    tab_to(page, by_id("update-status"))
    for _ in range(len(Status.values) + 1):
        if page.locator("#update-status").input_value() == Status.AT_RISK:
            break
        page.keyboard.press("ArrowDown")
    expect(page.locator("#update-status")).to_have_value(Status.AT_RISK)
    tab_to(page, by_id("update-progress"))
    page.keyboard.press("Control+A")
    page.keyboard.type("45")
    tab_to(page, by_id("update-note"))
    page.keyboard.type("Route survey finished; the regulator has the draft.")
    tab_to(page, button("Post update"))
    # Second thoughts: back to the progress field, correct it, and submit from there (Enter).
    tab_to(page, by_id("update-progress"), backwards=True)
    page.keyboard.press("Control+A")
    page.keyboard.type("50")
    page.keyboard.press("Enter")

    expect(page.locator("#timeline")).to_contain_text(
        "Route survey finished; the regulator has the draft."
    )
    expect(page.locator(".ms-progress-number")).to_have_text("50 %")
    milestone.refresh_from_db()
    assert (milestone.status, milestone.progress) == (Status.AT_RISK, 50)
    update = MilestoneUpdate.objects.get(milestone=milestone)
    assert update.note == "Route survey finished; the regulator has the draft."

    # The swap replaced the form; focus is on its banner (announced, on screen), in the panel.
    element = focus_after_swap(page)
    assert element is not None, "focus was lost to <body> after the htmx swap"
    assert page.evaluate(
        "document.activeElement.matches('#update-panel .notification-banner--success')"
    ), element
    expect(page.locator("#update-panel [role=status]")).to_contain_text("Progress logged.")

    # And again straight away, a note alone, submitted with Enter on the button.
    tab_to(page, by_id("update-note"))
    page.keyboard.type("Second note, no change.")
    tab_to(page, button("Post update"))
    page.keyboard.press("Enter")
    expect(page.locator("#timeline")).to_contain_text("Second note, no change.")
    assert MilestoneUpdate.objects.filter(milestone=milestone).count() == 2
    element = focus_after_swap(page)
    assert element is not None
    assert page.evaluate("document.activeElement.closest('#update-panel') !== null"), element


def test_it_reaches_the_sign_off_from_the_banner_with_the_keyboard(
    live_server, page, member, cochair_az, cochair_us, milestone
):
    Milestone.objects.filter(pk=milestone.pk).update(status=Status.AWAITING_SIGNOFF)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in_with_keyboard(page, live_server.url, cochair_us)
    page.goto(f"{live_server.url}/milestones/{milestone.pk}/")

    tab_to(page, lambda element: element["tag"] == "a" and element["text"] == "Go to the sign-off")
    page.keyboard.press("Enter")
    expect(page.locator("#signoff")).to_be_focused()
    expect(page.locator("#signoff")).to_be_in_viewport()
    tab_to(page, button("Sign off for United States"))
    page.keyboard.press("Enter")

    banner = page.locator("#signoff .notification-banner--success")
    expect(banner).to_contain_text("Signed off for United States. Waiting for the other side.")
    expect(banner).to_be_focused()
    expect(banner).to_be_in_viewport()
    assert Milestone.objects.get(pk=milestone.pk).signoffs.count() == 1


def test_it_edits_a_row_of_the_list_with_the_keyboard_alone(live_server, page, member, milestone):
    log_in_with_keyboard(page, live_server.url, member)
    page.goto(f"{live_server.url}/milestones/")
    row = f"#milestone-row-{milestone.pk}"

    tab_to(page, by_id(f"row-edit-{milestone.pk}"))
    page.keyboard.press("Enter")
    expect(page.locator(f"#row-form-{milestone.pk}")).to_be_visible()
    tab_to(page, lambda element: element["name"] == "progress")
    page.keyboard.press("Control+A")
    page.keyboard.type("35")
    tab_to(page, button("Save"))
    page.keyboard.press("Enter")

    expect(page.locator(row).get_by_role("status")).to_have_text("Saved.")
    milestone.refresh_from_db()
    assert milestone.progress == 35
    element = focus_after_swap(page)
    assert element is not None, "focus was lost to <body> after the htmx swap"
    assert page.evaluate(f"document.activeElement.closest('{row}') !== null"), element
