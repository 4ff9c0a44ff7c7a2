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

from reading_list.citekeys import usable_citekey
from reading_list.formats.terminal import BIDI_CONTROLS
from reading_list.identifiers import abs_url, arxiv_doi, bare_doi, published_doi
from reading_list.models import Paper
from reading_list.names import has_latin_letters, split_name
from reading_list.tex import split_math, tex_to_unicode
from reading_list.tex_safety import as_printed_text, braces_balanced, math_is_safe
from reading_list.works import WorkRecord


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


_CONTROL_CHARS = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))]
# Controls and bidi marks become spaces (one may be all that parts two words); what an
# escape sequence carried stays, as the text it is.
_KEEP_LAYOUT = str.maketrans(
    {
        **dict.fromkeys((c for c in _CONTROL_CHARS if c not in "\n\t"), " "),
        **dict.fromkeys(BIDI_CONTROLS, " "),
    }
)
_ONE_LINE = str.maketrans(
    {
        **dict.fromkeys(_CONTROL_CHARS, " "),
        **dict.fromkeys(BIDI_CONTROLS + "\u2028\u2029\x85", " "),
    }
)


def one_line(text: str) -> str:
    """``text`` as one line of printable text: controls, NUL, bidi marks and line breaks go
    (a .bib value holds no layout, and a line break before ``@`` would start an entry for
    some readers)."""
    if not text.isprintable():
        text = text.translate(_ONE_LINE)
    return " ".join(text.split())


def without_controls(text: str) -> str:
    """``text`` with its line breaks and tabs, but no other control or bidi mark (each a
    space)."""
    return text if text.isprintable() else text.translate(_KEEP_LAYOUT)


_TEX_SPECIAL = re.compile(r"[\\{}$%#&_^~]")


