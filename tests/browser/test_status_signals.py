"""Colour is never the only signal of a status: in the rendered pages every coloured status
mark (RAG badge, milestone status pill, email state, attendance, action item, "overdue")
carries visible text, the same text for the same status and a different text for a different
one; and the timeline chart draws each status with its own shape and names it in the mark's
title."""

import datetime as dt
import re
from collections import defaultdict

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from apps.charter.models import WorkingGroup
from apps.meetings.models import ActionItem, ActionItemStatus, Attendance, AttendanceStatus
from apps.milestones.models import Status
from apps.notifications.models import EmailState
from tests.meetings.test_access import Scene
from tests.milestones.conftest import make_milestone
from tests.notifications.factories import outbox_row

pytestmark = pytest.mark.browser

# family → (CSS selector of the coloured element, selector of the element whose class names
# the status, regular expression for the status in that class; None: no status key).
FAMILIES = {
    "rag": (".tag[class*=tag--rag-]", None, r"\btag--rag-(\w+)"),
    "milestone status": (".tag[class*=tag--status-]", None, r"\btag--status-(\w+)"),
    "report status": (".status[class*='status-']", None, r"\bstatus-(\w+)"),
    "email state": (".state", None, r"\bstate-(\w+)"),
    "attendance": (".attendance-status", ".attendance-row", r"\bstatus-(\w+)"),
    "action item": (".action-status", "tr[id^='action-']", r"\baction-(\w+)"),
    "overdue": (".ms-overdue, .overdue-flag, .due.overdue", None, None),
    "badge": (".badge", None, None),
}

COLLECT = """(families) => {
  const found = [];
  for (const [family, [selector, keyFrom]] of Object.entries(families)) {
    for (const el of document.querySelectorAll(selector)) {
      const holder = keyFrom ? el.closest(keyFrom) : el;
      found.push({
        family,
        classes: holder ? holder.getAttribute("class") || "" : "",
        text: el.innerText.trim(),
        visible: el.checkVisibility(),
      });
    }
  }
  return found;
}"""

MARKS = r"""() => [...document.querySelectorAll("svg g.mark")].map((g) => ({
  classes: g.getAttribute("class"),
  title: g.querySelector("title").textContent,
  shape: [...g.children].filter((c) => c.tagName !== "title").map((c) =>
    c.tagName
    + (c.hasAttribute("points") ? "/" + c.getAttribute("points").trim().split(/\s+/).length : "")
    + (["none", "#ffffff", "#fff", "white"].includes(c.getAttribute("fill")) ? ":hollow" : "")
  ).join("+"),
}))"""


@pytest.fixture
def scene(energy, staff, cochair_az, cochair_us, member, observer, other_member, outsider):
    """A milestone in every status (Energy: red), an at-risk one (Connectivity: amber),
    Economy with none (green); a meeting with every attendance and action item status;
    emails in several states."""
    today = timezone.localdate()
    for number, status in enumerate(Status.values):
        make_milestone(
            energy,
            owner=member,
            number=number,
            title=f"Energy {status}",
            status=status,
            progress=100 if status == Status.DONE else 10 * number,
            due_date=today + dt.timedelta(days=(number - 2) * 10),
            completed_at=timezone.now() if status == Status.DONE else None,
        )
    connectivity = WorkingGroup.objects.get(slug="connectivity")
    make_milestone(
        connectivity,
        title="Connectivity at risk",
        status=Status.AT_RISK,
        due_date=today + dt.timedelta(days=60),
    )
    meeting = Scene(energy, member, cochair_us).meeting
    rows = list(Attendance.objects.filter(meeting=meeting, user__isnull=False).order_by("pk"))
    for row, status in zip(rows, AttendanceStatus.values, strict=False):
        Attendance.objects.filter(pk=row.pk).update(status=status)
    for status in ActionItemStatus.values:
        done = status == ActionItemStatus.DONE
        ActionItem.objects.create(
            meeting=meeting,
            title=f"Action {status}",
            status=status,
            completed_at=meeting.starts_at if done else None,
        )
    for state in (EmailState.SENT, EmailState.FAILED, EmailState.QUEUED):
        outbox_row(cochair_us, state=state)
    return meeting


def collect(page: Page, url: str) -> list[dict]:
    page.goto(url)
    families = {name: [selector, key_from] for name, (selector, key_from, _) in FAMILIES.items()}
    return [{**found, "url": url} for found in page.evaluate(COLLECT, families)]


def test_it_never_shows_a_status_by_colour_alone(
    live_server, page, log_in, cochair_us, observer, scene
):
    log_in(cochair_us)  # English, and sees everything in Energy
    base = live_server.url
    found = []
    for path in ("/", "/groups/energy/", "/milestones/?group=connectivity", "/milestones/"):
        found += collect(page, base + path)
    found += collect(page, f"{base}/meetings/{scene.pk}/")
    found += collect(page, f"{base}/notifications/emails/")
    # A co-chair edits Energy's rows and attendance (selects); an observer reads them as tags.
    page.context.clear_cookies()
    log_in(observer)
    found += collect(page, f"{base}/milestones/?group=energy")
    found += collect(page, f"{base}/meetings/{scene.pk}/")  # attendance as tags, not selects

    texts: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for item in found:
        if not item["visible"]:
            continue
        assert item["text"], f"a {item['family']} mark with no text on {item['url']}: {item}"
        pattern = FAMILIES[item["family"]][2]
        if pattern:
            match = re.search(pattern, item["classes"])
            assert match, item
            texts[item["family"]][match[1]].add(item["text"])

    for family, by_status in texts.items():
        for status, seen in by_status.items():
            assert len(seen) == 1, f"{family} {status} is written differently: {seen}"
        words = [next(iter(seen)) for seen in by_status.values()]
        assert len(set(words)) == len(words), f"two {family} statuses share a text: {by_status}"

    # Every status was on screen, so the checks above had something to check.
    assert set(texts["rag"]) == {"red", "amber", "green"}
    assert set(texts["milestone status"]) == set(Status.values)
    assert texts["milestone status"]["at_risk"] == {"At risk"}
    assert set(texts["attendance"]) == set(AttendanceStatus.values)
    assert set(texts["action item"]) == set(ActionItemStatus.values)
    assert {"sent", "failed", "queued"} <= set(texts["email state"])
    assert any(item["family"] == "overdue" and item["visible"] for item in found)


def test_it_draws_each_status_with_its_own_shape(live_server, page, log_in, cochair_us, scene):
    log_in(cochair_us)
    page.goto(f"{live_server.url}/groups/energy/")
    marks = page.evaluate(MARKS)
    shapes: dict[str, set[str]] = defaultdict(set)
    for mark in marks:
        status = re.search(r"\bstatus-(\w+)", mark["classes"])[1]
        shapes[status].add(mark["shape"])
        assert str(Status(status).label) in mark["title"], mark
    # Cancelled milestones are left off the timeline; every other status is drawn.
    assert set(shapes) == set(Status.values) - {Status.CANCELLED}
    for status, seen in shapes.items():
        assert len(seen) == 1, (status, seen)
    drawn = [next(iter(seen)) for seen in shapes.values()]
    assert len(set(drawn)) == len(drawn), f"two statuses share a shape: {dict(shapes)}"
    # The lane labels name every status in words (the legend).
    legend = page.locator("svg g.lane text").all_text_contents()
    assert {str(Status(status).label) for status in shapes} <= set(legend)
