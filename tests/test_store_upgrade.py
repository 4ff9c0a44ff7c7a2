"""Libraries written by each earlier schema open with the current code, nothing lost or changed.

Each old library is built the way that release built it: only the first k migrations, then
its rows written with plain SQL in the columns that version had (its triggers doing the rest).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from reading_list.store import SCHEMA_VERSION, open_db
from reading_list.store.migrations import migrations
from tests.conftest import Run

NAMES = [m.name for m in migrations._migrations]
BASE_PAPER = {
    "priority": 0,
    "rating": None,
    "doi": None,
    "journal_ref": None,
    "comment": None,
    "updated": None,
    "version": None,
    "abstract": None,
    "primary_category": None,
    "pdf_url": None,
    "fetched_at": None,
    "status_changed_at": None,
}
PAPERS: list[dict[str, Any]] = [
    {
        **BASE_PAPER,
        "id": "1703.05175",
        "arxiv_id": "1703.05175",
        "kind": "arxiv",
        "citekey": "snell2017prototypical",
        "title": "Prototypical Networks for Few-shot Learning",
        "authors": ["Jake Snell", "Kevin Swersky", "Richard S. Zemel"],
        "year": 2017,
        "published": "2017-03-15T19:04:33Z",
        "updated": "2017-06-19T20:01:31Z",
        "version": 2,
        "abstract": "We propose prototypical networks for few-shot classification.",
        "categories": ["cs.LG", "stat.ML"],
        "primary_category": "cs.LG",
        "journal_ref": "NIPS 2017",
        "url": "https://arxiv.org/abs/1703.05175",
        "pdf_url": "https://arxiv.org/pdf/1703.05175",
        "status": "read",
        "priority": 2,
        "rating": 5,
        "added_at": "2026-01-02T10:00:00Z",
        "fetched_at": "2026-01-02T10:00:00Z",
        "status_changed_at": "2026-01-05T09:00:00Z",
    },
    {
        **BASE_PAPER,
        "id": "1611.01989",
        "arxiv_id": "1611.01989",
        "kind": "arxiv",
        "citekey": "balog2016deepcoder",
        "title": "DeepCoder: Learning to Write Programs",
        "authors": ["Matej Balog", "Alexander L. Gaunt", "Marc Brockschmidt", "Matko Bošnjak"],
        "year": 2016,
        "published": "2016-11-07T00:00:00Z",
        "version": 1,
        "categories": ["cs.LG"],
        # arXiv's own DOI names the preprint: never an identity of a published version.
        "doi": "10.48550/arXiv.1611.01989",
        "url": "https://arxiv.org/abs/1611.01989",
        "status": "reading",
        "added_at": "2026-01-02T10:00:01Z",
        "status_changed_at": "2026-01-04T08:00:00Z",
    },
    {
        **BASE_PAPER,
        "id": "manual:blei2003latent",
        "arxiv_id": None,
        "kind": "manual",
        "citekey": "blei2003latent",
        "title": "Latent Dirichlet Allocation",
        "authors": ["David M. Blei", "Andrew Y. Ng", "Michael I. Jordan"],
        "year": 2003,
        "published": "2003",
        "doi": "10.5555/944919.944937",
        "journal_ref": "JMLR",
        "categories": [],
        "url": "https://jmlr.org/papers/v3/blei03a.html",
        "status": "to-read",
        "added_at": "2026-01-03T12:00:00Z",
    },
    {
        **BASE_PAPER,
        "id": "manual:anonymous2020",
        "arxiv_id": None,
        "kind": "manual",
        "citekey": "anonymous2020",
        "title": "A Work Without Authors",
        "authors": [],
        "year": None,
        "published": None,
        "categories": [],
        "url": None,
        "status": "abandoned",
        "added_at": "2026-01-03T12:00:01Z",
        "status_changed_at": "2026-01-06T00:00:00Z",
    },
]
# Tags as releases before m006 stored them (lower-cased, as typed otherwise); m006 matches
# them by a folded key and shows each key as first spelt.
TAGS = [
    ("1703.05175", "metric learning"),
    ("1703.05175", "few-shot"),
    ("1703.05175", "a first"),
    ("1611.01989", "program synthesis"),
    ("manual:blei2003latent", "topic_models"),
    ("manual:blei2003latent", "program-synthesis"),
]
# The same tags as m006 and later hold them: (paper, key, spelling shown).
KEYED_TAGS = [
    ("1703.05175", "metric-learning", "metric learning"),
    ("1703.05175", "few-shot", "few-shot"),
    ("1703.05175", "a-first", "a first"),
    ("1611.01989", "program-synthesis", "program synthesis"),
    ("manual:blei2003latent", "topic-models", "topic_models"),
    ("manual:blei2003latent", "program-synthesis", "program synthesis"),
]
NOTES = [
    ("1703.05175", "The unicorn appendix has the proofs.", "2026-01-04T10:00:00Z"),
    ("1703.05175", "Compare with matching networks.", "2026-01-05T10:00:00Z"),
    ("manual:blei2003latent", "Classic; read section 3 first.", "2026-01-04T11:00:00Z"),
]
EVENTS = [
    ("1703.05175", "reading", 1, "2026-01-03T09:00:00Z"),
    ("1703.05175", "read", 2, "2026-01-05T09:00:00Z"),
    ("1611.01989", "reading", 1, "2026-01-04T08:00:00Z"),
    ("manual:anonymous2020", "abandoned", None, "2026-01-06T00:00:00Z"),
]
CANDIDATES = [
    {
        "arxiv_id": "1703.05175",
        "title": "Prototypical Networks for Few-shot Learning",
        "authors": ["Jake Snell"],
        "year": 2017,
        "score": 0.97,
        "title_score": 1.0,
        "author_score": 1.0,
        "year_score": 1.0,
    }
]
LIST = {
    "name": "ama",
    "title": "Google Brain AMA",
    "source": "reddit r/MachineLearning",
    "source_date": "2017",
    "description": "Papers the team recommended",
    "created_at": "2026-01-02T09:00:00Z",
}
ITEM_BASE = {
    "list_name": "ama",
    "part": 0,
    "authors_hint": "",
    "year_hint": None,
    "context": None,
    "speaker": None,
    "topic": None,
    "method": None,
    "score": None,
    "query": None,
    "candidates": [],
    "note": None,
    "resolved_at": "2026-01-02T09:30:00Z",
}
ITEMS: list[dict[str, Any]] = [
    {
        **ITEM_BASE,
        "position": 1,
        "paper_id": "1703.05175",
        "state": "resolved",
        "cited_as": "prototypical networks",
        "authors_hint": "Snell",
        "year_hint": 2017,
        "context": "few-shot learning made simple",
        "speaker": "jeff",
        "topic": "few-shot",
        "method": "search",
        "score": 0.97,
        "query": 'ti:"prototypical networks"',
        "candidates": CANDIDATES,
    },
    {
        **ITEM_BASE,
        "position": 2,
        "paper_id": "manual:blei2003latent",
        "state": "manual",
        "cited_as": "LDA",
        "method": "manual",
    },
    {
        **ITEM_BASE,
        "position": 3,
        "paper_id": None,
        "state": "unresolved",
        "cited_as": "the capsules paper",
        "method": "search",
        "candidates": CANDIDATES,
        "note": "two candidates, neither right",
    },
    {
        **ITEM_BASE,
        "position": 4,
        "paper_id": None,
        "state": "skipped",
        "cited_as": "our blog",
        "method": "none",
        "note": "not a work",
    },
]
LINK = ("1611.01989", "1703.05175", "2026-01-04T09:00:00Z")
# What the writers of m007 on add with each paper: its arXiv id, and a DOI of a published version.
IDENTITIES = [
    ("arxiv", "1703.05175", "1703.05175", "arxiv", "2026-01-02T10:00:00Z"),
    ("arxiv", "1611.01989", "1611.01989", "arxiv", "2026-01-02T10:00:01Z"),
    ("doi", "10.5555/944919.944937", "manual:blei2003latent", "manual", "2026-01-03T12:00:00Z"),
]
WITH_IDENTITIES = NAMES.index("m007_work_identities") + 1
# m008: another key a work is cited by, an imported .bib file's preamble, and the typed record
# of the entry a manual paper was imported from (its fields as BibTeX source text).
ALIAS = ("snell2017proto", "1703.05175", "2026-01-07T00:00:00Z")
PREAMBLE = ("\\newcommand{\\noopsort}[1]{}", "library.bib", "2026-01-07T00:00:00Z")
BIB_RECORD = {
    "source": "bib",
    "key": "blei2003latent",
    "entry_type": "article",
    "title": "Latent Dirichlet Allocation",
    "authors": ["David M. Blei", "Andrew Y. Ng", "Michael I. Jordan"],
    "year": 2003,
    "fields": {
        "author": "Blei, David M. and Ng, Andrew Y. and Jordan, Michael I.",
        "title": "Latent {D}irichlet Allocation",
        "journal": "Journal of Machine Learning Research",
        "volume": "3",
        "pages": "993--1022",
        "year": "2003",
    },
    "tex": True,
    "names": {
        "author": [
            {"given": "David M.", "family": "Blei"},
            {"given": "Andrew Y.", "family": "Ng"},
            {"given": "Michael I.", "family": "Jordan"},
        ]
    },
}
WITH_RECORDS = NAMES.index("m008_records") + 1
# m009: fields changed by hand (`edit`), each with its value before and after.
EDITS = [
    ("manual:blei2003latent", "volume", None, "3", "set", "2026-01-08T00:00:00Z"),
    ("manual:blei2003latent", "note", "draft", None, "editor", "2026-01-09T00:00:00Z"),
]
WITH_EDITS = NAMES.index("m009_paper_edits") + 1


def _insert(conn: sqlite3.Connection, table: str, row: dict[str, Any]) -> None:
    values = [json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v for v in row.values()]
    conn.execute(
        f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", values
    )


def build_library(
    path: Path, version: int, *, link: bool = True, records: bool = True, edits: bool = True
) -> None:
    """A library as the release with ``version`` migrations left it, holding the data above
    (the reading-order link only from m004, which made its table; aliases, preambles and
    typed records from m008; edits from m009)."""
    conn = sqlite3.connect(path, isolation_level=None)
    if version > 1:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    db = Database(conn, execute_plugins=False, recursive_triggers=False)
    if version < len(NAMES):
        migrations.apply(db, stop_before=NAMES[version])
    else:
        migrations.apply(db)
    assert [m.name for m in migrations.applied(db)] == NAMES[:version]
    conn.execute("BEGIN")
    for paper in PAPERS:
        row = dict(paper)
        if version >= 5:  # m005 made the listing's author columns the writer's job
            row["first_author"] = paper["authors"][0] if paper["authors"] else ""
            row["author_count"] = len(paper["authors"])
        _insert(conn, "papers", row)
    if version >= 6:  # m006: a tag's key and its spelling
        conn.executemany(
            "INSERT INTO paper_tags (paper_id, tag, label) VALUES (?, ?, ?)", KEYED_TAGS
        )
    else:
        conn.executemany("INSERT INTO paper_tags (paper_id, tag) VALUES (?, ?)", TAGS)
    conn.executemany("INSERT INTO notes (paper_id, text, created_at) VALUES (?, ?, ?)", NOTES)
    conn.executemany(
        "INSERT INTO status_events (paper_id, status, version, at) VALUES (?, ?, ?, ?)", EVENTS
    )
    _insert(conn, "lists", LIST)
    for item in ITEMS:
        if version >= 6:  # m006: an item keeps the tags its section (topic) gives its paper
            item = {**item, "section_tags": [item["topic"]] if item["topic"] else []}
        _insert(conn, "list_items", item)
    if version >= 4 and link:
        conn.execute(
            "INSERT INTO paper_links (paper_id, after_id, created_at) VALUES (?, ?, ?)", LINK
        )
    if version >= WITH_IDENTITIES:
        conn.executemany(
            "INSERT INTO paper_identities (kind, value, paper_id, source, added_at) "
            "VALUES (?, ?, ?, ?, ?)",
            IDENTITIES,
        )
    if version >= WITH_RECORDS and records:
        conn.execute(
            "INSERT INTO paper_aliases (citekey, paper_id, added_at) VALUES (?, ?, ?)", ALIAS
        )
        conn.execute(
            "INSERT INTO bib_preambles (preamble, source, added_at) VALUES (?, ?, ?)", PREAMBLE
        )
        conn.execute(
            "INSERT INTO work_records (paper_id, role, source, key, record, fetched_at) "
            "VALUES (?, 'work', 'bib', ?, ?, ?)",
            ["manual:blei2003latent", "blei2003latent", json.dumps(BIB_RECORD), ALIAS[2]],
        )
    if version >= WITH_EDITS and edits:
        conn.executemany(
            "INSERT INTO paper_edits (paper_id, field, before, after, how, at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            EDITS,
        )
    conn.execute("COMMIT")
    # The first release did not record its schema version; the later ones did.
    conn.execute(f"PRAGMA user_version = {version if version >= 2 else 0}")
    conn.close()


def _views(run: Run, db: Path) -> dict[str, Any]:
    """Everything a user sees of the library, through the CLI."""

    def out(*args: str) -> str:
        result = run("--db", str(db), *args)
        assert result.exit_code == 0, (args, result.stderr)
        assert result.stderr == "", result.stderr
        return result.stdout

    views: dict[str, Any] = {
        "dump": out("dump"),
        "list": json.loads(out("list", "--json")),
        "lists": json.loads(out("lists", "--json")),
        "unicorn": json.loads(out("search", "unicorn", "--json")),
        "bošnjak": json.loads(out("search", "author:bosnjak", "--json")),
        "tagged": json.loads(out("list", "--tag", "few-shot", "--json")),
        "next": json.loads(out("next", "--json")),
        "synthesis": json.loads(out("list", "--tag", "Program Synthesis", "--json")),
        "listing": out("list"),
        "export": out("export", "--format", "biblatex"),
    }
    for paper in PAPERS:
        views[paper["id"]] = json.loads(out("show", paper["id"], "--json"))
    return views


@pytest.fixture(scope="module")
def current(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("current") / "current.db"
    build_library(path, SCHEMA_VERSION)
    return path


@pytest.fixture(scope="module")
def current_without_edits(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What a library from before m009 holds, at the current schema."""
    path = tmp_path_factory.mktemp("current") / "current-without-edits.db"
    build_library(path, SCHEMA_VERSION, edits=False)
    return path


