"""iCalendar (RFC 5545) for meetings: the one builder of a meeting's VEVENT and of a published
calendar, used by the calendar feeds (apps.calendar.feeds), the meeting reminder's attachment
(apps.notifications) and the meeting page's "Add to calendar" download (``meetings:ics``).

A meeting's event has the UID ``meeting-<id>@charterhub`` everywhere, and a SEQUENCE and
LAST-MODIFIED that move with the meeting, so a calendar that already has it updates it instead
of adding a second one, wherever it came from.
"""

import datetime as dt

import icalendar
from django.conf import settings
from django.utils.translation import gettext as _

from apps.core.time import zone_named
from apps.meetings.models import Meeting

#: Every calendar CharterHub hands out is published, not an invitation (RFC 5546 §3.2.1).
METHOD = "PUBLISH"
#: Time zone definitions cover a year either side of the meetings they serve.
ZONE_MARGIN = dt.timedelta(days=366)


def site_url(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def meeting_uid(pk: int) -> str:
    return f"meeting-{pk}@charterhub"


def utc(value: dt.datetime) -> dt.datetime:
    """An aware moment in UTC, to the second (how iCalendar writes DTSTAMP and LAST-MODIFIED)."""
    return value.astimezone(dt.UTC).replace(microsecond=0)


def calendar_new(*, product: str) -> icalendar.Calendar:
    """An empty published calendar: PRODID ``-//CharterHub//<product>//EN``, VERSION 2.0,
    METHOD:PUBLISH."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//CharterHub//{product}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", METHOD)
    return calendar


def meeting_event(meeting: Meeting, *, group_name: str, stamp: dt.datetime) -> icalendar.Event:
    """The meeting as a VEVENT in its own time zone, in the active language. `meeting` needs
    id, title, starts_at, time_zone, duration_minutes, location, link, version and updated_at."""
    starts = meeting.starts_at.astimezone(zone_named(meeting.time_zone))
    url = site_url(f"/meetings/{meeting.pk}/")
    event = icalendar.Event()
    event.add("uid", meeting_uid(meeting.pk))
    event.add("dtstamp", utc(stamp))
    event.add("sequence", meeting.version)
    event.add("last-modified", utc(meeting.updated_at))
    event.add("dtstart", starts)
    event.add("dtend", starts + dt.timedelta(minutes=meeting.duration_minutes))
    event.add("summary", f"{meeting.title} ({group_name})")
    if meeting.location:
        event.add("location", meeting.location)
    event.add("url", url)
    event.add("description", "\n".join(filter(None, [meeting.link, url])))
    event.add("categories", [_("Meeting")])
    return event


def calendar_finish(
    calendar: icalendar.Calendar,
    *,
    meetings: list[Meeting],
    stamp: dt.datetime,
    zone_name: str = "UTC",
) -> bytes:
    """The calendar as bytes, with a VTIMEZONE for each zone its meetings use.

    RFC 5545 §3.6 wants at least one component in a VCALENDAR: a calendar with nothing in it
    (a feed with no deadlines or meetings) gets the VTIMEZONE of `zone_name`, the reader's own
    zone (defined for a year either side of `stamp`), so it stays valid and still says which
    zone it is for."""
    if meetings:
        calendar.add_missing_timezones(
            first_date=min(meeting.starts_at for meeting in meetings).date() - ZONE_MARGIN,
            last_date=max(meeting.starts_at for meeting in meetings).date() + ZONE_MARGIN,
        )
    if not calendar.subcomponents:
        zone = zone_named(zone_name)
        today = stamp.date()
        calendar.add_component(
            icalendar.Timezone.from_tzinfo(
                zone, tzid=zone.key, first_date=today - ZONE_MARGIN, last_date=today + ZONE_MARGIN
            )
        )
    return calendar.to_ical()


def meeting_calendar(meeting: Meeting, *, group_name: str, stamp: dt.datetime) -> bytes:
    """A calendar of one meeting (METHOD:PUBLISH, one VEVENT and its VTIMEZONE): the reminder's
    attachment and the "Add to calendar" download."""
    calendar = calendar_new(product="Meeting")
    calendar.add_component(meeting_event(meeting, group_name=group_name, stamp=stamp))
    return calendar_finish(calendar, meetings=[meeting], stamp=stamp)
