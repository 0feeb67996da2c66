"""Deadline and meeting reminders: who gets what, when (`reminders_claim`)."""

import datetime as dt
import email
import email.policy
import math

import icalendar
import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import User
from apps.meetings.models import ActionItem, ActionItemStatus, Attendance, AttendanceStatus
from apps.milestones.models import Milestone, Status
from apps.notifications import services
from apps.notifications.models import EmailKind, EmailLog
from tests.conftest import join, make_user
from tests.notifications.factories import action, at, bulk_users, day, invite, meeting, milestone

pytestmark = pytest.mark.django_db


def claims(**filters) -> set[tuple[str, str, str]]:
    return set(EmailLog.objects.filter(**filters).values_list("to_email", "kind", "period"))


def run_daily(start: str, end: str, *, hour: int = 6) -> None:
    """Run the reminder job once a day at `hour`:00 UTC from `start` to `end` inclusive."""
    current, last = day(start), day(end)
    while current <= last:
        services.reminders_claim(now=dt.datetime.combine(current, dt.time(hour), tzinfo=dt.UTC))
        current += dt.timedelta(days=1)


def test_it_reminds_the_owner_on_each_lead_day_the_due_day_and_weekly_while_overdue(member, energy):
    thing = milestone(energy, owner=member, due="2026-05-20")
    run_daily("2026-04-25", "2026-06-11")  # 06:00 UTC is 10:00 in Baku
    assert sorted(EmailLog.objects.values_list("period", flat=True)) == sorted(
        [
            "lead-14:2026-05-06",
            "lead-7:2026-05-13",
            "lead-1:2026-05-19",
            "due:2026-05-20",
            "overdue-w1:2026-05-27",
            "overdue-w2:2026-06-03",
            "overdue-w3:2026-06-10",
        ]
    )
    assert set(EmailLog.objects.values_list("kind", "subject_key")) == {
        (EmailKind.MILESTONE_REMINDER, f"milestone:{thing.pk}")
    }


def test_it_uses_the_owners_own_lead_days(member, energy):
    member.reminder_lead_days = [30, 3]
    member.save()
    milestone(energy, owner=member, due="2026-06-10")
    run_daily("2026-05-01", "2026-06-10")
    assert set(EmailLog.objects.values_list("period", flat=True)) == {
        "lead-30:2026-05-11",
        "lead-3:2026-06-07",
        "due:2026-06-10",
    }


def test_it_writes_what_the_reminder_is_about(member, energy):
    thing = milestone(energy, owner=member, due="2026-05-11", title="Grid study <draft> & annex")
    services.reminders_claim(now=at("2026-05-04 06:00"))
    row = EmailLog.objects.get()
    assert row.subject == "[Energy] Due in 7 days: Grid study <draft> & annex"
    assert "Grid study <draft> & annex" in row.body_text  # plain text is not HTML-escaped
    assert "Grid study &lt;draft&gt; &amp; annex" in row.body_html
    assert f"http://127.0.0.1:8000/milestones/{thing.pk}/" in row.body_text
    assert row.context == {"milestone": thing.pk, "due_date": "2026-05-11", "occurrence": "lead"}
    assert row.send_after == at("2026-05-04 04:00")  # 08:00 in Baku
    assert row.decided_at == at("2026-05-04 06:00")


@pytest.mark.parametrize(
    "due, subject",
    [
        ("2026-05-05", "[Energy] Due in 1 day: Study"),
        ("2026-05-04", "[Energy] Due today: Study"),
        ("2026-04-20", "[Energy] Overdue by 14 days: Study"),
    ],
)
def test_it_words_each_occurrence(member, energy, due, subject):
    milestone(energy, owner=member, due=due, title="Study")
    services.reminders_claim(now=at("2026-05-04 06:00"))
    assert EmailLog.objects.get(recipient=member).subject == subject


