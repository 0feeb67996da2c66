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


class EmailState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CHECK = "check", _("Needs checking")


class EmailLog(models.Model):
    """The outbox: one row per email the system decided to send.

    The unique key (kind, recipient, subject_key, period) is the claim: inserting
    the row is what decides an email, so a job run twice cannot decide it twice.
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
        _("period"), max_length=32, help_text=_('Which occurrence, e.g. "2026-05-03" or "lead-7".')
    )
    context = models.JSONField(_("context"), default=dict, blank=True)
    subject = models.CharField(_("subject line"), max_length=300, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=EmailState, default=EmailState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    send_after = models.DateTimeField(_("send after"), default=timezone.now)
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
        ]
        indexes = [
            models.Index(fields=["state", "send_after"], name="emaillog_due"),
            models.Index(fields=["recipient", "-created_at"], name="emaillog_recipient_time"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_email} ({self.state})"
