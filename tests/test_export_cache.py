"""Exports from the cache of rendered entries: the same text as rendering, filled lazily,
dropped by every change to what an entry is rendered from (whoever writes it, through the
triggers of m010), never used by other renderers, and never a reason to fail or wait."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from reading_list import formats
from reading_list.selection import PaperFilter
from reading_list.services import transfer
from reading_list.services.library import Library
from reading_list.store import open_db
from tests.arxiv_stub import StubServer
from tests.conftest import DATA, ROOT, Run

FORMATS = ("bibtex", "biblatex", "ris")
KEY = "snell2017prototypical"
# What the renderers of RENDERER_VERSION are made of: a change to one of these files changes
# what an entry may hold, so it comes with a bump of formats.RENDERER_VERSION (and the new
# digest here), or libraries would go on exporting the old renderers' cached entries.
RENDERER_SOURCES = (
    "reading_list/formats/bibtex.py",
    "reading_list/formats/bibrecord.py",
    "reading_list/formats/ris.py",
    "reading_list/formats/work_view.py",
    "reading_list/tex.py",
    "reading_list/tex_safety.py",
    "reading_list/names.py",
)
RENDERERS = {1: "3d93c40b921d231e", 2: "eae506b9ac6db2f9"}


def _db(tmp_path: Path) -> Path:
    return tmp_path / "rl" / "library.db"


def _cache(db: Path) -> list[tuple[str, str, str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT paper_id, format, options, renderer FROM export_cache ORDER BY 1, 2, 3"
        ).fetchall()


def _raw(db: Path, sql: str, params: tuple[object, ...] = ()) -> None:
    # Another program, or a writer not written yet: only the triggers see it.
    with sqlite3.connect(db) as conn:
        conn.execute(sql, params)


def test_the_renderer_version_is_bumped_with_the_renderers() -> None:
    digest = hashlib.sha256()
    for name in RENDERER_SOURCES:
        digest.update((ROOT / name).read_bytes())
    assert RENDERERS.get(formats.RENDERER_VERSION) == digest.hexdigest()[:16], (
        "the renderers changed: bump formats.RENDERER_VERSION and record "
        f"{digest.hexdigest()[:16]} for it in RENDERERS"
    )


def test_exports_fill_the_cache_and_read_it_back_unchanged(
    stub: StubServer, run: Run, tmp_path: Path
) -> None:
    run("seed", "google-brain-ama-2017", ok=True)
    run("import-bib", str(DATA / "records-sample.bib"), ok=True)
    db = _db(tmp_path)
    papers = int(run("list", "--json", ok=True).stdout.count('"citekey"'))
    for fmt in FORMATS:
        first = run("export", "-F", fmt, ok=True)
        filled = [row for row in _cache(db) if row[1] == fmt]
        assert len(filled) == papers, fmt
        second = run("export", "-F", fmt, ok=True)
        assert (second.stdout, second.stderr) == (first.stdout, first.stderr), fmt
    # The version cited is part of the key.
    preprint = run("export", "--prefer", "preprint", ok=True).stdout
    assert {row[2] for row in _cache(db) if row[1] == "bibtex"} == {
        "prefer=published",
        "prefer=preprint",
    }
    assert run("export", "--prefer", "preprint", ok=True).stdout == preprint


def test_every_change_an_entry_is_rendered_from_drops_it(
    stub: StubServer, run: Run, tmp_path: Path
) -> None:
    run("seed", "google-brain-ama-2017", ok=True)
    run("import-bib", str(DATA / "records-sample.bib"), ok=True)
    db = _db(tmp_path)
    run("export", "-F", "biblatex", ok=True)
    key = KEY
    changes = [
        # Through the commands.
        (("tag", key, "+cached"), None),
        (("status", key, "read"), None),
        # Through SQL any writer could run, on every table an entry is rendered from.
        (None, ("UPDATE papers SET title = 'Retitled Networks' WHERE citekey = ?", (key,))),
        (
            None,
            (
                "INSERT INTO paper_aliases (citekey, paper_id, added_at) "
                "SELECT 'snellalias', id, 'now' FROM papers WHERE citekey = ?",
                (key,),
            ),
        ),
        (
            None,
            (
                "UPDATE work_records SET record = json_set(record, '$.fields.note', 'Changed') "
                "WHERE paper_id = (SELECT id FROM papers WHERE citekey = 'hochreiter1997long')",
                (),
            ),
        ),
        (
            None,
            (
                "INSERT INTO paper_identities (kind, value, paper_id, source, added_at) "
                "SELECT 'doi', '10.1/x', id, 'manual', 'now' FROM papers WHERE citekey = ?",
                (key,),
            ),
        ),
        (None, ("DELETE FROM paper_tags WHERE tag = 'cached'", ())),
    ]
    for command, sql in changes:
        before = len(_cache(db))
        if command is not None:
            run(*command, ok=True)
        else:
            assert sql is not None
            _raw(db, *sql)
        assert len(_cache(db)) == before - 1, (command, sql)
        text = run("export", "-F", "biblatex", ok=True).stdout
        assert len(_cache(db)) == before, (command, sql)
        with sqlite3.connect(db) as conn:
            conn.execute("DELETE FROM export_cache")
        assert run("export", "-F", "biblatex", ok=True).stdout == text, (command, sql)
    assert "Retitled Networks" in text and "ids = {snellalias}" in text
    assert "note = {Changed}" in text
    run("rm", key, "--yes", ok=True)
    assert not any(row[0] == "1703.05175" for row in _cache(db))


def test_other_renderers_never_use_the_cache(
    stub: StubServer, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("seed", "google-brain-ama-2017", ok=True)
    db = _db(tmp_path)
    text = run("export", ok=True).stdout
    _raw(db, "UPDATE export_cache SET entry = 'stale'")
    assert "stale" in run("export", ok=True).stdout
    monkeypatch.setattr(formats, "RENDERER_VERSION", formats.RENDERER_VERSION + 1)
    assert run("export", ok=True).stdout == text
    assert {row[3] for row in _cache(db)} == {transfer.renderer_version()}


def test_an_entry_changed_during_an_export_is_not_cached_stale(
    stub: StubServer, run: Run, tmp_path: Path
) -> None:
    run("seed", "google-brain-ama-2017", ok=True)
    db = _db(tmp_path)
    lib = Library.open(db)
    chunks = transfer.export(lib, PaperFilter(sort="citekey"), "bibtex").chunks
    first = next(chunks)
    _raw(
        db, "UPDATE papers SET title = 'Changed Meanwhile' WHERE citekey = 'snell2017prototypical'"
    )
    text = (first + b"".join(chunks)).decode()
    lib.close()
    assert "Changed Meanwhile" not in text  # the export is of one moment
    assert _cache(db) == []  # whose entries are no longer all current
    assert "Changed Meanwhile" in run("export", ok=True).stdout


def test_a_busy_library_still_exports_at_once(stub: StubServer, run: Run, tmp_path: Path) -> None:
    run("seed", "google-brain-ama-2017", ok=True)
    db = _db(tmp_path)
    expected = run("export", ok=True).stdout
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM export_cache")
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        assert run("export", ok=True).stdout == expected
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert _cache(db) == []
    store = open_db(db)
    assert store.exports.cache_size() == 0
    store.close()
