"""The milestone list's row endpoints and the owner search × every role: who gets what, and a
refused POST changes nothing. CSRF on the POST: tests/fuzz/test_csrf.py (the catalogue).

``MATRIX`` names the URLs covered (tests/test_access_matrix.py checks every URL has a row).
"""

import pytest

from apps.milestones.models import Milestone, MilestoneUpdate, Status
from tests.access import LOGIN, check, client_for, restricted
from tests.access import expect as roles
from tests.milestones.conftest import DUE, HTMX, make_milestone

pytestmark = pytest.mark.django_db

EDITORS = roles(403, member=200, cochair_az=200, cochair_us=200, staff=200)
EDIT = roles(403, member=302, cochair_az=302, cochair_us=302, staff=302)
# A cancelled milestone: only co-chairs and staff may change it.
CLOSED = roles(403, cochair_az=200, cochair_us=200, staff=200)
SECRET_READ = restricted(404, staff=200)
SECRET_EDIT = restricted(404, staff=302)
# With htmx an anonymous request is answered 401 with HX-Redirect to the login page
# (apps/accounts/session_timeout.py), not a redirect htmx would swap in.
HTMX_ANONYMOUS = {"anonymous": 401}

READ = roles(302)  # the row alone, without JavaScript: back to the list
HX_READ = {**roles(200), **HTMX_ANONYMOUS}
HX_EDITORS = {**EDITORS, **HTMX_ANONYMOUS}
HX_SECRET_READ = {**SECRET_READ, **HTMX_ANONYMOUS}


def edit(milestone) -> dict:
    return {
        "version": milestone.version,
        "status": Status.IN_PROGRESS,
        "progress": 55,
        "due_date": DUE.isoformat(),
        "owner": "",
        "next": "/milestones/",
    }


# url name → [(method, path of the objects, expected by role, data, headers)]
MATRIX = {
    "milestones:row": [
        ("GET", lambda o: f"/milestones/{o['milestone'].pk}/row/", READ, None, {}),
        ("GET", lambda o: f"/milestones/{o['milestone'].pk}/row/", HX_READ, None, HTMX),
        ("GET", lambda o: f"/milestones/{o['secret'].pk}/row/", HX_SECRET_READ, None, HTMX),
    ],
    "milestones:row_edit": [
        ("GET", lambda o: f"/milestones/{o['milestone'].pk}/row/edit/", EDITORS, None, {}),
        ("GET", lambda o: f"/milestones/{o['milestone'].pk}/row/edit/", HX_EDITORS, None, HTMX),
        ("GET", lambda o: f"/milestones/{o['cancelled'].pk}/row/edit/", CLOSED, None, {}),
        ("GET", lambda o: f"/milestones/{o['secret'].pk}/row/edit/", SECRET_READ, None, {}),
        ("POST", lambda o: f"/milestones/{o['milestone'].pk}/row/edit/", EDIT, "milestone", {}),
        ("POST", lambda o: f"/milestones/{o['secret'].pk}/row/edit/", SECRET_EDIT, "secret", {}),
    ],
    "milestones:owner_search": [
        ("GET", lambda o: "/milestones/owners/?group=energy&q=co", HX_EDITORS, None, HTMX),
        ("GET", lambda o: "/milestones/owners/?group=security&q=co", HX_SECRET_READ, None, HTMX),
        (
            "GET",
            lambda o: "/milestones/owners/?group=nope",
            roles(404, **HTMX_ANONYMOUS),
            None,
            HTMX,
        ),
        ("GET", lambda o: "/milestones/owners/?group=energy&field=id_owner", EDITORS, None, {}),
    ],
}

CASES = [
    pytest.param(name, index, role, id=f"{name}-{case[0]}-{index}-{role}")
    for name, cases in MATRIX.items()
    for index, case in enumerate(cases)
    for role in case[2]
]


@pytest.fixture
def objects(
    energy, security, member, cochair_az, cochair_us, observer, other_member, outsider, staff
) -> dict:
    return {
        "milestone": make_milestone(energy, owner=member, title="Matrix milestone"),
        "cancelled": make_milestone(energy, title="Matrix cancelled", status=Status.CANCELLED),
        "secret": make_milestone(security, title="Matrix secret"),
    }


def state() -> tuple:
    return (
        tuple(Milestone.objects.order_by("pk").values_list("pk", "version", "status", "progress")),
        MilestoneUpdate.objects.count(),
    )


@pytest.mark.parametrize(("name", "index", "role"), CASES)
def test_it_answers_each_role(request, objects, name, index, role):
    method, path, expected_by_role, data_of, headers = MATRIX[name][index]
    client = client_for(request, role)
    before = state()
    if method == "GET":
        response = client.get(path(objects), headers=headers)
    else:
        response = client.post(path(objects), edit(objects[data_of]), headers=headers)
    expected = expected_by_role[role]
    check(response, expected)
    if method == "POST":
        if response.status_code == 302 and expected != LOGIN:
            assert state() != before, "an allowed POST should have changed something"
        else:
            assert state() == before, "a refused POST must change nothing"
