"""Writes for calendar feeds: a user's private feed token, renewed or withdrawn."""

import secrets

from django.db import transaction

from apps.accounts.models import User
from apps.calendar.feeds import TOKEN_BYTES


def calendar_token_regenerate(*, user: User) -> str:
    """Give the user a new feed token; the URLs with the old one stop working at once."""
    # One UPDATE: the row lock it takes is all the locking needed (only the user writes it).
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        if not User.objects.filter(pk=user.pk).update(calendar_token=token):
            raise User.DoesNotExist
    user.calendar_token = token
    return token


def calendar_token_revoke(*, user: User) -> None:
    """Turn the user's feeds off: no token, every feed URL answers 404."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(calendar_token=None)
    user.calendar_token = None
