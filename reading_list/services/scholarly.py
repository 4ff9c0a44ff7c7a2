"""Use cases for works beyond arXiv: add by DOI, dblp key, OpenReview id or proceedings link;
one work with several identities; the published version of every preprint, from dblp; and
where each field of a paper came from.

A record from another source is matched to the library before anything is inserted: by a
shared identity, else by the resolver's own rule (title, authors, year; score and margin), so
an arXiv preprint and its published version stay one paper. A published version is kept
beside the paper's arXiv metadata (never over it) and cited by the exports.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from reading_list.errors import SourceUnavailable
from reading_list.identifiers import WorkId, openreview_url
from reading_list.metadata import PaperMetadata
from reading_list.models import (
    AddOutcome,
    ArxivRecord,
    Candidate,
    Paper,
    Provenance,
    Resolution,
    VenueLink,
    VenueReport,
)
from reading_list.scoring import (
    MARGIN,
    STOPWORDS,
    CitationQuery,
    decide,
    normalise,
    score_candidate,
    significant_words,
)
from reading_list.services.library import Library, now
from reading_list.services.papers import assign_citekey
from reading_list.works import Identity, WorkRecord

if TYPE_CHECKING:
    from reading_list.resolve import FoundWork

Progress = Callable[[int, int, str], None]
PURPOSE = "published"
# A preprint dblp had no venue version for is asked again after this long; pending ones
# (dblp could not be asked) at every check.
RECHECK_NONE_AFTER = timedelta(days=30)
# ACL Anthology papers from 2016 on carry the DOI 10.18653/v1/<anthology id>.
ACL_DOI_PREFIX = "10.18653/v1/"
PAPER_FIELDS = ("title", "authors", "year", "published", "abstract", "doi", "journal_ref", "url")


def _no_progress(_done: int, _total: int, _label: str) -> None:
    return None


# ---- matching a record to what the library holds -------------------------------------------


def _as_candidate_record(key: str, title: str, authors: list[str], year: int | None) -> ArxivRecord:
    # The resolver's scoring reads an ArxivRecord; any work fits its title/authors/year view.
    return ArxivRecord(
        arxiv_id=key, title=title, authors=authors, published=str(year) if year else None
    )


def rank_records(
    title: str, authors: Sequence[str], year: int | None, records: Sequence[WorkRecord]
) -> tuple[list[Candidate], dict[str, WorkRecord]]:
    """Score venue records against a paper with the resolver's rule (never a preprint copy)."""
    query = CitationQuery(title, authors_hint="; ".join(authors), year_hint=year)
    by_key: dict[str, WorkRecord] = {}
    ranked: list[Candidate] = []
    for record in records:
        if record.preprint or record.key in by_key:
            continue
        by_key[record.key] = record
        ranked.append(
            score_candidate(
                query, _as_candidate_record(record.key, record.title, record.authors, record.year)
            )
        )
    ranked.sort(key=lambda c: (-c.score, c.arxiv_id))
    return ranked, by_key


def stored_twin(
    lib: Library,
    title: str,
    authors: Sequence[str],
    *,
    year: int | None = None,
    kinds: tuple[str, ...] = ("arxiv", "manual"),
    sourced_only: bool = False,
) -> str | None:
    """The stored paper with this title and these authors, if one clearly is (the resolver's
    score and margin); ``sourced_only``: only works made from a dblp/Crossref record."""
    words = [w for w in normalise(title).split() if w not in STOPWORDS][:8]
    found = [p for p in lib.store.identities.title_candidates(words) if p.kind in kinds]
    if sourced_only:
        found = [p for p in found if "work" in lib.store.identities.records_of(p.id)]
    if not found:
        return None
    query = CitationQuery(title, authors_hint="; ".join(authors), year_hint=year)
    ranked = sorted(
        (
            score_candidate(query, _as_candidate_record(p.id, p.title, p.authors, p.year))
            for p in found
        ),
        key=lambda c: (-c.score, c.arxiv_id),
    )
    best, _reason = decide(ranked)
    return best.arxiv_id if best else None


def _stored_match(lib: Library, record: WorkRecord) -> str | None:
    """The paper already in the library that this record describes, if one clearly is."""
    owner = lib.store.identities.paper_of_any(record.identities)
    if owner is not None:
        return owner
    return stored_twin(lib, record.title, record.authors, year=record.year)


