"""A membership is on its user's side: the database itself refuses anything else (written
past the services, straight through the ORM), and the admin says so first."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from apps.accounts.models import Side, User
from apps.charter.models import Membership, Role
from tests.admin_helpers import admin_form_data
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_it_refuses_a_membership_on_another_side_than_its_users(energy, connectivity, member):
    """``member`` is on the AZ side and in Energy."""
    membership = member.memberships.get(group=energy)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(pk=membership.pk).update(side=Side.US)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.bulk_create(
            [Membership(user=member, group=connectivity, role=Role.MEMBER, side=Side.OTHER)]
        )
    # Nor can the user's side change while the membership stays on the old one.
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=member.pk).update(side=Side.US)
    # Without memberships the side is free to change.
    loner = make_user("loner@example.test", side=Side.AZ)
    User.objects.filter(pk=loner.pk).update(side=Side.US)


def test_it_tells_staff_to_remove_the_memberships_before_changing_a_side(
    client, staff, energy, member
):
    client.force_login(staff)
    page = reverse("admin:accounts_user_change", args=[member.pk])
    data = admin_form_data(client.get(page))
    data["side"] = Side.US
    response = client.post(page, data)
    assert response.status_code == 200
    assert "is a member of Energy for the Azerbaijan side." in response.content.decode()
    member.refresh_from_db()
    assert member.side == Side.AZ
