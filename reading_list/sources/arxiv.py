"""The arXiv client: the query API through the shared transport (sources/http.py).

arxiv.py models the request (``arxiv.Search``), but its transport falls short for a tool that
stores what it reads: no HTTP timeout, ``Retry-After`` ignored, an empty first page silently
taken as "no results", truncated XML silently recovered. So the request goes through our own
transport (one connection, a process-wide throttle, deadlines, size caps, backoff, a private
cache) and the Atom feed is parsed strictly: a document that does not parse in full is retried,
never half-stored. One unreadable entry (a ``v0`` id, no title) is skipped and reported, not
fatal for the other 99 of its batch; an entry repeated in one answer is kept once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

from reading_list.config import Settings
from reading_list.errors import HostileResponse, InvalidIdentifier, InvalidInput, SourceUnavailable
from reading_list.identifiers import parse_arxiv_id
from reading_list.models import ArxivRecord
from reading_list.sources.http import Answer, Fetched, Policy, Retryable, Transport, redact

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
ID_BATCH = 100
_HOSTILE = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_DECLARED_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)")
_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
)
# arXiv opened in 1991; a date past next year is a broken answer, not a paper.
FIRST_YEAR = 1991


@dataclass
class Feed:
    total: int
    records: list[ArxivRecord] = field(default_factory=list)
    # entries that could not be read: (id as written, or "", why)
    skipped: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class IdBatch:
    """The outcome of one id_list request."""

    records: list[ArxivRecord]
    missing: list[str]
    # requested ids whose entry in the answer was unreadable, with the reason
    unreadable: dict[str, str] = field(default_factory=dict)


def _collapse(text: str | None) -> str | None:
    if text is None:
        return None
    collapsed = " ".join(text.split())
    return collapsed or None


class _BadEntry(Exception):
    def __init__(self, raw_id: str, reason: str) -> None:
        super().__init__(reason)
        self.raw_id = raw_id


def _checked_date(text: str | None) -> str | None:
    """The timestamp if it names a real day between arXiv's start and next year, else None
    (the year then comes from the id): "9999-99-99" must not become year 9999."""
    if not text:
        return None
    try:
        day = date.fromisoformat(text[:10])
    except ValueError:
        return None
    if not FIRST_YEAR <= day.year <= datetime.now(UTC).year + 1:
        return None
    return text


def _entry_to_record(entry: Any) -> ArxivRecord:
    raw_id = entry.findtext(f"{ATOM}id") or ""
    tail = raw_id.split("/abs/", 1)[-1]
    try:
        ident = parse_arxiv_id(tail)
    except InvalidIdentifier as exc:
        raise _BadEntry(tail, str(exc)) from None
    title = _collapse(entry.findtext(f"{ATOM}title"))
    if not title:
        raise _BadEntry(tail, "the entry has no title")
    categories = [c.get("term") for c in entry.findall(f"{ATOM}category") if c.get("term")]
    primary = entry.find(f"{ARXIV}primary_category")
    return ArxivRecord(
        arxiv_id=ident.id,
        version=ident.version,
        title=title,
        authors=[
            name
            for a in entry.findall(f"{ATOM}author")
            if (name := _collapse(a.findtext(f"{ATOM}name")))
        ],
        summary=_collapse(entry.findtext(f"{ATOM}summary")),
        categories=categories,
        primary_category=(primary.get("term") if primary is not None else None)
        or (categories[0] if categories else None),
        published=_checked_date(_collapse(entry.findtext(f"{ATOM}published"))),
        updated=_checked_date(_collapse(entry.findtext(f"{ATOM}updated"))),
        doi=_collapse(entry.findtext(f"{ARXIV}doi")),
        journal_ref=_collapse(entry.findtext(f"{ARXIV}journal_ref")),
        comment=_collapse(entry.findtext(f"{ARXIV}comment")),
    )


def decode_xml(body: bytes, service: str = "arXiv") -> bytes:
    """The document as UTF-8 without its declaration, after refusing DTDs and entities.

    The refusal has to look at decoded text: in UTF-16 "<!DOCTYPE" is not those bytes, and
    lxml would decode it and read the DTD anyway. UTF-16/32 with a byte-order mark are decoded;
    any other encoding than UTF-8 is refused.
    """
    encoding = "utf-8"
    for bom, name in _BOMS:
        if body.startswith(bom):
            encoding = name
            break
    else:
        declared = _DECLARED_ENCODING.match(body)
        if declared and declared.group(1).decode().lower() not in ("utf-8", "utf8", "us-ascii"):
            raise HostileResponse(
                f"{service} answered in {declared.group(1).decode()!r}; only UTF-8 is read"
            )
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError:
        raise HostileResponse(
            f"{service}'s answer is not valid {encoding}; nothing was parsed"
        ) from None
    if "\x00" in text:
        raise HostileResponse(f"{service}'s answer holds NUL bytes; nothing was parsed")
    if _HOSTILE.search(text):
        raise HostileResponse(
            f"{service}'s answer declares a DTD or entities (possible XML attack); "
            "nothing was parsed"
        )
    return _XML_DECLARATION.sub("", text, count=1).encode("utf-8")


def parse_feed(body: bytes) -> Feed:
    """Parse a whole Atom feed strictly. Raises Retryable for cut or garbled documents."""
    from lxml import etree

    clean = decode_xml(body)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, recover=False, load_dtd=False
    )
    try:
        root = etree.fromstring(clean, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise Retryable(f"incomplete or malformed XML ({exc})") from None
    if root is None or root.tag != f"{ATOM}feed":
        raise Retryable("the answer is not an Atom feed")
    total_text = root.findtext(f"{OPENSEARCH}totalResults")
    try:
        total = int(total_text or "0")
    except ValueError:
        raise Retryable(f"unreadable totalResults {total_text!r}") from None
    feed = Feed(total=total)
    by_id: dict[str, ArxivRecord] = {}
    for entry in root.findall(f"{ATOM}entry"):
        try:
            record = _entry_to_record(entry)
        except _BadEntry as exc:
            feed.skipped.append((exc.raw_id, str(exc)))
            continue
        seen = by_id.get(record.arxiv_id)
        # One paper twice in one answer (arXiv's old duplicate quirk): keep its latest version.
        if seen is None or (record.version or 0) > (seen.version or 0):
            by_id[record.arxiv_id] = record
    feed.records = list(by_id.values())
    return feed


def _error_summary(body: bytes) -> str:
    match = re.search(rb"<summary>(.*?)</summary>", body, re.DOTALL)
    if match:
        return match.group(1).decode("utf-8", "replace").strip()
    return body[:200].decode("utf-8", "replace").strip()


def _lenient_id(raw: str) -> str | None:
    """The unversioned id an unreadable entry was meant to be ("2501.00001v0" -> 2501.00001)."""
    match = re.match(r"^(.+?)(?:v\d+)?$", raw.strip())
    return match.group(1) if match and match.group(1) else None


class ArxivClient:
    """Throttled, cached, retrying access to the arXiv query API."""

    def __init__(self, settings: Settings, *, on_wait: Callable[[str], None] | None = None) -> None:
        self.settings = settings
        self.on_wait = on_wait or (lambda _msg: None)
        self.transport = Transport(
            Policy.from_settings(
                settings,
                service="arXiv",
                cache_name="arxiv",
                delay=settings.arxiv_delay,
                cache_suffix=".xml",
            ),
            on_wait=self.on_wait,
        )

    @property
    def requests_sent(self) -> int:
        return self.transport.requests_sent

    # ---- public API --------------------------------------------------------------------

    def fetch_ids(self, arxiv_ids: list[str], *, use_cache: bool = True) -> Iterator[IdBatch]:
        """Look up unversioned ids in batched id_list requests, one batch at a time.

        On a batch that keeps failing, raises SourceUnavailable whose ``pending`` holds every id
        not yet answered, so the caller can keep the batches it already got. A batch's answer
        is cached only once the caller asks for the next one (it has stored this one).
        """
        import arxiv

        wanted = list(dict.fromkeys(arxiv_ids))
        for start in range(0, len(wanted), ID_BATCH):
            chunk = wanted[start : start + ID_BATCH]
            search = arxiv.Search(id_list=chunk, max_results=len(chunk))
            try:
                fetched = self._get(self._params(search, len(chunk)), use_cache, len(chunk))
            except SourceUnavailable as exc:
                exc.pending = wanted[start:]
                raise
            feed = fetched.value
            asked = set(chunk)
            unreadable: dict[str, str] = {}
            for raw_id, reason in feed.skipped:
                lenient = _lenient_id(raw_id)
                if lenient in asked:
                    unreadable[lenient] = reason
                self.on_wait(f"arXiv: skipped an unreadable entry {raw_id!r}: {reason}")
            found = {r.arxiv_id for r in feed.records}
            yield IdBatch(
                records=[r for r in feed.records if r.arxiv_id in asked],
                missing=[i for i in chunk if i not in found and i not in unreadable],
                unreadable=unreadable,
            )
            fetched.commit()

    def search(self, query: str, max_results: int = 20) -> list[ArxivRecord]:
        """Run a search_query (arXiv's field grammar) and return the first page."""
        import arxiv

        search = arxiv.Search(query=query, max_results=max_results)
        fetched = self._get(self._params(search, max_results), True, max_results)
        fetched.commit()
        return fetched.value.records

    # ---- transport ---------------------------------------------------------------------

    @staticmethod
    def _params(search: Any, max_results: int) -> dict[str, str]:
        return {
            "search_query": search.query,
            "id_list": ",".join(search.id_list),
            "start": "0",
            "max_results": str(max_results),
            "sortBy": search.sort_by.value,
            "sortOrder": search.sort_order.value,
        }

    def _get(self, params: dict[str, str], use_cache: bool, page_size: int) -> Fetched[Feed]:
        url = f"{self.settings.arxiv_url}?{urlencode(params)}"

        def parse(answer: Answer) -> Feed:
            if answer.status == 400:
                raise InvalidInput(f"arXiv rejected the request: {_error_summary(answer.body)}")
            if answer.status != 200:
                raise SourceUnavailable(
                    f"arXiv answered HTTP {answer.status} for {redact(answer.url)}"
                )
            if answer.looks_like_html():
                raise Retryable("an HTML page instead of an Atom feed")
            return self._validate(parse_feed(answer.body), page_size)

        return self.transport.fetch(url, parse, use_cache=use_cache)

    @staticmethod
    def _validate(feed: Feed, page_size: int) -> Feed:
        # arXiv sometimes answers a valid but empty (or short) page although results exist.
        entries = len(feed.records) + len(feed.skipped)
        if not entries and feed.total > 0:
            raise Retryable(f"empty page although {feed.total} results exist")
        if entries < min(feed.total, page_size):
            raise Retryable(f"short page: {entries} of {feed.total} entries")
        return feed
