"""Commands that keep a list alive: check, next, after, stats."""

from typing import Annotated

import typer

from reading_list.cli.common import (
    JsonOpt,
    ListOpt,
    StatusOpt,
    TagOpt,
    complete_refs,
    library,
    paper_filter,
    present,
    progress_bar,
    render,
)

commands = typer.Typer()


@commands.command("check")
def check_cmd(
    ctx: typer.Context,
    list_name: ListOpt = None,
    status: StatusOpt = None,
    tag: TagOpt = None,
    published: Annotated[
        bool,
        typer.Option(
            "--published/--no-published",
            help="Also look up each preprint's published version in dblp (default: yes).",
        ),
    ] = True,
    as_json: JsonOpt = False,
) -> None:
    """Re-fetch metadata and report new versions, changed titles or abstracts, publication
    news (journal ref, DOI, "accepted at" comments), and the published version of each
    preprint (dblp: NeurIPS, ICML, ICLR, ...), which exports then cite. Lookups dblp could not
    answer are kept and retried by the next check.

    \b
    Example:
      reading-list check --list google-brain-ama-2017
    """
    from reading_list.cli import views
    from reading_list.services.reading import check

    flt = paper_filter(status=status, tag=tag, list_name=list_name)
    with library(ctx) as lib, progress_bar("dblp") as update:
        report = check(lib, flt, published=published, on_progress=update)
    present(
        report,
        as_json,
        views.checked,
        always=views.check_warnings(report),
        unavailable=report.unavailable,
    )


@commands.command("next")
def next_cmd(ctx: typer.Context, list_name: ListOpt = None, as_json: JsonOpt = False) -> None:
    """The paper to read next, and why.

    \b
    Example:
      reading-list next --list google-brain-ama-2017
    """
    from reading_list.cli import views
    from reading_list.services.reading import next_paper

    with library(ctx) as lib:
        pick = next_paper(lib, list_name)
    present(pick, as_json, views.next_pick)


@commands.command("after")
def after_cmd(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            metavar="REF", help="The paper to read later.", autocompletion=complete_refs
        ),
    ],
    other: Annotated[
        str,
        typer.Argument(
            metavar="OTHER", help="The paper to read first.", autocompletion=complete_refs
        ),
    ],
    remove: Annotated[bool, typer.Option("--remove", help="Drop the link instead.")] = False,
) -> None:
    """Read REF after OTHER: `next` holds REF back until OTHER is read.

    \b
    Examples:
      reading-list after 1703.05175 1606.04080
      reading-list after 1703.05175 1606.04080 --remove
    """
    from reading_list.cli import views
    from reading_list.services.reading import link_after, unlink_after

    with library(ctx) as lib:
        if remove:
            unlink_after(lib, ref, other)
            render(views.unlinked(ref, other))
        else:
            render(views.linked(*link_after(lib, ref, other)))


@commands.command("stats")
def stats_cmd(
    ctx: typer.Context,
    stale_weeks: Annotated[
        int,
        typer.Option(metavar="N", min=1, help="Report to-reads untouched for this many weeks."),
    ] = 8,
    as_json: JsonOpt = False,
) -> None:
    """Counts by status, list and topic; papers finished per week; stale to-reads.

    Read and skimmed are counted apart; both are finished.

    \b
    Example:
      reading-list stats --stale-weeks 4
    """
    from reading_list.cli import views
    from reading_list.services.reading import stats

    with library(ctx) as lib:
        result = stats(lib, stale_weeks)
    present(result, as_json, views.stats_text)
