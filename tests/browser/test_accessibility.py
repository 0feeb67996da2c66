"""axe-core over every page of the site, in a real browser, with the real strict CSP.

The list of pages is not written by hand: it comes from the access matrices
(tests/test_access_matrix.py and every tests/<app>/test_access*.py), which must have a row for
every URL. Each GET row that some role answers with 200 is a page; it is visited as the first
role of ROLE_PREFERENCE that gets 200 (anonymously when anonymous gets 200, as the login page and
the unsubscribe link are meant to be opened), on data like the demo's, and checked against WCAG
2.0/2.1 A and AA. A serious or critical violation fails the test with its id, help and nodes.
A matrix module this file cannot read, or a page that answers something other than HTML and is
not in NOT_PAGES, fails too, so a new page cannot be left out.

Every violation found, serious or not, is written to test-artifacts/axe-report.json.
"""

import datetime as dt
import importlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from apps.accounts.models import User
from apps.charter.models import Role, WorkingGroup
from apps.milestones.models import Status
from apps.milestones.services import evidence_add, milestone_log_progress, milestone_update
from apps.notifications.models import EmailKind, EmailState
from tests import test_access_matrix
from tests.browser import axe
from tests.conftest import join, make_user
from tests.meetings.test_access import Scene
from tests.milestones.conftest import PDF, make_milestone, upload
from tests.notifications.factories import outbox_row

pytestmark = pytest.mark.browser

# Who looks at a page that several roles may open: a co-chair sees the most (editing, import,
# sign-off, digest previews); staff come last, for what only they may see (restricted groups).
ROLE_PREFERENCE = [
    "cochair_az",
    "member",
    "observer",
    "cochair_us",
    "other_member",
    "outsider",
    "staff",
]

# URL names some role GETs with a 200 that are not HTML pages, so axe has nothing to check.
# (Logout needs no entry: it has a POST row only, so it never counts as a page.)
NOT_PAGES = {
    # The owner field's suggestions for htmx (its page-less answer to ?field=, too).
    "milestones:owner_search": "htmx fragment",
    # A JSON health check for load balancers and monitoring, not a page anyone reads.
    "healthz": "health check (JSON)",
    # iCalendar (.ics) feeds for calendar apps.
    "calendar:user_feed": "iCalendar feed",
    "calendar:group_feed": "iCalendar feed",
    # "Add to calendar" on the meeting page: one meeting as an .ics download.
    "meetings:ics": "iCalendar download",
    # The milestone list as a CSV download.
    "milestones:export": "CSV download",
    # The import's template to fill in, a CSV download.
    "milestones:import_template": "CSV download",
    # The evidence file itself (a PDF here), served as an attachment.
    "milestones:evidence_download": "file download",
    # An email's own HTML, shown in a sandboxed frame on the email's page (checked there).
    "notifications:email_html": "an email's HTML, framed by its page",
}


@dataclass(frozen=True)
class Row:
    """One GET row of an access matrix."""

    name: str
    path: Callable[["World"], str]
    expected: dict[str, Any]
    label: str = ""


@dataclass(frozen=True)
class Visit:
    name: str
    label: str
    role: str
    path: str

    @property
    def key(self) -> str:
        """A file name for what is seen there: "milestones-detail-0-cochair_az"."""
        key = "-".join(part for part in (self.name, self.label, self.role) if part)
        return re.sub(r"[^A-Za-z0-9_]+", "-", key).strip("-")


# --- reading the matrices -------------------------------------------------------------------
# One reader per matrix module, because each app's matrix has the shape its own tests need.


def _project(module) -> Iterator[Row]:
    for name, (method, path, expected) in module.MATRIX.items():
        if method == "GET":
            yield Row(name, lambda w, path=path: path, expected)


def _charter(module) -> Iterator[Row]:
    for name, cases in module.MATRIX.items():
        for method, slug, expected in cases:
            if method == "GET":
                yield Row(
                    name,
                    lambda w, name=name, slug=slug: module.PATHS[name].format(
                        group=slug, target=w.charter_targets[slug].pk
                    ),
                    expected,
                    slug,
                )


