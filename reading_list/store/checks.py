"""What `doctor` asks of the library: integrity, dangling rows, duplicates, stale metadata."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from reading_list.errors import CorruptLibrary
from reading_list.store.connection import writes

if TYPE_CHECKING:
    from reading_list.store.connection import Connection

# Rows of these tables are never deleted as orphans, even where they hold a foreign key.
_PRIMARY_TABLES = frozenset({"papers", "lists"})


class Checks:
    def __init__(self, sql: Connection) -> None:
        self._sql = sql

    def integrity(self) -> list[str]:
        """["ok"], or what SQLite's integrity check found wrong."""
        try:
            return [str(r) for r in self._sql.column("PRAGMA integrity_check")]
        except CorruptLibrary as exc:
            # Damage can stop the check itself: that is its finding.
            return [str(exc)]

    def orphans(self) -> dict[str, list[int]]:
        """Rowids, by table, of rows whose foreign key points nowhere."""
        out: dict[str, list[int]] = {}
        for table, rowid, *_ in self._sql.tuples("PRAGMA foreign_key_check"):
            out.setdefault(str(table), []).append(int(rowid))
        return out

    def _dependent_tables(self) -> set[str]:
        """Tables whose rows hang off a paper or a list, read from the schema itself so a
        table a later migration adds is covered without being listed here."""
        tables = self._sql.column(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        return {
            str(t)
            for t in tables
            if t not in _PRIMARY_TABLES
            and self._sql.tuples("SELECT 1 FROM pragma_foreign_key_list(?)", (t,))
        }

    @writes
    def delete_orphans(self, table: str, rowids: Sequence[int]) -> None:
        if table not in self._dependent_tables():
            raise ValueError(table)
        self._sql.run_many(f"DELETE FROM [{table}] WHERE rowid = ?", [(r,) for r in rowids])

    def citekey_clashes(self) -> list[list[str]]:
        return [
            str(keys).split("\x1f")
            for keys in self._sql.column(
                "SELECT group_concat(citekey, char(31)) FROM papers GROUP BY lower(citekey) "
                "HAVING count(*) > 1"
            )
        ]

    def work_keys(self) -> list[tuple[str, ...]]:
        """(id, arXiv id, title, first author, year, DOI, URL, eprint, record DOI, record URL)
        of every paper, "" for what it lacks: what tells two entries of one work apart from
        two works, whichever kind each is (the last three from its own .bib record)."""
        rows = self._sql.tuples(
            "SELECT p.id, coalesce(p.arxiv_id, ''), p.title, p.authors, coalesce(p.year, ''), "
            "coalesce(p.doi, ''), coalesce(p.url, ''), "
            "coalesce(json_extract(r.record, '$.fields.eprint'), ''), "
            "coalesce(json_extract(r.record, '$.fields.doi'), ''), "
            "coalesce(json_extract(r.record, '$.fields.url'), '') "
            "FROM papers p LEFT JOIN work_records r ON r.paper_id = p.id AND r.role = 'work' "
            "ORDER BY p.id"
        )
        out = []
        for paper_id, arxiv_id, title, authors, *rest in rows:
            try:
                names = json.loads(authors)
            except (TypeError, ValueError):
                names = []
            first = names[0] if isinstance(names, list) and names else ""
            out.append((str(paper_id), str(arxiv_id), str(title), str(first), *map(str, rest)))
        return out

    def never_fetched(self) -> list[str]:
        return [
            str(r)
            for r in self._sql.column(
                "SELECT id FROM papers WHERE kind = 'arxiv' AND fetched_at IS NULL ORDER BY id"
            )
        ]

    def dangling_list_items(self) -> list[tuple[str, int, int]]:
        return [
            (str(n), int(p), int(part))
            for n, p, part in self._sql.tuples(
                "SELECT list_name, position, part FROM list_items "
                "WHERE state IN ('resolved', 'manual') AND paper_id IS NULL"
            )
        ]

    @writes
    def reopen_list_items(self, items: Sequence[tuple[str, int, int]]) -> None:
        self._sql.run_many(
            "UPDATE list_items SET state = 'unresolved' "
            "WHERE list_name = ? AND position = ? AND part = ?",
            items,
        )
