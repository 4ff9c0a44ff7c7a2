"""Use cases for lists: seed, import, resolve (dry run), why, review, lists."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reading_list.errors import InvalidInput, NotFound, SourceUnavailable
from reading_list.formats.references import ParsedFile, Reference, parse_references
from reading_list.formats.seeds import ManualWork, SeedItem, SeedList, available_seeds, find_seed
from reading_list.identifiers import parse_arxiv_id
from reading_list.models import (
    ArxivRecord,
    Citation,
    ImportReport,
    ListItem,
    ListSummary,
    Provenance,
    Resolution,
    SkippedLine,
    Status,
)
from reading_list.resolve import resolve_citations
from reading_list.services.library import Library, now, require_paper_id
from reading_list.services.papers import assign_citekey, insert_arxiv_record, store_records
from reading_list.services.scholarly import curated_work, store_work
from reading_list.works import WorkRecord

Progress = Callable[[int, int, str], None]


def _no_progress(_done: int, _total: int, _label: str) -> None:
    return None


def read_reference_file(path: Path) -> ParsedFile:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from None
    if b"\x00" in raw[:8192]:
        raise InvalidInput(f"{path}: binary data, not a citations file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path}: not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise InvalidInput(f"{path}: the file is empty")
    markdown = True if path.suffix.lower() in (".md", ".markdown") else None
    try:
        return parse_references(text, markdown=markdown)
    except InvalidInput as exc:
        raise InvalidInput(f"{path}: {exc}") from None


def _skipped(parsed: ParsedFile) -> list[SkippedLine]:
    return [SkippedLine(line=s.line, text=s.text, reason=s.reason) for s in parsed.skipped]


# ---- resolve: a dry run --------------------------------------------------------------------


Settle = Callable[[int, Resolution, list[ArxivRecord]], None]


def _resolve_references(lib: Library, refs: list[Reference], settle: Settle) -> None:
    """Settle each reference by its index: a link outside arXiv is a manual entry, the rest
    go to the resolver (arXiv ids and links in one batched lookup)."""
    searchable: list[int] = []
    for index, ref in enumerate(refs):
        if ref.arxiv_id is None and ref.url is not None:
            manual = Resolution(
                cited_as=ref.citation.cited_as,
                authors_hint=ref.citation.authors_hint,
                year_hint=ref.citation.year_hint,
                method="manual",
                url=ref.url,
                reason="links outside arXiv: a manual entry",
            )
            settle(index, manual, [])
        else:
            searchable.append(index)
    resolve_citations(
        lib.client,
        [refs[i].citation for i in searchable],
        known_ids={n: aid for n, i in enumerate(searchable) if (aid := refs[i].arxiv_id)},
        on_result=lambda n, resolution, records: settle(searchable[n], resolution, records),
    )


def resolve_file(
    lib: Library, path: Path, on_progress: Progress = _no_progress
) -> list[Resolution]:
    """Resolve every reference in a file without changing the library."""
    refs = read_reference_file(path).references
    out: list[Resolution | None] = [None] * len(refs)
    done = 0

    def settle(index: int, resolution: Resolution, _records: list[ArxivRecord]) -> None:
        nonlocal done
        out[index] = resolution
        done += 1
        on_progress(done, len(refs), resolution.cited_as)

    _resolve_references(lib, refs, settle)
    return [r for r in out if r is not None]


# ---- writing list items --------------------------------------------------------------------


def _tag(lib: Library, paper_id: str, tags: list[str]) -> None:
    if tags:
        lib.store.add_tags(paper_id, [t.lower() for t in tags if t])


def _manual_entry(lib: Library, work: ManualWork, at: str) -> str:
    existing = lib.store.find_manual(work.title)
    if existing:
        return existing
    citekey = assign_citekey(lib, work.authors, work.year, work.title, fallback="")
    paper_id = f"manual:{citekey}"
    lib.store.insert_paper(
        {
            "id": paper_id,
            "arxiv_id": None,
            "kind": "manual",
            "citekey": citekey,
            "title": work.title,
            "authors": work.authors,
            "year": work.year,
            "published": str(work.year) if work.year else None,
            "journal_ref": work.venue,
            "comment": work.note,
            "url": work.url,
            "added_at": at,
        }
    )
    return paper_id


def _cited_work(cited_as: str, authors_hint: str, year: int | None, url: str | None) -> ManualWork:
    """A manual entry made from how a text cites a work that is not on arXiv."""
    authors = [a.strip() for a in authors_hint.split(",") if a.strip()]
    return ManualWork(title=cited_as, authors=authors, year=year, url=url)


def _ensure_record(lib: Library, record: ArxivRecord, at: str) -> str:
    if not lib.store.existing_arxiv_ids([record.arxiv_id]):
        insert_arxiv_record(lib, record, at)
    return record.arxiv_id


def _save_resolution(
    lib: Library,
    list_name: str,
    position: int,
    resolution: Resolution,
    records: list[ArxivRecord],
    *,
    tags: list[str],
    read: bool | None,
    extra: dict[str, object] | None = None,
) -> ListItem:
    """One item, with its paper, tags and status, in one transaction."""
    at = now()
    with lib.store.write():
        paper_id = None
        if resolution.arxiv_id and records:
            paper_id = _ensure_record(lib, records[0], at)
        elif resolution.method == "manual":
            work = _cited_work(
                resolution.cited_as, resolution.authors_hint, resolution.year_hint, resolution.url
            )
            paper_id = _manual_entry(lib, work, at)
        item = ListItem(
            list=list_name,
            position=position,
            cited_as=resolution.cited_as,
            state="resolved" if resolution.arxiv_id else "manual" if paper_id else "unresolved",
            paper_id=paper_id,
            method=resolution.method,
            score=resolution.score,
            query=" | ".join(resolution.queries) or None,
            candidates=resolution.candidates,
            authors_hint=resolution.authors_hint,
            year_hint=resolution.year_hint,
            **(extra or {}),
        )
        lib.store.save_list_item(item, at)
        if paper_id:
            _tag(lib, paper_id, tags)
            # "- [x]" marks read; "- [ ]" never downgrades a paper already read.
            if read:
                paper = lib.store.get_paper(paper_id)
                if paper is not None and paper.status != Status.READ:
                    lib.store.set_status(paper_id, "read", at)
    return item


# ---- import --------------------------------------------------------------------------------


def import_file(
    lib: Library, path: Path, list_name: str, on_progress: Progress = _no_progress
) -> ImportReport:
    """Import a user's references as a list. Re-running resumes where it stopped."""
    parsed = read_reference_file(path)
    at = now()
    with lib.store.write():
        if not lib.store.list_exists(list_name):
            lib.store.upsert_list(
                list_name,
                title=list_name,
                source=path.name,
                source_date=None,
                description=None,
                at=at,
            )
    settled = lib.store.settled_positions(list_name)
    todo = [(n, ref) for n, ref in enumerate(parsed.references, 1) if n not in settled]
    report = ImportReport(list=list_name, items=[], skipped=_skipped(parsed))
    sent_before = lib.client.requests_sent
    done = 0

    def settle(index: int, resolution: Resolution, records: list[ArxivRecord]) -> None:
        nonlocal done
        position, ref = todo[index]
        _save_resolution(
            lib, list_name, position, resolution, records, tags=ref.tags, read=ref.read
        )
        done += 1
        on_progress(done, len(todo), resolution.cited_as)

    try:
        _resolve_references(lib, [ref for _, ref in todo], settle)
    except SourceUnavailable as exc:
        report.unavailable = f"{exc}; run the same import again to finish"
    report.items = lib.store.list_items(list_name)
    report.requests = lib.client.requests_sent - sent_before
    return report


