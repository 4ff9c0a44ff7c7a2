"""Models to text for people at a terminal, and to tab-separated lines for pipes: every word
a command shows is composed here. No I/O.

One rule for tables: at a terminal a table fits the width it is given (each column sized by
what it holds and how much it matters; see Grid), and piped it is tab-separated lines, one
per row, no header, no padding.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from reading_list.formats.tabular import tsv_line
from reading_list.status import Status

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console, ConsoleOptions, JustifyMethod, RenderableType, RenderResult
    from rich.text import Text

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
    it is), then ``notes`` on stderr, one line each, so that pipes stay clean. ``plain`` is
    what a pipe gets instead of the body (a Grid's body is its tab-separated rows already)."""

    # A plain class: a dataclass would add the dataclasses import to every command's start-up.
    __slots__ = ("body", "notes", "plain")

    def __init__(
        self,
        body: RenderableType | None = None,
        notes: Sequence[str] = (),
        plain: Sequence[str] | None = None,
    ) -> None:
        self.body = body
        self.notes = notes
        self.plain = plain


def one_line(value: object) -> str:
    """A value from outside (arXiv, a .bib, a list) as one line of plain text."""
    text = "" if value is None else str(value)
    if text.isprintable():
        return text
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _lines(lines: Sequence[str]) -> str | None:
    return "\n".join(lines) if lines else None


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


# ---- fitting a table to the terminal -------------------------------------------------------


class Col:
    """A column and how it gives way when the terminal is narrow.

    ``least``: the width it may be cut to (with an ellipsis); None: never cut. ``most``: the
    width it is comfortable at; None: all it holds. ``drop``: columns with a rank are left out
    (highest rank first) while the ``flex`` column would otherwise get less than its comfortable
    width. The ``flex`` column takes what is left. In a ``hang`` column (ids) a value longer than
    ``most`` gets a line of its own, so one long id never narrows every row.
    """

    __slots__ = ("drop", "flex", "hang", "header", "least", "most", "right", "style")

    def __init__(
        self,
        header: str,
        *,
        least: int | None = None,
        most: int | None = None,
        drop: int | None = None,
        flex: bool = False,
        hang: bool = False,
        right: bool = False,
        style: str = "",
    ) -> None:
        self.header = header
        self.least = least
        self.most = most
        self.drop = drop
        self.flex = flex
        self.hang = hang
        self.right = right
        self.style = style


GAP = 2


