"""Shared fixtures: every test gets its own home, database and a local arXiv stand-in."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from reading_list.cli.app import app
from tests.arxiv_stub import StubServer
from tests.http_stub import LocalServer
from tests.scholarly_stub import CrossrefStandIn, DblpStandIn

ROOT = Path(__file__).resolve().parent.parent
# The team's shared material sits next to the checkout (or next to the folder of worktrees).
SHARED = next(
    (p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.is_dir()),
    ROOT.parent / "shared",
)
EMULATOR = SHARED / "tools" / "arxiv_emulator.py"
SHARED_CORPUS = SHARED / "corpus" / "arxiv-papers.jsonl"
SHARED_CITATIONS = SHARED / "corpus" / "ama-citations.json"
DBLP_EMULATOR = SHARED / "tools" / "dblp_emulator.py"
DBLP_SMALL = SHARED / "corpus" / "dblp" / "dblp-small.jsonl"
DBLP_FULL = SHARED / "corpus" / "dblp" / "dblp-records.jsonl.xz"
DBLP_MATCHES = SHARED / "corpus" / "dblp" / "matches.json"
CROSSREF_EMULATOR = SHARED / "tools" / "crossref_emulator.py"
CROSSREF_SMALL = SHARED / "corpus" / "crossref" / "crossref-small.jsonl"
DATA = Path(__file__).parent / "data"
# Nothing listens on port 9 (discard): a test that forgets its stand-in fails fast, offline.
UNREACHABLE = "http://127.0.0.1:9/api/query"
UNREACHABLE_BASE = "http://127.0.0.1:9"


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("READING_LIST_HOME", str(tmp_path / "rl"))
    for name in ("READING_LIST_DB", "READING_LIST_CACHE_DIR", "READING_LIST_SEEDS", "VISUAL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("READING_LIST_ARXIV_URL", UNREACHABLE)
    monkeypatch.setenv("READING_LIST_ARXIV_DELAY", "0")
    for name in ("DBLP_URL", "CROSSREF_URL", "DOI_URL"):
        monkeypatch.setenv(f"READING_LIST_{name}", UNREACHABLE_BASE)
    monkeypatch.setenv("READING_LIST_DBLP_DELAY", "0")
    monkeypatch.setenv("READING_LIST_CROSSREF_DELAY", "0")
    monkeypatch.delenv("READING_LIST_CROSSREF_MAILTO", raising=False)
    monkeypatch.setenv("READING_LIST_MAX_BACKOFF", "0.2")
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[StubServer]:
    with StubServer() as server:
        monkeypatch.setenv("READING_LIST_ARXIV_URL", server.url)
        yield server


Run = Callable[..., Result]
RunJson = Callable[..., Any]


@pytest.fixture
def run() -> Run:
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, ok: bool | None = None) -> Result:
        result = runner.invoke(app, list(args), input=input, catch_exceptions=False)
        if ok is True:
            assert result.exit_code == 0, result.stdout + result.stderr
        return result

    return invoke


@pytest.fixture
def run_json(run: Run) -> RunJson:
    def invoke(*args: str) -> Any:
        result = run(*args, "--json")
        assert result.exit_code == 0, result.stdout + result.stderr
        return json.loads(result.stdout)

    return invoke


class Emulator:
    def __init__(self, url: str, log: Path, proc: subprocess.Popen[bytes]) -> None:
        self.url = url
        self.log = log
        self.proc = proc

    def requests(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(x) for x in self.log.read_text().splitlines() if x.strip()]


def require_shared(tool: Path = EMULATOR) -> None:
    if not tool.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI must have {tool}")
        pytest.skip(f"needs the shared emulator at {tool} (absent outside the team)")


@pytest.fixture
def start_tool(tmp_path: Path) -> Iterator[Callable[..., Emulator]]:
    """Start one of ../shared/tools/*_emulator.py on a free port; stopped after the test.
    ``start(tool, corpus, *flags)`` returns the emulator with its base URL (no path)."""
    started: list[subprocess.Popen[bytes]] = []

    def start(tool: Path, corpus: list[Path], *flags: str, wait: float = 60) -> Emulator:
        require_shared(tool)
        n = len(started)
        port_file = tmp_path / f"{tool.stem}{n}.port"
        log = tmp_path / f"{tool.stem}{n}.log"
        cmd = [sys.executable, str(tool), "--port", "0", "--port-file", str(port_file)]
        cmd += ["--log", str(log)]
        for path in corpus:
            cmd += ["--corpus", str(path)]
        proc = subprocess.Popen([*cmd, *flags], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        started.append(proc)
        deadline = time.monotonic() + wait
        while not (port_file.exists() and port_file.read_text().strip()):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"emulator did not start: {proc.stderr.read() if proc.stderr else ''!r}"
                )
            time.sleep(0.05)
        return Emulator(f"http://127.0.0.1:{port_file.read_text().strip()}", log, proc)

    yield start
    for proc in started:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def emulator(
    start_tool: Callable[..., Emulator], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Emulator]:
    """Start ../shared/tools/arxiv_emulator.py with the given flags; stopped after the test."""
    require_shared()

    def start(*flags: str, corpus: list[Path] | None = None) -> Emulator:
        emu = start_tool(EMULATOR, corpus or [SHARED_CORPUS], *flags, wait=10)
        emu.url += "/api/query"
        monkeypatch.setenv("READING_LIST_ARXIV_URL", emu.url)
        return emu

    return start


@pytest.fixture
def dblp_emulator(
    start_tool: Callable[..., Emulator], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Emulator]:
    """Start ../shared/tools/dblp_emulator.py (small corpus unless told) and point at it."""

    def start(*flags: str, corpus: list[Path] | None = None) -> Emulator:
        emu = start_tool(DBLP_EMULATOR, corpus or [DBLP_SMALL], *flags)
        monkeypatch.setenv("READING_LIST_DBLP_URL", emu.url)
        return emu

    return start


@pytest.fixture
def crossref_emulator(
    start_tool: Callable[..., Emulator], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Emulator]:
    """Start ../shared/tools/crossref_emulator.py; it serves both Crossref and doi.org."""

    def start(*flags: str, corpus: list[Path] | None = None) -> Emulator:
        emu = start_tool(CROSSREF_EMULATOR, corpus or [CROSSREF_SMALL], *flags)
        monkeypatch.setenv("READING_LIST_CROSSREF_URL", emu.url)
        monkeypatch.setenv("READING_LIST_DOI_URL", emu.url)
        return emu

    return start


# Our own dblp and Crossref/doi.org stand-ins, for the tests that need no shared emulator.
@pytest.fixture
def dblp(monkeypatch: pytest.MonkeyPatch) -> Iterator[DblpStandIn]:
    with LocalServer() as server:
        stand_in = DblpStandIn(server)
        monkeypatch.setenv("READING_LIST_DBLP_URL", stand_in.url)
        yield stand_in


@pytest.fixture
def crossref(monkeypatch: pytest.MonkeyPatch) -> Iterator[CrossrefStandIn]:
    with LocalServer() as server:
        stand_in = CrossrefStandIn(server)
        monkeypatch.setenv("READING_LIST_CROSSREF_URL", stand_in.rest_url)
        monkeypatch.setenv("READING_LIST_DOI_URL", stand_in.doi_url)
        yield stand_in
