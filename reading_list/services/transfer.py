"""Use cases for getting data out and back in: export, dump, restore, rekey."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reading_list.citekeys import base_citekey, unique_citekey
from reading_list.errors import InvalidInput, UsageError
from reading_list.models import BibImportReport, Paper, SkippedLine
from reading_list.services.library import Library, now
from reading_list.services.papers import check_filter, list_papers

if TYPE_CHECKING:
    from reading_list.selection import PaperFilter
    from reading_list.works import WorkRecord

    RecordsFor = Callable[[list[str]], dict[str, dict[str, WorkRecord]]]

FORMATS = ("bibtex", "biblatex", "csl-json", "ris", "csv", "json")
# Which version of a preprint BibTeX and biblatex cite when its published version is known.
PREFER = ("published", "preprint")
# Formats whose output is a plain concatenation of entries, so slices can render in parallel.
PARALLEL_FORMATS = ("bibtex", "biblatex", "ris")
PARALLEL_FROM = 5000
DUMP_FORMAT = 1
# table -> (sort order, columns left out because they are internal row ids)
DUMP_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "paper": ("id", ()),
    "tag": ("paper_id, tag", ()),
    "note": ("paper_id, created_at, id", ("id",)),
    "event": ("paper_id, at, id", ("id",)),
    "list": ("name", ()),
    "list_item": ("list_name, position, part", ("id",)),
    "identity": ("kind, value", ()),
    "work_record": ("paper_id, role", ()),
    "lookup": ("paper_id, source, purpose", ()),
}
TABLE_NAMES = {
    "paper": "papers",
    "tag": "paper_tags",
    "note": "notes",
    "event": "status_events",
    "list": "lists",
    "list_item": "list_items",
    "identity": "paper_identities",
    "work_record": "work_records",
    "lookup": "source_lookups",
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
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from None
    pattern = _AUX_CITATION if path.suffix == ".aux" else _CITE
    text = re.sub(r"(?<!\\)%.*", "", text)
    keys = {k.strip() for m in pattern.finditer(text) for k in m.group(1).split(",") if k.strip()}
    if "*" in keys:
        return None
    return keys


def export(
    lib: Library,
    flt: PaperFilter,
    fmt: str,
    *,
    cited_only: Path | None = None,
    prefer: str = "published",
) -> ExportResult:
    """Render the selection in ``fmt``, streamed in batches so 100k papers fit in memory.
    BibTeX and biblatex cite a preprint's published version when one is known, unless
    ``prefer="preprint"``."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
    if prefer not in PREFER:
        raise UsageError(f"--prefer takes {' or '.join(PREFER)}, not {prefer!r}")
    check_filter(lib, flt)
    wanted: set[str] | None = None
    result = ExportResult(chunks=iter(()))
    if cited_only is not None:
        keys = cited_keys(cited_only)
        if keys is not None:
            present = {p.citekey.lower() for p in lib.store.iter_papers(flt)}
            result.warnings += [
                f"{cited_only.name} cites {k!r}, which is not on the list"
                for k in sorted(keys)
                if k.lower() not in present
            ]
            wanted = {k.lower() for k in keys}
    with_abstract = fmt not in ("bibtex", "biblatex")
    total = lib.store.count_selection(flt) if wanted is None else 0
    if fmt in PARALLEL_FORMATS and total >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        result.count = total
        result.chunks = _render_parallel(lib, flt, fmt, total, result.warnings, prefer)
        return result

    def selected() -> Iterator[Paper]:
        for paper in lib.store.iter_papers(
            flt, with_abstract=with_abstract, with_tags=fmt in ("csv", "json")
        ):
            if wanted is None or paper.citekey.lower() in wanted:
                result.count += 1
                yield paper

    result.chunks = _render_stream(
        selected(), fmt, result.warnings, lib.store.identities.records_for, prefer
    )
    return result


def _render_slice(args: tuple[Path, PaperFilter, str, str]) -> tuple[str, list[str]]:
    from reading_list.store import open_db

    path, flt, fmt, prefer = args
    store = open_db(path)
    warnings: list[str] = []
    papers = store.iter_papers(
        flt, with_abstract=fmt not in ("bibtex", "biblatex"), with_tags=fmt in ("csv", "json")
    )
    text = "".join(_render_stream(papers, fmt, warnings, store.identities.records_for, prefer))
    store.close()
    return text, warnings


