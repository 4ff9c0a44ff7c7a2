"""The Typer app: the global options, every family of commands, and the one place project
errors become a line on stderr and an exit code.

Exit codes: 0 ok, 1 user or data error, 2 usage error, 3 arXiv unavailable (try again later).
Each family's module imports only Typer at load time, and only the command being run is built
from its signature, so that ``--help`` and quick commands stay instant. The command modules
do without ``from __future__ import annotations``: Typer would evaluate each string annotation
twice, on every run.
"""

import os
import signal
from collections.abc import Iterator, KeysView
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

# Typer vendors click: its commands are that click's.
from typer._click import Command as ClickCommand
from typer.core import TyperGroup
from typer.main import get_command_from_info, get_command_name

from reading_list import __version__
from reading_list.cli import lists, maintenance, papers, reading, transfer
from reading_list.cli.common import GlobalOptions, emit, say

if TYPE_CHECKING:
    # Typer vendors click; its commands are called with that click's context.
    from typer._click import Context as ClickContext

EXIT_CODES_HELP = (
    "Exit codes: 0 ok, 1 user or data error, 2 usage error, 3 arXiv unavailable (retry later)."
)


class _CommandTable(dict[str, ClickCommand]):
    """The commands by name, each built from its signature when it is first looked up: Typer
    would build all of them on every run, which costs more than some commands take."""

    def __missing__(self, name: str) -> ClickCommand:
        if name not in _COMMAND_INFOS:
            raise KeyError(name)
        command = get_command_from_info(
            _COMMAND_INFOS[name], pretty_exceptions_short=True, rich_markup_mode=None
        )
        self[name] = command
        return command

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in _COMMAND_INFOS else default

    def __contains__(self, name: object) -> bool:
        return name in _COMMAND_INFOS

    def __iter__(self) -> Iterator[str]:
        return iter(_COMMAND_INFOS)

    def __len__(self) -> int:
        return len(_COMMAND_INFOS)

    def keys(self) -> KeysView[str]:  # type: ignore[override]
        return _COMMAND_INFOS.keys()

    def items(self) -> list[tuple[str, ClickCommand]]:  # type: ignore[override]
        return [(name, self[name]) for name in _COMMAND_INFOS]

    def values(self) -> list[ClickCommand]:  # type: ignore[override]
        return [self[name] for name in _COMMAND_INFOS]


class _Commands(TyperGroup):
    """Maps the project's errors, raised anywhere below, to one line and their exit code."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.commands = _CommandTable()

    def invoke(self, ctx: "ClickContext") -> Any:
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


_REGISTERED = [
    info
    for family in (papers, lists, transfer, maintenance, reading)
    for info in family.commands.registered_commands
]
# `--help` has always listed `web` last, after the reading commands.
_REGISTERED.sort(key=lambda command: command.name == "web")
_COMMAND_INFOS = {
    info.name or get_command_name(getattr(info.callback, "__name__", "")): info
    for info in _REGISTERED
}


def _terminate(_signum: int, _frame: object) -> None:
    from reading_list.errors import Terminated

    raise Terminated


def main() -> None:
    # A plain `kill` unwinds like Ctrl-C: the write rolls back, the temporary file goes.
    signal.signal(signal.SIGTERM, _terminate)
    # pydantic scans installed packages for plugins on first use; a CLI has none to load.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    app(prog_name="reading-list")
