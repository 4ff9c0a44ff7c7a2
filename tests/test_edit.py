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


def test_add_manual_from_options(run: Run, run_json: RunJson) -> None:
    added = run(
        "add",
        "--manual",
        "--title",
        "Why Momentum Really Works",
        "--author",
        "Gabriel Goh",
        "--year",
        "2017",
        "--venue",
        "Distill",
        "--url",
        "https://distill.pub/2017/momentum/",
    )
    assert added.exit_code == 0, added.stderr
    assert added.stdout.split() == ["goh2017momentum"]
    book = ["--title", "Deep Learning & More", "--author", "Goodfellow, Ian"]
    book += ["--author", "Yoshua Bengio", "--venue", "MIT Press", "--type", "book"]
    book += ["--year", "2016"]
    assert run("add", "--manual", *book).stdout.split() == ["goodfellow2016deep"]
    exported = _export(run)
    assert "@misc{goh2017momentum," in exported and "howpublished = {Distill}" in exported
    assert "url = {https://distill.pub/2017/momentum/}" in exported
    assert "@book{goodfellow" in exported and "publisher = {{MIT} Press}" in exported
    assert "author = {Goodfellow, Ian and Bengio, Yoshua}" in exported
    assert "title = {Deep Learning \\& More}" in exported
    journal = run(
        "add",
        "--manual",
        "--title",
        "Long short-term memory",
        "--venue",
        "Neural Computation journal",
        "--year",
        "1997",
        "--author",
        "Sepp Hochreiter",
    )
    assert journal.stdout.split() == ["hochreiter1997long"]
    assert "@article{hochreiter1997long," in _export(run)
    # The same title again joins the entry already there.
    again = run("add", "--manual", "--title", "why momentum really works", "--year", "2017")
    assert again.exit_code == 0 and again.stdout == ""
    assert "merged into goh2017momentum" in again.stderr
    assert len(run_json("list")) == 3
    # An authorless work is keyed by its title, never "arxiv...".
    todo = run("add", "--manual", "--title", "arXiv TODO optimization tricks", "--year", "2017")
    assert todo.stdout.split() == ["optimization2017tricks"]
    for bad, code in (
        (["--manual"], 2),  # no title, and no terminal to ask at
        (["--title", "x"], 2),
        (["--manual", "--title", "x", "1703.05175"], 2),
        (["--manual", "--bibtex", "-", "--title", "x"], 2),
        (["--manual", "--title", "x", "--url", "not a link"], 1),
        (["--manual", "--title", "x", "--type", "no type"], 1),
        (["--manual", "--title", "x", "--year", "20"], 2),
    ):
        refused = run("add", *bad)
        assert refused.exit_code == code, (bad, refused.stderr)
    assert len(run_json("list")) == 4


def test_add_manual_asks_at_a_terminal(run_json: RunJson) -> None:
    from tests.test_terminal import in_terminal

    answers = ["", "A Book on Types", "Benjamin C. Pierce", "soon", "2002", "MIT Press", "", ""]
    in_terminal(["add", "--manual"], 120, answers=answers)
    (paper,) = run_json("list")
    assert paper["citekey"] == "pierce2002book" and paper["year"] == 2002
    assert paper["authors"] == ["Benjamin C. Pierce"]


NOTES = """# Reading
- TODO: the Adam optimizer (Kingma and Ba, 2015)
- https://distill.pub/2017/feature-visualization/
- Why Momentum Really Works - https://distill.pub/2017/momentum/ Goh et al.
"""


def test_manual_entries_from_lines_and_review_are_sensible(
    stub: StubServer, run: Run, run_json: RunJson, tmp_path: Path
) -> None:
    from tests.test_terminal import in_terminal

    path = tmp_path / "notes.md"
    path.write_text(NOTES)
    run("import", str(path), "--list", "n", ok=True)
    papers = {p["citekey"]: p for p in run_json("list")}
    assert papers["distill2017feature"]["title"] == "Feature visualization"
    assert papers["distill2017feature"]["year"] == 2017
    goh = papers["goh2017momentum"]
    assert (goh["title"], goh["authors"]) == ("Why Momentum Really Works", ["Goh"])
    # review -> n: the title offered is the line without its TODO mark.
    in_terminal(["review", "--list", "n"], 120, answers=["n", "", "", "", ""])
    adam = next(p for p in run_json("list") if p["title"] == "the Adam optimizer")
    assert adam["citekey"] == "kingma2015adam" and adam["year"] == 2015
    assert not any(p["citekey"].startswith(("arxiv", "url", "todo")) for p in run_json("list"))
    # Edited, the authorless page keeps no stand-in key field as its own: the export labels it
    # by its title (what plainnat prints for an author), never by its citekey.
    run("edit", "distill2017feature", "--set", "note=Distill", ok=True)
    edited = run("export", "distill2017feature").stdout
    assert "note = {Distill}" in edited and "key = {Feature visualization}" in edited
    assert "key = {distill" not in edited


# The LDA paper twice more: a conference copy without DOI (title, author and year match), and
# an arXiv paper's manual twin whose link (given later) names its arXiv id.
LDA_TWIN = r"""
@inproceedings{lda2003, title = {Latent {Dirichlet} allocation}, author = {Blei, D. M.},
  year = 2003, booktitle = {NIPS}, keywords = {topic models}}
@misc{protonets, title = {Prototypical networks (preprint)}, author = {Snell, J.},
  note = {read for the seminar}}
"""