def test_it_claims_nothing_before_eight_local_and_catches_up_later_that_day(member, energy):
    milestone(energy, owner=member, due="2026-05-11")
    assert services.reminders_claim(now=at("2026-05-04 03:59")).claimed == 0  # 07:59 in Baku
    assert not EmailLog.objects.exists()
    # No run at 08:00: the beat was down. A run at 19:30 Baku time catches up.
    assert services.reminders_claim(now=at("2026-05-04 15:30")).claimed == 1
    assert services.reminders_claim(now=at("2026-05-04 19:59")).claimed == 0  # 23:59 in Baku
    # The next local day, that reminder is not sent late.
    assert services.reminders_claim(now=at("2026-05-04 20:30")).claimed == 0
    assert EmailLog.objects.count() == 1


def test_it_does_not_send_a_missed_day_late(member, energy):
    milestone(energy, owner=member, due="2026-05-11")
    services.reminders_claim(now=at("2026-05-05 06:00"))  # the lead-7 day was 2026-05-04
    assert not EmailLog.objects.exists()


@pytest.mark.parametrize("status", [Status.DONE, Status.CANCELLED])
def test_it_stops_when_the_milestone_is_closed(member, energy, status):
    milestone(energy, owner=member, due="2026-04-20", status=status)
    run_daily("2026-04-06", "2026-05-20")
    assert not EmailLog.objects.exists()


@pytest.mark.parametrize("status", Status.values)
def test_it_reminds_for_every_open_status(member, energy, status):
    milestone(energy, owner=member, due="2026-05-04", status=status)
    services.reminders_claim(now=at("2026-05-04 06:00"))
    closed = status in (Status.DONE, Status.CANCELLED)
    assert EmailLog.objects.exists() is not closed


def test_it_respects_reminders_off_and_inactive_owners(member, observer, energy):
    member.reminders_enabled = False
    member.save()
    observer.is_active = False
    observer.save()
    milestone(energy, owner=member, due="2026-05-04")
    milestone(energy, owner=observer, due="2026-05-04")
    services.reminders_claim(now=at("2026-05-04 12:00"))
    assert not EmailLog.objects.exists()


def test_it_escalates_to_both_cochairs_when_overdue_more_than_a_week(
    member, cochair_az, cochair_us, energy
):
    thing = milestone(energy, owner=member, due="2026-05-01")
    services.reminders_claim(now=at("2026-05-08 14:00"))  # 7 days overdue: the owner only
    assert claims() == {("member@example.test", "milestone_reminder", "overdue-w1:2026-05-08")}
    services.reminders_claim(now=at("2026-05-15 14:00"))  # 14 days: and both co-chairs
    assert claims(period="overdue-w2:2026-05-15") == {
        ("member@example.test", "milestone_reminder", "overdue-w2:2026-05-15"),
        ("cochair.az@example.test", "milestone_escalation", "overdue-w2:2026-05-15"),
        ("cochair.us@example.test", "milestone_escalation", "overdue-w2:2026-05-15"),
    }
    escalation = EmailLog.objects.get(recipient=cochair_us)
    assert escalation.subject_key == f"milestone:{thing.pk}"
    assert "Member" in escalation.body_text  # names the owner
    assert escalation.subject.startswith("[Energy] Overdue by 14 days, for the co-chairs")


def test_it_escalates_on_each_cochairs_own_local_day(member, cochair_az, cochair_us, energy):
    milestone(energy, owner=member, due="2026-05-01")
    # 05:00 UTC on 2026-05-15: 09:00 in Baku, still 01:00 in New York.
    services.reminders_claim(now=at("2026-05-15 05:00"))
    assert {email for email, _, _ in claims(kind="milestone_escalation")} == {
        "cochair.az@example.test"
    }
    services.reminders_claim(now=at("2026-05-15 12:00"))  # 08:00 in New York (EDT)
    assert {email for email, _, _ in claims(kind="milestone_escalation")} == {
        "cochair.az@example.test",
        "cochair.us@example.test",
    }


