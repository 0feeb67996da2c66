"""The signed-in user's time zone is active for the whole request, and only for it."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

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
