"""Works beyond arXiv, end to end against our own stand-ins (arXiv, dblp, Crossref/doi.org):
add by any identifier, one work with several identities, published versions, exports."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.arxiv_stub import StubServer
from tests.conftest import Run
from tests.scholarly_stub import CrossrefStandIn, DblpStandIn

RunJson = Callable[..., Any]


def bib_fields(entry: str) -> dict[str, str]:
    """field -> value of one rendered entry (one field per line, as the exporter writes)."""
    return dict(re.findall(r"^\s+(\w+)\s+= \{(.*)\},$", entry, re.MULTILINE))


def outcomes(run: Run, *args: str) -> tuple[int, list[dict[str, Any]]]:
    result = run("add", *args, "--json")
    return result.exit_code, json.loads(result.stdout)


def test_a_doi_in_every_form_is_one_typed_work(
    crossref: CrossrefStandIn, run: Run, run_json: RunJson
) -> None:
    forms = [
        "10.1162/neco.1997.9.8.1735",
        "doi:10.1162/NECO.1997.9.8.1735",
        "https://doi.org/10.1162/neco.1997.9.8.1735",
        "http://dx.doi.org/10.1162/neco.1997.9.8.1735",
        "https://direct.mit.edu/neco/article/10.1162/neco.1997.9.8.1735",
    ]
    code, added = outcomes(run, *forms)
    assert code == 0
    assert [o["outcome"] for o in added] == ["added"] + ["exists"] * 4
    assert {o["paper_id"] for o in added} == {"manual:hochreiter1997long"}
    assert added[0]["work_type"] == "journal article" and added[0]["venue"] == "Neural Computation"
    paper = run_json("show", "manual:hochreiter1997long")
    assert paper["doi"] == "10.1162/neco.1997.9.8.1735"
    assert paper["journal_ref"] == "Neural Computation 9(8):1735-1780, 1997"
    record = paper["records"]["work"]
    assert record["entry_type"] == "article" and record["source"] == "crossref"
    assert record["fields"]["volume"] == "9" and record["fields"]["publisher"]
    assert paper["field_sources"]["title"] == "crossref"
    bib = run("export", "manual:hochreiter1997long").stdout
    assert bib.startswith("@article{hochreiter1997long,")
    fields = bib_fields(bib)
    assert fields["journal"] == "Neural Computation" and fields["pages"] == "1735--1780"
    assert (fields["volume"], fields["number"], fields["year"]) == ("9", "8", "1997")
    assert len(run_json("list")) == 1


def test_an_arxiv_doi_still_goes_to_arxiv(stub: StubServer, run: Run, run_json: RunJson) -> None:
    code, added = outcomes(
        run, "10.48550/arXiv.1703.05175", "https://doi.org/10.48550/arXiv.1703.05175"
    )
    assert code == 0 and {o["arxiv_id"] for o in added} == {"1703.05175"}
    assert [p["kind"] for p in run_json("list")] == ["arxiv"]


def test_dblp_keys_urls_and_openreview_forums(
    dblp: DblpStandIn, run: Run, run_json: RunJson
) -> None:
    code, added = outcomes(
        run,
        "conf/icml/MenonTGLK13",
        "https://dblp.org/rec/conf/icml/MenonTGLK13.html",
        "https://openreview.net/forum?id=rJY0-Kcll",
        "openreview:rJY0-Kcll",
        "http://proceedings.mlr.press/v28/menon13.html",
        "conf/nips/NoSuchPaper99",
    )
    assert code == 1
    states = [(o["outcome"], o.get("paper_id")) for o in added]
    assert states == [
        ("added", "manual:menon2013machine"),
        ("exists", "manual:menon2013machine"),
        ("added", "manual:ravi2017optimization"),
        ("exists", "manual:ravi2017optimization"),
        ("exists", "manual:menon2013machine"),
        ("not-found", None),
    ]
    ravi = run_json("show", "manual:ravi2017optimization")
    assert {(i["kind"], i["value"]) for i in ravi["identities"]} == {
        ("dblp", "conf/iclr/RaviL17"),
        ("openreview", "rJY0-Kcll"),
    }
    assert ravi["records"]["work"]["venue"] == "ICLR"
    bib = run("export", "manual:ravi2017optimization").stdout
    assert bib.startswith("@inproceedings{ravi2017optimization,")
    assert bib_fields(bib)["publisher"] == "OpenReview.net"


def test_a_published_version_added_later_joins_its_preprint(
    stub: StubServer, dblp: DblpStandIn, run: Run, run_json: RunJson
) -> None:
    run("add", "1703.05175", ok=True)
    code, added = outcomes(run, "conf/nips/SnellSZ17")
    assert code == 0 and added[0]["outcome"] == "exists" and added[0]["paper_id"] == "1703.05175"
    assert "published version of arXiv:1703.05175" in added[0]["message"]
    assert [p["id"] for p in run_json("list")] == ["1703.05175"]
    bib = run("export", "1703.05175").stdout
    assert bib.startswith("@inproceedings{snell2017prototypical,")
    fields = bib_fields(bib)
    assert fields["booktitle"].startswith("Advances in Neural Information Processing Systems 30")
    assert (fields["pages"], fields["year"]) == ("4077--4087", "2017")
    assert (fields["eprint"], fields["archiveprefix"]) == ("1703.05175", "arXiv")
    preprint = run("export", "1703.05175", "--prefer", "preprint").stdout
    assert preprint.startswith("@misc{snell2017prototypical,")
    assert bib_fields(preprint)["howpublished"] == "arXiv preprint arXiv:1703.05175"
    biblatex = bib_fields(run("export", "-F", "biblatex", "1703.05175").stdout)
    assert (biblatex["eprinttype"], biblatex["date"]) == ("arxiv", "2017")


def test_a_preprint_added_later_absorbs_its_published_version(
    stub: StubServer, dblp: DblpStandIn, run: Run, run_json: RunJson
) -> None:
    run("add", "https://openreview.net/forum?id=Sy8gdB9xx", ok=True)
    run("tag", "manual:zhang2017understanding", "+generalisation", ok=True)
    run("status", "manual:zhang2017understanding", "reading", ok=True)
    run("add", "1611.03530", ok=True)
    papers = run_json("list")
    assert [(p["id"], p["kind"]) for p in papers] == [("1611.03530", "arxiv")]
    paper = run_json("show", "1611.03530")
    assert paper["citekey"] == "zhang2017understanding", "the key a document cites is kept"
    assert paper["tags"] == ["generalisation"] and paper["status"] == "reading"
    assert paper["records"]["published"]["key"] == "conf/iclr/ZhangBHRV17"
    kinds = {i["kind"] for i in paper["identities"]}
    assert kinds == {"arxiv", "dblp", "openreview"}


def test_check_links_published_versions_and_never_a_corr_copy(
    stub: StubServer, dblp: DblpStandIn, run: Run, run_json: RunJson
) -> None:
    run("add", "1703.05175", "1502.03167", "1301.3781", "1611.03530", "1410.4615", ok=True)
    report = run_json("check")["published"]
    linked = {link["paper_id"]: link["key"] for link in report["linked"]}
    assert linked == {
        "1703.05175": "conf/nips/SnellSZ17",
        "1502.03167": "conf/icml/IoffeS15",
        "1611.03530": "conf/iclr/ZhangBHRV17",
    }
    assert {link["paper_id"] for link in report["none"]} == {"1301.3781", "1410.4615"}
    assert not any(k.startswith("journals/corr/") for k in linked.values())
    why = run_json("why", "1502.03167")
    assert {"kind": "dblp", "value": "conf/icml/IoffeS15", "source": "dblp"} in why["identities"]
    assert why["field_sources"]["booktitle"] == "dblp" and why["field_sources"]["title"] == "arxiv"
    sent = dblp.server.hits["/search/publ/api"]
    again = run_json("check")["published"]
    assert again["looked_up"] == 0 and dblp.server.hits["/search/publ/api"] == sent


def test_check_offline_keeps_the_lookups_for_the_next_check(
    stub: StubServer,
    dblp: DblpStandIn,
    run: Run,
    run_json: RunJson,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run("add", "1703.05175", "1502.03167", ok=True)
    url = dblp.url
    monkeypatch.setenv("READING_LIST_DBLP_URL", "http://127.0.0.1:9")
    offline = run("check", "--json")
    assert offline.exit_code == 0, "a failing secondary source is not the command's failure"
    report = json.loads(offline.stdout)["published"]
    assert sorted(report["pending"]) == ["1502.03167", "1703.05175"] and report["unavailable"]
    assert "2 lookup(s) kept for the next check" in offline.stderr
    lookups = run_json("show", "1502.03167")["lookups"]
    assert [(x["source"], x["state"]) for x in lookups] == [("dblp", "pending")]
    monkeypatch.setenv("READING_LIST_DBLP_URL", url)
    linked = run_json("check")["published"]["linked"]
    assert {x["paper_id"] for x in linked} == {"1703.05175", "1502.03167"}


@pytest.mark.parametrize("fault", ["503", "429-html", "html", "truncated", "empty"])
def test_dblp_faults_during_check_give_the_clean_links(
    stub: StubServer,
    dblp: DblpStandIn,
    run: Run,
    run_json: RunJson,
    fault: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
) -> None:
    ids = ["1703.05175", "1502.03167", "1301.3781", "1611.03530"]
    monkeypatch.setenv("READING_LIST_CACHE_DIR", str(tmp_path / "clean-cache"))
    run("add", *ids, ok=True)
    clean = run_json("check")["published"]["linked"]
    clean_bib = run("export").stdout
    monkeypatch.setenv("READING_LIST_DB", str(tmp_path / "faulty.db"))
    monkeypatch.setenv("READING_LIST_CACHE_DIR", str(tmp_path / "faulty-cache"))
    run("add", *ids, ok=True)
    dblp.faults.queue = [fault, "ok", fault, "ok", fault]
    assert run_json("check")["published"]["linked"] == clean
    assert run("export").stdout == clean_bib


def test_a_failing_secondary_source_never_blocks_arxiv_work(
    stub: StubServer, run: Run, run_json: RunJson
) -> None:
    result = run("add", "1703.05175", "10.1162/neco.1997.9.8.1735", "--json")
    assert result.exit_code == 3
    states = {o["input"]: o["outcome"] for o in json.loads(result.stdout)}
    assert states == {"1703.05175": "added", "10.1162/neco.1997.9.8.1735": "pending"}
    assert "Crossref unavailable" in result.stderr and "unreachable" in result.stderr
    assert [p["id"] for p in run_json("list")] == ["1703.05175"]


def test_the_migration_keeps_existing_identities(
    stub: StubServer, run: Run, run_json: RunJson
) -> None:
    run("add", "1406.2661", ok=True)
    paper = run_json("show", "1406.2661")
    assert paper["identities"] == [{"kind": "arxiv", "value": "1406.2661", "source": "arxiv"}]


def test_dump_and_restore_keep_identities_and_published_versions(
    stub: StubServer,
    dblp: DblpStandIn,
    run: Run,
    run_json: RunJson,
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run("add", "1703.05175", "conf/icml/MenonTGLK13", ok=True)
    run("check", ok=True)
    dump = tmp_path / "library.jsonl"
    run("dump", "-o", str(dump), ok=True)
    before = run_json("show", "1703.05175")
    monkeypatch.setenv("READING_LIST_DB", str(tmp_path / "restored.db"))
    run("restore", str(dump), ok=True)
    after = run_json("show", "1703.05175")
    for key in ("identities", "records", "lookups", "field_sources"):
        assert after[key] == before[key], key
    again = tmp_path / "again.jsonl"
    run("dump", "-o", str(again), ok=True)
    assert again.read_bytes() == dump.read_bytes()


def test_seed_takes_dblp_records_for_works_not_on_arxiv(
    stub: StubServer, dblp: DblpStandIn, run: Run, run_json: RunJson
) -> None:
    result = run("seed", "google-brain-ama-2017")
    assert result.exit_code == 0, result.stderr
    assert "dblp: full records for 2 of 4 works not on arXiv" in result.stderr
    menon = run_json("show", "manual:menon2013machine")
    assert menon["records"]["work"]["key"] == "conf/icml/MenonTGLK13"
    assert menon["authors"][-1] == "Adam Kalai", "the seed's 'others' is filled in"
    assert bib_fields(run("export", "manual:menon2013machine").stdout)["pages"] == "187--195"
    lda = run_json("show", "manual:blei2003latent")
    assert lda["records"] == {} and lda["journal_ref"].startswith("Journal of Machine Learning")


def test_seed_without_dblp_uses_its_own_metadata_and_says_so(stub: StubServer, run: Run) -> None:
    result = run("seed", "google-brain-ama-2017")
    assert result.exit_code == 0
    assert "the seed's own metadata is used for 4 of its 4 works not on arXiv" in result.stderr


def test_a_venue_version_from_crossref_is_not_replaced_by_dblp(
    stub: StubServer, dblp: DblpStandIn, crossref: CrossrefStandIn, run: Run, run_json: RunJson
) -> None:
    run("add", "1703.05175", ok=True)
    code, added = outcomes(run, "10.5555/3294996.3295163")
    assert code == 0 and (added[0]["outcome"], added[0]["paper_id"]) == ("exists", "1703.05175")
    report = run_json("check")["published"]
    assert report["looked_up"] == 0
    published = run_json("show", "1703.05175")["records"]["published"]
    assert (published["source"], published["fields"]["pages"]) == ("crossref", "4080-4090")
    assert {"kind": "doi", "value": "10.5555/3294996.3295163", "source": "crossref"} in run_json(
        "show", "1703.05175"
    )["identities"]


def test_the_resolver_finds_works_not_on_arxiv_in_dblp(
    stub: StubServer, dblp: DblpStandIn, run: Run, run_json: RunJson, tmp_path: Any
) -> None:
    path = tmp_path / "refs.json"
    path.write_text(
        json.dumps(
            [
                {"cited_as": "Optimization As A Model For Few-Shot Learning"},
                {
                    "cited_as": "A Machine Learning Framework for Programming by Example",
                    "authors_hint": "Aditya Krishna Menon et al.",
                },
                {"cited_as": "Prototypical Networks for Few-shot Learning"},
                {"cited_as": "A Title No Source Has Heard Of At All", "authors_hint": "Nobody"},
            ]
        )
    )
    result = run("resolve", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    got = json.loads(result.stdout)
    assert [(r["state"], r["arxiv_id"], (r["work"] or {}).get("key")) for r in got] == [
        ("manual", None, "conf/iclr/RaviL17"),
        ("manual", None, "conf/icml/MenonTGLK13"),
        ("resolved", "1703.05175", None),
        ("not-found", None, None),
    ]
    assert got[0]["reason"] == "found by dblp (conference paper, ICLR): not on arXiv"
    report = run_json("import", str(path), "--list", "mine")
    assert report["counts"]["states"]["manual"] == 2
    links = tmp_path / "links.txt"
    links.write_text("https://openreview.net/forum?id=Sy8gdB9xx\n")
    [by_link] = json.loads(run("resolve", str(links), "--json").stdout)
    assert (by_link["state"], by_link["work"]["key"]) == ("manual", "conf/iclr/ZhangBHRV17")
    ravi = run_json("show", "manual:ravi2017optimization")
    assert ravi["records"]["work"]["fields"]["publisher"] == "OpenReview.net"
    why = run_json("why", "manual:ravi2017optimization")
    assert why["items"][0]["query"].endswith("dblp:conf/iclr/RaviL17")