@pytest.fixture(scope="module")
def current_without_records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What a library from before m008 holds, at the current schema."""
    path = tmp_path_factory.mktemp("current") / "current-without-records.db"
    build_library(path, SCHEMA_VERSION, records=False, edits=False)
    return path


@pytest.fixture(scope="module")
def current_without_link(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What a library from before m004 holds, at the current schema."""
    path = tmp_path_factory.mktemp("current") / "current-without-link.db"
    build_library(path, SCHEMA_VERSION, link=False, records=False, edits=False)
    return path


def test_the_reference_library_holds_every_value_unchanged(run: Run, current: Path) -> None:
    views = _views(run, current)
    assert [p["id"] for p in views["unicorn"]] == ["1703.05175"]
    assert [p["id"] for p in views["bošnjak"]] == ["1611.01989"]
    assert [p["id"] for p in views["tagged"]] == ["1703.05175"]
    assert views["1703.05175"]["tags"] == ["a first", "few-shot", "metric learning"]
    # One tag however spelt, shown as the library first spelt it.
    assert [p["id"] for p in views["synthesis"]] == ["1611.01989", "manual:blei2003latent"]
    assert views["manual:blei2003latent"]["tags"] == ["program synthesis", "topic_models"]
    assert "program synthesis,topic_models" in views["listing"]
    assert [e["status"] for e in views["1703.05175"]["events"]] == ["reading", "read"]
    assert [n["text"] for n in views["1703.05175"]["notes"]] == [n[1] for n in NOTES[:2]]
    assert [(m["list"], m["position"]) for m in views["1703.05175"]["lists"]] == [("ama", 1)]
    dumped = [json.loads(line) for line in views["dump"].splitlines()]
    papers = {r["id"]: r for r in dumped if r["_type"] == "paper"}
    for paper in PAPERS:
        row = papers[paper["id"]]
        assert {k: row[k] for k in paper} == paper
        tags = sorted((key, label) for pid, key, label in KEYED_TAGS if pid == paper["id"])
        assert row["tag_list"] == ",".join(label for _, label in tags)
        assert row["first_author"] == (paper["authors"][0] if paper["authors"] else "")
        assert row["author_count"] == len(paper["authors"])
    items = [r for r in dumped if r["_type"] == "list_item"]
    assert [{k: r[k] for k in ITEMS[0]} for r in items] == ITEMS
    assert [r["section_tags"] for r in items] == [["few-shot"], [], [], []]
    assert sorted(
        (r["paper_id"], r["tag"], r["label"]) for r in dumped if r["_type"] == "tag"
    ) == sorted(KEYED_TAGS)
    assert [
        (r["paper_id"], r["status"], r["version"], r["at"]) for r in dumped if r["_type"] == "event"
    ] == sorted(EVENTS, key=lambda e: (e[0], e[3]))
    assert len([r for r in dumped if r["_type"] == "note"]) == len(NOTES)
    links = [
        (r["paper_id"], r["after_id"], r["created_at"]) for r in dumped if r["_type"] == "link"
    ]
    assert links == [LINK]
    identities = [r for r in dumped if r["_type"] == "identity"]
    assert sorted(
        tuple(r[k] for k in ("kind", "value", "paper_id", "source", "added_at")) for r in identities
    ) == sorted(IDENTITIES)
    assert views["manual:blei2003latent"]["identities"] == [
        {"kind": "doi", "value": "10.5555/944919.944937", "source": "manual"}
    ]
    assert views["1611.01989"]["identities"] == [
        {"kind": "arxiv", "value": "1611.01989", "source": "arxiv"}
    ]
    assert views["1703.05175"]["aliases"] == [ALIAS[0]]
    assert [(r["citekey"], r["paper_id"]) for r in dumped if r["_type"] == "alias"] == [ALIAS[:2]]
    assert [r["preamble"] for r in dumped if r["_type"] == "preamble"] == [PREAMBLE[0]]
    assert [
        (e["field"], e["before"], e["after"], e["how"])
        for e in views["manual:blei2003latent"]["edits"]
    ] == [e[1:5] for e in EDITS]
    assert [
        tuple(r[k] for k in ("paper_id", "field", "before", "after", "how", "at"))
        for r in dumped
        if r["_type"] == "edit"
    ] == EDITS
    # The typed record is what the export writes: its own type and every field.
    assert "@article{blei2003latent," in views["export"]
    assert "pages = {993--1022}" in views["export"]


