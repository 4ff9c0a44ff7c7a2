"""Commands on papers: add, list, search, show, status, rate, priority, tag, note, rm, open."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from reading_list.cli import views
from reading_list.cli.common import (
    CsvOpt,
    JsonOpt,
    LimitOpt,
    ListOpt,
    QueryOpt,
    RefArg,
    ReverseOpt,
    SortOpt,
    StatusOpt,
    TagOpt,
    YesOpt,
    library,
    paper_filter,
    present,
    render,
)
from reading_list.formats import tabular

if TYPE_CHECKING:
    from reading_list.selection import PaperFilter
    from reading_list.services.library import Library

commands = typer.Typer()


def _read_inputs(values: list[str], from_file: Path | None) -> list[str]:
    items = [v for v in values if v != "-"]
    if "-" in values:
        items += sys.stdin.read().split()
    if from_file is not None:
        try:
            text = from_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            from reading_list.errors import InvalidInput

            raise InvalidInput(f"cannot read {from_file}: {exc}") from None
        items += [
            line.split("#", 1)[0].strip()
            for line in text.splitlines()
            if line.split("#", 1)[0].strip()
        ]
    return items


@commands.command("add")
def add_cmd(
    ctx: typer.Context,
    ids: Annotated[
        list[str] | None,
        typer.Argument(
            help="arXiv ids or URLs, DOIs (any form), dblp keys or URLs, OpenReview forums, "
            "ACL Anthology or proceedings links; '-' reads them from stdin."
        ),
    ] = None,
    from_file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Read ids from a file, one per line.")
    ] = None,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Re-fetch metadata of papers already stored.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Add papers by arXiv id or URL (one batched request), and other works by DOI, dblp
    key, OpenReview forum or proceedings link (from Crossref / doi.org and dblp).

    Example: reading-list add 1703.05175 10.1162/neco.1997.9.8.1735 conf/nips/SnellSZ17
    """
    from reading_list.errors import UsageError
    from reading_list.services.papers import add_papers

    inputs = _read_inputs(ids or [], from_file)
    if not inputs:
        raise UsageError("give at least one identifier, '-' for stdin, or --file")
    with library(ctx) as lib:
        report = add_papers(lib, inputs, refresh=refresh)
    present(report.outcomes, as_json, views.added, unavailable=report.unavailable)
    if any(o.outcome in ("invalid", "not-found") for o in report.outcomes):
        raise typer.Exit(1)


def _print_papers(ctx: typer.Context, flt: PaperFilter, *, as_json: bool, csv_out: bool) -> None:
    from reading_list.services.papers import list_paper_rows, list_papers

    with library(ctx) as lib:
        if not (as_json or csv_out or sys.stdout.isatty()):
            # Piped: stream plain lines; 100k rows never go through models or a table.
            out = sys.stdout
            for row in list_paper_rows(lib, flt):
                out.write(tabular.row_line(row))
            return
        papers = list_papers(lib, flt)
    if csv_out and not as_json:
        sys.stdout.write(tabular.papers_csv(papers))
    else:
        present(papers, as_json, views.papers_screen)


@commands.command("list")
def list_cmd(
    ctx: typer.Context,
    status: StatusOpt = None,
    tag: TagOpt = None,
    list_name: ListOpt = None,
    query: QueryOpt = None,
    since: Annotated[
        str | None, typer.Option(help="Only papers added on or after this date (YYYY-MM-DD).")
    ] = None,
    sort: SortOpt = "added",
    reverse: ReverseOpt = False,
    limit: LimitOpt = None,
    as_json: JsonOpt = False,
    csv_out: CsvOpt = False,
) -> None:
    """List the papers you track (tab-separated lines when piped).

    Example: reading-list list --status to-read --tag few-shot --sort published
    """
    flt = paper_filter(
        status=status,
        tag=tag,
        list_name=list_name,
        query=query,
        since=since,
        sort=sort,
        reverse=reverse,
        limit=limit,
    )
    _print_papers(ctx, flt, as_json=as_json, csv_out=csv_out)


@commands.command("search")
def search_cmd(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Words, phrases, fields, AND / OR / NOT.")],
    status: StatusOpt = None,
    tag: TagOpt = None,
    list_name: ListOpt = None,
    sort: SortOpt = "added",
    reverse: ReverseOpt = False,
    limit: LimitOpt = None,
    as_json: JsonOpt = False,
    csv_out: CsvOpt = False,
) -> None:
    """Full-text search over titles, abstracts, authors and notes.

    Fields: title: author: abstract: note: tag: status: list: kind: year:2015-2017 (or >2019).
    Example: reading-list search 'title:"few-shot" AND (author:snell OR year:>2016) -gan'
    """
    flt = paper_filter(
        status=status,
        tag=tag,
        list_name=list_name,
        query=query,
        sort=sort,
        reverse=reverse,
        limit=limit,
    )
    _print_papers(ctx, flt, as_json=as_json, csv_out=csv_out)


