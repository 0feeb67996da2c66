"""Pinned query counts: the meeting page, every fragment and the list stay flat with the data.

Each count is checked with 10 and with 1,000 rows of everything: members on the attendance
list, decisions, action items (half linked to milestones) and milestones in the group.
"""

import datetime as dt

import pytest
from django.urls import reverse

from apps.meetings import services
from apps.meetings.models import ActionItem, Attendance, Decision, Meeting
from apps.milestones.models import Milestone
from tests.meetings.conftest import add_members, schedule

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
SIZES = [10, 1000]

# session, user, meeting + group, membership (access), then the page's reads:
# attendance, decisions, action owners (the owner <select>), action items, adoptions.
PAGE_QUERIES = 10
READER_PAGE_QUERIES = 9  # no edit forms, so no action owners
LIST_QUERIES = 6  # session, user, count, one page of meetings, groups for "new meeting"
FORM_PAGE_QUERIES = 5  # session, user, meeting or group, membership
ICS_QUERIES = 4  # session, user, meeting + group, membership: the download reads nothing else
# A fragment POST: session, user, meeting, membership (view access); savepoint, locked
# meeting, membership (the service checks too), the service's own reads and writes, release;
# then the fragment's reads.
FRAGMENT_QUERIES = {
    "attendance": 10,  # + attendance row, update
    "guest_add": 11,  # + duplicate check, insert; attendance list
    "guest_remove": 11,  # + guest row, delete; attendance list
    # The adoption panel reads the attendance too for a co-chair who may adopt (its
    # confirmation names who is still "Invited").
    "minutes": 12,  # + adoptions (withdraw), update; adoption panel
    "decision_add": 13,  # + adoptions (withdraw), insert; decisions, adoption panel
    "decision_remove": 13,  # + delete, adoptions (withdraw); decisions, adoption panel
    "action_add": 13,  # + owner check (form and service), insert; owners, action items
    "action_status": 11,  # + locked item, update; owners, action items
    "action_promote": 18,  # + milestone_create (access, owner, insert, log), link; the list
    "adopt": 12,  # attendance (the confirmation); + adoptions, insert; adoption panel
}


