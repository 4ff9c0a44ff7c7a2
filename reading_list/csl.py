"""Pure CSL-JSON and RIS rendering of papers. No I/O."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from reading_list.bibtex import published_doi, tex_to_unicode
from reading_list.identifiers import arxiv_doi
from reading_list.models import Paper
from reading_list.names import split_name


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
        item["DOI"] = published_doi(paper) or arxiv_doi(paper.arxiv_id)
        item["URL"] = f"https://arxiv.org/abs/{paper.arxiv_id}"
        category = f" [{paper.primary_category}]" if paper.primary_category else ""
        item["note"] = f"arXiv:{paper.arxiv_id}{category}"
        if paper.version:
            item["version"] = str(paper.version)
        if paper.journal_ref:
            item["container-title"] = tex_to_unicode(paper.journal_ref)
    else:
        if paper.journal_ref:
            item["container-title"] = paper.journal_ref
        if doi := published_doi(paper):
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


def _ris_name(name: str) -> str:
    parts = split_name(tex_to_unicode(name))
    if parts.corporate or not parts.given:
        return parts.full_family
    return f"{parts.full_family}, {parts.given}"


def ris_record(paper: Paper) -> str:
    lines: list[tuple[str, str]] = [("TY", "GEN"), ("TI", tex_to_unicode(paper.title))]
    lines += [("AU", _ris_name(a)) for a in paper.authors if a.lower() != "others"]
    if paper.year:
        lines.append(("PY", str(paper.year)))
    date = (paper.published or "")[:10]
    if len(date) == 10:
        lines.append(("DA", date.replace("-", "/") + "/"))
    if paper.kind == "arxiv" and paper.arxiv_id:
        lines.append(("PB", "arXiv"))
        lines.append(("DO", published_doi(paper) or arxiv_doi(paper.arxiv_id)))
        lines.append(("UR", f"https://arxiv.org/abs/{paper.arxiv_id}"))
        category = f" [{paper.primary_category}]" if paper.primary_category else ""
        lines.append(("N1", f"arXiv:{paper.arxiv_id}{category}"))
        lines += [("KW", c) for c in paper.categories]
    else:
        if paper.journal_ref:
            lines.append(("T2", paper.journal_ref))
        if doi := published_doi(paper):
            lines.append(("DO", doi))
        if paper.url:
            lines.append(("UR", paper.url))
    if paper.abstract:
        lines.append(("AB", " ".join(paper.abstract.split())))
    lines.append(("ID", paper.citekey))
    body = "".join(f"{tag}  - {value}\n" for tag, value in lines)
    return body + "ER  - \n"


def iter_ris(papers: Iterable[Paper]) -> Iterator[str]:
    for n, paper in enumerate(papers):
        yield ("" if n == 0 else "\n") + ris_record(paper)


def render_ris(papers: Sequence[Paper]) -> str:
    return "".join(iter_ris(papers))
