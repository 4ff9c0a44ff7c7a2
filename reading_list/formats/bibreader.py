"""Reading an existing .bib library: streamed through bibtexparser 2 in chunks, mapped to rows.

The file is cut at lines that start an entry ("@"), a few thousand entries at a time, so a
100k-entry library never sits in memory whole, and a broken entry costs only itself: it is
reported with its line number while the rest goes in.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reading_list.errors import InvalidInput
from reading_list.identifiers import abs_url, find_arxiv_ids, pdf_url, submission_year
from reading_list.names import split_name
from reading_list.tex import tex_to_unicode

CHUNK_ENTRIES = 2000
PARALLEL_FROM_BYTES = 8 * 1024 * 1024
_KEY_OK = re.compile(r"^[A-Za-z0-9_:./+-]+$")
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
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
    return BibChunk(entries, failed)


def _string_macros(text: str) -> dict[str, str]:
    from bibtexparser.entrypoint import parse_string

    return {m.key.lower(): str(m.value) for m in parse_string(text).strings}


RawChunk = tuple[str, int, int, dict[str, str]]


def _raw_chunks(path: Path, chunk_entries: int) -> Iterator[RawChunk]:
    """(text, first line, bytes read so far, @string macros of earlier chunks) of
    consecutive runs of whole entries."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from None
    with handle:
        lines: list[str] = []
        chunk_start = 1
        entries_in_chunk = 0
        consumed = 0
        macros: dict[str, str] = {}
        # @string blocks of the chunk being gathered (the last one possibly still open).
        strings: list[str] = []
        in_string = False
        for number, raw in enumerate(handle, 1):
            if b"\x00" in raw:
                raise InvalidInput(f"{path}:{number}: binary data, not a .bib file")
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


def read_bib(
    path: Path, chunk_entries: int = CHUNK_ENTRIES, workers: int | None = None
) -> Iterator[BibChunk]:
    """Parse ``path`` a chunk at a time, in order; line numbers are 1-based in the whole file.

    Large files are parsed by worker processes (parsing is most of an import's time) while
    the caller stores the chunks already parsed; at most a few chunks wait in memory.
    """
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    raws = _raw_chunks(path, chunk_entries)
    if workers is None:
        big = path.stat().st_size > PARALLEL_FROM_BYTES if path.exists() else False
        workers = min(2, os.cpu_count() or 1) if big else 1
    if workers <= 1:
        yield from map(_parse_raw, raws)
        return
    from reading_list.workers import ordered_map, worker_pool

    with worker_pool(workers) as pool:
        yield from ordered_map(pool, _parse_raw, raws, ahead=workers * 2 + 1)


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
        if "arxiv" in value.lower() or (name == "doi" and value.startswith("10.48550")):
            ids = find_arxiv_ids(value)
            if ids:
                return ids[0].id
    return None


def entry_to_row(entry: BibEntry) -> dict[str, Any]:
    """Paper columns (without citekey and timestamps) for one entry."""
    f = entry.fields
    arxiv_id = arxiv_id_of(f)
    year_text = re.search(r"\d{4}", f.get("year", "") or f.get("date", ""))
    year = int(year_text.group(0)) if year_text else None
    doi = f.get("doi", "").strip()
    doi = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/)", "", doi, flags=re.IGNORECASE)
    if doi.lower().startswith("10.48550/"):
        doi = ""
    venue = f.get("journal") or f.get("journaltitle") or f.get("booktitle") or ""
    if venue.lower().startswith("arxiv") or "arxiv preprint" in venue.lower():
        venue = ""
    category = f.get("primaryclass") or f.get("eprintclass") or None
    row: dict[str, Any] = {
        "title": tex_to_unicode(f.get("title", "")) or entry.key,
        "authors": split_bib_authors(f.get("author", "") or f.get("editor", "")),
        "year": year,
        "published": f.get("date") or (str(year) if year else None),
        "abstract": tex_to_unicode(f["abstract"]) if f.get("abstract") else None,
        "categories": [category] if category else [],
        "primary_category": category,
        "doi": doi or None,
        "journal_ref": tex_to_unicode(venue) or None,
        "comment": None,
        "fetched_at": None,
    }
    if arxiv_id:
        row.update(
            id=arxiv_id,
            arxiv_id=arxiv_id,
            kind="arxiv",
            url=abs_url(arxiv_id),
            pdf_url=pdf_url(arxiv_id),
            year=year or submission_year(arxiv_id),
        )
    else:
        row.update(
            id=f"manual:{entry.key}", arxiv_id=None, kind="manual", url=f.get("url"), pdf_url=None
        )
    return row


def entry_tags(entry: BibEntry) -> list[str]:
    raw = entry.fields.get("keywords", "") or entry.fields.get("groups", "")
    return sorted({" ".join(t.split()).lower() for t in re.split(r"[,;]", raw) if t.strip()})


def entry_status(entry: BibEntry) -> str | None:
    """JabRef's readstatus field, when present."""
    return READ_STATUS.get(entry.fields.get("readstatus", "").strip().lower())


def usable_key(key: str) -> bool:
    return bool(_KEY_OK.match(key))
