"""Every milestones URL × every role × GET/POST: who gets what, and a refused POST changes
nothing. CSRF on every POST: tests/fuzz/test_csrf.py.

``MATRIX`` names the URLs covered (tests/test_access_matrix.py checks that every URL of the
project has a row somewhere).
"""

from collections.abc import Callable
from typing import NamedTuple

import pytest

from apps.milestones.models import Evidence, Milestone, MilestoneUpdate, SignOff, Status
from apps.milestones.services import evidence_add
from tests.access import LOGIN, check, client_for, restricted
from tests.access import expect as roles
from tests.milestones.conftest import DUE, PDF, make_milestone, upload

pytestmark = pytest.mark.django_db


class Case(NamedTuple):
    method: str
    path: Callable[[dict], str]
    expected: dict[str, int | str]
    data: Callable[[dict], dict] = lambda objects: {}
    label: str = ""


# Who may do what in the Energy group (non-restricted) ...
READ = roles(200)
EDIT = roles(403, member=302, cochair_az=302, cochair_us=302, staff=302)
EDIT_PAGE = roles(403, member=200, cochair_az=200, cochair_us=200, staff=200)
SIGN = roles(403, cochair_az=302, cochair_us=302)
# ... and in the Security group (restricted; none of the cast but staff may see it), asked of
# the roles whose answer can differ there (tests/access.py RESTRICTED_ROLES).
SECRET_READ = restricted(404, staff=200)
SECRET_EDIT = restricted(404, staff=302)
SECRET_SIGN = restricted(404, staff=403)  # staff see it, but only co-chairs sign
# Methods a URL refuses (POST on a page, GET on an action) are in tests/test_methods.py.


#: Irreversible actions act only when confirmed (apps/core/confirm.py); unconfirmed posts are
#: tried in tests/milestones/test_detail.py.
CONFIRMED = {"confirmed": "yes"}


def edit(objects, key="milestone"):
    milestone = objects[key]
    return {
        "version": milestone.version,
        "status": Status.IN_PROGRESS,
        "progress": 55,
        "due_date": DUE.isoformat(),
        "owner": "",
    }


def log(objects, key="milestone"):
    return {"version": objects[key].version, "note": "Access matrix note"}


MATRIX: dict[str, list[Case]] = {
    "milestones:list": [
        Case("GET", lambda o: "/milestones/", READ),
        Case("GET", lambda o: "/milestones/?group=energy&status=planned", READ, label="filtered"),
    ],
    "milestones:create": [
        Case("GET", lambda o: "/milestones/new/", READ, label="group chooser"),
        Case("GET", lambda o: "/milestones/new/?group=energy", EDIT_PAGE),
        Case("GET", lambda o: "/milestones/new/?group=security", SECRET_READ),
        Case(
            "POST",
            lambda o: "/milestones/new/?group=energy",
            EDIT,
            lambda o: {"title": "Matrix milestone", "due_date": "2026-09-01"},
        ),
        Case(
            "POST",
            lambda o: "/milestones/new/?group=security",
            SECRET_EDIT,
            lambda o: {"title": "Matrix milestone", "due_date": "2026-09-01"},
        ),
    ],
    "milestones:detail": [
        Case("GET", lambda o: f"/milestones/{o['milestone'].pk}/", READ),
        Case("GET", lambda o: f"/milestones/{o['secret'].pk}/", SECRET_READ),
        Case("GET", lambda o: "/milestones/999999/", roles(404), label="missing"),
    ],
    "milestones:update": [
        Case("POST", lambda o: f"/milestones/{o['milestone'].pk}/update/", EDIT, edit),
        Case(
            "POST",
            lambda o: f"/milestones/{o['secret'].pk}/update/",
            SECRET_EDIT,
            lambda o: edit(o, "secret"),
        ),
    ],
    "milestones:log": [
        Case("POST", lambda o: f"/milestones/{o['milestone'].pk}/log/", EDIT, log),
        Case(
            "POST",
            lambda o: f"/milestones/{o['secret'].pk}/log/",
            SECRET_EDIT,
            lambda o: log(o, "secret"),
        ),
    ],
    "milestones:sign": [
        Case("POST", lambda o: f"/milestones/{o['awaiting'].pk}/sign/", SIGN),
        Case("POST", lambda o: f"/milestones/{o['secret'].pk}/sign/", SECRET_SIGN),
    ],
    "milestones:decline": [
        Case(
            "POST",
            lambda o: f"/milestones/{o['awaiting'].pk}/decline/",
            SIGN,
            lambda o: {"reason": "Matrix", "confirmed": "yes"},
        ),
        Case(
            "POST",
            lambda o: f"/milestones/{o['secret'].pk}/decline/",
            SECRET_SIGN,
            lambda o: {"reason": "Matrix", "confirmed": "yes"},
        ),
    ],
    "milestones:evidence_add": [
        Case(
            "POST",
            lambda o: f"/milestones/{o['milestone'].pk}/evidence/",
            EDIT,
            lambda o: {"url": "https://example.org/report"},
        ),
        Case(
            "POST",
            lambda o: f"/milestones/{o['milestone'].pk}/evidence/",
            EDIT,
            lambda o: {"file": upload("report.pdf", PDF)},
            label="file",
        ),
        Case(
            "POST",
            lambda o: f"/milestones/{o['secret'].pk}/evidence/",
            SECRET_EDIT,
            lambda o: {"url": "https://example.org/report"},
        ),
    ],
    "milestones:evidence_remove": [
        # Added by the member: they, the co-chairs and staff may remove it.
        Case(
            "POST",
            lambda o: f"/milestones/evidence/{o['evidence'].pk}/remove/",
            EDIT,
            lambda o: CONFIRMED,
        ),
        # Added by a co-chair: a member may not.
        Case(
            "POST",
            lambda o: f"/milestones/evidence/{o['cochair_evidence'].pk}/remove/",
            roles(403, cochair_az=302, cochair_us=302, staff=302),
            lambda o: CONFIRMED,
            label="co-chair's",
        ),
        Case(
            "POST",
            lambda o: f"/milestones/evidence/{o['secret_evidence'].pk}/remove/",
            SECRET_EDIT,
            lambda o: CONFIRMED,
        ),
    ],
    "milestones:evidence_download": [
        Case("GET", lambda o: f"/milestones/evidence/{o['evidence'].pk}/download/", READ),
        Case(
            "GET",
            lambda o: f"/milestones/evidence/{o['secret_evidence'].pk}/download/",
            SECRET_READ,
        ),
    ],
}