def test_it_does_not_escalate_to_a_cochair_who_owns_the_milestone(cochair_az, cochair_us, energy):
    milestone(energy, owner=cochair_az, due="2026-05-01")
    services.reminders_claim(now=at("2026-05-15 14:00"))
    assert claims() == {
        ("cochair.az@example.test", "milestone_reminder", "overdue-w2:2026-05-15"),
        ("cochair.us@example.test", "milestone_escalation", "overdue-w2:2026-05-15"),
    }


def test_it_escalates_a_milestone_without_owner(cochair_az, cochair_us, energy):
    milestone(energy, owner=None, due="2026-05-01")
    services.reminders_claim(now=at("2026-05-22 14:00"))
    assert {(email, kind) for email, kind, _ in claims()} == {
        ("cochair.az@example.test", "milestone_escalation"),
        ("cochair.us@example.test", "milestone_escalation"),
    }
    assert "nobody yet" in EmailLog.objects.first().body_text


def test_it_escalates_only_to_the_milestones_own_group(member, other_member, energy, connectivity):
    chair = make_user("chair.connectivity@example.test", time_zone="Asia/Baku")
    join(chair, connectivity, "co_chair")
    milestone(energy, owner=member, due="2026-05-01")
    services.reminders_claim(now=at("2026-05-15 14:00"))
    assert not EmailLog.objects.filter(recipient=chair).exists()


def test_it_reminds_action_item_owners_on_the_same_schedule(member, energy):
    held = meeting(energy, starts_at=at("2026-04-20 06:00"))
    item = action(held, owner=member, due="2026-05-10", title="Send the draft MoU")
    action(held, owner=member, due="2026-05-10", status=ActionItemStatus.DONE)
    action(held, owner=None, due="2026-05-10")
    run_daily("2026-04-20", "2026-05-24")
    assert set(EmailLog.objects.values_list("kind", "subject_key", "period")) == {
        ("action_reminder", f"action:{item.pk}", "lead-14:2026-04-26"),
        ("action_reminder", f"action:{item.pk}", "lead-7:2026-05-03"),
        ("action_reminder", f"action:{item.pk}", "lead-1:2026-05-09"),
        ("action_reminder", f"action:{item.pk}", "due:2026-05-10"),
        ("action_reminder", f"action:{item.pk}", "overdue-w1:2026-05-17"),
        ("action_reminder", f"action:{item.pk}", "overdue-w2:2026-05-24"),
    }
    row = EmailLog.objects.get(period="due:2026-05-10")
    assert row.subject == "[Energy] Action due today: Send the draft MoU"
    assert f"http://127.0.0.1:8000/meetings/{held.pk}/" in row.body_text


def test_it_does_not_escalate_action_items(member, cochair_az, energy):
    held = meeting(energy, starts_at=at("2026-04-01 06:00"))
    action(held, owner=member, due="2026-04-20")
    services.reminders_claim(now=at("2026-05-04 14:00"))
    assert claims() == {("member@example.test", "action_reminder", "overdue-w2:2026-05-04")}


