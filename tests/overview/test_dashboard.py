"""The dashboard `/`: the charter, the working groups the user may see, and "My work"."""

import datetime as dt

import pytest
import time_machine

from apps.accounts.models import Side
from apps.charter.models import Role, WorkingGroup
from apps.meetings.models import (
    ActionItem,
    ActionItemStatus,
    Meeting,
    MinutesAdoption,
    MinutesState,
)
from apps.milestones.models import MilestoneUpdate, SignOff, Status
from tests.conftest import join, make_user
from tests.factories import MilestoneFactory, milestone_batch

NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def add_milestones(group, count: int, **fields) -> None:
    fields.setdefault("due_date", TODAY + dt.timedelta(days=60))
    milestone_batch(count, group=group, **fields)


def milestone(group, title: str, *, due: int, status: str = Status.PLANNED, **extra):
    if status == Status.DONE:
        extra.setdefault("completed_at", NOW)
    return MilestoneFactory(
        group=group, title=title, due_date=TODAY + dt.timedelta(days=due), status=status, **extra
    )


def meeting(group, title: str, starts_at: dt.datetime, **extra) -> Meeting:
    return Meeting.objects.create(group=group, title=title, starts_at=starts_at, **extra)


def cards(client) -> dict[str, WorkingGroup]:
    return {group.slug: group for group in client.get("/").context["groups"]}


# --- access and the charter -------------------------------------------------------------------


def test_it_sends_anonymous_users_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_shows_the_charter_and_groups(client, member):
    client.force_login(member)
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Charter on Strategic Partnership" in body
    assert "Signed on 10 February 2026 in Baku." in body
    assert "Project lists and roadmaps due by 10 May 2026." in body
    assert "Energy" in body
    assert "Economy and Trade" in body
    assert 'href="/groups/energy/"' in body


def test_it_hides_restricted_groups_from_non_members(client, outsider):
    client.force_login(outsider)
    groups = client.get("/").context["groups"]
    assert "security" not in {group.slug for group in groups}
    assert len(groups) == 4


def test_it_shows_restricted_group_to_its_members(client, security):
    user = make_user("defense@example.test")
    join(user, security, "member")
    client.force_login(user)
    assert "security" in {group.slug for group in client.get("/").context["groups"]}


def test_it_shows_every_group_to_staff(client, staff):
    client.force_login(staff)
    assert len(client.get("/").context["groups"]) == 5


def test_it_renders_in_azerbaijani(client, member):
    member.language = "az"  # a signed-in user's saved language wins over Accept-Language
    member.save(update_fields=["language"])
    client.force_login(member)
    body = client.get("/", headers={"accept-language": "az"}).content.decode()
    assert "Enerji" in body


# --- group cards ------------------------------------------------------------------------------


def test_it_shows_each_groups_rag_as_text_and_colour(client, member, energy, connectivity):
    milestone(energy, "Late", due=-2)
    milestone(connectivity, "Soon", due=3)
    client.force_login(member)
    groups = cards(client)
    assert (groups["energy"].rag, groups["connectivity"].rag, groups["economy"].rag) == (
        "red",
        "amber",
        "green",
    )
    body = client.get("/").content.decode()
    assert '<strong class="tag tag--rag-red">Red</strong>' in body
    assert '<strong class="tag tag--rag-amber">Amber</strong>' in body
    assert '<strong class="tag tag--rag-green">Green</strong>' in body


def test_it_computes_the_figures_of_each_group(client, member, energy):
    milestone(energy, "Done 1", due=-30, status=Status.DONE, progress=100)
    milestone(energy, "Done 2", due=-20, status=Status.DONE, progress=100)
    milestone(energy, "Dropped", due=-10, status=Status.CANCELLED, progress=90)
    milestone(energy, "Late", due=-1, status=Status.IN_PROGRESS, progress=40)
    milestone(energy, "Later", due=30, progress=0)
    client.force_login(member)
    figures = cards(client)["energy"].figures
    assert (figures.live, figures.done, figures.open, figures.overdue) == (4, 2, 2, 1)
    assert figures.done_percent == 50  # 2 done of 4 not cancelled
    assert figures.mean_progress_percent == 60  # (100 + 100 + 40 + 0) / 4
    body = client.get("/").content.decode()
    assert "<dd>50%</dd>" in body
    assert "<dd>60%</dd>" in body


