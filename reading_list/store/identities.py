"""A work's identities (arXiv id, DOI, dblp key, OpenReview id), the records scholarly sources
gave for it, and the lookups in those sources that are done, empty or pending (tables of m007).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from reading_list.store.connection import writes
from reading_list.store.rows import (
    ARXIV_KIND,
    PAPER_COLUMNS,
    IdentityRow,
    arxiv_key_columns,
    identity_rows,
    papers_from_rows,
)

if TYPE_CHECKING:
    from reading_list.models import Paper, SourceLookup
    from reading_list.store.connection import Connection
    from reading_list.works import Identity, WorkRecord

CHUNK = 500
# The fields by which a .bib entry names another it takes fields from (m011 indexes them).
CROSS_REFERENCE_FIELDS = ("crossref", "xdata", "xref")
# An identity already held (by this paper or another) stays as it is.
_INSERT_IDENTITY = (
    "INSERT OR IGNORE INTO paper_identities (kind, value, paper_id, source, added_at) "
    "VALUES (?, ?, ?, ?, ?)"
)
# Identities listed arXiv first, then the published version's, then the rest.
_IDENTITY_ORDER = (
    "CASE kind WHEN 'arxiv' THEN 0 WHEN 'doi' THEN 1 WHEN 'dblp' THEN 2 ELSE 3 END, value"
)


def add_own(sql: Connection, rows: Sequence[IdentityRow]) -> None:
    """The identities papers' own columns give them (rows.identity_rows), for every writer of
    papers: a new paper, a metadata refresh, a restore."""
    sql.run_many(_INSERT_IDENTITY, rows)


class WorkIdentities:
    def __init__(self, sql: Connection) -> None:
        self._sql = sql

    # ---- identities ------------------------------------------------------------------------

    def paper_of(self, kind: str, value: str) -> str | None:
        found = self._sql.scalar(
            "SELECT paper_id FROM paper_identities WHERE kind = ? AND value = ?", [kind, value]
        )
        return None if found is None else str(found)

    def papers_of(self, kind: str, values: Sequence[str]) -> dict[str, str]:
        """value -> paper id of the values of one kind that a paper holds."""
        found: dict[str, str] = {}
        unique = list(dict.fromkeys(values))
        for start in range(0, len(unique), CHUNK):
            chunk = unique[start : start + CHUNK]
            marks = ",".join("?" * len(chunk))
            for value, paper_id in self._sql.tuples(
                "SELECT value, paper_id FROM paper_identities "
                f"WHERE kind = ? AND value IN ({marks})",
                [kind, *chunk],
            ):
                found[str(value)] = str(paper_id)
        return found

    def paper_of_any(self, identities: Iterable[Identity]) -> str | None:
        for ident in identities:
            found = self.paper_of(ident.kind, ident.value)
            if found is not None:
                return found
        return None

    @writes
    def add(self, paper_id: str, identities: Iterable[Identity], at: str) -> list[Identity]:
        """Record identities of a paper; returns those another paper already holds (a work
        never gets two entries, so these are reported rather than moved)."""
        taken: list[Identity] = []
        for ident in identities:
            owner = self.paper_of(ident.kind, ident.value)
            if owner is None:
                self._sql.run(
                    "INSERT INTO paper_identities (kind, value, paper_id, source, added_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [ident.kind, ident.value, paper_id, ident.source, at],
                )
            elif owner != paper_id:
                taken.append(ident)
        return taken

    def of_paper(self, paper_id: str) -> list[Identity]:
        from reading_list.works import Identity

        rows = self._sql.rows(
            "SELECT kind, value, source FROM paper_identities WHERE paper_id = ? "
            f"ORDER BY {_IDENTITY_ORDER}",
            [paper_id],
        )
        return [Identity.model_validate(row) for row in rows]

    # ---- entries that name a parent entry (crossref, xdata, xref) --------------------------

    def cross_references(self) -> dict[str, list[str]]:
        """paper id -> the keys its .bib entry names in crossref, xdata or xref (biblatex's
        xdata may name several, comma-separated), as given. Read from the indexes of m011."""
        out: dict[str, list[str]] = {}
        for name in CROSS_REFERENCE_FIELDS:
            value = f"json_extract(record, '$.fields.{name}')"
            sql = f"SELECT paper_id, {value} FROM work_records WHERE {value} IS NOT NULL"
            for paper_id, keys in self._sql.tuples(sql):
                named = [k.strip() for k in str(keys).split(",") if k.strip()]
                out.setdefault(str(paper_id), []).extend(named)
        return out

    # ---- records from sources --------------------------------------------------------------

    @writes
    def save_record(self, paper_id: str, role: str, record: WorkRecord, at: str) -> None:
        self._sql.run(
            "INSERT INTO work_records (paper_id, role, source, key, record, fetched_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (paper_id, role) DO UPDATE SET "
            "source = excluded.source, key = excluded.key, record = excluded.record, "
            "fetched_at = excluded.fetched_at",
            [paper_id, role, record.source, record.key, record.model_dump_json(), at],
        )

    @writes
    def save_records(self, rows: Sequence[tuple[str, str, WorkRecord]], at: str) -> None:
        """(paper id, role, record) of many new papers (an import's), in one statement."""
        self._sql.run_many(
            "INSERT INTO work_records (paper_id, role, source, key, record, fetched_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(p, role, r.source, r.key, r.model_dump_json(), at) for p, role, r in rows],
        )

    @writes
    def move_record(self, paper_id: str, role: str, to: str) -> bool:
        """Give a paper's record another role, when that one is free; whether it moved."""
        return bool(
            self._sql.run(
                "UPDATE OR IGNORE work_records SET role = ? WHERE paper_id = ? AND role = ?",
                [to, paper_id, role],
            )
        )

    def records_of(self, paper_id: str) -> dict[str, WorkRecord]:
        from reading_list.works import WorkRecord

        rows = self._sql.tuples(
            "SELECT role, record FROM work_records WHERE paper_id = ?", [paper_id]
        )
        return {str(role): WorkRecord.model_validate_json(text) for role, text in rows}

    def records_for(self, paper_ids: Sequence[str]) -> dict[str, dict[str, WorkRecord]]:
        """paper id -> role -> record, for a batch of papers (an export's: records of .bib
        entries come without their name parts, works.export_record)."""
        from reading_list.works import export_record

        return {
            paper_id: {role: export_record(text) for role, text in roles.items()}
            for paper_id, roles in self.record_texts_for(paper_ids).items()
        }

    def record_texts_for(self, paper_ids: Sequence[str]) -> dict[str, dict[str, str]]:
        """The same as stored JSON, cheap to hand to another process that builds them."""
        out: dict[str, dict[str, str]] = {}
        for start in range(0, len(paper_ids), CHUNK):
            chunk = list(paper_ids[start : start + CHUNK])
            marks = ",".join("?" * len(chunk))
            for paper_id, role, text in self._sql.tuples(
                f"SELECT paper_id, role, record FROM work_records WHERE paper_id IN ({marks})",
                chunk,
            ):
                out.setdefault(str(paper_id), {})[str(role)] = str(text)
        return out

    def has_work_records(self) -> bool:
        return bool(
            self._sql.scalar("SELECT EXISTS (SELECT 1 FROM work_records WHERE role = 'work')")
        )

    # ---- other citekeys of a work, and the .bib preambles its entries may need -------------

    def alias_owner(self, citekey: str) -> str | None:
        """The paper whose citekey or alias ``citekey`` is (case-insensitive)."""
        found = self._sql.scalar(
            "SELECT id FROM papers WHERE citekey = ? UNION ALL "
            "SELECT paper_id FROM paper_aliases WHERE citekey = ? LIMIT 1",
            [citekey, citekey],
        )
        return None if found is None else str(found)

    @writes
    def add_alias(self, paper_id: str, citekey: str, at: str) -> None:
        self._sql.run(
            "INSERT INTO paper_aliases (citekey, paper_id, added_at) VALUES (?, ?, ?)",
            [citekey, paper_id, at],
        )

    @writes
    def remove_alias(self, paper_id: str, citekey: str) -> None:
        self._sql.run(
            "DELETE FROM paper_aliases WHERE paper_id = ? AND citekey = ?", [paper_id, citekey]
        )

    @writes
    def add_preamble(self, preamble: str, source: str, at: str) -> None:
        """A .bib file's @preamble, once however often it is imported."""
        self._sql.run(
            "INSERT OR IGNORE INTO bib_preambles (preamble, source, added_at) VALUES (?, ?, ?)",
            [preamble, source, at],
        )

    def preambles(self) -> list[str]:
        return [
            str(p) for p in self._sql.column("SELECT preamble FROM bib_preambles ORDER BY rowid")
        ]

    # ---- lookups in secondary sources ------------------------------------------------------

    @writes
    def set_lookup(
        self, paper_id: str, source: str, purpose: str, state: str, detail: str | None, at: str
    ) -> None:
        self._sql.run(
            "INSERT INTO source_lookups (paper_id, source, purpose, state, detail, at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (paper_id, source, purpose) DO UPDATE SET "
            "state = excluded.state, detail = excluded.detail, at = excluded.at",
            [paper_id, source, purpose, state, detail, at],
        )

    def lookup_states(self, source: str, purpose: str) -> dict[str, tuple[str, str]]:
        """paper id -> (state, when) for every paper looked up (or pending) in a source."""
        return {
            str(p): (str(state), str(at))
            for p, state, at in self._sql.tuples(
                "SELECT paper_id, state, at FROM source_lookups WHERE source = ? AND purpose = ?",
                [source, purpose],
            )
        }

    def lookups_of(self, paper_id: str) -> list[SourceLookup]:
        from reading_list.models import SourceLookup

        rows = self._sql.rows(
            "SELECT source, purpose, state, detail, at FROM source_lookups WHERE paper_id = ? "
            "ORDER BY source, purpose",
            [paper_id],
        )
        return [SourceLookup.model_validate(row) for row in rows]

    # ---- one work found under two names ----------------------------------------------------

    @writes
    def adopt_as_arxiv(self, manual_id: str, arxiv_id: str, at: str) -> None:
        """A work first added from another source turns out to be this arXiv paper: it becomes
        the arXiv paper (its tags, notes, lists and status follow the id), and the record it
        was made from (by dblp or Crossref) becomes its published version."""
        columns = arxiv_key_columns(arxiv_id)
        sets = ", ".join(f"{c} = ?" for c in columns)
        self._sql.run(f"UPDATE papers SET {sets} WHERE id = ?", [*columns.values(), manual_id])
        # A .bib entry's record stays the work's own (exports write it back as it came).
        self._sql.run(
            "UPDATE work_records SET role = 'published' WHERE paper_id = ? AND role = 'work' "
            "AND json_extract(record, '$.tex') IS NOT 1",
            [arxiv_id],
        )
        add_own(self._sql, identity_rows(arxiv_id, arxiv_id, None, ARXIV_KIND, at))

    def title_candidates(self, words: Sequence[str], limit: int = 20) -> list[Paper]:
        """Papers whose title has every one of these words (full-text index), for matching a
        record from another source to a paper already stored. Without their tags."""
        clean = [w for w in words if w.isalnum()]
        if not clean:
            return []
        # Prefix terms: the index does not stem, the words may come stemmed or cut.
        match = " AND ".join(f'title : "{w}"*' for w in clean[:12])
        columns = ", ".join("p." + c for c in PAPER_COLUMNS)
        rows = self._sql.rows(
            f"SELECT {columns} FROM papers_fts JOIN papers p ON p.rowid = papers_fts.rowid "
            "WHERE papers_fts MATCH ? LIMIT ?",
            [match, limit],
        )
        return list(papers_from_rows(rows, {}))
