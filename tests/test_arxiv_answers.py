"""Wrong-but-quiet arXiv answers: an unreadable entry in a batch, one paper twice, impossible
dates, a DTD hidden by UTF-16, and an answer that fails to store (never cached)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reading_list.config import load_settings
from reading_list.sources.arxiv import ArxivClient
from tests.arxiv_stub import StubServer, synthetic_records
from tests.conftest import Run
from tests.http_stub import LocalServer, trickle


@pytest.fixture
def synthetic(monkeypatch: pytest.MonkeyPatch) -> Iterator[StubServer]:
    with StubServer(synthetic_records(5)) as server:
        monkeypatch.setenv("READING_LIST_ARXIV_URL", server.url)
        yield server


def rewrite(old: str, new: str) -> Callable[[bytes], bytes]:
    return lambda body: body.replace(old.encode(), new.encode())


def test_one_v0_entry_does_not_fail_its_batch(synthetic: StubServer, run: Run) -> None:
    synthetic.state.transform = rewrite("2501.00003v1", "2501.00003v0")
    ids = [f"2501.{i:05d}" for i in range(1, 6)]
    result = run("add", *ids, "--json")
    assert result.exit_code == 1
    outcomes = {o["arxiv_id"]: o for o in json.loads(result.stdout)}
    assert [outcomes[i]["outcome"] for i in ids] == ["added"] * 2 + ["not-found"] + ["added"] * 2
    assert "unreadable" in outcomes["2501.00003"]["message"]
    assert "versions start at v1" in outcomes["2501.00003"]["message"]
    assert "skipped an unreadable entry '2501.00003v0'" in result.stderr
    assert len(synthetic.state.requests) == 1


def test_a_paper_twice_in_one_answer_is_stored_once(
    synthetic: StubServer, run: Run, run_json: Callable[..., object]
) -> None:
    def twice(body: bytes) -> bytes:
        entries = re.findall(rb"<entry>.*?</entry>", body, re.DOTALL)
        return body.replace(b"</feed>", b"".join(entries) + b"</feed>")

    synthetic.state.transform = twice
    result = run("add", "2501.00001", "2501.00002")
    assert result.exit_code == 0, result.stderr
    papers = run_json("list")
    assert isinstance(papers, list) and len(papers) == 2


def test_an_impossible_date_gives_the_year_of_the_id(
    synthetic: StubServer, run: Run, run_json: Callable[..., object]
) -> None:
    synthetic.state.transform = rewrite("2025-01-15T00:00:00Z", "9999-99-99T00:00:00Z")
    run("add", "2501.00001", ok=True)
    paper = run_json("show", "2501.00001")
    assert isinstance(paper, dict)
    assert paper["year"] == 2025 and paper["published"] is None


def _utf16(body: bytes, doctype: str = "") -> bytes:
    text = body.decode("utf-8").replace("encoding='UTF-8'", "encoding='UTF-16'", 1)
    text = text.replace("?>", "?>" + doctype, 1)
    return text.encode("utf-16")


def test_a_dtd_hidden_in_utf16_is_refused(
    synthetic: StubServer, run: Run, run_json: Callable[..., object]
) -> None:
    doctype = '<!DOCTYPE feed [<!ENTITY x "PWNED">]>'
    synthetic.state.transform = lambda body: _utf16(
        body.replace(b"Synthetic Paper", b"&x; Synthetic Paper"), doctype
    )
    result = run("add", "2501.00001")
    assert result.exit_code == 3
    assert "declares a DTD or entities" in result.stderr
    assert run_json("list") == []


def test_a_plain_utf16_answer_is_read_whole(
    synthetic: StubServer, run: Run, run_json: Callable[..., object]
) -> None:
    synthetic.state.transform = _utf16
    run("add", "2501.00001", ok=True)
    paper = run_json("show", "2501.00001")
    assert isinstance(paper, dict)
    assert paper["title"] == "Synthetic Paper Number 1 on Sparse Attention"
    assert paper["authors"][1] == "Zoë Ångström"


def test_another_declared_encoding_is_refused(synthetic: StubServer, run: Run) -> None:
    synthetic.state.transform = rewrite("encoding='UTF-8'", "encoding='ISO-8859-1'")
    result = run("add", "2501.00001")
    assert result.exit_code == 3
    assert "answered in 'ISO-8859-1'; only UTF-8 is read" in result.stderr


def test_a_batch_is_cached_only_once_it_was_stored(synthetic: StubServer, tmp_path: Path) -> None:
    client = ArxivClient(load_settings(tmp_path / "x.db"))
    cache = client.settings.cache_dir / "arxiv"
    with pytest.raises(RuntimeError):
        for _batch in client.fetch_ids(["2501.00001"]):
            raise RuntimeError("the store failed")
    assert not list(cache.rglob("*.xml"))
    for _batch in client.fetch_ids(["2501.00001"]):
        pass
    assert len(list(cache.rglob("*.xml"))) == 1
    assert len(synthetic.state.requests) == 2


def test_a_trickling_arxiv_ends_in_exit_3_at_the_deadline(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    with LocalServer() as server:
        server.routes["/api/query"] = trickle(interval=0.02, total=100_000)
        monkeypatch.setenv("READING_LIST_ARXIV_URL", server.url("/api/query"))
        monkeypatch.setenv("READING_LIST_ARXIV_TIMEOUT", "1")
        result = run("add", "1703.05175")
        assert server.sent["/trickle"] < 100_000
    assert result.exit_code == 3
    assert "no complete answer within 1 s" in result.stderr
    assert "still pending: 1703.05175" in result.stderr
