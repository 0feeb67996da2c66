"""Each recipient's own clock: Asia/Baku (UTC+4 all year) and America/New_York across the
US daylight-saving changes of 2026-03-08 (clocks forward) and 2026-11-01 (clocks back).

The beat runs the jobs every hour; these tests do the same and look at when each email
was decided (UTC) and for which local day.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from apps.accounts.models import DigestFrequency
from apps.charter.models import Role
from apps.notifications import services
from apps.notifications.models import EmailKind, EmailLog
from tests.conftest import join, make_user
from tests.notifications.factories import at, milestone

pytestmark = pytest.mark.django_db

BAKU, NEW_YORK = ZoneInfo("Asia/Baku"), ZoneInfo("America/New_York")


@pytest.fixture
def people(energy):
    baku = make_user(
        "baku@example.test",
        time_zone="Asia/Baku",
        reminder_lead_days=[2, 1],
        digest_frequency=DigestFrequency.DAILY,
    )
    new_york = make_user(
        "ny@example.test",
        side="us",
        time_zone="America/New_York",
        reminder_lead_days=[2, 1],
        digest_frequency=DigestFrequency.WEEKLY,
    )
    join(baku, energy, Role.MEMBER)
    join(new_york, energy, Role.MEMBER)
    return baku, new_york


def run_hourly(start: str, end: str) -> None:
    moment, last = at(start), at(end)
    while moment <= last:
        services.reminders_claim(now=moment)
        services.digests_claim(now=moment)
        moment += dt.timedelta(hours=1)


def decided(user, kind) -> dict[str, dt.datetime]:
    """period → when it was decided (UTC)."""
    return dict(
        EmailLog.objects.filter(recipient=user, kind=kind)
        .order_by("decided_at")
        .values_list("period", "decided_at")
    )


@pytest.mark.parametrize(
    "due, expected_new_york",
    [
        # Spring forward on Sunday 2026-03-08: 08:00 EST is 13:00 UTC, 08:00 EDT is 12:00 UTC.
        (
            "2026-03-09",
            {
                "lead-2:2026-03-07": "2026-03-07 13:00",
                "lead-1:2026-03-08": "2026-03-08 12:00",
                "due:2026-03-09": "2026-03-09 12:00",
            },
        ),
        # Fall back on Sunday 2026-11-01: 08:00 EDT is 12:00 UTC, 08:00 EST is 13:00 UTC.
        (
            "2026-11-02",
            {
                "lead-2:2026-10-31": "2026-10-31 12:00",
                "lead-1:2026-11-01": "2026-11-01 13:00",
                "due:2026-11-02": "2026-11-02 13:00",
            },
        ),
    ],
)
def test_it_reminds_each_owner_at_eight_on_their_own_day_across_dst(
    people, energy, due, expected_new_york
):
    baku, new_york = people
    milestone(energy, owner=baku, due=due, title="Baku milestone")
    milestone(energy, owner=new_york, due=due, title="New York milestone")
    first_day = dt.date.fromisoformat(due) - dt.timedelta(days=3)
    run_hourly(f"{first_day} 00:00", f"{due} 23:00")

    ny = decided(new_york, EmailKind.MILESTONE_REMINDER)
    assert ny == {period: at(moment) for period, moment in expected_new_york.items()}
    for period, moment in ny.items():
        local = moment.astimezone(NEW_YORK)
        assert (local.date().isoformat(), local.time()) == (period.split(":", 1)[1], dt.time(8))

    due_day = dt.date.fromisoformat(due)
    assert decided(baku, EmailKind.MILESTONE_REMINDER) == {
        f"lead-2:{due_day - dt.timedelta(days=2)}": at(f"{due_day - dt.timedelta(days=2)} 04:00"),
        f"lead-1:{due_day - dt.timedelta(days=1)}": at(f"{due_day - dt.timedelta(days=1)} 04:00"),
        f"due:{due_day}": at(f"{due_day} 04:00"),  # 08:00 in Baku, every day of the year
    }
    for row in EmailLog.objects.filter(kind=EmailKind.MILESTONE_REMINDER):
        zone = BAKU if row.recipient_id == baku.pk else NEW_YORK
        assert row.send_after.astimezone(zone).time() == dt.time(8)


@pytest.mark.parametrize(
    "start, end, mondays",
    [
        (
            "2026-03-01 00:00",
            "2026-03-10 23:00",
            {"2026-03-02": "2026-03-02 13:00", "2026-03-09": "2026-03-09 12:00"},
        ),
        (
            "2026-10-25 00:00",
            "2026-11-03 23:00",
            {"2026-10-26": "2026-10-26 12:00", "2026-11-02": "2026-11-02 13:00"},
        ),
    ],
)
def test_it_sends_each_digest_in_the_recipients_morning_across_dst(
    people, energy, start, end, mondays
):
    baku, new_york = people
    # Something to report every day: a milestone due soon.
    milestone(energy, owner=baku, due=at(end).date() + dt.timedelta(days=3))
    run_hourly(start, end)

    assert decided(new_york, EmailKind.DIGEST) == {
        period: at(moment) for period, moment in mondays.items()
    }
    daily = decided(baku, EmailKind.DIGEST)
    days = (at(end).date() - at(start).date()).days + 1
    assert len(daily) == days
    assert all(moment.astimezone(BAKU).time() == dt.time(8) for moment in daily.values())
    assert all(
        moment.astimezone(BAKU).date().isoformat() == period for period, moment in daily.items()
    )


def test_it_reads_the_local_day_not_the_utc_day(people, energy):
    _, new_york = people
    milestone(energy, owner=new_york, due="2026-05-06")
    # 02:00 UTC on the 5th is still the evening of the 4th in New York: lead-2 is the 4th.
    services.reminders_claim(now=at("2026-05-05 02:00"))
    assert list(EmailLog.objects.values_list("period", flat=True)) == ["lead-2:2026-05-04"]
