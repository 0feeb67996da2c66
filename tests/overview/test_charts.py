"""Server-rendered SVG charts: the timeline, the burn-up and the progress bars, on their own
(known data in, coordinates out) and on the dashboard and the group page."""

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
import time_machine

from apps.milestones.models import Milestone, Status
from apps.overview import charts
from apps.overview.charts import GroupBar, TimelineMark
from tests.factories import MilestoneFactory

NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)  # a Monday
TODAY = NOW.date()
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def svg_of(markup: str) -> ET.Element:
    """The first <svg> in ``markup``, parsed as XML (so it is also well-formed)."""
    match = re.search(r"<svg\b.*?</svg>", str(markup), re.S)
    assert match, markup
    return ET.fromstring(match.group(0))  # noqa: S314 — our own markup


def mark(pk, title, due, status=Status.PLANNED) -> TimelineMark:
    return TimelineMark(pk=pk, title=title, due_date=due, status=status)


def expected_x(day: dt.date, start: dt.date, end: dt.date, x0: float, x1: float) -> float:
    return x0 + (day - start).days * (x1 - x0) / (end - start).days


def accessible_name(svg: ET.Element) -> tuple[str, str]:
    assert svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby").split()
    title = svg.find(f"{SVG}title")
    desc = svg.find(f"{SVG}desc")
    assert (title.get("id"), desc.get("id")) == (title_id, desc_id)
    assert svg.get("viewBox", "").startswith("0 0 ")
    return title.text, desc.text


def milestone(group, title, *, due, status=Status.PLANNED, completed_at=None, **extra):
    if status == Status.DONE and completed_at is None:
        completed_at = NOW
    return MilestoneFactory(
        group=group, title=title, due_date=due, status=status, completed_at=completed_at, **extra
    )


# --- timeline ---------------------------------------------------------------------------------


def test_it_places_each_mark_at_its_due_date():
    marks = [
        mark(1, "Start", dt.date(2026, 5, 10), Status.DONE),
        mark(2, "Middle", dt.date(2026, 6, 20), Status.IN_PROGRESS),
        mark(3, "End", dt.date(2026, 8, 3), Status.BLOCKED),
    ]
    svg = svg_of(charts.timeline_svg(marks=marks, today=TODAY))
    # The axis runs over whole months: 1 May to 1 September.
    start, end = dt.date(2026, 5, 1), dt.date(2026, 9, 1)
    x0, x1 = charts.TL_LEFT, charts.TL_WIDTH - charts.TL_RIGHT
    drawn = {g.get("data-due"): g for g in svg.iter(f"{SVG}g") if "mark" in g.get("class", "")}
    assert set(drawn) == {"2026-05-10", "2026-06-20", "2026-08-03"}
    for item in marks:
        g = drawn[item.due_date.isoformat()]
        assert float(g.get("data-x")) == pytest.approx(
            expected_x(item.due_date, start, end, x0, x1), abs=0.05
        )
        assert f"status-{item.status}" in g.get("class")
        # The shape sits on that x, in the lane of its status.
        shape = next(child for child in g if child.tag != f"{SVG}title")
        if shape.tag == f"{SVG}circle":
            assert float(shape.get("cx")) == pytest.approx(float(g.get("data-x")), abs=0.05)
            assert float(shape.get("cy")) == pytest.approx(charts.lane_y(item.status))
    # Done is a check in a circle, blocked a square, in progress a disc: not colour alone.
    assert drawn["2026-08-03"].find(f"{SVG}rect") is not None
    assert drawn["2026-05-10"].find(f"{SVG}polyline") is not None


