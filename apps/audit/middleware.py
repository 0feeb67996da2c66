"""Keeps the current request at hand for the audit log, and records refused access.

Placed right after AuthenticationMiddleware. A view (or an access helper it calls) that
raises PermissionDenied is recorded as ``access_denied`` here; Django then answers 403 as
usual. 404s are not recorded: the access helpers answer 404 for restricted groups exactly as
for ids that do not exist, and logging every 404 would let any scanner fill the log.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from apps.audit.context import _current_request
from apps.audit.models import AuditKind
from apps.audit.services import audit_record


class AuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied):
            audit_record(
                kind=AuditKind.ACCESS_DENIED,
                actor=getattr(request, "user", None),
                request=request,
                detail={"reason": str(exception)[:300]} if str(exception) else {},
            )
        return None
