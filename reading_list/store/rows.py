"""The one mapping between papers and rows of the ``papers`` table.

Everything the table derives from a paper is computed here and nowhere else: the synthetic id
of a manual entry, its kind (and the id and kind a work takes when it turns out to be on
arXiv), the listing's first-author, author-count and tag-list columns, and the JSON encoding
of list-valued columns.

A new paper field takes: a migration adding its column, the field on PaperMetadata (what
sources and readers say) and on models.Paper (what reads return), one line in
``metadata_row``, and its name in ``PAPER_COLUMNS`` (what reads select).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reading_list.identifiers import doi_identity

if TYPE_CHECKING:
    from reading_list.metadata import PaperMetadata
    from reading_list.models import Paper

# What a Paper is read from, in this order.
PAPER_COLUMNS = (
    "id",
    "arxiv_id",
    "kind",
    "citekey",
    "title",
    "authors",
    "year",
    "published",
    "updated",
    "version",
    "abstract",
    "categories",
    "primary_category",
    "doi",
    "journal_ref",
    "comment",
    "url",
    "pdf_url",
    "status",
    "priority",
    "rating",
    "added_at",
    "fetched_at",
    "status_changed_at",
)
# Columns kept in step with others for the listing's covering index; never taken from outside.
DERIVED_COLUMNS = ("first_author", "author_count", "tag_list")
# Columns holding a JSON array (in ``papers`` and ``list_items``).
JSON_LIST_COLUMNS = ("authors", "categories", "candidates")
MANUAL_PREFIX = "manual:"
ARXIV_KIND, MANUAL_KIND = "arxiv", "manual"


def manual_id(citekey: str) -> str:
    """The id of a work that is not on arXiv: its citekey, which is unique, made distinct."""
    return MANUAL_PREFIX + citekey


def arxiv_key_columns(arxiv_id: str) -> dict[str, str]:
    """The id, arXiv id and kind of a paper on arXiv (a new one, or a work found to be one)."""
    return {"id": arxiv_id, "arxiv_id": arxiv_id, "kind": ARXIV_KIND}


@dataclass(frozen=True, slots=True)
class NewPaper:
    """A paper about to be stored: what is known about it, the key it is cited by, when it
    arrived, and the status and tags it arrives with."""

    citekey: str
    added_at: str
    metadata: PaperMetadata
    arxiv_id: str | None = None
    fetched_at: str | None = None
    status: str = "to-read"
    tags: Sequence[str] = ()
    # Who vouches for the metadata (its DOI's identity): arXiv for an arXiv paper, otherwise
    # the source its record came from (dblp, crossref), or "manual".
    source: str | None = None

    @property
    def id(self) -> str:
        return self.arxiv_id if self.arxiv_id else manual_id(self.citekey)

    @property
    def kind(self) -> str:
        return ARXIV_KIND if self.arxiv_id else MANUAL_KIND

    def identities(self) -> list[IdentityRow]:
        return identity_rows(
            self.id, self.arxiv_id, self.metadata.doi, self.source or self.kind, self.added_at
        )


# (kind, value, paper id, source, added at): a row of paper_identities.
IdentityRow = tuple[str, str, str, str, str]


def identity_rows(
    paper_id: str, arxiv_id: str | None, doi: str | None, source: str, at: str
) -> list[IdentityRow]:
    """The identities a paper's own columns give it: its arXiv id, and its DOI when that names
    a published version (arXiv's own DOIs name the preprint)."""
    rows: list[IdentityRow] = []
    if arxiv_id:
        rows.append(("arxiv", arxiv_id, paper_id, ARXIV_KIND, at))
    doi_value = doi_identity(doi)
    if doi_value is not None:
        rows.append(("doi", doi_value, paper_id, source, at))
    return rows


def encode_list(values: Iterable[Any]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def tag_list(tags: Iterable[str]) -> str:
    """The ``tag_list`` column: the paper's distinct tags in SQLite's BINARY order (the same
    order as the triggers of m003 write), comma-joined."""
    return ",".join(sorted(set(tags)))


def author_columns(authors: Sequence[str]) -> dict[str, Any]:
    return {
        "authors": encode_list(authors),
        "first_author": authors[0] if authors else "",
        "author_count": len(authors),
    }


def metadata_row(metadata: PaperMetadata, fetched_at: str | None) -> dict[str, Any]:
    """The columns a metadata refresh rewrites (never the citekey, status or tags)."""
    return {
        "title": metadata.title,
        **author_columns(metadata.authors),
        "year": metadata.year,
        "published": metadata.published,
        "updated": metadata.updated,
        "version": metadata.version,
        "abstract": metadata.abstract,
        "categories": encode_list(metadata.categories),
        "primary_category": metadata.primary_category,
        "doi": metadata.doi,
        "journal_ref": metadata.journal_ref,
        "comment": metadata.comment,
        "url": metadata.url,
        "pdf_url": metadata.pdf_url,
        "fetched_at": fetched_at,
    }


def paper_row(paper: NewPaper) -> dict[str, Any]:
    """Every column of a new paper's row."""
    changed = paper.added_at if paper.status != "to-read" else None
    return {
        "id": paper.id,
        "arxiv_id": paper.arxiv_id,
        "kind": paper.kind,
        "citekey": paper.citekey,
        **metadata_row(paper.metadata, paper.fetched_at),
        "status": paper.status,
        "added_at": paper.added_at,
        "status_changed_at": changed,
        "tag_list": tag_list(paper.tags),
    }


def decode_lists(row: dict[str, Any]) -> dict[str, Any]:
    """A stored row with its JSON array columns as lists (in place; returned for chaining)."""
    for column in JSON_LIST_COLUMNS:
        if isinstance(row.get(column), str):
            row[column] = json.loads(row[column])
    return row


def encode_lists(row: dict[str, Any]) -> dict[str, Any]:
    """The inverse of decode_lists, for rows coming back from a dump."""
    for column in JSON_LIST_COLUMNS:
        if isinstance(row.get(column), list):
            row[column] = encode_list(row[column])
    return row


def paper_from_row(row: dict[str, Any], tags: list[str], *, validate: bool = True) -> Paper:
    """A Paper from a row of PAPER_COLUMNS. Rows read in bulk for exports skip validation:
    they come from our own schema, and building 100k models is most of an export's time."""
    from reading_list.models import Paper, Status

    data = decode_lists(row)
    data["tags"] = tags
    if validate:
        return Paper.model_validate(data)
    data["status"] = Status(data["status"])
    return Paper.model_construct(**data)
