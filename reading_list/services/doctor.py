"""`doctor`: find (and, where safe, fix) what is wrong with a library."""

from __future__ import annotations

import json
from collections import defaultdict

from reading_list.errors import SourceUnavailable
from reading_list.models import DoctorReport, Finding
from reading_list.names import split_name
from reading_list.scoring import normalise
from reading_list.services.library import Library
from reading_list.services.papers import add_papers


def _duplicate_titles(lib: Library) -> list[list[str]]:
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for paper_id, title, authors_json in lib.store.title_author_keys():
        authors = json.loads(authors_json)
        first = normalise(split_name(authors[0]).family) if authors else ""
        groups[(normalise(title), first)].append(paper_id)
    return [sorted(ids) for ids in groups.values() if len(ids) > 1]


def diagnose(lib: Library, *, fix: bool = False) -> DoctorReport:
    store = lib.store
    findings: list[Finding] = []
    integrity = store.integrity_check()
    if integrity != ["ok"]:
        findings.append(Finding(check="integrity", message="; ".join(integrity[:5])))
    orphans = store.orphan_rows()
    if orphans:
        by_table: dict[str, list[int]] = defaultdict(list)
        for table, rowid in orphans:
            by_table[table].append(rowid)
        for table, rowids in sorted(by_table.items()):
            finding = Finding(
                check="orphans",
                message=f"{len(rowids)} {table} row(s) point at nothing",
                fixable=True,
            )
            if fix:
                with store.write():
                    store.delete_rowids(table, rowids)
                finding.fixed = True
            findings.append(finding)
    for ids in store.duplicate_dois():
        findings.append(Finding(check="duplicate-doi", message="same DOI", ids=ids))
    for ids in _duplicate_titles(lib):
        findings.append(
            Finding(check="duplicate-title", message="same title and first author", ids=ids)
        )
    for keys in store.citekey_clashes():
        findings.append(
            Finding(check="citekey-clash", message="citekeys equal but for case", ids=keys)
        )
    dangling = store.dangling_list_items()
    if dangling:
        finding = Finding(
            check="list-items",
            message=f"{len(dangling)} settled list item(s) lost their paper",
            ids=[f"{n}#{p}" for n, p, _ in dangling],
            fixable=True,
        )
        if fix:
            with store.write():
                store.reopen_list_items(dangling)
            finding.fixed = True
        findings.append(finding)
    never = store.never_fetched()
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