def escape_text(text: str, *, ascii_only: bool) -> str:
    """Literal text (no math inside) as TeX that prints it: every special escaped, braces as
    ``\\textbraceleft{}`` (BibTeX counts ``\\{``), so the value can never leave its field."""
    out = as_printed_text(text) if _TEX_SPECIAL.search(text) else text
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
    """Escaped title: math spans kept and braced when safe (tex_safety.math_is_safe; others
    are printed as text), acronyms and CamelCase brace-protected."""
    return "".join(
        "{" + piece + "}"
        if is_math and math_is_safe(piece)
        else _format_words(piece, ascii_only=ascii_only)
        for is_math, piece in split_math(tex_to_unicode(one_line(title)))
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


def format_text(text: str, *, ascii_only: bool) -> str:
    """A plain value (a venue, a publisher, a note) from metadata: TeX accents decoded, then
    printed as text on one line."""
    return escape_text(tex_to_unicode(one_line(text)), ascii_only=ascii_only)


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


# What BibTeX would read as the end of a name or of a name part: " and ", a comma.
_NAME_SYNTAX = re.compile(r"(?:^|\s)and(?:\s|$)|,", re.IGNORECASE)


def _name_part(text: str, *, ascii_only: bool) -> str:
    out = escape_text(text, ascii_only=ascii_only)
    # A part holding "and", a comma or an escaped special is braced: it stays one part of one
    # name, and BibTeX and biber take its initial from its first letter, not from the TeX.
    if _NAME_SYNTAX.search(text) or _TEX_SPECIAL.search(text):
        return "{" + out + "}"
    return out


@functools.lru_cache(maxsize=65536)
def _format_name(name: str, ascii_only: bool) -> tuple[str, str | None]:
    # Cached: the same people recur across a library, and exports run over all of it.
    name = tex_to_unicode(one_line(name))
    parts = split_name(name)
    if parts.corporate:
        return "{" + escape_text(parts.family, ascii_only=ascii_only) + "}", None
    if not any(c.isalpha() for c in name):
        # No letter to take an initial from: one name, whole, as BibTeX writes an organisation.
        return "{" + escape_text(name, ascii_only=ascii_only) + "}", None
    if ascii_only and not has_latin_letters(name):
        return "{" + escape_text(name, ascii_only=False) + "}", (
            f"author {name!r} has no Latin transliteration; pdflatex cannot typeset it "
            "(use --format biblatex with xelatex or lualatex)"
        )
    return bibtex_name(parts.given, parts.particle, parts.family, parts.suffix, ascii_only), None


def bibtex_name(given: str, von: str, family: str, suffix: str, ascii_only: bool) -> str:
    """A name in BibTeX's "von Last, Jr, First" form, each part escaped: the von part stays
    lower-case (BibTeX's test), a capitalised particle belongs to the family ("Le Roux,
    Nicolas", which plainnat prints "N. Le Roux")."""

    def part(text: str) -> str:
        return _name_part(text, ascii_only=ascii_only)

    last = " ".join(p for p in (part(von) if von else "", part(family)) if p)
    if not last:
        last = "{}"
    if suffix and given:
        return f"{last}, {part(suffix)}, {part(given)}"
    if suffix:
        # "Last, Jr" would read Jr as the given name: the suffix joins the family instead.
        return f"{{{last} {part(suffix)}}}"
    if not given:
        return "{" + last + "}" if " " in family else last
    return f"{last}, {part(given)}"


def is_others(name: str) -> bool:
    """A literal "others": BibTeX's "et al." mark, never a person."""
    return name.strip().lower() == "others"


def format_authors(authors: Sequence[str], *, ascii_only: bool, warnings: list[str]) -> str:
    """A name list; "others" anywhere in it becomes BibTeX's closing "and others" (et al.),
    which styles only honour at the end."""
    names = [format_name(a, ascii_only=ascii_only, warnings=warnings) for a in authors]
    people = [n for a, n in zip(authors, names, strict=True) if not is_others(a) and n]
    if people and len(people) < len(names):
        people.append("others")
    return " and ".join(people)


def _entry(kind: str, key: str, fields: Sequence[tuple[str, str | None]]) -> str:
    present = [(k, v) for k, v in fields if v]
    # Every value was escaped or validated where it was made; this is the last guard, for a
    # value that could still end its field.
    present = [(k, v if _stays_in_field(v) else one_line(as_printed_text(v))) for k, v in present]
    width = max((len(k) for k, _ in present), default=0)
    body = "".join(f"  {k.ljust(width)} = {{{v}}},\n" for k, v in present)
    return f"@{kind}{{{key},\n{body}}}\n"


_LINE_OR_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _stays_in_field(value: str) -> bool:
    if _LINE_OR_CONTROL.search(value):
        return False
    return ("{" not in value and "}" not in value) or braces_balanced(value)


_JOURNAL = re.compile(r"journal|transactions|letters|review|jmlr|nature|science\b")
_CONFERENCE = re.compile(
    r"proceedings|conference|workshop|symposium|iclr|icml|nips|neurips|cvpr|acl"
)


def venue_kind(venue: str) -> str:
    low = venue.lower()
    if _JOURNAL.search(low):
        return "journal"
    if _CONFERENCE.search(low):
        return "conference"
    return "other"


@dataclass(frozen=True)
class Venue:
    """A journal reference as written ("Journal of Machine Learning Research 3 (2003)
    993-1022", "Neural Computation 9(8):1735-1780, 1997", "ICLR 2017") split into the fields
    a style prints, so that the year is not printed twice."""

    container: str
    volume: str = ""
    number: str = ""
    pages: str = ""
    year: str = ""


_YEAR = r"(?:1[5-9]|20)\d\d"
_PAGES = r"[0-9]+(?:\s*[-\u2013\u2014]+\s*[0-9]+)?"
_VENUE_FORMS = (
    # Name 3 (2003) 993-1022 / Name 12(3) (2003), 1-9
    re.compile(
        rf"^(?P<container>.*?\D),?\s+(?:vol\.?\s*)?(?P<volume>\d+)\s*(?:\((?P<number>[^()]+)\))?"
        rf"\s*\((?P<year>{_YEAR})\)[\s,:]*(?:pp\.?\s*)?(?P<pages>{_PAGES})?\.?$",
        re.IGNORECASE,
    ),
    # Name 9(8):1735-1780, 1997 / Name, vol. 9, pp. 1-9, 1997
    re.compile(
        rf"^(?P<container>.*?\D),?\s+(?:vol\.?\s*)?(?P<volume>\d+)\s*(?:\((?P<number>[^()]+)\))?"
        rf"\s*[:,]\s*(?:pp\.?\s*)?(?P<pages>{_PAGES})(?:,?\s*\(?(?P<year>{_YEAR})\)?)?\.?$",
        re.IGNORECASE,
    ),
)
# A year closing the reference, bare or in its own parentheses ("(ICML 2013)" is a name).
_TRAILING_YEAR = re.compile(rf"^(?P<container>.*?\S)[\s,]+(\()?(?P<year>{_YEAR})(?(2)\))\.?$")


def split_venue(journal_ref: str, year: int | None) -> Venue:
    """The parts of a journal reference; what no form matches is all container. A trailing
    year (\"ICLR 2017\") is cut only when it is the work's own, which the entry prints."""
    text = " ".join(journal_ref.split())
    for form in _VENUE_FORMS:
        m = form.match(text)
        if m:
            pages = re.sub(r"\s*[-\u2013\u2014]+\s*", "--", m.group("pages") or "")
            return Venue(
                m.group("container").strip(" ,"),
                m.group("volume"),
                m.group("number") or "",
                pages,
                m.group("year") or "",
            )
    m = _TRAILING_YEAR.match(text)
    if m and year is not None and m.group("year") == str(year):
        return Venue(m.group("container").strip(" ,"), year=m.group("year"))
    return Venue(text)


def keywords_field(tags: Sequence[str], *, ascii_only: bool) -> str | None:
    """Tags as a ``keywords`` list, sorted so that exports are stable; a tag holding a comma
    is braced, so it stays one keyword."""
    out = []
    for tag in sorted(set(tags), key=lambda t: (t.lower(), t)):
        text = escape_text(one_line(tag), ascii_only=ascii_only)
        if text:
            out.append("{" + text + "}" if "," in text else text)
    return ", ".join(out) or None


_SHORT_WORDS = frozenset("a an the of in on for and or to with by at from".split())


def sort_label(paper: Paper, organisation: str = "", *, ascii_only: bool) -> str | None:
    """The ``key`` of an authorless entry: natbib styles print it where the authors go and
    sort and label by it, so it is a readable name, the organisation that issued the work or
    else the start of its title ("In-Datacenter Performance Analysis"), never the citekey."""
    source = organisation or tex_to_unicode(one_line(paper.title))
    words = [w for _, w in split_math(source) if w]
    text = " ".join(" ".join(words).split())
    if not organisation:
        cut = re.split(r"[:.?!]", text, maxsplit=1)[0].split()[:4]
        while len(cut) > 1 and cut[-1].lower() in _SHORT_WORDS:
            cut.pop()
        text = " ".join(cut)
    return escape_text(text, ascii_only=ascii_only) or None


_CATEGORY = re.compile(r"^[a-z-]+(?:\.[A-Za-z-]+)?$")


def category_field(category: str | None) -> str | None:
    """An arXiv category (``cs.LG``, ``hep-th``, ``math.OC``) or nothing."""
    return category if category and _CATEGORY.fullmatch(category) else None


# arXiv's two id forms, as the library stores them (no version): 1703.05175, hep-th/9901001.
_ARXIV_ID = re.compile(r"^(?:[0-9]{4}\.[0-9]{4,5}|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/[0-9]{7})$")


def eprint_field(arxiv_id: str | None) -> str | None:
    """A bare arXiv id in one of arXiv's two forms, or nothing."""
    return arxiv_id if arxiv_id and _ARXIV_ID.fullmatch(arxiv_id) else None


_DOI_OK = re.compile(r"^10\.[0-9]{4,9}(?:\.[0-9]+)*/[!-~]+$")
_DOI_UNSAFE = re.compile(r"[{}\\%#\"]")


def doi_field(doi: str | None, warnings: list[str], *, allow_arxiv: bool = False) -> str | None:
    """A DOI as written in a field (bare ``10.x/...``), or nothing with a warning when it is
    no DOI or has characters that would be BibTeX or TeX syntax. arXiv's own DOIs name the
    preprint: left out unless ``allow_arxiv`` (an imported entry's own doi field)."""
    bare = bare_doi(doi or "") if allow_arxiv else published_doi(doi)
    if not bare:
        if doi and doi.strip() and allow_arxiv:
            warnings.append(
                f"doi {one_line(doi)[:60]!r} is not a DOI that can be written; left out"
            )
        return None
    if _DOI_OK.fullmatch(bare) and not _DOI_UNSAFE.search(bare):
        return bare
    warnings.append(f"doi {one_line(bare)[:60]!r} is not a DOI that can be written; left out")
    return None


# The characters a URL may hold as it is (RFC 3986); others are percent-encoded, except those
# that would end a TeX group or a line, which make the URL unusable.
_URL_KEEP = "-._~:/?#[]@!$&'()*+,;=%"
_URL_UNSAFE = re.compile(r"[\s{}\\\x00-\x1f\x7f-\x9f]")


def url_field(url: str | None, warnings: list[str]) -> str | None:
    """An http(s) URL as a url field holds it, which \\url reads verbatim (so ``%`` stays as it
    is): non-ASCII and characters outside RFC 3986 percent-encoded; one with whitespace,
    braces, a backslash or controls, or of another scheme, left out with a warning."""
    if not url:
        return None
    if _URL_UNSAFE.search(url) or not re.match(r"^https?://[^/?#]", url, re.IGNORECASE):
        warnings.append(f"url {one_line(url)[:60]!r} cannot be written safely; left out")
        return None
    from urllib.parse import quote

    encoded = quote(url, safe=_URL_KEEP)
    # A "%" that starts no escape would be read as one by a browser: it is a literal %.
    return re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", encoded)


def citekey_for(paper: Paper, warnings: list[str]) -> str:
    """The key an entry is written under: the paper's own, or, when it has characters BibTeX
    reads as syntax (only a library written by something else can hold one: restore and
    import-bib refuse them), a key made of its usable characters and a hash of the original,
    the same at every export, with a warning. Leaving the entry out would lose the work from
    the file without the document saying so; a stable replacement is one \\cite to fix."""
    key = paper.citekey
    if usable_citekey(key):
        return key
    import hashlib

    stem = re.sub(r"[^A-Za-z0-9]", "", key)[:40] or "ref"
    new = f"{stem}-{hashlib.sha1(key.encode()).hexdigest()[:6]}"
    warnings.append(
        f"citekey {one_line(key)[:60]!r} cannot be written; exported as {new!r} "
        "(`rekey` stores a new one)"
    )
    return new


def _authorless_key(paper: Paper, authors: str, *, ascii_only: bool) -> str | None:
    return None if authors else sort_label(paper, ascii_only=ascii_only)


def bibtex_entry(paper: Paper, *, keywords: bool = True) -> Rendered:
    warnings: list[str] = []
    key = citekey_for(paper, warnings)
    authors = format_authors(paper.authors, ascii_only=True, warnings=warnings)
    title = format_title(paper.title, ascii_only=True)
    year = str(paper.year) if paper.year else None
    tags = keywords_field(paper.tags, ascii_only=True) if keywords else None
    eprint = eprint_field(paper.arxiv_id) if paper.kind == "arxiv" else None
    doi = doi_field(paper.doi, warnings)
    if eprint:
        note = (
            "Published in: " + format_text(paper.journal_ref, ascii_only=True)
            if paper.journal_ref
            else None
        )
        fields: list[tuple[str, str | None]] = [
            ("author", authors),
            ("title", title),
            ("howpublished", f"arXiv preprint arXiv:{eprint}"),
            ("year", year),
            ("eprint", eprint),
            ("archiveprefix", "arXiv"),
            ("primaryclass", category_field(paper.primary_category)),
            ("doi", doi),
            ("url", abs_url(eprint)),
            ("note", note),
            ("keywords", tags),
            ("key", _authorless_key(paper, authors, ascii_only=True)),
        ]
        text = _entry("misc", key, fields)
    else:
        fields = _manual_fields(paper, authors, title, ascii_only=True)
        kind = fields.pop(0)[1] or "misc"
        text = _entry(
            kind,
            key,
            [
                *fields,
                ("year", year),
                ("doi", doi),
                ("url", url_field(paper.url, warnings)),
                ("keywords", tags),
                ("key", _authorless_key(paper, authors, ascii_only=True)),
            ],
        )
    return Rendered(text, [ExportWarning(key, w) for w in warnings])


def _manual_fields(
    paper: Paper, authors: str, title: str, *, ascii_only: bool
) -> list[tuple[str, str | None]]:
    """("type", entry type) then the fields a journal reference gives a manual entry."""
    venue = split_venue(one_line(paper.journal_ref or ""), paper.year)
    name = format_text(venue.container, ascii_only=ascii_only) or None
    kind = venue_kind(venue.container) if name else "other"
    parts: list[tuple[str, str | None]] = [
        ("volume", escape_text(venue.volume, ascii_only=ascii_only)),
        ("number", escape_text(venue.number, ascii_only=ascii_only)),
        ("pages", escape_text(venue.pages, ascii_only=ascii_only)),
    ]
    head = [("author", authors), ("title", title)]
    if kind == "journal":
        container = "journal" if ascii_only else "journaltitle"
        return [("type", "article"), *head, (container, name), *parts]
    if kind == "conference":
        return [("type", "inproceedings"), *head, ("booktitle", name), *parts]
    # Nothing says what it is: the reference goes whole where a style prints it as written.
    where = "howpublished" if ascii_only else "note"
    entry_type = "misc" if ascii_only or not paper.url else "online"
    whole = format_text(paper.journal_ref or "", ascii_only=ascii_only) or None
    return [("type", entry_type), *head, (where, whole)]


def biblatex_entry(paper: Paper, *, keywords: bool = True) -> Rendered:
    warnings: list[str] = []
    key = citekey_for(paper, warnings)
    authors = format_authors(paper.authors, ascii_only=False, warnings=warnings)
    title = format_title(paper.title, ascii_only=False)
    tags = keywords_field(paper.tags, ascii_only=False) if keywords else None
    eprint = eprint_field(paper.arxiv_id) if paper.kind == "arxiv" else None
    doi = doi_field(paper.doi, warnings)
    if eprint:
        date = _date(paper.published) or (str(paper.year) if paper.year else None)
        addendum = format_text(paper.journal_ref, ascii_only=False) if paper.journal_ref else None
        fields: list[tuple[str, str | None]] = [
            ("author", authors),
            ("title", title),
            ("date", date),
            ("eprint", eprint),
            ("eprinttype", "arxiv"),
            ("eprintclass", category_field(paper.primary_category)),
            ("doi", doi or arxiv_doi(eprint)),
            ("url", abs_url(eprint)),
            ("addendum", addendum),
            ("pubstate", None if doi else "prepublished"),
            ("keywords", tags),
        ]
        text = _entry("online", key, fields)
    else:
        fields = _manual_fields(paper, authors, title, ascii_only=False)
        kind = fields.pop(0)[1] or "misc"
        year = str(paper.year) if paper.year else None
        tail = [("date", year), ("doi", doi), ("url", url_field(paper.url, warnings))]
        text = _entry(kind, key, [*fields, *tail, ("keywords", tags)])
    return Rendered(text, [ExportWarning(key, w) for w in warnings])


def _date(published: str | None) -> str | None:
    date = (published or "")[:10]
    return date if re.fullmatch(r"\d{4}(?:-\d\d(?:-\d\d)?)?", date) else None


def render_bibliography(
    papers: Sequence[Paper],
    *,
    flavour: str,
    records: Mapping[str, Mapping[str, WorkRecord]] | None = None,
    prefer: str = "published",
    keywords: bool = True,
) -> Rendered:
    """``records``: per paper id, what dblp/Crossref gave ("published" venue version of a
    preprint, "work" record of another work); ``prefer="preprint"`` cites preprints as such;
    ``keywords``: the paper's tags as a keywords field."""
    from reading_list.formats.bibrecord import render_record

    render = bibtex_entry if flavour == "bibtex" else biblatex_entry
    parts = []
    for paper in papers:
        known = (records or {}).get(paper.id, {})
        work = known.get("work")
        if work is not None and work.tex:
            # An entry imported from a .bib file: written back as it came (bibrecord.py).
            notes: list[str] = []
            key = citekey_for(paper, notes)
            text, more = render_record(
                work,
                key,
                flavour=flavour,
                aliases=paper.aliases,
                keywords=paper.tags if keywords else None,
                title=format_title(paper.title, ascii_only=flavour == "bibtex"),
                sort_key=sort_label(paper, _organisation(work), ascii_only=True) or "",
            )
            parts.append(Rendered(text, [ExportWarning(key, n) for n in notes + more]))
            continue
        record = work if paper.kind != "arxiv" else None
        if paper.kind == "arxiv" and prefer == "published":
            record = known.get("published")
        typed = (
            record_entry(paper, record, flavour=flavour, keywords=keywords)
            if record is not None
            else None
        )
        rendered = typed or render(paper, keywords=keywords)
        if flavour == "biblatex" and paper.aliases:
            ids = ", ".join(a for a in paper.aliases if usable_citekey(a))
            if ids:
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
    "phdthesis": ("school",),
    "mastersthesis": ("school",),
    "techreport": ("institution",),
    "misc": (),
}
# The fields of a record written as text, in the order an entry prints them.
_TEXT_FIELDS = (
    "series",
    "edition",
    "volume",
    "number",
    "pages",
    "publisher",
    "address",
    "school",
    "institution",
    "organization",
    "howpublished",
    "month",
    "isbn",
    "issn",
    "note",
)