@commands.command("show")
def show_cmd(ctx: typer.Context, ref: RefArg, as_json: JsonOpt = False) -> None:
    """Show everything about one paper: metadata, abstract, status history, notes.

    Example: reading-list show 1703.05175
    """
    from reading_list.services.papers import show_paper

    with library(ctx) as lib:
        detail = show_paper(lib, ref)
    present(detail, as_json, views.paper_detail)


def _changed(lib: Library, paper_id: str, as_json: bool, screen: views.Screen) -> None:
    """After a change: scripts get the paper as it now is, people a line on stderr. The
    paper's model is built for JSON only: status and tag are the commands run most."""
    if as_json:
        from reading_list.services.papers import show_paper

        present(show_paper(lib, paper_id), as_json, views.paper_detail)
    else:
        render(screen)


@commands.command("status")
def status_cmd(
    ctx: typer.Context,
    ref: RefArg,
    status: Annotated[str, typer.Argument(help="to-read, reading, read, skimmed or abandoned.")],
    as_json: JsonOpt = False,
) -> None:
    """Set a paper's reading status; every change is kept with its time.

    Example: reading-list status 1703.05175 read
    """
    from reading_list.services.papers import set_status

    with library(ctx) as lib:
        paper_id, new = set_status(lib, ref, status)
        _changed(lib, paper_id, as_json, views.status_set(paper_id, new))


def _set_number(
    ctx: typer.Context, ref: str, field: Literal["priority", "rating"], value: int
) -> None:
    from reading_list.services.papers import set_priority_rating

    with library(ctx) as lib:
        detail = set_priority_rating(lib, ref, **{field: value})
    render(views.number_set(detail, field))


@commands.command("rate")
def rate_cmd(
    ctx: typer.Context, ref: RefArg, rating: Annotated[int, typer.Argument(help="1 to 5.")]
) -> None:
    """Rate a paper from 1 to 5.

    Example: reading-list rate 1703.05175 5
    """
    _set_number(ctx, ref, "rating", rating)


@commands.command("priority")
def priority_cmd(
    ctx: typer.Context,
    ref: RefArg,
    priority: Annotated[int, typer.Argument(help="Higher is read sooner; default 0.")],
) -> None:
    """Set a paper's priority (higher first in `next` and `list --sort priority`).

    Example: reading-list priority 1703.05175 2
    """
    _set_number(ctx, ref, "priority", priority)


@commands.command("tag", context_settings={"ignore_unknown_options": True})
def tag_cmd(
    ctx: typer.Context,
    ref: RefArg,
    changes: Annotated[list[str], typer.Argument(help="+tag adds a tag, -tag removes one.")],
    as_json: JsonOpt = False,
) -> None:
    """Add or remove tags.

    Example: reading-list tag 1703.05175 +few-shot -todo
    """
    from reading_list.services.papers import change_tags

    with library(ctx) as lib:
        paper_id, tags = change_tags(lib, ref, changes)
        _changed(lib, paper_id, as_json, views.tags_set(paper_id, tags))


def _edit_note() -> str:
    import shlex
    import subprocess
    import tempfile

    from reading_list.errors import InvalidInput

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise InvalidInput("no note text given and $EDITOR is not set")
    with tempfile.NamedTemporaryFile("w+", suffix=".md", delete=False) as handle:
        path = handle.name
    try:
        # The editor command is the user's own setting, split like a shell would, never run by one.
        result = subprocess.run([*shlex.split(editor), path], check=False)
        if result.returncode != 0:
            raise InvalidInput(f"the editor exited with status {result.returncode}; no note saved")
        return Path(path).read_text(encoding="utf-8")
    finally:
        os.unlink(path)


@commands.command("note")
def note_cmd(
    ctx: typer.Context,
    ref: RefArg,
    text: Annotated[str | None, typer.Argument(help="Note text; omit to open $EDITOR.")] = None,
) -> None:
    """Append a note to a paper.

    Example: reading-list note 1703.05175 "compare with matching networks"
    """
    from reading_list.services.papers import add_note

    body = text if text is not None else _edit_note()
    with library(ctx) as lib:
        detail = add_note(lib, ref, body)
    render(views.noted(detail))


@commands.command("rm")
def rm_cmd(ctx: typer.Context, ref: RefArg, yes: YesOpt = False) -> None:
    """Remove a paper with its tags, notes and history.

    Example: reading-list rm 1703.05175 --yes
    """
    from reading_list.services.papers import remove_paper, show_paper

    with library(ctx) as lib:
        if not yes and not typer.confirm(views.removal_question(show_paper(lib, ref)), err=True):
            raise typer.Exit(1)
        removed = remove_paper(lib, ref)
    render(views.removed(removed))


@commands.command("open")
def open_cmd(
    ctx: typer.Context,
    ref: RefArg,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Open the PDF instead of the abstract.")
    ] = False,
) -> None:
    """Open a paper's abstract page (or PDF) in the browser; prints the URL.

    Example: reading-list open 1703.05175 --pdf
    """
    import webbrowser

    from reading_list.services.papers import paper_url

    with library(ctx) as lib:
        url = paper_url(lib, ref, pdf=pdf)
    render(views.Screen(url))
    webbrowser.open(url)
