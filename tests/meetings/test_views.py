"""The meetings pages, with htmx (fragments, 422, 409) and without JavaScript (PRG, messages)."""

import datetime as dt
import html
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import formats

from apps.accounts.models import User
from apps.meetings import services
from apps.meetings.models import (
    ActionItem,
    Attendance,
    AttendanceStatus,
    Decision,
    Meeting,
    MinutesAdoption,
    MinutesState,
)
from apps.milestones.models import Milestone
from tests.meetings.conftest import adopt_by_both, attendance_of, schedule, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def cochair_az(cochair_az):
    """These tests read the English interface; the shared cast's AZ co-chair has chosen
    Azerbaijani, which the pages now follow (tests/i18n covers that)."""
    cochair_az.language = "en"
    cochair_az.save(update_fields=["language"])
    return cochair_az


HTMX = {"HX-Request": "true"}


def url(name: str, meeting: Meeting | None = None) -> str:
    return reverse(f"meetings:{name}", args=[meeting.pk] if meeting else [])


def text_of(response, element_id: str) -> str:
    """The text inside the element with ``element_id`` (tags dropped, spaces collapsed)."""
    body = response.content.decode()
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</(dd|section|li|p)>', body, re.S)
    assert match, f"no #{element_id}"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).split())


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def as_member(client, member):
    client.force_login(member)
    return client


# --- the page -----------------------------------------------------------------------------------


def test_it_shows_the_start_in_the_meetings_zone_and_a_baku_viewers(client, meeting, cochair_az):
    client.force_login(cochair_az)  # Asia/Baku
    response = client.get(url("detail", meeting))
    assert response.status_code == 200
    assert text_of(response, "meeting-time") == (
        "20 April 2026, 10:00–11:30 Baku · 02:00–03:30 Washington"
    )
    assert "Asia/Baku" not in response.content.decode()


def test_it_shows_the_start_at_new_york_time_to_a_new_york_viewer(client, meeting, cochair_us):
    client.force_login(cochair_us)  # America/New_York: 10:00 in Baku is 02:00 EDT
    response = client.get(url("detail", meeting))
    assert text_of(response, "meeting-time") == (
        "20 April 2026, 10:00–11:30 Baku · 02:00–03:30 Washington"
    )
    body = response.content.decode()
    assert "America/New_York" not in body and "Asia/Baku" not in body


def test_it_shows_a_new_york_winter_meeting_at_baku_time(client, energy, member, cochair_az):
    meeting = schedule(
        energy,
        member,
        starts_at_local=dt.datetime(2026, 1, 15, 9, 0),
        time_zone="America/New_York",
        duration_minutes=60,
    )
    client.force_login(cochair_az)
    response = client.get(url("detail", meeting))
    assert text_of(response, "meeting-time") == (
        "15 January 2026, 09:00–10:00 Washington · 18:00–19:00 Baku"
    )


def test_it_adds_the_readers_own_clock_when_it_is_neither_capital(client, meeting, member):
    User.objects.filter(pk=member.pk).update(time_zone="Europe/London")
    client.force_login(member)
    response = client.get(url("detail", meeting))
    assert text_of(response, "meeting-time") == (
        "20 April 2026, 10:00–11:30 Baku · 02:00–03:30 Washington · 07:00–08:30 London"
    )


def test_it_falls_back_to_utc_for_a_viewer_with_an_unknown_zone(client, meeting, member):
    User.objects.filter(pk=member.pk).update(time_zone="Nowhere/Else")
    client.force_login(member)
    response = client.get(url("detail", meeting))
    assert text_of(response, "meeting-time").endswith("· 06:00–07:30 UTC")


def test_it_shows_the_facts_and_an_add_to_calendar_link(client, meeting, observer):
    client.force_login(observer)
    body = client.get(url("detail", meeting)).content.decode()
    assert '<dl class="summary-list meeting-facts">' in body
    assert f'href="{url("ics", meeting)}" download>Add to calendar</a>' in body
    assert "Minutes in draft" in body


def test_it_renders_the_agenda_as_safe_markdown(client, energy, member):
    meeting = schedule(
        energy,
        member,
        agenda="**Roadmap**\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))",
    )
    client.force_login(member)
    body = client.get(url("detail", meeting)).content.decode()
    assert "<strong>Roadmap</strong>" in body
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "javascript:alert" not in body


def test_it_links_only_web_addresses(client, energy, member):
    meeting = schedule(energy, member, link="https://meet.example/energy")
    Meeting.objects.filter(pk=meeting.pk).update(link="javascript:alert(1)")  # as if by hand
    client.force_login(member)
    body = client.get(url("detail", meeting)).content.decode()
    assert 'href="javascript:' not in body


