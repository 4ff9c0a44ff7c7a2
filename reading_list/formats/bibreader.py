"""Reading an existing .bib library: streamed through bibtexparser 2 in chunks, mapped to rows.

The file is cut at lines that start an entry ("@"), a few thousand entries at a time, so a
100k-entry library never sits in memory whole, and a broken entry costs only itself: it is
reported with its line number while the rest goes in.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from reading_list.errors import InvalidInput
from reading_list.identifiers import (
    abs_url,
    find_arxiv_ids,
    is_arxiv_doi,
    pdf_url,
    published_doi,
    submission_year,
)
from reading_list.metadata import PaperMetadata
from reading_list.names import split_name
from reading_list.tags import labelled, tag_key
from reading_list.tex import tex_to_unicode

CHUNK_ENTRIES = 2000
PARALLEL_FROM_BYTES = 8 * 1024 * 1024
_KEY_OK = re.compile(r"^[A-Za-z0-9_:./+-]+$")
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
READ_STATUS = {"read": "read", "skimmed": "skimmed", "reading": "reading"}


@dataclass
class BibEntry:
    key: str
    entry_type: str
    line: int
    fields: dict[str, str]


@dataclass
class BibChunk:
    entries: list[BibEntry]
    failed: list[tuple[int, str]] = field(default_factory=list)
    bytes_read: int = 0


def _parse_chunk(text: str, first_line: int) -> BibChunk:
    from bibtexparser.entrypoint import parse_string

    library = parse_string(text)
    entries = [
        BibEntry(
            key=e.key,
            entry_type=e.entry_type.lower(),
            line=first_line + (e.start_line or 0),
            fields={k.lower(): str(v.value) for k, v in e.fields_dict.items()},
        )
        for e in library.entries
    ]
    failed = []
    for block in library.failed_blocks:
        error = str(getattr(block, "error", "") or "").strip()
        if error:
            reason = error.splitlines()[0]
        elif type(block).__name__ == "DuplicateBlockKeyBlock":
            reason = "a second entry with the same key"
        else:
            reason = "unreadable entry (unbalanced braces or quotes?)"
        failed.append((first_line + (block.start_line or 0), reason))
    return BibChunk(entries, failed)


def _raw_chunks(
    raw_lines: Iterable[bytes], source: str, chunk_entries: int
) -> Iterator[tuple[str, int, int]]:
    """(text, first line, bytes read so far) of consecutive runs of whole entries."""
    lines: list[str] = []
    chunk_start = 1
    entries_in_chunk = 0
    consumed = 0
    for number, raw in enumerate(raw_lines, 1):
        if b"\x00" in raw:
            raise InvalidInput(f"{source}:{number}: binary data, not a .bib file")
        line = raw.decode("utf-8", errors="replace")
        if line.lstrip().startswith("@"):
            if entries_in_chunk >= chunk_entries:
                yield "".join(lines), chunk_start, consumed
                lines, chunk_start, entries_in_chunk = [], number, 0
            entries_in_chunk += 1
        lines.append(line)
        consumed += len(raw)
    if lines:
        yield "".join(lines), chunk_start, consumed


def _parse_raw(raw: tuple[str, int, int]) -> BibChunk:
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    text, first_line, consumed = raw
    chunk = _parse_chunk(text, first_line)
    chunk.bytes_read = consumed
    return chunk


def parse_bib_text(text: str, first_line: int = 1) -> BibChunk:
    """Entries of BibTeX pasted into another text (the caller bounds its size)."""
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    return _parse_chunk(text, first_line)


def read_bib(
    raw_lines: Iterable[bytes],
    *,
    size: int = 0,
    source: str = "input",
    chunk_entries: int = CHUNK_ENTRIES,
    workers: int | None = None,
) -> Iterator[BibChunk]:
    """Parse a .bib file's lines (a file opened in binary mode) a chunk at a time, in order;
    line numbers are 1-based in the whole file, ``source`` names it in errors.

    Large files (``size`` in bytes) are parsed by worker processes (parsing is most of an
    import's time) while the caller stores the chunks already parsed; at most a few chunks
    wait in memory.
    """
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    raws = _raw_chunks(raw_lines, source, chunk_entries)
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if size > PARALLEL_FROM_BYTES else 1
    if workers <= 1:
        yield from map(_parse_raw, raws)
        return
    from concurrent.futures import Future, ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: list[Future[BibChunk]] = []
        for raw in raws:
            pending.append(pool.submit(_parse_raw, raw))
            if len(pending) > workers * 2:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()


def split_bib_authors(value: str) -> list[str]:
    """BibTeX "Last, First and {Corporate Name}" into "First Last" strings, in order."""
    if "{" not in value:
        names = _AND.split(value)
    else:
        names = _split_braced(value)
    out = []
    for name in names:
        name = tex_to_unicode(name)
        if not name:
            continue
        if name.lower() == "others":
            out.append("others")
            continue
        if "," in name:
            parts = split_name(name)
            first = " ".join(x for x in (parts.given, parts.particle, parts.family) if x)
            out.append(first + (f" {parts.suffix}" if parts.suffix else ""))
        else:
            out.append(name)
    return out


def _split_braced(value: str) -> list[str]:
    """Split on " and " outside braces ("{Barnes and Noble}" stays one name)."""
    names, depth, current = [], 0, ""
    for token in re.split(r"(\{|\}|\s+and\s+)", value, flags=re.IGNORECASE):
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        if depth == 0 and _AND.fullmatch(token or ""):
            names.append(current)
            current = ""
        else:
            current += token
    names.append(current)
    return names


def arxiv_id_of(fields: dict[str, str]) -> str | None:
    archive = (fields.get("archiveprefix") or fields.get("eprinttype") or "arxiv").lower()
    if fields.get("eprint") and archive == "arxiv":
        ids = find_arxiv_ids(fields["eprint"]) or find_arxiv_ids("arXiv:" + fields["eprint"])
        if ids:
            return ids[0].id
    for name in ("url", "doi", "journal", "howpublished", "note", "volume"):
        value = fields.get(name, "")
        if "arxiv" in value.lower() or (name == "doi" and is_arxiv_doi(value)):
            ids = find_arxiv_ids(value)
            if ids:
                return ids[0].id
    return None


def entry_metadata(entry: BibEntry, arxiv_id: str | None) -> PaperMetadata:
    """What an entry says about its work; ``arxiv_id`` from arxiv_id_of(entry.fields)."""
    f = entry.fields
    year_text = re.search(r"\d{4}", f.get("year", "") or f.get("date", ""))
    year = int(year_text.group(0)) if year_text else None
    doi = published_doi(f.get("doi")) or ""
    venue = f.get("journal") or f.get("journaltitle") or f.get("booktitle") or ""
    if venue.lower().startswith("arxiv") or "arxiv preprint" in venue.lower():
        venue = ""
    category = f.get("primaryclass") or f.get("eprintclass") or None
    return PaperMetadata(
        title=tex_to_unicode(f.get("title", "")) or entry.key,
        authors=tuple(split_bib_authors(f.get("author", "") or f.get("editor", ""))),
        year=(year or submission_year(arxiv_id)) if arxiv_id else year,
        published=f.get("date") or (str(year) if year else None),
        abstract=tex_to_unicode(f["abstract"]) if f.get("abstract") else None,
        categories=(category,) if category else (),
        primary_category=category,
        doi=doi or None,
        journal_ref=tex_to_unicode(venue) or None,
        url=abs_url(arxiv_id) if arxiv_id else f.get("url"),
        pdf_url=pdf_url(arxiv_id) if arxiv_id else None,
    )


def entry_tags(entry: BibEntry) -> list[str]:
    """The entry's keywords, each tag once, spelt as the file first spells it (see tags.py)."""
    raw = entry.fields.get("keywords", "") or entry.fields.get("groups", "")
    return [label for _, label in sorted(labelled(t for t in re.split(r"[,;]", raw) if tag_key(t)))]


def entry_status(entry: BibEntry) -> str | None:
    """JabRef's readstatus field, when present."""
    return READ_STATUS.get(entry.fields.get("readstatus", "").strip().lower())


def usable_key(key: str) -> bool:
    return bool(_KEY_OK.match(key))
