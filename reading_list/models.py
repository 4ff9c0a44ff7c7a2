"""Pydantic models: what services return and what files are validated into."""

from __future__ import annotations

import builtins
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from reading_list.status import Status as Status
from reading_list.works import Identity, WorkRecord


class Model(BaseModel):
    """Base of every model: schemas are built on first use, so start-up pays only for what a
    command touches."""

    model_config = ConfigDict(defer_build=True)


class ArxivRecord(Model):
    """Metadata of one paper exactly as arXiv returned it."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    arxiv_id: str
    version: int | None = None
    title: str
    authors: list[str]
    summary: str | None = None
    categories: list[str] = Field(default_factory=builtins.list)
    primary_category: str | None = None
    published: str | None = None
    updated: str | None = None
    doi: str | None = None
    journal_ref: str | None = None
    comment: str | None = None


class Note(Model):
    text: str
    created_at: str


class StatusEvent(Model):
    status: Status
    version: int | None = None
    at: str


class Paper(Model):
    """A tracked item: an arXiv paper or a manual (non-arXiv) entry, with its reading state."""

    id: str
    kind: Literal["arxiv", "manual"]
    arxiv_id: str | None = None
    citekey: str
    title: str
    authors: list[str]
    year: int | None = None
    published: str | None = None
    updated: str | None = None
    version: int | None = None
    abstract: str | None = None
    categories: list[str] = Field(default_factory=builtins.list)
    primary_category: str | None = None
    doi: str | None = None
    journal_ref: str | None = None
    comment: str | None = None
    url: str | None = None
    pdf_url: str | None = None
    status: Status = Status.TO_READ
    priority: int = 0
    rating: int | None = None
    tags: list[str] = Field(default_factory=builtins.list)
    added_at: str
    fetched_at: str | None = None
    status_changed_at: str | None = None
    # Other citekeys documents cite this work by (an imported .bib entry's, when the work was
    # already in the library): exports honour them.
    aliases: list[str] = Field(default_factory=builtins.list)


class ListMembership(Model):
    list: str
    position: int
    cited_as: str
    method: str | None = None
    score: float | None = None


class FieldEdit(Model):
    """One field of an entry changed by hand: its BibTeX source text before and after (None:
    absent, or removed); ``entrytype`` and ``citekey`` name the entry's type and key."""

    field: str
    before: str | None = None
    after: str | None = None
    how: Literal["editor", "set", "merge"]
    at: str


class EntryDraft(Model):
    """An entry offered for editing: ``text`` (comments and the entry) as the editor gets it,
    ``entry`` the entry alone as it was then (to tell whether it changed meanwhile)."""

    paper_id: str
    citekey: str
    text: str
    entry: str


class EditResult(Model):
    """What an edit changed (nothing: ``changes`` is empty), and what the user should know."""

    paper_id: str
    citekey: str
    changes: builtins.list[FieldEdit] = Field(default_factory=builtins.list)
    notes: builtins.list[str] = Field(default_factory=builtins.list)


class MergeConflict(Model):
    """A field both entries hold, with different values (``kept``: whose value stays)."""

    field: str
    first: str
    second: str
    kept: Literal["first", "second"]


class MergeReport(Model):
    """What `merge A B` did (or, with ``dry_run``, would do): B joined into A."""

    into: str
    citekey: str
    merged: str
    merged_citekey: str
    filled: builtins.list[str] = Field(default_factory=builtins.list)
    conflicts: builtins.list[MergeConflict] = Field(default_factory=builtins.list)
    # Rows of B now A's, by what they are (tags, notes, status events, ...).
    moved: dict[str, int] = Field(default_factory=dict)
    # B's status, priority or rating, taken where A had none of its own.
    taken: builtins.list[str] = Field(default_factory=builtins.list)
    alias: bool = False
    dry_run: bool = False


class PaperDetail(Paper):
    notes: list[Note] = Field(default_factory=builtins.list)
    events: list[StatusEvent] = Field(default_factory=builtins.list)
    lists: list[ListMembership] = Field(default_factory=builtins.list)
    # One work, several identities, and where each piece of metadata came from.
    identities: list[Identity] = Field(default_factory=builtins.list)
    field_sources: dict[str, str] = Field(default_factory=dict)
    records: dict[str, WorkRecord] = Field(default_factory=dict)
    lookups: list[SourceLookup] = Field(default_factory=builtins.list)
    edits: list[FieldEdit] = Field(default_factory=builtins.list)


class AddOutcome(Model):
    """What happened to one requested identifier."""

    input: str
    arxiv_id: str | None = None
    outcome: Literal["added", "exists", "refreshed", "not-found", "invalid", "pending"]
    title: str | None = None
    message: str | None = None
    # For works added by DOI, dblp key, OpenReview id or link:
    paper_id: str | None = None
    work_type: str | None = None
    venue: str | None = None
    source: str | None = None


