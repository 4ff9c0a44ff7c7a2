"""Models to rich tables and text for people at a terminal: every word a command shows
people is composed here. No I/O."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import RenderableType

    from reading_list.formats.seeds import SeedList
    from reading_list.models import (
        AddOutcome,
        BibImportReport,
        CheckReport,
        DoctorReport,
        ExtractionReport,
        ImportReport,
        LineCounts,
        ListItem,
        ListSummary,
        NextPick,
        Paper,
        PaperDetail,
        Provenance,
        Resolution,
        SkippedLine,
        SourceLookup,
        Stats,
    )
    from reading_list.services.transfer import ExportResult
    from reading_list.works import Identity, WorkRecord


class Screen:
    """What a command shows people: ``body`` on stdout (a rich renderable, or text printed as
    it is), then ``notes`` on stderr, one line each, so that pipes stay clean."""

    # A plain class: a dataclass would add the dataclasses import to every command's start-up.
    __slots__ = ("body", "notes")

    def __init__(self, body: RenderableType | None = None, notes: Sequence[str] = ()) -> None:
        self.body = body
        self.notes = notes


def _lines(lines: Sequence[str]) -> str | None:
    return "\n".join(lines) if lines else None


def short_authors(authors: Sequence[str], limit: int = 2) -> str:
    if not authors:
        return ""
    if len(authors) <= limit:
        return ", ".join(authors)
    return f"{', '.join(authors[:limit])} et al."


def papers_table(papers: Sequence[Paper], title: str | None = None) -> RenderableType:
    from rich.table import Table

    table = Table(title=title, show_lines=False, expand=False)
    table.add_column("id", no_wrap=True, style="cyan")
    table.add_column("status", no_wrap=True)
    table.add_column("year", justify="right")
    table.add_column("title", ratio=3)
    table.add_column("authors", ratio=1)
    table.add_column("tags")
    for p in papers:
        table.add_row(
            p.id,
            p.status.value,
            str(p.year or ""),
            p.title,
            short_authors(p.authors),
            ", ".join(p.tags),
        )
    return table


def paper_detail(d: PaperDetail) -> RenderableType:
    from rich.console import Group
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    head = Text(d.title, style="bold")
    meta = Table.grid(padding=(0, 2))
    meta.add_column(style="dim", no_wrap=True)
    meta.add_column()
    rows: list[tuple[str, str | None]] = [
        ("id", d.id),
        ("citekey", d.citekey),
        ("authors", ", ".join(d.authors)),
        ("published", d.published),
        ("updated", d.updated),
        ("version", f"v{d.version}" if d.version else None),
        ("categories", ", ".join(d.categories) or None),
        ("doi", d.doi),
        ("journal", d.journal_ref),
        ("comment", d.comment),
        ("url", d.url),
        ("pdf", d.pdf_url),
        ("status", d.status.value),
        ("priority", str(d.priority) if d.priority else None),
        ("rating", f"{d.rating}/5" if d.rating else None),
        ("tags", ", ".join(d.tags) or None),
        ("lists", ", ".join(f"{m.list} #{m.position}" for m in d.lists) or None),
        ("added", d.added_at),
        ("fetched", d.fetched_at),
    ]
    for label, value in rows:
        if value:
            meta.add_row(label, escape(value))
    parts: list[RenderableType] = [head, meta]
    provenance = _provenance_lines(d.identities, {}, d.records, d.lookups)
    if provenance:
        parts += [Text(""), *provenance]
    if d.abstract:
        parts += [Text("\nabstract", style="dim"), Text(d.abstract)]
    if d.events:
        parts.append(Text("\nstatus history", style="dim"))
        for e in d.events:
            version = f" (v{e.version})" if e.version else ""
            parts.append(Text(f"  {e.at}  {e.status.value}{version}"))
    if d.notes:
        parts.append(Text("\nnotes", style="dim"))
        for n in d.notes:
            parts.append(Text(f"  [{n.created_at}] {n.text}"))
    return Group(*parts)


def outcome_line(o: AddOutcome) -> str:
    target = o.arxiv_id or o.paper_id or o.input
    detail = o.title or o.message or ""
    typed = ", ".join(x for x in (o.work_type, o.venue) if x)
    if typed:
        detail += f" ({typed})"
    if o.title and o.message:
        detail += f"; {o.message}"
    return f"{o.outcome:<9} {target}  {detail}".rstrip()


def list_summaries_table(lists: Sequence[ListSummary]) -> RenderableType:
    from rich.table import Table

    table = Table()
    for col in ("list", "items", "unresolved", "to-read", "reading", "read", "other", "title"):
        table.add_column(col, justify="right" if col not in ("list", "title") else "left")
    for s in lists:
        main = {k: s.by_status.get(k, 0) for k in ("to-read", "reading", "read")}
        other = sum(v for k, v in s.by_status.items() if k not in main)
        table.add_row(
            s.name,
            str(s.items),
            str(s.unresolved),
            *(str(v) for v in main.values()),
            str(other),
            s.title or "",
        )
    return table


def resolutions_table(items: Sequence[Resolution]) -> RenderableType:
    from rich.table import Table

    table = Table()
    for col in ("#", "line", "cited as", "state", "arxiv id", "score", "best candidate / why"):
        table.add_column(col)
    for n, r in enumerate(items, 1):
        best = r.candidates[0] if r.candidates else None
        detail = f"{best.arxiv_id} {best.title[:50]} ({best.score:.2f})" if best else r.reason
        table.add_row(
            str(n),
            str(r.line or ""),
            r.cited_as[:60],
            r.state,
            r.arxiv_id or r.url or "-",
            f"{r.score:.2f}" if r.score is not None else "",
            detail[:90],
        )
    return table


def extraction_table(report: ExtractionReport) -> RenderableType:
    from rich.table import Table

    table = Table(title=f"read as {report.mode}")
    for col in ("line", "title / cited as", "authors", "year", "identifiers"):
        table.add_column(col)
    for r in report.references:
        table.add_row(
            str(r.line),
            r.cited_as[:70] + (" (a description)" if r.descriptive else ""),
            r.authors_hint[:40],
            str(r.year_hint or ""),
            " ".join(r.identifiers) or (r.url or ""),
        )
    return table


def list_items_table(items: Sequence[ListItem]) -> RenderableType:
    from rich.table import Table

    table = Table()
    for col in ("#", "cited as", "state", "paper", "method", "score"):
        table.add_column(col)
    for it in items:
        number = f"{it.position}" + (f".{it.part}" if it.part else "")
        table.add_row(
            number,
            it.cited_as[:60],
            it.state,
            it.paper_id or "",
            it.method or "",
            f"{it.score:.2f}" if it.score is not None else "",
        )
    return table


def _candidates_table(item: ListItem) -> RenderableType:
    from rich.table import Table

    table = Table(show_header=True)
    for col in ("", "arxiv id", "score", "title", "authors", "year"):
        table.add_column(col)
    for n, c in enumerate(item.candidates, 1):
        table.add_row(
            str(n),
            c.arxiv_id,
            f"{c.score:.2f}",
            c.title,
            short_authors(c.authors),
            str(c.year or ""),
        )
    return table


def _provenance_lines(
    identities: Sequence[Identity],
    field_sources: dict[str, str],
    records: dict[str, WorkRecord],
    lookups: Sequence[SourceLookup],
) -> list[RenderableType]:
    from rich.text import Text

    parts: list[RenderableType] = []
    if identities:
        parts.append(Text("identities", style="dim"))
        parts += [Text(f"  {i.kind}: {i.value}  (from {i.source})") for i in identities]
    published = records.get("published")
    if published is not None:
        where = ", ".join(
            x
            for x in (published.container, published.fields.get("pages"), str(published.year))
            if x and x != "None"
        )
        parts.append(Text("published version", style="dim"))
        parts.append(
            Text(f"  {published.kind_label}: {where}  ({published.source}:{published.key})")
        )
    if field_sources:
        by_source: dict[str, list[str]] = {}
        for name, source in field_sources.items():
            by_source.setdefault(source, []).append(name)
        parts.append(Text("fields from", style="dim"))
        parts += [Text(f"  {src}: {', '.join(names)}") for src, names in by_source.items()]
    for lookup in lookups:
        if lookup.state != "found":
            detail = f": {lookup.detail}" if lookup.detail else ""
            parts.append(Text(f"  {lookup.source} {lookup.purpose} lookup {lookup.state}{detail}"))
    return parts


def why_view(why: Provenance) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    parts: list[RenderableType] = _provenance_lines(
        why.identities, why.field_sources, why.records, why.lookups
    )
    if not why.items:
        parts.append(Text("added directly, not through a list"))
    for it in why.items:
        score = f", score {it.score:.2f}" if it.score is not None else ""
        parts.append(Text(f"{it.list} #{it.position}: cited as {it.cited_as!r}", style="bold"))
        parts.append(Text(f"  {it.state} by {it.method or '?'}{score}"))
        if it.speaker:
            parts.append(Text(f"  cited by {it.speaker}"))
        if it.context:
            parts.append(Text(f"  context: {it.context}"))
        if it.query:
            parts.append(Text(f"  queries: {it.query}"))
        if it.candidates:
            parts.append(_candidates_table(it))
    return Group(*parts)


REVIEW_QUESTION = "number to accept, an arXiv id, n = not on arXiv, s = skip, q = quit"


def review_view(item: ListItem) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    hints = ", ".join(x for x in (item.authors_hint, str(item.year_hint or "")) if x)
    parts: list[RenderableType] = [
        Text(f"{item.list} #{item.position}: {item.cited_as}", style="bold"),
        Text(f"  hints: {hints}" if hints else "  no hints"),
    ]
    parts.append(_candidates_table(item) if item.candidates else Text("  no candidates"))
    return Group(*parts)


def _bar(value: int, top: int, width: int = 30) -> str:
    if top <= 0:
        return ""
    full = value * width / top
    return "█" * int(full) + ("▌" if full - int(full) >= 0.5 else "")


def stats_text(st: Stats) -> str:
    """A small terminal report with bar charts (plain text, so it pipes)."""
    from reading_list.status import FINISHED

    lines = [f"{st.total} paper(s)", "", "by status"]
    top = max(st.by_status.values(), default=0)
    for status, count in st.by_status.items():
        lines.append(f"  {status:<10} {count:>6}  {_bar(count, top)}")
    for title, groups in (("by list", st.by_list), ("by topic", st.by_topic)):
        if groups:
            lines += ["", title]
            for name, counts in groups.items():
                done = sum(v for k, v in counts.items() if k in FINISHED)
                total = sum(counts.values())
                lines.append(f"  {name:<28} {done:>4}/{total:<4} read  {_bar(done, total, 20)}")
    if st.finished_per_week:
        lines += ["", "finished per week"]
        top = max(w.finished for w in st.finished_per_week)
        for week in st.finished_per_week[-12:]:
            lines.append(f"  {week.week}  {week.finished:>4}  {_bar(week.finished, top)}")
    lines += ["", f"to-read untouched for {st.stale_weeks}+ weeks: {len(st.stale)}"]
    lines += [f"  {paper_id}" for paper_id in st.stale[:10]]
    if len(st.stale) > 10:
        lines.append(f"  ... and {len(st.stale) - 10} more")
    return "\n".join(lines)


# ---- papers --------------------------------------------------------------------------------


def added(outcomes: Sequence[AddOutcome]) -> Screen:
    return Screen(_lines([outcome_line(o) for o in outcomes]))


def papers_screen(papers: Sequence[Paper]) -> Screen:
    return Screen(papers_table(papers), [f"{len(papers)} paper(s)"])


def status_set(paper_id: str, status: str) -> Screen:
    return Screen(notes=[f"{paper_id}: {status}"])


def tags_set(paper_id: str, tags: Sequence[str]) -> Screen:
    return Screen(notes=[f"{paper_id}: {', '.join(tags) or '(no tags)'}"])


def number_set(d: PaperDetail, field: str) -> Screen:
    return Screen(
        notes=[
            f"{d.id}: rated {d.rating}/5" if field == "rating" else f"{d.id}: priority {d.priority}"
        ]
    )


def noted(d: PaperDetail) -> Screen:
    return Screen(notes=[f"{d.id}: {len(d.notes)} note(s)"])


def removal_question(d: PaperDetail) -> str:
    return f"Remove {d.id} ({d.title})?"


def removed(p: Paper) -> Screen:
    return Screen(notes=[f"removed {p.id}"])


# ---- lists ---------------------------------------------------------------------------------


def seeds_lines(seeds: Sequence[SeedList]) -> Screen:
    return Screen(_lines([f"{s.name}\t{len(s.items)} items\t{s.title}" for s in seeds]))


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
    return Screen(extraction_table(report), skipped_lines(report.skipped))


def resolved(results: Sequence[Resolution], skipped: Sequence[SkippedLine]) -> Screen:
    return Screen(resolutions_table(results), skipped_lines(skipped))


def imported(report: ImportReport) -> Screen:
    notes = skipped_lines(report.skipped)
    counts: dict[str, int] = {}
    for item in report.items:
        counts[item.state] = counts.get(item.state, 0) + 1
    summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
    notes.append(f"list {report.list}: {summary}; {report.requests} arXiv request(s)")
    return Screen(list_items_table(report.items), notes)


def settled(item: ListItem) -> Screen:
    return Screen(notes=[f"{item.list} #{item.position}: {item.state} {item.paper_id or ''}"])


def review_step(item: ListItem) -> Screen:
    return Screen(notes=[f"  -> {item.state} {item.paper_id or ''}"])


def nothing_to_review() -> Screen:
    return Screen(notes=["nothing to review"])


# ---- transfer ------------------------------------------------------------------------------


def exported(result: ExportResult, output: Path | None) -> Screen:
    notes = [f"warning: {w}" for w in result.warnings]
    if output is not None:
        notes.append(f"{result.count} entr{'y' if result.count == 1 else 'ies'}")
    return Screen(notes=notes)


def bib_imported(report: BibImportReport, source: Path, *, fetched: bool) -> Screen:
    notes = [f"{source}:{failed.line}: skipped: {failed.reason}" for failed in report.failed]
    notes.append(
        f"{report.added} arXiv and {report.manual} manual entries added, "
        f"{report.exists} already present, {len(report.failed)} unreadable"
        + (f", {report.refreshed} refreshed from arXiv" if fetched else "")
    )
    return Screen(notes=notes)


def restored(counts: dict[str, int]) -> Screen:
    done = ", ".join(f"{n} {kind}(s)" for kind, n in counts.items() if n)
    return Screen(notes=[done or "nothing restored"])


REKEY_QUESTION = "Citekeys in your documents may break. Rekey?"


def rekeyed(changes: Sequence[tuple[str, str, str]]) -> Screen:
    lines = [f"{paper_id}\t{old}\t{new}" for paper_id, old, new in changes]
    return Screen(_lines(lines), [f"{len(changes)} key(s) changed"])


# ---- reading and maintenance ---------------------------------------------------------------


def checked(report: CheckReport) -> Screen:
    lines = []
    for item in report.changed:
        lines.append(f"{item.paper_id}  {item.title}")
        for change in item.changes:
            detail = f"{change.old} -> {change.new}" if change.new is not None else ""
            lines.append(f"    {change.field}: {detail} {change.note}".rstrip())
    venues = report.published
    for link in venues.linked if venues else []:
        lines.append(f"{link.paper_id}  published: {link.venue} {link.year or ''} ({link.key})")
    notes = [
        f"{report.checked} checked, {len(report.changed)} changed, "
        f"{report.requests} arXiv request(s)"
    ]
    if venues is not None:
        notes.append(
            f"published versions: {len(venues.linked)} linked, {len(venues.none)} not in "
            f"dblp, {len(venues.pending)} pending, {venues.requests} dblp request(s)"
        )
    return Screen(_lines(lines), notes)


def check_warnings(report: CheckReport) -> list[str]:
    """What failed in a secondary source (shown in both modes): a warning, never the
    command's failure."""
    venues = report.published
    if venues is None or not venues.unavailable:
        return []
    return [
        f"warning: {venues.unavailable}; {len(venues.pending)} lookup(s) kept for the next check"
    ]


def next_pick(pick: NextPick) -> Screen:
    if pick.paper is None:
        return Screen(notes=[pick.reason])
    return Screen(
        f"{pick.paper.id}  {pick.paper.title}",
        [f"why: {pick.reason}; {pick.queue} paper(s) in the queue"],
    )


def linked(paper_id: str, after_id: str) -> Screen:
    return Screen(notes=[f"{paper_id} comes after {after_id}"])


def unlinked(ref: str, other: str) -> Screen:
    return Screen(notes=[f"{ref} no longer waits for {other}"])


def diagnosed(report: DoctorReport) -> Screen:
    lines = []
    for f in report.findings:
        state = " (fixed)" if f.fixed else " (--fix mends this)" if f.fixable else ""
        ids = f": {', '.join(f.ids[:8])}" if f.ids else ""
        lines.append(f"{f.check}: {f.message}{ids}{state}")
    return Screen(_lines(lines), [] if report.findings else ["no problems found"])


def serving(db_path: Path, port: int) -> Screen:
    return Screen(notes=[f"serving {db_path} on http://127.0.0.1:{port}/ (Ctrl-C stops)"])
