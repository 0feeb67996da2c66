"""Writes for notifications: claiming reminders and digests into the outbox, delivering
the outbox, and the recipient's own preferences.

Claim: a job run decides which emails are due (selectors) and inserts one EmailLog row per
email with its unique key (kind, recipient, subject_key, period), in the same transaction.
A row that exists means "already decided", so re-running a job, or two at once, never
decides an email twice (the unique constraint settles a race).

Deliver: each due queued row is taken with a conditional UPDATE (queued → sending) so two
deliverers never send one row twice, sent through the default mailer, then marked sent.
Temporary failures back off (1, 5, 15, 60 minutes, then failed); permanent ones (5xx) fail
at once with the server's reply. A row found still "sending" after a lease was in flight
when its worker died: it becomes "check", shown to staff, never resent blindly.
"""

from __future__ import annotations

import hashlib
import json
import logging
import smtplib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.core.mail import mailers
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _

from apps.accounts.models import (
    DigestFrequency,
    Language,
    User,
    validate_lead_days,
    validate_time_zone,
)
from apps.core.conflict import Conflict
from apps.meetings import ics
from apps.notifications import emails, selectors
from apps.notifications.models import REMINDER_KINDS, EmailKind, EmailLog, EmailState

logger = logging.getLogger(__name__)

SENT_LOG_RETENTION = timedelta(days=400)
#: Waits after the 1st, 2nd, 3rd and 4th temporary failure; the 5th fails the email.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1))
MAX_ATTEMPTS = len(BACKOFF) + 1
#: A row still "sending" this long after it was taken was in flight when a worker died.
SENDING_LEASE = timedelta(minutes=10)
#: Rows per delivery pass, and how long a pass may keep taking new rows (the task's soft
#: time limit is 100 s: a pass stops early rather than be killed with a row in flight).
DELIVERY_BATCH = 200
DELIVERY_BUDGET_SECONDS = 60
#: Claim rows per INSERT.
CLAIM_BATCH = 1000

INTERRUPTED = (
    "Interrupted while sending: the worker stopped after taking this email, so it may or may "
    "not have reached the recipient. Check the mail server's log (Message-ID) before retrying."
)
TURNED_OFF = "Not sent: the recipient turned these emails off (or was deactivated) before delivery."


# Claims ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimRun:
    """What one reminder or digest run decided: the emails it found unclaimed and inserted
    (a run racing it may have inserted some of the same rows first; those count here too,
    but exist once)."""

    claimed: int
    by_kind: dict[str, int]


def reminders_claim(*, now: datetime) -> ClaimRun:
    """Claim every deadline and meeting reminder due at `now` (planned by
    ``selectors.reminders_due``) into the outbox; ``emails_deliver`` sends them."""
    with transaction.atomic():
        return _claim(selectors.reminders_due(now=now), now=now)


def digests_claim(*, now: datetime) -> ClaimRun:
    """Claim every progress digest due at `now` into the outbox (empty digests are not
    claimed); ``emails_deliver`` sends them."""
    with transaction.atomic():
        return _claim(selectors.digests_due(now=now), now=now)


def _claim(planned: list[selectors.Planned], *, now: datetime) -> ClaimRun:
    invites: dict[tuple[int, str], str] = {}
    rows = []
    by_kind: dict[str, int] = {}
    for item in planned:
        message = emails.make_message(item.template, item.recipient, item.context)
        if item.invite is not None:
            message.attach(
                f"meeting-{item.invite.pk}.ics",
                _invite(item.invite, item.context["group"], item.recipient.language, invites, now),
                "text/calendar",
            )
        rows.append(
            EmailLog(
                kind=item.kind,
                recipient=item.recipient,
                subject_key=item.subject_key,
                period=item.period,
                context=item.record,
                decided_at=now,
                send_after=item.send_after,
                message_id=emails.message_id_for(
                    kind=item.kind,
                    recipient_id=item.recipient.pk,
                    subject_key=item.subject_key,
                    period=item.period,
                ),
                **emails.row_fields(message),
            )
        )
        by_kind[str(item.kind)] = by_kind.get(str(item.kind), 0) + 1
    # A concurrent run may have claimed some of these since we looked: the unique key
    # settles it, and its rows are skipped here. Inserting in key order means two runs
    # inserting the same rows wait for each other instead of deadlocking.
    rows.sort(key=lambda row: (row.kind, row.recipient_id, row.subject_key, row.period))
    EmailLog.objects.bulk_create(rows, batch_size=CLAIM_BATCH, ignore_conflicts=True)
    if rows:
        logger.info("claimed %d emails at %s: %s", len(rows), now.isoformat(), by_kind)
    return ClaimRun(claimed=len(rows), by_kind=by_kind)


