"""Storage failures: each is one line on stderr and exit 1, and the library is left as it was.

The CLI runs either in a subprocess or through CliRunner with catch_exceptions=False, so that a
traceback fails the test instead of being swallowed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reading_list.errors import LibraryFull, NotALibrary, StorageError
from reading_list.metadata import PaperMetadata
from reading_list.store import NewPaper, open_db
from tests.conftest import ROOT, Run


def _paper(n: int, abstract: str | None = None) -> NewPaper:
    return NewPaper(
        citekey=f"key{n}",
        added_at="2026-01-01T00:00:00Z",
        metadata=PaperMetadata(title=f"Paper {n}", authors=("Ada Lovelace",), abstract=abstract),
        tags=("t",),
    )


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Path]:
    """A library holding three papers, closed (so that its WAL is checkpointed away)."""
    path = tmp_path / "lib" / "library.db"
    store = open_db(path)
    store.papers.insert([_paper(n) for n in range(3)])
    store.close()
    yield path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cli(*args: str, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, sys.executable, "-m", "reading_list", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _one_line_error(stderr: str, exit_code: int, *words: str) -> str:
    assert exit_code == 1, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: "), stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def _ids(stdout: str) -> list[str]:
    return [p["id"] for p in json.loads(stdout)]


# ---- transactions --------------------------------------------------------------------------


def test_a_failed_commit_rolls_back_and_the_next_write_commits(library: Path) -> None:
    store = open_db(library)
    with pytest.raises(StorageError, match="breaks a rule of the library"):
        with store.write():
            store.sql.run("PRAGMA defer_foreign_keys = ON")
            store.sql.run("INSERT INTO paper_tags (paper_id, tag) VALUES ('ghost', 'x')")
    assert not store.sql.raw.in_transaction
    store.papers.insert([_paper(9)])
    other = sqlite3.connect(library)
    assert other.execute("SELECT count(*) FROM papers").fetchone()[0] == 4
    assert other.execute("SELECT count(*) FROM paper_tags WHERE tag = 'x'").fetchone()[0] == 0
    other.close()
    store.close()


def test_a_full_disk_changes_nothing_and_writing_resumes_with_space(library: Path) -> None:
    store = open_db(library)
    pages = int(store.sql.scalar("PRAGMA page_count"))
    # SQLite's own size cap gives the SQLITE_FULL a full disk gives.
    store.sql.raw.execute(f"PRAGMA max_page_count = {pages + 2}")
    big = [_paper(100 + n, abstract="word " * 2000) for n in range(50)]
    with pytest.raises(LibraryFull, match="is full: the change in progress was undone"):
        store.papers.insert(big)
    assert not store.sql.raw.in_transaction
    assert store.papers.count() == 3
    store.sql.raw.execute("PRAGMA max_page_count = 1073741823")
    store.papers.insert([_paper(9)])
    store.close()
    assert open_db(library).papers.count() == 4


def test_a_write_inside_a_snapshot_is_refused(library: Path) -> None:
    store = open_db(library)
    with store.snapshot(), pytest.raises(RuntimeError):
        store.tags.add("manual:key0", ["x"])
    assert store.tags.of("manual:key0") == ["t"]
    store.close()


# ---- files that are not libraries ------------------------------------------------------------


def _foreign(path: Path, *, wal: bool) -> None:
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('Ada', '555')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("wal", [False, True], ids=["rollback-journal", "wal"])
def test_another_programs_sqlite_file_is_refused_and_left_byte_for_byte(
    tmp_path: Path, wal: bool
) -> None:
    folder = tmp_path / "other"
    folder.mkdir()
    path = folder / "contacts.db"
    _foreign(path, wal=wal)
    before, files = _digest(path), sorted(os.listdir(folder))
    for args in (["list"], ["add", "1703.05175"], ["status", "x", "read"], ["dump"]):
        result = _cli("--db", str(path), *args)
        _one_line_error(result.stderr, result.returncode, "not a reading-list library")
        assert result.stdout == ""
    assert _digest(path) == before
    assert sorted(os.listdir(folder)) == files
    with pytest.raises(NotALibrary):
        open_db(path)
    assert _digest(path) == before


def test_a_file_that_is_not_sqlite_is_refused_unchanged(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    path = folder / "notes.db"
    path.write_text("my notes, not a database\n" * 200)
    before = _digest(path)
    result = _cli("--db", str(path), "list")
    _one_line_error(result.stderr, result.returncode, "not a SQLite database")
    assert _digest(path) == before
    assert os.listdir(folder) == ["notes.db"]


# ---- a newer schema ------------------------------------------------------------------------


@pytest.mark.parametrize("user_version", [99, 0], ids=["newer-version", "unknown-migration"])
def test_a_library_from_a_newer_schema_is_read_but_never_written(
    library: Path, user_version: int
) -> None:
    conn = sqlite3.connect(library)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('reading_list', 'm099_from_the_future', '2030-01-01')"
    )
    conn.execute(f"PRAGMA user_version = {user_version}")
    conn.commit()
    conn.close()
    before = _digest(library)
    listed = _cli("--db", str(library), "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)) == 3
    for args in (["status", "key1", "read"], ["tag", "key1", "+x"], ["note", "key1", "hi"]):
        result = _cli("--db", str(library), *args)
        _one_line_error(result.stderr, result.returncode, "newer reading-list", "upgrade")
    assert _digest(library) == before


# ---- damage, locks, permissions --------------------------------------------------------------


def test_a_corrupt_page_is_one_line_pointing_at_doctor(library: Path, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.db"
    shutil.copy(library, damaged)
    conn = sqlite3.connect(damaged)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    roots = [
        r[0]
        for r in conn.execute("SELECT rootpage FROM sqlite_master WHERE tbl_name = 'papers'")
        if r[0]
    ]
    conn.close()
    with damaged.open("r+b") as handle:
        for page in roots:
            handle.seek((page - 1) * page_size)
            handle.write(b"\xa5" * page_size)
    for args in (["list"], ["list", "--json"], ["show", "key1"], ["export"]):
        result = _cli("--db", str(damaged), *args)
        _one_line_error(result.stderr, result.returncode, "is damaged", "reading-list doctor")
    doctor = _cli("--db", str(damaged), "doctor", "--json")
    assert doctor.returncode == 1, doctor.stderr
    assert "Traceback" not in doctor.stderr
    findings = json.loads(doctor.stdout)["findings"]
    assert [f["check"] for f in findings] == ["integrity"]


def test_a_locked_library_is_one_line_and_reads_go_on(
    library: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("reading_list.store.connection.BUSY_TIMEOUT_S", 0.05)
    holder = sqlite3.connect(library, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("UPDATE papers SET priority = 1")
    try:
        result = run("--db", str(library), "status", "key1", "read")
        _one_line_error(result.stderr, result.exit_code, "is locked", "run the command again")
        listed = run("--db", str(library), "list", "--json")
        assert listed.exit_code == 0, listed.stderr
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert run("--db", str(library), "status", "key1", "read").exit_code == 0
    assert run("--db", str(library), "show", "key1", "--json").stdout.count('"read"') >= 1


def _unprivileged() -> tuple[str, ...]:
    """A command prefix under which file permissions apply (root ignores them)."""
    if os.geteuid() != 0:
        return ()
    if shutil.which("unshare") is None or subprocess.run(["unshare", "--user", "true"]).returncode:
        pytest.skip("running as root, and no user namespace to drop the privilege in")
    return ("unshare", "--user")


def test_a_read_only_file_is_listed_and_writes_are_one_line(library: Path) -> None:
    prefix = _unprivileged()
    before = _digest(library)
    library.chmod(0o444)
    try:
        listed = _cli("--db", str(library), "list", "--json", prefix=prefix)
        assert listed.returncode == 0, listed.stderr
        assert len(json.loads(listed.stdout)) == 3
        # Exports render what the cache cannot hold, and say nothing of it.
        exported = _cli("--db", str(library), "export", prefix=prefix)
        assert (exported.returncode, exported.stderr) == (0, "")
        assert exported.stdout.count("@") == 3
        for args in (["status", "key1", "read"], ["rm", "key1", "--yes"], ["tag", "key1", "+x"]):
            result = _cli("--db", str(library), *args, prefix=prefix)
            _one_line_error(result.stderr, result.returncode, "read-only", "writable")
    finally:
        library.chmod(0o600)
    assert _digest(library) == before


def _read_only_mount(folder: Path) -> tuple[str, ...]:
    prefix = (
        "unshare",
        "--user",
        "--map-root-user",
        "--mount",
        "sh",
        "-c",
        'mount --bind -o ro "$0" "$0" && exec "$@"',
        str(folder),
    )
    if shutil.which("unshare") is None or subprocess.run([*prefix, "true"]).returncode:
        pytest.skip("no user and mount namespaces here to make a read-only mount in")
    return prefix


def test_a_library_on_a_read_only_mount_is_listed_and_writes_are_one_line(
    library: Path,
) -> None:
    prefix = _read_only_mount(library.parent)
    before, files = _digest(library), sorted(os.listdir(library.parent))
    listed = _cli("--db", str(library), "list", "--json", prefix=prefix)
    assert listed.returncode == 0, listed.stderr
    assert _ids(listed.stdout) == ["manual:key0", "manual:key1", "manual:key2"]
    exported = _cli("--db", str(library), "export", "-F", "ris", prefix=prefix)
    assert (exported.returncode, exported.stderr) == (0, "")
    assert exported.stdout.count("TY  - ") == 3
    for args in (["status", "key1", "read"], ["note", "key1", "hello"]):
        result = _cli("--db", str(library), *args, prefix=prefix)
        _one_line_error(result.stderr, result.returncode, "read-only", "folder")
    assert _digest(library) == before
    assert sorted(os.listdir(library.parent)) == files


FULL_DISK_DRIVER = """
import json, subprocess, sys
db, small, big = sys.argv[1:4]
def cli(*args):
    r = subprocess.run([sys.executable, "-m", "reading_list", "--db", db, *args],
                       capture_output=True, text=True)
    return {"code": r.returncode, "stdout": r.stdout, "stderr": r.stderr}
