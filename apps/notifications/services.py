"""Writes for the outbox. Reminder and digest jobs arrive with the notifications issue."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from apps.notifications.models import EmailLog, EmailState

logger = logging.getLogger(__name__)

SENT_LOG_RETENTION = timedelta(days=400)


@dataclass(frozen=True)
class DeliveryPass:
    due: int
    sent: int


def emails_deliver(*, now: datetime) -> DeliveryPass:
    """One outbox pass.

    For now this only counts the queued rows whose time has come: nothing creates
    EmailLog rows yet, and sending (with claim, retries and backoff) is built by the
    notifications issue. It runs on the beat schedule so the worker and beat are real.
    """
    due = EmailLog.objects.filter(state=EmailState.QUEUED, send_after__lte=now).count()
    logger.info("outbox pass at %s: %d due, 0 sent (delivery not built yet)", now.isoformat(), due)
    return DeliveryPass(due=due, sent=0)


def email_log_cleanup(*, now: datetime) -> int:
    """Delete sent rows older than the retention period; queued and failed rows stay."""
    cutoff = now - SENT_LOG_RETENTION
    deleted, _ = EmailLog.objects.filter(state=EmailState.SENT, sent_at__lt=cutoff).delete()
    return deleted
