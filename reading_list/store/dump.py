"""The library as plain rows, kind by kind, for `dump`, and those rows loaded back by `restore`.

A dumped row holds every column of its table but the internal row ids, with JSON array
columns as lists. Restoring recomputes the derived columns instead of trusting them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from reading_list.errors import InvalidInput, StorageError
from reading_list.store.connection import writes
from reading_list.store.identities import add_own
from reading_list.store.rows import (
    DERIVED_COLUMNS,
    author_columns,
    decode_lists,
    dumped_tags,
    encode_lists,
    identity_rows,
)

if TYPE_CHECKING:
    from reading_list.store.connection import Connection


# kind -> (table, sort order, columns left out because they are internal row ids)
_TABLES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "paper": ("papers", "id", ()),
    "tag": ("paper_tags", "paper_id, tag", ()),
    "note": ("notes", "paper_id, created_at, id", ("id",)),
    "event": ("status_events", "paper_id, at, id", ("id",)),
    "list": ("lists", "name", ()),
    "list_item": ("list_items", "list_name, position, part", ("id",)),
    "identity": ("paper_identities", "kind, value", ()),
    "work_record": ("work_records", "paper_id, role", ()),
    "lookup": ("source_lookups", "paper_id, source, purpose", ()),
    # Last, so that the dump of a library without reading-order links is what it always was.
    "link": ("paper_links", "paper_id, after_id", ()),
    # After it, for the same reason (m008).
    "alias": ("paper_aliases", "paper_id, citekey", ()),
    # In the order they arrived: a later preamble may use an earlier one's macros.
    "preamble": ("bib_preambles", "rowid", ()),
    # m009: changes made by hand, in the order they were made.
    "edit": ("paper_edits", "paper_id, at, id", ("id",)),
}
# The kinds of rows in a dump, in the order they are written (and restored: papers before
# the rows that point at them).
KINDS = tuple(_TABLES)


class Dump:
    def __init__(self, sql: Connection) -> None:
        self._sql = sql

    def rows(self, kind: str) -> Iterator[dict[str, Any]]:
        """Every row of one kind, in a fixed order (so that dumps diff well)."""
        table, order, dropped = _TABLES[kind]
        columns = [c for c in self._columns(table) if c not in dropped]
        for values in self._sql.stream(
            f"SELECT {', '.join(columns)} FROM [{table}] ORDER BY {order}"
        ):
            yield decode_lists(dict(zip(columns, values, strict=True)))

    def is_empty(self) -> bool:
        return not self._sql.scalar(
            "SELECT EXISTS (SELECT 1 FROM papers) OR EXISTS (SELECT 1 FROM lists)"
        )

    @writes
    def insert(self, kind: str, rows: Sequence[dict[str, Any]]) -> None:
        """Rows of one kind from a dump, validated by the caller (same columns each), in one
        statement. A paper's derived columns are computed here, never taken from the dump
        (its tag_list is kept by the tag triggers as its tags arrive). A row the schema
        refuses (a duplicate, a paper that is not there) is a data error."""
        if not rows:
            return
        table = _TABLES[kind][0]
        verb = "INSERT"
        if kind == "paper":
            rows = [_with_derived(row) for row in rows]
        elif kind == "tag":
            # A dump from before tag spellings has no label; two spellings of one tag there
            # are one tag (perhaps in different batches, hence OR IGNORE).
            rows, _ = dumped_tags(
                {k: v for k, v in row.items() if not (k == "label" and v is None)} for row in rows
            )
            verb = "INSERT OR IGNORE"
        encoded = [encode_lists(dict(row)) for row in rows]
        cols = list(encoded[0])
        try:
            self._sql.run_many(
                f"{verb} INTO [{table}] ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [[row[c] for c in cols] for row in encoded],
            )
        except StorageError as exc:
            if not isinstance(exc.__cause__, sqlite3.IntegrityError):
                raise
            # The message is SQLite's own (which constraint), not the store's advice.
            raise InvalidInput(f"a {table} row does not fit: {exc.__cause__}") from None
        except (OverflowError, UnicodeEncodeError) as exc:
            raise InvalidInput(f"a {table} row does not fit: {exc}") from None

    @writes
    def derive_identities(self) -> None:
        """The identities the papers' own columns give them (their arXiv id, a published
        DOI), for a dump from before identities were kept."""
        for rows in self._sql.batches("SELECT id, arxiv_id, doi, kind, added_at FROM papers"):
            add_own(self._sql, [i for row in rows for i in identity_rows(*row)])

    def _columns(self, table: str) -> list[str]:
        return [str(r[1]) for r in self._sql.tuples(f"PRAGMA table_info([{table}])")]


def _with_derived(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if k not in DERIVED_COLUMNS}
    out.update(author_columns(out.get("authors", [])))
    return out
