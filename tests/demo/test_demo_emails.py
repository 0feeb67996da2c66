"""The README's `manage.py send_deadline_reminders` and `send_digests`, run without `--now`
on the day `seed_demo` ran, find something to send whatever the hour."""

from datetime import UTC, datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from apps.notifications.selectors import digests_due, reminders_due

pytestmark = pytest.mark.django_db

SEEDED = datetime(2026, 11, 25, 0, 5, tzinfo=UTC)  # just after midnight UTC: the worst case


@pytest.mark.parametrize("summer", [False, True], ids=["winter", "summer"])
def test_it_has_reminders_and_digests_due_at_every_hour_of_the_seed_day(time_machine, summer):
    seeded = SEEDED.replace(month=7, day=15) if summer else SEEDED
    time_machine.move_to(seeded, tick=False)
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    for hour in range(24):
        now = datetime.combine(seeded.date(), time(hour, 10), tzinfo=UTC)
        assert reminders_due(now=now), now
        assert digests_due(now=now), now


def test_it_runs_the_readme_commands_without_a_date(time_machine):
    time_machine.move_to(SEEDED + timedelta(hours=14), tick=False)
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    outputs = []
    for command in ("send_deadline_reminders", "send_digests", "deliver_emails"):
        out = StringIO()
        call_command(command, stdout=out, stderr=StringIO())
        outputs.append(out.getvalue())
    assert not outputs[0].startswith("0 ")
    assert not outputs[1].startswith("0 ")
    assert " sent" in outputs[2] and not outputs[2].startswith("0 due")
