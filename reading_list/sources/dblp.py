"""The dblp client: the publication search API (JSON) and ``/rec/{key}.bib``, through the
shared transport (one connection, 1-2 s between requests as dblp's FAQ asks, a private cache).

dblp's JSON has quirks every reader must take (../shared/reference/scholarly-apis.md §3): a
single author is an object, not a list; no hits means no ``hit`` key; ``ee`` and ``venue`` may
be a list or a string; DOIs are upper-cased; authors carry homonym numbers ("H. Bast 0001")
that no citation uses. Its failures must be retried: a 429 with an HTML body, an HTML bot page
with status 200, a page cut short, an empty page although hits exist.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from reading_list.config import Settings
from reading_list.errors import InvalidIdentifier, SourceUnavailable
from reading_list.identifiers import normalise_doi, parse_arxiv_id
from reading_list.sources.http import Answer, Policy, Retryable, Transport, redact
from reading_list.tex import tex_to_unicode
from reading_list.works import EntryType, Identity, WorkRecord

MAX_HITS = 1000
# dblp serves at most the first 10,000 hits of a query.
MAX_WINDOW = 10_000
_HOMONYM = re.compile(r"\s+\d{4}$")
_TYPES: dict[str, EntryType] = {
    "Journal Articles": "article",
    "Conference and Workshop Papers": "inproceedings",
    "Parts in Books or Collections": "incollection",
    "Books and Theses": "book",
    "Editorship": "proceedings",
    "Reference Works": "incollection",
    "Informal and Other Publications": "misc",
    "Informal or Other Publications": "misc",
    "Data and Artifacts": "misc",
}
_BIB_TYPES: dict[str, EntryType] = {
    "article": "article",
    "inproceedings": "inproceedings",
    "incollection": "incollection",
    "book": "book",
    "proceedings": "proceedings",
    "phdthesis": "phdthesis",
    "mastersthesis": "mastersthesis",
    "techreport": "techreport",
}
_BIB_FIELDS = (
    "journal",
    "booktitle",
    "series",
    "volume",
    "number",
    "pages",
    "publisher",
    "address",
    "school",
    "institution",
    "isbn",
    "issn",
    "doi",
    "url",
)
# Where dblp's electronic editions live, by host: the dblp streams that link there, and the
# first year they did (a stream bigger than dblp's 10,000-hit window is scanned year by year).
LINK_STREAMS: dict[str, tuple[tuple[str, int | None], ...]] = {
    "openreview.net": (("conf/iclr", None), ("conf/icml", 2023), ("conf/nips", 2021)),
    "proceedings.neurips.cc": (("conf/nips", 1987),),
    "papers.nips.cc": (("conf/nips", 1987),),
    "papers.neurips.cc": (("conf/nips", 1987),),
    "proceedings.mlr.press": (
        ("conf/icml", 2013),
        ("conf/aistats", None),
        ("conf/colt", None),
        ("conf/uai", None),
    ),
    "jmlr.org": (("journals/jmlr", None),),
    "openaccess.thecvf.com": (("conf/cvpr", 2013), ("conf/iccv", None)),
    "ojs.aaai.org": (("conf/aaai", 2019),),
    "www.aaai.org": (("conf/aaai", 1980),),
    "aaai.org": (("conf/aaai", 1980),),
    "www.ijcai.org": (("conf/ijcai", None),),
    "ijcai.org": (("conf/ijcai", None),),
}
_YEAR_IN_PATH = re.compile(r"(?<![0-9])(19[89][0-9]|20[0-9]{2})(?![0-9])")


@dataclass
class SearchPage:
    total: int
    records: list[WorkRecord]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("text", "")
    return " ".join(str(value).split())


def _clean_title(title: str) -> str:
    title = " ".join(tex_to_unicode(title).split())
    # dblp ends every title with a period of its own.
    return title[:-1] if title.endswith(".") and not title.endswith("..") else title


def person(name: str) -> str:
    """A dblp name as people write it: no homonym number."""
    return _HOMONYM.sub("", " ".join(name.split()))


def _pages(value: str) -> str:
    return re.sub(r"\s*(?:--|–|—)\s*", "-", value.strip())


def is_preprint_record(key: str, venue: str | None, entry_type: str) -> bool:
    """dblp's CoRR copy of an arXiv paper. Early ICLR papers live under journals/corr keys
    but are conference papers with an ICLR venue: those are venues, not preprints."""
    if (venue or "").strip().lower() == "corr":
        return True
    return key.startswith("journals/corr/") and entry_type in ("article", "misc")


def _identities(key: str, doi: str | None, links: list[str]) -> list[Identity]:
    found = [Identity(kind="dblp", value=key, source="dblp")]
    if doi:
        found.append(Identity(kind="doi", value=doi, source="dblp"))
    for link in links:
        forum = openreview_forum(link)
        if forum:
            found.append(Identity(kind="openreview", value=forum, source="dblp"))
    arxiv = _arxiv_of(key, links)
    if arxiv:
        found.append(Identity(kind="arxiv", value=arxiv, source="dblp"))
    return list(dict.fromkeys(found))


def _arxiv_of(key: str, links: list[str]) -> str | None:
    for link in links:
        if "arxiv" in link.lower():
            try:
                return parse_arxiv_id(link).id
            except InvalidIdentifier:
                continue
    m = re.match(r"^journals/corr/abs-(\d{4})-(\d{4,5})$", key)
    if m:
        try:
            return parse_arxiv_id(f"{m.group(1)}.{m.group(2)}").id
        except InvalidIdentifier:
            return None
    return None


def openreview_forum(link: str) -> str | None:
    parts = urlsplit(link.strip())
    if (parts.hostname or "").lower().removeprefix("www.") != "openreview.net":
        return None
    ids = parse_qs(parts.query).get("id")
    return ids[0] if ids else None


def hit_to_record(info: dict[str, Any]) -> WorkRecord | None:
    """One search hit's ``info`` as a record (None when it lacks a key or title)."""
    key = _text(info.get("key"))
    title = _clean_title(_text(info.get("title")))
    if not key or not title:
        return None
    authors = [person(_text(a)) for a in _as_list((info.get("authors") or {}).get("author"))]
    venues = [_text(v) for v in _as_list(info.get("venue"))]
    venue = venues[0] if venues else None
    entry_type = _TYPES.get(_text(info.get("type")), "misc")
    links = [_text(e) for e in _as_list(info.get("ee")) if _text(e)]
    doi = normalise_doi(_text(info["doi"])) if info.get("doi") else None
    year_text = _text(info.get("year"))
    fields: dict[str, str] = {}
    if venue:
        fields["journal" if entry_type == "article" else "booktitle"] = venue
    for name in ("volume", "number"):
        if info.get(name):
            fields[name] = _text(info[name])
    if info.get("pages"):
        fields["pages"] = _pages(_text(info["pages"]))
    if doi:
        fields["doi"] = doi
    if links:
        fields["url"] = links[0]
    return WorkRecord(
        source="dblp",
        key=key,
        entry_type=entry_type,
        title=title,
        authors=[a for a in authors if a],
        year=int(year_text) if year_text.isdigit() else None,
        venue=venue,
        fields=fields,
        identities=_identities(key, doi, links),
        preprint=is_preprint_record(key, venue, entry_type),
    )


