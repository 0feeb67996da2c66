"""make_message: one way to compose every email (language, time zone, links, unsubscribe)."""

import datetime as dt
import email
import email.policy
from itertools import takewhile

import pytest
from django.utils import timezone, translation

from apps.milestones.models import Status
from apps.notifications import emails
from apps.notifications.selectors import MilestoneRef
from tests.notifications.factories import day

pytestmark = pytest.mark.django_db


@pytest.fixture
def ref(energy):
    return MilestoneRef(
        42, "Grid study\nphase <2> & more", day("2026-05-11"), Status.AT_RISK, 35, energy, "Member"
    )


def reminder(user, ref, **extra):
    context = {
        "milestone": ref,
        "occurrence": "lead",
        "days": 7,
        "today": day("2026-05-04"),
        **extra,
    }
    return emails.make_message("milestone_reminder", user, context)


def test_it_addresses_the_recipient_with_one_click_unsubscribe_headers(member, ref):
    message = reminder(member, ref)
    assert message.to == ["member@example.test"]
    assert message.from_email == "CharterHub <noreply@charterhub.test>"
    link = message.extra_headers["List-Unsubscribe"]
    assert link.startswith("<http://127.0.0.1:8000/unsubscribe/") and link.endswith("/>")
    token = link.removeprefix("<http://127.0.0.1:8000/unsubscribe/").removesuffix("/>")
    assert emails.unsubscribe_token_read(token) == (member.pk, emails.Scope.REMINDERS)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert link.strip("<>") in message.body  # the same link in the footer
    assert link.strip("<>") in message.alternatives[0].content


def test_it_keeps_the_unsubscribe_header_on_one_line_however_long(member, ref, settings):
    settings.SITE_URL = "https://charterhub.strategic-partnership.example.gov/a/long/prefix"
    raw = reminder(member, ref).message(policy=email.policy.SMTP).as_bytes()
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["List-Unsubscribe"].startswith(
        "<https://charterhub.strategic-partnership.example.gov/a/long/prefix/unsubscribe/"
    )
    (line,) = [line for line in raw.split(b"\r\n") if line.startswith(b"List-Unsubscribe:")]
    assert b"=?utf-8?" not in line and len(line) > 78


def test_it_links_absolutely_from_site_url(member, ref, settings):
    settings.SITE_URL = "https://charterhub.example.gov"
    message = reminder(member, ref)
    assert "https://charterhub.example.gov/milestones/42/" in message.body
    assert 'href="https://charterhub.example.gov/milestones/42/"' in message.alternatives[0].content
    assert "https://charterhub.example.gov/notifications/preferences/" in message.body


def test_it_escapes_html_only_in_the_html_part(member, ref):
    message = reminder(member, ref)
    assert "Grid study\nphase <2> & more" not in message.subject
    assert message.subject == "[Energy] Due in 7 days: Grid study phase <2> & more"
    assert "phase <2> & more" in message.body
    assert "phase &lt;2&gt; &amp; more" in message.alternatives[0].content
    assert "<2>" not in message.alternatives[0].content


@pytest.mark.parametrize(
    "language, group, due",
    [
        ("en", "Energy", "11 May 2026"),
        ("az", "Enerji", "11 may 2026"),
        ("ru", "Энергетика", "11 мая 2026"),
    ],
)
def test_it_writes_in_the_recipients_language(member, ref, language, group, due):
    member.language = language
    message = reminder(member, ref)
    assert message.subject.startswith(f"[{group}] ")
    assert f"{due}" in message.body
    assert f'<html lang="{language}">' in message.alternatives[0].content
    assert translation.get_language() == "en"  # switched back


def test_it_writes_times_on_the_recipients_clock(member, cochair_us, energy):
    from apps.meetings.models import Meeting

    meeting = Meeting(
        pk=7,
        group=energy,
        title="Third session",
        time_zone="Asia/Baku",
        duration_minutes=60,
        starts_at=dt.datetime(2026, 5, 12, 6, 0, tzinfo=dt.UTC),
        version=1,
    )
    context = {"meeting": meeting, "group": energy, "meeting_url": emails.meeting_url(7)}
    baku = emails.make_message("meeting_reminder", member, context)
    new_york = emails.make_message("meeting_reminder", cochair_us, context)
    assert "Tomorrow at 10:00 Baku" in baku.subject
    assert "Tomorrow at 02:00 Washington" in new_york.subject
    assert "When: 12 May 2026, 10:00 Baku · 02:00 Washington" in new_york.body  # both capitals
    assert timezone.get_current_timezone_name() == "UTC"


