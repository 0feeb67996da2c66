"""Calendar feeds: what each feed holds, stable UIDs, time zones, tokens, the page's actions."""

import datetime as dt
import re
from urllib.parse import quote
from zoneinfo import ZoneInfo

import hypothesis
import icalendar
import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from apps.accounts.models import User
from apps.calendar import services
from apps.charter.models import Membership, Role
from apps.meetings.models import ActionItem, ActionItemStatus, Meeting
from apps.milestones.models import Milestone, Status
from tests.conftest import join
from tests.factories import MilestoneFactory

HTMX = {"HX-Request": "true"}
YES = {"confirmed": "yes"}
DUE = dt.date(2026, 12, 15)
BAKU_10AM = dt.datetime(2026, 12, 20, 10, 0, tzinfo=ZoneInfo("Asia/Baku"))


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://charterhub.example"


def milestone(group, *, owner=None, title="Pipeline study", **fields) -> Milestone:
    fields.setdefault("due_date", DUE)
    return MilestoneFactory(group=group, title=title, owner=owner, **fields)


def meeting(group, *, title="Energy WG", **fields) -> Meeting:
    fields.setdefault("starts_at", BAKU_10AM)
    fields.setdefault("time_zone", "Asia/Baku")
    return Meeting.objects.create(group=group, title=title, **fields)


def token_for(user: User) -> str:
    return services.calendar_token_regenerate(user=user)


def fetch(client, path: str) -> icalendar.Calendar:
    response = client.get(path)
    assert response.status_code == 200, response.content[:200]
    return icalendar.Calendar.from_ical(response.content)


def events(cal: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(event["UID"]): event for event in cal.walk("VEVENT")}


def user_feed(client, user) -> dict[str, icalendar.Event]:
    return events(fetch(client, f"/calendar/{user.calendar_token or token_for(user)}.ics"))


# --- the user's feed ------------------------------------------------------------------------------


def test_it_serves_the_user_feed_without_login_with_calendar_headers(client, member):
    token = token_for(member)
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="charterhub.ics"'
    assert "private" in response["Cache-Control"]
    cal = icalendar.Calendar.from_ical(response.content)
    assert str(cal["VERSION"]) == "2.0"


def test_it_lists_my_open_milestones_as_all_day_events(client, member, energy):
    mine = milestone(energy, owner=member)
    milestone(energy, owner=member, title="Done one", status=Status.DONE, completed_at=BAKU_10AM)
    milestone(energy, owner=member, title="Cancelled one", status=Status.CANCELLED)
    milestone(energy, title="Nobody's")
    found = user_feed(client, member)
    assert set(found) == {f"milestone-{mine.pk}@charterhub"}
    event = found[f"milestone-{mine.pk}@charterhub"]
    assert event.decoded("DTSTART") == DUE
    assert event.decoded("DTEND") == DUE + dt.timedelta(days=1)
    assert "Pipeline study" in str(event["SUMMARY"])
    assert energy.name_en in str(event["SUMMARY"])
    assert str(event["URL"]) == f"https://charterhub.example/milestones/{mine.pk}/"
    assert int(event["SEQUENCE"]) == mine.version
    assert "LAST-MODIFIED" in event and "DTSTAMP" in event


def test_it_lists_my_open_action_items_with_a_due_date(client, member, cochair_az, energy):
    held = meeting(energy)
    due = ActionItem.objects.create(meeting=held, title="Send figures", owner=member, due_date=DUE)
    ActionItem.objects.create(meeting=held, title="No date", owner=member)
    ActionItem.objects.create(
        meeting=held,
        title="Finished",
        owner=member,
        due_date=DUE,
        status=ActionItemStatus.DONE,
        completed_at=held.starts_at,
    )
    ActionItem.objects.create(meeting=held, title="Not mine", owner=cochair_az, due_date=DUE)
    found = user_feed(client, member)
    actions = {uid for uid in found if uid.startswith("action-")}
    assert actions == {f"action-{due.pk}@charterhub"}
    event = found[f"action-{due.pk}@charterhub"]
    assert event.decoded("DTSTART") == DUE
    assert "Send figures" in str(event["SUMMARY"])
    assert str(event["URL"]) == f"https://charterhub.example/meetings/{held.pk}/"


