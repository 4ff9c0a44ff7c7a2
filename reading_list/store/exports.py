"""Exports' own tables: the cache of rendered entries, and the files kept in sync.

The cache holds each paper's rendered entry per format, options and renderer version; the
triggers of m010 drop a paper's entries whenever a row it is rendered from changes, whoever
writes it, and count every change an export could show in ``export_generation``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from reading_list.store.connection import writes
from reading_list.store.papers import _select

if TYPE_CHECKING:
    from reading_list.selection import PaperFilter
    from reading_list.store.connection import Connection

# (paper id, cached entry as UTF-8 or None, its warnings as JSON or None when it has none), in
# the selection's order. Entries come as bytes: an export writes them as they are stored,
# without decoding and encoding again every megabyte of them.
CachedBatch = list[tuple[str, bytes | None, str | None]]
# How long filling the cache waits for another writer: an export never waits on one.
FILL_PATIENCE_MS = 200
FILL_BATCH = 1000


class Exports:
    def __init__(self, sql: Connection) -> None:
        self._sql = sql

    # ---- the cache of rendered entries --------------------------------------------------

    def generation(self) -> int:
        return int(self._sql.scalar("SELECT generation FROM export_generation WHERE id = 1"))

    def _join(self, fmt: str, options: str, renderer: str) -> tuple[str, list[Any]]:
        return (
            " LEFT JOIN export_cache c ON c.paper_id = p.id AND c.format = ? AND c.options = ?"
            " AND c.renderer = ?",
            [fmt, options, renderer],
        )

    def cached(
        self, flt: PaperFilter, fmt: str, options: str, renderer: str, batch: int
    ) -> Iterator[CachedBatch]:
        """The selection's papers with their cached entries (None where there is none)."""
        join, params = self._join(fmt, options, renderer)
        columns = "p.id, CAST(c.entry AS BLOB), NULLIF(c.warnings, '[]')"
        sql, params = _select(flt, columns, join, params)
        yield from self._sql.batches(sql, params, batch)

    def cached_count(self, fmt: str, options: str, renderer: str) -> int:
        """How many entries of this format, options and renderer are cached (of any paper)."""
        return int(
            self._sql.scalar(
                "SELECT count(*) FROM export_cache WHERE renderer = ? AND format = ? "
                "AND options = ?",
                [renderer, fmt, options],
            )
        )

    @contextmanager
    def _patience(self, milliseconds: int) -> Iterator[None]:
        self._sql.run(f"PRAGMA busy_timeout = {int(milliseconds)}")
        try:
            yield
        finally:
            self._sql.run(f"PRAGMA busy_timeout = {int(self._sql.busy_timeout * 1000)}")

    def fill(
        self,
        entries: Iterable[tuple[str, str, str]],
        fmt: str,
        options: str,
        renderer: str,
        generation: int,
    ) -> bool:
        """Store (paper id, entry, warnings as JSON) rendered from the library as it was at
        ``generation``: all of them in one transaction, or none when the library has changed
        since (an entry of a paper changed meanwhile would be stale). Entries of other renderer
        versions go. False when nothing was stored."""
        with self._patience(FILL_PATIENCE_MS), self._sql.transaction():
            if self.generation() != generation:
                return False
            # Two ranges of the renderer index, where "!=" would read the whole table.
            self._sql.run(
                "DELETE FROM export_cache WHERE renderer < ? OR renderer > ?", [renderer, renderer]
            )
            pending: list[tuple[str, str, str, str, str, str]] = []
            for paper_id, entry, warnings in entries:
                pending.append((paper_id, fmt, options, renderer, entry, warnings))
                if len(pending) >= FILL_BATCH:
                    self._insert(pending)
                    pending = []
            self._insert(pending)
        return True

    def _insert(self, rows: Sequence[tuple[str, ...]]) -> None:
        self._sql.run_many(
            "INSERT OR REPLACE INTO export_cache "
            "(paper_id, format, options, renderer, entry, warnings) VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )

    def cache_size(self) -> int:
        return int(self._sql.scalar("SELECT count(*) FROM export_cache"))

    # ---- files kept in sync -------------------------------------------------------------

    @writes
    def keep(
        self,
        path: str,
        fmt: str,
        flt: str,
        options: str,
        generation: int,
        digest: str,
        at: str,
    ) -> None:
        """Register (or re-register) ``path`` as kept in sync with this export."""
        self._sql.run(
            "INSERT INTO kept_exports (path, format, filter, options, generation, digest, "
            "created_at, written_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (path) DO "
            "UPDATE SET format = excluded.format, filter = excluded.filter, options = "
            "excluded.options, generation = excluded.generation, digest = excluded.digest, "
            "written_at = excluded.written_at",
            [path, fmt, flt, options, generation, digest, at, at],
        )

    def kept(self, *, behind: int | None = None) -> list[dict[str, Any]]:
        """The kept exports in the order they were registered; with ``behind``, only those
        last written before that generation."""
        sql = (
            "SELECT id, path, format, filter, options, generation, digest, created_at, "
            "written_at FROM kept_exports"
        )
        if behind is None:
            return self._sql.rows(sql + " ORDER BY id")
        return self._sql.rows(sql + " WHERE generation < ? ORDER BY id", [behind])

    def any_behind(self) -> bool:
        """Whether the library changed since a kept export was last written."""
        return bool(
            self._sql.scalar(
                "SELECT EXISTS (SELECT 1 FROM kept_exports k, export_generation g "
                "WHERE g.id = 1 AND k.generation < g.generation)"
            )
        )

    @writes
    def written(self, kept_id: int, generation: int, digest: str, at: str | None) -> None:
        """A kept export is up to date with ``generation`` (rewritten at ``at``, if it was)."""
        self._sql.run(
            "UPDATE kept_exports SET generation = ?, digest = ?, "
            "written_at = coalesce(?, written_at) WHERE id = ?",
            [generation, digest, at, kept_id],
        )

    @writes
    def forget(self, kept_id: int) -> None:
        self._sql.run("DELETE FROM kept_exports WHERE id = ?", [kept_id])
