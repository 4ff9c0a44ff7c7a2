"""Crashes, concurrent writers, doctor and file permissions."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from reading_list.store import open_db
from tests.arxiv_stub import StubServer, synthetic_records
from tests.conftest import ROOT, Run


def _cli(*args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "reading_list", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _assert_whole(db: Path) -> int:
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = conn.execute("SELECT id, title, authors, fetched_at, citekey FROM papers").fetchall()
    for paper_id, title, authors, fetched_at, citekey in rows:
        assert title and citekey and fetched_at, paper_id
        assert len(json.loads(authors)) == 2, paper_id
    conn.close()
    return len(rows)


@pytest.mark.slow
def test_kill_9_mid_batch_leaves_a_whole_database(tmp_path: Path) -> None:
    records = synthetic_records(200)
    ids = tmp_path / "ids.txt"
    ids.write_text("\n".join(records) + "\n")
    db = tmp_path / "crash.db"
    rng = random.Random(7)
    with StubServer(records) as server:
        server.state.latency = 0.3
        env = {
            **os.environ,
            "READING_LIST_ARXIV_URL": server.url,
            "READING_LIST_DB": str(db),
            "READING_LIST_CACHE_DIR": str(tmp_path / "cache"),
        }
        seen_counts = set()
        for _ in range(6):
            proc = _cli("add", "--file", str(ids), env=env)
            time.sleep(rng.uniform(0.05, 1.2))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            seen_counts.add(_assert_whole(db) if db.exists() else 0)
        assert seen_counts <= {0, 100, 200}
        final = _cli("add", "--file", str(ids), env=env)
        assert final.wait(timeout=60) == 0, final.stderr.read() if final.stderr else ""
    assert _assert_whole(db) == 200


WRITER = """
import sys, time
from pathlib import Path
from reading_list.services.papers import Library, add_papers, change_tags, set_status
name, db, seconds = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3])
lib = Library.open(db)
ids = [l.strip() for l in open(sys.argv[4]) if l.strip()]
to_add = [l.strip() for l in open(sys.argv[5]) if l.strip()]
deadline = time.monotonic() + seconds
n = 0
while time.monotonic() < deadline:
    paper = ids[n % len(ids)]
    change_tags(lib, paper, [f"+{name}-{n}"])
    set_status(lib, paper, ["reading", "read", "to-read"][n % 3])
    if n < len(to_add):
        report = add_papers(lib, [to_add[n]])
        assert report.outcomes[0].outcome == "added", report
    n += 1
print(n)
"""


@pytest.mark.slow
def test_two_writers_lose_nothing_and_never_see_locked(
    stub: StubServer, run: Run, tmp_path: Path
) -> None:
    db = tmp_path / "shared.db"
    ids = ["1703.05175", "1611.01989", "1703.07469", "1410.4615", "1605.06640"]
    run("--db", str(db), "add", *ids, ok=True)
    id_file = tmp_path / "ids.txt"
    id_file.write_text("\n".join(ids))
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    spare = sorted(set(stub.state.records) - set(ids))
    halves = {"a": spare[::2][:15], "b": spare[1::2][:15]}
    for name, half in halves.items():
        (tmp_path / f"add-{name}.txt").write_text("\n".join(half))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                str(script),
                name,
                str(db),
                "4",
                str(id_file),
                str(tmp_path / f"add-{name}.txt"),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        for name in ("a", "b")
    ]
    counts = {}
    for name, proc in zip(("a", "b"), procs, strict=True):
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert "locked" not in err
        counts[name] = int(out.strip())
    store = open_db(db)
    tags = {t for p in store.papers.select(_all()) for t in p.tags}
    for name, n in counts.items():
        assert {f"{name}-{i}" for i in range(n)} <= tags, name
    events = store.sql.scalar("SELECT count(*) FROM status_events")
    assert events == counts["a"] + counts["b"]
    added = {p.id for p in store.papers.select(_all())} - set(ids)
    expected = set(halves["a"][: counts["a"]]) | set(halves["b"][: counts["b"]])
    assert added == expected


def _all() -> Any:
    from reading_list.selection import PaperFilter

    return PaperFilter()


def test_doctor_finds_and_fixes(
    stub: StubServer, run: Run, run_json: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setenv("READING_LIST_ARXIV_URL", "http://127.0.0.1:9/api/query")
    run("seed", "google-brain-ama-2017", ok=True)  # offline: shipped metadata
    monkeypatch.setenv("READING_LIST_ARXIV_URL", stub.url)
    db = Path(os.environ["READING_LIST_HOME"]) / "library.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("INSERT INTO paper_tags (paper_id, tag) VALUES ('9999.99999', 'ghost')")
    # Tables added by later migrations dangle the same way.
    conn.execute(
        "INSERT INTO paper_aliases (citekey, paper_id, added_at) "
        "VALUES ('ghost2017', '9999.99999', 'now')"
    )
    conn.execute(
        "INSERT INTO work_records (paper_id, role, source, key, record, fetched_at) "
        "VALUES ('9999.99999', 'work', 'bib', 'ghost', '{}', 'now')"
    )
    conn.execute(
        "INSERT INTO papers (id, kind, citekey, title, authors, added_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            "manual:dup",
            "manual",
            "dup",
            "DeepCoder: Learning to Write Programs",
            json.dumps(["Matej Balog"]),
            "now",
        ],
    )
    conn.commit()
    conn.close()
    report = json.loads(run("doctor", "--json").stdout)
    checks = {f["check"] for f in report["findings"]}
    assert {"orphans", "never-fetched", "duplicate-title"} <= checks
    assert run("doctor").exit_code == 1
    fixed = run("doctor", "--fix", "--json")
    assert fixed.exit_code == 0, fixed.stdout + fixed.stderr
    after = json.loads(run("doctor", "--json").stdout)
    assert {f["check"] for f in after["findings"]} == {"duplicate-title"}
    assert run_json("show", "1611.01989")["fetched_at"] is not None


def test_files_are_private(stub: StubServer, run: Run, tmp_path: Path) -> None:
    run("add", "1703.05175", ok=True)
    db = Path(os.environ["READING_LIST_HOME"]) / "library.db"
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    # Output files are the user's own: they follow the umask (tests/test_output.py).
    out = tmp_path / "dump.jsonl"
    old_umask = os.umask(0o027)
    try:
        run("dump", "-o", str(out), ok=True)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
