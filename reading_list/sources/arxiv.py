"""The only module that talks to arXiv.

arxiv.py models the request (``arxiv.Search``), but its transport falls short for a tool that
stores what it reads: no HTTP timeout, ``Retry-After`` ignored, an empty first page silently
taken as "no results", truncated XML silently recovered. So this module sends the request itself
(one session, a process-wide throttle, timeouts, backoff) and parses the Atom feed strictly:
a document that does not parse in full is retried, never half-stored.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from reading_list import __version__
from reading_list.config import Settings
from reading_list.errors import HostileResponse, InvalidIdentifier, InvalidInput, SourceUnavailable
from reading_list.identifiers import parse_arxiv_id
from reading_list.models import ArxivRecord

if TYPE_CHECKING:
    import requests

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
ID_BATCH = 100
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_HOSTILE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)

# One throttle for the whole process, whichever client object asks.
_throttle_lock = threading.Lock()
_last_request_at = 0.0


# With no route to the host, waiting rarely helps: give up after this many refusals in a row.
MAX_CONNECTION_FAILURES = 2
MAX_RETRY_AFTER = 300.0


class _Retryable(Exception):
    def __init__(self, reason: str, wait: float | None = None, *, connection: bool = False) -> None:
        super().__init__(reason)
        self.wait = wait
        self.connection = connection


@dataclass
class Feed:
    total: int
    records: list[ArxivRecord] = field(default_factory=list)


@dataclass
class IdBatch:
    """The outcome of one id_list request."""

    records: list[ArxivRecord]
    missing: list[str]


def _collapse(text: str | None) -> str | None:
    if text is None:
        return None
    collapsed = " ".join(text.split())
    return collapsed or None


def _entry_to_record(entry: Any) -> ArxivRecord:
    raw_id = entry.findtext(f"{ATOM}id") or ""
    tail = raw_id.split("/abs/", 1)[-1]
    try:
        ident = parse_arxiv_id(tail)
    except InvalidIdentifier:
        raise _Retryable(f"entry with an unreadable id {raw_id!r}") from None
    title = _collapse(entry.findtext(f"{ATOM}title"))
    published = _collapse(entry.findtext(f"{ATOM}published"))
    if not title or not published:
        raise _Retryable(f"entry {ident.id} lacks a title or date")
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
        published=published,
        updated=_collapse(entry.findtext(f"{ATOM}updated")),
        doi=_collapse(entry.findtext(f"{ARXIV}doi")),
        journal_ref=_collapse(entry.findtext(f"{ARXIV}journal_ref")),
        comment=_collapse(entry.findtext(f"{ARXIV}comment")),
    )


def parse_feed(body: bytes) -> Feed:
    """Parse a whole Atom feed strictly. Raises _Retryable for cut or garbled documents."""
    from lxml import etree

    if _HOSTILE.search(body):
        raise HostileResponse(
            "arXiv's answer declares a DTD or entities (possible XML attack); nothing was parsed"
        )
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, recover=False, load_dtd=False
    )
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise _Retryable(f"incomplete or malformed XML ({exc})") from None
    if root is None or root.tag != f"{ATOM}feed":
        raise _Retryable("the answer is not an Atom feed")
    total_text = root.findtext(f"{OPENSEARCH}totalResults")
    try:
        total = int(total_text or "0")
    except ValueError:
        raise _Retryable(f"unreadable totalResults {total_text!r}") from None
    return Feed(total=total, records=[_entry_to_record(e) for e in root.findall(f"{ATOM}entry")])


def _error_summary(body: bytes) -> str:
    match = re.search(rb"<summary>(.*?)</summary>", body, re.DOTALL)
    if match:
        return match.group(1).decode("utf-8", "replace").strip()
    return body[:200].decode("utf-8", "replace").strip()


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


class ArxivClient:
    """Throttled, cached, retrying access to the arXiv query API."""

    def __init__(self, settings: Settings, *, on_wait: Callable[[str], None] | None = None) -> None:
        self.settings = settings
        self.on_wait = on_wait or (lambda _msg: None)
        self.requests_sent = 0
        self._session: requests.Session | None = None

    @property
    def session(self) -> requests.Session:
        if self._session is None:
            import requests

            self._session = requests.Session()
            self._session.headers["User-Agent"] = f"reading-list/{__version__}"
        return self._session

    # ---- public API --------------------------------------------------------------------

    def fetch_ids(self, arxiv_ids: list[str], *, use_cache: bool = True) -> Iterator[IdBatch]:
        """Look up unversioned ids in batched id_list requests, one batch at a time.

        On a batch that keeps failing, raises SourceUnavailable whose ``pending`` holds every id
        not yet answered, so the caller can keep the batches it already got.
        """
        import arxiv

        wanted = list(dict.fromkeys(arxiv_ids))
        for start in range(0, len(wanted), ID_BATCH):
            chunk = wanted[start : start + ID_BATCH]
            search = arxiv.Search(id_list=chunk, max_results=len(chunk))
            try:
                feed = self._get(self._params(search, len(chunk)), use_cache, page_size=len(chunk))
            except SourceUnavailable as exc:
                exc.pending = wanted[start:]
                raise
            found = {r.arxiv_id for r in feed.records}
            yield IdBatch(
                records=[r for r in feed.records if r.arxiv_id in set(chunk)],
                missing=[i for i in chunk if i not in found],
            )

    def search(self, query: str, max_results: int = 20) -> list[ArxivRecord]:
        """Run a search_query (arXiv's field grammar) and return the first page."""
        import arxiv

        search = arxiv.Search(query=query, max_results=max_results)
        return self._get(self._params(search, max_results), True, page_size=max_results).records

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

    def _cache_path(self, url: str) -> Path:
        digest = hashlib.sha256(url.encode()).hexdigest()
        return self.settings.cache_dir / "arxiv" / digest[:2] / f"{digest}.xml"

    def _read_cache(self, url: str) -> bytes | None:
        path = self._cache_path(url)
        try:
            if time.time() - path.stat().st_mtime > self.settings.cache_ttl:
                return None
            return path.read_bytes()
        except OSError:
            return None

    def _write_cache(self, url: str, body: bytes) -> None:
        path = self._cache_path(url)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(body)
            tmp.replace(path)
        except OSError:
            pass  # a cache that cannot be written only costs a request next time

    def _throttle(self) -> None:
        global _last_request_at
        with _throttle_lock:
            wait = _last_request_at + self.settings.arxiv_delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            _last_request_at = time.monotonic()

    def _get(self, params: dict[str, str], use_cache: bool, page_size: int) -> Feed:
        url = f"{self.settings.arxiv_url}?{urlencode(params)}"
        if use_cache and (cached := self._read_cache(url)) is not None:
            try:
                return self._validate(parse_feed(cached), page_size)
            except _Retryable:
                pass  # a damaged cache entry: fetch afresh
        attempts = self.settings.retries + 1
        last_reason = ""
        refused = 0
        for attempt in range(1, attempts + 1):
            try:
                body = self._send(url)
                feed = self._validate(parse_feed(body), page_size)
            except _Retryable as exc:
                last_reason = str(exc)
                refused = refused + 1 if exc.connection else 0
                if attempt == attempts or refused >= MAX_CONNECTION_FAILURES:
                    break
                if exc.wait is not None:
                    # The server said how long: honour it, unless it is longer than a CLI can wait.
                    if exc.wait > MAX_RETRY_AFTER:
                        last_reason += f" (asked to wait {exc.wait:.0f} s)"
                        break
                    wait = exc.wait
                else:
                    backoff = max(self.settings.arxiv_delay, 0.5) * 2 ** (attempt - 1)
                    wait = min(backoff, self.settings.max_backoff)
                self.on_wait(
                    f"arXiv: {last_reason}; retrying in {wait:.1f} s ({attempt}/{attempts - 1})"
                )
                time.sleep(wait)
                continue
            self._write_cache(url, body)
            return feed
        raise SourceUnavailable(f"arXiv unavailable: {last_reason}")

    def _send(self, url: str) -> bytes:
        import requests

        self._throttle()
        self.requests_sent += 1
        try:
            response = self.session.get(url, timeout=self.settings.timeout)
            body = response.content
        except requests.Timeout:
            raise _Retryable(f"no answer within {self.settings.timeout:.0f} s") from None
        except requests.RequestException as exc:
            raise _Retryable(f"cannot connect ({type(exc).__name__})", connection=True) from None
        status = response.status_code
        if status == 200:
            return body
        if status in RETRY_STATUSES:
            raise _Retryable(f"HTTP {status}", _retry_after(response.headers.get("Retry-After")))
        if status == 400:
            raise InvalidInput(f"arXiv rejected the request: {_error_summary(body)}")
        raise SourceUnavailable(f"arXiv answered HTTP {status} for {url}")

    @staticmethod
    def _validate(feed: Feed, page_size: int) -> Feed:
        # arXiv sometimes answers a valid but empty (or short) page although results exist.
        if not feed.records and feed.total > 0:
            raise _Retryable(f"empty page although {feed.total} results exist")
        if len(feed.records) < min(feed.total, page_size):
            raise _Retryable(f"short page: {len(feed.records)} of {feed.total} entries")
        return feed