def _meetings(module) -> Iterator[Row]:
    for name, methods in module.MATRIX.items():
        if "GET" in methods:
            yield Row(name, lambda w, name=name: w.scene.path(name), methods["GET"])
    for name, methods in module.RESTRICTED.items():
        if "GET" in methods:
            yield Row(
                name,
                lambda w, name=name: w.restricted_scene.path(name),
                methods["GET"],
                "restricted",
            )


def _milestones(module) -> Iterator[Row]:
    for name, cases in module.MATRIX.items():
        for index, case in enumerate(cases):
            if case.method == "GET":
                yield Row(
                    name,
                    lambda w, case=case: case.path(w.milestones),
                    case.expected,
                    case.label or str(index),
                )


def _milestone_rows(module) -> Iterator[Row]:
    """[(method, path of the objects, expected, data, headers)]: the rows asked as whole pages
    (the htmx rows are fragments of the list page)."""
    for name, cases in module.MATRIX.items():
        for index, (method, path, expected, _data, headers) in enumerate(cases):
            if method == "GET" and not headers:
                yield Row(name, lambda w, path=path: path(w.milestones), expected, str(index))


def _notifications(module) -> Iterator[Row]:
    for name, (path, expected) in module.MATRIX.items():
        yield Row(name, lambda w, path=path: path(w.notifications), expected)


def _reports(module) -> Iterator[Row]:
    """[(method, path, expected, ...)]; paths may hold the calendar matrix's {placeholders}."""
    for name, cases in module.MATRIX.items():
        for method, path, expected, *_data in cases:
            if method == "GET":
                yield Row(name, lambda w, path=path: path.format(**w.tokens), expected, path)


READERS = {
    "tests.test_access_matrix": _project,
    "tests.charter.test_access": _charter,
    "tests.meetings.test_access": _meetings,
    "tests.milestones.test_access": _milestones,
    "tests.notifications.test_access": _notifications,
    "tests.overview.test_access": _reports,
    "tests.reports.test_access": _reports,
    "tests.calendar.test_access": _reports,
    "tests.milestones.test_access_csv": _reports,
    "tests.milestones.test_access_list": _milestone_rows,
}


def matrix_modules() -> list[str]:
    """The modules test_access_matrix collects that have a MATRIX (its glob also matches
    this file, tests/browser/test_accessibility.py, which has none)."""
    return [
        "tests.test_access_matrix",
        *(
            name
            for name in test_access_matrix.APP_MATRICES
            if hasattr(importlib.import_module(name), "MATRIX")
        ),
    ]


def get_rows() -> list[Row]:
    rows = []
    for module_name in matrix_modules():
        reader = READERS.get(module_name)
        assert reader, (
            f"{module_name} has an access MATRIX this file cannot read yet: add a reader to "
            "READERS in tests/browser/test_accessibility.py so its pages get the axe check"
        )
        rows.extend(reader(importlib.import_module(module_name)))
    return rows


def visits(world: "World") -> list[Visit]:
    """Every (page, role) to check: the GET rows some role answers with 200."""
    found: dict[tuple[str, str], Visit] = {}
    for row in get_rows():
        if row.name in NOT_PAGES:
            continue
        if row.expected.get("anonymous") == 200:
            role = "anonymous"
        else:
            role = next((r for r in ROLE_PREFERENCE if row.expected.get(r) == 200), None)
        if role is None:
            continue  # nobody gets a page here (a POST-only URL, or a 404 row)
        path = row.path(world)
        found.setdefault((role, path), Visit(row.name, row.label, role, path))
    return list(found.values())


def test_it_reads_every_access_matrix():
    """A new tests/<app>/test_access*.py needs a reader here, or its pages would be missed."""
    names = {row.name for row in get_rows()}
    assert set(NOT_PAGES) <= names, set(NOT_PAGES) - names


# --- the data: something of everything, as in the demo ----------------------------------------


@dataclass
class World:
    users: dict[str, User]
    milestones: dict
    scene: Scene
    restricted_scene: Scene
    notifications: dict
    charter_targets: dict
    tokens: dict


