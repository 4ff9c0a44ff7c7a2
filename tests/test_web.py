"""The live web view: `reading-list web` serves the library through Datasette on 127.0.0.1,
read-only but not immutable (a change shows on the next request), searchable as people type,
authors as text, facets beside the search box, and nothing left behind.

Runs wherever Datasette is installed (the dev extras); in CI its absence is a failure."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import UNREACHABLE, Run

pytestmark = pytest.mark.web


def _datasette() -> str:
    beside = Path(sys.executable).parent / "datasette"
    found = str(beside) if beside.exists() else shutil.which("datasette")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI installs the dev extras, which include Datasette")
        pytest.skip("Datasette is not installed (pip install 'reading-list[web]')")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Web:
    def __init__(self, base: str) -> None:
        self.base = base

    def get(self, path: str, **query: str | list[str]) -> Any:
        url = f"{self.base}{path}?{urllib.parse.urlencode(query, doseq=True)}"
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200
            return json.loads(response.read().decode())

    def rows(self, **query: str | list[str]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.get(
            "/library/paper_overview.json", _shape="array", **query
        )
        return rows


@pytest.fixture
def web(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Web]:
    _datasette()
    monkeypatch.setenv("READING_LIST_ARXIV_URL", UNREACHABLE)
    monkeypatch.setenv("READING_LIST_ARXIV_RETRIES", "0")
    run("seed", "google-brain-ama-2017", ok=True)
    run("tag", "1703.05175", "+Metric Learning", ok=True)
    temp = tmp_path / "temp"
    temp.mkdir()
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "reading_list", "web", "--port", str(port)],
        env={**os.environ, "TMPDIR": str(temp)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(proc.stderr.read() if proc.stderr else "no server") from None
            time.sleep(0.2)
    try:
        yield Web(base)
    finally:
        # Ctrl-C at the terminal: the whole process group.
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert list(temp.iterdir()) == [], "the web view left temporary files behind"
    library = Path(os.environ["READING_LIST_HOME"])
    assert {p.name for p in library.iterdir()} <= {"library.db", "library.db-wal", "library.db-shm"}


def test_a_change_shows_on_the_next_request(web: Web, run: Run) -> None:
    [before] = web.rows(id="1703.05175")
    assert before["status"] == "to-read"
    run("status", "1703.05175", "read", ok=True)
    [after] = web.rows(id="1703.05175")
    assert after["status"] == "read"


def test_search_takes_what_people_type(web: Web) -> None:
    found = {row["id"] for row in web.rows(_search="few-shot")}
    assert found == {"1703.05175", "manual:ravi2017optimization"}
    assert {row["id"] for row in web.rows(_search='"few-shot')} == found
    assert web.rows(_search="zzzz AND OR (") == []
    papers = web.get("/library/papers.json", _shape="array", _search="prototypical networks")
    assert [row["id"] for row in papers] == ["1703.05175"]


def test_authors_are_text_and_facets_sit_beside_the_search(web: Web) -> None:
    [row] = web.rows(id="1703.05175")
    assert row["authors"] == "Jake Snell, Kevin Swersky, Richard S. Zemel"
    assert json.loads(row["tags"]) == ["few-shot", "Metric Learning"]
    page = web.get("/library/paper_overview.json", _search="few-shot")
    facets = page["facet_results"]
    assert {r["value"]: r["count"] for r in facets["status"]["results"]} == {"to-read": 2}
    assert {r["value"]: r["count"] for r in facets["tags"]["results"]} == {
        "few-shot": 2,
        "Metric Learning": 1,
    }
    assert {r["value"] for r in facets["lists"]["results"]} == {"google-brain-ama-2017"}
    listed = web.get("/library.json")
    hidden = {t["name"] for t in listed["tables"] if t["hidden"]}
    assert {"papers_fts", "_sqlite_migrations", "export_cache", "export_generation"} <= hidden


def test_datasette_is_a_supported_version(web: Web) -> None:
    version = web.get("/-/versions.json")["datasette"]["version"]
    major, minor = (int(part) for part in version.split(".")[:2])
    # pyproject.toml: datasette>=0.65,<1.0
    assert (0, 65) <= (major, minor) < (1, 0), version
