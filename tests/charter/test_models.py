"""Membership constraints: enforced by the database and reported by validate_constraints()."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.accounts.models import Side
from apps.charter.models import Membership, Role
from tests.conftest import join, make_user

pytestmark = pytest.mark.django_db


def user(email: str = "someone@example.test", side: str = Side.AZ):
    return make_user(email, side=side)


def test_it_rejects_a_second_cochair_for_the_same_side(energy, cochair_az):
    with pytest.raises(IntegrityError), transaction.atomic():
        join(user(), energy, Role.CO_CHAIR, side=Side.AZ)


def test_it_reports_a_second_cochair_for_the_same_side(energy, cochair_az):
    second = Membership(user=user(), group=energy, role=Role.CO_CHAIR, side=Side.AZ)
    with pytest.raises(ValidationError, match="already has a co-chair for that side"):
        second.full_clean()


def test_it_allows_one_cochair_per_side(energy, cochair_az, cochair_us):
    assert energy.memberships.filter(role=Role.CO_CHAIR).count() == 2


def test_it_allows_the_same_side_to_cochair_another_group(connectivity, cochair_az):
    join(user(), connectivity, Role.CO_CHAIR, side=Side.AZ)
    assert Membership.objects.filter(role=Role.CO_CHAIR, side=Side.AZ).count() == 2


def test_it_allows_many_members_from_one_side(energy, member):
    join(user(), energy, Role.MEMBER, side=Side.AZ)
    assert energy.memberships.filter(role=Role.MEMBER, side=Side.AZ).count() == 2


def test_it_rejects_a_cochair_from_neither_side(energy):
    with pytest.raises(IntegrityError), transaction.atomic():
        join(user(side=Side.OTHER), energy, Role.CO_CHAIR)


def test_it_reports_a_cochair_from_neither_side(energy):
    cochair = Membership(user=user(side=Side.OTHER), group=energy, role=Role.CO_CHAIR, side="other")
    with pytest.raises(ValidationError, match="represents Azerbaijan or the United States"):
        cochair.validate_constraints()


def test_it_allows_a_member_from_another_side(energy):
    join(user(side=Side.OTHER), energy, Role.MEMBER)
    assert energy.memberships.get().side == Side.OTHER


def test_it_rejects_a_second_membership_in_one_group(energy, member):
    with pytest.raises(IntegrityError), transaction.atomic():
        join(member, energy, Role.OBSERVER)


def test_it_reports_a_second_membership_in_one_group(energy, member):
    with pytest.raises(ValidationError):
        Membership(user=member, group=energy, role=Role.OBSERVER, side=Side.AZ).full_clean()


@pytest.mark.parametrize("field, value", [("role", "chair"), ("side", "fr")])
def test_it_rejects_an_unknown_choice(energy, field, value):
    fields = {"role": Role.MEMBER, "side": Side.AZ, field: value}
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user(), group=energy, **fields)
