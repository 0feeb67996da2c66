"""Server-rendered SVG charts: plain data in, markup out.

No JavaScript and, for the strict CSP, no ``style`` attributes: colours and sizes are SVG
presentation attributes (``fill``, ``stroke``, ``x``…), which the CSP allows. Every chart is an
``<svg role="img">`` named by its ``<title>`` and ``<desc>`` (a summary of the data), followed by a
visually hidden table with the same data for screen readers, which a "show the data" toggle also
shows on screen. Status is never shown by colour alone: each status has its own shape and its own
labelled lane, and every bar has its number written beside it. Every piece of text goes through
``escape``.

Each chart is drawn twice, in a wide and a compact layout (``chart-wide``, ``chart-compact``):
static/css/charts.css shows the one that fits the chart's box, so that the text, scaled with the
viewBox, stays readable (at least 11 CSS px) on a phone as on a desktop. Legends that hold
translated words of any length are HTML under the chart, where they wrap.
"""

import datetime as dt
import math
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from apps.milestones.models import Status, is_overdue

#: How many milestones the timeline draws at most; the rest are summed up as "and N more".
TIMELINE_LIMIT = 200


@dataclass(frozen=True)
class Layout:
    """One layout of a chart, in viewBox units.

    ``wide`` is shown when the chart's box is 46rem (736 px) or wider, so that its 12-unit text
    on an 800-unit width is 11 px or more; ``compact`` below that. In the compact 320 units the
    13-unit text stays at 11 px or more down to a 271 px wide box, the timeline's 12-unit
    numbers down to 294 px (a 390 px phone gives the chart about 316 px)."""

    name: str  # "wide" or "compact": the class chart-<name>
    width: int
    left: int  # where the plot starts
    right: int  # room right of the plot
    font_size: int
    months: int  # the most month labels on a date axis


# Timeline geometry.
TL_WIDE = Layout("wide", width=800, left=160, right=36, font_size=12, months=12)
TL_COMPACT = Layout("compact", width=320, left=30, right=30, font_size=13, months=4)
TL_WIDTH, TL_LEFT, TL_RIGHT = TL_WIDE.width, TL_WIDE.left, TL_WIDE.right
TL_TOP = 28  # room for the "Today" label
TL_LANE = {"wide": 40, "compact": 46}  # a lane: (compact: its label,) the marks, their numbers
TL_MARK = {"wide": 14, "compact": 25}  # the marks' centre line, from the top of their lane
TL_AXIS = 44  # month labels and the axis title under the plot

# Burn-up geometry.
BU_WIDE = Layout("wide", width=800, left=64, right=110, font_size=12, months=12)
BU_COMPACT = Layout("compact", width=320, left=48, right=18, font_size=13, months=4)
BU_WIDTH, BU_LEFT, BU_RIGHT = BU_WIDE.width, BU_WIDE.left, BU_WIDE.right
BU_TOP = 20
BU_PLOT_HEIGHT = 200
BU_BOTTOM = 44  # month labels and the axis title

# Progress bars geometry.
PB_WIDE = Layout("wide", width=700, left=150, right=150, font_size=12, months=0)
PB_LABEL = PB_WIDE.left
PB_BAR = 400
PB_ROW = 18
PB_BLOCK = 70
PB_COMPACT = Layout("compact", width=320, left=0, right=0, font_size=13, months=0)

#: Status lanes of the timeline, top to bottom, with a shape and a colour each.
LANES: list[tuple[str, str, str]] = [
    (Status.BLOCKED, "square", "#b42318"),
    (Status.AT_RISK, "triangle", "#b35c00"),
    (Status.PLANNED, "ring", "#4a5a70"),
    (Status.IN_PROGRESS, "circle", "#1f5fbf"),
    (Status.AWAITING_SIGNOFF, "diamond", "#6f42c1"),
    (Status.DONE, "check", "#1a7f37"),
]
LANE_INDEX = {lane[0]: i for i, lane in enumerate(LANES)}

DONE_COLOUR = "#1a7f37"
TOTAL_COLOUR = "#4a5a70"
MEAN_COLOUR = "#1f5fbf"
AXIS_COLOUR = "#444444"
GRID_COLOUR = "#d0d7de"
TODAY_COLOUR = "#b42318"
INK_COLOUR = "#1f2328"
#: A white outline drawn under a label, so that the grid lines it crosses do not cut through it.
HALO = ' stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"'


