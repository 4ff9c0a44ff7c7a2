"""Numbered, append-only schema migrations, applied on every open.

Never edit, rename or reorder a migration that has shipped: add a new one.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from reading_list.store.connection import MIGRATION_SET

migrations = Migrations(MIGRATION_SET)

STATUSES = ("to-read", "reading", "read", "skimmed", "abandoned")


def _run_script(db: Database, script: str) -> None:
    # executescript() would COMMIT first and break the migration's transaction.
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


@migrations()
def m001_initial(db: Database) -> None:
    statuses = ", ".join(f"'{s}'" for s in STATUSES)
    _run_script(
        db,
        f"""
        CREATE TABLE papers (
            id TEXT PRIMARY KEY,
            arxiv_id TEXT UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('arxiv', 'manual')),
            citekey TEXT NOT NULL UNIQUE COLLATE NOCASE,
            title TEXT NOT NULL,
            authors TEXT NOT NULL DEFAULT '[]',
            year INTEGER,
            published TEXT,
            updated TEXT,
            version INTEGER,
            abstract TEXT,
            categories TEXT NOT NULL DEFAULT '[]',
            primary_category TEXT,
            doi TEXT,
            journal_ref TEXT,
            comment TEXT,
            url TEXT,
            pdf_url TEXT,
            status TEXT NOT NULL DEFAULT 'to-read' CHECK (status IN ({statuses})),
            priority INTEGER NOT NULL DEFAULT 0,
            rating INTEGER CHECK (rating BETWEEN 1 AND 5),
            added_at TEXT NOT NULL,
            fetched_at TEXT,
            status_changed_at TEXT
        );
        CREATE INDEX idx_papers_status ON papers (status);
        CREATE INDEX idx_papers_added_at ON papers (added_at);
        CREATE INDEX idx_papers_year ON papers (year);

        CREATE TABLE paper_tags (
            paper_id TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
            tag TEXT NOT NULL,
            PRIMARY KEY (paper_id, tag)
        );
        CREATE INDEX idx_paper_tags_tag ON paper_tags (tag);

        CREATE TABLE notes (
            id INTEGER PRIMARY KEY,
            paper_id TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
            text TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX idx_notes_paper_id ON notes (paper_id);

        CREATE TABLE status_events (
            id INTEGER PRIMARY KEY,
            paper_id TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
            status TEXT NOT NULL CHECK (status IN ({statuses})),
            version INTEGER,
            at TEXT NOT NULL
        );
        CREATE INDEX idx_status_events_paper_id ON status_events (paper_id);

        CREATE TABLE lists (
            name TEXT PRIMARY KEY,
            title TEXT,
            source TEXT,
            source_date TEXT,
            description TEXT,
            created_at TEXT NOT NULL
        );

        CREATE TABLE list_items (
            id INTEGER PRIMARY KEY,
            list_name TEXT NOT NULL REFERENCES lists (name) ON DELETE CASCADE ON UPDATE CASCADE,
            position INTEGER NOT NULL,
            part INTEGER NOT NULL DEFAULT 0,
            paper_id TEXT REFERENCES papers (id) ON DELETE SET NULL ON UPDATE CASCADE,
            state TEXT NOT NULL
                CHECK (state IN ('resolved', 'unresolved', 'manual', 'skipped')),
            cited_as TEXT NOT NULL,
            authors_hint TEXT NOT NULL DEFAULT '',
            year_hint INTEGER,
            context TEXT,
            speaker TEXT,
            topic TEXT,
            method TEXT,
            score REAL,
            query TEXT,
            candidates TEXT NOT NULL DEFAULT '[]',
            note TEXT,
            resolved_at TEXT,
            UNIQUE (list_name, position, part)
        );
        CREATE INDEX idx_list_items_paper_id ON list_items (paper_id);
        """,
    )


@migrations()
def m002_full_text_search(db: Database) -> None:
    # A full copy of the searchable text keyed by papers.rowid, kept in step by triggers, so
    # every writer (add, import, restore, notes) updates it without knowing it exists.
    notes_of = "(SELECT group_concat(text, ' ') FROM notes WHERE paper_id = {id})"
    statements = [
        """CREATE VIRTUAL TABLE papers_fts USING fts5(
            title, abstract, authors, notes, tokenize = 'unicode61 remove_diacritics 2'
        )""",
        f"""INSERT INTO papers_fts (rowid, title, abstract, authors, notes)
            SELECT rowid, title, coalesce(abstract, ''), authors,
                   coalesce({notes_of.format(id="papers.id")}, '')
            FROM papers""",
        """CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers BEGIN
            INSERT INTO papers_fts (rowid, title, abstract, authors, notes)
            VALUES (new.rowid, new.title, coalesce(new.abstract, ''), new.authors, '');
        END""",
        """CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, abstract, authors ON papers
        BEGIN
            UPDATE papers_fts SET title = new.title, abstract = coalesce(new.abstract, ''),
                authors = new.authors WHERE rowid = new.rowid;
        END""",
        """CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers BEGIN
            DELETE FROM papers_fts WHERE rowid = old.rowid;
        END""",
        f"""CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN
            UPDATE papers_fts SET notes = coalesce({notes_of.format(id="new.paper_id")}, '')
            WHERE rowid = (SELECT rowid FROM papers WHERE id = new.paper_id);
        END""",
        f"""CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN
            UPDATE papers_fts SET notes = coalesce({notes_of.format(id="old.paper_id")}, '')
            WHERE rowid = (SELECT rowid FROM papers WHERE id = old.paper_id);
        END""",
    ]
    for statement in statements:
        db.execute(statement)


@migrations()
def m003_listing_index(db: Database) -> None:
    # `list` over a 100k library must not touch the wide rows (abstracts): tags are kept
    # denormalised in papers.tag_list by triggers, and one covering index holds every column
    # the plain listing prints, in its default order.
    tags_of = (
        "(SELECT coalesce(group_concat(tag, ','), '') FROM "
        "(SELECT tag FROM paper_tags WHERE paper_id = {id} ORDER BY tag))"
    )
    statements = [
        "ALTER TABLE papers ADD COLUMN tag_list TEXT NOT NULL DEFAULT ''",
        f"UPDATE papers SET tag_list = {tags_of.format(id='papers.id')}",
        f"""CREATE TRIGGER paper_tags_list_insert AFTER INSERT ON paper_tags BEGIN
            UPDATE papers SET tag_list = {tags_of.format(id="new.paper_id")}
            WHERE id = new.paper_id;
        END""",
        f"""CREATE TRIGGER paper_tags_list_delete AFTER DELETE ON paper_tags BEGIN
            UPDATE papers SET tag_list = {tags_of.format(id="old.paper_id")}
            WHERE id = old.paper_id;
        END""",
        """CREATE INDEX idx_papers_listing ON papers
            (added_at, id, status, year, title, authors, tag_list)""",
    ]
    for statement in statements:
        db.execute(statement)


@migrations()
def m004_reading_order_and_overview(db: Database) -> None:
    statements = [
        # "read paper_id after after_id": next() holds a paper back until its prerequisite is read.
        """CREATE TABLE paper_links (
            paper_id TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
            after_id TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
            created_at TEXT NOT NULL,
            PRIMARY KEY (paper_id, after_id),
            CHECK (paper_id != after_id)
        )""",
        "CREATE INDEX idx_paper_links_after_id ON paper_links (after_id)",
        "CREATE INDEX idx_status_events_status_at ON status_events (status, at)",
        # One row per paper with its tags and lists as JSON arrays: what Datasette facets on.
        """CREATE VIEW paper_overview AS
            SELECT p.id, p.citekey, p.title, p.year, p.status, p.priority, p.rating, p.kind,
                p.primary_category,
                (SELECT json_group_array(t.tag) FROM
                    (SELECT tag FROM paper_tags WHERE paper_id = p.id ORDER BY tag) t) AS tags,
                (SELECT json_group_array(l.list_name) FROM
                    (SELECT DISTINCT list_name FROM list_items WHERE paper_id = p.id
                     ORDER BY list_name) l) AS lists,
                p.authors, p.url, p.added_at, p.status_changed_at
            FROM papers p""",
    ]
    for statement in statements:
        db.execute(statement)


@migrations()
def m005_listing_authors(db: Database) -> None:
    # The listing prints the first author and "et al.": kept as plain columns (written by
    # db.py with every authors change) so a 100k listing parses no JSON.
    statements = [
        "ALTER TABLE papers ADD COLUMN first_author TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE papers ADD COLUMN author_count INTEGER NOT NULL DEFAULT 0",
        "UPDATE papers SET first_author = coalesce(json_extract(authors, '$[0]'), ''), "
        "author_count = json_array_length(authors)",
        "DROP INDEX idx_papers_listing",
        """CREATE INDEX idx_papers_listing ON papers
            (added_at, id, status, year, title, first_author, author_count, tag_list)""",
    ]
    for statement in statements:
        db.execute(statement)


def _m006_tag_key(text: str) -> str:
    # This migration's own copy of tags.tag_key as it shipped with it.
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "-".join(part for part in re.split(r"[\s_\-]+", folded) if part)


@migrations()
def m006_tags_notes_and_web_view(db: Database) -> None:
    # A tag is matched by a folded key ("Program Synthesis" == "program-synthesis") and shown
    # as the library first spelt it: paper_tags.tag holds the key, paper_tags.label the
    # spelling. Tags stored so far were lower-cased already; each key keeps its first spelling.
    tags_of = (
        "(SELECT coalesce(group_concat(label, ','), '') FROM "
        "(SELECT label FROM paper_tags WHERE paper_id = {id} ORDER BY tag))"
    )
    rows = db.execute("SELECT paper_id, tag FROM paper_tags ORDER BY rowid").fetchall()
    labels: dict[str, str] = {}
    for _paper_id, tag in rows:
        labels.setdefault(_m006_tag_key(tag), tag)
    statements = [
        "DROP TRIGGER paper_tags_list_insert",
        "DROP TRIGGER paper_tags_list_delete",
        "ALTER TABLE paper_tags ADD COLUMN label TEXT NOT NULL DEFAULT ''",
        "DELETE FROM paper_tags",
    ]
    for statement in statements:
        db.execute(statement)
    db.conn.executemany(
        "INSERT OR IGNORE INTO paper_tags (paper_id, tag, label) VALUES (?, ?, ?)",
        [(paper_id, key, labels[key]) for paper_id, tag in rows if (key := _m006_tag_key(tag))],
    )
    statements = [
        f"UPDATE papers SET tag_list = {tags_of.format(id='papers.id')}",
        f"""CREATE TRIGGER paper_tags_list_insert AFTER INSERT ON paper_tags BEGIN
            UPDATE papers SET tag_list = {tags_of.format(id="new.paper_id")}
            WHERE id = new.paper_id;
        END""",
        f"""CREATE TRIGGER paper_tags_list_delete AFTER DELETE ON paper_tags BEGIN
            UPDATE papers SET tag_list = {tags_of.format(id="old.paper_id")}
            WHERE id = old.paper_id;
        END""",
        # An item remembers the tags its section gives its paper, for when it is settled later.
        "ALTER TABLE list_items ADD COLUMN section_tags TEXT NOT NULL DEFAULT '[]'",
        "UPDATE list_items SET section_tags = json_array(topic) WHERE coalesce(topic, '') != ''",
        # Notes can be edited now: the search index follows.
        """CREATE TRIGGER notes_fts_update AFTER UPDATE OF text ON notes BEGIN
            UPDATE papers_fts SET notes = coalesce(
                (SELECT group_concat(text, ' ') FROM notes WHERE paper_id = new.paper_id), '')
            WHERE rowid = (SELECT rowid FROM papers WHERE id = new.paper_id);
        END""",
        "DROP VIEW paper_overview",
        # What the web view browses: one row per paper, searchable through papers_fts (its
        # rowid column is the paper's rowid), authors as text, tags (as spelt) and lists as
        # JSON arrays to facet on.
        """CREATE VIEW paper_overview AS
            SELECT p.id, p.title,
                (SELECT group_concat(a.value, ', ') FROM json_each(p.authors) a) AS authors,
                p.year, p.status,
                (SELECT json_group_array(t.label) FROM
                    (SELECT label FROM paper_tags WHERE paper_id = p.id ORDER BY tag) t) AS tags,
                (SELECT json_group_array(l.list_name) FROM
                    (SELECT DISTINCT list_name FROM list_items WHERE paper_id = p.id
                     ORDER BY list_name) l) AS lists,
                p.rating, p.priority, p.citekey, p.kind, p.primary_category, p.url, p.added_at,
                p.status_changed_at, p.rowid AS rowid
            FROM papers p""",
    ]
    for statement in statements:
        db.execute(statement)


# This migration's own copy, as it shipped with it, of the DOI a paper's doi column gives it
# as an identity (identifiers.doi_identity): bare, canonical, never arXiv's own.
_M007_DOI_LABEL = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def _m007_doi(value: str | None) -> str | None:
    words = _M007_DOI_LABEL.sub("", (value or "").strip()).split()
    doi = unquote(words[0]).strip().rstrip(".,;:)]}'\"").lower() if words else ""
    return doi if doi.startswith("10.") and not doi.startswith("10.48550/") else None


@migrations()
def m007_work_identities(db: Database) -> None:
    # One work, several identities: an arXiv preprint and its published version are one paper
    # with an arXiv id, a DOI, a dblp key, an OpenReview id. Every writer of papers adds the
    # ids a paper's own columns give it (store/rows.py: identity_rows); here, those of the
    # papers stored so far.
    statements = [
        """CREATE TABLE paper_identities (
            kind TEXT NOT NULL
                CHECK (kind IN ('arxiv', 'doi', 'dblp', 'openreview', 'acl', 'url')),
            value TEXT NOT NULL,
            paper_id TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
            source TEXT NOT NULL,
            added_at TEXT NOT NULL,
            PRIMARY KEY (kind, value)
        )""",
        "CREATE INDEX idx_paper_identities_paper_id ON paper_identities (paper_id)",
        # What a scholarly source said of the paper: "work" is the record a non-arXiv entry was
        # made from (Crossref, dblp); "published" the venue version of an arXiv preprint.
        """CREATE TABLE work_records (
            paper_id TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('work', 'published')),
            source TEXT NOT NULL,
            key TEXT NOT NULL,
            record TEXT NOT NULL,
            fetched_at TEXT NOT NULL,
            PRIMARY KEY (paper_id, role)
        )""",
        # Lookups in a secondary source: found, none (looked, nothing acceptable) or pending
        # (the source could not be asked); the next `check` retries the pending ones.
        """CREATE TABLE source_lookups (
            paper_id TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
            source TEXT NOT NULL,
            purpose TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('found', 'none', 'pending')),
            detail TEXT,
            at TEXT NOT NULL,
            PRIMARY KEY (paper_id, source, purpose)
        )""",
    ]
    for statement in statements:
        db.execute(statement)
    rows = db.execute("SELECT id, arxiv_id, kind, doi, added_at FROM papers ORDER BY rowid")
    identities: list[tuple[str, str, str, str, str]] = []
    for paper_id, arxiv_id, kind, doi, added_at in rows.fetchall():
        if arxiv_id:
            identities.append(("arxiv", arxiv_id, paper_id, "arxiv", added_at))
        if (value := _m007_doi(doi)) is not None:
            identities.append(("doi", value, paper_id, kind, added_at))
    db.conn.executemany(
        "INSERT OR IGNORE INTO paper_identities (kind, value, paper_id, source, added_at) "
        "VALUES (?, ?, ?, ?, ?)",
        identities,
    )


@migrations()
def m008_records(db: Database) -> None:
    # A work keeps every citekey it was cited by: the key an imported .bib entry had when its
    # work was already in the library is an alias (exports honour it), unique among citekeys
    # and aliases alike, whatever the case.
    statements = [
        """CREATE TABLE paper_aliases (
            citekey TEXT PRIMARY KEY COLLATE NOCASE,
            paper_id TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
            added_at TEXT NOT NULL
        )""",
        "CREATE INDEX idx_paper_aliases_paper_id ON paper_aliases (paper_id)",
        """CREATE TRIGGER paper_aliases_insert BEFORE INSERT ON paper_aliases
        WHEN EXISTS (SELECT 1 FROM papers WHERE citekey = new.citekey) BEGIN
            SELECT RAISE(ABORT, 'UNIQUE constraint failed: an alias is a paper''s citekey');
        END""",
        """CREATE TRIGGER papers_citekey_insert BEFORE INSERT ON papers
        WHEN EXISTS (SELECT 1 FROM paper_aliases WHERE citekey = new.citekey) BEGIN
            SELECT RAISE(ABORT, 'UNIQUE constraint failed: a citekey is another''s alias');
        END""",
        """CREATE TRIGGER papers_citekey_update BEFORE UPDATE OF citekey ON papers
        WHEN EXISTS (
            SELECT 1 FROM paper_aliases WHERE citekey = new.citekey AND paper_id != old.id
        ) BEGIN
            SELECT RAISE(ABORT, 'UNIQUE constraint failed: a citekey is another''s alias');
        END""",
        # The @preamble blocks of imported .bib files (macros their entries use), each once,
        # in the order they arrived; exports write them before the entries.
        """CREATE TABLE bib_preambles (
            preamble TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            added_at TEXT NOT NULL
        )""",
    ]
    for statement in statements:
        db.execute(statement)


@migrations()
def m009_paper_edits(db: Database) -> None:
    # Every change made to an entry by hand (`edit`, `edit --set`, `merge`), field by field:
    # what it held before and after (NULL: the field was absent, or is removed), and when.
    statements = [
        """CREATE TABLE paper_edits (
            id INTEGER PRIMARY KEY,
            paper_id TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
            field TEXT NOT NULL,
            before TEXT,
            after TEXT,
            how TEXT NOT NULL CHECK (how IN ('editor', 'set', 'merge')),
            at TEXT NOT NULL
        )""",
        "CREATE INDEX idx_paper_edits_paper_id ON paper_edits (paper_id, at)",
    ]
    for statement in statements:
        db.execute(statement)


# The tables besides papers whose rows (each naming its paper in paper_id) a paper's exported
# entry is rendered from: a change to any of them, by any writer, drops that paper's cached
# entries (m010).
_M010_RENDERED = ("paper_tags", "paper_aliases", "work_records", "paper_identities")
# Tables that change what a kept export selects or writes without changing an entry.
_M010_SELECTING = ("list_items", "bib_preambles")


@migrations()
def m010_export_cache(db: Database) -> None:
    # Exports are mostly concatenation: each paper's rendered entry is stored per format,
    # options (the version cited) and renderer version, filled by the exports that render it.
    # Triggers drop a paper's entries whenever anything it is rendered from changes, and count
    # every change an export could show (``export_generation``), so that kept exports (a .bib
    # registered with `export --keep`) are rewritten only when their library changed.
    bump = "UPDATE export_generation SET generation = generation + 1 WHERE id = 1;"
    statements = [
        # A rowid table with its key in an index of its own: which entries are cached is then
        # read from the index, without the entries' pages.
        """CREATE TABLE export_cache (
            paper_id TEXT NOT NULL,
            format TEXT NOT NULL,
            options TEXT NOT NULL,
            renderer TEXT NOT NULL,
            entry TEXT NOT NULL,
            warnings TEXT NOT NULL DEFAULT '[]'
        )""",
        """CREATE UNIQUE INDEX idx_export_cache_key
            ON export_cache (paper_id, format, options, renderer)""",
        # Entries of an older renderer are found, and those of a format counted, without
        # reading every entry.
        "CREATE INDEX idx_export_cache_renderer ON export_cache (renderer, format, options)",
        """CREATE TABLE export_generation (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            generation INTEGER NOT NULL
        )""",
        "INSERT INTO export_generation (id, generation) VALUES (1, 0)",
        # Files `export --keep` keeps in sync: what was exported (format, filter and options
        # as JSON), the generation and digest of the text last written there.
        """CREATE TABLE kept_exports (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,
            format TEXT NOT NULL,
            filter TEXT NOT NULL,
            options TEXT NOT NULL,
            generation INTEGER NOT NULL,
            digest TEXT NOT NULL,
            created_at TEXT NOT NULL,
            written_at TEXT NOT NULL
        )""",
        f"""CREATE TRIGGER papers_export_insert AFTER INSERT ON papers BEGIN {bump} END""",
        f"""CREATE TRIGGER papers_export_update AFTER UPDATE ON papers BEGIN
            DELETE FROM export_cache WHERE paper_id IN (old.id, new.id); {bump}
        END""",
        f"""CREATE TRIGGER papers_export_delete AFTER DELETE ON papers BEGIN
            DELETE FROM export_cache WHERE paper_id = old.id; {bump}
        END""",
    ]
    for table in _M010_RENDERED:
        statements += [
            f"""CREATE TRIGGER {table}_export_insert AFTER INSERT ON {table} BEGIN
                DELETE FROM export_cache WHERE paper_id = new.paper_id; {bump}
            END""",
            f"""CREATE TRIGGER {table}_export_update AFTER UPDATE ON {table} BEGIN
                DELETE FROM export_cache WHERE paper_id IN (old.paper_id, new.paper_id); {bump}
            END""",
            f"""CREATE TRIGGER {table}_export_delete AFTER DELETE ON {table} BEGIN
                DELETE FROM export_cache WHERE paper_id = old.paper_id; {bump}
            END""",
        ]
    for table in _M010_SELECTING:
        statements += [
            f"CREATE TRIGGER {table}_export_{op.lower()} AFTER {op} ON {table} BEGIN {bump} END"
            for op in ("INSERT", "UPDATE", "DELETE")
        ]
    for statement in statements:
        db.execute(statement)


@migrations()
def m011_export_indexes(db: Database) -> None:
    # The fields by which a .bib entry names another it takes fields from (BibTeX's crossref,
    # biblatex's xdata and xref): few entries have one, and an index of just those lets every
    # export find the parents it must write without reading each record's JSON.
    for name in ("crossref", "xdata", "xref"):
        value = f"json_extract(record, '$.fields.{name}')"
        db.execute(
            f"CREATE INDEX idx_work_records_{name} ON work_records ({value}, paper_id) "
            f"WHERE {value} IS NOT NULL"
        )
    # An export walks the papers in citekey order to join their cached entries: with the id
    # beside the key, the walk reads no paper's row.
    db.execute("CREATE INDEX idx_papers_citekey_id ON papers (citekey COLLATE NOCASE, id)")
