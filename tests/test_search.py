"""The query syntax (pure) and full-text search end to end."""

from __future__ import annotations

from typing import Any

import pytest

from reading_list.store.search import QuerySyntaxError, parse_query
from tests.arxiv_stub import StubServer
from tests.conftest import Run


def test_query_compiles_to_parameters_only() -> None:
    cond = parse_query('title:"few shot" AND (author:snell OR year:2015-2017) NOT tag:x -gan')
    assert "few shot" not in cond.sql and "snell" not in cond.sql
    assert cond.params == ('title : "few shot"', 'authors : "snell"', 2015, 2017, "x", '"gan"')
    assert parse_query("year:>2019").params == (2019,)
    assert parse_query("trans*").params == ('"trans"*',)
    assert parse_query("a b").sql.count("MATCH") == 2


@pytest.mark.parametrize(
    "bad",
    ["", "(", "a OR", "year:20x", "status:done", "colour:red", "AND", ")", 'title:""'],
)
def test_bad_queries_raise_a_usage_error(bad: str) -> None:
    with pytest.raises(QuerySyntaxError):
        parse_query(bad)


def test_search_end_to_end(stub: StubServer, run: Run, run_json: Any) -> None:
    run("seed", "google-brain-ama-2017", ok=True)
    run("note", "1703.05175", "compare with matching networks", ok=True)
    run("status", "1611.01989", "read", ok=True)

    def ids(*args: str) -> list[str]:
        return sorted(p["id"] for p in run_json("search", *args))

    assert "1703.05175" in ids("prototypical")
    assert ids("title:deepcoder") == ["1611.01989"]
    assert ids("author:bošnjak") == ids("author:bosnjak") == ["1605.06640"]
    assert ids('"dynamic routing"') == ["1710.09829"]
    assert ids("note:matching") == ["1703.05175"]
    assert ids("status:read") == ["1611.01989"]
    assert ids("tag:capsules kind:arxiv") == ["1710.09829"]
    assert set(ids("year:2013")) == {
        "1301.3781",
        "1309.2388",
        "1310.4546",
        "manual:menon2013machine",
    }
    assert "1406.2661" not in ids("adversarial -generative")
    assert ids("title:learning", "--status", "read") == ["1611.01989"]
    listed = run_json("list", "--query", "capsule*")
    assert {p["id"] for p in listed} >= {"1710.09829"}
    assert run("search", "year:abc").exit_code == 2
    exported = run("export", "--query", "title:deepcoder").stdout
    assert exported.count("@misc") == 1


def test_piped_list_streams_plain_lines(stub: StubServer, run: Run) -> None:
    run("add", "1703.05175", "1611.01989", ok=True)
    run("tag", "1703.05175", "+b", "+a", ok=True)
    # Papers added by one command share their time; the id breaks the tie.
    lines = run("list").stdout.splitlines()
    assert lines[0].startswith("1611.01989\t")
    assert lines[1].split("\t") == [
        "1703.05175",
        "to-read",
        "2017",
        "Prototypical Networks for Few-shot Learning",
        "Jake Snell et al.",
        "a,b",
    ]
    assert run("list", "--reverse").stdout.splitlines()[0].startswith("1703.05175")
