"""The reading queue: "read after" links, what is unfinished, and counts for stats."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reading_list.status import FINISHED, OPEN, READ_VERSION_FROM
from reading_list.store.connection import writes

if TYPE_CHECKING:
    from reading_list.store.connection import Connection


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """An unfinished paper with what `next` ranks it on."""

    id: str
    status: str
    priority: int
    added_at: str
    status_changed_at: str | None
    position: int | None
    blocked_by: tuple[str, ...]


def _words(values: tuple[str, ...]) -> str:
    """An SQL list of the project's own fixed words (statuses), never of user input."""
    return ", ".join(f"'{v}'" for v in values)


class Reading:
    def __init__(self, sql: Connection) -> None:
        self._sql = sql

    @writes
    def link(self, paper_id: str, after_id: str, at: str) -> None:
        self._sql.run(
            "INSERT OR IGNORE INTO paper_links (paper_id, after_id, created_at) VALUES (?, ?, ?)",
            [paper_id, after_id, at],
        )

    @writes
    def unlink(self, paper_id: str, after_id: str) -> None:
        self._sql.run(
            "DELETE FROM paper_links WHERE paper_id = ? AND after_id = ?", [paper_id, after_id]
        )

    def prerequisites(self, paper_id: str) -> set[str]:
        """Every paper that must be read before ``paper_id``, transitively."""
        return {
            str(r)
            for r in self._sql.column(
                "WITH RECURSIVE chain(id) AS (SELECT after_id FROM paper_links WHERE paper_id = ? "
                "UNION SELECT l.after_id FROM paper_links l JOIN chain c ON l.paper_id = c.id) "
                "SELECT id FROM chain",
                [paper_id],
            )
        }

    def queue(self, list_name: str | None) -> list[QueueEntry]:
        """Unfinished papers (of one list, or all), each with the unfinished papers it waits for."""
        sql = (
            "SELECT p.id, p.status, p.priority, p.added_at, p.status_changed_at,"
            " (SELECT min(li.position) FROM list_items li WHERE li.paper_id = p.id"
            "   AND (?1 IS NULL OR li.list_name = ?1)) AS position,"
            " (SELECT group_concat(l.after_id, ',') FROM paper_links l"
            "   JOIN papers q ON q.id = l.after_id"
            f"   WHERE l.paper_id = p.id AND q.status IN ({_words(OPEN)}))"
            "   AS blocked_by"
            f" FROM papers p WHERE p.status IN ({_words(OPEN)})"
        )
        if list_name is not None:
            sql += (
                " AND EXISTS (SELECT 1 FROM list_items li"
                " WHERE li.paper_id = p.id AND li.list_name = ?1)"
            )
        return [
            QueueEntry(
                id=str(pid),
                status=str(status),
                priority=int(priority),
                added_at=str(added_at),
                status_changed_at=changed,
                position=position,
                blocked_by=tuple(blocked.split(",")) if blocked else (),
            )
            for pid, status, priority, added_at, changed, position, blocked in self._sql.tuples(
                sql, [list_name]
            )
        ]

    def status_counts(self) -> dict[str, int]:
        return {
            str(k): int(v)
            for k, v in self._sql.tuples("SELECT status, count(*) FROM papers GROUP BY status")
        }

    def status_counts_by_list(self) -> dict[str, dict[str, int]]:
        """Counts by status of the papers in each list."""
        return self._grouped("list_name")

    def status_counts_by_topic(self) -> dict[str, dict[str, int]]:
        """Counts by status of the papers under each topic their lists give them."""
        return self._grouped("topic")

    def _grouped(self, column: str) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for group, status, count in self._sql.tuples(
            f"SELECT li.{column}, p.status, count(DISTINCT p.id) FROM list_items li "
            f"JOIN papers p ON p.id = li.paper_id WHERE li.{column} IS NOT NULL "
            f"GROUP BY li.{column}, p.status ORDER BY li.{column}, p.status"
        ):
            out.setdefault(str(group), {})[str(status)] = int(count)
        return out

    def finished_per_week(self) -> list[tuple[str, int]]:
        """(ISO-like year-week, papers first marked finished that week)."""
        return [
            (str(w), int(n))
            for w, n in self._sql.tuples(
                "SELECT strftime('%Y-W%W', first_read), count(*) FROM "
                "(SELECT paper_id, min(at) AS first_read FROM status_events "
                f" WHERE status IN ({_words(FINISHED)}) GROUP BY paper_id) "
                "GROUP BY 1 ORDER BY 1"
            )
        ]

    def stale_to_reads(self, before: str) -> list[str]:
        return [
            str(r)
            for r in self._sql.column(
                "SELECT id FROM papers WHERE status = 'to-read' "
                "AND coalesce(status_changed_at, added_at) < ? ORDER BY added_at, id",
                [before],
            )
        ]

    def last_version_read(self, paper_id: str) -> int | None:
        version = self._sql.scalar(
            "SELECT version FROM status_events WHERE paper_id = ? "
            f"AND status IN ({_words(READ_VERSION_FROM)}) AND version IS NOT NULL "
            "ORDER BY at DESC, id DESC LIMIT 1",
            [paper_id],
        )
        return None if version is None else int(version)
