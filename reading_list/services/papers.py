"""Use cases. Each public function is what one CLI command calls; all return models."""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from reading_list.citekeys import base_citekey, unique_citekey
from reading_list.errors import InvalidIdentifier, InvalidInput, NotFound, SourceUnavailable
from reading_list.metadata import PaperMetadata
from reading_list.services.library import Library, now, require_paper_id
from reading_list.status import STATUSES
from reading_list.tags import parse_changes

if TYPE_CHECKING:
    from reading_list.identifiers import WorkId
    from reading_list.models import AddOutcome, ArxivRecord, Paper, PaperDetail
    from reading_list.selection import PaperFilter
    from reading_list.store import NewPaper


# ---- helpers shared by the use cases ------------------------------------------------------


def assign_citekey(
    lib: Library,
    authors: Sequence[str],
    year: int | None,
    title: str,
    fallback: str,
    *,
    organisation: str = "",
) -> str:
    base = base_citekey(
        list(authors),
        year,
        title,
        fallback=fallback,
        organisation=organisation,
        pattern=lib.citekey_pattern,
    )
    return unique_citekey(base, lib.store.papers.citekeys_with_prefix(base))


def new_arxiv_paper(
    lib: Library, record: ArxivRecord, at: str, *, fetched: bool = True
) -> NewPaper:
    """A paper from arXiv metadata, with a fresh citekey; ``fetched=False`` for metadata that
    did not come from arXiv now. Call inside the write that stores it (the key is free then)."""
    from reading_list.store import NewPaper

    metadata = PaperMetadata.from_arxiv(record)
    citekey = assign_citekey(lib, record.authors, metadata.year, record.title, record.arxiv_id)
    return NewPaper(
        citekey=citekey,
        added_at=at,
        metadata=metadata,
        arxiv_id=record.arxiv_id,
        fetched_at=at if fetched else None,
    )


def store_records(lib: Library, records: Iterable[ArxivRecord], refresh: bool) -> list[str]:
    """Insert new papers and (when refreshing) update known ones in one transaction.

    Returns the ids that were newly inserted. The citekey is never touched by a refresh.
    """

    at = now()
    # One answer can list a paper twice; it is stored once.
    records = list({r.arxiv_id: r for r in records}.values())
    inserted = []
    with lib.store.write():
        # Checked under the write lock: another process may have stored some meanwhile.
        known = lib.store.papers.existing_arxiv_ids(r.arxiv_id for r in records)
        twins = lib.store.identities.has_work_records()
        for record in records:
            if record.arxiv_id in known:
                if refresh:
                    lib.store.papers.refresh(
                        record.arxiv_id, PaperMetadata.from_arxiv(record), fetched_at=at
                    )
                continue
            twin = preprint_twin(lib, record) if twins else None
            if twin is not None:
                # Added earlier by DOI, dblp key or OpenReview id: one work, not two entries.
                lib.store.identities.adopt_as_arxiv(twin, record.arxiv_id, at)
                lib.store.papers.refresh(
                    record.arxiv_id, PaperMetadata.from_arxiv(record), fetched_at=at
                )
                continue
            lib.store.papers.insert([new_arxiv_paper(lib, record, at)])
            inserted.append(record.arxiv_id)
    return inserted


def preprint_twin(lib: Library, record: ArxivRecord) -> str | None:
    """A work from another source (not arXiv) that this arXiv record is the preprint of."""
    from reading_list.services.scholarly import stored_twin

    return stored_twin(lib, record.title, record.authors, kinds=("manual",), sourced_only=True)


# ---- issue 3: add / list / show / status / tag / note / rm / open ---------------------------


@dataclass
class AddReport:
    outcomes: list[AddOutcome]
    unavailable: str | None = None
    requests: int = 0