def test_it_shows_dashes_for_a_group_without_milestones(client, member):
    client.force_login(member)
    figures = cards(client)["economy"].figures
    assert figures.done_percent is None
    assert figures.mean_progress_percent is None
    assert figures.overdue == 0


def test_it_shows_the_next_deadline_with_its_title(client, member, energy):
    milestone(energy, "Overdue one", due=-3)
    milestone(energy, "Finished", due=1, status=Status.DONE, progress=100)
    milestone(energy, "Dropped", due=1, status=Status.CANCELLED)
    later = milestone(energy, "Grid study", due=9)
    milestone(energy, "Even later", due=20)
    client.force_login(member)
    card = cards(client)["energy"]
    assert card.next_due.pk == later.pk
    assert card.figures.next_due_date == later.due_date
    body = client.get("/").content.decode()
    assert f'<a href="/milestones/{later.pk}/">Grid study</a>' in body
    assert "none scheduled" in body  # the other groups


def test_it_picks_the_lowest_id_on_a_shared_due_date(client, member, energy):
    first = milestone(energy, "First", due=5)
    milestone(energy, "Second", due=5)
    client.force_login(member)
    assert cards(client)["energy"].next_due.pk == first.pk


def test_it_shows_the_next_meeting_in_the_viewers_time_zone(client, cochair_az, cochair_us, energy):
    meeting(energy, "Past", NOW - dt.timedelta(days=1))
    meeting(energy, "Steering", dt.datetime(2026, 6, 20, 10, 0, tzinfo=dt.UTC))
    meeting(energy, "Later", dt.datetime(2026, 7, 20, 10, 0, tzinfo=dt.UTC))
    cochair_az.language = "en"  # English dates (the saved language wins over Accept-Language)
    cochair_az.save(update_fields=["language"])
    client.force_login(cochair_az)  # Asia/Baku, UTC+4
    body = client.get("/", headers={"accept-language": "en"}).content.decode()
    steering = Meeting.objects.get(title="Steering")
    assert f'<a href="/meetings/{steering.pk}/">Steering</a>' in body
    assert "20 June 2026, 14:00&nbsp;Baku</time>" in body  # the zone named, not its id
    assert "Asia/Baku" not in body
    client.force_login(cochair_us)  # America/New_York, UTC-4 in June
    body = client.get("/").content.decode()
    assert "20 June 2026, 06:00" in body


def test_it_counts_members_per_group(client, member, observer, energy):
    client.force_login(member)
    assert cards(client)["energy"].member_count == 2


# --- my work ----------------------------------------------------------------------------------


def test_it_lists_my_open_milestones_soonest_first(client, member, energy):
    later = milestone(energy, "Later", due=20, owner=member)
    sooner = milestone(energy, "Sooner", due=2, owner=member)
    milestone(energy, "Done", due=1, status=Status.DONE, owner=member)
    milestone(energy, "Someone else's", due=1)
    client.force_login(member)
    work = client.get("/").context["my_work"]
    assert [m.pk for m in work.milestones] == [sooner.pk, later.pk]
    assert not work.milestones.more


def test_it_shows_ten_of_my_milestones_and_links_to_the_rest(client, member, energy):
    add_milestones(energy, 12, owner=member)
    client.force_login(member)
    response = client.get("/")
    work = response.context["my_work"]
    assert len(work.milestones) == 10
    assert work.milestones.more
    assert '/milestones/?owner=me"' in response.content.decode()


