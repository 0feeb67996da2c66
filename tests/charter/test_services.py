"""Managing a group's members: membership_add, membership_change, membership_remove."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from apps.accounts.models import Side
from apps.charter import services
from apps.charter.models import Membership, Role
from apps.charter.services import membership_add, membership_change, membership_remove
from tests.conftest import join, make_user, require

pytestmark = pytest.mark.django_db


def snapshot(group):
    return sorted(group.memberships.values_list("user__email", "role", "side"))


def refused(code: str, call, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        call(**kwargs)
    assert excinfo.value.code == code, excinfo.value.messages
    return excinfo.value


@pytest.fixture
def newcomer(charter_data):
    return make_user("newcomer@example.test", side=Side.US, organisation="US Department of Energy")


# --- adding -----------------------------------------------------------------------------------


def test_it_adds_a_member_on_their_own_side_by_default(energy, cochair_az, newcomer):
    membership = membership_add(group=energy, actor=cochair_az, user=newcomer, role=Role.MEMBER)
    assert (membership.role, membership.side) == (Role.MEMBER, Side.US)
    assert energy.memberships.filter(user=newcomer).exists()


def test_it_refuses_a_member_on_another_side_than_their_own(energy, cochair_az, newcomer):
    error = refused(
        "users_side",
        membership_add,
        group=energy,
        actor=cochair_az,
        user=newcomer,
        role=Role.OBSERVER,
        side=Side.OTHER,
    )
    assert error.messages == [
        "Newcomer is on the United States side: a member sits in every group on their own side."
    ]
    assert not energy.memberships.filter(user=newcomer).exists()


def test_it_lets_staff_add_members(energy, staff, newcomer):
    membership_add(group=energy, actor=staff, user=newcomer, role=Role.MEMBER)
    assert energy.memberships.filter(user=newcomer).exists()


def test_it_appoints_a_cochair_for_a_side_without_one(energy, cochair_az, newcomer):
    membership = membership_add(
        group=energy, actor=cochair_az, user=newcomer, role=Role.CO_CHAIR, side=Side.US
    )
    assert membership.role == Role.CO_CHAIR


def test_it_refuses_a_second_cochair_for_a_side(energy, cochair_az, cochair_us, newcomer):
    before = snapshot(energy)
    error = refused(
        "cochair_taken",
        membership_add,
        group=energy,
        actor=cochair_az,
        user=make_user("second.az@example.test", side=Side.AZ),
        role=Role.CO_CHAIR,
    )
    assert error.messages == [
        "This group already has a co-chair for Azerbaijan — change that co-chair's role first."
    ]
    assert snapshot(energy) == before


def test_it_refuses_a_cochair_for_neither_side(energy, cochair_az):
    before = snapshot(energy)
    refused(
        "cochair_side",
        membership_add,
        group=energy,
        actor=cochair_az,
        user=make_user("neutral@example.test", side=Side.OTHER),
        role=Role.CO_CHAIR,
    )
    assert snapshot(energy) == before


def test_it_refuses_someone_already_in_the_group(energy, cochair_az, member):
    error = refused(
        "already_member", membership_add, group=energy, actor=cochair_az, user=member, role="member"
    )
    assert "already in this group (Member, Azerbaijan)" in error.messages[0]
    assert energy.memberships.filter(user=member).count() == 1


def test_it_refuses_a_deactivated_account(energy, cochair_az, newcomer):
    newcomer.is_active = False
    newcomer.save()
    refused(
        "inactive_user",
        membership_add,
        group=energy,
        actor=cochair_az,
        user=newcomer,
        role="member",
    )
    assert not energy.memberships.filter(user=newcomer).exists()


@pytest.mark.parametrize("role, side", [("chair", "az"), ("member", "fr"), ("", "az")])
def test_it_refuses_an_unknown_role_or_side(energy, cochair_az, newcomer, role, side):
    refused(
        "invalid_choice",
        membership_add,
        group=energy,
        actor=cochair_az,
        user=newcomer,
        role=role,
        side=side,
    )
    assert not energy.memberships.filter(user=newcomer).exists()


@pytest.mark.parametrize("actor_name", ["member", "observer", "outsider", "other_member"])
def test_it_refuses_anyone_but_cochairs_and_staff(request, energy, newcomer, actor_name):
    actor = request.getfixturevalue(actor_name)
    with pytest.raises(PermissionDenied):
        membership_add(group=energy, actor=actor, user=newcomer, role=Role.MEMBER)
    assert not energy.memberships.filter(user=newcomer).exists()


def test_it_refuses_a_cochair_of_another_group(energy, connectivity, newcomer):
    other_cochair = make_user("cochair.conn@example.test", side=Side.AZ)
    join(other_cochair, connectivity, Role.CO_CHAIR)
    with pytest.raises(PermissionDenied):
        membership_add(group=energy, actor=other_cochair, user=newcomer, role=Role.MEMBER)


def test_it_never_lets_an_integrity_error_through(energy, cochair_az, monkeypatch):
    """Whatever slips past the checks, the database's constraint refuses it and the caller
    gets a ValidationError with a message, never an IntegrityError (a 500)."""
    rival = make_user("rival.us@example.test", side=Side.US)
    join(rival, energy, Role.CO_CHAIR)
    monkeypatch.setattr(services, "_cochair_for_side", lambda **kwargs: None)
    late = make_user("late.us@example.test", side=Side.US)
    error = refused(
        "conflict", membership_add, group=energy, actor=cochair_az, user=late, role="co_chair"
    )
    assert error.messages == [
        "Someone changed the group's members at the same time. Reload and try again."
    ]
    assert not energy.memberships.filter(user=late).exists()


def test_it_names_the_rule_when_a_cochair_race_is_lost(energy, cochair_az, monkeypatch):
    rival = make_user("rival.us@example.test", side=Side.US)
    join(rival, energy, Role.CO_CHAIR)
    real = services._check_cochair_seat
    calls = []

    def skip_first_check(**kwargs):
        calls.append(kwargs)
        if len(calls) > 1:  # the explanation after the IntegrityError uses the real check
            real(**kwargs)

    monkeypatch.setattr(services, "_check_cochair_seat", skip_first_check)
    late = make_user("late.us@example.test", side=Side.US)
    error = refused(
        "cochair_taken", membership_add, group=energy, actor=cochair_az, user=late, role="co_chair"
    )
    assert "co-chair for United States" in error.messages[0]
    assert not energy.memberships.filter(user=late).exists()


def test_it_reports_a_membership_race_lost_at_the_database(
    energy, cochair_az, newcomer, monkeypatch
):
    join(newcomer, energy, Role.OBSERVER)
    monkeypatch.setattr(services, "_membership_of", lambda **kwargs: None)
    refused(
        "already_member",
        membership_add,
        group=energy,
        actor=cochair_az,
        user=newcomer,
        role="member",
    )
    assert energy.memberships.get(user=newcomer).role == Role.OBSERVER


# --- changing ---------------------------------------------------------------------------------


def test_it_changes_a_members_role(energy, cochair_az, member):
    membership = member.memberships.get(group=energy)
    changed = membership_change(
        membership_id=membership.pk, actor=cochair_az, role=Role.OBSERVER, side=Side.AZ
    )
    membership.refresh_from_db()
    assert (changed.role, membership.role, membership.side) == ("observer", "observer", "az")


def test_it_refuses_moving_a_member_to_another_side_than_their_own(energy, cochair_az, member):
    membership = member.memberships.get(group=energy)
    refused(
        "users_side",
        membership_change,
        membership_id=membership.pk,
        actor=cochair_az,
        role=Role.MEMBER,
        side=Side.OTHER,
    )
    membership.refresh_from_db()
    assert membership.side == Side.AZ


def test_it_promotes_a_member_to_an_empty_cochair_seat(energy, cochair_az, observer):
    membership = observer.memberships.get(group=energy)
    membership_change(
        membership_id=membership.pk, actor=cochair_az, role=Role.CO_CHAIR, side=Side.US
    )
    assert energy.memberships.filter(role=Role.CO_CHAIR).count() == 2


def test_it_refuses_promoting_to_a_taken_cochair_seat(energy, cochair_az, cochair_us, member):
    membership = member.memberships.get(group=energy)
    error = refused(
        "cochair_taken",
        membership_change,
        membership_id=membership.pk,
        actor=cochair_us,
        role=Role.CO_CHAIR,
        side=Side.AZ,
    )
    assert error.messages[0].startswith("This group already has a co-chair for Azerbaijan")
    membership.refresh_from_db()
    assert membership.role == Role.MEMBER


def test_it_refuses_moving_a_cochair_to_the_other_side(energy, cochair_az, cochair_us):
    membership = cochair_az.memberships.get(group=energy)
    refused(
        "users_side",
        membership_change,
        membership_id=membership.pk,
        actor=cochair_az,
        role=Role.CO_CHAIR,
        side=Side.US,
    )


def test_it_refuses_a_cochair_for_side_other_on_change(energy, cochair_az):
    neutral = make_user("neutral@example.test", side=Side.OTHER)
    membership = join(neutral, energy, Role.MEMBER)
    refused(
        "cochair_side",
        membership_change,
        membership_id=membership.pk,
        actor=cochair_az,
        role=Role.CO_CHAIR,
        side=Side.OTHER,
    )


def test_it_lets_a_cochair_step_down_when_another_remains(energy, cochair_az, cochair_us):
    membership = cochair_az.memberships.get(group=energy)
    membership_change(membership_id=membership.pk, actor=cochair_az, role="member", side="az")
    membership.refresh_from_db()
    assert membership.role == Role.MEMBER


def test_it_refuses_the_last_cochair_stepping_down(energy, cochair_az, member):
    membership = cochair_az.memberships.get(group=energy)
    error = refused(
        "last_cochair",
        membership_change,
        membership_id=membership.pk,
        actor=cochair_az,
        role=Role.MEMBER,
        side=Side.AZ,
    )
    assert "last co-chair" in error.messages[0]
    membership.refresh_from_db()
    assert membership.role == Role.CO_CHAIR


def test_it_lets_staff_demote_the_last_cochair(energy, staff, cochair_az):
    membership = cochair_az.memberships.get(group=energy)
    membership_change(membership_id=membership.pk, actor=staff, role="member", side="az")
    assert not energy.memberships.filter(role=Role.CO_CHAIR).exists()


def test_it_lets_a_staff_cochair_step_down_as_the_last(energy, staff):
    staff.side = Side.US
    staff.save(update_fields=["side"])
    join(staff, energy, Role.CO_CHAIR)
    membership = staff.memberships.get(group=energy)
    membership_change(membership_id=membership.pk, actor=staff, role="member", side="us")
    assert not energy.memberships.filter(role=Role.CO_CHAIR).exists()


def test_it_refuses_a_cochair_changing_the_other_sides_cochair(energy, cochair_az, cochair_us):
    membership = cochair_us.memberships.get(group=energy)
    error = refused(
        "other_cochair",
        membership_change,
        membership_id=membership.pk,
        actor=cochair_az,
        role=Role.MEMBER,
        side=Side.US,
    )
    assert "Only staff or Cochair Us can change the co-chair for United States" in error.messages[0]
    membership.refresh_from_db()
    assert membership.role == Role.CO_CHAIR


def test_it_lets_staff_change_any_cochair(energy, staff, cochair_az, cochair_us):
    membership = cochair_us.memberships.get(group=energy)
    membership_change(membership_id=membership.pk, actor=staff, role="observer", side="us")
    membership.refresh_from_db()
    assert membership.role == Role.OBSERVER


def test_it_accepts_an_unchanged_role_and_side(energy, cochair_az):
    membership = cochair_az.memberships.get(group=energy)
    same = membership_change(
        membership_id=membership.pk, actor=cochair_az, role="co_chair", side="az"
    )
    assert same.pk == membership.pk


def test_it_refuses_changing_a_membership_that_is_gone(energy, cochair_az, member):
    membership = member.memberships.get(group=energy)
    membership.delete()
    refused(
        "gone",
        membership_change,
        membership_id=membership.pk or 0,
        actor=cochair_az,
        role="member",
        side="az",
    )


def test_it_refuses_changing_another_groups_membership_through_this_group(
    energy, cochair_az, other_member, connectivity
):
    membership = other_member.memberships.get(group=connectivity)
    refused(
        "gone",
        membership_change,
        membership_id=membership.pk,
        actor=cochair_az,
        role="observer",
        side="us",
        group=energy,
    )
    membership.refresh_from_db()
    assert membership.role == Role.MEMBER


def test_it_refuses_a_cochair_changing_another_groups_member(cochair_az, other_member):
    membership = other_member.memberships.get()
    with pytest.raises(PermissionDenied):
        membership_change(membership_id=membership.pk, actor=cochair_az, role="observer", side="us")
    membership.refresh_from_db()
    assert membership.role == Role.MEMBER


@pytest.mark.parametrize("actor_name", ["member", "observer", "outsider"])
def test_it_refuses_changes_by_non_managers(request, energy, cochair_az, actor_name):
    actor = request.getfixturevalue(actor_name)
    membership = cochair_az.memberships.get(group=energy)
    with pytest.raises(PermissionDenied):
        membership_change(membership_id=membership.pk, actor=actor, role="member", side="az")
    membership.refresh_from_db()
    assert membership.role == Role.CO_CHAIR


def test_it_reports_a_change_race_lost_at_the_database(energy, cochair_az, observer, monkeypatch):
    rival = make_user("rival.us@example.test", side=Side.US)
    join(rival, energy, Role.CO_CHAIR)
    real = services._check_cochair_seat
    calls = []

    def skip_first_check(**kwargs):
        calls.append(kwargs)
        if len(calls) > 1:
            real(**kwargs)

    monkeypatch.setattr(services, "_check_cochair_seat", skip_first_check)
    membership = observer.memberships.get(group=energy)
    refused(
        "cochair_taken",
        membership_change,
        membership_id=membership.pk,
        actor=cochair_az,
        role="co_chair",
        side="us",
    )
    membership.refresh_from_db()
    assert (membership.role, membership.side) == (Role.OBSERVER, Side.US)


# --- removing ---------------------------------------------------------------------------------


def test_it_removes_a_member(energy, cochair_us, member):
    membership = member.memberships.get(group=energy)
    removed = membership_remove(membership_id=membership.pk, actor=cochair_us)
    assert removed.user == member
    assert not energy.memberships.filter(user=member).exists()


def test_it_lets_a_cochair_leave_when_another_remains(energy, cochair_az, cochair_us):
    membership = cochair_az.memberships.get(group=energy)
    membership_remove(membership_id=membership.pk, actor=cochair_az)
    assert not energy.memberships.filter(user=cochair_az).exists()


def test_it_refuses_the_last_cochair_leaving(energy, cochair_az, member):
    membership = cochair_az.memberships.get(group=energy)
    refused("last_cochair", membership_remove, membership_id=membership.pk, actor=cochair_az)
    assert energy.memberships.filter(user=cochair_az, role=Role.CO_CHAIR).exists()


def test_it_refuses_a_cochair_removing_the_other_sides_cochair(energy, cochair_az, cochair_us):
    membership = cochair_us.memberships.get(group=energy)
    refused("other_cochair", membership_remove, membership_id=membership.pk, actor=cochair_az)
    assert energy.memberships.filter(user=cochair_us).exists()


def test_it_lets_staff_remove_the_last_cochair(energy, staff, cochair_az):
    membership = cochair_az.memberships.get(group=energy)
    membership_remove(membership_id=membership.pk, actor=staff)
    assert not energy.memberships.exists()


def test_it_refuses_removing_twice(energy, cochair_az, member):
    membership = member.memberships.get(group=energy)
    membership_remove(membership_id=membership.pk, actor=cochair_az)
    refused("gone", membership_remove, membership_id=membership.pk, actor=cochair_az)


def test_it_refuses_removing_another_groups_member_through_this_group(
    energy, cochair_az, other_member
):
    membership = other_member.memberships.get()
    refused("gone", membership_remove, membership_id=membership.pk, actor=cochair_az, group=energy)
    assert Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.parametrize("actor_name", ["member", "observer", "outsider", "other_member"])
def test_it_refuses_removal_by_non_managers(request, energy, member, actor_name):
    actor = request.getfixturevalue(actor_name)
    membership = member.memberships.get(group=energy)
    with pytest.raises(PermissionDenied):
        membership_remove(membership_id=membership.pk, actor=actor)
    assert energy.memberships.filter(user=member).exists()


def test_it_refuses_a_cochair_who_was_demoted_meanwhile(energy, cochair_az, cochair_us, member):
    """The actor's right is read inside the transaction, after the group is locked."""
    Membership.objects.filter(user=cochair_az, group=energy).update(role=Role.MEMBER)
    with pytest.raises(PermissionDenied):
        membership_remove(membership_id=member.memberships.get().pk, actor=cochair_az)


