"""Use cases for getting data out and back in: export, dump, restore, import-bib, rekey."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import pickle
import tempfile
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

from reading_list.errors import Interrupted, InvalidInput, StorageError, UsageError
from reading_list.formats import CitedVersion, ExportFormat
from reading_list.selection import PaperFilter
from reading_list.services.inputs import (
    MAX_LIBRARY_BYTES,
    MAX_TEXT_BYTES,
    numbered_lines,
    open_input,
    read_input,
)
from reading_list.services.library import Library

# An export from the cache imports little: the models, renderers and worker processes only
# when there is something to render.
if TYPE_CHECKING:
    from reading_list.formats.citations import Citations
    from reading_list.models import BibImportReport, Paper
    from reading_list.store.papers import RowBatch
    from reading_list.works import WorkRecord

    RecordsFor = Callable[[list[str]], dict[str, dict[str, WorkRecord]]]
    # A parallel export's unit of work: a batch of rows and their tags, the batch's records
    # from other sources (as stored JSON), the format, the version to cite and whether tags
    # go out as keywords.
    RenderJob = tuple[RowBatch, dict[str, dict[str, str]] | None, str, str, bool]

FORMATS = tuple(f.value for f in ExportFormat)
PREFER = tuple(v.value for v in CitedVersion)
# Formats whose output is a plain concatenation of entries, so each paper's entry is cached
# (store/exports.py) and batches of those not cached render in parallel.
CACHED_FORMATS = ("bibtex", "biblatex", "ris")
# Every citation format types a work by its record (an imported entry, dblp, Crossref).
RECORD_FORMATS = ("bibtex", "biblatex", "ris", "csl-json")
PARALLEL_FROM = 5000
# Entries rendered by an export wait in memory up to this size, then in a temporary file.
SPOOL_IN_MEMORY = 8 * 1024 * 1024
RENDER_BATCH = 1000
DUMP_BATCH = 1000
RESTORE_BATCH = 1000
REKEY_BATCH = 1000
# Files a document reads in (\\input, \\include, an .aux's \\@input) followed at most.
MAX_CITED_FILES = 200


@dataclass
class ExportResult:
    """The export's UTF-8 text in chunks, in order; ``warnings`` fills in as the chunks are
    consumed."""

    chunks: Iterator[bytes]
    warnings: list[str] = field(default_factory=list)
    count: int = 0
    # The library's export generation the text is of (store/exports.py), once it is read.
    generation: int = 0

    def text(self) -> str:
        """The whole export as one string (for callers that hold it in memory anyway)."""
        return b"".join(self.chunks).decode("utf-8")


def cited_keys(path: Path, warnings: list[str] | None = None) -> set[str] | None:
    """Citation keys a .tex or .aux file uses (and the files it reads in); None
    when it cites everything (``\\nocite{*}``). A file that is not TeX, or cites nothing, is
    an error: an empty export would only hide the mistake."""
    from reading_list.formats.citations import looks_like_bib

    keys: dict[str, None] = {}
    everything = False
    commands = 0
    seen: set[Path] = set()
    pending = [path]
    head = ""
    budget = MAX_TEXT_BYTES
    while pending and len(seen) < MAX_CITED_FILES:
        current = pending.pop(0)
        found, text = _citations_in(current, limit=budget)
        budget -= len(text)
        if current == path:
            head = text[:65536]
        seen.add(current.resolve())
        commands += found.commands
        everything = everything or found.everything
        keys.update(dict.fromkeys(found.keys))
        for name in found.inputs:
            child = _input_path(path.parent, name)
            if child is None:
                if current.suffix.lower() == ".aux" and warnings is not None:
                    warnings.append(f"{current.name} reads {name}, which is not beside it")
            elif child.resolve() not in seen and child not in pending:
                pending.append(child)
    if everything:
        return None
    if keys:
        return set(keys)
    if looks_like_bib(head):
        raise InvalidInput(
            f"{path} cites nothing: it looks like a .bib file; give the .tex or .aux of the "
            "document"
        )
    if commands == 0:
        raise InvalidInput(f"{path} is not a LaTeX file: it holds no TeX command")
    raise InvalidInput(
        f"{path} cites nothing: no natbib or biblatex citation command, no \\citation or "
        "\\abx@aux@cite (compile the document first for its .aux)"
    )


def _citations_in(path: Path, *, limit: int) -> tuple[Citations, str]:
    from reading_list.formats.citations import looks_binary, parse_aux, parse_tex

    data = read_input(path, limit=max(limit, 0))
    if looks_binary(data):
        raise InvalidInput(f"{path} is not a LaTeX file: it is binary")
    text = data.decode("utf-8", errors="replace")
    parse = parse_aux if path.suffix.lower() == ".aux" else parse_tex
    return parse(text), text


def _input_path(folder: Path, name: str) -> Path | None:
    """The file ``\\input{name}`` reads, found as TeX finds it from the document's folder
    (with ``.tex`` added to a name without it); None when there is none there (a file of the
    TeX installation, such as ``glyphtounicode``)."""
    base = folder / name
    for candidate in (base, Path(f"{base}.tex")):
        if candidate.is_file():
            return candidate
    return None


def export(
    lib: Library,
    flt: PaperFilter,
    fmt: str,
    *,
    cited_only: Path | None = None,
    prefer: str = "published",
    keywords: bool = True,
) -> ExportResult:
    """Render the selection in ``fmt``, streamed in batches so 100k papers fit in memory.

    BibTeX and biblatex cite a preprint's published version when one is known, unless
    ``prefer="preprint"``; tags go out as keywords unless ``keywords`` is False. Everything
    is read from one snapshot of the library (taken when the first chunk is asked for), so
    papers added or removed meanwhile are neither half-seen nor seen twice.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
    if prefer not in PREFER:
        raise UsageError(f"--prefer takes {' or '.join(PREFER)}, not {prefer!r}")
    from reading_list.services.papers import check_filter

    flt = check_filter(lib, flt)
    result = ExportResult(chunks=iter(()))
    keys = cited_keys(cited_only, result.warnings) if cited_only is not None else None
    result.chunks = _export_chunks(lib, flt, fmt, prefer, keys, cited_only, result, keywords)
    return result


