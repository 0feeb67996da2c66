"""Co-chairs and staff preview a member's next digest in the browser."""

import pytest
import time_machine

from apps.accounts.models import DigestFrequency
from apps.charter.models import Role
from apps.milestones.models import Milestone
from apps.notifications.models import EmailLog
from tests.conftest import join
from tests.notifications.factories import at, decision, meeting, milestone, progress_update

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at("2026-05-04 14:00"), tick=False):
        yield


def preview(client, viewer, member):
    client.force_login(viewer)
    return client.get(f"/notifications/preview/{member.pk}/")


def test_it_shows_a_cochair_the_members_next_digest(client, cochair_az, member, energy):
    grid = milestone(energy, owner=member, due="2026-05-10", title="Grid interconnection study")
    progress_update(grid, author=member, when=at("2026-05-02 09:00"), note="Data request sent.")
    held = meeting(energy, starts_at=at("2026-05-01 06:00"), title="Second session")
    decision(held, "Adopt the terms of reference.")
    cochair_az.language = "en"  # the page in the viewer's language: English here
    cochair_az.save(update_fields=["language"])
    response = preview(client, cochair_az, member)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Next digest for Member" in body
    # The member's language (English), dated the day it goes out.
    assert "CharterHub weekly digest, 11 May 2026" in body
    assert "Grid interconnection study" in body
    assert "Data request sent." in body
    assert "Adopt the terms of reference." in body
    assert f'href="http://127.0.0.1:8000/milestones/{grid.pk}/"' in body
    # Monday 14:00 UTC is 18:00 in Baku: the member's next weekly digest is next Monday.
    assert "11 May 2026, 08:00&nbsp;Baku</time>" in body
    assert "Asia/Baku" not in body
    assert not EmailLog.objects.exists()  # a preview decides nothing


def test_it_renders_the_digest_in_the_members_language(client, staff, cochair_az, energy):
    milestone(energy, owner=cochair_az, due="2026-05-10", title="Interconnector")
    body = preview(client, staff, cochair_az).content.decode()
    assert "== Enerji ==" not in body  # HTML, not the text part
    assert ">Enerji</a></h2>" in body
    assert "CharterHub həftəlik xülasəsi, 11 may 2026" in body
    assert "<h1" in body and "Next digest for Cochair Az" in body  # the page in the viewer's


def test_it_shows_only_the_groups_the_viewer_may_see(
    client, cochair_az, staff, member, energy, security
):
    join(member, security, Role.MEMBER)
    milestone(energy, owner=member, due="2026-05-10", title="Open energy item")
    milestone(security, owner=member, due="2026-05-10", title="Classified exercise")
    body = preview(client, cochair_az, member).content.decode()
    assert "Open energy item" in body
    assert "Classified exercise" not in body
    assert "Classified exercise" in preview(client, staff, member).content.decode()
    assert "Classified exercise" in preview(client, member, member).content.decode()


@pytest.mark.parametrize(
    "frequency, subject, goes_out",
    [
        # Monday 14:00 UTC (18:00 in Baku): tomorrow's daily, next Monday's weekly.
        (DigestFrequency.DAILY, "CharterHub daily digest, 5 May 2026", "5 May 2026, 08:00"),
        (DigestFrequency.WEEKLY, "CharterHub weekly digest, 11 May 2026", "11 May 2026, 08:00"),
    ],
)
def test_it_dates_the_subject_the_day_the_digest_goes_out(
    client, member, energy, frequency, subject, goes_out
):
    member.digest_frequency = frequency
    member.save()
    milestone(energy, owner=member, due="2026-05-10")
    body = preview(client, member, member).content.decode()
    assert f"{goes_out}&nbsp;Baku</time>" in body
    assert f"<strong>Subject:</strong> {subject}</p>" in body
    assert "4 May 2026" not in body.split("<strong>Subject:</strong>", 1)[1].split("</p>")[0]


def test_it_says_when_there_is_nothing_to_report(client, cochair_us, member):
    body = preview(client, cochair_us, member).content.decode()
    assert "Nothing to report: no digest would be sent." in body


def test_it_says_when_the_digest_is_off(client, cochair_us, member, energy):
    member.digest_frequency = DigestFrequency.OFF
    member.save()
    milestone(energy, owner=member, due="2026-05-10")
    assert "never: this digest is off" in preview(client, cochair_us, member).content.decode()


def test_it_lets_members_preview_their_own(client, member, energy):
    milestone(energy, owner=member, due="2026-05-10", title="Mine")
    body = preview(client, member, member).content.decode()
    assert "Your next digest" in body and "Mine" in body


@pytest.mark.parametrize(
    "viewer, status", [("observer", 403), ("other_member", 404), ("outsider", 404)]
)
def test_it_refuses_everyone_else(client, request, member, viewer, status):
    assert preview(client, request.getfixturevalue(viewer), member).status_code == status


def test_it_does_not_find_inactive_or_unknown_users(client, staff, member):
    member.is_active = False
    member.save()
    assert preview(client, staff, member).status_code == 404
    client.force_login(staff)
    assert client.get("/notifications/preview/987654/").status_code == 404


@pytest.mark.parametrize("rows", [10, 1000])
def test_it_pins_the_query_count(
    client, cochair_az, member, energy, rows, django_assert_num_queries
):
    Milestone.objects.bulk_create(
        Milestone(
            group=energy,
            section=energy.section,
            title=f"M{n}",
            owner=member,
            due_date=at("2026-04-01 00:00").date(),
        )
        for n in range(rows)
    )
    held = meeting(energy, starts_at=at("2026-05-01 06:00"))
    decision(held, "Agreed.")
    client.force_login(cochair_az)
    # session, user, the member, their memberships, the viewer's, last digest, groups,
    # completed, progress log, open milestones, open actions, decisions, meetings
    with django_assert_num_queries(14):
        response = client.get(f"/notifications/preview/{member.pk}/")
    assert response.status_code == 200
    assert response.context["preview"].digest.counts["overdue"] == rows
    assert (f"and {rows - 10} more" in response.content.decode()) is (rows > 10)
