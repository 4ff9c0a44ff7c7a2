"""The library as plain rows, kind by kind, for `dump`, and those rows loaded back by `restore`.

A dumped row holds every column of its table but the internal row ids, with JSON array
columns as lists. Restoring recomputes the derived columns instead of trusting them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from reading_list.errors import InvalidInput, StorageError
from reading_list.store.connection import writes
from reading_list.store.identities import add_own
from reading_list.store.rows import (
    DERIVED_COLUMNS,
    IdentityRow,
    author_columns,
    decode_lists,
    dumped_tags,
    encode_lists,
    identity_rows,
)
from reading_list.store.rows import tag_list as tag_list_of

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
}
# The kinds of rows in a dump, in the order they are written.
KINDS = tuple(_TABLES)
# Loading order: tags before their papers (foreign keys are checked at commit), so that each
# paper's tag_list is written once, with the paper, instead of once per tag by the triggers.
_LOAD_ORDER = (
    "tag",
    "paper",
    "note",
    "event",
    "list",
    "list_item",
    "identity",
    "work_record",
    "lookup",
    "link",
)


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
    def restore(self, rows: Mapping[str, Sequence[dict[str, Any]]], *, source: str) -> None:
        """Insert dumped rows, all or nothing; a row that does not fit is a data error."""
        tag_rows, tags = dumped_tags(rows.get("tag", ()))
        rows = {**rows, "tag": tag_rows}
        self._sql.run("PRAGMA defer_foreign_keys = ON")
        for kind in _LOAD_ORDER:
            table = _TABLES[kind][0]
            known = set(self._columns(table))
            if kind == "identity" and not rows.get(kind):
                # A dump from before identities were kept: its papers' own are derived.
                add_own(self._sql, [i for row in rows.get("paper", ()) for i in _identities(row)])
            for row in rows.get(kind, ()):
                unknown = set(row) - known
                if unknown:
                    raise InvalidInput(f"{source}: unknown {table} column(s) {sorted(unknown)}")
                if kind == "paper":
                    row = _with_derived(row, tags, source)
                self._insert(table, encode_lists(dict(row)), source)
            if kind == "paper":
                # From here on a row that points nowhere fails where it is inserted.
                orphans = self._sql.tuples("PRAGMA foreign_key_check(paper_tags)")
                if orphans:
                    raise InvalidInput(
                        f"{source}: {len(orphans)} tag row(s) name a paper the dump lacks"
                    )
                self._sql.run("PRAGMA defer_foreign_keys = OFF")

    def _insert(self, table: str, row: dict[str, Any], source: str) -> None:
        cols = list(row)
        try:
            self._sql.run(
                f"INSERT INTO [{table}] ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [row[c] for c in cols],
            )
        except StorageError as exc:
            # The message is SQLite's own (which constraint), not the store's advice.
            raise InvalidInput(f"{source}: a {table} row does not fit: {exc.__cause__}") from None

    def _columns(self, table: str) -> list[str]:
        return [str(r[1]) for r in self._sql.tuples(f"PRAGMA table_info([{table}])")]


def _with_derived(
    row: dict[str, Any], tags: Mapping[str, list[tuple[str, str]]], source: str
) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if k not in DERIVED_COLUMNS}
    authors = out.get("authors", [])
    if isinstance(authors, str):
        try:
            authors = json.loads(authors)
        except ValueError:
            authors = None
    if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
        raise InvalidInput(f"{source}: paper {out.get('id')!r}: authors must be a list of names")
    out.update(author_columns(authors))
    out["tag_list"] = tag_list_of(tags.get(str(out.get("id")), []))
    return out


def _identities(row: Mapping[str, Any]) -> list[IdentityRow]:
    def text(name: str) -> str | None:
        value = row.get(name)
        return value if isinstance(value, str) and value else None

    paper_id, kind, added_at = text("id"), text("kind"), text("added_at")
    if paper_id is None or kind is None or added_at is None:
        return []  # a row that does not fit has already been refused
    return identity_rows(paper_id, text("arxiv_id"), text("doi"), kind, added_at)
