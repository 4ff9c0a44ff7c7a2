CREATE TABLE "_sqlite_migrations" (
   "id" INTEGER PRIMARY KEY,
   "migration_set" TEXT,
   "name" TEXT,
   "applied_at" TEXT
);
CREATE TABLE bib_preambles (
            preamble TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            added_at TEXT NOT NULL
        );
CREATE TABLE export_cache (
            paper_id TEXT NOT NULL,
            format TEXT NOT NULL,
            options TEXT NOT NULL,
            renderer TEXT NOT NULL,
            entry TEXT NOT NULL,
            warnings TEXT NOT NULL DEFAULT '[]'
        );
CREATE TABLE export_generation (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            generation INTEGER NOT NULL
        );
CREATE TABLE kept_exports (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,
            format TEXT NOT NULL,
            filter TEXT NOT NULL,
            options TEXT NOT NULL,
            generation INTEGER NOT NULL,
            digest TEXT NOT NULL,
            created_at TEXT NOT NULL,
            written_at TEXT NOT NULL
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
            resolved_at TEXT, section_tags TEXT NOT NULL DEFAULT '[]',
            UNIQUE (list_name, position, part)
        );
CREATE TABLE lists (
            name TEXT PRIMARY KEY,
            title TEXT,
            source TEXT,
            source_date TEXT,
            description TEXT,
            created_at TEXT NOT NULL
        );
CREATE TABLE notes (
            id INTEGER PRIMARY KEY,
            paper_id TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
            text TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
CREATE TABLE paper_aliases (
            citekey TEXT PRIMARY KEY COLLATE NOCASE,
            paper_id TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
            added_at TEXT NOT NULL
        );
CREATE TABLE paper_edits (
            id INTEGER PRIMARY KEY,
            paper_id TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
            field TEXT NOT NULL,
            before TEXT,
            after TEXT,
            how TEXT NOT NULL CHECK (how IN ('editor', 'set', 'merge')),
            at TEXT NOT NULL
        );
CREATE TABLE paper_identities (
            kind TEXT NOT NULL
                CHECK (kind IN ('arxiv', 'doi', 'dblp', 'openreview', 'acl', 'url')),
            value TEXT NOT NULL,
            paper_id TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
            source TEXT NOT NULL,
            added_at TEXT NOT NULL,
            PRIMARY KEY (kind, value)
        );
CREATE TABLE paper_links (
            paper_id TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
            after_id TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
            created_at TEXT NOT NULL,
            PRIMARY KEY (paper_id, after_id),
            CHECK (paper_id != after_id)
        );
CREATE TABLE paper_tags (
            paper_id TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
            tag TEXT NOT NULL, label TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (paper_id, tag)
        );
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
            status TEXT NOT NULL DEFAULT 'to-read' CHECK (status IN ('to-read', 'reading', 'read', 'skimmed', 'abandoned')),
            priority INTEGER NOT NULL DEFAULT 0,
            rating INTEGER CHECK (rating BETWEEN 1 AND 5),
            added_at TEXT NOT NULL,
            fetched_at TEXT,
            status_changed_at TEXT
        , tag_list TEXT NOT NULL DEFAULT '', first_author TEXT NOT NULL DEFAULT '', author_count INTEGER NOT NULL DEFAULT 0);
CREATE VIRTUAL TABLE papers_fts USING fts5(
            title, abstract, authors, notes, tokenize = 'unicode61 remove_diacritics 2'
        );
CREATE TABLE 'papers_fts_config'(k PRIMARY KEY, v) WITHOUT ROWID;
CREATE TABLE 'papers_fts_content'(id INTEGER PRIMARY KEY, c0, c1, c2, c3);
CREATE TABLE 'papers_fts_data'(id INTEGER PRIMARY KEY, block BLOB);
CREATE TABLE 'papers_fts_docsize'(id INTEGER PRIMARY KEY, sz BLOB);
CREATE TABLE 'papers_fts_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;
CREATE TABLE source_lookups (
            paper_id TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
            source TEXT NOT NULL,
            purpose TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('found', 'none', 'pending')),
            detail TEXT,
            at TEXT NOT NULL,
            PRIMARY KEY (paper_id, source, purpose)
        );
CREATE TABLE status_events (
            id INTEGER PRIMARY KEY,
            paper_id TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
            status TEXT NOT NULL CHECK (status IN ('to-read', 'reading', 'read', 'skimmed', 'abandoned')),
            version INTEGER,
            at TEXT NOT NULL
        );
CREATE TABLE work_records (
            paper_id TEXT NOT NULL REFERENCES papers (id) ON DELETE CASCADE ON UPDATE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('work', 'published')),
            source TEXT NOT NULL,
            key TEXT NOT NULL,
            record TEXT NOT NULL,
            fetched_at TEXT NOT NULL,
            PRIMARY KEY (paper_id, role)
        );
CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name"
    ON "_sqlite_migrations" ("migration_set", "name");
CREATE UNIQUE INDEX idx_export_cache_key
            ON export_cache (paper_id, format, options, renderer);
CREATE INDEX idx_export_cache_renderer ON export_cache (renderer, format, options);
CREATE INDEX idx_list_items_paper_id ON list_items (paper_id);
CREATE INDEX idx_notes_paper_id ON notes (paper_id);
CREATE INDEX idx_paper_aliases_paper_id ON paper_aliases (paper_id);
CREATE INDEX idx_paper_edits_paper_id ON paper_edits (paper_id, at);
CREATE INDEX idx_paper_identities_paper_id ON paper_identities (paper_id);
CREATE INDEX idx_paper_links_after_id ON paper_links (after_id);
CREATE INDEX idx_paper_tags_tag ON paper_tags (tag);
CREATE INDEX idx_papers_added_at ON papers (added_at);
CREATE INDEX idx_papers_citekey_id ON papers (citekey COLLATE NOCASE, id);
CREATE INDEX idx_papers_listing ON papers
            (added_at, id, status, year, title, first_author, author_count, tag_list);
CREATE INDEX idx_papers_status ON papers (status);
CREATE INDEX idx_papers_year ON papers (year);
CREATE INDEX idx_status_events_paper_id ON status_events (paper_id);
CREATE INDEX idx_status_events_status_at ON status_events (status, at);
CREATE INDEX idx_work_records_crossref ON work_records (json_extract(record, '$.fields.crossref'), paper_id) WHERE json_extract(record, '$.fields.crossref') IS NOT NULL;
CREATE INDEX idx_work_records_xdata ON work_records (json_extract(record, '$.fields.xdata'), paper_id) WHERE json_extract(record, '$.fields.xdata') IS NOT NULL;
CREATE INDEX idx_work_records_xref ON work_records (json_extract(record, '$.fields.xref'), paper_id) WHERE json_extract(record, '$.fields.xref') IS NOT NULL;
CREATE TRIGGER bib_preambles_export_delete AFTER DELETE ON bib_preambles BEGIN UPDATE export_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER bib_preambles_export_insert AFTER INSERT ON bib_preambles BEGIN UPDATE export_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER bib_preambles_export_update AFTER UPDATE ON bib_preambles BEGIN UPDATE export_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER list_items_export_delete AFTER DELETE ON list_items BEGIN UPDATE export_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER list_items_export_insert AFTER INSERT ON list_items BEGIN UPDATE export_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER list_items_export_update AFTER UPDATE ON list_items BEGIN UPDATE export_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN
            UPDATE papers_fts SET notes = coalesce((SELECT group_concat(text, ' ') FROM notes WHERE paper_id = old.paper_id), '')
            WHERE rowid = (SELECT rowid FROM papers WHERE id = old.paper_id);
        END;
CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN
            UPDATE papers_fts SET notes = coalesce((SELECT group_concat(text, ' ') FROM notes WHERE paper_id = new.paper_id), '')
            WHERE rowid = (SELECT rowid FROM papers WHERE id = new.paper_id);
        END;
CREATE TRIGGER notes_fts_update AFTER UPDATE OF text ON notes BEGIN
            UPDATE papers_fts SET notes = coalesce(
                (SELECT group_concat(text, ' ') FROM notes WHERE paper_id = new.paper_id), '')
            WHERE rowid = (SELECT rowid FROM papers WHERE id = new.paper_id);
        END;
CREATE TRIGGER paper_aliases_export_delete AFTER DELETE ON paper_aliases BEGIN
                DELETE FROM export_cache WHERE paper_id = old.paper_id; UPDATE export_generation SET generation = generation + 1 WHERE id = 1;
            END;
CREATE TRIGGER paper_aliases_export_insert AFTER INSERT ON paper_aliases BEGIN
                DELETE FROM export_cache WHERE paper_id = new.paper_id; UPDATE export_generation SET generation = generation + 1 WHERE id = 1;
            END;
CREATE TRIGGER paper_aliases_export_update AFTER UPDATE ON paper_aliases BEGIN
                DELETE FROM export_cache WHERE paper_id IN (old.paper_id, new.paper_id); UPDATE export_generation SET generation = generation + 1 WHERE id = 1;
            END;
CREATE TRIGGER paper_aliases_insert BEFORE INSERT ON paper_aliases
        WHEN EXISTS (SELECT 1 FROM papers WHERE citekey = new.citekey) BEGIN
            SELECT RAISE(ABORT, 'UNIQUE constraint failed: an alias is a paper''s citekey');
        END;
