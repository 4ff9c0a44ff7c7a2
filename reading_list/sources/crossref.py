"""The Crossref client: the REST API (``/works/{doi}``, ``/works?query.bibliographic=``) and
doi.org content negotiation (CSL-JSON), each through its own shared transport.

Crossref's polite pool wants a ``mailto`` (READING_LIST_CROSSREF_MAILTO), sent as a parameter
and in the User-Agent. doi.org answers a metadata request with a redirect to the registration
agency (for Crossref DOIs, api.crossref.org's transform route): that cross-host hop is the one
redirect this client allows. Crossref is known to answer 404 for DOIs that exist
(CrossRef/rest-api-doc#564), so a 404 is asked again once, then doi.org has the last word.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from reading_list import __version__
from reading_list.config import Settings
from reading_list.errors import SourceUnavailable
from reading_list.identifiers import normalise_doi
from reading_list.sources.http import Answer, Policy, Retryable, Transport, origin, redact
from reading_list.works import EntryType, Identity, SourceName, WorkRecord

CSL_JSON = "application/vnd.citationstyles.csl+json"
# Where doi.org sends a metadata request: Crossref's API, and the other agencies' services.
AGENCY_ORIGINS = frozenset(
    {
        "https://api.crossref.org",
        "https://data.crossref.org",
        "https://api.datacite.org",
        "https://data.crosscite.org",
    }
)
_TYPES: dict[str, EntryType] = {
    # Crossref types
    "journal-article": "article",
    "proceedings-article": "inproceedings",
    "book-chapter": "incollection",
    "book-section": "incollection",
    "book-part": "incollection",
    "reference-entry": "incollection",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
    "book-set": "book",
    "proceedings": "proceedings",
    "dissertation": "phdthesis",
    "report": "techreport",
    # CSL types (doi.org has sent both)
    "article-journal": "article",
    "paper-conference": "inproceedings",
    "chapter": "incollection",
    "thesis": "phdthesis",
}
_TAG = re.compile(r"<[^>]{1,200}>")


def _first(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if not isinstance(value, str):
        return None
    # Crossref titles may carry JATS markup ("The role of <scp>AI</scp>").
    text = " ".join(_TAG.sub("", value).split())
    return text or None


def _year(message: dict[str, Any]) -> int | None:
    for name in ("issued", "published-print", "published-online", "published", "created"):
        parts = (message.get(name) or {}).get("date-parts") or []
        if parts and isinstance(parts[0], list) and parts[0] and isinstance(parts[0][0], int):
            return int(parts[0][0])
    return None


def _people(values: Any) -> list[str]:
    out: list[str] = []
    for person in values if isinstance(values, list) else []:
        if not isinstance(person, dict):
            continue
        given = " ".join(str(person.get("given") or "").split())
        family = " ".join(str(person.get("family") or "").split())
        name = " ".join(p for p in (given, family) if p) or " ".join(
            str(person.get("name") or person.get("literal") or "").split()
        )
        if name:
            out.append(name)
    return out


def message_to_record(message: dict[str, Any], source: SourceName) -> WorkRecord | None:
    """A Crossref work message (REST) or its CSL-JSON transform (doi.org) as a record."""
    doi_text = message.get("DOI")
    title = _first(message.get("title"))
    if not isinstance(doi_text, str) or not title:
        return None
    doi = normalise_doi(doi_text)
    subtitle = _first(message.get("subtitle"))
    if subtitle and subtitle.lower() not in title.lower():
        title = f"{title}: {subtitle}"
    entry_type = _TYPES.get(str(message.get("type") or ""), "misc")
    container = _first(message.get("container-title"))
    short = _first(message.get("short-container-title")) or _first(
        message.get("container-title-short")
    )
    fields: dict[str, str] = {}
    if container:
        if entry_type == "article":
            fields["journal"] = container
        elif entry_type in ("inproceedings", "incollection"):
            fields["booktitle"] = container
        elif entry_type in ("book", "proceedings"):
            fields["series"] = container
    for name, key in (("volume", "volume"), ("number", "issue"), ("pages", "page")):
        value = _first(message.get(key))
        if value:
            fields[name] = re.sub(r"\s*[–—]\s*", "-", value) if name == "pages" else value
    publisher = _first(message.get("publisher"))
    if publisher:
        fields["publisher" if entry_type != "phdthesis" else "school"] = publisher
    for name, key in (("isbn", "ISBN"), ("issn", "ISSN")):
        value = _first(message.get(key))
        if value:
            fields[name] = value
    fields["doi"] = doi
    fields["url"] = f"https://doi.org/{doi}"
    return WorkRecord(
        source=source,
        key=doi,
        entry_type=entry_type,
        title=title,
        authors=_people(message.get("author")) or _people(message.get("editor")),
        year=_year(message),
        venue=short or container,
        fields=fields,
        identities=[Identity(kind="doi", value=doi, source=source)],
        preprint=message.get("type") == "posted-content",
    )


def _json(answer: Answer, what: str) -> Any:
    if answer.looks_like_html():
        raise Retryable(f"an HTML page instead of {what}")
    try:
        return json.loads(answer.body)
    except ValueError:
        raise Retryable(f"the {what} was cut off or garbled") from None


class CrossrefClient:
    """Throttled, cached, retrying access to api.crossref.org and doi.org."""

    def __init__(self, settings: Settings, *, on_wait: Callable[[str], None] | None = None) -> None:
        self.settings = settings
        self.base = settings.crossref_url.rstrip("/")
        self.doi_base = settings.doi_url.rstrip("/")
        self.mailto = settings.crossref_mailto
        agent = f"reading-list/{__version__}"
        if self.mailto:
            agent += f" (mailto:{self.mailto})"

        def policy(service: str, cache: str, origins: frozenset[str]) -> Policy:
            return Policy.from_settings(
                settings,
                service=service,
                cache_name=cache,
                delay=settings.crossref_delay,
                redirect_origins=origins,
                headers={"User-Agent": agent},
                cache_suffix=".json",
            )

        self.rest = Transport(policy("Crossref", "crossref", frozenset()), on_wait=on_wait)
        # doi.org may only hand over to Crossref (the configured one too) and the agencies.
        self.resolver = Transport(
            policy("doi.org", "doi", AGENCY_ORIGINS | {origin(self.base)}), on_wait=on_wait
        )

    @property
    def requests_sent(self) -> int:
        return self.rest.requests_sent + self.resolver.requests_sent

    def _params(self, extra: dict[str, str]) -> str:
        params = dict(extra)
        if self.mailto:
            params["mailto"] = self.mailto
        return urlencode(params)

    def work(self, doi: str) -> WorkRecord | None:
        """The work with this DOI, from Crossref or (when Crossref has none) from doi.org's
        registration agency; None when the DOI system does not know it."""
        record = self._rest_work(doi)
        if record is not None:
            return record
        return self._negotiated_work(doi)

    def _rest_work(self, doi: str) -> WorkRecord | None:
        query = self._params({})
        url = f"{self.base}/works/{quote(doi, safe='')}" + (f"?{query}" if query else "")
        not_found = {"times": 0}

        def parse(answer: Answer) -> WorkRecord | None:
            if answer.status == 404:
                not_found["times"] += 1
                if not_found["times"] == 1:
                    raise Retryable("'Resource not found' (Crossref's 404s can be transient)")
                return None
            if answer.status != 200:
                raise SourceUnavailable(
                    f"Crossref answered HTTP {answer.status} for {redact(answer.url)}"
                )
            data = _json(answer, "JSON")
            message = data.get("message") if isinstance(data, dict) else None
            if not isinstance(message, dict):
                raise Retryable("the JSON is not a Crossref work")
            record = message_to_record(message, "crossref")
            if record is None:
                raise Retryable("the Crossref work has no DOI or title")
            return record

        fetched = self.rest.fetch(url, parse)
        if fetched.value is not None:
            fetched.commit()
        return fetched.value

    def _negotiated_work(self, doi: str) -> WorkRecord | None:
        url = f"{self.doi_base}/{quote(doi, safe='/')}"
        not_found = {"times": 0}

        def parse(answer: Answer) -> WorkRecord | None:
            if answer.status in (404, 400):
                not_found["times"] += 1
                if answer.status == 404 and not_found["times"] == 1:
                    raise Retryable("'DOI Not Found' (asked once more in case it is transient)")
                return None
            if answer.status == 406:
                return None  # the agency has no CSL-JSON for it
            if answer.status != 200:
                raise SourceUnavailable(
                    f"doi.org answered HTTP {answer.status} for {redact(answer.url)}"
                )
            message = _json(answer, "CSL-JSON")
            if not isinstance(message, dict):
                raise Retryable("the CSL-JSON is not one work")
            record = message_to_record(message, "doi.org")
            if record is None:
                raise Retryable("the CSL-JSON has no DOI or title")
            return record

        fetched = self.resolver.fetch(url, parse, headers={"Accept": CSL_JSON})
        if fetched.value is not None:
            fetched.commit()
        return fetched.value

    def search(self, bibliographic: str, *, rows: int = 5) -> list[WorkRecord]:
        """Works whose metadata best matches a citation, best first (Crossref's ranking)."""
        query = self._params({"query.bibliographic": bibliographic, "rows": str(rows)})
        url = f"{self.base}/works?{query}"

        def parse(answer: Answer) -> list[WorkRecord]:
            if answer.status != 200:
                raise SourceUnavailable(
                    f"Crossref answered HTTP {answer.status} for {redact(answer.url)}"
                )
            data = _json(answer, "JSON")
            message = data.get("message") if isinstance(data, dict) else None
            if not isinstance(message, dict) or not isinstance(message.get("items"), list):
                raise Retryable("the JSON is not a Crossref work list")
            items = message["items"]
            total = message.get("total-results")
            if not items and isinstance(total, int) and total > 0:
                raise Retryable(f"an empty page although {total} works match")
            return [
                r
                for item in items
                if isinstance(item, dict)
                if (r := message_to_record(item, "crossref")) is not None
            ]

        fetched = self.rest.fetch(url, parse)
        fetched.commit()
        return fetched.value