CASES = [
    pytest.param(name, index, role, id=f"{name}-{case.method}-{case.label or index}-{role}")
    for name, cases in MATRIX.items()
    for index, case in enumerate(cases)
    for role in case.expected
]


@pytest.fixture
def objects(
    energy, security, member, cochair_az, cochair_us, observer, other_member, outsider, staff
) -> dict:
    milestone = make_milestone(energy, owner=member, title="Matrix milestone", progress=20)
    awaiting = make_milestone(energy, title="Matrix awaiting", status=Status.AWAITING_SIGNOFF)
    secret = make_milestone(security, title="Matrix secret")
    return {
        "milestone": milestone,
        "awaiting": awaiting,
        "secret": secret,
        "evidence": evidence_add(
            milestone_id=milestone.pk, user=member, file=upload("member.pdf", PDF)
        ),
        "cochair_evidence": evidence_add(
            milestone_id=milestone.pk, user=cochair_az, url="https://example.org/cochair"
        ),
        "secret_evidence": evidence_add(
            milestone_id=secret.pk, user=staff, file=upload("secret.pdf", PDF)
        ),
    }


def state() -> tuple:
    """Everything a milestones POST could change."""
    return (
        tuple(Milestone.objects.order_by("pk").values_list("pk", "version", "status", "progress")),
        MilestoneUpdate.objects.count(),
        tuple(SignOff.objects.order_by("pk").values_list("pk", "side")),
        tuple(Evidence.objects.order_by("pk").values_list("pk", "title")),
    )


@pytest.mark.parametrize(("name", "index", "role"), CASES)
def test_it_answers_each_role(request, objects, name, index, role):
    case = MATRIX[name][index]
    client = client_for(request, role)
    before = state()
    path = case.path(objects)
    is_get = case.method == "GET"
    response = client.get(path) if is_get else client.post(path, case.data(objects))
    expected = case.expected[role]
    check(response, expected)
    if case.method == "POST":
        if response.status_code == 302 and expected != LOGIN:
            assert state() != before, "an allowed POST should have changed something"
        else:
            assert state() == before, "a refused POST must change nothing"


# CSRF on these POSTs: tests/fuzz/test_csrf.py (every endpoint of the fuzz catalogue).


def test_it_covers_every_milestones_url():
    from tests.milestones.test_access_csv import MATRIX as CSV_MATRIX
    from tests.milestones.test_access_list import MATRIX as LIST_MATRIX
    from tests.test_access_matrix import named_patterns

    milestone_names = {name for name in named_patterns() if name.startswith("milestones:")}
    assert milestone_names == set(MATRIX) | set(CSV_MATRIX) | set(LIST_MATRIX)