def _export_chunks(
    lib: Library,
    flt: PaperFilter,
    fmt: str,
    prefer: str,
    keys: set[str] | None,
    cited_only: Path | None,
    result: ExportResult,
    keywords: bool = True,
) -> Iterator[bytes]:
    spool = _EntrySpool()
    with lib.store.snapshot():
        # The first read: it fixes the snapshot, so entries rendered from it are of this
        # generation of the library.
        generation = result.generation = lib.store.exports.generation()
        wanted: set[str] | None = None
        selection: PaperFilter | None = flt
        parents = _parents(lib, fmt)
        if keys is not None and cited_only is not None:
            # Only the papers the document names are read, however large the library.
            ids = {i for k in keys if (i := lib.store.papers.find_id(k)) is not None}
            named = _with_parents(ids, parents)
            ids |= set(named)
            if flt.ids:
                ids &= set(flt.ids)
            selection = dataclasses.replace(flt, ids=sorted(ids)) if ids else None
            present = {
                key.lower()
                for p in (
                    lib.store.papers.iter(selection, with_abstract=False, with_tags=False)
                    if selection is not None
                    else ()
                )
                for key in (p.citekey, *p.aliases)
            }
            result.warnings += [
                f"{cited_only.name} cites {k!r}, which is not on the list"
                for k in sorted(keys)
                if k.lower() not in present
            ]
            wanted = {k.lower() for k in keys} | {k.lower() for k in named.values()}

        with_abstract = fmt not in ("bibtex", "biblatex")
        with_tags = fmt in ("csv", "json") or keywords

        def selected() -> Iterator[Paper]:
            if selection is None:
                return
            for paper in lib.store.papers.iter(
                selection, with_abstract=with_abstract, with_tags=with_tags
            ):
                if wanted is None:
                    result.count += 1
                    yield paper
                    continue
                cited = [k for k in (paper.citekey, *paper.aliases) if k.lower() in wanted]
                if cited:
                    result.count += 1
                    yield from _as_cited(paper, cited, fmt)

        records_for = lib.store.identities.records_for if fmt in RECORD_FORMATS else None
        stored = lib.store.identities.preambles() if fmt in ("bibtex", "biblatex") else []
        if stored:
            from reading_list.formats.bibrecord import render_preambles

            preambles, notes = render_preambles(stored)
            result.warnings += notes
            if preambles:
                yield (preambles + "\n").encode("utf-8")
        last = {parent for named in parents.values() for parent in named.values()}
        if fmt in CACHED_FORMATS and wanted is None:
            rows = _RowsOf(lib, with_abstract=with_abstract, with_tags=with_tags)
            seen: set[str] | None = set() if parents else None

            def with_missing_parents() -> Iterator[bytes]:
                yield from _cached_export(
                    lib, flt, fmt, prefer, keywords, rows, result, spool, last, seen
                )
                if seen is not None and (missing := _with_parents(seen, parents)):
                    # The parents the selection's entries name, when the selection left them
                    # out (`export --tag x`): without them the entries lose what they inherit.
                    extra = PaperFilter(ids=sorted(missing), sort="citekey")
                    yield from _cached_export(
                        lib, extra, fmt, prefer, keywords, rows, result, spool, set(), None
                    )

            yield from _separated(with_missing_parents())
        else:
            for text in _render_stream(
                _parents_last(selected(), last), fmt, result.warnings, records_for, prefer, keywords
            ):
                yield text.encode("utf-8")
    # After the snapshot: a write inside it would be rolled back with it.
    spool.store(lib, fmt, _cache_options(fmt, prefer, keywords), generation)


