"""Progress digests: who gets one, when, what is in it (`digests_claim`)."""

import datetime as dt
import re

import pytest
from django.core import mail

from apps.accounts.models import DigestFrequency, User
from apps.charter.models import Membership, Role
from apps.milestones.models import Milestone, Status
from apps.notifications import services
from apps.notifications.models import EmailKind, EmailLog, EmailState
from tests.conftest import join, make_user
from tests.notifications.factories import (
    action,
    at,
    bulk_users,
    decision,
    invite,
    meeting,
    milestone,
    outbox_row,
    progress_update,
)

pytestmark = pytest.mark.django_db

MONDAY = "2026-05-04"


def digest_for(user) -> EmailLog:
    return EmailLog.objects.get(kind=EmailKind.DIGEST, recipient=user)


@pytest.fixture
def activity(energy, member, cochair_us):
    """A week of work in Energy, seen from Monday 2026-05-04."""
    grid = milestone(
        energy,
        owner=member,
        due="2026-05-12",
        title="Grid interconnection study",
        status=Status.AT_RISK,
    )
    progress_update(
        grid,
        author=member,
        when=at("2026-04-30 09:00"),
        old_status=Status.PLANNED,
        new_status=Status.AT_RISK,
        note="Data from the TSO is late.\nWe asked again on Thursday.",
        new_progress=30,
    )
    done = milestone(
        energy,
        owner=member,
        due="2026-05-01",
        title="Terms of reference",
        status=Status.DONE,
        completed_at=at("2026-05-02 12:00"),
        progress=100,
    )
    progress_update(
        done,
        author=cochair_us,
        when=at("2026-05-02 12:00"),
        old_status=Status.AWAITING_SIGNOFF,
        new_status=Status.DONE,
        new_progress=100,
    )
    late = milestone(energy, owner=member, due="2026-04-01", title="Hydrogen roadmap outline")
    held = meeting(energy, starts_at=at("2026-04-29 06:00"), title="Energy WG second session")
    decision(held, "Adopt the terms of reference for the grid study.")
    coming = meeting(energy, starts_at=at("2026-05-08 06:00"), title="Energy WG third session")
    item = action(held, owner=member, due="2026-05-06", title="Circulate the TSO data request")
    return {"grid": grid, "done": done, "late": late, "held": held, "coming": coming, "item": item}


def test_it_sends_weekly_digests_on_monday_local_morning(observer, activity):
    # The observer's clock is UTC; weekly is the default.
    mine = EmailLog.objects.filter(recipient=observer)
    services.digests_claim(now=at("2026-05-03 12:00"))  # Sunday
    services.digests_claim(now=at(f"{MONDAY} 07:59"))
    assert not mine.exists()
    services.digests_claim(now=at(f"{MONDAY} 08:00"))
    row = digest_for(observer)
    assert (row.period, row.subject_key, row.send_after) == (
        MONDAY,
        "digest",
        at(f"{MONDAY} 08:00"),
    )
    services.digests_claim(now=at("2026-05-05 09:00"))  # Tuesday
    assert mine.count() == 1


def test_it_sends_daily_digests_every_local_morning(observer, activity, energy, member):
    observer.digest_frequency = DigestFrequency.DAILY
    observer.save()
    for day_number in range(4, 8):
        services.digests_claim(now=at(f"2026-05-0{day_number} 09:00"))
        progress_update(
            activity["grid"], author=member, when=at(f"2026-05-0{day_number} 10:00"), note="More."
        )
    assert list(
        EmailLog.objects.filter(recipient=observer)
        .order_by("period")
        .values_list("period", flat=True)
    ) == ["2026-05-04", "2026-05-05", "2026-05-06", "2026-05-07"]


def test_it_sends_no_digest_to_users_who_turned_it_off(observer, activity):
    observer.digest_frequency = DigestFrequency.OFF
    observer.save()
    services.digests_claim(now=at(f"{MONDAY} 09:00"))
    assert not EmailLog.objects.filter(recipient=observer).exists()


def test_it_lists_everything_that_happened_and_is_coming(observer, activity):
    services.digests_claim(now=at(f"{MONDAY} 09:00"))
    row = digest_for(observer)
    text = row.body_text
    for heading, line in [
        ("Completed", "- Terms of reference (2 May 2026)"),
        ("Status changes", "- Grid interconnection study: Planned → At risk (Member)"),
        ("Progress notes", "“Data from the TSO is late. We asked again on Thursday.”"),
        (
            "Due in the next 14 days",
            "- Circulate the TSO data request [action item] due 6 May 2026",
        ),
        ("Due in the next 14 days", "- Grid interconnection study [At risk] due 12 May 2026"),
        ("Overdue", "- Hydrogen roadmap outline [In progress] was due 1 April 2026"),
        ("Meetings held", "* Decided: Adopt the terms of reference for the grid study."),
        (
            "Coming meetings",
            "- Energy WG third session (8 May 2026, 10:00 Baku · 02:00 Washington · 06:00 UTC;"
            " Baku, Ministry of Energy)",
        ),
    ]:
        assert heading in text
        assert line in text, line
    # The completion is listed once, as completed, not again as a status change.
    assert "Awaiting sign-off → Done" not in text
    assert row.context["counts"] == {
        "completed": 1,
        "status_changes": 1,
        "notes": 1,
        "deadlines": 2,
        "overdue": 1,
        "meetings_held": 1,
        "meetings_coming": 1,
    }
    assert row.context["groups"] == ["energy"]