# ---- add by DOI, dblp key, OpenReview id, link ----------------------------------------------


@dataclass
class WorksAdded:
    outcomes: dict[str, AddOutcome] = field(default_factory=dict)
    # arXiv ids the sources pointed to (a CoRR record, a DOI of an arXiv paper): the caller
    # adds them the arXiv way.
    arxiv: dict[str, str] = field(default_factory=dict)
    unavailable: list[str] = field(default_factory=list)


def _fetch_record(lib: Library, ident: WorkId) -> tuple[WorkRecord | None, str]:
    """The record for one identifier and which source answered (or would have)."""
    if ident.kind == "doi":
        return lib.crossref.work(ident.value), "crossref"
    if ident.kind == "acl":
        return lib.crossref.work(ACL_DOI_PREFIX + ident.value.lower()), "crossref"
    if ident.kind == "dblp":
        record = lib.dblp.record(ident.value)
        if record is not None and record.venue is None:
            # The short venue ("ICLR") is only in the search API's answer.
            hit = next(
                (r for r in lib.dblp.search_title(record.title) if r.key == ident.value), None
            )
            if hit is not None:
                record = record.model_copy(update={"venue": hit.venue})
        return record, "dblp"
    link = openreview_url(ident.value) if ident.kind == "openreview" else ident.value
    hit = lib.dblp.find_by_link(link)
    if hit is None:
        return None, "dblp"
    full = lib.dblp.record(hit.key, venue=hit.venue) or hit
    if ident.kind == "openreview" and not full.identity("openreview"):
        full.identities.append(Identity(kind="openreview", value=ident.value, source="dblp"))
    return full, "dblp"


_NOT_FOUND = {
    "doi": "the DOI system has no such DOI",
    "acl": "Crossref has no DOI for this ACL Anthology id",
    "dblp": "dblp has no record with this key",
    "openreview": "dblp lists no paper with this OpenReview forum",
    "url": "dblp lists no paper with this link (supported: OpenReview, proceedings pages)",
}


def _insert_work(lib: Library, record: WorkRecord, at: str) -> str:
    from reading_list.store import NewPaper

    citekey = assign_citekey(lib, record.authors, record.year, record.title, fallback="")
    paper = NewPaper(
        citekey=citekey,
        added_at=at,
        metadata=PaperMetadata.from_work(record),
        fetched_at=at,
        source=record.source,
    )
    lib.store.papers.insert([paper])
    return paper.id


def store_work(
    lib: Library, record: WorkRecord, at: str, *, refresh: bool = False
) -> tuple[str, str, str | None]:
    """Store a record as a new work, or link it to the paper it describes; returns the paper
    id, "added" / "exists" / "refreshed", and what was linked."""
    with lib.store.write():
        owner = _stored_match(lib, record)
        if owner is None:
            paper_id = _insert_work(lib, record, at)
            lib.store.identities.save_record(paper_id, "work", record, at)
            lib.store.identities.add(paper_id, record.identities, at)
            return paper_id, "added", None
        paper = lib.store.papers.get(owner)
        assert paper is not None
        role = "published" if paper.kind == "arxiv" else "work"
        known = lib.store.identities.records_of(owner).get(role)
        state = "exists"
        if known is None or refresh:
            lib.store.identities.save_record(owner, role, record, at)
            state = "refreshed" if known is not None else "exists"
        lib.store.identities.add(owner, record.identities, at)
        if paper.kind != "arxiv":
            return owner, state, "already in the library"
        lib.store.identities.set_lookup(owner, record.source, PURPOSE, "found", record.key, at)
        return owner, state, f"the published version of arXiv:{paper.arxiv_id}; linked"


def _settle_record(lib: Library, text: str, record: WorkRecord, refresh: bool) -> AddOutcome:
    paper_id, state, message = store_work(lib, record, now(), refresh=refresh)
    paper = lib.store.papers.get(paper_id)
    return AddOutcome(
        input=text,
        outcome=state,
        paper_id=paper_id,
        title=paper.title if paper else record.title,
        message=message,
        work_type=record.kind_label,
        venue=record.venue or record.container,
        source=record.source,
    )


def curated_work(
    lib: Library, title: str, authors: Sequence[str], year: int | None, url: str | None
) -> WorkRecord | None:
    found = curated_match(lib, title, authors, year, url)
    return found[0] if found else None


