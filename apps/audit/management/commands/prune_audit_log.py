"""Delete audit events older than AUDIT_RETENTION_DAYS (the Celery beat job does this daily)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.audit.services import audit_prune


class Command(BaseCommand):
    help = "Delete audit events older than the retention period (AUDIT_RETENTION_DAYS)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="Keep this many days instead.")
        parser.add_argument("--now", help="ISO datetime to treat as now (testing).")

    def handle(self, *args, days=None, now=None, **options):
        if days is not None and days < 1:
            raise CommandError("--days must be 1 or more")
        if now:
            try:
                moment = datetime.datetime.fromisoformat(now)
            except ValueError:
                raise CommandError(f"--now is not an ISO datetime: {now!r}") from None
            if timezone.is_naive(moment):
                moment = moment.replace(tzinfo=datetime.UTC)
        else:
            moment = timezone.now()
        deleted = audit_prune(now=moment, days=days)
        self.stdout.write(f"Deleted {deleted} audit events.")
