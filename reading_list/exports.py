"""Use cases for getting data out and back in: export, dump, restore, rekey."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reading_list.citekeys import base_citekey, unique_citekey
from reading_list.errors import InvalidInput, UsageError
from reading_list.models import Paper
from reading_list.service import Library, list_papers

if TYPE_CHECKING:
    from reading_list.db import PaperFilter

FORMATS = ("bibtex", "biblatex", "csl-json", "ris", "csv", "json")
DUMP_FORMAT = 1
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
    text: str
    count: int
    warnings: list[str] = field(default_factory=list)


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
    lib: Library, flt: PaperFilter, fmt: str, *, cited_only: Path | None = None
) -> ExportResult:
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
    papers = list_papers(lib, flt)
    warnings: list[str] = []
    if cited_only is not None:
        keys = cited_keys(cited_only)
        if keys is not None:
            by_key = {p.citekey.lower(): p for p in papers}
            missing = sorted(k for k in keys if k.lower() not in by_key)
            warnings += [
                f"{cited_only.name} cites {k!r}, which is not on the list" for k in missing
            ]
            wanted = {k.lower() for k in keys}
            papers = [p for p in papers if p.citekey.lower() in wanted]
    text = render_papers(papers, fmt, warnings)
    return ExportResult(text, len(papers), warnings)


def render_papers(papers: list[Paper], fmt: str, warnings: list[str]) -> str:
    if fmt in ("bibtex", "biblatex"):
        from reading_list.bibtex import render_bibliography

        rendered = render_bibliography(papers, flavour=fmt)
        warnings += [f"{w.citekey}: {w.message}" for w in rendered.warnings]
        return rendered.text
    if fmt == "csl-json":
        from reading_list.csl import render_csl_json

        return render_csl_json(papers)
    if fmt == "ris":
        from reading_list.csl import render_ris

        return render_ris(papers)
    from reading_list import render

    if fmt == "csv":
        return render.papers_csv(papers)
    return render.to_json(papers) + "\n"


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
            lib.store.insert_rows(TABLE_NAMES[kind], rows[kind], source=source)
    return {kind: len(r) for kind, r in rows.items()}


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
