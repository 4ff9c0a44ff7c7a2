"""Papers: storing, finding, selecting and changing them (with their notes and status)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from reading_list.store.connection import writes
from reading_list.store.identities import add_own
from reading_list.store.rows import (
    PAPER_COLUMNS,
    NewPaper,
    identity_rows,
    metadata_row,
    paper_from_row,
    paper_row,
    papers_from_rows,
    tag_rows,
)
from reading_list.store.search import parse_query

if TYPE_CHECKING:
    from reading_list.metadata import PaperMetadata
    from reading_list.models import FieldEdit, Paper, PaperDetail
    from reading_list.selection import PaperFilter
    from reading_list.store.connection import Connection
    from reading_list.store.tags import Tags

# What row_batches gives: rows of PAPER_COLUMNS by name, and the tags of each paper by id.
RowBatch = tuple[list[dict[str, Any]], dict[str, list[str]]]

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
# SQLite's default limit on bound parameters is far above this; chunks keep statements short.
CHUNK = 500


def _chunks(values: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield list(values[start : start + CHUNK])


class Identities:
    """Every paper id and lower-cased citekey, for a bulk import that assigns keys in memory.
    ``refresh()`` inside a write transaction reloads them when another connection committed
    since they were read, so that two imports of the same file never insert a paper twice."""

    def __init__(self, sql: Connection) -> None:
        self._sql = sql
        self._seen = -1
        self.ids: set[str] = set()
        self.keys: set[str] = set()
        self.refresh()

    def refresh(self) -> None:
        # data_version changes exactly when another connection has committed.
        version = int(self._sql.scalar("PRAGMA data_version"))
        if version == self._seen:
            return
        self._seen = version
        self.ids, self.keys = set(), set()
        for paper_id, key in self._sql.stream("SELECT id, citekey FROM papers", batch=10000):
            self.ids.add(paper_id)
            self.keys.add(str(key).lower())
        # An alias is taken as a citekey is.
        for (key,) in self._sql.stream("SELECT citekey FROM paper_aliases", batch=10000):
            self.keys.add(str(key).lower())


class Papers:
    def __init__(self, sql: Connection, tags: Tags) -> None:
        self._sql = sql
        self._tags = tags

    # ---- finding ------------------------------------------------------------------------

    def find_id(self, ref: str) -> str | None:
        """A paper id from its id, arXiv id or citekey (case-insensitive)."""
        found = self._sql.scalar(
            "SELECT id FROM papers WHERE id = ? OR arxiv_id = ? OR citekey = ? COLLATE NOCASE "
            "UNION ALL SELECT paper_id FROM paper_aliases WHERE citekey = ? LIMIT 1",
            [ref, ref, ref, ref],
        )
        return None if found is None else str(found)

    def existing_arxiv_ids(self, arxiv_ids: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(list(dict.fromkeys(arxiv_ids))):
            marks = ",".join("?" * len(chunk))
            found.update(
                self._sql.column(f"SELECT arxiv_id FROM papers WHERE arxiv_id IN ({marks})", chunk)
            )
        return found

    def citekeys_with_prefix(self, prefix: str) -> set[str]:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return {
            str(key).lower()
            for key in self._sql.column(
                "SELECT citekey FROM papers WHERE citekey LIKE ? ESCAPE '\\' UNION ALL "
                "SELECT citekey FROM paper_aliases WHERE citekey LIKE ? ESCAPE '\\'",
                [escaped + "%", escaped + "%"],
            )
        }

    def find_manual(self, title: str) -> str | None:
        found = self._sql.scalar(
            "SELECT id FROM papers WHERE kind = 'manual' AND lower(title) = lower(?)", [title]
        )
        return None if found is None else str(found)

    def identities(self) -> Identities:
        return Identities(self._sql)

    # ---- changing -----------------------------------------------------------------------

    @writes
    def insert(self, papers: Sequence[NewPaper]) -> None:
        """New papers with their tags and first status, in few statements (one paper for
        `add`, thousands for an import)."""
        if not papers:
            return
        tags = self._tags.spelt([p.tags for p in papers])
        rows = [paper_row(p, t) for p, t in zip(papers, tags, strict=True)]
        columns = list(rows[0])
        # Foreign keys are checked at commit, so the tags go in before their papers: the tag
        # triggers then find no row to update, and each paper arrives with its tag_list
        # already complete (one write per paper instead of one per tag).
        self._sql.run("PRAGMA defer_foreign_keys = ON")
        self._sql.run_many(
            "INSERT OR IGNORE INTO paper_tags (paper_id, tag, label) VALUES (?, ?, ?)",
            [row for p, t in zip(papers, tags, strict=True) for row in tag_rows(p.id, t)],
        )
        self._sql.run_many(
            f"INSERT INTO papers ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [[row[c] for c in columns] for row in rows],
        )
        self._sql.run_many(
            "INSERT INTO status_events (paper_id, status, version, at) VALUES (?, ?, NULL, ?)",
            [(p.id, p.status, p.added_at) for p in papers if p.status != "to-read"],
        )
        add_own(self._sql, [row for p in papers for row in p.identities()])

    @writes
    def refresh(self, paper_id: str, metadata: PaperMetadata, fetched_at: str | None) -> None:
        """Rewrite a paper's metadata (its citekey, status and tags stay); a DOI it now has
        becomes one of its identities."""
        values = metadata_row(metadata, fetched_at)
        sets = ", ".join(f"{c} = ?" for c in values)
        self._sql.run(f"UPDATE papers SET {sets} WHERE id = ?", [*values.values(), paper_id])
        if metadata.doi:
            row = self._sql.one(
                "SELECT arxiv_id, kind, added_at FROM papers WHERE id = ?", [paper_id]
            )
            if row is not None:
                arxiv_id, kind, added_at = row
                add_own(
                    self._sql,
                    identity_rows(paper_id, arxiv_id, metadata.doi, kind, fetched_at or added_at),
                )

    @writes
    def absorb(self, into: str, other: str) -> dict[str, int]:
        """Move what ``other`` holds to ``into`` (its tags, notes, status history, list items,
        reading-order links, other citekeys, identities and edits), before ``other`` goes:
        how many rows of each moved. A tag or link ``into`` has already stays once."""
        run = self._sql.run
        moved = {
            "tags": run(
                "INSERT OR IGNORE INTO paper_tags (paper_id, tag, label) "
                "SELECT ?, tag, label FROM paper_tags WHERE paper_id = ?",
                [into, other],
            ),
            # Copied rather than moved, so that the search index's note triggers see them.
            "notes": run(
                "INSERT INTO notes (paper_id, text, created_at) "
                "SELECT ?, text, created_at FROM notes WHERE paper_id = ? ORDER BY id",
                [into, other],
            ),
        }
        for name, table in (
            ("status events", "status_events"),
            ("list items", "list_items"),
            ("other citekeys", "paper_aliases"),
            ("identities", "paper_identities"),
            ("edits", "paper_edits"),
        ):
            moved[name] = run(f"UPDATE {table} SET paper_id = ? WHERE paper_id = ?", [into, other])
        # OR IGNORE: a link between the two would point a paper at itself.
        moved["links"] = run(
            "UPDATE OR IGNORE paper_links SET paper_id = ? WHERE paper_id = ?", [into, other]
        ) + run("UPDATE OR IGNORE paper_links SET after_id = ? WHERE after_id = ?", [into, other])
        return {name: count for name, count in moved.items() if count}

    @writes
    def take_reading_state(self, into: str, other: str) -> list[str]:
        """``other``'s status, priority and rating where ``into`` has none of its own (still
        to-read, priority 0, no rating): what was taken."""
        taken = []
        for column, unset, extra in (
            ("status", "status = 'to-read'", ", status_changed_at = o.status_changed_at"),
            ("priority", "priority = 0", ""),
            ("rating", "rating IS NULL", ""),
        ):
            changed = self._sql.run(
                f"UPDATE papers SET {column} = o.{column}{extra} FROM "
                f"(SELECT {column}, status_changed_at FROM papers WHERE id = ?) AS o "
                f"WHERE papers.id = ? AND papers.{unset} AND o.{column} IS NOT NULL "
                f"AND o.{column} IS NOT papers.{column}",
                [other, into],
            )
            if changed:
                taken.append(column)
        return taken

    @writes
    def delete(self, paper_id: str) -> None:
        self._sql.run("DELETE FROM papers WHERE id = ?", [paper_id])

    @writes
    def delete_many(self, paper_ids: Sequence[str]) -> None:
        """Papers with their tags, notes, history and links (list items keep their place)."""
        self._sql.run_many("DELETE FROM papers WHERE id = ?", [(i,) for i in paper_ids])

    @writes
    def set_status(self, paper_id: str, status: str, at: str) -> None:
        """A status change, recorded with its time and the version then current."""
        self._sql.run(
            "UPDATE papers SET status = ?, status_changed_at = ? WHERE id = ?",
            [status, at, paper_id],
        )
        self._sql.run(
            "INSERT INTO status_events (paper_id, status, version, at) "
            "SELECT id, ?, version, ? FROM papers WHERE id = ?",
            [status, at, paper_id],
        )

    @writes
    def update(
        self,
        paper_id: str,
        *,
        priority: int | None = None,
        rating: int | None = None,
        citekey: str | None = None,
    ) -> None:
        """Set the given fields; None leaves a field as it is."""
        values = {"priority": priority, "rating": rating, "citekey": citekey}
        changes = {c: v for c, v in values.items() if v is not None}
        if changes:
            sets = ", ".join(f"{c} = ?" for c in changes)
            self._sql.run(f"UPDATE papers SET {sets} WHERE id = ?", [*changes.values(), paper_id])

    @writes
    def record_edits(self, paper_id: str, edits: Iterable[FieldEdit]) -> None:
        """Changes made to an entry by hand, kept with the paper (m009)."""
        self._sql.run_many(
            "INSERT INTO paper_edits (paper_id, field, before, after, how, at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(paper_id, e.field, e.before, e.after, e.how, e.at) for e in edits],
        )

    def edits(self, paper_id: str) -> list[FieldEdit]:
        from reading_list.models import FieldEdit

        rows = self._sql.rows(
            "SELECT field, before, after, how, at FROM paper_edits WHERE paper_id = ? "
            "ORDER BY at, id",
            [paper_id],
        )
        return [FieldEdit.model_validate(r) for r in rows]

    @writes
    def clear_rating(self, paper_id: str) -> None:
        self._sql.run("UPDATE papers SET rating = NULL WHERE id = ?", [paper_id])

    @writes
    def add_note(self, paper_id: str, text: str, at: str) -> None:
        self._sql.run(
            "INSERT INTO notes (paper_id, text, created_at) VALUES (?, ?, ?)", [paper_id, text, at]
        )

    @writes
    def replace_note(self, note_id: int, text: str) -> None:
        self._sql.run("UPDATE notes SET text = ? WHERE id = ?", [text, note_id])

    @writes
    def delete_note(self, note_id: int) -> None:
        self._sql.run("DELETE FROM notes WHERE id = ?", [note_id])

    def note_ids(self, paper_id: str) -> list[int]:
        """The paper's notes in the order `show` numbers them (1, 2, ...)."""
        return [
            int(r)
            for r in self._sql.column(
                "SELECT id FROM notes WHERE paper_id = ? ORDER BY id", [paper_id]
            )
        ]

    def note_text(self, note_id: int) -> str:
        return str(self._sql.scalar("SELECT text FROM notes WHERE id = ?", [note_id]))

    # ---- reading ------------------------------------------------------------------------

    def status_of(self, paper_id: str) -> str | None:
        status = self._sql.scalar("SELECT status FROM papers WHERE id = ?", [paper_id])
        return None if status is None else str(status)

    def get(self, paper_id: str) -> Paper | None:
        rows = self._sql.rows(
            f"SELECT {', '.join(PAPER_COLUMNS)} FROM papers WHERE id = ?", [paper_id]
        )
        if not rows:
            return None
        self._add_aliases(rows)
        return paper_from_row(rows[0], self._tags.of(paper_id))

    def detail(self, paper_id: str) -> PaperDetail | None:
        from reading_list.models import ListMembership, Note, PaperDetail, StatusEvent

        paper = self.get(paper_id)
        if paper is None:
            return None
        notes = [
            Note.model_validate(r)
            for r in self._sql.rows(
                "SELECT text, created_at FROM notes WHERE paper_id = ? ORDER BY id", [paper_id]
            )
        ]
        events = [
            StatusEvent.model_validate(r)
            for r in self._sql.rows(
                "SELECT status, version, at FROM status_events WHERE paper_id = ? ORDER BY id",
                [paper_id],
            )
        ]
        memberships = [
            ListMembership.model_validate(r)
            for r in self._sql.rows(
                "SELECT list_name AS list, position, cited_as, method, score FROM list_items "
                "WHERE paper_id = ? ORDER BY list_name, position",
                [paper_id],
            )
        ]
        return PaperDetail(
            **paper.model_dump(),
            notes=notes,
            events=events,
            lists=memberships,
            edits=self.edits(paper_id),
        )

    def count(self, flt: PaperFilter | None = None) -> int:
        if flt is None:
            return int(self._sql.scalar("SELECT count(*) FROM papers"))
        sql, params = _select(flt, "p.id")
        return int(self._sql.scalar(f"SELECT count(*) FROM ({sql})", params))

    def select(self, flt: PaperFilter) -> list[Paper]:
        sql, params = _select(flt, ", ".join("p." + c for c in PAPER_COLUMNS))
        rows = self._sql.rows(sql, params)
        self._add_aliases(rows)
        tags = self._tags.by_paper(None if len(rows) > CHUNK else [r["id"] for r in rows])
        return [paper_from_row(r, tags.get(r["id"], [])) for r in rows]

    def iter(
        self,
        flt: PaperFilter,
        *,
        batch: int = 2000,
        with_abstract: bool = True,
        with_tags: bool = True,
    ) -> Iterator[Paper]:
        """Papers a batch at a time, for exports of any size in bounded memory."""
        for records, tags in self.row_batches(
            flt, batch=batch, with_abstract=with_abstract, with_tags=with_tags
        ):
            yield from papers_from_rows(records, tags)

    def row_batches(
        self,
        flt: PaperFilter,
        *,
        batch: int = 2000,
        with_abstract: bool = True,
        with_tags: bool = True,
    ) -> Iterator[RowBatch]:
        """The same as ``iter`` before the models are built: batches of rows and their tags,
        plain values that are cheap to hand to another process (rows.papers_from_rows)."""
        columns = ", ".join(
            "p." + c if with_abstract or c != "abstract" else "NULL" for c in PAPER_COLUMNS
        )
        sql, params = _select(flt, columns)
        with_aliases = self.has_aliases()
        for rows in self._sql.batches(sql, params, batch):
            records = [dict(zip(PAPER_COLUMNS, row, strict=True)) for row in rows]
            if with_aliases:
                self._add_aliases(records)
            tags = self._tags.by_paper([r["id"] for r in records]) if with_tags else {}
            yield records, tags

    def has_aliases(self) -> bool:
        return bool(self._sql.scalar("SELECT EXISTS (SELECT 1 FROM paper_aliases)"))

    def _add_aliases(self, rows: Sequence[dict[str, Any]]) -> None:
        """Each row's "aliases" (the other citekeys of its paper), in place."""
        found: dict[str, list[str]] = {}
        ids = [str(r["id"]) for r in rows]
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for paper_id, alias in self._sql.tuples(
                f"SELECT paper_id, citekey FROM paper_aliases WHERE paper_id IN ({marks}) "
                "ORDER BY paper_id, rowid",
                chunk,
            ):
                found.setdefault(str(paper_id), []).append(str(alias))
        for row in rows:
            row["aliases"] = found.get(str(row["id"]), [])

    def ids(self, flt: PaperFilter) -> list[str]:
        """The ids of the selection, in its order."""
        sql, params = _select(flt, "p.id")
        return [str(paper_id) for paper_id in self._sql.column(sql, params)]

    def lines(self, flt: PaperFilter) -> Iterator[tuple[Any, ...]]:
        """(id, status, year, title, first author, author count, tags) per paper, straight
        from the listing's covering index, so that 100k rows stream out without a model each."""
        columns = "p.id, p.status, p.year, p.title, p.first_author, p.author_count, p.tag_list"
        sql, params = _select(flt, columns)
        return self._sql.stream(sql, params, 5000)


def _select(
    flt: PaperFilter, columns: str, join: str = "", join_params: Sequence[Any] = ()
) -> tuple[str, list[Any]]:
    """The selection's query; ``join`` (with its parameters) joins another table to it."""
    where: list[str] = []
    params: list[Any] = list(join_params)
    joins = join
    order = SORT_COLUMNS.get(flt.sort, SORT_COLUMNS["added"])
    if flt.list_name is not None:
        joins += " JOIN list_items li ON li.paper_id = p.id AND li.list_name = ?"
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
        where.append("EXISTS (SELECT 1 FROM paper_tags t WHERE t.paper_id = p.id AND t.tag = ?)")
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
    if flt.limit is not None:
        sql += " LIMIT ?"
        params.append(flt.limit)
    return sql, params
