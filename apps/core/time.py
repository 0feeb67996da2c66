"""Time for a two-capital team: a user's zone, "today" for a user, a moment in both capitals.

The rule for "today" (docs/conventions.md, "Time"): a date-only fact about a milestone
(open, due, overdue) is judged on the reader's own calendar day, in their saved time zone;
a job judges it on its recipient's day; with nobody to read it (a command, an anonymous
page) the day is UTC's. The request's zone is active for the whole request
(``UserTimeZoneMiddleware``), so ``timezone.localdate()`` is that reader's day.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

BAKU: zoneinfo.ZoneInfo = zoneinfo.ZoneInfo("Asia/Baku")
WASHINGTON: zoneinfo.ZoneInfo = zoneinfo.ZoneInfo("America/New_York")
#: The two capitals whose clocks the partnership keeps, as (name, zone).
CAPITALS = ((_("Baku"), BAKU), (_("Washington"), WASHINGTON))


UTC: zoneinfo.ZoneInfo = zoneinfo.ZoneInfo("UTC")
#: Zones by the names people use for them; any other zone is named by its city.
ZONE_NAMES = {"Asia/Baku": _("Baku"), "America/New_York": _("Washington"), "UTC": "UTC"}


def zone_named(name: str | None) -> zoneinfo.ZoneInfo:
    """The zone called ``name``; empty or unknown (not possible through the forms): UTC."""
    try:
        return zoneinfo.ZoneInfo(name) if name else UTC
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return UTC


def zone_for(user) -> zoneinfo.ZoneInfo:
    """The user's own time zone (UTC for anonymous users and unknown zones)."""
    return zone_named(getattr(user, "time_zone", "") or "")


def today_for(user=None) -> dt.date:
    """Today on ``user``'s calendar; without a user, today in the active zone (the request's)."""
    if user is None:
        return timezone.localdate()
    return timezone.localdate(timezone=zone_for(user))


def zone_label(zone: zoneinfo.ZoneInfo | str) -> str:
    """A zone as people name it: "Baku", "Washington", else its city ("London")."""
    key = zone if isinstance(zone, str) else zone.key
    if key in ZONE_NAMES:
        return str(ZONE_NAMES[key])
    return key.rsplit("/", 1)[-1].replace("_", " ")


@dataclass(frozen=True)
class ClockReading:
    """A moment on one place's clock; ``other_day``: its date is not the first reading's."""

    place: str
    local: dt.datetime
    other_day: bool
    zone_key: str


def clock_readings(
    moment: dt.datetime,
    *,
    home: zoneinfo.ZoneInfo | None = None,
    reader: zoneinfo.ZoneInfo | None = None,
) -> list[ClockReading]:
    """``moment`` where it happens (``home``), in the other capital, and for ``reader`` when that
    is neither: "11:00 Baku · 02:00 Washington". Without ``home``, Baku comes first."""
    zones: list[zoneinfo.ZoneInfo] = []
    if home is not None:
        zones.append(home)
    zones += [zone for _name, zone in CAPITALS]
    if reader is not None:
        zones.append(reader)
    readings: list[ClockReading] = []
    for zone in zones:
        if any(zone.key == r.zone_key for r in readings):
            continue
        local = timezone.localtime(moment, zone)
        first_day = readings[0].local.date() if readings else local.date()
        readings.append(
            ClockReading(
                place=zone_label(zone),
                local=local,
                other_day=local.date() != first_day,
                zone_key=zone.key,
            )
        )
    return readings