class Candidate(Model):
    arxiv_id: str
    title: str
    authors: list[str] = Field(default_factory=builtins.list)
    year: int | None = None
    score: float
    title_score: float = 0.0
    author_score: float | None = None
    year_score: float | None = None


ResolutionState = Literal["resolved", "manual", "ambiguous", "not-found", "unresolved"]


class Resolution(Model):
    """How one citation was (or was not) resolved to an arXiv id.

    ``state``: resolved (an arXiv id), manual (a work outside arXiv, kept with its link),
    ambiguous (plausible candidates, none clearly right: kept for review), not-found, or
    unresolved (an identifier no available source can look up)."""

    line: int | None = None
    state: ResolutionState = "not-found"
    cited_as: str
    authors_hint: str = ""
    year_hint: int | None = None
    arxiv_id: str | None = None
    score: float | None = None
    method: Literal["id", "search", "manual", "none"]
    url: str | None = None
    queries: list[str] = Field(default_factory=builtins.list)
    candidates: list[Candidate] = Field(default_factory=builtins.list)
    reason: str = ""
    # The record a source outside arXiv (dblp, Crossref) found for a work not on arXiv.
    work: WorkRecord | None = None


class Citation(Model):
    """One reference to resolve: how a text names a work, plus optional hints.

    ``descriptive``: the text describes the work ("dropout for LSTMs") rather than titles it;
    None when unknown (then guessed from its shape)."""

    model_config = ConfigDict(extra="ignore", defer_build=True)

    cited_as: str = Field(min_length=1)
    authors_hint: str = ""
    year_hint: int | None = None
    descriptive: bool | None = None


class ListSummary(Model):
    name: str
    title: str | None = None
    source: str | None = None
    # Items are the works the list cites (its numbered entries); papers are the distinct
    # papers they settled on (a work may be two papers, a skipped item none).
    items: int
    papers: int
    unresolved: int
    by_status: dict[str, int]


# ``list`` is a field name below, hence builtins.list in annotations.
ItemState = Literal["resolved", "unresolved", "manual", "skipped"]


class ListItem(Model):
    list: str
    position: int
    part: int = 0
    cited_as: str
    state: ItemState
    paper_id: str | None = None
    method: str | None = None
    score: float | None = None
    query: str | None = None
    candidates: builtins.list[Candidate] = Field(default_factory=builtins.list)
    context: str | None = None
    speaker: str | None = None
    topic: str | None = None
    authors_hint: str = ""
    year_hint: int | None = None
    note: str | None = None
    # The tags the item's section gives its paper (an import's headings, a seed's topic),
    # kept so that an item settled later (review) gets them too.
    section_tags: builtins.list[str] = Field(default_factory=builtins.list)
    # The title of the paper the item settled on (None while unresolved).
    title: str | None = None


class SkippedLine(Model):
    line: int
    text: str
    reason: str


class LineCounts(Model):
    """Every input line accounted for: lines = reference lines + skipped + blank + headings
    (headings and separator lines, which tag or divide what follows)."""

    lines: int = 0
    reference_lines: int = 0
    references: int = 0
    skipped: int = 0
    blank: int = 0
    headings: int = 0
    states: dict[str, int] = Field(default_factory=dict)


class ExtractedReference(Model):
    """A reference as read from a file, before any lookup."""

    line: int
    cited_as: str
    authors_hint: str = ""
    year_hint: int | None = None
    venue: str = ""
    identifiers: builtins.list[str] = Field(default_factory=builtins.list)
    url: str | None = None
    descriptive: bool | None = None
    text: str = ""


class ExtractionReport(Model):
    """What a file holds: its references and every other line with the reason it was left."""

    mode: str
    references: builtins.list[ExtractedReference]
    skipped: builtins.list[SkippedLine] = Field(default_factory=builtins.list)
    counts: LineCounts = Field(default_factory=LineCounts)


class ResolveReport(Model):
    """A dry run: one result per reference, the skipped lines, and the counts."""

    results: builtins.list[Resolution]
    skipped: builtins.list[SkippedLine] = Field(default_factory=builtins.list)
    counts: LineCounts = Field(default_factory=LineCounts)
    requests: int = 0
    unavailable: str | None = None


class ImportReport(Model):
    """What an import or seed did, item by item."""

    list: str
    items: builtins.list[ListItem]
    skipped: builtins.list[SkippedLine] = Field(default_factory=builtins.list)
    counts: LineCounts | None = None
    offline: bool = False
    unavailable: str | None = None
    requests: int = 0
    # What a secondary source (dblp) could or could not add; never the command's failure.
    notes: builtins.list[str] = Field(default_factory=builtins.list)


