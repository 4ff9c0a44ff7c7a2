"""Bad input never produces a traceback: one line saying what is wrong, exit 1 or 2.

The ``run`` fixture re-raises whatever a command does not handle (catch_exceptions=False), so
a traceback fails the test there; the real console script is checked in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reading_list.errors import InvalidIdentifier, InvalidInput
from reading_list.formats.references import parse_references, split_reference
from reading_list.identifiers import find_arxiv_ids, parse_arxiv_id
from reading_list.services.seeds import load_seed_file
from tests.conftest import Run

ODD = st.sampled_from(
    [
        "\u200b",
        "\u200f",
        "\u202e",
        "\ufeff",
        "e\u0301",
        "\u00a0",
        "\x00",
        "\ud7ff",
        "王",
        "\t",
        "\\",
    ]
)
TEXT = st.text(min_size=0, max_size=200) | st.lists(ODD | st.text(max_size=5), max_size=30).map(
    "".join
)


@given(TEXT)
@settings(max_examples=400)
def test_identifier_parser_raises_only_its_own_error(value: str) -> None:
    try:
        ident = parse_arxiv_id(value)
    except InvalidIdentifier as exc:
        assert "\n" not in str(exc).strip() or "\n" in value
    else:
        assert parse_arxiv_id(str(ident)) == ident
    find_arxiv_ids(value)


@given(TEXT)
@settings(max_examples=300)
def test_citation_parsers_never_crash(value: str) -> None:
    try:
        parse_references(value)
    except InvalidInput:
        pass
    if value.strip():
        split_reference(value)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
        max_leaves=20,
    )
)
@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_seed_loader_rejects_junk_cleanly(tmp_path: Path, data: object) -> None:
    path = tmp_path / "junk.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InvalidInput):
        load_seed_file(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02\xff", "binary"),
        (b"\xff\xfe\xfa", "UTF-8"),
        (b'[{"cited_as": 1', "invalid JSON"),
        (b'{"cited_as": "x"}', "array"),
        (b"[1, 2]", "item 1"),
    ],
)
def test_bad_files_one_line_exit_1(run: Run, tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "refs.txt"
    path.write_bytes(content)
    for command in (["resolve", str(path)], ["import", str(path), "--list", "x"]):
        result = run(*command)
        assert result.exit_code == 1, result.stdout
        assert message in result.stderr
        assert result.stderr.count("\n") == 1


def test_very_long_lines_and_unicode_oddities_are_skipped_or_parsed(
    run: Run, tmp_path: Path
) -> None:
    path = tmp_path / "refs.md"
    path.write_text(
        "- " + "x" * 5000 + "\n- \u200bDeep\u200fCoder\u202e (Balog et al., 2016)\n- Ame\u0301lie\n"
    )
    result = run("resolve", str(path), "--json")
    # arXiv is unreachable here: the one searchable reference ends the dry run with exit 3.
    assert result.exit_code == 3, result.stderr
    assert result.stderr.splitlines()[-1].startswith("error: arXiv unavailable")


USER_MISTAKES = [
    (["status", "1703.05175", "finished"], 2, "Usage: reading-list status"),
    (["show", "9999.99999"], 1, "error: '9999.99999' is not on your list"),
    (["show", "not an id"], 1, "error: 'not an id' is not on your list"),
    (["tag", "1703.05175"], 2, "error: give the paper and its tag changes"),
    (["tag", "1703.05175", "B", "+x"], 2, "error: 'B' is not a tag change"),
    (["note", "1703.05175", "   "], 1, "error: the note is empty"),
    (["rate", "1703.05175", "0"], 2, "Usage: reading-list rate"),
    (["seed", "../../etc/passwd"], 1, "error: no seed list named '../../etc/passwd'"),
    (["export", "--format", "pdf"], 2, "Usage: reading-list export"),
    (["list", "--status", "finished"], 2, "Usage: reading-list list"),
    (["list", "--since", "1/12/2026"], 2, "error: --since '1/12/2026' is not understood"),
    (["restore", "/nonexistent/dump.jsonl"], 1, "error: cannot read /nonexistent/dump.jsonl"),
]


@pytest.mark.parametrize(("args", "code", "first_line"), USER_MISTAKES)
def test_user_mistakes_exit_1_or_2(run: Run, args: list[str], code: int, first_line: str) -> None:
    run("init", ok=True)
    result = run(*args)
    assert result.exit_code == code, (args, result.stdout, result.stderr)
    assert result.stderr.startswith(first_line), result.stderr
    assert result.stderr.strip().count("\n") <= 3


def test_user_mistakes_never_show_a_traceback_from_the_console_script(tmp_path: Path) -> None:
    # A real process, so that anything escaping the app would print a traceback here.
    script = (
        "import sys\n"
        "from reading_list.cli import main\n"
        "for args in ARGS:\n"
        "    sys.argv = ['reading-list', *args]\n"
        "    try:\n"
        "        main()\n"
        "    except SystemExit as exc:\n"
        "        print('EXIT', exc.code, file=sys.stderr)\n"
    )
    cases = [["init"]] + [args for args, _, _ in USER_MISTAKES]
    out = subprocess.run(
        [sys.executable, "-c", f"ARGS = {cases!r}\n" + script],
        capture_output=True,
        text=True,
        env={**os.environ, "READING_LIST_DB": str(tmp_path / "library.db")},
        timeout=120,
    )
    assert "Traceback" not in out.stderr, out.stderr
    exits = [line for line in out.stderr.splitlines() if line.startswith("EXIT ")]
    assert exits == ["EXIT 0"] + [f"EXIT {code}" for _, code, _ in USER_MISTAKES], out.stderr


@given(TEXT)
@settings(max_examples=300)
def test_query_parser_raises_only_usage_errors(value: str) -> None:
    from reading_list.store.search import QuerySyntaxError, parse_query

    try:
        condition = parse_query(value)
    except QuerySyntaxError:
        return
    assert condition.sql.count("?") == len(condition.params)


@given(TEXT)
@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_bib_reader_never_crashes(tmp_path: Path, value: str) -> None:
    from reading_list.formats.bibreader import arxiv_id_of, entry_metadata, read_bib

    path = tmp_path / "fuzz.bib"
    path.write_text("@misc{k,\n title = {" + value + "},\n author = {" + value + "}}\n" + value)
    try:
        with path.open("rb") as handle:
            for chunk in read_bib(handle, workers=1):
                for entry in chunk.entries:
                    entry_metadata(entry, arxiv_id_of(entry.fields))
    except InvalidInput:
        pass


def test_search_with_hostile_text_is_parameterised(run: Run) -> None:
    # Each is searched for as words: nothing matches, nothing breaks, the table is still there.
    run("init", ok=True)
    for query in ['"; DROP TABLE papers; --', "title:'x' OR 1=1", "NEAR(a b)", "a* *b"]:
        result = run("search", query, "--json")
        assert result.exit_code == 0, (query, result.stderr)
        assert json.loads(result.stdout) == [], query
    assert run("list").exit_code == 0