def curated_match(
    lib: Library, title: str, authors: Sequence[str], year: int | None, url: str | None
) -> tuple[WorkRecord, float] | None:
    """dblp's record of a work named by title, authors, year (and where it lives), with full
    metadata, and its score; None unless it clearly is that work (the resolver's score and
    margin). A given year is the publication's: a record two years off is another
    publication of the work."""
    named = [a for a in authors if a.strip().lower() != "others"]
    hit = lib.dblp.find_by_link(url) if url else None
    candidates = [hit] if hit is not None else []
    if not candidates:
        surname = _surname_of(named)
        words = [w for w in normalise(title).split() if w not in STOPWORDS][:10]
        query = " ".join(f"{w}$" for w in [*words, *([surname] if surname else [])])
        candidates = lib.dblp.search(query, hits=30).records if words else []
    ranked, by_key = rank_records(title, named, year, candidates)
    best, _reason = decide(ranked)
    if best is None:
        return None
    chosen = by_key[best.arxiv_id]
    if year is not None and chosen.year is not None and abs(chosen.year - year) > 1:
        return None
    return lib.dblp.record(chosen.key, venue=chosen.venue) or chosen, best.score


def add_works(lib: Library, wanted: Sequence[tuple[str, WorkId]], *, refresh: bool) -> WorksAdded:
    """Add works named by DOI, dblp key, OpenReview id, ACL id or link (not arXiv ids)."""
    result = WorksAdded()
    down: dict[str, str] = {}
    for text, ident in wanted:
        owner = lib.store.identities.paper_of(ident.kind, ident.value)
        if owner is not None and not refresh:
            paper = lib.store.papers.get(owner)
            result.outcomes[text] = AddOutcome(
                input=text,
                outcome="exists",
                paper_id=owner,
                arxiv_id=paper.arxiv_id if paper else None,
                title=paper.title if paper else None,
            )
            continue
        source = "crossref" if ident.kind in ("doi", "acl") else "dblp"
        if source in down:
            result.outcomes[text] = AddOutcome(
                input=text, outcome="pending", message=f"not fetched: {down[source]}"
            )
            continue
        try:
            record, source = _fetch_record(lib, ident)
        except SourceUnavailable as exc:
            down[source] = str(exc)
            result.unavailable.append(str(exc))
            result.outcomes[text] = AddOutcome(
                input=text, outcome="pending", message="not fetched: run the command again"
            )
            continue
        if record is None:
            result.outcomes[text] = AddOutcome(
                input=text, outcome="not-found", message=_NOT_FOUND[ident.kind]
            )
            continue
        arxiv_id = record.identity("arxiv")
        if record.preprint and arxiv_id:
            result.arxiv[text] = arxiv_id
            continue
        result.outcomes[text] = _settle_record(lib, text, record, refresh)
    return result


# ---- published versions: check ---------------------------------------------------------------


def _due(state: tuple[str, str] | None, today: datetime) -> bool:
    if state is None:
        return True
    kind, at = state
    if kind == "pending":
        return True
    if kind == "found":
        return False
    try:
        then = datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        return True
    return today - then >= RECHECK_NONE_AFTER


def _surname(paper: Paper) -> str | None:
    return _surname_of(paper.authors)


def _surname_of(authors: Sequence[str]) -> str | None:
    from reading_list.scoring import hint_surnames

    surnames = hint_surnames(authors[0]) if authors else []
    # dblp matches words by prefix: the last word of a family name ("oord" of "van den Oord").
    return surnames[0].split()[-1] if surnames and surnames[0].split() else None


def _queries(paper: Paper) -> list[tuple[str, str]]:
    """dblp searches, most specific first: the title's words and the first author's surname
    as exact words (dblp matches prefixes, and a common title such as "Learning to Optimize"
    has dozens of namesakes), the title alone (a name dblp spells otherwise), then the
    surname and the title's first words (a venue title that differs from the preprint's:
    "Nets" for "Networks")."""
    surname = _surname(paper)
    words = [w for w in normalise(paper.title).split() if w not in STOPWORDS][:10]
    plans = []
    if surname and words:
        plans.append((" ".join(f"{w}$" for w in [*words, surname]), "exact"))
    plans.append((" ".join(words), "title"))
    if surname and len(words) > 2:
        plans.append((" ".join([surname, *significant_words(paper.title)[:2]]), "loose"))
    return [(q, kind) for q, kind in dict.fromkeys(plans) if q]