def _bib_entries(text: str) -> list[tuple[str, str, dict[str, str]]]:
    from bibtexparser.entrypoint import parse_string

    library = parse_string(text)
    if library.failed_blocks:
        raise Retryable("the BibTeX was cut off or garbled")
    return [
        (e.entry_type.lower(), e.key, {k.lower(): str(v.value) for k, v in e.fields_dict.items()})
        for e in library.entries
    ]


def bib_to_record(text: str, key: str, venue: str | None = None) -> WorkRecord:
    """dblp's BibTeX of one record (the first entry; a crossref parent may follow)."""
    if not text.rstrip().endswith("}"):
        raise Retryable("the BibTeX was cut off")
    entries = _bib_entries(text)
    if not entries:
        raise Retryable("no BibTeX entry in the answer")
    bibtype, _citekey, raw = entries[0]
    entry_type = _BIB_TYPES.get(bibtype, "misc")
    values = {k: " ".join(tex_to_unicode(v).split()) for k, v in raw.items()}
    fields = {name: values[name] for name in _BIB_FIELDS if values.get(name)}
    if "pages" in fields:
        fields["pages"] = _pages(fields["pages"])
    doi = normalise_doi(fields["doi"]) if fields.get("doi") else None
    if doi:
        fields["doi"] = doi
    authors = [person(a) for a in re.split(r"\s+and\s+", values.get("author", "")) if a.strip()]
    links = [fields["url"]] if fields.get("url") else []
    if values.get("eprint") and (values.get("eprinttype") or values.get("archiveprefix")):
        links.append(f"https://arxiv.org/abs/{values['eprint']}")
    short = venue or (values.get("journal") if entry_type == "article" else None)
    year = values.get("year", "")
    return WorkRecord(
        source="dblp",
        key=key,
        entry_type=entry_type,
        title=_clean_title(values.get("title", "")) or key,
        authors=authors,
        year=int(year) if year.isdigit() else None,
        venue=short,
        fields=fields,
        identities=_identities(key, doi, links),
        preprint=is_preprint_record(key, short or values.get("journal"), entry_type),
    )


