"""Two beats or two workers at once: each email is decided once and sent once.

On PostgreSQL the runs are real threads, each with its own connection, started together.
SQLite serialises writers, so there the runs go one after the other.
(tests/notifications/test_worker_faults.py does the same with real Celery worker processes.)
"""

import threading

import pytest
from django.core import mail
from django.db import connection

from apps.notifications import services
from apps.notifications.models import EmailLog, EmailState
from tests.notifications.factories import at, bulk_users, invite, meeting, milestone, outbox_row

pytestmark = pytest.mark.django_db(transaction=True)

NOW = at("2026-05-04 13:00")


def run_together(job, count: int) -> list:
    """Run `job()` `count` times at once (threads on PostgreSQL), return the results."""
    if connection.vendor != "postgresql":
        return [job() for _ in range(count)]
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def worker(index):
        try:
            barrier.wait(timeout=10)
            results[index] = job()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def test_two_reminder_runs_at_once_decide_each_email_once(energy, cochair_az, cochair_us):
    owners = bulk_users(30, time_zone="Asia/Baku")
    for number, owner in enumerate(owners):
        milestone(energy, owner=owner, due="2026-05-11" if number % 2 else "2026-04-20")
    upcoming = meeting(energy, starts_at=at("2026-05-05 06:00"))
    for owner in owners[:10]:
        invite(upcoming, owner)
    results = run_together(lambda: services.reminders_claim(now=NOW).claimed, 2)
    expected = 30 + 15 * 2 + 10  # owners, escalations to both co-chairs, meeting reminders
    assert EmailLog.objects.count() == expected
    assert sum(results) >= expected  # both may have tried; the unique key kept one of each

    sent = run_together(lambda: services.emails_deliver(now=NOW).sent, 3)
    assert sum(sent) == expected
    assert len(mail.outbox) == expected
    assert len({message.extra_headers["Message-ID"] for message in mail.outbox}) == expected
    assert set(EmailLog.objects.values_list("state", flat=True)) == {EmailState.SENT}


def test_two_digest_runs_at_once_decide_each_digest_once(energy, member, observer, cochair_us):
    milestone(energy, owner=member, due="2026-05-10")
    run_together(lambda: services.digests_claim(now=NOW).claimed, 2)
    assert sorted(EmailLog.objects.values_list("to_email", flat=True)) == sorted(
        [member.email, observer.email, cochair_us.email]
    )
    run_together(lambda: services.emails_deliver(now=NOW).sent, 2)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [member.email, observer.email, cochair_us.email]
    )


def test_four_deliverers_at_once_send_each_row_once(member, observer):
    rows = [outbox_row(member if n % 2 else observer) for n in range(40)]
    sent = run_together(lambda: services.emails_deliver(now=NOW).sent, 4)
    assert sum(sent) == 40
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(
        row.message_id for row in rows
    )