@pytest.fixture(params=SIZES, ids=lambda size: f"{size}-rows")
def crowded(request, energy, cast):
    """A meeting with ``size`` of everything, and the data for each fragment POST."""
    size = request.param
    add_members(energy, size)
    meeting = schedule(energy, cast["member"])
    Decision.objects.bulk_create(
        Decision(meeting=meeting, text=f"Decision {number}") for number in range(size)
    )
    milestones = Milestone.objects.bulk_create(
        Milestone(
            group=energy,
            section=energy.section,
            title=f"Milestone {number}",
            due_date=dt.date(2026, 6, 1),
        )
        for number in range(size)
    )
    owners = list(
        Attendance.objects.filter(meeting=meeting, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    ActionItem.objects.bulk_create(
        ActionItem(
            meeting=meeting,
            title=f"Action {number}",
            owner_id=owners[number % len(owners)],
            milestone=milestones[number] if number % 2 else None,
            due_date=dt.date(2026, 6, 1),
        )
        for number in range(size)
    )
    guest = services.guest_add(meeting_id=meeting.pk, user=cast["member"], name="Guest")
    meeting = services.minutes_update(
        meeting_id=meeting.pk, user=cast["member"], version=1, minutes="Agreed."
    )
    assert Attendance.objects.filter(meeting=meeting).count() >= size
    assert Decision.objects.filter(meeting=meeting).count() == size
    assert ActionItem.objects.filter(meeting=meeting).count() == size
    assert Milestone.objects.filter(group=energy).count() == size
    item = ActionItem.objects.filter(meeting=meeting, milestone__isnull=True).first()
    row = Attendance.objects.get(meeting=meeting, user=cast["member"])
    data = {
        "attendance": {"attendance_id": row.pk, "status": "present"},
        "guest_add": {"name": "Another guest"},
        "guest_remove": {"attendance_id": guest.pk},
        "minutes": {"minutes": "Agreed, with changes.", "version": meeting.version},
        "decision_add": {"text": "Meet again."},
        "decision_remove": {"decision_id": Decision.objects.filter(meeting=meeting).first().pk},
        "action_add": {"title": "Draft", "owner": cast["member"].pk, "due_date": "2026-07-01"},
        "action_status": {"action_item_id": item.pk, "status": "done"},
        "action_promote": {"action_item_id": item.pk},
        "adopt": {"version": meeting.version, "confirmed": "yes"},
    }
    return meeting, data


def test_it_pins_the_meeting_page(client, crowded, cochair_az, django_assert_num_queries):
    meeting, _data = crowded
    client.force_login(cochair_az)
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert response.status_code == 200


def test_it_pins_the_meeting_page_for_a_reader(
    client, crowded, observer, django_assert_num_queries
):
    meeting, _data = crowded
    client.force_login(observer)
    with django_assert_num_queries(READER_PAGE_QUERIES):
        assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200


def test_it_pins_the_calendar_download(client, crowded, observer, django_assert_num_queries):
    meeting, _data = crowded
    client.force_login(observer)
    with django_assert_num_queries(ICS_QUERIES):
        assert client.get(reverse("meetings:ics", args=[meeting.pk])).status_code == 200


@pytest.mark.parametrize("name", sorted(FRAGMENT_QUERIES))
def test_it_pins_each_fragment(client, crowded, cochair_az, name, django_assert_num_queries):
    meeting, data = crowded
    client.force_login(cochair_az)
    url = reverse(f"meetings:{name}", args=[meeting.pk])
    with django_assert_num_queries(FRAGMENT_QUERIES[name]):
        response = client.post(url, data[name], headers=HTMX)
    assert response.status_code == 200, response.content.decode()[:500]


@pytest.mark.parametrize(
    "name, data, queries",
    [
        # session, user, meeting, membership; then the section's reads
        ("decision_add", {"text": ""}, 5),  # decisions
        ("action_add", {"title": "", "owner": "0"}, 7),  # owner lookup; owners, action items
        ("attendance", {"attendance_id": "x", "status": "present"}, 5),  # attendance
    ],
)
def test_it_pins_the_invalid_input_fragments(
    client, crowded, member, name, data, queries, django_assert_num_queries
):
    meeting, _data = crowded
    client.force_login(member)
    with django_assert_num_queries(queries):
        response = client.post(reverse(f"meetings:{name}", args=[meeting.pk]), data, headers=HTMX)
    assert response.status_code == 422


def test_it_pins_the_conflict_fragment(client, crowded, member, django_assert_num_queries):
    meeting, _data = crowded
    client.force_login(member)
    # session, user, meeting, membership; savepoint, locked meeting, membership, rollback,
    # release; who changed it; the adoption panel (the minutes fragment says what saving
    # would withdraw)
    with django_assert_num_queries(11):
        response = client.post(
            reverse("meetings:minutes", args=[meeting.pk]),
            {"minutes": "Stale", "version": 1},
            headers=HTMX,
        )
    assert response.status_code == 409


def test_it_pins_the_list(client, energy, cast, django_assert_num_queries):
    client.force_login(cast["member"])
    for size in SIZES:
        existing = Meeting.objects.count()
        # Half long past, half far ahead: both tabs have meetings whatever today is.
        Meeting.objects.bulk_create(
            Meeting(
                group=energy,
                title=f"Meeting {number}",
                starts_at=dt.datetime(2000 if number % 2 else 2090, 1, 1, tzinfo=dt.UTC)
                + dt.timedelta(hours=number),
            )
            for number in range(existing, size)
        )
        for when in ("upcoming", "past"):
            with django_assert_num_queries(LIST_QUERIES):
                response = client.get(reverse("meetings:list"), {"when": when, "page": "2"})
            assert response.status_code == 200


def test_it_pins_the_form_pages(client, crowded, member, django_assert_num_queries):
    meeting, _data = crowded
    client.force_login(member)
    with django_assert_num_queries(FORM_PAGE_QUERIES):
        assert client.get(reverse("meetings:edit", args=[meeting.pk])).status_code == 200
    with django_assert_num_queries(FORM_PAGE_QUERIES):
        assert client.get(reverse("meetings:create"), {"group": "energy"}).status_code == 200
