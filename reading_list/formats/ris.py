"""Pure RIS rendering of papers. No I/O."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from reading_list.identifiers import abs_url, arxiv_doi, published_doi
from reading_list.models import Paper
from reading_list.names import split_name
from reading_list.tex import tex_to_unicode


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
        lines.append(("DO", published_doi(paper.doi) or arxiv_doi(paper.arxiv_id)))
        lines.append(("UR", abs_url(paper.arxiv_id)))
        category = f" [{paper.primary_category}]" if paper.primary_category else ""
        lines.append(("N1", f"arXiv:{paper.arxiv_id}{category}"))
        lines += [("KW", c) for c in paper.categories]
    else:
        if paper.journal_ref:
            lines.append(("T2", paper.journal_ref))
        if doi := published_doi(paper.doi):
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