def test_it_shows_readers_no_forms(client, meeting, observer):
    client.force_login(observer)
    body = client.get(url("detail", meeting)).content.decode()
    assert "Energy roadmap review" in body
    assert 'method="post" action="/meetings/' not in body
    assert url("edit", meeting) not in body


def test_it_shows_members_every_form_but_adoption(as_member, meeting):
    body = as_member.get(url("detail", meeting)).content.decode()
    for name in ("attendance", "guest_add", "minutes", "decision_add", "action_add"):
        assert f'action="{url(name, meeting)}"' in body, name
    assert url("adopt", meeting) not in body


def test_it_offers_each_co_chair_adoption_for_their_side(client, meeting, member, cochair_us):
    services.minutes_update(meeting_id=meeting.pk, user=member, version=1, minutes="Agreed.")
    client.force_login(cochair_us)
    body = client.get(url("detail", meeting)).content.decode()
    assert "Adopt the minutes for United States" in body
    assert "Adopt the minutes for Azerbaijan" not in body


def test_it_tells_co_chairs_there_is_nothing_to_adopt_yet(client, meeting, cochair_az):
    client.force_login(cochair_az)
    body = client.get(url("detail", meeting)).content.decode()
    assert url("adopt", meeting) not in body
    assert "There are no minutes to adopt yet." in body


# --- attendance ---------------------------------------------------------------------------------


