"""Text edited by the user in their editor ($VISUAL, $EDITOR, else the system's), through a
private temporary file."""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from reading_list.errors import InvalidInput

# Tried in order when neither $VISUAL nor $EDITOR is set (Debian's choice first).
FALLBACK_EDITORS = ("sensible-editor", "editor", "nano", "vi")


def interactive() -> bool:
    """Whether a person is at the terminal an editor would run in."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def editor_command() -> list[str]:
    """The editor to run, split like a shell would (it is the user's own setting)."""
    chosen = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if chosen:
        return shlex.split(chosen)
    found = next((path for name in FALLBACK_EDITORS if (path := shutil.which(name))), None)
    if found is None or not interactive():
        raise InvalidInput("$EDITOR is not set (and no editor was found to fall back on)")
    return [found]


def edit_text(initial: str, *, suffix: str, what: str) -> str:
    """``initial`` as the user left it in their editor; the file is readable by them alone
    and removed afterwards. ``what`` names the text in the error of a failed editor."""
    command = editor_command()
    fd, name = tempfile.mkstemp(prefix="reading-list-", suffix=suffix)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(initial)
        # Never through a shell: the file name is ours, the command the user's.
        result = subprocess.run([*command, name], check=False)
        if result.returncode != 0:
            raise InvalidInput(f"the editor exited with status {result.returncode}; {what}")
        try:
            return Path(name).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise InvalidInput(f"the edited file is not UTF-8; {what}") from None
        except OSError as exc:
            raise InvalidInput(f"cannot read the edited file ({exc.strerror}); {what}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)
