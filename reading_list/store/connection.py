"""The library's connection and repository: opens the file, applies migrations, returns models."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reading_list.errors import ReadingListError
from reading_list.selection import PaperFilter
from reading_list.store.search import parse_query

if TYPE_CHECKING:
    from reading_list.models import (
        ListItem,
        ListSummary,
        Paper,
        PaperDetail,
    )
    from reading_list.store.identities import IdentityStore


# A writer waits this long for another process's transaction before giving up.
BUSY_TIMEOUT_S = 30.0
# The number of migrations in migrations.py, kept in PRAGMA user_version: an up-to-date
# library opens without importing sqlite-utils (a test checks the two agree).
SCHEMA_VERSION = 6

PAPER_COLUMNS = (
    "id",
    "arxiv_id",
    "kind",
    "citekey",
    "title",
    "authors",
    "year",
    "published",
    "updated",
    "version",
    "abstract",
    "categories",
    "primary_category",
    "doi",
    "journal_ref",
    "comment",
    "url",
    "pdf_url",
    "status",
    "priority",
    "rating",
    "added_at",
    "fetched_at",
    "status_changed_at",
)
METADATA_COLUMNS = (
    "title",
    "authors",
    "year",
    "published",
    "updated",
    "version",
    "abstract",
    "categories",
    "primary_category",
    "doi",
    "journal_ref",
    "comment",
    "url",
    "pdf_url",
    "fetched_at",
)
SORT_COLUMNS = {
    "added": "p.added_at, p.id",
    "published": "p.published, p.id",
    "year": "p.year, p.id",
    "title": "p.title COLLATE NOCASE, p.id",
    "status": "p.status, p.id",
    "priority": "p.priority DESC, p.added_at, p.id",
    "citekey": "p.citekey COLLATE NOCASE",
    "id": "p.id",
}


DERIVED_COLUMNS = ("first_author", "author_count")


def _serialise(row: dict[str, Any]) -> dict[str, Any]:
    """Column values for a papers row: lists as JSON, and the listing's author columns."""
    values = dict(row)
    if "authors" in values:
        authors = list(values["authors"])
        values["authors"] = json.dumps(authors, ensure_ascii=False)
        values["first_author"] = authors[0] if authors else ""
        values["author_count"] = len(authors)
    if "categories" in values:
        values["categories"] = json.dumps(values["categories"], ensure_ascii=False)
    return values


class DatabaseError(ReadingListError):
    """The file is not a reading-list database, or SQLite refused it."""


def _create_private(path: Path) -> None:
    # The library is personal data: readable by its owner only.
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)