def test_it_links_every_item_absolutely(observer, activity, energy):
    services.digests_claim(now=at(f"{MONDAY} 09:00"))
    row = digest_for(observer)
    site = "http://127.0.0.1:8000"
    expected = {
        f"{site}/groups/energy/",
        f"{site}/milestones/{activity['grid'].pk}/",
        f"{site}/milestones/{activity['done'].pk}/",
        f"{site}/milestones/{activity['late'].pk}/",
        f"{site}/meetings/{activity['held'].pk}/",
        f"{site}/meetings/{activity['coming'].pk}/",
    }
    html_links = set(re.findall(r'href="([^"]+)"', row.body_html))
    assert expected <= html_links
    assert all(link.startswith(site) for link in html_links)
    assert all(link in row.body_text for link in expected)


def test_it_covers_only_the_users_own_groups(other_member, activity, connectivity):
    milestone(connectivity, owner=other_member, due="2026-05-10", title="Middle Corridor study")
    services.digests_claim(now=at(f"{MONDAY} 12:00"))
    text = digest_for(other_member).body_text
    assert "Middle Corridor study" in text
    assert "Grid interconnection study" not in text


def test_it_covers_a_restricted_group_for_its_members_only(security, outsider, observer):
    insider = make_user("insider@example.test", time_zone="UTC")
    join(insider, security, Role.MEMBER)
    milestone(security, owner=insider, due="2026-05-10", title="Classified exercise plan")
    services.digests_claim(now=at(f"{MONDAY} 12:00"))
    assert "Classified exercise plan" in digest_for(insider).body_text
    assert (
        not EmailLog.objects.filter(body_text__contains="Classified")
        .exclude(recipient=insider)
        .exists()
    )


def test_it_skips_an_empty_digest_without_claiming_it(observer, outsider, energy, member):
    assert services.digests_claim(now=at(f"{MONDAY} 12:00")).claimed == 0
    assert not EmailLog.objects.exists()
    # Later that morning something happens: the next hourly run sends it.
    milestone(energy, owner=member, due="2026-05-10", title="Fresh milestone")
    assert services.digests_claim(now=at(f"{MONDAY} 13:00")).claimed >= 1
    assert "Fresh milestone" in digest_for(observer).body_text
    assert not EmailLog.objects.filter(recipient=outsider).exists()  # no groups, no digest


def test_it_covers_the_time_since_the_last_digest(observer, energy, member):
    observer.digest_frequency = DigestFrequency.DAILY
    observer.save()
    grid = milestone(energy, owner=member, due="2026-09-30", title="Grid study")
    progress_update(grid, author=member, when=at("2026-05-03 10:00"), note="First note.")
    services.digests_claim(now=at("2026-05-04 08:10"))
    # Written after Monday's digest was decided, the same morning.
    progress_update(grid, author=member, when=at("2026-05-04 08:30"), note="Second note.")
    services.digests_claim(now=at("2026-05-05 08:10"))
    monday, tuesday = EmailLog.objects.filter(recipient=observer).order_by("period")
    assert "First note." in monday.body_text and "Second note." not in monday.body_text
    assert "Second note." in tuesday.body_text and "First note." not in tuesday.body_text
    assert tuesday.context["since"] == monday.context["until"] == "2026-05-04T08:10:00+00:00"


@pytest.mark.parametrize(
    "frequency, since",
    [
        (DigestFrequency.DAILY, "2026-05-03T09:00:00+00:00"),
        (DigestFrequency.WEEKLY, "2026-04-27T09:00:00+00:00"),
    ],
)
def test_it_covers_one_or_seven_days_for_a_first_digest(observer, activity, frequency, since):
    observer.digest_frequency = frequency
    observer.save()
    services.digests_claim(now=at(f"{MONDAY} 09:00"))
    assert digest_for(observer).context["since"] == since


def test_it_counts_a_failed_digest_as_not_received(observer, activity):
    outbox_row(
        observer,
        kind=EmailKind.DIGEST,
        subject_key="digest",
        period="2026-04-27",
        state=EmailState.FAILED,
        decided_at=at("2026-04-27 09:00"),
    )
    outbox_row(
        observer,
        kind=EmailKind.DIGEST,
        subject_key="digest",
        period="2026-05-01",
        state=EmailState.SENT,
        decided_at=at("2026-05-01 09:00"),
    )
    mine = EmailLog.objects.filter(recipient=observer)
    services.digests_claim(now=at(f"{MONDAY} 09:00"))
    assert mine.get(period=MONDAY).context["since"] == "2026-05-01T09:00:00+00:00"
    mine.filter(period__in=[MONDAY, "2026-05-01"]).delete()
    services.digests_claim(now=at(f"{MONDAY} 09:00"))
    # Only a failed one: as if there was none.
    assert mine.get(period=MONDAY).context["since"] == "2026-04-27T09:00:00+00:00"


