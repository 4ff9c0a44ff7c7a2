"""`edit`: an entry changed by hand, as BibTeX (in $EDITOR, or field by field with --set).

The entry offered is the work's own record when it came from a .bib file (every field as the
file wrote it), else the entry an export writes for it. What comes back is parsed and checked
like an imported entry; when it differs, it becomes the work's record (exports write it back
verbatim), the listing and search columns follow the fields that changed, a new citekey keeps
the old one as an alias, and every changed field is recorded with its value before and after.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from reading_list.citekeys import usable_citekey
from reading_list.errors import InvalidInput, StaleEdit
from reading_list.identifiers import doi_identity
from reading_list.models import EditResult, EntryDraft, FieldEdit, MergeConflict, MergeReport
from reading_list.services.library import Library, now, require_paper_id
from reading_list.works import ENTRY_TYPE_PATTERN

if TYPE_CHECKING:
    from reading_list.formats.bibreader import BibEntry
    from reading_list.metadata import PaperMetadata
    from reading_list.models import Paper

# The names `--set` and the history give an entry's type and key (no BibTeX field has them).
TYPE_FIELD, KEY_FIELD = "entrytype", "citekey"
# A field name BibTeX and biber read as one (formats/bibrecord.py writes no other).
_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_:.+/-]*$")
# An edited entry is one entry: far less than this.
MAX_ENTRY_CHARS = 1024 * 1024
_HEADER = (
    "% The entry of {id}. Save to change it; quit without saving for no change.\n"
    "% Lines starting with % outside the entry are ignored.\n"
)


def _entry_text(entry_type: str, key: str, fields: dict[str, str]) -> str:
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields.items())
    return f"@{entry_type}{{{key},\n{body}}}\n"


def _current(lib: Library, paper_id: str) -> tuple[Paper, BibEntry]:
    """The paper and its entry as the library holds it now."""
    from reading_list.formats.bibreader import BibEntry, parse_bib_text
    from reading_list.formats.bibtex import render_bibliography

    paper = lib.store.papers.get(paper_id)
    if paper is None:  # pragma: no cover - found by id under the same connection
        raise InvalidInput(f"{paper_id}: not on your list")
    records = lib.store.identities.records_of(paper_id)
    work = records.get("work")
    if work is not None and work.tex:
        return paper, BibEntry(paper.citekey, work.entry_type, 1, dict(work.fields))
    rendered = render_bibliography([paper], flavour="bibtex", records={paper_id: records})
    entries = parse_bib_text(rendered.text).entries
    if len(entries) != 1:  # pragma: no cover - our own renderer's entry
        raise InvalidInput(f"{paper.citekey}: its entry cannot be written as BibTeX")
    # The renderer's stand-in for a missing author, not a field of the work: an edited entry
    # must not keep it (styles would print it as the author).
    entries[0].fields.pop("key", None)
    return paper, entries[0]


def entry_draft(lib: Library, ref: str) -> EntryDraft:
    """The entry of ``ref`` as BibTeX, to be edited and handed back to save_entry."""
    paper_id = require_paper_id(lib, ref)
    paper, entry = _current(lib, paper_id)
    header = _HEADER.format(id=paper_id)
    if paper.aliases:
        header += f"% Also cited as: {', '.join(paper.aliases)}\n"
    text = _entry_text(entry.entry_type, entry.key, entry.fields)
    return EntryDraft(paper_id=paper_id, citekey=paper.citekey, text=header + text, entry=text)


def _parse(text: str) -> BibEntry:
    """The one entry of an edited text, checked as an entry the library can hold."""
    from reading_list.formats.bibreader import parse_bib_text

    if len(text) > MAX_ENTRY_CHARS:
        raise InvalidInput(f"the entry is longer than {MAX_ENTRY_CHARS // 1024} KB")
    chunk = parse_bib_text(text)
    if chunk.failed:
        line, reason = chunk.failed[0]
        raise InvalidInput(f"line {line}: {reason}")
    if len(chunk.entries) != 1:
        raise InvalidInput(f"expected one entry, found {len(chunk.entries)}")
    entry = chunk.entries[0]
    if not re.match(ENTRY_TYPE_PATTERN, entry.entry_type):
        raise InvalidInput(f"@{entry.entry_type[:40]}: not an entry type")
    if not usable_citekey(entry.key):
        raise InvalidInput(f"{entry.key[:60]!r} cannot be a citekey")
    for name in entry.fields:
        if not _FIELD_NAME.match(name):
            raise InvalidInput(f"{name[:40]!r} is not a BibTeX field name")
    if not entry.fields.get("title", "").strip():
        raise InvalidInput("the entry needs a title")
    return entry


def _same(a: str | None, b: str | None) -> bool:
    # Re-wrapped lines are no change.
    if a is None or b is None:
        return a is b
    return a.split() == b.split()


def _changes(old: BibEntry, new: BibEntry, how: str, at: str) -> list[FieldEdit]:
    edits = []
    for field, before, after in (
        (TYPE_FIELD, old.entry_type, new.entry_type),
        (KEY_FIELD, old.key, new.key),
    ):
        if before != after:
            edits.append(FieldEdit(field=field, before=before, after=after, how=how, at=at))
    for name in dict.fromkeys([*old.fields, *new.fields]):
        was, value = old.fields.get(name), new.fields.get(name)
        if not _same(was, value):
            edits.append(FieldEdit(field=name, before=was, after=value, how=how, at=at))
    return edits


def save_entry(lib: Library, draft: EntryDraft, text: str) -> EditResult:
    """The entry as edited in $EDITOR (from ``draft``): checked, and stored if it changed.
    The entry must not have changed since the draft was made."""
    new = _parse(text)
    with lib.store.write():
        _, old = _current(lib, draft.paper_id)
        if _entry_text(old.entry_type, old.key, old.fields) != draft.entry:
            raise StaleEdit(
                f"{draft.citekey} was changed by another command while it was being edited; "
                "nothing saved (run edit again)"
            )
        return _store(lib, draft.paper_id, old, new, "editor")


def set_fields(lib: Library, ref: str, assignments: list[str]) -> EditResult:
    """``field=value`` changes for scripts (``field=`` removes the field); ``entrytype`` and
    ``citekey`` name the entry's type and key. Values are BibTeX source text."""
    from reading_list.tex_safety import braces_balanced

    changes: list[tuple[str, str]] = []
    for assignment in assignments:
        name, sep, value = assignment.partition("=")
        name = name.strip().lower()
        if not sep or not name:
            raise InvalidInput(f"--set {assignment[:60]!r}: expected FIELD=VALUE")
        if not _FIELD_NAME.match(name):
            raise InvalidInput(f"--set {name[:40]!r}: not a BibTeX field name")
        if not braces_balanced(value):
            raise InvalidInput(f"--set {name}: the braces in the value do not balance")
        changes.append((name, value.strip()))
    paper_id = require_paper_id(lib, ref)
    with lib.store.write():
        _, old = _current(lib, paper_id)
        entry_type, key, fields = old.entry_type, old.key, dict(old.fields)
        for name, value in changes:
            if name == TYPE_FIELD:
                entry_type = value.lower()
            elif name == KEY_FIELD:
                key = value
            elif value:
                fields[name] = value
            else:
                fields.pop(name, None)
        if not entry_type or not key:
            raise InvalidInput("--set: an entry needs a type and a citekey")
        # Through the editor's checks: what --set stores is what an edit could.
        return _store(lib, paper_id, old, _parse(_entry_text(entry_type, key, fields)), "set")