def test_m008_keeps_aliases_apart_from_citekeys(run: Run, tmp_path: Path) -> None:
    old = tmp_path / "v7.db"
    build_library(old, WITH_RECORDS - 1)
    store = open_db(old)
    at = ALIAS[2]
    with store.write():
        store.identities.add_alias("1703.05175", "Snell2017Proto", at)
    for citekey in ("snell2017PROTO", "balog2016deepcoder"):
        with pytest.raises(Exception, match="UNIQUE"), store.write():
            store.identities.add_alias("1611.01989", citekey, at)
    with pytest.raises(Exception, match="alias"), store.write():
        store.papers.update("1611.01989", citekey="SNELL2017proto")
    assert store.papers.find_id("snell2017proto") == "1703.05175"
    with store.write():
        store.papers.update("1703.05175", citekey="snell2017prototypes")
        store.papers.delete("1703.05175")
    assert store.papers.find_id("snell2017proto") is None
    assert store.sql.scalar("SELECT count(*) FROM paper_aliases") == 0
    store.close()


def test_m010_caches_exports_and_forgets_what_changed(run: Run, tmp_path: Path) -> None:
    old = tmp_path / "v9.db"
    build_library(old, NAMES.index("m010_export_cache"))
    exported = run("--db", str(old), "export", "-F", "biblatex")
    assert exported.exit_code == 0, exported.stderr
    store = open_db(old)
    cached = store.exports.cache_size()
    assert cached == len(PAPERS)
    generation = store.exports.generation()
    with store.write():
        store.tags.add("1703.05175", ["cached"])
    assert store.exports.cache_size() == cached - 1
    assert store.exports.generation() > generation
    with store.write():
        store.papers.delete("1611.01989")
    assert store.exports.cache_size() == cached - 2
    store.close()