@pytest.fixture
def world(
    settings,
    tmp_path,
    energy,
    security,
    staff,
    cochair_az,
    cochair_us,
    member,
    observer,
    other_member,
    outsider,
) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    users = {
        "staff": staff,
        "cochair_az": cochair_az,
        "cochair_us": cochair_us,
        "member": member,
        "observer": observer,
        "other_member": other_member,
        "outsider": outsider,
    }
    today = timezone.localdate()
    # The milestones matrix's objects (same keys as its `objects` fixture) ...
    milestone = make_milestone(
        energy, owner=member, title="Feasibility study for the green energy corridor", progress=20
    )
    milestone_log_progress(
        milestone_id=milestone.pk,
        user=member,
        version=1,
        note="Terms of reference agreed with the consultants.",
        status=Status.IN_PROGRESS,
        progress=40,
    )
    awaiting = make_milestone(
        energy, title="Joint statement on grid codes", status=Status.AWAITING_SIGNOFF, progress=100
    )
    secret = make_milestone(security, title="Classified logistics study")
    milestones = {
        "milestone": milestone,
        "awaiting": awaiting,
        "secret": secret,
        # (tests/milestones/test_access_list.py: a closed milestone only co-chairs may edit)
        "cancelled": make_milestone(energy, title="Withdrawn study", status=Status.CANCELLED),
        "evidence": evidence_add(
            milestone_id=milestone.pk, user=member, file=upload("survey.pdf", PDF)
        ),
        "cochair_evidence": evidence_add(
            milestone_id=milestone.pk, user=cochair_az, url="https://example.org/cochair"
        ),
        "secret_evidence": evidence_add(
            milestone_id=secret.pk, user=staff, file=upload("secret.pdf", PDF)
        ),
    }
    # ... and one milestone in every status, some overdue, so every badge and colour is drawn.
    for number, status in enumerate(Status.values):
        make_milestone(
            energy,
            owner=cochair_az,
            number=number,
            title=f"Energy milestone {status}",
            status=status,
            progress=100 if status == Status.DONE else 10 * number,
            due_date=today + dt.timedelta(days=(number - 3) * 9),
            completed_at=timezone.now() if status == Status.DONE else None,
        )
    connectivity = WorkingGroup.objects.get(slug="connectivity")
    make_milestone(connectivity, owner=other_member, title="Middle Corridor fibre route")

    targets = {}
    for slug in ("energy", "security"):
        target = make_user(f"target.{slug}@example.test")
        targets[slug] = join(target, WorkingGroup.objects.get(slug=slug), Role.MEMBER)
    insider = make_user("insider@example.test")
    join(insider, security, Role.MEMBER)
    chair = make_user("security.chair@example.test", side="us")
    join(chair, security, Role.CO_CHAIR)

    notifications = {
        "member": member,
        "email": outbox_row(member, state=EmailState.SENT),
    }
    outbox_row(
        member, kind=EmailKind.DIGEST, state=EmailState.FAILED, last_error="550 No such user"
    )
    outbox_row(member)

    tokens = {}
    for number, (role, user) in enumerate(users.items()):
        token = f"{number}" * 43
        User.objects.filter(pk=user.pk).update(calendar_token=token)
        tokens[role] = token
    return World(
        users=users,
        milestones=milestones,
        scene=Scene(energy, member, cochair_us),
        restricted_scene=Scene(security, insider, chair),
        notifications=notifications,
        charter_targets=targets,
        tokens={
            "member": tokens["member"],
            "staff": tokens["staff"],
            "own": tokens["cochair_az"],
            "bad": "b" * 43,
        },
    )


# --- the browser --------------------------------------------------------------------------


def sign_in_as(page: Page, base_url: str, user: User | None) -> None:
    """Switch the page's context to `user` (or to nobody) through the real login form."""
    page.context.clear_cookies()
    if user is None:
        return
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill("test-pass-1234")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")


@pytest.fixture
def one_context(browser: Browser) -> Iterator[BrowserContext]:
    """One context for the whole page loop (switching users in it): one browser start."""
    context = browser.new_context()
    yield context
    context.close()


def check(page: Page, where: str, report: dict, failures: list[str]) -> None:
    found = axe.violations(page)
    report[where] = found
    serious = axe.blocking(found)
    if serious:
        failures.append(axe.describe(where, serious))


