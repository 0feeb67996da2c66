"""Run against a worker's own database (DATABASE_URL): seed outbox rows, read their states.

    python -m tests.notifications.outbox_script seed COUNT
    python -m tests.notifications.outbox_script seed_reminder
    python -m tests.notifications.outbox_script states

The pytest database is not visible to a worker subprocess, so the integration tests
prepare and inspect the worker's database through this script.
"""

import json
import os
import sys


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "charterhub.settings")
    import django

    django.setup()
    from django.utils import timezone

    from apps.accounts.models import User
    from apps.notifications.models import EmailKind, EmailLog

    command = argv[0]
    if command == "seed":
        count = int(argv[1])
        EmailLog.objects.all().delete()
        user, _ = User.objects.get_or_create(
            email="worker-test@example.test", defaults={"display_name": "Worker Test"}
        )
        now = timezone.now()
        EmailLog.objects.bulk_create(
            EmailLog(
                kind=EmailKind.MILESTONE_REMINDER,
                recipient=user,
                to_email=user.email,
                subject_key=f"milestone:{number}",
                period="due:2026-05-04",
                subject=f"Worker test {number}",
                body_text=f"Message {number}\n",
                from_email="CharterHub <noreply@charterhub.test>",
                message_id=f"<worker-test-{number}@charterhub.test>",
                send_after=now,
                decided_at=now,
            )
            for number in range(count)
        )
    elif command == "seed_reminder":
        # A milestone due today on its owner's clock, in a zone where it is past 08:00 now.
        from datetime import datetime
        from zoneinfo import ZoneInfo

        from apps.charter.models import WorkingGroup
        from apps.milestones.models import Milestone

        zone = "UTC" if timezone.now().hour >= 8 else "Asia/Tokyo"
        owner, _ = User.objects.get_or_create(
            email="owner@example.test", defaults={"display_name": "Owner", "time_zone": zone}
        )
        group = WorkingGroup.objects.get(slug="energy")
        Milestone.objects.create(
            group=group,
            section=group.section,
            title="Due today on the owner's clock",
            owner=owner,
            due_date=datetime.now(ZoneInfo(zone)).date(),
        )
    elif command == "states":
        rows = EmailLog.objects.order_by("id").values("message_id", "state", "attempts")
        print(json.dumps(list(rows)))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