def _parents(lib: Library, fmt: str) -> dict[str, dict[str, str]]:
    """paper id -> {key its entry names in crossref, xdata or xref: that parent's paper id},
    for the formats in which entries name each other (BibTeX, biblatex)."""
    if fmt not in ("bibtex", "biblatex"):
        return {}
    # Many entries name the same parent (a proceedings volume): each key is looked up once.
    found: dict[str, str | None] = {}
    parents: dict[str, dict[str, str]] = {}
    for paper_id, keys in lib.store.identities.cross_references().items():
        for key in keys:
            if key not in found:
                found[key] = lib.store.papers.find_id(key)
            parent = found[key]
            if parent is not None and parent != paper_id:
                parents.setdefault(paper_id, {})[key] = parent
    return parents


def _with_parents(ids: set[str], parents: dict[str, dict[str, str]]) -> dict[str, str]:
    """The parents ``ids`` name, and theirs in turn: parent id -> the key it is named by (an
    entry whose parent is missing from the .bib loses the fields it takes from it)."""
    named: dict[str, str] = {}
    todo = list(ids & parents.keys())
    while todo:
        for key, parent in parents.get(todo.pop(), {}).items():
            if parent not in named and parent not in ids:
                named[parent] = key
                todo.append(parent)
    return named


def _parents_last(papers: Iterator[Paper], last: set[str]) -> Iterator[Paper]:
    """The papers, those other entries name (crossref, xdata, xref) moved to the end: BibTeX
    takes a parent's fields only from an entry that comes after the child."""
    held = []
    for paper in papers:
        if paper.id in last:
            held.append(paper)
        else:
            yield paper
    yield from held


def _cache_options(fmt: str, prefer: str, keywords: bool) -> str:
    """What, besides the format, an entry's text depends on."""
    options = [f"prefer={prefer}"] if fmt in ("bibtex", "biblatex") else []
    if not keywords:
        options.append("keywords=no")
    return ";".join(options)


def renderer_version() -> str:
    """Cached entries are used only by the renderers that wrote them: the formats' own
    version (bumped when they change) and the release's (in case a bump was forgotten)."""
    from reading_list import __version__
    from reading_list.formats import RENDERER_VERSION

    return f"{RENDERER_VERSION}/{__version__}"


@dataclass
class _RowsOf:
    """The rows (and tags) of the papers a batch has no cached entry for, from the snapshot."""

    lib: Library
    with_abstract: bool
    with_tags: bool

    def __call__(self, ids: list[str]) -> RowBatch:
        if not ids:
            return [], {}
        batch = PaperFilter(ids=ids, sort="id")
        records: list[dict[str, Any]] = []
        tags: dict[str, list[str]] = {}
        for more, more_tags in self.lib.store.papers.row_batches(
            batch,
            batch=len(ids),
            with_abstract=self.with_abstract,
            with_tags=self.with_tags,
        ):
            records += more
            tags.update(more_tags)
        order = {paper_id: n for n, paper_id in enumerate(ids)}
        records.sort(key=lambda r: order[r["id"]])
        return records, tags