def _metadata(paper: Paper, old: BibEntry, new: BibEntry) -> PaperMetadata | None:
    """The paper's columns with what the changed fields say in place of what they said
    (the rest, such as an arXiv paper's abstract, untouched); None when none changes."""
    from dataclasses import replace

    from reading_list.formats.bibreader import entry_metadata
    from reading_list.metadata import PaperMetadata

    was = entry_metadata(old, paper.arxiv_id)
    now_ = entry_metadata(new, paper.arxiv_id)
    columns = ["title", "authors", "year", "doi", "journal_ref"]
    if paper.kind == "manual":
        columns += ["url", "published", "abstract"]
    changed = {c: getattr(now_, c) for c in columns if getattr(was, c) != getattr(now_, c)}
    if not changed:
        return None
    current = PaperMetadata(
        title=paper.title,
        authors=tuple(paper.authors),
        year=paper.year,
        published=paper.published,
        updated=paper.updated,
        version=paper.version,
        abstract=paper.abstract,
        categories=tuple(paper.categories),
        primary_category=paper.primary_category,
        doi=paper.doi,
        journal_ref=paper.journal_ref,
        comment=paper.comment,
        url=paper.url,
        pdf_url=paper.pdf_url,
    )
    return replace(current, **changed)


def _store(lib: Library, paper_id: str, old: BibEntry, new: BibEntry, how: str) -> EditResult:
    from reading_list.formats import bibreader

    at = now()
    paper = lib.store.papers.get(paper_id)
    assert paper is not None
    edits = _changes(old, new, how, at)
    result = EditResult(paper_id=paper_id, citekey=paper.citekey, changes=edits)
    if not edits:
        return result
    arxiv_id = bibreader.arxiv_id_of(new.fields)
    if paper.arxiv_id and arxiv_id and arxiv_id != paper.arxiv_id:
        raise InvalidInput(
            f"the entry now names arXiv:{arxiv_id}, but it is arXiv:{paper.arxiv_id}; "
            f"add {arxiv_id} as a paper of its own instead"
        )
    # Unchanged fields keep the text they had (a re-wrapped line is no change).
    fields = {
        name: old.fields[name] if _same(old.fields.get(name), value) else value
        for name, value in new.fields.items()
    }
    entry = bibreader.BibEntry(new.key, new.entry_type, 1, fields)
    if new.key != paper.citekey:
        _rekey(lib, paper, new.key, at)
        result.citekey = new.key
    metadata = _metadata(paper, old, entry)
    if metadata is not None:
        lib.store.papers.refresh(paper_id, metadata, paper.fetched_at)
        doi = doi_identity(metadata.doi)
        owner = lib.store.identities.paper_of("doi", doi) if doi else None
        if owner is not None and owner != paper_id:
            result.notes.append(
                f"the DOI {doi} is also {owner}'s: `merge` joins two entries of one work"
            )
    records = lib.store.identities.records_of(paper_id)
    existing = records.get("work")
    if existing is not None and not existing.tex and "published" not in records:
        # What a source said of the work stays, beside the entry the user now owns.
        lib.store.identities.move_record(paper_id, "work", "published")
    record = bibreader.entry_record(entry, bibreader.entry_metadata(entry, arxiv_id), arxiv_id)
    lib.store.identities.save_record(paper_id, "work", record, at)
    lib.store.papers.record_edits(paper_id, edits)
    return result


