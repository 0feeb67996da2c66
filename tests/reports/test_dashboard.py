"""The dashboard `/`: the charter and the working groups the user may see."""

import datetime as dt

import pytest

from apps.milestones.models import Milestone
from tests.conftest import join, make_user


def add_milestones(group, count: int) -> None:
    Milestone.objects.bulk_create(
        Milestone(group=group, section=group.section, title=f"M{i}", due_date=dt.date(2026, 6, 1))
        for i in range(count)
    )


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
    assert "Energy" in body
    assert "Economy and Trade" in body


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


def test_it_counts_milestones_per_group(client, member, energy):
    add_milestones(energy, 3)
    client.force_login(member)
    cards = {group.slug: group for group in client.get("/").context["groups"]}
    assert cards["energy"].milestone_count == 3
    assert cards["energy"].member_count == 1
    assert cards["economy"].milestone_count == 0


@pytest.mark.parametrize("milestones", [10, 1000])
def test_it_pins_the_query_count(client, member, energy, milestones, django_assert_num_queries):
    add_milestones(energy, milestones)
    client.force_login(member)
    # session, user, charter, group cards
    with django_assert_num_queries(4):
        assert client.get("/").status_code == 200


def test_it_renders_in_azerbaijani(client, member):
    client.force_login(member)
    body = client.get("/", headers={"accept-language": "az"}).content.decode()
    assert "Enerji" in body
