"""The one mapping between papers, tags and list items and the rows that hold them.

Everything a table derives from what it stores is computed here and nowhere else: the synthetic
id of a manual entry, its kind (and the id and kind a work takes when it turns out to be on
arXiv), the identities a paper's own columns give it, the listing's first-author, author-count
and tag-list columns, a tag's key and spelling, a list item's columns, and the JSON encoding of
list-valued columns.

A new paper field takes: a migration adding its column, the field on PaperMetadata (what
sources and readers say) and on models.Paper (what reads return), one line in
``metadata_row``, and its name in ``PAPER_COLUMNS`` (what reads select).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from reading_list.identifiers import doi_identity

if TYPE_CHECKING:
    from reading_list.metadata import PaperMetadata
    from reading_list.models import ListItem, Paper

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
# What a ListItem is written to and read from, in this order (list_items also keeps when it
# was resolved, and its internal row id).
ITEM_COLUMNS = (
    "list_name",
    "position",
    "part",
    "paper_id",
    "state",
    "cited_as",
    "authors_hint",
    "year_hint",
    "context",
    "speaker",
    "topic",
    "method",
    "score",
    "query",
    "candidates",
    "note",
    "section_tags",
)
# Columns holding a JSON array (in ``papers`` and ``list_items``).
JSON_LIST_COLUMNS = ("authors", "categories", "candidates", "section_tags")
MANUAL_PREFIX = "manual:"
ARXIV_KIND, MANUAL_KIND = "arxiv", "manual"


def manual_id(citekey: str) -> str:
    """The id of a work that is not on arXiv: its citekey, which is unique, made distinct."""
    return MANUAL_PREFIX + citekey


def arxiv_key_columns(arxiv_id: str) -> dict[str, str]:
    """The id, arXiv id and kind of a paper on arXiv (a new one, or a work found to be one)."""
    return {"id": arxiv_id, "arxiv_id": arxiv_id, "kind": ARXIV_KIND}


class NewPaper(NamedTuple):
    """A paper about to be stored: what is known about it, the key it is cited by, when it
    arrived, and the status and tags it arrives with. (A NamedTuple: every command imports
    this module, and a dataclass costs ~1 ms to define.)"""

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


# ---- tags ------------------------------------------------------------------------------------
# A tag is stored under its key, which "Program Synthesis" and "program-synthesis" share
# (paper_tags.tag, what tags are matched by), with the spelling shown (paper_tags.label), which
# is the one the library first used for that key.


def tag_pairs(tags: Iterable[str]) -> list[tuple[str, str]]:
    """(key, spelling) of each distinct tag, as written, first spelling kept; a tag without
    letters or digits is an error."""
    from reading_list.tags import labelled

    return labelled(tags)


def tag_rows(paper_id: str, pairs: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str, str]]:
    """Rows of ``paper_tags`` (paper_id, tag, label)."""
    for key, label in pairs:
        yield paper_id, key, label


def tag_list(pairs: Iterable[tuple[str, str]]) -> str:
    """The ``tag_list`` column: the spellings of a paper's (key, spelling) tags in the BINARY
    order of their keys (the order the triggers of m006 write), comma-joined."""
    return ",".join(label for _, label in sorted(dict(pairs).items()))


def dumped_tags(
    rows: Iterable[dict[str, Any]],
) -> tuple[list[dict[str, Any]], dict[str, list[tuple[str, str]]]]:
    """Tag rows from a dump as ``paper_tags`` holds them, and each paper's (key, spelling)
    pairs. A dump from before tag keys has no label: the tag as written is its spelling, and
    two spellings of one tag on a paper are one."""
    from reading_list.tags import tag_key

    out: list[dict[str, Any]] = []
    pairs: dict[str, list[tuple[str, str]]] = {}
    seen: set[tuple[object, str]] = set()
    for row in rows:
        if "label" not in row and isinstance(row.get("tag"), str):
            row = {**row, "label": row["tag"], "tag": tag_key(row["tag"])}
            if (row.get("paper_id"), row["tag"]) in seen:
                continue
            seen.add((row.get("paper_id"), row["tag"]))
        out.append(row)
        pair = (str(row.get("tag")), str(row.get("label")))
        pairs.setdefault(str(row.get("paper_id")), []).append(pair)
    return out, pairs


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


def paper_row(paper: NewPaper, tags: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Every column of a new paper's row; ``tags`` are its (key, spelling) pairs."""
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
        "tag_list": tag_list(tags),
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


def paper_from_row(row: dict[str, Any], tags: list[str]) -> Paper:
    """A Paper from a row of PAPER_COLUMNS (and its "aliases", when it has any), validated."""
    from reading_list.models import Paper

    data = decode_lists(row)
    data["tags"] = tags
    return Paper.model_validate(data)


def papers_from_rows(rows: Iterable[dict[str, Any]], tags: dict[str, list[str]]) -> Iterator[Paper]:
    """Papers from rows of PAPER_COLUMNS (and their "aliases", when they have any),
    unvalidated: read in bulk for exports, they come from our own schema, and validating 100k
    models would be most of an export's time."""
    from reading_list.models import Paper, Status

    for row in rows:
        data = decode_lists(row)
        data["tags"] = tags.get(data["id"], [])
        data["status"] = Status(data["status"])
        data.setdefault("aliases", [])
        yield Paper.model_construct(**data)


# ---- list items ------------------------------------------------------------------------------


def item_row(item: ListItem) -> dict[str, Any]:
    """The ITEM_COLUMNS of a list item's row."""
    row = {"list_name": item.list, **{c: getattr(item, c) for c in ITEM_COLUMNS[1:]}}
    row["candidates"] = encode_list(c.model_dump() for c in item.candidates)
    row["section_tags"] = encode_list(item.section_tags)
    return row


def item_from_row(row: dict[str, Any]) -> ListItem:
    """A ListItem from a row of ITEM_COLUMNS (and the settled paper's ``title``, if any)."""
    from reading_list.models import ListItem

    data = decode_lists(row)
    data["list"] = data.pop("list_name")
    return ListItem.model_validate(data)
