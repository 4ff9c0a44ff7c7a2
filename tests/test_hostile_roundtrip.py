"""Hostile strings from every input path through every format, parsed back.

Input paths: an arXiv answer (as the ArxivRecord model the client returns), a .bib file
(import-bib), a Markdown list (import) and a dump (restore). Formats: bibtex, biblatex,
csl-json, ris, csv, json, each parsed back with bibtexparser 2, a RIS line reader, csv and
json. The properties, for every paper stored and every format:

* no entry added or lost: one entry per stored paper, under its citekey, nothing outside;
* no field added: an entry has no field that the same paper with benign values could have
  (a "twin" rendered for each kind of venue);
* values survive: CSV and JSON give the stored strings back exactly (CSV with its formula
  quote); the TeX-based formats keep every plain word of the title, in order.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import re
import tempfile
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from bibtexparser.entrypoint import parse_string
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from typer.testing import CliRunner

from reading_list.cli.app import app
from reading_list.formats import tabular
from reading_list.formats.dump import dump_line, header_line
from reading_list.models import ArxivRecord, Paper
from reading_list.selection import PaperFilter
from reading_list.services.library import Library
from reading_list.services.papers import store_records
from reading_list.services.transfer import FORMATS, export
from reading_list.tex import tex_to_unicode
from tests.arxiv_stub import StubServer

ATTACKS = [
    "}, note = {PWNED",
    "} , injected = {PWNED} , x = {",
    '", injected = "PWNED',
    "}\n}\n@misc{injectedentry, title = {PWNED}}\n@comment{",
    "}}}}",
    "{{{{",
    "$\\input{/etc/hostname}$",
    "$\\immediate\\write18{touch /tmp/pwned}$",
    "\\input{/etc/hostname}",
    "$x^2$ and $\\catcode`\\@=11 \\csname input\\endcsname{/etc/passwd}$",
    "$ unbalanced",
    "@misc{injectedentry,",
    "@string{injected = {x}}",
    '=HYPERLINK("https://evil.example","click")',
    "=cmd|' /C calc'!A0",
    "+1+2",
    "-3",
    "@SUM(A1)",
    "\nER  - \n\nTY  - JOUR\nTI  - injected\n",
    "\nAU  - Injected, Author",
    '"quoted", "injected": "x"',
    "\\",
    "%",
    "#",
    "\x00",
    "\r\n",
    "\r",
    "\t",
    "\x1b]0;pwned\x07",
    "\x1b[2J",
    "\x9b6n",
    "\u202egnp.exe\u202c",
    "\u2066isolate\u2069",
    "Zoë Ångström 王 Łukasz",
]
ATOMS = st.one_of(
    st.sampled_from(ATTACKS),
    st.sampled_from(list("{}@=\"'$\\%#&_^~,;()[]\n\r\t\x00\x1b\u202e")),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=8),
    st.sampled_from(["Deep", "Learning", "Networks", "Attention"]),
)
HOSTILE = st.lists(ATOMS, min_size=1, max_size=6).map("".join)
# Plain words: what "values survive" follows through TeX-based formats.
WORD = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{4,}(?![A-Za-z])")
RIS_LINE = re.compile(r"^(?:[A-Z][A-Z0-9]  - .*|ER  - )$")
VENUES = ("Journal of Things", "Proceedings of the Conference on Things", "Things", None)
BENIGN_AUTHORS = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra"]
BENIGN_CATEGORIES = ["cs.LG", "cs.AI", "cs.CL", "cs.CV"]
NEIGHBOUR_TITLE = "Neighbour Paper About Attention"
# No shrinking: the examples are small already, and shrinking a failure costs minutes.
# The same examples on every run, so a gate never fails on a case it has not seen before:
# READING_LIST_EXPLORE=1 searches afresh (and more) to find new ones, as the search that found
# the explicit examples below did.
_EXPLORE = bool(os.environ.get("READING_LIST_EXPLORE"))
SETTINGS = settings(
    max_examples=60 if _EXPLORE else 15,
    derandomize=not _EXPLORE,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# ---- input paths -------------------------------------------------------------------------


@functools.cache
def _empty_library() -> bytes:
    """A migrated empty library, copied for each example (migrating costs more than a test)."""
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "template.db"
        Library.open(db, create=True).store.close()
        return db.read_bytes()


@functools.cache
def _arxiv() -> StubServer:
    """Our arXiv stand-in, for the lists' references it is asked about (it knows none of
    these titles, so each stays a manual entry with its link)."""
    return StubServer().__enter__()


@contextmanager
def _library() -> Iterator[tuple[Path, Callable[..., Any]]]:
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "library.db"
        db.write_bytes(_empty_library())

        def cli(*args: str, input: str | None = None) -> Any:
            return runner.invoke(
                app,
                ["--db", str(db), *args],
                input=input,
                env={"READING_LIST_ARXIV_URL": _arxiv().url},
                catch_exceptions=False,
            )

        yield Path(folder), cli


def _stored(db: Path) -> list[Paper]:
    lib = Library.open(db)
    papers = list(lib.store.papers.iter(PaperFilter(sort="citekey")))
    lib.close()
    return papers


def from_arxiv(db: Path, _cli: Callable[..., Any], h: list[str]) -> None:
    record = ArxivRecord(
        arxiv_id="2501.00001",
        version=1,
        title=h[0],
        authors=[h[1], "Plain Author"],
        summary=h[2],
        categories=[h[3], "cs.LG"],
        primary_category=h[3],
        published="2025-01-15T00:00:00Z",
        doi=h[4],
        journal_ref=h[5],
        comment=h[6],
    )
    neighbour = ArxivRecord(
        arxiv_id="2501.00002", title=NEIGHBOUR_TITLE, authors=["Zed Zimmer"], version=1
    )
    lib = Library.open(db, create=True)
    store_records(lib, [record, neighbour], refresh=False)
    lib.close()


def from_bib(db: Path, cli: Callable[..., Any], h: list[str]) -> None:
    bib = db.parent / "hostile.bib"
    bib.write_text(
        f"@misc{{{h[7] or 'k'},\n  title = {{{h[0]}}},\n  author = {{{h[1]} and Plain, Author}},\n"
        f"  journal = {{{h[5]}}},\n  doi = {{{h[4]}}},\n  url = {{{h[8]}}},\n"
        f"  primaryclass = {{{h[3]}}},\n  eprint = {{2501.00001}},\n  keywords = {{{h[6]}}},\n}}\n"
        f"@misc{{zzneighbour,\n  title = {{{NEIGHBOUR_TITLE}}},\n  author = {{Zimmer, Zed}},\n}}\n",
        encoding="utf-8",
    )
    result = cli("import-bib", str(bib))
    assert result.exit_code in (0, 1), result.stderr
    assert "Traceback" not in result.stderr


def from_markdown(db: Path, cli: Callable[..., Any], h: list[str]) -> None:
    one_line = [re.sub(r"[\r\n\x85\u2028\u2029]", " ", x) for x in h]
    # A link elsewhere makes a manual entry (no arXiv search); hostile URLs come in by the
    # .bib and dump paths, whole.
    url = "https://example.com/" + urllib.parse.quote(one_line[8], safe="")
    md = db.parent / "list.md"
    md.write_text(
        f"# Reading\n\n- [{one_line[0]}]({url}) by {one_line[1]}, 2020\n"
        f"- [ ] [{NEIGHBOUR_TITLE}](https://example.com/neighbour)\n",
        encoding="utf-8",
    )
    result = cli("import", str(md), "--list", "hostile")
    # 3: a line read as a citation to look up, and arXiv is out of reach in tests.
    assert result.exit_code in (0, 1, 3), result.stderr
    assert "Traceback" not in result.stderr


def from_dump(db: Path, cli: Callable[..., Any], h: list[str]) -> None:
    def paper(key: str) -> dict[str, Any]:
        return {
            "id": f"manual:{key}",
            "kind": "manual",
            "citekey": key,
            "title": h[0],
            "authors": [h[1], "Plain Author"],
            "abstract": h[2],
            "categories": [h[3]],
            "primary_category": h[3],
            "doi": h[4],
            "journal_ref": h[5],
            "comment": h[6],
            "url": h[8],
            "added_at": "2026-01-01T00:00:00Z",
        }

    neighbour = {
        "id": "manual:zzneighbour",
        "kind": "manual",
        "citekey": "zzneighbour",
        "title": NEIGHBOUR_TITLE,
        "added_at": "2026-01-01T00:00:01Z",
    }
    arxiv = {**paper("arx"), "id": "2501.00001", "arxiv_id": "2501.00001", "kind": "arxiv"}
    for key in (h[7], "hostile"):
        lines = [header_line(), dump_line("paper", paper(key)), dump_line("paper", arxiv)]
        lines += [
            dump_line("paper", neighbour),
            dump_line("tag", {"paper_id": arxiv["id"], "tag": h[6]}),
        ]
        path = db.parent / "hostile.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = cli("restore", str(path))
        assert "Traceback" not in result.stderr
        if result.exit_code == 0:
            return
        assert result.exit_code == 1 and "hostile.jsonl:2: " in result.stderr, result.stderr
    raise AssertionError(f"a dump with only hostile values was refused: {result.stderr}")


def _own_fields(folder: Path) -> frozenset[str]:
    """The fields the entries of an imported .bib have, as bibtexparser reads the file (a
    hostile value may itself read as fields): an export writes an entry's fields back."""
    bib = folder / "hostile.bib"
    if not bib.exists():
        return frozenset()
    entries = parse_string(bib.read_text(encoding="utf-8")).entries
    return frozenset(k.lower() for e in entries for k in e.fields_dict)


