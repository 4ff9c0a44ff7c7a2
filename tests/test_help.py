"""Help text is documentation: every command has help, argument help, an example kept
verbatim, the choices of its options, and the top-level help the exit codes (once)."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer
from typer.core import TyperGroup

from reading_list.cli.app import app
from tests.conftest import Run


def _commands() -> dict[str, typer.Context]:
    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    ctx = typer.Context(group)
    return dict.fromkeys(group.list_commands(ctx), ctx)


COMMANDS = sorted(_commands())


def _examples(name: str) -> list[str]:
    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    command = group.get_command(typer.Context(group), name)
    assert command is not None and command.help, name
    # Examples sit in a paragraph marked \b, which click prints without re-wrapping.
    paragraph = command.help.split("\b", 1)[1]
    return [line.strip() for line in paragraph.splitlines() if "reading-list " in line]


def test_every_command_has_help_and_an_example() -> None:
    assert {"add", "list", "show", "status", "tag", "note", "rm", "open", "init"} <= set(COMMANDS)
    for name in COMMANDS:
        assert _examples(name), name


@pytest.mark.parametrize("name", COMMANDS)
def test_examples_print_verbatim_and_arguments_have_help(
    name: str, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    result = run(name, "--help", ok=True)
    lines = [line.strip() for line in result.stdout.splitlines()]
    for example in _examples(name):
        assert example in lines, (name, example, result.stdout)
    if "Arguments:" in result.stdout:
        arguments = result.stdout.split("Arguments:", 1)[1].split("Options:", 1)[0]
        for line in arguments.strip("\n").splitlines():
            # Each argument's first line has its name and a description after it.
            if line.startswith("  ") and not line.startswith("   "):
                assert len(line.split()) > 1, (name, line)


def test_options_with_fixed_values_list_them(run: Run) -> None:
    assert "to-read|reading|read|skimmed|abandoned" in run("list", "--help").stdout
    assert "added|published|year|title|status|priority|citekey|id" in run("list", "--help").stdout
    assert "bibtex|biblatex|csl-json|ris|csv|json" in run("export", "--help").stdout


def test_top_level_help_documents_exit_codes_once(run: Run) -> None:
    result = run("--help")
    assert result.exit_code == 0
    assert result.stdout.count("3 arXiv unavailable") == 1


def test_a_mistyped_command_is_suggested_once(run: Run) -> None:
    result = run("lsit")
    assert result.exit_code == 2
    assert result.stderr.count("Did you mean") == 1 and "'list', 'lists'" in result.stderr


def test_python_dash_m_works() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "reading_list", "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0 and out.stdout.startswith("reading-list ")
