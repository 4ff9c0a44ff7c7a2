"""Use cases that make lists: seed, import, resolve (a dry run), and the extraction behind them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reading_list.errors import InvalidInput, SourceUnavailable
from reading_list.formats.reference_lines import author_names
from reading_list.formats.references import ParsedFile, Reference, parse_references
from reading_list.formats.seeds import ManualWork, SeedItem, SeedList
from reading_list.metadata import PaperMetadata
from reading_list.models import (
    ArxivRecord,
    Citation,
    ExtractedReference,
    ExtractionReport,
    ImportReport,
    LineCounts,
    ListItem,
    Resolution,
    ResolveReport,
    SkippedLine,
)
from reading_list.resolve import Lookup, resolve_citations, resolve_lookups
from reading_list.services.inputs import MAX_TEXT_BYTES, read_input
from reading_list.services.library import Library, now
from reading_list.services.papers import assign_citekey, new_arxiv_paper, store_records
from reading_list.services.scholarly import (
    BeyondArxiv,
    IdentifierSource,
    curated_work,
    identifier_sources,
    store_work,
)
from reading_list.services.seeds import available_seeds, find_seed, load_seed_file
from reading_list.status import Status
from reading_list.works import WorkRecord

Progress = Callable[[int, int, str], None]


def _no_progress(_done: int, _total: int, _label: str) -> None:
    return None


STDIN = Path("-")


def _read_bytes(path: Path) -> tuple[bytes, str]:
    """The raw input and a name for messages; ``-`` is standard input (bounded)."""
    if path != STDIN:
        return read_input(path, limit=MAX_TEXT_BYTES), str(path)
    import sys

    raw = sys.stdin.buffer.read(MAX_TEXT_BYTES + 1)
    if len(raw) > MAX_TEXT_BYTES:
        raise InvalidInput(f"standard input: larger than {MAX_TEXT_BYTES // 2**20} MB")
    return raw, "standard input"


def read_reference_file(path: Path) -> ParsedFile:
    raw, name = _read_bytes(path)
    if b"\x00" in raw[:8192]:
        raise InvalidInput(f"{name}: binary data, not a citations file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{name}: not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise InvalidInput(f"{name}: the file is empty")
    markdown = True if path.suffix.lower() in (".md", ".markdown") else None
    try:
        return parse_references(text, markdown=markdown)
    except InvalidInput as exc:
        raise InvalidInput(f"{name}: {exc}") from None


def _skipped(parsed: ParsedFile) -> list[SkippedLine]:
    return [SkippedLine(line=s.line, text=s.text, reason=s.reason) for s in parsed.skipped]


def _counts(parsed: ParsedFile, states: dict[str, int]) -> LineCounts:
    return LineCounts(
        lines=parsed.lines,
        reference_lines=parsed.reference_lines,
        references=len(parsed.references),
        skipped=len({s.line for s in parsed.skipped}),
        blank=parsed.blank,
        headings=parsed.headings,
        states=dict(sorted(states.items())),
    )


def extract_file(path: Path) -> ExtractionReport:
    """What a file holds, before any lookup: the references and every skipped line."""
    parsed = read_reference_file(path)
    refs = [
        ExtractedReference(
            line=ref.line,
            cited_as=ref.citation.cited_as,
            authors_hint=ref.citation.authors_hint,
            year_hint=ref.citation.year_hint,
            venue=ref.venue,
            identifiers=[f"arxiv:{ref.arxiv_id}"] * bool(ref.arxiv_id) + [str(i) for i in ref.ids],
            url=ref.url,
            descriptive=ref.citation.descriptive,
            text=ref.text,
        )
        for ref in parsed.references
    ]
    return ExtractionReport(
        mode=parsed.mode, references=refs, skipped=_skipped(parsed), counts=_counts(parsed, {})
    )


# ---- resolve: a dry run --------------------------------------------------------------------


Settle = Callable[[int, Resolution, list[ArxivRecord]], None]


def _estimate(lib: Library, on_progress: Progress, total: int) -> Callable[[int, int], None]:
    """Progress with what is left: requests at most, and the time they take at the delay."""
    delay = lib.settings.arxiv_delay
    told = False

    def on_search(done: int, requests_left: int) -> None:
        nonlocal told
        if not told and requests_left:
            told = True
            lib.on_message(
                f"searching arXiv for {total - done} reference(s): at most {requests_left} "
                f"request(s), ~{requests_left * delay:.0f} s at {delay:g} s each"
            )
        on_progress(done, total, f"~{requests_left} request(s) left")

    return on_search


def _resolve_references(
    lib: Library, refs: list[Reference], settle: Settle, on_progress: Progress = _no_progress
) -> None:
    """Settle each reference by its index: ids in one batched lookup, the rest searched;
    a reference with a link outside arXiv that arXiv does not have is kept with its link."""
    lookups = [
        Lookup(ref.citation, arxiv_id=ref.arxiv_id, ids=ref.ids, url=ref.url, line=ref.line)
        for ref in refs
    ]
    sources = identifier_sources(lib)
    resolve_lookups(
        lib.client,
        lookups,
        works=sources,
        on_result=_beyond_arxiv(lib, settle, sources),
        on_search=_estimate(lib, on_progress, len(refs)),
    )


def _beyond_arxiv(lib: Library, settle: Settle, sources: list[IdentifierSource]) -> Settle:
    """Citations arXiv has no paper for are looked up in dblp before they are settled."""
    beyond = BeyondArxiv(lib, sources)

    def wrapped(index: int, resolution: Resolution, records: list[ArxivRecord]) -> None:
        settle(index, beyond(resolution), records)

    return wrapped


def resolve_file(lib: Library, path: Path, on_progress: Progress = _no_progress) -> ResolveReport:
    """Resolve every reference in a file without changing the library."""
    parsed = read_reference_file(path)
    refs = parsed.references
    out: list[Resolution | None] = [None] * len(refs)
    sent_before = lib.client.requests_sent if refs else 0
    report = ResolveReport(results=[], skipped=_skipped(parsed))

    def settle(index: int, resolution: Resolution, _records: list[ArxivRecord]) -> None:
        out[index] = resolution

    try:
        _resolve_references(lib, refs, settle, on_progress)
    except SourceUnavailable as exc:
        report.unavailable = f"{exc}; what was resolved is shown, run it again for the rest"
    report.results = [r for r in out if r is not None]
    states: dict[str, int] = {}
    for resolution in report.results:
        states[resolution.state] = states.get(resolution.state, 0) + 1
    report.counts = _counts(parsed, states)
    report.requests = (lib.client.requests_sent - sent_before) if refs else 0
    return report


# ---- writing list items --------------------------------------------------------------------


def tag_paper(lib: Library, paper_id: str, tags: list[str]) -> None:
    if tags:
        lib.store.tags.add(paper_id, [t for t in tags if t.strip()])


def add_manual_entry(lib: Library, work: ManualWork, at: str) -> str:
    """The id of the manual entry for ``work``, made if it is new. Call inside a write."""
    from reading_list.formats.manual import site_name
    from reading_list.store import NewPaper

    existing = lib.store.papers.find_manual(work.title)
    if existing:
        return existing
    metadata = PaperMetadata(
        title=work.title,
        authors=tuple(work.authors),
        year=work.year,
        published=str(work.year) if work.year else None,
        journal_ref=work.venue,
        comment=work.note,
        url=work.url,
    )
    # A page with no author is keyed by its site ("distill2017momentum").
    site = site_name(work.url) if work.url and not work.authors else ""
    citekey = assign_citekey(lib, work.authors, work.year, work.title, "", organisation=site)
    paper = NewPaper(citekey=citekey, added_at=at, metadata=metadata)
    lib.store.papers.insert([paper])
    return paper.id


def cited_work(cited_as: str, authors_hint: str, year: int | None, url: str | None) -> ManualWork:
    """A manual entry made from how a text cites a work that is not on arXiv: the line's
    words without the marks of notes (TODO, "arXiv"), else what its link spells."""
    from reading_list.formats.manual import split_trailing_author, title_from_citation, url_year

    authors = author_names(authors_hint)
    title = title_from_citation(cited_as, url)
    if not authors:
        title, first = split_trailing_author(title)
        authors = [first] if first else []
    return ManualWork(title=title, authors=authors, year=year or url_year(url), url=url)


def ensure_record(lib: Library, record: ArxivRecord, at: str) -> str:
    """The paper for ``record``, stored if it is new. Call inside a write."""
    if not lib.store.papers.existing_arxiv_ids([record.arxiv_id]):
        lib.store.papers.insert([new_arxiv_paper(lib, record, at)])
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
            paper_id = ensure_record(lib, records[0], at)
        elif resolution.method == "manual" and resolution.work is not None:
            paper_id = store_work(lib, resolution.work, at)[0]
        elif resolution.method == "manual":
            work = cited_work(
                resolution.cited_as, resolution.authors_hint, resolution.year_hint, resolution.url
            )
            paper_id = add_manual_entry(lib, work, at)
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
            section_tags=[t for t in tags if t],
            **(extra or {}),
        )
        lib.store.lists.save_item(item, at)
        if paper_id:
            tag_paper(lib, paper_id, tags)
            # "- [x]" marks read; "- [ ]" never downgrades a paper already read.
            if read:
                paper = lib.store.papers.get(paper_id)
                if paper is not None and paper.status != Status.READ:
                    lib.store.papers.set_status(paper_id, "read", at)
    return item


# ---- import --------------------------------------------------------------------------------


def import_file(
    lib: Library, path: Path, list_name: str, on_progress: Progress = _no_progress
) -> ImportReport:
    """Import a user's references as a list. Re-running resumes where it stopped."""
    parsed = read_reference_file(path)
    at = now()
    with lib.store.write():
        if not lib.store.lists.exists(list_name):
            lib.store.lists.upsert(
                list_name,
                title=list_name,
                source="standard input" if path == STDIN else path.name,
                source_date=None,
                description=None,
                at=at,
            )
    settled = lib.store.lists.settled_positions(list_name)
    todo = [(n, ref) for n, ref in enumerate(parsed.references, 1) if n not in settled]
    report = ImportReport(list=list_name, items=[], skipped=_skipped(parsed))
    sent_before = lib.client.requests_sent
    states: dict[str, int] = {}

    def settle(index: int, resolution: Resolution, records: list[ArxivRecord]) -> None:
        position, ref = todo[index]
        _save_resolution(
            lib,
            list_name,
            position,
            resolution,
            records,
            tags=ref.tags,
            read=ref.read,
            # The innermost heading is the item's topic (stats count by topic).
            extra={"context": ref.text or None, "topic": ref.tags[-1] if ref.tags else None},
        )
        states[resolution.state] = states.get(resolution.state, 0) + 1

    try:
        _resolve_references(lib, [ref for _, ref in todo], settle, on_progress)
    except SourceUnavailable as exc:
        report.unavailable = f"{exc}; run the same import again to finish"
    report.items = lib.store.lists.items(list_name)
    for item in report.items:
        if item.position in settled:
            states[item.state] = states.get(item.state, 0) + 1
    report.counts = _counts(parsed, states)
    report.requests = lib.client.requests_sent - sent_before
    return report


