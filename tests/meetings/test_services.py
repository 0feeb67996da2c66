"""The meetings services: scheduling across time zones, the record, adoption and promotion."""

import datetime as dt
import threading
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.meetings import services
from apps.meetings.models import (
    ActionItem,
    ActionItemStatus,
    Attendance,
    AttendanceStatus,
    Decision,
    Meeting,
    MinutesAdoption,
    MinutesState,
)
from apps.milestones.models import Milestone
from tests.conftest import join, make_user, require
from tests.meetings.conftest import adopt_by_both, attendance_of, schedule, snapshot

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def errors_of(excinfo) -> str:
    return " ".join(excinfo.value.messages)


# --- scheduling and time zones ------------------------------------------------------------------


def test_it_stores_the_start_in_utc_from_the_meetings_zone(energy, member):
    meeting = schedule(energy, member, time_zone="Asia/Baku")
    assert meeting.starts_at == dt.datetime(2026, 4, 20, 6, 0, tzinfo=UTC)
    assert meeting.time_zone == "Asia/Baku"


def test_it_invites_every_current_member_of_the_group(meeting, cast):
    invited = {row.user for row in meeting.attendance.select_related("user")}
    assert invited == {cast[name] for name in ("cochair_az", "cochair_us", "member", "observer")}
    assert set(meeting.attendance.values_list("status", flat=True)) == {AttendanceStatus.INVITED}


def test_it_does_not_invite_inactive_members(energy, member):
    gone = make_user("gone@example.test", is_active=False)
    join(gone, energy, "member")
    meeting = schedule(energy, member)
    assert not meeting.attendance.filter(user=gone).exists()


def test_it_records_who_scheduled_the_meeting(meeting, member):
    assert (meeting.created_by, meeting.updated_by, meeting.version) == (member, member, 1)


@pytest.mark.parametrize("role", ["observer", "other_member", "outsider"])
def test_it_refuses_scheduling_by_non_members(request, energy, role):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        schedule(energy, user)
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("role", ["member", "cochair_us", "staff"])
def test_it_lets_members_co_chairs_and_staff_schedule(request, energy, role):
    assert schedule(energy, request.getfixturevalue(role)).pk


def test_it_refuses_a_local_time_that_does_not_exist_in_new_york(energy, member):
    # 2026-03-08: New York's clocks jump from 02:00 to 03:00; 02:30 never happens.
    with pytest.raises(ValidationError) as excinfo:
        schedule(
            energy,
            member,
            starts_at_local=dt.datetime(2026, 3, 8, 2, 30),
            time_zone="America/New_York",
        )
    assert "starts_at_local" in excinfo.value.message_dict
    message = errors_of(excinfo)
    assert "2026-03-08 02:30 does not exist in Washington" in message
    assert "clocks go forward" in message
    assert not Meeting.objects.exists()


def test_it_accepts_the_times_either_side_of_the_new_york_gap(energy, member):
    before = schedule(
        energy, member, starts_at_local=dt.datetime(2026, 3, 8, 1, 59), time_zone="America/New_York"
    )
    after = schedule(
        energy, member, starts_at_local=dt.datetime(2026, 3, 8, 3, 0), time_zone="America/New_York"
    )
    assert before.starts_at == dt.datetime(2026, 3, 8, 6, 59, tzinfo=UTC)  # EST, UTC-5
    assert after.starts_at == dt.datetime(2026, 3, 8, 7, 0, tzinfo=UTC)  # EDT, UTC-4


