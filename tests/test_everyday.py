"""Everyday verbs: lists you can rename and remove, items off a list, notes you can edit or
delete, a rating you can clear, negative priorities, changes to many papers by query (shown
first, then confirmed), and completion from the library."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.arxiv_stub import StubServer
from tests.conftest import UNREACHABLE, Run
from tests.test_no_silent_noops import complete

AMA = "google-brain-ama-2017"


@pytest.fixture
def ama(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READING_LIST_ARXIV_URL", UNREACHABLE)
    monkeypatch.setenv("READING_LIST_ARXIV_RETRIES", "0")
    run("seed", AMA, ok=True)


def _ids(run_json: Any, *args: str) -> list[str]:
    return [p["id"] for p in run_json("list", *args)]


def test_a_list_can_be_renamed(ama: None, run: Run, run_json: Any) -> None:
    before = _ids(run_json, "--list", AMA)
    run("list-rename", AMA, "ama", ok=True)
    assert _ids(run_json, "--list", "ama") == before
    assert [s["name"] for s in run_json("lists")] == ["ama"]
    assert run_json("why", "1703.05175")["items"][0]["list"] == "ama"
    assert run("list", "--list", AMA).exit_code == 1
    missing = run("list-rename", "nope", "x")
    assert missing.exit_code == 1 and "no list named 'nope' (lists: ama)" in missing.stderr


def test_removing_a_list_removes_the_papers_on_no_other_list(
    ama: None, run: Run, run_json: Any, tmp_path: Path, stub: StubServer, monkeypatch: Any
) -> None:
    monkeypatch.setenv("READING_LIST_ARXIV_URL", stub.url)
    mine = tmp_path / "mine.md"
    mine.write_text("- [Prototypical](https://arxiv.org/abs/1703.05175)\n")
    run("import", str(mine), "--list", "mine", ok=True)
    run("add", "1611.03530", ok=True)  # already on the AMA list
    refused = run("list-rm", AMA)  # asks; no answer is no
    assert refused.exit_code == 1 and "nothing changed" in refused.stderr
    assert len(_ids(run_json)) == 25
    result = run("list-rm", AMA, "--yes")
    assert result.exit_code == 0, result.stderr
    assert "removed list google-brain-ama-2017 (24 items), 24 papers with it" in result.stderr
    # The paper also on "mine" stays; the list and its items are gone.
    assert _ids(run_json) == ["1703.05175"]
    assert [s["name"] for s in run_json("lists")] == ["mine"]


def test_keep_papers_keeps_them(ama: None, run: Run, run_json: Any) -> None:
    run("list-rm", AMA, "--keep-papers", "--yes", ok=True)
    assert run_json("lists") == [] and len(_ids(run_json)) == 25


def test_an_item_comes_off_a_list_and_its_paper_stays(ama: None, run: Run, run_json: Any) -> None:
    run("list-rm", AMA, "--item", "2", ok=True)
    run("list-rm", AMA, "--item", "balog2016deepcoder", ok=True)
    on_list = _ids(run_json, "--list", AMA)
    assert "1703.05175" not in on_list and "1611.01989" not in on_list
    assert len(on_list) == 23 and len(_ids(run_json)) == 25
    summary = run_json("lists")[0]
    assert summary["items"] == 22 and summary["papers"] == 23
    assert run("list-rm", AMA, "--item", "99").exit_code == 1
    assert "is not on list" in run("list-rm", AMA, "--item", "1703.05175").stderr


def test_notes_can_be_edited_and_deleted(stub: StubServer, run: Run, run_json: Any) -> None:
    run("add", "1703.05175", ok=True)
    run("note", "1703.05175", "first thought", ok=True)
    run("note", "1703.05175", "second thought", ok=True)
    run("note", "1703.05175", "--edit", "1", "a better first thought", ok=True)
    notes = run_json("show", "1703.05175")["notes"]
    assert [n["text"] for n in notes] == ["a better first thought", "second thought"]
    # The search index follows the edit.
    assert _ids(run_json, "-q", "note:better") == ["1703.05175"]
    assert _ids(run_json, "-q", "note:first") == ["1703.05175"]
    run("note", "1703.05175", "--delete", "1", ok=True)
    assert [n["text"] for n in run_json("show", "1703.05175")["notes"]] == ["second thought"]
    assert _ids(run_json, "-q", "note:better") == []
    missing = run("note", "1703.05175", "--delete", "5")
    assert missing.exit_code == 1 and "has no note 5 (it has note 1" in missing.stderr


def test_a_note_is_edited_in_the_editor_with_its_text(
    stub: StubServer, run: Run, run_json: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    editor = tmp_path / "editor"
    editor.write_text('#!/bin/sh\nsed -i "s/draft/final/" "$1"\n')
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    run("add", "1703.05175", ok=True)
    run("note", "1703.05175", "a draft", ok=True)
    run("note", "1703.05175", "--edit", "1", ok=True)
    assert run_json("show", "1703.05175")["notes"][0]["text"] == "a final"


def test_rating_clears_and_priority_goes_below_zero(
    stub: StubServer, run: Run, run_json: Any
) -> None:
    run("add", "1703.05175", "1611.01989", ok=True)
    run("rate", "1703.05175", "4", ok=True)
    run("rate", "1703.05175", "--clear", ok=True)
    assert run_json("show", "1703.05175")["rating"] is None
    assert run("rate", "1703.05175").exit_code == 2
    result = run("priority", "1703.05175", "-1")
    assert result.exit_code == 0, result.stderr
    assert run_json("show", "1703.05175")["priority"] == -1
    assert _ids(run_json, "--sort", "priority") == ["1611.01989", "1703.05175"]


def test_status_by_query_shows_the_papers_then_asks(ama: None, run: Run, run_json: Any) -> None:
    declined = run("status", "-q", "tag:program-synthesis", "read", input="n\n")
    assert declined.exit_code == 1
    assert declined.stderr.startswith("6 papers match 'tag:program-synthesis':\n  1410.4615")
    assert "Set 6 papers to read? [y/N]" in declined.stderr
    assert _ids(run_json, "--status", "read") == []
    agreed = run("status", "-q", "tag:program-synthesis", "read", input="y\n")
    assert agreed.exit_code == 0 and "set to read: 6 papers" in agreed.stderr
    assert len(_ids(run_json, "--status", "read")) == 6
    quiet = run("status", "-q", "tag:capsules", "skimmed", "--yes")
    assert quiet.stderr == "set to skimmed: 2 papers\n"
    assert run("status", "-q", "tag:nothing-like-it", "read", "--yes").exit_code == 1
    both = run("status", "1703.05175", "read", "-q", "tag:x")
    assert both.exit_code == 2


def test_tag_and_rm_by_query(ama: None, run: Run, run_json: Any) -> None:
    run("tag", "-q", "tag:capsules", "+Hinton", "-capsules", "--yes", ok=True)
    assert sorted(_ids(run_json, "--tag", "hinton")) == ["1710.09829", "manual:hinton2018matrix"]
    assert _ids(run_json, "--tag", "capsules") == []
    assert run("tag", "-q", "tag:hinton", "hinton", "--yes").exit_code == 2
    run("rm", "-q", "tag:hinton", "--yes", ok=True)
    assert _ids(run_json, "--tag", "hinton") == [] and len(_ids(run_json)) == 23
    assert run("rm", "1703.05175", "-q", "tag:x").exit_code == 2


def test_completion_offers_what_the_library_holds(ama: None) -> None:
    assert complete("reading-list show 1703.0") == [
        "1703.01703",
        "1703.04933",
        "1703.05175",
        "1703.07469",
    ]
    assert "snell2017prototypical" in complete("reading-list show snell")
    assert complete("reading-list list --tag program") == ["program-synthesis"]
    assert complete("reading-list tag 1703.05175 +few") == ["+few-shot"]
    assert complete("reading-list tag 1703.05175 -few") == ["-few-shot"]
    assert complete("reading-list list --list goo") == [AMA]
    assert complete("reading-list list-rm g") == [AMA]
    assert complete("reading-list seed goo") == [AMA]
    assert complete("reading-list status -q tag:x r") == ["reading", "read"]


def test_completion_reads_the_library_without_the_heavy_modules(ama: None) -> None:
    code = (
        "import sys\n"
        "from reading_list.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('pydantic', 'sqlite_utils', 'requests', 'arxiv', 'lxml')\n"
        "print('HEAVY=' + ','.join(m for m in heavy if m in sys.modules))\n"
    )
    env = {
        **os.environ,
        "_READING_LIST_COMPLETE": "complete_bash",
        "COMP_WORDS": "reading-list tag 1703.05175 +",
        "COMP_CWORD": "2",
    }
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    lines = out.stdout.split()
    assert "1703.05175" in lines and lines[-1] == "HEAVY=", out.stdout + out.stderr


def test_json_of_a_list_summary_counts_items_and_papers(ama: None, run: Run) -> None:
    summary = json.loads(run("lists", "--json").stdout)[0]
    assert {"items", "papers", "unresolved", "by_status"} <= set(summary)