def test_it_records_attendance_without_javascript(as_member, meeting, cochair_us):
    row = attendance_of(meeting, cochair_us)
    response = as_member.post(
        url("attendance", meeting), {"attendance_id": row.pk, "status": "apologies"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{url('detail', meeting)}#attendance"
    assert messages_of(response) == ["Attendance recorded."]
    assert attendance_of(meeting, cochair_us).status == AttendanceStatus.APOLOGIES
    page = as_member.get(response["Location"])
    assert "Attendance recorded." in page.content.decode()


def test_it_answers_an_attendance_toggle_with_the_updated_row(as_member, meeting, cochair_us):
    row = attendance_of(meeting, cochair_us)
    response = as_member.post(
        url("attendance", meeting), {"attendance_id": row.pk, "status": "present"}, headers=HTMX
    )
    assert response.status_code == 200
    body = response.content.decode().strip()
    assert body.startswith(f'<li id="attendance-{row.pk}"')
    assert body.endswith("</li>")
    assert "<html" not in body
    assert '<option value="present" selected>Present</option>' in body
    assert "Attendance recorded." in body  # said in the row that was saved
    assert attendance_of(meeting, cochair_us).status == AttendanceStatus.PRESENT
    assert list(get_messages(response.wsgi_request)) == []


@pytest.mark.parametrize(
    "data, message",
    [
        ({"status": "present"}, "reload the page"),
        ({"attendance_id": "abc", "status": "present"}, "reload the page"),
        ({"attendance_id": "-1", "status": "present"}, "reload the page"),
        ({"attendance_id": str(2**70), "status": "present"}, "reload the page"),
        ({"attendance_id": "999999", "status": "present"}, "is not on this meeting"),
        ({"attendance_id": "ROW", "status": "late"}, "Choose present, apologies or absent."),
        ({"attendance_id": "ROW"}, "Choose present, apologies or absent."),
    ],
)
def test_it_explains_a_bad_attendance_post(as_member, meeting, member, data, message):
    row = attendance_of(meeting, member)
    data = {key: (str(row.pk) if value == "ROW" else value) for key, value in data.items()}
    before = snapshot()
    response = as_member.post(url("attendance", meeting), data, headers=HTMX)
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#attendance"
    assert response["HX-Reswap"] == "outerHTML"
    assert message in response.content.decode()
    assert snapshot() == before

    full = as_member.post(url("attendance", meeting), data)
    assert full.status_code == 422
    assert message in full.content.decode()
    assert "<html" in full.content.decode()
    assert snapshot() == before


def test_it_adds_a_guest_with_htmx(as_member, meeting):
    response = as_member.post(
        url("guest_add", meeting), {"name": "Jane Doe", "organisation": "SOCAR"}, headers=HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.strip().startswith('<section id="attendance"')
    assert "Jane Doe" in body and "SOCAR" in body
    assert "Guest added." in body


def test_it_refuses_a_guest_without_a_name(as_member, meeting):
    before = snapshot()
    response = as_member.post(url("guest_add", meeting), {"name": "  "}, headers=HTMX)
    assert response.status_code == 422
    assert "Give the guest&#x27;s name." in response.content.decode()
    assert snapshot() == before


def test_it_removes_a_guest_without_javascript(as_member, meeting, member):
    guest = services.guest_add(meeting_id=meeting.pk, user=member, name="Jane Doe")
    response = as_member.post(url("guest_remove", meeting), {"attendance_id": guest.pk})
    assert response.status_code == 302
    assert messages_of(response) == ["Guest removed."]
    assert not Attendance.objects.filter(pk=guest.pk).exists()


def test_it_keeps_members_on_the_list_with_a_message(as_member, meeting, cochair_az):
    row = attendance_of(meeting, cochair_az)
    response = as_member.post(url("guest_remove", meeting), {"attendance_id": row.pk}, headers=HTMX)
    assert response.status_code == 422
    assert "record them as absent instead" in response.content.decode()
    assert Attendance.objects.filter(pk=row.pk).exists()


# --- minutes ------------------------------------------------------------------------------------


def test_it_saves_the_minutes_with_htmx(as_member, meeting):
    response = as_member.post(
        url("minutes", meeting), {"minutes": "## Summary\n\n**Agreed**", "version": 1}, headers=HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.strip().startswith('<section id="minutes"')
    assert "<h3>Summary</h3>" in body and "<strong>Agreed</strong>" in body
    assert 'name="version" value="2"' in body
    assert (
        '<section id="adoption" class="card" aria-labelledby="adoption-heading" hx-swap-oob="true">'
        in body
    )
    assert Meeting.objects.get(pk=meeting.pk).minutes == "## Summary\n\n**Agreed**"


def test_it_saves_the_minutes_without_javascript(as_member, meeting):
    response = as_member.post(url("minutes", meeting), {"minutes": "Agreed.", "version": 1})
    assert response.status_code == 302
    assert response["Location"] == f"{url('detail', meeting)}#minutes"
    assert messages_of(response) == ["Minutes saved."]


def test_it_shows_a_stale_minutes_edit_as_a_conflict(client, meeting, member, cochair_us):
    services.minutes_update(
        meeting_id=meeting.pk, user=cochair_us, version=1, minutes="The US co-chair's text."
    )
    client.force_login(member)
    before = snapshot()
    response = client.post(
        url("minutes", meeting), {"minutes": "The member's text.", "version": 1}, headers=HTMX
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved these minutes while you were editing." in body
    assert "Cochair Us saved a change" in body
    when = Meeting.objects.get(pk=meeting.pk).updated_at
    # In the reader's zone (the member's, Baku: UTC+4).
    baku = when.astimezone(dt.timezone(dt.timedelta(hours=4)))
    assert formats.date_format(baku, "DATETIME_FORMAT") in body
    assert '<pre class="version-theirs">The US co-chair&#x27;s text.</pre>' in body
    assert '<pre class="version-yours">The member&#x27;s text.</pre>' in body
    assert f'href="{url("detail", meeting)}">Reload to see the current version</a>' in body
    assert 'name="version" value="2"' in body  # saving again deliberately replaces theirs
    assert snapshot() == before

    full = client.post(url("minutes", meeting), {"minutes": "The member's text.", "version": 1})
    assert full.status_code == 409
    assert "Cochair Us saved a change" in full.content.decode()
    assert snapshot() == before


def test_it_explains_that_adopted_minutes_are_locked(
    client, meeting, member, cochair_az, cochair_us
):
    adopted = adopt_by_both(meeting, cochair_az, cochair_us)
    client.force_login(member)
    before = snapshot()
    response = client.post(
        url("minutes", meeting), {"minutes": "Rewritten", "version": adopted.version}, headers=HTMX
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "its record is locked and can no longer be changed" in body
    assert response["HX-Retarget"] == "#minutes"
    assert snapshot() == before

    full = client.post(
        url("minutes", meeting), {"minutes": "Rewritten", "version": adopted.version}
    )
    assert full.status_code == 302
    assert any("locked" in message for message in messages_of(full))
    assert snapshot() == before


def test_it_refuses_minutes_that_are_too_long(as_member, meeting):
    response = as_member.post(
        url("minutes", meeting),
        {"minutes": "x" * (services.MAX_MINUTES + 1), "version": 1},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "Ensure this value has at most 100000 characters" in response.content.decode()


def test_it_warns_that_saving_withdraws_an_adoption(client, meeting, member, cochair_az):
    services.minutes_update(meeting_id=meeting.pk, user=member, version=1, minutes="Agreed.")
    services.minutes_adopt(meeting_id=meeting.pk, user=cochair_az)
    client.force_login(member)
    body = client.get(url("detail", meeting)).content.decode()
    assert "Already adopted by: Azerbaijan. Saving a change withdraws that adoption" in body


# --- decisions ----------------------------------------------------------------------------------


def test_it_adds_and_removes_a_decision_with_htmx(as_member, meeting):
    response = as_member.post(url("decision_add", meeting), {"text": "Meet in June."}, headers=HTMX)
    assert response.status_code == 200
    assert "Meet in June." in response.content.decode()
    assert "Decision recorded." in response.content.decode()
    decision = Decision.objects.get()
    response = as_member.post(
        url("decision_remove", meeting), {"decision_id": decision.pk}, headers=HTMX
    )
    assert response.status_code == 200
    assert "Meet in June." not in response.content.decode()
    assert not Decision.objects.exists()


def test_it_adds_a_decision_without_javascript(as_member, meeting):
    response = as_member.post(url("decision_add", meeting), {"text": "Meet in June."})
    assert response.status_code == 302
    assert response["Location"] == f"{url('detail', meeting)}#decisions"
    assert messages_of(response) == ["Decision recorded."]


def test_it_refuses_an_empty_decision(as_member, meeting):
    response = as_member.post(url("decision_add", meeting), {"text": " "}, headers=HTMX)
    assert response.status_code == 422
    assert "Write the decision." in response.content.decode()
    full = as_member.post(url("decision_add", meeting), {"text": ""})
    assert full.status_code == 422
    assert "Write the decision." in full.content.decode()
    assert not Decision.objects.exists()


def test_it_refuses_decisions_once_adopted(client, meeting, member, cochair_az, cochair_us):
    adopt_by_both(meeting, cochair_az, cochair_us)
    client.force_login(member)
    response = client.post(url("decision_add", meeting), {"text": "Late."}, headers=HTMX)
    assert response.status_code == 409
    assert "locked" in response.content.decode()
    assert not Decision.objects.exists()


# --- action items -------------------------------------------------------------------------------


def test_it_adds_an_action_item_with_an_owner(as_member, meeting, cochair_us):
    response = as_member.post(
        url("action_add", meeting),
        {"title": "Circulate the roadmap", "owner": cochair_us.pk, "due_date": "2026-05-01"},
        headers=HTMX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Circulate the roadmap" in body and "Cochair Us" in body and "1 May 2026" in body
    assert ActionItem.objects.get().owner == cochair_us


@pytest.mark.parametrize("owner", ["observer", "other_member", "outsider"])
def test_it_refuses_an_owner_from_outside_the_group(request, as_member, meeting, owner):
    person = request.getfixturevalue(owner)
    response = as_member.post(
        url("action_add", meeting), {"title": "Do it", "owner": person.pk}, headers=HTMX
    )
    assert response.status_code == 422
    assert "The owner must be a member or co-chair of this working group." in (
        response.content.decode()
    )
    assert not ActionItem.objects.exists()


@pytest.mark.parametrize("due", ["2026-02-30", "tomorrow", "1999-12-31"])
def test_it_refuses_a_bad_due_date(as_member, meeting, due):
    response = as_member.post(
        url("action_add", meeting), {"title": "Do it", "due_date": due}, headers=HTMX
    )
    assert response.status_code == 422
    assert not ActionItem.objects.exists()


def test_it_marks_an_action_item_done(as_member, meeting, member):
    item = services.action_item_add(meeting_id=meeting.pk, user=member, title="Do it")
    response = as_member.post(
        url("action_status", meeting), {"action_item_id": item.pk, "status": "done"}, headers=HTMX
    )
    assert response.status_code == 200
    assert "Reopen" in response.content.decode()
    assert ActionItem.objects.get().status == "done"


def test_it_promotes_an_action_item_and_links_the_milestone(as_member, meeting, member):
    item = services.action_item_add(
        meeting_id=meeting.pk, user=member, title="Grid study", due_date=dt.date(2026, 9, 1)
    )
    response = as_member.post(
        url("action_promote", meeting), {"action_item_id": item.pk}, headers=HTMX
    )
    assert response.status_code == 200
    milestone = Milestone.objects.get()
    assert f'<a href="/milestones/{milestone.pk}/">Grid study</a>' in response.content.decode()
    assert "Promote to milestone" not in response.content.decode()

    again = as_member.post(url("action_promote", meeting), {"action_item_id": item.pk})
    assert again.status_code == 422
    assert "already been promoted to a milestone" in again.content.decode()
    assert Milestone.objects.count() == 1


def test_it_asks_for_a_due_date_when_promoting_an_undated_item(as_member, meeting, member):
    item = services.action_item_add(meeting_id=meeting.pk, user=member, title="Undated")
    page = as_member.get(url("detail", meeting)).content.decode()
    assert f'id="promote-due-{item.pk}" name="due_date"' in page
    response = as_member.post(
        url("action_promote", meeting), {"action_item_id": item.pk}, headers=HTMX
    )
    assert response.status_code == 422
    assert "a milestone needs one" in response.content.decode()
    response = as_member.post(
        url("action_promote", meeting), {"action_item_id": item.pk, "due_date": "2026-10-01"}
    )
    assert response.status_code == 302
    assert messages_of(response) == ["Milestone created from the action item."]
    assert Milestone.objects.get().due_date == dt.date(2026, 10, 1)


# --- adoption -----------------------------------------------------------------------------------


def test_it_adopts_side_by_side_and_then_locks_the_page(
    client, meeting, member, cochair_az, cochair_us
):
    services.minutes_update(meeting_id=meeting.pk, user=member, version=1, minutes="Agreed.")
    item = services.action_item_add(meeting_id=meeting.pk, user=member, title="Follow up")
    client.force_login(cochair_az)
    response = client.post(url("adopt", meeting), {"version": 2, "confirmed": "yes"}, headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.strip().startswith('<section id="adoption"')
    assert "Adopted by Cochair Az" in body
    assert "Minutes adopted for your side." in body
    assert 'hx-swap-oob="true"' not in body  # one side only: nothing else changes
    assert Meeting.objects.get(pk=meeting.pk).minutes_state == MinutesState.DRAFT

    client.force_login(cochair_us)
    response = client.post(url("adopt", meeting), {"version": 2, "confirmed": "yes"}, headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "the meeting&#x27;s record is now locked" in body
    for section in ("minutes", "attendance", "decisions", "actions"):
        opening = f'<section id="{section}" class="card" aria-labelledby="{section}-heading"'
        assert f'{opening} hx-swap-oob="true">' in body
    assert '<header id="meeting-header" class="meeting-header" hx-swap-oob="true">' in body
    assert "Minutes adopted" in body
    assert Meeting.objects.get(pk=meeting.pk).minutes_state == MinutesState.ADOPTED

    client.force_login(member)
    page = client.get(url("detail", meeting)).content.decode()
    assert "Minutes adopted" in page
    for name in ("minutes", "decision_add", "action_add", "attendance", "guest_add"):
        assert f'action="{url(name, meeting)}"' not in page, name
    assert url("edit", meeting) not in page
    assert f'<input type="hidden" name="action_item_id" value="{item.pk}">' in page  # follow-up


def test_it_adopts_without_javascript(client, meeting, member, cochair_us):
    services.minutes_update(meeting_id=meeting.pk, user=member, version=1, minutes="Agreed.")
    client.force_login(cochair_us)
    response = client.post(url("adopt", meeting), {"version": 2, "confirmed": "yes"})
    assert response.status_code == 302
    assert response["Location"] == f"{url('detail', meeting)}#adoption"
    assert messages_of(response) == ["Minutes adopted for your side."]
    assert MinutesAdoption.objects.get().side == "us"


def test_it_refuses_adopting_minutes_changed_since_they_were_read(
    client, meeting, member, cochair_us
):
    services.minutes_update(meeting_id=meeting.pk, user=member, version=1, minutes="First.")
    services.minutes_update(meeting_id=meeting.pk, user=member, version=2, minutes="Second.")
    client.force_login(cochair_us)
    response = client.post(url("adopt", meeting), {"version": 2, "confirmed": "yes"}, headers=HTMX)
    assert response.status_code == 409
    body = response.content.decode()
    assert "The minutes changed after you opened the page" in body
    assert "Second." in body  # the fresh minutes, swapped in out of band
    assert not MinutesAdoption.objects.exists()


def test_it_refuses_adopting_twice_for_one_side(client, meeting, member, cochair_us):
    services.minutes_update(meeting_id=meeting.pk, user=member, version=1, minutes="Agreed.")
    services.minutes_adopt(meeting_id=meeting.pk, user=cochair_us)
    client.force_login(cochair_us)
    response = client.post(url("adopt", meeting), {"version": 2, "confirmed": "yes"}, headers=HTMX)
    assert response.status_code == 422
    assert "Your side has already adopted these minutes." in response.content.decode()
    assert MinutesAdoption.objects.count() == 1


def test_it_refuses_adopting_empty_minutes(client, meeting, cochair_us):
    client.force_login(cochair_us)
    response = client.post(url("adopt", meeting), {"version": 1, "confirmed": "yes"}, headers=HTMX)
    assert response.status_code == 422
    assert "There are no minutes to adopt yet: write them first." in response.content.decode()


# --- scheduling and editing ---------------------------------------------------------------------


def details(**fields) -> dict:
    return {
        "title": "Energy WG, second session",
        "starts_at_local": "2026-05-12T15:00",
        "time_zone": "America/New_York",
        "duration_minutes": "120",
        "location": "",
        "link": "https://meet.example/energy",
        "agenda": "1. Grid\n2. Gas",
        **fields,
    }


def test_it_offers_a_new_meeting_in_the_viewers_zone(client, cochair_us):
    client.force_login(cochair_us)
    response = client.get(url("create"), {"group": "energy"})
    assert response.status_code == 200
    assert '<option value="America/New_York" selected>' in response.content.decode()


def test_it_schedules_a_meeting_without_javascript(client, cochair_us, cast):
    client.force_login(cochair_us)
    response = client.post(f"{url('create')}?group=energy", details())
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", meeting)
    assert messages_of(response) == ["Meeting scheduled; the members of Energy are invited."]
    assert meeting.starts_at == dt.datetime(2026, 5, 12, 19, 0, tzinfo=dt.UTC)
    assert meeting.attendance.count() == 4


def test_it_schedules_a_meeting_with_htmx(client, cochair_us, cast):
    client.force_login(cochair_us)
    response = client.post(f"{url('create')}?group=energy", details(), headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == url("detail", Meeting.objects.get())


def test_it_explains_a_start_that_does_not_exist(client, cochair_us, cast):
    client.force_login(cochair_us)
    data = details(starts_at_local="2026-03-08T02:30")
    response = client.post(f"{url('create')}?group=energy", data, headers=HTMX)
    assert response.status_code == 422
    body = response.content.decode()
    assert body.strip().startswith('<form id="meeting-form"')
    assert "2026-03-08 02:30 does not exist in Washington" in body
    full = client.post(f"{url('create')}?group=energy", data)
    assert full.status_code == 422
    assert "does not exist in Washington" in full.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"title": ""}, "Give the meeting a title."),
        ({"starts_at_local": ""}, "Give the date and time the meeting starts."),
        ({"starts_at_local": "next tuesday"}, "Give the start as a date and time"),
        ({"starts_at_local": "0001-01-01T00:00"}, "Choose a date between 2000 and 2100."),
        ({"time_zone": "Mars/Olympus"}, "Select a valid choice."),
        ({"duration_minutes": "0"}, "greater than or equal to 1"),
        ({"duration_minutes": "lots"}, "Enter a whole number."),
        ({"link": "javascript:alert(1)"}, "Enter a valid URL."),
    ],
)
def test_it_explains_bad_details(client, cochair_us, fields, message):
    client.force_login(cochair_us)
    response = client.post(f"{url('create')}?group=energy", details(**fields))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Meeting.objects.exists()


def test_it_prefills_the_edit_form_with_the_local_start(as_member, meeting):
    body = as_member.get(url("edit", meeting)).content.decode()
    assert 'value="2026-04-20T10:00"' in body
    assert '<option value="Asia/Baku" selected>' in body
    assert 'name="version" value="1"' in body


def test_it_edits_the_details(as_member, meeting):
    response = as_member.post(url("edit", meeting), details(version="1"))
    assert response.status_code == 302
    assert messages_of(response) == ["Meeting details saved."]
    meeting.refresh_from_db()
    assert (meeting.title, meeting.version) == ("Energy WG, second session", 2)


def test_it_shows_a_stale_details_edit_as_a_conflict(client, meeting, member, cochair_us):
    client.force_login(cochair_us)
    client.post(url("edit", meeting), details(version="1", title="Changed by the US"))
    client.force_login(member)
    before = snapshot()
    response = client.post(
        url("edit", meeting), details(version="1", title="Changed by the member"), headers=HTMX
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved this meeting while you were editing." in body
    assert "Cochair Us saved a change" in body
    assert '<td class="version-theirs">Changed by the US</td>' in body
    assert '<td class="version-yours">Changed by the member</td>' in body
    assert f'href="{url("edit", meeting)}">Reload to see the current version</a>' in body
    assert 'name="version" value="2"' in body
    assert snapshot() == before


def test_it_sends_edits_of_an_adopted_meeting_back(client, meeting, member, cochair_az, cochair_us):
    adopt_by_both(meeting, cochair_az, cochair_us)
    client.force_login(member)
    response = client.get(url("edit", meeting))
    assert response.status_code == 302
    assert any("can no longer be changed" in message for message in messages_of(response))


# --- list ---------------------------------------------------------------------------------------


def test_it_lists_upcoming_and_past_meetings(client, energy, member):
    past = schedule(energy, member, title="Past", starts_at_local=dt.datetime(2001, 1, 1, 10))
    future = schedule(energy, member, title="Future", starts_at_local=dt.datetime(2099, 1, 1, 10))
    client.force_login(member)
    upcoming = client.get(url("list"))
    assert list(upcoming.context["page"]) == [future]
    assert list(client.get(url("list"), {"when": "past"}).context["page"]) == [past]
    assert "Schedule a meeting of" in upcoming.content.decode()


def test_it_pages_the_list(client, energy, member):
    Meeting.objects.bulk_create(
        Meeting(group=energy, title=f"M{n}", starts_at=dt.datetime(2090, 1, 1 + n, tzinfo=dt.UTC))
        for n in range(30)
    )
    client.force_login(member)
    first = client.get(url("list"))
    assert len(first.context["page"]) == 25
    second = client.get(url("list"), {"page": "2"})
    assert [meeting.title for meeting in second.context["page"]] == [f"M{n}" for n in range(25, 30)]
    assert client.get(url("list"), {"page": "abc"}).status_code == 200
    assert client.get(url("list"), {"page": "999"}).status_code == 200


def test_it_filters_the_list_by_group(client, energy, connectivity, member, other_member):
    schedule(energy, member, title="Energy one", starts_at_local=dt.datetime(2099, 1, 1))
    schedule(
        connectivity,
        other_member,
        title="Connectivity one",
        starts_at_local=dt.datetime(2099, 1, 1),
    )
    client.force_login(member)
    titles = [m.title for m in client.get(url("list"), {"group": "connectivity"}).context["page"]]
    assert titles == ["Connectivity one"]


def test_it_offers_observers_no_new_meeting(client, observer):
    client.force_login(observer)
    assert "Schedule a meeting of" not in client.get(url("list")).content.decode()


# Any input on every meetings POST, and any query on the list: tests/fuzz/test_endpoints.py
# and tests/fuzz/test_query_strings.py (never a 5xx, and a refusal changes nothing).


# --- the rebuilt page: confirmation, controls, times ----------------------------------------------


def test_it_asks_before_adopting_without_javascript(client, meeting, member, cochair_us):
    services.minutes_update(meeting_id=meeting.pk, user=member, version=1, minutes="Agreed.")
    services.guest_add(meeting_id=meeting.pk, user=member, name="Jane Doe", organisation="SOCAR")
    client.force_login(cochair_us)
    before = snapshot()
    response = client.post(url("adopt", meeting), {"version": 2})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Adopting locks the minutes, decisions and action items for your side" in body
    assert "when both sides have adopted they can no longer be changed" in body
    assert "Guest still “Invited”: Jane Doe (SOCAR)" in body
    assert "Attendees with no answer recorded:" in body and "Cochair Az" in body
    assert '<input type="hidden" name="confirmed" value="yes">' in body
    assert '<input type="hidden" name="version" value="2">' in body
    assert f'href="{url("detail", meeting)}#adoption"' in body  # back, doing nothing
    assert snapshot() == before

    confirmed = client.post(url("adopt", meeting), {"version": 2, "confirmed": "yes"})
    assert confirmed.status_code == 302
    assert MinutesAdoption.objects.get().side == "us"


def test_it_asks_in_main_when_htmx_posts_unconfirmed(client, meeting, member, cochair_us):
    services.minutes_update(meeting_id=meeting.pk, user=member, version=1, minutes="Agreed.")
    client.force_login(cochair_us)
    response = client.post(url("adopt", meeting), {"version": 2}, headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#main"
    assert "Adopting locks the minutes" in response.content.decode()
    assert not MinutesAdoption.objects.exists()


def test_it_refuses_non_co_chairs_without_asking(as_member, meeting, member):
    services.minutes_update(meeting_id=meeting.pk, user=member, version=1, minutes="Agreed.")
    assert as_member.post(url("adopt", meeting), {"version": 2}).status_code == 403


def test_it_puts_the_same_confirmation_in_the_pages_dialog(client, meeting, member, cochair_us):
    services.minutes_update(meeting_id=meeting.pk, user=member, version=1, minutes="Agreed.")
    services.guest_add(meeting_id=meeting.pk, user=member, name="Jane Doe")
    client.force_login(cochair_us)
    body = client.get(url("detail", meeting)).content.decode()
    assert 'data-confirm="confirm-adopt-minutes"' in body
    assert '<dialog class="confirm-dialog" id="confirm-adopt-minutes"' in body
    assert "Adopting locks the minutes" in body
    assert "Guest still “Invited”: Jane Doe" in body


def test_it_offers_adoption_only_to_a_side_that_has_not_adopted(
    client, meeting, member, cochair_az, cochair_us
):
    services.minutes_update(meeting_id=meeting.pk, user=member, version=1, minutes="Agreed.")
    services.minutes_adopt(meeting_id=meeting.pk, user=cochair_az)
    client.force_login(cochair_az)
    body = client.get(url("detail", meeting)).content.decode()
    assert url("adopt", meeting) not in body
    assert "Adopted by Cochair Az" in body
    client.force_login(cochair_us)
    body = client.get(url("detail", meeting)).content.decode()
    assert f'action="{url("adopt", meeting)}"' in body


def test_it_offers_each_attendee_a_labelled_status_control(as_member, meeting, cochair_us):
    row = attendance_of(meeting, cochair_us)
    body = as_member.get(url("detail", meeting)).content.decode()
    assert 'role="group"' not in body
    assert (
        f'<label class="visually-hidden" for="attendance-status-{row.pk}">'
        "Attendance of Cochair Us</label>"
    ) in body
    assert f'<select id="attendance-status-{row.pk}" name="status">' in body
    assert '<option value="" selected disabled>Invited</option>' in body


def test_it_shows_readers_the_attendance_as_tags(client, meeting, observer):
    client.force_login(observer)
    body = client.get(url("detail", meeting)).content.decode()
    assert "<select" not in body
    assert 'class="tag tag--grey attendance-status">Invited</strong>' in body


def test_it_stacks_action_items_with_dates_in_the_date_format(as_member, meeting, member):
    services.action_item_add(
        meeting_id=meeting.pk, user=member, title="Grid study", due_date=dt.date(2026, 9, 1)
    )
    body = as_member.get(url("detail", meeting)).content.decode()
    assert '<table class="table table--stack action-items">' in body
    assert '<td data-label="Due"><time datetime="2026-09-01">1 September 2026</time></td>' in body


def test_it_names_adoption_times_in_the_readers_zone(client, meeting, member, cochair_az):
    services.minutes_update(meeting_id=meeting.pk, user=member, version=1, minutes="Agreed.")
    adoption = MinutesAdoption.objects.get(
        pk=services.minutes_adopt(meeting_id=meeting.pk, user=cochair_az).adoptions.get().pk
    )
    client.force_login(member)  # Baku
    body = client.get(url("detail", meeting)).content.decode()
    local = adoption.adopted_at.astimezone(dt.timezone(dt.timedelta(hours=4)))
    assert f"{formats.date_format(local, 'DATE_FORMAT')}, {local:%H:%M}&nbsp;Baku" in body


def test_it_flags_past_meetings_whose_minutes_are_still_a_draft(
    client, energy, member, cochair_az, cochair_us
):
    draft = schedule(energy, member, title="Draft one", starts_at_local=dt.datetime(2001, 1, 1))
    done = schedule(energy, member, title="Adopted one", starts_at_local=dt.datetime(2001, 2, 1))
    adopt_by_both(done, cochair_az, cochair_us)
    client.force_login(member)
    body = client.get(url("list"), {"when": "past"}).content.decode()
    row = re.search(rf'<tr id="meeting-{draft.pk}">(.*?)</tr>', body, re.S).group(1)
    assert "Minutes in draft" in row
    # Midnight in Baku (UTC+4 that winter) is the afternoon before in New York (UTC−5).
    assert '1 January 2001</span>, <span class="capitals__clock">00:00&nbsp;Baku' in row
    assert "15:00&nbsp;Washington (31 December)" in row
    row = re.search(rf'<tr id="meeting-{done.pk}">(.*?)</tr>', body, re.S).group(1)
    assert "Minutes adopted" in row and "Minutes in draft" not in row
    assert "Asia/Baku" not in body
    assert "<h2" in body and "Past meetings" in body


def test_it_names_time_zones_as_people_do_in_the_form(as_member, meeting):
    body = as_member.get(url("edit", meeting)).content.decode()
    assert '<option value="Asia/Baku" selected>Baku</option>' in body
    assert '<option value="America/New_York">Washington</option>' in body
    assert ">America/New_York<" not in body


def test_it_names_the_zones_of_a_stale_edit_as_people_do(client, meeting, member, cochair_us):
    client.force_login(cochair_us)
    client.post(url("edit", meeting), details(version="1"))  # moved to New York
    client.force_login(member)
    response = client.post(url("edit", meeting), details(version="1", time_zone="Asia/Baku"))
    assert response.status_code == 409
    body = response.content.decode()
    assert '<td class="version-theirs">Washington</td>' in body
    assert '<td class="version-yours">Baku</td>' in body
    assert ">America/New_York<" not in body and ">Asia/Baku<" not in body