def test_it_draws_the_today_line_at_todays_x_and_labels_it():
    marks = [mark(1, "A", dt.date(2026, 3, 2)), mark(2, "B", dt.date(2026, 12, 24))]
    svg = svg_of(charts.timeline_svg(marks=marks, today=TODAY))
    today = next(g for g in svg.iter(f"{SVG}g") if g.get("class") == "today")
    x = expected_x(
        TODAY,
        dt.date(2026, 3, 1),
        dt.date(2027, 1, 1),
        charts.TL_LEFT,
        charts.TL_WIDTH - charts.TL_RIGHT,
    )
    line = today.find(f"{SVG}line")
    assert float(line.get("x1")) == pytest.approx(x, abs=0.05)
    assert float(line.get("x2")) == pytest.approx(x, abs=0.05)
    assert today.find(f"{SVG}text").text == "Today"


def test_it_extends_the_axis_to_include_today():
    marks = [mark(1, "Long ago", dt.date(2026, 1, 20))]
    axis = charts.timeline_axis(marks=marks, today=TODAY)
    assert (axis.start, axis.end) == (dt.date(2026, 1, 1), dt.date(2026, 7, 1))


def test_it_ticks_the_months_and_labels_the_axes():
    marks = [mark(1, "A", dt.date(2026, 5, 10)), mark(2, "B", dt.date(2026, 8, 3))]
    svg = svg_of(charts.timeline_svg(marks=marks, today=TODAY))
    ticks = [g.get("data-date") for g in svg.iter(f"{SVG}g") if g.get("class") == "tick"]
    assert ticks == ["2026-05-01", "2026-06-01", "2026-07-01", "2026-08-01", "2026-09-01"]
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "May 2026" in texts and "Jun" in texts
    assert "Due date" in texts
    # Every status lane is labelled: the legend of shapes and colours.
    for label in ("Planned", "In progress", "At risk", "Blocked", "Awaiting sign-off", "Done"):
        assert label in texts


def test_it_names_the_timeline_and_summarises_it():
    marks = [
        mark(1, "A", dt.date(2026, 3, 2), Status.DONE),
        mark(2, "B", dt.date(2026, 4, 2), Status.PLANNED),
        mark(3, "C", dt.date(2026, 12, 24), Status.PLANNED),
    ]
    title, desc = accessible_name(svg_of(charts.timeline_svg(marks=marks, today=TODAY)))
    assert title == "Milestones by due date"
    assert desc == "3 milestones due from 2 March 2026 to 24 December 2026; 1 done, 1 overdue."


def test_it_escapes_milestone_titles():
    markup = charts.timeline_svg(
        marks=[mark(1, '<script>alert("x")</script> & co', dt.date(2026, 7, 1))], today=TODAY
    )
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup
    svg = svg_of(markup)  # still well-formed
    titles = [t.text for t in svg.iter(f"{SVG}title")]
    assert any(t.startswith('<script>alert("x")</script> & co') for t in titles)


def test_it_says_how_many_more_milestones_it_left_out():
    marks = [mark(i, f"M{i}", dt.date(2026, 7, 1)) for i in range(3)]
    markup = charts.timeline_svg(marks=marks, today=TODAY, more=250, overdue=7)
    _title, desc = accessible_name(svg_of(markup))
    assert desc.startswith("253 milestones due from")
    assert "7 overdue" in desc
    assert "The chart shows the first 3 by due date." in desc
    assert "…and 250 more milestones, due later, not drawn." in markup


def test_it_shows_no_milestones_yet_for_an_empty_timeline():
    markup = charts.timeline_svg(marks=[], today=TODAY)
    _title, desc = accessible_name(svg_of(markup))
    assert desc == "No milestones yet."
    assert 'class="chart-empty"' in markup


def test_it_lists_the_data_in_a_hidden_table():
    markup = charts.timeline_svg(marks=[mark(1, "Grid link", dt.date(2026, 7, 1))], today=TODAY)
    assert '<div class="visually-hidden chart-data"><table>' in markup
    assert "<td>1</td><td>Grid link</td><td>1 July 2026</td><td>Planned</td>" in markup
    # A toggle shows the same table on screen (static/css/charts.css).
    assert '<details class="chart-data-toggle"><summary>Show the data as a table' in markup


