"""Pure CSL-JSON rendering of papers. No I/O.

JSON escapes every value itself; what this adds is the kind of work (work_view.py): CSL's
type, container, volume, issue, page, publisher and editors, and the tags as keywords.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from reading_list.formats.bibtex import is_others
from reading_list.formats.work_view import Person, chosen_record, person, work_view
from reading_list.identifiers import abs_url, arxiv_doi, published_doi
from reading_list.models import Paper
from reading_list.tex import tex_to_unicode
from reading_list.works import WorkRecord


def _csl_person(parts: Person) -> dict[str, str]:
    if parts.corporate:
        return {"literal": f"{parts.particle} {parts.family}".strip()}
    if not parts.given:
        return {"family": parts.family}
    out = {"family": parts.family, "given": parts.given}
    if parts.particle:
        out["non-dropping-particle"] = parts.particle
    if parts.suffix:
        out["suffix"] = parts.suffix
    return out


def _csl_name(name: str) -> dict[str, str]:
    return _csl_person(person(name))


def _date_parts(paper: Paper) -> list[int] | None:
    raw = (paper.published or "")[:10]
    pieces = [int(x) for x in raw.split("-") if x.isdigit()]
    if pieces:
        return pieces[:3]
    return [paper.year] if paper.year else None


def csl_item(
    paper: Paper, record: WorkRecord | None = None, *, keywords: bool = True
) -> dict[str, Any]:
    view = work_view(paper, record)
    title = record.title if record is not None and record.title else paper.title
    item: dict[str, Any] = {
        "id": paper.citekey,
        "citation-key": paper.citekey,
        "type": view.csl_type,
        "title": tex_to_unicode(title),
        "author": [_csl_name(a) for a in paper.authors if not is_others(a)],
    }
    if view.editors:
        item["editor"] = [_csl_person(e) for e in view.editors]
    if parts := _date_parts(paper):
        item["issued"] = {"date-parts": [parts]}
    for key, value in (
        ("container-title", view.container),
        ("volume", view.volume),
        ("issue", view.number),
        ("page", view.pages),
        ("publisher", view.publisher),
        ("ISBN", view.isbn),
        ("ISSN", view.issn),
    ):
        if value:
            item[key] = value
    if paper.kind == "arxiv" and paper.arxiv_id:
        item.setdefault("publisher", "arXiv")
        item["number"] = f"arXiv:{paper.arxiv_id}"
        item["DOI"] = published_doi(paper.doi) or arxiv_doi(paper.arxiv_id)
        item["URL"] = abs_url(paper.arxiv_id)
        category = f" [{paper.primary_category}]" if paper.primary_category else ""
        item["note"] = f"arXiv:{paper.arxiv_id}{category}"
        if paper.version:
            item["version"] = str(paper.version)
        if paper.journal_ref and "container-title" not in item:
            item["container-title"] = tex_to_unicode(paper.journal_ref)
    else:
        if doi := published_doi(paper.doi):
            item["DOI"] = doi
        if paper.url:
            item["URL"] = paper.url
    if keywords and paper.tags:
        item["keyword"] = ", ".join(sorted(set(paper.tags), key=lambda t: (t.lower(), t)))
    if paper.abstract:
        item["abstract"] = paper.abstract
    return item


def iter_csl_json(
    papers: Iterable[Paper],
    *,
    records: Mapping[str, Mapping[str, WorkRecord]] | None = None,
    prefer: str = "published",
    keywords: bool = True,
) -> Iterator[str]:
    """A CSL-JSON array, one item at a time (the same text json.dumps(indent=2) gives)."""
    empty = True
    for n, paper in enumerate(papers):
        record = chosen_record(paper, records, prefer)
        item = json.dumps(csl_item(paper, record, keywords=keywords), ensure_ascii=False, indent=2)
        yield ("[\n  " if n == 0 else ",\n  ") + item.replace("\n", "\n  ")
        empty = False
    yield "[]\n" if empty else "\n]\n"


def render_csl_json(
    papers: Sequence[Paper],
    *,
    records: Mapping[str, Mapping[str, WorkRecord]] | None = None,
    prefer: str = "published",
    keywords: bool = True,
) -> str:
    return "".join(iter_csl_json(papers, records=records, prefer=prefer, keywords=keywords))
