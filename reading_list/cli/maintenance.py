"""Commands that look after the library itself: doctor, web."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from reading_list.cli import views
from reading_list.cli.common import JsonOpt, emit, library, present, render

commands = typer.Typer()


@commands.command("doctor")
def doctor_cmd(
    ctx: typer.Context,
    fix: Annotated[bool, typer.Option("--fix", help="Mend what is safe to mend.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Check the library: integrity, orphans, duplicates, citekey clashes, unfetched papers.

    Example: reading-list doctor --fix
    """
    from reading_list.services.doctor import diagnose

    with library(ctx) as lib:
        report = diagnose(lib, fix=fix)
    present(report, as_json, views.diagnosed)
    if not report.ok:
        raise typer.Exit(1)


@commands.command("web")
def web_cmd(
    ctx: typer.Context,
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8001,
    print_metadata: Annotated[
        bool, typer.Option("--print-metadata", help="Print Datasette's metadata and exit.")
    ] = False,
) -> None:
    """Browse the library in Datasette (install with: pip install 'reading-list[web]').

    Example: reading-list web --port 8001
    """
    import json
    import shutil

    from reading_list.cli.output import write_output
    from reading_list.errors import InvalidInput
    from reading_list.services.web import datasette_metadata

    with library(ctx) as lib:
        db_path = lib.settings.db_path
        cache_dir = lib.settings.cache_dir
        metadata = json.dumps(datasette_metadata(lib), indent=2)
    if print_metadata:
        emit(metadata)
        return
    if not db_path.exists():
        raise InvalidInput(f"no library at {db_path} yet")
    beside = Path(sys.executable).parent / "datasette"
    datasette = str(beside) if beside.exists() else shutil.which("datasette")
    if datasette is None:
        raise InvalidInput("Datasette is not installed: pip install 'reading-list[web]'")
    # exec replaces this process, so nothing would be left to delete a temporary file: the
    # metadata (which depends only on the library's file name) goes to one file per name in
    # the cache, rewritten on every run.
    folder = cache_dir / "datasette"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    metadata_file = folder / f"{db_path.stem}-metadata.json"
    write_output([metadata + "\n"], metadata_file)
    render(views.serving(db_path, port))
    # Datasette's own server, started without a shell; the library is opened read-only.
    os.execv(
        datasette,
        [
            datasette,
            "serve",
            "-i",
            str(db_path),
            "--metadata",
            str(metadata_file),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
    )
