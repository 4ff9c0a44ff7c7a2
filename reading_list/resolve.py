"""Citation text (plus hints) to an arXiv id or "not found", through the arXiv client.

No database access: callers store what comes back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Protocol

from reading_list.identifiers import find_arxiv_ids
from reading_list.models import ArxivRecord, Candidate, Citation, Resolution
from reading_list.scoring import CitationQuery, broad_query, decide, plan_queries, rank

KEEP_CANDIDATES = 5
# A match this good needs no further (costly, throttled) queries.
CONFIDENT = 0.95


class IdBatchLike(Protocol):
    records: list[ArxivRecord]
    missing: list[str]


class Source(Protocol):
    def fetch_ids(
        self, arxiv_ids: list[str], *, use_cache: bool = True
    ) -> Iterator[IdBatchLike]: ...

    def search(self, query: str, max_results: int = 20) -> list[ArxivRecord]: ...


def resolve_by_search(source: Source, citation: Citation) -> tuple[Resolution, list[ArxivRecord]]:
    query = CitationQuery(citation.cited_as, citation.authors_hint, citation.year_hint)
    seen: dict[str, ArxivRecord] = {}
    sent: list[str] = []
    candidates: list[Candidate] = []
    plans = plan_queries(query)
    for plan in plans:
        sent.append(plan)
        for record in source.search(plan, max_results=25 if plan.startswith("au:") else 10):
            seen.setdefault(record.arxiv_id, record)
        candidates = rank(query, list(seen.values()))
        best, _ = decide(candidates)
        if best is not None and best.score >= CONFIDENT:
            break
    if not seen and (broad := broad_query(query)) and broad not in sent:
        sent.append(broad)
        for record in source.search(broad, max_results=10):
            seen.setdefault(record.arxiv_id, record)
        candidates = rank(query, list(seen.values()))
    best, reason = decide(candidates)
    resolution = Resolution(
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


def resolve_citations(
    source: Source,
    citations: Sequence[Citation],
    *,
    known_ids: Mapping[int, str] | None = None,
    on_result: Callable[[int, Resolution, list[ArxivRecord]], None] | None = None,
) -> list[Resolution]:
    """Resolve in input order. Id-shaped citations share one batched lookup.

    ``on_result(index, resolution, records)`` is called as each item is settled, so a caller
    can save progress before a later item fails.
    """
    results: list[Resolution | None] = [None] * len(citations)
    by_id: dict[int, str] = dict(known_ids or {})
    for index, citation in enumerate(citations):
        if index not in by_id and (ids := find_arxiv_ids(citation.cited_as)):
            by_id[index] = ids[0].id
    if by_id:
        found: dict[str, ArxivRecord] = {}
        for batch in source.fetch_ids(list(dict.fromkeys(by_id.values()))):
            found.update((r.arxiv_id, r) for r in batch.records)
        for index, arxiv_id in by_id.items():
            record = found.get(arxiv_id)
            citation = citations[index]
            resolution = Resolution(
                cited_as=citation.cited_as,
                authors_hint=citation.authors_hint,
                year_hint=citation.year_hint,
                arxiv_id=arxiv_id if record else None,
                score=1.0 if record else None,
                method="id" if record else "none",
                queries=[f"id_list={arxiv_id}"],
                reason="identifier in the citation" if record else f"arXiv has no {arxiv_id}",
            )
            results[index] = resolution
            if on_result:
                on_result(index, resolution, [record] if record else [])
    for index, citation in enumerate(citations):
        if results[index] is not None:
            continue
        resolution, records = resolve_by_search(source, citation)
        results[index] = resolution
        if on_result:
            on_result(index, resolution, records)
    return [r for r in results if r is not None]
