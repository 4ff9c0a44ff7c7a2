"""The orders a listing can take (the store maps each to its SQL). Pure, and apart from
selection.py so that the CLI can offer them without loading what a selection needs."""

from enum import StrEnum


class SortKey(StrEnum):
    ADDED = "added"
    PUBLISHED = "published"
    YEAR = "year"
    TITLE = "title"
    STATUS = "status"
    PRIORITY = "priority"
    CITEKEY = "citekey"
    ID = "id"


SORT_KEYS = tuple(key.value for key in SortKey)
