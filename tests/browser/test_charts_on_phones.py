"""The charts on a phone (390 × 844) in every language: the page never scrolls sideways, no
chart text is drawn under 11 CSS px, the legends' items never overlap, and every mark on the
timeline carries a visible number."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.milestones.models import Milestone, Status

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LANGUAGES = ["en", "az", "ru"]

#: Text of every visible chart (the drawing the CSS shows, not the other one), with the size it
#: is drawn at: its computed font size times the SVG's scale on screen.
CHART_TEXT = r"""() => [...document.querySelectorAll(".chart-figure svg.chart")]
  .filter((svg) => svg.getClientRects().length > 0)
  .flatMap((svg) => {
    const scale = svg.getScreenCTM().a;
    return [...svg.querySelectorAll("text")].map((text) => ({
      chart: svg.id,
      text: text.textContent,
      px: parseFloat(getComputedStyle(text).fontSize) * scale,
      height: text.getBoundingClientRect().height,
    }));
  })"""

#: The boxes of the legends' items: the HTML legends and the timeline's lane labels.
LEGEND_BOXES = r"""() => {
  const box = (el) => { const r = el.getBoundingClientRect();
    return {text: el.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
  const legends = [...document.querySelectorAll(".chart-legend")].map(
    (ul) => [...ul.querySelectorAll(":scope > li")].map(box));
  const lanes = [...document.querySelectorAll(".chart-figure svg.chart")]
    .filter((svg) => svg.getClientRects().length > 0)
    .map((svg) => [...svg.querySelectorAll("g.lane text")].map(box))
    .filter((items) => items.length);
  return legends.concat(lanes);
}"""

#: Every drawn mark of the visible timeline, and whether a visible number label is under it.
MARK_NUMBERS = r"""() => {
  const svg = [...document.querySelectorAll("svg.chart")].find(
    (s) => s.getClientRects().length > 0 && s.querySelector("g.mark"));
  if (!svg) return null;
  const labels = [...svg.querySelectorAll("g.lane-numbers text")].map((t) => {
    const [a, b] = t.textContent.split("–").map(Number);
    return [a, b === undefined ? a : b];
  });
  return [...svg.querySelectorAll("g.mark")].map((g) => {
    const n = Number(g.dataset.number);
    return {n, labelled: labels.some(([a, b]) => a <= n && n <= b)};
  });
}"""


def overlaps(a: dict, b: dict) -> bool:
    across = a["left"] < b["right"] and b["left"] < a["right"]
    down = a["top"] < b["bottom"] and b["top"] < a["bottom"]
    return across and down


@pytest.fixture
def busy_groups(energy, connectivity):
    """Milestones in every status over half a year, several on the same days (so that their
    numbers have to share a label), and completions over some weeks for the burn-ups."""
    today = timezone.localdate()
    now = timezone.now()
    rows = []
    statuses = [s for s in Status.values if s != Status.CANCELLED]
    for i in range(30):
        status = statuses[i % len(statuses)]
        rows.append(
            Milestone(
                group=energy if i % 4 else connectivity,
                section=(energy if i % 4 else connectivity).section,
                title=f"Feasibility study of the Caspian–Black Sea power link, part {i}",
                due_date=today + dt.timedelta(days=(i * 7) % 180 - 60),
                status=status,
                progress=100 if status == Status.DONE else (i * 13) % 100,
                completed_at=now - dt.timedelta(days=i * 3) if status == Status.DONE else None,
            )
        )
    Milestone.objects.bulk_create(rows)


def check_page(page, url: str, language: str) -> None:
    page.goto(url)
    assert page.evaluate("document.documentElement.lang") == language
    where = f"{url} in {language}"
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{where} scrolls sideways: {widths}"

    texts = page.evaluate(CHART_TEXT)
    assert texts, f"no chart text on {where}"
    assert all(t["chart"].endswith("-compact") for t in texts), f"a wide drawing on {where}"
    small = [t for t in texts if t["px"] < 11 or t["height"] < 11]
    assert not small, f"chart text under 11 px on {where}: {small[:5]}"

    for items in page.evaluate(LEGEND_BOXES):
        for i, a in enumerate(items):
            for b in items[i + 1 :]:
                assert not overlaps(a, b), f"legend items overlap on {where}: {a} {b}"

    marks = page.evaluate(MARK_NUMBERS)
    if marks is not None:
        assert marks, where
        unlabelled = [m for m in marks if not m["labelled"]]
        assert not unlabelled, f"marks without a visible number on {where}: {unlabelled}"

    # The data table: hidden until asked for, then on screen, and still no sideways scroll.
    toggle = page.locator("details.chart-data-toggle summary").first
    data = page.locator(".chart-data").first
    assert data.bounding_box()["width"] <= 1
    toggle.click()
    assert data.bounding_box()["width"] > 200
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{where} scrolls sideways with the data shown: {widths}"
    toggle.click()


def test_the_charts_fit_a_phone_in_every_language(
    live_server, page, log_in, staff, busy_groups, artifacts
):
    page.set_viewport_size(PHONE)
    log_in(staff)
    for language in LANGUAGES:
        staff.language = language
        staff.save(update_fields=["language"])
        check_page(page, f"{live_server.url}/", language)
        page.locator("#dashboard-charts-heading").scroll_into_view_if_needed()
        page.locator(".charts").screenshot(path=artifacts / f"charts-dashboard-390-{language}.png")
        check_page(page, f"{live_server.url}/groups/energy/", language)
        page.locator(".charts").screenshot(path=artifacts / f"charts-group-390-{language}.png")


def test_the_wide_drawing_is_shown_on_a_desktop(
    live_server, page, log_in, staff, busy_groups, artifacts
):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(staff)
    page.goto(f"{live_server.url}/groups/energy/")
    shown = page.evaluate(
        """() => [...document.querySelectorAll(".chart-figure svg.chart")]
          .filter((svg) => svg.getClientRects().length > 0).map((svg) => svg.id)"""
    )
    assert shown == ["timeline", "burnup"]
    texts = page.evaluate(CHART_TEXT)
    assert min(t["px"] for t in texts) >= 11
    page.locator(".charts").screenshot(path=artifacts / "charts-group-1280.png")
