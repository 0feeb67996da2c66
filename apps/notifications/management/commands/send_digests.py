from django.core.management.base import BaseCommand

from apps.notifications.management.options import add_now_argument, parse_now
from apps.notifications.services import digests_claim


class Command(BaseCommand):
    help = (
        "Decide the progress digests due now (daily, or Monday for weekly, in each "
        "recipient's local morning) and queue them in the outbox; empty digests are skipped. "
        "`deliver_emails` sends them. Safe to run again."
    )

    def add_arguments(self, parser):
        add_now_argument(parser)

    def handle(self, *args, now=None, **options):
        result = digests_claim(now=parse_now(now))
        self.stdout.write(f"{result.claimed} digests queued")