def test_it_finds_no_serious_violations_on_any_page(live_server, one_context, world, artifacts):
    axe.require_axe()
    page = one_context.new_page()
    report: dict[str, list] = {}
    failures: list[str] = []
    current_role = None
    for visit in sorted(visits(world), key=lambda v: (v.role, v.name, v.path)):
        if visit.role != current_role:
            user = None if visit.role == "anonymous" else world.users[visit.role]
            sign_in_as(page, live_server.url, user)
            current_role = visit.role
        response = page.goto(f"{live_server.url}{visit.path}")
        where = f"{visit.name} {visit.path} as {visit.role}"
        assert response is not None and response.status == 200, where
        content_type = response.header_value("content-type") or ""
        assert content_type.startswith("text/html"), (
            f"{where} answers {content_type}: if it is not a page, add it to NOT_PAGES"
        )
        check(page, where, report, failures)
    axe.dump(artifacts / "axe-report.json", report)
    # Every page the cast can open was checked, not just the first few.
    assert len(report) >= 20, sorted(report)
    assert not failures, "axe-core found serious or critical violations:\n" + "\n".join(failures)


def test_it_finds_no_serious_violations_in_htmx_states(live_server, one_context, world, artifacts):
    """What htmx swaps in: the inline row editor with a 422 error, the detail page's 409
    conflict, a 422 on the "Post an update" form, and the evidence removal dialog."""
    axe.require_axe()
    page = one_context.new_page()
    # The US co-chair reads English (the AZ co-chair, Azerbaijani); the labels below are English.
    sign_in_as(page, live_server.url, world.users["cochair_us"])
    report: dict[str, list] = {}
    failures: list[str] = []
    milestone = world.milestones["milestone"]

    page.goto(f"{live_server.url}/milestones/")
    row = page.locator(f"#milestone-row-{milestone.pk}")
    row.get_by_role("link", name=f"Edit {milestone.title}").click()
    expect(page.locator(f"#row-form-{milestone.pk}")).to_be_visible()
    check(page, "milestone list row's edit form", report, failures)
    row = page.locator(f"#milestone-row-{milestone.pk}")
    row.get_by_label("Owner").fill("stranger@example.org")
    row.get_by_role("button", name="Save").click()
    expect(page.locator(f"#milestone-row-{milestone.pk} [role=alert]")).to_contain_text(
        "stranger@example.org"
    )
    check(page, "milestone list row with a 422 error", report, failures)

    page.goto(f"{live_server.url}/milestones/{milestone.pk}/")
    # Someone else saves first: this page's version is stale.
    milestone.refresh_from_db()
    milestone_update(
        milestone_id=milestone.pk,
        user=world.users["member"],
        version=milestone.version,
        progress=45,
    )
    page.get_by_label("Progress (%)", exact=True).fill("60")
    page.get_by_role("button", name="Post update").click()
    expect(page.locator("#update-panel .conflict")).to_contain_text("saved a change")
    check(page, "milestone detail with a 409 conflict", report, failures)

    page.goto(f"{live_server.url}/milestones/{milestone.pk}/")
    # A blank note and nothing changed: the server asks for a note or a change.
    page.get_by_label("Note", exact=True).fill("   ")
    page.get_by_role("button", name="Post update").click()
    expect(page.locator("#update-note-error")).to_be_visible()
    expect(page.locator("#update-panel .error-summary")).to_be_focused()
    check(page, "post an update form with a 422 error", report, failures)

    # The confirmations before removing evidence and declining a sign-off, as dialogs.
    page.goto(f"{live_server.url}/milestones/{milestone.pk}/")
    page.locator("#evidence-panel form[data-confirm] button").first.click()
    expect(page.locator("dialog.confirm-dialog[open]")).to_be_visible()
    check(page, "evidence removal confirmation dialog", report, failures)

    page.goto(f"{live_server.url}/milestones/{world.milestones['awaiting'].pk}/")
    page.get_by_text("Decline the sign-off", exact=True).click()
    page.get_by_label("Why do you decline?").fill("The annex is missing.")
    page.get_by_role("button", name="Decline", exact=True).click()
    expect(page.locator("dialog#confirm-decline")).to_be_visible()
    check(page, "decline confirmation dialog", report, failures)

    axe.dump(artifacts / "axe-report-htmx.json", report)
    assert not failures, "axe-core found serious or critical violations:\n" + "\n".join(failures)
