"""The methods each URL refuses, checked once per URL (not once per role in every matrix).

Walks the URL resolver (the admin left out, as in tests/test_access_matrix.py) and sends a GET
to every URL pattern, with made-up path arguments (tests/fuzz/test_catalogue.py
``sample_path``): a POST-only URL (``POST_ONLY``) answers 405 to a signed-in user and 405 or the
login page to anonymous, before it looks anything up; every other URL answers GET with
something else than 405. The other half, "a URL that is not in tests/fuzz/catalogue.py refuses
POST with 405", is tests/fuzz/test_catalogue.py.
"""

import pytest
from django.test import Client

from tests.fuzz.catalogue import BY_NAME
from tests.fuzz.test_catalogue import sample_path, url_patterns

pytestmark = pytest.mark.django_db

#: URLs that accept POST only: a GET is refused (405).
POST_ONLY = {
    "logout",
    "set_language",
    "charter:member_add",
    "charter:member_change",
    "charter:member_remove",
    "meetings:attendance",
    "meetings:guest_add",
    "meetings:guest_remove",
    "meetings:minutes",
    "meetings:decision_add",
    "meetings:decision_remove",
    "meetings:action_add",
    "meetings:action_status",
    "meetings:action_promote",
    "meetings:adopt",
    "milestones:update",
    "milestones:log",
    "milestones:sign",
    "milestones:decline",
    "milestones:evidence_add",
    "milestones:evidence_remove",
    "reports:narrative_save",
    "calendar:regenerate",
    "calendar:revoke",
}
PATTERNS = dict(url_patterns())


def test_it_names_only_urls_that_accept_post():
    # A POST-only URL accepts POST, so it has a fuzz catalogue entry; and it exists.
    assert set(PATTERNS) >= POST_ONLY
    assert set(BY_NAME) >= POST_ONLY


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_it_refuses_get_exactly_on_post_only_urls(name, staff):
    path = sample_path(name, PATTERNS[name])
    signed_in = Client()
    signed_in.force_login(staff)
    status = signed_in.get(path).status_code
    if name in POST_ONLY:
        assert status == 405, f"GET {path}: {status}"
        anonymous = Client().get(path)
        assert anonymous.status_code in (302, 405), anonymous.status_code
        if anonymous.status_code == 302:
            assert anonymous["Location"].startswith("/accounts/login/?next=")
    else:
        assert status != 405, f"GET {path} is refused: add {name} to POST_ONLY"