def svgs_of(markup: str) -> list[ET.Element]:
    """The chart's drawings in ``markup`` (not the legend's keys): wide and compact."""
    return [
        ET.fromstring(match.group(0))  # noqa: S314 — our own markup
        for match in re.finditer(r'<svg class="chart chart-.*?</svg>', str(markup), re.S)
    ]


def test_it_draws_each_chart_wide_and_compact():
    """Two drawings of the same data: the CSS shows the one that fits (static/css/charts.css);
    the compact one is 320 units wide, with bigger text and at most four month labels."""
    marks = [mark(1, "A", dt.date(2026, 1, 10)), mark(2, "B", dt.date(2026, 11, 3))]
    per_week = {dt.date(2026, 1, 5): 1}
    for markup in (
        charts.timeline_svg(marks=marks, today=TODAY),
        charts.burnup_svg(completed_per_week=per_week, total=3, today=TODAY),
        charts.progress_bars_svg(groups=[GroupBar("Energy", 50, 60)]),
        charts.timeline_svg(marks=[], today=TODAY),
    ):
        wide, compact = svgs_of(markup)
        assert wide.get("class") == "chart chart-wide"
        assert compact.get("class") == "chart chart-compact"
        assert compact.get("id") == wide.get("id") + "-compact"
        assert accessible_name(wide) == accessible_name(compact)
        assert compact.get("viewBox").split()[2] == "320"
        assert int(compact.get("font-size")) >= 13
    wide, compact = svgs_of(charts.timeline_svg(marks=marks, today=TODAY))
    ticks = [g for g in compact.iter(f"{SVG}g") if g.get("class") == "tick"]
    assert 2 <= len(ticks) <= 4
    assert len([g for g in wide.iter(f"{SVG}g") if g.get("class") == "tick"]) == 12
    # Every label stays inside the 320 units: the month labels are moved in from the edges.
    for text in compact.iter(f"{SVG}text"):
        half = charts.text_width(text.text, 13) / 2
        if text.get("text-anchor") == "middle":
            assert half <= float(text.get("x")) <= 320 - half, text.text


def test_it_numbers_the_marks_lane_by_lane_as_in_the_table():
    marks = [
        mark(1, "Planned early", dt.date(2026, 5, 1), Status.PLANNED),
        mark(2, "Blocked late", dt.date(2026, 9, 1), Status.BLOCKED),
        mark(3, "Blocked early", dt.date(2026, 6, 1), Status.BLOCKED),
        mark(4, "Done", dt.date(2026, 4, 1), Status.DONE),
    ]
    assert charts.timeline_numbers(marks) == {3: 1, 2: 2, 1: 3, 4: 4}
    markup = charts.timeline_svg(marks=marks, today=TODAY)
    wide = svg_of(markup)
    numbered = {
        g.get("data-due"): g.get("data-number")
        for g in wide.iter(f"{SVG}g")
        if g.get("data-number")
    }
    assert numbered == {"2026-06-01": "1", "2026-09-01": "2", "2026-05-01": "3", "2026-04-01": "4"}
    labels = [t.text for g in wide.iter(f"{SVG}g") if g.get("class") == "lane-numbers" for t in g]
    assert labels == ["1", "2", "3", "4"]
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td>", str(markup))
    assert rows == [
        ("1", "Blocked early"),
        ("2", "Blocked late"),
        ("3", "Planned early"),
        ("4", "Done"),
    ]


def test_it_merges_the_numbers_of_marks_too_close_to_label_one_by_one():
    labels = charts.number_labels(
        [(100, 1), (103, 2), (106, 3), (200, 4), (300, 5), (304, 6)], font_size=12, width=320
    )
    assert [text for _x, text in labels] == ["1–3", "4", "5–6"]
    assert labels[0][0] == pytest.approx(103)
    # Near the edge, a label moves in so as to stay inside the chart.
    [(x, text)] = charts.number_labels([(318, 12)], font_size=12, width=320)
    assert x + charts.text_width(text, 12) / 2 <= 320


# --- burn-up ----------------------------------------------------------------------------------


