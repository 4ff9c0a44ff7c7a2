"""Which papers a command works on: the filter every listing, export and check takes. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# The orders a listing can take; the store maps each to its SQL.
SORT_KEYS = ("added", "published", "year", "title", "status", "priority", "citekey", "id")


@dataclass
class PaperFilter:
    ids: Sequence[str] = ()
    statuses: Sequence[str] = ()
    tags: Sequence[str] = ()
    list_name: str | None = None
    since: str | None = None
    sort: str = "added"
    reverse: bool = False
    limit: int | None = None
    query: str | None = None
