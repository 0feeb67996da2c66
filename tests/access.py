"""The one harness for every access matrix (tests/test_access_matrix.py, tests/*/test_access*.py).

An expected answer per role is a dict ``{role: status}`` where ``"login"`` (``LOGIN``) means a
redirect to the login page. Build it with:

- ``expect(default, **overrides)``: anonymous is sent to the login page, every signed-in role of
  the cast gets ``default`` unless overridden;
- ``everyone(status, **overrides)``: the same answer for every role, anonymous included;
- ``answers(**by_role)``: every role spelled out (fails when one is missing or unknown);
- ``restricted(default, **overrides)``: for a restricted group's objects, only the roles whose
  answers can differ there — anonymous, a signed-in non-member, a member of another group and
  staff (``RESTRICTED_ROLES``); the other roles of the cast are non-members of the restricted
  group just like ``outsider`` and ``member``.

``check(response, expected)`` asserts one answer; ``client_for(request, role)`` logs the role in.
Methods a URL refuses (405) are checked once per URL in tests/test_methods.py, not per role.
"""

from django.test import Client

ROLES = (
    "anonymous",
    "outsider",
    "observer",
    "member",
    "other_member",
    "cochair_az",
    "cochair_us",
    "staff",
)
SIGNED_IN = ROLES[1:]
RESTRICTED_ROLES = ("anonymous", "outsider", "member", "staff")
LOGIN = "login"


def _known(roles, overrides) -> None:
    unknown = set(overrides) - set(roles)
    assert not unknown, f"not roles of this matrix: {sorted(unknown)}"


def expect(default, **overrides) -> dict:
    _known(ROLES, overrides)
    return {"anonymous": LOGIN, **dict.fromkeys(SIGNED_IN, default), **overrides}


def everyone(status, **overrides) -> dict:
    _known(ROLES, overrides)
    return {**dict.fromkeys(ROLES, status), **overrides}


def answers(**by_role) -> dict:
    assert set(by_role) == set(ROLES), set(ROLES) ^ set(by_role)
    return by_role


def restricted(default, **overrides) -> dict:
    _known(RESTRICTED_ROLES, overrides)
    return {"anonymous": LOGIN, **dict.fromkeys(RESTRICTED_ROLES[1:], default), **overrides}


def client_for(request, role: str, **client_options) -> Client:
    client = Client(**client_options)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


def check(response, expected) -> None:
    if expected == LOGIN:
        assert response.status_code == 302, response.status_code
        assert response["Location"].startswith("/accounts/login/?next="), response["Location"]
    else:
        assert response.status_code == expected, (
            f"{response.status_code} (expected {expected}): {response.content[:500]!r}"
        )