def test_it_resolves_an_ambiguous_new_york_time_to_its_first_occurrence(energy, member):
    # 2026-11-01: 01:30 happens twice in New York; fold=0 is the first (still EDT, UTC-4).
    meeting = schedule(
        energy,
        member,
        starts_at_local=dt.datetime(2026, 11, 1, 1, 30),
        time_zone="America/New_York",
    )
    assert meeting.starts_at == dt.datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "local",
    [
        dt.datetime(2026, 1, 15, 2, 30),
        dt.datetime(2026, 3, 29, 3, 30),  # Europe's spring change: not Baku's
        dt.datetime(2026, 3, 8, 2, 30),  # America's spring change: not Baku's
        dt.datetime(2026, 10, 25, 3, 30),
        dt.datetime(2026, 7, 15, 2, 30),
    ],
)
def test_it_keeps_baku_at_utc_plus_four_all_year(energy, member, local):
    meeting = schedule(energy, member, starts_at_local=local, time_zone="Asia/Baku")
    assert meeting.starts_at == (local - dt.timedelta(hours=4)).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone", "not a known time zone"),
        ({"time_zone": "localtime"}, "time_zone", "not a known time zone"),
        ({"starts_at_local": dt.datetime(1, 1, 1)}, "starts_at_local", "between 2000 and 2100"),
        ({"starts_at_local": dt.datetime(9999, 12, 31, 23, 59)}, "starts_at_local", "2100"),
        (
            {"starts_at_local": dt.datetime(2026, 4, 20, 10, tzinfo=UTC)},
            "starts_at_local",
            "without a zone",
        ),
        ({"title": "   "}, "title", "The title is required."),
        ({"title": "x" * 301}, "title", "too long"),
        ({"link": "javascript:alert(1)"}, "link", "https://"),
        ({"link": "ftp://example.com/x"}, "link", "https://"),
        ({"duration_minutes": 0}, "duration_minutes", "1 to 1,440"),
        ({"duration_minutes": 1441}, "duration_minutes", "1 to 1,440"),
        ({"duration_minutes": True}, "duration_minutes", "1 to 1,440"),
        ({"agenda": "x" * (services.MAX_AGENDA + 1)}, "agenda", "too long"),
        ({"location": "a\x00b"}, "location", "null character"),
    ],
)
def test_it_refuses_bad_details_clearly(energy, member, fields, field, message):
    with pytest.raises(ValidationError) as excinfo:
        schedule(energy, member, **fields)
    assert message in " ".join(excinfo.value.message_dict[field])
    assert not Meeting.objects.exists()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    local=st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    zone=st.sampled_from(["Asia/Baku", "America/New_York", "Europe/London", "Australia/Lord_Howe"]),
)
def test_it_converts_any_local_time_or_refuses_it(local, zone):
    try:
        instant = services.meeting_start_to_utc(starts_at_local=local, time_zone=zone)
    except ValidationError as error:
        assert set(error.message_dict) == {"starts_at_local"}
        return
    assert instant.tzinfo is UTC
    wall = local.replace(second=0, microsecond=0)
    assert instant.astimezone(zoneinfo.ZoneInfo(zone)).replace(tzinfo=None) == wall


# --- editing the details ------------------------------------------------------------------------


def update(meeting, user, version, **fields):
    values = {
        "title": meeting.title,
        "starts_at_local": dt.datetime(2026, 4, 20, 10, 0),
        "time_zone": meeting.time_zone,
        "duration_minutes": meeting.duration_minutes,
        "location": meeting.location,
        "link": meeting.link,
        "agenda": meeting.agenda,
        **fields,
    }
    return services.meeting_update(meeting_id=meeting.pk, user=user, version=version, **values)


def test_it_updates_the_details_and_bumps_the_version(meeting, cochair_us):
    updated = update(
        meeting,
        cochair_us,
        1,
        title="Energy review, session 2",
        starts_at_local=dt.datetime(2026, 4, 21, 9, 0),
        time_zone="America/New_York",
    )
    assert updated.title == "Energy review, session 2"
    assert updated.starts_at == dt.datetime(2026, 4, 21, 13, 0, tzinfo=UTC)
    assert (updated.version, updated.updated_by) == (2, cochair_us)


def test_it_keeps_the_version_when_nothing_changed(meeting, cochair_us):
    assert update(meeting, cochair_us, 1).version == 1
    assert Meeting.objects.get(pk=meeting.pk).updated_by != cochair_us


def test_it_refuses_a_stale_details_edit_with_who_changed_it(meeting, member, cochair_us):
    update(meeting, cochair_us, 1, title="Changed by the US co-chair")
    before = snapshot()
    with pytest.raises(services.Conflict) as excinfo:
        update(meeting, member, 1, title="Changed by the member")
    assert excinfo.value.current.version == 2
    assert excinfo.value.current.updated_by == cochair_us
    assert excinfo.value.current.title == "Changed by the US co-chair"
    assert excinfo.value.attempted["title"] == "Changed by the member"
    assert snapshot() == before