def test_it_caps_each_section_and_links_to_the_rest(observer, energy, member):
    Milestone.objects.bulk_create(
        Milestone(
            group=energy,
            section=energy.section,
            title=f"Late item {n:02d}",
            owner=member,
            due_date=dt.date(2026, 3, 1) + dt.timedelta(days=n),
        )
        for n in range(15)
    )
    services.digests_claim(now=at(f"{MONDAY} 09:00"))
    row = digest_for(observer)
    listed = re.findall(r"Late item \d\d", row.body_text)
    assert listed == [f"Late item {n:02d}" for n in range(10)]  # the most overdue first
    assert "and 5 more: http://127.0.0.1:8000/groups/energy/" in row.body_text
    assert row.context["counts"]["overdue"] == 15


def test_it_writes_in_the_recipients_language(cochair_az, other_member, activity, connectivity):
    milestone(connectivity, owner=other_member, due="2026-05-10", title="Middle Corridor study")
    services.digests_claim(now=at(f"{MONDAY} 12:00"))
    azeri = digest_for(cochair_az)  # language "az"
    assert azeri.subject == "CharterHub həftəlik xülasəsi, 4 may 2026"
    assert "== Enerji ==" in azeri.body_text
    assert '<html lang="az">' in azeri.body_html
    russian = digest_for(other_member)  # language "ru"
    assert russian.subject == "Еженедельная сводка CharterHub, 4 мая 2026"
    assert "== Связанность ==" in russian.body_text
    assert "10 мая 2026" in russian.body_text


def test_it_shows_times_on_the_recipients_clock(cochair_us, observer, activity):
    services.digests_claim(now=at(f"{MONDAY} 14:00"))
    # The third session starts 06:00 UTC: 10:00 in Baku, 02:00 in New York (EDT); the
    # observer reads UTC, so their own clock is added.
    assert "(8 May 2026, 10:00 Baku · 02:00 Washington;" in digest_for(cochair_us).body_text
    assert "10:00 Baku · 02:00 Washington · 06:00 UTC;" in digest_for(observer).body_text


def test_it_carries_an_unsubscribe_from_digests(observer, activity):
    services.digests_claim(now=at(f"{MONDAY} 09:00"))
    services.emails_deliver(now=at(f"{MONDAY} 09:01"))
    (message,) = [m for m in mail.outbox if m.to == [observer.email]]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert url.startswith("http://127.0.0.1:8000/unsubscribe/")
    assert "Unsubscribe from progress digests" in message.body
    assert message.alternatives[0].mimetype == "text/html"


def test_it_decides_each_digest_once(observer, member, cochair_us, activity):
    hours = [at(f"{MONDAY} 00:00") + dt.timedelta(minutes=30 * n) for n in range(48)]
    first = sum(services.digests_claim(now=moment).claimed for moment in hours)
    assert first == 3  # Baku at 04:00 UTC, UTC at 08:00, New York at 12:00
    assert sum(services.digests_claim(now=moment).claimed for moment in hours) == 0
    services.emails_deliver(now=at("2026-05-05 00:00"))
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [observer.email, member.email, cochair_us.email]
    )


# savepoint, users, recent claims, last digests, memberships, groups, completed milestones,
# progress log, open milestones, open action items, decisions, meetings, INSERT, release
DIGEST_QUERIES = 14


@pytest.mark.parametrize("members", [10, 1000])
def test_it_builds_digests_with_the_same_queries_for_10_or_1000_users(
    members, energy, connectivity, django_assert_num_queries
):
    users = bulk_users(members, time_zone="Asia/Baku", digest_frequency=DigestFrequency.DAILY)
    Membership.objects.bulk_create(
        Membership(
            user=user, group=energy if n % 2 else connectivity, role=Role.MEMBER, side=user.side
        )
        for n, user in enumerate(users)
    )
    Milestone.objects.bulk_create(
        Milestone(
            group=group,
            section=group.section,
            title=f"Work package {n}",
            owner=user,
            due_date=dt.date(2026, 5, 1) + dt.timedelta(days=n % 30),
        )
        for n, user in enumerate(users)
        for group in (energy, connectivity)
    )
    held = meeting(energy, starts_at=at("2026-05-01 06:00"))
    decision(held, "Agreed.")
    invite(held, users[0])
    with django_assert_num_queries(DIGEST_QUERIES):
        result = services.digests_claim(now=at(f"{MONDAY} 06:00"))
    assert result.claimed == members
    assert User.objects.filter(emails__kind=EmailKind.DIGEST).count() == members