def test_it_reminds_invited_members_the_day_before_a_meeting_with_an_invitation(
    member, cochair_us, observer, outsider, energy
):
    upcoming = meeting(
        energy,
        starts_at=at("2026-05-12 06:00"),  # 10:00 in Baku, 02:00 in New York
        title="Energy working group, third session",
        time_zone="Asia/Baku",
        link="https://meet.example.test/energy-3",
    )
    invite(upcoming, member)
    invite(upcoming, cochair_us, AttendanceStatus.PRESENT)
    invite(upcoming, observer, AttendanceStatus.APOLOGIES)
    invite(upcoming, outsider, AttendanceStatus.ABSENT)
    services.reminders_claim(now=at("2026-05-10 06:00"))  # two days before: nothing
    assert not EmailLog.objects.exists()
    services.reminders_claim(now=at("2026-05-11 06:00"))  # 10:00 on the 11th in Baku
    assert claims() == {("member@example.test", "meeting_reminder", "eve:2026-05-12")}
    services.reminders_claim(now=at("2026-05-11 13:00"))  # 09:00 on the 11th in New York
    assert claims(recipient=cochair_us) == {
        ("cochair.us@example.test", "meeting_reminder", "eve:2026-05-12")
    }
    services.emails_deliver(now=at("2026-05-11 13:01"))

    (message,) = [m for m in mail.outbox if m.to == ["member@example.test"]]
    assert message.subject == "[Energy] Tomorrow at 10:00 Baku: Energy working group, third session"
    (attachment,) = message.attachments
    assert attachment.filename == f"meeting-{upcoming.pk}.ics"
    assert attachment.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(attachment.content)
    (event,) = calendar.walk("VEVENT")
    assert str(event["uid"]) == f"meeting-{upcoming.pk}@charterhub"
    starts = event.decoded("dtstart")
    assert (starts.tzinfo.key, starts.replace(tzinfo=None)) == (
        "Asia/Baku",
        dt.datetime(2026, 5, 12, 10, 0),
    )
    assert event.decoded("dtend") - starts == dt.timedelta(minutes=90)
    assert "Energy working group, third session" in str(event["summary"])
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Baku"]

    (us_message,) = [m for m in mail.outbox if m.to == ["cochair.us@example.test"]]
    assert "Tomorrow at 02:00" in us_message.subject  # the recipient's own clock
    assert "12 May 2026, 10:00" in us_message.body  # and the meeting's


def test_it_gives_one_meeting_the_same_calendar_uid_for_everyone(member, cochair_az, energy):
    upcoming = meeting(energy, starts_at=at("2026-05-12 06:00"))
    invite(upcoming, member)
    invite(upcoming, cochair_az)
    services.reminders_claim(now=at("2026-05-11 06:00"))
    uids = {
        str(icalendar.Calendar.from_ical(row.attachments[0]["content"]).walk("VEVENT")[0]["uid"])
        for row in EmailLog.objects.all()
    }
    assert uids == {f"meeting-{upcoming.pk}@charterhub"}


def test_it_attaches_a_published_calendar_that_says_so_in_its_content_type(member, energy):
    upcoming = meeting(energy, starts_at=at("2026-05-12 06:00"))
    invite(upcoming, member)
    services.reminders_claim(now=at("2026-05-11 06:00"))
    services.emails_deliver(now=at("2026-05-11 06:01"))
    (message,) = mail.outbox
    raw = message.message(policy=email.policy.SMTP).as_bytes()
    parsed = email.message_from_bytes(raw, policy=email.policy.strict)
    (part,) = parsed.iter_attachments()
    # RFC 6047 §2.4: the part's Content-Type carries the calendar's METHOD.
    assert part.get_content_type() == "text/calendar"
    assert part["Content-Type"].params["method"] == "PUBLISH"
    assert not part["Content-Type"].defects
    calendar = icalendar.Calendar.from_ical(part.get_content())
    assert str(calendar["METHOD"]) == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"meeting-{upcoming.pk}@charterhub"
    assert event.decoded("last-modified") == upcoming.updated_at.replace(microsecond=0)


def test_it_skips_guests_and_past_meetings(member, energy):
    past = meeting(energy, starts_at=at("2026-05-11 05:00"))
    invite(past, member)
    upcoming = meeting(energy, starts_at=at("2026-05-12 06:00"))
    upcoming.attendance.create(guest_name="Guest Speaker", guest_organisation="IEA")
    services.reminders_claim(now=at("2026-05-11 06:00"))
    assert not EmailLog.objects.exists()


def test_it_decides_each_reminder_once_however_often_it_runs(member, cochair_az, energy):
    milestone(energy, owner=member, due="2026-05-11")
    milestone(energy, owner=member, due="2026-04-20")
    upcoming = meeting(energy, starts_at=at("2026-05-05 06:00"))
    invite(upcoming, member)
    first = services.reminders_claim(now=at("2026-05-04 06:00"))
    assert first.claimed == 4  # lead-7, overdue-w2, its escalation, meeting
    for minute in (0, 1, 30):
        again = services.reminders_claim(now=at("2026-05-04 06:00") + dt.timedelta(minutes=minute))
        assert again.claimed == 0
    services.emails_deliver(now=at("2026-05-04 06:31"))
    services.reminders_claim(now=at("2026-05-04 18:00"))
    services.emails_deliver(now=at("2026-05-04 18:01"))
    assert len(mail.outbox) == 4
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == 4


