"""The security audit log: one append-only row per security-relevant event.

Rows are written by ``apps.audit.services.audit_record`` only. They are never changed:
``save()`` on a stored row raises, and so does ``AuditEvent.objects…update()``; on PostgreSQL a
trigger (migration 0001) refuses any UPDATE except the one Django makes when the actor's user
account is deleted (``actor`` → NULL; the copied ``actor_email`` keeps who it was). Deleting is
left to the retention job (``audit_prune``), never to staff: the admin grants nobody add,
change or delete.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditKind(models.TextChoices):
    LOGIN_SUCCEEDED = "login_succeeded", _("Login succeeded")
    LOGIN_FAILED = "login_failed", _("Login failed")
    LOCKED_OUT = "locked_out", _("Locked out (too many failed logins)")
    LOGGED_OUT = "logged_out", _("Logged out")
    SESSION_EXPIRED = "session_expired", _("Session expired")
    ACCESS_DENIED = "access_denied", _("Access denied")
    CSRF_FAILED = "csrf_failed", _("CSRF check failed")
    ROLE_CHANGED = "role_changed", _("Role or permission changed")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PASSWORD_CHANGE_FAILED = "password_change_failed", _("Password change: wrong old password")
    PASSWORD_RESET_REQUESTED = "password_reset_requested", _("Password reset requested")
    PASSWORD_RESET_SENT = "password_reset_sent", _("Password reset email sent")
    PASSWORD_RESET_COMPLETED = "password_reset_completed", _("Password reset completed")
    USER_DEACTIVATED = "user_deactivated", _("User deactivated")
    USER_REACTIVATED = "user_reactivated", _("User reactivated")
    ADMIN_CHANGE = "admin_change", _("Change in the admin")
    AUDIT_PRUNED = "audit_pruned", _("Old audit events deleted (retention)")


class AppendOnly(Exception):
    """An attempt to change a stored audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("Audit events are never changed.")

    update.queryset_only = True


class AuditEvent(models.Model):
    at = models.DateTimeField(_("at (UTC)"), default=timezone.now, editable=False)
    kind = models.CharField(_("kind"), max_length=32, choices=AuditKind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_email = models.CharField(
        _("actor email"),
        max_length=254,
        blank=True,
        help_text=_("Copied when the event is recorded; kept when the account is deleted."),
    )
    target = models.CharField(
        _("target"),
        max_length=300,
        blank=True,
        help_text=_('What it concerns, e.g. "user:12 member@example.test" or the email typed.'),
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=255, blank=True)
    method = models.CharField(_("method"), max_length=10, blank=True)
    path = models.CharField(_("path"), max_length=300, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=AuditKind.values), name="audit_kind_valid"),
        ]
        indexes = [
            models.Index(fields=["-at"], name="audit_at"),
            models.Index(fields=["kind", "-at"], name="audit_kind_at"),
            models.Index(fields=["actor", "kind", "-at"], name="audit_actor_kind_at"),
        ]

    def __str__(self) -> str:
        who = self.actor_email or "—"
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {who} {self.target}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("Audit events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Audit events are deleted only by the retention job.")
