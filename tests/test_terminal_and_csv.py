"""What a hostile title can do on the way out: run as a spreadsheet formula, drive the
terminal (escape sequences, C1 controls, bidi overrides), or split a tab-separated row."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from reading_list.cli import views
from reading_list.formats import tabular
from reading_list.formats.dump import dump_line, header_line
from reading_list.formats.terminal import BIDI_CONTROLS, clean_line, clean_text
from tests.conftest import Run

HOSTILE_TITLE = (
    "Title\x1b]0;pwned\x07 \x1b[2J\x1b[31mred\x9b6n \u202egnp.exe\u202c\u2066x\u2069"
    "\x00nul\nsecond line\rcarriage\ttab [bold]markup[/] [link=https://evil.example]x[/link]"
)
FORMULAS = ['=HYPERLINK("https://evil.example")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def paper_row(n: int, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": f"manual:k{n}",
        "arxiv_id": None,
        "kind": "manual",
        "citekey": f"k{n}",
        "title": f"Paper {n}",
        "authors": ["Ada Lovelace"],
        "year": 2020,
        "added_at": f"2026-01-01T00:00:{n:02d}Z",
    }
    row.update(fields)
    return row


def restore_rows(run: Run, tmp_path: Path, rows: list[dict[str, Any]], tags: Any = ()) -> None:
    lines = [header_line()]
    lines += [dump_line("paper", r) for r in rows]
    lines += [dump_line("tag", {"paper_id": pid, "tag": tag}) for pid, tag in tags]
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join(lines) + "\n")
    run("restore", str(path), ok=True)


def _no_terminal_controls(text: str, *, allow_style: bool = False) -> None:
    assert "\x1b]" not in text and "\x1b[2J" not in text and "\x07" not in text
    assert not any(c in text for c in BIDI_CONTROLS)
    assert not any("\x80" <= c <= "\x9f" for c in text)
    assert "\x00" not in text and "\r" not in text
    if not allow_style:
        assert "\x1b" not in text


def test_clean_functions() -> None:
    line = clean_line(HOSTILE_TITLE)
    _no_terminal_controls(line)
    assert "\n" not in line and "\t" not in line
    assert line.startswith("Title ") and "second line" in line and "red" in line
    text = clean_text("first\n\tsecond\x1b[2J\u202e")
    assert text == "first\n\tsecond"
    assert clean_line("Zoë Ångström 王 👨\u200d👩\u200d👧") == "Zoë Ångström 王 👨\u200d👩\u200d👧"


def test_csv_cells_never_run_as_formulas(run: Run, tmp_path: Path) -> None:
    rows = [
        paper_row(i, title=f, authors=[f, "B"], url=f, doi=f) for i, f in enumerate(FORMULAS, 1)
    ]
    restore_rows(run, tmp_path, rows, tags=[("manual:k1", "=cmd|' /C calc'!A0")])
    for args in (("export", "-F", "csv"), ("list", "--csv")):
        result = run(*args)
        assert result.exit_code == 0, result.stderr
        parsed = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
        assert len(parsed) == len(FORMULAS)
        for row in parsed:
            for column, value in row.items():
                assert not value.startswith(tabular.FORMULA_STARTS), (column, value)
        titles = sorted(r["title"] for r in parsed)
        # A lone CR would end the row in a reader's eyes: it becomes a (quoted) newline.
        assert titles == sorted("'" + f.replace("\r", "\n") for f in FORMULAS)
        assert any(r["tags"] == "'=cmd|' /C calc'!A0" for r in parsed)
    # Numbers stay numbers: only text is prefixed.
    assert tabular.csv_cell(-1) == -1 and tabular.csv_cell("-1") == "'-1"


def test_tab_separated_rows_cannot_be_split(run: Run, tmp_path: Path) -> None:
    restore_rows(
        run,
        tmp_path,
        [paper_row(1, title=HOSTILE_TITLE, authors=["Eve\tTab\nNewline"]), paper_row(2)],
        tags=[("manual:k1", "a\tb")],
    )
    result = run("list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert all(len(line.split("\t")) == 6 for line in lines)
    _no_terminal_controls(result.stdout.replace("\t", " "))


def test_show_and_tables_print_plain_text(run: Run, tmp_path: Path) -> None:
    restore_rows(
        run,
        tmp_path,
        [paper_row(1, title=HOSTILE_TITLE, abstract=HOSTILE_TITLE, comment="[/]")],
        tags=[("manual:k1", "\u202etag")],
    )
    shown = run("show", "k1")
    assert shown.exit_code == 0, shown.stderr
    _no_terminal_controls(shown.stdout)
    assert "[bold]markup[/]" in shown.stdout  # shown as text, not taken as markup
    from reading_list.selection import PaperFilter
    from reading_list.services.library import Library
    from reading_list.services.papers import list_paper_rows, show_paper

    lib = Library.open()
    rows = list(list_paper_rows(lib, PaperFilter()))
    detail = show_paper(lib, "k1")
    lib.close()
    for screen in (views.papers_screen(rows), views.paper_detail(detail)):
        out = io.StringIO()
        Console(file=out, force_terminal=True, width=200).print(screen.body)
        _no_terminal_controls(out.getvalue(), allow_style=True)
        assert "[bold]markup[/]" in out.getvalue().replace("\x1b[1m", "").replace("\x1b[0m", "")


def test_json_output_escapes_what_a_terminal_would_act_on(run: Run, tmp_path: Path) -> None:
    restore_rows(run, tmp_path, [paper_row(1, title=HOSTILE_TITLE)])
    for args in (("list", "--json"), ("show", "k1", "--json"), ("export", "-F", "json")):
        result = run(*args)
        assert result.exit_code == 0, result.stderr
        _no_terminal_controls(result.stdout)
        data = json.loads(result.stdout)
        item = data[0] if isinstance(data, list) else data
        assert item["title"] == HOSTILE_TITLE


@pytest.mark.parametrize("n", [0, 1, 3])
def test_streamed_json_is_the_json_of_the_list(n: int) -> None:
    from reading_list.models import Paper

    papers = [
        Paper(
            id=f"manual:k{i}",
            kind="manual",
            citekey=f"k{i}",
            title='T\n"q"',
            authors=["A"],
            added_at="2026",
        )
        for i in range(n)
    ]
    assert "".join(tabular.iter_json(papers)) == tabular.to_json(papers) + "\n"


def _list_on_a_terminal(table_rows: int) -> tuple[str, str]:
    import os
    import pty
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = (
        "import sys; from reading_list.cli import views; "
        f"views.TABLE_ROWS = {table_rows}; "
        "from reading_list.cli import main; sys.argv = ['reading-list', 'list']; main()"
    )
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"},
        stdout=slave,
        stderr=subprocess.PIPE,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the other end is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    _, stderr = proc.communicate(timeout=60)
    return b"".join(chunks).decode("utf-8", "replace"), stderr.decode()


def test_a_terminal_gets_a_clean_table_or_plain_lines_for_long_lists(
    run: Run, tmp_path: Path
) -> None:
    rows = [paper_row(1, title=HOSTILE_TITLE)] + [paper_row(n) for n in range(2, 6)]
    restore_rows(run, tmp_path, rows)
    table, note = _list_on_a_terminal(table_rows=10)
    assert "5 papers" in note and "Paper 5" in table and "Title" in table
    _no_terminal_controls(table.replace("\r\n", "\n"), allow_style=True)
    lines, note = _list_on_a_terminal(table_rows=3)
    assert "more than 3 papers: tab-separated lines" in note
    assert len([x for x in lines.splitlines() if x.count("\t") == 5]) == 5