def test_it_hides_my_milestones_in_groups_i_may_not_see(client, member, security):
    milestone(security, "Classified", due=3, owner=member)
    client.force_login(member)
    assert not client.get("/").context["my_work"].milestones


def test_it_lists_my_open_action_items(client, member, energy):
    held = meeting(energy, "Review", NOW - dt.timedelta(days=3))
    mine = ActionItem.objects.create(
        meeting=held, title="Send the grid data", owner=member, due_date=TODAY
    )
    ActionItem.objects.create(
        meeting=held,
        title="Closed",
        owner=member,
        status=ActionItemStatus.DONE,
        completed_at=held.starts_at,
    )
    ActionItem.objects.create(meeting=held, title="Not mine", owner=None)
    client.force_login(member)
    response = client.get("/")
    assert [item.pk for item in response.context["my_work"].action_items] == [mine.pk]
    body = response.content.decode()
    assert "Send the grid data" in body
    assert f'<a href="/meetings/{held.pk}/">Review</a>' in body


def test_it_lists_signoffs_waiting_for_my_side(client, cochair_az, cochair_us, member, energy):
    waiting = milestone(energy, "Ready to sign", due=5, status=Status.AWAITING_SIGNOFF)
    SignOff.objects.create(milestone=waiting, side=Side.AZ, signed_by=cochair_az)
    milestone(energy, "Still planned", due=5)
    client.force_login(cochair_us)
    assert [m.pk for m in client.get("/").context["my_work"].signoffs] == [waiting.pk]
    client.force_login(cochair_az)  # the AZ side has signed
    assert not client.get("/").context["my_work"].signoffs
    client.force_login(member)  # not a co-chair
    assert not client.get("/").context["my_work"].signoffs


def test_it_lists_signoffs_only_in_groups_i_cochair(client, cochair_az, connectivity):
    milestone(connectivity, "Elsewhere", due=5, status=Status.AWAITING_SIGNOFF)
    client.force_login(cochair_az)
    assert not client.get("/").context["my_work"].signoffs


def test_it_lists_minutes_waiting_for_my_side(client, cochair_az, cochair_us, energy):
    drafted = meeting(energy, "Drafted", NOW - dt.timedelta(days=2), minutes="We agreed.")
    meeting(energy, "No minutes yet", NOW - dt.timedelta(days=1))
    meeting(
        energy,
        "Adopted",
        NOW - dt.timedelta(days=9),
        minutes="Done.",
        minutes_state=MinutesState.ADOPTED,
    )
    MinutesAdoption.objects.create(meeting=drafted, side=Side.US, adopted_by=cochair_us)
    client.force_login(cochair_az)
    assert [m.pk for m in client.get("/").context["my_work"].minutes] == [drafted.pk]
    client.force_login(cochair_us)
    assert not client.get("/").context["my_work"].minutes


def test_it_says_when_nothing_waits(client, outsider):
    client.force_login(outsider)
    response = client.get("/")
    assert response.context["my_work"].empty
    assert "Nothing is waiting for you" in response.content.decode()


# --- query count ------------------------------------------------------------------------------