def _render_parallel(
    lib: Library, flt: PaperFilter, fmt: str, total: int, warnings: list[str], prefer: str
) -> Iterator[str]:
    """Large exports: each worker process reads and renders its own slice of the ordered
    selection; the slices are written in order. Rendering is the cost, and it splits cleanly."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    workers = min(2, os.cpu_count() or 1)
    size = -(-total // workers)
    slices = [
        (lib.settings.db_path, replace(flt, offset=flt.offset + i * size, limit=size), fmt, prefer)
        for i in range(workers)
    ]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for n, (text, slice_warnings) in enumerate(pool.map(_render_slice, slices)):
            warnings += slice_warnings
            if text:
                yield ("\n" if n and fmt in ("bibtex", "biblatex", "ris") else "") + text


def _batches(papers: Iterator[Paper], size: int = 1000) -> Iterator[list[Paper]]:
    batch: list[Paper] = []
    for paper in papers:
        batch.append(paper)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _render_stream(
    papers: Iterator[Paper],
    fmt: str,
    warnings: list[str],
    records_for: RecordsFor | None = None,
    prefer: str = "published",
) -> Iterator[str]:
    if fmt in ("bibtex", "biblatex"):
        from reading_list.formats.bibtex import render_bibliography

        first = True
        for batch in _batches(papers):
            records = records_for([p.id for p in batch]) if records_for else None
            rendered = render_bibliography(batch, flavour=fmt, records=records, prefer=prefer)
            warnings += [f"{w.citekey}: {w.message}" for w in rendered.warnings]
            yield ("" if first else "\n") + rendered.text
            first = False
    elif fmt == "csl-json":
        from reading_list.formats.csl_json import iter_csl_json

        yield from iter_csl_json(papers)
    elif fmt == "ris":
        from reading_list.formats.ris import iter_ris

        yield from iter_ris(papers)
    else:
        from reading_list.formats import tabular

        selected = list(papers)
        yield tabular.papers_csv(selected) if fmt == "csv" else tabular.to_json(selected) + "\n"


# ---- dump / restore ------------------------------------------------------------------------


def _dump_line(kind: str, row: dict[str, Any]) -> str:
    # "_type" sorts first and cannot clash with a column name.
    return json.dumps({"_type": kind, **row}, ensure_ascii=False, sort_keys=True)


def dump(lib: Library) -> str:
    """The whole library as JSON Lines: deterministic order and key order, so it diffs in git."""
    lines = [_dump_line("header", {"format": DUMP_FORMAT, "tool": "reading-list"})]
    for kind, (order, dropped) in DUMP_TABLES.items():
        for row in lib.store.table_rows(TABLE_NAMES[kind], order):
            for column in dropped:
                row.pop(column, None)
            for column in ("authors", "categories", "candidates"):
                if isinstance(row.get(column), str):
                    row[column] = json.loads(row[column])
            lines.append(_dump_line(kind, row))
    return "\n".join(lines) + "\n"


def restore(lib: Library, text: str, *, source: str = "dump") -> dict[str, int]:
    """Load a dump into an empty library, all or nothing."""
    if lib.store.count_papers() or lib.store.list_summaries():
        raise InvalidInput("restore needs an empty library; point --db at a new file")
    rows: dict[str, list[dict[str, Any]]] = {kind: [] for kind in DUMP_TABLES}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"{source}:{number}: invalid JSON: {exc.msg}") from None
        if not isinstance(obj, dict) or "_type" not in obj:
            raise InvalidInput(f"{source}:{number}: expected an object with a '_type'")
        kind = obj.pop("_type")
        if kind == "header":
            if obj.get("format") != DUMP_FORMAT:
                raise InvalidInput(
                    f"{source}:{number}: unsupported dump format {obj.get('format')!r}"
                )
            continue
        if kind not in rows:
            raise InvalidInput(f"{source}:{number}: unknown _type {kind!r}")
        for column in ("authors", "categories", "candidates"):
            if isinstance(obj.get(column), list):
                obj[column] = json.dumps(obj[column], ensure_ascii=False)
        rows[kind].append(obj)
    with lib.store.write():
        for kind in DUMP_TABLES:
            if kind == "identity" and rows[kind]:
                # The dump's identities replace the ones triggers derived from its papers.
                lib.store.identities.clear()
            lib.store.insert_rows(TABLE_NAMES[kind], rows[kind], source=source)
    return {kind: len(r) for kind, r in rows.items()}


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

    try:
        total = path.stat().st_size
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from None
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
    """Regenerate citekeys on request only: (paper id, old key, new key) for each change."""
    if pattern:
        lib.citekey_pattern = pattern
    changes = []
    papers = list_papers(lib, flt)
    with lib.store.write():
        for paper in papers:
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
    return changes