print(json.dumps({
    "small": cli("import-bib", small),
    "big": cli("import-bib", big),
    "list": cli("list", "--json"),
    "doctor": cli("doctor", "--json"),
}))
"""


def _bib(path: Path, count: int, abstract: str = "") -> Path:
    path.write_text(
        "".join(
            f"@article{{{path.stem}{n},\n  title = {{Work {n} of {path.stem}}},\n"
            f"  author = {{Writer, Ann}},\n  year = {{2020}},\n  abstract = {{{abstract}}}\n}}\n"
            for n in range(count)
        )
    )
    return path


def test_a_full_disk_through_the_cli_is_one_line_and_nothing_half_written(
    tmp_path: Path,
) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    prefix = (
        "unshare",
        "--user",
        "--map-root-user",
        "--mount",
        "sh",
        "-c",
        'mount -t tmpfs -o size=1m tmpfs "$0" && exec "$@"',
        str(disk),
    )
    if shutil.which("unshare") is None or subprocess.run([*prefix, "true"]).returncode:
        pytest.skip("no user and mount namespaces here to make a small disk in")
    driver = tmp_path / "driver.py"
    driver.write_text(FULL_DISK_DRIVER)
    small = _bib(tmp_path / "small.bib", 5)
    big = _bib(tmp_path / "big.bib", 1500, abstract="many words " * 100)
    out = subprocess.run(
        [*prefix, sys.executable, str(driver), str(disk / "library.db"), str(small), str(big)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    results = json.loads(out.stdout)
    assert results["small"]["code"] == 0, results["small"]["stderr"]
    _one_line_error(results["big"]["stderr"], results["big"]["code"], "is full", "free some space")
    assert results["list"]["code"] == 0, results["list"]["stderr"]
    assert len(json.loads(results["list"]["stdout"])) == 5
    assert results["doctor"]["code"] == 0, results["doctor"]["stdout"]


# ---- two writers ---------------------------------------------------------------------------


def test_two_processes_adding_the_same_ids_both_succeed(tmp_path: Path) -> None:
    import threading

    from tests.arxiv_stub import StubServer, synthetic_records

    records = synthetic_records(100)
    with StubServer(records) as server:
        env = {**os.environ, "READING_LIST_ARXIV_URL": server.url}
        for round_ in range(3):
            # Both answers leave the server at once, so both processes store the same papers
            # at the same moment.
            server.state.together = threading.Barrier(2)
            db = tmp_path / f"race{round_}.db"
            procs = [
                subprocess.Popen(
                    [sys.executable, "-m", "reading_list", "--db", str(db), "add", *records],
                    cwd=ROOT,
                    env={**env, "READING_LIST_CACHE_DIR": str(tmp_path / f"cache{round_}-{n}")},
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for n in range(2)
            ]
            for proc in procs:
                _, err = proc.communicate(timeout=120)
                assert proc.returncode == 0, err
                assert err == "", err
            store = open_db(db)
            assert store.papers.existing_arxiv_ids(records) == set(records)
            assert store.papers.count() == len(records)
            store.close()


def _mixed_bib(path: Path, count: int) -> Path:
    """Half arXiv entries, half manual ones, each with a tag and some a read status."""
    entries = []
    for n in range(count):
        eprint = f"  eprint = {{2001.{n:05d}}},\n  archiveprefix = {{arXiv}},\n" if n % 2 else ""
        status = "  readstatus = {read},\n" if n % 7 == 0 else ""
        entries.append(
            f"@article{{entry{n},\n  title = {{Entry number {n}}},\n"
            f"  author = {{Writer, Ann and Reader, Bob}},\n  year = {{2020}},\n"
            f"{eprint}{status}  keywords = {{group{n % 3}}}\n}}\n"
        )
    path.write_text("".join(entries))
    return path


def test_two_processes_importing_the_same_bib_both_succeed(tmp_path: Path) -> None:
    bib = _mixed_bib(tmp_path / "shared.bib", 2500)
    db = tmp_path / "shared.db"
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "reading_list", "--db", str(db), "import-bib", str(bib)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert "Traceback" not in err
    store = open_db(db)
    assert store.papers.count() == 2500
    assert store.checks.citekey_clashes() == []
    assert store.sql.scalar("SELECT count(*) FROM paper_tags") == 2500
    assert store.sql.scalar("SELECT count(*) FROM status_events") == len(range(0, 2500, 7))
    store.close()


def test_an_import_racing_another_import_between_its_chunks_skips_what_landed(
    tmp_path: Path,
) -> None:
    from reading_list.models import BibImportReport
    from reading_list.services.library import Library
    from reading_list.services.transfer import import_bib

    bib = _mixed_bib(tmp_path / "race.bib", 2100)  # two chunks of the reader
    db = tmp_path / "race.db"
    # import-bib is one of the commands that may create the library.
    first, second = Library.open(db, create=True), Library.open(db, create=True)
    reports: list[BibImportReport] = []

    def after_each_chunk(done: int, total: int, label: str) -> None:
        if not reports:
            reports.append(import_bib(second, bib))

    mine = import_bib(first, bib, on_progress=after_each_chunk)
    theirs = reports[0]
    assert mine.added + mine.manual == 2000 and mine.exists == 100
    assert theirs.exists == 2000 and theirs.added + theirs.manual == 100
    assert first.store.papers.count() == 2100
    first.close()
    second.close()
