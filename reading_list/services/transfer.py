"""Use cases for getting data out and back in: export, dump, restore, rekey."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

from reading_list.citekeys import base_citekey, unique_citekey
from reading_list.errors import Interrupted, InvalidInput, UsageError
from reading_list.formats import tabular
from reading_list.models import BibImportReport, Paper, SkippedLine
from reading_list.selection import PaperFilter
from reading_list.services.inputs import (
    MAX_LIBRARY_BYTES,
    MAX_TEXT_BYTES,
    check_input,
    numbered_lines,
    open_input,
    read_input,
)
from reading_list.services.library import Library, now
from reading_list.services.papers import check_filter
from reading_list.workers import ordered_map, worker_pool

if TYPE_CHECKING:
    from reading_list.store.connection import PaperRow

FORMATS = ("bibtex", "biblatex", "csl-json", "ris", "csv", "json")
# Formats whose output is a plain concatenation of entries, so slices can render in parallel.
PARALLEL_FORMATS = ("bibtex", "biblatex", "ris")
PARALLEL_FROM = 5000
RENDER_BATCH = 1000
DUMP_BATCH = 1000
RESTORE_BATCH = 1000
REKEY_BATCH = 1000
# table -> (sort order, columns left out because they are internal row ids)
DUMP_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "paper": ("id", ()),
    "tag": ("paper_id, tag", ()),
    "note": ("paper_id, created_at, id", ("id",)),
    "event": ("paper_id, at, id", ("id",)),
    "list": ("name", ()),
    "list_item": ("list_name, position, part", ("id",)),
}
TABLE_NAMES = {
    "paper": "papers",
    "tag": "paper_tags",
    "note": "notes",
    "event": "status_events",
    "list": "lists",
    "list_item": "list_items",
}
_CITE = re.compile(r"\\(?:no)?cite[a-zA-Z]*\*?\s*(?:\[[^\]]*\]\s*){0,2}\{([^}]*)\}")
_AUX_CITATION = re.compile(r"\\citation\{([^}]*)\}")


@dataclass
class ExportResult:
    """Text chunks to write, in order; ``warnings`` fills in as the chunks are consumed."""

    chunks: Iterator[str]
    warnings: list[str] = field(default_factory=list)
    count: int = 0


def cited_keys(path: Path) -> set[str] | None:
    """Citation keys a .tex or .aux file uses; None when it cites everything (``\\nocite{*}``)."""
    text = read_input(path, limit=MAX_TEXT_BYTES).decode("utf-8", errors="replace")
    pattern = _AUX_CITATION if path.suffix == ".aux" else _CITE
    text = re.sub(r"(?<!\\)%.*", "", text)
    keys = {k.strip() for m in pattern.finditer(text) for k in m.group(1).split(",") if k.strip()}
    if "*" in keys:
        return None
    return keys


def export(
    lib: Library, flt: PaperFilter, fmt: str, *, cited_only: Path | None = None
) -> ExportResult:
    """Render the selection in ``fmt``, streamed in batches so 100k papers fit in memory.

    Everything is read from one snapshot of the library (taken when the first chunk is
    asked for), so papers added or removed meanwhile are neither half-seen nor seen twice.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
    check_filter(lib, flt)
    keys = cited_keys(cited_only) if cited_only is not None else None
    result = ExportResult(chunks=iter(()))
    result.chunks = _export_chunks(lib, flt, fmt, keys, cited_only, result)
    return result


def _export_chunks(
    lib: Library,
    flt: PaperFilter,
    fmt: str,
    keys: set[str] | None,
    cited_only: Path | None,
    result: ExportResult,
) -> Iterator[str]:
    with lib.store.snapshot():
        wanted: set[str] | None = None
        if keys is not None and cited_only is not None:
            present = {
                p.citekey.lower()
                for p in lib.store.iter_papers(flt, with_abstract=False, with_tags=False)
            }
            result.warnings += [
                f"{cited_only.name} cites {k!r}, which is not on the list"
                for k in sorted(keys)
                if k.lower() not in present
            ]
            wanted = {k.lower() for k in keys}

        with_abstract = fmt not in ("bibtex", "biblatex")
        with_tags = fmt in ("csv", "json")

        def selected() -> Iterator[Paper]:
            for paper in lib.store.iter_papers(
                flt, with_abstract=with_abstract, with_tags=with_tags
            ):
                if wanted is None or paper.citekey.lower() in wanted:
                    result.count += 1
                    yield paper

        parallel = (
            fmt in PARALLEL_FORMATS
            and wanted is None
            and (os.cpu_count() or 1) > 1
            and lib.store.count_selection(flt) >= PARALLEL_FROM
        )
        if parallel:
            rows = lib.store.iter_paper_rows(flt, with_abstract=with_abstract, with_tags=with_tags)
            yield from _render_parallel(_counted(rows, result), fmt, result.warnings)
        else:
            yield from _render_stream(selected(), fmt, result.warnings)