INPUTS = {"arxiv": from_arxiv, "bib": from_bib, "markdown": from_markdown, "dump": from_dump}


# ---- parsing back ------------------------------------------------------------------------


def _render(papers: list[Paper], fmt: str) -> str:
    if fmt in ("bibtex", "biblatex"):
        from reading_list.formats.bibtex import render_bibliography

        return render_bibliography(papers, flavour=fmt).text
    if fmt == "ris":
        from reading_list.formats.ris import render_ris

        return render_ris(papers)
    from reading_list.formats.csl_json import render_csl_json

    return render_csl_json(papers)


def _twins(paper: Paper) -> list[Paper]:
    """The paper with benign values in every field the hostile one fills, once per kind of
    venue: whatever fields these render are the fields the paper may have."""
    values = paper.model_dump()
    benign = {
        "title": "Benign Title",
        "abstract": "A benign abstract.",
        "comment": "A comment.",
        "doi": "10.1000/benign.1",
        "url": "https://example.com/benign",
        "pdf_url": "https://example.com/benign.pdf",
        "primary_category": "cs.LG",
    }
    for name, value in benign.items():
        if values.get(name) is not None:
            values[name] = value
    values["authors"] = BENIGN_AUTHORS[: len(paper.authors)] + ["Extra Author"] * max(
        0, len(paper.authors) - len(BENIGN_AUTHORS)
    )
    values["categories"] = (BENIGN_CATEGORIES * 4)[: len(paper.categories)]
    values["tags"] = [f"tag{i}" for i in range(len(paper.tags))]
    twins = []
    for venue in VENUES:
        twins.append(Paper.model_validate({**values, "journal_ref": venue}))
        # A hostile DOI is left out, and an entry without one may say so (biblatex pubstate).
        twins.append(Paper.model_validate({**values, "journal_ref": venue, "doi": None}))
    return twins