def find_published(lib: Library, paper: Paper) -> tuple[WorkRecord | None, VenueLink]:
    """The venue version of one arXiv paper in dblp, accepted only with score and margin."""
    link = VenueLink(paper_id=paper.id, title=paper.title, state="none", reason="no candidates")
    records: list[WorkRecord] = []
    best: Candidate | None = None
    ranked: list[Candidate] = []
    by_key: dict[str, WorkRecord] = {}
    for query, kind in _queries(paper):
        records += lib.dblp.search(query, hits=10 if kind == "title" else 30).records
        ranked, by_key = rank_records(paper.title, paper.authors, paper.year, records)
        best, link.reason = decide(ranked)
        if best is not None:
            break
    if best is None:
        if ranked:
            link.score = ranked[0].score
            link.reason = f"{link.reason} (best: {ranked[0].arxiv_id})"
        return None, link
    hit = by_key[best.arxiv_id]
    full = lib.dblp.record(hit.key, venue=hit.venue) or hit
    if full.preprint:
        return None, link
    link.state, link.key, link.venue, link.year = "linked", hit.key, hit.venue, hit.year
    link.score = best.score
    return full, link


def link_published(
    lib: Library, papers: Sequence[Paper], on_progress: Progress = _no_progress
) -> VenueReport:
    """Look up (in dblp) the published version of every arXiv paper not linked yet; store
    each one accepted. When dblp cannot be asked, the rest are recorded as pending."""
    report = VenueReport()
    states = lib.store.identities.lookup_states("dblp", PURPOSE)
    today = datetime.now(UTC)
    todo = [p for p in papers if p.arxiv_id and _due(states.get(p.id), today)]
    # A venue version another source already gave (a DOI added by hand) is not replaced.
    known = lib.store.identities.records_for([p.id for p in todo])
    todo = [p for p in todo if "published" not in known.get(p.id, {})]
    sent_before = lib.dblp.requests_sent
    for done, paper in enumerate(todo):
        if report.unavailable is not None:
            report.pending.append(paper.id)
            with lib.store.write():
                lib.store.identities.set_lookup(
                    paper.id, "dblp", PURPOSE, "pending", report.unavailable, now()
                )
            continue
        try:
            record, link = find_published(lib, paper)
        except SourceUnavailable as exc:
            report.unavailable = str(exc)
            report.pending.append(paper.id)
            with lib.store.write():
                lib.store.identities.set_lookup(
                    paper.id, "dblp", PURPOSE, "pending", str(exc), now()
                )
            continue
        report.looked_up += 1
        at = now()
        with lib.store.write():
            if record is not None:
                taken = lib.store.identities.add(paper.id, record.identities, at)
                dblp_taken = [i for i in taken if i.kind == "dblp"]
                if dblp_taken:
                    other = lib.store.identities.paper_of("dblp", dblp_taken[0].value)
                    link.state, link.reason = "none", f"{record.key} is already {other}'s"
                    record = None
            if record is not None:
                lib.store.identities.save_record(paper.id, "published", record, at)
                lib.store.identities.set_lookup(paper.id, "dblp", PURPOSE, "found", record.key, at)
                report.linked.append(link)
            else:
                lib.store.identities.set_lookup(paper.id, "dblp", PURPOSE, "none", link.reason, at)
                report.none.append(link)
        on_progress(done + 1, len(todo), paper.id)
    report.requests = lib.dblp.requests_sent - sent_before
    return report


# ---- where it came from ------------------------------------------------------------------------


def field_sources(paper: Paper, records: dict[str, WorkRecord]) -> dict[str, str]:
    """The source of each field: arXiv (or the seed's shipped copy of it) for a preprint,
    the record it was made from for another work, dblp or Crossref for the venue fields."""
    if paper.kind == "arxiv":
        base = "arxiv" if paper.fetched_at else "seed"
    elif "work" in records:
        base = records["work"].source
    else:
        base = "manual"
    sources = {name: base for name in PAPER_FIELDS if getattr(paper, name) not in (None, "", [])}
    published = records.get("published")
    if published is not None:
        for name in published.fields:
            if name not in sources:
                sources[name] = published.source
        sources["venue"] = published.source
    return sources