def test_it_gives_meetings_their_time_zone(client, member, energy):
    held = meeting(energy, location="Baku, Ministry of Energy", duration_minutes=120)
    response = client.get(f"/calendar/{token_for(member)}.ics")
    assert b"TZID=Asia/Baku" in response.content
    cal = icalendar.Calendar.from_ical(response.content)
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Baku"]
    event = events(cal)[f"meeting-{held.pk}@charterhub"]
    starts = event.decoded("DTSTART")
    assert (starts.hour, str(starts.tzinfo)) == (10, "Asia/Baku")
    assert starts.astimezone(dt.UTC) == dt.datetime(2026, 12, 20, 6, 0, tzinfo=dt.UTC)
    assert event.decoded("DTEND") - starts == dt.timedelta(hours=2)
    assert str(event["LOCATION"]) == "Baku, Ministry of Energy"
    assert str(event["URL"]) == f"https://charterhub.example/meetings/{held.pk}/"


def test_it_keeps_new_york_meetings_in_new_york_time(client, member, energy):
    starts = dt.datetime(2026, 7, 1, 9, 30, tzinfo=ZoneInfo("America/New_York"))
    held = meeting(energy, starts_at=starts, time_zone="America/New_York")
    event = user_feed(client, member)[f"meeting-{held.pk}@charterhub"]
    assert str(event.decoded("DTSTART").tzinfo) == "America/New_York"
    assert event.decoded("DTSTART").astimezone(dt.UTC).hour == 13


def test_it_shows_only_meetings_of_my_groups(client, member, energy, connectivity):
    mine = meeting(energy)
    meeting(connectivity, title="Not my group")
    meetings = {uid for uid in user_feed(client, member) if uid.startswith("meeting-")}
    assert meetings == {f"meeting-{mine.pk}@charterhub"}


def test_it_drops_a_groups_items_when_i_leave_it(client, member, energy, security):
    join(member, security, Role.MEMBER)
    restricted = milestone(security, owner=member)
    public = milestone(energy, owner=member)
    held = meeting(security)
    item = ActionItem.objects.create(meeting=held, title="Brief", owner=member, due_date=DUE)
    before = user_feed(client, member)
    assert {
        f"milestone-{restricted.pk}@charterhub",
        f"milestone-{public.pk}@charterhub",
        f"meeting-{held.pk}@charterhub",
        f"action-{item.pk}@charterhub",
    } <= set(before)
    Membership.objects.filter(user=member, group=security).delete()
    Membership.objects.filter(user=member, group=energy).delete()
    assert user_feed(client, member) == {}


def test_it_drops_a_milestone_once_done_or_cancelled(client, member, energy):
    mine = milestone(energy, owner=member)
    uid = f"milestone-{mine.pk}@charterhub"
    assert uid in user_feed(client, member)
    Milestone.objects.filter(pk=mine.pk).update(status=Status.CANCELLED)
    assert uid not in user_feed(client, member)


# --- stable UIDs ----------------------------------------------------------------------------------


def test_it_keeps_uids_across_token_regeneration(client, member, energy):
    milestone(energy, owner=member)
    meeting(energy)
    first = user_feed(client, member)
    token_for(member)
    second = user_feed(client, member)
    assert set(first) == set(second) and len(first) == 2


def test_it_keeps_the_uid_across_an_edit_and_moves_the_date(client, member, energy):
    mine = milestone(energy, owner=member)
    uid = f"milestone-{mine.pk}@charterhub"
    before = user_feed(client, member)[uid]
    Milestone.objects.filter(pk=mine.pk).update(
        due_date=DUE + dt.timedelta(days=7), version=mine.version + 1
    )
    after = user_feed(client, member)[uid]
    assert after.decoded("DTSTART") == DUE + dt.timedelta(days=7)
    assert before.decoded("DTSTART") == DUE
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1


def test_it_keeps_a_meetings_uid_when_it_moves(client, member, energy):
    held = meeting(energy)
    uid = f"meeting-{held.pk}@charterhub"
    Meeting.objects.filter(pk=held.pk).update(
        starts_at=BAKU_10AM + dt.timedelta(hours=2), version=2
    )
    event = user_feed(client, member)[uid]
    assert event.decoded("DTSTART").hour == 12
    assert int(event["SEQUENCE"]) == 2