def _same_link(a: str, b: str) -> bool:
    def canonical(link: str) -> str:
        parts = urlsplit(link.strip())
        host = (parts.hostname or "").lower().removeprefix("www.")
        path = parts.path.rstrip("/")
        return f"{host}{path}?{parts.query}" if parts.query else f"{host}{path}"

    forum_a, forum_b = openreview_forum(a), openreview_forum(b)
    if forum_a or forum_b:
        return forum_a == forum_b
    return canonical(a) == canonical(b)


class DblpClient:
    """Throttled, cached, retrying access to dblp's search API and record exports."""

    def __init__(self, settings: Settings, *, on_wait: Callable[[str], None] | None = None) -> None:
        self.settings = settings
        self.base = settings.dblp_url.rstrip("/")
        self.transport = Transport(
            Policy.from_settings(
                settings,
                service="dblp",
                cache_name="dblp",
                delay=settings.dblp_delay,
                cache_suffix=".json",
            ),
            on_wait=on_wait,
        )

    @property
    def requests_sent(self) -> int:
        return self.transport.requests_sent

    def search(self, query: str, *, hits: int = 30, first: int = 0) -> SearchPage:
        """One page of the publication search (dblp syntax: prefix words, ``$``, facets)."""
        params = {"q": query, "format": "json", "h": str(min(hits, MAX_HITS)), "f": str(first)}
        url = f"{self.base}/search/publ/api?{urlencode(params)}&c=0"

        def parse(answer: Answer) -> SearchPage:
            if answer.status != 200:
                raise SourceUnavailable(
                    f"dblp answered HTTP {answer.status} for {redact(answer.url)}"
                )
            data = _json(answer)
            try:
                result = data["result"]
                block = result["hits"]
                total = int(block.get("@total", 0))
            except (KeyError, TypeError, ValueError):
                raise Retryable("the JSON is not a dblp search result") from None
            raw_hits = _as_list(block.get("hit"))
            if not raw_hits and first < min(total, MAX_WINDOW):
                raise Retryable(f"an empty page although {total} hits exist")
            records = [
                r
                for hit in raw_hits
                if isinstance(hit, dict) and isinstance(hit.get("info"), dict)
                if (r := hit_to_record(hit["info"])) is not None
            ]
            return SearchPage(total=total, records=records)

        fetched = self.transport.fetch(url, parse)
        fetched.commit()
        return fetched.value

    def record(self, key: str, *, venue: str | None = None) -> WorkRecord | None:
        """The record's full BibTeX fields (long booktitle, publisher, series); None if dblp
        has no such key."""
        url = f"{self.base}/rec/{quote(key, safe='/')}.bib"

        def parse(answer: Answer) -> WorkRecord | None:
            if answer.status == 404:
                return None
            if answer.status != 200:
                raise SourceUnavailable(
                    f"dblp answered HTTP {answer.status} for {redact(answer.url)}"
                )
            if answer.looks_like_html():
                raise Retryable("an HTML page instead of BibTeX (a bot check or error page)")
            try:
                text = answer.body.decode("utf-8")
            except UnicodeDecodeError:
                raise Retryable("the BibTeX is not UTF-8 (cut mid-character?)") from None
            return bib_to_record(text, key, venue)

        fetched = self.transport.fetch(url, parse)
        if fetched.value is not None:
            fetched.commit()
        return fetched.value

    def search_title(self, title: str, *, extra: str = "", hits: int = 10) -> list[WorkRecord]:
        """Records whose title has these words (prefix matches, as dblp searches)."""
        from reading_list.scoring import STOPWORDS, normalise

        words = [w for w in normalise(title).split() if w not in STOPWORDS][:10]
        if not words:
            return []
        query = " ".join([*words, *extra.split()])
        return self.search(query, hits=hits).records

    def find_by_link(self, link: str, *, max_pages: int = 40) -> WorkRecord | None:
        """The record that lists ``link`` (an OpenReview forum, a proceedings page) as an
        electronic edition, by scanning the dblp streams that publish on that host."""
        host = (urlsplit(link).hostname or "").lower()
        streams = LINK_STREAMS.get(host) or LINK_STREAMS.get(host.removeprefix("www."))
        if not streams:
            return None
        pages = 0
        for query in _stream_queries(streams, _year_of_link(host, urlsplit(link).path)):
            for page in self._pages(query):
                pages += 1
                for record in page.records:
                    if any(_same_link(link, u) for u in _record_links(record)):
                        return record
                if pages >= max_pages:
                    return None
        return None

    def _pages(self, query: str) -> Iterator[SearchPage]:
        first = 0
        while True:
            page = self.search(query, hits=MAX_HITS, first=first)
            yield page
            first += MAX_HITS
            if first >= min(page.total, MAX_WINDOW) or not page.records:
                return


