"""Server-rendered SVG charts: plain data in, markup out.

No JavaScript and, for the strict CSP, no ``style`` attributes: colours and sizes are SVG
presentation attributes (``fill``, ``stroke``, ``x``…), which the CSP allows. Every chart is an
``<svg role="img">`` named by its ``<title>`` and ``<desc>`` (a summary of the data), followed by a
visually hidden table with the same data for screen readers. Status is never shown by colour
alone: each status has its own shape and its own labelled lane, and every bar has its number
written beside it. Every piece of text goes through ``escape``.
"""

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.milestones.models import Status, is_overdue

#: How many milestones the timeline draws at most; the rest are summed up as "and N more".
TIMELINE_LIMIT = 200

# Timeline geometry (viewBox units).
TL_WIDTH = 800
TL_LEFT = 160  # lane labels
TL_RIGHT = 36
TL_TOP = 28  # room for the "Today" label
TL_LANE = 30
TL_AXIS = 44  # month labels and the axis title under the plot

# Burn-up geometry.
BU_WIDTH = 800
BU_LEFT = 64
BU_RIGHT = 110  # the "Total" and "Done" labels
BU_TOP = 20
BU_PLOT_HEIGHT = 200
BU_BOTTOM = 64  # month labels, the axis title and the legend

# Progress bars geometry.
PB_WIDTH = 700
PB_LABEL = 150
PB_BAR = 400
PB_ROW = 18
PB_BLOCK = 70

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

    def month_ticks(self) -> list[dt.date]:
        """First days of the months on the axis, thinned to at most about 12 labels."""
        months = []
        day = _month_start(self.start)
        if day < self.start:
            day = _next_month(day)
        while day <= self.end:
            months.append(day)
            day = _next_month(day)
        step = max(1, math.ceil(len(months) / 12))
        return months[::step]


def _month_label(day: dt.date, first: bool) -> str:
    return date_format(day, "M Y" if first or day.month == 1 else "M")


def _svg_open(*, chart_id: str, width: int, height: int, title: str, desc: str) -> list[str]:
    return [
        f'<svg class="chart" id="{escape(chart_id)}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>',
    ]


def _empty(*, chart_id: str, title: str, message: str) -> SafeString:
    parts = _svg_open(chart_id=chart_id, width=TL_WIDTH, height=60, title=title, desc=message)
    parts.append(
        f'<text class="chart-empty" x="{TL_WIDTH // 2}" y="35" text-anchor="middle" '
        f'font-size="16" fill="{AXIS_COLOUR}">{escape(message)}</text>'
    )
    parts.append("</svg>")
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


