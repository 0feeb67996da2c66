"""The Celery tasks are thin and scheduled; the commands run the same services."""

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from apps.notifications import tasks
from apps.notifications.models import EmailKind, EmailLog, EmailState
from tests.notifications.factories import at, meeting, milestone, outbox_row

pytestmark = pytest.mark.django_db


def test_the_beat_runs_reminders_and_digests_hourly_delivery_every_minute_cleanup_daily():
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    reminders = schedule["apps.notifications.tasks.send_deadline_reminders"]
    digests = schedule["apps.notifications.tasks.send_digests"]
    cleanup = schedule["apps.notifications.tasks.cleanup_email_log"]
    assert isinstance(reminders, crontab) and reminders.hour == set(range(24))
    assert isinstance(digests, crontab) and digests.hour == set(range(24))
    assert len(reminders.minute) == len(digests.minute) == 1
    assert schedule["apps.notifications.tasks.deliver_emails"] == 60.0
    assert isinstance(cleanup, crontab) and len(cleanup.hour) == 1


def test_every_task_has_time_limits_and_only_the_claiming_jobs_ack_late():
    for task in (
        tasks.send_deadline_reminders,
        tasks.send_digests,
        tasks.deliver_emails,
        tasks.cleanup_email_log,
    ):
        assert task.time_limit and task.soft_time_limit < task.time_limit
    assert tasks.send_deadline_reminders.acks_late and tasks.send_digests.acks_late
    assert not tasks.deliver_emails.acks_late


def test_the_tasks_run_the_services_at_the_current_time(member, observer, energy):
    milestone(energy, owner=member, due="2026-05-11", title="Grid study")
    with time_machine.travel(at("2026-05-04 09:00"), tick=False):
        assert tasks.send_deadline_reminders() == 1
        assert tasks.send_digests() == 2  # the member (Baku) and the observer (UTC): Monday
        assert tasks.deliver_emails() == 3
        assert tasks.cleanup_email_log() == 0
    assert sorted(m.subject for m in mail.outbox)[0] == "CharterHub weekly digest, 4 May 2026"


def test_the_reminder_command_reports_what_it_queued(member, energy, capsys):
    milestone(energy, owner=member, due="2026-05-11")
    upcoming = meeting(energy, starts_at=at("2026-05-05 06:00"))
    upcoming.attendance.create(user=member)
    call_command("send_deadline_reminders", "--now", "2026-05-04T10:00:00+04:00")
    out = capsys.readouterr().out
    assert out.strip() == "2 reminders queued (1 meeting_reminder, 1 milestone_reminder)"
    call_command("send_deadline_reminders", "--now", "2026-05-04T11:00:00+04:00")
    assert capsys.readouterr().out.strip() == "0 reminders queued"


def test_the_digest_command_reports_what_it_queued(member, energy, capsys):
    milestone(energy, owner=member, due="2026-05-11")
    call_command("send_digests", "--now", "2026-05-04T06:00:00Z")
    assert capsys.readouterr().out.strip() == "1 digests queued"
    assert EmailLog.objects.get().kind == EmailKind.DIGEST


def test_the_file_mailer_of_make_run_writes_one_file_per_email(member, settings, tmp_path):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(tmp_path)},
        }
    }
    rows = [outbox_row(member, subject=f"File {n}") for n in range(12)]
    call_command("deliver_emails", "--now", "2026-05-04T09:00:00Z")
    files = sorted(tmp_path.iterdir())
    assert len(files) == len(rows) == 12
    assert sorted(
        next(line for line in f.read_text().splitlines() if line.startswith("Subject:"))
        for f in files
    ) == sorted(f"Subject: File {n}" for n in range(12))
    assert {row.state for row in EmailLog.objects.all()} == {EmailState.SENT}
