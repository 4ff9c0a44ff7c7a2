"""The dump format, JSON Lines both ways: rendering rows, and validating every row read back.

A dump is a file someone may have edited, or crafted: each line is checked against a strict
model of its table (types, allowed values, JSON fields, nesting) before it reaches the
database (which recomputes the columns it derives from others, store/dump.py). Pure: no I/O.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from reading_list.citekeys import usable_citekey
from reading_list.errors import InvalidIdentifier, InvalidInput
from reading_list.identifiers import WorkIdKind, parse_arxiv_id
from reading_list.models import ItemState, LookupState, Status

DUMP_FORMAT = 1
# A paper is a few kilobytes; anything near this is not a line our dump wrote.
MAX_LINE_CHARS = 16 * 1024 * 1024
# A \\u escape of a UTF-16 surrogate: only a pair of them makes a character.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")

SqlInt = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]
Score = Annotated[float, Field(allow_inf_nan=False)]
# A status is a plain string in a dump; lax mode turns it into the enum (and nothing else).
StatusName = Annotated[Status, Field(strict=False)]


class _Row(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", defer_build=True)


class PaperRow(_Row):
    id: str
    arxiv_id: str | None = None
    kind: Literal["arxiv", "manual"]
    citekey: str
    title: str
    authors: list[str] = Field(default_factory=list)
    year: SqlInt | None = None
    published: str | None = None
    updated: str | None = None
    version: SqlInt | None = None
    abstract: str | None = None
    categories: list[str] = Field(default_factory=list)
    primary_category: str | None = None
    doi: str | None = None
    journal_ref: str | None = None
    comment: str | None = None
    url: str | None = None
    pdf_url: str | None = None
    status: StatusName = Status.TO_READ
    priority: SqlInt = 0
    rating: Annotated[int, Field(ge=1, le=5)] | None = None
    added_at: str
    fetched_at: str | None = None
    status_changed_at: str | None = None
    tag_list: str = ""
    first_author: str = ""
    author_count: SqlInt = 0


class TagRow(_Row):
    paper_id: str
    tag: str
    # The spelling shown (dumps from before tag spellings have none).
    label: str | None = None


class NoteRow(_Row):
    paper_id: str
    text: str
    created_at: str


class EventRow(_Row):
    paper_id: str
    status: StatusName
    version: SqlInt | None = None
    at: str


class ListRow(_Row):
    name: str
    title: str | None = None
    source: str | None = None
    source_date: str | None = None
    description: str | None = None
    created_at: str


class CandidateRow(_Row):
    arxiv_id: str
    title: str
    authors: list[str] = Field(default_factory=list)
    year: SqlInt | None = None
    score: Score
    title_score: Score = 0.0
    author_score: Score | None = None
    year_score: Score | None = None


class ListItemRow(_Row):
    list_name: str
    position: SqlInt
    part: SqlInt = 0
    paper_id: str | None = None
    state: ItemState
    cited_as: str
    authors_hint: str = ""
    year_hint: SqlInt | None = None
    context: str | None = None
    speaker: str | None = None
    topic: str | None = None
    method: str | None = None
    score: Score | None = None
    query: str | None = None
    candidates: list[CandidateRow] = Field(default_factory=list)
    note: str | None = None
    resolved_at: str | None = None
    section_tags: list[str] = Field(default_factory=list)


class IdentityRow(_Row):
    """One of the ids a paper is known by (its arXiv id, a DOI, a dblp key...)."""

    kind: WorkIdKind
    value: str
    paper_id: str
    source: str
    added_at: str


class WorkRecordRow(_Row):
    """A work as another source describes it: ``record`` is that record as JSON."""

    paper_id: str
    role: Literal["work", "published"]
    source: str
    key: str
    record: str
    fetched_at: str


class LookupRow(_Row):
    paper_id: str
    source: str
    purpose: str
    state: LookupState
    detail: str | None = None
    at: str


class LinkRow(_Row):
    """Read ``paper_id`` after ``after_id``."""

    paper_id: str
    after_id: str
    created_at: str


class AliasRow(_Row):
    """Another citekey documents cite ``paper_id`` by."""

    citekey: str
    paper_id: str
    added_at: str


class PreambleRow(_Row):
    """An imported .bib file's @preamble (its source text)."""

    preamble: str
    source: str
    added_at: str


class EditRow(_Row):
    """A field of ``paper_id``'s entry changed by hand (None: absent before, or removed)."""

    paper_id: str
    field: str
    before: str | None = None
    after: str | None = None
    how: Literal["editor", "set", "merge"]
    at: str


