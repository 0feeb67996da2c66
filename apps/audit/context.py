"""Where a request comes from, and the request being served right now.

``client_ip`` is the one answer to "from where" for the audit log and for django-axes
(``AXES_CLIENT_IP_CALLABLE``): ``REMOTE_ADDR`` unless ``TRUSTED_PROXY_COUNT`` says how many
reverse proxies of ours stand in front of the app. Then the client is the entry that many
places from the right of ``X-Forwarded-For`` (each proxy appends the address it was called
from, so entries further left are whatever the client chose to send). Trusting the header
without such a proxy would let anyone pick the IP recorded — and dodge an IP-based lockout.

``AuditMiddleware`` keeps the current request in a context variable, so a service deep below
the view (which knows nothing about HTTP) can still record the IP and user agent.
"""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest

_current_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


def current_request() -> HttpRequest | None:
    return _current_request.get()


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    remote = _valid_ip(request.META.get("REMOTE_ADDR", "") or "")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if not proxies:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote  # not the chain our proxies build: trust only our proxy's address
    return _valid_ip(forwarded[-proxies]) or remote
