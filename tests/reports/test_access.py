"""Access matrix for the quarterly reports' URLs: every URL name × role × method.

`MATRIX` maps each URL name to its cases: (method, path, {role: expected status}), where
"login" means a redirect to the login page. `tests/test_access_matrix.py` reads the keys.
The dashboard (`/`, URL name "dashboard") is a project-level URL with its rows there.
"""

import pytest

from apps.charter.models import Membership
from apps.milestones.models import Milestone
from apps.reports.models import ReportNarrative
from tests.access import SIGNED_IN, check, expect, restricted

# Methods a URL refuses (POST on these pages, GET on the narrative) are in tests/test_methods.py.

MATRIX = {
    # Progress reports: 2026-Q1 (the charter's quarter) is always a period; 2099-Q1 never is.
    "reports:group_report_current": [
        ("GET", "/groups/energy/report/", expect(302)),
        ("GET", "/groups/energy/report/?period=2099-Q1", expect(404)),
        ("GET", "/groups/security/report/", restricted(404, staff=302)),
    ],
    "reports:group_report": [
        ("GET", "/groups/energy/report/2026-Q1/", expect(200)),
        ("GET", "/groups/energy/report/2099-Q1/", expect(404)),
        ("GET", "/groups/security/report/2026-Q1/", restricted(404, staff=200)),
    ],
    # Only the side's own co-chair may write (422 here: the post carries no version).
    "reports:narrative_save": [
        ("POST", "/groups/energy/report/2026-Q1/narrative/az/", expect(403, cochair_az=422)),
        ("POST", "/groups/energy/report/2026-Q1/narrative/us/", expect(403, cochair_us=422)),
        ("POST", "/groups/energy/report/2026-Q1/narrative/ru/", expect(404)),
        ("POST", "/groups/energy/report/2099-Q1/narrative/az/", expect(404)),
        (
            "POST",
            "/groups/security/report/2026-Q1/narrative/az/",
            restricted(404, staff=403),
        ),
    ],
    "reports:charter_report_current": [
        ("GET", "/reports/", expect(302)),
        ("GET", "/reports/?period=2099-Q1", expect(404)),
    ],
    "reports:charter_report": [
        ("GET", "/reports/2026-Q1/", expect(200)),
        ("GET", "/reports/2099-Q1/", expect(404)),
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
        sorted(Membership.objects.values_list("user_id", "group_id", "role", "side")),
        sorted(Milestone.objects.values_list("pk", "status", "progress", "version")),
        sorted(ReportNarrative.objects.values_list("pk", "text", "version")),
    )


@pytest.mark.parametrize("name, method, path, role, expected", CASES)
def test_it_answers_each_role(
    request, client, energy, security, name, method, path, role, expected
):
    # The whole cast exists, so every membership is in place whoever asks.
    for fixture in SIGNED_IN:
        request.getfixturevalue(fixture)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    before = state()
    response = client.get(path) if method == "GET" else client.post(path, {"x": "1"})
    check(response, expected)
    if method == "POST":
        assert state() == before