# ---- seed ----------------------------------------------------------------------------------


def shipped_seeds(lib: Library) -> list[SeedList]:
    return [load_seed_file(path) for path in available_seeds(lib.settings.seeds_dir).values()]


def _seed_item(item: SeedItem, list_name: str, part: int = 0, **fields: object) -> ListItem:
    values: dict[str, object] = {
        "list": list_name,
        "position": item.n,
        "part": part,
        "cited_as": item.cited_as,
        "context": item.context,
        "speaker": item.speaker or None,
        "topic": item.topic,
        "section_tags": [item.topic] if item.topic else [],
        "authors_hint": item.authors_hint,
        "year_hint": item.year_hint,
        "note": item.note,
    }
    values.update(fields)
    return ListItem.model_validate(values)


def seed_list(lib: Library, name: str, on_progress: Progress = _no_progress) -> ImportReport:
    """Build a shipped seed list: curated ids fetched in one batch (shipped metadata offline),
    manual entries for works not on arXiv, the resolver for items without an id."""
    seed = find_seed(name, lib.settings.seeds_dir)
    at = now()
    report = ImportReport(list=seed.name, items=[])
    sent_before = lib.client.requests_sent
    lib.store.lists.upsert(
        seed.name,
        title=seed.title,
        source=seed.source.title,
        source_date=str(seed.source.year) if seed.source.year else None,
        description=seed.description,
        at=at,
    )
    pinned = [i for item in seed.items for i in item.arxiv_ids]
    missing = [i for i in pinned if i not in lib.store.papers.existing_arxiv_ids(pinned)]
    if missing:
        try:
            for batch in lib.client.fetch_ids(missing):
                store_records(lib, batch.records, refresh=False)
                on_progress(len(pinned) - len(missing) + len(batch.records), len(pinned), "arXiv")
        except SourceUnavailable as exc:
            shipped = {p.arxiv_id: p for p in seed.papers}
            # No route to arXiv: the seed carries its metadata; fetched_at stays empty so
            # `add --refresh` or `check` fills it in later.
            with lib.store.write():
                stored = lib.store.papers.existing_arxiv_ids(missing)
                still = [i for i in missing if i not in stored]
                for arxiv_id in still:
                    paper = new_arxiv_paper(lib, shipped[arxiv_id], at, fetched=False)
                    lib.store.papers.insert([paper])
            report.offline = True
            report.unavailable = f"{exc}; built {len(still)} paper(s) from the seed's own metadata"
    sourced = _curated_works(lib, seed, report)
    to_resolve: list[SeedItem] = []
    for item in seed.items:
        with lib.store.write():
            if item.skip:
                lib.store.lists.save_item(
                    _seed_item(item, seed.name, state="skipped", method="none", note=item.skip),
                    at,
                )
            elif item.manual:
                if item.n in sourced:
                    paper_id = store_work(lib, sourced[item.n], at)[0]
                else:
                    paper_id = add_manual_entry(lib, item.manual, at)
                lib.store.lists.save_item(
                    _seed_item(item, seed.name, state="manual", paper_id=paper_id, method="manual"),
                    at,
                )
                tag_paper(lib, paper_id, [item.topic or ""])
            elif item.arxiv_ids:
                for part, arxiv_id in enumerate(item.arxiv_ids):
                    lib.store.lists.save_item(
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
                    tag_paper(lib, arxiv_id, [item.topic or ""])
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
            resolve_citations(lib.client, citations, on_result=_beyond_arxiv(lib, settle, []))
        except SourceUnavailable as exc:
            report.unavailable = f"{exc}; run the same seed again to finish"
    report.items = lib.store.lists.items(seed.name)
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
