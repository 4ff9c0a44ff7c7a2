"""Reading an existing .bib library: streamed through bibtexparser 2 in chunks, mapped to rows.

The file is cut at lines that start an entry ("@"), a few thousand entries at a time, so a
100k-entry library never sits in memory whole, and a broken entry costs only itself: it is
reported with its line number while the rest goes in.
"""

from __future__ import annotations

import functools
import logging
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from reading_list.citekeys import usable_citekey
from reading_list.errors import InvalidInput
from reading_list.identifiers import (
    abs_url,
    doi_identity,
    find_arxiv_ids,
    is_arxiv_doi,
    pdf_url,
    published_doi,
    submission_year,
)
from reading_list.metadata import PaperMetadata
from reading_list.names import PersonName, parse_bibtex_names
from reading_list.tags import labelled, tag_key
from reading_list.tex import tex_to_unicode
from reading_list.works import NAME_FIELDS, Identity, NameParts, WorkRecord

CHUNK_ENTRIES = 2000
PARALLEL_FROM_BYTES = 8 * 1024 * 1024
READ_STATUS = {"read": "read", "skimmed": "skimmed", "reading": "reading"}
# BibTeX's predefined @string macros.
MONTHS = {
    m[:3].lower(): m
    for m in "January February March April May June July August September October November "
    "December".split()
}
_MACRO_NAME = re.compile(r'[^\s#{}"]+')


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
    # The chunk's @preamble blocks, as TeX source (``#`` joins resolved).
    preambles: list[str] = field(default_factory=list)