def _title_words(title: str) -> list[str]:
    # Braces group in TeX: a decoder may drop them, so words are read as if they were not there
    # (an escaped one, a literal brace, too: printed or dropped, it parts no words).
    title = title.replace("\\{", "{").replace("\\}", "}")
    return WORD.findall(title.replace("{", "").replace("}", ""))


def _keeps_words(expected: str, got: str) -> bool:
    """Every plain word of ``expected`` appears in ``got``, in order. A title is TeX-ish (arXiv
    writes accents as TeX, ``\\=H`` is an H with a macron): its words are those of the text
    it reads as, which is what every citation format renders."""
    got_words = iter(_title_words(got))
    return all(any(w == g for g in got_words) for w in _title_words(tex_to_unicode(expected)))


@functools.cache
def _bibtex_decoder() -> Callable[[str], str]:
    """TeX as a reader sees it printed. Math stays delimited, so that a word beside a span is
    still a word of its own; the renderers print a literal brace as ``\\textbraceleft{}`` /
    ``\\textbraceright{}`` (BibTeX counts ``\\{``), which pylatexenc does not know."""
    context = get_default_latex_context_db()  # a fresh copy: the default stays as it is
    context.add_context_category(
        "printed-braces",
        prepend=True,
        macros=[MacroTextSpec("textbraceleft", "{"), MacroTextSpec("textbraceright", "}")],
    )
    decoder = LatexNodes2Text(latex_context=context, math_mode="with-delimiters")
    return decoder.latex_to_text  # type: ignore[no-any-return]


