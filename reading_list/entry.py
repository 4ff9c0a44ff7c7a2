"""The console script: answers --version before loading the CLI framework at all."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from reading_list import __version__

        sys.stdout.write(f"reading-list {__version__}\n")
        return
    from reading_list.cli import main as cli_main

    cli_main()
