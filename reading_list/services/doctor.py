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


def _ordered(ids: set[str]) -> list[str]:
    # arXiv papers first: `merge` keeps the first, and an arXiv paper keeps its identity.
    return sorted(ids, key=lambda i: (i.startswith("manual:"), i))


def duplicate_works(lib: Library) -> list[tuple[str, str, list[str]]]:
    """(check, what they share, ids) of each set of entries that are one work, whatever
    their kinds: the same DOI, the same arXiv id (an arXiv paper, or a manual entry whose
    link, DOI or eprint names one), or the same title, first author and year (an entry
    lacking the author or the year matches on the rest)."""
    from reading_list.formats.bibreader import arxiv_id_of
    from reading_list.identifiers import doi_identity

    by_doi: dict[str, set[str]] = defaultdict(set)
    by_arxiv: dict[str, set[str]] = defaultdict(set)
    by_title: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for row in lib.store.checks.work_keys():
        paper_id, arxiv_id, title, first_author, year, doi, url, eprint, rec_doi, rec_url = row
        for value in (doi, rec_doi):
            if (bare := doi_identity(value)) is not None:
                by_doi[bare].add(paper_id)
        fields = {"eprint": eprint, "url": url or rec_url, "doi": doi or rec_doi}
        if found_arxiv := arxiv_id or arxiv_id_of({k: v for k, v in fields.items() if v}):
            by_arxiv[found_arxiv].add(paper_id)
        first = normalise(split_name(first_author).family) if first_author else ""
        if words := normalise(title):
            by_title[words].append((paper_id, first, year))
    found: list[tuple[str, str, list[str]]] = []
    seen: set[frozenset[str]] = set()
    for check, groups in (("duplicate-doi", by_doi), ("duplicate-arxiv", by_arxiv)):
        for value, ids in sorted(groups.items()):
            if len(ids) > 1 and frozenset(ids) not in seen:
                seen.add(frozenset(ids))
                found.append((check, value, _ordered(ids)))
    for entries in by_title.values():
        for group in _compatible(entries):
            if frozenset(group) not in seen:
                seen.add(frozenset(group))
                found.append(("duplicate-title", "title, first author and year", _ordered(group)))
    return found


def _compatible(entries: list[tuple[str, str, str]]) -> list[set[str]]:
    """The sets of entries of one title that agree on first author and year where both say
    one (an entry that does not say matches either way)."""
    groups: list[tuple[set[str], str, str]] = []
    for paper_id, first, year in entries:
        for ids, g_first, g_year in groups:
            if (not first or not g_first or first == g_first) and (
                not year or not g_year or year == g_year
            ):
                ids.add(paper_id)
                break
        else:
            groups.append(({paper_id}, first, year))
    return [ids for ids, _, _ in groups if len(ids) > 1]


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
    for check, shared, ids in duplicate_works(lib):
        message = f"one work twice (same {shared}): `merge {ids[0]} {ids[1]}` joins them"
        found.append(Finding(check=check, message=message, ids=ids))
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
