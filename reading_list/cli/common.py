"""What every command shares: the global options, the library context, the options several
commands take, and the one way a result reaches scripts (JSON) or people (a view).

Heavy modules (pydantic, sqlite-utils, requests, arxiv, rich) are imported inside functions so
that ``--help`` and the hot paths (list, status, tag) stay light.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from reading_list.cli.views import Screen
from reading_list.formats import tabular

if TYPE_CHECKING:
    from pydantic import BaseModel
    from rich.console import Console, RenderableType

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
    sys.stderr.write(message.rstrip("\n") + "\n")
    sys.stderr.flush()


def emit(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def render(shown: Screen | RenderableType) -> None:
    """A view for people: its body on stdout (text as it is, anything else through rich),
    then its notes on stderr."""
    screen = shown if isinstance(shown, Screen) else Screen(shown)
    if isinstance(screen.body, str):
        emit(screen.body)
    elif screen.body is not None:
        _stdout().print(screen.body)
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


def write_output(chunks: Iterable[str], output: Path | None) -> None:
    """Write to stdout, or to ``output`` atomically (a temp file renamed into place)."""
    if output is None or str(output) == "-":
        for chunk in chunks:
            sys.stdout.write(chunk)
        return
    from reading_list.errors import InvalidInput

    tmp = output.with_name(output.name + ".tmp")
    try:
        # Exports and dumps hold personal data: readable by the owner only.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            for chunk in chunks:
                handle.write(chunk)
        tmp.replace(output)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InvalidInput(f"cannot write {output}: {exc.strerror or exc}") from None
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
def library(ctx: typer.Context) -> Iterator[Library]:
    """The library the global options name, closed when the command is done with it."""
    from reading_list.services.library import Library

    options = ctx.find_object(GlobalOptions) or GlobalOptions()
    lib = Library.open(options.db, on_message=say)
    try:
        yield lib
    finally:
        lib.close()


# ---- options several commands share --------------------------------------------------------

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON with stable keys.")]
RefArg = Annotated[str, typer.Argument(help="arXiv id, URL or citekey.")]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
StatusOpt = Annotated[
    list[str] | None, typer.Option("--status", "-s", help="Only papers with this status.")
]
TagOpt = Annotated[list[str] | None, typer.Option("--tag", "-t", help="Only papers with this tag.")]
ListOpt = Annotated[str | None, typer.Option("--list", "-l", help="Only papers on this list.")]
QueryOpt = Annotated[
    str | None,
    typer.Option(
        "--query", "-q", help='Search syntax: title:gan author:hinton year:2015-2017 "a phrase".'
    ),
]
SortOpt = Annotated[
    str, typer.Option(help="added, published, year, title, status, priority, citekey, id.")
]
LimitOpt = Annotated[int | None, typer.Option("--limit", "-n", help="At most N papers.")]
ReverseOpt = Annotated[bool, typer.Option("--reverse", "-r", help="Reverse the order.")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV.")]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
]


def paper_filter(
    *,
    ids: list[str] | None = None,
    status: list[str] | None = None,
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
    from reading_list.errors import UsageError
    from reading_list.selection import SORT_KEYS, PaperFilter

    if sort not in SORT_KEYS:
        raise UsageError(f"unknown sort key {sort!r}; use one of: {', '.join(SORT_KEYS)}")
    return PaperFilter(
        ids=ids or (),
        statuses=[s.strip().lower() for s in status or []],
        tags=[t.strip().lower() for t in tag or []],
        list_name=list_name,
        query=query,
        since=since,
        sort=sort,
        reverse=reverse,
        limit=limit,
    )
