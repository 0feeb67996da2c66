"""Every meetings URL × every role × GET/POST: who gets what, and denied POSTs change nothing.

``MATRIX`` names the URL names covered (tests/test_access_matrix.py checks that every URL of the
site has a row somewhere). Each entry maps a method to the expected answer per role:
"login" is a redirect to the login page, 302 a redirect back to the meeting (PRG).
``RESTRICTED`` is the same for a meeting of the restricted Security group, of which none of
the cast except staff can see anything.
"""

import datetime as dt

import pytest
from django.urls import reverse

from apps.meetings import services
from apps.meetings.models import Attendance, Meeting
from tests import access
from tests.access import client_for, expect, restricted
from tests.conftest import join, make_user
from tests.meetings.conftest import schedule, snapshot

pytestmark = pytest.mark.django_db

READ = expect(200)
EDIT_PAGE = expect(403, member=200, cochair_az=200, cochair_us=200, staff=200)
EDIT = expect(403, member=302, cochair_az=302, cochair_us=302, staff=302)
ADOPT = expect(403, cochair_az=302, cochair_us=302)

# POST-only URLs have no GET row: the refusal (405) is checked once per URL in
# tests/test_methods.py.
MATRIX = {
    "meetings:list": {"GET": READ},
    "meetings:create": {"GET": EDIT_PAGE, "POST": EDIT},
    "meetings:detail": {"GET": READ},
    # "Add to calendar": the same rule as the meeting page.
    "meetings:ics": {"GET": READ},
    "meetings:edit": {"GET": EDIT_PAGE, "POST": EDIT},
    "meetings:attendance": {"POST": EDIT},
    "meetings:guest_add": {"POST": EDIT},
    "meetings:guest_remove": {"POST": EDIT},
    "meetings:minutes": {"POST": EDIT},
    "meetings:decision_add": {"POST": EDIT},
    "meetings:decision_remove": {"POST": EDIT},
    "meetings:action_add": {"POST": EDIT},
    "meetings:action_status": {"POST": EDIT},
    "meetings:action_promote": {"POST": EDIT},
    "meetings:adopt": {"POST": ADOPT},
}

# The Security group is restricted: its meetings do not exist for non-members (404). Only the
# roles whose answer can differ there are asked (tests/access.py RESTRICTED_ROLES).
HIDDEN = restricted(404, staff=200)
HIDDEN_EDIT = restricted(404, staff=302)
HIDDEN_ADOPT = restricted(404, staff=403)


def restricted_row(name: str, methods: dict) -> dict:
    return {
        method: HIDDEN
        if method == "GET"
        else (HIDDEN_ADOPT if name == "meetings:adopt" else HIDDEN_EDIT)
        for method in methods
    }


RESTRICTED = {
    name: restricted_row(name, methods)
    for name, methods in MATRIX.items()
    if name != "meetings:list"
}


class Scene:
    """A meeting with something of everything on it, and the data each POST sends."""

    def __init__(self, group, author, co_chair):
        self.meeting = schedule(group, author)
        self.meeting = services.minutes_update(
            meeting_id=self.meeting.pk, user=author, version=1, minutes="Draft minutes."
        )
        self.guest = services.guest_add(meeting_id=self.meeting.pk, user=author, name="Jane Guest")
        self.decision = services.decision_add(
            meeting_id=self.meeting.pk, user=author, text="Adopt the roadmap."
        )
        self.item = services.action_item_add(
            meeting_id=self.meeting.pk,
            user=author,
            title="Circulate the roadmap",
            owner_id=co_chair.pk,
            due_date=dt.date(2026, 6, 1),
        )
        self.member_row = Attendance.objects.filter(
            meeting=self.meeting, user__isnull=False
        ).first()
        self.group = group

    def path(self, name: str) -> str:
        if name == "meetings:list":
            return reverse(name)
        if name == "meetings:create":
            return f"{reverse(name)}?group={self.group.slug}"
        return reverse(name, args=[self.meeting.pk])

    def data(self, name: str) -> dict:
        meeting = self.meeting
        details = {
            "title": "Energy roadmap review (moved)",
            "starts_at_local": "2026-04-21T11:00",
            "time_zone": "Asia/Baku",
            "duration_minutes": "60",
            "location": "Baku",
            "link": "",
            "agenda": "",
        }
        return {
            "meetings:create": details,
            "meetings:edit": {**details, "version": meeting.version},
            "meetings:attendance": {"attendance_id": self.member_row.pk, "status": "present"},
            "meetings:guest_add": {"name": "John Guest", "organisation": "SOCAR"},
            "meetings:guest_remove": {"attendance_id": self.guest.pk},
            "meetings:minutes": {"minutes": "Final minutes.", "version": meeting.version},
            "meetings:decision_add": {"text": "Meet again in June."},
            "meetings:decision_remove": {"decision_id": self.decision.pk},
            "meetings:action_add": {"title": "Draft the study", "owner": "", "due_date": ""},
            "meetings:action_status": {"action_item_id": self.item.pk, "status": "done"},
            "meetings:action_promote": {"action_item_id": self.item.pk},
            "meetings:adopt": {"version": meeting.version, "confirmed": "yes"},
        }[name]


