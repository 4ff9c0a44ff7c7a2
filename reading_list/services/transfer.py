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
from reading_list.formats import CitedVersion, ExportFormat
from reading_list.models import BibImportReport, Paper, SkippedLine
from reading_list.services.library import Library, now
from reading_list.services.papers import check_filter, list_papers

if TYPE_CHECKING:
    from reading_list.formats.bibreader import BibChunk, BibEntry
    from reading_list.selection import PaperFilter
    from reading_list.store import Identities, NewPaper
    from reading_list.works import WorkRecord

    RecordsFor = Callable[[list[str]], dict[str, dict[str, WorkRecord]]]

FORMATS = tuple(f.value for f in ExportFormat)
PREFER = tuple(v.value for v in CitedVersion)
# Formats whose output is a plain concatenation of entries, so slices can render in parallel.
PARALLEL_FORMATS = ("bibtex", "biblatex", "ris")
PARALLEL_FROM = 5000
DUMP_FORMAT = 1
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
    flt = check_filter(lib, flt)
    wanted: set[str] | None = None
    result = ExportResult(chunks=iter(()))
    if cited_only is not None:
        keys = cited_keys(cited_only)
        if keys is not None:
            present = {p.citekey.lower() for p in lib.store.papers.iter(flt)}
            result.warnings += [
                f"{cited_only.name} cites {k!r}, which is not on the list"
                for k in sorted(keys)
                if k.lower() not in present
            ]
            wanted = {k.lower() for k in keys}
    with_abstract = fmt not in ("bibtex", "biblatex")
    total = lib.store.papers.count(flt) if wanted is None else 0
    if fmt in PARALLEL_FORMATS and total >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        result.count = total
        result.chunks = _render_parallel(lib, flt, fmt, total, result.warnings, prefer)
        return result

    def selected() -> Iterator[Paper]:
        for paper in lib.store.papers.iter(
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
    papers = store.papers.iter(
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
    from reading_list.store.dump import KINDS

    lines = [_dump_line("header", {"format": DUMP_FORMAT, "tool": "reading-list"})]
    with lib.store.snapshot():
        for kind in KINDS:
            lines += (_dump_line(kind, row) for row in lib.store.dump.rows(kind))
    return "\n".join(lines) + "\n"


def restore(lib: Library, text: str, *, source: str = "dump") -> dict[str, int]:
    """Load a dump into an empty library, all or nothing."""
    from reading_list.store.dump import KINDS

    if not lib.store.dump.is_empty():
        raise InvalidInput("restore needs an empty library; point --db at a new file")
    rows: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
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
        rows[kind].append(obj)
    lib.store.dump.restore(rows, source=source)
    return {kind: len(r) for kind, r in rows.items()}


# ---- import an existing .bib library ------------------------------------------------------


def _bib_chunks(path: Path) -> Iterator[BibChunk]:
    from reading_list.formats.bibreader import read_bib

    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from None
    with handle:
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
    report = BibImportReport()
    known = lib.store.papers.identities()
    imported_arxiv: list[str] = []
    for chunk in _bib_chunks(path):
        at = now()
        with lib.store.write():
            # Under the write lock: another import may have stored some of these meanwhile.
            known.refresh()
            papers = [_new_paper(lib, entry, known, at) for entry in chunk.entries]
            lib.store.papers.insert([p for p in papers if p is not None])
        for paper in papers:
            if paper is None:
                report.exists += 1
            elif paper.arxiv_id:
                report.added += 1
                imported_arxiv.append(paper.arxiv_id)
            else:
                report.manual += 1
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


def _new_paper(lib: Library, entry: BibEntry, known: Identities, at: str) -> NewPaper | None:
    """The paper an entry adds, keeping its citekey when usable and free; None when the
    library already holds it. ``known`` learns the paper's id and key."""
    from reading_list.formats import bibreader
    from reading_list.store import NewPaper

    arxiv_id = bibreader.arxiv_id_of(entry.fields)
    metadata = bibreader.entry_metadata(entry, arxiv_id)
    key = entry.key if bibreader.usable_key(entry.key) else ""
    paper = NewPaper(
        citekey=key or entry.key,
        added_at=at,
        metadata=metadata,
        arxiv_id=arxiv_id,
        status=bibreader.entry_status(entry) or "to-read",
        tags=bibreader.entry_tags(entry),
    )
    if paper.id in known.ids:
        return None
    if not key or key.lower() in known.keys:
        base = base_citekey(
            list(metadata.authors),
            metadata.year,
            metadata.title,
            fallback=arxiv_id or "",
            pattern=lib.citekey_pattern,
        )
        paper = paper._replace(citekey=unique_citekey(base, known.keys))
    known.keys.add(paper.citekey.lower())
    known.ids.add(paper.id)
    return paper


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
            taken = lib.store.papers.citekeys_with_prefix(base) - {paper.citekey.lower()}
            new = unique_citekey(base, taken)
            if new != paper.citekey:
                lib.store.papers.update(paper.id, citekey=new)
                changes.append((paper.id, paper.citekey, new))
    return changes
