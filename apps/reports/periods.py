"""Reporting periods: calendar quarters, named like ``2026-Q3``.

The first period is the quarter in which the charter was signed (10 February 2026 → 2026-Q1),
the last one the quarter of the reader's day (``apps.core.time.today_for``). The periods
themselves are the same for officials in Baku and in Washington: a period's moments are
midnight UTC: a period runs from ``start_at`` (its first day, 00:00 UTC) up to, not including,
``end_at`` (the first day of the next quarter, 00:00 UTC).
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.http import Http404

_PERIOD_RE = re.compile(r"(?P<year>[0-9]{4})-Q(?P<quarter>[1-4])", re.ASCII)


@dataclass(frozen=True, order=True)
class Period:
    """One calendar quarter."""

    year: int
    quarter: int

    @classmethod
    def of(cls, day: dt.date) -> "Period":
        """The quarter that holds ``day``."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, value: str) -> "Period":
        """``"2026-Q3"`` → Period(2026, 3); anything else raises ValueError."""
        match = _PERIOD_RE.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            raise ValueError(f"not a period: {value!r}")
        year = int(match["year"])
        if not 1 <= year <= 9998:
            raise ValueError(f"not a period: {value!r}")
        return cls(year, int(match["quarter"]))

    def __str__(self) -> str:
        return f"{self.year}-Q{self.quarter}"

    @property
    def slug(self) -> str:
        return str(self)

    @property
    def start(self) -> dt.date:
        """The first day of the quarter."""
        return dt.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> dt.date:
        """The first day of the next quarter (the period ends just before it)."""
        return self.next.start

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def start_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time.min, tzinfo=dt.UTC)

    @property
    def end_at(self) -> dt.datetime:
        return dt.datetime.combine(self.end, dt.time.min, tzinfo=dt.UTC)

    @property
    def next(self) -> "Period":
        return (
            Period(self.year + 1, 1) if self.quarter == 4 else Period(self.year, self.quarter + 1)
        )

    @property
    def previous(self) -> "Period":
        return (
            Period(self.year - 1, 4) if self.quarter == 1 else Period(self.year, self.quarter - 1)
        )


def available_periods(*, first_day: dt.date | None, today: dt.date) -> list[Period]:
    """Every period from the quarter of ``first_day`` (the charter's signature; the current
    quarter alone when there is no charter) to the current quarter, latest first."""
    current = Period.of(today)
    period = Period.of(first_day) if first_day and first_day <= today else current
    periods = []
    while period <= current:
        periods.append(period)
        period = period.next
    return periods[::-1]


def period_or_404(value: str, *, periods: list[Period]) -> Period:
    """The period named ``value`` if it is one of ``periods``; otherwise 404."""
    try:
        period = Period.parse(value)
    except ValueError as error:
        raise Http404("No such reporting period") from error
    if period not in periods:
        raise Http404("No such reporting period")
    return period