def test_it_refuses_editing_details_after_adoption(meeting, cochair_az, cochair_us, member):
    adopted = adopt_by_both(meeting, cochair_az, cochair_us)
    with pytest.raises(ValidationError) as excinfo:
        update(adopted, member, adopted.version, title="Too late")
    assert excinfo.value.code == services.LOCKED
    assert "locked" in errors_of(excinfo)


def test_it_refuses_edits_by_observers(meeting, observer):
    with pytest.raises(PermissionDenied):
        update(meeting, observer, 1, title="Observer edit")


# --- attendance and guests ----------------------------------------------------------------------


@pytest.mark.parametrize("status", ["present", "apologies", "absent"])
def test_it_records_attendance(meeting, member, cochair_us, status):
    row = attendance_of(meeting, cochair_us)
    services.attendance_set(meeting_id=meeting.pk, user=member, attendance_id=row.pk, status=status)
    assert attendance_of(meeting, cochair_us).status == status


@pytest.mark.parametrize("status", ["invited", "late", "", "PRESENT"])
def test_it_refuses_an_unknown_attendance_status(meeting, member, status):
    row = attendance_of(meeting, member)
    with pytest.raises(ValidationError, match="present, apologies or absent"):
        services.attendance_set(
            meeting_id=meeting.pk, user=member, attendance_id=row.pk, status=status
        )
    assert attendance_of(meeting, member).status == AttendanceStatus.INVITED


def test_it_refuses_attendance_of_another_meeting(meeting, energy, member):
    other = schedule(energy, member, title="Another meeting")
    row = attendance_of(other, member)
    with pytest.raises(ValidationError, match="not on this meeting's attendance list"):
        services.attendance_set(
            meeting_id=meeting.pk, user=member, attendance_id=row.pk, status="present"
        )
    assert attendance_of(other, member).status == AttendanceStatus.INVITED


def test_it_adds_and_removes_a_guest(meeting, member):
    guest = services.guest_add(
        meeting_id=meeting.pk, user=member, name="  Jane Doe ", organisation="SOCAR"
    )
    assert (guest.user, guest.guest_name, guest.guest_organisation) == (None, "Jane Doe", "SOCAR")
    services.guest_remove(meeting_id=meeting.pk, user=member, attendance_id=guest.pk)
    assert not Attendance.objects.filter(pk=guest.pk).exists()


def test_it_refuses_the_same_guest_twice(meeting, member):
    services.guest_add(meeting_id=meeting.pk, user=member, name="Jane Doe", organisation="SOCAR")
    with pytest.raises(ValidationError, match="already on the list"):
        services.guest_add(
            meeting_id=meeting.pk, user=member, name="jane doe", organisation="socar"
        )
    assert meeting.attendance.filter(user__isnull=True).count() == 1


def test_it_refuses_a_guest_without_a_name(meeting, member):
    with pytest.raises(ValidationError) as excinfo:
        services.guest_add(meeting_id=meeting.pk, user=member, name="   ")
    assert excinfo.value.message_dict == {"name": ["The guest's name is required."]}


def test_it_keeps_members_on_the_list(meeting, member, cochair_az):
    row = attendance_of(meeting, cochair_az)
    with pytest.raises(ValidationError, match="record them as absent"):
        services.guest_remove(meeting_id=meeting.pk, user=member, attendance_id=row.pk)
    assert Attendance.objects.filter(pk=row.pk).exists()


def test_it_locks_attendance_after_adoption(meeting, member, cochair_az, cochair_us):
    adopt_by_both(meeting, cochair_az, cochair_us)
    row = attendance_of(meeting, member)
    with pytest.raises(ValidationError) as excinfo:
        services.attendance_set(
            meeting_id=meeting.pk, user=member, attendance_id=row.pk, status="present"
        )
    assert excinfo.value.code == services.LOCKED
    with pytest.raises(ValidationError) as excinfo:
        services.guest_add(meeting_id=meeting.pk, user=member, name="Late guest")
    assert excinfo.value.code == services.LOCKED


# --- minutes ------------------------------------------------------------------------------------


