"""Tags on papers (the papers' tag_list column follows them through the triggers of m003)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from reading_list.store.connection import writes

if TYPE_CHECKING:
    from reading_list.store.connection import Connection

CHUNK = 500


class Tags:
    def __init__(self, sql: Connection) -> None:
        self._sql = sql

    @writes
    def add(self, paper_id: str, tags: Iterable[str]) -> None:
        self._sql.run_many(
            "INSERT OR IGNORE INTO paper_tags (paper_id, tag) VALUES (?, ?)",
            [(paper_id, t) for t in tags],
        )

    @writes
    def remove(self, paper_id: str, tags: Iterable[str]) -> None:
        self._sql.run_many(
            "DELETE FROM paper_tags WHERE paper_id = ? AND tag = ?", [(paper_id, t) for t in tags]
        )

    def of(self, paper_id: str) -> list[str]:
        return [
            str(t)
            for t in self._sql.column(
                "SELECT tag FROM paper_tags WHERE paper_id = ? ORDER BY tag", [paper_id]
            )
        ]

    def by_paper(self, ids: Sequence[str] | None) -> dict[str, list[str]]:
        """Each paper's tags in order; every paper's when ``ids`` is None."""
        tags: dict[str, list[str]] = {}
        if ids is None:
            for pid, tag in self._sql.stream(
                "SELECT paper_id, tag FROM paper_tags ORDER BY paper_id, tag", batch=10000
            ):
                tags.setdefault(pid, []).append(tag)
            return tags
        for start in range(0, len(ids), CHUNK):
            chunk = list(ids[start : start + CHUNK])
            marks = ",".join("?" * len(chunk))
            for pid, tag in self._sql.tuples(
                f"SELECT paper_id, tag FROM paper_tags WHERE paper_id IN ({marks}) "
                "ORDER BY paper_id, tag",
                chunk,
            ):
                tags.setdefault(pid, []).append(tag)
        return tags
