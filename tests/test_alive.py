"""check, next, after, stats and the Datasette web view."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.arxiv_stub import StubServer
from tests.conftest import SHARED_CORPUS, Emulator, Run


def test_check_reports_new_version_and_publication(
    stub: StubServer, run: Run, run_json: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("add", "1406.2661", "1703.05175", ok=True)  # GANs is v1 in the records
    run("status", "1406.2661", "read", ok=True)
    assert run_json("show", "1406.2661")["events"][0]["version"] == 1
    record = stub.state.records["1406.2661"]
    record.update(
        version=2,
        journal_ref="NIPS 2014",
        comment="Accepted at NIPS 2014",
        doi="10.5555/2969033.2969125",
    )
    monkeypatch.setenv("READING_LIST_CACHE_TTL", "0")
    report = run_json("check")
    assert report["checked"] == 2 and len(stub.state.requests) == 2
    [item] = report["changed"]
    fields = {c["field"]: c for c in item["changes"]}
    assert item["paper_id"] == "1406.2661"
    assert fields["version"]["old"] == 1 and fields["version"]["new"] == 2
    assert fields["version"]["note"] == "you read v1"
    assert fields["journal_ref"]["new"] == "NIPS 2014"
    assert fields["comment"]["note"] == "accepted / published"
    bib = run("export", "1406.2661").stdout
    assert "doi           = {10.5555/2969033.2969125}" in bib
    assert "note          = {Published in: NIPS 2014}" in bib
    assert "eprint        = {1406.2661}" in bib
    # Stored now: only "newer than what you read" stays until you read it again.
    [again] = run_json("check")["changed"]
    assert [c["field"] for c in again["changes"]] == ["version"]
    run("status", "1406.2661", "read", ok=True)
    assert run_json("check")["changed"] == []


def test_check_uses_cached_answers_within_the_ttl(
    stub: StubServer, run: Run, run_json: Any
) -> None:
    run("add", *sorted(stub.state.records)[:30], ok=True)
    sent = len(stub.state.requests)
    assert run_json("check")["requests"] == 0
    assert len(stub.state.requests) == sent


def test_check_against_the_emulator_with_an_override_corpus(
    emulator: Callable[..., Emulator],
    run: Run,
    run_json: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    emulator()
    run("add", "1406.2661", ok=True)
    run("status", "1406.2661", "read", ok=True)
    record = next(
        json.loads(x) for x in SHARED_CORPUS.read_text().splitlines() if '"1406.2661"' in x
    )
    record.update(version=2, updated="2014-12-01", journal_ref="NIPS 2014")
    override = tmp_path / "v2.jsonl"
    override.write_text(json.dumps(record) + "\n")
    emulator(corpus=[SHARED_CORPUS, override])
    monkeypatch.setenv("READING_LIST_CACHE_TTL", "0")
    changed = run_json("check")["changed"]
    assert {c["field"] for c in changed[0]["changes"]} >= {"version", "journal_ref"}


def test_next_is_deterministic_and_explained(stub: StubServer, run: Run, run_json: Any) -> None:
    run("seed", "google-brain-ama-2017", ok=True)
    first = run_json("next", "--list", "google-brain-ama-2017")
    assert first == run_json("next", "--list", "google-brain-ama-2017")
    assert first["paper"]["id"] == "manual:ravi2017optimization"
    assert "first unread item" in first["reason"]
    run("status", "manual:ravi2017optimization", "read", ok=True)
    run("after", "1703.05175", "1606.04474", ok=True)
    pick = run_json("next", "--list", "google-brain-ama-2017")
    assert pick["paper"]["id"] == "1703.04933"
    assert pick["blocked"] == {"1703.05175": ["1606.04474"]}
    run("priority", "1710.09829", "5", ok=True)
    assert run_json("next")["reason"] == "highest priority (5)"
    run("status", "1611.01989", "reading", ok=True)
    assert run_json("next")["paper"]["id"] == "1611.01989"
    assert run("after", "1606.04474", "1703.05175").exit_code == 1  # a cycle
    assert run("after", "1606.04474", "1606.04474").exit_code == 1


def test_stats_agree_with_list(stub: StubServer, run: Run, run_json: Any) -> None:
    run("seed", "google-brain-ama-2017", ok=True)
    run("status", "1703.05175", "read", ok=True)
    run("status", "1611.01989", "reading", ok=True)
    run("status", "1406.2661", "abandoned", ok=True)
    st = run_json("stats")
    papers = run_json("list")
    assert st["total"] == len(papers)
    assert st["by_status"] == dict(Counter(p["status"] for p in papers))
    listed = run_json("list", "--list", "google-brain-ama-2017")
    assert sum(st["by_list"]["google-brain-ama-2017"].values()) == len(listed)
    assert st["by_topic"]["few-shot"]["read"] == 1
    assert st["finished_per_week"][0]["finished"] == 1
    assert st["stale"] == []
    # Piped, the report is tab-separated lines (the terminal's bars are in test_terminal.py).
    lines = run("stats").stdout.splitlines()
    assert "status\tread\t1" in lines and "list\tgoogle-brain-ama-2017\t1\t0\t25" in lines
    assert not any("█" in line for line in lines)


def test_finished_means_read_or_skimmed_everywhere(
    stub: StubServer, run: Run, run_json: Any
) -> None:
    ids = ["1703.05175", "1611.01989", "1703.07469", "1406.2661"]
    run("add", *ids, ok=True)
    run("status", "1703.05175", "read", ok=True)
    run("status", "1611.01989", "skimmed", ok=True)
    run("status", "1703.07469", "abandoned", ok=True)
    st = run_json("stats")
    assert sum(w["finished"] for w in st["finished_per_week"]) == 2
    # An abandoned paper is out of the queue: it holds nothing back, and is not read.
    run("after", "1406.2661", "1703.07469", ok=True)
    pick = run_json("next")
    assert pick["paper"]["id"] == "1406.2661" and pick["blocked"] == {}
    assert pick["queue"] == 1
    run("status", "1703.07469", "to-read", ok=True)
    assert run_json("next")["blocked"] == {"1406.2661": ["1703.07469"]}