def test_it_saves_the_minutes_and_bumps_the_version(meeting, member):
    saved = services.minutes_update(
        meeting_id=meeting.pk, user=member, version=1, minutes="# Minutes\r\n\r\nAgreed.\r\n"
    )
    assert saved.minutes == "# Minutes\n\nAgreed."
    assert (saved.version, saved.updated_by) == (2, member)


def test_it_refuses_stale_minutes_and_names_who_saved_them(meeting, member, cochair_us):
    services.minutes_update(meeting_id=meeting.pk, user=cochair_us, version=1, minutes="US text")
    with pytest.raises(services.Conflict) as excinfo:
        services.minutes_update(meeting_id=meeting.pk, user=member, version=1, minutes="AZ text")
    current = excinfo.value.current
    assert (current.minutes, current.updated_by, current.version) == ("US text", cochair_us, 2)
    assert Meeting.objects.get(pk=meeting.pk).minutes == "US text"


def test_it_locks_the_minutes_once_adopted(meeting, member, cochair_az, cochair_us):
    adopted = adopt_by_both(meeting, cochair_az, cochair_us)
    assert adopted.minutes_state == MinutesState.ADOPTED
    with pytest.raises(ValidationError) as excinfo:
        services.minutes_update(
            meeting_id=meeting.pk, user=member, version=adopted.version, minutes="Rewritten"
        )
    assert excinfo.value.code == services.LOCKED
    assert "adopted by both sides" in errors_of(excinfo)
    assert Meeting.objects.get(pk=meeting.pk).minutes == "Agreed."


def test_it_locks_the_minutes_even_for_staff(meeting, staff, cochair_az, cochair_us):
    adopted = adopt_by_both(meeting, cochair_az, cochair_us)
    with pytest.raises(ValidationError, match="locked"):
        services.minutes_update(
            meeting_id=meeting.pk, user=staff, version=adopted.version, minutes="Rewritten"
        )


def test_it_withdraws_a_one_sided_adoption_when_the_minutes_change(meeting, member, cochair_az):
    services.minutes_update(meeting_id=meeting.pk, user=member, version=1, minutes="Draft")
    services.minutes_adopt(meeting_id=meeting.pk, user=cochair_az)
    services.minutes_update(meeting_id=meeting.pk, user=member, version=2, minutes="Draft, fixed")
    assert not MinutesAdoption.objects.filter(meeting=meeting).exists()


def test_it_keeps_the_adoption_when_the_minutes_are_saved_unchanged(meeting, member, cochair_az):
    services.minutes_update(meeting_id=meeting.pk, user=member, version=1, minutes="Draft")
    services.minutes_adopt(meeting_id=meeting.pk, user=cochair_az)
    saved = services.minutes_update(meeting_id=meeting.pk, user=member, version=2, minutes="Draft ")
    assert saved.version == 2
    assert MinutesAdoption.objects.filter(meeting=meeting, side="az").exists()


def test_it_refuses_minutes_that_are_too_long(meeting, member):
    with pytest.raises(ValidationError) as excinfo:
        services.minutes_update(
            meeting_id=meeting.pk, user=member, version=1, minutes="x" * (services.MAX_MINUTES + 1)
        )
    assert "too long" in excinfo.value.message_dict["minutes"][0]


# --- decisions ----------------------------------------------------------------------------------


def test_it_adds_and_removes_decisions(meeting, member):
    decision = services.decision_add(meeting_id=meeting.pk, user=member, text=" Adopt it. ")
    assert decision.text == "Adopt it."
    services.decision_remove(meeting_id=meeting.pk, user=member, decision_id=decision.pk)
    assert not Decision.objects.exists()


def test_it_refuses_removing_another_meetings_decision(meeting, energy, member):
    other = schedule(energy, member, title="Other")
    decision = services.decision_add(meeting_id=other.pk, user=member, text="Theirs.")
    with pytest.raises(ValidationError, match="not on this meeting's record"):
        services.decision_remove(meeting_id=meeting.pk, user=member, decision_id=decision.pk)
    assert Decision.objects.filter(pk=decision.pk).exists()