def busy_group(group, owner, cochair, count: int) -> None:
    """``count`` milestones of every kind, meetings with minutes and action items."""
    per_kind = max(count // 5, 1)
    add_milestones(group, per_kind, owner=owner, due_date=TODAY - dt.timedelta(days=3))
    add_milestones(group, per_kind, owner=owner, status=Status.AWAITING_SIGNOFF)
    add_milestones(group, per_kind, status=Status.AT_RISK, progress=50)
    add_milestones(group, per_kind, status=Status.DONE, progress=100, completed_at=NOW, owner=owner)
    add_milestones(group, count - 4 * per_kind, due_date=TODAY + dt.timedelta(days=5))
    MilestoneUpdate.objects.bulk_create(
        MilestoneUpdate(milestone=m, new_progress=10) for m in group.milestones.all()[:50]
    )
    for i in range(3):
        held = meeting(group, f"Meeting {i}", NOW + dt.timedelta(days=i - 1), minutes="Text")
        ActionItem.objects.bulk_create(
            ActionItem(meeting=held, title=f"A{j}", owner=owner) for j in range(count // 100 + 2)
        )


@pytest.mark.parametrize("milestones", [10, 1000])
def test_it_pins_the_query_count(
    client,
    cochair_az,
    cochair_us,
    member,
    energy,
    connectivity,
    milestones,
    django_assert_num_queries,
):
    busy_group(energy, cochair_az, cochair_az, milestones)
    busy_group(connectivity, cochair_az, cochair_az, milestones)
    join(cochair_az, connectivity, Role.CO_CHAIR)
    client.force_login(cochair_az)
    # session, user, charter, group cards (with RAG and next meeting), milestone figures,
    # next deadlines, my milestones, my action items, my sign-offs, my minutes, completions
    # per week (the burn-up)
    with django_assert_num_queries(12):
        response = client.get("/")
    assert response.status_code == 200
    work = response.context["my_work"]
    assert work.milestones and work.action_items and work.signoffs and work.minutes


# --- the heading, "My work" first, the groups worst first with their reasons ------------------


def test_it_opens_with_a_short_heading_and_my_work(client, member):
    client.force_login(member)
    body = client.get("/").content.decode()
    assert body.count("<h1") == 1
    assert '<h1 class="dashboard-title">Dashboard</h1>' in body
    caption = (
        '<span class="caption">Azerbaijan–United States Charter on Strategic Partnership</span>'
    )
    assert body.index(caption) < body.index("<h1")
    # The charter's long legal title is at the foot, after "My work" and the groups.
    assert body.index('id="my-work-heading"') < body.index('id="groups-heading"')
    assert body.index('id="groups-heading"') < body.index(
        "Charter on Strategic Partnership between"
    )


def test_it_lists_the_groups_worst_first_with_the_reason(client, member, energy, connectivity):
    # energy: amber (at risk, and due soon without progress); connectivity: red.
    milestone(energy, "Risky", due=30, status=Status.AT_RISK)
    milestone(energy, "Quiet", due=5)
    milestone(connectivity, "Late", due=-3)
    milestone(connectivity, "Later", due=-1)
    milestone(connectivity, "Stuck", due=40, status=Status.BLOCKED)
    client.force_login(member)
    response = client.get("/")
    groups = response.context["groups"]
    rags = [group.rag for group in groups]
    assert rags == sorted(rags, key=["red", "amber", "green"].index)
    assert groups[0].slug == "connectivity" and groups[1].slug == "energy"
    body = response.content.decode()
    assert '<span class="rag-reason">2 overdue · 1 blocked</span>' in body
    assert '<span class="rag-reason">1 at risk · 1 stalled</span>' in body
    assert '<span class="rag-reason">On track</span>' in body  # the groups with nothing due
    assert body.index("2 overdue · 1 blocked") < body.index("1 at risk · 1 stalled")
    assert body.index("1 at risk · 1 stalled") < body.index("On track")


def test_it_counts_the_reasons_like_the_rag_rule(client, member, energy):
    milestone(energy, "Late and blocked", due=-3, status=Status.BLOCKED)
    milestone(energy, "Late but done", due=-3, status=Status.DONE)
    milestone(energy, "Cancelled", due=-3, status=Status.CANCELLED)
    milestone(energy, "Moving", due=5, status=Status.IN_PROGRESS)
    MilestoneUpdate.objects.create(milestone=energy.milestones.get(title="Moving"), author=member)
    client.force_login(member)
    card = cards(client)["energy"]
    assert (card.rag_overdue, card.rag_blocked, card.rag_at_risk, card.rag_stalled) == (
        1,
        1,
        0,
        0,
    )
