"""Where a plain form post goes back to."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request: HttpRequest, default: str) -> str:
    """The form's ``next`` when it is a path on this site, otherwise ``default``.

    Only a path: ``redirect()`` would take a bare word such as ``on`` for a URL name and fail
    to reverse it (a 500 the fuzz tests found)."""
    candidate = request.POST.get("next") or ""
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default
