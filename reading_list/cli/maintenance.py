"""Commands that look after the library itself: doctor, web."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from reading_list.cli.common import JsonOpt, emit, library, present, render
from reading_list.cli.screen import Screen

commands = typer.Typer()


@commands.command("init")
def init_cmd(ctx: typer.Context) -> None:
    """Create an empty library (where --db, READING_LIST_DB or the default puts it).

    The first add, seed, import, import-bib or restore creates one too; every other command
    reports that there is none yet rather than making an empty one.

    \b
    Examples:
      reading-list init
      reading-list --db ~/papers/library.db init
    """
    from reading_list.cli import views
    from reading_list.services.library import create_library

    with library(ctx, create=True) as lib:
        created = create_library(lib)
        path = lib.settings.db_path
    render(views.initialised(path, created))


@commands.command("doctor")
def doctor_cmd(
    ctx: typer.Context,
    fix: Annotated[bool, typer.Option("--fix", help="Mend what is safe to mend.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Check the library: integrity, orphans, duplicates, citekey clashes, unfetched papers.

    With --fix it mends what is safe to mend, checks again, and reports what is left.

    \b
    Example:
      reading-list doctor --fix
    """
    from reading_list.cli import views
    from reading_list.services.doctor import diagnose

    with library(ctx) as lib:
        report = diagnose(lib, fix=fix)
    present(report, as_json, views.diagnosed)
    if not report.ok:
        raise typer.Exit(1)


@commands.command("web")
def web_cmd(
    ctx: typer.Context,
    port: Annotated[
        int, typer.Option(metavar="PORT", min=1, max=65535, help="Port on 127.0.0.1.")
    ] = 8001,
    print_metadata: Annotated[
        bool, typer.Option("--print-metadata", help="Print Datasette's metadata and exit.")
    ] = False,
) -> None:
    """Browse and search the library in Datasette, live: a change made with any other command
    shows on the next page load (install with: pip install 'reading-list[web]').

    Datasette opens the library read-only; its metadata comes in on Datasette's stdin, so
    nothing is left behind.

    \b
    Examples:
      reading-list web --port 8001
      reading-list web --print-metadata > metadata.json
    """
    import json
    import shutil
    import subprocess

    from reading_list.cli import views
    from reading_list.errors import InvalidInput
    from reading_list.services.web import datasette_metadata, prepare

    with library(ctx) as lib:
        metadata = json.dumps(datasette_metadata(lib), indent=2)
        if print_metadata:
            emit(metadata)
            return
        db_path = prepare(lib)
    beside = Path(sys.executable).parent / "datasette"
    datasette = str(beside) if beside.exists() else shutil.which("datasette")
    if datasette is None:
        raise InvalidInput("Datasette is not installed: pip install 'reading-list[web]'")
    render(views.serving(db_path, port))
    # Datasette's own server, started without a shell. Not immutable (-i): it would cache
    # what it read and never see a change.
    command = [datasette, "serve", str(db_path), "--metadata", "-"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    try:
        done = subprocess.run(command, input=metadata, text=True, check=False)
    except KeyboardInterrupt:
        # Ctrl-C reached Datasette too (same terminal); it has stopped.
        render(Screen(notes=["stopped"]))
        return
    if done.returncode:
        raise typer.Exit(done.returncode)