# ---- seed ----------------------------------------------------------------------------------


def shipped_seeds() -> list[SeedList]:
    from reading_list.formats.seeds import load_seed_file

    return [load_seed_file(path) for path in available_seeds().values()]


def _seed_item(item: SeedItem, list_name: str, part: int = 0, **fields: object) -> ListItem:
    values: dict[str, object] = {
        "list": list_name,
        "position": item.n,
        "part": part,
        "cited_as": item.cited_as,
        "context": item.context,
        "speaker": item.speaker or None,
        "topic": item.topic,
        "authors_hint": item.authors_hint,
        "year_hint": item.year_hint,
        "note": item.note,
    }
    values.update(fields)
    return ListItem.model_validate(values)


def seed_list(lib: Library, name: str, on_progress: Progress = _no_progress) -> ImportReport:
    """Build a shipped seed list: curated ids fetched in one batch (shipped metadata offline),
    manual entries for works not on arXiv, the resolver for items without an id."""
    seed = find_seed(name)
    at = now()
    report = ImportReport(list=seed.name, items=[])
    sent_before = lib.client.requests_sent
    with lib.store.write():
        lib.store.upsert_list(
            seed.name,
            title=seed.title,
            source=seed.source.title,
            source_date=str(seed.source.year) if seed.source.year else None,
            description=seed.description,
            at=at,
        )
    pinned = [i for item in seed.items for i in item.arxiv_ids]
    missing = [i for i in pinned if i not in lib.store.existing_arxiv_ids(pinned)]
    if missing:
        try:
            for batch in lib.client.fetch_ids(missing):
                store_records(lib, batch.records, refresh=False)
                on_progress(len(pinned) - len(missing) + len(batch.records), len(pinned), "arXiv")
        except SourceUnavailable as exc:
            shipped = {p.arxiv_id: p for p in seed.papers}
            still = [i for i in missing if i not in lib.store.existing_arxiv_ids(missing)]
            # No route to arXiv: the seed carries its metadata; fetched_at stays empty so
            # `add --refresh` or `check` fills it in later.
            with lib.store.write():
                for arxiv_id in still:
                    insert_arxiv_record(lib, shipped[arxiv_id], at, fetched=False)
            report.offline = True
            report.unavailable = f"{exc}; built {len(still)} paper(s) from the seed's own metadata"
    sourced = _curated_works(lib, seed, report)
    to_resolve: list[SeedItem] = []
    for item in seed.items:
        with lib.store.write():
            if item.skip:
                lib.store.save_list_item(
                    _seed_item(item, seed.name, state="skipped", method="none", note=item.skip),
                    at,
                )
            elif item.manual:
                if item.n in sourced:
                    paper_id = store_work(lib, sourced[item.n], at)[0]
                else:
                    paper_id = _manual_entry(lib, item.manual, at)
                lib.store.save_list_item(
                    _seed_item(item, seed.name, state="manual", paper_id=paper_id, method="manual"),
                    at,
                )
                _tag(lib, paper_id, [item.topic or ""])
            elif item.arxiv_ids:
                for part, arxiv_id in enumerate(item.arxiv_ids):
                    lib.store.save_list_item(
                        _seed_item(
                            item,
                            seed.name,
                            part,
                            state="resolved",
                            paper_id=arxiv_id,
                            method="id",
                            score=1.0,
                            query=f"curated id {arxiv_id}",
                        ),
                        at,
                    )
                    _tag(lib, arxiv_id, [item.topic or ""])
            else:
                to_resolve.append(item)
    if to_resolve and not report.offline:

        def settle(index: int, resolution: Resolution, records: list[ArxivRecord]) -> None:
            item = to_resolve[index]
            _save_resolution(
                lib,
                seed.name,
                item.n,
                resolution,
                records,
                tags=[item.topic or ""],
                read=None,
                extra={
                    "context": item.context,
                    "speaker": item.speaker or None,
                    "topic": item.topic,
                    "note": item.note,
                },
            )

        citations = [
            Citation(
                cited_as=item.title_hint or item.cited_as,
                authors_hint=item.authors_hint,
                year_hint=item.year_hint,
            )
            for item in to_resolve
        ]
        try:
            resolve_citations(lib.client, citations, on_result=settle)
        except SourceUnavailable as exc:
            report.unavailable = f"{exc}; run the same seed again to finish"
    report.items = lib.store.list_items(seed.name)
    report.requests = lib.client.requests_sent - sent_before
    return report