# --- the group feed -------------------------------------------------------------------------------


def test_it_serves_a_groups_open_milestones_and_meetings(client, observer, member, energy):
    open_one = milestone(energy, owner=member)
    milestone(energy, title="Done", status=Status.DONE, completed_at=BAKU_10AM)
    held = meeting(energy)
    response = client.get(f"/calendar/{token_for(observer)}/groups/energy.ics")
    assert response["Content-Disposition"] == 'inline; filename="charterhub-energy.ics"'
    found = events(icalendar.Calendar.from_ical(response.content))
    assert set(found) == {f"milestone-{open_one.pk}@charterhub", f"meeting-{held.pk}@charterhub"}


def test_it_hides_a_restricted_groups_feed_from_non_members(client, member, staff, security):
    milestone(security)
    assert client.get(f"/calendar/{token_for(member)}/groups/security.ics").status_code == 404
    assert client.get(f"/calendar/{token_for(staff)}/groups/security.ics").status_code == 200
    join(member, security, Role.MEMBER)
    assert client.get(f"/calendar/{member.calendar_token}/groups/security.ics").status_code == 200


def test_it_lets_any_signed_up_user_read_an_open_groups_feed(client, outsider, energy):
    assert client.get(f"/calendar/{token_for(outsider)}/groups/energy.ics").status_code == 200
    assert client.get(f"/calendar/{outsider.calendar_token}/groups/nope.ics").status_code == 404


# --- tokens ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "token",
    ["x" * 43, "short", "a" * 65, "bad%00token" + "a" * 30, "..%2F..%2Fetc" + "a" * 30],
)
def test_it_answers_404_for_an_unknown_or_malformed_token(client, member, energy, token):
    token_for(member)
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    assert client.get(f"/calendar/{token}/groups/energy.ics").status_code == 404


@pytest.mark.parametrize("zone", ["Asia/Baku", "America/New_York", "UTC"])
def test_it_serves_a_valid_calendar_with_nothing_in_it(client, member, energy, zone):
    # RFC 5545 §3.6: a VCALENDAR has at least one component; an empty feed carries the
    # reader's time zone.
    member.time_zone = zone
    member.save()
    token = token_for(member)
    for path in (f"/calendar/{token}.ics", f"/calendar/{token}/groups/energy.ics"):
        cal = fetch(client, path)
        assert str(cal["METHOD"]) == "PUBLISH"
        assert not cal.walk("VEVENT")
        assert [str(component["TZID"]) for component in cal.subcomponents] == [zone]
        assert cal.subcomponents[0].to_tz().utcoffset(dt.datetime(2026, 12, 7)) is not None


def test_it_adds_no_placeholder_zone_to_a_feed_with_events(client, member, energy):
    milestone(energy, owner=member)
    cal = fetch(client, f"/calendar/{token_for(member)}.ics")
    assert [component.name for component in cal.subcomponents] == ["VEVENT"]


def test_it_has_no_feed_before_a_token_is_made(member):
    assert member.calendar_token is None


def test_it_refuses_an_inactive_users_token(client, member):
    token = token_for(member)
    User.objects.filter(pk=member.pk).update(is_active=False)
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_it_regenerates_the_token_and_the_old_url_stops_working(client, member):
    client.force_login(member)
    old = token_for(member)
    response = client.post("/calendar/regenerate/", YES)
    assert response.status_code == 302 and response["Location"] == "/calendar/"
    # The page first: a 404 page (the old address below) shows, and so uses up, waiting messages.
    page = client.get("/calendar/")
    assert "new addresses" in page.content.decode()
    new = User.objects.get(pk=member.pk).calendar_token
    assert new and new != old and len(new) >= 40
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200


def test_it_revokes_the_token(client, member):
    client.force_login(member)
    old = token_for(member)
    response = client.post("/calendar/revoke/", YES, follow=True)
    assert response.redirect_chain == [("/calendar/", 302)]
    assert User.objects.get(pk=member.pk).calendar_token is None
    assert "turned off" in response.content.decode()
    assert client.get(f"/calendar/{old}.ics").status_code == 404


