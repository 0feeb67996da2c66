"""The `--now ISO-DATETIME` option shared by the notifications commands."""

from datetime import datetime

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

NOW_HELP = (
    "Run as if the current time were this ISO 8601 date and time, e.g. 2026-05-04T09:00:00Z "
    "or 2026-05-04T13:00:00+04:00 (no offset means UTC). Default: now."
)


def add_now_argument(parser) -> None:
    parser.add_argument("--now", metavar="ISO-DATETIME", help=NOW_HELP)


def parse_now(value: str | None) -> datetime:
    """--now ISO-DATETIME (naive values are taken as UTC)."""
    if not value:
        return timezone.now()
    try:
        parsed = parse_datetime(value.strip())
    except ValueError:
        parsed = None
    if parsed is None:
        raise CommandError(
            f"--now must be an ISO 8601 date and time such as 2026-05-04T09:00:00Z, got {value!r}"
        )
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.UTC)
    return parsed