def test_it_refuses_decisions_once_adopted(meeting, member, cochair_az, cochair_us):
    decision = services.decision_add(meeting_id=meeting.pk, user=member, text="Before.")
    adopt_by_both(meeting, cochair_az, cochair_us)
    with pytest.raises(ValidationError) as excinfo:
        services.decision_add(meeting_id=meeting.pk, user=member, text="After.")
    assert excinfo.value.code == services.LOCKED
    with pytest.raises(ValidationError) as excinfo:
        services.decision_remove(meeting_id=meeting.pk, user=member, decision_id=decision.pk)
    assert excinfo.value.code == services.LOCKED
    assert list(Decision.objects.values_list("text", flat=True)) == ["Before."]


def test_it_withdraws_a_one_sided_adoption_when_decisions_change(meeting, member, cochair_us):
    services.minutes_update(meeting_id=meeting.pk, user=member, version=1, minutes="Draft")
    services.minutes_adopt(meeting_id=meeting.pk, user=cochair_us)
    services.decision_add(meeting_id=meeting.pk, user=member, text="A late decision.")
    assert not MinutesAdoption.objects.exists()


# --- action items -------------------------------------------------------------------------------


def test_it_adds_an_action_item_owned_by_a_member(meeting, member, cochair_us):
    item = services.action_item_add(
        meeting_id=meeting.pk,
        user=member,
        title="Circulate the draft roadmap",
        owner_id=cochair_us.pk,
        due_date=dt.date(2026, 5, 1),
    )
    assert (item.owner, item.due_date, item.status) == (
        cochair_us,
        dt.date(2026, 5, 1),
        ActionItemStatus.OPEN,
    )


@pytest.mark.parametrize("role", ["observer", "other_member", "outsider", "staff"])
def test_it_refuses_an_owner_who_is_not_a_member_of_the_group(request, meeting, member, role):
    owner = request.getfixturevalue(role)
    with pytest.raises(ValidationError) as excinfo:
        services.action_item_add(
            meeting_id=meeting.pk, user=member, title="Do it", owner_id=owner.pk
        )
    assert "member or co-chair of this working group" in excinfo.value.message_dict["owner"][0]
    assert not ActionItem.objects.exists()


@pytest.mark.parametrize("due", [dt.date(1999, 12, 31), dt.date(2101, 1, 1)])
def test_it_refuses_a_due_date_milestones_would_refuse(meeting, member, due):
    with pytest.raises(ValidationError) as excinfo:
        services.action_item_add(meeting_id=meeting.pk, user=member, title="Do it", due_date=due)
    assert "2000 and 2100" in excinfo.value.message_dict["due_date"][0]


def test_it_refuses_new_action_items_once_adopted(meeting, member, cochair_az, cochair_us):
    adopt_by_both(meeting, cochair_az, cochair_us)
    with pytest.raises(ValidationError) as excinfo:
        services.action_item_add(meeting_id=meeting.pk, user=member, title="Too late")
    assert excinfo.value.code == services.LOCKED


def test_it_follows_up_action_items_after_adoption(meeting, member, cochair_az, cochair_us):
    item = services.action_item_add(meeting_id=meeting.pk, user=member, title="Follow up")
    adopt_by_both(meeting, cochair_az, cochair_us)
    done = services.action_item_set_status(
        meeting_id=meeting.pk, user=member, action_item_id=item.pk, status="done"
    )
    assert done.status == ActionItemStatus.DONE
    assert done.completed_at is not None
    reopened = services.action_item_set_status(
        meeting_id=meeting.pk, user=member, action_item_id=item.pk, status="open"
    )
    assert (reopened.status, reopened.completed_at) == (ActionItemStatus.OPEN, None)


def test_it_refuses_an_unknown_action_status(meeting, member):
    item = services.action_item_add(meeting_id=meeting.pk, user=member, title="Follow up")
    with pytest.raises(ValidationError, match="open, done or cancelled"):
        services.action_item_set_status(
            meeting_id=meeting.pk, user=member, action_item_id=item.pk, status="later"
        )


def test_it_refuses_an_action_item_of_another_meeting(meeting, energy, member):
    other = schedule(energy, member, title="Other")
    item = services.action_item_add(meeting_id=other.pk, user=member, title="Theirs")
    with pytest.raises(ValidationError, match="not on this meeting's record"):
        services.action_item_set_status(
            meeting_id=meeting.pk, user=member, action_item_id=item.pk, status="done"
        )