def _cells(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def fit_widths(cols: Sequence[Col], rows: Sequence[Sequence[str]], width: int) -> list[int]:
    """Each column's width (0: left out) for a terminal ``width`` cells wide."""
    natural = [
        max([_cells(col.header), *(_cells(row[i]) for row in rows)]) for i, col in enumerate(cols)
    ]
    least = [n if c.least is None else min(n, c.least) for c, n in zip(cols, natural, strict=True)]
    most = [n if c.most is None else min(n, c.most) for c, n in zip(cols, natural, strict=True)]
    for i, col in enumerate(cols):
        if col.hang:
            # As wide as the values that fit; the longer ones hang on lines of their own.
            fitting = [_cells(row[i]) for row in rows if _cells(row[i]) <= most[i]]
            least[i] = most[i] = max([_cells(col.header), *fitting])
    shown = list(range(len(cols)))
    flex = next((i for i, c in enumerate(cols) if c.flex), None)

    def needed(comfortable_flex: bool) -> int:
        total = sum(most[i] if i == flex and comfortable_flex else least[i] for i in shown)
        return total + GAP * (len(shown) - 1)

    # Other columns give way while the flex column would be squeezed below its comfortable
    # width; the flex column itself only when even its least width does not fit.
    droppable = sorted((c.drop, i) for i, c in enumerate(cols) if c.drop is not None)
    while droppable and needed(comfortable_flex=droppable[-1][1] != flex) > width:
        shown.remove(droppable.pop()[1])
    widths = [least[i] if i in shown else 0 for i in range(len(cols))]
    spare = width - sum(widths) - GAP * (len(shown) - 1)
    order = ([flex] if flex in shown else []) + [i for i in shown if i != flex]
    for i in order:
        grow = max(0, min(spare, most[i] - widths[i]))
        widths[i] += grow
        spare -= grow
    if flex is not None and flex in shown:
        widths[flex] += max(0, min(spare, natural[flex] - widths[flex]))
    return widths


class Grid:
    """A table: fitted to the terminal when rich renders it, tab-separated when piped (with
    the ``extra`` fields of each row after the shown ones)."""

    __slots__ = ("cols", "extra", "header", "rows")

    def __init__(
        self,
        cols: Sequence[Col],
        rows: Sequence[Sequence[str]],
        *,
        header: bool = True,
        extra: Sequence[Sequence[str]] = (),
    ) -> None:
        self.cols = cols
        self.rows = rows
        self.header = header
        self.extra = extra

    def tsv(self) -> list[str]:
        extra = self.extra or [()] * len(self.rows)
        return [tsv_line([*row, *more]) for row, more in zip(self.rows, extra, strict=True)]

    def lines(self, width: int) -> list[Text]:
        from rich.text import Text

        widths = fit_widths(self.cols, self.rows, width)
        shown = [i for i, w in enumerate(widths) if w]

        def line(values: Sequence[str], style: str | None = None) -> Text:
            out = Text()
            for n, i in enumerate(shown):
                col = self.cols[i]
                cell = Text(values[i], style=style if style is not None else col.style)
                cell.truncate(widths[i], overflow="ellipsis")
                pad = " " * (widths[i] - cell.cell_len)
                if n:
                    out.append(" " * GAP)
                if col.right:
                    out.append(pad)
                out.append_text(cell)
                if not col.right and n < len(shown) - 1:
                    out.append(pad)
            return out

        out = [line([c.header for c in self.cols], style="bold")] if self.header else []
        for row in self.rows:
            hanging = [i for i in shown if self.cols[i].hang and _cells(row[i]) > widths[i]]
            if hanging:
                start = sum(widths[j] + GAP for j in shown[: shown.index(hanging[0])])
                out.append(Text(" " * start + row[hanging[0]], style=self.cols[hanging[0]].style))
                row = [("" if i in hanging else v) for i, v in enumerate(row)]
            out.append(line(row))
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self.lines(options.max_width)


def wide_table(grid: Grid) -> RenderableType:
    """Every column in full, wrapped where it must be (``--wide``)."""
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, expand=True)
    for i, col in enumerate(grid.cols):
        justify: JustifyMethod = "right" if col.right else "left"
        if col.flex or col.least is not None:
            # The long texts share what is left, the flex one (the title) most; a word too
            # long for its column folds onto the next line rather than being cut.
            table.add_column(
                col.header,
                style=col.style,
                justify=justify,
                ratio=3 if col.flex else 1,
                overflow="fold",
            )
        else:
            # Ids, statuses, years: whole, never wrapped or cut.
            width = max([_cells(col.header), *(_cells(row[i]) for row in grid.rows)])
            table.add_column(
                col.header, style=col.style, justify=justify, no_wrap=True, min_width=width
            )
    for row in grid.rows:
        table.add_row(*row)
    return table


# ---- papers --------------------------------------------------------------------------------


def short_authors(authors: Sequence[str], limit: int = 2) -> str:
    if not authors:
        return ""
    if len(authors) <= limit:
        return ", ".join(authors)
    return f"{', '.join(authors[:limit])} et al."


def _lead_author(first: str, count: int) -> str:
    """``Snell et al.``: the first author's family name, for a column that has little room."""
    if not first:
        return ""
    from reading_list.names import split_name

    family = split_name(first).family or first
    return family + (" et al." if count > 1 else "")


PAPER_COLUMNS = (
    Col("id", most=16, hang=True, style="cyan"),
    Col("status"),
    Col("year", right=True),
    Col("title", least=40, most=60, flex=True),
    Col("authors", least=10, most=18, drop=1),
    Col("tags", least=8, most=24, drop=2),
)


def papers_screen(rows: Sequence[Sequence[Any]], *, wide: bool = False) -> Screen:
    """Listing rows (id, status, year, title, first author, author count, tags): one line
    per paper, the title cut before it is squeezed; ``wide``: everything, wrapped."""
    cells = [
        [
            one_line(paper_id),
            str(status),
            str(year or ""),
            one_line(title),
            one_line(
                (first or "") + (" et al." if (count or 0) > 1 else "")
                if wide
                else _lead_author(first or "", count or 0)
            ),
            one_line((tags or "").replace(",", ", ")),
        ]
        for paper_id, status, year, title, first, count, tags in rows
    ]
    grid = Grid(PAPER_COLUMNS, cells)
    count = _plural(len(rows), "paper")
    hint = [] if wide or not rows else [f"{count} (--wide shows every column in full)"]
    return Screen(wide_table(grid) if wide else grid, hint or [count])