def _organisation(record: WorkRecord) -> str:
    """The body that issued a work, as text: an authorless entry is known by it."""
    found = record.fields.get("organization") or record.fields.get("institution") or ""
    return tex_to_unicode(found) if record.tex else found


def record_entry(
    paper: Paper, record: WorkRecord, *, flavour: str, keywords: bool = True
) -> Rendered | None:
    """The entry for a work as dblp or Crossref describe it: a preprint's published version
    (``@inproceedings`` with booktitle, pages, publisher, year; eprint kept so both links
    survive) or a work added by DOI. None when the record lacks what its type needs."""
    ascii_only = flavour == "bibtex"
    entry_type = record.entry_type
    needed = _REQUIRED.get(entry_type)
    if needed is None or not all(record.fields.get(name) for name in needed):
        return None
    if not re.fullmatch(r"[a-z]+", entry_type):
        return None
    warnings: list[str] = []
    key = citekey_for(paper, warnings)
    authors = format_authors(
        record.authors or paper.authors, ascii_only=ascii_only, warnings=warnings
    )
    values = {k: format_text(v, ascii_only=ascii_only) for k, v in record.fields.items()}
    if "pages" in values:
        values["pages"] = re.sub(r"\s*-+\s*", "--", values["pages"])
    container = "journal" if entry_type == "article" else "booktitle"
    if flavour != "bibtex" and entry_type == "article":
        container = "journaltitle"
    year = str(record.year or paper.year or "") or None
    if year and not year.isdigit():
        year = None
    organisation = _organisation(record)
    fields: list[tuple[str, str | None]] = [
        ("author", authors),
        ("title", format_title(record.title, ascii_only=ascii_only)),
        (container, values.get("journal" if entry_type == "article" else "booktitle")),
        *[(name, values.get(name)) for name in _TEXT_FIELDS],
        ("year" if flavour == "bibtex" else "date", year),
        ("doi", doi_field(record.doi, warnings)),
        ("url", url_field(record.fields.get("url") or paper.url, warnings)),
    ]
    eprint = eprint_field(paper.arxiv_id) if paper.kind == "arxiv" else None
    if eprint:
        if flavour == "bibtex":
            fields += [
                ("eprint", eprint),
                ("archiveprefix", "arXiv"),
                ("primaryclass", category_field(paper.primary_category)),
            ]
        else:
            fields += [
                ("eprint", eprint),
                ("eprinttype", "arxiv"),
                ("eprintclass", category_field(paper.primary_category)),
            ]
    if keywords:
        fields.append(("keywords", keywords_field(paper.tags, ascii_only=ascii_only)))
    if not authors and flavour == "bibtex":
        fields.append(("key", sort_label(paper, organisation, ascii_only=True)))
    return Rendered(_entry(entry_type, key, fields), [ExportWarning(key, w) for w in warnings])
