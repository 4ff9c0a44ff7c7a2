"""Exports kept in sync: `export -o FILE --keep` registers the file, and every later change
to the library that changes what the file holds rewrites it (atomically, services/output.py).

One door: ``sync`` runs when a command is done with its library (``Library.close``), so every
writer, present or future, triggers it; it compares the library's export generation (counted
by the triggers of m010 on every change an export can show) with the one each file was last
written from, and rewrites a file only when its text changed. A rewrite that fails is a
warning: the command that changed the library has already succeeded.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reading_list.errors import NotFound, ReadingListError, UsageError
from reading_list.models import Model
from reading_list.selection import PaperFilter
from reading_list.services.library import Library, now

if TYPE_CHECKING:
    from reading_list.services.transfer import ExportResult


class KeptExport(Model):
    """A file kept in sync: what is exported there, and when it was last written."""

    number: int
    path: str
    format: str
    selection: dict[str, Any]
    prefer: str
    keywords: bool = True
    cited_only: str | None = None
    created_at: str
    written_at: str


class _Unchanged(Exception):
    """The export's text is the one already in the file: nothing to replace."""


class _Digest:
    """The chunks of an export, passed on while their SHA-256 is computed."""

    def __init__(self, chunks: Iterable[bytes], unchanged_if: str | None = None) -> None:
        self._chunks = chunks
        self._unchanged_if = unchanged_if
        self.hexdigest = ""

    def close(self) -> None:
        close = getattr(self._chunks, "close", None)
        if callable(close):
            close()

    def __iter__(self) -> Iterator[bytes]:
        digest = hashlib.sha256()
        for chunk in self._chunks:
            digest.update(chunk)
            yield chunk
        self.hexdigest = digest.hexdigest()
        if self.hexdigest == self._unchanged_if:
            # Raised inside the writer, which then removes its temporary file: the file
            # keeps its bytes and its time stamp, so nothing downstream rebuilds for nothing.
            raise _Unchanged


def _options(prefer: str, cited_only: Path | None, keywords: bool) -> str:
    return json.dumps(
        {
            "prefer": prefer,
            "cited_only": None if cited_only is None else str(cited_only),
            "keywords": keywords,
        },
        sort_keys=True,
    )


def export_kept(
    lib: Library,
    flt: PaperFilter,
    fmt: str,
    output: Path,
    *,
    cited_only: Path | None = None,
    prefer: str = "published",
    keywords: bool = True,
) -> ExportResult:
    """Export to ``output`` and register it, so later changes to the library rewrite it."""
    from reading_list.services.output import write_output
    from reading_list.services.papers import check_filter
    from reading_list.services.transfer import export

    if str(output) == "-":
        raise UsageError("--keep needs a file to keep in sync: -o FILE")
    # Checked first: a library that cannot record the registration must not get the file.
    lib.store.sql.writable()
    path = Path(output).absolute()
    cited = None if cited_only is None else Path(cited_only).absolute()
    result = export(lib, flt, fmt, cited_only=cited, prefer=prefer, keywords=keywords)
    digest = _Digest(result.chunks)
    write_output(digest, path)
    selection = dataclasses.asdict(check_filter(lib, flt))
    with lib.store.write():
        lib.store.exports.keep(
            str(path),
            fmt,
            json.dumps(selection, sort_keys=True),
            _options(prefer, cited, keywords),
            result.generation,
            digest.hexdigest,
            now(),
        )
    return result


def kept_exports(lib: Library) -> list[KeptExport]:
    return [_kept(row) for row in lib.store.exports.kept()]


def _kept(row: dict[str, Any]) -> KeptExport:
    options = json.loads(row["options"])
    return KeptExport(
        number=row["id"],
        path=row["path"],
        format=row["format"],
        # What narrows the selection: unset options and the default order say nothing.
        selection={
            k: v
            for k, v in json.loads(row["filter"]).items()
            if v not in (None, [], ()) and v is not False
        },
        prefer=options["prefer"],
        keywords=options.get("keywords", True),
        cited_only=options["cited_only"],
        created_at=row["created_at"],
        written_at=row["written_at"],
    )


def remove_kept(lib: Library, ref: str) -> KeptExport:
    """Stop keeping a file in sync (named by its path or its number); the file stays."""
    rows = lib.store.exports.kept()
    wanted = str(Path(ref).absolute())
    found = [r for r in rows if str(r["id"]) == ref.strip() or r["path"] == wanted]
    if not found:
        raise NotFound(f"no kept export {ref!r}: `reading-list exports` lists them")
    with lib.store.write():
        lib.store.exports.forget(found[0]["id"])
    return _kept(found[0])


def sync(lib: Library) -> None:
    """Rewrite the kept exports the library has changed under (Library.close found some):
    a failure is a warning, never an error."""
    try:
        behind = lib.store.exports.kept(behind=lib.store.exports.generation())
    except ReadingListError:
        return
    for row in behind:
        try:
            _rewrite(lib, row)
        except (ReadingListError, OSError) as exc:
            lib.on_message(f"warning: {row['path']} is not in sync with the library: {exc}")


def _rewrite(lib: Library, row: dict[str, Any]) -> None:
    from reading_list.services.output import write_output
    from reading_list.services.transfer import export

    options = json.loads(row["options"])
    cited_only = options["cited_only"]
    flt = PaperFilter(**json.loads(row["filter"]))
    path = Path(row["path"])
    result = export(
        lib,
        flt,
        row["format"],
        cited_only=None if cited_only is None else Path(cited_only),
        prefer=options["prefer"],
        keywords=options.get("keywords", True),
    )
    # A file that is gone is written again, whatever it held.
    digest = _Digest(result.chunks, unchanged_if=row["digest"] if path.exists() else None)
    try:
        write_output(digest, path)
    except _Unchanged:
        written_at = None
    else:
        written_at = now()
        lib.on_message(f"updated {path} ({result.count} entries)")
    with lib.store.write():
        lib.store.exports.written(row["id"], result.generation, digest.hexdigest, written_at)