def add_papers(lib: Library, inputs: list[str], *, refresh: bool = False) -> AddReport:
    """Add papers by arXiv id or URL (one batched lookup for the ones not already stored), and
    other works by DOI, dblp key, OpenReview id or proceedings link (services/scholarly.py)."""
    from reading_list.identifiers import parse_work_id
    from reading_list.models import AddOutcome
    from reading_list.services.scholarly import add_works

    outcomes: dict[str, AddOutcome] = {}
    order: list[str] = []
    wanted: list[str] = []
    works: list[tuple[str, WorkId]] = []
    for raw in inputs:
        text = raw.strip()
        if not text or text in outcomes or any(t == text for t, _ in works):
            continue
        order.append(text)
        try:
            ident = parse_work_id(text)
        except InvalidIdentifier as exc:
            outcomes[text] = AddOutcome(input=text, outcome="invalid", message=str(exc))
            continue
        if ident.kind != "arxiv":
            works.append((text, ident))
            continue
        outcomes[text] = AddOutcome(input=text, arxiv_id=ident.value, outcome="pending")
        wanted.append(ident.value)
    sent_before = sum(lib.requests_by_source().values())
    unavailable: list[str] = []
    if works:
        added = add_works(lib, works, refresh=refresh)
        outcomes.update(added.outcomes)
        unavailable += added.unavailable
        for text, arxiv_id in added.arxiv.items():
            outcomes[text] = AddOutcome(input=text, arxiv_id=arxiv_id, outcome="pending")
            wanted.append(arxiv_id)
    known = lib.store.papers.existing_arxiv_ids(wanted)
    to_fetch = list(dict.fromkeys(i for i in wanted if refresh or i not in known))
    titles: dict[str, str] = {}
    unreadable: dict[str, str] = {}
    results: dict[str, str] = dict.fromkeys(known, "exists")
    try:
        batches = lib.client.fetch_ids(to_fetch, use_cache=not refresh) if to_fetch else []
        for batch in batches:
            inserted = set(store_records(lib, batch.records, refresh))
            for record in batch.records:
                titles[record.arxiv_id] = record.title
                if record.arxiv_id in inserted:
                    results[record.arxiv_id] = "added"
                else:
                    results[record.arxiv_id] = "refreshed" if refresh else "exists"
            for missing in batch.missing:
                results[missing] = "not-found"
            for arxiv_id, reason in batch.unreadable.items():
                results[arxiv_id] = "not-found"
                unreadable[arxiv_id] = reason
    except SourceUnavailable as exc:
        unavailable.append(f"{exc}; still pending: {', '.join(exc.pending)}")
    for outcome in outcomes.values():
        if outcome.arxiv_id is None or outcome.outcome != "pending":
            continue
        state = results.get(outcome.arxiv_id, "pending")
        outcome.outcome = state  # type: ignore[assignment]
        if outcome.arxiv_id in unreadable:
            outcome.message = f"arXiv's entry for it is unreadable ({unreadable[outcome.arxiv_id]})"
        elif state == "not-found":
            outcome.message = "arXiv has no paper with this id"
        elif state == "pending":
            outcome.message = "not fetched: arXiv unavailable; run the command again"
        if state in ("exists", "added", "refreshed"):
            paper = lib.store.papers.get(outcome.arxiv_id)
            outcome.paper_id = outcome.arxiv_id
            outcome.title = titles.get(outcome.arxiv_id) or (paper.title if paper else None)
    requests = sum(lib.requests_by_source().values()) - sent_before
    return AddReport([outcomes[t] for t in order], "; ".join(unavailable) or None, requests)


def check_filter(lib: Library, flt: PaperFilter) -> PaperFilter:
    """The filter checked against the library, its ids (any form a paper is named by)
    resolved to stored ids."""
    if flt.list_name is not None and not lib.store.lists.exists(flt.list_name):
        raise NotFound(f"no list named {flt.list_name!r}")
    for status in flt.statuses:
        parse_status(status)
    if not flt.ids:
        return flt
    return replace(flt, ids=[require_paper_id(lib, ref) for ref in flt.ids])


def stream_papers(lib: Library, flt: PaperFilter) -> Generator[Paper, None, None]:
    """The papers of a selection, streamed from one snapshot of the library."""
    return _snapshot_papers(lib, check_filter(lib, flt))


def _snapshot_papers(lib: Library, flt: PaperFilter) -> Generator[Paper, None, None]:
    with lib.store.snapshot():
        yield from lib.store.papers.iter(flt)


def list_paper_rows(lib: Library, flt: PaperFilter) -> Iterator[tuple[Any, ...]]:
    """The same selection as stream_papers as plain rows, streamed (see Papers.lines)."""
    return lib.store.papers.lines(check_filter(lib, flt))


def paper_ids(lib: Library, refs: Iterable[str]) -> list[str]:
    """The stored ids of papers named in any form, each once, in order."""
    return list(dict.fromkeys(require_paper_id(lib, ref) for ref in refs))


def show_paper(lib: Library, ref: str) -> PaperDetail:
    from reading_list.services.scholarly import provenance

    paper_id = require_paper_id(lib, ref)
    detail = lib.store.papers.detail(paper_id)
    assert detail is not None
    where = provenance(lib, paper_id)
    detail.identities = where.identities
    detail.field_sources = where.field_sources
    detail.records = where.records
    detail.lookups = where.lookups
    return detail


def parse_status(value: str) -> str:
    status = value.strip().lower()
    if status not in STATUSES:
        choices = ", ".join(STATUSES)
        raise InvalidInput(f"unknown status {value!r}; use one of: {choices}")
    return status


def set_status(lib: Library, ref: str, status: str) -> tuple[str, str]:
    """Record a status change (with its time and the version then current); returns the
    paper's id and the status. Kept free of models: it is the command people run most."""
    new = parse_status(status)
    paper_id = require_paper_id(lib, ref)
    lib.store.papers.set_status(paper_id, new, now())
    return paper_id, new


