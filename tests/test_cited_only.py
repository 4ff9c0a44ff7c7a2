"""--cited-only on real documents: every natbib and biblatex citation command, both .aux
dialects (the .aux files in tests/data/citations were written by pdflatex from the .tex files
beside them), files read in, and files that cite nothing or are not TeX refused."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from reading_list.formats.citations import looks_binary, parse_aux, parse_tex
from tests.arxiv_stub import StubServer
from tests.conftest import DATA, Run

CITATIONS = DATA / "citations"


def keys(text: str) -> list[str]:
    return list(parse_tex(text).keys)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("\\cite{a}", ["a"]),
        (
            "\\citet{a} \\citep{b, c} \\citet*{d} \\citealt{e} \\citealp[e.g.][p.~3]{f}",
            list("abcdef"),
        ),
        (
            "\\citeauthor{a} \\citeyear{b} \\citeyearpar{c} \\Citet{d} \\Citep*[see]{e}",
            list("abcde"),
        ),
        (
            "\\citefullauthor{a} \\citenum{b} \\citetalias{c} \\Citealt{d} \\nocite{e}",
            list("abcde"),
        ),
        (
            "\\parencite{a} \\Parencite[12]{b} \\textcite{c} \\Textcite{d} \\autocite*{e}",
            list("abcde"),
        ),
        (
            "\\footcite{a} \\smartcite{b} \\supercite{c} \\fullcite{d} \\citetitle*{e}",
            list("abcde"),
        ),
        (
            "\\footcitetext{a} \\citeurl{b} \\citedate{c} \\Autocite{d} \\footfullcite{e}",
            list("abcde"),
        ),
        # As biblatex does, a braced group after the last one (spaces skipped) is one more.
        ("\\cites[pre][post]{a}[p.~4]{b,c}{d} {e} and more {text}", list("abcde")),
        ("\\parencites(see)(and more)[12]{a}{b}. Then", ["a", "b"]),
        ("\\Textcites{a}[p.~{\\S}~3]{b} \\autocites{c}{d}", list("abcd")),
        ("\\volcite[see]{3}[12]{a} \\pvolcites(x)(y){2}[5]{b}{4}{c}", ["a", "b", "c"]),
        ("\\citeA{a} \\citeNP{b} \\citeasnoun{c} \\bibentry{d}", list("abcd")),
        ("\\cite[{see [a] also}][\\emph{p.~\\textbf{3}}]{a}", ["a"]),
        ("\\cite\n  [p.~3]\n  {a, knuth:ct:a ,b-c_d/e}", ["a", "knuth:ct:a", "b-c_d/e"]),
        ("\\cite{a}\\cite{a}\\cite{b,a}", ["a", "b"]),
    ],
)
def test_every_natbib_and_biblatex_command(source: str, expected: list[str]) -> None:
    assert keys(source) == expected


def test_comments_verbatim_and_not_citations_are_skipped() -> None:
    source = r"""
    \cite{kept} % \cite{comment}
    50\% sure \cite{after-percent}  \\% \cite{after-linebreak}
    \begin{comment}\cite{in-comment-env}\end{comment}
    \begin{verbatim}\cite{in-verbatim}\end{verbatim}
    \verb|\cite{in-verb}| \verb+x+
    \citestyle{plainnat} \citetext{not a key} \bibliographystyle{plainnat}
    \cite{\mykey} \cite{} \cite{ , } \citeauthor
    \\cite{after-backslashes}
    """
    # "\\\\cite" is a line break and the word "cite".
    assert keys(source) == ["kept", "after-percent"]


def test_nocite_star_means_everything_and_inputs_are_named() -> None:
    found = parse_tex("\\nocite{*} \\input{chapters/one} \\include{two}\\subfile{three.tex}")
    assert found.everything and found.keys == ()
    assert found.inputs == ("chapters/one", "two", "three.tex")
    assert parse_tex("plain words, no TeX at all").commands == 0


def test_hostile_input_is_scanned_in_linear_time() -> None:
    # Each of these would be quadratic with a pattern free to run to the end of the text.
    for unit in ("\\cite[", "\\cite{", "\\cites(", "\\cite[{", "\\volcite{"):
        assert keys(unit * 100_000) == []
    assert keys("\\cite{" + "a" * 1_000_000 + "}") == ["a" * 1_000_000]


def test_both_aux_dialects_as_latex_writes_them() -> None:
    biblatex = parse_aux((CITATIONS / "biblatex.aux").read_text())
    assert biblatex.keys == (
        "knuth:ct:a",
        "sigfridsson",
        "aristotle:poetics",
        "companion",
        "gillies",
        "glashow",
        "kastenholz",
        "worman",
    )
    assert not biblatex.everything
    # Every key its .tex cites (the refsection's too) is in its .aux.
    assert set(parse_tex((CITATIONS / "biblatex.tex").read_text()).keys) == set(biblatex.keys)
    bibtex = parse_aux((CITATIONS / "bibtex.aux").read_text())
    assert bibtex.keys == ("knuth:ct:a", "sigfridsson", "glashow", "companion", "gillies")
    assert bibtex.everything
    nociteall = parse_aux((CITATIONS / "biblatex-nociteall.aux").read_text())
    assert nociteall.everything and nociteall.keys == ("knuth:ct:b",)
    assert nociteall.inputs == ("chap.aux",)
    # biblatex before 3.8 wrote the key alone.
    old = parse_aux("\\relax\n\\abx@aux@cite{old-style}\n\\abx@aux@cite{0}{new-style}\n")
    assert old.keys == ("old-style", "new-style")


def test_binary_is_told_from_text() -> None:
    assert looks_binary(b"%PDF-1.5\n\x00\x01\x02")
    assert looks_binary(bytes(range(256)) * 10)
    assert not looks_binary("\\cite{caf\u00e9} \t\f\r\n".encode("latin-1"))


def _seeded(run: Run) -> None:
    run("seed", "google-brain-ama-2017", ok=True)


def exported_keys(text: str) -> list[str]:
    return re.findall(r"^@(?!preamble)\w+\{([^,]+),", text, re.M)


def test_cited_only_reads_both_dialects_and_included_files(
    stub: StubServer, run: Run, tmp_path: Path
) -> None:
    _seeded(run)
    tex = tmp_path / "paper.tex"
    tex.write_text(
        "\\documentclass{article}\\usepackage{biblatex}\\begin{document}\n"
        "\\textcite{snell2017prototypical} \\input{glyphtounicode}\\include{chapters/two}\n"
    )
    (tmp_path / "chapters").mkdir()
    # TeX finds every file from the document's folder (and reads none twice here).
    (tmp_path / "chapters" / "two.tex").write_text(
        "\\parencites[see][3]{balog2016deepcoder}{nobody2020x}\\input{paper}"
    )
    result = run("export", "-F", "biblatex", "--cited-only", str(tex), ok=True)
    assert exported_keys(result.stdout) == ["balog2016deepcoder", "snell2017prototypical"]
    assert "nobody2020x" in result.stderr

    aux = tmp_path / "paper.aux"
    aux.write_text(
        "\\relax\n\\abx@aux@refcontext{nty/global//global/global}\n"
        "\\abx@aux@cite{0}{snell2017prototypical}\n\\abx@aux@segm{0}{0}{snell2017prototypical}\n"
    )
    assert exported_keys(run("export", "--cited-only", str(aux), ok=True).stdout) == [
        "snell2017prototypical"
    ]
    # BibTeX's \include: the chapter's citations are in the chapter's .aux.
    aux.write_text("\\relax\n\\@input{two.aux}\n\\@input{gone.aux}\n")
    (tmp_path / "two.aux").write_text("\\relax\n\\citation{balog2016deepcoder}\n")
    result = run("export", "--cited-only", str(aux), ok=True)
    assert exported_keys(result.stdout) == ["balog2016deepcoder"]
    assert "gone.aux" in result.stderr

    everything = run("export", ok=True).stdout
    aux.write_text("\\relax\n\\abx@aux@nociteall\n")
    assert run("export", "--cited-only", str(aux), ok=True).stdout == everything


def _pdflatex(tex: Path) -> None:
    """Compile ``tex`` once, for the .aux it writes (errors are the test's to find)."""
    subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", tex.name],
        cwd=tex.parent,
        capture_output=True,
        check=False,
        timeout=120,
    )


