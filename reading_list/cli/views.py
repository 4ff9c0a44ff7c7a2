"""Models to rich tables and text for people at a terminal. No I/O.

Every value that came from outside (arXiv, a .bib, a list, a dump) reaches the terminal as
plain text: rich markup in it is not interpreted, and escape sequences, controls and bidi
overrides are stripped (formats/terminal.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from reading_list.formats.terminal import clean_line, clean_text

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text

    from reading_list.models import (
        AddOutcome,
        ListItem,
        ListSummary,
        Paper,
        PaperDetail,
        Resolution,
        Stats,
    )


# A rich table is laid out whole in memory; longer listings print plain lines instead.
TABLE_ROWS = 2000


def cell(value: object) -> Text:
    """One table cell or one-line field: plain text on one line."""
    from rich.text import Text

    return Text(clean_line(str(value)))


def text_block(value: str, style: str = "") -> Text:
    """Several lines of plain text (abstracts, notes)."""
    from rich.text import Text

    return Text(clean_text(value), style=style)


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
            cell(p.id),
            cell(p.status.value),
            cell(p.year or ""),
            cell(p.title),
            cell(short_authors(p.authors)),
            cell(", ".join(p.tags)),
        )
    return table


def paper_detail(d: PaperDetail) -> RenderableType:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    head = Text(clean_line(d.title), style="bold")
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
            meta.add_row(label, cell(value))
    parts: list[RenderableType] = [head, meta]
    if d.abstract:
        parts += [Text("\nabstract", style="dim"), text_block(d.abstract)]
    if d.events:
        parts.append(Text("\nstatus history", style="dim"))
        for e in d.events:
            version = f" (v{e.version})" if e.version else ""
            parts.append(text_block(f"  {e.at}  {e.status.value}{version}"))
    if d.notes:
        parts.append(Text("\nnotes", style="dim"))
        for n in d.notes:
            parts.append(text_block(f"  [{n.created_at}] {n.text}"))
    return Group(*parts)


def outcome_line(o: AddOutcome) -> str:
    target = o.arxiv_id or o.input
    detail = o.title or o.message or ""
    return clean_line(f"{o.outcome:<9} {target}  {detail}".rstrip())


def list_summaries_table(lists: Sequence[ListSummary]) -> RenderableType:
    from rich.table import Table

    table = Table()
    for col in ("list", "items", "unresolved", "to-read", "reading", "read", "other", "title"):
        table.add_column(col, justify="right" if col not in ("list", "title") else "left")
    for s in lists:
        main = {k: s.by_status.get(k, 0) for k in ("to-read", "reading", "read")}
        other = sum(v for k, v in s.by_status.items() if k not in main)
        table.add_row(
            cell(s.name),
            str(s.items),
            str(s.unresolved),
            *(str(v) for v in main.values()),
            str(other),
            cell(s.title or ""),
        )
    return table


def resolutions_table(items: Sequence[Resolution]) -> RenderableType:
    from rich.table import Table

    table = Table()
    for col in ("#", "cited as", "arxiv id", "score", "method", "best candidate"):
        table.add_column(col)
    for n, r in enumerate(items, 1):
        best = r.candidates[0] if r.candidates else None
        table.add_row(
            str(n),
            cell(r.cited_as[:60]),
            cell(r.arxiv_id or "-"),
            f"{r.score:.2f}" if r.score is not None else "",
            r.method,
            cell(f"{best.arxiv_id} {best.title[:50]} ({best.score:.2f})" if best else ""),
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
            cell(it.cited_as[:60]),
            it.state,
            cell(it.paper_id or ""),
            cell(it.method or ""),
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
            cell(c.arxiv_id),
            f"{c.score:.2f}",
            cell(c.title),
            cell(short_authors(c.authors)),
            str(c.year or ""),
        )
    return table


def why_view(items: Sequence[ListItem]) -> RenderableType:
    from rich.console import Group

    parts: list[RenderableType] = []
    for it in items:
        score = f", score {it.score:.2f}" if it.score is not None else ""
        parts.append(
            text_block(f"{it.list} #{it.position}: cited as {it.cited_as!r}", style="bold")
        )
        parts.append(text_block(f"  {it.state} by {it.method or '?'}{score}"))
        if it.speaker:
            parts.append(text_block(f"  cited by {it.speaker}"))
        if it.context:
            parts.append(text_block(f"  context: {it.context}"))
        if it.query:
            parts.append(text_block(f"  queries: {it.query}"))
        if it.candidates:
            parts.append(_candidates_table(it))
    return Group(*parts)


def review_view(item: ListItem) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    hints = ", ".join(x for x in (item.authors_hint, str(item.year_hint or "")) if x)
    parts: list[RenderableType] = [
        text_block(f"{item.list} #{item.position}: {item.cited_as}", style="bold"),
        text_block(f"  hints: {hints}" if hints else "  no hints"),
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
    lines = [f"{st.total} paper(s)", "", "by status"]
    top = max(st.by_status.values(), default=0)
    for status, count in st.by_status.items():
        lines.append(f"  {status:<10} {count:>6}  {_bar(count, top)}")
    for title, groups in (("by list", st.by_list), ("by topic", st.by_topic)):
        if groups:
            lines += ["", title]
            for name, counts in groups.items():
                done = sum(v for k, v in counts.items() if k in ("read", "skimmed"))
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
    return "\n".join(clean_line(line) for line in lines)
