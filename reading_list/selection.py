"""Which papers a command works on: the filter every listing, export and check takes. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class SortKey(StrEnum):
    """The orders a listing can take; the store maps each to its SQL."""

    ADDED = "added"
    PUBLISHED = "published"
    YEAR = "year"
    TITLE = "title"
    STATUS = "status"
    PRIORITY = "priority"
    CITEKEY = "citekey"
    ID = "id"


SORT_KEYS = tuple(key.value for key in SortKey)


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
    offset: int = 0
    query: str | None = None
