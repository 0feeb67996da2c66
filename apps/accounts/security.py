"""Small security helpers for accounts: the name django-axes counts failures under, and the
throttle on wrong old passwords when changing a password (apps/core/limits.py)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.core.limits import Limit, limit_reached


def login_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the email as the login form matches it (any case, spaces
    around), so "Member@x" and "member@x" share one failure count."""
    value = None
    if credentials:
        value = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    if value is None and request is not None:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        value = data.get(settings.AXES_USERNAME_FORM_FIELD)
    if value is None:
        return None
    return str(value).strip().lower()


def failure_window() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: the lockout page (translated, with the way out by email),
    answered with status 429 Too Many Requests."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(failure_window().total_seconds() // 60),
    }
    return render(request, "accounts/lockout.html", context, status=429)


def password_change_limit() -> Limit:
    """Wrong old passwords on the change-password page: the login lockout's figures."""
    return Limit(
        name="password-change",
        attempts=settings.AXES_FAILURE_LIMIT,
        window=failure_window(),
    )


def password_reset_email_limit() -> Limit:
    """Reset links sent to one account (so a stranger cannot flood its inbox)."""
    return Limit(
        name="password-reset-email",
        attempts=settings.PASSWORD_RESET_EMAILS_PER_HOUR,
        window=datetime.timedelta(hours=1),
    )


def password_change_blocked(*, user) -> bool:
    """True after ``AXES_FAILURE_LIMIT`` wrong old passwords within the lockout period."""
    return limit_reached(limit=password_change_limit(), key=str(user.pk))
