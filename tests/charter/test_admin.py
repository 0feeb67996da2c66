"""The admin for charters, sections, working groups and memberships."""

import pytest
from django.urls import reverse

from apps.accounts.models import Side
from apps.charter.models import Charter, CharterSection, Membership, Role, WorkingGroup
from tests.admin_helpers import add_inline_row, admin_form_data
from tests.conftest import join, make_user
from tests.factories import milestone_batch

pytestmark = pytest.mark.django_db

COCHAIR_TAKEN = "This group already has a co-chair for that side."

# Queries for one changelist page, whatever the number of rows: session, user, the page's
# rows, the counts, and the filters' choices.
MEMBERSHIP_CHANGELIST_QUERIES = 8
WORKING_GROUP_CHANGELIST_QUERIES = 6


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


def url(model, view: str, *args) -> str:
    return reverse(f"admin:charter_{model._meta.model_name}_{view}", args=args)


def add_members(group: WorkingGroup, count: int, *, start: int = 0) -> None:
    for number in range(start, start + count):
        user = make_user(f"member{number}.{group.slug}@example.test", side=Side.US)
        join(user, group, Role.MEMBER)


def add_milestones(group: WorkingGroup, count: int, *, start: int = 0) -> None:
    milestone_batch(
        count,
        start=start,
        group=group,
        title="Milestone {n}",
        due_date=lambda n: f"2026-{1 + n % 12:02d}-15",
    )


@pytest.mark.parametrize("model", [Charter, CharterSection, WorkingGroup, Membership])
def test_it_renders_the_changelist_add_and_change_pages(admin_client, model, cochair_az):
    assert admin_client.get(url(model, "changelist")).status_code == 200
    assert admin_client.get(url(model, "add")).status_code == 200
    obj = model.objects.order_by("pk").first()
    assert admin_client.get(url(model, "change", obj.pk)).status_code == 200


