"""What every command shares: the global options, the library context, the options several
commands take, and the one way a result reaches scripts (JSON) or people (a view).

Heavy modules (pydantic, sqlite-utils, requests, arxiv, rich) are imported inside functions so
that ``--help`` and the hot paths (list, status, tag) stay light.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from typer.core import TyperCommand

from reading_list.cli.screen import Grid, Screen
from reading_list.formats import tabular
from reading_list.formats.terminal import clean_text
from reading_list.sort_keys import SortKey
from reading_list.status import Status

if TYPE_CHECKING:
    from pydantic import BaseModel
    from rich.console import Console, RenderableType

    # Typer vendors click; its commands are called with that click's context.
    from typer._click import Context as ClickContext

    from reading_list.selection import PaperFilter
    from reading_list.services.library import Library

# What JSON output is made of: a model or a list of models.
T = TypeVar("T", bound="BaseModel | Sequence[BaseModel]")


class GlobalOptions:
    """The options given before the command, carried in click's context (``ctx.obj``)."""

    __slots__ = ("db",)

    def __init__(self, db: Path | None = None) -> None:
        self.db = db


# ---- output --------------------------------------------------------------------------------


def _stdout() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def _stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def say(message: str) -> None:
    """A diagnostic for people: stderr, so that pipes stay clean."""
    sys.stderr.write(clean_text(message.rstrip("\n")) + "\n")
    sys.stderr.flush()


def emit(text: str) -> None:
    """A text result: no terminal controls, whatever a title holds (JSON has none raw)."""
    text = clean_text(text)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def render(shown: Screen | RenderableType) -> None:
    """A view: its body on stdout, then its notes on stderr. At a terminal the body is text
    as it is or anything rich renders; piped, a table is tab-separated lines (one rule for
    every command: no boxes, no padding)."""
    screen = shown if isinstance(shown, Screen) else Screen(shown)
    body = screen.body
    piped = not sys.stdout.isatty()
    if piped and (screen.plain is not None or isinstance(body, Grid)):
        lines = screen.plain if screen.plain is not None else body.tsv()  # type: ignore[union-attr]
        sys.stdout.writelines(line + "\n" for line in lines)
    elif isinstance(body, str):
        emit(body)
    elif body is not None:
        _stdout().print(body)
    for note in screen.notes:
        say(note)


def present(
    data: T,
    as_json: bool,
    view: Callable[[T], Screen | RenderableType],
    *,
    always: Sequence[str] = (),
    unavailable: str | None = None,
) -> None:
    """The one output switch: JSON with stable keys for scripts, or the view for people;
    then ``always``, diagnostics for both, on stderr.

    ``unavailable`` (a report's account of arXiv failing part-way) then ends the command with
    exit 3, after what was done has been shown: it is kept, and re-running finishes the rest.
    """
    if as_json:
        emit(tabular.to_json(data))
    else:
        render(view(data))
    for note in always:
        say(note)
    if unavailable:
        from reading_list.errors import SourceUnavailable

        raise SourceUnavailable(unavailable)


def write_output(chunks: Iterable[str] | Iterable[bytes], output: Path | None) -> None:
    """Write to stdout, or to ``output`` whole or not at all (services/output.py)."""
    from reading_list.services import output as out

    if out.write_output(chunks, output) is not None:
        say(f"wrote {output}")


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int, str], None]]:
    """A transient progress bar on stderr (only when stderr is a terminal)."""
    if not sys.stderr.isatty():
        yield lambda _done, _total, _label: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=_stderr(),
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def update(done: int, total: int, item: str) -> None:
            bar.update(task, completed=done, total=total, description=item[:40])

        yield update


# ---- the library ---------------------------------------------------------------------------


@contextmanager
def library(ctx: typer.Context, *, create: bool = False) -> Iterator[Library]:
    """The library the global options name, closed when the command is done with it. Only
    commands that put papers in it pass ``create``; the others find none and say so."""
    from reading_list.services.library import Library

    options = ctx.find_object(GlobalOptions) or GlobalOptions()
    lib = Library.open(options.db, on_message=say, create=create)
    try:
        yield lib
    finally:
        lib.close()


def confirm(question: str, yes: bool) -> None:
    """Ask before a change that cannot be undone; ``--yes`` answers for scripts. No answer
    (end of input) is no: nothing is changed, exit 1."""
    if yes:
        return
    try:
        agreed = typer.confirm(question, err=True)
    except typer.Abort:
        agreed = False
    if not agreed:
        say("nothing changed")
        raise typer.Exit(1)


# ---- how a command parses its words --------------------------------------------------------


