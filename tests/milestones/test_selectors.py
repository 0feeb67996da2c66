"""The list's filters: each one through the selector and through the page's query string,
and bad values answered with a message instead of an error."""

import datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from apps.accounts.models import Side
from apps.milestones.models import Status
from apps.milestones.selectors import milestone_detail, milestone_list, milestone_page
from tests.conftest import join, make_user
from tests.milestones.conftest import make_milestone

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 5, 10)


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def world(energy, connectivity, security, member, observer, other_member, cochair_us, staff):
    """A handful of milestones around 10 May 2026, spread over groups, owners and statuses."""
    us_member = make_user("us.member@example.test", side=Side.US)
    join(us_member, energy, "member")
    made = {
        "overdue": make_milestone(
            energy, owner=member, title="Grid code", due_date=days(-3), status=Status.AT_RISK
        ),
        "overdue_done": make_milestone(
            energy,
            owner=member,
            title="Old survey",
            due_date=days(-30),
            status=Status.DONE,
            progress=100,
            completed_at=datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC),
        ),
        "week": make_milestone(
            energy,
            owner=us_member,
            title="Pipeline permit",
            due_date=days(5),
            description="Trans-Caspian segment",
        ),
        "fortnight": make_milestone(
            energy, owner=cochair_us, title="Tariff study", due_date=days(12), external_ref="EN-12"
        ),
        "month": make_milestone(energy, title="Unowned task", due_date=days(25)),
        "later": make_milestone(
            connectivity,
            owner=other_member,
            title="Middle Corridor rail",
            due_date=days(90),
            status=Status.BLOCKED,
        ),
        "secret": make_milestone(security, title="Classified exercise", due_date=days(1)),
    }
    return made


def titles(user, **filters) -> list[str]:
    with time_machine.travel(datetime.datetime(2026, 5, 10, 12, tzinfo=datetime.UTC), tick=False):
        return [milestone.title for milestone in milestone_list(user=user, filters=filters)]


def page_titles(client, **params) -> tuple[list[str], object]:
    with time_machine.travel(datetime.datetime(2026, 5, 10, 12, tzinfo=datetime.UTC), tick=False):
        response = client.get(reverse("milestones:list"), params)
    assert response.status_code == 200
    return [row.m.title for row in response.context["rows"]], response


def test_it_lists_visible_groups_ordered_by_due_date(world, member, staff):
    assert titles(member) == [
        "Old survey",
        "Grid code",
        "Pipeline permit",
        "Tariff study",
        "Unowned task",
        "Middle Corridor rail",
    ]
    assert "Classified exercise" in titles(staff)


def test_it_orders_latest_first_on_request(world, member):
    assert titles(member, ordering="-due")[:2] == ["Middle Corridor rail", "Unowned task"]


def test_it_filters_by_group(world, member):
    assert titles(member, group="connectivity") == ["Middle Corridor rail"]
    assert titles(member, group="security") == []  # restricted: not even by asking


def test_it_filters_by_several_statuses(world, member):
    assert titles(member, status=[Status.AT_RISK, Status.BLOCKED]) == [
        "Grid code",
        "Middle Corridor rail",
    ]


def test_it_filters_by_owner(world, member, cochair_us):
    assert titles(member, owner="me") == ["Old survey", "Grid code"]
    assert titles(member, owner="none") == ["Unowned task"]
    assert titles(member, owner=cochair_us.pk) == ["Tariff study"]


def test_it_filters_by_the_owners_side(world, member):
    assert titles(member, side="us") == ["Pipeline permit", "Tariff study", "Middle Corridor rail"]
    assert titles(member, side="az") == ["Old survey", "Grid code"]


def test_it_filters_by_section(world, member, connectivity, energy):
    expected = [
        title
        for title in titles(member)
        if title != "Middle Corridor rail" or connectivity.section == energy.section
    ]
    assert titles(member, section=energy.section.slug) == expected