class Finding(Model):
    """One problem `doctor` found, and whether `--fix` can mend it safely."""

    check: str
    message: str
    ids: list[str] = Field(default_factory=list)
    fixable: bool = False
    fixed: bool = False


class DoctorReport(Model):
    """``findings``: what is wrong now (after ``--fix``, what the check run again found);
    ``fixed``: what the fixes did."""

    ok: bool
    findings: list[Finding]
    fixed: list[Finding] = Field(default_factory=list)
    fix_tried: bool = False


class FieldConflict(Model):
    """A field an imported entry gives another value than the library holds (the library's
    is kept)."""

    field: str
    library: str
    file: str


class BibMerge(Model):
    """An imported entry whose work was already in the library, and what joining it did."""

    key: str
    line: int
    paper_id: str
    citekey: str
    # The entry's fields the library's record lacked, now filled in.
    filled: builtins.list[str] = Field(default_factory=builtins.list)
    conflicts: builtins.list[FieldConflict] = Field(default_factory=builtins.list)
    # The entry's citekey, kept as another key of the work.
    alias: bool = False
    # The work had no record from a .bib file: the entry's became it.
    record: bool = False


class ManualEntry(Model):
    """A work entered by hand (`add --manual`); the type defaults to what the venue says."""

    title: str
    authors: builtins.list[str] = Field(default_factory=builtins.list)
    year: int | None = Field(default=None, ge=1000, le=2999)
    venue: str | None = None
    url: str | None = None
    entry_type: str | None = None


class BibImportReport(Model):
    added: int = 0
    manual: int = 0
    # Entries whose work was already there (merged ones included).
    exists: int = 0
    merged: builtins.list[BibMerge] = Field(default_factory=builtins.list)
    failed: builtins.list[SkippedLine] = Field(default_factory=builtins.list)
    refreshed: int = 0
    # The citekeys of the papers added, for pasted entries (`add --bibtex`) only.
    added_keys: builtins.list[str] = Field(default_factory=builtins.list)
    unavailable: str | None = None


class Change(Model):
    """One thing that moved on arXiv since the paper was stored (or read)."""

    field: str
    old: str | int | None = None
    new: str | int | None = None
    note: str = ""


class CheckItem(Model):
    paper_id: str
    title: str
    changes: builtins.list[Change]


class CheckReport(Model):
    """``selected`` papers were to be checked; ``checked`` of them got an answer from arXiv."""

    checked: int
    selected: int = 0
    changed: builtins.list[CheckItem]
    missing: builtins.list[str] = Field(default_factory=builtins.list)
    requests: int = 0
    unavailable: str | None = None
    published: VenueReport | None = None


class NextPick(Model):
    paper: Paper | None
    reason: str
    queue: int
    blocked: dict[str, builtins.list[str]] = Field(default_factory=dict)


class WeekCount(Model):
    week: str
    finished: int


class Stats(Model):
    total: int
    by_status: dict[str, int]
    by_list: dict[str, dict[str, int]]
    by_topic: dict[str, dict[str, int]]
    finished_per_week: builtins.list[WeekCount]
    stale_weeks: int
    stale: builtins.list[str]


# ---- published versions and other sources (issue 14) ---------------------------------------


# What a lookup in another source came to; a pending one is retried by the next check.
LookupState = Literal["found", "none", "pending"]


class SourceLookup(Model):
    source: str
    purpose: str
    state: LookupState
    detail: str | None = None
    at: str


class VenueLink(Model):
    """An arXiv paper and the venue version a source found for it (or why none)."""

    paper_id: str
    title: str
    state: Literal["linked", "none", "pending", "kept"]
    key: str | None = None
    venue: str | None = None
    year: int | None = None
    score: float | None = None
    reason: str = ""


class VenueReport(Model):
    """What the published-version lookup did: links found, looked up in vain, pending."""

    source: str = "dblp"
    looked_up: int = 0
    linked: builtins.list[VenueLink] = Field(default_factory=builtins.list)
    none: builtins.list[VenueLink] = Field(default_factory=builtins.list)
    pending: builtins.list[str] = Field(default_factory=builtins.list)
    requests: int = 0
    unavailable: str | None = None


class Provenance(Model):
    """Where a paper came from: its identities, the source of each field, the records
    sources gave, the lookups still open, and how lists cited it."""

    paper_id: str
    identities: builtins.list[Identity]
    field_sources: dict[str, str]
    records: dict[str, WorkRecord] = Field(default_factory=dict)
    lookups: builtins.list[SourceLookup] = Field(default_factory=builtins.list)
    items: builtins.list[ListItem] = Field(default_factory=builtins.list)
