"""Counting attempts: "at most N failures within a window", shared by every web process.

The counts live in the ``limits`` cache (settings.CACHES), a table of the database every
machine already shares, so a limit holds however many processes serve the site. A window
opens with the first failure and closes ``window`` later; after ``attempts`` failures in it,
``limit_reached`` says so until it closes.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.cache import caches
from django.utils import timezone


@dataclass(frozen=True)
class Limit:
    """``attempts`` failures per ``window``, counted per key under ``name``."""

    name: str
    attempts: int
    window: dt.timedelta


def _key(limit: Limit, key: str) -> str:
    # Hashed: keys hold email addresses, which need not be stored in clear.
    return f"limit:{limit.name}:{hashlib.sha256(key.encode()).hexdigest()[:32]}"


def limit_hit(*, limit: Limit, key: str) -> int:
    """Count one failure for ``key``; returns the failures in the current window.

    Read and written in two steps, not atomically: two failures at the same instant may be
    counted once, which a limit of a few attempts per quarter hour can afford."""
    cache, name, now = caches["limits"], _key(limit, key), timezone.now().timestamp()
    count, closes = cache.get(name) or (0, now + limit.window.total_seconds())
    # The window keeps its end: each failure is stored only for what is left of it.
    cache.set(name, (count + 1, closes), timeout=max(closes - now, 1))
    return count + 1


def limit_reached(*, limit: Limit, key: str) -> bool:
    count, _closes = caches["limits"].get(_key(limit, key)) or (0, 0)
    return count >= limit.attempts


def limit_reset(*, limit: Limit, key: str) -> None:
    caches["limits"].delete(_key(limit, key))