def test_it_adds_up_completions_week_by_week():
    points = charts.burnup_points(
        completed_per_week={dt.date(2026, 5, 25): 2, dt.date(2026, 6, 8): 3}, today=TODAY
    )
    assert points == [
        (dt.date(2026, 5, 25), 2),
        (dt.date(2026, 6, 1), 2),
        (dt.date(2026, 6, 8), 5),
        (dt.date(2026, 6, 15), 5),
    ]


def test_it_draws_the_burnup_points_and_the_total_line():
    per_week = {dt.date(2026, 5, 25): 2, dt.date(2026, 6, 8): 3}
    markup = charts.burnup_svg(completed_per_week=per_week, total=10, today=TODAY)
    svg = svg_of(markup)
    x0, x1 = charts.BU_LEFT, charts.BU_WIDTH - charts.BU_RIGHT
    start, end = dt.date(2026, 5, 25), dt.date(2026, 6, 15)
    top, height = charts.BU_TOP, charts.BU_PLOT_HEIGHT

    def y(value):  # the y scale runs to 10, a whole number of steps of 2
        return top + height - value * height / 10

    line = next(p for p in svg.iter(f"{SVG}polyline") if p.get("class") == "burnup-done")
    drawn = [tuple(map(float, pair.split(","))) for pair in line.get("points").split()]
    expected = [
        (expected_x(day, start, end, x0, x1), y(value))
        for day, value in [
            (dt.date(2026, 5, 25), 2),
            (dt.date(2026, 6, 1), 2),
            (dt.date(2026, 6, 8), 5),
            (dt.date(2026, 6, 15), 5),
        ]
    ]
    assert drawn == [(pytest.approx(a, abs=0.05), pytest.approx(b, abs=0.05)) for a, b in expected]
    total = next(p for p in svg.iter(f"{SVG}line") if p.get("class") == "burnup-total")
    assert float(total.get("y1")) == pytest.approx(y(10))
    assert total.get("stroke-dasharray")  # dashed: not told apart by colour alone
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert {"Total: 10", "Done: 5"} <= set(texts)
    assert {"Week of completion", "Milestones"} <= set(texts)
    # The legend is HTML under the chart, where it wraps in any language.
    legend = re.search(r'<ul class="chart-legend">.*?</ul>', str(markup), re.S).group(0)
    for text in ("Completed (cumulative)", "Done: 5", "Total scope", "Total: 10"):
        assert text in legend


def test_it_names_the_burnup_and_summarises_it():
    markup = charts.burnup_svg(
        completed_per_week={dt.date(2026, 6, 1): 4}, total=12, today=TODAY, chart_id="b1"
    )
    title, desc = accessible_name(svg_of(markup))
    assert title == "Milestones completed over time"
    assert desc == (
        "4 of 12 milestones completed, the first in the week of 1 June 2026; 8 still to do."
    )
    assert 'aria-labelledby="b1-title b1-desc"' in markup


def test_it_draws_a_flat_burnup_when_nothing_is_done_yet():
    markup = charts.burnup_svg(completed_per_week={}, total=5, today=TODAY)
    _title, desc = accessible_name(svg_of(markup))
    assert desc == "No milestone completed yet; 5 in total."


def test_it_shows_no_milestones_yet_for_an_empty_burnup():
    markup = charts.burnup_svg(completed_per_week={}, total=0, today=TODAY)
    assert accessible_name(svg_of(markup))[1] == "No milestones yet."


# --- progress bars ----------------------------------------------------------------------------