def test_a_real_compiled_aux_when_tex_is_installed(
    stub: StubServer, run: Run, tmp_path: Path
) -> None:
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed")
    _seeded(run)
    (tmp_path / "paper.tex").write_text(
        "\\documentclass{article}\\usepackage{natbib}\\begin{document}\n"
        "\\citet*{snell2017prototypical} \\citealp[p.~2]{balog2016deepcoder}\n"
        "\\bibliographystyle{plainnat}\\bibliography{refs}\\end{document}\n"
    )
    _pdflatex(tmp_path / "paper.tex")
    result = run("export", "--cited-only", str(tmp_path / "paper.aux"), ok=True)
    assert exported_keys(result.stdout) == ["balog2016deepcoder", "snell2017prototypical"]


def test_a_document_that_cites_nothing_or_is_not_tex_is_an_error(
    stub: StubServer, run: Run, tmp_path: Path
) -> None:
    _seeded(run)
    cases = {
        "empty.tex": (
            "\\documentclass{article}\\begin{document}Hi.\\end{document}",
            "cites nothing",
        ),
        "empty.aux": (
            "\\relax\n\\abx@aux@refcontext{nty/global//global/global}\n",
            "cites nothing",
        ),
        "notes.txt": ("Just some words, \\ no commands.", "not a LaTeX file"),
        "refs.bib": ("@article{a,\n  title = {On {\\'E}tale}\n}\n", "looks like a .bib"),
        "empty.tex.aux": ("", "not a LaTeX file"),
    }
    for name, (text, message) in cases.items():
        path = tmp_path / name
        path.write_text(text)
        result = run("export", "--cited-only", str(path))
        assert result.exit_code == 1, (name, result.stdout)
        assert message in result.stderr, (name, result.stderr)
        assert result.stdout == ""
    binary = tmp_path / "paper.pdf"
    binary.write_bytes(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n\x00\x00\\cite{snell2017prototypical}")
    result = run("export", "--cited-only", str(binary), "-o", str(tmp_path / "out.bib"))
    assert result.exit_code == 1 and "binary" in result.stderr
    assert not (tmp_path / "out.bib").exists()


CROSSREF_BIB = """
@inproceedings{zeta2017child, author = {Ann Author}, title = {A Child Paper},
  crossref = {alpha2017proc}, pages = {1--9}}
@inproceedings{beta2017sibling, author = {Bo Writer}, title = {A Sibling Paper},
  crossref = {ALPHA2017proc}, pages = {10--19}}
@article{gamma2018, author = {Cy Other}, title = {Unrelated}, journal = {Journal of Tests},
  year = {2018}}
@proceedings{alpha2017proc, title = {Proceedings of the Alpha Workshop},
  booktitle = {Proceedings of the Alpha Workshop}, editor = {Ed Itor}, publisher = {Pub},
  year = {2017}}
"""


def test_parents_come_after_their_children_and_with_the_cited_ones(
    run: Run, tmp_path: Path
) -> None:
    bib = tmp_path / "in.bib"
    bib.write_text(CROSSREF_BIB)
    run("import-bib", str(bib), ok=True)
    # BibTeX takes a parent's fields only from an entry after the child, whatever the order
    # of the keys; the cache (second export) keeps that order.
    order = ["beta2017sibling", "gamma2018", "zeta2017child", "alpha2017proc"]
    first = run("export", ok=True).stdout
    assert exported_keys(first) == order
    assert run("export", ok=True).stdout == first
    assert exported_keys(run("export", "-F", "biblatex", ok=True).stdout) == order

    # A selection without the parent gets it all the same, after its own entries.
    run("tag", "zeta2017child", "+mine", ok=True)
    run("tag", "gamma2018", "+mine", ok=True)
    for _ in range(2):
        tagged = run("export", "--tag", "mine", ok=True).stdout
        assert exported_keys(tagged) == ["gamma2018", "zeta2017child", "alpha2017proc"]
        assert "\n\n@proceedings{alpha2017proc," in tagged
    # RIS has no cross-references: just the selection.
    ris = run("export", "--tag", "mine", "-F", "ris", ok=True).stdout
    assert re.findall(r"^ID  - (.+)$", ris, re.M) == ["gamma2018", "zeta2017child"]

    tex = tmp_path / "paper.tex"
    tex.write_text("\\documentclass{article}\\begin{document}\\cite{zeta2017child}\n")
    for flavour in ("bibtex", "biblatex"):
        cited = run("export", "-F", flavour, "--cited-only", str(tex), ok=True)
        assert exported_keys(cited.stdout) == ["zeta2017child", "alpha2017proc"], flavour
    tex.write_text("\\documentclass{article}\\begin{document}\\cite{gamma2018}\n")
    assert exported_keys(run("export", "--cited-only", str(tex), ok=True).stdout) == ["gamma2018"]


def test_a_cited_child_takes_its_parents_fields_in_bibtex(run: Run, tmp_path: Path) -> None:
    if shutil.which("pdflatex") is None or shutil.which("bibtex") is None:
        pytest.skip("pdflatex or bibtex is not installed")
    bib = tmp_path / "in.bib"
    bib.write_text(CROSSREF_BIB)
    run("import-bib", str(bib), ok=True)
    tex = tmp_path / "paper.tex"
    tex.write_text(
        "\\documentclass{article}\\begin{document}\\cite{zeta2017child}\n"
        "\\bibliographystyle{plain}\\bibliography{refs}\\end{document}\n"
    )
    _pdflatex(tmp_path / "paper.tex")
    run("export", "--cited-only", str(tmp_path / "paper.aux"), "-o", str(tmp_path / "refs.bib"))
    subprocess.run(["bibtex", "paper"], cwd=tmp_path, capture_output=True, timeout=120)
    blg = (tmp_path / "paper.blg").read_text(errors="replace")
    assert "Warning--" not in blg and "error" not in blg.lower(), blg
    bbl = " ".join((tmp_path / "paper.bbl").read_text().split())
    assert "Proceedings of the Alpha Workshop" in bbl and "2017" in bbl, bbl
