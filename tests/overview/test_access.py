"""Access matrix for the group page: every role (the dashboard, URL name "dashboard", is a
project-level URL with its rows in tests/test_access_matrix.py)."""

import pytest

from tests.access import SIGNED_IN, check, expect, restricted

MATRIX = {
    "overview:group": [
        ("GET", "/groups/energy/", expect(200)),
        # Security is restricted: only its members (none of the cast) and staff see it.
        ("GET", "/groups/security/", restricted(404, staff=200)),
        ("GET", "/groups/no-such-group/", expect(404)),
    ],
}

CASES = [
    pytest.param(name, path, role, expected, id=f"{name}-{path}-{role}")
    for name, cases in MATRIX.items()
    for _method, path, expected_by_role in cases
    for role, expected in expected_by_role.items()
]


@pytest.mark.parametrize("name, path, role, expected", CASES)
def test_it_answers_each_role(request, client, energy, security, name, path, role, expected):
    for fixture in SIGNED_IN:
        request.getfixturevalue(fixture)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    check(client.get(path), expected)