def _cached_export(
    lib: Library,
    flt: PaperFilter,
    fmt: str,
    prefer: str,
    keywords: bool,
    rows_of: _RowsOf,
    result: ExportResult,
    spool: _EntrySpool,
    last: set[str],
    seen: set[str] | None,
) -> Iterator[bytes]:
    """The selection's entries in order, in batches to be joined by ``_separated``: cached ones
    as stored, the others rendered (in worker processes when there are many) and spooled, to
    be cached after the snapshot. The entries of papers in ``last`` (parents other entries
    name) come after all the others; the ids of those exported are added to ``seen``, when
    given."""
    options = _cache_options(fmt, prefer, keywords)
    renderer = renderer_version()
    exports = lib.store.exports
    texts_for = lib.store.identities.record_texts_for if fmt in RECORD_FORMATS else None
    # Each batch as columns (ids, stored entries, warnings): a batch read whole from the cache
    # then goes out with no loop over its entries in Python.
    waiting: deque[tuple[Sequence[str], Sequence[bytes | None], Sequence[str | None]]] = deque()

    def jobs() -> Iterator[RenderJob]:
        for batch in exports.cached(flt, fmt, options, renderer, RENDER_BATCH):
            result.count += len(batch)
            paper_ids, stored, warnings = zip(*batch, strict=True)
            missing = (
                [i for i, entry in zip(paper_ids, stored, strict=True) if entry is None]
                if None in stored
                else []
            )
            waiting.append((paper_ids, stored, warnings))
            texts = texts_for(missing) if texts_for is not None and missing else None
            yield rows_of(missing), texts, fmt, prefer, keywords

    parallel = (os.cpu_count() or 1) > 1 and _likely_missing(
        lib, flt, fmt, options, renderer
    ) >= PARALLEL_FROM
    held: list[bytes] = []
    with contextlib.ExitStack() as stack:
        if parallel:
            from reading_list.workers import ordered_map, worker_pool

            workers = min(2, os.cpu_count() or 1)
            pool = stack.enter_context(worker_pool(workers))
            rendered = ordered_map(pool, _render_batch, jobs(), ahead=2 * workers)
        else:
            rendered = map(_render_batch, jobs())
        for entries in rendered:
            paper_ids, stored, warnings = waiting.popleft()
            if seen is not None:
                seen.update(paper_ids)
            if any(warnings):
                for noted in filter(None, warnings):
                    result.warnings += json.loads(noted)
            parts = list(stored)
            if entries:
                fresh = iter(entries)
                for i, paper_id in enumerate(paper_ids):
                    if parts[i] is None:
                        text, new_warnings = next(fresh)
                        spool.add(paper_id, text, new_warnings)
                        result.warnings += new_warnings
                        parts[i] = text.encode("utf-8")
            out = cast("list[bytes]", parts)
            if last:
                held += [e for i, e in zip(paper_ids, out, strict=True) if i in last]
                out = [e for i, e in zip(paper_ids, out, strict=True) if i not in last]
            if out:
                yield b"\n".join(out)
    if held:
        yield b"\n".join(held)


def _separated(batches: Iterator[bytes]) -> Iterator[bytes]:
    """Batches of entries with the newline between each two that the entries of a batch have
    between them. It goes out on its own: prefixing it would copy a batch's megabytes."""
    for n, batch in enumerate(batches):
        if n:
            yield b"\n"
        yield batch


def _likely_missing(lib: Library, flt: PaperFilter, fmt: str, options: str, renderer: str) -> int:
    """About how many of the selection's entries are not cached, to choose between rendering
    here and in worker processes: read from two counts, not from a pass over the selection
    (the cached entries counted may include papers outside it)."""
    narrowed = (flt.ids, flt.statuses, flt.tags, flt.list_name, flt.since, flt.query, flt.limit)
    size = lib.store.papers.count(flt if any(v not in (None, (), []) for v in narrowed) else None)
    if size < PARALLEL_FROM:
        return size
    return size - lib.store.exports.cached_count(fmt, options, renderer)


