"""Models to JSON, CSV and tab-separated lines for scripts and files. Pure: no I/O.

Every renderer here streams: it takes an iterable and yields text a record at a time, so a
100k-paper listing never sits in memory whole.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from reading_list.formats.terminal import BIDI_CONTROLS, clean_line

if TYPE_CHECKING:
    from pydantic import BaseModel

    from reading_list.models import Paper

CSV_COLUMNS = (
    "id",
    "citekey",
    "title",
    "authors",
    "year",
    "status",
    "priority",
    "rating",
    "tags",
    "arxiv_id",
    "doi",
    "url",
    "added_at",
)
# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(...),
# =cmd|...); OWASP's advice is to prefix such a cell with a single quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# JSON text may carry these raw, and a terminal would act on them; as \u escapes they
# parse back to the same strings.
_JSON_RAW_UNSAFE = "".join(map(chr, range(0x7F, 0xA0))) + BIDI_CONTROLS + "\u2028\u2029"
_JSON_UNSAFE = re.compile("[" + re.escape(_JSON_RAW_UNSAFE) + "]")
_JSON_ESCAPES = str.maketrans({c: f"\\u{ord(c):04x}" for c in _JSON_RAW_UNSAFE})


def to_jsonable(data: BaseModel | Sequence[BaseModel]) -> Any:
    if hasattr(data, "model_dump"):
        return data.model_dump(mode="json")
    return [item.model_dump(mode="json") for item in data]


def _dumps(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return text.translate(_JSON_ESCAPES) if _JSON_UNSAFE.search(text) else text


def to_json(data: BaseModel | Sequence[BaseModel]) -> str:
    return _dumps(to_jsonable(data))


def iter_json(items: Iterable[BaseModel]) -> Iterator[str]:
    """A JSON array of models, one item at a time: the same text as to_json(list) + newline."""
    empty = True
    for n, item in enumerate(items):
        text = _dumps(item.model_dump(mode="json"))
        yield ("[\n  " if n == 0 else ",\n  ") + text.replace("\n", "\n  ")
        empty = False
    yield "[]\n" if empty else "\n]\n"


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell that a spreadsheet shows and never evaluates."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS):
        value = "'" + value
    # The csv module quotes a cell for "\n" but not for a lone "\r", which readers take for
    # the end of the row.
    return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value


def iter_papers_csv(papers: Iterable[Paper], batch: int = 1000) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for n, p in enumerate(papers, 1):
        row = p.model_dump(mode="json")
        row["authors"] = "; ".join(p.authors)
        row["tags"] = "; ".join(p.tags)
        writer.writerow([csv_cell(row[c]) for c in CSV_COLUMNS])
        if n % batch == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def papers_csv(papers: Sequence[Paper]) -> str:
    return "".join(iter_papers_csv(papers))


def tsv_line(fields: Sequence[object]) -> str:
    """Fields joined by tabs. No field can add a column or a line (a tab, line break or NUL
    in it becomes a space) or reach a terminal as a control (formats/terminal.py)."""
    texts = ["" if f is None else str(f) for f in fields]
    if not "".join(texts).isprintable():
        texts = [clean_line(t) for t in texts]
    return "\t".join(texts)


def row_line(row: Sequence[Any]) -> str:
    """One tab-separated line per paper (id, status, year, title, authors, tags), for pipes
    and large lists; ``row`` comes from Store.paper_lines."""
    paper_id, status, year, title, first_author, n_authors, tags = row
    authors = (first_author or "") + (" et al." if (n_authors or 0) > 1 else "")
    return tsv_line([paper_id, status, year or "", title, authors, tags or ""]) + "\n"
