"""The Typer app: the global options, every family of commands, and the one place project
errors become a line on stderr and an exit code.

Exit codes: 0 ok, 1 user or data error, 2 usage error, 3 arXiv unavailable (try again later).
Each family's module imports only Typer at load time, so that ``--help`` stays instant.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from reading_list import __version__
from reading_list.cli import lists, maintenance, papers, reading, transfer
from reading_list.cli.common import GlobalOptions, emit, say

if TYPE_CHECKING:
    # Typer vendors click; its commands are called with that click's context.
    from typer._click import Context as ClickContext

EXIT_CODES_HELP = (
    "Exit codes: 0 ok, 1 user or data error, 2 usage error, 3 arXiv unavailable (retry later)."
)


class _Commands(TyperGroup):
    """Maps the project's errors, raised anywhere below, to one line and their exit code."""

    def invoke(self, ctx: ClickContext) -> Any:
        from reading_list.errors import ReadingListError

        try:
            return super().invoke(ctx)
        except ReadingListError as exc:
            say(f"error: {exc}")
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt as exc:
            from reading_list.errors import Terminated

            if isinstance(exc, Terminated):
                say("terminated; everything finished so far is saved")
                raise typer.Exit(143) from None
            say("interrupted; everything finished so far is saved")
            raise typer.Exit(130) from None


app = typer.Typer(
    name="reading-list",
    cls=_Commands,
    help="Turn the papers a text cites into a tracked, searchable, citable reading list.",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        emit(f"reading-list {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="Library database file (default: $READING_LIST_DB, else the per-user data dir).",
            dir_okay=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    ctx.obj = GlobalOptions(db=db)


for family in (papers, lists, transfer, maintenance, reading):
    app.registered_commands += family.commands.registered_commands
# `--help` has always listed `web` last, after the reading commands.
app.registered_commands.sort(key=lambda command: command.name == "web")


def _terminate(_signum: int, _frame: object) -> None:
    from reading_list.errors import Terminated

    raise Terminated


def main() -> None:
    # A plain `kill` unwinds like Ctrl-C: the write rolls back, the temporary file goes.
    signal.signal(signal.SIGTERM, _terminate)
    # pydantic scans installed packages for plugins on first use; a CLI has none to load.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    app(prog_name="reading-list")
