"""The admin for users: email login, preferences, memberships inline."""

import pytest
from django.urls import reverse

from apps.accounts.models import Side, User
from apps.charter.models import Role
from tests.admin_helpers import add_inline_row, admin_form_data
from tests.conftest import join, make_user

pytestmark = pytest.mark.django_db

# Session, user, the two counts, the page's rows, the date hierarchy (2), and the choices
# of the auth-group and working-group filters.
USER_CHANGELIST_QUERIES = 9
PASSWORD = "a-long-enough-passphrase-1"


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


def url(view: str, *args) -> str:
    return reverse(f"admin:accounts_user_{view}", args=args)


def add_users(count: int, *, start: int = 0, groups=()) -> None:
    for number in range(start, start + count):
        user = make_user(f"user{number}@example.test", side=Side.US)
        for group in groups:
            join(user, group, Role.MEMBER)


def test_it_renders_the_changelist_add_and_change_pages(admin_client, member):
    assert admin_client.get(url("changelist")).status_code == 200
    assert admin_client.get(url("add")).status_code == 200
    assert admin_client.get(url("change", member.pk)).status_code == 200
    assert (
        admin_client.get(reverse("admin:auth_user_password_change", args=[member.pk])).status_code
        == 200
    )


def test_it_groups_the_change_form_in_fieldsets(admin_client, member):
    response = admin_client.get(url("change", member.pk))
    fieldsets = {
        str(fieldset.name): [name for line in fieldset for field in line for name in [field.field]]
        for fieldset in response.context["adminform"]
    }
    assert list(fieldsets) == [
        "Identity",
        "Side and organisation",
        "Preferences",
        "Permissions",
        "Important dates",
    ]
    preferences = response.context["adminform"].fieldsets[2][1]["fields"]
    assert preferences == (
        "time_zone",
        "language",
        "digest_frequency",
        "reminder_lead_days",
        "reminders_enabled",
    )


def test_it_shows_the_users_memberships_inline(admin_client, member, connectivity):
    join(member, connectivity, Role.OBSERVER)
    response = admin_client.get(url("change", member.pk))
    formsets = response.context["inline_admin_formsets"]
    assert [formset.formset.prefix for formset in formsets] == ["memberships"]
    groups = {form.instance.group.slug for form in formsets[0].formset.forms}
    assert groups == {"energy", "connectivity"}


def test_it_keeps_the_user_changelist_query_count_flat(
    admin_client, django_assert_num_queries, energy, connectivity
):
    add_users(3, groups=[energy])
    with django_assert_num_queries(USER_CHANGELIST_QUERIES):
        response = admin_client.get(url("changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 4  # with staff

    add_users(15, start=3, groups=[energy, connectivity])
    with django_assert_num_queries(USER_CHANGELIST_QUERIES):
        response = admin_client.get(url("changelist"))
    assert response.context["cl"].result_count == 19


def test_it_counts_memberships_in_the_changelist(admin_client, member, connectivity):
    join(member, connectivity, Role.MEMBER)
    response = admin_client.get(url("changelist"))
    rows = {user.email: user._membership_count for user in response.context["cl"].result_list}
    assert rows["member@example.test"] == 2
    assert rows["staff@example.test"] is None


def test_it_filters_users_by_working_group(admin_client, member, other_member):
    response = admin_client.get(
        url("changelist"), {"working_groups__id__exact": member.memberships.get().group_id}
    )
    assert [user.email for user in response.context["cl"].result_list] == [member.email]


def test_it_creates_a_user_with_email_and_password_twice(admin_client):
    response = admin_client.post(
        url("add"),
        {
            "email": "New.Person@Example.TEST",
            "display_name": "New Person",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(display_name="New Person")
    assert user.email == "new.person@example.test"
    assert user.check_password(PASSWORD)


def test_it_refuses_mismatched_passwords(admin_client):
    response = admin_client.post(
        url("add"),
        {
            "email": "new@example.test",
            "display_name": "New",
            "password1": PASSWORD,
            "password2": PASSWORD + "x",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["password2"]
    assert not User.objects.filter(email="new@example.test").exists()


def test_it_refuses_an_email_that_differs_only_in_case(admin_client, member):
    response = admin_client.post(
        url("add"),
        {
            "email": "MEMBER@example.test",
            "display_name": "Copy",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "A user with this email address already exists." in response.text
    assert User.objects.filter(email__iexact="member@example.test").count() == 1


def test_it_changes_preferences(admin_client, member):
    page = admin_client.get(url("change", member.pk))
    data = admin_form_data(page)
    data.update(
        time_zone="America/New_York",
        language="ru",
        digest_frequency="daily",
        reminder_lead_days="[3, 1]",
    )
    response = admin_client.post(url("change", member.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    member.refresh_from_db()
    assert (member.time_zone, member.language, member.digest_frequency) == (
        "America/New_York",
        "ru",
        "daily",
    )
    assert member.reminder_lead_days == [3, 1]


def test_it_refuses_an_unknown_time_zone(admin_client, member):
    data = admin_form_data(admin_client.get(url("change", member.pk)))
    data["time_zone"] = "Mars/Olympus_Mons"
    response = admin_client.post(url("change", member.pk), data)
    assert response.status_code == 200
    assert "is not a known time zone" in response.text


def test_it_finds_users_by_autocomplete(admin_client, member, observer):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "charter",
            "model_name": "membership",
            "field_name": "user",
            "term": "observer@",
        },
    )
    assert response.status_code == 200
    assert [result["id"] for result in response.json()["results"]] == [str(observer.pk)]


def test_it_refuses_a_second_az_cochair_added_on_the_user_page(admin_client, energy, cochair_az):
    newcomer = make_user("newcomer@example.test", side=Side.AZ)
    data = admin_form_data(admin_client.get(url("change", newcomer.pk)))
    add_inline_row(data, "memberships", group=energy.pk, role=Role.CO_CHAIR, side=Side.AZ)
    response = admin_client.post(url("change", newcomer.pk), data)
    assert response.status_code == 200
    assert "This group already has a co-chair for that side." in response.text
    assert not newcomer.memberships.exists()