def test_it_stores_and_rebuilds_the_very_same_message(member, ref):
    message = reminder(member, ref)
    message.attach("meeting-1.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    fields = emails.row_fields(message)

    class Row:
        message_id = "<x.1@127.0.0.1>"

    row = Row()
    for name, value in fields.items():
        setattr(row, name, value)
    rebuilt = emails.message_from_row(row)
    assert (rebuilt.subject, rebuilt.body, rebuilt.to, rebuilt.from_email) == (
        message.subject,
        message.body,
        message.to,
        message.from_email,
    )
    assert rebuilt.alternatives[0].content == message.alternatives[0].content
    assert rebuilt.attachments == message.attachments
    assert rebuilt.extra_headers == {**message.extra_headers, "Message-ID": "<x.1@127.0.0.1>"}


def test_it_derives_a_stable_valid_message_id_from_the_claim():
    first = emails.message_id_for(
        kind="milestone_reminder",
        recipient_id=3,
        subject_key="milestone:42",
        period="lead-7:2026-05-04",
    )
    again = emails.message_id_for(
        kind="milestone_reminder",
        recipient_id=3,
        subject_key="milestone:42",
        period="lead-7:2026-05-04",
    )
    assert first == again == "<milestone_reminder.3.milestone-42.lead-7-2026-05-04@127.0.0.1>"
    parsed = email.message_from_string(f"Message-ID: {first}\n\n", policy=email.policy.default)
    assert parsed["Message-ID"] == first


@pytest.mark.parametrize("scope", ["digest", "reminders"])
def test_it_signs_unsubscribe_tokens_for_a_user_and_a_scope(scope):
    token = emails.unsubscribe_token(user_id=5, scope=scope)
    assert emails.unsubscribe_token_read(token) == (5, emails.Scope(scope))
    with pytest.raises(emails.BadToken):
        emails.unsubscribe_token_read(token[:-1] + ("A" if token[-1] != "A" else "B"))


def test_it_keeps_a_long_message_id_on_one_line(member, ref, settings):
    settings.SITE_URL = "https://charterhub.strategic-partnership.example.gov"
    message = reminder(member, ref)
    message_id = emails.message_id_for(
        kind="milestone_escalation",
        recipient_id=123456,
        subject_key="milestone:9876543",
        period="overdue-w12:2026-05-04",
    )
    message.extra_headers["Message-ID"] = message_id
    raw = message.message(policy=email.policy.SMTP).as_bytes()
    assert f"Message-ID: {message_id}".encode() in raw.split(b"\r\n")
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Message-ID"] == message_id


LONG_TITLE = "Publish the joint roadmap for renewable energy and grid interconnection cooperation"


@pytest.mark.parametrize("language", ["en", "az", "ru"])
@pytest.mark.parametrize("policy", [email.policy.SMTP, email.policy.default])
def test_it_writes_a_subject_that_parses_back_exactly(member, energy, language, policy):
    member.language = language
    long_ref = MilestoneRef(42, LONG_TITLE, day("2026-05-11"), Status.AT_RISK, 35, energy, "Member")
    message = reminder(member, long_ref)
    assert len(message.subject) > 78
    raw = message.message(policy=policy).as_bytes()
    parsed = email.message_from_bytes(raw, policy=email.policy.strict)
    assert parsed["Subject"] == message.subject
    assert parsed["Subject"].defects == () and not parsed.defects
    linesep = policy.linesep.encode()
    lines = raw.split(linesep + linesep)[0].split(linesep)
    start = next(i for i, line in enumerate(lines) if line.startswith(b"Subject:"))
    folded = [lines[start], *takewhile(lambda line: line[:1] in b" \t", lines[start + 1 :])]
    assert folded[0].strip() != b"Subject:"  # never an empty first line
    header = b"".join(folded)
    assert b"?==?" not in header  # encoded words always apart (RFC 2047 §5)
    assert all(not line.endswith((b" ", b"\t")) for line in folded)
    assert all(len(line) <= (76 if b"=?" in line else 78) for line in folded)
    if language == "en":
        assert b"=?" not in header  # plain ASCII stays readable


@pytest.mark.parametrize(
    "subject",
    [
        "CharterHub həftəlik xülasəsi, 7 dekabr 2026",
        "Еженедельная сводка CharterHub, 7 декабря 2026 г.",
        "[Энергетика] Срок через 3 дня: 😀 =?utf-8?q?not-an-encoded-word?=",
        "A-very-long-word-" * 6 + " and then some more words to fold on",
    ],
)
def test_it_round_trips_any_subject_through_a_strict_parser(subject):
    message = emails.Message(subject=subject, body="x", from_email="a@b.test", to=["c@d.test"])
    raw = message.message(policy=email.policy.SMTP).as_bytes()
    parsed = email.message_from_bytes(raw, policy=email.policy.strict)
    assert str(parsed["Subject"]) == subject
    assert parsed["Subject"].defects == ()
    header = raw.split(b"\r\nFrom:")[0].split(b"Subject:")[1]
    if subject.isascii() and "=?" not in subject:
        assert b"=?" not in header  # a long word stays plain (up to 998 characters a line)