@dataclass(frozen=True)
class TimelineMark:
    pk: int
    title: str
    due_date: dt.date
    status: str


@dataclass(frozen=True)
class GroupBar:
    name: str
    done_percent: int | None
    mean_progress_percent: int | None


# --- helpers ------------------------------------------------------------------------------------


def _join(parts: Iterable[str]) -> SafeString:
    """The chart's markup: every piece of text in ``parts`` was escaped where it was added."""
    return mark_safe("".join(parts))  # noqa: S308 — every value is escaped where it is added


def _n(value: float) -> str:
    """A coordinate, to one decimal, without a trailing ``.0``."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def text_width(text: str, font_size: float) -> float:
    """A generous guess of how wide ``text`` is drawn (system-ui averages about 0.55 em)."""
    return len(text) * font_size * 0.62


def _centred_within(x: float, text: str, font_size: float, width: float) -> float:
    """``x`` moved just enough for ``text``, centred on it, to stay inside 0…``width``."""
    half = text_width(text, font_size) / 2 + 2
    return min(max(x, half), width - half)


@dataclass(frozen=True)
class DateAxis:
    """A linear date axis from ``start`` (at ``x0``) to ``end`` (at ``x1``)."""

    start: dt.date
    end: dt.date
    x0: float
    x1: float

    def x(self, day: dt.date) -> float:
        span = (self.end - self.start).days or 1
        return self.x0 + (day - self.start).days * (self.x1 - self.x0) / span

    def month_ticks(self, most: int = 12) -> list[dt.date]:
        """First days of the months on the axis, thinned to at most ``most`` labels."""
        months = []
        day = _month_start(self.start)
        if day < self.start:
            day = _next_month(day)
        while day <= self.end:
            months.append(day)
            day = _next_month(day)
        step = max(1, math.ceil(len(months) / most))
        return months[::step]


def _month_label(day: dt.date, first: bool) -> str:
    return date_format(day, "M Y" if first or day.month == 1 else "M")


def _svg_open(
    *, chart_id: str, layout: Layout, height: int, title: str, desc: str, font_size: int = 0
) -> list[str]:
    """The opening of one drawing of a chart, named by its title and described by ``desc``."""
    svg_id = escape(_variant_id(chart_id, layout))
    return [
        f'<svg class="chart chart-{layout.name}" id="{svg_id}" role="img" '
        f'aria-labelledby="{svg_id}-title {svg_id}-desc" '
        f'viewBox="0 0 {layout.width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" '
        f'font-size="{font_size or layout.font_size}">',
        f'<title id="{svg_id}-title">{escape(title)}</title>',
        f'<desc id="{svg_id}-desc">{escape(desc)}</desc>',
    ]


def _variant_id(chart_id: str, layout: Layout) -> str:
    """The wide drawing keeps the chart's id (the page links to it); the compact one adds a
    suffix."""
    return chart_id if layout.name == "wide" else f"{chart_id}-compact"


def _empty(*, chart_id: str, title: str, message: str) -> SafeString:
    parts = []
    for layout, height, size in ((TL_WIDE, 60, 16), (TL_COMPACT, 44, 14)):
        parts += _svg_open(
            chart_id=chart_id,
            layout=layout,
            height=height,
            title=title,
            desc=message,
            font_size=size,
        )
        parts.append(
            f'<text class="chart-empty" x="{layout.width // 2}" y="{height // 2 + 5}" '
            f'text-anchor="middle" fill="{AXIS_COLOUR}">{escape(message)}</text></svg>'
        )
    return _join(parts)


def _shape(shape: str, colour: str, x: float, y: float, size: float = 7) -> str:
    """One status mark centred on (x, y)."""
    if shape == "square":
        s = size * 0.9
        return (
            f'<rect x="{_n(x - s)}" y="{_n(y - s)}" width="{_n(2 * s)}" height="{_n(2 * s)}" '
            f'fill="{colour}"/>'
        )
    if shape == "triangle":
        return (
            f'<polygon points="{_n(x)},{_n(y - size)} {_n(x + size)},{_n(y + size * 0.8)} '
            f'{_n(x - size)},{_n(y + size * 0.8)}" fill="{colour}"/>'
        )
    if shape == "diamond":
        return (
            f'<polygon points="{_n(x)},{_n(y - size)} {_n(x + size)},{_n(y)} '
            f'{_n(x)},{_n(y + size)} {_n(x - size)},{_n(y)}" fill="{colour}"/>'
        )
    if shape == "ring":
        return (
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(size * 0.8)}" fill="#ffffff" '
            f'stroke="{colour}" stroke-width="2.5"/>'
        )
    if shape == "check":
        return (
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(size)}" fill="{colour}"/>'
            f'<polyline points="{_n(x - size * 0.5)},{_n(y)} {_n(x - size * 0.1)},'
            f'{_n(y + size * 0.45)} {_n(x + size * 0.55)},{_n(y - size * 0.45)}" fill="none" '
            f'stroke="#ffffff" stroke-width="2"/>'
        )
    return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(size * 0.8)}" fill="{colour}"/>'


def _data_table(caption: str, headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """The chart's data: a table hidden from the eye but not from screen readers, which the
    toggle before it shows on screen (static/css/charts.css). The hidden table sits in a 1 px
    box that clips it, so its width never widens the page."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    show = _("Show the data as a table")
    return (
        f'<details class="chart-data-toggle"><summary>{escape(show)}</summary></details>'
        f'<div class="visually-hidden chart-data"><table><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _legend(items: Iterable[tuple[str, str]]) -> str:
    """An HTML legend under the chart: (key drawing, text) per item; it wraps in any language."""
    return (
        '<ul class="chart-legend">'
        + "".join(
            '<li><svg class="chart-key" aria-hidden="true" focusable="false" width="28" '
            f'height="12" viewBox="0 0 28 12" xmlns="http://www.w3.org/2000/svg">{key}</svg>'
            f"{text}</li>"
            for key, text in items
        )
        + "</ul>"
    )


def _status_label(status: str) -> str:
    return Status.label_of(status)


# --- the timeline -------------------------------------------------------------------------------


def timeline_axis(
    *, marks: Sequence[TimelineMark], today: dt.date, layout: Layout = TL_WIDE
) -> DateAxis:
    """Whole months from the earliest of the due dates and today to the latest of them."""
    dates = [mark.due_date for mark in marks] + [today]
    return DateAxis(
        start=_month_start(min(dates)),
        end=_next_month(max(dates)),
        x0=layout.left,
        x1=layout.width - layout.right,
    )


def lane_top(status: str, layout: Layout = TL_WIDE) -> float:
    return TL_TOP + LANE_INDEX[status] * TL_LANE[layout.name]


def lane_y(status: str, layout: Layout = TL_WIDE) -> float:
    """The centre line of a status lane: where its marks sit."""
    return lane_top(status, layout) + TL_MARK[layout.name]


def timeline_numbers(marks: Sequence[TimelineMark]) -> dict[int, int]:
    """Each mark's number (by pk), written under it and in the first column of the data
    table: lane by lane from the top, by due date within a lane, so that the marks of one lane
    that sit too close to be numbered one by one share a range ("4–7")."""
    ordered = sorted(marks, key=lambda mark: (LANE_INDEX[mark.status], mark.due_date))
    return {mark.pk: i for i, mark in enumerate(ordered, start=1)}


def number_labels(
    points: Sequence[tuple[float, int]], *, font_size: float, width: float
) -> list[tuple[float, str]]:
    """Labels for the numbered marks of one lane, ``points`` as (x, number) left to right:
    (x, text) each, neighbours too close to be told apart merged into one "first–last"."""
    clusters: list[list] = []  # [first x, last x, first number, last number]

    def label(cluster) -> tuple[float, str]:
        text = str(cluster[2]) if cluster[2] == cluster[3] else f"{cluster[2]}–{cluster[3]}"
        return (cluster[0] + cluster[1]) / 2, text

    def clash(left, right) -> bool:
        (lx, ltext), (rx, rtext) = label(left), label(right)
        gap = (text_width(ltext, font_size) + text_width(rtext, font_size)) / 2 + 4
        return rx - lx < gap

    for x, number in points:
        clusters.append([x, x, number, number])
        while len(clusters) > 1 and clash(clusters[-2], clusters[-1]):
            last = clusters.pop()
            clusters[-1][1], clusters[-1][3] = last[1], last[3]
    placed = []
    for cluster in clusters:
        x, text = label(cluster)
        placed.append((_centred_within(x, text, font_size, width), text))
    return placed


def _timeline_drawing(
    *,
    layout: Layout,
    marks: Sequence[TimelineMark],
    numbers: dict[int, int],
    today: dt.date,
    chart_id: str,
    title: str,
    desc: str,
) -> list[str]:
    axis = timeline_axis(marks=marks, today=today, layout=layout)
    size = layout.font_size
    plot_bottom = TL_TOP + len(LANES) * TL_LANE[layout.name]
    height = plot_bottom + TL_AXIS
    parts = _svg_open(chart_id=chart_id, layout=layout, height=height, title=title, desc=desc)
    # Lanes: a label with the status's shape (the legend), and a guide line. Wide: the label
    # left of the plot; compact: above its lane, across the whole width.
    for status, shape, colour in LANES:
        y = lane_y(status, layout)
        if layout.name == "wide":
            key, text_at = _shape(shape, colour, 12, y, 6), (24, y + 4)
        else:
            label_y = lane_top(status, layout) + 13
            key, text_at = _shape(shape, colour, 7, label_y - 4.5, 5), (16, label_y)
        parts.append(
            f'<g class="lane"><line x1="{axis.x0}" x2="{axis.x1}" y1="{_n(y)}" y2="{_n(y)}" '
            f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
            + key
            + f'<text x="{_n(text_at[0])}" y="{_n(text_at[1])}" fill="{AXIS_COLOUR}"{HALO}>'
            f"{escape(_status_label(status))}</text></g>"
        )
    # Month ticks and the axis.
    parts.append(
        f'<line class="axis" x1="{axis.x0}" x2="{axis.x1}" y1="{plot_bottom}" '
        f'y2="{plot_bottom}" stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    for i, month in enumerate(axis.month_ticks(layout.months)):
        x, label = axis.x(month), _month_label(month, first=i == 0)
        parts.append(
            f'<g class="tick" data-date="{month.isoformat()}"><line x1="{_n(x)}" x2="{_n(x)}" '
            f'y1="{TL_TOP}" y2="{plot_bottom + 5}" stroke="{GRID_COLOUR}" stroke-width="1"/>'
            f'<text x="{_n(_centred_within(x, label, size, layout.width))}" '
            f'y="{plot_bottom + 18}" text-anchor="middle" fill="{AXIS_COLOUR}">'
            f"{escape(label)}</text></g>"
        )
    # Translated text outside the f-strings: xgettext does not look inside them.
    due_date_label = _("Due date")
    parts.append(
        f'<text class="axis-label" x="{_n((axis.x0 + axis.x1) / 2)}" y="{height - 6}" '
        f'text-anchor="middle" fill="{AXIS_COLOUR}">{escape(due_date_label)}</text>'
    )
    # The marks, and their numbers under them (the data table's first column).
    shapes = {status: (shape, colour) for status, shape, colour in LANES}
    for mark in marks:
        shape, colour = shapes[mark.status]
        x, y = axis.x(mark.due_date), lane_y(mark.status, layout)
        label = f"{mark.title} — {date_format(mark.due_date, 'DATE_FORMAT')}, "
        label += _status_label(mark.status)
        parts.append(
            f'<g class="mark status-{escape(mark.status)}" data-due="{mark.due_date.isoformat()}" '
            f'data-x="{_n(x)}" data-number="{numbers[mark.pk]}"><title>{escape(label)}</title>'
            f"{_shape(shape, colour, x, y)}</g>"
        )
    number_size = 12
    for status in LANE_INDEX:
        in_lane = sorted(
            (axis.x(mark.due_date), numbers[mark.pk]) for mark in marks if mark.status == status
        )
        if not in_lane:
            continue
        y = lane_y(status, layout) + 7 + number_size
        parts.append(
            f'<g class="lane-numbers" font-size="{number_size}" fill="{AXIS_COLOUR}"{HALO}>'
        )
        parts.extend(
            f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="middle">{escape(text)}</text>'
            for x, text in number_labels(in_lane, font_size=number_size, width=layout.width)
        )
        parts.append("</g>")
    # Today.
    x = axis.x(today)
    today_label = _("Today")
    parts.append(
        f'<g class="today" data-x="{_n(x)}"><line x1="{_n(x)}" x2="{_n(x)}" y1="{TL_TOP - 6}" '
        f'y2="{plot_bottom}" stroke="{TODAY_COLOUR}" stroke-width="2" stroke-dasharray="4 3"/>'
        f'<text x="{_n(_centred_within(x, today_label, size, layout.width))}" '
        f'y="{TL_TOP - 10}" text-anchor="middle" fill="{TODAY_COLOUR}" '
        f'font-weight="bold">{escape(today_label)}</text></g>'
    )
    parts.append("</svg>")
    return parts


def timeline_svg(
    *,
    marks: Sequence[TimelineMark],
    today: dt.date,
    more: int = 0,
    overdue: int | None = None,
    chart_id: str = "timeline",
) -> SafeString:
    """Milestones by due date, one lane per status, a "Today" line, month ticks; each mark
    numbered, the numbers those of the data table.

    ``marks`` are the milestones drawn (cancelled ones are left out by the caller), ``more``
    how many were left out for the cap, ``overdue`` the number of overdue milestones among all
    of them (counted from ``marks`` when None).
    """
    title = _("Milestones by due date")
    marks = [mark for mark in marks if mark.status in LANE_INDEX]
    if not marks:
        return _empty(chart_id=chart_id, title=title, message=_("No milestones yet."))
    total = len(marks) + more
    done = sum(mark.status == Status.DONE for mark in marks)
    if overdue is None:
        overdue = sum(is_overdue(mark.status, mark.due_date, today) for mark in marks)
    first, last = marks[0].due_date, marks[-1].due_date
    desc = ngettext(
        "%(count)d milestone due from %(first)s to %(last)s; %(done)d done, %(overdue)d overdue.",
        "%(count)d milestones due from %(first)s to %(last)s; %(done)d done, %(overdue)d overdue.",
        total,
    ) % {
        "count": total,
        "first": date_format(first, "DATE_FORMAT"),
        "last": date_format(last, "DATE_FORMAT"),
        "done": done,
        "overdue": overdue,
    }
    if more:
        desc += " " + _("The chart shows the first %(shown)d by due date.") % {"shown": len(marks)}
    numbers = timeline_numbers(marks)
    parts = []
    for layout in (TL_WIDE, TL_COMPACT):
        parts += _timeline_drawing(
            layout=layout,
            marks=marks,
            numbers=numbers,
            today=today,
            chart_id=chart_id,
            title=title,
            desc=desc,
        )
    if more:
        parts.append(
            '<p class="chart-note">'
            + escape(
                ngettext(
                    "…and %(count)d more milestone, due later, not drawn.",
                    "…and %(count)d more milestones, due later, not drawn.",
                    more,
                )
                % {"count": more}
            )
            + "</p>"
        )
    numbered = sorted(marks, key=lambda mark: numbers[mark.pk])
    parts.append(
        _data_table(
            title,
            [
                pgettext("the number of a mark on a chart", "No."),
                _("Milestone"),
                _("Due date"),
                _("Status"),
            ],
            (
                (
                    str(numbers[m.pk]),
                    m.title,
                    date_format(m.due_date, "DATE_FORMAT"),
                    _status_label(m.status),
                )
                for m in numbered
            ),
        )
    )
    return _join(parts)


# --- the burn-up --------------------------------------------------------------------------------


def burnup_points(
    *, completed_per_week: dict[dt.date, int], today: dt.date
) -> list[tuple[dt.date, int]]:
    """(week start, milestones completed by the end of that week), for every week from the
    first completion (or last week, when none) to this week."""
    weeks = sorted(_week_start(week) for week in completed_per_week)
    this_week = _week_start(today)
    start = min(weeks[0], this_week) if weeks else this_week - dt.timedelta(days=7)
    end = max(weeks[-1], this_week) if weeks else this_week
    if start == end:
        start = end - dt.timedelta(days=7)
    per_week: dict[dt.date, int] = {}
    for week, count in completed_per_week.items():
        per_week[_week_start(week)] = per_week.get(_week_start(week), 0) + count
    points, total, week = [], 0, start
    while week <= end:
        total += per_week.get(week, 0)
        points.append((week, total))
        week += dt.timedelta(days=7)
    return points


def _nice_step(maximum: int) -> int:
    raw = max(maximum / 5, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return int(factor * magnitude)
    return int(10 * magnitude)  # pragma: no cover


def burnup_geometry(*, points: Sequence[tuple[dt.date, int]], total: int, layout: Layout = BU_WIDE):
    """The date axis and the y scale: (axis, y(value), step, y_max)."""
    axis = DateAxis(
        start=points[0][0], end=points[-1][0], x0=layout.left, x1=layout.width - layout.right
    )
    top = max(total, points[-1][1], 1)
    step = _nice_step(top)
    y_max = math.ceil(top / step) * step

    def y(value: float) -> float:
        return BU_TOP + BU_PLOT_HEIGHT - value * BU_PLOT_HEIGHT / y_max

    return axis, y, step, y_max


def _burnup_drawing(
    *,
    layout: Layout,
    points: Sequence[tuple[dt.date, int]],
    total: int,
    chart_id: str,
    title: str,
    desc: str,
) -> list[str]:
    axis, y, step, y_max = burnup_geometry(points=points, total=total, layout=layout)
    size = layout.font_size
    done = points[-1][1]
    plot_bottom = BU_TOP + BU_PLOT_HEIGHT
    height = plot_bottom + BU_BOTTOM
    parts = _svg_open(chart_id=chart_id, layout=layout, height=height, title=title, desc=desc)
    # Y grid and labels.
    value = 0
    while value <= y_max:
        parts.append(
            f'<g class="ytick"><line x1="{axis.x0}" x2="{axis.x1}" y1="{_n(y(value))}" '
            f'y2="{_n(y(value))}" stroke="{GRID_COLOUR}" stroke-width="1"/>'
            f'<text x="{axis.x0 - 6}" y="{_n(y(value) + 4)}" text-anchor="end" '
            f'fill="{AXIS_COLOUR}">{value}</text></g>'
        )
        value += step
    # X axis with month ticks.
    parts.append(
        f'<line class="axis" x1="{axis.x0}" x2="{axis.x1}" y1="{plot_bottom}" '
        f'y2="{plot_bottom}" stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    ticks = [
        (month, _month_label(month, first=i == 0))
        for i, month in enumerate(axis.month_ticks(layout.months))
    ]
    if len(ticks) < 2:  # a few weeks only: label the first and the last week instead
        ticks = [
            (axis.start, date_format(axis.start, "M j")),
            (axis.end, date_format(axis.end, "M j")),
        ]
    for day, label in ticks:
        x = axis.x(day)
        parts.append(
            f'<g class="tick" data-date="{day.isoformat()}"><line x1="{_n(x)}" x2="{_n(x)}" '
            f'y1="{plot_bottom}" y2="{plot_bottom + 5}" stroke="{AXIS_COLOUR}" stroke-width="1"/>'
            f'<text x="{_n(_centred_within(x, label, size, layout.width))}" '
            f'y="{plot_bottom + 18}" text-anchor="middle" fill="{AXIS_COLOUR}">'
            f"{escape(label)}</text></g>"
        )
    # Translated text outside the f-strings: xgettext does not look inside them.
    week_label, milestones_label = _("Week of completion"), _("Milestones")
    title_x = 14 if layout.name == "wide" else 10
    parts.append(
        f'<text class="axis-label" x="{_n((axis.x0 + axis.x1) / 2)}" y="{plot_bottom + 36}" '
        f'text-anchor="middle" fill="{AXIS_COLOUR}">{escape(week_label)}</text>'
        f'<text class="axis-label" x="{title_x}" y="{_n(BU_TOP + BU_PLOT_HEIGHT / 2)}" '
        f'text-anchor="middle" fill="{AXIS_COLOUR}" '
        f'transform="rotate(-90 {title_x} {_n(BU_TOP + BU_PLOT_HEIGHT / 2)})">'
        f"{escape(milestones_label)}</text>"
    )
    # Total scope: a dashed line; completed: a solid step line with dots.
    parts.append(
        f'<line class="burnup-total" x1="{axis.x0}" x2="{axis.x1}" y1="{_n(y(total))}" '
        f'y2="{_n(y(total))}" stroke="{TOTAL_COLOUR}" stroke-width="2" stroke-dasharray="8 4"/>'
    )
    coordinates = " ".join(f"{_n(axis.x(week))},{_n(y(value))}" for week, value in points)
    parts.append(
        f'<polyline class="burnup-done" points="{coordinates}" fill="none" '
        f'stroke="{DONE_COLOUR}" stroke-width="2.5"/>'
    )
    if len(points) <= 60:
        for week, value in points:
            parts.append(
                f'<circle cx="{_n(axis.x(week))}" cy="{_n(y(value))}" r="3" fill="{DONE_COLOUR}"/>'
            )
    if layout.name == "wide":  # the figures at the lines' ends; compact: in the legend only
        total_label = _("Total: %(total)d") % {"total": total}
        done_label = _("Done: %(done)d") % {"done": done}
        done_y = y(done) + (16 if abs(y(done) - y(total)) < 14 else 4)
        parts.append(
            f'<text class="end-label" x="{axis.x1 + 6}" y="{_n(y(total) + 4)}" '
            f'fill="{TOTAL_COLOUR}">{escape(total_label)}</text>'
            f'<text class="end-label" x="{axis.x1 + 6}" y="{_n(done_y)}" '
            f'fill="{DONE_COLOUR}">{escape(done_label)}</text>'
        )
    parts.append("</svg>")
    return parts


def burnup_svg(
    *,
    completed_per_week: dict[dt.date, int],
    total: int,
    today: dt.date,
    chart_id: str = "burnup",
) -> SafeString:
    """Milestones completed over time (cumulative, by week) against the total scope."""
    title = _("Milestones completed over time")
    if total <= 0 and not completed_per_week:
        return _empty(chart_id=chart_id, title=title, message=_("No milestones yet."))
    points = burnup_points(completed_per_week=completed_per_week, today=today)
    done = points[-1][1]
    if done:
        first_week = next(week for week, value in points if value)
        desc = _(
            "%(done)d of %(total)d milestones completed, the first in the week of %(first)s; "
            "%(left)d still to do."
        ) % {
            "done": done,
            "total": total,
            "first": date_format(first_week, "DATE_FORMAT"),
            "left": max(total - done, 0),
        }
    else:
        desc = _("No milestone completed yet; %(total)d in total.") % {"total": total}
    parts = []
    for layout in (BU_WIDE, BU_COMPACT):
        parts += _burnup_drawing(
            layout=layout, points=points, total=total, chart_id=chart_id, title=title, desc=desc
        )
    # The legend, in HTML under the chart: it wraps, whatever the length of the words.
    completed_label, scope_label = _("Completed (cumulative)"), _("Total scope")
    total_label = _("Total: %(total)d") % {"total": total}
    done_label = _("Done: %(done)d") % {"done": done}
    parts.append(
        _legend(
            [
                (
                    f'<line x1="2" x2="26" y1="6" y2="6" stroke="{DONE_COLOUR}" '
                    f'stroke-width="2.5"/><circle cx="14" cy="6" r="3" fill="{DONE_COLOUR}"/>',
                    f"<span>{escape(completed_label)}</span> "
                    f'<span class="chart-legend-figure">{escape(done_label)}</span>',
                ),
                (
                    f'<line x1="0" x2="28" y1="6" y2="6" stroke="{TOTAL_COLOUR}" '
                    f'stroke-width="2" stroke-dasharray="8 4"/>',
                    f"<span>{escape(scope_label)}</span> "
                    f'<span class="chart-legend-figure">{escape(total_label)}</span>',
                ),
            ]
        )
    )
    parts.append(
        _data_table(
            title,
            [_("Week of"), _("Completed that week"), _("Completed so far")],
            (
                (date_format(week, "DATE_FORMAT"), str(value - previous), str(value))
                for (week, value), previous in zip(
                    points, [0] + [value for _week, value in points], strict=False
                )
                if value != previous
            ),
        )
    )
    return _join(parts)


# --- progress bars ------------------------------------------------------------------------------


def bar_width(percent: int | None, bar: float = PB_BAR) -> float:
    return 0 if percent is None else bar * max(0, min(percent, 100)) / 100


def _progress_wide(groups: Sequence[GroupBar], rows, chart_id: str, title: str, desc: str):
    height = PB_BLOCK * len(groups) + 6
    parts = _svg_open(chart_id=chart_id, layout=PB_WIDE, height=height, title=title, desc=desc)
    bar_x = PB_LABEL
    for i, group in enumerate(groups):
        top = PB_BLOCK * i + 16
        parts.append(
            f'<g class="group-bars"><text x="0" y="{top}" font-weight="bold" fill="{INK_COLOUR}">'
            f"{escape(group.name)}</text>"
        )
        for row, (label, value, colour, figure) in enumerate(rows(group)):
            y = top + 8 + row * (PB_ROW + 4)
            parts.append(
                f'<text x="8" y="{y + 13}" fill="{AXIS_COLOUR}">{escape(label)}</text>'
                f'<rect x="{bar_x}" y="{y}" width="{PB_BAR}" height="{PB_ROW}" fill="#eef1f4" '
                f'stroke="{GRID_COLOUR}"/>'
                f'<rect class="bar" x="{bar_x}" y="{y}" width="{_n(bar_width(value))}" '
                f'height="{PB_ROW}" fill="{colour}"/>'
                f'<text x="{bar_x + PB_BAR + 8}" y="{y + 13}" fill="{INK_COLOUR}">'
                f"{escape(figure)}</text>"
            )
        parts.append("</g>")
    parts.append("</svg>")
    return parts


def _progress_compact(groups: Sequence[GroupBar], rows, chart_id: str, title: str, desc: str):
    """Phones: the group's name (wrapped) over its rows, each a label and its number over a
    bar the whole width of the chart."""
    layout = PB_COMPACT
    size, width = layout.font_size, layout.width
    per_line = max(int(width / (size * 0.66)), 10)  # bold is a little wider
    blocks, y = [], 0.0
    for group in groups:
        lines = textwrap.wrap(group.name, per_line) or [""]
        block = ['<g class="group-bars">']
        for line in lines:
            y += size + 4
            block.append(
                f'<text x="0" y="{_n(y)}" font-weight="bold" fill="{INK_COLOUR}">'
                f"{escape(line)}</text>"
            )
        for label, value, colour, figure in rows(group):
            y += size + 6
            block.append(
                f'<text x="0" y="{_n(y)}" fill="{AXIS_COLOUR}">{escape(label)}</text>'
                f'<text x="{width - 2}" y="{_n(y)}" text-anchor="end" fill="{INK_COLOUR}">'
                f"{escape(figure)}</text>"
                f'<rect x="0.5" y="{_n(y + 5)}" width="{width - 1}" height="12" fill="#eef1f4" '
                f'stroke="{GRID_COLOUR}"/>'
                f'<rect class="bar" x="0.5" y="{_n(y + 5)}" '
                f'width="{_n(bar_width(value, width - 1))}" height="12" fill="{colour}"/>'
            )
            y += 17
        block.append("</g>")
        blocks += block
        y += 12
    parts = _svg_open(chart_id=chart_id, layout=layout, height=math.ceil(y), title=title, desc=desc)
    return parts + blocks + ["</svg>"]


def progress_bars_svg(*, groups: Sequence[GroupBar], chart_id: str = "progress") -> SafeString:
    """Per group: the share of milestones done and the mean progress, as bars with numbers."""
    title = _("Progress by working group")
    if not groups:
        return _empty(chart_id=chart_id, title=title, message=_("No working groups to show."))

    def percent(value: int | None) -> str:
        return _("no milestones") if value is None else f"{value}%"

    desc = "; ".join(
        _("%(group)s: %(done)s done, mean progress %(mean)s")
        % {
            "group": group.name,
            "done": percent(group.done_percent),
            "mean": percent(group.mean_progress_percent),
        }
        for group in groups
    )
    done_label, mean_label = _("Done"), _("Mean progress")

    def rows(group: GroupBar):
        return [
            (done_label, group.done_percent, DONE_COLOUR, percent(group.done_percent)),
            (
                mean_label,
                group.mean_progress_percent,
                MEAN_COLOUR,
                percent(group.mean_progress_percent),
            ),
        ]

    parts = _progress_wide(groups, rows, chart_id, title, desc)
    parts += _progress_compact(groups, rows, chart_id, title, desc)
    parts.append(
        _data_table(
            title,
            [_("Working group"), done_label, mean_label],
            ((g.name, percent(g.done_percent), percent(g.mean_progress_percent)) for g in groups),
        )
    )
    return _join(parts)