def _invite(meeting, group, language: str, cache: dict[tuple[int, str], str], now: datetime) -> str:
    key = (meeting.pk, language)
    if key not in cache:
        with translation.override(language):
            cache[key] = ics.meeting_calendar(meeting, group_name=group.name, stamp=now).decode()
    return cache[key]


# Delivery ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryPass:
    due: int
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    cancelled: int = 0
    checked: int = 0


def _reply(code: int, message: bytes | str) -> str:
    text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
    return f"{code} {text}".strip()


def _classify(error: Exception) -> tuple[str, str]:
    """("permanent" | "temporary" | "unreachable", what the server said)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = list(error.recipients.values())
        text = "; ".join(_reply(code, message) for code, message in replies)
        permanent = replies and all(code >= 500 for code, _ in replies)
        return ("permanent" if permanent else "temporary"), text
    if isinstance(
        error,
        smtplib.SMTPConnectError | smtplib.SMTPHeloError | smtplib.SMTPAuthenticationError,
    ):
        return "unreachable", _reply(error.smtp_code, error.smtp_error)
    if isinstance(error, smtplib.SMTPResponseException):
        text = _reply(error.smtp_code, error.smtp_error)
        if error.smtp_code == 421:  # the server is closing the connection
            return "unreachable", text
        return ("permanent" if error.smtp_code >= 500 else "temporary"), text
    if isinstance(error, smtplib.SMTPServerDisconnected | OSError):
        return "unreachable", f"{type(error).__name__}: {error}"
    if isinstance(error, ValueError):  # an address the mailer refuses to use
        return "permanent", f"{type(error).__name__}: {error}"
    return "temporary", f"{type(error).__name__}: {error}"


class _Outbox:
    """The default mailer for one pass: one SMTP connection for the whole pass; other
    backends (files under var/mail/, locmem in tests) get a fresh mailer per email."""

    def __init__(self) -> None:
        self.smtp: SMTPBackend | None = None
        # Kept until the pass ends: the file mailer names its file after id(mailer), and a
        # mailer freed too early would let the next one reuse its id (and its file).
        self.used: list = []

    def open(self) -> None:
        mailer = mailers.default
        if isinstance(mailer, SMTPBackend):
            mailer.open()
            self.smtp = mailer

    def send(self, message) -> None:
        mailer = self.smtp
        if mailer is None:
            mailer = mailers.default
            self.used.append(mailer)
        count = mailer.send_messages([message])
        if count != 1:
            raise RuntimeError("the mailer did not accept the message")

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.close()
            except Exception:
                logger.warning("closing the SMTP connection failed", exc_info=True)
            self.smtp = None


def _turned_off(row: EmailLog) -> bool:
    recipient = row.recipient
    if not recipient.is_active:
        return True
    if row.kind == EmailKind.DIGEST:
        return recipient.digest_frequency == DigestFrequency.OFF
    return row.kind in REMINDER_KINDS and not recipient.reminders_enabled


def emails_deliver(*, now: datetime, limit: int = DELIVERY_BATCH) -> DeliveryPass:
    """One outbox pass: send the queued rows whose time has come, oldest first."""
    started = time.monotonic()

    def clock() -> datetime:
        return now + timedelta(seconds=time.monotonic() - started)

    checked = EmailLog.objects.filter(
        state=EmailState.SENDING, sending_since__lt=now - SENDING_LEASE
    ).update(state=EmailState.CHECK, last_error=INTERRUPTED)
    if checked:
        logger.warning("%d emails were in flight when a worker stopped: marked 'check'", checked)

    due = list(
        EmailLog.objects.filter(state=EmailState.QUEUED, send_after__lte=now)
        .select_related("recipient")
        .only(
            *(f.name for f in EmailLog._meta.concrete_fields if f.name != "recipient"),
            "recipient__is_active",
            "recipient__digest_frequency",
            "recipient__reminders_enabled",
        )
        .order_by("send_after", "id")[:limit]
    )
    counts = {"sent": 0, "retrying": 0, "failed": 0, "cancelled": 0}
    if not due:
        return DeliveryPass(due=0, checked=checked)

    outbox = _Outbox()
    try:
        try:
            outbox.open()
        except Exception as error:
            _, text = _classify(error)
            _defer(due, text, now=now, counts=counts)
            logger.warning("mail server unreachable (%s): %d emails wait", text, len(due))
            return DeliveryPass(due=len(due), checked=checked, **counts)
        for index, row in enumerate(due):
            if time.monotonic() - started > DELIVERY_BUDGET_SECONDS:
                break
            if _turned_off(row):
                counts["cancelled"] += EmailLog.objects.filter(
                    pk=row.pk, state=EmailState.QUEUED
                ).update(state=EmailState.CANCELLED, last_error=TURNED_OFF)
                continue
            taken = EmailLog.objects.filter(
                pk=row.pk, state=EmailState.QUEUED, send_after__lte=now
            ).update(state=EmailState.SENDING, sending_since=clock())
            if taken != 1:
                continue  # another deliverer has it (or staff changed it)
            try:
                outbox.send(emails.message_from_row(row))
            except SoftTimeLimitExceeded:
                # Stopped mid-send: whether it went out is unknown. The row stays "sending"
                # and becomes "check" after the lease, like one whose worker was killed.
                raise
            except Exception as error:
                kind, text = _classify(error)
                if kind == "permanent":
                    _finish(row, EmailState.FAILED, error=text, counts=counts, key="failed")
                    continue
                _retry(row, text, now=now, counts=counts)
                if kind == "unreachable":
                    outbox.close()
                    _defer(due[index + 1 :], text, now=now, counts=counts)
                    break
            else:
                sent = EmailLog.objects.filter(pk=row.pk, state=EmailState.SENDING).update(
                    state=EmailState.SENT,
                    sent_at=clock(),
                    sending_since=None,
                    attempts=F("attempts") + 1,
                )
                counts["sent"] += sent
    finally:
        outbox.close()
    result = DeliveryPass(due=len(due), checked=checked, **counts)
    logger.info("outbox pass at %s: %s", now.isoformat(), result)
    return result


def _finish(row: EmailLog, state: str, *, error: str, counts: dict, key: str) -> None:
    counts[key] += EmailLog.objects.filter(pk=row.pk, state=EmailState.SENDING).update(
        state=state, sending_since=None, attempts=F("attempts") + 1, last_error=error[:2000]
    )


def _retry(row: EmailLog, error: str, *, now: datetime, counts: dict) -> None:
    """A temporary failure of the row this deliverer holds: back off, or give up."""
    attempts = row.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        _finish(row, EmailState.FAILED, error=error, counts=counts, key="failed")
        return
    counts["retrying"] += EmailLog.objects.filter(pk=row.pk, state=EmailState.SENDING).update(
        state=EmailState.QUEUED,
        sending_since=None,
        attempts=attempts,
        send_after=now + BACKOFF[attempts - 1],
        last_error=error[:2000],
    )


def _defer(rows: list[EmailLog], error: str, *, now: datetime, counts: dict) -> None:
    """The server could not be reached: every due row not yet tried counts one attempt.

    One UPDATE per attempt count (at most MAX_ATTEMPTS), each only on rows still queued.
    """
    by_attempts: dict[int, list[int]] = {}
    for row in rows:
        by_attempts.setdefault(row.attempts, []).append(row.pk)
    for attempts, ids in by_attempts.items():
        still_queued = EmailLog.objects.filter(
            pk__in=ids, state=EmailState.QUEUED, attempts=attempts
        )
        if attempts + 1 >= MAX_ATTEMPTS:
            counts["failed"] += still_queued.update(
                state=EmailState.FAILED, attempts=attempts + 1, last_error=error[:2000]
            )
        else:
            counts["retrying"] += still_queued.update(
                attempts=attempts + 1, send_after=now + BACKOFF[attempts], last_error=error[:2000]
            )


def email_log_cleanup(*, now: datetime) -> int:
    """Delete sent and cancelled rows older than the retention period; others stay."""
    cutoff = now - SENT_LOG_RETENTION
    deleted, _ = EmailLog.objects.filter(
        state__in=[EmailState.SENT, EmailState.CANCELLED], created_at__lt=cutoff
    ).delete()
    return deleted


def emails_retry(*, ids: list[int], now: datetime) -> int:
    """Staff: queue failed emails and emails that need checking again, with fresh attempts."""
    return EmailLog.objects.filter(
        pk__in=ids, state__in=[EmailState.FAILED, EmailState.CHECK]
    ).update(state=EmailState.QUEUED, send_after=now, attempts=0, sending_since=None)


# Preferences -------------------------------------------------------------------------------------

PREFERENCE_FIELDS = (
    "digest_frequency",
    "reminders_enabled",
    "reminder_lead_days",
    "language",
    "time_zone",
)


def preferences_of(user: User) -> dict:
    return {name: getattr(user, name) for name in PREFERENCE_FIELDS}


def preferences_fingerprint(values: dict) -> str:
    """A short hash of the preferences as shown, to notice a change made meanwhile."""
    blob = json.dumps({name: values[name] for name in PREFERENCE_FIELDS}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def preferences_update(
    *,
    user: User,
    digest_frequency: str,
    reminders_enabled: bool,
    reminder_lead_days: list[int],
    language: str,
    time_zone: str,
    fingerprint: str,
) -> User:
    """Save the user's email preferences; Conflict when they changed since `fingerprint`
    (unless the change made meanwhile is exactly this one: a double submit)."""
    validate_lead_days(reminder_lead_days)
    validate_time_zone(time_zone)
    if digest_frequency not in DigestFrequency.values:
        raise ValidationError(_("Choose how often you want the digest."))
    if language not in Language.values:
        raise ValidationError(_("Choose one of the languages offered."))
    submitted = {
        "digest_frequency": digest_frequency,
        "reminders_enabled": reminders_enabled,
        "reminder_lead_days": reminder_lead_days,
        "language": language,
        "time_zone": time_zone,
    }
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        current = preferences_of(locked)
        if current == submitted:
            return locked
        if preferences_fingerprint(current) != fingerprint:
            # The rows are the view's: their labels are the form's.
            raise Conflict(current=current, attempted=submitted)
        for name, value in submitted.items():
            setattr(locked, name, value)
        # The model's own field checks (choices, the time zone validator); the lead days
        # were checked above (an empty list is fine: reminders on the due day only).
        checked = set(PREFERENCE_FIELDS) - {"reminder_lead_days"}
        locked.clean_fields(exclude=[f.name for f in User._meta.fields if f.name not in checked])
        locked.save(update_fields=list(PREFERENCE_FIELDS))
    for name, value in submitted.items():
        setattr(user, name, value)
    return locked


def unsubscribe(*, token: str) -> tuple[User, emails.Scope, bool]:
    """Stop what the signed token names (digests, or reminders) for its user.

    Returns (user, scope, changed). Raises emails.BadToken for a token that is not ours
    or whose user no longer exists. Safe to repeat.
    """
    user_id, scope = emails.unsubscribe_token_read(token)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None:
            raise emails.BadToken("no such user")
        if scope == emails.Scope.DIGEST:
            changed = user.digest_frequency != DigestFrequency.OFF
            user.digest_frequency = DigestFrequency.OFF
            fields = ["digest_frequency"]
        else:
            changed = user.reminders_enabled
            user.reminders_enabled = False
            fields = ["reminders_enabled"]
        if changed:
            user.save(update_fields=fields)
    return user, scope, changed
