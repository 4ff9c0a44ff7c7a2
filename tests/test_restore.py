"""restore validates every row before it is stored, refuses a bad dump with the line number,
leaves the library as it was, and recomputes what the library derives."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from reading_list.formats.dump import dump_line, header_line
from reading_list.services import inputs
from tests.conftest import Run
from tests.test_terminal_and_csv import paper_row


def _write(tmp_path: Path, lines: list[str], name: str = "dump.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header_line(), *lines]) + "\n")
    return path


def _assert_empty(run: Run) -> None:
    listed = run("list", "--json")
    assert listed.exit_code == 0 and json.loads(listed.stdout) == []
    lists = run("lists", "--json")
    assert json.loads(lists.stdout) == []


GOOD = dump_line("paper", paper_row(1))
LIST = dump_line("list", {"name": "l", "created_at": "2026-01-01T00:00:00Z"})


def _item(**fields: Any) -> str:
    row = {"list_name": "l", "position": 1, "state": "unresolved", "cited_as": "x", **fields}
    return dump_line("list_item", row)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (dump_line("paper", paper_row(2, authors="Ada Lovelace")), "authors"),
        (dump_line("paper", paper_row(2, year="abc")), "year"),
        (dump_line("paper", paper_row(2, priority=1.5)), "priority"),
        (dump_line("paper", paper_row(2, priority=True)), "priority"),
        (dump_line("paper", paper_row(2, year=10**30)), "year"),
        (dump_line("paper", paper_row(2, rating=9)), "rating"),
        (dump_line("paper", paper_row(2, status="done")), "status"),
        (dump_line("paper", paper_row(2, title=None)), "title"),
        (dump_line("paper", paper_row(2, categories=[["nested"]])), "categories"),
        (dump_line("paper", paper_row(2, evil=1)), "unknown column(s) ['evil']"),
        (dump_line("paper", paper_row(2, citekey="k2,\n  note = {PWNED}")), "citekey"),
        (dump_line("paper", paper_row(2, citekey="")), "citekey"),
        (dump_line("paper", paper_row(2, kind="arxiv", id="x", arxiv_id="x")), "arxiv_id"),
        (dump_line("paper", paper_row(2, id="k2")), "manual entry"),
        (dump_line("paper", paper_row(1)), "does not fit"),  # the same paper twice
        (dump_line("tag", {"paper_id": "manual:nobody", "tag": "x"}), "does not fit"),
        (dump_line("tag", {"paper_id": "manual:k1"}), "tag"),
        (_item(candidates="not json"), "candidates"),
        (_item(candidates=[{"arxiv_id": "1703.05175", "title": "t", "score": "high"}]), "score"),
        (_item(score=float("nan")), "score"),
        (_item(state="lost"), "state"),
        (dump_line("weird", {}), "unknown _type"),
        ('{"_type": "paper"', "invalid JSON"),
        ("[1, 2]", "_type"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"_type": "paper", "authors": ' + "[" * 100_000 + "]" * 100_000 + "}", "deeply"),
        ('{"_type": "header", "format": 2}', "unsupported dump format"),
    ],
)
def test_a_bad_row_refuses_the_whole_dump_with_its_line(
    run: Run, tmp_path: Path, bad: str, message: str
) -> None:
    path = _write(
        tmp_path, [GOOD, LIST, dump_line("tag", {"paper_id": "manual:k1", "tag": "t"}), bad]
    )
    result = run("restore", str(path))
    assert result.exit_code == 1, result.stdout + result.stderr
    assert f"{path}:5: " in result.stderr and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
    _assert_empty(run)
    # The library is untouched: the same file without the bad line restores.
    good = _write(tmp_path, [GOOD, LIST], "good.jsonl")
    assert run("restore", str(good)).exit_code == 0


def test_derived_columns_are_recomputed_not_trusted(run: Run, tmp_path: Path) -> None:
    tampered = paper_row(
        1,
        authors=["Ada Lovelace", "Charles Babbage"],
        tag_list="evil,lies",
        first_author="Mallory",
        author_count=99,
    )
    path = _write(
        tmp_path,
        [
            dump_line("paper", tampered),
            dump_line("paper", paper_row(2, tag_list="ghost")),
            dump_line("tag", {"paper_id": "manual:k1", "tag": "real"}),
        ],
    )
    assert run("restore", str(path)).exit_code == 0
    lines = run("list").stdout.splitlines()
    assert lines[0].split("\t")[4:] == ["Ada Lovelace et al.", "real"]
    assert lines[1].split("\t")[4:] == ["Ada Lovelace", ""]
    papers = {
        json.loads(x)["id"]: json.loads(x)
        for x in run("dump").stdout.splitlines()
        if json.loads(x)["_type"] == "paper"
    }
    assert papers["manual:k1"]["tag_list"] == "real"
    assert papers["manual:k1"]["first_author"] == "Ada Lovelace"
    assert papers["manual:k1"]["author_count"] == 2
    assert papers["manual:k2"]["tag_list"] == ""


def test_undecodable_and_overlong_lines(run: Run, tmp_path: Path, monkeypatch: Any) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes((header_line() + "\n").encode() + b'{"_type": "paper", "title": "\xe9"}\n')
    result = run("restore", str(path))
    assert result.exit_code == 1 and ":2: not UTF-8" in result.stderr
    from reading_list.formats import dump

    monkeypatch.setattr(dump, "MAX_LINE_CHARS", 1000)
    long = _write(tmp_path, [dump_line("paper", paper_row(1, abstract="x" * 2000))])
    result = run("restore", str(long))
    assert result.exit_code == 1 and ":2: line longer than" in result.stderr
    _assert_empty(run)


def test_restore_from_stdin(run: Run, tmp_path: Path) -> None:
    path = _write(tmp_path, [GOOD])
    result = run("restore", "-", input=path.read_text())
    assert result.exit_code == 0, result.stderr
    assert run("list").stdout.startswith("manual:k1\t")


def test_ctrl_c_during_restore_says_nothing_was_restored(
    run: Run, tmp_path: Path, monkeypatch: Any
) -> None:
    from reading_list.formats import dump

    real = dump.parse_line
    seen = []

    def interrupt_at_third(line: str) -> Any:
        seen.append(line)
        if len(seen) == 3:
            raise KeyboardInterrupt
        return real(line)

    monkeypatch.setattr(dump, "parse_line", interrupt_at_third)
    path = _write(tmp_path, [GOOD, dump_line("paper", paper_row(2)), LIST])
    result = run("restore", str(path))
    assert result.exit_code == 130
    assert "nothing was restored" in result.stderr and "saved" not in result.stderr
    monkeypatch.setattr(dump, "parse_line", real)
    _assert_empty(run)


def test_non_regular_or_huge_input_files_are_refused(
    run: Run, tmp_path: Path, monkeypatch: Any
) -> None:
    fifo = tmp_path / "dump.fifo"
    os.mkfifo(fifo)
    for args in (
        ("restore", str(fifo)),
        ("import-bib", str(fifo)),
        ("import", str(fifo), "--list", "x"),
        ("export", "--cited-only", str(fifo)),
        ("add", "--file", str(fifo)),
    ):
        result = run(*args)
        assert result.exit_code == 1, args
        assert "named pipe, not a regular file" in result.stderr, (args, result.stderr)
    assert "character device" in run("export", "--cited-only", "/dev/zero").stderr
    assert "a directory" in run("restore", str(tmp_path)).stderr
    monkeypatch.setattr(inputs, "MAX_LIBRARY_BYTES", 100)
    monkeypatch.setattr(inputs, "MAX_TEXT_BYTES", 100)
    from reading_list.services import lists, transfer

    monkeypatch.setattr(transfer, "MAX_LIBRARY_BYTES", 100)
    monkeypatch.setattr(transfer, "MAX_TEXT_BYTES", 100)
    monkeypatch.setattr(lists, "MAX_TEXT_BYTES", 100)
    big = _write(tmp_path, [GOOD, GOOD])
    bib = tmp_path / "big.bib"
    bib.write_text("@misc{a, title = {" + "x" * 200 + "}}\n")
    tex = tmp_path / "big.tex"
    tex.write_text("\\cite{a}" * 50)
    for args in (
        ("restore", str(big)),
        ("import-bib", str(bib)),
        ("export", "--cited-only", str(tex)),
    ):
        result = run(*args)
        assert result.exit_code == 1 and "is more than the" in result.stderr, (args, result.stderr)
    _assert_empty(run)
