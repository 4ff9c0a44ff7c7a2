"""Exports and dumps read one snapshot: commits made while they run are neither half-seen nor
seen twice. bench/concurrent_export.py is the stress version (a writer every few ms)."""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from reading_list.models import ArxivRecord
from reading_list.selection import PaperFilter
from reading_list.services import transfer
from reading_list.services.library import Library
from reading_list.services.papers import store_records
from reading_list.store import open_db

ENTRY_KEY = {
    "bibtex": re.compile(r"^@\w+\{([^,]+),", re.MULTILINE),
    "biblatex": re.compile(r"^@\w+\{([^,]+),", re.MULTILINE),
    "ris": re.compile(r"^ID  - (.+)$", re.MULTILINE),
}


def _record(n: int) -> ArxivRecord:
    return ArxivRecord(
        arxiv_id=f"2501.{n:05d}",
        version=1,
        title=f"Snapshot paper {n:05d} on consistent reads",
        authors=[f"Author{n} Family{n % 7}", "Zoë Ångström"],
        summary=f"Abstract {n}.",
        categories=["cs.DB"],
        primary_category="cs.DB",
        published="2025-01-15T00:00:00Z",
    )


def _add(db: Path, numbers: range) -> None:
    lib = Library.open(db, create=True)
    store_records(lib, [_record(n) for n in numbers], refresh=False)
    lib.close()


def _remove(db: Path, numbers: range) -> None:
    store = open_db(db)
    with store.write():
        for n in numbers:
            store.papers.delete(f"2501.{n:05d}")
    store.close()


def _keys_of(db: Path) -> Counter[str]:
    store = open_db(db)
    keys = Counter(p.citekey for p in store.papers.iter(PaperFilter(), with_tags=False))
    store.close()
    return keys


def _entry_keys(fmt: str, text: str) -> Counter[str]:
    if fmt in ENTRY_KEY:
        return Counter(ENTRY_KEY[fmt].findall(text))
    if fmt == "csl-json":
        return Counter(item["id"] for item in json.loads(text))
    if fmt == "json":
        return Counter(item["citekey"] for item in json.loads(text))
    rows = text.splitlines()[1:]
    return Counter(row.split(",")[1] for row in rows)


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Library]:
    db = tmp_path / "snap.db"
    _add(db, range(1, 81))
    # Small batches and a low threshold: the parallel path with many batches in flight.
    monkeypatch.setattr(transfer, "PARALLEL_FROM", 10)
    monkeypatch.setattr(transfer, "RENDER_BATCH", 7)
    monkeypatch.setattr(transfer, "DUMP_BATCH", 5)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    lib = Library.open(db)
    yield lib
    lib.close()


@pytest.mark.parametrize("fmt", transfer.FORMATS)
def test_export_sees_the_library_as_of_its_first_read(library: Library, fmt: str) -> None:
    db = library.settings.db_path
    result = transfer.export(library, PaperFilter(sort="citekey"), fmt)
    # Between the call and the first chunk: counted up front, this made slices miss papers.
    _add(db, range(81, 91))
    expected = _keys_of(db)
    chunks = iter(result.chunks)
    first = next(chunks)
    # While the export runs: removals and additions on both sides of the citekey order.
    _remove(db, range(1, 90, 3))
    _add(db, range(91, 111))
    text = (first + b"".join(chunks)).decode()
    got = _entry_keys(fmt, text)
    assert got == expected, (set(expected) - set(got), set(got) - set(expected))
    assert max(got.values()) == 1
    assert result.count == sum(expected.values()) == 90


def test_parallel_export_is_the_serial_export(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    def uncached() -> None:
        with library.store.write():
            library.store.sql.run("DELETE FROM export_cache")

    for fmt in transfer.CACHED_FORMATS:
        uncached()
        parallel = transfer.export(library, PaperFilter(sort="citekey"), fmt).text()
        uncached()
        monkeypatch.setattr(transfer, "PARALLEL_FROM", 10**9)
        serial = transfer.export(library, PaperFilter(sort="citekey"), fmt).text()
        monkeypatch.setattr(transfer, "PARALLEL_FROM", 10)
        assert parallel == serial, fmt
        # And the export from the cache is the same text.
        assert transfer.export(library, PaperFilter(sort="citekey"), fmt).text() == serial


def test_dump_is_one_moment(library: Library, tmp_path: Path) -> None:
    db = library.settings.db_path
    store = open_db(db)
    with store.write():
        store.tags.add("2501.00002", ["kept"])
    store.close()
    before = "".join(transfer.dump(library))
    chunks = iter(transfer.dump(library))
    first = next(chunks)
    # A deleted paper takes its tags with it: a dump reading tables at different moments
    # would hold tags of a paper it does not have, and could not be restored.
    _remove(db, range(1, 81))
    _add(db, range(200, 230))
    during = first + "".join(chunks)
    assert during == before
    restored = Library.open(tmp_path / "restored.db", create=True)
    path = tmp_path / "during.jsonl"
    path.write_text(during)
    counts = transfer.restore(restored, path)
    assert counts["paper"] == 80 and counts["tag"] == 1
    assert "".join(transfer.dump(restored)) == before
    restored.close()
