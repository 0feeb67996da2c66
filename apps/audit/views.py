"""The CSRF failure page (``CSRF_FAILURE_VIEW``): Django's own, after recording the refusal."""

from django.http import HttpRequest, HttpResponse
from django.views.csrf import csrf_failure as django_csrf_failure

from apps.audit.models import AuditKind
from apps.audit.services import audit_record


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    audit_record(
        kind=AuditKind.CSRF_FAILED,
        actor=getattr(request, "user", None),
        request=request,
        detail={"reason": reason[:300]},
    )
    return django_csrf_failure(request, reason=reason)
