"""Every URL × role: who gets what. A URL pattern with no row fails the suite.

The rows for the project-level URLs are here; each app's URLs have their rows in
`tests/<app>/test_access.py`, which declares the names it covers in `MATRIX`.
The Django admin (/admin/) is covered by tests/*/test_admin.py and is staff-only by design.
"""

import importlib
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.access import ROLES, check, everyone, expect

# url name → (method, path, {role: expected status}); "login" means a redirect to the login page.
# Methods a URL refuses (GET on logout, say) are checked once per URL in tests/test_methods.py.
MATRIX = {
    "dashboard": ("GET", "/", expect(200)),
    "login": ("GET", "/accounts/login/", everyone(200)),
    # Logout is POST-only: whoever posts ends on the login page (LOGOUT_REDIRECT_URL).
    "logout": ("POST", "/accounts/logout/", everyone(302)),
    "healthz": ("GET", "/healthz", everyone(200)),
    "favicon": ("GET", "/favicon.ico", everyone(301)),
    # POSTs (wrong old password, weak new one, CSRF) are in tests/accounts/test_password.py.
    "password_change": ("GET", "/accounts/password/", expect(200)),
    "password_change_done": ("GET", "/accounts/password/done/", expect(200)),
    # Password reset is open to everyone (a made-up link shows the "no longer works" page);
    # POSTs, tokens and expiry are in tests/accounts/test_password_reset.py.
    "password_reset": ("GET", "/accounts/password/reset/", everyone(200)),
    "password_reset_done": ("GET", "/accounts/password/reset/sent/", everyone(200)),
    "password_reset_confirm": (
        "GET",
        "/accounts/password/reset/MQ/made-up-token/",
        everyone(200),
    ),
    "password_reset_complete": ("GET", "/accounts/password/reset/done/", everyone(200)),
    # The language switcher is POST-only, for everyone (anonymous: the cookie only); a POST
    # with no language is refused (422) whoever sends it; its other POSTs (a language, an
    # unknown one, an unsafe next, CSRF) are in tests/i18n/test_language.py.
    "set_language": ("POST", "/accounts/language/", everyone(422)),
}


TESTS = Path(__file__).resolve().parent
# Every tests/<app>/test_access*.py module with a MATRIX contributes its rows.
APP_MATRICES = sorted(
    f"tests.{path.parent.name}.{path.stem}" for path in TESTS.glob("*/test_access*.py")
)


def named_patterns(resolver=None, namespace="") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= named_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern):
            names.add(f"{namespace}{pattern.name}")
    return names


def covered_names() -> set[str]:
    names = set(MATRIX)
    for module_name in APP_MATRICES:
        names |= set(getattr(importlib.import_module(module_name), "MATRIX", {}))
    return names


def test_it_has_a_row_for_every_url():
    assert named_patterns() == covered_names()


@pytest.fixture
def as_role(request, client):
    def log_in(role: str):
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))
        return client

    return log_in


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_it_answers_each_role(as_role, name, role, db):
    method, path, expected_by_role = MATRIX[name]
    client = as_role(role)
    response = client.get(path) if method == "GET" else client.post(path)
    check(response, expected_by_role[role])


@pytest.mark.parametrize("role", ["anonymous", "outsider", "member", "staff"])
def test_it_keeps_the_admin_for_staff(as_role, role, db):
    response = as_role(role).get("/admin/")
    if role == "staff":
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