def provenance(lib: Library, paper_id: str) -> Provenance:
    paper = lib.store.papers.get(paper_id)
    assert paper is not None
    records = lib.store.identities.records_of(paper_id)
    return Provenance(
        paper_id=paper_id,
        identities=lib.store.identities.of_paper(paper_id),
        field_sources=field_sources(paper, records),
        records=records,
        lookups=lib.store.identities.lookups_of(paper_id),
        items=lib.store.lists.items(paper_id=paper_id),
    )


# ---- the resolver's sources beyond arXiv ---------------------------------------------------------


class IdentifierSource:
    """dblp (keys, OpenReview forums, proceedings links) or Crossref (ACL Anthology ids)
    behind the resolver's WorkSource protocol. DOIs stay with the resolver, which asks arXiv
    first: a DOI there is a preprint's published version, one work. A source that cannot be
    asked answers nothing (the citation stays unresolved, with the reason) rather than
    stopping arXiv work."""

    def __init__(self, lib: Library, name: str, kinds: tuple[str, ...]) -> None:
        self.lib = lib
        self.name = name
        self.kinds = kinds
        self.records: dict[str, WorkRecord] = {}
        self.unavailable: str | None = None

    def handles(self, ident: WorkId) -> bool:
        return ident.kind in self.kinds and self.unavailable is None

    def lookup(self, ident: WorkId) -> FoundWork | None:
        from reading_list.resolve import FoundWork

        try:
            record, _source = _fetch_record(self.lib, ident)
        except SourceUnavailable as exc:
            self.unavailable = str(exc)
            self.lib.on_message(f"{exc}; {self.name} lookups skipped")
            return None
        if record is None:
            return None
        self.records[str(ident)] = record
        arxiv_id = record.identity("arxiv") if record.preprint else None
        return FoundWork(
            title=record.title,
            authors=record.authors,
            year=record.year,
            venue=record.venue or record.container,
            url=record.fields.get("url"),
            arxiv_id=arxiv_id,
        )


def identifier_sources(lib: Library) -> list[IdentifierSource]:
    return [
        IdentifierSource(lib, "dblp", ("dblp", "openreview", "url")),
        IdentifierSource(lib, "Crossref", ("acl",)),
    ]


class BeyondArxiv:
    """Wraps the resolver's ``on_result``: a citation arXiv has no paper for (or only papers
    too close to call) is looked up in dblp by its title, hints and year with the resolver's
    own rule, and kept as that work with dblp's full record when it clears the score and
    beats arXiv's best candidate by the margin; works an identifier source found get theirs."""

    def __init__(self, lib: Library, sources: Sequence[IdentifierSource]) -> None:
        self.lib = lib
        self.sources = sources
        self.unavailable: str | None = None

    def __call__(self, resolution: Resolution) -> Resolution:
        if resolution.method == "manual" and resolution.work is None:
            for source in self.sources:
                for query in resolution.queries:
                    if query in source.records:
                        resolution.work = source.records[query]
            return resolution
        if resolution.state not in ("not-found", "ambiguous") or self.unavailable is not None:
            return resolution
        if not any(c.isalpha() for c in resolution.cited_as):
            return resolution
        authors = [
            a.strip() for a in re.split(r",|;|\band\b|&", resolution.authors_hint) if a.strip()
        ]
        try:
            found = curated_match(
                self.lib, resolution.cited_as, authors, resolution.year_hint, resolution.url
            )
        except SourceUnavailable as exc:
            self.unavailable = str(exc)
            self.lib.on_message(f"{exc}; looking beyond arXiv stops for this run")
            return resolution
        if found is None:
            return resolution
        record, score = found
        rival = max((c.score for c in resolution.candidates), default=0.0)
        if score - rival < MARGIN:
            return resolution  # arXiv has a paper nearly as close: a person decides
        where = ", ".join(x for x in (record.kind_label, record.venue or record.container) if x)
        return resolution.model_copy(
            update={
                "state": "manual",
                "method": "manual",
                "score": score,
                "url": record.fields.get("url") or resolution.url,
                "queries": [*resolution.queries, f"dblp:{record.key}"],
                "reason": f"found by dblp ({where}): not on arXiv",
                "work": record,
            }
        )
