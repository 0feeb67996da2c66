"""The group page `/groups/<slug>/`: status, figures, members, milestones and meetings."""

import datetime as dt

import pytest
import time_machine

from apps.accounts.models import Sector, Side
from apps.charter.models import Role
from apps.meetings.models import Meeting, MinutesState
from apps.milestones.models import Status
from tests.conftest import join, make_user
from tests.factories import MilestoneFactory, milestone_batch

NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def milestone(group, title: str, *, due: int, status: str = Status.PLANNED, **extra):
    if status == Status.DONE:
        extra.setdefault("completed_at", NOW)
    return MilestoneFactory(
        group=group, title=title, due_date=TODAY + dt.timedelta(days=due), status=status, **extra
    )


def add_milestones(group, count: int, **fields) -> None:
    fields.setdefault("due_date", TODAY + dt.timedelta(days=60))
    milestone_batch(count, group=group, **fields)


def page(client, user, slug: str = "energy"):
    client.force_login(user)
    return client.get(f"/groups/{slug}/")


# --- access -----------------------------------------------------------------------------------


def test_it_sends_anonymous_users_to_login(client, energy):
    response = client.get("/groups/energy/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/groups/energy/"


def test_it_shows_an_open_group_to_any_signed_in_user(client, outsider, energy):
    assert page(client, outsider).status_code == 200


def test_it_hides_a_restricted_group_from_non_members(client, member, security):
    assert page(client, member, "security").status_code == 404


def test_it_shows_a_restricted_group_to_its_members_and_staff(client, staff, security):
    insider = make_user("defense@example.test")
    join(insider, security, Role.OBSERVER)
    assert page(client, insider, "security").status_code == 200
    assert page(client, staff, "security").status_code == 200


def test_it_answers_404_for_an_unknown_group(client, member):
    assert page(client, member, "no-such-group").status_code == 404


# --- header -----------------------------------------------------------------------------------


def test_it_shows_the_groups_name_section_description_and_status(client, member, energy):
    milestone(energy, "Late", due=-1)
    response = page(client, member)
    body = response.content.decode()
    assert f"<h1>{energy.name_en}" in body
    assert energy.section.title_en in body
    assert energy.description_en[:40] in body
    assert '<strong class="tag tag--rag-red">Red</strong>' in body
    assert "An open milestone is overdue or blocked." in body
    assert response.context["rag"] == "red"


def test_it_shows_the_groups_figures(client, member, energy):
    milestone(energy, "Done", due=-5, status=Status.DONE, progress=100)
    milestone(energy, "Late", due=-1, progress=20)
    milestone(energy, "Dropped", due=3, status=Status.CANCELLED)
    figures = page(client, member).context["figures"]
    assert (figures.done_percent, figures.mean_progress_percent) == (50, 60)
    assert (figures.open, figures.overdue) == (1, 1)


# --- members ----------------------------------------------------------------------------------


def test_it_lists_members_by_side_with_cochairs_first(
    client, cochair_az, cochair_us, member, observer, energy
):
    guest = make_user("guest@example.test", side=Side.OTHER, display_name="Guest Expert")
    join(guest, energy, Role.OBSERVER)
    aardvark = make_user("aardvark@example.test", side=Side.AZ, display_name="Aardvark")
    join(aardvark, energy, Role.OBSERVER)
    response = page(client, member)
    order = [m.user.email for m in response.context["members"]]
    assert order == [
        cochair_az.email,
        member.email,
        aardvark.email,
        cochair_us.email,
        observer.email,
        guest.email,
    ]
    body = response.content.decode()
    # Each row says its side (the rows are in the order above).
    assert "Member</span> · <span>Azerbaijan</span>" in body
    assert "Guest Expert</p>" in body and "Observer</span> · <span>Other</span>" in body


def test_it_marks_private_sector_members_and_shows_organisations(client, member, energy):
    company = make_user("bp@example.test", sector=Sector.PRIVATE, organisation="Caspian Energy Ltd")
    join(company, energy, Role.MEMBER)
    body = page(client, member).content.decode()
    assert '<strong class="tag tag--purple">Private sector</strong>' in body
    assert "Caspian Energy Ltd" in body


@pytest.mark.parametrize(
    "role, manages",
    [
        ("outsider", False),
        ("observer", False),
        ("member", False),
        ("cochair_az", True),
        ("cochair_us", True),
        ("staff", True),
    ],
)
def test_it_shows_member_management_to_cochairs_and_staff_only(
    request, client, energy, member, role, manages
):
    body = page(client, request.getfixturevalue(role)).content.decode()
    assert ('action="/groups/energy/members/add/"' in body) is manages
    assert ('class="member-change"' in body) is manages
    assert (f'action="/groups/energy/members/{member.memberships.get().pk}/remove/"' in body) is (
        manages
    )
    assert (f'href="/notifications/preview/{member.pk}/"' in body) is manages


def test_it_renders_the_members_section_as_a_partial(client, member, energy):
    body = page(client, member).content.decode()
    assert body.count('<section id="members"') == 1


# --- milestones -------------------------------------------------------------------------------


def test_it_lists_overdue_then_next_due_open_milestones(client, member, energy):
    milestone(energy, "Next", due=3, status=Status.IN_PROGRESS, progress=30, owner=member)
    milestone(energy, "Late", due=-4, status=Status.BLOCKED)
    milestone(energy, "Closed", due=-9, status=Status.DONE, progress=100)
    milestone(energy, "Dropped", due=1, status=Status.CANCELLED)
    milestone(energy, "Far", due=90)
    response = page(client, member)
    assert [m.title for m in response.context["milestones"]] == ["Late", "Next", "Far"]
    body = response.content.decode()
    assert "Blocked" in body and "In progress" in body
    assert '<strong class="overdue-flag">Overdue</strong>' in body
    assert 'value="30"' in body and "30%" in body


def test_it_lists_at_most_15_milestones_and_links_to_all(client, member, energy):
    add_milestones(energy, 20)
    response = page(client, member)
    assert len(response.context["milestones"]) == 15
    assert response.context["milestones"].more
    assert 'href="/milestones/?group=energy"' in response.content.decode()


def test_it_merges_statuses_in_due_date_order(client, member, energy):
    for day in range(1, 21):
        status = [Status.PLANNED, Status.IN_PROGRESS, Status.AT_RISK, Status.BLOCKED][day % 4]
        milestone(energy, f"D{day:02}", due=day, status=status)
    milestone(energy, "Signed soon", due=30, status=Status.AWAITING_SIGNOFF)
    response = page(client, member)
    assert [m.title for m in response.context["milestones"]] == [f"D{d:02}" for d in range(1, 16)]
    assert response.context["milestones"].more


@pytest.mark.parametrize(
    "role, creates",
    [
        ("outsider", False),
        ("observer", False),
        ("member", True),
        ("cochair_az", True),
        ("staff", True),
    ],
)
def test_it_offers_new_milestone_and_meeting_to_members(request, client, energy, role, creates):
    body = page(client, request.getfixturevalue(role)).content.decode()
    assert ('href="/milestones/new/?group=energy"' in body) is creates
    assert ('href="/meetings/new/?group=energy"' in body) is creates


# --- meetings ---------------------------------------------------------------------------------


def test_it_lists_upcoming_and_recent_meetings_in_the_viewers_time_zone(client, cochair_us, energy):
    upcoming = Meeting.objects.create(
        group=energy, title="Steering", starts_at=dt.datetime(2026, 6, 20, 14, 0, tzinfo=dt.UTC)
    )
    past = Meeting.objects.create(
        group=energy,
        title="Kick-off",
        starts_at=NOW - dt.timedelta(days=30),
        minutes="Agreed.",
        minutes_state=MinutesState.ADOPTED,
    )
    response = page(client, cochair_us)  # America/New_York
    assert [m.pk for m in response.context["upcoming_meetings"]] == [upcoming.pk]
    assert [m.pk for m in response.context["past_meetings"]] == [past.pk]
    body = response.content.decode()
    assert f'href="/meetings/{upcoming.pk}/"' in body
    # The meeting's capitals, both named (no zone ids).
    assert "20 June 2026</span>, <span" in body
    assert "18:00&nbsp;Baku" in body and "10:00&nbsp;Washington" in body
    assert "minutes adopted" in body
    assert "America/New_York" not in body


def test_it_limits_the_meeting_lists(client, member, energy):
    for days in range(-6, 6):
        Meeting.objects.create(
            group=energy, title=f"M{days}", starts_at=NOW + dt.timedelta(days=days, hours=1)
        )
    response = page(client, member)
    assert [m.title for m in response.context["upcoming_meetings"]] == ["M0", "M1", "M2"]
    assert [m.title for m in response.context["past_meetings"]] == ["M-1", "M-2", "M-3"]


# --- query count ------------------------------------------------------------------------------


@pytest.mark.parametrize("milestones", [10, 1000])
def test_it_pins_the_query_count_whatever_the_milestones(
    client, cochair_az, cochair_us, member, energy, milestones, django_assert_num_queries
):
    add_milestones(energy, milestones // 2, owner=member, due_date=TODAY - dt.timedelta(days=1))
    add_milestones(energy, milestones // 2, status=Status.AT_RISK)
    for days in (-3, -2, 2, 3):
        Meeting.objects.create(group=energy, title="M", starts_at=NOW + dt.timedelta(days=days))
    client.force_login(cochair_az)
    # session, user, group, my membership, RAG, figures, members, milestones, upcoming and
    # past meetings, timeline marks, completions per week (the charts)
    with django_assert_num_queries(13):
        assert client.get("/groups/energy/").status_code == 200


@pytest.mark.parametrize("members", [10, 200])
def test_it_pins_the_query_count_whatever_the_members(
    client, cochair_az, energy, members, django_assert_num_queries
):
    for i in range(members - 1):
        join(make_user(f"m{i}@example.test", organisation="Org"), energy, Role.MEMBER)
    add_milestones(energy, 10)
    client.force_login(cochair_az)
    with django_assert_num_queries(13):
        response = client.get("/groups/energy/")
    assert len(response.context["members"]) == members


# --- the status with its reason, the facts --------------------------------------------------


def test_it_shows_the_status_with_its_reason(client, member, energy):
    milestone(energy, "Late", due=-2)
    milestone(energy, "Stuck", due=20, status=Status.BLOCKED)
    body = page(client, member).content.decode()
    assert '<strong class="tag tag--rag-red">Red</strong> <span class="rag-reason">' in body
    assert '<span class="rag-reason">1 overdue · 1 blocked</span>' in body
    assert '<dl class="summary-list">' in body


def test_it_says_a_quiet_group_is_on_track(client, member, energy):
    body = page(client, member).content.decode()
    assert '<span class="rag-reason">On track</span>' in body