def test_a_dump_restores_to_the_same_library(run: Run, current: Path, tmp_path: Path) -> None:
    dumped = tmp_path / "library.jsonl"
    assert run("--db", str(current), "dump", "-o", str(dumped)).exit_code == 0
    copy = tmp_path / "copy.db"
    restored = run("--db", str(copy), "restore", str(dumped))
    assert restored.exit_code == 0, restored.stderr
    assert _views(run, copy) == _views(run, current)
    store = open_db(copy)
    assert store.reading.prerequisites(LINK[0]) == {LINK[1]}
    store.close()


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION), ids=lambda v: f"after-{NAMES[v - 1]}")
def test_an_older_library_upgrades_with_nothing_lost(
    run: Run,
    current: Path,
    current_without_edits: Path,
    current_without_records: Path,
    current_without_link: Path,
    tmp_path: Path,
    version: int,
) -> None:
    old = tmp_path / f"v{version}.db"
    build_library(old, version)
    if version >= WITH_EDITS:
        reference = current
    elif version >= WITH_RECORDS:
        reference = current_without_edits
    else:
        reference = current_without_records if version >= 4 else current_without_link
    expected = _views(run, reference)
    assert _views(run, old) == expected
    store = open_db(old)
    assert store.applied_migrations() == NAMES
    assert store.sql.scalar("PRAGMA user_version") == SCHEMA_VERSION
    assert store.sql.scalar("PRAGMA journal_mode") == "wal"
    assert store.checks.integrity() == ["ok"]
    assert store.checks.orphans() == {}
    if version >= 4:
        assert store.reading.prerequisites(LINK[0]) == {LINK[1]}
    schema = store.schema_sql()
    store.close()
    fresh = open_db(reference)
    assert schema == fresh.schema_sql()
    fresh.close()
    # A second open finds nothing to do.
    assert _views(run, old) == expected


def test_an_upgraded_library_searches_an_edited_note(run: Run, tmp_path: Path) -> None:
    old = tmp_path / "v5.db"
    build_library(old, 5)
    edited = run("--db", str(old), "note", "1703.05175", "--edit", "1", "a zebra appendix")
    assert edited.exit_code == 0, edited.stderr
    for word, found in (("zebra", ["1703.05175"]), ("unicorn", [])):
        result = run("--db", str(old), "search", word, "--json")
        assert result.exit_code == 0, result.stderr
        assert [p["id"] for p in json.loads(result.stdout)] == found
