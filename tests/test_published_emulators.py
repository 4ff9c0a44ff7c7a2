"""Issue 14's done-when checks against the shared arXiv, dblp and Crossref emulators (small
corpora): add by DOI and OpenReview forum, published versions for the AMA list and every
corpus paper matches.json names (0 wrong links), fault runs equal to a clean run, and the
published-version export compiling warning-free.

Skipped with a reason where ../shared is absent; CI always has it (and fails without it).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bibtexparser.entrypoint import parse_string

from tests.conftest import DBLP_MATCHES, SHARED_CITATIONS, Emulator, Run, require_shared
from tests.test_exports import _compile_biblatex, _compile_bibtex, _require_tex

pytestmark = pytest.mark.emulator
RunJson = Callable[..., Any]


def matches() -> dict[str, Any]:
    require_shared(DBLP_MATCHES)
    data: dict[str, Any] = json.loads(DBLP_MATCHES.read_text())
    return data


def test_add_by_doi_and_openreview_gives_typed_records_with_venues(
    dblp_emulator: Callable[..., Emulator],
    crossref_emulator: Callable[..., Emulator],
    run: Run,
    run_json: RunJson,
) -> None:
    dblp_emulator()
    crossref_emulator()
    wanted = [
        "10.1162/neco.1997.9.8.1735",
        "https://doi.org/10.1109/5.726791",
        "https://openreview.net/forum?id=Sy8gdB9xx",
    ]
    result = run("add", *wanted, "--json")
    assert result.exit_code == 0, result.stderr
    added = json.loads(result.stdout)
    assert [(o["outcome"], o["work_type"], o["venue"]) for o in added] == [
        ("added", "journal article", "Neural Computation"),
        ("added", "journal article", "Proceedings of the IEEE"),
        ("added", "conference paper", "ICLR"),
    ]
    records = [run_json("show", o["paper_id"])["records"]["work"] for o in added]
    assert [r["fields"].get("volume") for r in records] == ["9", "86", None]
    assert [r["fields"].get("pages") for r in records] == ["1735-1780", "2278-2324", None]
    assert records[2]["fields"]["publisher"] == "OpenReview.net"
    assert [r["source"] for r in records] == ["crossref", "crossref", "dblp"]


def _check_links(run: Run, run_json: RunJson) -> dict[str, str]:
    data = matches()
    ids = [m["arxiv_id"] for m in data["published_versions"]] + list(data["unmatched_arxiv"])
    run("seed", "google-brain-ama-2017", ok=True)
    run("add", *ids, ok=True)
    result = run("check", "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)["published"]
    assert report["pending"] == []
    return {link["paper_id"]: link["key"] for link in report["linked"]}


def test_seed_then_check_links_what_matches_json_lists_and_nothing_else(
    emulator: Callable[..., Emulator],
    dblp_emulator: Callable[..., Emulator],
    run: Run,
    run_json: RunJson,
) -> None:
    emulator()
    dblp_emulator()
    linked = _check_links(run, run_json)
    expected = {m["arxiv_id"]: m for m in matches()["published_versions"]}
    wrong = {p: k for p, k in linked.items() if p not in expected or expected[p]["key"] != k}
    assert wrong == {}
    missing = [a for a, m in expected.items() if m["confidence"] == "high" and a not in linked]
    assert missing == []
    ama = {p["id"] for p in run_json("list", "--list", "google-brain-ama-2017") if p["arxiv_id"]}
    assert {p for p in ama if p in expected} <= set(linked)
    bib = run("export", "--list", "google-brain-ama-2017").stdout
    entries = {e.key: e for e in parse_string(bib).entries}
    snell = entries["snell2017prototypical"]
    assert snell.entry_type == "inproceedings" and snell.fields_dict["eprint"].value == "1703.05175"
    assert "Neural Information Processing Systems" in snell.fields_dict["booktitle"].value


@pytest.mark.slow
@pytest.mark.parametrize(
    "flags",
    [
        ["--fail-every", "3"],
        ["--rate-limit-seconds", "0.2"],
        ["--malformed-every", "3"],
        ["--empty-every", "3"],
        ["--html-every", "4"],
    ],
    ids=["503", "429-html", "truncated", "empty", "html"],
)
def test_dblp_fault_runs_end_with_the_clean_library(
    emulator: Callable[..., Emulator],
    dblp_emulator: Callable[..., Emulator],
    run: Run,
    run_json: RunJson,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    flags: list[str],
) -> None:
    emulator()
    dblp_emulator()
    monkeypatch.setenv("READING_LIST_DB", str(tmp_path / "clean.db"))
    monkeypatch.setenv("READING_LIST_CACHE_DIR", str(tmp_path / "clean-cache"))
    clean = _check_links(run, run_json)
    clean_bib = run("export").stdout
    dblp_emulator(*flags)
    monkeypatch.setenv("READING_LIST_DB", str(tmp_path / "faulty.db"))
    monkeypatch.setenv("READING_LIST_CACHE_DIR", str(tmp_path / "faulty-cache"))
    monkeypatch.setenv("READING_LIST_ARXIV_RETRIES", "6")
    assert _check_links(run, run_json) == clean
    assert run("export").stdout == clean_bib


@pytest.mark.tex
@pytest.mark.slow
def test_the_published_export_compiles_without_warnings(
    emulator: Callable[..., Emulator],
    dblp_emulator: Callable[..., Emulator],
    crossref_emulator: Callable[..., Emulator],
    run: Run,
    run_json: RunJson,
    tmp_path: Path,
) -> None:
    _require_tex()
    emulator()
    dblp_emulator()
    crossref_emulator()
    _check_links(run, run_json)
    run("add", "10.1162/neco.1997.9.8.1735", "https://doi.org/10.1109/5.726791", ok=True)
    bib = run("export").stdout
    blx = run("export", "-F", "biblatex").stdout
    for text in (bib, blx):
        assert parse_string(text).failed_blocks == []
    assert bib.count("@inproceedings{") >= 20 and "@article{hochreiter1997long," in bib
    (tmp_path / "bibtex").mkdir()
    (tmp_path / "biblatex").mkdir()
    assert _compile_bibtex(bib, tmp_path / "bibtex") == []
    assert _compile_biblatex(blx, tmp_path / "biblatex") == []


def test_resolving_works_not_on_arxiv_gives_their_dblp_records(
    emulator: Callable[..., Emulator],
    dblp_emulator: Callable[..., Emulator],
    run: Run,
    tmp_path: Path,
) -> None:
    emulator()
    dblp_emulator()
    citations = json.loads(SHARED_CITATIONS.read_text())
    path = tmp_path / "c.json"
    path.write_text(
        json.dumps(
            [{k: c[k] for k in ("cited_as", "authors_hint", "year_hint")} for c in citations]
        )
    )
    result = run("resolve", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    got = {c["n"]: r for c, r in zip(citations, json.loads(result.stdout), strict=True)}
    assert got[1]["work"]["key"] == "conf/iclr/RaviL17"
    assert got[9]["work"]["key"] == "conf/icml/MenonTGLK13"
    for citation in citations:
        resolution = got[citation["n"]]
        truth = {citation["arxiv_id"], *citation["also_arxiv_ids"]} - {None}
        if resolution["arxiv_id"]:
            assert resolution["arxiv_id"] in truth, citation["n"]
    # Only the works that are not on arXiv come from dblp; descriptions stay unresolved.
    assert {n for n, r in got.items() if r["work"]} == {1, 9}
