"""Access matrix for the charter URLs (managing a group's members): every URL name × role ×
method, on an open group (Energy) and a restricted one (Security).

`MATRIX` maps each URL name to its cases: (method, group slug, {role: expected status}), where
"login" means a redirect to the login page (tests/access.py). `tests/test_access_matrix.py`
reads the keys.
A refused POST changes nothing; an accepted one (no JavaScript) redirects to the group page.
"""

import pytest

from apps.accounts.models import Side
from apps.charter.models import Membership, Role, WorkingGroup
from tests.access import SIGNED_IN, check, expect, restricted
from tests.conftest import join, make_user

MANAGERS_ONLY = expect(403, cochair_az=302, cochair_us=302, staff=302)
# Security is restricted: the cast's co-chairs are Energy's, so only staff gets in.
RESTRICTED = restricted(404, staff=302)

# These URLs are POST-only: the GET refusal is in tests/test_methods.py.
MATRIX = {
    name: [
        ("POST", "energy", MANAGERS_ONLY),
        ("POST", "security", RESTRICTED),
    ]
    for name in ("charter:member_add", "charter:member_change", "charter:member_remove")
}

PATHS = {
    "charter:member_add": "/groups/{group}/members/add/",
    "charter:member_change": "/groups/{group}/members/{target}/",
    "charter:member_remove": "/groups/{group}/members/{target}/remove/",
}
DATA = {
    "charter:member_add": {"email": "newcomer@example.test", "role": "member", "side": ""},
    "charter:member_change": {"role": "observer", "side": "az"},
    "charter:member_remove": {"confirmed": "yes"},
}

CASES = [
    pytest.param(name, method, slug, role, expected, id=f"{name}-{method}-{slug}-{role}")
    for name, cases in MATRIX.items()
    for method, slug, expected_by_role in cases
    for role, expected in expected_by_role.items()
]


def memberships() -> list:
    return sorted(Membership.objects.values_list("pk", "user_id", "group_id", "role", "side"))


@pytest.fixture
def cast(request, charter_data):
    """Everyone in the cast, a target member in each group, and a newcomer to add."""
    for fixture in SIGNED_IN:
        request.getfixturevalue(fixture)
    make_user("newcomer@example.test", side=Side.US)
    targets = {}
    for slug in ("energy", "security"):
        target = make_user(f"target.{slug}@example.test", side=Side.AZ)
        targets[slug] = join(target, WorkingGroup.objects.get(slug=slug), Role.MEMBER)
    return targets


@pytest.mark.parametrize("name, method, slug, role, expected", CASES)
def test_it_answers_each_role(request, client, cast, name, method, slug, role, expected):
    path = PATHS[name].format(group=slug, target=cast[slug].pk)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    before = memberships()
    response = client.get(path) if method == "GET" else client.post(path, DATA[name])
    check(response, expected)
    if method == "POST" and expected == 302:
        assert response["Location"] == f"/groups/{slug}/"
        assert memberships() != before
    else:
        assert memberships() == before


# CSRF on these POSTs: tests/fuzz/test_csrf.py (every endpoint of the fuzz catalogue).
