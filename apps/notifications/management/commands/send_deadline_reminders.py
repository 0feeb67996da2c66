from django.core.management.base import BaseCommand

from apps.notifications.management.options import add_now_argument, parse_now
from apps.notifications.services import reminders_claim


class Command(BaseCommand):
    help = (
        "Decide the deadline and meeting reminders due now (each recipient's local morning) "
        "and queue them in the outbox; `deliver_emails` sends them. Safe to run again."
    )

    def add_arguments(self, parser):
        add_now_argument(parser)

    def handle(self, *args, now=None, **options):
        result = reminders_claim(now=parse_now(now))
        detail = ", ".join(f"{count} {kind}" for kind, count in sorted(result.by_kind.items()))
        self.stdout.write(f"{result.claimed} reminders queued" + (f" ({detail})" if detail else ""))
