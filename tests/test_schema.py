"""Migrations: a fresh database gets the expected schema; reopening is a no-op."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reading_list.store import open_db
from reading_list.store.migrations import migrations

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "db" / "schema.sql"


def test_fresh_database_matches_committed_snapshot(tmp_path: Path) -> None:
    store = open_db(tmp_path / "t.db")
    current = store.schema_sql()
    assert SNAPSHOT.read_text() == current, (
        "schema changed: regenerate with `python -m reading_list.store.schema_snapshot`"
    )


def test_every_migration_applied_once_and_reopen_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    first = open_db(path)
    applied = first.applied_migrations()
    assert applied == [m.name for m in migrations._migrations]
    schema = first.schema_sql()
    first.close()
    second = open_db(path)
    assert second.applied_migrations() == applied
    assert second.schema_sql() == schema
    rows = second.sql.raw.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0]
    assert rows == len(applied)


def test_expected_columns_and_pragmas(tmp_path: Path) -> None:
    store = open_db(tmp_path / "t.db")
    columns = {r[1] for r in store.sql.raw.execute("PRAGMA table_info(papers)")}
    assert {
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
    } <= columns
    assert store.sql.raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.sql.raw.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    indexed = {
        r[0] for r in store.sql.raw.execute("SELECT name FROM sqlite_master WHERE type='index'")
    }
    assert {"idx_papers_status", "idx_paper_tags_tag", "idx_status_events_paper_id"} <= indexed


def test_a_file_that_is_not_sqlite_is_a_clear_error(tmp_path: Path) -> None:
    import pytest

    from reading_list.errors import NotALibrary

    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(NotALibrary, match=r"cannot open .* not a SQLite database"):
        open_db(bad)


def test_constraints_reject_bad_rows(tmp_path: Path) -> None:
    import pytest

    store = open_db(tmp_path / "t.db")
    with pytest.raises(sqlite3.IntegrityError):
        store.sql.raw.execute(
            "INSERT INTO papers (id, kind, citekey, title, added_at, status) "
            "VALUES ('x', 'arxiv', 'k', 't', 'now', 'finished')"
        )


def test_schema_version_constant_matches_the_migrations(tmp_path: Path) -> None:
    from reading_list.store import SCHEMA_VERSION

    assert SCHEMA_VERSION == len(migrations._migrations)
    store = open_db(tmp_path / "t.db")
    assert store.sql.raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