def test_it_answers_htmx_with_the_feeds_fragment(client, member):
    client.force_login(member)
    response = client.post("/calendar/regenerate/", headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="calendar-feeds"')
    assert "<html" not in body
    token = User.objects.get(pk=member.pk).calendar_token
    assert f"https://charterhub.example/calendar/{token}.ics" in body
    response = client.post("/calendar/revoke/", YES, headers=HTMX)
    assert response.status_code == 200
    assert token not in response.content.decode()
    assert "turned off" in response.content.decode()


def test_it_shows_absolute_and_webcal_urls_for_me_and_each_visible_group(client, member, energy):
    token = token_for(member)
    client.force_login(member)
    body = client.get("/calendar/").content.decode()
    assert f"https://charterhub.example/calendar/{token}.ics" in body
    assert f"webcal://charterhub.example/calendar/{token}.ics" in body
    assert f"https://charterhub.example/calendar/{token}/groups/energy.ics" in body
    assert f"webcal://charterhub.example/calendar/{token}/groups/energy.ics" in body
    assert "/groups/security.ics" not in body


def test_it_offers_to_create_addresses_when_there_is_no_token(client, member):
    client.force_login(member)
    body = client.get("/calendar/").content.decode()
    assert 'action="/calendar/regenerate/"' in body
    assert "/calendar/revoke/" not in body


def test_it_has_a_copy_button_for_each_address_shown_only_with_javascript(client, member, energy):
    token_for(member)
    client.force_login(member)
    body = client.get("/calendar/").content.decode()
    buttons = re.findall(r"<button type=\"button\"[^>]*data-copy=\"([^\"]+)\"[^>]*>", body)
    assert len(buttons) == body.count('class="feed-url"') >= 2
    for target in buttons:
        assert f'id="{target}"' in body
    assert all(" hidden" in tag for tag in re.findall(r"<button type=\"button\"[^>]*>", body))
    assert 'id="calendar-copy-status" role="status"' in body
    assert re.search(r'<script src="/static/js/copy\.js" nonce="[^"]+" defer>', body)


@pytest.mark.parametrize(
    ("url", "heading", "consequence"),
    [
        ("/calendar/regenerate/", "Renew your calendar addresses?", "stop working at once"),
        ("/calendar/revoke/", "Turn your calendar feeds off?", "stop working at once"),
    ],
)
def test_it_asks_before_breaking_subscriptions_and_changes_nothing(
    client, member, url, heading, consequence
):
    token = token_for(member)
    client.force_login(member)
    response = client.post(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert f"<h1>{heading}</h1>" in body
    assert consequence in body
    assert '<input type="hidden" name="confirmed" value="yes">' in body
    assert f'action="{url}"' in body
    assert User.objects.get(pk=member.pk).calendar_token == token
    assert client.get(f"/calendar/{token}.ics").status_code == 200
    # With htmx the question replaces main, and still nothing changes.
    asked = client.post(url, headers=HTMX)
    assert asked["HX-Retarget"] == "#main"
    assert heading in asked.content.decode()
    assert User.objects.get(pk=member.pk).calendar_token == token


def test_it_puts_each_question_in_a_dialog_on_the_page(client, member):
    token_for(member)
    client.force_login(member)
    body = client.get("/calendar/").content.decode()
    for key in ("calendar-renew", "calendar-revoke"):
        assert f'data-confirm="confirm-{key}"' in body
        assert f'<dialog class="confirm-dialog" id="confirm-{key}"' in body
    assert "Renew your calendar addresses?" in body and "Turn your calendar feeds off?" in body


def test_it_creates_the_first_addresses_without_asking(client, member):
    client.force_login(member)
    response = client.post("/calendar/regenerate/")
    assert response.status_code == 302
    assert User.objects.get(pk=member.pk).calendar_token


# CSRF on regenerate and revoke: tests/fuzz/test_csrf.py.


# --- query counts ---------------------------------------------------------------------------------


def add_volume(group, owner, count: int) -> None:
    Milestone.objects.bulk_create(
        Milestone(
            group=group,
            section=group.section,
            title=f"M{number}",
            owner=owner,
            due_date=DUE + dt.timedelta(days=number % 300),
        )
        for number in range(count)
    )
    held = Meeting.objects.bulk_create(
        Meeting(group=group, title=f"Meeting {number}", starts_at=BAKU_10AM, time_zone=zone)
        for number, zone in enumerate(["Asia/Baku", "America/New_York"] * max(1, count // 20))
    )
    ActionItem.objects.bulk_create(
        ActionItem(meeting=held[number % len(held)], title=f"A{number}", owner=owner, due_date=DUE)
        for number in range(count // 10)
    )


@pytest.mark.parametrize("rows", [10, 1000])
def test_it_pins_the_user_feeds_queries(client, member, energy, rows, django_assert_num_queries):
    add_volume(energy, member, rows)
    token = token_for(member)
    # token → user, milestones, action items, meetings
    with django_assert_num_queries(4):
        response = client.get(f"/calendar/{token}.ics")
    assert len(events(icalendar.Calendar.from_ical(response.content))) >= rows


@pytest.mark.parametrize("rows", [10, 1000])
def test_it_pins_the_group_feeds_queries(client, member, energy, rows, django_assert_num_queries):
    add_volume(energy, member, rows)
    token = token_for(member)
    # token → user, group, membership, milestones, meetings
    with django_assert_num_queries(5):
        response = client.get(f"/calendar/{token}/groups/energy.ics")
    assert len(events(icalendar.Calendar.from_ical(response.content))) >= rows


@pytest.mark.parametrize("rows", [10, 1000])
def test_it_pins_the_pages_queries(client, member, energy, rows, django_assert_num_queries):
    add_volume(energy, member, rows)
    token_for(member)
    client.force_login(member)
    # session, user, visible groups
    with django_assert_num_queries(4):
        assert client.get("/calendar/").status_code == 200
    # session, user, savepoint, update, release, visible groups
    with django_assert_num_queries(6):
        assert client.post("/calendar/regenerate/", YES, headers=HTMX).status_code == 200
    # session, user, savepoint, update, release (no token: no feed list)
    with django_assert_num_queries(5):
        assert client.post("/calendar/revoke/", YES, headers=HTMX).status_code == 200
    # Unconfirmed, the question costs only the session and the user (and the nav).
    token_for(member)
    with django_assert_num_queries(3):
        assert client.post("/calendar/revoke/").status_code == 200


@hypothesis.settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(token=st.text(min_size=1, max_size=80))
def test_it_never_fails_on_any_token(client, member, energy, token):
    quoted = quote(token, safe="")
    for path in (f"/calendar/{quoted}.ics", f"/calendar/{quoted}/groups/energy.ics"):
        assert client.get(path).status_code == 404


def test_it_cannot_renew_the_feeds_of_a_user_who_is_gone(member):
    member.delete()
    with pytest.raises(User.DoesNotExist):
        services.calendar_token_regenerate(user=member)


# --- the page's wording ---------------------------------------------------------------------------


@pytest.mark.parametrize("site", ["http://127.0.0.1:8000", "https://charterhub.example"])
def test_it_labels_the_addresses_without_claiming_a_scheme(client, member, settings, site):
    settings.SITE_URL = site
    token_for(member)
    client.force_login(member)
    body = client.get("/calendar/").content.decode()
    assert f"{site}/calendar/" in body
    assert "Address (https)" not in body
    assert '<p class="hint">Address</p>' in body


def test_it_says_old_addresses_stopped_working_only_when_there_were_some(client, member):
    client.force_login(member)
    first = client.post("/calendar/regenerate/", headers=HTMX).content.decode()
    assert "Your calendar feeds are on" in first
    assert "no longer work" not in first
    again = client.post("/calendar/regenerate/", YES, headers=HTMX).content.decode()
    assert "The old ones no longer work" in again
    client.post("/calendar/revoke/", YES, follow=True)
    after_revoking = client.post("/calendar/regenerate/", follow=True).content.decode()
    assert "Your calendar feeds are on" in after_revoking
    assert "no longer work" not in after_revoking
