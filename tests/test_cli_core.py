"""End-to-end CLI tests for the foundation against the local arXiv stand-in."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from reading_list.selection import PaperFilter
from reading_list.store import open_db
from tests.arxiv_stub import StubServer
from tests.conftest import Run, RunJson


def test_add_list_status_show_round_trip(stub: StubServer, run: Run, run_json: RunJson) -> None:
    result = run("add", "1703.05175", "arXiv:1611.01989v2", "https://arxiv.org/abs/1703.07469")
    assert result.exit_code == 0, result.stderr
    assert len(stub.state.requests) == 1
    assert "id_list=1703.05175%2C1611.01989%2C1703.07469" in stub.state.requests[0]

    papers = run_json("list")
    by_id = {p["arxiv_id"]: p for p in papers}
    assert set(by_id) == {"1703.05175", "1611.01989", "1703.07469"}
    assert by_id["1611.01989"]["title"] == "DeepCoder: Learning to Write Programs"
    assert by_id["1703.05175"]["authors"] == ["Jake Snell", "Kevin Swersky", "Richard S. Zemel"]
    assert list(papers[0])[:6] == ["id", "kind", "arxiv_id", "citekey", "title", "authors"]

    run("status", "1703.05175", "read", ok=True)
    detail = run_json("show", "1703.05175")
    assert detail["status"] == "read"
    assert [e["status"] for e in detail["events"]] == ["read"]
    assert detail["events"][0]["at"].endswith("Z")
    assert detail["events"][0]["version"] == 2

    again = run("add", "1703.05175", "arXiv:1611.01989v2", "https://arxiv.org/abs/1703.07469")
    assert again.exit_code == 0
    assert len(stub.state.requests) == 1, "known papers must not cost a request"
    assert again.stdout.count("exists") == 3


def test_twenty_ids_cost_one_request(stub: StubServer, run: Run) -> None:
    ids = sorted(stub.state.records)[:20]
    result = run("add", *ids)
    assert result.exit_code == 0, result.stderr
    assert len(stub.state.requests) == 1
    assert result.stdout.count("added") == 20


def test_unknown_and_invalid_ids_are_reported_not_dropped(stub: StubServer, run: Run) -> None:
    result = run("add", "1703.05175", "0000.00001", "1912.99999", "not-an-id", "--json")
    assert result.exit_code == 1
    outcomes = {o["input"]: o["outcome"] for o in json.loads(result.stdout)}
    assert outcomes == {
        "1703.05175": "added",
        "0000.00001": "invalid",
        "1912.99999": "not-found",
        "not-an-id": "invalid",
    }


def test_add_reads_stdin_and_files(stub: StubServer, run: Run, tmp_path: Path) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("# my ids\n1703.05175  # protonets\n\nhttps://arxiv.org/abs/1611.01989\n")
    assert run("add", "--file", str(ids)).exit_code == 0
    assert run("add", "-", input="1703.07469\n1410.4615\n").exit_code == 0
    papers = json.loads(run("list", "--json").stdout)
    assert len(papers) == 4


def test_refresh_refetches_but_keeps_citekey_and_state(
    stub: StubServer, run: Run, run_json: RunJson
) -> None:
    run("add", "1703.05175", ok=True)
    run("status", "1703.05175", "reading", ok=True)
    stub.state.records["1703.05175"]["title"] = "Prototypical Networks, Revised"
    stub.state.records["1703.05175"]["version"] = 3
    result = run("add", "--refresh", "1703.05175")
    assert "refreshed" in result.stdout
    paper = run_json("show", "1703.05175")
    assert paper["title"] == "Prototypical Networks, Revised"
    assert paper["version"] == 3
    assert paper["citekey"] == "snell2017prototypical"
    assert paper["status"] == "reading"


def test_tags_notes_filters_and_removal(stub: StubServer, run: Run, run_json: RunJson) -> None:
    run("add", "1703.05175", "1611.01989", "1703.07469", ok=True)
    run("tag", "1703.05175", "+few-shot", "+Meta", ok=True)
    run("tag", "snell2017prototypical", "-meta", ok=True)
    run("note", "1703.05175", "compare with matching networks", ok=True)
    run("note", "1703.05175", "second thought", ok=True)
    run("status", "1611.01989", "read", ok=True)
    assert [p["id"] for p in run_json("list", "--tag", "few-shot")] == ["1703.05175"]
    assert [p["id"] for p in run_json("list", "--status", "read")] == ["1611.01989"]
    detail = run_json("show", "1703.05175")
    assert detail["tags"] == ["few-shot"]
    assert [n["text"] for n in detail["notes"]] == [
        "compare with matching networks",
        "second thought",
    ]
    titles = [p["title"] for p in run_json("list", "--sort", "title")]
    assert titles == sorted(titles, key=str.lower)
    assert run("rm", "1611.01989").exit_code == 1  # asks; no answer means no
    assert run("rm", "1611.01989", "--yes").exit_code == 0
    assert {p["id"] for p in run_json("list")} == {"1703.05175", "1703.07469"}


def test_user_errors_are_one_line_with_exit_codes(stub: StubServer, run: Run) -> None:
    run("add", "1703.05175", ok=True)
    # A value outside an option's choices is a usage error, and the message lists them.
    bad_status = run("status", "1703.05175", "finished")
    assert bad_status.exit_code == 2
    assert "'finished' is not one of 'to-read', 'reading', 'read'" in bad_status.stderr
    missing = run("show", "1234.56789")
    assert missing.exit_code == 1 and "not on your list" in missing.stderr
    assert run("list", "--sort", "nonsense").exit_code == 2
    assert run("list", "--no-such-flag").exit_code == 2
    assert run("rate", "1703.05175", "9").exit_code == 2


def test_source_unavailable_exits_3_and_keeps_nothing_half_done(run: Run) -> None:
    result = run("add", "1703.05175")
    assert result.exit_code == 3
    assert "pending" in result.stdout + result.stderr
    assert json.loads(run("list", "--json").stdout) == []


def test_retries_after_503(stub: StubServer, run: Run) -> None:
    stub.state.fail_next = 2
    result = run("add", "1703.05175")
    assert result.exit_code == 0, result.stderr
    assert len(stub.state.requests) == 3
    assert "HTTP 503" in result.stderr


def test_open_prints_url_without_a_shell(
    stub: StubServer, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def fake_open(url: str) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr("webbrowser.open", fake_open)
    run("add", "1703.05175", ok=True)
    assert run("open", "1703.05175").stdout.strip() == "https://arxiv.org/abs/1703.05175"
    assert run("open", "1703.05175", "--pdf").stdout.strip() == "https://arxiv.org/pdf/1703.05175"
    assert opened == ["https://arxiv.org/abs/1703.05175", "https://arxiv.org/pdf/1703.05175"]


def test_database_path_precedence_and_private_file(
    stub: StubServer, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flag_db = tmp_path / "flag.db"
    env_db = tmp_path / "env.db"
    monkeypatch.setenv("READING_LIST_DB", str(env_db))
    run("--db", str(flag_db), "add", "1703.05175", ok=True)
    run("add", "1611.01989", ok=True)
    assert [p.id for p in open_db(flag_db).papers.select(_all())] == ["1703.05175"]
    assert [p.id for p in open_db(env_db).papers.select(_all())] == ["1611.01989"]
    assert stat.S_IMODE(os.stat(flag_db).st_mode) == 0o600
    monkeypatch.delenv("READING_LIST_DB")
    run("add", "1703.07469", ok=True)
    assert (Path(os.environ["READING_LIST_HOME"]) / "library.db").exists()


def test_note_from_editor(
    stub: StubServer, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_json: RunJson
) -> None:
    editor = tmp_path / "fake-editor"
    editor.write_text("#!/bin/sh\nprintf 'written in the editor' > \"$1\"\n")
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    run("add", "1703.05175", ok=True)
    run("note", "1703.05175", ok=True)
    assert run_json("show", "1703.05175")["notes"][0]["text"] == "written in the editor"


def _all() -> PaperFilter:
    return PaperFilter()
