"""`export -o FILE --keep`: every later change to the entries it holds rewrites the file (and
no other change does), whoever made the change; `exports` lists and removes what is kept; a
rewrite that fails is a warning, never the failure of the command that changed the library."""

from __future__ import annotations

import json
import re
import sqlite3
import stat
from pathlib import Path

import pytest

from tests.arxiv_stub import StubServer
from tests.conftest import Run

KEY = "snell2017prototypical"


def _keys(path: Path) -> list[str]:
    return re.findall(r"^@\w+\{([^,]+),", path.read_text(), re.M)


def _seeded(run: Run, tmp_path: Path) -> Path:
    run("seed", "google-brain-ama-2017", ok=True)
    doc = tmp_path / "paper.tex"
    doc.write_text("\\citet{snell2017prototypical} and \\parencite{balog2016deepcoder}\n")
    return doc


def test_a_kept_export_follows_the_changes_to_its_entries(
    stub: StubServer, run: Run, tmp_path: Path
) -> None:
    doc = _seeded(run, tmp_path)
    refs = tmp_path / "refs.bib"
    result = run("export", "--cited-only", str(doc), "-o", str(refs), "--keep", ok=True)
    assert "kept in sync" in result.stderr
    assert _keys(refs) == ["balog2016deepcoder", KEY]
    refs.chmod(0o640)
    inode = refs.stat().st_ino

    # A change to a paper the file does not hold leaves it alone, bytes and time stamp.
    result = run("status", "zhang2016understanding", "read", ok=True)
    assert "updated" not in result.stderr
    assert refs.stat().st_ino == inode

    run("rekey", KEY, "--pattern", "{auth}{year}proto", "--yes", ok=True)
    # The document still cites the old key: the file now holds only the other entry.
    assert _keys(refs) == ["balog2016deepcoder"]
    doc.write_text("\\citet{snell2017proto} and \\parencite{balog2016deepcoder}\n")
    # Another program's change (or a writer not written yet): the next command catches up.
    with sqlite3.connect(tmp_path / "rl" / "library.db") as conn:
        conn.execute("UPDATE papers SET title = 'Retitled' WHERE citekey = 'snell2017proto'")
    result = run("list", ok=True)
    assert f"updated {refs}" in result.stderr
    assert _keys(refs) == ["balog2016deepcoder", "snell2017proto"]
    assert re.search(r"title\s*= \{Retitled\}", refs.read_text())
    # The safe writer replaced it: the mode is kept.
    assert stat.S_IMODE(refs.stat().st_mode) == 0o640

    listed = json.loads(run("exports", "--json", ok=True).stdout)
    assert [(k["number"], k["path"], k["format"]) for k in listed] == [(1, str(refs), "bibtex")]
    assert listed[0]["cited_only"] == str(doc)


def test_a_kept_selection_gains_and_loses_entries(
    stub: StubServer, run: Run, tmp_path: Path
) -> None:
    _seeded(run, tmp_path)
    tagged = tmp_path / "few-shot.ris"
    run("tag", KEY, "+few-shot", ok=True)
    run("export", "--tag", "few-shot", "-F", "ris", "-o", str(tagged), "--keep", ok=True)
    before = tagged.read_text().count("TY  - ")
    run("tag", "balog2016deepcoder", "+few-shot", ok=True)
    assert tagged.read_text().count("TY  - ") == before + 1
    run("rm", "balog2016deepcoder", "--yes", ok=True)
    assert tagged.read_text().count("TY  - ") == before
    # A file the user deleted is written again at the next change.
    tagged.unlink()
    run("tag", KEY, "+again", ok=True)
    assert tagged.read_text().count("TY  - ") == before


def test_exports_remove_stops_keeping_a_file(
    stub: StubServer, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seeded(run, tmp_path)
    one, two = tmp_path / "one.bib", tmp_path / "two.bib"
    run("export", KEY, "-o", str(one), "--keep", ok=True)
    run("export", KEY, "-F", "biblatex", "-o", str(two), "--keep", "--no-keywords", ok=True)
    listing = run("exports", ok=True).stdout
    assert str(one) in listing and str(two) in listing
    # The selection reads as what narrows it, and the options as given.
    assert "reverse" not in listing and "no keywords" in listing
    run("export", "--tag", "few-shot", "-o", str(tmp_path / "tagged.bib"), "--keep", ok=True)
    assert "tags=few-shot" in run("exports", ok=True).stdout
    run("exports", "--remove", "3", ok=True)
    run("tag", KEY, "+kept", ok=True)
    assert "kept" in one.read_text() and "keywords" not in two.read_text()
    assert "no longer kept" in run("exports", "--remove", "1", ok=True).stderr
    monkeypatch.chdir(tmp_path)
    run("exports", "--remove", "two.bib", ok=True)
    assert run("exports", "--json", ok=True).stdout.strip() == "[]"
    assert run("exports", "--remove", "two.bib").exit_code == 1
    text = one.read_text()
    run("tag", KEY, "+changed", ok=True)
    run("status", KEY, "read", ok=True)
    assert one.read_text() == text


def test_keep_needs_a_file(stub: StubServer, run: Run, tmp_path: Path) -> None:
    _seeded(run, tmp_path)
    assert run("export", "--keep").exit_code == 2
    assert run("export", "--keep", "-o", "-").exit_code == 2
    assert run("exports", "--json", ok=True).stdout.strip() == "[]"


def test_a_rewrite_that_fails_warns_and_the_change_stands(
    stub: StubServer, run: Run, tmp_path: Path
) -> None:
    _seeded(run, tmp_path)
    folder = tmp_path / "out"
    folder.mkdir()
    refs = folder / "refs.bib"
    run("export", KEY, "-o", str(refs), "--keep", ok=True)
    refs.unlink()
    folder.rmdir()
    folder.write_text("a file where the folder was")
    result = run("status", KEY, "read")
    assert result.exit_code == 0
    assert f"warning: {refs} is not in sync" in result.stderr
    assert json.loads(run("show", KEY, "--json", ok=True).stdout)["status"] == "read"
    # It is tried again at the next command, and catches up once it can.
    folder.unlink()
    folder.mkdir()
    assert f"updated {refs}" in run("list", ok=True).stderr
    assert _keys(refs) == [KEY]
