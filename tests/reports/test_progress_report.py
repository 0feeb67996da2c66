"""Progress reports per group and period (`/groups/<slug>/report/<period>/`), the charter-wide
report (`/reports/<period>/`) and the co-chairs' narratives.

The clock is frozen on 15 August 2026: the charter was signed on 10 February 2026, so the
periods are 2026-Q1, 2026-Q2 (closed: 1 April to 30 June) and 2026-Q3 (current).
"""

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings

from apps.charter.models import Role
from apps.meetings.models import Decision, Meeting, MinutesState
from apps.milestones.models import Milestone, MilestoneUpdate, Status, UpdateKind
from apps.reports import selectors, services
from apps.reports.models import ReportNarrative
from apps.reports.periods import Period, available_periods
from tests.conftest import join, make_user
from tests.factories import MilestoneFactory

NOW = dt.datetime(2026, 8, 15, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
Q2 = Period(2026, 2)
Q3 = Period(2026, 3)
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def cochair_az(cochair_az):
    """The Azerbaijani co-chair, reading English pages so the assertions can read the text
    (the cast gives them Azerbaijani)."""
    cochair_az.language = "en"
    cochair_az.save(update_fields=["language"])
    return cochair_az


def at(day: str, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=dt.UTC)


def milestone(group, title: str, *, due: str, status: str = Status.PLANNED, **extra) -> Milestone:
    if status == Status.DONE:
        extra.setdefault("completed_at", NOW)
    return MilestoneFactory(
        group=group, title=title, due_date=dt.date.fromisoformat(due), status=status, **extra
    )


def history(item: Milestone, *steps: tuple[str, str, str]) -> Milestone:
    """Give ``item`` a progress log: (time, old status, new status) per entry, and the
    creation time of the first entry."""
    for when, old, new in steps:
        entry = MilestoneUpdate.objects.create(
            milestone=item, kind=UpdateKind.UPDATED, old_status=old, new_status=new
        )
        MilestoneUpdate.objects.filter(pk=entry.pk).update(created_at=at(when))
    Milestone.objects.filter(pk=item.pk).update(created_at=at(steps[0][0]))
    return item


def decision(group, text: str, *, held: dt.datetime, **extra) -> Decision:
    meeting = Meeting.objects.create(group=group, title=f"Meeting {text}", starts_at=held, **extra)
    return Decision.objects.create(meeting=meeting, text=text)


def get(client, user, path: str):
    client.force_login(user)
    return client.get(path)


def section(response):
    return response.context["section"]


def titles(rows) -> list[str]:
    return [row.title for row in rows]


# --- periods --------------------------------------------------------------------------------


def test_it_knows_the_days_of_a_quarter():
    period = Period.parse("2026-Q3")
    assert (period.year, period.quarter, str(period)) == (2026, 3, "2026-Q3")
    assert (period.start, period.last_day, period.end) == (
        dt.date(2026, 7, 1),
        dt.date(2026, 9, 30),
        dt.date(2026, 10, 1),
    )
    assert period.start_at == dt.datetime(2026, 7, 1, tzinfo=dt.UTC)
    assert Period.parse("2026-Q4").next == Period(2027, 1)
    assert Period.parse("2027-Q1").previous == Period(2026, 4)
    assert Period.of(dt.date(2026, 2, 10)) == Period(2026, 1)
    assert Period.of(dt.date(2026, 12, 31)) == Period(2026, 4)


@pytest.mark.parametrize(
    "value",
    [
        "2026-Q0",
        "2026-Q5",
        "2026Q3",
        "2026-q3",
        "26-Q3",
        " 2026-Q3",
        "2026-Q3 ",
        "2026-Q3/",
        "",
        "2026-Q3\x00",
        "٢٠٢٦-Q3",
        "0000-Q1",
        "9999-Q4",
        "2026-Q03",
    ],
)
def test_it_refuses_anything_but_a_quarter(value):
    with pytest.raises(ValueError):
        Period.parse(value)


def test_it_offers_the_quarters_from_the_charter_to_today_latest_first():
    periods = available_periods(first_day=dt.date(2026, 2, 10), today=TODAY)
    assert [str(p) for p in periods] == ["2026-Q3", "2026-Q2", "2026-Q1"]
    assert available_periods(first_day=None, today=TODAY) == [Q3]


def test_it_redirects_to_the_current_period(client, member, energy):
    response = get(client, member, "/groups/energy/report/")
    assert (response.status_code, response["Location"]) == (302, "/groups/energy/report/2026-Q3/")
    response = client.get("/reports/")
    assert (response.status_code, response["Location"]) == (302, "/reports/2026-Q3/")


def test_it_redirects_to_the_picked_period(client, member, energy):
    response = get(client, member, "/groups/energy/report/?period=2026-Q1")
    assert response["Location"] == "/groups/energy/report/2026-Q1/"
    assert client.get("/reports/?period=2026-Q2")["Location"] == "/reports/2026-Q2/"


@pytest.mark.parametrize(
    "path",
    [
        "/groups/energy/report/2026-Q5/",
        "/groups/energy/report/2025-Q4/",  # before the charter was signed
        "/groups/energy/report/2026-Q4/",  # not started yet
        "/groups/energy/report/q3/",
        "/groups/energy/report/2026-Q3%00/",
        "/groups/energy/report/?period=2026-Q4",
        "/groups/energy/report/?period=%00",
        "/reports/2025-Q4/",
        "/reports/2026-Q4/",
        "/reports/nonsense/",
        "/reports/?period=2026-Q9",
    ],
)
def test_it_answers_404_for_a_period_that_is_not_one(client, member, energy, path):
    assert get(client, member, path).status_code == 404


# --- contents -------------------------------------------------------------------------------


def test_it_lists_what_was_completed_inside_the_period_only(client, member, energy):
    milestone(energy, "Inside", due="2026-07-31", status=Status.DONE, completed_at=at("2026-07-10"))
    milestone(
        energy,
        "Last minute",
        due="2026-07-31",
        status=Status.DONE,
        completed_at=dt.datetime(2026, 9, 30, 23, 59, tzinfo=dt.UTC),
    )
    milestone(
        energy,
        "In Q2",
        due="2026-06-30",
        status=Status.DONE,
        completed_at=dt.datetime(2026, 6, 30, 23, 59, tzinfo=dt.UTC),
    )
    milestone(energy, "Open", due="2026-07-31", status=Status.IN_PROGRESS)
    current = section(get(client, member, "/groups/energy/report/2026-Q3/"))
    assert titles(current.completed) == ["Inside", "Last minute"]
    assert current.completed.total == 2
    closed = section(client.get("/groups/energy/report/2026-Q2/"))
    assert titles(closed.completed) == ["In Q2"]


def test_it_lists_what_is_overdue_today_in_the_current_period(client, member, energy):
    milestone(energy, "Late", due="2026-08-01", status=Status.IN_PROGRESS)
    milestone(energy, "Late awaiting", due="2026-08-14", status=Status.AWAITING_SIGNOFF)
    milestone(energy, "Due today", due="2026-08-15")
    milestone(energy, "Done late", due="2026-07-01", status=Status.DONE)
    milestone(energy, "Dropped", due="2026-07-01", status=Status.CANCELLED)
    response = get(client, member, "/groups/energy/report/2026-Q3/")
    assert titles(section(response).overdue) == ["Late", "Late awaiting"]
    assert response.context["moment"].live
    body = response.content.decode()
    assert "Overdue today" in body
    assert '<strong class="tag tag--rag-red">Red</strong>' in body


def test_it_lists_what_is_due_in_the_next_period(client, member, energy):
    milestone(energy, "October", due="2026-10-01")
    milestone(energy, "December", due="2026-12-31", status=Status.AT_RISK)
    milestone(energy, "Too far", due="2027-01-01")
    milestone(energy, "Still this quarter", due="2026-09-30")
    milestone(energy, "Already done", due="2026-11-01", status=Status.DONE)
    milestone(energy, "Dropped", due="2026-11-01", status=Status.CANCELLED)
    coming = section(get(client, member, "/groups/energy/report/2026-Q3/")).coming
    assert titles(coming) == ["October", "December"]


def test_it_shows_a_closed_period_as_it_stood_at_its_end(client, member, energy):
    # In progress at the end of June, due in May: overdue then; done since.
    history(
        milestone(
            energy, "Late then", due="2026-05-15", status=Status.DONE, completed_at=at("2026-07-05")
        ),
        ("2026-03-01", "", Status.PLANNED),
        ("2026-04-10", Status.PLANNED, Status.IN_PROGRESS),
        ("2026-07-05", Status.IN_PROGRESS, Status.DONE),
    )
    # Done in June: neither overdue nor coming at the end of June.
    history(
        milestone(
            energy,
            "Done in time",
            due="2026-06-10",
            status=Status.DONE,
            completed_at=at("2026-06-09"),
        ),
        ("2026-03-01", "", Status.PLANNED),
        ("2026-06-09", Status.PLANNED, Status.DONE),
    )
    # Blocked at the end of June, due in August: coming then (and what made June red).
    history(
        milestone(energy, "Blocked then", due="2026-08-30", status=Status.IN_PROGRESS),
        ("2026-03-01", "", Status.PLANNED),
        ("2026-06-01", Status.PLANNED, Status.BLOCKED),
        ("2026-07-20", Status.BLOCKED, Status.IN_PROGRESS),
    )
    # Created in July with a due date in May: it did not exist at the end of June.
    history(
        milestone(energy, "Added later", due="2026-05-01"),
        ("2026-07-02", "", Status.PLANNED),
    )
    response = get(client, member, "/groups/energy/report/2026-Q2/")
    report = section(response)
    assert not response.context["moment"].live
    assert titles(report.overdue) == ["Late then"]
    assert report.overdue.items[0].status_then == Status.IN_PROGRESS
    assert titles(report.coming) == ["Blocked then"]
    assert report.coming.items[0].status_then == Status.BLOCKED
    assert titles(report.completed) == ["Done in time"]
    assert report.group.rag == "red"
    body = response.content.decode()
    assert "Overdue at the end of the period" in body
    assert "Status then" in body
    # The current period sees the same milestones as they are now.
    now = section(client.get("/groups/energy/report/2026-Q3/"))
    assert titles(now.overdue) == ["Added later"]
    assert titles(now.completed) == ["Late then"]


def test_it_shows_a_green_closed_period_when_nothing_was_wrong_then(client, member, energy):
    # Blocked and overdue now, but planned and far from due at the end of June.
    history(
        milestone(energy, "Went wrong later", due="2026-08-01", status=Status.BLOCKED),
        ("2026-03-01", "", Status.PLANNED),
        ("2026-07-10", Status.PLANNED, Status.BLOCKED),
    )
    assert section(get(client, member, "/groups/energy/report/2026-Q2/")).group.rag == "green"
    assert section(client.get("/groups/energy/report/2026-Q3/")).group.rag == "red"


def test_it_lists_the_decisions_of_the_periods_meetings(client, member, energy, connectivity):
    decision(energy, "Adopt the grid plan", held=at("2026-07-20"))
    decision(energy, "June matter", held=dt.datetime(2026, 6, 30, 23, 0, tzinfo=dt.UTC))
    decision(
        energy,
        "First of July",
        held=dt.datetime(2026, 7, 1, 0, 0, tzinfo=dt.UTC),
        minutes_state=MinutesState.ADOPTED,
    )
    decision(connectivity, "Other group", held=at("2026-07-20"))
    response = get(client, member, "/groups/energy/report/2026-Q3/")
    decisions = section(response).decisions
    assert [d.text for d in decisions] == ["First of July", "Adopt the grid plan"]
    body = response.content.decode()
    assert "Adopt the grid plan" in body and "Meeting Adopt the grid plan" in body
    assert '<time datetime="2026-07-20">' in body
    assert "minutes in draft" in body
    closed = section(client.get("/groups/energy/report/2026-Q2/")).decisions
    assert [d.text for d in closed] == ["June matter"]


def test_it_shows_the_counts(client, member, energy):
    milestone(energy, "Done", due="2026-07-31", status=Status.DONE, completed_at=at("2026-07-10"))
    milestone(energy, "Late", due="2026-08-01")
    milestone(energy, "Coming", due="2026-11-01")
    decision(energy, "One", held=at("2026-07-20"))
    body = get(client, member, "/groups/energy/report/2026-Q3/").content.decode()
    for label in ("Completed in the period", "Overdue today", "Due in 2026-Q4", "Decisions"):
        assert re.search(rf"<dt>{label}</dt><dd>1</dd>", body), label


def test_it_caps_long_lists_and_says_how_many_are_left_out(energy):
    for i in range(5):
        milestone(energy, f"Late {i}", due=f"2026-08-0{i + 1}")
    moment = selectors.ReportMoment.of(Q3, today=TODAY, now=NOW)
    overdue = selectors.report_overdue(group_ids=[energy.pk], moment=moment, limit=2)
    assert titles(overdue[energy.pk]) == ["Late 0", "Late 1"]
    assert (overdue[energy.pk].total, overdue[energy.pk].more) == (5, 3)


def test_it_shows_the_group_name_period_and_status(client, member, energy):
    body = get(client, member, "/groups/energy/report/2026-Q2/").content.decode()
    assert energy.name_en in body
    assert "Progress report, 2026-Q2" in body
    assert "Q2 2026, 1 April – 30 June 2026" in body
    assert "The period is closed" in body
    assert '<strong class="tag tag--rag-green">Green</strong>' in body


# --- access ---------------------------------------------------------------------------------


def test_it_hides_a_restricted_groups_report_from_non_members(client, member, outsider, security):
    for user in (member, outsider):
        assert get(client, user, "/groups/security/report/2026-Q3/").status_code == 404
        assert get(client, user, "/groups/security/report/").status_code == 404


def test_it_shows_a_restricted_groups_report_to_its_members_and_staff(client, staff, security):
    insider = make_user("defense@example.test")
    join(insider, security, Role.OBSERVER)
    assert get(client, insider, "/groups/security/report/2026-Q3/").status_code == 200
    assert get(client, staff, "/groups/security/report/2026-Q3/").status_code == 200


def test_it_joins_the_groups_the_user_may_see(client, member, staff, energy, security):
    decision(security, "Classified", held=at("2026-07-20"))
    response = get(client, member, "/reports/2026-Q3/")
    slugs = [s.group.slug for s in response.context["sections"]]
    assert "energy" in slugs and "security" not in slugs
    assert len(slugs) == 4
    assert b"Classified" not in response.content
    response = get(client, staff, "/reports/2026-Q3/")
    assert len(response.context["sections"]) == 5
    assert b"Classified" in response.content


def test_it_adds_up_the_groups_in_the_charter_report(client, member, energy, connectivity):
    milestone(energy, "Late", due="2026-08-01")
    milestone(connectivity, "Late too", due="2026-08-02")
    decision(connectivity, "Agreed", held=at("2026-07-20"))
    response = get(client, member, "/reports/2026-Q3/")
    assert response.context["totals"] == {
        "completed": 0,
        "overdue": 2,
        "due_later": 0,
        "coming": 0,
        "decisions": 1,
    }
    body = response.content.decode()
    assert 'href="#group-energy"' in body and 'id="group-connectivity"' in body


def test_it_links_the_reports_from_the_group_page_and_the_dashboard(client, member, energy):
    assert b'href="/groups/energy/report/"' in get(client, member, "/groups/energy/").content
    assert b'href="/reports/"' in client.get("/").content


# --- narratives -----------------------------------------------------------------------------


def narrative_url(period: str = "2026-Q3", side: str = "az", slug: str = "energy") -> str:
    return f"/groups/{slug}/report/{period}/narrative/{side}/"


def narratives() -> list[tuple]:
    return sorted(
        ReportNarrative.objects.values_list(
            "group__slug", "period_start", "side", "text", "version"
        )
    )


def test_it_lets_the_cochair_write_their_sides_narrative(client, cochair_az, energy):
    client.force_login(cochair_az)
    response = client.post(
        narrative_url(), {"text": "Grid study done.\r\n\r\nNext: tender.", "version": "0"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/groups/energy/report/2026-Q3/#narrative-energy-az"
    saved = ReportNarrative.objects.get()
    assert (saved.group, saved.period_start, saved.side) == (energy, Q3.start, "az")
    assert (saved.text, saved.version, saved.updated_by) == (
        "Grid study done.\n\nNext: tender.",
        1,
        cochair_az,
    )
    page = client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == ["Narrative saved."]
    assert "<p>Grid study done.</p>\n<p>Next: tender.</p>" in page.content.decode()


def test_it_saves_a_narrative_through_htmx(client, cochair_us, energy):
    client.force_login(cochair_us)
    response = client.post(
        narrative_url(side="us"), {"text": "On track.", "version": "0"}, headers=HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="narrative-energy-us"')
    assert "<html" not in body
    assert "Narrative saved." in body and "<p>On track.</p>" in body
    assert 'name="version" value="1"' in body
    response = client.post(
        narrative_url(side="us"), {"text": "Ahead.", "version": "1"}, headers=HTMX
    )
    assert response.status_code == 200
    assert narratives() == [("energy", Q3.start, "us", "Ahead.", 2)]


def test_it_keeps_each_period_and_side_apart(cochair_az, cochair_us, energy):
    for period, user, side in (
        (Q3, cochair_az, "az"),
        (Q3, cochair_us, "us"),
        (Q2, cochair_az, "az"),
    ):
        services.report_narrative_save(
            group=energy, period=period, side=side, user=user, text=f"{period} {side}", version=0
        )
    assert [row[1:4] for row in narratives()] == [
        (Q2.start, "az", "2026-Q2 az"),
        (Q3.start, "az", "2026-Q3 az"),
        (Q3.start, "us", "2026-Q3 us"),
    ]


def test_it_shows_both_narratives_to_readers_without_a_form(
    client, cochair_az, cochair_us, observer, energy
):
    services.report_narrative_save(
        group=energy, period=Q3, side="az", user=cochair_az, text="Baku view.", version=0
    )
    services.report_narrative_save(
        group=energy, period=Q3, side="us", user=cochair_us, text="Washington view.", version=0
    )
    for path in ("/groups/energy/report/2026-Q3/", "/reports/2026-Q3/"):
        body = get(client, observer, path).content.decode()
        assert "Baku view." in body and "Washington view." in body
        assert "/narrative/" not in body
    # Not in another period's report.
    assert b"Baku view." not in client.get("/groups/energy/report/2026-Q2/").content


def test_it_gives_each_cochair_the_form_for_their_own_side_only(
    client, cochair_az, cochair_us, energy
):
    body = get(client, cochair_az, "/groups/energy/report/2026-Q3/").content.decode()
    assert f'action="{narrative_url(side="az")}"' in body
    assert f'action="{narrative_url(side="us")}"' not in body
    body = get(client, cochair_az, "/reports/2026-Q3/").content.decode()
    assert f'action="{narrative_url(side="az")}"' in body
    assert 'name="next" value="/reports/2026-Q3/#narrative-energy-az"' in body


def test_it_goes_back_to_the_charter_report_after_a_save_there(client, cochair_az, energy):
    client.force_login(cochair_az)
    response = client.post(
        narrative_url(),
        {"text": "x", "version": "0", "next": "/reports/2026-Q3/#narrative-energy-az"},
    )
    assert response["Location"] == "/reports/2026-Q3/#narrative-energy-az"
    response = client.post(
        narrative_url(), {"text": "y", "version": "1", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/groups/energy/report/2026-Q3/#narrative-energy-az"


@pytest.mark.parametrize(
    "role", ["cochair_us", "member", "observer", "outsider", "other_member", "staff"]
)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_refuses_the_az_narrative_to_anyone_but_the_az_cochair(
    request, client, cochair_az, energy, role, htmx
):
    services.report_narrative_save(
        group=energy, period=Q3, side="az", user=cochair_az, text="Ours.", version=0
    )
    before = narratives()
    client.force_login(request.getfixturevalue(role))
    response = client.post(
        narrative_url(), {"text": "Theirs.", "version": "1"}, headers=HTMX if htmx else {}
    )
    assert response.status_code == 403
    assert narratives() == before


def test_it_refuses_the_narrative_of_a_restricted_group_with_a_404(client, cochair_az, security):
    client.force_login(cochair_az)
    response = client.post(narrative_url(slug="security"), {"text": "x", "version": "0"})
    assert response.status_code == 404
    assert narratives() == []


def test_it_refuses_the_narrative_of_another_groups_cochair(client, cochair_az, connectivity):
    client.force_login(cochair_az)
    response = client.post(narrative_url(slug="connectivity"), {"text": "x", "version": "0"})
    assert response.status_code == 403
    assert narratives() == []


@pytest.mark.parametrize(
    "path",
    [
        narrative_url(period="2026-Q4"),
        narrative_url(period="2025-Q4"),
        narrative_url(side="ru"),
        narrative_url(period="nonsense"),
    ],
)
def test_it_answers_404_for_a_narrative_of_no_period_or_side(client, cochair_az, energy, path):
    client.force_login(cochair_az)
    assert client.post(path, {"text": "x", "version": "0"}).status_code == 404
    assert narratives() == []


def test_it_answers_a_get_of_the_narrative_address_with_405(client, cochair_az, energy):
    assert get(client, cochair_az, narrative_url()).status_code == 405


def test_it_lets_the_cochair_write_a_past_periods_narrative(client, cochair_az, energy):
    client.force_login(cochair_az)
    response = client.post(narrative_url(period="2026-Q1"), {"text": "Signed.", "version": "0"})
    assert response.status_code == 302
    assert narratives() == [("energy", dt.date(2026, 1, 1), "az", "Signed.", 1)]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_refuses_a_stale_save_with_a_conflict(client, cochair_az, energy, htmx):
    services.report_narrative_save(
        group=energy, period=Q3, side="az", user=cochair_az, text="First.", version=0
    )
    services.report_narrative_save(
        group=energy,
        period=Q3,
        side="az",
        user=cochair_az,
        text="Second, from another tab.",
        version=1,
    )
    before = narratives()
    client.force_login(cochair_az)
    response = client.post(
        narrative_url(), {"text": "Mine, stale.", "version": "1"}, headers=HTMX if htmx else {}
    )
    assert response.status_code == 409
    assert narratives() == before
    body = response.content.decode()
    assert ("<html" in body) is not htmx
    assert "This narrative was changed while you were editing it." in body
    assert "You saved a change yourself" in body
    assert "Second, from another tab." in body and "Mine, stale." in body
    assert 'name="version" value="2"' in body  # saving again puts my text in place
    assert "Reload to see the current version" in body
    assert '<details class="narrative-edit no-print" open>' in body


def test_it_names_who_changed_the_narrative_in_the_conflict(client, cochair_az, energy):
    services.report_narrative_save(
        group=energy, period=Q3, side="az", user=cochair_az, text="First.", version=0
    )
    ReportNarrative.objects.update(
        updated_by=make_user("deputy@example.test", display_name="Deputy Aliyev")
    )
    ReportNarrative.objects.update(version=2)
    client.force_login(cochair_az)
    response = client.post(narrative_url(), {"text": "Mine.", "version": "1"}, headers=HTMX)
    assert response.status_code == 409
    assert "Deputy Aliyev saved a change" in response.content.decode()


def test_it_turns_two_first_saves_into_a_conflict(client, cochair_az, energy):
    client.force_login(cochair_az)
    assert client.post(narrative_url(), {"text": "Tab one.", "version": "0"}).status_code == 302
    response = client.post(narrative_url(), {"text": "Tab two.", "version": "0"}, headers=HTMX)
    assert response.status_code == 409
    assert narratives() == [("energy", Q3.start, "az", "Tab one.", 1)]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_refuses_a_narrative_that_is_too_long(client, cochair_az, energy, htmx):
    client.force_login(cochair_az)
    text = "x" * (services.NARRATIVE_MAX_LENGTH + 1)
    response = client.post(
        narrative_url(), {"text": text, "version": "0"}, headers=HTMX if htmx else {}
    )
    assert response.status_code == 422
    assert narratives() == []
    body = response.content.decode()
    assert "The narrative is too long: at most 6000 characters, and it has 6001." in body
    assert text in body  # the text is kept in the form
    assert 'aria-invalid="true"' in body


def test_it_counts_a_line_break_as_one_character(client, cochair_az, energy):
    client.force_login(cochair_az)
    text = "x" * (services.NARRATIVE_MAX_LENGTH - 2) + "\r\nx"
    assert client.post(narrative_url(), {"text": text, "version": "0"}).status_code == 302


@pytest.mark.parametrize(
    "data",
    [
        {"text": "x"},
        {"text": "x", "version": "abc"},
        {"text": "x", "version": "-1"},
        {"text": "x", "version": "99999999999999"},
        {"text": "x\x00y", "version": "0"},
        {"text": "x", "version": "3"},  # no narrative yet: a version from nowhere
    ],
)
def test_it_refuses_bad_input_with_a_422(client, cochair_az, energy, data):
    client.force_login(cochair_az)
    response = client.post(narrative_url(), data, headers=HTMX)
    assert response.status_code == 422
    assert response.content.count(b'class="errors"') == 1
    assert narratives() == []


def test_it_keeps_the_version_when_the_text_is_the_same(cochair_az, energy):
    first = services.report_narrative_save(
        group=energy, period=Q3, side="az", user=cochair_az, text="Same.", version=0
    )
    again = services.report_narrative_save(
        group=energy, period=Q3, side="az", user=cochair_az, text="  Same.\n", version=1
    )
    assert (first.version, again.version) == (1, 1)


def test_it_refuses_a_future_period_in_the_service(cochair_az, energy):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.report_narrative_save(
            group=energy, period=Period(2026, 4), side="az", user=cochair_az, text="x", version=0
        )


# CSRF on the narrative POST: tests/fuzz/test_csrf.py.


def test_it_renders_the_narrative_as_sanitised_markdown(client, cochair_az, member, energy):
    services.report_narrative_save(
        group=energy,
        period=Q3,
        side="az",
        user=cochair_az,
        text="**Grid study** done.\n\n- tender\n\n"
        '<script>alert(1)</script> <a href="x" hx-get="/">',
        version=0,
    )
    body = get(client, member, "/groups/energy/report/2026-Q3/").content.decode()
    text = body.split('<div class="narrative-text markdown">', 1)[1].split("</div>", 1)[0]
    assert "<p><strong>Grid study</strong> done.</p>" in text
    assert "<li>tender</li>" in text
    assert "<script" not in body.split("</head>", 1)[1] and '<a href="x" hx-get' not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;a href" in text


# --- printing -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/groups/energy/report/2026-Q3/", "/reports/2026-Q3/"])
def test_it_links_the_print_stylesheet_and_the_print_script(client, member, energy, path):
    response = get(client, member, path)
    body = response.content.decode()
    assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in body
    nonce = re.search(r'<script src="/static/js/print.js" nonce="([^"]+)" defer>', body)
    assert nonce and f"'nonce-{nonce[1]}'" in response["Content-Security-Policy"]
    assert '<button type="button" class="primary print-button" data-print hidden>' in body
    assert "Print / save as PDF" in body
    assert "<script>" not in body and "style=" not in body


def test_it_prints_the_report_only_black_on_white_a_group_a_page():
    css = (Path(settings.BASE_DIR) / "static/css/print.css").read_text()
    hidden = re.search(r"([^{}]+)\{ display: none !important; \}", css)[1]
    for selector in (
        ".site-header",
        ".breadcrumbs",
        ".report-toolbar",
        "nav",
        "form",
        "button",
        "details",
        ".messages",
        ".no-print",
    ):
        assert selector in [part.strip() for part in hidden.split(",")], selector
    assert "color: #000 !important" in css and "background: #fff !important" in css
    assert re.search(r"\.report-section \{ break-before: page;", css)
    assert "a[href]::after { content: none !important; }" in css
    script = (Path(settings.BASE_DIR) / "static/js/print.js").read_text()
    assert "window.print()" in script


def test_it_keeps_the_editing_out_of_print(client, cochair_az, energy):
    body = get(client, cochair_az, "/groups/energy/report/2026-Q3/").content.decode()
    assert '<details class="narrative-edit no-print">' in body
    assert '<div class="report-toolbar no-print">' in body


# --- query counts ---------------------------------------------------------------------------


def add_data(group, count: int, member) -> None:
    """``count`` milestones completed, overdue and coming in Q3, each with a log entry
    in Q2, and ``count`` decisions at meetings in Q2 and Q3."""
    rows = []
    for i in range(count):
        rows += [
            Milestone(
                group=group,
                section=group.section,
                title=f"Done {i}",
                owner=member,
                due_date=dt.date(2026, 7, 20),
                status=Status.DONE,
                progress=100,
                completed_at=at("2026-07-10"),
            ),
            Milestone(
                group=group,
                section=group.section,
                title=f"Late {i}",
                owner=member,
                due_date=dt.date(2026, 5, 1),
                status=Status.AT_RISK,
            ),
            Milestone(
                group=group, section=group.section, title=f"Next {i}", due_date=dt.date(2026, 11, 1)
            ),
        ]
    Milestone.objects.bulk_create(rows)
    Milestone.objects.filter(group=group).update(created_at=at("2026-03-01"))
    MilestoneUpdate.objects.bulk_create(
        MilestoneUpdate(milestone=m, old_status="", new_status=Status.IN_PROGRESS)
        for m in Milestone.objects.filter(group=group)
    )
    MilestoneUpdate.objects.filter(milestone__group=group).update(created_at=at("2026-04-02"))
    for held in (at("2026-05-05"), at("2026-07-07")):
        meeting = Meeting.objects.create(group=group, title="Meeting", starts_at=held)
        Decision.objects.bulk_create(
            Decision(meeting=meeting, text=f"Decision {i}") for i in range(count)
        )


@pytest.mark.parametrize("count", [10, 200])
@pytest.mark.parametrize("period", ["2026-Q2", "2026-Q3"])
def test_it_pins_the_group_reports_query_count(
    client, cochair_az, cochair_us, member, energy, count, period, django_assert_num_queries
):
    add_data(energy, count, member)
    for user, side in ((cochair_az, "az"), (cochair_us, "us")):
        services.report_narrative_save(
            group=energy, period=Period.parse(period), side=side, user=user, text="Text.", version=0
        )
    client.force_login(cochair_az)
    # session, user, group, my membership, charter (periods), group with RAG, narratives,
    # co-chairs, completed, overdue, due later, coming, decisions
    with django_assert_num_queries(14):
        response = client.get(f"/groups/energy/report/{period}/")
    assert response.status_code == 200
    report = section(response)
    assert report.overdue.total == count and report.decisions.total == count
    assert len(report.overdue) == min(count, selectors.REPORT_LIST_LIMIT)


@pytest.mark.parametrize("count", [10, 200])
def test_it_pins_the_charter_reports_query_count(
    client, member, energy, connectivity, count, django_assert_num_queries
):
    add_data(energy, count, member)
    add_data(connectivity, count, member)
    client.force_login(member)
    # session, user, charter (periods), visible groups with RAG, narratives, co-chairs,
    # completed, overdue, due later, coming, decisions
    with django_assert_num_queries(12):
        response = client.get("/reports/2026-Q2/")
    assert response.status_code == 200
    assert response.context["totals"]["decisions"] == 2 * count


@pytest.mark.parametrize("count", [10, 200])
def test_it_pins_the_narrative_saves_query_count(
    client, cochair_az, member, energy, count, django_assert_num_queries
):
    add_data(energy, count, member)
    client.force_login(cochair_az)
    # session, user, group, my membership, charter (periods); the service: membership,
    # savepoint, narrative (locked), savepoint, insert, release, release; co-chairs
    with django_assert_num_queries(13):
        response = client.post(narrative_url(), {"text": "x", "version": "0"}, headers=HTMX)
    assert response.status_code == 200


# --- admin ----------------------------------------------------------------------------------


def test_it_lets_staff_read_the_narratives_in_the_admin_only(client, staff, cochair_az, energy):
    narrative = services.report_narrative_save(
        group=energy, period=Q3, side="az", user=cochair_az, text="For the record.", version=0
    )
    client.force_login(staff)
    listing = client.get("/admin/reports/reportnarrative/")
    assert listing.status_code == 200
    assert b"2026-Q3" in listing.content
    page = client.get(f"/admin/reports/reportnarrative/{narrative.pk}/change/")
    assert page.status_code == 200 and b"For the record." in page.content
    assert client.get("/admin/reports/reportnarrative/add/").status_code == 403
    response = client.post(
        f"/admin/reports/reportnarrative/{narrative.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert narratives() == [("energy", Q3.start, "az", "For the record.", 1)]


@pytest.mark.parametrize(
    "text, code",
    [
        (None, "invalid"),
        ("a\x00b", "null"),
        ("x" * (services.NARRATIVE_MAX_LENGTH + 1), "max_length"),
    ],
)
def test_it_refuses_a_narrative_that_is_not_plain_text_of_the_right_length(text, code):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.clean_narrative_text(text)
    assert caught.value.code == code


def test_the_narrative_service_refuses_other_sides_people_and_future_quarters(
    energy, cochair_az, member
):
    from django.core.exceptions import PermissionDenied, ValidationError

    def save(user, side="az", period=Q3):
        return services.report_narrative_save(
            group=energy, period=period, side=side, user=user, text="Text", version=0
        )

    with pytest.raises(ValidationError):
        save(cochair_az, side="ru")
    with pytest.raises(PermissionDenied):
        save(member)
    with pytest.raises(ValidationError) as caught:
        save(cochair_az, period=Period(2027, 1))
    assert caught.value.code == "future"
    assert not ReportNarrative.objects.exists()
