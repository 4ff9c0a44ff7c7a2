"""Pure RIS rendering of papers. No I/O.

RIS is one ``TAG  - value`` per line and ``ER  - `` ends a record, so every value is folded
to one line (controls, NUL and line breaks become spaces): no value can start a tag line.
The type follows the kind of work (work_view.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

from reading_list.formats.bibtex import is_others, one_line
from reading_list.formats.work_view import Person, chosen_record, person, work_view
from reading_list.identifiers import abs_url, arxiv_doi, published_doi
from reading_list.models import Paper
from reading_list.tex import tex_to_unicode
from reading_list.works import WorkRecord


def _ris_name(name: Person) -> str:
    family = f"{name.particle} {name.family}".strip()
    if name.corporate or not name.given:
        return family
    return f"{family}, {name.given}" + (f", {name.suffix}" if name.suffix else "")


def ris_record(paper: Paper, record: WorkRecord | None = None, *, keywords: bool = True) -> str:
    view = work_view(paper, record)
    title = record.title if record is not None and record.title else paper.title
    lines: list[tuple[str, str]] = [("TY", view.ris_type), ("TI", tex_to_unicode(title))]
    lines += [("AU", _ris_name(person(a))) for a in paper.authors if not is_others(a)]
    # A2 is RIS's "secondary author": the editors of the book or proceedings.
    lines += [("A2", _ris_name(e)) for e in view.editors]
    if paper.year:
        lines.append(("PY", str(paper.year)))
    date = (paper.published or "")[:10]
    if len(date) == 10:
        lines.append(("DA", date.replace("-", "/") + "/"))
    container_tag = "JO" if view.ris_type == "JOUR" else "T2"
    lines += [
        (container_tag, view.container),
        ("VL", view.volume),
        ("IS", view.number),
        ("SP", view.first_page),
        ("EP", view.last_page),
        ("PB", view.publisher),
        ("SN", view.isbn or view.issn),
    ]
    if paper.kind == "arxiv" and paper.arxiv_id:
        lines.append(("DO", published_doi(paper.doi) or arxiv_doi(paper.arxiv_id)))
        lines.append(("UR", abs_url(paper.arxiv_id)))
        category = f" [{paper.primary_category}]" if paper.primary_category else ""
        lines.append(("N1", f"arXiv:{paper.arxiv_id}{category}"))
        if paper.journal_ref and record is None:
            lines.append(("N1", f"Published in: {tex_to_unicode(paper.journal_ref)}"))
        lines += [("KW", c) for c in paper.categories]
    else:
        if doi := published_doi(paper.doi):
            lines.append(("DO", doi))
        if paper.url:
            lines.append(("UR", paper.url))
    if keywords:
        lines += [("KW", t) for t in sorted(set(paper.tags), key=lambda t: (t.lower(), t))]
    if paper.abstract:
        lines.append(("AB", paper.abstract))
    lines.append(("ID", paper.citekey))
    body = "".join(f"{tag}  - {text}\n" for tag, value in lines if (text := one_line(value)))
    return body + "ER  - \n"


def iter_ris(
    papers: Iterable[Paper],
    *,
    records: Mapping[str, Mapping[str, WorkRecord]] | None = None,
    prefer: str = "published",
    keywords: bool = True,
) -> Iterator[str]:
    for n, paper in enumerate(papers):
        record = chosen_record(paper, records, prefer)
        yield ("" if n == 0 else "\n") + ris_record(paper, record, keywords=keywords)


def render_ris(
    papers: Sequence[Paper],
    *,
    records: Mapping[str, Mapping[str, WorkRecord]] | None = None,
    prefer: str = "published",
    keywords: bool = True,
) -> str:
    return "".join(iter_ris(papers, records=records, prefer=prefer, keywords=keywords))
