from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from apps.notifications.services import emails_deliver


def parse_now(value: str | None):
    """--now ISO-DATETIME (naive values are taken as UTC)."""
    if not value:
        return timezone.now()
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise CommandError(f"--now must be an ISO 8601 date and time, got {value!r}")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.UTC)
    return parsed


class Command(BaseCommand):
    help = "Send queued emails whose time has come (the outbox pass beat runs every minute)."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="Pretend the current time is this ISO 8601 datetime.")

    def handle(self, *args, now=None, **options):
        result = emails_deliver(now=parse_now(now))
        self.stdout.write(f"{result.due} due, {result.sent} sent")