def test_it_reminds_again_after_the_due_date_moves(member, energy):
    thing = milestone(energy, owner=member, due="2026-05-11")
    services.reminders_claim(now=at("2026-05-04 06:00"))
    Milestone.objects.filter(pk=thing.pk).update(due_date=dt.date(2026, 5, 5))
    services.reminders_claim(now=at("2026-05-04 07:00"))
    assert set(EmailLog.objects.values_list("period", flat=True)) == {
        "lead-7:2026-05-04",
        "lead-1:2026-05-04",
    }


def owned_milestones(group, owners, *, due) -> None:
    Milestone.objects.bulk_create(
        Milestone(
            group=group,
            section=group.section,
            title=f"Work package {n}",
            owner=user,
            due_date=day(due),
        )
        for n, user in enumerate(owners)
    )


# savepoint, users, groups, co-chairs, milestones, action items, meetings, attendance,
# recent claims, the INSERT of the claims (one per CLAIM_BATCH rows), release savepoint
SCAN_QUERIES = 11


@pytest.mark.parametrize("owners", [10, 1000])
def test_it_scans_with_the_same_queries_for_10_or_1000_milestones(
    owners, energy, django_assert_num_queries
):
    owned_milestones(energy, bulk_users(owners, time_zone="Asia/Baku"), due="2026-05-11")
    with django_assert_num_queries(SCAN_QUERIES):
        result = services.reminders_claim(now=at("2026-05-04 06:00"))
    assert result.claimed == owners == EmailLog.objects.count()


@pytest.mark.parametrize("owners", [10, 240])  # 240 owners: 960 claims, one INSERT
def test_it_scans_every_kind_with_the_same_queries_for_few_or_many_recipients(
    owners, energy, cochair_az, cochair_us, django_assert_num_queries
):
    users = bulk_users(owners, time_zone="Asia/Baku")
    owned_milestones(energy, users[: owners // 2], due="2026-05-11")
    owned_milestones(energy, users[owners // 2 :], due="2026-04-20")  # escalated
    upcoming = meeting(energy, starts_at=at("2026-05-05 06:00"))
    past = meeting(energy, starts_at=at("2026-04-05 06:00"))
    Attendance.objects.bulk_create(Attendance(meeting=upcoming, user=user) for user in users)
    ActionItem.objects.bulk_create(
        ActionItem(meeting=past, owner=user, title="Follow up", due_date=day("2026-05-04"))
        for user in users
    )
    with django_assert_num_queries(SCAN_QUERIES):
        result = services.reminders_claim(now=at("2026-05-04 06:00"))
    # It is 02:00 in New York: of the co-chairs only the AZ one is escalated to yet.
    assert result.by_kind == {
        "milestone_reminder": owners,
        "milestone_escalation": owners - owners // 2,
        "meeting_reminder": owners,
        "action_reminder": owners,
    }


def test_it_inserts_claims_in_batches_with_the_same_reads(energy):
    # One full batch of the real size (what the database must take in one INSERT) and one more.
    count = services.CLAIM_BATCH + 1
    owned_milestones(energy, bulk_users(count, time_zone="Asia/Baku"), due="2026-05-11")
    with CaptureQueriesContext(connection) as queries:
        result = services.reminders_claim(now=at("2026-05-04 06:00"))
    assert result.claimed == count
    statements = [query["sql"].split()[0].upper() for query in queries.captured_queries]
    assert statements.count("SELECT") == 8
    assert statements.count("INSERT") == math.ceil(count / services.CLAIM_BATCH) == 2


def test_it_has_nothing_to_do_for_nobody(db, charter_data):
    assert services.reminders_claim(now=at("2026-05-04 06:00")).claimed == 0
    assert User.objects.count() == 0
