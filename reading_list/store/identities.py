"""SQL for a work's identities (arXiv id, DOI, dblp key, OpenReview id), the records scholarly
sources gave for it, and the lookups in those sources that are done, empty or pending."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from reading_list.works import Identity, WorkRecord

CHUNK = 500


class _Connection(Protocol):
    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Any: ...


class IdentityStore:
    def __init__(self, conn: _Connection) -> None:
        self.conn = conn

    # ---- identities ------------------------------------------------------------------------

    def paper_of(self, kind: str, value: str) -> str | None:
        row = self.conn.execute(
            "SELECT paper_id FROM paper_identities WHERE kind = ? AND value = ?", [kind, value]
        ).fetchone()
        return None if row is None else str(row[0])

    def paper_of_any(self, identities: Iterable[Identity]) -> str | None:
        for ident in identities:
            found = self.paper_of(ident.kind, ident.value)
            if found is not None:
                return found
        return None

    def add(self, paper_id: str, identities: Iterable[Identity], at: str) -> list[Identity]:
        """Record identities of a paper; returns those another paper already holds (a work
        never gets two entries, so these are reported rather than moved)."""
        taken: list[Identity] = []
        for ident in identities:
            owner = self.paper_of(ident.kind, ident.value)
            if owner is None:
                self.conn.execute(
                    "INSERT INTO paper_identities (kind, value, paper_id, source, added_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [ident.kind, ident.value, paper_id, ident.source, at],
                )
            elif owner != paper_id:
                taken.append(ident)
        return taken

    def clear(self) -> None:
        self.conn.execute("DELETE FROM paper_identities")

    def of_paper(self, paper_id: str) -> list[Identity]:
        rows = self.conn.execute(
            "SELECT kind, value, source FROM paper_identities WHERE paper_id = ? "
            "ORDER BY CASE kind WHEN 'arxiv' THEN 0 WHEN 'doi' THEN 1 WHEN 'dblp' THEN 2 "
            "ELSE 3 END, value",
            [paper_id],
        ).fetchall()
        return [Identity(kind=k, value=v, source=s) for k, v, s in rows]

    # ---- records from sources --------------------------------------------------------------

    def save_record(self, paper_id: str, role: str, record: WorkRecord, at: str) -> None:
        self.conn.execute(
            "INSERT INTO work_records (paper_id, role, source, key, record, fetched_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (paper_id, role) DO UPDATE SET "
            "source = excluded.source, key = excluded.key, record = excluded.record, "
            "fetched_at = excluded.fetched_at",
            [paper_id, role, record.source, record.key, record.model_dump_json(), at],
        )

    def records_of(self, paper_id: str) -> dict[str, WorkRecord]:
        rows = self.conn.execute(
            "SELECT role, record FROM work_records WHERE paper_id = ?", [paper_id]
        ).fetchall()
        return {str(role): WorkRecord.model_validate_json(text) for role, text in rows}

    def records_for(self, paper_ids: Sequence[str]) -> dict[str, dict[str, WorkRecord]]:
        """paper id -> role -> record, for a batch of papers (an export's)."""
        out: dict[str, dict[str, WorkRecord]] = {}
        for start in range(0, len(paper_ids), CHUNK):
            chunk = list(paper_ids[start : start + CHUNK])
            marks = ",".join("?" * len(chunk))
            for paper_id, role, text in self.conn.execute(
                f"SELECT paper_id, role, record FROM work_records WHERE paper_id IN ({marks})",
                chunk,
            ):
                out.setdefault(str(paper_id), {})[str(role)] = WorkRecord.model_validate_json(text)
        return out

    # ---- lookups in secondary sources ------------------------------------------------------

    def set_lookup(
        self, paper_id: str, source: str, purpose: str, state: str, detail: str | None, at: str
    ) -> None:
        self.conn.execute(
            "INSERT INTO source_lookups (paper_id, source, purpose, state, detail, at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (paper_id, source, purpose) DO UPDATE SET "
            "state = excluded.state, detail = excluded.detail, at = excluded.at",
            [paper_id, source, purpose, state, detail, at],
        )

    def lookup_states(self, source: str, purpose: str) -> dict[str, tuple[str, str]]:
        """paper id -> (state, when) for every paper looked up (or pending) in a source."""
        return {
            str(p): (str(state), str(at))
            for p, state, at in self.conn.execute(
                "SELECT paper_id, state, at FROM source_lookups WHERE source = ? AND purpose = ?",
                [source, purpose],
            )
        }

    def lookups_of(self, paper_id: str) -> list[dict[str, Any]]:
        cursor = self.conn.execute(
            "SELECT source, purpose, state, detail, at FROM source_lookups WHERE paper_id = ? "
            "ORDER BY source, purpose",
            [paper_id],
        )
        return [
            dict(zip(("source", "purpose", "state", "detail", "at"), row, strict=True))
            for row in cursor.fetchall()
        ]

    def has_work_records(self) -> bool:
        return (
            self.conn.execute("SELECT 1 FROM work_records WHERE role = 'work' LIMIT 1").fetchone()
            is not None
        )

    def adopt_as_arxiv(self, manual_id: str, arxiv_id: str, at: str) -> None:
        """A work first added from another source turns out to be this arXiv paper: it becomes
        the arXiv paper (its tags, notes, lists and status follow the id), and the record it
        was made from becomes its published version."""
        self.conn.execute(
            "UPDATE papers SET id = ?, arxiv_id = ?, kind = 'arxiv' WHERE id = ?",
            [arxiv_id, arxiv_id, manual_id],
        )
        self.conn.execute(
            "UPDATE work_records SET role = 'published' WHERE paper_id = ? AND role = 'work'",
            [arxiv_id],
        )
        self.conn.execute(
            "INSERT OR IGNORE INTO paper_identities (kind, value, paper_id, source, added_at) "
            "VALUES ('arxiv', ?, ?, 'arxiv', ?)",
            [arxiv_id, arxiv_id, at],
        )

    # ---- finding a work already in the library by its title ----------------------------------

    def title_candidates(self, words: Sequence[str], limit: int = 20) -> list[dict[str, Any]]:
        """Papers whose title has every one of these words (full-text index), for matching a
        record from another source to a paper already stored."""
        clean = [w for w in words if w.isalnum()]
        if not clean:
            return []
        # Prefix terms: the index does not stem, the words may come stemmed or cut.
        match = " AND ".join(f'title : "{w}"*' for w in clean[:12])
        cursor = self.conn.execute(
            "SELECT p.id, p.kind, p.title, p.authors, p.year FROM papers_fts "
            "JOIN papers p ON p.rowid = papers_fts.rowid WHERE papers_fts MATCH ? LIMIT ?",
            [match, limit],
        )
        return [
            {"id": r[0], "kind": r[1], "title": r[2], "authors": json.loads(r[3]), "year": r[4]}
            for r in cursor.fetchall()
        ]