def paper_detail(d: PaperDetail) -> Screen:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    rows: list[tuple[str, str | None]] = [
        ("id", d.id),
        ("citekey", d.citekey),
        ("title", d.title),
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
    meta = Table.grid(padding=(0, 2))
    meta.add_column(style="dim", no_wrap=True)
    meta.add_column()
    plain = []
    for label, value in rows:
        if value:
            if label != "title":
                meta.add_row(label, Text(one_line(value)))
            plain.append(tsv_line([label, value]))
    parts: list[RenderableType] = [Text(one_line(d.title), style="bold"), meta]
    where, where_plain = _provenance(d.identities, {}, d.records, d.lookups)
    if where:
        parts += [Text(""), *where]
        plain += where_plain
    if d.abstract:
        parts += [Text("\nabstract", style="dim"), Text(d.abstract)]
        plain.append(tsv_line(["abstract", d.abstract]))
    if d.events:
        parts.append(Text("\nstatus history", style="dim"))
        for e in d.events:
            version = f" (v{e.version})" if e.version else ""
            parts.append(Text(f"  {e.at}  {e.status.value}{version}"))
            plain.append(tsv_line(["event", e.at, e.status.value, str(e.version or "")]))
    if d.notes:
        parts.append(Text("\nnotes (note --edit N / --delete N)", style="dim"))
        for n, note in enumerate(d.notes, 1):
            parts.append(Text(f"  {n}. [{note.created_at}] {note.text}"))
            plain.append(tsv_line(["note", str(n), note.created_at, note.text]))
    return Screen(Group(*parts), plain=plain)


def _added_target(o: AddOutcome) -> str:
    return o.arxiv_id or o.paper_id or o.input


def outcome_line(o: AddOutcome) -> str:
    detail = o.title or o.message or ""
    typed = ", ".join(x for x in (o.work_type, o.venue) if x)
    if typed:
        detail += f" ({typed})"
    if o.title and o.message:
        detail += f"; {o.message}"
    return one_line(f"{o.outcome:<9} {_added_target(o)}  {detail}".rstrip())


def added(outcomes: Sequence[AddOutcome]) -> Screen:
    return Screen(
        _lines([outcome_line(o) for o in outcomes]),
        plain=[
            tsv_line([o.outcome, _added_target(o), o.title or o.message or ""]) for o in outcomes
        ],
    )


def status_set(paper_id: str, status: str) -> Screen:
    return Screen(notes=[f"{paper_id}: {status}"])


def tags_set(paper_id: str, tags: Sequence[str]) -> Screen:
    return Screen(notes=[f"{paper_id}: {', '.join(tags) or '(no tags)'}"])


def number_set(d: PaperDetail, field: str) -> Screen:
    if field == "rating":
        return Screen(notes=[f"{d.id}: rated {d.rating}/5" if d.rating else f"{d.id}: no rating"])
    return Screen(notes=[f"{d.id}: priority {d.priority}"])


def noted(d: PaperDetail, what: str) -> Screen:
    return Screen(notes=[f"{d.id}: {what}; {_plural(len(d.notes), 'note')}"])


def removal_question(d: PaperDetail) -> str:
    return f"Remove {d.id} ({one_line(d.title)}) with its notes and history?"


def removed(ids: Sequence[str]) -> Screen:
    return Screen(notes=[f"removed {', '.join(ids)}"])


def bulk_preview(rows: Sequence[Sequence[Any]], query: str, shown: int = 10) -> Screen:
    """What a bulk change is about to touch, on stderr (stdout stays for results)."""
    lines = [f"{_plural(len(rows), 'paper')} match {query!r}:"]
    for row in rows[:shown]:
        lines.append(one_line(f"  {row[0]}  {row[1]}  {row[3]}")[:100])
    if len(rows) > shown:
        lines.append(f"  ... and {len(rows) - shown} more")
    return Screen(notes=lines)


def bulk_question(template: str, count: int) -> str:
    """``template`` with "{}" where the number of papers goes: "Set {} to read?"."""
    return template.format(_plural(count, "paper"))


def bulk_done(doing: str, count: int) -> Screen:
    return Screen(notes=[f"{doing}: {_plural(count, 'paper')}"])


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


def _provenance(
    identities: Sequence[Identity],
    field_sources: dict[str, str],
    records: dict[str, WorkRecord],
    lookups: Sequence[SourceLookup],
) -> tuple[list[RenderableType], list[str]]:
    """A work's identities, its published version, the source of each field and the lookups
    still open: lines for people, and tab-separated lines for pipes."""
    from rich.text import Text

    parts: list[RenderableType] = []
    plain: list[str] = []
    if identities:
        parts.append(Text("identities", style="dim"))
        for i in identities:
            parts.append(Text(one_line(f"  {i.kind}: {i.value}  (from {i.source})")))
            plain.append(tsv_line(["identity", i.kind, i.value, i.source]))
    published = records.get("published")
    if published is not None:
        pages = published.fields.get("pages")
        year = str(published.year) if published.year else None
        where = ", ".join(x for x in (published.container, pages, year) if x)
        origin = f"{published.source}:{published.key}"
        parts.append(Text("published version", style="dim"))
        parts.append(Text(one_line(f"  {published.kind_label}: {where}  ({origin})")))
        plain.append(tsv_line(["published", published.kind_label, where, origin]))
    if field_sources:
        by_source: dict[str, list[str]] = {}
        for name, source in field_sources.items():
            by_source.setdefault(source, []).append(name)
        parts.append(Text("fields from", style="dim"))
        for source, names in by_source.items():
            parts.append(Text(f"  {source}: {', '.join(names)}"))
            plain.append(tsv_line(["fields-from", source, ",".join(names)]))
    for lookup in lookups:
        if lookup.state != "found":
            detail = f": {lookup.detail}" if lookup.detail else ""
            line = f"  {lookup.source} {lookup.purpose} lookup {lookup.state}{detail}"
            parts.append(Text(one_line(line)))
            plain.append(
                tsv_line(["lookup", lookup.source, lookup.purpose, lookup.state, lookup.detail])
            )
    return parts, plain


def why_view(why: Provenance) -> Screen:
    from rich.console import Group
    from rich.text import Text

    parts, plain = _provenance(why.identities, why.field_sources, why.records, why.lookups)
    if not why.items:
        parts.append(Text("added directly, not through a list"))
    for it in why.items:
        score = f", score {it.score:.2f}" if it.score is not None else ""
        cited = one_line(it.cited_as)
        parts.append(Text(f"{it.list} #{it.position}: cited as {cited!r}", style="bold"))
        parts.append(Text(f"  {it.state} by {it.method or '?'}{score}"))
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
        Text(f"{item.list} #{item.position}: {one_line(item.cited_as)}", style="bold"),
        Text(f"  hints: {one_line(hints)}" if hints else "  no hints"),
    ]
    if item.topic:
        parts.append(Text(f"  section: {one_line(item.topic)}"))
    parts.append(candidates_grid(item) if item.candidates else Text("  no candidates"))
    return Screen(Group(*parts))


