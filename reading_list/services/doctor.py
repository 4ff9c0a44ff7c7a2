"""`doctor`: find (and, where safe, fix) what is wrong with a library."""

from __future__ import annotations

from collections import defaultdict

from reading_list.errors import SourceUnavailable
from reading_list.models import DoctorReport, Finding
from reading_list.names import split_name
from reading_list.scoring import normalise
from reading_list.services.library import Library
from reading_list.services.papers import add_papers


def _duplicate_titles(lib: Library) -> list[list[str]]:
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for paper_id, title, first_author in lib.store.checks.titles_and_first_authors():
        first = normalise(split_name(first_author).family) if first_author else ""
        groups[(normalise(title), first)].append(paper_id)
    return [sorted(ids) for ids in groups.values() if len(ids) > 1]


def diagnose(lib: Library, *, fix: bool = False) -> DoctorReport:
    checks = lib.store.checks
    findings: list[Finding] = []
    integrity = checks.integrity()
    if integrity != ["ok"]:
        findings.append(Finding(check="integrity", message="; ".join(integrity[:5])))
        # Every other check reads the damaged pages too: report what can be said.
        return DoctorReport(ok=False, findings=findings)
    for table, rowids in sorted(checks.orphans().items()):
        finding = Finding(
            check="orphans",
            message=f"{len(rowids)} {table} row(s) point at nothing",
            fixable=True,
        )
        if fix:
            checks.delete_orphans(table, rowids)
            finding.fixed = True
        findings.append(finding)
    for ids in checks.duplicate_dois():
        findings.append(Finding(check="duplicate-doi", message="same DOI", ids=ids))
    for ids in _duplicate_titles(lib):
        findings.append(
            Finding(check="duplicate-title", message="same title and first author", ids=ids)
        )
    for keys in checks.citekey_clashes():
        findings.append(
            Finding(check="citekey-clash", message="citekeys equal but for case", ids=keys)
        )
    dangling = checks.dangling_list_items()
    if dangling:
        finding = Finding(
            check="list-items",
            message=f"{len(dangling)} settled list item(s) lost their paper",
            ids=[f"{n}#{p}" for n, p, _ in dangling],
            fixable=True,
        )
        if fix:
            checks.reopen_list_items(dangling)
            finding.fixed = True
        findings.append(finding)
    never = checks.never_fetched()
    if never:
        finding = Finding(
            check="never-fetched",
            message=f"{len(never)} paper(s) hold metadata that never came from arXiv",
            ids=never,
            fixable=True,
        )
        if fix:
            try:
                report = add_papers(lib, never, refresh=True)
                finding.fixed = not report.unavailable
            except SourceUnavailable:
                finding.fixed = False
        findings.append(finding)
    ok = all(f.fixed for f in findings if f.fixable) and not any(
        not f.fixable for f in findings if f.check in ("integrity", "citekey-clash")
    )
    return DoctorReport(ok=ok, findings=findings)
