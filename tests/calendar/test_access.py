"""Access matrix for the calendar URLs: every URL name × role × method.

`MATRIX` maps each URL name to its cases: (method, path, {role: expected status}), where
"login" means a redirect to the login page. In a path, `{member}` and `{staff}` stand for the
feed tokens of those two users, `{own}` for the asking user's own token (a token nobody has
for anonymous), `{bad}` for a well-formed token nobody has. The feeds need no login: whoever
asks, the token decides.
"""

import pytest

from apps.accounts.models import User
from apps.charter.models import Membership
from tests.access import SIGNED_IN, check, everyone, expect

BAD = "b" * 43
# Methods a URL refuses (POST on a feed, GET on regenerate) are in tests/test_methods.py.

MATRIX = {
    "calendar:page": [
        ("GET", "/calendar/", expect(200)),
    ],
    "calendar:regenerate": [
        ("POST", "/calendar/regenerate/", expect(302)),
    ],
    "calendar:revoke": [
        ("POST", "/calendar/revoke/", expect(302)),
    ],
    "calendar:user_feed": [
        ("GET", "/calendar/{member}.ics", everyone(200)),
        ("GET", "/calendar/{own}.ics", everyone(200, anonymous=404)),
        ("GET", "/calendar/{bad}.ics", everyone(404)),
        ("GET", "/calendar/not-a-token.ics", everyone(404)),
    ],
    "calendar:group_feed": [
        ("GET", "/calendar/{member}/groups/energy.ics", everyone(200)),
        ("GET", "/calendar/{member}/groups/connectivity.ics", everyone(200)),
        # Security is restricted: its members (none of the cast) and staff only.
        ("GET", "/calendar/{member}/groups/security.ics", everyone(404)),
        ("GET", "/calendar/{staff}/groups/security.ics", everyone(200)),
        ("GET", "/calendar/{own}/groups/energy.ics", everyone(200, anonymous=404)),
        ("GET", "/calendar/{own}/groups/security.ics", everyone(404, staff=200)),
        ("GET", "/calendar/{bad}/groups/energy.ics", everyone(404)),
        ("GET", "/calendar/{member}/groups/no-such-group.ics", everyone(404)),
    ],
}

CASES = [
    pytest.param(name, method, path, role, expected, id=f"{name}-{method}-{path}-{role}")
    for name, cases in MATRIX.items()
    for method, path, expected_by_role in cases
    for role, expected in expected_by_role.items()
]


def state() -> tuple:
    return (
        sorted(User.objects.values_list("pk", "calendar_token")),
        sorted(Membership.objects.values_list("user_id", "group_id", "role", "side")),
    )


@pytest.mark.parametrize("name, method, path, role, expected", CASES)
def test_it_answers_each_role(
    request, client, energy, security, name, method, path, role, expected
):
    cast = {fixture: request.getfixturevalue(fixture) for fixture in SIGNED_IN}
    for number, user in enumerate(cast.values()):
        User.objects.filter(pk=user.pk).update(calendar_token=f"{number}" * 43)
    tokens = {fixture: f"{number}" * 43 for number, fixture in enumerate(cast)}
    if role != "anonymous":
        client.force_login(cast[role])
    path = path.format(
        member=tokens["member"], staff=tokens["staff"], own=tokens.get(role, BAD), bad=BAD
    )
    before = state()
    response = (
        client.get(path) if method == "GET" else client.post(path, {"x": "1", "confirmed": "yes"})
    )
    check(response, expected)
    if method == "POST" and expected != 302:
        assert state() == before
    elif method == "POST":
        # Regenerate and revoke change the asking user's own token and nobody else's.
        after = dict(state()[0])
        mine = cast[role].pk
        assert {pk: token for pk, token in after.items() if pk != mine} == {
            pk: token for pk, token in before[0] if pk != mine
        }
        assert after[mine] != tokens[role]
