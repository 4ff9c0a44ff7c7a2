"""The console script. ``--version`` answers before the CLI framework is loaded at all."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from reading_list import __version__

        sys.stdout.write(f"reading-list {__version__}\n")
        return
    from reading_list.cli.app import main as run_app

    run_app()