def _curated_works(lib: Library, seed: SeedList, report: ImportReport) -> dict[int, WorkRecord]:
    """dblp's full records of the seed's works that are not on arXiv; offline (or when dblp
    fails), the seed's own metadata is used and the report says so."""
    items = [i for i in seed.items if i.manual is not None and not i.skip]
    found: dict[int, WorkRecord] = {}
    try:
        for item in items:
            work = item.manual
            assert work is not None
            record = curated_work(lib, work.title, work.authors, work.year, work.url)
            if record is not None:
                found[item.n] = record
    except SourceUnavailable as exc:
        report.notes.append(
            f"{exc}; the seed's own metadata is used for {len(items) - len(found)} of its "
            f"{len(items)} works not on arXiv"
        )
    else:
        if items:
            report.notes.append(
                f"dblp: full records for {len(found)} of {len(items)} works not on arXiv"
            )
    return found


# ---- why / review / lists ------------------------------------------------------------------


def why(lib: Library, ref: str) -> Provenance:
    """How a paper got here: its identities and the source of each field, the published
    version found for it, open lookups, and how each list cited it (method, score, queries)."""
    from reading_list.services.scholarly import provenance

    return provenance(lib, require_paper_id(lib, ref))


def unresolved(lib: Library, list_name: str | None) -> list[ListItem]:
    if list_name is not None and not lib.store.list_exists(list_name):
        raise NotFound(f"no list named {list_name!r}")
    return lib.store.list_items(list_name, unresolved_only=True)


