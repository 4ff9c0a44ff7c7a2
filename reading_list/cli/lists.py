"""Commands on lists: seed, import, resolve, why, lists, review."""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from reading_list.cli import views
from reading_list.cli.common import (
    JsonOpt,
    ListOpt,
    RefArg,
    library,
    present,
    progress_bar,
    render,
)

if TYPE_CHECKING:
    from reading_list.models import ImportReport

commands = typer.Typer()


def _present_items(report: ImportReport, as_json: bool) -> None:
    # Where a seed's works came from (dblp or the shipped metadata): both modes.
    notes = [*report.notes, *views.line_counts(report.counts)]
    # Offline, a seed is built from its own metadata: complete, so not an exit 3.
    if report.offline:
        notes.append(f"offline: {report.unavailable}")
    unavailable = None if report.offline else report.unavailable
    present(report, as_json, views.imported, always=notes, unavailable=unavailable)


@commands.command("seed")
def seed_cmd(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="A shipped seed list's name.")] = None,
    show_all: Annotated[bool, typer.Option("--list", help="Show the shipped seed lists.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Build a curated reading list shipped with the tool.

    Example: reading-list seed google-brain-ama-2017
    """
    from reading_list.errors import UsageError
    from reading_list.services import lists as curation

    if show_all or name is None:
        if name is not None:
            raise UsageError("give a seed name or --list, not both")
        with library(ctx) as lib:
            seeds = curation.shipped_seeds(lib)
        present(seeds, as_json, views.seeds_lines)
        return
    with library(ctx) as lib, progress_bar("seeding") as update:
        report = curation.seed_list(lib, name, on_progress=update)
    _present_items(report, as_json)


ReferencesArg = Annotated[
    Path,
    typer.Argument(help="JSON citations, text, Markdown, BibTeX or an article; '-' for stdin."),
]


@commands.command("import")
def import_cmd(
    ctx: typer.Context,
    path: ReferencesArg,
    list_name: Annotated[
        str | None, typer.Option("--list", "-l", help="Name of the list to fill.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what the file holds; look nothing up.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Import your own references as a list; running it again resumes.

    Example: reading-list import papers.md --list thesis
    """
    from reading_list.errors import UsageError
    from reading_list.services import lists as curation

    if dry_run:
        extraction = curation.extract_file(path)
        notes = views.line_counts(extraction.counts)
        present(extraction, as_json, views.extracted, always=notes)
        return
    if list_name is None:
        raise UsageError("give the list to fill with --list NAME (or look first with --dry-run)")
    with library(ctx) as lib, progress_bar("importing") as update:
        report = curation.import_file(lib, path, list_name, on_progress=update)
    _present_items(report, as_json)


@commands.command("resolve")
def resolve_cmd(
    ctx: typer.Context,
    path: ReferencesArg,
    as_json: JsonOpt = False,
) -> None:
    """Dry run: show which arXiv paper each reference resolves to. Changes nothing.

    Example: reading-list resolve citations.json --json
    """
    from reading_list.services import lists as curation

    with library(ctx) as lib, progress_bar("resolving") as update:
        report = curation.resolve_file(lib, path, on_progress=update)
    present(
        report.results,
        as_json,
        partial(views.resolved, skipped=report.skipped),
        always=views.line_counts(report.counts, requests=report.requests),
        unavailable=report.unavailable,
    )


@commands.command("why")
def why_cmd(ctx: typer.Context, ref: RefArg, as_json: JsonOpt = False) -> None:
    """Explain where a paper came from: its identities, which source gave each field, and
    how it got on each list (method, score, query, runners-up).

    Example: reading-list why 1611.01989
    """
    from reading_list.services import lists as curation

    with library(ctx) as lib:
        provenance = curation.why(lib, ref)
    present(provenance, as_json, views.why_view)


@commands.command("lists")
def lists_cmd(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Show each list with its counts by status.

    Example: reading-list lists
    """
    from reading_list.services import lists as curation

    with library(ctx) as lib:
        summaries = curation.list_summaries(lib)
    present(summaries, as_json, views.list_summaries_table)


@commands.command("review")
def review_cmd(
    ctx: typer.Context,
    list_name: ListOpt = None,
    item: Annotated[int | None, typer.Option(help="The item number to settle.")] = None,
    accept: Annotated[
        str | None, typer.Option(help="Settle --item with this arXiv id (or candidate number).")
    ] = None,
    not_on_arxiv: Annotated[
        bool, typer.Option("--not-on-arxiv", help="Settle --item as a manual entry.")
    ] = False,
    url: Annotated[str | None, typer.Option(help="URL of a manual entry.")] = None,
) -> None:
    """Walk unresolved items: accept a candidate, type an id, or mark not-on-arXiv.

    Without --item it asks for each unresolved item in turn.
    Example: reading-list review --list thesis --item 3 --accept 1703.05175
    """
    from reading_list.errors import UsageError
    from reading_list.services import lists as curation

    with library(ctx) as lib:
        if item is not None:
            if list_name is None or (accept is None) == (not not_on_arxiv):
                raise UsageError("--item needs --list and one of --accept or --not-on-arxiv")
            render(views.settled(curation.settle_item(lib, list_name, item, accept, url=url)))
            return
        items = curation.unresolved(lib, list_name)
        if not items:
            render(views.nothing_to_review())
            return
        if not sys.stdin.isatty():
            raise UsageError("review asks questions: run it in a terminal, or use --item")
        for entry in items:
            render(views.review_view(entry))
            answer = typer.prompt(views.REVIEW_QUESTION, default="s", err=True)
            done = curation.review_answer(lib, entry, answer)
            if done == "quit":
                break
            if done != "skip":
                render(views.review_step(done))
