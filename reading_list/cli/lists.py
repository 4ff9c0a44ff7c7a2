"""Commands on lists: seed, import, resolve, why, lists, list-rename, list-rm, review."""

import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from reading_list.cli.common import (
    JsonOpt,
    ListOpt,
    RefArg,
    YesOpt,
    complete_lists,
    complete_seeds,
    confirm,
    library,
    present,
    progress_bar,
    render,
)
from reading_list.cli.screen import Screen

if TYPE_CHECKING:
    from collections.abc import Callable

    from reading_list.models import ImportReport, ListItem
    from reading_list.services.library import Library

commands = typer.Typer()


def _present_items(
    report: "ImportReport", as_json: bool, view: "Callable[[ImportReport], Screen]"
) -> None:
    # Where a seed's works came from (dblp or the shipped metadata): both modes.
    from reading_list.cli import list_views as views

    notes = [*report.notes, *views.line_counts(report.counts)]
    # Offline, a seed is built from its own metadata: complete, so not an exit 3 (the view
    # says so; scripts get it on stderr).
    if report.offline and as_json:
        notes.append(f"offline: {report.unavailable}")
    unavailable = None if report.offline else report.unavailable
    present(report, as_json, view, always=notes, unavailable=unavailable)


ListName = Annotated[
    str, typer.Argument(metavar="LIST", help="A list's name.", autocompletion=complete_lists)
]