def _findings(run: Run) -> dict[str, list[str]]:
    report = json.loads(run("doctor", "--json").stdout)
    return {f["check"]: f["ids"] for f in report["findings"] if f["check"].startswith("dup")}


def test_doctor_finds_one_work_twice_and_merge_joins_them(
    stub: StubServer, run: Run, run_json: RunJson, tmp_path: Path
) -> None:
    _lda(run, tmp_path)
    run("add", "1703.05175", ok=True)
    run("add", "--bibtex", "-", input=LDA_TWIN, ok=True)
    run("note", "lda2003", "a note on the twin", ok=True)
    run("status", "lda2003", "read", ok=True)
    run("tag", "protonets", "+seminar", ok=True)
    run("edit", "protonets", "--set", "url=https://arxiv.org/abs/1703.05175v2", ok=True)
    found = _findings(run)
    assert found == {
        "duplicate-arxiv": ["1703.05175", "manual:protonets"],
        "duplicate-title": ["manual:blei2003latent", "manual:lda2003"],
    }
    before = run("dump").stdout
    dry = run("merge", "blei2003latent", "lda2003", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert "filled from lda2003: booktitle, keywords" in dry.stdout
    assert "conflict in entrytype: blei2003latent has 'article', lda2003 'inproceedings'" in (
        dry.stdout
    )
    assert "moved to blei2003latent: 1 tags, 1 notes, 1 status events" in dry.stdout
    assert "dry run: nothing changed" in dry.stderr
    assert run("dump").stdout == before
    done = run("merge", "blei2003latent", "lda2003", "--json")
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["alias"] is True
    shown = run_json("show", "lda2003")
    assert shown["id"] == "manual:blei2003latent" and shown["aliases"] == ["lda2003"]
    assert shown["status"] == "read" and shown["tags"] == ["topic models"]
    assert [n["text"] for n in shown["notes"]] == ["a note on the twin"]
    assert [e["field"] for e in shown["edits"]] == ["booktitle", "keywords", "merged"]
    assert "\tmerge\tmerged" in run("show", "blei2003latent").stdout
    assert [p["id"] for p in run_json("search", "twin")] == ["manual:blei2003latent"]
    exported = _export(run)
    assert "@article{blei2003latent," in exported and "booktitle = {NIPS}" in exported
    # The arXiv paper stays; its manual twin's fields and tags join it (--prefer-second: the
    # twin's title wins, the arXiv identity does not move).
    wrong_way = run("merge", "protonets", "1703.05175")
    assert wrong_way.exit_code == 1 and "merge snell2017prototypical protonets" in wrong_way.stderr
    joined = run("merge", "1703.05175", "protonets", "--prefer-second")
    assert joined.exit_code == 0, joined.stderr
    paper = run_json("show", "protonets")
    assert paper["id"] == "1703.05175" and paper["title"] == "Prototypical networks (preprint)"
    assert paper["tags"] == ["seminar"] and paper["aliases"] == ["protonets"]
    assert "note = {read for the seminar}" in _export(run)
    assert _findings(run) == {}
    assert run_json("list") and len(run_json("list")) == 2
    for bad, code in (
        (["blei2003latent", "lda2003"], 1),
        (["nosuch", "blei2003latent"], 1),
        (["blei2003latent"], 2),
    ):
        assert run("merge", *bad).exit_code == code, bad


def test_edit_at_a_real_terminal_and_a_change_meanwhile(
    run: Run, run_json: RunJson, tmp_path: Path, monkeypatch: Any
) -> None:
    import sys

    from tests.test_terminal import in_terminal

    _lda(run, tmp_path)
    _editor(tmp_path, monkeypatch, "path.write_text(text.replace('2003}', '1999}'))\n")
    in_terminal(["edit", "blei2003latent"], 120)
    assert run_json("show", "blei2003latent")["year"] == 1999
    # Another command changes the entry while it is open in the editor: nothing is saved.
    command = [sys.executable, "-m", "reading_list", "edit", "blei2003latent", "--set", "volume=9"]
    _editor(
        tmp_path,
        monkeypatch,
        f"import subprocess; subprocess.run({command!r}, check=True)\n"
        "path.write_text(text.replace('1999}', '2001}'))\n",
    )
    stale = run("edit", "blei2003latent")
    assert stale.exit_code == 1 and "changed by another command" in stale.stderr
    shown = run_json("show", "blei2003latent")
    assert shown["year"] == 1999 and [e["after"] for e in shown["edits"]] == ["1999", "9"]


def test_a_new_citekey_that_is_an_alias_of_the_same_work(run: Run, run_json: RunJson) -> None:
    run("add", "--bibtex", "-", input=LDA + LDA_AGAIN, ok=True)
    assert run_json("show", "lda")["aliases"] == ["lda"]
    run("edit", "blei2003latent", "--set", "citekey=lda", ok=True)
    assert run_json("show", "lda")["aliases"] == ["blei2003latent"]
    run("edit", "lda", "--set", "citekey=LDA", ok=True)
    shown = run_json("show", "blei2003latent")
    assert shown["citekey"] == "LDA" and shown["aliases"] == ["blei2003latent"]