CREATE TRIGGER paper_identities_export_delete AFTER DELETE ON paper_identities BEGIN
                DELETE FROM export_cache WHERE paper_id = old.paper_id; UPDATE export_generation SET generation = generation + 1 WHERE id = 1;
            END;
CREATE TRIGGER paper_identities_export_insert AFTER INSERT ON paper_identities BEGIN
                DELETE FROM export_cache WHERE paper_id = new.paper_id; UPDATE export_generation SET generation = generation + 1 WHERE id = 1;
            END;
CREATE TRIGGER paper_identities_export_update AFTER UPDATE ON paper_identities BEGIN
                DELETE FROM export_cache WHERE paper_id IN (old.paper_id, new.paper_id); UPDATE export_generation SET generation = generation + 1 WHERE id = 1;
            END;
CREATE VIEW paper_overview AS
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
            FROM papers p;
CREATE TRIGGER paper_tags_export_delete AFTER DELETE ON paper_tags BEGIN
                DELETE FROM export_cache WHERE paper_id = old.paper_id; UPDATE export_generation SET generation = generation + 1 WHERE id = 1;
            END;
CREATE TRIGGER paper_tags_export_insert AFTER INSERT ON paper_tags BEGIN
                DELETE FROM export_cache WHERE paper_id = new.paper_id; UPDATE export_generation SET generation = generation + 1 WHERE id = 1;
            END;
CREATE TRIGGER paper_tags_export_update AFTER UPDATE ON paper_tags BEGIN
                DELETE FROM export_cache WHERE paper_id IN (old.paper_id, new.paper_id); UPDATE export_generation SET generation = generation + 1 WHERE id = 1;
            END;
CREATE TRIGGER paper_tags_list_delete AFTER DELETE ON paper_tags BEGIN
            UPDATE papers SET tag_list = (SELECT coalesce(group_concat(label, ','), '') FROM (SELECT label FROM paper_tags WHERE paper_id = old.paper_id ORDER BY tag))
            WHERE id = old.paper_id;
        END;
CREATE TRIGGER paper_tags_list_insert AFTER INSERT ON paper_tags BEGIN
            UPDATE papers SET tag_list = (SELECT coalesce(group_concat(label, ','), '') FROM (SELECT label FROM paper_tags WHERE paper_id = new.paper_id ORDER BY tag))
            WHERE id = new.paper_id;
        END;
CREATE TRIGGER papers_citekey_insert BEFORE INSERT ON papers
        WHEN EXISTS (SELECT 1 FROM paper_aliases WHERE citekey = new.citekey) BEGIN
            SELECT RAISE(ABORT, 'UNIQUE constraint failed: a citekey is another''s alias');
        END;
CREATE TRIGGER papers_citekey_update BEFORE UPDATE OF citekey ON papers
        WHEN EXISTS (
            SELECT 1 FROM paper_aliases WHERE citekey = new.citekey AND paper_id != old.id
        ) BEGIN
            SELECT RAISE(ABORT, 'UNIQUE constraint failed: a citekey is another''s alias');
        END;
CREATE TRIGGER papers_export_delete AFTER DELETE ON papers BEGIN
            DELETE FROM export_cache WHERE paper_id = old.id; UPDATE export_generation SET generation = generation + 1 WHERE id = 1;
        END;
CREATE TRIGGER papers_export_insert AFTER INSERT ON papers BEGIN UPDATE export_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER papers_export_update AFTER UPDATE ON papers BEGIN
            DELETE FROM export_cache WHERE paper_id IN (old.id, new.id); UPDATE export_generation SET generation = generation + 1 WHERE id = 1;
        END;
CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers BEGIN
            DELETE FROM papers_fts WHERE rowid = old.rowid;
        END;
CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers BEGIN
            INSERT INTO papers_fts (rowid, title, abstract, authors, notes)
            VALUES (new.rowid, new.title, coalesce(new.abstract, ''), new.authors, '');
        END;
CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, abstract, authors ON papers
        BEGIN
            UPDATE papers_fts SET title = new.title, abstract = coalesce(new.abstract, ''),
                authors = new.authors WHERE rowid = new.rowid;
        END;
CREATE TRIGGER work_records_export_delete AFTER DELETE ON work_records BEGIN
                DELETE FROM export_cache WHERE paper_id = old.paper_id; UPDATE export_generation SET generation = generation + 1 WHERE id = 1;
            END;
CREATE TRIGGER work_records_export_insert AFTER INSERT ON work_records BEGIN
                DELETE FROM export_cache WHERE paper_id = new.paper_id; UPDATE export_generation SET generation = generation + 1 WHERE id = 1;
            END;
CREATE TRIGGER work_records_export_update AFTER UPDATE ON work_records BEGIN
                DELETE FROM export_cache WHERE paper_id IN (old.paper_id, new.paper_id); UPDATE export_generation SET generation = generation + 1 WHERE id = 1;
            END;
