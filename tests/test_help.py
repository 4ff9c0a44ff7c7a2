"""Help text is documentation: every command has help, an example, and the exit codes."""

from __future__ import annotations

import subprocess
import sys

import click
import typer

from reading_list.cli.app import app
from tests.conftest import Run


def test_every_command_has_help_and_an_example() -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, click.Group)
    ctx = click.Context(group)
    names = group.list_commands(ctx)
    assert {"add", "list", "show", "status", "tag", "note", "rm", "open"} <= set(names)
    for name in names:
        command = group.get_command(ctx, name)
        assert command is not None and command.help, name
        assert "Example: reading-list" in command.help, name


def test_top_level_help_documents_exit_codes(run: Run) -> None:
    result = run("--help")
    assert result.exit_code == 0
    assert "3 arXiv unavailable" in result.stdout


def test_python_dash_m_works() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "reading_list", "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0 and out.stdout.startswith("reading-list ")
