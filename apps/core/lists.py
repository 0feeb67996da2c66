"""The "first N of M" list: a page or an email shows a few rows and says that there are more."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class FirstOf:
    """The first rows of a longer list.

    ``more`` is how many rows are not shown. When the rows were counted (``counted``) it is
    exact; a list read with ``from_query`` was not counted (one row past the limit is read
    instead, which is cheaper than a COUNT), so ``more`` is only 0 or 1 and says "there are
    more", not how many."""

    items: Sequence[Any]
    more: int = 0
    counted: bool = True

    @property
    def total(self) -> int | None:
        return len(self.items) + self.more if self.counted else None

    @classmethod
    def from_rows(cls, rows: Sequence[Any], *, limit: int) -> "FirstOf":
        """The first ``limit`` of ``rows``, counted."""
        return cls(items=list(rows[:limit]), more=max(len(rows) - limit, 0))

    @classmethod
    def from_query(cls, queryset: QuerySet, *, limit: int) -> "FirstOf":
        """The first ``limit`` rows of ``queryset``, in one query of ``limit + 1`` rows."""
        rows = list(queryset[: limit + 1])
        return cls(items=rows[:limit], more=len(rows) - len(rows[:limit]), counted=False)

    def __bool__(self) -> bool:
        return bool(self.items) or self.more > 0

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)
