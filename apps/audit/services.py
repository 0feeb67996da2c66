"""Writing the audit log: ``audit_record`` for every event, ``audit_prune`` for retention."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest

from apps.audit.context import client_ip, current_request
from apps.audit.models import AuditEvent, AuditKind

USER_AGENT_LENGTH = 255
PATH_LENGTH = 300
TARGET_LENGTH = 300


def describe(obj: Any) -> str:
    """A short, stable description of what an event concerns: ``"<model>:<pk> <str>"``."""
    if obj is None:
        return ""
    if isinstance(obj, models.Model):
        return f"{obj._meta.model_name}:{obj.pk} {obj}"[:TARGET_LENGTH]
    return str(obj)[:TARGET_LENGTH]


def audit_record(
    *,
    kind: AuditKind | str,
    actor: Any = None,
    request: HttpRequest | None = None,
    target: Any = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record one event: who (``actor``, a user or None/anonymous), what (``kind``,
    ``target``, ``detail``), when (now, UTC) and from where (the request's IP, user agent,
    method and path — the current request when none is given).

    Written in the caller's transaction, so an event about a write is kept exactly when the
    write is.
    """
    request = request if request is not None else current_request()
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if actor is not None and actor.pk is None:
        actor = None
    event = AuditEvent(
        kind=str(kind),
        actor=actor,
        actor_email=getattr(actor, "email", "") or "",
        target=describe(target),
        detail=detail or {},
    )
    if request is not None:
        event.ip = client_ip(request)
        event.user_agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH]
        event.method = (request.method or "")[:10]
        event.path = request.path[:PATH_LENGTH]
    event.save()
    return event


def audit_prune(*, now: datetime.datetime, days: int | None = None) -> int:
    """Delete events older than the retention period (``AUDIT_RETENTION_DAYS``); the pruning
    itself is recorded. Returns how many were deleted."""
    days = settings.AUDIT_RETENTION_DAYS if days is None else days
    cutoff = now - datetime.timedelta(days=days)
    with transaction.atomic():
        deleted, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
        if deleted:
            audit_record(
                kind=AuditKind.AUDIT_PRUNED,
                detail={"deleted": deleted, "before": cutoff.isoformat(), "days": days},
            )
    return deleted