class LiteralArgs(TyperCommand):
    """Only this command's own option names, exactly as written, are options; every other
    word is an argument. So ``-math`` (a tag to remove) or ``-1`` (a priority) is never read
    as a cluster of short options, one of them ``-h``. ``-h`` or ``--help`` alone still shows
    the help, and after ``--`` every word is an argument."""

    def parse_args(self, ctx: ClickContext, args: list[str]) -> list[str]:
        takes_value: dict[str, bool] = {}
        for param in self.get_params(ctx):
            if param.param_type_name == "option":
                flag = bool(getattr(param, "is_flag", False) or getattr(param, "count", False))
                for name in (*param.opts, *param.secondary_opts):
                    takes_value[name] = not flag
        options: list[str] = []
        words: list[str] = []
        rest = iter(args)
        for arg in rest:
            if arg == "--":
                words.extend(rest)
                break
            name = arg.split("=", 1)[0] if arg.startswith("--") else arg
            if name not in takes_value:
                words.append(arg)
                continue
            options.append(arg)
            value = next(rest, None) if takes_value[name] and "=" not in arg else None
            if value is not None:
                options.append(value)
        return super().parse_args(ctx, [*options, "--", *words])

    def shell_complete(self, ctx: ClickContext, incomplete: str) -> list[Any]:
        # A word starting with "-" is also an argument here (a tag to remove): offer both.
        found = super().shell_complete(ctx, incomplete)
        if incomplete.startswith("-") and not incomplete.startswith("--"):
            for param in self.get_params(ctx):
                if param.param_type_name == "argument":
                    found += param.shell_complete(ctx, incomplete)
        return found


# ---- completion from the library -----------------------------------------------------------


def _db_option(ctx: typer.Context) -> Path | None:
    # While completing, no callback has run: --db is only among the parsed parameters.
    node: typer.Context | None = ctx
    while node is not None:
        if isinstance(node.params.get("db"), Path):
            return Path(node.params["db"])
        node = node.parent  # type: ignore[assignment]
    return None


def _complete(kind: str) -> Callable[[typer.Context, str], list[str]]:
    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        from reading_list.services.complete import completions

        return completions(_db_option(ctx), kind, incomplete)

    return complete


complete_refs = _complete("ref")
complete_lists = _complete("list")
complete_tags = _complete("tag")
complete_seeds = _complete("seed")


def complete_tag_changes(ctx: typer.Context, incomplete: str) -> list[str]:
    """The words of `tag`: the paper first (unless -q chose the papers), then +tag / -tag."""
    words = ctx.params.get("words") or []
    if not words and not ctx.params.get("query") and not incomplete.startswith(("+", "-")):
        return complete_refs(ctx, incomplete)
    sign = incomplete[:1] if incomplete[:1] in ("+", "-") else "+"
    return [sign + tag for tag in complete_tags(ctx, incomplete.lstrip("+-"))]


# ---- options several commands share --------------------------------------------------------

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON with stable keys.")]
RefArg = Annotated[
    str,
    typer.Argument(
        metavar="REF",
        help="The paper: arXiv id (any form, or its URL), citekey or manual id.",
        autocompletion=complete_refs,
    ),
]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
StatusOpt = Annotated[
    list[Status] | None,
    typer.Option(
        "--status", "-s", help="Only papers with this status (repeatable).", case_sensitive=False
    ),
]
TagOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--tag",
        "-t",
        metavar="TAG",
        help="Only papers with this tag (repeatable).",
        autocompletion=complete_tags,
    ),
]
ListOpt = Annotated[
    str | None,
    typer.Option(
        "--list",
        "-l",
        metavar="NAME",
        help="Only papers on this list.",
        autocompletion=complete_lists,
    ),
]
QueryOpt = Annotated[
    str | None,
    typer.Option(
        "--query",
        "-q",
        metavar="QUERY",
        help='Search syntax: title:gan author:hinton year:2015-2017 "a phrase".',
    ),
]
SortOpt = Annotated[SortKey, typer.Option("--sort", help="The order.", case_sensitive=False)]
LimitOpt = Annotated[
    int | None, typer.Option("--limit", "-n", metavar="N", min=0, help="At most N papers.")
]
ReverseOpt = Annotated[bool, typer.Option("--reverse", "-r", help="Reverse the order.")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV.")]
WideOpt = Annotated[
    bool,
    typer.Option(
        "--wide", "-w", help="Every column in full, wrapped (default: one line per paper)."
    ),
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
]


def paper_filter(
    *,
    ids: list[str] | None = None,
    status: Sequence[str] | None = None,
    tag: list[str] | None = None,
    list_name: str | None = None,
    query: str | None = None,
    since: str | None = None,
    sort: str = "added",
    reverse: bool = False,
    limit: int | None = None,
) -> PaperFilter:
    """The selection the filter options describe; ``ids`` may be in any form a paper is
    named by (the services resolve them)."""
    from reading_list.selection import PaperFilter

    keys: list[str] = []
    if tag:
        from reading_list.tags import tag_key

        keys = [tag_key(t) for t in tag]
    after = None
    if since:
        from datetime import datetime

        from reading_list.dates import since_timestamp

        after = since_timestamp(since, datetime.now().astimezone())
    return PaperFilter(
        ids=ids or (),
        statuses=[str(s).strip().lower() for s in status or []],
        tags=keys,
        list_name=list_name,
        query=query,
        since=after,
        sort=str(sort),
        reverse=reverse,
        limit=limit,
    )