def test_it_filters_by_a_due_date_range(world, member):
    assert titles(member, due_from=days(0), due_to=days(12)) == ["Pipeline permit", "Tariff study"]


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        ("overdue", ["Grid code"]),
        ("7", ["Pipeline permit"]),
        ("14", ["Pipeline permit", "Tariff study"]),
        ("30", ["Pipeline permit", "Tariff study", "Unowned task"]),
    ],
)
def test_it_filters_by_a_due_window(world, member, window, expected):
    assert titles(member, window=window) == expected


def test_it_filters_overdue_only(world, member):
    assert titles(member, overdue=True) == ["Grid code"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("grid", ["Grid code"]), ("caspian", ["Pipeline permit"]), ("en-12", ["Tariff study"])],
)
def test_it_searches_title_description_and_reference(world, member, text, expected):
    assert titles(member, q=text) == expected


def test_it_combines_filters(world, member):
    assert titles(member, group="energy", side="us", window="14") == [
        "Pipeline permit",
        "Tariff study",
    ]


def test_it_pages_by_50(energy, member):
    from tests.milestones.conftest import bulk_milestones

    bulk_milestones(energy, 51)
    page = milestone_page(milestone_list(user=member, filters={}), "2")
    assert (page.number, len(page.object_list)) == (2, 1)


def test_it_loads_the_detail_with_timeline_signoffs_and_evidence(milestone):
    detail = milestone_detail(milestone_id=milestone.pk)
    assert (detail.timeline, detail.signoff_list, detail.evidence_list) == ([], [], [])


# --- through the page -----------------------------------------------------------------------


def test_it_applies_the_query_string(as_user, world, member):
    shown, _response = page_titles(
        as_user(member), group="energy", status=["at_risk", "planned"], ordering="-due"
    )
    assert shown == ["Unowned task", "Tariff study", "Pipeline permit", "Grid code"]


def test_it_names_an_owner_from_a_shared_link(as_user, world, member, cochair_us):
    shown, response = page_titles(as_user(member), owner=str(cochair_us.pk))
    assert shown == ["Tariff study"]
    assert f'<option value="{cochair_us.pk}" selected>Cochair Us</option>' in response.text


@pytest.mark.parametrize(
    ("params", "field_label"),
    [
        ({"status": "finished"}, "Status"),
        ({"group": "no-such-group"}, "Group"),
        ({"group": "security"}, "Group"),
        ({"section": "nowhere"}, "Charter section"),
        ({"owner": "somebody"}, "Owner"),
        ({"owner": "999999"}, "Owner"),
        ({"side": "mars"}, "Owner&#x27;s side"),
        ({"window": "365"}, "Due"),
        ({"due_from": "yesterday"}, "Due from"),
        ({"due_to": "2026-13-45"}, "Due to"),
        ({"due_from": "2026-06-01", "due_to": "2026-05-01"}, "Due to"),
        ({"ordering": "title; DROP TABLE"}, "Order"),
        ({"q": "x" * 201}, "Search"),
    ],
)
def test_it_reports_a_bad_filter_and_shows_the_rest(as_user, world, member, params, field_label):
    shown, response = page_titles(as_user(member), **{"group": "connectivity", **params})
    warnings = [str(message) for message in get_messages(response.wsgi_request)]
    assert len(warnings) == 1
    assert warnings[0].startswith("Some filters could not be used and were left out:")
    assert field_label in response.text
    assert 'class="error-message"' in response.text
    assert '<details class="filter-panel" open>' in response.text  # the error is in sight
    if "group" not in params:
        assert shown == ["Middle Corridor rail"]  # the good filter still applies


def test_it_never_names_an_owner_from_a_group_the_viewer_cannot_see(
    as_user, world, security, member
):
    insider = make_user("insider@example.test", display_name="Secret Agent")
    join(insider, security, "member")
    _shown, response = page_titles(as_user(member), owner=str(insider.pk))
    assert "Secret Agent" not in response.text
