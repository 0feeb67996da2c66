"""CSRF on every POST endpoint of the catalogue (tests/fuzz/catalogue.py), checked the same way
for all of them (this replaces the per-view CSRF tests the apps' access matrices had).

For each endpoint, an allowed user (signed in when the endpoint allows a signed-in role) posts
acceptable values (a fixed example of the catalogue's ``good`` strategies) to their own object,
through ``Client(enforce_csrf_checks=True)``:

- without a token, as a plain form and as htmx: 403, and nothing changes (every row of every
  judged table and the files, tests/fuzz/harness.py ``snapshot``); an endpoint marked
  ``csrf_exempt`` (the RFC 8058 one-click unsubscribe) is the exception and is not refused;
- with the token as the page sends it (a form field) and as htmx sends it (``X-CSRFToken``):
  accepted (tests/fuzz/harness.py ``refused`` is false: no 4xx, no redirect with an error).

tests/fuzz/test_endpoints.py also draws "no CSRF token" cases, among hostile values, at random;
this file makes sure every endpoint gets both cases every run.
"""

import pytest
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis import strategies as st

from tests.fuzz.catalogue import CATALOGUE, Endpoint
from tests.fuzz.harness import Case, _resolve, changes, refused, send, snapshot
from tests.fuzz.world import World

pytestmark = pytest.mark.django_db

# The first acceptable example drawn, not shrunk (shrinking costs seconds); derandomized, so
# every run posts the same values.
FIRST = settings(
    database=None,
    derandomize=True,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def acceptable(endpoint: Endpoint, world: World) -> dict:
    fields = {name: _resolve(spec, world).good for name, spec in endpoint.fields.items()}
    rule = endpoint.refused_when
    return find(
        st.fixed_dictionaries(fields),
        lambda data: not (rule and rule(data)),
        settings=FIRST,
    )


def post(endpoint: Endpoint, world: World, data: dict, *, htmx: bool, csrf: str):
    """(response, changes) of one POST, rolled back afterwards."""
    from django.db import transaction
    from django.test import Client

    signed_in = [role for role in endpoint.allowed if role != "anonymous"]
    role = (signed_in or list(endpoint.allowed))[0]
    case = Case(
        role=role,
        target=endpoint.url.own(world),
        foreign=False,
        data=data,
        extra={},
        htmx=htmx,
        multipart="file" in endpoint.fields,
        csrf=csrf,
    )
    with transaction.atomic():
        client = Client(enforce_csrf_checks=True)
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        if endpoint.prepare:
            endpoint.prepare(client, world)
        before = snapshot()
        response = send(endpoint, case, client)
        diff = changes(before, snapshot())
        transaction.set_rollback(True)
    return response, diff


@pytest.mark.parametrize("endpoint", CATALOGUE, ids=str)
def test_it_needs_the_csrf_token(endpoint, world):
    data = acceptable(endpoint, world)
    for htmx in (False, True):
        how = "htmx" if htmx else "plain form"
        response, diff = post(endpoint, world, data, htmx=htmx, csrf="missing")
        if endpoint.csrf_exempt:
            assert response.status_code != 403, how
        else:
            assert response.status_code == 403, (how, response.status_code)
            assert not diff, (how, diff)
        # The same post with the token as the page sends it: a form field, or X-CSRFToken.
        response, _ = post(endpoint, world, data, htmx=htmx, csrf="valid")
        # ... is accepted (logging out ends on the login page, which ``refused`` counts as one).
        if endpoint.name == "logout":
            location = response.headers.get("Location") or response.headers.get("HX-Redirect")
            assert response.status_code in (302, 401), (how, response.status_code)
            assert location == "/accounts/login/", (how, location)
        else:
            assert not refused(endpoint, response), (
                how,
                response.status_code,
                response.content[:500],
            )