def test_it_promotes_an_action_item_to_a_milestone_once(meeting, energy, member, cochair_us):
    item = services.action_item_add(
        meeting_id=meeting.pk,
        user=member,
        title="Publish the grid study",
        owner_id=cochair_us.pk,
        due_date=dt.date(2026, 9, 30),
    )
    milestone = services.action_item_promote(action_item_id=item.pk, user=member)
    assert isinstance(milestone, Milestone)
    assert (milestone.group, milestone.title, milestone.due_date, milestone.owner) == (
        energy,
        "Publish the grid study",
        dt.date(2026, 9, 30),
        cochair_us,
    )
    assert milestone.section == energy.section
    assert "Energy roadmap review" in milestone.description
    assert ActionItem.objects.get(pk=item.pk).milestone == milestone

    with pytest.raises(ValidationError, match="already been promoted"):
        services.action_item_promote(action_item_id=item.pk, user=member)
    assert Milestone.objects.count() == 1


def test_it_asks_for_a_due_date_before_promoting(meeting, member):
    item = services.action_item_add(meeting_id=meeting.pk, user=member, title="Undated")
    with pytest.raises(ValidationError) as excinfo:
        services.action_item_promote(action_item_id=item.pk, user=member)
    assert "needs one" in excinfo.value.message_dict["due_date"][0]
    assert not Milestone.objects.exists()
    milestone = services.action_item_promote(
        action_item_id=item.pk, user=member, due_date=dt.date(2026, 12, 1)
    )
    assert milestone.due_date == dt.date(2026, 12, 1)
    assert ActionItem.objects.get(pk=item.pk).due_date == dt.date(2026, 12, 1)


def test_it_does_not_promote_cancelled_action_items(meeting, member):
    item = services.action_item_add(
        meeting_id=meeting.pk, user=member, title="Dropped", due_date=dt.date(2026, 6, 1)
    )
    services.action_item_set_status(
        meeting_id=meeting.pk, user=member, action_item_id=item.pk, status="cancelled"
    )
    with pytest.raises(ValidationError, match="cancelled"):
        services.action_item_promote(action_item_id=item.pk, user=member)
    assert not Milestone.objects.exists()


def test_it_promotes_after_adoption(meeting, member, cochair_az, cochair_us):
    item = services.action_item_add(
        meeting_id=meeting.pk, user=member, title="Later", due_date=dt.date(2026, 6, 1)
    )
    adopt_by_both(meeting, cochair_az, cochair_us)
    assert services.action_item_promote(action_item_id=item.pk, user=cochair_us).pk


def test_it_refuses_promotion_by_observers(meeting, member, observer):
    item = services.action_item_add(
        meeting_id=meeting.pk, user=member, title="Later", due_date=dt.date(2026, 6, 1)
    )
    with pytest.raises(PermissionDenied):
        services.action_item_promote(action_item_id=item.pk, user=observer)
    assert not Milestone.objects.exists()


def test_it_refuses_promoting_an_item_of_another_meeting(meeting, energy, member):
    other = schedule(energy, member, title="Other")
    item = services.action_item_add(
        meeting_id=other.pk, user=member, title="Theirs", due_date=dt.date(2026, 6, 1)
    )
    with pytest.raises(ValidationError, match="not on this meeting's record"):
        services.action_item_promote(action_item_id=item.pk, user=member, meeting_id=meeting.pk)
    assert not Milestone.objects.exists()


# --- adoption -----------------------------------------------------------------------------------


@pytest.fixture
def drafted(meeting, member) -> Meeting:
    return services.minutes_update(
        meeting_id=meeting.pk, user=member, version=1, minutes="The group agreed the roadmap."
    )


def test_it_needs_both_sides_to_adopt(drafted, cochair_az, cochair_us):
    one = services.minutes_adopt(meeting_id=drafted.pk, user=cochair_az)
    assert one.minutes_state == MinutesState.DRAFT
    assert list(MinutesAdoption.objects.values_list("side", flat=True)) == ["az"]
    both = services.minutes_adopt(meeting_id=drafted.pk, user=cochair_us)
    assert both.minutes_state == MinutesState.ADOPTED
    assert Meeting.objects.get(pk=drafted.pk).minutes_state == MinutesState.ADOPTED
    adoptions = MinutesAdoption.objects.order_by("side")
    assert [(a.side, a.adopted_by) for a in adoptions] == [("az", cochair_az), ("us", cochair_us)]