def test_it_sets_the_site_titles(admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert response.context["site_header"] == "CharterHub administration"
    assert response.context["site_title"] == "CharterHub admin"


def test_it_keeps_the_membership_changelist_query_count_flat(
    admin_client, django_assert_num_queries, energy, connectivity
):
    add_members(energy, 2)
    add_members(connectivity, 2)
    with django_assert_num_queries(MEMBERSHIP_CHANGELIST_QUERIES):
        response = admin_client.get(url(Membership, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 4

    add_members(energy, 10, start=2)
    add_members(connectivity, 10, start=2)
    with django_assert_num_queries(MEMBERSHIP_CHANGELIST_QUERIES):
        response = admin_client.get(url(Membership, "changelist"))
    assert response.context["cl"].result_count == 24


def test_it_keeps_the_working_group_changelist_query_count_flat(
    admin_client, django_assert_num_queries, energy, connectivity
):
    add_members(energy, 1)
    add_milestones(energy, 1)
    with django_assert_num_queries(WORKING_GROUP_CHANGELIST_QUERIES):
        response = admin_client.get(url(WorkingGroup, "changelist"))
    assert response.status_code == 200

    add_members(energy, 4, start=1)
    add_milestones(energy, 4, start=1)
    add_members(connectivity, 5)
    add_milestones(connectivity, 5)
    with django_assert_num_queries(WORKING_GROUP_CHANGELIST_QUERIES):
        response = admin_client.get(url(WorkingGroup, "changelist"))
    assert response.status_code == 200


def test_it_shows_member_and_milestone_counts_and_cochairs(admin_client, energy, cochair_az):
    add_members(energy, 3)
    add_milestones(energy, 2)
    response = admin_client.get(url(WorkingGroup, "changelist"))
    row = next(obj for obj in response.context["cl"].result_list if obj.pk == energy.pk)
    assert (row._member_count, row._milestone_count) == (4, 2)
    assert row._cochair_az == cochair_az.display_name
    assert row._cochair_us is None
    assert cochair_az.display_name in response.text


def test_it_refuses_a_second_az_cochair_in_the_membership_add_form(
    admin_client, energy, cochair_az
):
    newcomer = make_user("newcomer@example.test", side=Side.AZ)
    response = admin_client.post(
        url(Membership, "add"),
        {"user": newcomer.pk, "group": energy.pk, "role": Role.CO_CHAIR, "side": Side.AZ},
    )
    assert response.status_code == 200
    assert COCHAIR_TAKEN in response.text
    assert not Membership.objects.filter(user=newcomer).exists()


def test_it_adds_a_membership_through_the_add_form(admin_client, energy, cochair_az):
    newcomer = make_user("newcomer@example.test", side=Side.US)
    response = admin_client.post(
        url(Membership, "add"),
        {"user": newcomer.pk, "group": energy.pk, "role": Role.CO_CHAIR, "side": Side.US},
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=newcomer).role == Role.CO_CHAIR


def test_it_refuses_a_cochair_for_the_other_side(admin_client, energy):
    newcomer = make_user("newcomer@example.test", side=Side.OTHER)
    response = admin_client.post(
        url(Membership, "add"),
        {"user": newcomer.pk, "group": energy.pk, "role": Role.CO_CHAIR, "side": Side.OTHER},
    )
    assert response.status_code == 200
    assert "A co-chair represents Azerbaijan or the United States." in response.text
    assert not Membership.objects.filter(user=newcomer).exists()


def test_it_refuses_a_second_az_cochair_added_inline_when_one_exists(
    admin_client, energy, cochair_az, member
):
    newcomer = make_user("newcomer@example.test", side=Side.AZ)
    page = admin_client.get(url(WorkingGroup, "change", energy.pk))
    data = add_inline_row(
        admin_form_data(page), "memberships", user=newcomer.pk, role=Role.CO_CHAIR, side=Side.AZ
    )
    response = admin_client.post(url(WorkingGroup, "change", energy.pk), data)
    assert response.status_code == 200
    assert COCHAIR_TAKEN in response.text
    assert not Membership.objects.filter(user=newcomer).exists()


def test_it_refuses_two_az_cochairs_added_in_the_same_inline_formset(admin_client, connectivity):
    first = make_user("first@example.test", side=Side.AZ)
    second = make_user("second@example.test", side=Side.AZ)
    page = admin_client.get(url(WorkingGroup, "change", connectivity.pk))
    data = admin_form_data(page)
    add_inline_row(data, "memberships", user=first.pk, role=Role.CO_CHAIR, side=Side.AZ)
    add_inline_row(data, "memberships", user=second.pk, role=Role.CO_CHAIR, side=Side.AZ)
    response = admin_client.post(url(WorkingGroup, "change", connectivity.pk), data)
    assert response.status_code == 200
    assert COCHAIR_TAKEN in response.text
    formset = response.context["inline_admin_formsets"][0].formset
    assert [bool(form.errors) for form in formset.forms] == [False, True]
    assert not connectivity.memberships.exists()


def test_it_adds_one_cochair_per_side_inline(admin_client, connectivity):
    az = make_user("az@example.test", side=Side.AZ)
    us = make_user("us@example.test", side=Side.US)
    page = admin_client.get(url(WorkingGroup, "change", connectivity.pk))
    data = admin_form_data(page)
    add_inline_row(data, "memberships", user=az.pk, role=Role.CO_CHAIR, side=Side.AZ)
    add_inline_row(data, "memberships", user=us.pk, role=Role.CO_CHAIR, side=Side.US)
    response = admin_client.post(url(WorkingGroup, "change", connectivity.pk), data)
    assert response.status_code == 302
    assert connectivity.memberships.filter(role=Role.CO_CHAIR).count() == 2


def test_it_refuses_two_az_cochairs_on_a_new_group(admin_client, energy):
    first = make_user("first@example.test", side=Side.AZ)
    second = make_user("second@example.test", side=Side.AZ)
    page = admin_client.get(url(WorkingGroup, "add"))
    data = admin_form_data(page)
    data.update(
        slug="space",
        section=energy.section_id,
        name_en="Space",
        name_az="Kosmos",
        name_ru="Космос",
    )
    add_inline_row(data, "memberships", user=first.pk, role=Role.CO_CHAIR, side=Side.AZ)
    add_inline_row(data, "memberships", user=second.pk, role=Role.CO_CHAIR, side=Side.AZ)
    response = admin_client.post(url(WorkingGroup, "add"), data)
    assert response.status_code == 200
    assert COCHAIR_TAKEN in response.text
    assert not WorkingGroup.objects.filter(slug="space").exists()


def test_it_finds_groups_and_users_by_autocomplete(admin_client, energy, cochair_az):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "charter",
            "model_name": "membership",
            "field_name": "user",
            "term": "cochair",
        },
    )
    assert response.status_code == 200
    assert [result["id"] for result in response.json()["results"]] == [str(cochair_az.pk)]
