"""Pure CSL-JSON rendering of papers. No I/O."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from reading_list.identifiers import abs_url, arxiv_doi, published_doi
from reading_list.models import Paper
from reading_list.names import split_name
from reading_list.tex import tex_to_unicode


def _csl_name(name: str) -> dict[str, str]:
    parts = split_name(tex_to_unicode(name))
    if parts.corporate or not parts.given:
        return {"literal": parts.full_family} if parts.corporate else {"family": parts.family}
    out = {"family": parts.family, "given": parts.given}
    if parts.particle:
        out["non-dropping-particle"] = parts.particle
    if parts.suffix:
        out["suffix"] = parts.suffix
    return out


def _date_parts(paper: Paper) -> list[int] | None:
    raw = (paper.published or "")[:10]
    pieces = [int(x) for x in raw.split("-") if x.isdigit()]
    if pieces:
        return pieces[:3]
    return [paper.year] if paper.year else None


def csl_item(paper: Paper) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": paper.citekey,
        "citation-key": paper.citekey,
        "type": "article",
        "title": tex_to_unicode(paper.title),
        "author": [_csl_name(a) for a in paper.authors if a.lower() != "others"],
    }
    if parts := _date_parts(paper):
        item["issued"] = {"date-parts": [parts]}
    if paper.kind == "arxiv" and paper.arxiv_id:
        item["publisher"] = "arXiv"
        item["number"] = f"arXiv:{paper.arxiv_id}"
        item["DOI"] = published_doi(paper.doi) or arxiv_doi(paper.arxiv_id)
        item["URL"] = abs_url(paper.arxiv_id)
        category = f" [{paper.primary_category}]" if paper.primary_category else ""
        item["note"] = f"arXiv:{paper.arxiv_id}{category}"
        if paper.version:
            item["version"] = str(paper.version)
        if paper.journal_ref:
            item["container-title"] = tex_to_unicode(paper.journal_ref)
    else:
        if paper.journal_ref:
            item["container-title"] = paper.journal_ref
        if doi := published_doi(paper.doi):
            item["DOI"] = doi
        if paper.url:
            item["URL"] = paper.url
    if paper.abstract:
        item["abstract"] = paper.abstract
    return item


def iter_csl_json(papers: Iterable[Paper]) -> Iterator[str]:
    """A CSL-JSON array, one item at a time (the same text json.dumps(indent=2) gives)."""
    empty = True
    for n, paper in enumerate(papers):
        item = json.dumps(csl_item(paper), ensure_ascii=False, indent=2)
        yield ("[\n  " if n == 0 else ",\n  ") + item.replace("\n", "\n  ")
        empty = False
    yield "[]\n" if empty else "\n]\n"


def render_csl_json(papers: Sequence[Paper]) -> str:
    return "".join(iter_csl_json(papers))
