"""`doctor`: find (and, where safe, fix) what is wrong with a library. After fixing it checks
again, so the report says what was mended and what is left, never just what was tried."""

from __future__ import annotations

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
    for paper_id, title, first_author in lib.store.checks.titles_and_first_authors():
        first = normalise(split_name(first_author).family) if first_author else ""
        groups[(normalise(title), first)].append(paper_id)
    return [sorted(ids) for ids in groups.values() if len(ids) > 1]


def findings(lib: Library) -> list[Finding]:
    checks = lib.store.checks
    found: list[Finding] = []
    integrity = checks.integrity()
    if integrity != ["ok"]:
        found.append(Finding(check="integrity", message="; ".join(integrity[:5])))
        # Every other check reads the damaged pages too: report what can be said.
        return found
    for table, rowids in sorted(checks.orphans().items()):
        message = f"{len(rowids)} {table} row(s) point at nothing"
        found.append(Finding(check="orphans", message=message, fixable=True))
    for ids in checks.duplicate_dois():
        found.append(Finding(check="duplicate-doi", message="same DOI", ids=ids))
    for ids in _duplicate_titles(lib):
        found.append(
            Finding(check="duplicate-title", message="same title and first author", ids=ids)
        )
    for keys in checks.citekey_clashes():
        found.append(
            Finding(check="citekey-clash", message="citekeys equal but for case", ids=keys)
        )
    dangling = checks.dangling_list_items()
    if dangling:
        found.append(
            Finding(
                check="list-items",
                message=f"{len(dangling)} settled list item(s) lost their paper",
                ids=[f"{n}#{p}" for n, p, _ in dangling],
                fixable=True,
            )
        )
    never = checks.never_fetched()
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
    checks = lib.store.checks
    if check == "orphans":
        orphans = sorted(checks.orphans().items())
        with lib.store.write():
            for table, rowids in orphans:
                checks.delete_orphans(table, rowids)
        done = ", ".join(f"{len(r)} {t}" for t, r in orphans)
        return Finding(check=check, message=f"removed rows that pointed at nothing: {done}")
    if check == "list-items":
        dangling = checks.dangling_list_items()
        checks.reopen_list_items(dangling)
        return Finding(
            check=check,
            message=f"{len(dangling)} item(s) whose paper is gone are unresolved again (review)",
            ids=[f"{n}#{p}" for n, p, _ in dangling],
        )
    if check == "never-fetched":
        never = checks.never_fetched()
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
