"""Worker processes die with their parent (kill -9 included), and Ctrl-C during a parallel
import or export ends everything with one line and no traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")

# Runs the CLI with small thresholds and a slowed-down worker task, so that the workers are
# busy when the test strikes; fork hands the patches to the workers.
WRAPPER = textwrap.dedent(
    """
    import sys, time
    from reading_list.formats import bibreader
    from reading_list.services import transfer

    def slow(real):
        def step(*args, **kwargs):
            time.sleep(0.3)
            return real(*args, **kwargs)
        return step

    # The tasks themselves are sent by name; what they call is slowed down.
    bibreader.PARALLEL_FROM_BYTES = 0
    bibreader.CHUNK_ENTRIES = 20
    bibreader._parse_chunk = slow(bibreader._parse_chunk)
    transfer.PARALLEL_FROM = 10
    transfer.RENDER_BATCH = 20
    transfer._render_stream = slow(transfer._render_stream)
    from reading_list.cli import main
    sys.argv = ["reading-list", *sys.argv[1:]]
    main()
    """
)


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry.name))
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def _wait_for(condition: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.05)


@pytest.fixture
def bib(tmp_path: Path) -> Path:
    path = tmp_path / "big.bib"
    entries = [
        f"@misc{{key{i},\n  title = {{Paper number {i}}},\n  author = {{Doe, Jane}},\n"
        f"  year = {{2020}},\n}}\n"
        for i in range(400)
    ]
    path.write_text("\n".join(entries))
    return path


def _start(tmp_path: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "READING_LIST_DB": str(tmp_path / "p.db")}
    return subprocess.Popen(
        [sys.executable, "-c", WRAPPER, *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


@pytest.mark.parametrize("use_prctl", [True, False])
def test_pool_workers_die_when_the_parent_is_killed(use_prctl: bool) -> None:
    parent = textwrap.dedent(
        f"""
        import os, sys, time
        from reading_list import workers
        if not {use_prctl}:
            workers._die_with_parent_linux = lambda: False
            workers.PARENT_POLL_S = 0.05
        with workers.worker_pool(2) as pool:
            futures = [pool.submit(time.sleep, 300) for _ in range(2)]
            print("ready", flush=True)
            time.sleep(300)
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", parent],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
    _wait_for(lambda: len(_children(proc.pid)) == 2)
    workers = _children(proc.pid)
    proc.kill()
    proc.wait()
    _wait_for(lambda: not _alive(workers))


def _mid_command(
    tmp_path: Path, bib: Path, command: str
) -> tuple[subprocess.Popen[bytes], set[int]]:
    """``command`` running with its worker processes started: the process and the workers."""
    if command == "export":
        assert _start(tmp_path, "import-bib", str(bib)).wait(timeout=120) == 0
        args = ["export", "-o", str(tmp_path / "out.bib")]
    else:
        args = ["import-bib", str(bib)]
    proc = _start(tmp_path, *args)
    _wait_for(lambda: len(_children(proc.pid)) >= 1)
    workers = _children(proc.pid)
    return proc, workers


@pytest.mark.parametrize("command", ["import-bib", "export"])
def test_kill_9_mid_command_leaves_no_worker(tmp_path: Path, bib: Path, command: str) -> None:
    proc, workers = _mid_command(tmp_path, bib, command)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    _wait_for(lambda: not _alive(workers))


@pytest.mark.parametrize("command", ["import-bib", "export"])
def test_ctrl_c_mid_command_prints_one_line(tmp_path: Path, bib: Path, command: str) -> None:
    proc, workers = _mid_command(tmp_path, bib, command)
    # A terminal's Ctrl-C goes to the whole foreground process group.
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    text = stderr.decode()
    assert proc.returncode == 130, text
    assert "Traceback" not in text and "KeyboardInterrupt" not in text, text
    assert len(text.strip().splitlines()) == 1, text
    _wait_for(lambda: not _alive(workers))
    if command == "export":
        assert "out.bib was not written" in text
        assert not [p for p in tmp_path.iterdir() if p.name.startswith((".out.bib", "out.bib"))]


@pytest.mark.parametrize("command", ["import-bib", "export"])
def test_sigterm_mid_command_unwinds_like_ctrl_c(tmp_path: Path, bib: Path, command: str) -> None:
    proc, workers = _mid_command(tmp_path, bib, command)
    # A plain `kill`: to the command only, not its workers.
    os.kill(proc.pid, signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    text = stderr.decode()
    assert proc.returncode == 143, text
    expected = "error: terminated: " if command == "export" else "terminated; "
    assert text.startswith(expected), text
    assert "Traceback" not in text and len(text.strip().splitlines()) == 1, text
    _wait_for(lambda: not _alive(workers))
    if command == "export":
        assert not [p for p in tmp_path.iterdir() if p.name.startswith((".out.bib", "out.bib"))]


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path: Path) -> None:
    # Several batches of entries, so that the command is mid-export when the reader leaves.
    bib = tmp_path / "many.bib"
    bib.write_text(
        "\n".join(f"@misc{{key{i}, title = {{Title {i}}}, year = 2020}}" for i in range(2500))
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "READING_LIST_DB": str(tmp_path / "p.db")}
    cli = [sys.executable, "-m", "reading_list"]
    subprocess.run([*cli, "import-bib", str(bib)], env=env, capture_output=True, check=True)
    # The first export renders its entries, the second reads the cache.
    for command in ("export", "export", "dump", "list"):
        # `reading-list export | head -1`: the reader leaves after one line.
        proc = subprocess.Popen(
            [*cli, command], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.readline()
        proc.stdout.close()
        stderr = proc.stderr.read().decode()
        proc.wait(timeout=60)
        assert proc.returncode == 0, (command, stderr)
        assert "Traceback" not in stderr and "Exception" not in stderr, (command, stderr)