def review_retry(problem: str) -> Screen:
    return Screen(notes=[f"  {problem}; try again"])


# ---- reading -------------------------------------------------------------------------------


def _bar(value: int, top: int, width: int = 30) -> str:
    if top <= 0:
        return ""
    full = value * width / top
    return "█" * int(full) + ("▌" if full - int(full) >= 0.5 else "")


def _read_and_skimmed(counts: dict[str, int]) -> tuple[int, int, int]:
    return counts.get(Status.READ, 0), counts.get(Status.SKIMMED, 0), sum(counts.values())


def stats_text(st: Stats) -> Screen:
    """A small terminal report with bar charts; tab-separated lines when piped."""
    lines = [f"{_plural(st.total, 'paper')}", "", "by status"]
    plain = [tsv_line(["papers", str(st.total)])]
    top = max(st.by_status.values(), default=0)
    for status, count in st.by_status.items():
        lines.append(f"  {status:<10} {count:>6}  {_bar(count, top)}")
        plain.append(tsv_line(["status", status, str(count)]))
    for title, kind, groups in (
        ("by list", "list", st.by_list),
        ("by topic", "topic", st.by_topic),
    ):
        if groups:
            lines += ["", f"{title} (read of all; skimmed counted apart)"]
            for name, counts in groups.items():
                read, skimmed, total = _read_and_skimmed(counts)
                also = f", {skimmed} skimmed" if skimmed else ""
                label = one_line(name)
                lines.append(
                    f"  {label:<28} {read:>4}/{total:<4} read{also:<13} {_bar(read, total, 20)}"
                )
                plain.append(tsv_line([kind, name, str(read), str(skimmed), str(total)]))
    if st.finished_per_week:
        lines += ["", "finished (read or skimmed) per week"]
        top = max(w.finished for w in st.finished_per_week)
        for week in st.finished_per_week[-12:]:
            lines.append(f"  {week.week}  {week.finished:>4}  {_bar(week.finished, top)}")
        plain += [tsv_line(["week", w.week, str(w.finished)]) for w in st.finished_per_week]
    lines += ["", f"to-read untouched for {st.stale_weeks}+ weeks: {len(st.stale)}"]
    lines += [f"  {paper_id}" for paper_id in st.stale[:10]]
    if len(st.stale) > 10:
        lines.append(f"  ... and {len(st.stale) - 10} more")
    plain += [tsv_line(["stale", paper_id]) for paper_id in st.stale]
    return Screen("\n".join(lines), plain=plain)


