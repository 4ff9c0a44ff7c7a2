"""Things that went wrong without a sound: @string concatenation kept literally, and an
interrupted rekey said to have saved its work. (The tab-separated listing, restored tag_list,
Ctrl-C temp files and the restore message have their tests beside their fixes:
test_terminal_and_csv, test_restore, test_output; the web view's temporary file,
test_web.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reading_list.formats.bibreader import read_bib, resolve_value
from tests.conftest import Run


def test_string_macros_and_concatenation(tmp_path: Path) -> None:
    bib = tmp_path / "macros.bib"
    bib.write_text(
        '@string{dl = "Deep Learning"}\n'
        "@STRING{conf = {Conference on } # dl}\n"
        '@misc{a, title = "Deep" # " " # "Learning", journal = dl # { Journal}, month = jan,\n'
        "  note = {C# and F# stay}, year = 2017}\n"
        '@misc{b, title = dl # ": " # "a survey", author = "Doe, Jane"}\n'
        "@misc{c, title = unknownmacro # { kept}}\n"
    )
    # One entry per chunk: macros defined in an earlier chunk still apply.
    with bib.open("rb") as handle:
        chunks = list(read_bib(handle, chunk_entries=1))
    entries = {e.key: e.fields for chunk in chunks for e in chunk.entries}
    assert entries["a"]["title"] == "Deep Learning"
    assert entries["a"]["journal"] == "Deep Learning Journal"
    assert entries["a"]["month"] == "January"
    assert entries["a"]["note"] == "C# and F# stay"
    assert entries["a"]["year"] == "2017"
    assert entries["b"]["title"] == "Deep Learning: a survey"
    assert entries["c"]["title"] == "unknownmacro kept"


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ('"a" # "b"', "ab"),
        ('{x {y} z} # " w"', "x {y} z w"),
        ('"a {"} b" # "c"', 'a {"} bc'),
        ("2017 # x", "2017x"),
        ('"unclosed # "x', '"unclosed # "x'),
        ("a # ", "a # "),
        ("{C# prog", "{C# prog"),
    ],
)
def test_resolve_value(raw: str, value: str) -> None:
    assert resolve_value(raw, {"x": "x"}) == value


def test_import_bib_stores_concatenations_resolved(run: Run, tmp_path: Path) -> None:
    bib = tmp_path / "lib.bib"
    bib.write_text('@misc{k, title = "Deep" # " " # "Learning", author = {Doe, Jane}}\n')
    run("import-bib", str(bib), ok=True)
    result = run("show", "k", "--json")
    assert json.loads(result.stdout)["title"] == "Deep Learning"


def test_ctrl_c_during_rekey_changes_no_key(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reading_list.citekeys
    from reading_list.formats.dump import dump_line
    from tests.test_restore import _write
    from tests.test_terminal_and_csv import paper_row

    path = _write(tmp_path, [dump_line("paper", paper_row(n)) for n in range(1, 4)])
    run("restore", str(path), ok=True)
    before = run("list", "--json").stdout
    calls = []
    real = reading_list.citekeys.base_citekey

    def interrupt_on_third(*args: Any, **kwargs: Any) -> str:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    # rekey takes it from citekeys when it runs.
    monkeypatch.setattr(reading_list.citekeys, "base_citekey", interrupt_on_third)
    result = run("rekey", "--yes")
    assert result.exit_code == 130
    assert "no citekey changed" in result.stderr and "saved" not in result.stderr
    assert run("list", "--json").stdout == before