ROW_MODELS: dict[str, type[_Row]] = {
    "paper": PaperRow,
    "tag": TagRow,
    "note": NoteRow,
    "event": EventRow,
    "list": ListRow,
    "list_item": ListItemRow,
    "identity": IdentityRow,
    "work_record": WorkRecordRow,
    "lookup": LookupRow,
    "link": LinkRow,
    "alias": AliasRow,
    "preamble": PreambleRow,
    "edit": EditRow,
}


def dump_line(kind: str, row: dict[str, Any]) -> str:
    # "_type" sorts first and cannot clash with a column name.
    return json.dumps({"_type": kind, **row}, ensure_ascii=False, sort_keys=True)


def header_line() -> str:
    return dump_line("header", {"format": DUMP_FORMAT, "tool": "reading-list"})


def _check_paper(paper: PaperRow) -> str | None:
    """What makes a well-typed paper row impossible for the library, if anything."""
    if not usable_citekey(paper.citekey):
        return f"citekey {paper.citekey[:60]!r} has characters a citekey cannot have"
    if paper.kind == "manual":
        if not paper.id.startswith("manual:") or paper.arxiv_id is not None:
            return "a manual entry needs an id 'manual:...' and no arxiv_id"
        return None
    try:
        canonical = parse_arxiv_id(paper.arxiv_id or "").id
    except InvalidIdentifier:
        return f"arxiv_id {paper.arxiv_id!r} is not an arXiv identifier"
    if paper.id != paper.arxiv_id or canonical != paper.arxiv_id:
        return "an arXiv paper's id and arxiv_id must both be its bare arXiv id"
    return None


def _check_record(text: str) -> None:
    """A work record is read back as a WorkRecord with every export: it must be one."""
    from reading_list.works import WorkRecord

    try:
        WorkRecord.model_validate_json(text)
    except ValidationError as exc:
        raise InvalidInput(f"work_record row: record: {_describe(exc)}") from None
    except RecursionError:
        raise InvalidInput("work_record row: record: JSON nested too deeply") from None


def _describe(exc: ValidationError) -> str:
    errors = exc.errors(include_url=False)
    first = errors[0]
    where = ".".join(str(p) for p in first["loc"]) or "row"
    if first["type"] == "extra_forbidden":
        unknown = sorted(str(e["loc"][0]) for e in errors if e["type"] == "extra_forbidden")
        return f"unknown column(s) {unknown}"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first['msg']}{more}"


def parse_line(line: str) -> tuple[str, dict[str, Any]] | None:
    """(kind, row ready to insert) for one dump line; None for a blank line or the header.

    Raises InvalidInput with the reason; the caller adds where (file and line).
    """
    if not line.strip():
        return None
    if len(line) > MAX_LINE_CHARS:
        raise InvalidInput(f"line longer than {MAX_LINE_CHARS // (1024 * 1024)} MiB")
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise InvalidInput("JSON nested too deeply for a dump row") from None
    if _SURROGATE_ESCAPE.search(line):
        try:
            json.dumps(obj, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidInput("a string holds a lone UTF-16 surrogate (\\ud800-\\udfff)") from None
    if not isinstance(obj, dict) or not isinstance(obj.get("_type"), str):
        raise InvalidInput("expected an object with a '_type'")
    kind = obj.pop("_type")
    if kind == "header":
        if obj.get("format") != DUMP_FORMAT:
            raise InvalidInput(f"unsupported dump format {obj.get('format')!r}")
        return None
    model = ROW_MODELS.get(kind)
    if model is None:
        raise InvalidInput(f"unknown _type {kind[:40]!r}")
    try:
        validated = model.model_validate(obj)
    except ValidationError as exc:
        raise InvalidInput(f"{kind} row: {_describe(exc)}") from None
    if isinstance(validated, PaperRow) and (problem := _check_paper(validated)):
        raise InvalidInput(f"paper row: {problem}")
    if isinstance(validated, WorkRecordRow):
        _check_record(validated.record)
    if isinstance(validated, AliasRow) and not usable_citekey(validated.citekey):
        raise InvalidInput(
            f"alias row: citekey {validated.citekey[:60]!r} has characters a citekey cannot have"
        )
    row = validated.model_dump(mode="json")
    if kind == "list_item":
        # The validated candidates as they came (a round trip keeps their bytes).
        row["candidates"] = obj.get("candidates", [])
    return kind, row
