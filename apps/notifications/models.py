from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailKind(models.TextChoices):
    MILESTONE_REMINDER = "milestone_reminder", _("Milestone deadline reminder")
    MILESTONE_ESCALATION = "milestone_escalation", _("Overdue milestone escalation")
    ACTION_REMINDER = "action_reminder", _("Action item reminder")
    MEETING_REMINDER = "meeting_reminder", _("Meeting reminder")
    DIGEST = "digest", _("Progress digest")


REMINDER_KINDS = (
    EmailKind.MILESTONE_REMINDER,
    EmailKind.MILESTONE_ESCALATION,
    EmailKind.ACTION_REMINDER,
    EmailKind.MEETING_REMINDER,
)


class EmailState(models.TextChoices):
    """queued → sending → sent; a temporary failure goes back to queued (with backoff)
    until the attempts run out (failed); a permanent one fails at once. A row left in
    "sending" by a worker that died is "check": it may or may not have gone out."""

    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CHECK = "check", _("Needs checking")
    CANCELLED = "cancelled", _("Cancelled")


class EmailLog(models.Model):
    """The outbox: one row per email the system decided to send.

    The unique key (kind, recipient, subject_key, period) is the claim: inserting
    the row is what decides an email, so a job run twice cannot decide it twice.
    The message is rendered when it is decided and stored here exactly as it is sent.
    """

    kind = models.CharField(_("kind"), max_length=32, choices=EmailKind)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="emails",
        verbose_name=_("recipient"),
    )
    to_email = models.EmailField(_("sent to"))
    subject_key = models.CharField(
        _("subject object"), max_length=64, help_text=_('What it is about, e.g. "milestone:42".')
    )
    period = models.CharField(
        _("period"),
        max_length=32,
        help_text=_('Which occurrence, e.g. "lead-7:2026-05-03" or "due:2026-05-10".'),
    )
    context = models.JSONField(_("context"), default=dict, blank=True)
    decided_at = models.DateTimeField(
        _("decided at"),
        default=timezone.now,
        help_text=_("The time of the job run that decided this email."),
    )
    from_email = models.CharField(_("from"), max_length=300, blank=True)
    subject = models.CharField(_("subject line"), max_length=300, blank=True)
    body_text = models.TextField(_("text body"), blank=True)
    body_html = models.TextField(_("HTML body"), blank=True)
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    attachments = models.JSONField(
        _("attachments"),
        default=list,
        blank=True,
        help_text=_('[{"filename": …, "content": …, "mimetype": …}] (text attachments only).'),
    )
    state = models.CharField(
        _("state"), max_length=12, choices=EmailState, default=EmailState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    send_after = models.DateTimeField(_("send after"), default=timezone.now)
    sending_since = models.DateTimeField(
        _("sending since"),
        null=True,
        blank=True,
        help_text=_("When a deliverer took this email; set only while it is being sent."),
    )
    last_error = models.TextField(_("last error"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("email")
        verbose_name_plural = _("email log")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "subject_key", "period"],
                name="emaillog_claim_unique",
                violation_error_message=_("This email has already been decided."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=EmailKind.values), name="emaillog_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=EmailState.values), name="emaillog_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(state="sent", sent_at__isnull=False) | ~Q(state="sent"),
                name="emaillog_sent_has_time",
                violation_error_message=_("A sent email needs the time it was sent."),
            ),
            models.CheckConstraint(
                condition=Q(state="sending", sending_since__isnull=False) | ~Q(state="sending"),
                name="emaillog_sending_has_time",
                violation_error_message=_("An email being sent needs the time it was taken."),
            ),
        ]
        indexes = [
            models.Index(fields=["state", "send_after"], name="emaillog_due"),
            models.Index(fields=["recipient", "-created_at"], name="emaillog_recipient_time"),
            models.Index(fields=["kind", "decided_at"], name="emaillog_kind_decided"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_email} ({self.state})"