def check_bibtex(fmt: str, papers: list[Paper], text: str, own: frozenset[str]) -> None:
    library = parse_string(text)
    assert not library.failed_blocks, [getattr(b, "error", b) for b in library.failed_blocks]
    assert len(library.blocks) == len(library.entries), "text outside entries"
    assert [e.key for e in library.entries] == [p.citekey for p in papers]
    decode = _bibtex_decoder()
    for paper, entry in zip(papers, library.entries, strict=True):
        allowed: set[str] = set(own)
        for twin in _twins(paper):
            twin_entry = parse_string(_render([twin], fmt)).entries[0]
            allowed |= {k.lower() for k in twin_entry.fields_dict}
        fields = {k.lower() for k in entry.fields_dict}
        assert fields <= allowed, f"added field(s) {sorted(fields - allowed)}"
        title = str(entry.fields_dict["title"].value) if "title" in entry.fields_dict else ""
        assert _keeps_words(paper.title, decode(title)), (paper.title, title)


def check_ris(papers: list[Paper], text: str) -> None:
    lines = text.split("\n")
    records: list[list[str]] = [[]]
    for line in lines:
        if not line:
            continue
        assert RIS_LINE.match(line), f"not a RIS line: {line!r}"
        if line == "ER  - ":
            records.append([])
        else:
            records[-1].append(line)
    records = [r for r in records if r]
    assert len(records) == len(papers), "added or lost records"
    for paper, record in zip(papers, records, strict=True):
        tags = Counter(line[:2] for line in record)
        assert tags["TY"] == 1 and record[0].startswith("TY  - ")
        allowed: Counter[str] = Counter()
        for twin in _twins(paper):
            allowed |= Counter(
                line[:2] for line in _render([twin], "ris").split("\n") if RIS_LINE.match(line)
            )
        assert tags <= allowed, f"added tag(s) {tags - allowed}"
        ids = [line[6:] for line in record if line.startswith("ID  - ")]
        assert ids == [paper.citekey]
        title = next((line[6:] for line in record if line.startswith("TI  - ")), "")
        assert _keeps_words(paper.title, title), (paper.title, title)


def check_csl(papers: list[Paper], text: str) -> None:
    items = json.loads(text)
    assert [i["id"] for i in items] == [p.citekey for p in papers]
    for paper, item in zip(papers, items, strict=True):
        allowed = set().union(*(json.loads(_render([t], "csl-json"))[0] for t in _twins(paper)))
        assert set(item) <= allowed, f"added key(s) {set(item) - allowed}"
        assert _keeps_words(paper.title, item["title"]), (paper.title, item["title"])


