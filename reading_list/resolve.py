"""Citation text (plus hints and identifiers) to an arXiv id, a work outside arXiv, or "not
found", through the sources. No database access: callers store what comes back.

arXiv is the one source today (``Source``). Identifiers arXiv cannot answer (dblp keys,
OpenReview and ACL Anthology ids, DOIs it does not carry) go to ``WorkSource`` plug-ins -
the dblp and Crossref clients when they land; without one they come back "unresolved" with
that reason, never dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from reading_list.identifiers import WorkId, find_arxiv_ids
from reading_list.models import ArxivRecord, Candidate, Citation, Resolution, ResolutionState
from reading_list.scoring import (
    CitationQuery,
    broad_query,
    decide,
    plan_queries,
    rank,
)

KEEP_CANDIDATES = 5
# A match this good needs no further (costly, throttled) queries.
CONFIDENT = 0.95
# Below this a candidate is not worth a reviewer's time: the item is "not found".
PLAUSIBLE = 0.5
# Requests one citation may cost at most; a hopeless item stops sooner.
MAX_QUERIES = 5
AUTHOR_PAGE = 50


class IdBatchLike(Protocol):
    records: list[ArxivRecord]
    missing: list[str]


class Source(Protocol):
    def fetch_ids(
        self, arxiv_ids: list[str], *, use_cache: bool = True
    ) -> Iterator[IdBatchLike]: ...

    def search(self, query: str, max_results: int = 20) -> list[ArxivRecord]: ...


@dataclass(frozen=True)
class FoundWork:
    """What a bibliographic source outside arXiv knows of a work."""

    title: str
    authors: list[str]
    year: int | None = None
    venue: str | None = None
    url: str | None = None
    arxiv_id: str | None = None


class WorkSource(Protocol):
    """A source for identifiers arXiv cannot look up (dblp, Crossref, ...)."""

    name: str

    def handles(self, ident: WorkId) -> bool: ...

    def lookup(self, ident: WorkId) -> FoundWork | None: ...


@dataclass
class Lookup:
    """One citation with what its text carries besides words."""

    citation: Citation
    arxiv_id: str | None = None
    ids: list[WorkId] = field(default_factory=list)
    url: str | None = None
    line: int | None = None


def state_of(best: Candidate | None, candidates: Sequence[Candidate]) -> ResolutionState:
    if best is not None:
        return "resolved"
    if candidates and candidates[0].score >= PLAUSIBLE:
        return "ambiguous"
    return "not-found"


class SearchSession:
    """The searches of one run: an answer (an author's paper list above all) is asked once
    and reused by every later citation that needs it."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.answers: dict[tuple[str, int], list[ArxivRecord]] = {}

    def search(self, query: str, max_results: int) -> tuple[list[ArxivRecord], bool]:
        """Records and whether a request was needed."""
        key = (query, max_results)
        if key in self.answers:
            return self.answers[key], False
        records = self.source.search(query, max_results=max_results)
        self.answers[key] = records
        return records, True


def _page_size(plan: str) -> int:
    if plan.startswith("au:") and "submittedDate" in plan:
        return AUTHOR_PAGE
    return 25 if plan.startswith("au:") else 10


def resolve_by_search(
    source: Source | SearchSession, citation: Citation, *, line: int | None = None
) -> tuple[Resolution, list[ArxivRecord]]:
    session = source if isinstance(source, SearchSession) else SearchSession(source)
    query = CitationQuery(
        citation.cited_as, citation.authors_hint, citation.year_hint, citation.descriptive
    )
    seen: dict[str, ArxivRecord] = {}
    sent: list[str] = []
    candidates: list[Candidate] = []
    requests = 0
    for plan in plan_queries(query):
        if requests >= MAX_QUERIES:
            break
        sent.append(plan)
        records, fresh = session.search(plan, _page_size(plan))
        requests += fresh
        for record in records:
            seen.setdefault(record.arxiv_id, record)
        candidates = rank(query, list(seen.values()))
        best, _ = decide(candidates)
        if best is not None and best.score >= CONFIDENT:
            break
        if plan.startswith("au:") and (_hopeless(candidates) or not seen):
            break
    if not seen and requests < MAX_QUERIES and (broad := broad_query(query)) and broad not in sent:
        sent.append(broad)
        records, _ = session.search(broad, 10)
        for record in records:
            seen.setdefault(record.arxiv_id, record)
        candidates = rank(query, list(seen.values()))
    best, reason = decide(candidates)
    resolution = Resolution(
        line=line,
        state=state_of(best, candidates),
        cited_as=citation.cited_as,
        authors_hint=citation.authors_hint,
        year_hint=citation.year_hint,
        arxiv_id=best.arxiv_id if best else None,
        score=best.score if best else (candidates[0].score if candidates else None),
        method="search" if best else "none",
        queries=sent,
        candidates=candidates[:KEEP_CANDIDATES],
        reason=reason,
    )
    accepted = [seen[best.arxiv_id]] if best else []
    return resolution, accepted


def _hopeless(candidates: Sequence[Candidate]) -> bool:
    """The named author's papers were seen and none comes near the cited title: asking for
    the next author's papers would not change that."""
    by_author = [c for c in candidates if c.author_score]
    return bool(by_author) and max(c.title_score for c in by_author) < 0.4


def estimate_requests(citations: Sequence[Citation]) -> int:
    """An upper bound on the search requests the citations may cost."""
    total = 0
    for citation in citations:
        query = CitationQuery(
            citation.cited_as, citation.authors_hint, citation.year_hint, citation.descriptive
        )
        total += min(MAX_QUERIES, len(plan_queries(query)))
    return total


def _resolution(lookup: Lookup, **fields: object) -> Resolution:
    c = lookup.citation
    values: dict[str, object] = {
        "line": lookup.line,
        "cited_as": c.cited_as,
        "authors_hint": c.authors_hint,
        "year_hint": c.year_hint,
    }
    values.update(fields)
    return Resolution.model_validate(values)


def _has_words(citation: Citation) -> bool:
    return any(ch.isalpha() for ch in citation.cited_as) and not citation.cited_as.startswith(
        ("arXiv:", "doi:", "dblp:", "openreview:", "acl:", "http")
    )


def _identifier_resolution(lookup: Lookup, ident: WorkId, why: str) -> Resolution:
    return _resolution(
        lookup,
        state="unresolved",
        method="none",
        url=lookup.url,
        queries=[str(ident)],
        reason=why,
    )


def resolve_lookups(
    source: Source,
    lookups: Sequence[Lookup],
    *,
    works: Sequence[WorkSource] = (),
    on_result: Callable[[int, Resolution, list[ArxivRecord]], None] | None = None,
    on_search: Callable[[int, int], None] | None = None,
) -> list[Resolution]:
    """Resolve in input order: arXiv ids share one batched lookup; DOIs are asked of arXiv
    (records carry their published DOI), other identifiers of ``works``; the rest is searched.

    ``on_result(index, resolution, records)`` is called as each item is settled, so a caller
    can save progress before a later item fails; ``on_search(done, requests_left)`` reports
    progress with an upper bound on the requests still to come.
    """
    results: list[Resolution | None] = [None] * len(lookups)

    def settle(index: int, resolution: Resolution, records: list[ArxivRecord]) -> None:
        results[index] = resolution
        if on_result:
            on_result(index, resolution, records)

    by_id: dict[int, str] = {}
    for index, lookup in enumerate(lookups):
        arxiv_id = lookup.arxiv_id
        if arxiv_id is None and (ids := find_arxiv_ids(lookup.citation.cited_as)):
            arxiv_id = ids[0].id
        if arxiv_id is None:
            for ident in lookup.ids:
                if ident.kind == "arxiv":
                    arxiv_id = ident.value
                    break
        if arxiv_id is None:
            for work_source in works:
                for ident in lookup.ids:
                    if work_source.handles(ident) and (found := work_source.lookup(ident)):
                        if found.arxiv_id:
                            arxiv_id = found.arxiv_id
                        else:
                            settle(index, _found_resolution(lookup, found, work_source), [])
                        break
                if arxiv_id or results[index] is not None:
                    break
        if arxiv_id is not None:
            by_id[index] = arxiv_id
    if by_id:
        found_records: dict[str, ArxivRecord] = {}
        for batch in source.fetch_ids(list(dict.fromkeys(by_id.values()))):
            found_records.update((r.arxiv_id, r) for r in batch.records)
        for index, arxiv_id in by_id.items():
            record = found_records.get(arxiv_id)
            settle(
                index,
                _resolution(
                    lookups[index],
                    state="resolved" if record else "not-found",
                    arxiv_id=arxiv_id if record else None,
                    score=1.0 if record else None,
                    method="id" if record else "none",
                    queries=[f"id_list={arxiv_id}"],
                    reason="identifier in the citation" if record else f"arXiv has no {arxiv_id}",
                ),
                [record] if record else [],
            )
    session = SearchSession(source)
    pending = [i for i, r in enumerate(results) if r is None]
    left = estimate_requests(
        [lookups[i].citation for i in pending if _has_words(lookups[i].citation)]
    )
    left += sum(1 for i in pending if any(d.kind == "doi" for d in lookups[i].ids))
    for done, index in enumerate(pending):
        if on_search:
            on_search(done, left)
        lookup = lookups[index]
        before = len(session.answers)
        resolution, records = _resolve_one(session, lookup)
        left = max(0, left - (len(session.answers) - before))
        settle(index, resolution, records)
    if on_search:
        on_search(len(pending), 0)
    return [r for r in results if r is not None]


def _found_resolution(lookup: Lookup, found: FoundWork, work_source: WorkSource) -> Resolution:
    return _resolution(
        lookup,
        state="manual",
        method="manual",
        cited_as=found.title or lookup.citation.cited_as,
        authors_hint=", ".join(found.authors) or lookup.citation.authors_hint,
        year_hint=found.year or lookup.citation.year_hint,
        url=found.url or lookup.url,
        score=1.0,
        queries=[str(i) for i in lookup.ids],
        reason=f"found by {work_source.name}: not on arXiv",
    )


def _resolve_one(session: SearchSession, lookup: Lookup) -> tuple[Resolution, list[ArxivRecord]]:
    citation = lookup.citation
    dois = [i for i in lookup.ids if i.kind == "doi"]
    sent: list[str] = []
    for doi in dois[:1]:
        plan = f'doi:"{doi.value}"'
        sent.append(plan)
        records, _ = session.search(plan, 5)
        carrying = [r for r in records if doi.value in (r.doi or "").lower().split()]
        if len(carrying) == 1:
            return (
                _resolution(
                    lookup,
                    state="resolved",
                    arxiv_id=carrying[0].arxiv_id,
                    score=1.0,
                    method="id",
                    queries=sent,
                    reason=f"the arXiv record carries DOI {doi.value}",
                ),
                carrying,
            )
    if _has_words(citation):
        resolution, records = resolve_by_search(session, citation, line=lookup.line)
        resolution.queries = sent + resolution.queries
        if resolution.arxiv_id is None and lookup.url:
            # A work the citation links to outside arXiv: kept with its link, as cited.
            resolution = resolution.model_copy(
                update={
                    "state": "manual",
                    "method": "manual",
                    "url": lookup.url,
                    "reason": f"not found on arXiv ({resolution.reason}); kept with its link",
                }
            )
        return resolution, records
    ident = next((i for i in lookup.ids if i.kind != "arxiv"), None)
    if ident is None:
        return _resolution(lookup, state="not-found", method="none", reason="nothing to search"), []
    if ident.kind == "url":
        why = "a link with no title beside it: nothing to search arXiv with"
    else:
        why = f"{ident}: identifier, not looked up: needs the dblp/Crossref source" + (
            " (arXiv has no record carrying this DOI)" if ident.kind == "doi" else ""
        )
    resolution = _identifier_resolution(lookup, ident, why)
    resolution.queries = sent + resolution.queries
    return resolution, []


def resolve_citations(
    source: Source,
    citations: Sequence[Citation],
    *,
    known_ids: Mapping[int, str] | None = None,
    on_result: Callable[[int, Resolution, list[ArxivRecord]], None] | None = None,
) -> list[Resolution]:
    """Resolve plain citations (with optional known arXiv ids by index), in input order."""
    known = dict(known_ids or {})
    lookups = [Lookup(c, arxiv_id=known.get(i)) for i, c in enumerate(citations)]
    return resolve_lookups(source, lookups, on_result=on_result)