def _one_item(lib: Library, list_name: str, position: int) -> ListItem:
    items = lib.store.list_items(list_name, position=position)
    if not items:
        raise NotFound(f"list {list_name!r} has no item {position}")
    return items[0]


def accept(lib: Library, list_name: str, position: int, arxiv_ref: str) -> ListItem:
    """Settle an item by hand with an arXiv id (a candidate's or one the user typed)."""
    item = _one_item(lib, list_name, position)
    arxiv_id = parse_arxiv_id(arxiv_ref).id
    records: list[ArxivRecord] = []
    if not lib.store.existing_arxiv_ids([arxiv_id]):
        for batch in lib.client.fetch_ids([arxiv_id]):
            records.extend(batch.records)
        if not records:
            raise NotFound(f"arXiv has no paper {arxiv_id}")
    at = now()
    with lib.store.write():
        for record in records:
            _ensure_record(lib, record, at)
        lib.store.delete_list_items(list_name, position)
        settled = item.model_copy(
            update={"state": "resolved", "paper_id": arxiv_id, "method": "manual", "part": 0}
        )
        lib.store.save_list_item(settled, at)
        _tag(lib, arxiv_id, [item.topic or ""])
    return settled


def mark_not_on_arxiv(
    lib: Library, list_name: str, position: int, *, url: str | None = None
) -> ListItem:
    item = _one_item(lib, list_name, position)
    at = now()
    with lib.store.write():
        work = _cited_work(item.cited_as, item.authors_hint, item.year_hint, url)
        paper_id = _manual_entry(lib, work, at)
        settled = item.model_copy(
            update={"state": "manual", "paper_id": paper_id, "method": "manual"}
        )
        lib.store.save_list_item(settled, at)
    return settled


def list_summaries(lib: Library) -> list[ListSummary]:
    return lib.store.list_summaries()
