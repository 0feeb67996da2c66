"""The admin for meetings, attendance, decisions, action items and minutes adoption."""

import datetime

import pytest
from django.urls import reverse

from apps.accounts.models import Side
from apps.meetings.models import (
    ActionItem,
    Attendance,
    AttendanceStatus,
    Decision,
    Meeting,
    MinutesAdoption,
)
from apps.milestones.models import Milestone
from tests.admin_helpers import add_inline_row, admin_form_data
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

MEETING_CHANGELIST_QUERIES = 8
ACTION_ITEM_CHANGELIST_QUERIES = 8


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


def url(model, view: str, *args) -> str:
    return reverse(f"admin:meetings_{model._meta.model_name}_{view}", args=args)


def make_meetings(group, count: int, *, created_by=None, start: int = 0) -> list[Meeting]:
    return [
        Meeting.objects.create(
            group=group,
            title=f"{group.slug} meeting {number}",
            starts_at=datetime.datetime(2026, 1 + number % 12, 10, 9, tzinfo=datetime.UTC),
            created_by=created_by,
        )
        for number in range(start, start + count)
    ]


@pytest.fixture
def meeting(energy, member, cochair_az, cochair_us) -> Meeting:
    meeting = make_meetings(energy, 1, created_by=cochair_az)[0]
    Attendance.objects.create(meeting=meeting, user=member, status=AttendanceStatus.PRESENT)
    Attendance.objects.create(meeting=meeting, guest_name="Guest", guest_organisation="SOCAR")
    Decision.objects.create(meeting=meeting, text="Adopt the roadmap.")
    milestone = Milestone.objects.create(
        group=energy, section=energy.section, title="Roadmap", due_date="2026-06-01"
    )
    ActionItem.objects.create(meeting=meeting, title="Circulate", owner=member, milestone=milestone)
    MinutesAdoption.objects.create(meeting=meeting, side=Side.AZ, adopted_by=cochair_az)
    return meeting


@pytest.mark.parametrize("model", [Meeting, Attendance, Decision, ActionItem, MinutesAdoption])
def test_it_renders_the_changelist_add_and_change_pages(admin_client, model, meeting):
    assert admin_client.get(url(model, "changelist")).status_code == 200
    assert admin_client.get(url(model, "add")).status_code == 200
    obj = model.objects.order_by("pk").first()
    assert admin_client.get(url(model, "change", obj.pk)).status_code == 200


def test_it_shows_the_meeting_inlines(admin_client, meeting):
    response = admin_client.get(url(Meeting, "change", meeting.pk))
    models = [inline.formset.model for inline in response.context["inline_admin_formsets"]]
    assert models == [Attendance, Decision, ActionItem, MinutesAdoption]
    assert "Adopt the roadmap." in response.text


