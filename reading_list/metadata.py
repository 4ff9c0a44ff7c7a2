"""What a source or a file says about a work, before it is stored. Pure: no I/O.

A plain frozen dataclass rather than a pydantic model: a 100k-entry .bib import builds one per
entry, and everything in it was already parsed by the reader that made it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reading_list.identifiers import abs_url, pdf_url, submission_year

if TYPE_CHECKING:
    from reading_list.models import ArxivRecord
    from reading_list.works import WorkRecord


@dataclass(frozen=True, slots=True)
class PaperMetadata:
    """The descriptive fields of a paper (not its citekey, status, tags or timestamps)."""

    title: str
    authors: Sequence[str] = ()
    year: int | None = None
    published: str | None = None
    updated: str | None = None
    version: int | None = None
    abstract: str | None = None
    categories: Sequence[str] = ()
    primary_category: str | None = None
    doi: str | None = None
    journal_ref: str | None = None
    comment: str | None = None
    url: str | None = None
    pdf_url: str | None = None

    @classmethod
    def from_arxiv(cls, record: ArxivRecord) -> PaperMetadata:
        published = record.published or ""
        # The v1 year: from the v1 date, else from the id, whose YYMM is the v1 submission month.
        year = int(published[:4]) if published[:4].isdigit() else submission_year(record.arxiv_id)
        return cls(
            title=record.title,
            authors=tuple(record.authors),
            year=year,
            published=record.published,
            updated=record.updated,
            version=record.version,
            abstract=record.summary,
            categories=tuple(record.categories),
            primary_category=record.primary_category,
            doi=record.doi,
            journal_ref=record.journal_ref,
            comment=record.comment,
            url=abs_url(record.arxiv_id),
            pdf_url=pdf_url(record.arxiv_id),
        )

    @classmethod
    def from_work(cls, record: WorkRecord) -> PaperMetadata:
        """A work that is not on arXiv, as a scholarly source (dblp, Crossref) describes it;
        the whole record is kept beside it (store.identities)."""
        return cls(
            title=record.title,
            authors=tuple(record.authors),
            year=record.year,
            published=str(record.year) if record.year else None,
            doi=record.doi,
            journal_ref=record.venue_text,
            url=record.fields.get("url"),
        )
