"""get_group_for_user: the one door to a working group."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.charter.access import get_group_for_user


@pytest.mark.parametrize("slug", ["energy\x00", "x" * 51, "../energy", "", "énergie"])
def test_it_answers_404_for_malformed_slugs(member, slug):
    with pytest.raises(Http404):
        get_group_for_user(user=member, slug=slug)


def test_it_hides_restricted_groups_from_non_members(outsider, security):
    with pytest.raises(Http404):
        get_group_for_user(user=outsider, slug="security")


def test_it_refuses_management_to_members(member, energy):
    with pytest.raises(PermissionDenied):
        get_group_for_user(user=member, slug="energy", manage=True)


def test_it_lets_cochairs_manage(cochair_az, energy):
    group, access = get_group_for_user(user=cochair_az, slug="energy", manage=True)
    assert group == energy
    assert access.signing_side == "az"