def _hidden_table(caption: str, headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return (
        f'<table class="visually-hidden"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _status_label(status: str) -> str:
    return Status.label_of(status)


# --- the timeline -------------------------------------------------------------------------------


def timeline_axis(*, marks: Sequence[TimelineMark], today: dt.date) -> DateAxis:
    """Whole months from the earliest of the due dates and today to the latest of them."""
    dates = [mark.due_date for mark in marks] + [today]
    return DateAxis(
        start=_month_start(min(dates)),
        end=_next_month(max(dates)),
        x0=TL_LEFT,
        x1=TL_WIDTH - TL_RIGHT,
    )


def lane_y(status: str) -> float:
    """The centre line of a status lane."""
    return TL_TOP + LANE_INDEX[status] * TL_LANE + TL_LANE / 2


def timeline_svg(
    *,
    marks: Sequence[TimelineMark],
    today: dt.date,
    more: int = 0,
    overdue: int | None = None,
    chart_id: str = "timeline",
) -> SafeString:
    """Milestones by due date, one lane per status, a "Today" line, month ticks.

    ``marks`` are the milestones drawn (cancelled ones are left out by the caller), ``more``
    how many were left out for the cap, ``overdue`` the number of overdue milestones among all
    of them (counted from ``marks`` when None).
    """
    title = _("Milestones by due date")
    marks = [mark for mark in marks if mark.status in LANE_INDEX]
    if not marks:
        return _empty(chart_id=chart_id, title=title, message=_("No milestones yet."))
    axis = timeline_axis(marks=marks, today=today)
    plot_bottom = TL_TOP + len(LANES) * TL_LANE
    height = plot_bottom + TL_AXIS
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
    parts = _svg_open(chart_id=chart_id, width=TL_WIDTH, height=height, title=title, desc=desc)

    # Lanes: a label with the status's shape (the legend), and a guide line.
    for status, shape, colour in LANES:
        y = lane_y(status)
        parts.append(
            f'<g class="lane"><line x1="{axis.x0}" x2="{axis.x1}" y1="{_n(y)}" y2="{_n(y)}" '
            f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
            + _shape(shape, colour, 12, y, 6)
            + f'<text x="24" y="{_n(y + 4)}" fill="{AXIS_COLOUR}">'
            f"{escape(_status_label(status))}</text></g>"
        )
    # Month ticks and the axis.
    parts.append(
        f'<line class="axis" x1="{axis.x0}" x2="{axis.x1}" y1="{plot_bottom}" '
        f'y2="{plot_bottom}" stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    for i, month in enumerate(axis.month_ticks()):
        x = _n(axis.x(month))
        parts.append(
            f'<g class="tick" data-date="{month.isoformat()}"><line x1="{x}" x2="{x}" '
            f'y1="{TL_TOP}" y2="{plot_bottom + 5}" stroke="{GRID_COLOUR}" stroke-width="1"/>'
            f'<text x="{x}" y="{plot_bottom + 18}" text-anchor="middle" fill="{AXIS_COLOUR}">'
            f"{escape(_month_label(month, first=i == 0))}</text></g>"
        )
    # Translated text outside the f-strings: xgettext does not look inside them.
    due_date_label = _("Due date")
    parts.append(
        f'<text class="axis-label" x="{_n((axis.x0 + axis.x1) / 2)}" y="{height - 6}" '
        f'text-anchor="middle" fill="{AXIS_COLOUR}">{escape(due_date_label)}</text>'
    )
    # The marks.
    shapes = {status: (shape, colour) for status, shape, colour in LANES}
    for mark in marks:
        shape, colour = shapes[mark.status]
        x, y = axis.x(mark.due_date), lane_y(mark.status)
        label = f"{mark.title} — {date_format(mark.due_date, 'DATE_FORMAT')}, "
        label += _status_label(mark.status)
        parts.append(
            f'<g class="mark status-{escape(mark.status)}" data-due="{mark.due_date.isoformat()}" '
            f'data-x="{_n(x)}"><title>{escape(label)}</title>{_shape(shape, colour, x, y)}</g>'
        )
    # Today.
    x = _n(axis.x(today))
    today_label = _("Today")
    parts.append(
        f'<g class="today" data-x="{x}"><line x1="{x}" x2="{x}" y1="{TL_TOP - 6}" '
        f'y2="{plot_bottom}" stroke="{TODAY_COLOUR}" stroke-width="2" stroke-dasharray="4 3"/>'
        f'<text x="{x}" y="{TL_TOP - 10}" text-anchor="middle" fill="{TODAY_COLOUR}" '
        f'font-weight="bold">{escape(today_label)}</text></g>'
    )
    parts.append("</svg>")
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
    parts.append(
        _hidden_table(
            title,
            [_("Milestone"), _("Due date"), _("Status")],
            (
                (m.title, date_format(m.due_date, "DATE_FORMAT"), _status_label(m.status))
                for m in marks
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


def burnup_geometry(*, points: Sequence[tuple[dt.date, int]], total: int):
    """The date axis and the y scale: (axis, y(value))."""
    axis = DateAxis(start=points[0][0], end=points[-1][0], x0=BU_LEFT, x1=BU_WIDTH - BU_RIGHT)
    top = max(total, points[-1][1], 1)
    step = _nice_step(top)
    y_max = math.ceil(top / step) * step

    def y(value: float) -> float:
        return BU_TOP + BU_PLOT_HEIGHT - value * BU_PLOT_HEIGHT / y_max

    return axis, y, step, y_max


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
    axis, y, step, y_max = burnup_geometry(points=points, total=total)
    done = points[-1][1]
    plot_bottom = BU_TOP + BU_PLOT_HEIGHT
    height = plot_bottom + BU_BOTTOM
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
    parts = _svg_open(chart_id=chart_id, width=BU_WIDTH, height=height, title=title, desc=desc)
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
        (month, _month_label(month, first=i == 0)) for i, month in enumerate(axis.month_ticks())
    ]
    if len(ticks) < 2:  # a few weeks only: label the first and the last week instead
        ticks = [
            (axis.start, date_format(axis.start, "M j")),
            (axis.end, date_format(axis.end, "M j")),
        ]
    for day, label in ticks:
        x = _n(axis.x(day))
        parts.append(
            f'<g class="tick" data-date="{day.isoformat()}"><line x1="{x}" x2="{x}" '
            f'y1="{plot_bottom}" y2="{plot_bottom + 5}" stroke="{AXIS_COLOUR}" stroke-width="1"/>'
            f'<text x="{x}" y="{plot_bottom + 18}" text-anchor="middle" fill="{AXIS_COLOUR}">'
            f"{escape(label)}</text></g>"
        )
    # Translated text outside the f-strings: xgettext does not look inside them.
    week_label, milestones_label = _("Week of completion"), _("Milestones")
    total_label = _("Total: %(total)d") % {"total": total}
    done_label = _("Done: %(done)d") % {"done": done}
    completed_label, scope_label = _("Completed (cumulative)"), _("Total scope")
    parts.append(
        f'<text class="axis-label" x="{_n((axis.x0 + axis.x1) / 2)}" y="{plot_bottom + 36}" '
        f'text-anchor="middle" fill="{AXIS_COLOUR}">{escape(week_label)}</text>'
        f'<text class="axis-label" x="14" y="{_n(BU_TOP + BU_PLOT_HEIGHT / 2)}" '
        f'text-anchor="middle" fill="{AXIS_COLOUR}" '
        f'transform="rotate(-90 14 {_n(BU_TOP + BU_PLOT_HEIGHT / 2)})">'
        f"{escape(milestones_label)}</text>"
    )
    # Total scope: a dashed line; completed: a solid step line with dots.
    parts.append(
        f'<line class="burnup-total" x1="{axis.x0}" x2="{axis.x1}" y1="{_n(y(total))}" '
        f'y2="{_n(y(total))}" stroke="{TOTAL_COLOUR}" stroke-width="2" stroke-dasharray="8 4"/>'
        f'<text x="{axis.x1 + 6}" y="{_n(y(total) + 4)}" fill="{TOTAL_COLOUR}">'
        f"{escape(total_label)}</text>"
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
    parts.append(
        f'<text x="{axis.x1 + 6}" y="{_n(y(done) + (16 if abs(y(done) - y(total)) < 14 else 4))}" '
        f'fill="{DONE_COLOUR}">{escape(done_label)}</text>'
    )
    # Legend, in a row under the axis title.
    lx, ly = axis.x0, height - 10
    parts.append(
        f'<g class="legend"><line x1="{lx}" x2="{lx + 24}" y1="{ly}" y2="{ly}" '
        f'stroke="{DONE_COLOUR}" stroke-width="2.5"/>'
        f'<circle cx="{lx + 12}" cy="{ly}" r="3" fill="{DONE_COLOUR}"/>'
        f'<text x="{lx + 30}" y="{ly + 4}" fill="{AXIS_COLOUR}">'
        f"{escape(completed_label)}</text>"
        f'<line x1="{lx + 240}" x2="{lx + 264}" y1="{ly}" y2="{ly}" stroke="{TOTAL_COLOUR}" '
        f'stroke-width="2" stroke-dasharray="8 4"/>'
        f'<text x="{lx + 270}" y="{ly + 4}" fill="{AXIS_COLOUR}">'
        f"{escape(scope_label)}</text></g>"
    )
    parts.append("</svg>")
    parts.append(
        _hidden_table(
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


def bar_width(percent: int | None) -> float:
    return 0 if percent is None else PB_BAR * max(0, min(percent, 100)) / 100


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
    height = PB_BLOCK * len(groups) + 6
    parts = _svg_open(chart_id=chart_id, width=PB_WIDTH, height=height, title=title, desc=desc)
    bar_x = PB_LABEL
    for i, group in enumerate(groups):
        top = PB_BLOCK * i + 16
        parts.append(
            f'<g class="group-bars"><text x="0" y="{top}" font-weight="bold" fill="#1f2328">'
            f"{escape(group.name)}</text>"
        )
        for row, (label, value, colour) in enumerate(
            [
                (_("Done"), group.done_percent, DONE_COLOUR),
                (_("Mean progress"), group.mean_progress_percent, MEAN_COLOUR),
            ]
        ):
            y = top + 8 + row * (PB_ROW + 4)
            parts.append(
                f'<text x="8" y="{y + 13}" fill="{AXIS_COLOUR}">{escape(label)}</text>'
                f'<rect x="{bar_x}" y="{y}" width="{PB_BAR}" height="{PB_ROW}" fill="#eef1f4" '
                f'stroke="{GRID_COLOUR}"/>'
                f'<rect class="bar" x="{bar_x}" y="{y}" width="{_n(bar_width(value))}" '
                f'height="{PB_ROW}" fill="{colour}"/>'
                f'<text x="{bar_x + PB_BAR + 8}" y="{y + 13}" fill="#1f2328">'
                f"{escape(percent(value))}</text>"
            )
        parts.append("</g>")
    parts.append("</svg>")
    parts.append(
        _hidden_table(
            title,
            [_("Working group"), _("Done"), _("Mean progress")],
            ((g.name, percent(g.done_percent), percent(g.mean_progress_percent)) for g in groups),
        )
    )
    return _join(parts)
