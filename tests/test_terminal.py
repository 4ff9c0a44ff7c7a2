"""Layouts people see: the CLI run in a real pseudo-terminal at 80 and 120 columns, and the
one rule for pipes (tab-separated lines, no boxes, no padding)."""

from __future__ import annotations

import fcntl
import json
import os
import re
import struct
import subprocess
import sys
import termios
import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.arxiv_stub import StubServer
from tests.conftest import UNREACHABLE, Run

AMA = "google-brain-ama-2017"
CONTROL = re.compile(r"\x1b\[([0-?]*)[ -/]*([@-~])|\x1b\][^\x07]*\x07|\r|\n")
BOX = set("┏┓┗┛┃━│─┌┐└┘├┤┬┴┼╇╈┡┩")


def cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def screen(output: str, columns: int) -> list[str]:
    """What a terminal ``columns`` wide shows after ``output``: lines wrap at the edge, a
    carriage return goes back to the line's start, and the few cursor moves a progress bar
    uses (up a line, erase the line) are followed; other escape sequences are dropped."""
    rows: list[list[str]] = [[]]
    row = col = 0

    def write(text: str) -> None:
        nonlocal row, col
        for char in text:
            if col >= columns:
                row, col = row + 1, 0
            while len(rows) <= row:
                rows.append([])
            line = rows[row]
            line.extend(" " * (col - len(line)))
            if col < len(line):
                line[col] = char
            else:
                line.append(char)
            col += cells(char)

    at = 0
    for match in CONTROL.finditer(output):
        write(output[at : match.start()])
        at = match.end()
        token = match.group(0)
        if token == "\r":
            col = 0
        elif token == "\n":
            row, col = row + 1, 0
            while len(rows) <= row:
                rows.append([])
        elif match.group(2) == "A":
            row = max(0, row - int(match.group(1) or 1))
        elif match.group(2) == "K":
            rows[row] = []
    write(output[at:])
    lines = ["".join(r).rstrip() for r in rows]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def in_terminal(
    args: list[str], columns: int, rows: int = 100, answers: Sequence[str] = ()
) -> list[str]:
    """Run the CLI with a pseudo-terminal of ``columns`` x ``rows`` as stdin, stdout and
    stderr, typing ``answers`` (a line each), and return the lines the terminal shows when
    it is done."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env.update(TERM="xterm-256color", NO_COLOR="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "reading_list", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    if answers:
        os.write(master, "".join(f"{a}\n" for a in answers).encode())
    chunks = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the other end is closed, the process is done
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    output = b"".join(chunks).decode("utf-8")
    assert proc.wait(timeout=30) == 0, output
    return screen(output, columns)


@pytest.fixture
def seeded(run: Run, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    monkeypatch.setenv("READING_LIST_ARXIV_URL", UNREACHABLE)
    monkeypatch.setenv("READING_LIST_ARXIV_RETRIES", "0")
    run("seed", AMA, ok=True)
    papers: list[dict[str, Any]] = json.loads(run("list", "--list", AMA, "--json").stdout)
    return papers


def assert_rows_readable(lines: list[str], papers: list[dict[str, Any]], columns: int) -> None:
    """Every paper's row shows its id, status, year and at least 40 characters of its title
    (all of a shorter title), on one line or, when its id is too long, two."""
    too_long = [line for line in lines if cells(line) > columns]
    assert not too_long, too_long
    for paper in papers:
        start = paper["title"][:40]
        found = [i for i, line in enumerate(lines) if start in line]
        assert found, (paper["id"], start)
        i = found[0]
        assert paper["status"] in lines[i] and str(paper["year"]) in lines[i], lines[i]
        assert paper["id"] in lines[i] or (i and lines[i - 1].strip() == paper["id"]), paper["id"]


def test_readme_first_command_fits_in_40_lines_at_80_columns(
    seeded: list[dict[str, Any]], run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READING_LIST_HOME", str(tmp_path / "fresh"))
    seed = in_terminal(["seed", AMA], 80)
    listing = in_terminal(["list", "--list", AMA], 80)
    assert len(seed) + len(listing) < 40, "\n".join(seed + listing)
    assert seed[0] == f"list {AMA}: 24 items -> 25 papers; 1 arXiv request"
    assert_rows_readable(listing, seeded, 80)
    # Short ids share the row; a long manual id has a line of its own above it.
    assert listing[0].split() == ["id", "status", "year", "title"]
    assert any(line.startswith("1703.05175  to-read  2017  Prototypical") for line in listing)
    assert "manual:ravi2017optimization" in [line.strip() for line in listing]


def test_list_at_120_columns_shows_authors_and_tags_on_one_line_per_paper(
    seeded: list[dict[str, Any]],
) -> None:
    listing = in_terminal(["list", "--list", AMA], 120)
    assert listing[0].split() == ["id", "status", "year", "title", "authors", "tags"]
    assert_rows_readable(listing, seeded, 120)
    row = next(line for line in listing if line.startswith("1703.05175"))
    assert "Snell et al." in row and "few-shot" in row
    # 25 papers, four with a long id on a line of its own, the header and the count.
    assert len(listing) == 25 + 4 + 2


def test_lists_never_cuts_a_name_and_stats_draw_bars(seeded: list[dict[str, Any]]) -> None:
    for columns in (80, 120):
        lines = in_terminal(["lists"], columns)
        assert lines[1].startswith(f"{AMA}     24      25")
        assert all(cells(line) <= columns for line in lines)
    stats = in_terminal(["stats"], 80)
    assert "by status" in stats and any("█" in line for line in stats)


def test_seed_list_and_import_show_titles(
    seeded: list[dict[str, Any]], stub: StubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = in_terminal(["seed", "--list"], 80)
    assert shipped[1].startswith(f"{AMA}     24  Google Brain team AMA (2017)")
    refs = tmp_path / "refs.md"
    refs.write_text("# Mine\n## Few-shot\n- [Prototypical](https://arxiv.org/abs/1703.05175)\n")
    monkeypatch.setenv("READING_LIST_ARXIV_URL", stub.url)
    lines = in_terminal(["import", str(refs), "--list", "mine"], 80)
    assert lines[1].split()[:3] == ["1", "resolved", "1703.05175"]
    assert lines[1].endswith("Prototypical Networks for Few-shot Learning")


PIPED = [
    ["lists"],
    ["stats"],
    ["show", "1703.05175"],
    ["why", "1703.05175"],
    ["list", "--list", AMA],
    ["seed", "--list"],
    ["seed", AMA],
]


@pytest.mark.parametrize("args", PIPED, ids=lambda a: " ".join(a))
def test_piped_tables_are_tab_separated_lines(
    seeded: list[dict[str, Any]], run: Run, args: list[str]
) -> None:
    result = run(*args, ok=True)
    lines = result.stdout.splitlines()
    assert lines, args
    for line in lines:
        assert "\t" in line, (args, line)
        assert not BOX & set(line), (args, line)
        assert line == line.rstrip(" "), (args, line)
        assert not line.startswith(" "), (args, line)
