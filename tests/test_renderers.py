"""The bibliography renderers field by field: what each value may become, for every kind of
work (issue 12 item 3, issue 13 item 4). The property test over every input path is
test_hostile_roundtrip.py; real TeX is in test_exports.py."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from bibtexparser.entrypoint import parse_string

from reading_list.formats.bibtex import (
    Venue,
    category_field,
    doi_field,
    eprint_field,
    format_authors,
    format_title,
    render_bibliography,
    split_venue,
    url_field,
)
from reading_list.models import Paper
from tests.arxiv_stub import StubServer
from tests.conftest import Run
from tests.test_exports import _compile_biblatex, _compile_bibtex, _require_tex


def paper(**fields: Any) -> Paper:
    base: dict[str, Any] = {"kind": "manual", "added_at": "2026-01-01T00:00:00Z"}
    base.update(fields)
    base.setdefault("citekey", "key")
    base.setdefault("title", "A Title")
    base.setdefault("authors", ["Ada Lovelace"])
    base.setdefault("id", base.get("arxiv_id") or f"manual:{base['citekey']}")
    return Paper.model_validate(base)


def entry(p: Paper, flavour: str = "bibtex") -> dict[str, str]:
    library = parse_string(render_bibliography([p], flavour=flavour).text)
    assert not library.failed_blocks and len(library.entries) == 1
    return {k.lower(): str(v.value) for k, v in library.entries[0].fields_dict.items()}


@pytest.mark.parametrize(
    ("doi", "expected"),
    [
        ("10.1000/j.example.2024.1", "10.1000/j.example.2024.1"),
        ("https://doi.org/10.1162/neco.1997.9.8.1735", "10.1162/neco.1997.9.8.1735"),
        ("10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0", None),
        ("10.1000/x}, note = {PWNED", None),
        ("10.1000/a%b", None),
        ("not a doi", None),
        ("10.48550/arXiv.1703.05175", None),
    ],
)
def test_doi_is_a_doi_or_left_out_with_a_warning(doi: str, expected: str | None) -> None:
    warnings: list[str] = []
    got = doi_field(doi, warnings)
    if doi.startswith("10.1002/(SICI)"):
        # A real DOI with <, >, ; and parentheses: nothing BibTeX or TeX reads as syntax.
        assert got == doi and not warnings
        return
    assert got == expected
    if expected is None and "48550" not in doi:
        assert warnings and "left out" in warnings[0]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a%20b?x=1&y=2#frag", "https://example.com/a%20b?x=1&y=2#frag"),
        ("https://example.com/100%", "https://example.com/100%25"),
        ("https://example.com/Zoë^x", "https://example.com/Zo%C3%AB%5Ex"),
        ("https://example.com/a}, note = {PWNED", None),
        ("https://example.com/a b", None),
        ("https://example.com/a\\input", None),
        ("https://example.com/\nnote", None),
        ("javascript:alert(1)", None),
        ("file:///etc/passwd", None),
        ("ftp://example.com/x", None),
    ],
)
def test_url_is_http_and_usable_by_url_or_left_out(url: str, expected: str | None) -> None:
    warnings: list[str] = []
    assert url_field(url, warnings) == expected
    assert bool(warnings) == (expected is None)


def test_url_keeps_its_percent_escapes_in_the_entry() -> None:
    fields = entry(paper(url="https://example.com/a%20b_c"))
    assert fields["url"] == "https://example.com/a%20b_c"


def test_arxiv_id_and_category_are_validated() -> None:
    assert eprint_field("1703.05175") == "1703.05175"
    assert eprint_field("hep-th/9901001") == "hep-th/9901001"
    assert eprint_field("1703.05175}, x = {") is None
    assert eprint_field("１７０３.０５１７５") is None
    assert category_field("cs.LG") == "cs.LG" and category_field("hep-th") == "hep-th"
    assert category_field("cs.LG}, note = {PWNED") is None
    assert category_field("cs.LG\n@misc{x,") is None
    fields = entry(
        paper(kind="arxiv", arxiv_id="1703.05175", primary_category="cs}, note = {x", citekey="a")
    )
    assert "primaryclass" not in fields and "note" not in fields


def test_unusable_citekey_is_replaced_by_a_stable_one_with_a_warning() -> None:
    # Only a library written by something else can hold one: restore refuses them.
    p = paper(citekey="ok").model_copy(update={"citekey": "a b,}{@x"})
    first = render_bibliography([p], flavour="bibtex")
    again = render_bibliography([p], flavour="bibtex")
    key = parse_string(first.text).entries[0].key
    assert key == parse_string(again.text).entries[0].key
    assert key.startswith("abx-") and "exported as" in first.warnings[0].message
    trailing = paper(citekey="ok").model_copy(update={"citekey": "key\n"})
    assert parse_string(render_bibliography([trailing], flavour="bibtex").text).entries[0].key != (
        "key\n"
    )
    assert eprint_field("1703.05175\n") is None and category_field("cs.LG\n") is None


@pytest.mark.parametrize(
    "math",
    [
        "$\\input{/etc/hostname}$",
        "$\\immediate\\write18{touch /tmp/pwned}$",
        "$\\catcode`\\@=11$",
        "$\\csname input\\endcsname{x}$",
        "$^^5cinput{x}$",
        "$x}$",
        "$x % comment$",
    ],
)
def test_unsafe_math_is_printed_as_text(math: str) -> None:
    title = format_title(f"Deep {math} Learning", ascii_only=True)
    assert "{$" not in title and "\\input{" not in title and "\\write18" not in title
    assert parse_string(f"@misc{{k, title = {{{title}}}}}").entries[0].fields_dict["title"]


def test_safe_math_is_kept_and_controls_are_folded() -> None:
    assert format_title("$O(N \\log N)$ Sorting", ascii_only=True).startswith(
        "{$O(N \\log N)$} Sorting"
    )
    assert format_title("Deep\x00Learning\r\n@misc{x,\x1b[2J", ascii_only=True) == (
        "Deep Learning @miscx, [{2J}"
    )


def test_others_is_et_al_and_never_a_person() -> None:
    warnings: list[str] = []
    authors = format_authors(
        ["others", "Ada Lovelace", "Others", "Alan Turing"], ascii_only=True, warnings=warnings
    )
    assert authors == "Lovelace, Ada and Turing, Alan and others"
    assert format_authors(["others"], ascii_only=True, warnings=warnings) == ""


def test_an_imported_name_list_has_others_only_at_its_end() -> None:
    from reading_list.names import others_last

    assert others_last("Snell, Jake and others and Zemel, Richard") == (
        "Snell, Jake and Zemel, Richard and others"
    )
    assert others_last("Snell, Jake and others") == "Snell, Jake and others"
    assert others_last("{Barnes and others} and Noble, A") == "{Barnes and others} and Noble, A"


def test_names_follow_bibtex_rules() -> None:
    warnings: list[str] = []
    names = [
        "Nicolas Le Roux",
        "Aäron van den Oord",
        "Martin Luther King Jr.",
        "Smith and Sons, Ada",
    ]
    got = format_authors(names, ascii_only=True, warnings=warnings)
    # A name part holding " and " is braced, so BibTeX reads one name, not two.
    assert got == (
        'Le Roux, Nicolas and van den Oord, A{\\"a}ron and King, Jr., Martin Luther'
        " and {Smith and Sons}, Ada"
    )


def test_authorless_work_has_a_readable_sort_key_not_its_citekey() -> None:
    p = paper(
        kind="arxiv",
        arxiv_id="1704.04760",
        citekey="datacenter2017performance",
        title="In-Datacenter Performance Analysis of a Tensor Processing Unit",
        authors=[],
        year=2017,
    )
    fields = entry(p)
    assert fields["key"] == "In-Datacenter Performance Analysis"
    assert "author" not in fields


@pytest.mark.parametrize(
    ("ref", "year", "venue"),
    [
        (
            "Journal of Machine Learning Research 3 (2003) 993-1022",
            2003,
            Venue("Journal of Machine Learning Research", "3", "", "993--1022", "2003"),
        ),
        (
            "Neural Computation 9(8):1735-1780, 1997",
            1997,
            Venue("Neural Computation", "9", "8", "1735--1780", "1997"),
        ),
        ("ICLR 2017", 2017, Venue("ICLR", year="2017")),
        ("ICLR 2017", 2018, Venue("ICLR 2017")),
        (
            "Proceedings of the 30th International Conference on Machine Learning (ICML 2013)",
            2013,
            Venue(
                "Proceedings of the 30th International Conference on Machine Learning (ICML 2013)"
            ),
        ),
    ],
)
def test_journal_reference_is_split_so_the_year_prints_once(
    ref: str, year: int, venue: Venue
) -> None:
    assert split_venue(ref, year) == venue


def test_lda_prints_its_year_once() -> None:
    p = paper(
        title="Latent Dirichlet Allocation",
        year=2003,
        journal_ref="Journal of Machine Learning Research 3 (2003) 993-1022",
    )
    fields = entry(p)
    assert fields["journal"] == "Journal of Machine Learning Research"
    assert (fields["volume"], fields["pages"], fields["year"]) == ("3", "993--1022", "2003")


def test_tags_are_sorted_keywords_unless_turned_off() -> None:
    p = paper(tags=["program synthesis", "Deep}, note = {x", "attention"])
    for flavour in ("bibtex", "biblatex"):
        fields = entry(p, flavour)
        assert fields["keywords"] == (
            "attention, {Deep\\textbraceright{}, note = \\textbraceleft{}x}, program synthesis"
        )
        assert "note" not in fields
        off = render_bibliography([p], flavour=flavour, keywords=False).text
        assert "keywords" not in off


# ---- real TeX: what the bibliography prints ---------------------------------------------------

# Attacks from every field that still must compile warning-free once rendered (names without a
# Latin letter are a warning by design, so the CJK sample stays out).
COMPILE_ATTACKS = [
    "}, note = {PWNED",
    "}\n}\n@misc{injectedentry, title = {PWNED}}\n@comment{",
    "$\\input{/etc/hostname}$",
    "$\\immediate\\write18{touch /tmp/pwned}$",
    "$x^2$ and $\\catcode`\\@=11 \\csname input\\endcsname{/etc/passwd}$",
    "$ unbalanced",
    "{{{{",
    "\\",
    "% # & _ ^ ~",
    "\x00\r\n\t\x1b]0;pwned\x07\u202egnp",
]


def _compile_papers() -> list[Paper]:
    papers = []
    for n, attack in enumerate(COMPILE_ATTACKS):
        papers.append(
            paper(
                citekey=f"hostilecompile{n}",
                title=f"Deep {attack} Learning",
                authors=[f"Ada {attack} Lovelace", "others", "Alan Turing"],
                year=2020,
                journal_ref=f"Journal of {attack} Things 4 (2020) 1-9",
                url=f"https://example.com/{n}%41?q={attack}",
                doi=f"10.1000/{attack}",
                tags=[f"tag {attack}", "plain"],
            )
        )
    papers.append(
        paper(
            citekey="hostilecompilenobody",
            title="Anonymous Report On Things",
            authors=[],
            year=2019,
            url="https://example.com/report%20one",
        )
    )
    return papers


def _bbl_text(bbl: str) -> str:
    """A .bbl with its \\bibitem lines (which name keys on purpose) and ties taken out."""
    body = re.sub(r"\\bibitem(?:\[[^\]]*\])?\{[^}]*\}", " <entry> ", bbl)
    return " ".join(body.replace("~", " ").split())


@pytest.mark.tex
@pytest.mark.slow
def test_exported_library_prints_right_in_plainnat_abbrvnat_plain_and_biber(
    stub: StubServer, run: Run, tmp_path: Path
) -> None:
    """The seeded AMA list plus hostile entries compile with 0 warnings, and what the styles
    print is right: no key where the authors go, each year once, "others" only as et al.,
    "N. Le Roux" (checked in the .bbl: the PDF's text is the .bbl's, typeset)."""
    _require_tex()
    run("seed", "google-brain-ama-2017", ok=True)
    seeded = run("export", "--list", "google-brain-ama-2017", ok=True).stdout
    seeded_blx = run("export", "--list", "google-brain-ama-2017", "-F", "biblatex", ok=True)
    extra = _compile_papers()
    bib = seeded + "\n" + render_bibliography(extra, flavour="bibtex").text
    blx = seeded_blx.stdout + "\n" + render_bibliography(extra, flavour="biblatex").text
    keys = [e.key for e in parse_string(bib).entries]
    assert "schmidt2013minimizing" in keys and "datacenter2017performance" in keys
    assert "injectedentry" not in keys and len(keys) == len(set(keys))
    (tmp_path / "bibtex").mkdir()
    (tmp_path / "biblatex").mkdir()
    assert _compile_bibtex(bib, tmp_path / "bibtex") == []
    assert _compile_biblatex(blx, tmp_path / "biblatex") == []

    for style in ("plainnat", "abbrvnat", "plain"):
        bbl = (tmp_path / "bibtex" / f"t_{style}.bbl").read_text()
        text = _bbl_text(bbl)
        printed_keys = [k for k in keys if k.lower() in text.lower()]
        assert printed_keys == [], (style, printed_keys)
        assert not re.search(r"\bothers\b", text, re.IGNORECASE), style
        assert "et al" in text, style
        # abbrvnat abbreviates given names, plainnat and plain print them whole: either way
        # "Le" is part of the family name, never an initial ("N. L. Roux").
        le_roux = "N. Le Roux" if style == "abbrvnat" else "Nicolas Le Roux"
        assert le_roux in text and "L. Roux" not in text, style
        lda = text[text.lower().index("latent dirichlet allocation") :].split("<entry>")[0]
        assert lda.count("2003") == 1, (style, lda)
        assert not re.search(r"\b((?:19|20)\d\d)\)?[,.]? \(?\1\b", text), style
        if style != "plain":
            # Where the authors go, natbib styles print the readable key of an authorless work.
            assert "<entry> In-Datacenter Performance Analysis. \\newblock" in text, style

    for style in ("numeric", "authoryear"):
        bbl = (tmp_path / "biblatex" / f"b_{style}.bbl").read_text()
        assert "family={others}" not in bbl.replace("\\bibnamedelima ", " ")
        assert "\\true{moreauthor}" in bbl
        assert re.search(r"family=\{Le(?:\\bibnamedelima | )Roux\}", bbl), style
        assert "\\input{" not in bbl and "\\write18" not in bbl


# ---- every kind of work, through the CLI -------------------------------------------------------

KINDS_BIB = r"""
@article{hochreiter1997long, author = {Hochreiter, Sepp and Schmidhuber, J{\"u}rgen},
  title = {Long Short-Term Memory}, journal = {Neural Computation}, volume = {9},
  number = {8}, pages = {1735--1780}, year = {1997}, publisher = {MIT Press},
  keywords = {rnn, memory}}
@inproceedings{vaswani2017attention, author = {Vaswani, Ashish and others},
  title = {Attention Is All You Need}, booktitle = {Advances in Neural Information Processing
  Systems}, editor = {Guyon, I. and von Luxburg, U.}, pages = {5998--6008}, year = {2017}}
@book{knuth1997art, author = {Knuth, Donald E.}, title = {The Art of Computer Programming},
  publisher = {Addison-Wesley}, year = {1997}, isbn = {0-201-89683-4}}
@incollection{lecun1998gradient, author = {LeCun, Yann}, title = {Efficient BackProp},
  booktitle = {Neural Networks: Tricks of the Trade}, editor = {Orr, Genevieve B. and
  M{\"u}ller, Klaus-Robert}, publisher = {Springer}, pages = {9--50}, year = {1998}}
@phdthesis{graves2008thesis, author = {Graves, Alex}, title = {Supervised Sequence
  Labelling with Recurrent Neural Networks}, school = {TU Munich}, year = {2008}}
@techreport{krizhevsky2009learning, author = {Krizhevsky, Alex}, title = {Learning Multiple
  Layers of Features from Tiny Images}, institution = {University of Toronto}, year = {2009}}
@unpublished{hinton2012notes, author = {Hinton, Geoffrey}, title = {Lecture Notes},
  note = {Unpublished}, year = {2012}}
@manual{ieee2019floating, title = {{IEEE} Standard for Floating-Point Arithmetic},
  organization = {IEEE Computer Society}, year = {2019}}
@online{pytorch2024site, author = {{PyTorch Team}}, title = {PyTorch}, url =
  {https://pytorch.org/}, year = {2024}}
"""


def test_every_kind_is_typed_in_ris_and_csl(run: Run, tmp_path: Path) -> None:
    import json

    bib = tmp_path / "kinds.bib"
    bib.write_text(KINDS_BIB)
    run("import-bib", str(bib), ok=True)
    items = {i["id"]: i for i in json.loads(run("export", "-F", "csl-json", ok=True).stdout)}
    assert {k: i["type"] for k, i in items.items()} == {
        "hochreiter1997long": "article-journal",
        "vaswani2017attention": "paper-conference",
        "knuth1997art": "book",
        "lecun1998gradient": "chapter",
        "graves2008thesis": "thesis",
        "krizhevsky2009learning": "report",
        "hinton2012notes": "manuscript",
        "pytorch2024site": "webpage",
        "ieee2019floating": "document",
    }
    lstm = items["hochreiter1997long"]
    assert (lstm["container-title"], lstm["volume"], lstm["issue"], lstm["page"]) == (
        "Neural Computation",
        "9",
        "8",
        "1735-1780",
    )
    assert lstm["publisher"] == "MIT Press" and lstm["keyword"] == "memory, rnn"
    assert items["lecun1998gradient"]["editor"][1] == {"family": "Müller", "given": "Klaus-Robert"}
    assert items["vaswani2017attention"]["editor"][1] == {
        "family": "Luxburg",
        "given": "U.",
        "non-dropping-particle": "von",
    }
    assert items["graves2008thesis"]["publisher"] == "TU Munich"
    assert items["knuth1997art"]["ISBN"] == "0-201-89683-4"

    ris = run("export", "-F", "ris", ok=True).stdout
    records = {r.split("ID  - ")[1].split("\n")[0]: r for r in ris.split("ER  - ") if "ID  - " in r}
    types = {k: r.split("TY  - ")[1].split("\n")[0] for k, r in records.items()}
    assert types == {
        "hochreiter1997long": "JOUR",
        "vaswani2017attention": "CONF",
        "knuth1997art": "BOOK",
        "lecun1998gradient": "CHAP",
        "graves2008thesis": "THES",
        "krizhevsky2009learning": "RPRT",
        "hinton2012notes": "UNPB",
        "pytorch2024site": "ELEC",
        "ieee2019floating": "GEN",
    }
    lstm_ris = records["hochreiter1997long"]
    for line in ("JO  - Neural Computation", "VL  - 9", "IS  - 8", "SP  - 1735", "EP  - 1780"):
        assert line in lstm_ris
    assert "PB  - MIT Press" in lstm_ris and "KW  - memory\nKW  - rnn" in lstm_ris
    assert "A2  - Müller, Klaus-Robert" in records["lecun1998gradient"]
    assert "AU  - others" not in ris and "Vaswani, Ashish" in records["vaswani2017attention"]

    off = {f: run("export", "-F", f, "--no-keywords", ok=True).stdout for f in ("ris", "bibtex")}
    assert "KW  - rnn" not in off["ris"] and "keywords" not in off["bibtex"]
    assert "keyword" not in run("export", "-F", "csl-json", "--no-keywords", ok=True).stdout
    run("tag", "hochreiter1997long", "+classic", ok=True)
    bibtex = run("export", ok=True).stdout
    assert "keywords = {classic, memory, rnn}" in bibtex
    # An authorless entry is sorted and printed (natbib) by its organisation, not its key.
    assert "key = {IEEE Computer Society}" in bibtex
