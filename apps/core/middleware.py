"""The signed-in user's time zone is active for the whole request, and only for it; what is
answered to a signed-in user is not stored by any cache."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from apps.core.time import zone_for


class UserTimeZoneMiddleware:
    """After AuthenticationMiddleware: every date a page shows (and every "today" it judges)
    is in the reader's saved zone. Deactivated on the way out, so the next request or job in
    this thread starts from UTC."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(zone_for(user))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class PrivateCacheMiddleware:
    """After AuthenticationMiddleware: an answer to a signed-in user is theirs alone, so no
    cache (a shared proxy, or the browser's back button after sign-out) may keep it —
    ``Cache-Control: no-store`` (Django's never-cache headers). A view that chose its own
    Cache-Control keeps it (the calendar feeds: ``private, max-age=300``); anonymous pages,
    the login page among them, and static files (whitenoise, before this) are left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # A server error may come from the very session or user lookup that asking who is
        # signed in would repeat (the outage pages say no-store themselves).
        if response.has_header("Cache-Control") or response.status_code >= 500:
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
