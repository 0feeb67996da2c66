"""Milestone CSV export and import URLs × every role × GET/POST; refused POSTs change
nothing; CSRF on every POST: tests/fuzz/test_csrf.py.

``MATRIX`` names the URLs covered (tests/test_access_matrix.py checks every URL has a row).
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.milestones.models import Milestone, MilestoneUpdate
from tests.access import ROLES, check, client_for
from tests.access import expect as roles
from tests.milestones.test_roadmap_csv import csv_bytes, row

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}

IMPORTERS = {"cochair_az": 200, "cochair_us": 200, "staff": 200}


def preview_data():
    return {"action": "preview", "file": SimpleUploadedFile("r.csv", csv_bytes(row()))}


def confirm_data():
    return {"action": "confirm", "token": "0" * 64, "plan": "0" * 64}


# url name → [(method, path, expected by role, data)]; POST on the export and on the template
# is refused (405): tests/test_methods.py, tests/fuzz/test_catalogue.py.
MATRIX = {
    "milestones:export": [
        ("GET", "/milestones/export.csv", roles(200), None),
        ("GET", "/milestones/export.csv?group=security", roles(200), None),
    ],
    "milestones:import": [
        ("GET", "/milestones/import/", roles(403, **IMPORTERS), None),
        ("POST", "/milestones/import/", roles(403, **IMPORTERS), preview_data),
        # No preview in the session: the confirmation is stale (409), nothing written.
        (
            "POST",
            "/milestones/import/",
            roles(403, cochair_az=409, cochair_us=409, staff=409),
            confirm_data,
        ),
    ],
    # The template to fill in: whoever may import may download it.
    "milestones:import_template": [
        ("GET", "/milestones/import/template.csv", roles(403, **IMPORTERS), None),
    ],
}
CASES = [
    (name, index, role)
    for name, cases in MATRIX.items()
    for index in range(len(cases))
    for role in ROLES
]


@pytest.fixture
def objects(energy, security):
    for group in (energy, security):
        Milestone.objects.create(
            group=group,
            section=group.section,
            title=f"{group.slug} one",
            due_date=datetime.date(2026, 7, 1),
            external_ref=group.slug,
        )


def state():
    return (
        tuple(Milestone.objects.order_by("pk").values_list("pk", "version", "title")),
        MilestoneUpdate.objects.count(),
    )


@pytest.mark.parametrize(("name", "index", "role"), CASES)
def test_it_answers_each_role(request, objects, name, index, role):
    method, path, expected_by_role, data = MATRIX[name][index]
    client = client_for(request, role)
    before = state()
    response = client.get(path) if method == "GET" else client.post(path, data())
    check(response, expected_by_role[role])
    if method == "POST":
        assert state() == before


def test_it_exports_only_groups_the_user_may_see(request, objects):
    for role, sees_security in [("member", False), ("outsider", False), ("staff", True)]:
        content = b"".join(
            client_for(request, role).get("/milestones/export.csv").streaming_content
        )
        assert (b"security one" in content) is sees_security, role
        assert b"energy one" in content


# CSRF on these POSTs: tests/fuzz/test_csrf.py (every endpoint of the fuzz catalogue).


def test_it_covers_every_csv_url():
    from tests.test_access_matrix import named_patterns

    names = {"milestones:export", "milestones:import", "milestones:import_template"}
    assert names <= named_patterns()
    assert set(MATRIX) == names
