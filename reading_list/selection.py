"""Which papers a command works on: the filter every listing, export and check takes. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reading_list.sort_keys import SORT_KEYS as SORT_KEYS


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