class Store:
    """A migrated reading-list database."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._identities: IdentityStore | None = None

    @property
    def identities(self) -> IdentityStore:
        """Identities, source records and source lookups (store/identities.py)."""
        if self._identities is None:
            from reading_list.store.identities import IdentityStore

            self._identities = IdentityStore(self.conn)
        return self._identities

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def write(self) -> Iterator[Store]:
        """One short write transaction; taking the write lock up front avoids upgrade deadlocks."""
        if self.conn.in_transaction:
            self.conn.execute("SAVEPOINT nested_write")
            try:
                yield self
            except BaseException:
                self.conn.execute("ROLLBACK TO SAVEPOINT nested_write")
                self.conn.execute("RELEASE SAVEPOINT nested_write")
                raise
            else:
                self.conn.execute("RELEASE SAVEPOINT nested_write")
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self.conn.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def _scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.conn.execute(sql, list(params)).fetchone()
        return None if row is None else row[0]

    # ---- papers -------------------------------------------------------------------------

    def find_paper_id(self, ref: str) -> str | None:
        """A paper id from its id, arXiv id or citekey (case-insensitive)."""
        row = self.conn.execute(
            "SELECT id FROM papers WHERE id = ? OR arxiv_id = ? OR citekey = ? COLLATE NOCASE",
            [ref, ref, ref],
        ).fetchone()
        return None if row is None else str(row[0])

    def existing_arxiv_ids(self, arxiv_ids: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(arxiv_ids))
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                r[0]
                for r in self.conn.execute(
                    f"SELECT arxiv_id FROM papers WHERE arxiv_id IN ({marks})", chunk
                )
            )
        return found

    def citekeys_with_prefix(self, prefix: str) -> set[str]:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return {
            str(r[0]).lower()
            for r in self.conn.execute(
                "SELECT citekey FROM papers WHERE citekey LIKE ? ESCAPE '\\'", [escaped + "%"]
            )
        }

    def insert_paper(self, row: dict[str, Any]) -> None:
        self.insert_papers([row])

    def update_metadata(self, paper_id: str, row: dict[str, Any]) -> None:
        values = _serialise({c: row[c] for c in METADATA_COLUMNS if c in row})
        sets = ", ".join(f"{c} = ?" for c in values)
        self.conn.execute(f"UPDATE papers SET {sets} WHERE id = ?", [*values.values(), paper_id])

    def insert_papers(self, rows: Sequence[dict[str, Any]]) -> None:
        """New papers in one statement (one for add, thousands for an import)."""
        if not rows:
            return
        values = [_serialise(r) for r in rows]
        cols = [c for c in (*PAPER_COLUMNS, *DERIVED_COLUMNS, "tag_list") if c in values[0]]
        self.conn.executemany(
            f"INSERT INTO papers ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [[v.get(c) for c in cols] for v in values],
        )

    def add_tag_pairs(self, pairs: Sequence[tuple[str, str]]) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO paper_tags (paper_id, tag) VALUES (?, ?)", pairs
        )

    def defer_foreign_keys(self) -> None:
        """Check foreign keys at commit: lets a bulk import write tags before their papers,
        so the tag triggers find no row to update and each paper arrives complete."""
        self.conn.execute("PRAGMA defer_foreign_keys = ON")

    def add_status_events(self, events: Sequence[tuple[str, str, str]]) -> None:
        """(paper id, status, at) history rows for papers inserted with that status."""
        self.conn.executemany(
            "INSERT INTO status_events (paper_id, status, version, at) VALUES (?, ?, NULL, ?)",
            list(events),
        )

    def all_ids_and_keys(self) -> tuple[set[str], set[str]]:
        ids, keys = set(), set()
        for paper_id, key in self.conn.execute("SELECT id, citekey FROM papers"):
            ids.add(paper_id)
            keys.add(str(key).lower())
        return ids, keys

    def delete_paper(self, paper_id: str) -> None:
        self.conn.execute("DELETE FROM papers WHERE id = ?", [paper_id])

    def set_status(self, paper_id: str, status: str, at: str) -> None:
        version = self._scalar("SELECT version FROM papers WHERE id = ?", [paper_id])
        self.conn.execute(
            "UPDATE papers SET status = ?, status_changed_at = ? WHERE id = ?",
            [status, at, paper_id],
        )
        self.conn.execute(
            "INSERT INTO status_events (paper_id, status, version, at) VALUES (?, ?, ?, ?)",
            [paper_id, status, version, at],
        )

    def tags_of(self, paper_id: str) -> list[str]:
        return self._tags_by_paper([paper_id]).get(paper_id, [])

    def set_fields(self, paper_id: str, **fields: Any) -> None:
        allowed = {"priority", "rating", "citekey"}
        bad = set(fields) - allowed
        if bad:
            raise ValueError(f"not settable: {sorted(bad)}")
        sets = ", ".join(f"{c} = ?" for c in fields)
        self.conn.execute(f"UPDATE papers SET {sets} WHERE id = ?", [*fields.values(), paper_id])

    def add_tags(self, paper_id: str, tags: Iterable[str]) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO paper_tags (paper_id, tag) VALUES (?, ?)",
            [(paper_id, t) for t in tags],
        )

    def remove_tags(self, paper_id: str, tags: Iterable[str]) -> None:
        self.conn.executemany(
            "DELETE FROM paper_tags WHERE paper_id = ? AND tag = ?", [(paper_id, t) for t in tags]
        )

    def add_note(self, paper_id: str, text: str, at: str) -> None:
        self.conn.execute(
            "INSERT INTO notes (paper_id, text, created_at) VALUES (?, ?, ?)", [paper_id, text, at]
        )

    def _paper_from_row(self, row: dict[str, Any], tags: list[str]) -> Paper:
        from reading_list.models import Paper

        data = dict(row)
        data["authors"] = json.loads(data["authors"])
        data["categories"] = json.loads(data["categories"])
        data["tags"] = tags
        return Paper.model_validate(data)

    def _tags_by_paper(self, ids: Sequence[str] | None) -> dict[str, list[str]]:
        tags: dict[str, list[str]] = {}
        if ids is None:
            rows = self.conn.execute("SELECT paper_id, tag FROM paper_tags ORDER BY paper_id, tag")
            for pid, tag in rows:
                tags.setdefault(pid, []).append(tag)
            return tags
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for pid, tag in self.conn.execute(
                f"SELECT paper_id, tag FROM paper_tags WHERE paper_id IN ({marks}) "
                "ORDER BY paper_id, tag",
                chunk,
            ):
                tags.setdefault(pid, []).append(tag)
        return tags

    def get_paper(self, paper_id: str) -> Paper | None:
        rows = self._rows(f"SELECT {', '.join(PAPER_COLUMNS)} FROM papers WHERE id = ?", [paper_id])
        if not rows:
            return None
        return self._paper_from_row(rows[0], self._tags_by_paper([paper_id]).get(paper_id, []))

    def get_detail(self, paper_id: str) -> PaperDetail | None:
        from reading_list.models import ListMembership, Note, PaperDetail, StatusEvent

        paper = self.get_paper(paper_id)
        if paper is None:
            return None
        notes = [
            Note.model_validate(r)
            for r in self._rows(
                "SELECT text, created_at FROM notes WHERE paper_id = ? ORDER BY id", [paper_id]
            )
        ]
        events = [
            StatusEvent.model_validate(r)
            for r in self._rows(
                "SELECT status, version, at FROM status_events WHERE paper_id = ? ORDER BY id",
                [paper_id],
            )
        ]
        memberships = [
            ListMembership.model_validate(r)
            for r in self._rows(
                "SELECT list_name AS list, position, cited_as, method, score FROM list_items "
                "WHERE paper_id = ? ORDER BY list_name, position",
                [paper_id],
            )
        ]
        return PaperDetail(**paper.model_dump(), notes=notes, events=events, lists=memberships)

    def _select(self, flt: PaperFilter, columns: str) -> tuple[str, list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        joins = ""
        order = SORT_COLUMNS.get(flt.sort, SORT_COLUMNS["added"])
        if flt.list_name is not None:
            joins = " JOIN list_items li ON li.paper_id = p.id AND li.list_name = ?"
            params.append(flt.list_name)
            if flt.sort == "added":
                order = "min(li.position), min(li.part)"
        if flt.ids:
            where.append(f"p.id IN ({','.join('?' * len(flt.ids))})")
            params.extend(flt.ids)
        if flt.statuses:
            where.append(f"p.status IN ({','.join('?' * len(flt.statuses))})")
            params.extend(flt.statuses)
        for tag in flt.tags:
            where.append(
                "EXISTS (SELECT 1 FROM paper_tags t WHERE t.paper_id = p.id AND t.tag = ?)"
            )
            params.append(tag)
        if flt.since:
            where.append("p.added_at >= ?")
            params.append(flt.since)
        if flt.query:
            condition = parse_query(flt.query)
            where.append(condition.sql)
            params.extend(condition.params)
        sql = f"SELECT {columns} FROM papers p{joins}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        if flt.list_name is not None:
            sql += " GROUP BY p.id"
        terms = [t.strip() for t in order.split(",")]
        if flt.reverse:
            terms = [t[: -len(" DESC")] if t.endswith(" DESC") else f"{t} DESC" for t in terms]
        sql += " ORDER BY " + ", ".join(terms)
        if flt.limit is not None or flt.offset:
            sql += " LIMIT ? OFFSET ?"
            params += [-1 if flt.limit is None else flt.limit, flt.offset]
        return sql, params

    def count_selection(self, flt: PaperFilter) -> int:
        sql, params = self._select(flt, "p.id")
        return int(self._scalar(f"SELECT count(*) FROM ({sql})", params))

    def query_papers(self, flt: PaperFilter) -> list[Paper]:
        sql, params = self._select(flt, ", ".join("p." + c for c in PAPER_COLUMNS))
        rows = self._rows(sql, params)
        tags = self._tags_by_paper(None if len(rows) > 500 else [r["id"] for r in rows])
        return [self._paper_from_row(r, tags.get(r["id"], [])) for r in rows]

    def iter_papers(
        self,
        flt: PaperFilter,
        *,
        batch: int = 2000,
        with_abstract: bool = True,
        with_tags: bool = True,
    ) -> Iterator[Paper]:
        """Papers in batches, built without validation (the rows come from our own schema),
        for exports of any size in bounded memory."""
        from reading_list.models import Paper, Status

        columns = ", ".join(
            "p." + c if with_abstract or c != "abstract" else "NULL" for c in PAPER_COLUMNS
        )
        sql, params = self._select(flt, columns)
        cursor = self.conn.execute(sql, params)
        while rows := cursor.fetchmany(batch):
            records = [dict(zip(PAPER_COLUMNS, row, strict=True)) for row in rows]
            tags = self._tags_by_paper([r["id"] for r in records]) if with_tags else {}
            for r in records:
                r["authors"] = json.loads(r["authors"])
                r["categories"] = json.loads(r["categories"])
                r["status"] = Status(r["status"])
                r["tags"] = tags.get(r["id"], [])
                yield Paper.model_construct(**r)

    def paper_lines(self, flt: PaperFilter) -> Iterator[tuple[Any, ...]]:
        """(id, status, year, title, first author, author count, tags) per paper, computed in
        SQL so that 100k rows stream out without building a model each."""
        columns = "p.id, p.status, p.year, p.title, p.first_author, p.author_count, p.tag_list"
        sql, params = self._select(flt, columns)
        cursor = self.conn.execute(sql, params)
        while batch := cursor.fetchmany(5000):
            yield from batch

    # ---- reading order, queue and statistics ----------------------------------------------

    def add_link(self, paper_id: str, after_id: str, at: str) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO paper_links (paper_id, after_id, created_at) VALUES (?, ?, ?)",
            [paper_id, after_id, at],
        )

    def remove_link(self, paper_id: str, after_id: str) -> None:
        self.conn.execute(
            "DELETE FROM paper_links WHERE paper_id = ? AND after_id = ?", [paper_id, after_id]
        )

    def prerequisites_of(self, paper_id: str) -> set[str]:
        """Every paper that must be read before ``paper_id``, transitively."""
        rows = self.conn.execute(
            "WITH RECURSIVE chain(id) AS (SELECT after_id FROM paper_links WHERE paper_id = ? "
            "UNION SELECT l.after_id FROM paper_links l JOIN chain c ON l.paper_id = c.id) "
            "SELECT id FROM chain",
            [paper_id],
        )
        return {str(r[0]) for r in rows}

    def queue(self, list_name: str | None) -> list[dict[str, Any]]:
        """Unfinished papers with what `next` ranks them on."""
        params: list[Any] = [list_name]
        sql = (
            "SELECT p.id, p.status, p.priority, p.added_at, p.status_changed_at,"
            " (SELECT min(li.position) FROM list_items li WHERE li.paper_id = p.id"
            "   AND (?1 IS NULL OR li.list_name = ?1)) AS position,"
            " (SELECT group_concat(l.after_id, ',') FROM paper_links l"
            "   JOIN papers q ON q.id = l.after_id"
            "   WHERE l.paper_id = p.id AND q.status NOT IN ('read', 'skimmed', 'abandoned'))"
            "   AS blocked_by"
            " FROM papers p WHERE p.status IN ('to-read', 'reading')"
        )
        if list_name is not None:
            sql += (
                " AND EXISTS (SELECT 1 FROM list_items li"
                " WHERE li.paper_id = p.id AND li.list_name = ?1)"
            )
        return self._rows(sql, params)

    def status_counts(self) -> dict[str, int]:
        return {
            str(k): int(v)
            for k, v in self.conn.execute("SELECT status, count(*) FROM papers GROUP BY status")
        }

    def grouped_status_counts(self, column: str) -> dict[str, dict[str, int]]:
        """Counts by status of the papers in each list (column 'list_name') or topic."""
        if column not in ("list_name", "topic"):
            raise ValueError(column)
        out: dict[str, dict[str, int]] = {}
        rows = self.conn.execute(
            f"SELECT li.{column}, p.status, count(DISTINCT p.id) FROM list_items li "
            f"JOIN papers p ON p.id = li.paper_id WHERE li.{column} IS NOT NULL "
            f"GROUP BY li.{column}, p.status ORDER BY li.{column}, p.status"
        )
        for group, status, count in rows:
            out.setdefault(str(group), {})[str(status)] = int(count)
        return out

    def finished_per_week(self) -> list[tuple[str, int]]:
        """(ISO-like year-week, papers first marked read that week)."""
        rows = self.conn.execute(
            "SELECT strftime('%Y-W%W', first_read), count(*) FROM "
            "(SELECT paper_id, min(at) AS first_read FROM status_events "
            " WHERE status = 'read' GROUP BY paper_id) "
            "GROUP BY 1 ORDER BY 1"
        )
        return [(str(w), int(n)) for w, n in rows]

    def stale_to_reads(self, before: str) -> list[str]:
        return [
            str(r[0])
            for r in self.conn.execute(
                "SELECT id FROM papers WHERE status = 'to-read' "
                "AND coalesce(status_changed_at, added_at) < ? ORDER BY added_at, id",
                [before],
            )
        ]

    def last_version_read(self, paper_id: str) -> int | None:
        row = self.conn.execute(
            "SELECT version FROM status_events WHERE paper_id = ? "
            "AND status IN ('read', 'skimmed', 'reading') AND version IS NOT NULL "
            "ORDER BY at DESC, id DESC LIMIT 1",
            [paper_id],
        ).fetchone()
        return None if row is None else int(row[0])

    def count_papers(self) -> int:
        return int(self._scalar("SELECT count(*) FROM papers"))

    # ---- lists --------------------------------------------------------------------------

    def upsert_list(
        self,
        name: str,
        *,
        title: str | None,
        source: str | None,
        source_date: str | None,
        description: str | None,
        at: str,
    ) -> None:
        self.conn.execute(
            "INSERT INTO lists (name, title, source, source_date, description, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET title = excluded.title, "
            "source = excluded.source, source_date = excluded.source_date, "
            "description = excluded.description",
            [name, title, source, source_date, description, at],
        )

    def list_exists(self, name: str) -> bool:
        return self._scalar("SELECT 1 FROM lists WHERE name = ?", [name]) is not None

    def save_list_item(self, item: ListItem, at: str) -> None:
        self.conn.execute(
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
                json.dumps([c.model_dump() for c in item.candidates], ensure_ascii=False),
                item.note,
                at,
            ],
        )

    def list_items(
        self,
        name: str | None = None,
        *,
        unresolved_only: bool = False,
        paper_id: str | None = None,
        position: int | None = None,
    ) -> list[ListItem]:
        where: list[str] = []
        params: list[Any] = []
        for column, value in (("list_name", name), ("paper_id", paper_id), ("position", position)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if unresolved_only:
            where.append("state = 'unresolved'")
        sql = (
            "SELECT list_name, position, part, cited_as, state, paper_id, method, score, query,"
            " candidates, context, speaker, topic, authors_hint, year_hint, note FROM list_items"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY list_name, position, part"
        from reading_list.models import Candidate, ListItem

        items = []
        for r in self._rows(sql, params):
            r["list"] = r.pop("list_name")
            r["candidates"] = [Candidate.model_validate(c) for c in json.loads(r["candidates"])]
            items.append(ListItem.model_validate(r))
        return items

    def settled_positions(self, name: str) -> set[int]:
        """Positions of a list whose items need no more work (resumable imports)."""
        return {
            int(pos)
            for (pos,) in self.conn.execute(
                "SELECT DISTINCT position FROM list_items WHERE list_name = ? "
                "AND state != 'unresolved'",
                [name],
            )
        }

    def find_manual(self, title: str) -> str | None:
        row = self.conn.execute(
            "SELECT id FROM papers WHERE kind = 'manual' AND lower(title) = lower(?)", [title]
        ).fetchone()
        return None if row is None else str(row[0])

    def delete_list_items(self, name: str, position: int) -> None:
        self.conn.execute(
            "DELETE FROM list_items WHERE list_name = ? AND position = ?", [name, position]
        )

    def list_summaries(self) -> list[ListSummary]:
        from reading_list.models import ListSummary

        out = []
        for row in self._rows("SELECT name, title, source FROM lists ORDER BY name"):
            counts = dict(
                self.conn.execute(
                    "SELECT p.status, count(DISTINCT p.id) FROM list_items li "
                    "JOIN papers p ON p.id = li.paper_id WHERE li.list_name = ? GROUP BY p.status",
                    [row["name"]],
                ).fetchall()
            )
            items = self._scalar(
                "SELECT count(*) FROM list_items WHERE list_name = ?", [row["name"]]
            )
            unresolved = self._scalar(
                "SELECT count(*) FROM list_items WHERE list_name = ? AND state = 'unresolved'",
                [row["name"]],
            )
            out.append(
                ListSummary(
                    name=row["name"],
                    title=row["title"],
                    source=row["source"],
                    items=int(items),
                    unresolved=int(unresolved),
                    by_status={str(k): int(v) for k, v in sorted(counts.items())},
                )
            )
        return out

    # ---- whole-database views -----------------------------------------------------------

    def schema_sql(self) -> str:
        rows = self.conn.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
            "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, name"
        ).fetchall()
        return "".join(f"{r[0].strip()};\n" for r in rows)

    def applied_migrations(self) -> list[str]:
        from sqlite_utils import Database

        from reading_list.store.migrations import migrations

        db = Database(self.conn, execute_plugins=False, recursive_triggers=False)
        return [m.name for m in migrations.applied(db)]

    def table_rows(self, table: str, order_by: str) -> list[dict[str, Any]]:
        return self._rows(f"SELECT * FROM [{table}] ORDER BY {order_by}")

    def insert_rows(self, table: str, rows: list[dict[str, Any]], *, source: str) -> None:
        """Bulk insert of dumped rows; rows whose columns do not fit are a data error."""
        known = {r[1] for r in self.conn.execute(f"PRAGMA table_info([{table}])")}
        for row in rows:
            unknown = set(row) - known
            if unknown:
                raise DatabaseError(f"{source}: unknown {table} column(s) {sorted(unknown)}")
            cols = list(row)
            try:
                self.conn.execute(
                    f"INSERT INTO [{table}] ({', '.join(cols)}) "
                    f"VALUES ({', '.join('?' * len(cols))})",
                    [row[c] for c in cols],
                )
            except sqlite3.Error as exc:
                raise DatabaseError(f"{source}: a {table} row does not fit: {exc}") from None

    def integrity_check(self) -> list[str]:
        return [str(r[0]) for r in self.conn.execute("PRAGMA integrity_check")]

    def orphan_rows(self) -> list[tuple[str, int]]:
        """(table, rowid) of rows whose foreign key points nowhere."""
        return [(str(r[0]), int(r[1])) for r in self.conn.execute("PRAGMA foreign_key_check")]

    def delete_rowids(self, table: str, rowids: Sequence[int]) -> None:
        if table not in ("paper_tags", "notes", "status_events", "list_items"):
            raise ValueError(table)
        self.conn.executemany(f"DELETE FROM [{table}] WHERE rowid = ?", [(r,) for r in rowids])

    def duplicate_dois(self) -> list[list[str]]:
        rows = self.conn.execute(
            "SELECT group_concat(id, char(31)) FROM papers WHERE doi IS NOT NULL AND doi != '' "
            "GROUP BY lower(doi) HAVING count(*) > 1"
        )
        return [str(r[0]).split("\x1f") for r in rows]

    def citekey_clashes(self) -> list[list[str]]:
        rows = self.conn.execute(
            "SELECT group_concat(citekey, char(31)) FROM papers GROUP BY lower(citekey) "
            "HAVING count(*) > 1"
        )
        return [str(r[0]).split("\x1f") for r in rows]

    def title_author_keys(self) -> list[tuple[str, str, str]]:
        """(id, title, authors JSON) of every paper, for duplicate detection in Python."""
        return [
            (str(r[0]), str(r[1]), str(r[2]))
            for r in self.conn.execute("SELECT id, title, authors FROM papers")
        ]

    def never_fetched(self) -> list[str]:
        return [
            str(r[0])
            for r in self.conn.execute(
                "SELECT id FROM papers WHERE kind = 'arxiv' AND fetched_at IS NULL ORDER BY id"
            )
        ]

    def dangling_list_items(self) -> list[tuple[str, int, int]]:
        return [
            (str(r[0]), int(r[1]), int(r[2]))
            for r in self.conn.execute(
                "SELECT list_name, position, part FROM list_items "
                "WHERE state IN ('resolved', 'manual') AND paper_id IS NULL"
            )
        ]

    def reopen_list_items(self, items: Sequence[tuple[str, int, int]]) -> None:
        self.conn.executemany(
            "UPDATE list_items SET state = 'unresolved' "
            "WHERE list_name = ? AND position = ? AND part = ?",
            items,
        )


def _migrate(conn: sqlite3.Connection) -> None:
    from sqlite_utils import Database

    from reading_list.store.migrations import migrations

    db = Database(conn, execute_plugins=False, recursive_triggers=False)
    if migrations.pending(db):
        # Serialise concurrent first opens; apply() itself runs each step atomically.
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("COMMIT")
        migrations.apply(db)
    conn.execute(f"PRAGMA user_version = {len(migrations.applied(db))}")


def open_db(path: Path) -> Store:
    """Open (creating if needed) and migrate the library at ``path``."""
    try:
        _create_private(path)
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S)
        conn.execute("PRAGMA foreign_keys = ON")
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            _migrate(conn)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"cannot open {path}: {exc}") from None
    except OSError as exc:
        raise DatabaseError(f"cannot open {path}: {exc.strerror or exc}") from None
    return Store(conn)
