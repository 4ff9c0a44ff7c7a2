"""Models to JSON, CSV and tab-separated lines for scripts and files. Pure: no I/O."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

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


def to_jsonable(data: BaseModel | Sequence[BaseModel]) -> Any:
    if hasattr(data, "model_dump"):
        return data.model_dump(mode="json")
    return [item.model_dump(mode="json") for item in data]


def to_json(data: BaseModel | Sequence[BaseModel]) -> str:
    return json.dumps(to_jsonable(data), ensure_ascii=False, indent=2)


def papers_csv(papers: Sequence[Paper]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for p in papers:
        row = p.model_dump(mode="json")
        row["authors"] = "; ".join(p.authors)
        row["tags"] = "; ".join(p.tags)
        writer.writerow(["" if row[c] is None else row[c] for c in CSV_COLUMNS])
    return out.getvalue()


_FIELD = str.maketrans({"\t": " ", "\n": " ", "\r": " "})


def tsv_line(fields: Sequence[object]) -> str:
    """Fields joined by tabs; a tab or line break inside a field becomes a space, so every
    record is one line with the same number of fields."""
    return "\t".join(("" if f is None else str(f)).translate(_FIELD) for f in fields)


def row_line(row: Sequence[Any]) -> str:
    """One tab-separated line per paper (id, status, year, title, authors, tags), for pipes
    and large lists; ``row`` comes from Store.paper_lines."""
    paper_id, status, year, title, first_author, n_authors, tags = row
    authors = (first_author or "") + (" et al." if (n_authors or 0) > 1 else "")
    return f"{paper_id}\t{status}\t{year or ''}\t{title}\t{authors}\t{tags or ''}\n"