@commands.command("seed")
def seed_cmd(
    ctx: typer.Context,
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="[NAME]",
            help="A shipped seed list's name (see --list), or a seed file's path.",
            autocompletion=complete_seeds,
        ),
    ] = None,
    show_all: Annotated[bool, typer.Option("--list", help="Show the shipped seed lists.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Build a curated reading list shipped with the tool (creates the library if needed).

    \b
    Examples:
      reading-list seed --list
      reading-list seed google-brain-ama-2017
    """
    from reading_list.cli import list_views as views
    from reading_list.errors import UsageError
    from reading_list.services import lists as curation

    if show_all or name is None:
        if name is not None:
            raise UsageError("give a seed name or --list, not both")
        with library(ctx) as lib:
            seeds = curation.shipped_seeds(lib)
        present(seeds, as_json, views.seeds_lines)
        return
    with library(ctx, create=True) as lib, progress_bar("seeding") as update:
        report = curation.seed_list(lib, name, on_progress=update)
    _present_items(report, as_json, views.seeded)


ReferencesArg = Annotated[
    Path,
    typer.Argument(
        metavar="FILE",
        help="JSON citations, text, Markdown, BibTeX or an article; '-' for stdin.",
    ),
]


@commands.command("import")
def import_cmd(
    ctx: typer.Context,
    path: ReferencesArg,
    list_name: Annotated[
        str | None,
        typer.Option(
            "--list",
            "-l",
            metavar="NAME",
            help="Name of the list to fill.",
            autocompletion=complete_lists,
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what the file holds; look nothing up.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Import your own references as a list; running it again resumes. Shows what each
    item settled on.

    \b
    Example:
      reading-list import papers.md --list thesis
    """
    from reading_list.cli import list_views as views
    from reading_list.errors import UsageError
    from reading_list.services import lists as curation

    if dry_run:
        extraction = curation.extract_file(path)
        notes = views.line_counts(extraction.counts)
        present(extraction, as_json, views.extracted, always=notes)
        return
    if list_name is None:
        raise UsageError("give the list to fill with --list NAME (or look first with --dry-run)")
    with library(ctx, create=True) as lib, progress_bar("importing") as update:
        report = curation.import_file(lib, path, list_name, on_progress=update)
    _present_items(report, as_json, views.imported)


@commands.command("resolve")
def resolve_cmd(
    ctx: typer.Context,
    path: ReferencesArg,
    as_json: JsonOpt = False,
) -> None:
    """Dry run: show which arXiv paper each reference resolves to. Changes nothing.

    \b
    Example:
      reading-list resolve citations.json --json
    """
    from reading_list.cli import list_views as views
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

    \b
    Example:
      reading-list why 1611.01989
    """
    from reading_list.cli import list_views as views
    from reading_list.services import review

    with library(ctx) as lib:
        provenance = review.why(lib, ref)
    present(provenance, as_json, views.why_view)


@commands.command("lists")
def lists_cmd(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Show each list: its items (the works it cites), the papers they settled on, and those
    papers' counts by status.

    \b
    Example:
      reading-list lists
    """
    from reading_list.cli import list_views as views
    from reading_list.services import review

    with library(ctx) as lib:
        summaries = review.list_summaries(lib)
    present(summaries, as_json, views.list_summaries_table)


@commands.command("list-rename")
def list_rename_cmd(
    ctx: typer.Context,
    old: ListName,
    new: Annotated[str, typer.Argument(metavar="NEW", help="The list's new name.")],
) -> None:
    """Rename a list; its items and their order stay.

    \b
    Example:
      reading-list list-rename google-brain-ama-2017 ama
    """
    from reading_list.cli import list_views as views
    from reading_list.services import review

    with library(ctx) as lib:
        name = review.rename_list(lib, old, new)
    render(views.renamed_list(old, name))


@commands.command("list-rm")
def list_rm_cmd(
    ctx: typer.Context,
    name: ListName,
    item: Annotated[
        str | None,
        typer.Option(
            "--item",
            metavar="N|REF",
            help="Take only this item off the list (its number, or the paper's id or "
            "citekey); the paper stays in the library.",
        ),
    ] = None,
    keep_papers: Annotated[
        bool,
        typer.Option("--keep-papers", help="Keep the papers that are on no other list."),
    ] = False,
    yes: YesOpt = False,
) -> None:
    """Remove a list with its items, and the papers on no other list (unless --keep-papers);
    or, with --item, one item. Asks first unless --yes.

    \b
    Examples:
      reading-list list-rm thesis --keep-papers
      reading-list list-rm thesis --item 3
    """
    from reading_list.cli import list_views as views
    from reading_list.errors import UsageError
    from reading_list.services import review

    with library(ctx) as lib:
        if item is not None:
            if keep_papers:
                raise UsageError("--item keeps the paper anyway; drop --keep-papers")
            render(views.item_removed(name, review.remove_item(lib, name, item)))
            return
        leaving = [] if keep_papers else review.papers_leaving_with(lib, name)
        summary = next(s for s in review.list_summaries(lib) if s.name == name)
        confirm(views.list_removal_question(name, summary.items, leaving), yes)
        items, papers = review.remove_list(lib, name, keep_papers=keep_papers)
    render(views.list_removed(name, items, papers))


def _year(text: str) -> int | None:
    from reading_list.errors import InvalidInput

    text = text.strip()
    if not text:
        return None
    if not (text.isdigit() and 1000 <= int(text) <= 2999):
        raise InvalidInput(f"{text!r} is not a year")
    return int(text)


def _authors(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [a.strip() for a in text.replace(";", ",").split(",") if a.strip()]


def _ask_manual(lib: "Library", entry: "ListItem") -> "ListItem":
    """The manual entry's fields, asked one by one with the citation's as defaults."""
    from reading_list.cli import list_views as views
    from reading_list.errors import ReadingListError
    from reading_list.services import review

    cited = review.manual_defaults(entry)
    title = typer.prompt("  title", default=cited.title, err=True)
    authors = typer.prompt(
        "  authors (comma-separated)",
        default=", ".join(cited.authors),
        err=True,
        show_default=bool(cited.authors),
    )
    while True:
        raw = typer.prompt(
            "  year",
            default=str(cited.year or ""),
            err=True,
            show_default=bool(cited.year),
        )
        try:
            year = _year(raw)
            break
        except ReadingListError as exc:
            render(views.review_retry(str(exc)))
    url = typer.prompt("  URL (empty for none)", default="", err=True, show_default=False)
    return review.mark_not_on_arxiv(
        lib,
        entry.list,
        entry.position,
        title=title,
        authors=_authors(authors) or [],
        year=year,
        url=url.strip() or None,
    )


def _review_one(lib: "Library", entry: "ListItem") -> bool:
    """Ask about one item until the answer is one that can be acted on; False to stop."""
    from reading_list.cli import list_views as views
    from reading_list.errors import ReadingListError
    from reading_list.services import review

    render(views.review_view(entry))
    while True:
        answer = typer.prompt(views.REVIEW_QUESTION, default="s", err=True)
        try:
            done = review.review_answer(lib, entry, answer)
            if done == "manual":
                done = _ask_manual(lib, entry)
        except ReadingListError as exc:
            # A typo or an id arXiv does not have is a question again, not the end.
            render(views.review_retry(str(exc)))
            continue
        if done == "quit":
            return False
        if done != "skip":
            render(views.review_step(done))
        return True


@commands.command("review")
def review_cmd(
    ctx: typer.Context,
    list_name: ListOpt = None,
    item: Annotated[
        int | None, typer.Option("--item", metavar="N", help="The item number to settle.")
    ] = None,
    accept: Annotated[
        str | None,
        typer.Option(
            "--accept",
            metavar="ID",
            help="Settle --item as this: a candidate's number, a paper in the library (id or "
            "citekey) or an arXiv id.",
        ),
    ] = None,
    not_on_arxiv: Annotated[
        bool, typer.Option("--not-on-arxiv", help="Settle --item as a manual entry.")
    ] = False,
    title: Annotated[
        str | None,
        typer.Option(metavar="TITLE", help="The manual entry's title (default: as cited)."),
    ] = None,
    authors: Annotated[
        str | None,
        typer.Option(
            metavar="NAMES",
            help="The manual entry's authors, comma-separated (default: the hint).",
        ),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(metavar="YEAR", help="The manual entry's year (default: the hint)."),
    ] = None,
    url: Annotated[str | None, typer.Option(metavar="URL", help="The manual entry's URL.")] = None,
) -> None:
    """Settle unresolved items: accept a candidate, point at a paper already in the library,
    type an arXiv id, or make a manual entry (n). A wrong answer is explained and asked again.

    Without --item it asks about each unresolved item in turn.

    \b
    Examples:
      reading-list review --list thesis
      reading-list review --list thesis --item 3 --accept 1703.05175
      reading-list review --list thesis --item 4 --not-on-arxiv --url https://example.org/p
    """
    from reading_list.cli import list_views as views
    from reading_list.errors import UsageError
    from reading_list.services import review

    manual_fields = (title, authors, year, url)
    if item is None and (accept or not_on_arxiv or any(f is not None for f in manual_fields)):
        raise UsageError("--accept, --not-on-arxiv and the entry's fields need --item")
    with library(ctx) as lib:
        if item is not None:
            if list_name is None or (accept is None) == (not not_on_arxiv):
                raise UsageError("--item needs --list and one of --accept or --not-on-arxiv")
            if accept is not None and any(f is not None for f in manual_fields):
                raise UsageError("--title, --authors, --year and --url go with --not-on-arxiv")
            settled = review.settle_item(
                lib,
                list_name,
                item,
                accept,
                url=url,
                title=title,
                authors=_authors(authors),
                year=year,
            )
            render(views.settled(settled))
            return
        items = review.unresolved(lib, list_name)
        if not items:
            render(views.nothing_to_review())
            return
        if not sys.stdin.isatty():
            raise UsageError("review asks questions: run it in a terminal, or use --item")
        render(Screen(notes=views.REVIEW_HELP))
        for entry in items:
            if not _review_one(lib, entry):
                break