class _EntrySpool:
    """Entries rendered during an export, to be cached once its snapshot is closed: kept in a
    temporary file past a few megabytes, so a first export of 100k papers stays small."""

    def __init__(self) -> None:
        self._file: IO[bytes] | None = None
        self._batch: list[tuple[str, str, str]] = []

    def add(self, paper_id: str, entry: str, warnings: list[str]) -> None:
        self._batch.append((paper_id, entry, json.dumps(warnings)))
        if len(self._batch) >= RENDER_BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self._batch:
            return
        if self._file is None:
            self._file = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
        pickle.dump(self._batch, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._batch = []

    def _entries(self) -> Iterator[tuple[str, str, str]]:
        if self._file is not None:
            self._file.seek(0)
            while True:
                try:
                    batch: list[tuple[str, str, str]] = pickle.load(self._file)
                except EOFError:
                    break
                yield from batch
        yield from self._batch

    def store(self, lib: Library, fmt: str, options: str, generation: int) -> None:
        """Cache the entries, unless the library cannot be written or changed since they were
        rendered (the next export renders them again): never a reason for the export to fail
        or wait."""
        try:
            if self._file is None and not self._batch:
                return
            lib.store.exports.fill(self._entries(), fmt, options, renderer_version(), generation)
        except StorageError:
            pass
        finally:
            if self._file is not None:
                self._file.close()
                self._file = None
            self._batch = []


def _as_cited(paper: Paper, cited: list[str], fmt: str) -> Iterator[Paper]:
    """A paper a document cites by ``cited`` (its citekey or aliases): biblatex finds an alias
    through the entry's ``ids``; BibTeX has no aliases, so the entry is written under each key
    the document uses."""
    if fmt != "bibtex" or cited == [paper.citekey]:
        yield paper
        return
    for key in cited:
        yield paper.model_copy(update={"citekey": key})


def _render_batch(job: RenderJob) -> list[tuple[str, list[str]]]:
    """(entry, warnings) of each paper of the job's rows, in order: one paper at a time, so
    that each entry can be cached on its own (the export is their concatenation)."""
    (rows, tags), texts, fmt, prefer, keywords = job
    if not rows:
        return []
    from reading_list.store.rows import papers_from_rows
    from reading_list.works import export_record

    known = {
        paper_id: {role: export_record(text) for role, text in roles.items()}
        for paper_id, roles in (texts or {}).items()
    }

    def records_for(ids: list[str]) -> dict[str, dict[str, WorkRecord]]:
        return {i: known[i] for i in ids if i in known}

    out = []
    for paper in papers_from_rows(rows, tags):
        warnings: list[str] = []
        text = "".join(_render_stream(iter([paper]), fmt, warnings, records_for, prefer, keywords))
        out.append((text, warnings))
    return out


def _batches(papers: Iterator[Paper], size: int = RENDER_BATCH) -> Iterator[list[Paper]]:
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
    keywords: bool = True,
) -> Iterator[str]:
    if fmt in ("bibtex", "biblatex"):
        from reading_list.formats.bibtex import render_bibliography

        first = True
        for batch in _batches(papers):
            records = records_for([p.id for p in batch]) if records_for else None
            rendered = render_bibliography(
                batch, flavour=fmt, records=records, prefer=prefer, keywords=keywords
            )
            warnings += [f"{w.citekey}: {w.message}" for w in rendered.warnings]
            yield ("" if first else "\n") + rendered.text
            first = False
    elif fmt in ("csl-json", "ris"):
        from reading_list.formats.csl_json import iter_csl_json
        from reading_list.formats.ris import iter_ris

        known: dict[str, dict[str, WorkRecord]] = {}

        def with_records() -> Iterator[Paper]:
            # Each batch's records are read before its papers are rendered.
            for batch in _batches(papers):
                known.clear()
                if records_for is not None:
                    known.update(records_for([p.id for p in batch]))
                yield from batch

        render = iter_csl_json if fmt == "csl-json" else iter_ris
        yield from render(with_records(), records=known, prefer=prefer, keywords=keywords)
    elif fmt == "csv":
        from reading_list.formats import tabular

        yield from tabular.iter_papers_csv(papers)
    else:
        from reading_list.formats import tabular

        yield from tabular.iter_json(papers)


# ---- dump / restore ------------------------------------------------------------------------


