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

ROOT = Path(__file__).resolve().parent.parent
# The team's shared material sits next to the checkout (or next to the folder of worktrees).
SHARED = next(
    (p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.is_dir()),
    ROOT.parent / "shared",
)
EMULATOR = SHARED / "tools" / "arxiv_emulator.py"
SHARED_CORPUS = SHARED / "corpus" / "arxiv-papers.jsonl"
SHARED_CITATIONS = SHARED / "corpus" / "ama-citations.json"
DATA = Path(__file__).parent / "data"
# Nothing listens on port 9 (discard): a test that forgets its stand-in fails fast, offline.
UNREACHABLE = "http://127.0.0.1:9/api/query"


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("READING_LIST_HOME", str(tmp_path / "rl"))
    for name in ("READING_LIST_DB", "READING_LIST_CACHE_DIR", "READING_LIST_SEEDS", "VISUAL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("READING_LIST_ARXIV_URL", UNREACHABLE)
    monkeypatch.setenv("READING_LIST_ARXIV_DELAY", "0")
    monkeypatch.setenv("READING_LIST_MAX_BACKOFF", "0.2")
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[StubServer]:
    with StubServer() as server:
        monkeypatch.setenv("READING_LIST_ARXIV_URL", server.url)
        yield server


Run = Callable[..., Result]


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
def run_json(run: Run) -> Callable[..., Any]:
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


def require_shared() -> None:
    if not EMULATOR.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI must have {EMULATOR}")
        pytest.skip(f"needs the shared arXiv emulator at {EMULATOR} (absent outside the team)")


@pytest.fixture
def emulator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Emulator]]:
    """Start ../shared/tools/arxiv_emulator.py with the given flags; stopped after the test."""
    require_shared()
    started: list[subprocess.Popen[bytes]] = []

    def start(*flags: str, corpus: list[Path] | None = None) -> Emulator:
        n = len(started)
        port_file = tmp_path / f"emu{n}.port"
        log = tmp_path / f"emu{n}.log"
        cmd = [sys.executable, str(EMULATOR), "--port", "0", "--port-file", str(port_file)]
        cmd += ["--log", str(log)]
        for path in corpus or [SHARED_CORPUS]:
            cmd += ["--corpus", str(path)]
        proc = subprocess.Popen([*cmd, *flags], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        started.append(proc)
        deadline = time.monotonic() + 10
        while not (port_file.exists() and port_file.read_text().strip()):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"emulator did not start: {proc.stderr.read() if proc.stderr else ''!r}"
                )
            time.sleep(0.05)
        url = f"http://127.0.0.1:{port_file.read_text().strip()}/api/query"
        monkeypatch.setenv("READING_LIST_ARXIV_URL", url)
        return Emulator(url, log, proc)

    yield start
    for proc in started:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