def test_it_keeps_the_meeting_changelist_query_count_flat(
    admin_client, django_assert_num_queries, energy, connectivity, member
):
    make_meetings(energy, 2, created_by=member)
    make_meetings(connectivity, 1)
    with django_assert_num_queries(MEETING_CHANGELIST_QUERIES):
        response = admin_client.get(url(Meeting, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 3

    make_meetings(energy, 8, created_by=member, start=2)
    make_meetings(connectivity, 4, start=1)
    with django_assert_num_queries(MEETING_CHANGELIST_QUERIES):
        response = admin_client.get(url(Meeting, "changelist"))
    assert response.context["cl"].result_count == 15


def test_it_keeps_the_action_item_changelist_query_count_flat(
    admin_client, django_assert_num_queries, meeting, member
):
    def add_items(count: int) -> None:
        for number in range(count):
            ActionItem.objects.create(
                meeting=meeting,
                title=f"Item {number}",
                owner=member,
                milestone=Milestone.objects.first(),
                due_date=datetime.date(2026, 5, 1 + number),
            )

    with django_assert_num_queries(ACTION_ITEM_CHANGELIST_QUERIES):
        assert admin_client.get(url(ActionItem, "changelist")).status_code == 200
    add_items(5)
    with django_assert_num_queries(ACTION_ITEM_CHANGELIST_QUERIES):
        assert admin_client.get(url(ActionItem, "changelist")).status_code == 200


def test_it_bumps_the_version_and_keeps_the_author_on_edit(admin_client, meeting, cochair_az):
    data = admin_form_data(admin_client.get(url(Meeting, "change", meeting.pk)))
    data["title"] = "Energy WG, second session"
    response = admin_client.post(url(Meeting, "change", meeting.pk), data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.title, meeting.version, meeting.created_by) == (
        "Energy WG, second session",
        2,
        cochair_az,
    )


def test_it_records_who_created_a_meeting(admin_client, staff, energy):
    data = admin_form_data(admin_client.get(url(Meeting, "add")))
    data.update(
        group=energy.pk,
        title="Kick-off",
        starts_at_0="2026-03-02",
        starts_at_1="10:00:00",
    )
    response = admin_client.post(url(Meeting, "add"), data)
    assert response.status_code == 302
    assert Meeting.objects.get(title="Kick-off").created_by == staff


def test_it_refuses_a_member_listed_twice_in_the_attendance_inline(admin_client, meeting, member):
    data = admin_form_data(admin_client.get(url(Meeting, "change", meeting.pk)))
    add_inline_row(data, "attendance", user=member.pk, status=AttendanceStatus.ABSENT)
    response = admin_client.post(url(Meeting, "change", meeting.pk), data)
    assert response.status_code == 200
    assert "This member is already on the attendance list." in response.text
    assert meeting.attendance.count() == 2


def test_it_refuses_a_member_added_twice_together(admin_client, energy, observer):
    meeting = make_meetings(energy, 1)[0]
    data = admin_form_data(admin_client.get(url(Meeting, "change", meeting.pk)))
    add_inline_row(data, "attendance", user=observer.pk, status=AttendanceStatus.PRESENT)
    add_inline_row(data, "attendance", user=observer.pk, status=AttendanceStatus.ABSENT)
    response = admin_client.post(url(Meeting, "change", meeting.pk), data)
    assert response.status_code == 200
    assert "This member is already on the attendance list." in response.text
    assert not meeting.attendance.exists()


def test_it_refuses_a_member_and_a_guest_on_one_row(admin_client, meeting, observer):
    data = admin_form_data(admin_client.get(url(Meeting, "change", meeting.pk)))
    add_inline_row(data, "attendance", user=observer.pk, guest_name="Also a guest")
    response = admin_client.post(url(Meeting, "change", meeting.pk), data)
    assert response.status_code == 200
    assert "Choose a member or name a guest, not both." in response.text


def test_it_refuses_a_second_adoption_for_a_side_added_together(admin_client, energy, cochair_us):
    meeting = make_meetings(energy, 1)[0]
    deputy = make_user("deputy.us@example.test", side=Side.US)
    data = admin_form_data(admin_client.get(url(Meeting, "change", meeting.pk)))
    add_inline_row(data, "adoptions", side=Side.US, adopted_by=cochair_us.pk)
    add_inline_row(data, "adoptions", side=Side.US, adopted_by=deputy.pk)
    response = admin_client.post(url(Meeting, "change", meeting.pk), data)
    assert response.status_code == 200
    assert "This side has already adopted these minutes." in response.text
    assert not meeting.adoptions.exists()


def test_it_refuses_a_second_adoption_in_the_adoption_form(admin_client, meeting, cochair_az):
    response = admin_client.post(
        url(MinutesAdoption, "add"),
        {"meeting": meeting.pk, "side": Side.AZ, "adopted_by": cochair_az.pk},
    )
    assert response.status_code == 200
    assert "This side has already adopted these minutes." in response.text
    assert meeting.adoptions.count() == 1


def test_it_filters_overdue_action_items(admin_client, meeting, member):
    ActionItem.objects.create(
        meeting=meeting, title="Late", owner=member, due_date=datetime.date(2000, 1, 1)
    )
    response = admin_client.get(url(ActionItem, "changelist"), {"overdue": "yes"})
    assert [item.title for item in response.context["cl"].result_list] == ["Late"]