def checked(report: CheckReport) -> Screen:
    lines = []
    for item in report.changed:
        lines.append(one_line(f"{item.paper_id}  {item.title}"))
        for change in item.changes:
            detail = f"{change.old} -> {change.new}" if change.new is not None else ""
            lines.append(one_line(f"    {change.field}: {detail} {change.note}".rstrip()))
    if report.checked == 0 and report.selected:
        summary = f"nothing checked: arXiv did not answer for any of the {report.selected} paper(s)"
    else:
        summary = f"{report.checked} of {_plural(report.selected, 'paper')} checked"
    summary += f", {len(report.changed)} changed, {_plural(report.requests, 'arXiv request')}"
    if report.missing:
        summary += f"; arXiv no longer has {', '.join(report.missing)}"
    notes = [summary]
    venues = report.published
    if venues is not None:
        for link in venues.linked:
            lines.append(
                one_line(f"{link.paper_id}  published: {link.venue} {link.year or ''} ({link.key})")
            )
        notes.append(
            f"published versions: {len(venues.linked)} linked, {len(venues.none)} not in "
            f"dblp, {len(venues.pending)} pending, {_plural(venues.requests, 'dblp request')}"
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
        one_line(f"{pick.paper.id}  {pick.paper.title}"),
        [f"why: {pick.reason}; {pick.queue} paper(s) in the queue"],
    )


def linked(paper_id: str, after_id: str) -> Screen:
    return Screen(notes=[f"{paper_id} comes after {after_id}"])


def unlinked(ref: str, other: str) -> Screen:
    return Screen(notes=[f"{ref} no longer waits for {other}"])


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


# ---- maintenance ---------------------------------------------------------------------------


def _finding_line(check: str, message: str, ids: Sequence[str]) -> str:
    shown = f": {', '.join(ids[:8])}" if ids else ""
    more = f" (+{len(ids) - 8} more)" if len(ids) > 8 else ""
    return one_line(f"{check}: {message}{shown}{more}")


def diagnosed(report: DoctorReport) -> Screen:
    lines = [f"fixed: {_finding_line(f.check, f.message, f.ids)}" for f in report.fixed]
    for f in report.findings:
        if report.fix_tried:
            lines.append(f"left:  {_finding_line(f.check, f.message, f.ids)}")
        else:
            hint = " (--fix mends this)" if f.fixable else ""
            lines.append(_finding_line(f.check, f.message, f.ids) + hint)
    if report.fix_tried:
        summary = (
            f"{_plural(len(report.fixed), 'problem')} fixed, "
            f"{len(report.findings)} left (checked again after fixing)"
        )
    else:
        summary = "no problems found" if not report.findings else ""
    return Screen(_lines(lines), [summary] if summary else [])


def initialised(path: Path, created: bool) -> Screen:
    if created:
        return Screen(notes=[f"created an empty library at {path}"])
    return Screen(notes=[f"a library is already at {path}; nothing changed"])


def serving(db_path: Path, port: int) -> Screen:
    return Screen(notes=[f"serving {db_path} on http://127.0.0.1:{port}/ (Ctrl-C stops)"])
