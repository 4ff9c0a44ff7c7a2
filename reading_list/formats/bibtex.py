"""Pure BibTeX and biblatex rendering. No I/O.

Two flavours (see the README): ``bibtex`` is ASCII with braced LaTeX for non-ASCII letters and
compiles warning-free in classic styles (plain, alpha, ieeetr, plainnat, abbrvnat); ``biblatex``
is UTF-8 ``@online`` entries for biber. arXiv metadata is TeX-ish: accents and styling commands
are decoded to Unicode first, math spans are kept verbatim and braced, and only then is the
text escaped for BibTeX.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reading_list.identifiers import abs_url, arxiv_doi, published_doi
from reading_list.models import Paper
from reading_list.names import has_latin_letters, split_name
from reading_list.tex import split_math, tex_to_unicode
from reading_list.works import WorkRecord

SPECIALS = {
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
}


@functools.cache
def _latex_encoder() -> Any:
    from pylatexenc.latexencode import UnicodeToLatexEncoder

    return UnicodeToLatexEncoder(
        non_ascii_only=True,
        replacement_latex_protection="braces-all",
        unknown_char_policy="keep",
        unknown_char_warning=False,
    )


def _encode_non_ascii(text: str) -> str:
    if text.isascii():
        return text
    return str(_latex_encoder().unicode_to_latex(text))


_SPECIAL_CHARS = re.compile(r"[&%#_$^~\\{}]")


def escape_text(text: str, *, ascii_only: bool) -> str:
    """Escape BibTeX/LaTeX specials in literal text (no math inside)."""
    out = _SPECIAL_CHARS.sub(lambda m: SPECIALS[m.group(0)], text)
    return _encode_non_ascii(out) if ascii_only else out


_INNER_CAPITAL = re.compile(r".[A-Z\u00c0-\u00de]|[0-9]")


def _needs_protection(word: str) -> bool:
    # Most words have no capital after their first letter and no digit: decide those at once.
    if not _INNER_CAPITAL.search(word):
        return False
    core = re.sub(r"[^\w-]", "", word)
    letters = [c for c in core if c.isalpha()]
    if not letters:
        return False
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return True
    if any(c.isupper() for c in core[1:]):
        return True
    return any(c.isdigit() for c in core) and any(c.isupper() for c in letters)


def _protect_word(word: str, *, ascii_only: bool) -> str:
    if not _needs_protection(word):
        return escape_text(word, ascii_only=ascii_only)
    m = re.match(r"^([^\w]*)(.*?)([^\w]*)$", word)
    assert m is not None
    lead, core, trail = m.groups()
    return (
        escape_text(lead, ascii_only=ascii_only)
        + "{"
        + escape_text(core, ascii_only=ascii_only)
        + "}"
        + escape_text(trail, ascii_only=ascii_only)
    )


def format_title(title: str, *, ascii_only: bool) -> str:
    """Escaped title: math spans kept and braced, acronyms and CamelCase brace-protected."""
    return "".join(
        "{" + piece + "}" if is_math else _format_words(piece, ascii_only=ascii_only)
        for is_math, piece in split_math(tex_to_unicode(title))
    )


_MAYBE_PROTECTED = re.compile(r"\S[A-Z\u00c0-\u00de]|[0-9]")


def _format_words(text: str, *, ascii_only: bool) -> str:
    if not _MAYBE_PROTECTED.search(text):
        # No word has a capital after its first character or a digit: nothing to protect.
        return escape_text(text, ascii_only=ascii_only)
    return "".join(
        part if part.isspace() or not part else _protect_word(part, ascii_only=ascii_only)
        for part in re.split(r"(\s+)", text)
    )


@dataclass
class ExportWarning:
    citekey: str
    message: str


@dataclass
class Rendered:
    text: str
    warnings: list[ExportWarning] = field(default_factory=list)


def format_name(name: str, *, ascii_only: bool, warnings: list[str]) -> str:
    formatted, warning = _format_name(name, ascii_only)
    if warning:
        warnings.append(warning)
    return formatted


@functools.lru_cache(maxsize=65536)
def _format_name(name: str, ascii_only: bool) -> tuple[str, str | None]:
    # Cached: the same people recur across a library, and exports run over all of it.
    if name.strip().lower() == "others":
        return "others", None
    name = tex_to_unicode(name)
    parts = split_name(name)
    if parts.corporate:
        return "{" + escape_text(parts.family, ascii_only=ascii_only) + "}", None
    if ascii_only and not has_latin_letters(name):
        return "{" + name + "}", (
            f"author {name!r} has no Latin transliteration; pdflatex cannot typeset it "
            "(use --format biblatex with xelatex or lualatex)"
        )
    family = escape_text(parts.full_family, ascii_only=ascii_only)
    if parts.suffix:
        family += ", " + escape_text(parts.suffix, ascii_only=ascii_only)
    if not parts.given:
        return ("{" + family + "}" if " " in parts.family else family), None
    return f"{family}, {escape_text(parts.given, ascii_only=ascii_only)}", None


def format_authors(authors: Sequence[str], *, ascii_only: bool, warnings: list[str]) -> str:
    return " and ".join(format_name(a, ascii_only=ascii_only, warnings=warnings) for a in authors)


def _entry(kind: str, key: str, fields: list[tuple[str, str | None]]) -> str:
    present = [(k, v) for k, v in fields if v]
    width = max(len(k) for k, _ in present)
    body = "".join(f"  {k.ljust(width)} = {{{v}}},\n" for k, v in present)
    return f"@{kind}{{{key},\n{body}}}\n"


def _venue_kind(venue: str) -> str:
    low = venue.lower()
    if re.search(r"journal|transactions|letters|review|jmlr|nature|science\b", low):
        return "journal"
    if re.search(r"proceedings|conference|workshop|symposium|iclr|icml|nips|neurips|cvpr|acl", low):
        return "conference"
    return "other"


def bibtex_entry(paper: Paper) -> Rendered:
    warnings: list[str] = []
    authors = format_authors(paper.authors, ascii_only=True, warnings=warnings)
    title = format_title(paper.title, ascii_only=True)
    year = str(paper.year) if paper.year else None
    if paper.kind == "arxiv" and paper.arxiv_id:
        note = (
            "Published in: " + escape_text(tex_to_unicode(paper.journal_ref), ascii_only=True)
            if paper.journal_ref
            else None
        )
        text = _entry(
            "misc",
            paper.citekey,
            [
                ("author", authors),
                ("title", title),
                ("howpublished", f"arXiv preprint arXiv:{paper.arxiv_id}"),
                ("year", year),
                ("eprint", paper.arxiv_id),
                ("archiveprefix", "arXiv"),
                ("primaryclass", paper.primary_category),
                ("doi", published_doi(paper.doi)),
                ("url", abs_url(paper.arxiv_id)),
                ("note", note),
                ("key", None if paper.authors else paper.citekey),
            ],
        )
    else:
        text = _manual_entry(paper, authors, title, year, ascii_only=True)
    return Rendered(text, [ExportWarning(paper.citekey, w) for w in warnings])


def _manual_entry(
    paper: Paper, authors: str, title: str, year: str | None, *, ascii_only: bool
) -> str:
    venue = escape_text(tex_to_unicode(paper.journal_ref or ""), ascii_only=ascii_only) or None
    kind = _venue_kind(paper.journal_ref or "")
    key_field = None if authors else ("key", re.sub(r"[^A-Za-z0-9]", "", paper.citekey))
    common_tail = [("doi", published_doi(paper.doi)), ("url", paper.url)]
    if kind == "journal":
        fields = [("author", authors), ("title", title), ("journal", venue), ("year", year)]
        return _entry("article", paper.citekey, fields + common_tail)
    if kind == "conference":
        book = "booktitle"
        fields = [("author", authors), ("title", title), (book, venue), ("year", year)]
        return _entry("inproceedings", paper.citekey, fields + common_tail)
    fields = [
        ("author", authors),
        ("title", title),
        ("howpublished", venue),
        ("year", year),
        *([key_field] if key_field else []),
    ]
    return _entry("misc", paper.citekey, fields + common_tail)


def biblatex_entry(paper: Paper) -> Rendered:
    warnings: list[str] = []
    authors = format_authors(paper.authors, ascii_only=False, warnings=warnings)
    title = format_title(paper.title, ascii_only=False)
    date = (paper.published or "")[:10] or (str(paper.year) if paper.year else None)
    if paper.kind == "arxiv" and paper.arxiv_id:
        addendum = (
            escape_text(tex_to_unicode(paper.journal_ref), ascii_only=False)
            if paper.journal_ref
            else None
        )
        text = _entry(
            "online",
            paper.citekey,
            [
                ("author", authors),
                ("title", title),
                ("date", date),
                ("eprint", paper.arxiv_id),
                ("eprinttype", "arxiv"),
                ("eprintclass", paper.primary_category),
                ("doi", published_doi(paper.doi) or arxiv_doi(paper.arxiv_id)),
                ("url", abs_url(paper.arxiv_id)),
                ("addendum", addendum),
                ("pubstate", None if published_doi(paper.doi) else "prepublished"),
            ],
        )
    else:
        venue = escape_text(tex_to_unicode(paper.journal_ref or ""), ascii_only=False) or None
        kind = _venue_kind(paper.journal_ref or "")
        year = str(paper.year) if paper.year else None
        tail = [("doi", published_doi(paper.doi)), ("url", paper.url)]
        if kind == "journal":
            fields = [
                ("author", authors),
                ("title", title),
                ("journaltitle", venue),
                ("date", year),
            ]
            text = _entry("article", paper.citekey, fields + tail)
        elif kind == "conference":
            fields = [("author", authors), ("title", title), ("booktitle", venue), ("date", year)]
            text = _entry("inproceedings", paper.citekey, fields + tail)
        else:
            entry_type = "online" if paper.url else "misc"
            fields = [("author", authors), ("title", title), ("date", year), ("note", venue)]
            text = _entry(entry_type, paper.citekey, fields + tail)
    return Rendered(text, [ExportWarning(paper.citekey, w) for w in warnings])


def render_bibliography(
    papers: Sequence[Paper],
    *,
    flavour: str,
    records: Mapping[str, Mapping[str, WorkRecord]] | None = None,
    prefer: str = "published",
) -> Rendered:
    """``records``: per paper id, what dblp/Crossref gave ("published" venue version of a
    preprint, "work" record of another work); ``prefer="preprint"`` cites preprints as such."""
    from reading_list.formats.bibrecord import render_record

    render = bibtex_entry if flavour == "bibtex" else biblatex_entry
    parts = []
    for paper in papers:
        known = (records or {}).get(paper.id, {})
        work = known.get("work")
        if work is not None and work.tex:
            # An entry imported from a .bib file: written back as it came (bibrecord.py).
            text, notes = render_record(work, paper.citekey, flavour=flavour, aliases=paper.aliases)
            parts.append(Rendered(text, [ExportWarning(paper.citekey, n) for n in notes]))
            continue
        record = work if paper.kind != "arxiv" else None
        if paper.kind == "arxiv" and prefer == "published":
            record = known.get("published")
        typed = record_entry(paper, record, flavour=flavour) if record is not None else None
        rendered = typed or render(paper)
        if flavour == "biblatex" and paper.aliases:
            ids = ", ".join(paper.aliases)
            rendered.text = rendered.text.replace(",\n", f",\n  ids = {{{ids}}},\n", 1)
        parts.append(rendered)
    return Rendered("\n".join(p.text for p in parts), [w for p in parts for w in p.warnings])


# ---- works as a source described them: the published version of a preprint -------------------

# BibTeX's entry types and the fields each needs to be cited without a warning.
_REQUIRED = {
    "article": ("journal",),
    "inproceedings": ("booktitle",),
    "incollection": ("booktitle",),
    "book": ("publisher",),
}


def record_entry(paper: Paper, record: WorkRecord, *, flavour: str) -> Rendered | None:
    """The entry for a work as dblp or Crossref describe it: a preprint's published version
    (``@inproceedings`` with booktitle, pages, publisher, year; eprint kept so both links
    survive) or a work added by DOI. None when the record lacks what its type needs."""
    ascii_only = flavour == "bibtex"
    entry_type = record.entry_type
    needed = _REQUIRED.get(entry_type)
    if needed is None or not all(record.fields.get(name) for name in needed):
        return None
    warnings: list[str] = []
    authors = format_authors(
        record.authors or paper.authors, ascii_only=ascii_only, warnings=warnings
    )
    values = {k: escape_text(v, ascii_only=ascii_only) for k, v in record.fields.items()}
    if "pages" in values:
        values["pages"] = re.sub(r"\s*-+\s*", "--", values["pages"])
    container = "journal" if entry_type == "article" else "booktitle"
    if flavour != "bibtex" and entry_type == "article":
        container = "journaltitle"
    year = str(record.year or paper.year or "") or None
    fields: list[tuple[str, str | None]] = [
        ("author", authors),
        ("title", format_title(record.title, ascii_only=ascii_only)),
        (container, values.get("journal" if entry_type == "article" else "booktitle")),
        ("series", values.get("series")),
        ("volume", values.get("volume")),
        ("number", values.get("number")),
        ("pages", values.get("pages")),
        ("publisher", values.get("publisher")),
        ("year" if flavour == "bibtex" else "date", year),
        ("isbn", values.get("isbn")),
        ("doi", record.doi and _doi_field(record.doi)),
        ("url", _url_field(record.fields.get("url") or paper.url or "")),
    ]
    if paper.kind == "arxiv" and paper.arxiv_id:
        if flavour == "bibtex":
            fields += [
                ("eprint", paper.arxiv_id),
                ("archiveprefix", "arXiv"),
                ("primaryclass", paper.primary_category),
            ]
        else:
            fields += [
                ("eprint", paper.arxiv_id),
                ("eprinttype", "arxiv"),
                ("eprintclass", paper.primary_category),
            ]
    return Rendered(
        _entry(entry_type, paper.citekey, fields),
        [ExportWarning(paper.citekey, w) for w in warnings],
    )


_DOI_OK = re.compile(r"^10\.[0-9]{4,9}(?:\.[0-9]+)*/[^\s{}\\%#]+$")


def _doi_field(doi: str) -> str | None:
    # A DOI is written bare; one with characters BibTeX would read as syntax is left out.
    return doi if _DOI_OK.match(doi) else None


def _url_field(url: str) -> str | None:
    # Braces, backslashes or spaces in a URL could end the field: such a URL is left out.
    return url if re.match(r"^https?://[^\s{}\\]+$", url) else None
