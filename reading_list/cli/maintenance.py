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
    import tempfile

    from reading_list.errors import InvalidInput
    from reading_list.services.web import datasette_metadata

    with library(ctx) as lib:
        db_path = lib.settings.db_path
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
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        handle.write(metadata)
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
            handle.name,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
    )
