"""`doctor`: find (and, where safe, fix) what is wrong with a library. After fixing it checks
again, so the report says what was mended and what is left, never just what was tried."""

from __future__ import annotations

import json
from collections import defaultdict

from reading_list.errors import SourceUnavailable
from reading_list.models import DoctorReport, Finding
from reading_list.names import split_name
from reading_list.scoring import normalise
from reading_list.services.library import Library
from reading_list.services.papers import add_papers

# Findings that make the library unusable until someone looks (nothing mends them).
SERIOUS = ("integrity", "citekey-clash")


def _duplicate_titles(lib: Library) -> list[list[str]]:
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for paper_id, title, authors_json in lib.store.title_author_keys():
        authors = json.loads(authors_json)
        first = normalise(split_name(authors[0]).family) if authors else ""
        groups[(normalise(title), first)].append(paper_id)
    return [sorted(ids) for ids in groups.values() if len(ids) > 1]


def _orphans(lib: Library) -> dict[str, list[int]]:
    by_table: dict[str, list[int]] = defaultdict(list)
    for table, rowid in lib.store.orphan_rows():
        by_table[table].append(rowid)
    return dict(sorted(by_table.items()))


def findings(lib: Library) -> list[Finding]:
    store = lib.store
    found: list[Finding] = []
    integrity = store.integrity_check()
    if integrity != ["ok"]:
        found.append(Finding(check="integrity", message="; ".join(integrity[:5])))
    for table, rowids in _orphans(lib).items():
        message = f"{len(rowids)} {table} row(s) point at nothing"
        found.append(Finding(check="orphans", message=message, fixable=True))
    for ids in store.duplicate_dois():
        found.append(Finding(check="duplicate-doi", message="same DOI", ids=ids))
    for ids in _duplicate_titles(lib):
        found.append(
            Finding(check="duplicate-title", message="same title and first author", ids=ids)
        )
    for keys in store.citekey_clashes():
        found.append(
            Finding(check="citekey-clash", message="citekeys equal but for case", ids=keys)
        )
    dangling = store.dangling_list_items()
    if dangling:
        found.append(
            Finding(
                check="list-items",
                message=f"{len(dangling)} settled list item(s) lost their paper",
                ids=[f"{n}#{p}" for n, p, _ in dangling],
                fixable=True,
            )
        )
    never = store.never_fetched()
    if never:
        found.append(
            Finding(
                check="never-fetched",
                message=f"{len(never)} paper(s) hold metadata that never came from arXiv",
                ids=never,
                fixable=True,
            )
        )
    return found


def _mend(lib: Library, check: str) -> Finding | None:
    """Do what ``check``'s fix does; a finding saying what was actually done."""
    store = lib.store
    if check == "orphans":
        orphans = _orphans(lib)
        with store.write():
            for table, rowids in orphans.items():
                store.delete_rowids(table, rowids)
        done = ", ".join(f"{len(r)} {t}" for t, r in orphans.items())
        return Finding(check=check, message=f"removed rows that pointed at nothing: {done}")
    if check == "list-items":
        dangling = store.dangling_list_items()
        with store.write():
            store.reopen_list_items(dangling)
        return Finding(
            check=check,
            message=f"{len(dangling)} item(s) whose paper is gone are unresolved again (review)",
            ids=[f"{n}#{p}" for n, p, _ in dangling],
        )
    if check == "never-fetched":
        never = store.never_fetched()
        try:
            outcomes = add_papers(lib, never, refresh=True).outcomes
        except SourceUnavailable:
            outcomes = []
        fetched = [o.arxiv_id or o.input for o in outcomes if o.outcome == "refreshed"]
        if not fetched:
            return None
        return Finding(
            check=check,
            message=f"{len(fetched)} of {len(never)} paper(s) fetched from arXiv",
            ids=fetched,
        )
    return None


def _ok(found: list[Finding]) -> bool:
    return not any(f.fixable or f.check in SERIOUS for f in found)


def diagnose(lib: Library, *, fix: bool = False) -> DoctorReport:
    found = findings(lib)
    if not fix:
        return DoctorReport(ok=_ok(found), findings=found)
    fixed = []
    for check in dict.fromkeys(f.check for f in found if f.fixable):
        if (done := _mend(lib, check)) is not None:
            done.fixed = True
            fixed.append(done)
    left = findings(lib)
    return DoctorReport(ok=_ok(left), findings=left, fixed=fixed, fix_tried=True)
