"""The files commands read: regular files only, each kind under a documented size cap.

A FIFO, a device such as /dev/zero, or a file far larger than any real one of its kind would
make a command wait or read until memory runs out; they are refused with a message instead.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, BinaryIO

from reading_list.errors import InvalidInput

# .bib libraries and dumps: a 100k-paper library is ~180 MB of .bib and ~250 MB of dump.
MAX_LIBRARY_BYTES = 1024 * 1024 * 1024
# .tex/.aux files, citation lists (pasted articles too) and id lists.
MAX_TEXT_BYTES = 20 * 1024 * 1024

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):,.0f} MB"


def open_input(path: Path, *, limit: int) -> BinaryIO:
    """``path`` opened for reading, if it is a regular file of at most ``limit`` bytes."""
    try:
        # Non-blocking, so that opening a FIFO with no writer returns instead of waiting.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a file")
            raise InvalidInput(f"cannot read {path}: {kind}, not a regular file")
        if info.st_size > limit:
            raise InvalidInput(
                f"cannot read {path}: {_megabytes(info.st_size)} is more than the "
                f"{_megabytes(limit)} this command reads"
            )
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def check_input(path: Path, *, limit: int) -> int:
    """The size of ``path`` once it has passed open_input's checks."""
    with open_input(path, limit=limit) as handle:
        return os.fstat(handle.fileno()).st_size


def read_input(path: Path, *, limit: int) -> bytes:
    with open_input(path, limit=limit) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(f"cannot read {path}: more than {_megabytes(limit)}")
    return data


def numbered_lines(
    handle: IO[bytes] | IO[str], *, name: str, max_line: int
) -> Iterator[tuple[int, str]]:
    """(1-based number, text) of each line, read one at a time; a line longer than
    ``max_line`` characters or not UTF-8 is refused with its number."""
    number = 0
    while True:
        raw = handle.readline(max_line + 1)
        if not raw:
            return
        number += 1
        if len(raw) > max_line:
            raise InvalidInput(f"{name}:{number}: line longer than {_megabytes(max_line)}")
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InvalidInput(f"{name}:{number}: not UTF-8 (byte {exc.start})") from None
        yield number, raw