def set_statuses(lib: Library, paper_ids: Sequence[str], status: str) -> int:
    """Set the status of many papers (``select_papers`` chose them) in one transaction;
    returns how many changed (a paper already at that status keeps its history as it is)."""
    new = parse_status(status)
    at = now()
    changed = 0
    with lib.store.write():
        for paper_id in paper_ids:
            if lib.store.papers.status_of(paper_id) != new:
                lib.store.papers.set_status(paper_id, new, at)
                changed += 1
    return changed


def select_papers(lib: Library, flt: PaperFilter) -> list[tuple[Any, ...]]:
    """What a bulk change (``-q QUERY``) would touch, as listing rows, to show first."""
    return list(list_paper_rows(lib, flt))


def set_priority_rating(
    lib: Library, ref: str, *, priority: int | None = None, rating: int | None = None
) -> PaperDetail:
    if rating is not None and not 1 <= rating <= 5:
        raise InvalidInput(f"rating {rating} is outside 1-5")
    paper_id = require_paper_id(lib, ref)
    lib.store.papers.update(paper_id, priority=priority, rating=rating)
    return show_paper(lib, paper_id)


def change_tags(lib: Library, ref: str, changes: list[str]) -> tuple[str, list[str]]:
    """``+x`` adds tag x, ``-y`` removes y (see tags.parse_changes); returns the id and its
    tags now. Tags match whatever their case or separators (``Program synthesis`` is
    ``program-synthesis``)."""
    adding, removing = parse_changes(changes)
    paper_id = require_paper_id(lib, ref)
    with lib.store.write():
        lib.store.tags.remove(paper_id, removing)
        lib.store.tags.add(paper_id, adding)
    return paper_id, lib.store.tags.of(paper_id)


def change_tags_of(lib: Library, paper_ids: Sequence[str], changes: list[str]) -> int:
    """The same change on many papers in one transaction; returns how many papers."""
    adding, removing = parse_changes(changes)
    with lib.store.write():
        for paper_id in paper_ids:
            lib.store.tags.remove(paper_id, removing)
            lib.store.tags.add(paper_id, adding)
    return len(paper_ids)


def clear_rating(lib: Library, ref: str) -> PaperDetail:
    paper_id = require_paper_id(lib, ref)
    lib.store.papers.clear_rating(paper_id)
    return show_paper(lib, paper_id)


def add_note(lib: Library, ref: str, text: str) -> PaperDetail:
    if not text.strip():
        raise InvalidInput("the note is empty; nothing was saved")
    paper_id = require_paper_id(lib, ref)
    lib.store.papers.add_note(paper_id, text.rstrip(), now())
    return show_paper(lib, paper_id)


def _note_id(lib: Library, paper_id: str, number: int) -> int:
    ids = lib.store.papers.note_ids(paper_id)
    if not 1 <= number <= len(ids):
        have = f"notes 1-{len(ids)}" if len(ids) > 1 else "note 1" if ids else "no notes"
        raise NotFound(f"{paper_id} has no note {number} (it has {have}; `show` numbers them)")
    return ids[number - 1]


def note_text(lib: Library, ref: str, number: int) -> str:
    """Note ``number`` (1-based, as `show` numbers them) of a paper, to edit."""
    return lib.store.papers.note_text(_note_id(lib, require_paper_id(lib, ref), number))


def edit_note(lib: Library, ref: str, number: int, text: str) -> PaperDetail:
    if not text.strip():
        raise InvalidInput(f"the new text is empty; note {number} is unchanged (--delete drops it)")
    paper_id = require_paper_id(lib, ref)
    note_id = _note_id(lib, paper_id, number)
    lib.store.papers.replace_note(note_id, text.rstrip())
    return show_paper(lib, paper_id)


def delete_note(lib: Library, ref: str, number: int) -> PaperDetail:
    paper_id = require_paper_id(lib, ref)
    note_id = _note_id(lib, paper_id, number)
    lib.store.papers.delete_note(note_id)
    return show_paper(lib, paper_id)


def remove_paper(lib: Library, ref: str) -> Paper:
    paper_id = require_paper_id(lib, ref)
    paper = lib.store.papers.get(paper_id)
    assert paper is not None
    lib.store.papers.delete(paper_id)
    return paper


def remove_papers(lib: Library, paper_ids: Sequence[str]) -> int:
    """Remove many papers (with their tags, notes and history) in one transaction."""
    lib.store.papers.delete_many(paper_ids)
    return len(paper_ids)


def paper_url(lib: Library, ref: str, *, pdf: bool) -> str:
    """The paper's web page or PDF; only http(s) links, which a browser may be handed."""
    paper = show_paper(lib, ref)
    url = paper.pdf_url if pdf else paper.url
    if url and url.split(":", 1)[0].lower() in ("http", "https"):
        return url
    raise NotFound(f"{ref} has no {'PDF' if pdf else 'web'} link")
