from django.core.management.base import BaseCommand

from apps.notifications.management.options import add_now_argument, parse_now
from apps.notifications.services import emails_deliver


class Command(BaseCommand):
    help = (
        "Send queued emails whose time has come (the outbox pass that beat runs every minute). "
        "Temporary failures are retried later; emails left 'sending' by a stopped worker "
        "are marked 'check'."
    )

    def add_arguments(self, parser):
        add_now_argument(parser)

    def handle(self, *args, now=None, **options):
        result = emails_deliver(now=parse_now(now))
        self.stdout.write(
            f"{result.due} due, {result.sent} sent, {result.retrying} to retry, "
            f"{result.failed} failed, {result.cancelled} cancelled, {result.checked} to check"
        )