def _counted(rows: Iterator[PaperRow], result: ExportResult) -> Iterator[PaperRow]:
    for row in rows:
        result.count += 1
        yield row


def _render_batch(job: tuple[list[PaperRow], str]) -> tuple[str, list[str]]:
    from reading_list.store.connection import paper_from_row

    rows, fmt = job
    warnings: list[str] = []
    return "".join(_render_stream(map(paper_from_row, rows), fmt, warnings)), warnings


def _render_parallel(rows: Iterator[PaperRow], fmt: str, warnings: list[str]) -> Iterator[str]:
    """Large exports: this process reads the rows from its snapshot and hands them in batches
    to worker processes, which build the models and render them (the cost); batches are
    written in order, a few in flight at a time, so memory stays bounded and the output is
    the serial one."""
    workers = min(2, os.cpu_count() or 1)
    jobs = ((batch, fmt) for batch in _batches(rows, RENDER_BATCH))
    with worker_pool(workers) as pool:
        for n, (text, batch_warnings) in enumerate(
            ordered_map(pool, _render_batch, jobs, ahead=2 * workers)
        ):
            warnings += batch_warnings
            yield ("\n" if n else "") + text


T = TypeVar("T")


def _batches(items: Iterator[T], size: int = RENDER_BATCH) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _render_stream(papers: Iterator[Paper], fmt: str, warnings: list[str]) -> Iterator[str]:
    if fmt in ("bibtex", "biblatex"):
        from reading_list.formats.bibtex import render_bibliography

        first = True
        for batch in _batches(papers):
            rendered = render_bibliography(batch, flavour=fmt)
            warnings += [f"{w.citekey}: {w.message}" for w in rendered.warnings]
            yield ("" if first else "\n") + rendered.text
            first = False
    elif fmt == "csl-json":
        from reading_list.formats.csl_json import iter_csl_json

        yield from iter_csl_json(papers)
    elif fmt == "ris":
        from reading_list.formats.ris import iter_ris

        yield from iter_ris(papers)
    elif fmt == "csv":
        yield from tabular.iter_papers_csv(papers)
    else:
        yield from tabular.iter_json(papers)


# ---- dump / restore ------------------------------------------------------------------------


def dump(lib: Library) -> Iterator[str]:
    """The whole library as JSON Lines, streamed from one snapshot: deterministic order and
    key order, so it diffs in git, and every row of one moment, so it restores."""
    from reading_list.formats.dump import dump_line, header_line

    with lib.store.snapshot():
        lines = [header_line()]
        for kind, (order, dropped) in DUMP_TABLES.items():
            for row in lib.store.iter_table_rows(TABLE_NAMES[kind], order):
                for column in dropped:
                    row.pop(column, None)
                for column in ("authors", "categories", "candidates"):
                    if isinstance(row.get(column), str):
                        row[column] = json.loads(row[column])
                lines.append(dump_line(kind, row))
                if len(lines) >= DUMP_BATCH:
                    yield "\n".join(lines) + "\n"
                    lines = []
        if lines:
            yield "\n".join(lines) + "\n"


def restore(lib: Library, source: Path | IO[str]) -> dict[str, int]:
    """Load a dump (a file, or a text stream such as stdin) into an empty library, all or
    nothing: each line is validated before it is stored, and the first bad line (reported
    with its number) leaves the library as it was. Read a line at a time, stored in batches."""
    from reading_list.formats.dump import MAX_LINE_CHARS, parse_line

    if isinstance(source, Path):
        name = str(source)
        handle: IO[bytes] | IO[str] = open_input(source, limit=MAX_LIBRARY_BYTES)
    else:
        name, handle = "<stdin>", source
    counts = dict.fromkeys(DUMP_TABLES, 0)
    try:
        with handle, lib.store.write():
            if lib.store.count_papers() or lib.store.list_summaries():
                raise InvalidInput("restore needs an empty library; point --db at a new file")
            pending: list[tuple[int, dict[str, Any]]] = []
            pending_kind = ""
            for number, line in numbered_lines(handle, name=name, max_line=MAX_LINE_CHARS):
                try:
                    parsed = parse_line(line)
                except InvalidInput as exc:
                    raise InvalidInput(f"{name}:{number}: {exc}") from None
                if parsed is None:
                    continue
                kind, row = parsed
                if pending and (kind != pending_kind or len(pending) >= RESTORE_BATCH):
                    _store_dumped(lib, pending_kind, pending, name)
                    pending = []
                pending_kind = kind
                pending.append((number, row))
                counts[kind] += 1
            _store_dumped(lib, pending_kind, pending, name)
    except KeyboardInterrupt:
        raise Interrupted(
            "interrupted: restore is all or nothing, so nothing was restored"
        ) from None
    return counts