def test_it_draws_bars_with_their_numbers():
    markup = charts.progress_bars_svg(
        groups=[
            GroupBar(name="Energy & <b>", done_percent=50, mean_progress_percent=75),
            GroupBar(name="Economy", done_percent=None, mean_progress_percent=None),
        ]
    )
    svg = svg_of(markup)
    bars = [float(r.get("width")) for r in svg.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert bars == [charts.PB_BAR * 0.5, charts.PB_BAR * 0.75, 0, 0]
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert {"50%", "75%", "no milestones", "Energy & <b>"} <= set(texts)
    assert "<b>" not in markup
    title, desc = accessible_name(svg)
    assert title == "Progress by working group"
    assert desc == (
        "Energy & <b>: 50% done, mean progress 75%; "
        "Economy: no milestones done, mean progress no milestones"
    )


# --- the pages --------------------------------------------------------------------------------


def test_the_group_page_shows_the_timeline_and_the_burnup(client, member, energy):
    milestone(energy, "<script>x</script>", due=TODAY + dt.timedelta(days=10))
    milestone(
        energy,
        "Done",
        due=TODAY - dt.timedelta(days=5),
        status=Status.DONE,
        progress=100,
        completed_at=NOW - dt.timedelta(days=9),
    )
    milestone(energy, "Dropped", due=TODAY, status=Status.CANCELLED)
    client.force_login(member)
    body = client.get("/groups/energy/").content.decode()
    assert 'aria-labelledby="timeline-title timeline-desc"' in body
    assert 'aria-labelledby="burnup-title burnup-desc"' in body
    assert "2 milestones due from" in body  # the cancelled one is left out
    assert "1 of 2 milestones completed, the first in the week of 1 June 2026" in body
    assert "<script>x</script>" not in body
    assert "&lt;script&gt;x&lt;/script&gt;" in body


def test_the_group_page_says_no_milestones_yet(client, member, energy):
    client.force_login(member)
    body = client.get("/groups/energy/").content.decode()
    assert body.count("No milestones yet.") >= 2


def test_the_dashboard_shows_progress_bars_and_the_charter_burnup(
    client, member, energy, connectivity, security
):
    milestone(energy, "E", due=TODAY, status=Status.DONE, progress=100)
    milestone(energy, "E2", due=TODAY, progress=50)
    milestone(connectivity, "C", due=TODAY, status=Status.DONE, progress=100)
    milestone(security, "Secret", due=TODAY, status=Status.DONE, progress=100)
    client.force_login(member)
    body = client.get("/").content.decode()
    assert 'aria-labelledby="progress-title progress-desc"' in body
    assert "Energy: 50% done, mean progress 75%" in body
    # Visible groups only: the restricted group's completion is not counted.
    assert "2 of 3 milestones completed" in body


@pytest.mark.parametrize("url", ["/", "/groups/energy/"])
def test_the_pages_have_no_style_attributes(client, staff, energy, url):
    milestone(energy, "A", due=TODAY, status=Status.DONE, progress=100)
    milestone(energy, "B", due=TODAY + dt.timedelta(days=40), status=Status.AT_RISK)
    client.force_login(staff)
    body = client.get(url).content.decode()
    assert "<svg" in body
    assert not re.search(r"\sstyle\s*=", body, re.I)
    assert "<style" not in body.lower()


@pytest.mark.parametrize("count", [10, 1000])
def test_it_caps_the_timeline_and_keeps_the_queries_constant(
    client, member, energy, count, django_assert_num_queries
):
    Milestone.objects.bulk_create(
        Milestone(
            group=energy,
            section=energy.section,
            title=f"M{i}",
            due_date=TODAY + dt.timedelta(days=i % 300 - 5),
            status=Status.DONE if i % 3 == 0 else Status.PLANNED,
            completed_at=NOW - dt.timedelta(days=i % 200) if i % 3 == 0 else None,
        )
        for i in range(count)
    )
    client.force_login(member)
    with django_assert_num_queries(13):
        response = client.get("/groups/energy/")
    body = response.content.decode()
    drawn = body.count('<g class="mark ')
    assert drawn == 2 * min(count, charts.TIMELINE_LIMIT)  # the wide and the compact drawing
    if count > charts.TIMELINE_LIMIT:
        assert f"…and {count - charts.TIMELINE_LIMIT} more milestones" in body
    with django_assert_num_queries(12):
        assert client.get("/").status_code == 200
