"""Adding and editing entries by hand: pasted BibTeX, `edit` in $EDITOR or with --set,
manual entries, and joining two entries of one work (`doctor`, `merge`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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
