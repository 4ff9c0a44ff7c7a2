"""import-bib: an existing .bib library streamed in, every entry kept as a typed record.

A new work becomes a paper with the entry's record (role "work", its fields as the file wrote
them). An entry whose work is already in the library (the same arXiv id, DOI, or manual key)
is merged into it: the fields the library lacks are filled, the ones it holds otherwise are
reported as conflicts (the library's kept), and the entry's citekey stays the work's alias,
so the documents citing it still find it.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from reading_list.citekeys import base_citekey, unique_citekey, usable_citekey
from reading_list.errors import InvalidInput
from reading_list.identifiers import doi_identity
from reading_list.models import (
    BibImportReport,
    BibMerge,
    FieldConflict,
    ManualEntry,
    SkippedLine,
)
from reading_list.services import inputs
from reading_list.services.library import Library, now

if TYPE_CHECKING:
    from reading_list.formats.bibreader import BibChunk, BibEntry
    from reading_list.store import Identities, NewPaper
    from reading_list.works import WorkRecord

# The fields an entry's organisation is named in, for the key of an authorless work.
_ORGANISATION_FIELDS = ("organization", "institution", "school", "publisher")


def _bib_chunks(path: Path) -> Iterator[BibChunk]:
    from reading_list.formats.bibreader import read_bib

    # Read at each call: the limit is the inputs module's (tests lower it).
    with inputs.open_input(path, limit=inputs.MAX_LIBRARY_BYTES) as handle:
        yield from read_bib(handle, size=os.fstat(handle.fileno()).st_size, source=str(path))


def import_bib(
    lib: Library,
    path: Path,
    *,
    fetch: bool = False,
    on_progress: Callable[[int, int, str], None] | None = None,
) -> BibImportReport:
    """Stream a .bib file in: one transaction per chunk; nothing is fetched unless ``fetch``."""
    try:
        total = path.stat().st_size
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from None
    report, added = _import_chunks(lib, _bib_chunks(path), path.name, total, on_progress)
    return _fetched(lib, report, [a for _, a in added if a] if fetch else [])


def add_bibtex(lib: Library, text: bytes, *, name: str, fetch: bool = False) -> BibImportReport:
    """Pasted entries (``add --bibtex``), through the same path as import-bib, all or none:
    an entry that cannot be read stops the whole paste with its line, nothing stored."""
    from reading_list.formats.bibreader import read_bib

    if len(text) > inputs.MAX_TEXT_BYTES:
        raise InvalidInput(
            f"{name}: more than {inputs.MAX_TEXT_BYTES // (1024 * 1024)} MB of BibTeX; "
            "use import-bib for a whole library"
        )
    chunks = list(read_bib(io.BytesIO(text), size=len(text), source=name))
    failed = [f"{name}:{line}: {reason}" for chunk in chunks for line, reason in chunk.failed]
    if failed:
        raise InvalidInput("; ".join(failed) + "; nothing added")
    if not any(chunk.entries for chunk in chunks):
        raise InvalidInput(f"{name}: no BibTeX entry (@type{{key, ...}}) found; nothing added")
    with lib.store.write():
        report, added = _import_chunks(lib, chunks, name, len(text), None)
    report.added_keys = [key for key, _ in added]
    return _fetched(lib, report, [a for _, a in added if a] if fetch else [])


def add_manual(lib: Library, work: ManualEntry) -> BibImportReport:
    """A work entered by hand, as the BibTeX entry it makes (so that `edit` and exports see
    every field), through the import path; the same title as a manual entry already there
    joins that entry instead of making another."""
    import re

    from reading_list.formats.bibreader import BibChunk
    from reading_list.formats.manual import entry_type_for, is_usable_url, manual_entry
    from reading_list.works import ENTRY_TYPE_PATTERN

    title = " ".join(work.title.split())
    if not title:
        raise InvalidInput("a manual entry needs a title")
    entry_type = entry_type_for(work.venue, work.entry_type)
    if not re.match(ENTRY_TYPE_PATTERN, entry_type):
        raise InvalidInput(f"{entry_type[:40]!r} is not a BibTeX entry type (article, book, ...)")
    url = (work.url or "").strip() or None
    if url is not None and not is_usable_url(url):
        raise InvalidInput(f"{url[:80]!r}: not an http(s) URL BibTeX can carry")
    with lib.store.write():
        same = lib.store.papers.find_manual(title)
        paper = lib.store.papers.get(same) if same else None
        entry = manual_entry(
            title=title,
            authors=[" ".join(a.split()) for a in work.authors if a.strip()],
            year=work.year,
            venue=(work.venue or "").strip() or None,
            url=url,
            entry_type=entry_type,
            key=paper.citekey if paper else "",
        )
        report, added = _import_chunks(lib, [BibChunk([entry])], "manual", 0, None)
    report.added_keys = [key for key, _ in added]
    return report


def _import_chunks(
    lib: Library,
    chunks: Iterable[BibChunk],
    name: str,
    total: int,
    on_progress: Callable[[int, int, str], None] | None,
) -> tuple[BibImportReport, list[tuple[str, str | None]]]:
    """The report of storing the chunks, and the (citekey, arXiv id) of each paper added."""
    report = BibImportReport()
    added: list[tuple[str, str | None]] = []
    known = lib.store.papers.identities()
    for chunk in chunks:
        at = now()
        with lib.store.write():
            # Under the write lock: another import may have stored some of these meanwhile.
            known.refresh()
            for preamble in chunk.preambles:
                lib.store.identities.add_preamble(preamble, name, at)
            new, merges = _sort_entries(lib, chunk.entries, known, at)
            lib.store.papers.insert([paper for paper, _ in new])
            lib.store.identities.save_records(
                [(paper.id, "work", record) for paper, record in new], at
            )
            for entry, paper_id, record in merges:
                merged = _merge(lib, entry, paper_id, record, at)
                if merged is not None:
                    report.merged.append(merged)
        report.exists += len(merges)
        for paper, _ in new:
            if paper.arxiv_id:
                report.added += 1
            else:
                report.manual += 1
            added.append((paper.citekey, paper.arxiv_id))
        report.failed += [
            SkippedLine(line=line, text=name, reason=reason) for line, reason in chunk.failed
        ]
        if on_progress:
            on_progress(chunk.bytes_read, total, f"{report.added + report.manual} entries")
    return report, added


def _fetched(lib: Library, report: BibImportReport, arxiv_ids: list[str]) -> BibImportReport:
    """The report, once these arXiv papers it added are refreshed from arXiv."""
    if arxiv_ids:
        from reading_list.services.papers import add_papers

        result = add_papers(lib, arxiv_ids, refresh=True)
        report.refreshed = sum(1 for o in result.outcomes if o.outcome == "refreshed")
        report.unavailable = result.unavailable
    return report


New = list[tuple["NewPaper", "WorkRecord"]]
Merges = list[tuple["BibEntry", str, "WorkRecord"]]


def _sort_entries(
    lib: Library, entries: list[BibEntry], known: Identities, at: str
) -> tuple[New, Merges]:
    """The chunk's new papers (with their records), and the entries of works already there
    (or met earlier in the chunk) with the id of the paper each joins."""
    from reading_list.formats import bibreader
    from reading_list.store import NewPaper
    from reading_list.tex import tex_to_unicode

    parsed = []
    for entry in entries:
        arxiv_id = bibreader.arxiv_id_of(entry.fields)
        metadata = bibreader.entry_metadata(entry, arxiv_id)
        parsed.append((entry, arxiv_id, metadata, doi_identity(metadata.doi)))
    dois = lib.store.identities.papers_of("doi", [d for *_, d in parsed if d])
    new: New = []
    merges: Merges = []
    for entry, arxiv_id, metadata, doi in parsed:
        record = bibreader.entry_record(entry, metadata, arxiv_id)
        key = entry.key if bibreader.usable_key(entry.key) else ""
        paper = NewPaper(
            citekey=key or entry.key,
            added_at=at,
            metadata=metadata,
            arxiv_id=arxiv_id,
            status=bibreader.entry_status(entry) or "to-read",
            tags=bibreader.entry_tags(entry),
            source="bib",
        )
        owner = paper.id if paper.id in known.ids else (dois.get(doi) if doi else None)
        if owner is not None:
            merges.append((entry, owner, record))
            continue
        if not key or key.lower() in known.keys:
            organisation = next(
                (entry.fields[f] for f in _ORGANISATION_FIELDS if f in entry.fields), ""
            )
            base = base_citekey(
                list(metadata.authors),
                metadata.year,
                metadata.title,
                fallback=arxiv_id or "",
                organisation=tex_to_unicode(organisation),
                pattern=lib.citekey_pattern,
            )
            paper = paper._replace(citekey=unique_citekey(base, known.keys))
        known.keys.add(paper.citekey.lower())
        known.ids.add(paper.id)
        if doi:
            dois[doi] = paper.id
        new.append((paper, record))
    return new, merges


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def _plain(text: str) -> str:
    """Text compared across sources: TeX decoded, braces, case and spacing ignored."""
    from reading_list.tex import tex_to_unicode

    return " ".join(re.sub(r"[{}]", "", tex_to_unicode(text)).casefold().split())


def _merge(
    lib: Library, entry: BibEntry, paper_id: str, record: WorkRecord, at: str
) -> BibMerge | None:
    """Join an entry to the paper of its work; what it did, or None when the library held
    all of it already."""
    from reading_list.formats import bibreader

    paper = lib.store.papers.get(paper_id)
    if paper is None:  # pragma: no cover - the paper was found under the same lock
        raise InvalidInput(f"{entry.key}: its work vanished during the import")
    merge = BibMerge(key=entry.key, line=entry.line, paper_id=paper_id, citekey=paper.citekey)
    existing = lib.store.identities.records_of(paper_id).get("work")
    if existing is not None and existing.tex:
        fields = dict(existing.fields)
        if existing.entry_type != record.entry_type:
            merge.conflicts.append(
                FieldConflict(field="type", library=existing.entry_type, file=record.entry_type)
            )
        for name, value in record.fields.items():
            have = fields.get(name, "")
            if not have.strip():
                if value.strip():
                    fields[name] = value
                    merge.filled.append(name)
            elif not _same(have, value):
                merge.conflicts.append(FieldConflict(field=name, library=have, file=value))
        if merge.filled:
            joined = bibreader.BibEntry(existing.key, existing.entry_type, entry.line, fields)
            arxiv_id = bibreader.arxiv_id_of(fields)
            metadata = bibreader.entry_metadata(joined, arxiv_id)
            updated = bibreader.entry_record(joined, metadata, arxiv_id)
            lib.store.identities.save_record(paper_id, "work", updated, at)
    else:
        if existing is not None and not lib.store.identities.move_record(
            paper_id, "work", "published"
        ):
            merge.conflicts.append(
                FieldConflict(
                    field="record",
                    library=f"{existing.source} record {existing.key}",
                    file="this entry (not stored: the work has records in both roles)",
                )
            )
        else:
            lib.store.identities.save_record(paper_id, "work", record, at)
            merge.record = True
        for name, library, file in (
            ("title", paper.title, record.title),
            ("year", str(paper.year or ""), str(record.year or "")),
        ):
            if library and file and _plain(library) != _plain(file):
                merge.conflicts.append(FieldConflict(field=name, library=library, file=file))
    if entry.key.lower() != paper.citekey.lower() and entry.key.lower() not in {
        a.lower() for a in paper.aliases
    }:
        owner = lib.store.identities.alias_owner(entry.key)
        if owner is None and usable_citekey(entry.key):
            lib.store.identities.add_alias(paper_id, entry.key, at)
            merge.alias = True
        else:
            where = f"the citekey of {owner}" if owner else "not a usable citekey"
            merge.conflicts.append(FieldConflict(field="citekey", library=where, file=entry.key))
    if not (merge.filled or merge.conflicts or merge.alias or merge.record):
        return None
    return merge
