"""Lists and their items: where each paper came from and how its citation was resolved."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from reading_list.store.connection import writes
from reading_list.store.rows import encode_list

if TYPE_CHECKING:
    from reading_list.models import ListItem, ListSummary
    from reading_list.store.connection import Connection

_ITEM_COLUMNS = (
    "list_name, position, part, cited_as, state, paper_id, method, score, query, candidates,"
    " context, speaker, topic, authors_hint, year_hint, note"
)


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
        self._sql.run(
            "INSERT INTO list_items (list_name, position, part, paper_id, state, cited_as,"
            " authors_hint, year_hint, context, speaker, topic, method, score, query, candidates,"
            " note, resolved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (list_name, position, part) DO UPDATE SET paper_id = excluded.paper_id,"
            " state = excluded.state, cited_as = excluded.cited_as,"
            " authors_hint = excluded.authors_hint, year_hint = excluded.year_hint,"
            " context = excluded.context, speaker = excluded.speaker, topic = excluded.topic,"
            " method = excluded.method, score = excluded.score, query = excluded.query,"
            " candidates = excluded.candidates, note = excluded.note,"
            " resolved_at = excluded.resolved_at",
            [
                item.list,
                item.position,
                item.part,
                item.paper_id,
                item.state,
                item.cited_as,
                item.authors_hint,
                item.year_hint,
                item.context,
                item.speaker,
                item.topic,
                item.method,
                item.score,
                item.query,
                encode_list(c.model_dump() for c in item.candidates),
                item.note,
                at,
            ],
        )

    def items(
        self,
        name: str | None = None,
        *,
        unresolved_only: bool = False,
        paper_id: str | None = None,
        position: int | None = None,
    ) -> list[ListItem]:
        from reading_list.models import Candidate, ListItem

        where: list[str] = []
        params: list[Any] = []
        for column, value in (("list_name", name), ("paper_id", paper_id), ("position", position)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if unresolved_only:
            where.append("state = 'unresolved'")
        sql = f"SELECT {_ITEM_COLUMNS} FROM list_items"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY list_name, position, part"
        items = []
        for r in self._sql.rows(sql, params):
            r["list"] = r.pop("list_name")
            r["candidates"] = [Candidate.model_validate(c) for c in json.loads(r["candidates"])]
            items.append(ListItem.model_validate(r))
        return items

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

    def summaries(self) -> list[ListSummary]:
        from reading_list.models import ListSummary

        out = []
        for row in self._sql.rows("SELECT name, title, source FROM lists ORDER BY name"):
            counts = self._sql.tuples(
                "SELECT p.status, count(DISTINCT p.id) FROM list_items li "
                "JOIN papers p ON p.id = li.paper_id WHERE li.list_name = ? GROUP BY p.status",
                [row["name"]],
            )
            items, unresolved = self._sql.one(
                "SELECT count(*), coalesce(sum(state = 'unresolved'), 0) FROM list_items "
                "WHERE list_name = ?",
                [row["name"]],
            ) or (0, 0)
            out.append(
                ListSummary(
                    name=row["name"],
                    title=row["title"],
                    source=row["source"],
                    items=int(items),
                    unresolved=int(unresolved),
                    by_status={str(k): int(v) for k, v in sorted(counts)},
                )
            )
        return out