def _year_of_link(host: str, path: str) -> int | None:
    found = _YEAR_IN_PATH.search(path)
    if found:
        return int(found.group(1))
    # PMLR pages are named after the first author and the year: /v28/menon13.html.
    slug = re.search(r"/[a-z]+(\d{2})[a-z]?\.html$", path)
    if host == "proceedings.mlr.press" and slug:
        return 2000 + int(slug.group(1))
    return None


def _record_links(record: WorkRecord) -> list[str]:
    links = [record.fields["url"]] if record.fields.get("url") else []
    forum = record.identity("openreview")
    if forum:
        links.append(f"https://openreview.net/forum?id={forum}")
    return links


def _stream_queries(streams: tuple[tuple[str, int | None], ...], year: int | None) -> Iterator[str]:
    this_year = datetime.now(UTC).year
    for stream, since in streams:
        if year is not None:
            yield f"stream:{stream}: year:{year}:"
        elif since is None:
            yield f"stream:{stream}:"
        else:
            for y in range(this_year, since - 1, -1):
                yield f"stream:{stream}: year:{y}:"


def _json(answer: Answer) -> Any:
    if answer.looks_like_html():
        raise Retryable("an HTML page instead of JSON (a bot check or error page)")
    try:
        return json.loads(answer.body)
    except ValueError:
        raise Retryable("the JSON was cut off or garbled") from None
