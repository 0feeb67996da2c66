"""Pinned query counts of a list row's endpoints and the owner search: the same with 10 and
1,000 milestones in the group (and with 10 or 300 possible owners for the owner search).
The list page and the create page themselves: tests/milestones/test_queries.py."""

import pytest
from django.urls import reverse

from apps.charter.models import Role
from tests.conftest import join, make_user
from tests.milestones.conftest import HTMX, bulk_milestones

pytestmark = pytest.mark.django_db

SIZES = [10, 1000]

# session, user; access (milestone, membership)
ROW = 5  # + the row (milestone with group, section, owner)
ROW_EDIT = 5  # + the group's possible owners (the first 20, one query); the milestone is
# the one the access check loaded
ROW_EDIT_PAGE = ROW_EDIT + 1  # the first 200 possible owners; + the header's import question
# POST: access; the service in its transaction (savepoint, locked milestone, membership,
# writes, release); then the read-only row
ROW_SAVE = 11
ROW_SAVE_PLAIN = ROW_SAVE  # no row, but the message is saved in the session
ROW_INVALID = 5  # no service call: access, the form again with the possible owners
# session, user, the group, membership, the first 20 possible owners
OWNER_SEARCH = 5


@pytest.fixture
def scale(energy, member, cochair_az, cochair_us, observer):
    def build(size: int):
        bulk_milestones(energy, size - 1, owner=member)
        return bulk_milestones(energy, 1, owner=member, start=size)[0]

    return build


def data(milestone, **overrides) -> dict:
    return {
        "version": milestone.version,
        "status": milestone.status,
        "progress": milestone.progress,
        "due_date": milestone.due_date.isoformat(),
        "owner": member_email(milestone),
        "next": "/milestones/?group=energy",
        **overrides,
    }


def member_email(milestone) -> str:
    return milestone.owner.email if milestone.owner else ""


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_the_row_flat(as_user, scale, member, django_assert_num_queries, size):
    target = scale(size)
    client = as_user(member)
    with django_assert_num_queries(ROW):
        response = client.get(reverse("milestones:row", args=[target.pk]), headers=HTMX)
    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_the_row_edit_form_flat(as_user, scale, member, django_assert_num_queries, size):
    target = scale(size)
    client = as_user(member)
    path = reverse("milestones:row_edit", args=[target.pk])
    with django_assert_num_queries(ROW_EDIT):
        assert client.get(path, headers=HTMX).status_code == 200
    with django_assert_num_queries(ROW_EDIT_PAGE):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_a_row_save_flat(as_user, scale, member, django_assert_num_queries, size):
    target = scale(size)
    client = as_user(member)
    path = reverse("milestones:row_edit", args=[target.pk])
    with django_assert_num_queries(ROW_SAVE):
        response = client.post(path, data(target, progress=41), headers=HTMX)
    assert response.status_code == 200
    target.refresh_from_db()
    with django_assert_num_queries(ROW_SAVE_PLAIN):
        response = client.post(path, data(target, progress=42))
    assert response.status_code == 302


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_an_invalid_row_flat(as_user, scale, member, django_assert_num_queries, size):
    target = scale(size)
    client = as_user(member)
    path = reverse("milestones:row_edit", args=[target.pk])
    with django_assert_num_queries(ROW_INVALID):
        response = client.post(path, data(target, progress=400), headers=HTMX)
    assert response.status_code == 422


@pytest.mark.parametrize("people", [10, 300])
def test_it_keeps_the_owner_search_flat(as_user, energy, member, django_assert_num_queries, people):
    for number in range(people):
        join(make_user(f"person{number:03d}@example.test"), energy, Role.MEMBER)
    client = as_user(member)
    path = reverse("milestones:owner_search")
    with django_assert_num_queries(OWNER_SEARCH):
        response = client.get(path, {"group": "energy", "q": "person"}, headers=HTMX)
    assert response.text.count("<option") == min(people, 20)
    with django_assert_num_queries(OWNER_SEARCH):
        client.get(path, {"group": "energy", "field": "id_owner", "value": ""}, headers=HTMX)
