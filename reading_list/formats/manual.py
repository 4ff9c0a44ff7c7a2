"""Works entered by hand: their BibTeX entry, and what a citation line or a bare link says of
them when nothing better is known. Pure; no I/O."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from reading_list.formats.bibreader import BibEntry
from reading_list.formats.bibtex import format_authors, format_title, venue_kind

# The field that names where a work of each type appeared (publisher of a book, school of a
# thesis); any other type says it in howpublished.
VENUE_FIELDS = {
    "article": "journal",
    "inproceedings": "booktitle",
    "incollection": "booktitle",
    "inbook": "booktitle",
    "book": "publisher",
    "phdthesis": "school",
    "mastersthesis": "school",
    "thesis": "institution",
    "techreport": "institution",
    "report": "institution",
}
# A URL BibTeX can carry in a field as it is.
_URL = re.compile(r"^https?://[^\s{}\\]+$")
# Marks a person puts before or after a line of their own notes, and words there that say
# where a link points rather than what the work is called: never part of a title.
_MARK = r"(?:todo|fixme|xxx|tbd|to read|read later|arxiv(?: preprint)?|url|pdf|link)\b:?"
_MARKS = re.compile(rf"^(?:\W*{_MARK})+|(?:\W*\b{_MARK})+\W*$", re.IGNORECASE)
# What a link's last path part carries besides the title: an extension, an id, a date.
_SLUG_NOISE = re.compile(r"\.(?:html?|php|aspx?|pdf)$|^\d+$", re.IGNORECASE)
_YEAR_IN_URL = re.compile(r"/((?:19|20)\d\d)(?:/|$|[-_])")


def entry_type_for(venue: str | None, entry_type: str | None) -> str:
    """The type asked for, else the one the venue suggests (a journal, a conference), else
    misc."""
    if entry_type:
        return entry_type.strip().lower()
    kind = venue_kind(venue or "")
    return {"journal": "article", "conference": "inproceedings"}.get(kind, "misc")


def is_usable_url(url: str) -> bool:
    return bool(_URL.match(url))


def manual_entry(
    *,
    title: str,
    authors: list[str],
    year: int | None,
    venue: str | None,
    url: str | None,
    entry_type: str,
    key: str = "",
) -> BibEntry:
    """The BibTeX entry of a work entered by hand (its values TeX source, escaped)."""
    warnings: list[str] = []
    fields: dict[str, str] = {}
    if authors:
        fields["author"] = format_authors(authors, ascii_only=True, warnings=warnings)
    fields["title"] = format_title(title, ascii_only=True)
    if venue:
        name = VENUE_FIELDS.get(entry_type, "howpublished")
        fields[name] = format_title(venue, ascii_only=True)
    if year:
        fields["year"] = str(year)
    if url:
        fields["url"] = url
    return BibEntry(key, entry_type, 1, fields)


def url_year(url: str | None) -> int | None:
    """The year a link's path names (``/2017/``), if any."""
    found = _YEAR_IN_URL.search(urlsplit(url or "").path)
    return int(found.group(1)) if found else None


def site_name(url: str | None) -> str:
    """The site a link is on, as its owner names it: "distill" for https://distill.pub/..."""
    host = (urlsplit(url or "").hostname or "").lower()
    labels = [p for p in host.split(".") if p not in ("www", "m", "blog", "en")]
    return labels[-2] if len(labels) >= 2 else (labels[0] if labels else "")


def _slug_title(url: str) -> str:
    """The title a link's last meaningful path part spells ("why-momentum-really-works")."""
    for part in reversed([p for p in urlsplit(url).path.split("/") if p]):
        slug = _SLUG_NOISE.sub("", unquote(part))
        words = [w for w in re.split(r"[-_+\s]+", slug) if w]
        if len(words) >= 2 and any(w.isalpha() for w in words):
            text = " ".join(words)
            return text[:1].upper() + text[1:] if text.islower() else text
    return ""


# "Feature Visualization Olah et al." : a title with its first author after it.
_TRAILING_ET_AL = re.compile(
    r"^(?P<title>.*?\w.*?)[\s,;–—-]+(?:by\s+)?(?P<author>[A-Z][\w'’-]+)\s+et\s+al\.?$"
)


def split_trailing_author(title: str) -> tuple[str, str]:
    """(title, first author) of a title that ends in "Name et al."; (title, "") otherwise."""
    found = _TRAILING_ET_AL.match(title.strip())
    if found is None:
        return title, ""
    return found.group("title").strip(), found.group("author")


def title_from_citation(cited_as: str, url: str | None) -> str:
    """A manual entry's title from how a line cited the work: without the marks of a
    person's notes (TODO, "arXiv", "url:"), else what its link spells, else its site."""
    text = re.sub(r"https?://\S+", " ", cited_as)
    text = _MARKS.sub(" ", text)
    text = " ".join(text.split()).strip(" -–—:;,|·•()[]")
    if re.search(r"[^\W\d_]{2}", text):
        return text
    if url:
        return _slug_title(url) or site_name(url) or cited_as.strip()
    return cited_as.strip()
