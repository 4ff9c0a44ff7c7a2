"""Views of lists, seeds, imports, resolutions and review: models to text for people at a
terminal, tab-separated lines for pipes. No I/O."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from reading_list.formats.tabular import tsv_line

if TYPE_CHECKING:
    from rich.console import RenderableType

    from reading_list.formats.seeds import SeedList
    from reading_list.models import (
        ExtractionReport,
        ImportReport,
        LineCounts,
        ListItem,
        ListSummary,
        Provenance,
        Resolution,
        SkippedLine,
    )
from reading_list.cli.screen import Col, Grid, Screen, _plural, one_line
from reading_list.cli.views import _provenance, short_authors

# ---- lists ---------------------------------------------------------------------------------

ITEMS_LEGEND = "items: the works a list cites; papers: what they settled on (a work may be two)"


def seeds_lines(seeds: Sequence[SeedList]) -> Screen:
    cols = (Col("seed"), Col("items", right=True), Col("title", least=10, flex=True, drop=1))
    rows = [[s.name, str(len(s.items)), one_line(s.title)] for s in seeds]
    notes = ["items: the works each list cites; build one with: reading-list seed NAME"]
    return Screen(Grid(cols, rows), notes if seeds else ["no seed lists found"])


def list_summaries_table(lists: Sequence[ListSummary]) -> Screen:
    cols = (
        Col("list"),
        Col("items", right=True),
        Col("papers", right=True),
        Col("unres.", right=True),
        Col("to-read", right=True),
        Col("reading", right=True, drop=2),
        Col("read", right=True),
        Col("other", right=True, drop=3),
        Col("title", least=12, flex=True, drop=4),
    )
    rows = []
    for s in lists:
        main = {k: s.by_status.get(k, 0) for k in ("to-read", "reading", "read")}
        other = sum(v for k, v in s.by_status.items() if k not in main)
        rows.append(
            [
                one_line(s.name),
                str(s.items),
                str(s.papers),
                str(s.unresolved),
                *(str(v) for v in main.values()),
                str(other),
                one_line(s.title or ""),
            ]
        )
    notes = [ITEMS_LEGEND, "unres.: items to settle with `review`; other: skimmed or abandoned"]
    return Screen(Grid(cols, rows), notes if lists else ["no lists yet"])


def _item_number(item: ListItem) -> str:
    return f"{item.position}" + (f".{item.part}" if item.part else "")


ITEM_COLUMNS = (
    Col("#", right=True),
    Col("state"),
    Col("paper", most=16, hang=True, style="cyan"),
    Col("title (or how it is cited)", least=30, flex=True),
)


def items_grid(items: Sequence[ListItem]) -> Grid:
    rows = [
        [
            _item_number(it),
            it.state,
            one_line(it.paper_id or ""),
            one_line(it.title or f"cited as: {it.cited_as}"),
        ]
        for it in items
    ]
    extra = [[it.method or "", f"{it.score:.2f}" if it.score is not None else ""] for it in items]
    return Grid(ITEM_COLUMNS, rows, extra=extra)


def _by_state(items: Sequence[ListItem]) -> dict[str, int]:
    states: dict[int, str] = {}
    for item in items:
        states.setdefault(item.position, item.state)
    counts: dict[str, int] = {}
    for state in states.values():
        counts[state] = counts.get(state, 0) + 1
    return counts


def _state_words(state: str, count: int) -> str:
    if state == "resolved":
        return f"{count} on arXiv"
    if state == "manual":
        return _plural(count, "manual entry", "manual entries") + " (not on arXiv)"
    return f"{count} {state}"


ITEM_STATES = ("resolved", "manual", "skipped", "unresolved")


def import_summary(report: ImportReport) -> list[str]:
    counts = _by_state(report.items)
    papers = len({it.paper_id for it in report.items if it.paper_id})
    detail = ", ".join(_state_words(s, counts[s]) for s in ITEM_STATES if counts.get(s))
    lines = [
        f"list {report.list}: {_plural(sum(counts.values()), 'item')} -> "
        f"{_plural(papers, 'paper')}; {_plural(report.requests, 'arXiv request')}",
        f"  {detail}",
    ]
    if report.offline and report.unavailable:
        lines.append(f"offline: {report.unavailable}")
    if counts.get("unresolved"):
        lines.append(f"settle the unresolved ones with: reading-list review --list {report.list}")
    return lines


def skipped_lines(skipped: Sequence[SkippedLine]) -> list[str]:
    return [f"skipped line {s.line} ({s.reason}): {s.text[:70]}" for s in skipped]


def line_counts(counts: LineCounts | None, *, requests: int | None = None) -> list[str]:
    """Every input line accounted for, in one line (for scripts and people alike)."""
    if counts is None:
        return []
    states = ", ".join(f"{v} {k}" for k, v in counts.states.items())
    return [
        f"{counts.lines} line(s): {counts.references} reference(s) on {counts.reference_lines}"
        + (f" ({states})" if states else "")
        + f", {counts.skipped} skipped, {counts.blank} blank, {counts.headings} heading(s)"
        + (f"; {requests} arXiv request(s)" if requests is not None else "")
    ]


def extracted(report: ExtractionReport) -> Screen:
    notes = [f"read as {report.mode}", *skipped_lines(report.skipped)]
    return Screen(extraction_table(report), [one_line(n) for n in notes])


def resolved(results: Sequence[Resolution], skipped: Sequence[SkippedLine]) -> Screen:
    return Screen(resolutions_table(results), [one_line(n) for n in skipped_lines(skipped)])


def imported(report: ImportReport) -> Screen:
    """An import: every item with the title it settled on, then the counts."""
    notes = [one_line(line) for line in skipped_lines(report.skipped)]
    return Screen(items_grid(report.items), [*notes, *import_summary(report)])


def seeded(report: ImportReport) -> Screen:
    """A seed: a short summary (the curated items need no checking); the items when piped."""
    unresolved = [it for it in report.items if it.state == "unresolved"]
    lines = [f"  #{it.position} {one_line(it.cited_as)[:60]}" for it in unresolved[:5]]
    notes = [*import_summary(report), *lines, f"see it: reading-list list --list {report.list}"]
    return Screen(None, notes, plain=items_grid(report.items).tsv())


def settled(item: ListItem) -> Screen:
    what = one_line(item.title or item.paper_id or "")
    return Screen(notes=[f"{item.list} #{item.position}: {item.state} {what}".rstrip()])


def review_step(item: ListItem) -> Screen:
    what = one_line(f"{item.paper_id or ''} {item.title or ''}".strip())
    return Screen(notes=[f"  -> {item.state} {what}".rstrip()])


def nothing_to_review() -> Screen:
    return Screen(notes=["nothing to review"])


def renamed_list(old: str, new: str) -> Screen:
    return Screen(notes=[f"list {old} is now {new}"])


def list_removal_question(name: str, items: int, leaving: Sequence[str]) -> str:
    papers = (
        f" and {_plural(len(leaving), 'paper')} on no other list ({', '.join(leaving[:5])}"
        + (", ..." if len(leaving) > 5 else "")
        + ")"
        if leaving
        else ""
    )
    return f"Remove list {name} ({_plural(items, 'item')}){papers}?"


def list_removed(name: str, items: int, papers: int) -> Screen:
    kept = f", {_plural(papers, 'paper')} with it" if papers else "; its papers stay"
    return Screen(notes=[f"removed list {name} ({_plural(items, 'item')}){kept}"])


def item_removed(name: str, positions: Sequence[int]) -> Screen:
    numbers = ", ".join(f"#{p}" for p in positions)
    return Screen(notes=[f"{name}: removed item {numbers}; the paper stays in the library"])


def resolutions_table(items: Sequence[Resolution]) -> Grid:
    cols = (
        Col("#", right=True),
        Col("line", right=True, drop=3),
        Col("state"),
        Col("arxiv id", most=16, hang=True, style="cyan"),
        Col("score", right=True),
        Col("cited as", least=24, most=50, flex=True),
        Col("best candidate / why", least=20, drop=1),
    )
    rows = []
    for n, r in enumerate(items, 1):
        best = r.candidates[0] if r.candidates else None
        detail = f"{best.arxiv_id} {best.title} ({best.score:.2f})" if best else r.reason
        rows.append(
            [
                str(n),
                str(r.line or ""),
                r.state,
                one_line(r.arxiv_id or r.url or "-"),
                f"{r.score:.2f}" if r.score is not None else "",
                one_line(r.cited_as),
                one_line(detail),
            ]
        )
    return Grid(cols, rows)


def extraction_table(report: ExtractionReport) -> Grid:
    cols = (
        Col("line", right=True),
        Col("title / cited as", least=30, flex=True),
        Col("authors", least=10, most=30, drop=2),
        Col("year", right=True),
        Col("identifiers", least=12, most=40, drop=1),
    )
    rows = [
        [
            str(r.line),
            one_line(r.cited_as + (" (a description)" if r.descriptive else "")),
            one_line(r.authors_hint),
            str(r.year_hint or ""),
            one_line(" ".join(r.identifiers) or (r.url or "")),
        ]
        for r in report.references
    ]
    return Grid(cols, rows)


def candidates_grid(item: ListItem) -> Grid:
    cols = (
        Col("", right=True),
        Col("arxiv id", style="cyan"),
        Col("score", right=True),
        Col("year", right=True),
        Col("title", least=30, flex=True),
        Col("authors", least=10, most=24, drop=1),
    )
    rows = [
        [
            str(n),
            c.arxiv_id,
            f"{c.score:.2f}",
            str(c.year or ""),
            one_line(c.title),
            one_line(short_authors(c.authors)),
        ]
        for n, c in enumerate(item.candidates, 1)
    ]
    return Grid(cols, rows)


def why_view(why: Provenance) -> Screen:
    from rich.console import Group
    from rich.text import Text

    parts, plain = _provenance(why.identities, why.field_sources, why.records, why.lookups)
    if not why.items:
        parts.append(Text("added directly, not through a list"))
    for it in why.items:
        score = f", score {it.score:.2f}" if it.score is not None else ""
        cited = one_line(it.cited_as)
        parts.append(Text(one_line(f"{it.list} #{it.position}: cited as {cited!r}"), style="bold"))
        parts.append(Text(one_line(f"  {it.state} by {it.method or '?'}{score}")))
        plain.append(
            tsv_line(
                [
                    "item",
                    it.list,
                    _item_number(it),
                    it.state,
                    it.method or "",
                    f"{it.score:.2f}" if it.score is not None else "",
                    it.paper_id or "",
                    it.cited_as,
                ]
            )
        )
        for label, value in (
            ("cited by", it.speaker),
            ("context", it.context),
            ("queries", it.query),
        ):
            if value:
                parts.append(Text(f"  {label}: {one_line(value)}"))
                plain.append(tsv_line([label.replace(" ", "-"), value]))
        if it.candidates:
            grid = candidates_grid(it)
            parts.append(grid)
            plain += [tsv_line(["candidate", *row]) for row in grid.rows]
    return Screen(Group(*parts), plain=plain)


REVIEW_HELP = (
    "answers: a candidate's number, an arXiv id, a paper in your library (id or citekey),",
    "n = not on arXiv (asks for the manual entry), s = skip, q = quit",
)
REVIEW_QUESTION = "number, arXiv id, citekey, n, s or q"


def review_view(item: ListItem) -> Screen:
    from rich.console import Group
    from rich.text import Text

    hints = ", ".join(x for x in (item.authors_hint, str(item.year_hint or "")) if x)
    parts: list[RenderableType] = [
        Text(one_line(f"{item.list} #{item.position}: {item.cited_as}"), style="bold"),
        Text(f"  hints: {one_line(hints)}" if hints else "  no hints"),
    ]
    if item.topic:
        parts.append(Text(f"  section: {one_line(item.topic)}"))
    parts.append(candidates_grid(item) if item.candidates else Text("  no candidates"))
    return Screen(Group(*parts))


def review_retry(problem: str) -> Screen:
    return Screen(notes=[f"  {problem}; try again"])