def _rekey(lib: Library, paper: Paper, key: str, at: str) -> None:
    """A new citekey; the old one stays an alias, so documents citing it still find it."""
    owner = lib.store.identities.alias_owner(key)
    if owner is not None and owner != paper.id:
        raise InvalidInput(f"the citekey {key} is taken by {owner}")
    if key.lower() in {a.lower() for a in paper.aliases}:
        alias = next(a for a in paper.aliases if a.lower() == key.lower())
        lib.store.identities.remove_alias(paper.id, alias)
    lib.store.papers.update(paper.id, citekey=key)
    if key.lower() != paper.citekey.lower():
        lib.store.identities.add_alias(paper.id, paper.citekey, at)


# ---- merge: two entries of one work become one ------------------------------------------

# The fields that say which arXiv paper an entry is: an arXiv paper keeps its own.
_ARXIV_FIELDS = ("eprint", "archiveprefix", "eprinttype", "primaryclass", "eprintclass")


class _DryRun(Exception):
    """Unwinds a merge's transaction once its report is made (``--dry-run``)."""


def _plain(text: str) -> str:
    from reading_list.scoring import normalise

    return normalise(text)


def merge(
    lib: Library, first: str, second: str, *, prefer_second: bool = False, dry_run: bool = False
) -> MergeReport:
    """Join ``second`` into ``first`` in one transaction: the fields ``first`` lacks filled
    from ``second``, the ones they hold differently reported (``first``'s kept unless
    ``prefer_second``), ``second``'s tags, notes, status history, list places, links, keys and
    identities moved to ``first``, its citekey kept as ``first``'s alias, and ``second``
    removed. With ``dry_run`` nothing is changed; the report says what would be."""
    keep, other = require_paper_id(lib, first), require_paper_id(lib, second)
    if keep == other:
        raise InvalidInput(f"{first} and {second} are the same paper")
    try:
        with lib.store.write():
            report = _merge(lib, keep, other, prefer_second)
            if dry_run:
                report.dry_run = True
                raise _DryRun
    except _DryRun:
        pass
    return report


def _merge(lib: Library, keep: str, other: str, prefer_second: bool) -> MergeReport:
    from reading_list.formats.bibreader import BibEntry

    paper, old = _current(lib, keep)
    merged, theirs = _current(lib, other)
    if merged.arxiv_id and not paper.arxiv_id:
        raise InvalidInput(
            f"{merged.citekey} is the arXiv paper: merge it the other way "
            f"(merge {merged.citekey} {paper.citekey}) to keep its arXiv identity"
        )
    report = MergeReport(
        into=keep, citekey=paper.citekey, merged=other, merged_citekey=merged.citekey
    )
    fields = dict(old.fields)
    for name, value in theirs.fields.items():
        have = fields.get(name, "")
        if not value.strip() or name == "key":
            continue
        if not have.strip():
            fields[name] = value
            report.filled.append(name)
        elif _plain(have) != _plain(value):
            own = paper.arxiv_id is not None and name in _ARXIV_FIELDS
            kept = "second" if prefer_second and not own else "first"
            report.conflicts.append(MergeConflict(field=name, first=have, second=value, kept=kept))
            if kept == "second":
                fields[name] = value
    entry_type = old.entry_type
    if theirs.entry_type != old.entry_type:
        kept = "second" if prefer_second else "first"
        report.conflicts.append(
            MergeConflict(
                field=TYPE_FIELD, first=old.entry_type, second=theirs.entry_type, kept=kept
            )
        )
        entry_type = theirs.entry_type if prefer_second else old.entry_type
    at = now()
    report.moved = lib.store.papers.absorb(keep, other)
    report.taken = lib.store.papers.take_reading_state(keep, other)
    lib.store.papers.delete(other)
    if merged.citekey.lower() != paper.citekey.lower():
        lib.store.identities.add_alias(keep, merged.citekey, at)
        report.alias = True
    _store(lib, keep, old, BibEntry(old.key, entry_type, 1, fields), "merge")
    lib.store.papers.record_edits(
        keep, [FieldEdit(field="merged", before=None, after=other, how="merge", at=at)]
    )
    return report
