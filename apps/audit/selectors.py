"""Reads of the audit log that other code decides on (throttles)."""

import datetime

from apps.audit.models import AuditEvent, AuditKind


def audit_count(
    *,
    kind: AuditKind | str,
    since: datetime.datetime,
    actor_id: int | None = None,
    target_prefix: str | None = None,
) -> int:
    """How many ``kind`` events since ``since``, by ``actor_id`` and/or about a target that
    starts with ``target_prefix`` (one query on the (kind, at) or (actor, kind, at) index)."""
    events = AuditEvent.objects.filter(kind=str(kind), at__gte=since)
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if target_prefix is not None:
        events = events.filter(target__startswith=target_prefix)
    return events.count()
