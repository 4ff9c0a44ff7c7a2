"""Commands that move data in and out: export, import-bib, dump, restore, rekey."""

import sys
from functools import partial
from pathlib import Path
from typing import Annotated

import typer

from reading_list.cli.common import (
    JsonOpt,
    ListOpt,
    OutputOpt,
    QueryOpt,
    StatusOpt,
    TagOpt,
    YesOpt,
    complete_refs,
    library,
    paper_filter,
    present,
    progress_bar,
    render,
    write_output,
)
from reading_list.formats import CitedVersion, ExportFormat

commands = typer.Typer()


@commands.command("export")
def export_cmd(
    ctx: typer.Context,
    ids: Annotated[
        list[str] | None,
        typer.Argument(metavar="[REF]...", help="Only these papers.", autocompletion=complete_refs),
    ] = None,
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", "-F", help="The file format.", case_sensitive=False),
    ] = ExportFormat.BIBTEX,
    status: StatusOpt = None,
    tag: TagOpt = None,
    list_name: ListOpt = None,
    query: QueryOpt = None,
    cited_only: Annotated[
        Path | None,
        typer.Option("--cited-only", help="Keep only the keys a .tex or .aux file cites."),
    ] = None,
    output: OutputOpt = None,
    prefer: Annotated[
        CitedVersion,
        typer.Option(
            "--prefer",
            help="published: cite a preprint's venue version when known, with its eprint "
            "kept; preprint: cite the arXiv version.",
            case_sensitive=False,
        ),
    ] = CitedVersion.PUBLISHED,
    no_keywords: Annotated[
        bool,
        typer.Option(
            "--no-keywords",
            help="Leave tags out (they go out as keywords: BibTeX/biblatex keywords, RIS KW, "
            "CSL keyword).",
        ),
    ] = False,
    keep: Annotated[
        bool,
        typer.Option(
            "--keep",
            help="Keep FILE in sync: every later change to these entries rewrites it "
            "(`exports` lists and removes what is kept).",
        ),
    ] = False,
) -> None:
    """Export references: BibTeX (default, compiles warning-free), biblatex, CSL-JSON, RIS, CSV.

    \b
    Examples:
      reading-list export --list google-brain-ama-2017 -o refs.bib
      reading-list export --cited-only paper.tex -F biblatex
      reading-list export --cited-only paper.aux -o refs.bib --keep
    """
    from reading_list.cli import views

    flt = paper_filter(
        ids=ids, status=status, tag=tag, list_name=list_name, query=query, sort="citekey"
    )
    if keep:
        from reading_list.services.kept import export_kept

        if output is None:
            raise typer.BadParameter("--keep needs -o FILE, the file to keep in sync")
        with library(ctx) as lib:
            result = export_kept(
                lib,
                flt,
                fmt.value,
                output,
                cited_only=cited_only,
                prefer=prefer.value,
                keywords=not no_keywords,
            )
        render(views.exported(result, output, kept=True))
        return
    from reading_list.services.transfer import export

    with library(ctx) as lib:
        result = export(
            lib,
            flt,
            fmt.value,
            cited_only=cited_only,
            prefer=prefer.value,
            keywords=not no_keywords,
        )
        write_output(result.chunks, output)
    render(views.exported(result, output))


@commands.command("exports")
def exports_cmd(
    ctx: typer.Context,
    remove: Annotated[
        str | None,
        typer.Option(
            "--remove", metavar="PATH|N", help="Stop keeping this file in sync (it stays)."
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the files `export --keep` keeps in sync with the library, or stop keeping one.

    \b
    Examples:
      reading-list exports
      reading-list exports --remove refs.bib
    """
    from reading_list.cli import views
    from reading_list.services.kept import kept_exports, remove_kept

    with library(ctx) as lib:
        if remove is not None:
            removed = remove_kept(lib, remove)
            render(views.kept_removed(removed))
            return
        kept = kept_exports(lib)
    present(kept, as_json, views.kept_exports)


@commands.command("import-bib")
def import_bib_cmd(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(metavar="FILE", help="A BibTeX or biblatex file.")],
    fetch: Annotated[
        bool, typer.Option("--fetch", help="Then refresh arXiv entries from arXiv (throttled).")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Import an existing .bib library: arXiv entries by id, others as manual entries.

    Citekeys are kept, keywords become tags, broken entries are reported with their line.

    \b
    Example:
      reading-list import-bib library.bib --fetch
    """
    from reading_list.cli import views
    from reading_list.services.transfer import import_bib

    with library(ctx, create=True) as lib, progress_bar("importing") as update:
        report = import_bib(lib, path, fetch=fetch, on_progress=update)
    view = partial(views.bib_imported, source=path, fetched=fetch)
    present(report, as_json, view, unavailable=report.unavailable)


@commands.command("dump")
def dump_cmd(ctx: typer.Context, output: OutputOpt = None) -> None:
    """Write the whole library as deterministic JSON Lines (for git and for moving machines).

    \b
    Example:
      reading-list dump -o library.jsonl
    """
    from reading_list.services.transfer import dump

    with library(ctx) as lib:
        write_output(dump(lib), output)


@commands.command("restore")
def restore_cmd(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(metavar="FILE", help="A file written by `dump`; '-' for stdin.")
    ],
) -> None:
    """Load a dump into an empty library (all or nothing); creates the library if needed.

    \b
    Example:
      reading-list --db new.db restore library.jsonl
    """
    from reading_list.cli import views
    from reading_list.services.inputs import MAX_LIBRARY_BYTES, open_input
    from reading_list.services.transfer import restore

    # Opened (and checked) first: an unreadable file must not leave a new, empty library.
    source = sys.stdin if str(path) == "-" else open_input(path, limit=MAX_LIBRARY_BYTES)
    with library(ctx, create=True) as lib:
        counts = restore(lib, source, name=str(path))
    render(views.restored(counts))


@commands.command("rekey")
def rekey_cmd(
    ctx: typer.Context,
    ids: Annotated[
        list[str] | None,
        typer.Argument(metavar="[REF]...", help="Only these papers.", autocompletion=complete_refs),
    ] = None,
    pattern: Annotated[
        str | None, typer.Option(help="Pattern with {auth}, {year}, {title}.")
    ] = None,
    list_name: ListOpt = None,
    yes: YesOpt = False,
) -> None:
    """Regenerate citekeys (they never change otherwise).

    \b
    Example:
      reading-list rekey --pattern "{auth}{year}" --yes
    """
    from reading_list.cli import views
    from reading_list.services.transfer import rekey

    if not yes and not typer.confirm(views.REKEY_QUESTION, err=True):
        raise typer.Exit(1)
    with library(ctx) as lib:
        changes = rekey(lib, paper_filter(ids=ids, list_name=list_name), pattern)
    render(views.rekeyed(changes))
