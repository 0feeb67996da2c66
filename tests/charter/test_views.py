"""Managing members inline on the group page: HTMX fragments and plain form posts."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from apps.accounts.models import Side
from apps.charter.access import group_access
from apps.charter.models import Membership, Role
from apps.charter.views import members_context
from tests.conftest import join, make_user
from tests.factories import milestone_batch

HTMX = {"HX-Request": "true"}
ADD = "/groups/energy/members/add/"
CONFIRMED = {"confirmed": "yes"}


def change_url(membership) -> str:
    return f"/groups/{membership.group.slug}/members/{membership.pk}/"


def remove_url(membership) -> str:
    return f"/groups/{membership.group.slug}/members/{membership.pk}/remove/"


def memberships() -> list:
    return sorted(Membership.objects.values_list("pk", "user_id", "group_id", "role", "side"))


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def newcomer(charter_data):
    return make_user(
        "newcomer@example.test",
        side=Side.US,
        display_name="Nora Newcomer",
        organisation="US Department of Energy",
    )


@pytest.fixture
def cochair_az(cochair_az):
    """These tests read the English interface; the shared cast's AZ co-chair has chosen
    Azerbaijani, which the pages now follow (tests/i18n covers that)."""
    cochair_az.language = "en"
    cochair_az.save(update_fields=["language"])
    return cochair_az


@pytest.fixture
def as_cochair(client, cochair_az, cochair_us):
    client.force_login(cochair_az)
    return client


# --- add --------------------------------------------------------------------------------------


def test_it_adds_a_member_and_answers_htmx_with_the_members_fragment(as_cochair, newcomer, energy):
    response = as_cochair.post(
        ADD, {"email": "NEWCOMER@example.test", "role": "member", "side": ""}, headers=HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="members"')
    assert "<html" not in body
    assert "Nora Newcomer" in body and "US Department of Energy" in body
    assert "Nora Newcomer joined the group: Member, United States." in body
    membership = energy.memberships.get(user=newcomer)
    assert (membership.role, membership.side) == (Role.MEMBER, Side.US)
    assert messages_of(response) == []  # said in the fragment, not left for the next page


def test_it_adds_a_member_without_javascript_and_redirects_back(as_cochair, newcomer, energy):
    response = as_cochair.post(ADD, {"email": newcomer.email, "role": "observer", "side": ""})
    assert response.status_code == 302
    assert response["Location"] == "/groups/energy/"
    assert energy.memberships.get(user=newcomer).side == Side.US
    page = as_cochair.get(response["Location"])
    assert "Nora Newcomer joined the group: Observer, United States." in page.content.decode()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"email": "nobody@example.test", "role": "member"}, "No CharterHub account has"),
        ({"email": "not-an-email", "role": "member"}, "Enter a valid email address."),
        ({"email": "", "role": "member"}, "This field is required."),
        ({"email": "newcomer@example.test", "role": "chair"}, "Select a valid choice."),
        ({"email": "newcomer@example.test", "role": "member", "side": "fr"}, "valid choice"),
        (
            {"email": "newcomer@example.test", "role": "co_chair", "side": "us"},
            "This group already has a co-chair for United States — change that co-chair&#x27;s",
        ),
        (
            {"email": "newcomer@example.test", "role": "observer", "side": "other"},
            "Nora Newcomer is on the United States side: a member sits in every group on their",
        ),
        ({"email": "member@example.test", "role": "observer"}, "is already in this group"),
    ],
)
def test_it_answers_invalid_input_with_422_and_the_errors(
    as_cochair, newcomer, member, data, message
):
    before = memberships()
    response = as_cochair.post(ADD, data, headers=HTMX)
    assert response.status_code == 422
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="members"')
    assert message in body
    assert memberships() == before


def test_it_refuses_a_deactivated_account(as_cochair, newcomer):
    newcomer.is_active = False
    newcomer.save()
    response = as_cochair.post(ADD, {"email": newcomer.email, "role": "member"}, headers=HTMX)
    assert response.status_code == 422
    assert "is deactivated" in response.content.decode()


def test_it_shows_errors_on_a_page_of_their_own_without_javascript(as_cochair, newcomer, energy):
    before = memberships()
    response = as_cochair.post(ADD, {"email": "nobody@example.test", "role": "observer"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "<html" in body and "Members of Energy" in body
    assert "No CharterHub account has the email address nobody@example.test." in body
    assert 'value="nobody@example.test"' in body  # the input is kept
    assert '<option value="observer" selected>' in body
    assert 'href="/groups/energy/"' in body
    assert memberships() == before


# --- change -----------------------------------------------------------------------------------


def test_it_changes_a_role_and_answers_htmx_with_the_fragment(as_cochair, member, energy):
    membership = member.memberships.get()
    response = as_cochair.post(
        change_url(membership), {"role": "observer", "side": "az"}, headers=HTMX
    )
    assert response.status_code == 200
    assert "Member is now Observer, Azerbaijan." in response.content.decode()
    membership.refresh_from_db()
    assert (membership.role, membership.side) == ("observer", "az")


def test_it_changes_a_role_without_javascript(as_cochair, member):
    membership = member.memberships.get()
    response = as_cochair.post(change_url(membership), {"role": "observer", "side": "az"})
    assert response.status_code == 302
    assert response["Location"] == "/groups/energy/"
    assert messages_of(response) == ["Member is now Observer, Azerbaijan."]


def test_it_keeps_the_refused_choice_and_shows_the_error_on_the_row(as_cochair, member):
    membership = member.memberships.get()
    response = as_cochair.post(
        change_url(membership), {"role": "co_chair", "side": "az"}, headers=HTMX
    )
    assert response.status_code == 422
    body = response.content.decode()
    row = body[body.index(f'id="member-{membership.pk}"') :]
    row = row[: row.index("</li>")]
    assert "already has a co-chair for Azerbaijan" in row
    # The seat is taken: the row does not offer "co-chair" at all (the post was made by hand).
    assert '<option value="co_chair"' not in row
    assert '<input type="hidden" name="side" value="az">' in row
    membership.refresh_from_db()
    assert membership.role == Role.MEMBER


@pytest.mark.parametrize("data", [{"role": "boss", "side": "az"}, {"role": "member"}, {}])
def test_it_answers_422_to_an_invalid_change(as_cochair, member, data):
    membership = member.memberships.get()
    before = memberships()
    response = as_cochair.post(change_url(membership), data, headers=HTMX)
    assert response.status_code == 422
    assert memberships() == before


def test_it_refuses_the_last_cochair_stepping_down(client, cochair_az, energy):
    client.force_login(cochair_az)
    membership = cochair_az.memberships.get()
    response = client.post(change_url(membership), {"role": "member", "side": "az"}, headers=HTMX)
    assert response.status_code == 422
    assert "You are the group&#x27;s last co-chair" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.CO_CHAIR


def test_it_stops_offering_management_to_a_cochair_who_stepped_down(as_cochair, cochair_az):
    membership = cochair_az.memberships.get()
    response = as_cochair.post(
        change_url(membership), {"role": "member", "side": "az", **CONFIRMED}, headers=HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Cochair Az is now Member, Azerbaijan." in body
    assert 'class="member-change"' not in body
    assert "/members/add/" not in body


def test_it_answers_409_when_the_member_was_removed_meanwhile(as_cochair, member):
    membership = member.memberships.get()
    url = change_url(membership)
    membership.delete()
    response = as_cochair.post(url, {"role": "observer", "side": "az"}, headers=HTMX)
    assert response.status_code == 409
    body = response.content.decode()
    assert "no longer a member of this group" in body
    assert body.lstrip().startswith('<section id="members"')


def test_it_answers_409_on_a_page_without_javascript(as_cochair, member):
    membership = member.memberships.get()
    url = change_url(membership)
    membership.delete()
    response = as_cochair.post(url, {"role": "observer", "side": "az"})
    assert response.status_code == 409
    assert "<html" in response.content.decode()


def test_it_does_not_touch_another_groups_member(as_cochair, other_member):
    membership = other_member.memberships.get()
    before = memberships()
    url = f"/groups/energy/members/{membership.pk}/"
    response = as_cochair.post(url, {"role": "observer", "side": "us"}, headers=HTMX)
    assert response.status_code == 409
    assert memberships() == before


# --- remove -----------------------------------------------------------------------------------


def test_it_removes_a_member_and_answers_htmx_with_the_fragment(as_cochair, member, energy):
    response = as_cochair.post(remove_url(member.memberships.get()), CONFIRMED, headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Member was removed from the group." in body
    assert not energy.memberships.filter(user=member).exists()


def test_it_removes_a_member_without_javascript(as_cochair, member, energy):
    response = as_cochair.post(remove_url(member.memberships.get()), CONFIRMED)
    assert response.status_code == 302
    assert messages_of(response) == ["Member was removed from the group."]
    assert not energy.memberships.filter(user=member).exists()


def test_it_answers_409_when_removing_twice(as_cochair, member):
    url = remove_url(member.memberships.get())
    assert as_cochair.post(url, CONFIRMED, headers=HTMX).status_code == 200
    response = as_cochair.post(url, CONFIRMED, headers=HTMX)
    assert response.status_code == 409
    assert "no longer a member of this group" in response.content.decode()


def test_it_refuses_removing_the_other_sides_cochair(as_cochair, cochair_us, energy):
    response = as_cochair.post(remove_url(cochair_us.memberships.get()), headers=HTMX)
    assert response.status_code == 422
    assert "Only staff or Cochair Us can change the co-chair for United States" in (
        response.content.decode()
    )
    assert energy.memberships.filter(user=cochair_us).exists()


def test_it_sends_a_cochair_who_left_a_restricted_group_to_the_dashboard(client, security):
    az = make_user("sec.az@example.test", side=Side.AZ)
    us = make_user("sec.us@example.test", side=Side.US)
    join(az, security, Role.CO_CHAIR)
    join(us, security, Role.CO_CHAIR)
    client.force_login(az)
    response = client.post(remove_url(az.memberships.get()), CONFIRMED, headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/"
    join(az, security, Role.CO_CHAIR)
    client.post(f"/groups/security/members/{us.memberships.get().pk}/remove/", CONFIRMED)  # refused
    response = client.post(remove_url(az.memberships.get()), CONFIRMED)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/groups/security/").status_code == 404


# Any input on adding, changing and removing members: tests/fuzz/test_endpoints.py (never a
# 5xx, and a refusal changes nothing).


# --- query counts -----------------------------------------------------------------------------


def add_milestones(group, count: int) -> None:
    milestone_batch(count, group=group, due_date=dt.date(2026, 6, 1))


def add_members(group, count: int) -> None:
    for i in range(count):
        join(make_user(f"extra{i}@example.test", organisation="Org"), group, Role.MEMBER)


@pytest.mark.parametrize("milestones, members", [(10, 10), (1000, 10), (10, 200)])
def test_it_pins_the_query_count_of_the_members_fragment(
    as_cochair, newcomer, energy, milestones, members, django_assert_num_queries
):
    add_milestones(energy, milestones)
    add_members(energy, members)
    # session, user, group, my membership, the email's user; the write: savepoint, group lock,
    # my co-chair seat, already a member?, savepoint, insert, release, the audit record,
    # the group's upcoming meetings (to invite the newcomer), release; my access again,
    # the members
    with django_assert_num_queries(17):
        response = as_cochair.post(ADD, {"email": newcomer.email, "role": "member"}, headers=HTMX)
    assert response.status_code == 200
    assert len(response.context["members"]) == members + 3


@pytest.mark.parametrize("members", [10, 200])
def test_it_pins_the_query_count_of_a_refused_change(
    as_cochair, member, energy, members, django_assert_num_queries
):
    add_members(energy, members)
    url = change_url(member.memberships.select_related("group").get())
    # session, user, group, my membership; the membership and the AZ seat (taken: so no
    # confirmation is asked); the write: savepoint, group lock, my co-chair seat, the
    # membership, the AZ seat (taken), rollback, release; the members
    with django_assert_num_queries(14):
        response = as_cochair.post(url, {"role": "co_chair", "side": "az"}, headers=HTMX)
    assert response.status_code == 422


def test_it_gives_each_row_the_urls_reverse_gives(energy, cochair_az, member, observer):
    context = members_context(
        group=energy, access=group_access(user=cochair_az, group=energy), actor=cochair_az
    )
    for membership in context["members"]:
        if membership.user == cochair_az:  # the last co-chair: no controls on their own row
            assert not membership.can_change
            continue
        args = [energy.slug, membership.pk]
        assert membership.change_url == reverse("charter:member_change", args=args)
        assert membership.remove_url == reverse("charter:member_remove", args=args)
        assert membership.removal.heading == (
            f"Remove {membership.user.get_short_name()} from the group?"
        )


# --- confirmation before removing and before making or ending a co-chair --------------------


def test_it_asks_before_removing_and_changes_nothing_unconfirmed(as_cochair, member, energy):
    before = memberships()
    response = as_cochair.post(remove_url(member.memberships.get()))  # no JavaScript
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Remove Member from the group?</h1>" in body
    assert "Member will no longer be a member" in body
    assert '<input type="hidden" name="confirmed" value="yes">' in body
    assert memberships() == before
    response = as_cochair.post(remove_url(member.memberships.get()), CONFIRMED)
    assert response.status_code == 302
    assert not energy.memberships.filter(user=member).exists()


def test_it_says_a_restricted_groups_member_loses_access(client, security):
    az = make_user("sec.az@example.test", side=Side.AZ)
    guest = make_user("sec.guest@example.test", side=Side.AZ, display_name="Sam Guest")
    join(az, security, Role.CO_CHAIR)
    join(guest, security, Role.MEMBER)
    client.force_login(az)
    body = client.post(remove_url(guest.memberships.get()), headers=HTMX).content.decode()
    assert "Sam Guest will lose access to the group&#x27;s milestones, meetings and reports." in (
        body
    )
    assert guest.memberships.exists()


def test_it_says_a_cochairs_seat_becomes_empty(client, cochair_az, cochair_us, energy):
    client.force_login(cochair_az)
    membership = cochair_az.memberships.get()
    body = client.post(remove_url(membership)).content.decode()
    assert "The co-chair seat for Azerbaijan will be empty until a new co-chair is appointed." in (
        body
    )
    assert "You will no longer manage this group&#x27;s members." in body
    assert energy.memberships.filter(user=cochair_az).exists()


def test_it_asks_before_making_a_cochair(client, staff, member, energy):
    energy.memberships.filter(role=Role.CO_CHAIR, side=Side.AZ).delete()
    client.force_login(staff)
    membership = member.memberships.get()
    data = {"role": "co_chair", "side": "az"}
    response = client.post(change_url(membership), data, headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Make Member co-chair for Azerbaijan?" in body
    assert response["HX-Retarget"] == "#main"
    membership.refresh_from_db()
    assert membership.role == Role.MEMBER
    client.post(change_url(membership), {**data, **CONFIRMED})
    membership.refresh_from_db()
    assert membership.role == Role.CO_CHAIR


def test_it_asks_before_ending_a_cochairs_role(client, cochair_az, cochair_us):
    client.force_login(cochair_az)
    membership = cochair_az.memberships.get()
    body = client.post(change_url(membership), {"role": "member", "side": "az"}).content.decode()
    assert "End Cochair Az&#x27;s role as co-chair?" in body
    assert "The co-chair seat for Azerbaijan will be empty" in body
    membership.refresh_from_db()
    assert membership.role == Role.CO_CHAIR


def test_it_does_not_ask_about_a_plain_role_change(as_cochair, member):
    membership = member.memberships.get()
    response = as_cochair.post(change_url(membership), {"role": "observer", "side": "az"})
    assert response.status_code == 302


def test_it_does_not_ask_about_a_removal_it_refuses(as_cochair, cochair_us, energy):
    response = as_cochair.post(remove_url(cochair_us.memberships.get()))
    assert response.status_code == 422
    assert "Only staff or Cochair Us can change the co-chair" in response.content.decode()
    assert energy.memberships.filter(user=cochair_us).exists()


# --- controls only where they work ------------------------------------------------------------


def row_of(body: str, membership) -> str:
    row = body[body.index(f'id="member-{membership.pk}"') :]
    return row[: row.index("</li>")]


def test_it_gives_the_us_cochair_no_controls_on_the_az_cochairs_row(
    client, cochair_az, cochair_us, member
):
    client.force_login(cochair_us)
    body = client.get("/groups/energy/").content.decode()
    az_row = row_of(body, cochair_az.memberships.get())
    assert "Cochair Az" in az_row
    assert 'name="role"' not in az_row and "/remove/" not in az_row
    member_row = row_of(body, member.memberships.get())
    assert 'name="role"' in member_row and "/remove/" in member_row
    assert 'data-confirm="confirm-remove-' in member_row
    own_row = row_of(body, cochair_us.memberships.get())  # another co-chair is left
    assert "/remove/" in own_row


def test_it_gives_the_last_cochair_no_controls_on_their_own_row(client, cochair_az, member):
    client.force_login(cochair_az)
    body = client.get("/groups/energy/").content.decode()
    assert "/remove/" not in row_of(body, cochair_az.memberships.get())
    assert "/remove/" in row_of(body, member.memberships.get())


def test_it_offers_co_chair_only_while_the_seat_is_free(client, staff, cochair_az, member):
    client.force_login(staff)
    body = client.get("/groups/energy/").content.decode()
    assert '<option value="co_chair"' not in row_of(body, member.memberships.get())
    assert '<option value="co_chair" selected>' in row_of(body, cochair_az.memberships.get())


def test_it_puts_the_added_members_banner_by_the_add_form(as_cochair, newcomer):
    body = as_cochair.post(
        ADD, {"email": newcomer.email, "role": "member"}, headers=HTMX
    ).content.decode()
    banner = body.index('id="members-feedback"')
    assert body.index('<ul class="member-list">') < banner < body.index('class="member-add"')
    assert 'role="status"' in body[banner - 200 : banner + 200]


@pytest.mark.parametrize("members", [10, 200])
def test_it_pins_the_query_count_of_the_removal_confirmation(
    as_cochair, member, energy, members, django_assert_num_queries
):
    add_members(energy, members)
    url = remove_url(member.memberships.select_related("group").get())
    # session, user, group, my membership, the membership (to word the question); the
    # navigation
    with django_assert_num_queries(6):
        response = as_cochair.post(url)
    assert response.status_code == 200
    assert "Remove Member from the group?" in response.content.decode()


@pytest.mark.parametrize("members", [10, 200])
def test_it_pins_the_query_count_of_the_cochair_confirmation(
    client, cochair_az, cochair_us, energy, members, django_assert_num_queries
):
    add_members(energy, members)
    client.force_login(cochair_az)
    url = change_url(cochair_az.memberships.select_related("group").get())
    # session, user, group, my membership, the membership, the co-chairs (another is left);
    # no navigation: htmx gets the confirmation alone
    with django_assert_num_queries(6):
        response = client.post(url, {"role": "member", "side": "az"}, headers=HTMX)
    assert response.status_code == 200
    assert "End Cochair Az&#x27;s role as co-chair?" in response.content.decode()
