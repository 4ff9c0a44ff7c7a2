"""Lists and their items: where each paper came from and how its citation was resolved."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reading_list.store.connection import writes
from reading_list.store.rows import ITEM_COLUMNS, item_from_row, item_row

if TYPE_CHECKING:
    from reading_list.models import ListItem, ListSummary
    from reading_list.store.connection import Connection


class Lists:
    def __init__(self, sql: Connection) -> None:
        self._sql = sql

    @writes
    def upsert(
        self,
        name: str,
        *,
        title: str | None,
        source: str | None,
        source_date: str | None,
        description: str | None,
        at: str,
    ) -> None:
        self._sql.run(
            "INSERT INTO lists (name, title, source, source_date, description, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET title = excluded.title, "
            "source = excluded.source, source_date = excluded.source_date, "
            "description = excluded.description",
            [name, title, source, source_date, description, at],
        )

    def exists(self, name: str) -> bool:
        return self._sql.scalar("SELECT 1 FROM lists WHERE name = ?", [name]) is not None

    @writes
    def save_item(self, item: ListItem, at: str) -> None:
        row = item_row(item)
        columns = [*row, "resolved_at"]
        key = ("list_name", "position", "part")
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
        self._sql.run(
            f"INSERT INTO list_items ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))}) "
            f"ON CONFLICT (list_name, position, part) DO UPDATE SET {updates}",
            [*row.values(), at],
        )

    def items(
        self,
        name: str | None = None,
        *,
        unresolved_only: bool = False,
        paper_id: str | None = None,
        position: int | None = None,
    ) -> list[ListItem]:
        """Items in list order, each with the title of the paper it settled on."""
        where: list[str] = []
        params: list[Any] = []
        for column, value in (("list_name", name), ("paper_id", paper_id), ("position", position)):
            if value is not None:
                where.append(f"li.{column} = ?")
                params.append(value)
        if unresolved_only:
            where.append("li.state = 'unresolved'")
        columns = ", ".join(f"li.{c}" for c in ITEM_COLUMNS)
        sql = (
            f"SELECT {columns}, p.title FROM list_items li LEFT JOIN papers p ON p.id = li.paper_id"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY li.list_name, li.position, li.part"
        return [item_from_row(r) for r in self._sql.rows(sql, params)]

    def settled_positions(self, name: str) -> set[int]:
        """Positions of a list whose items need no more work (resumable imports)."""
        return {
            int(pos)
            for pos in self._sql.column(
                "SELECT DISTINCT position FROM list_items WHERE list_name = ? "
                "AND state != 'unresolved'",
                [name],
            )
        }

    @writes
    def delete_items(self, name: str, position: int) -> None:
        self._sql.run(
            "DELETE FROM list_items WHERE list_name = ? AND position = ?", [name, position]
        )

    def positions_of(self, name: str, paper_id: str) -> list[int]:
        """The numbers of the items of list ``name`` that settled on ``paper_id``."""
        return [
            int(r)
            for r in self._sql.column(
                "SELECT DISTINCT position FROM list_items WHERE list_name = ? AND paper_id = ? "
                "ORDER BY position",
                [name, paper_id],
            )
        ]

    @writes
    def rename(self, old: str, new: str) -> None:
        # list_items follow: their foreign key cascades on update.
        self._sql.run("UPDATE lists SET name = ? WHERE name = ?", [new, old])

    def papers_only_on(self, name: str) -> list[str]:
        """Papers on list ``name`` and on no other list, in list order."""
        return [
            str(r)
            for r in self._sql.column(
                "SELECT li.paper_id FROM list_items li WHERE li.list_name = ?1 "
                "AND li.paper_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM list_items o "
                "WHERE o.paper_id = li.paper_id AND o.list_name != ?1) "
                "GROUP BY li.paper_id ORDER BY min(li.position), min(li.part)",
                [name],
            )
        ]

    @writes
    def delete(self, name: str) -> None:
        # Its items go with it (cascade); papers stay unless deleted first.
        self._sql.run("DELETE FROM lists WHERE name = ?", [name])

    def summaries(self) -> list[ListSummary]:
        from reading_list.models import ListSummary

        out = []
        for row in self._sql.rows("SELECT name, title, source FROM lists ORDER BY name"):
            counts = self._sql.tuples(
                "SELECT p.status, count(DISTINCT p.id) FROM list_items li "
                "JOIN papers p ON p.id = li.paper_id WHERE li.list_name = ? GROUP BY p.status",
                [row["name"]],
            )
            # An item is a cited work (one position); it may stand for several papers (parts).
            items, unresolved, papers = self._sql.one(
                "SELECT count(DISTINCT position),"
                " count(DISTINCT CASE WHEN state = 'unresolved' THEN position END),"
                " count(DISTINCT paper_id) FROM list_items WHERE list_name = ?",
                [row["name"]],
            ) or (0, 0, 0)
            out.append(
                ListSummary(
                    name=row["name"],
                    title=row["title"],
                    source=row["source"],
                    items=int(items),
                    papers=int(papers),
                    unresolved=int(unresolved),
                    by_status={str(k): int(v) for k, v in sorted(counts)},
                )
            )
        return out