def dump(lib: Library) -> Iterator[str]:
    """The whole library as JSON Lines, streamed from one snapshot: deterministic order and
    key order, so it diffs in git, and every row of one moment, so it restores."""
    from reading_list.formats.dump import dump_line, header_line
    from reading_list.store.dump import KINDS

    with lib.store.snapshot():
        lines = [header_line()]
        for kind in KINDS:
            for row in lib.store.dump.rows(kind):
                lines.append(dump_line(kind, row))
                if len(lines) >= DUMP_BATCH:
                    yield "\n".join(lines) + "\n"
                    lines = []
        if lines:
            yield "\n".join(lines) + "\n"


def restore(
    lib: Library, source: Path | IO[bytes] | IO[str], *, name: str | None = None
) -> dict[str, int]:
    """Load a dump (a file, or an open stream such as stdin, named ``name`` in messages) into
    an empty library, all or nothing: each line is validated before it is stored, and the
    first bad line (reported with its number) leaves the library as it was. Read a line at a
    time, stored in batches."""
    from reading_list.formats.dump import MAX_LINE_CHARS, parse_line
    from reading_list.store.dump import KINDS

    if isinstance(source, Path):
        handle: IO[bytes] | IO[str] = open_input(source, limit=MAX_LIBRARY_BYTES)
        name = name or str(source)
    else:
        handle = source
        name = name or "<stdin>"
    counts = dict.fromkeys(KINDS, 0)
    try:
        with handle, lib.store.write():
            if not lib.store.dump.is_empty():
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
            if counts["paper"] and not counts["identity"]:
                # A dump from before identities were kept: its papers' own are derived.
                lib.store.dump.derive_identities()
    except KeyboardInterrupt as signal:
        raise Interrupted.after(
            signal, "restore is all or nothing, so nothing was restored"
        ) from None
    return counts


def _store_dumped(
    lib: Library, kind: str, rows: list[tuple[int, dict[str, Any]]], name: str
) -> None:
    if not rows:
        return
    try:
        lib.store.dump.insert(kind, [row for _, row in rows])
        return
    except InvalidInput:
        pass
    # One row of the batch does not fit: find it, to name its line.
    for number, row in rows:
        try:
            lib.store.dump.insert(kind, [row])
        except InvalidInput as exc:
            raise InvalidInput(f"{name}:{number}: {exc}") from None
    raise InvalidInput(f"{name}:{rows[0][0]}-{rows[-1][0]}: these {kind} rows do not fit together")


# ---- import an existing .bib library: services/bib_import.py --------------------------------


def import_bib(
    lib: Library,
    path: Path,
    *,
    fetch: bool = False,
    on_progress: Callable[[int, int, str], None] | None = None,
) -> BibImportReport:
    from reading_list.services import bib_import

    return bib_import.import_bib(lib, path, fetch=fetch, on_progress=on_progress)


# ---- rekey ---------------------------------------------------------------------------------


def rekey(lib: Library, flt: PaperFilter, pattern: str | None) -> list[tuple[str, str, str]]:
    """Regenerate citekeys on request only: (paper id, old key, new key) for each change.

    One transaction (all or nothing), papers read in batches so 100k fit in memory."""
    from reading_list.citekeys import base_citekey, unique_citekey
    from reading_list.services.papers import check_filter

    if pattern:
        lib.citekey_pattern = pattern
    flt = check_filter(lib, flt)
    changes = []
    try:
        with lib.store.write():
            ids = lib.store.papers.ids(flt)
            for start in range(0, len(ids), REKEY_BATCH):
                batch = PaperFilter(ids=ids[start : start + REKEY_BATCH], sort=flt.sort)
                papers = {
                    p.id: p
                    for p in lib.store.papers.iter(batch, with_abstract=False, with_tags=False)
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
                    taken = lib.store.papers.citekeys_with_prefix(base) - {paper.citekey.lower()}
                    new = unique_citekey(base, taken)
                    if new != paper.citekey:
                        lib.store.papers.update(paper.id, citekey=new)
                        changes.append((paper.id, paper.citekey, new))
    except KeyboardInterrupt as signal:
        raise Interrupted.after(signal, "rekey is all or nothing, so no citekey changed") from None
    return changes
