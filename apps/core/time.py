"""Time for a two-capital team: a user's zone, "today" for a user, a moment in both capitals.

The rule for "today" (docs/conventions.md, "Time"): a date-only fact about a milestone
(open, due, overdue) is judged on the reader's own calendar day, in their saved time zone;
a job judges it on its recipient's day; with nobody to read it (a command, an anonymous
page) the day is UTC's. The request's zone is active for the whole request
(``UserTimeZoneMiddleware``), so ``timezone.localdate()`` is that reader's day.
"""

import datetime as dt
import zoneinfo

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

BAKU: zoneinfo.ZoneInfo = zoneinfo.ZoneInfo("Asia/Baku")
WASHINGTON: zoneinfo.ZoneInfo = zoneinfo.ZoneInfo("America/New_York")
#: The two capitals whose clocks the partnership keeps, as (name, zone).
CAPITALS = ((_("Baku"), BAKU), (_("Washington"), WASHINGTON))


UTC: zoneinfo.ZoneInfo = zoneinfo.ZoneInfo("UTC")


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


def in_capitals(moment: dt.datetime) -> list[tuple[str, dt.datetime]]:
    """``moment`` on each capital's clock, Baku first: [(capital name, local datetime)]."""
    return [(str(name), timezone.localtime(moment, zone)) for name, zone in CAPITALS]
