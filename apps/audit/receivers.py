"""What the audit log hears without anyone calling it: Django's login signals, django-axes'
lockout signal and every change made in the Django admin.

These receivers only record; they decide nothing. Writes that are ours (memberships, user
deactivation, password changes) record their events explicitly in their services.
"""

from __future__ import annotations

import json

from axes.signals import user_locked_out
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_save
from django.dispatch import receiver

from apps.audit.context import current_request
from apps.audit.models import AuditKind
from apps.audit.services import audit_record

#: Admin changes to these models (app_label, model) are role changes; so is a change on
#: another admin page whose inline added, changed or deleted one of them.
ROLE_MODELS = {("charter", "membership"), ("auth", "group")}
ROLE_INLINE_NAMES = {"membership"}
ACTIONS = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}


def _typed_username(credentials: dict | None, request) -> str:
    credentials = credentials or {}
    value = credentials.get("username") or credentials.get("email")
    if not value and request is not None and request.method == "POST":
        value = request.POST.get("username", "")
    return str(value or "").strip().lower()[:254]


@receiver(user_logged_in, dispatch_uid="audit_login_succeeded")
def record_login(sender, request, user, **kwargs):
    audit_record(kind=AuditKind.LOGIN_SUCCEEDED, actor=user, request=request, target=user)


@receiver(user_logged_out, dispatch_uid="audit_logged_out")
def record_logout(sender, request, user, **kwargs):
    if user is None:
        return
    reason = getattr(request, "audit_logout_reason", "")
    kind = AuditKind.SESSION_EXPIRED if reason else AuditKind.LOGGED_OUT
    audit_record(
        kind=kind,
        actor=user,
        request=request,
        target=user,
        detail={"reason": reason} if reason else {},
    )


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def record_login_failure(sender, credentials, request=None, **kwargs):
    if request is not None and getattr(request, "axes_locked_out", False):
        return  # the lockout receiver below records this attempt
    audit_record(
        kind=AuditKind.LOGIN_FAILED,
        request=request,
        target=_typed_username(credentials, request),
    )


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def record_lockout(sender, request, username, ip_address, **kwargs):
    failures = getattr(request, "axes_failures_since_start", None)
    audit_record(
        kind=AuditKind.LOCKED_OUT,
        request=request,
        target=str(username or "").strip().lower()[:254],
        detail={"failures": failures} if failures is not None else {},
    )


def _message(entry: LogEntry) -> list:
    try:
        message = json.loads(entry.change_message or "[]")
    except ValueError:
        return [entry.change_message]
    return message if isinstance(message, list) else [message]


def _content_type(entry: LogEntry) -> ContentType | None:
    if entry.content_type_id is None:
        return None
    return ContentType.objects.get_for_id(entry.content_type_id)  # cached: no query


def _actor(entry: LogEntry):
    """The admin user: the signed-in user of the current request (no query), else the row's."""
    request = current_request()
    user = getattr(request, "user", None)
    if user is not None and user.pk == entry.user_id:
        return user
    return entry.user


def _touches_roles(content_type: ContentType | None, message: list) -> bool:
    if content_type and (content_type.app_label, content_type.model) in ROLE_MODELS:
        return True
    for part in message:
        if isinstance(part, dict):
            for change in part.values():
                if isinstance(change, dict) and change.get("name") in ROLE_INLINE_NAMES:
                    return True
    return False


@receiver(post_save, sender=LogEntry, dispatch_uid="audit_admin_change")
def record_admin_change(sender, instance: LogEntry, created: bool, **kwargs):
    """One event per admin add, change or delete (bulk deletions: see apps.audit.admin)."""
    if not created:
        return
    message = _message(instance)
    content_type = _content_type(instance)
    model = f"{content_type.app_label}.{content_type.model}" if content_type else ""
    roles = _touches_roles(content_type, message)
    audit_record(
        kind=AuditKind.ROLE_CHANGED if roles else AuditKind.ADMIN_CHANGE,
        actor=_actor(instance),
        target=f"{model}:{instance.object_id} {instance.object_repr}"[:300],
        detail={
            "action": ACTIONS.get(instance.action_flag, str(instance.action_flag)),
            "model": model,
            "changes": message,
            "via": "admin",
        },
    )
