"""The meeting's "Add to calendar" download (meetings:ics): a published calendar of one event,
the same event the calendar feeds and the reminder's attachment carry. Who may download it is
the access matrix (tests/meetings/test_access.py: the meeting page's rule)."""

import datetime as dt

import icalendar
import pytest
from django.urls import reverse

from apps.calendar import services as calendar_services
from apps.meetings import services
from tests.meetings.conftest import schedule

pytestmark = pytest.mark.django_db


def download(client, meeting):
    response = client.get(reverse("meetings:ics", args=[meeting.pk]))
    assert response.status_code == 200, response.content[:200]
    return response


def test_it_downloads_a_published_calendar_of_the_one_meeting(client, member, energy):
    meeting = schedule(energy, member)
    client.force_login(member)
    response = download(client, meeting)
    assert response["Content-Type"] == "text/calendar; charset=utf-8; method=PUBLISH"
    assert response["Content-Disposition"] == f'attachment; filename="meeting-{meeting.pk}.ics"'
    assert "no-store" in response["Cache-Control"]  # a signed-in answer (PrivateCacheMiddleware)
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"meeting-{meeting.pk}@charterhub"
    assert str(event["SUMMARY"]) == "Energy roadmap review (Energy)"
    assert str(event["LOCATION"]) == "Ministry of Energy, Baku"
    starts = event.decoded("DTSTART")
    assert (starts.tzinfo.key, starts.replace(tzinfo=None)) == (
        "Asia/Baku",
        dt.datetime(2026, 4, 20, 10, 0),
    )
    assert event.decoded("DTEND") - starts == dt.timedelta(minutes=90)
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Asia/Baku"]


def test_it_is_the_same_event_as_in_the_feed(client, member, energy):
    meeting = schedule(energy, member)
    meeting = services.meeting_update(
        meeting_id=meeting.pk,
        user=member,
        version=meeting.version,
        title="Energy roadmap review (moved)",
        starts_at_local=dt.datetime(2026, 4, 21, 11, 0),
        time_zone="America/New_York",
        duration_minutes=60,
        location="",
        link="https://meet.example.test/energy",
        agenda="",
    )
    client.force_login(member)
    (downloaded,) = icalendar.Calendar.from_ical(download(client, meeting).content).walk("VEVENT")
    token = calendar_services.calendar_token_regenerate(user=member)
    feed = icalendar.Calendar.from_ical(client.get(f"/calendar/{token}.ics").content)
    (in_feed,) = [event for event in feed.walk("VEVENT") if event["UID"] == downloaded["UID"]]
    for name in ("SEQUENCE", "DTSTART", "DTEND", "SUMMARY", "URL", "DESCRIPTION", "LAST-MODIFIED"):
        assert downloaded.decoded(name) == in_feed.decoded(name), name
    assert downloaded.decoded("SEQUENCE") == meeting.version == 2
    assert "LOCATION" not in downloaded


def test_it_speaks_the_readers_language(client, member, energy):
    meeting = schedule(energy, member)
    member.language = "ru"
    member.save(update_fields=["language"])
    client.force_login(member)
    (event,) = icalendar.Calendar.from_ical(download(client, meeting).content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Energy roadmap review (Энергетика)"