def _store_dumped(
    lib: Library, kind: str, rows: list[tuple[int, dict[str, Any]]], name: str
) -> None:
    if not rows:
        return
    from reading_list.store import DatabaseError

    table = TABLE_NAMES[kind]
    try:
        with lib.store.write():
            lib.store.insert_dumped_rows(table, [row for _, row in rows])
        return
    except DatabaseError:
        pass
    # One row of the batch does not fit: find it, to name its line.
    for number, row in rows:
        try:
            with lib.store.write():
                lib.store.insert_dumped_rows(table, [row])
        except DatabaseError as exc:
            raise InvalidInput(f"{name}:{number}: {exc}") from None
    raise InvalidInput(f"{name}:{rows[0][0]}-{rows[-1][0]}: these {kind} rows do not fit together")


# ---- import an existing .bib library ------------------------------------------------------


def import_bib(
    lib: Library,
    path: Path,
    *,
    fetch: bool = False,
    on_progress: Callable[[int, int, str], None] | None = None,
) -> BibImportReport:
    """Stream a .bib file in: one transaction per chunk; nothing is fetched unless ``fetch``."""
    from reading_list.formats import bibreader as bibimport

    total = check_input(path, limit=MAX_LIBRARY_BYTES)
    report = BibImportReport()
    ids, keys = lib.store.all_ids_and_keys()
    imported_arxiv: list[str] = []
    for chunk in bibimport.read_bib(path):
        at = now()
        rows, tags, events = [], [], []
        for entry in chunk.entries:
            row = bibimport.entry_to_row(entry)
            if row["id"] in ids:
                report.exists += 1
                continue
            key = entry.key if bibimport.usable_key(entry.key) else ""
            if not key or key.lower() in keys:
                base = base_citekey(
                    row["authors"],
                    row["year"],
                    row["title"],
                    fallback=row["arxiv_id"] or "",
                    pattern=lib.citekey_pattern,
                )
                key = unique_citekey(base, keys)
                if row["kind"] == "manual":
                    row["id"] = f"manual:{key}"
            keys.add(key.lower())
            ids.add(row["id"])
            entry_tags = bibimport.entry_tags(entry)
            row.update(
                citekey=key,
                added_at=at,
                tag_list=",".join(entry_tags),
                status="to-read",
                status_changed_at=None,
            )
            if status := bibimport.entry_status(entry):
                row.update(status=status, status_changed_at=at)
                events.append((row["id"], status, at))
            rows.append(row)
            tags += [(row["id"], t) for t in entry_tags]
            if row["kind"] == "arxiv":
                report.added += 1
                imported_arxiv.append(row["id"])
            else:
                report.manual += 1
        with lib.store.write():
            lib.store.defer_foreign_keys()
            lib.store.add_tag_pairs(tags)
            lib.store.insert_papers(rows)
            lib.store.add_status_events(events)
        report.failed += [
            SkippedLine(line=line, text=path.name, reason=reason) for line, reason in chunk.failed
        ]
        if on_progress:
            on_progress(chunk.bytes_read, total, f"{report.added + report.manual} entries")
    if fetch and imported_arxiv:
        from reading_list.services.papers import add_papers

        result = add_papers(lib, imported_arxiv, refresh=True)
        report.refreshed = sum(1 for o in result.outcomes if o.outcome == "refreshed")
        report.unavailable = result.unavailable
    return report


# ---- rekey ---------------------------------------------------------------------------------


def rekey(lib: Library, flt: PaperFilter, pattern: str | None) -> list[tuple[str, str, str]]:
    """Regenerate citekeys on request only: (paper id, old key, new key) for each change.

    One transaction (all or nothing), papers read in batches so 100k fit in memory."""
    if pattern:
        lib.citekey_pattern = pattern
    check_filter(lib, flt)
    changes = []
    try:
        with lib.store.write():
            ids = lib.store.selection_ids(flt)
            for start in range(0, len(ids), REKEY_BATCH):
                batch = PaperFilter(ids=ids[start : start + REKEY_BATCH], sort=flt.sort)
                papers = {
                    p.id: p
                    for p in lib.store.iter_papers(batch, with_abstract=False, with_tags=False)
                }
                for paper_id in batch.ids:
                    paper = papers[paper_id]
                    base = base_citekey(
                        paper.authors,
                        paper.year,
                        paper.title,
                        fallback=paper.arxiv_id or "",
                        pattern=lib.citekey_pattern,
                    )
                    taken = lib.store.citekeys_with_prefix(base) - {paper.citekey.lower()}
                    new = unique_citekey(base, taken)
                    if new != paper.citekey:
                        lib.store.set_fields(paper.id, citekey=new)
                        changes.append((paper.id, paper.citekey, new))
    except KeyboardInterrupt:
        raise Interrupted("interrupted: rekey is all or nothing, so no citekey changed") from None
    return changes
