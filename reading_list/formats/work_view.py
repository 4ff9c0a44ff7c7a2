"""What kind of work a paper is and the fields its citation carries, for the formats that are
not TeX (RIS, CSL-JSON). Pure; no I/O.

The kind comes from the work's typed record when there is one (an imported .bib entry, dblp
or Crossref: a preprint's published version unless the preprint is preferred), else from the
paper: an arXiv preprint, or a manual entry whose journal reference reads as a journal or a
conference. Values are Unicode text on one line (a .bib entry's TeX decoded).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from reading_list.formats.bibtex import one_line, split_venue, venue_kind
from reading_list.models import Paper
from reading_list.names import parse_bibtex_names, split_name
from reading_list.tex import tex_to_unicode
from reading_list.works import WorkRecord

# A work's kind as both formats name it: (RIS type, CSL type), by BibTeX/biblatex entry type.
KINDS: dict[str, tuple[str, str]] = {
    "article": ("JOUR", "article-journal"),
    "inproceedings": ("CONF", "paper-conference"),
    "conference": ("CONF", "paper-conference"),
    "proceedings": ("CONF", "book"),
    "book": ("BOOK", "book"),
    "mvbook": ("BOOK", "book"),
    "booklet": ("BOOK", "book"),
    "incollection": ("CHAP", "chapter"),
    "inbook": ("CHAP", "chapter"),
    "bookinbook": ("CHAP", "chapter"),
    "phdthesis": ("THES", "thesis"),
    "mastersthesis": ("THES", "thesis"),
    "thesis": ("THES", "thesis"),
    "techreport": ("RPRT", "report"),
    "report": ("RPRT", "report"),
    "unpublished": ("UNPB", "manuscript"),
    "online": ("ELEC", "webpage"),
    "electronic": ("ELEC", "webpage"),
    "www": ("ELEC", "webpage"),
    "preprint": ("UNPB", "article"),
    "misc": ("GEN", "document"),
}


@dataclass(frozen=True)
class Person:
    given: str = ""
    particle: str = ""
    family: str = ""
    suffix: str = ""
    corporate: bool = False


@dataclass
class WorkView:
    entry_type: str
    container: str = ""
    volume: str = ""
    number: str = ""
    pages: str = ""
    publisher: str = ""
    editors: list[Person] = field(default_factory=list)
    isbn: str = ""
    issn: str = ""

    @property
    def ris_type(self) -> str:
        return KINDS.get(self.entry_type, KINDS["misc"])[0]

    @property
    def csl_type(self) -> str:
        return KINDS.get(self.entry_type, KINDS["misc"])[1]

    @property
    def first_page(self) -> str:
        return self.pages.split("-")[0].strip()

    @property
    def last_page(self) -> str:
        parts = [p for p in self.pages.replace("\u2013", "-").split("-") if p.strip()]
        return parts[-1].strip() if len(parts) > 1 else ""


def person(name: str) -> Person:
    """A display name ("Aäron van den Oord") as parts."""
    parts = split_name(one_line(tex_to_unicode(name)))
    return Person(parts.given, parts.particle, parts.family, parts.suffix, parts.corporate)


def chosen_record(
    paper: Paper, records: Mapping[str, Mapping[str, WorkRecord]] | None, prefer: str
) -> WorkRecord | None:
    """The record a citation of ``paper`` follows, as the BibTeX export chooses it."""
    known = (records or {}).get(paper.id, {})
    if paper.kind == "arxiv":
        return known.get("published") if prefer == "published" else None
    return known.get("work")


def work_view(paper: Paper, record: WorkRecord | None = None) -> WorkView:
    if record is not None:
        return _from_record(record)
    if paper.kind == "arxiv" and paper.arxiv_id:
        return WorkView("preprint", container="", publisher="arXiv")
    if not paper.journal_ref:
        return WorkView("online" if paper.url else "misc")
    venue = split_venue(one_line(tex_to_unicode(paper.journal_ref)), paper.year)
    kind = venue_kind(venue.container)
    if kind == "other":
        return WorkView("online" if paper.url else "misc", container=one_line(paper.journal_ref))
    return WorkView(
        "article" if kind == "journal" else "inproceedings",
        container=venue.container,
        volume=venue.volume,
        number=venue.number,
        pages=venue.pages.replace("--", "-"),
    )


def _from_record(record: WorkRecord) -> WorkView:
    def value(*names: str) -> str:
        for name in names:
            text = record.fields.get(name)
            if text:
                return one_line(tex_to_unicode(text) if record.tex else text)
        return ""

    container = value("journal", "journaltitle", "booktitle", "maintitle")
    if not container and record.entry_type == "article":
        container = one_line(record.venue or "")
    return WorkView(
        record.entry_type,
        container=container,
        volume=value("volume"),
        number=value("number", "issue"),
        pages=value("pages").replace("--", "-"),
        publisher=value("publisher", "school", "institution", "organization"),
        editors=_editors(record),
        isbn=value("isbn"),
        issn=value("issn"),
    )


def _editors(record: WorkRecord) -> list[Person]:
    if record.names.get("editor"):
        return [
            Person(n.given, n.von, n.family, n.suffix, n.corporate) for n in record.names["editor"]
        ]
    text = record.fields.get("editor")
    if not text:
        return []
    if not record.tex:
        return [person(n) for n in text.split(" and ") if n.strip()]

    def decoded(part: str) -> str:
        return one_line(tex_to_unicode(part))

    return [
        Person(
            decoded(n.given), decoded(n.particle), decoded(n.family), decoded(n.suffix), n.corporate
        )
        for n in parse_bibtex_names(text).names
    ]
