"""The terminal layout engine every view uses: a Screen (body to stdout, notes to stderr),
cleaning of outside text (no escape sequences, controls or bidi marks reach a terminal, and
rich markup in it is never interpreted: it goes in as Text), and tables that fit the width
they are given (each column sized by what it holds and how much it matters), tab-separated
lines when piped. No I/O."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from reading_list.formats.tabular import tsv_line
from reading_list.formats.terminal import clean_line, clean_text

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, JustifyMethod, RenderableType, RenderResult
    from rich.text import Text


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
    # Escape sequences, controls and bidi marks go (formats/terminal.py); so do line breaks.
    return " ".join(clean_line(text).split())


def text_block(value: str, style: str = "") -> Text:
    """Several lines of plain text from outside (an abstract, a note): line breaks kept,
    escape sequences, controls and bidi marks gone."""
    from rich.text import Text

    return Text(clean_text(value), style=style)


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
