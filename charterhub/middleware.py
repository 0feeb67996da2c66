"""Outages answered with a plain page instead of a traceback or a bare 500.

Two kinds of failure are not bugs in the request but in what it depends on:

- the database is unreachable or broke the connection (restart, failover, network):
  ``django.db.OperationalError`` / ``InterfaceError`` → **503** with ``Retry-After``;
- the disk (or the database's disk) is full: ``OSError`` ENOSPC / EDQUOT, PostgreSQL's
  ``disk_full`` (SQLSTATE 53100), SQLite's ``SQLITE_FULL`` → **507**.

Both render ``templates/503.html`` (its ``message`` partial for an HTMX request, which
htmx's ``responseHandling`` in base.html treats as an error), without touching the
database or the session, and log the exception with its traceback.

``OutageMiddleware.process_exception`` handles what a view raises. What a middleware
raises (the CSRF check parsing an upload, the session saved after the view) never reaches
``process_exception``; Django hands it to ``handler500``, so ``server_error`` below (set in
charterhub/urls.py) answers those the same way and leaves every other error to Django's
own 500 view.

Persistent connections recover by themselves once the database is back: CONN_MAX_AGE
with CONN_HEALTH_CHECKS (charterhub/env.py) checks a reused connection before a request
uses it and replaces a dead one.
"""

import errno
import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.views import defaults

logger = logging.getLogger("charterhub.outage")

DATABASE = "database"
STORAGE = "storage"

RETRY_AFTER_SECONDS = 30
STORAGE_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
POSTGRES_DISK_FULL = "53100"  # SQLSTATE disk_full
SQLITE_FULL = 13  # primary result code SQLITE_FULL


def _chain(exc: BaseException):
    """The exception and the ones it was raised from (Django wraps driver errors)."""
    seen = set()
    while exc is not None and id(exc) not in seen and len(seen) < 10:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def storage_full(exc: BaseException) -> bool:
    for error in _chain(exc):
        if isinstance(error, OSError) and error.errno in STORAGE_FULL_ERRNOS:
            return True
        if getattr(error, "sqlstate", None) == POSTGRES_DISK_FULL:
            return True
        code = getattr(error, "sqlite_errorcode", None)
        if isinstance(code, int) and code & 0xFF == SQLITE_FULL:
            return True
    return False


def outage_kind(exc: BaseException | None) -> str | None:
    """STORAGE, DATABASE, or None for an error that is not an outage."""
    if exc is None:
        return None
    if storage_full(exc):
        return STORAGE
    if isinstance(exc, (OperationalError, InterfaceError)):
        return DATABASE
    return None


def outage_response(request: HttpRequest, kind: str) -> HttpResponse:
    """The 503 (database) or 507 (storage) page; the message alone for HTMX. Renders
    without the request's context processors, so nothing here reads the session or the
    user (which would need the database)."""
    htmx = request.headers.get("HX-Request") == "true"
    template = "503.html#message" if htmx else "503.html"
    status = 507 if kind == STORAGE else 503
    try:
        content = render_to_string(template, {"kind": kind, "storage_full": kind == STORAGE})
        content_type = "text/html; charset=utf-8"
    except Exception:  # a broken template must not turn the outage into a 500
        logger.exception("Could not render the %s outage page", kind)
        content = (
            gettext("Storage is full: nothing was saved. Please try again later.")
            if kind == STORAGE
            else gettext("CharterHub is temporarily unavailable. Please try again in a minute.")
        )
        content_type = "text/plain; charset=utf-8"
    response = HttpResponse(content, status=status, content_type=content_type)
    response["Cache-Control"] = "no-store"
    if kind == DATABASE:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _log(request: HttpRequest, kind: str, exc: BaseException) -> None:
    what = "Storage full" if kind == STORAGE else "Database unavailable"
    logger.error(
        "%s during %s %s: %s",
        what,
        request.method,
        request.path,
        exc.__class__.__name__,
        exc_info=(type(exc), exc, exc.__traceback__),
    )


class OutageMiddleware:
    """Database outage → 503 page, full disk → 507 page, for whatever a view raises."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        kind = outage_kind(exception)
        if kind is None:
            return None
        _log(request, kind, exception)
        return outage_response(request, kind)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: Django calls it inside its ``except`` block, so ``sys.exception()`` is
    the error. An outage raised outside a view gets the outage page (Django has already
    logged it with its traceback); anything else gets Django's own 500 page."""
    kind = outage_kind(sys.exception())
    if kind is not None:
        return outage_response(request, kind)
    return defaults.server_error(request)


class ErrorPagesMiddleware:
    """The site's own 404 page under DEBUG too (``make run``): Django would show its debug
    page for an address that resolves to nothing or a view's Http404. Without DEBUG,
    Django's handlers render the same templates (404.html, 403.html …) by themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and getattr(request, "resolver_match", None) is None
            and not request.path.startswith(f"/{settings.STATIC_URL.strip('/')}/")
        ):
            return defaults.page_not_found(request, Http404())
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        if settings.DEBUG and isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        return None


class ClientErrorsWithoutTraceback(logging.Filter):
    """An ordinary 403 or 404 is one log line: Django attaches the exception's traceback to
    every 4xx it logs, which buries real errors."""

    def filter(self, record: logging.LogRecord) -> bool:
        if 400 <= getattr(record, "status_code", 0) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
