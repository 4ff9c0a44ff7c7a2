"""Adding and editing entries by hand: pasted BibTeX, `edit` in $EDITOR or with --set,
manual entries, and joining two entries of one work (`doctor`, `merge`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.arxiv_stub import StubServer
from tests.conftest import Run, RunJson

LDA = r"""
@article{blei2003latent,
  title = {Latent {D}irichlet Allocation},
  author = {Blei, David M. and Ng, Andrew Y. and Jordan, Michael I.},
  journal = {Journal of Machine Learning Research},
  doi = {10.5555/944919.944937},
  year = {2003},
}
"""
# The same work under another key, with a field the library lacks and one it holds otherwise.
LDA_AGAIN = r"""
@article{lda,
  title = {Latent {D}irichlet Allocation},
  author = {Blei, David M. and Ng, Andrew Y. and Jordan, Michael I.},
  journal = {JMLR},
  volume = {3},
  doi = {10.5555/944919.944937},
  year = {2003},
}
@book{knuth1984texbook, title = {The {\TeX}book}, author = {Knuth, Donald E.},
  publisher = {Addison-Wesley}, year = 1984}
"""


def _export(run: Run) -> str:
    result = run("export")
    assert result.exit_code == 0, result.stderr
    return str(result.stdout)


def test_add_bibtex_from_stdin_merges_like_import_bib(
    run: Run, run_json: RunJson, tmp_path: Path
) -> None:
    path = tmp_path / "lda.bib"
    path.write_text(LDA)
    first = run("add", "--bibtex", str(path))
    assert first.exit_code == 0, first.stderr
    assert first.stdout.split() == ["blei2003latent"]
    pasted = run("add", "--bibtex", "-", input=LDA_AGAIN)
    assert pasted.exit_code == 0, pasted.stderr
    assert pasted.stdout.split() == ["knuth1984texbook"]
    assert "lda: merged into blei2003latent (filled volume; lda kept as an alias)" in pasted.stderr
    assert "conflict in journal" in pasted.stderr and "'JMLR'" in pasted.stderr
    assert "1 manual entries added, 1 already present (1 merged, 1 conflict)" in pasted.stderr
    shown = run_json("show", "lda")
    assert shown["id"] == "manual:blei2003latent" and shown["aliases"] == ["lda"]
    exported = _export(run)
    assert "@book{knuth1984texbook," in exported and "volume = {3}" in exported
    report = json.loads(run("add", "--bibtex", "-", "--json", input=LDA).stdout)
    assert (report["manual"], report["exists"], report["merged"]) == (0, 1, [])


def test_add_bibtex_is_all_or_nothing_and_bounded(
    run: Run, tmp_path: Path, monkeypatch: Any
) -> None:
    broken = LDA + "\n@article{broken, title = {Unclosed {brace, year = 2020}\n"
    result = run("add", "--bibtex", "-", input=broken)
    assert result.exit_code == 1
    assert "stdin:10: unreadable entry" in result.stderr and "nothing added" in result.stderr
    assert "no library" in run("list").stderr
    assert run("add", "--bibtex", "-", input="just words\n").exit_code == 1
    assert run("add", "--bibtex", "-", "1703.05175", input=LDA).exit_code == 2
    assert run("add", "--bibtex", str(tmp_path / "missing.bib")).exit_code == 1
    from reading_list.services import inputs

    monkeypatch.setattr(inputs, "MAX_TEXT_BYTES", 100)
    big = run("add", "--bibtex", "-", input=LDA * 3)
    assert big.exit_code == 1 and "more than" in big.stderr


def _editor(tmp_path: Path, monkeypatch: Any, body: str) -> Path:
    """A stand-in for $EDITOR: a Python script that rewrites the file it is given (``body``
    runs with ``path`` and ``text`` set, and ``calls`` counting earlier runs), as a person at
    a terminal would."""
    import stat
    import sys

    script = tmp_path / "editor.py"
    script.write_text(
        f"#!{sys.executable}\n"
        "import os, sys, pathlib\n"
        "path = pathlib.Path(sys.argv[1])\n"
        f"log = pathlib.Path({str(tmp_path / 'editor.log')!r})\n"
        "calls = len(log.read_text().splitlines()) if log.exists() else 0\n"
        "with log.open('a') as f: f.write(oct(os.stat(path).st_mode & 0o777) + '\\n')\n"
        "text = path.read_text()\n" + body
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("VISUAL", str(script))
    # The runner's stdin and stdout are no terminal; the editor's would be.
    monkeypatch.setattr("reading_list.cli.editor.interactive", lambda: True)
    return tmp_path / "editor.log"


def _lda(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "lda.bib"
    path.write_text(LDA)
    run("add", "--bibtex", str(path), ok=True)


def test_edit_in_the_editor_changes_fields_columns_and_key(
    run: Run, run_json: RunJson, tmp_path: Path, monkeypatch: Any
) -> None:
    _lda(run, tmp_path)
    log = _editor(
        tmp_path,
        monkeypatch,
        "text = text.replace('blei2003latent,', 'blei2003lda,')\n"
        "text = text.replace('Latent {D}irichlet Allocation', 'Latent {D}irichlet zebras')\n"
        "text = text.replace('year = {2003},', 'year = {2004},\\n  volume = {3},')\n"
        "path.write_text(text)\n",
    )
    result = run("edit", "blei2003latent")
    assert result.exit_code == 0, result.stderr
    assert log.read_text().split() == ["0o600"]
    assert "citekey: 'blei2003latent' -> 'blei2003lda'" in result.stdout
    assert "volume: (none) -> '3'" in result.stdout
    assert "blei2003lda: 4 fields changed" in result.stderr
    # The listing, the search index and the key follow; the old key still finds the work.
    assert [p["citekey"] for p in run_json("search", "zebras")] == ["blei2003lda"]
    assert run_json("search", "dirichlet allocation") == []
    assert run_json("list")[0]["year"] == 2004
    shown = run_json("show", "blei2003latent")
    assert shown["aliases"] == ["blei2003latent"]
    assert [(e["field"], e["how"]) for e in shown["edits"]] == [
        ("citekey", "editor"),
        ("title", "editor"),
        ("year", "editor"),
        ("volume", "editor"),
    ]
    assert shown["edits"][1]["before"] == "Latent {D}irichlet Allocation"
    plain = run("show", "blei2003lda").stdout
    assert "edit\t" in plain and "\teditor\tvolume" in plain
    tex = tmp_path / "paper.tex"
    tex.write_text(r"\cite{blei2003latent}")
    cited = run("export", "--cited-only", str(tex))
    assert cited.exit_code == 0, cited.stderr
    assert "@article{blei2003latent," in cited.stdout and "volume = {3}" in cited.stdout
    assert "title = {Latent {D}irichlet zebras}" in cited.stdout


def test_edit_with_nothing_changed_or_bad_bibtex_leaves_the_entry(
    run: Run, run_json: RunJson, tmp_path: Path, monkeypatch: Any
) -> None:
    _lda(run, tmp_path)
    before = _export(run)
    _editor(tmp_path, monkeypatch, "path.write_text(text)\n")
    same = run("edit", "blei2003latent")
    assert same.exit_code == 0 and "blei2003latent: no change" in same.stderr
    # Broken braces: said what is wrong, then asked; no leaves the entry as it was.
    _editor(tmp_path, monkeypatch, "path.write_text(text.replace('{D}', '{D'))\n")
    refused = run("edit", "blei2003latent", input="n\n")
    assert refused.exit_code == 1
    assert "error: line" in refused.stderr and "the entry is unchanged" in refused.stderr
    two = _editor(tmp_path, monkeypatch, "path.write_text(text.replace('@article', '@a b'))\n")
    assert run("edit", "blei2003latent", input="\n").exit_code == 1
    assert _export(run) == before and run_json("show", "blei2003latent")["edits"] == []
    # Edit again: the second round starts from the broken text and fixes it.
    two.unlink()
    _editor(
        tmp_path,
        monkeypatch,
        "fixed = text.replace('{D', '{D}', 1) if calls else text.replace('{D}', '{D')\n"
        "path.write_text(fixed.replace('2003}', '2005}') if calls else fixed)\n",
    )
    again = run("edit", "blei2003latent", input="y\n")
    assert again.exit_code == 0, again.stderr
    assert "Edit it again?" in again.stderr and "1 field changed" in again.stderr
    assert run_json("show", "blei2003latent")["year"] == 2005


def test_edit_set_for_scripts(run: Run, run_json: RunJson, tmp_path: Path) -> None:
    _lda(run, tmp_path)
    result = run(
        "edit",
        "blei2003latent",
        "--set",
        "pages=993--1022",
        "--set",
        "doi=",
        "--set",
        "entrytype=inproceedings",
        "--set",
        "booktitle={NIPS}",
    )
    assert result.exit_code == 0, result.stderr
    shown = run_json("show", "blei2003latent")
    assert [(e["field"], e["before"], e["after"]) for e in shown["edits"]] == [
        ("entrytype", "article", "inproceedings"),
        ("doi", "10.5555/944919.944937", None),
        ("pages", None, "993--1022"),
        ("booktitle", None, "{NIPS}"),
    ]
    assert shown["doi"] is None
    exported = _export(run)
    assert "@inproceedings{blei2003latent," in exported and "doi" not in exported
    assert run("edit", "blei2003latent", "--set", "pages=993--1022").stderr.endswith("no change\n")
    for bad, code in (
        (["--set", "title="], 1),
        (["--set", "pages"], 1),
        (["--set", "ti tle=x"], 1),
        (["--set", "title={open"], 1),
        (["--set", "citekey=has space"], 1),
        (["--set", "entrytype=no type"], 1),
        ([], 2),
    ):
        refused = run("edit", "blei2003latent", *bad)
        assert refused.exit_code == code, (bad, refused.stderr)
    assert run("edit", "nosuchpaper", "--set", "year=1").exit_code == 1
    assert len(run_json("show", "blei2003latent")["edits"]) == 4
    run("add", "--bibtex", "-", input=LDA_AGAIN, ok=True)
    taken = run("edit", "knuth1984texbook", "--set", "citekey=lda")
    assert taken.exit_code == 1 and "taken by manual:blei2003latent" in taken.stderr


def test_edit_of_an_arxiv_paper_keeps_what_arxiv_gave(
    stub: StubServer, run: Run, run_json: RunJson
) -> None:
    run("add", "1703.05175", ok=True)
    before = run_json("show", "1703.05175")
    result = run("edit", "1703.05175", "--set", "title={Prototypical Networks}", "--set", "note=x")
    assert result.exit_code == 0, result.stderr
    after = run_json("show", "1703.05175")
    assert after["title"] == "Prototypical Networks"
    for kept in ("abstract", "published", "authors", "categories", "year", "url"):
        assert after[kept] == before[kept], kept
    assert "@misc{snell2017prototypical," in _export(run)
    assert "note = {x}" in _export(run) and "eprint = {1703.05175}" in _export(run)
    moved = run("edit", "1703.05175", "--set", "eprint=1611.01989")
    assert moved.exit_code == 1 and "add 1611.01989 as a paper of its own" in moved.stderr