@pytest.fixture
def scene(energy, cast) -> Scene:
    return Scene(energy, cast["member"], cast["cochair_us"])


@pytest.fixture
def restricted_scene(security, cast) -> Scene:
    insider = make_user("insider@example.test")
    join(insider, security, "member")
    chair = make_user("security.chair@example.test", side="us")
    join(chair, security, "co_chair")
    return Scene(security, insider, chair)


def check(response, expected, scene: Scene) -> None:
    access.check(response, expected)
    if expected == 302:
        location = response["Location"]
        assert location.startswith("/meetings/"), location


def rows(matrix: dict, method: str) -> list[tuple[str, str]]:
    return [
        (name, role)
        for name in sorted(matrix)
        if method in matrix[name]
        for role in matrix[name][method]
    ]


@pytest.mark.parametrize("name, role", rows(MATRIX, "GET"))
def test_it_answers_each_role_on_get(request, scene, name, role):
    expected = MATRIX[name]["GET"][role]
    check(client_for(request, role).get(scene.path(name)), expected, scene)


@pytest.mark.parametrize("name, role", rows(MATRIX, "POST"))
def test_it_answers_each_role_on_post(request, scene, name, role):
    expected = MATRIX[name]["POST"][role]
    before = snapshot()
    response = client_for(request, role).post(scene.path(name), scene.data(name))
    check(response, expected, scene)
    if expected == 302:
        assert snapshot() != before, "an allowed POST changes the record"
    else:
        assert snapshot() == before, "a denied POST leaves the database unchanged"


@pytest.mark.parametrize("name, role", rows(RESTRICTED, "GET"))
def test_it_hides_restricted_meetings_on_get(request, restricted_scene, name, role):
    expected = RESTRICTED[name]["GET"][role]
    check(client_for(request, role).get(restricted_scene.path(name)), expected, restricted_scene)


@pytest.mark.parametrize("name, role", rows(RESTRICTED, "POST"))
def test_it_hides_restricted_meetings_on_post(request, restricted_scene, name, role):
    expected = RESTRICTED[name]["POST"][role]
    before = snapshot()
    response = client_for(request, role).post(
        restricted_scene.path(name), restricted_scene.data(name)
    )
    check(response, expected, restricted_scene)
    if expected != 302:
        assert snapshot() == before


def test_it_shows_restricted_meetings_to_the_groups_members(client, restricted_scene):
    insider = restricted_scene.meeting.created_by
    client.force_login(insider)
    assert client.get(restricted_scene.path("meetings:detail")).status_code == 200
    listed = [
        meeting
        for when in ("upcoming", "past")
        for meeting in client.get(reverse("meetings:list"), {"when": when}).context["page"]
    ]
    assert restricted_scene.meeting in listed


def test_it_leaves_restricted_meetings_out_of_the_list(client, restricted_scene, scene, outsider):
    client.force_login(outsider)
    for when in ("upcoming", "past"):
        listed = client.get(reverse("meetings:list"), {"when": when}).context["page"].object_list
        assert restricted_scene.meeting not in listed
    assert client.get(reverse("meetings:list"), {"group": "security"}).status_code == 404


# CSRF on these POSTs: tests/fuzz/test_csrf.py (every endpoint of the fuzz catalogue).


@pytest.mark.parametrize("name", sorted(set(MATRIX) - {"meetings:list", "meetings:create"}))
@pytest.mark.parametrize("pk", [999_999, 2**63, 10**30])
def test_it_answers_404_for_a_meeting_that_does_not_exist(client, staff, name, pk):
    client.force_login(staff)
    path = reverse(name, args=[1]).replace("/1/", f"/{pk}/")
    method = "get" if "GET" in MATRIX[name] else "post"
    assert getattr(client, method)(path).status_code == 404
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("slug", ["nope", "", "security", "\x00", "energy\x00", "a" * 500, "é"])
def test_it_handles_a_missing_or_hidden_group_when_scheduling(client, member, slug):
    client.force_login(member)
    response = client.get(reverse("meetings:create"), {"group": slug} if slug else {})
    if slug:
        assert response.status_code == 404
    else:
        assert response.status_code == 302
        assert response["Location"] == reverse("meetings:list")


@pytest.mark.parametrize("slug", ["\x00", "energy\x00", "a" * 500, "../energy"])
def test_it_answers_404_for_a_malformed_group_in_the_list(client, member, slug):
    client.force_login(member)
    assert client.get(reverse("meetings:list"), {"group": slug}).status_code == 404
