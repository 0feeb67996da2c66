"""Session timeouts: signed out after ``SESSION_IDLE_TIMEOUT`` seconds without a request, and
``SESSION_ABSOLUTE_TIMEOUT`` seconds after logging in, however active.

Two stamps live in the session: when the user logged in (set by the ``user_logged_in``
receiver below) and when they were last seen. The last-seen stamp is refreshed at most once a
minute (``SEEN_REFRESH``), so an active user costs one session write a minute, not one per
request; an idle session may therefore end up to a minute before the idle timeout, never after.

On expiry the user is logged out and sent to the login page with a message. An HTMX request
gets ``HX-Redirect`` (status 401) instead, so htmx loads the login page as a whole page rather
than swapping it into a fragment; the same happens to any HTMX request that a view redirects
to the login page (a session that ended some other way, e.g. a deactivated account).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _

LOGIN_AT = "_charterhub_login_at"
SEEN_AT = "_charterhub_seen_at"
SEEN_REFRESH = 60  # seconds


def _now() -> int:
    return int(time.time())


@receiver(user_logged_in, dispatch_uid="session_timeout_stamp")
def stamp_login(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        now = _now()
        session[LOGIN_AT] = now
        session[SEEN_AT] = now


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _next_path(request: HttpRequest) -> str:
    """Where to go after logging in again: this page for a GET, the page the HTMX request came
    from (same site only), else nothing (the dashboard)."""
    if _is_htmx(request):
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        if current.netloc == request.get_host() and current.path.startswith("/"):
            return current.path + (f"?{current.query}" if current.query else "")
        return ""
    return request.get_full_path() if request.method in ("GET", "HEAD") else ""


def login_redirect(request: HttpRequest) -> HttpResponse:
    next_path = _next_path(request)
    if _is_htmx(request):
        login_url = resolve_url(settings.LOGIN_URL)
        response = redirect_to_login(next_path, login_url) if next_path else None
        location = response["Location"] if response is not None else login_url
        answer = HttpResponse(status=401)
        answer["HX-Redirect"] = location
        return answer
    if next_path:
        return redirect_to_login(next_path)
    return HttpResponseRedirect(resolve_url(settings.LOGIN_URL))


def expired(session, now: int) -> str:
    """Why a signed-in session with these stamps has expired: "idle", "absolute", or "" when
    it has not. A stamp in the future (a clock set back) counts as fresh."""
    login_at = session.get(LOGIN_AT)
    seen_at = session.get(SEEN_AT)
    if isinstance(login_at, int) and now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT:
        return "absolute"
    if isinstance(seen_at, int) and now - seen_at > settings.SESSION_IDLE_TIMEOUT:
        return "idle"
    return ""


class SessionTimeoutMiddleware:
    """After AuthenticationMiddleware and MessageMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            session = request.session
            now = _now()
            reason = expired(session, now)
            if reason:
                request.audit_logout_reason = reason
                logout(request)
                messages.info(request, _("Your session expired. Please log in again to continue."))
                return login_redirect(request)
            if not isinstance(session.get(LOGIN_AT), int):
                session[LOGIN_AT] = now  # a session from before the timeouts: start its clock
            seen_at = session.get(SEEN_AT)
            if not isinstance(seen_at, int) or now - seen_at >= SEEN_REFRESH:
                session[SEEN_AT] = now
        response = self.get_response(request)
        if _is_htmx(request) and response.status_code in (301, 302, 303, 307, 308):
            login_path = resolve_url(settings.LOGIN_URL)
            if urlsplit(response.get("Location", "")).path == login_path:
                answer = HttpResponse(status=401)
                answer["HX-Redirect"] = response["Location"]
                return answer
        return response
