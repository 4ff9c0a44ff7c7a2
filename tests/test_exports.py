"""Exports: golden files, entries built to break exporters, real TeX, dump/restore."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from bibtexparser.entrypoint import parse_string

from reading_list.formats.bibtex import format_title, render_bibliography
from reading_list.formats.csl_json import render_csl_json
from reading_list.formats.ris import render_ris
from reading_list.models import Paper
from tests.arxiv_stub import StubServer
from tests.conftest import Run

GOLDEN = Path(__file__).parent / "golden"


def paper(**fields: Any) -> Paper:
    base: dict[str, Any] = {"kind": "arxiv", "added_at": "2026-01-01T00:00:00Z"}
    base.update(fields)
    base.setdefault("id", base.get("arxiv_id") or f"manual:{base['citekey']}")
    return Paper.model_validate(base)


HOSTILE = [
    paper(
        arxiv_id="2401.00001",
        citekey="bosnjak2024sorting",
        title=(
            r"$O(N \log N)$ Sorting with 100% Recall: "
            r"Q&A for {DeepCoder}, GANs, ResNet-50 & C_4 #1"
        ),
        authors=["Matko Bošnjak", "Łukasz Kaiser", "Aäron van den Oord", "Tim Rocktäschel"],
        year=2024,
        published="2024-01-01T00:00:00Z",
        primary_category="cs.LG",
        doi="https://doi.org/10.1000/j.example.2024.1",
        journal_ref="J. Example 12 (2024) 1-9",
    ),
    paper(
        arxiv_id="hep-th/9901001",
        citekey="maldacena1999large",
        title=r"The Large $N$ Limit of Superconformal Field Theories ~ and Schr\"odinger",
        authors=["Juan Maldacena", "ATLAS Collaboration"],
        year=1999,
        published="1999-01-01",
        primary_category="hep-th",
    ),
    paper(
        arxiv_id="1703.05175",
        citekey="snell2017prototypical",
        title="Prototypical Networks for Few-shot Learning",
        authors=["Jake Snell", "Kevin Swersky", "Richard S. Zemel"],
        year=2017,
        published="2017-03-15T14:31:55Z",
        primary_category="cs.LG",
        version=2,
    ),
    paper(
        kind="manual",
        citekey="blei2003latent",
        title="Latent Dirichlet Allocation",
        authors=["David M. Blei", "Andrew Y. Ng", "Michael I. Jordan"],
        year=2003,
        journal_ref="Journal of Machine Learning Research 3 (2003) 993-1022",
        url="https://www.jmlr.org/papers/v3/blei03a.html",
    ),
    paper(
        kind="manual",
        citekey="ravi2017optimization",
        title="Optimization as a Model for Few-Shot Learning",
        authors=["Sachin Ravi", "Hugo Larochelle"],
        year=2017,
        journal_ref="ICLR 2017",
        url="https://openreview.net/forum?id=rJY0-Kcll",
    ),
    paper(
        kind="manual",
        citekey="menon2013machine",
        title="A Machine Learning Framework for Programming by Example",
        authors=["Aditya Krishna Menon", "others"],
        year=2013,
        url="https://proceedings.mlr.press/v28/menon13.html",
    ),
]
CJK = paper(
    arxiv_id="1701.00002",
    citekey="arxiv1701000022017study",
    title="A Study",
    authors=["王小明"],
    year=2017,
    published="2017-01-02",
)


@pytest.mark.parametrize(
    ("fmt", "suffix"),
    [("bibtex", "bib"), ("biblatex", "blx.bib"), ("csl-json", "json"), ("ris", "ris")],
)
def test_golden_files(fmt: str, suffix: str) -> None:
    if fmt in ("bibtex", "biblatex"):
        text = render_bibliography(HOSTILE, flavour=fmt).text
    elif fmt == "csl-json":
        text = render_csl_json(HOSTILE)
    else:
        text = render_ris(HOSTILE)
    golden = GOLDEN / f"hostile.{suffix}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text()


def test_escaping_rules_hold_outside_math() -> None:
    title = format_title(HOSTILE[0].title, ascii_only=True)
    assert title.startswith(r"{$O(N \log N)$}")
    outside = re.sub(r"\{\$.*?\$\}", "", title)
    for char in "&%#_":
        assert re.search(rf"(?<!\\){re.escape(char)}", outside) is None, char
    assert "{DeepCoder}" in title and "{GANs}" in title and "{ResNet-50}" in title
    assert not title.startswith("{{")
    bib = render_bibliography(HOSTILE, flavour="bibtex").text
    assert bib.isascii()
    assert "Bo{\\v{s}}njak, Matko" in bib and "{\\L}ukasz" in bib
    assert 'van den Oord, A{\\"a}ron' in bib and "{ATLAS Collaboration}" in bib
    assert "doi           = {10.1000/j.example.2024.1}" in bib
    assert "eprint        = {hep-th/9901001}" in bib
    assert "Menon, Aditya Krishna and others" in bib


def test_parses_cleanly_with_bibtexparser() -> None:
    for flavour in ("bibtex", "biblatex"):
        library = parse_string(render_bibliography([*HOSTILE, CJK], flavour=flavour).text)
        assert library.failed_blocks == []
        keys = [e.key for e in library.entries]
        assert len({k.lower() for k in keys}) == len(keys) == len(HOSTILE) + 1
        assert all(re.fullmatch(r"[a-z0-9]+", k) for k in keys)
        for entry in library.entries:
            for name in ("eprint", "url", "doi"):
                if name in entry.fields_dict:
                    value = entry.fields_dict[name].value
                    assert "\\" not in value and not value.startswith("https://doi.org/")


def test_cjk_name_is_kept_with_a_warning() -> None:
    rendered = render_bibliography([CJK], flavour="bibtex")
    assert "王小明" in rendered.text
    assert "no Latin transliteration" in rendered.warnings[0].message


def test_csl_and_ris_shapes() -> None:
    items = json.loads(render_csl_json(HOSTILE))
    proto = next(i for i in items if i["id"] == "snell2017prototypical")
    assert proto["type"] == "article" and proto["number"] == "arXiv:1703.05175"
    assert proto["DOI"] == "10.48550/arXiv.1703.05175"
    assert proto["issued"] == {"date-parts": [[2017, 3, 15]]}
    oord = next(a for a in items[0]["author"] if a["family"] == "Oord")
    assert oord["non-dropping-particle"] == "van den"
    ris = render_ris(HOSTILE)
    types = re.findall(r"^TY  - (\w+)$", ris, re.M)
    assert types == ["UNPB", "UNPB", "UNPB", "JOUR", "CONF", "ELEC"]
    assert ris.count("ER  - ") == len(HOSTILE)
    assert "JO  - Journal of Machine Learning Research\nVL  - 3\nSP  - 993\nEP  - 1022" in ris
    assert [i["type"] for i in items] == [
        "article",
        "article",
        "article",
        "article-journal",
        "paper-conference",
        "webpage",
    ]
    assert "AU  - Snell, Jake" in ris


# ---- through the CLI -----------------------------------------------------------------------


def test_export_formats_and_selection(stub: StubServer, run: Run, tmp_path: Path) -> None:
    run("seed", "google-brain-ama-2017", ok=True)
    for fmt in ("bibtex", "biblatex", "csl-json", "ris", "csv", "json"):
        result = run("export", "--list", "google-brain-ama-2017", "--format", fmt)
        assert result.exit_code == 0, result.stderr
        assert result.stdout
    one = run("export", "1703.05175").stdout
    assert one.count("@misc{") == 1 and "snell2017prototypical" in one
    out = tmp_path / "refs.bib"
    run("export", "--tag", "few-shot", "-o", str(out), ok=True)
    assert out.read_text().count("@") == 2
    assert run("export", "--format", "docx").exit_code == 2


def test_cited_only(stub: StubServer, run: Run, tmp_path: Path) -> None:
    run("seed", "google-brain-ama-2017", ok=True)
    tex = tmp_path / "paper.tex"
    tex.write_text(
        "\\cite{snell2017prototypical} and \\citep[p.~3]{balog2016deepcoder, nobody2020x}\n"
        "% \\cite{commented2020out}\n"
    )
    result = run("export", "--cited-only", str(tex))
    assert result.exit_code == 0
    assert sorted(re.findall(r"@\w+\{(\w+),", result.stdout)) == [
        "balog2016deepcoder",
        "snell2017prototypical",
    ]
    assert "nobody2020x" in result.stderr and "commented2020out" not in result.stderr
    aux = tmp_path / "paper.aux"
    aux.write_text("\\citation{snell2017prototypical}\n")
    assert run("export", "--cited-only", str(aux)).stdout.count("@misc") == 1


def test_citekeys_survive_refresh_and_clash_case_insensitively(
    stub: StubServer, run: Run, run_json: Any
) -> None:
    run("add", "1703.05175", ok=True)
    stub.state.records["1703.05175"]["title"] = "Entirely New Title"
    stub.state.records["1703.05175"]["authors"] = [{"name": "Someone Else", "affiliation": []}]
    run("add", "--refresh", "1703.05175", ok=True)
    assert run_json("show", "1703.05175")["citekey"] == "snell2017prototypical"
    twin = dict(stub.state.records["1708.02735"])
    twin.update(
        arxiv_id="1709.00001",
        title="PROTOTYPICAL networks again",
        authors=[{"name": "Jake SNELL", "affiliation": []}],
        published="2017-09-01",
    )
    stub.state.records["1709.00001"] = twin
    run("add", "1709.00001", ok=True)
    keys = {p["citekey"] for p in run_json("list")}
    assert keys == {"snell2017prototypical", "snell2017prototypicala"}


def test_rekey_on_request_only(stub: StubServer, run: Run, run_json: Any) -> None:
    run("add", "1703.05175", "1611.01989", ok=True)
    result = run("rekey", "--pattern", "{auth}{year}", "--yes")
    assert result.exit_code == 0, result.stderr
    assert {p["citekey"] for p in run_json("list")} == {"snell2017", "balog2016"}
    assert run("rekey", "--pattern", "{nope}", "--yes").exit_code == 2


def test_dump_restore_round_trip(
    stub: StubServer, run: Run, tmp_path: Path, monkeypatch: Any
) -> None:
    run("seed", "google-brain-ama-2017", ok=True)
    run("status", "1703.05175", "read", ok=True)
    run("tag", "1703.05175", "+favourite", ok=True)
    run("note", "1703.05175", "note with unicode: Bošnjak 王", ok=True)
    dump1 = run("dump").stdout
    exports1 = {f: run("export", "-F", f).stdout for f in ("bibtex", "biblatex", "csl-json", "ris")}
    lines = dump1.splitlines()
    assert json.loads(lines[0])["_type"] == "header"
    assert all(list(json.loads(x)) == sorted(json.loads(x)) for x in lines)
    path = tmp_path / "dump.jsonl"
    path.write_text(dump1)
    monkeypatch.setenv("READING_LIST_DB", str(tmp_path / "restored.db"))
    restored = run("restore", str(path))
    assert restored.exit_code == 0, restored.stderr
    assert run("dump").stdout == dump1
    for fmt, text in exports1.items():
        assert run("export", "-F", fmt).stdout == text, fmt
    again = run("restore", str(path))
    assert again.exit_code == 1 and "empty library" in again.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"_type": "header", "format": 1}\n{not json\n')
    monkeypatch.setenv("READING_LIST_DB", str(tmp_path / "other.db"))
    result = run("restore", str(bad))
    assert result.exit_code == 1 and ":2:" in result.stderr


# ---- real TeX ------------------------------------------------------------------------------

STYLES = ("plain", "alpha", "ieeetr", "plainnat", "unsrtnat", "abbrvnat")
BIBLATEX_STYLES = ("numeric", "authoryear", "alphabetic")


def _require_tex() -> None:
    missing = [t for t in ("pdflatex", "bibtex", "biber") if shutil.which(t) is None]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must have TeX: missing {', '.join(missing)}")
        pytest.skip(f"TeX not installed ({', '.join(missing)}); .ci/run installs it")


def _tex(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, timeout=120)


def _compile_bibtex(bib: str, work: Path) -> list[str]:
    problems = []
    (work / "refs.bib").write_text(bib)
    for style in STYLES:
        natbib = "\\usepackage{natbib}" if style.endswith("nat") else ""
        (work / f"t_{style}.tex").write_text(
            f"\\documentclass{{article}}\n{natbib}\\usepackage{{url}}\n\\begin{{document}}"
            f"\\nocite{{*}}\\bibliographystyle{{{style}}}\\bibliography{{refs}}\\end{{document}}\n"
        )
        latex = ("pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"t_{style}")
        _tex(work, *latex)
        bibtex_run = _tex(work, "bibtex", f"t_{style}")
        _tex(work, *latex)
        final = _tex(work, *latex)
        blg = (work / f"t_{style}.blg").read_text(errors="replace")
        log = (work / f"t_{style}.log").read_text(errors="replace")
        if bibtex_run.returncode or final.returncode:
            problems.append(f"{style}: exit {bibtex_run.returncode}/{final.returncode}")
        problems += [
            f"{style}: {x}" for x in re.findall(r"^(?:Warning--.*|.*error message.*)$", blg, re.M)
        ]
        problems += [
            f"{style}: {x}"
            for x in re.findall(
                r"^(?:!.*|.*LaTeX Warning.*|.*Package natbib Warning.*)$", log, re.M
            )
        ]
    return problems


def _compile_biblatex(bib: str, work: Path) -> list[str]:
    problems = []
    (work / "refs-blx.bib").write_text(bib)
    for style in BIBLATEX_STYLES:
        (work / f"b_{style}.tex").write_text(
            f"\\documentclass{{article}}\n\\usepackage[backend=biber,style={style}]{{biblatex}}"
            "\\addbibresource{refs-blx.bib}\n\\usepackage{hyperref}\n"
            "\\begin{document}\\nocite{*}\\printbibliography\\end{document}\n"
        )
        latex = ("pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"b_{style}")
        _tex(work, *latex)
        biber_run = _tex(work, "biber", "-q", f"b_{style}")
        _tex(work, *latex)
        final = _tex(work, *latex)
        blg = (work / f"b_{style}.blg").read_text(errors="replace")
        log = (work / f"b_{style}.log").read_text(errors="replace")
        if biber_run.returncode or final.returncode:
            problems.append(f"{style}: exit {biber_run.returncode}/{final.returncode}")
        problems += [f"{style}: {x}" for x in re.findall(r"^.*(?:WARN|ERROR).*$", blg, re.M)]
        problems += [
            f"{style}: {x}"
            for x in re.findall(
                r"^(?:!.*|.*LaTeX Warning.*|.*Package biblatex Warning.*)$", log, re.M
            )
        ]
    validate = _tex(
        work,
        "biber",
        "--tool",
        "--validate-datamodel",
        "--output-file=/dev/null",
        "--nolog",
        "refs-blx.bib",
    )
    problems += [
        f"datamodel: {x}" for x in re.findall(r"^.*(?:WARN|ERROR).*$", validate.stdout, re.M)
    ]
    return problems


@pytest.mark.tex
@pytest.mark.slow
def test_seeded_list_and_hostile_entries_compile_without_warnings(
    stub: StubServer, run: Run, tmp_path: Path
) -> None:
    _require_tex()
    run("seed", "google-brain-ama-2017", ok=True)
    seeded = run("export", "--list", "google-brain-ama-2017").stdout
    seeded_blx = run("export", "--list", "google-brain-ama-2017", "-F", "biblatex").stdout
    extra = [p for p in HOSTILE if p.citekey not in seeded]
    bib = seeded + "\n" + render_bibliography(extra, flavour="bibtex").text
    blx = seeded_blx + "\n" + render_bibliography(extra, flavour="biblatex").text
    for text in (bib, blx):
        assert parse_string(text).failed_blocks == []
    (tmp_path / "bibtex").mkdir()
    (tmp_path / "biblatex").mkdir()
    assert _compile_bibtex(bib, tmp_path / "bibtex") == []
    assert _compile_biblatex(blx, tmp_path / "biblatex") == []
