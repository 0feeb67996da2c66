"""The interface follows the signed-in user's saved language.

LocaleMiddleware picks a language from the cookie or Accept-Language for everyone; once
AuthenticationMiddleware knows who is asking, this middleware switches to ``user.language``
(the same field emails use), so a choice made on one device follows the user to every other.
It also copies that language into the language cookie, so the login page after signing out
stays in it.

A language chosen before signing in (the switcher on the login page, ``language_set`` for an
anonymous visitor) is remembered in the session; at sign-in it becomes the user's saved
language when it differs, so the choice is not lost to the one saved earlier.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from apps.accounts import services

#: The session key under which ``language_set`` keeps an anonymous visitor's choice.
CHOSEN_BEFORE_SIGN_IN = "language_chosen_before_sign_in"


def set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class UserLanguageMiddleware:
    """After AuthenticationMiddleware, and so inside LocaleMiddleware.

    On the way out it sets Content-Language and then deactivates translation: the request's
    language must not stay active in the thread (LocaleMiddleware would leave it there), or
    whatever runs next in that thread without a request of its own (a test, a command run
    with call_command) would speak the last visitor's language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = None
        if user is not None and user.is_authenticated:
            try:
                language = translation.get_supported_language_variant(user.language)
            except LookupError:  # not possible through the forms (a database constraint)
                language = settings.LANGUAGE_CODE
            translation.activate(language)
            request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", translation.get_language())
        finally:
            translation.deactivate()
        if language is None and request.user.is_authenticated:
            _keep_language_chosen_before_sign_in(request)
        # Keep the cookie in step, unless the view set it (the language switcher) or signed
        # the user out.
        if (
            language
            and request.user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in response.cookies
            and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language
        ):
            set_language_cookie(response, language)
        return response


def _keep_language_chosen_before_sign_in(request: HttpRequest) -> None:
    """This request signed the user in: a language chosen on the login page wins over the
    one saved on the account (login() keeps the anonymous session's data)."""
    session = getattr(request, "session", None)
    chosen = session.pop(CHOSEN_BEFORE_SIGN_IN, None) if session is not None else None
    if not chosen or chosen == request.user.language:
        return
    try:
        services.user_set_language(user=request.user, language=chosen)
    except ValidationError:  # not one of the site's languages (any more): keep the saved one
        return