# --- races on PostgreSQL (row locks) ------------------------------------------------------------


def race(*calls):
    """Run the calls at the same moment in threads; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait(timeout=10)
            call()
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_appoints_one_cochair_when_two_are_appointed_at_once(energy, cochair_az, staff):
    require(connection.vendor == "postgresql", "row locks need PostgreSQL (DATABASE_URL)")
    first = make_user("first.us@example.test", side=Side.US)
    second = make_user("second.us@example.test", side=Side.US)
    outcomes = race(
        lambda: membership_add(group=energy, actor=cochair_az, user=first, role="co_chair"),
        lambda: membership_add(group=energy, actor=staff, user=second, role="co_chair"),
    )
    assert outcomes == ["cochair_taken", "ok"]
    assert energy.memberships.filter(role=Role.CO_CHAIR, side=Side.US).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_keeps_a_cochair_when_both_step_down_at_once(energy, cochair_az, cochair_us):
    require(connection.vendor == "postgresql", "row locks need PostgreSQL (DATABASE_URL)")
    az = cochair_az.memberships.get(group=energy).pk
    us = cochair_us.memberships.get(group=energy).pk
    outcomes = race(
        lambda: membership_remove(membership_id=az, actor=cochair_az),
        lambda: membership_remove(membership_id=us, actor=cochair_us),
    )
    assert outcomes == ["last_cochair", "ok"]
    assert energy.memberships.filter(role=Role.CO_CHAIR).count() == 1


# --- membership_changes_allowed: the rule the group page asks ---------------------------------


@pytest.mark.parametrize(
    "actor, target, allowed",
    [
        ("staff", "cochair_az", True),
        ("staff", "member", True),
        ("cochair_us", "cochair_az", False),  # each side answers for its own co-chair
        ("cochair_az", "cochair_us", False),
        ("cochair_us", "member", True),
        ("cochair_az", "cochair_az", True),  # another co-chair is left
        ("member", "observer", False),
        ("observer", "member", False),
    ],
)
def test_it_allows_membership_changes_by_the_services_rule(
    request, energy, cochair_az, cochair_us, member, observer, actor, target, allowed
):
    actor, target = request.getfixturevalue(actor), request.getfixturevalue(target)
    membership = target.memberships.get(group=energy)
    assert services.membership_changes_allowed(actor=actor, membership=membership) is allowed


def test_it_refuses_the_last_cochair_their_own_controls(energy, cochair_az, member):
    membership = cochair_az.memberships.get(group=energy)
    assert not services.membership_changes_allowed(actor=cochair_az, membership=membership)