def _closing(raw: str, start: int) -> int:
    """Where the {braced} or "quoted" part opening at ``start`` ends; -1 if it does not."""
    depth = 0
    quoted = raw[start] == '"'
    for i in range(start + quoted, len(raw)):
        ch = raw[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0 and not quoted:
                return i
        elif ch == '"' and quoted and depth == 0:
            return i
    return -1


def resolve_value(raw: str, macros: Mapping[str, str]) -> str:
    """An unenclosed BibTeX value as BibTeX reads it: "quoted" and {braced} parts, numbers
    and @string names joined by ``#`` (``"Deep" # " " # dl``). Anything else is kept as is."""
    parts: list[str] = []
    pos, end = 0, len(raw)
    while True:
        while pos < end and raw[pos].isspace():
            pos += 1
        if pos == end:
            return raw
        if raw[pos] in '{"':
            close = _closing(raw, pos)
            if close < 0:
                return raw
            parts.append(raw[pos + 1 : close])
            pos = close + 1
        else:
            name = _MACRO_NAME.match(raw, pos)
            if name is None:
                return raw
            word = name.group(0)
            parts.append(word if word.isdigit() else macros.get(word.lower(), word))
            pos = name.end()
        while pos < end and raw[pos].isspace():
            pos += 1
        if pos == end:
            return "".join(parts)
        if raw[pos] != "#":
            return raw
        pos += 1


def _parse_chunk(text: str, first_line: int, macros: Mapping[str, str] | None = None) -> BibChunk:
    from bibtexparser.entrypoint import parse_string

    library = parse_string(text)
    known = {**MONTHS, **(macros or {}), **{m.key.lower(): str(m.value) for m in library.strings}}

    def value(field: Any) -> str:
        # bibtexparser resolves a lone @string name of this chunk; concatenations (and names
        # defined in an earlier chunk) are left "no-enclosing", and resolved here.
        if getattr(field, "enclosing", None) == "no-enclosing":
            return resolve_value(str(field.value), known)
        return str(field.value)

    entries = [
        BibEntry(
            key=e.key,
            entry_type=e.entry_type.lower(),
            line=first_line + (e.start_line or 0),
            fields={k.lower(): value(v) for k, v in e.fields_dict.items()},
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
    preambles = [resolve_value(str(p.value), known) for p in library.preambles]
    return BibChunk(entries, failed, preambles=[p for p in preambles if p.strip()])


def _string_macros(text: str) -> dict[str, str]:
    from bibtexparser.entrypoint import parse_string

    return {m.key.lower(): str(m.value) for m in parse_string(text).strings}


RawChunk = tuple[str, int, int, dict[str, str]]


def _raw_chunks(raw_lines: Iterable[bytes], source: str, chunk_entries: int) -> Iterator[RawChunk]:
    """(text, first line, bytes read so far, @string macros of earlier chunks) of
    consecutive runs of whole entries."""
    lines: list[str] = []
    chunk_start = 1
    entries_in_chunk = 0
    consumed = 0
    macros: dict[str, str] = {}
    # @string blocks of the chunk being gathered (the last one possibly still open).
    strings: list[str] = []
    in_string = False
    for number, raw in enumerate(raw_lines, 1):
        if b"\x00" in raw:
            raise InvalidInput(f"{source}:{number}: binary data, not a .bib file")
        line = raw.decode("utf-8", errors="replace")
        if line.lstrip().startswith("@"):
            in_string = line.lstrip()[1:7].lower() == "string"
            if entries_in_chunk >= chunk_entries:
                yield "".join(lines), chunk_start, consumed, dict(macros)
                if strings:
                    macros.update(_string_macros("".join(strings)))
                lines, strings, chunk_start, entries_in_chunk = [], [], number, 0
            entries_in_chunk += 1
        if in_string:
            strings.append(line)
        lines.append(line)
        consumed += len(raw)
    if lines:
        yield "".join(lines), chunk_start, consumed, macros


def _parse_raw(raw: RawChunk) -> BibChunk:
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    text, first_line, consumed, macros = raw
    chunk = _parse_chunk(text, first_line, macros)
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
    from reading_list.workers import ordered_map, worker_pool

    with worker_pool(workers) as pool:
        yield from ordered_map(pool, _parse_raw, raws, ahead=workers * 2 + 1)


def split_bib_authors(value: str) -> list[str]:
    """A BibTeX name list ("Last, First and {Corporate Name} and others") as "First Last"
    strings, in order; "and others" is an et-al. mark, not a name (WorkRecord.truncated)."""
    return [
        display
        for name in parse_bibtex_names(value).names
        if (display := _name_parts(name).display)
    ]


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
    return usable_citekey(key)


@functools.lru_cache(maxsize=65536)
def _name_parts(name: PersonName) -> NameParts:
    # Cached: the same people recur across a library.
    return NameParts(
        given=tex_to_unicode(name.given),
        von=tex_to_unicode(name.particle),
        family=tex_to_unicode(name.family),
        suffix=tex_to_unicode(name.suffix),
        corporate=name.corporate,
    )


def entry_record(entry: BibEntry, metadata: PaperMetadata, arxiv_id: str | None) -> WorkRecord:
    """The entry as a typed record: its own type and every field as the file wrote it (in its
    order, @string names and ``#`` joins resolved), the name lists as parts; written back
    field by field (formats/bibrecord.py)."""
    names: dict[str, list[NameParts]] = {}
    truncated: list[str] = []
    for role in NAME_FIELDS:
        if entry.fields.get(role):
            parsed = parse_bibtex_names(entry.fields[role])
            names[role] = [_name_parts(n) for n in parsed.names]
            if parsed.others:
                truncated.append(role)
    people = names.get("author") or names.get("editor") or []
    identities = [Identity(kind="arxiv", value=arxiv_id, source="bib")] if arxiv_id else []
    doi = doi_identity(metadata.doi)
    if doi:
        identities.append(Identity(kind="doi", value=doi, source="bib"))
    return WorkRecord(
        source="bib",
        key=entry.key,
        entry_type=entry.entry_type,
        title=metadata.title,
        authors=[n.display for n in people],
        year=metadata.year,
        fields=entry.fields,
        tex=True,
        names=names,
        truncated=truncated,
        identities=identities,
    )
