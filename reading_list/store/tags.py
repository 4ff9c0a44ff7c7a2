"""Tags on papers (the papers' tag_list column follows them through the triggers of m006).

A tag is matched by its key and shown as the library first spelt it (see rows.py): callers
pass tags as people write them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from reading_list.store.connection import writes
from reading_list.store.rows import tag_pairs, tag_rows

if TYPE_CHECKING:
    from reading_list.store.connection import Connection

CHUNK = 500


class Tags:
    def __init__(self, sql: Connection) -> None:
        self._sql = sql

    def spelt(self, tag_lists: Sequence[Iterable[str]]) -> list[list[tuple[str, str]]]:
        """Each list of tags as (key, spelling) pairs, a key the library has spelt as it does,
        a new one as the first of these lists does."""
        pairs = [tag_pairs(tags) for tags in tag_lists]
        spellings = self._spellings(list({key for each in pairs for key, _ in each}))
        return [[(key, spellings.setdefault(key, label)) for key, label in each] for each in pairs]

    def _spellings(self, keys: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for start in range(0, len(keys), CHUNK):
            chunk = list(keys[start : start + CHUNK])
            marks = ",".join("?" * len(chunk))
            for key, label in self._sql.tuples(
                f"SELECT tag, min(label) FROM paper_tags WHERE tag IN ({marks}) GROUP BY tag",
                chunk,
            ):
                found[str(key)] = str(label)
        return found

    @writes
    def add(self, paper_id: str, tags: Iterable[str]) -> None:
        (pairs,) = self.spelt([tags])
        self._sql.run_many(
            "INSERT OR IGNORE INTO paper_tags (paper_id, tag, label) VALUES (?, ?, ?)",
            list(tag_rows(paper_id, pairs)),
        )

    @writes
    def remove(self, paper_id: str, tags: Iterable[str]) -> None:
        """Remove the tags, however they are spelt."""
        self._sql.run_many(
            "DELETE FROM paper_tags WHERE paper_id = ? AND tag = ?",
            [(paper_id, key) for key, _ in tag_pairs(tags)],
        )

    def of(self, paper_id: str) -> list[str]:
        """The paper's tags as spelt, in the order of their keys."""
        return [
            str(t)
            for t in self._sql.column(
                "SELECT label FROM paper_tags WHERE paper_id = ? ORDER BY tag", [paper_id]
            )
        ]

    def by_paper(self, ids: Sequence[str] | None) -> dict[str, list[str]]:
        """Each paper's tags in order; every paper's when ``ids`` is None."""
        tags: dict[str, list[str]] = {}
        if ids is None:
            for pid, tag in self._sql.stream(
                "SELECT paper_id, label FROM paper_tags ORDER BY paper_id, tag", batch=10000
            ):
                tags.setdefault(pid, []).append(tag)
            return tags
        for start in range(0, len(ids), CHUNK):
            chunk = list(ids[start : start + CHUNK])
            marks = ",".join("?" * len(chunk))
            for pid, tag in self._sql.tuples(
                f"SELECT paper_id, label FROM paper_tags WHERE paper_id IN ({marks}) "
                "ORDER BY paper_id, tag",
                chunk,
            ):
                tags.setdefault(pid, []).append(tag)
        return tags
