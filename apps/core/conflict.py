"""A stale versioned edit, the one way every app reports it.

Every versioned record (a milestone, a meeting and its minutes, a report narrative, a user's
email preferences) is saved only if the version the user loaded is still the current one.
When it is not, the service raises ``Conflict`` and writes nothing; the view answers 409 with
``templates/core/conflict.html``, which shows who changed the record and when, and, row by
row, what is saved now beside what the user tried to save — so neither is lost.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ConflictRow:
    """One field: its label, the value saved now ("theirs") and the user's, as people read them.

    ``long`` marks several lines of text (minutes, a narrative), shown as blocks."""

    label: str
    theirs: str
    yours: str
    differs: bool = True
    long: bool = False


class Conflict(Exception):
    """The record changed since the user loaded it.

    ``current`` is the record as it is now; ``attempted`` the values the user tried to save
    (by field name); ``author`` and ``changed_at`` who made the change that made the user's
    version stale, and when (``author`` is None when unknown, e.g. a change by a command);
    ``rows`` what to show; ``note`` free text the user sent that is not a field (a progress
    note), kept for them."""

    def __init__(
        self,
        *,
        current: Any,
        attempted: Mapping[str, Any],
        author: Any = None,
        changed_at: dt.datetime | None = None,
        rows: Sequence[ConflictRow] = (),
        note: str = "",
    ) -> None:
        super().__init__(f"{type(current).__name__} {getattr(current, 'pk', '')} changed")
        self.current = current
        self.attempted = dict(attempted)
        self.author = author
        self.changed_at = changed_at
        self.rows = list(rows)
        self.note = note
