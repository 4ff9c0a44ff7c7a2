"""A command either does what it says or says why not: each test here is a case that used to
exit 0 having done nothing (or something else)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.arxiv_stub import StubServer, synthetic_records
from tests.conftest import UNREACHABLE, Run

AMA = "google-brain-ama-2017"


def test_removing_a_tag_with_an_h_in_it_removes_it(
    stub: StubServer, run: Run, run_json: Any
) -> None:
    run("add", "1703.05175", ok=True)
    run("tag", "1703.05175", "+math", "+high-dim", "+x", ok=True)
    result = run("tag", "1703.05175", "-math", "-high-dim")
    assert result.exit_code == 0, result.stderr
    assert "Usage:" not in result.stdout
    assert run_json("show", "1703.05175")["tags"] == ["x"]
    # Options still work around the changes, and -h alone is still the help.
    assert run_json("tag", "1703.05175", "-x", "+y")["tags"] == ["y"]
    assert "Usage: reading-list tag" in run("tag", "-h").stdout
    # After "--" every word is a change, even one that looks like the help option.
    run("tag", "1703.05175", "--", "+-h", ok=True)
    assert run_json("show", "1703.05175")["tags"] == ["-h", "y"]


def test_a_tag_change_without_a_sign_is_an_error(stub: StubServer, run: Run, run_json: Any) -> None:
    run("add", "1703.05175", "1611.01989", ok=True)
    result = run("tag", "1703.05175", "1611.01989", "+x")
    assert result.exit_code == 2
    assert "'1611.01989' is not a tag change" in result.stderr
    assert run_json("show", "1703.05175")["tags"] == []
    assert run_json("show", "1611.01989")["tags"] == []


def test_tags_are_one_tag_whatever_the_case_and_separators(
    stub: StubServer, run: Run, run_json: Any
) -> None:
    run("add", "1703.05175", "1611.01989", ok=True)
    run("tag", "1703.05175", "+Program Synthesis", ok=True)
    run("tag", "1611.01989", "+program-synthesis", "+program_synthesis", ok=True)
    # One tag, spelt as it was first written.
    assert run_json("show", "1611.01989")["tags"] == ["Program Synthesis"]
    for spelling in ("program synthesis", "PROGRAM-SYNTHESIS", "program_synthesis"):
        found = {p["id"] for p in run_json("list", "--tag", spelling)}
        assert found == {"1703.05175", "1611.01989"}, spelling
    assert len(run_json("search", "tag:program-synthesis")) == 2
    run("tag", "1703.05175", "-program-SYNTHESIS", ok=True)
    assert run_json("show", "1703.05175")["tags"] == []


def test_a_note_of_dash_is_read_from_stdin(stub: StubServer, run: Run, run_json: Any) -> None:
    run("add", "1703.05175", ok=True)
    run("note", "1703.05175", "-", input="from a pipe\nsecond line\n", ok=True)
    assert [n["text"] for n in run_json("show", "1703.05175")["notes"]] == [
        "from a pipe\nsecond line"
    ]


@pytest.mark.parametrize("when", ["today", "yesterday", "7d", "2w", "2000-01-31"])
def test_since_accepts_what_people_type(
    stub: StubServer, run: Run, run_json: Any, when: str
) -> None:
    run("add", "1703.05175", ok=True)
    assert [p["id"] for p in run_json("list", "--since", when)] == ["1703.05175"]


@pytest.mark.parametrize("when", ["1/12/2026", "last week", "2026-13-01", "7"])
def test_since_that_is_not_a_date_is_an_error(stub: StubServer, run: Run, when: str) -> None:
    run("add", "1703.05175", ok=True)
    result = run("list", "--since", when)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: --since {when!r} is not")


def test_since_in_the_future_finds_nothing(stub: StubServer, run: Run, run_json: Any) -> None:
    run("add", "1703.05175", ok=True)
    assert run_json("list", "--since", "2999-01-01") == []


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["add", "1703.05175"],
        ["seed", AMA],
        ["init"],
        ["stats"],
        ["export"],
        ["doctor"],
        ["seed", "--list"],
        ["web", "--print-metadata"],
    ],
    ids=lambda a: " ".join(a),
)
def test_db_in_a_folder_that_does_not_exist_is_an_error(
    run: Run, tmp_path: Path, args: list[str]
) -> None:
    missing = tmp_path / "no" / "such" / "dir"
    result = run("--db", str(missing / "x.db"), *args)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert result.stderr.startswith(f"error: no folder {missing}")
    assert not (tmp_path / "no").exists()


def test_read_commands_on_no_library_say_so_and_create_nothing(run: Run, tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    for args in (["list"], ["lists"], ["stats"], ["show", "x"], ["status", "x", "read"]):
        result = run("--db", str(db), *args)
        assert result.exit_code == 1, args
        assert result.stderr == (
            f"error: no library at {db} yet; run `reading-list init` or add a paper\n"
        )
    assert not db.exists()
    assert "created an empty library" in run("--db", str(db), "init").stderr
    assert run("--db", str(db), "list", "--json").stdout.strip() == "[]"
    assert "already" in run("--db", str(db), "init").stderr


def _seed_offline(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READING_LIST_ARXIV_URL", UNREACHABLE)
    monkeypatch.setenv("READING_LIST_ARXIV_RETRIES", "0")
    run("seed", AMA, ok=True)


def test_doctor_fix_checks_again_and_reports_what_is_left(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed_offline(run, monkeypatch)
    # An arXiv that answers but knows none of these papers: nothing can be fetched.
    with StubServer(synthetic_records(3)) as other:
        monkeypatch.setenv("READING_LIST_ARXIV_URL", other.url)
        result = run("doctor", "--fix")
    assert result.exit_code == 1
    assert "(fixed)" not in result.stdout
    assert result.stdout.startswith("left:  never-fetched: 21 paper(s)")
    assert "0 problems fixed, 1 left" in result.stderr
    again = json.loads(run("doctor", "--json").stdout)
    assert [f["check"] for f in again["findings"]] == ["never-fetched"]


def test_doctor_fix_says_what_it_mended(
    stub: StubServer, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed_offline(run, monkeypatch)
    monkeypatch.setenv("READING_LIST_ARXIV_URL", stub.url)
    report = json.loads(run("doctor", "--fix", "--json").stdout)
    assert report["ok"] is True and report["findings"] == []
    assert [f["message"] for f in report["fixed"]] == ["21 of 21 paper(s) fetched from arXiv"]


def test_check_offline_says_nothing_was_checked(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    _seed_offline(run, monkeypatch)
    result = run("check", "--list", AMA)
    assert result.exit_code == 3
    assert "21 checked" not in result.stderr
    assert "nothing checked" in result.stderr
    report = json.loads(run("check", "--list", AMA, "--json").stdout)
    assert report["checked"] == 0 and report["selected"] == 21


def test_counts_agree_across_seed_lists_and_list(
    run: Run, run_json: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed_offline(run, monkeypatch)
    seed = next(s for s in run_json("seed", "--list") if s["name"] == AMA)
    summary = next(s for s in run_json("lists") if s["name"] == AMA)
    listed = run_json("list", "--list", AMA)
    # Items are the works the list cites (24, one skipped, two that are two papers each);
    # papers are what they settled on.
    assert len(seed["items"]) == summary["items"] == 24
    assert summary["papers"] == len(listed) == 25
    assert sum(summary["by_status"].values()) == summary["papers"]
    piped = run("lists").stdout.splitlines()
    assert piped[0].split("\t")[:4] == [AMA, "24", "25", "0"]


def test_stats_do_not_count_skimmed_as_read(
    run: Run, run_json: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed_offline(run, monkeypatch)
    run("status", "1703.05175", "read", ok=True)
    run("status", "1611.01989", "skimmed", ok=True)
    lines = run("stats").stdout.splitlines()
    # list NAME read skimmed total
    assert f"list\t{AMA}\t1\t1\t25" in lines


def complete(words: str) -> list[str]:
    """What the shell would offer for the last word (bash's protocol, a real process)."""
    env = {
        **os.environ,
        "_READING_LIST_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
    }
    out = subprocess.run(
        [sys.executable, "-m", "reading_list"], env=env, capture_output=True, text=True
    )
    return out.stdout.split()


def test_every_fixed_set_of_values_is_a_choice_that_completes(run: Run) -> None:
    assert complete("reading-list list --status r") == ["reading", "read"]
    assert complete("reading-list list --sort p") == ["published", "priority"]
    assert complete("reading-list export --format b") == ["bibtex", "biblatex"]
    assert complete("reading-list status 1703.05175 s") == ["skimmed"]
    for args, words in (
        (["list", "--sort", "nonsense"], "'added', 'published', 'year'"),
        (["export", "--format", "pdf"], "'bibtex', 'biblatex', 'csl-json'"),
    ):
        result = run(*args)
        assert result.exit_code == 2 and words in result.stderr