def _csv_expected(value: str) -> str:
    quoted = "'" + value if value.startswith(tabular.FORMULA_STARTS) else value
    return quoted.replace("\r\n", "\n").replace("\r", "\n")


def check_csv(papers: list[Paper], text: str) -> None:
    csv.field_size_limit(len(text) + 1)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == tabular.CSV_COLUMNS
    assert len(rows) == len(papers) + 1, "added or lost rows"
    for paper, row in zip(papers, rows[1:], strict=True):
        assert len(row) == len(tabular.CSV_COLUMNS), "added or lost cells"
        cells = dict(zip(tabular.CSV_COLUMNS, row, strict=True))
        assert cells["title"] == _csv_expected(paper.title)
        assert cells["authors"] == _csv_expected("; ".join(paper.authors))
        assert cells["tags"] == _csv_expected("; ".join(paper.tags))
        assert cells["url"] == _csv_expected(paper.url or "")
        assert cells["citekey"] == _csv_expected(paper.citekey)


def check_json(papers: list[Paper], text: str) -> None:
    items = json.loads(text)
    assert [i["citekey"] for i in items] == [p.citekey for p in papers]
    for paper, item in zip(papers, items, strict=True):
        assert item == paper.model_dump(mode="json")


def check(fmt: str, papers: list[Paper], text: str, own: frozenset[str] = frozenset()) -> None:
    """``own``: the fields an imported entry had, which its export may write back."""
    if fmt in ("bibtex", "biblatex"):
        check_bibtex(fmt, papers, text, own)
    elif fmt == "ris":
        check_ris(papers, text)
    elif fmt == "csl-json":
        check_csl(papers, text)
    elif fmt == "csv":
        check_csv(papers, text)
    else:
        check_json(papers, text)


def _run(source: str, formats: tuple[str, ...], values: list[str]) -> dict[str, str]:
    """Ingest ``values`` by ``source``, export in each format: {format: what went wrong}."""
    failures = {}
    with _library() as (folder, cli):
        db = folder / "library.db"
        INPUTS[source](db, cli, values)
        papers = _stored(db)
        lib = Library.open(db)
        for fmt in formats:
            try:
                text = export(lib, PaperFilter(sort="citekey"), fmt).text()
                check(fmt, papers, text, _own_fields(folder))
            except (
                AssertionError,
                Exception,
            ) as exc:  # every failure is reported, not just the first
                failures[fmt] = (
                    f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
                )
        lib.close()
    return failures


@pytest.mark.parametrize("source", sorted(INPUTS))
@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS
@given(values=st.lists(HOSTILE, min_size=9, max_size=9))
# Found by the search: an escaped brace in a title is printed as \textbraceright{}.
@example(values=["Attention\\}Deep", *["plain"] * 8])
# ... and a control character in an imported title parts two words, as a space would.
@example(values=["Deep\x14}w=Networks", *["plain"] * 8])
# ... and a TeX accent in a title is read as the accent it is.
@example(values=['Deepl\\=HYPERLINK("https://evil.example","click");}}}}', *["plain"] * 8])
def test_hostile_input_adds_nothing_to_any_format(source: str, fmt: str, values: list[str]) -> None:
    failures = _run(source, (fmt,), values)
    assert not failures, failures[fmt]


@pytest.mark.parametrize("source", sorted(INPUTS))
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_known_attack_in_every_field(source: str, fmt: str) -> None:
    failures = []
    for attack in ATTACKS:
        for rendered, error in _run(source, (fmt,), [f"Deep {attack} Learning"] * 9).items():
            failures.append(f"{rendered}: {attack!r}: {error[:200]}")
    assert not failures, "\n".join(sorted(failures))


@pytest.mark.parametrize("fmt", FORMATS)
def test_huge_values(fmt: str) -> None:
    failures = _run("dump", (fmt,), ["Attention " * 20_000 + "}, injected = {x"] * 9)
    assert not failures, failures[fmt]