def test_it_lets_one_side_adopt_only_once(drafted, cochair_az):
    services.minutes_adopt(meeting_id=drafted.pk, user=cochair_az)
    with pytest.raises(ValidationError, match="Your side has already adopted"):
        services.minutes_adopt(meeting_id=drafted.pk, user=cochair_az)
    assert MinutesAdoption.objects.count() == 1
    assert Meeting.objects.get(pk=drafted.pk).minutes_state == MinutesState.DRAFT


def test_it_cannot_be_adopted_by_one_side_alone_even_by_a_second_az_co_chair(
    drafted, energy, cochair_az
):
    services.minutes_adopt(meeting_id=drafted.pk, user=cochair_az)
    # The database allows one co-chair per side, so a second AZ "co-chair" must be a member.
    deputy = make_user("deputy.az@example.test")
    join(deputy, energy, "member")
    with pytest.raises(PermissionDenied):
        services.minutes_adopt(meeting_id=drafted.pk, user=deputy)
    assert Meeting.objects.get(pk=drafted.pk).minutes_state == MinutesState.DRAFT


@pytest.mark.parametrize("role", ["member", "observer", "staff", "outsider", "other_member"])
def test_it_lets_only_co_chairs_adopt(request, drafted, role):
    with pytest.raises(PermissionDenied):
        services.minutes_adopt(meeting_id=drafted.pk, user=request.getfixturevalue(role))
    assert not MinutesAdoption.objects.exists()


def test_it_refuses_to_adopt_empty_minutes(meeting, cochair_az):
    with pytest.raises(ValidationError, match="no minutes to adopt"):
        services.minutes_adopt(meeting_id=meeting.pk, user=cochair_az)
    assert not MinutesAdoption.objects.exists()


def test_it_refuses_to_adopt_minutes_changed_since_they_were_read(drafted, member, cochair_az):
    services.minutes_update(
        meeting_id=drafted.pk, user=member, version=drafted.version, minutes="Changed"
    )
    with pytest.raises(services.Conflict):
        services.minutes_adopt(meeting_id=drafted.pk, user=cochair_az, version=drafted.version)
    assert not MinutesAdoption.objects.exists()


def test_it_refuses_a_third_adoption_once_adopted(drafted, cochair_az, cochair_us):
    adopt_by_both(drafted, cochair_az, cochair_us)
    with pytest.raises(ValidationError) as excinfo:
        services.minutes_adopt(meeting_id=drafted.pk, user=cochair_az)
    assert excinfo.value.code == services.LOCKED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_adopts_completely_when_both_sides_adopt_at_once(energy, member, cochair_az, cochair_us):
    require(connection.vendor == "postgresql", "row locks need PostgreSQL (DATABASE_URL)")
    meeting = schedule(energy, member)
    services.minutes_update(meeting_id=meeting.pk, user=member, version=1, minutes="Agreed.")
    barrier = threading.Barrier(2)
    outcomes = []

    def adopt(user):
        try:
            barrier.wait(timeout=10)
            outcomes.append(services.minutes_adopt(meeting_id=meeting.pk, user=user).minutes_state)
        finally:
            connection.close()

    threads = [threading.Thread(target=adopt, args=(user,)) for user in (cochair_az, cochair_us)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == [MinutesState.ADOPTED, MinutesState.DRAFT]
    assert Meeting.objects.get(pk=meeting.pk).minutes_state == MinutesState.ADOPTED
    assert MinutesAdoption.objects.filter(meeting=meeting).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_promotes_once_when_two_people_promote_at_once(energy, member, cochair_us):
    require(connection.vendor == "postgresql", "row locks need PostgreSQL (DATABASE_URL)")
    meeting = schedule(energy, member)
    item = services.action_item_add(
        meeting_id=meeting.pk, user=member, title="Race", due_date=dt.date(2026, 6, 1)
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def promote(user):
        try:
            barrier.wait(timeout=10)
            services.action_item_promote(action_item_id=item.pk, user=user)
            outcomes.append("promoted")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=promote, args=(user,)) for user in (member, cochair_us)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["promoted", "refused"]
    assert Milestone.objects.filter(group=energy).count() == 1
