"""Writing a command's output: to stdout, or to a file that is either whole or untouched.

A file is written to a temporary file of its own in the target's folder (``mkstemp``: a new
name, created exclusively, so a planted file or symlink is never opened, and two writers never
share one), flushed to disk, then renamed over the target in one step. The temporary file is
removed on every other way out: an error, a full disk, Ctrl-C. The target keeps its mode; a
new file gets the mode the umask gives, like any file the shell creates. A symlink at the
target is replaced, not written through. A target that is not a regular file (/dev/null,
/dev/stdout, a FIFO) is written to directly. Only ``kill -9`` (or a power cut) can leave a
temporary file behind; the next write to the same target removes those that are old.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from reading_list.errors import Interrupted, InvalidInput
from reading_list.formats.terminal import clean_text


def write_output(chunks: Iterable[str] | Iterable[bytes], output: Path | None) -> Path | None:
    """Write ``chunks`` (text, or text encoded as UTF-8) to ``output`` (None or "-": stdout);
    the path written, if any. ``chunks`` is closed however the writing ends (a reader gone,
    an error), while what it reads from is still open: a generator left half-run would
    otherwise be closed later by the garbage collector, after its library."""
    try:
        return _write(chunks, output)
    finally:
        close = getattr(chunks, "close", None)
        if callable(close):
            close()


def _write(chunks: Iterable[str] | Iterable[bytes], output: Path | None) -> Path | None:
    if output is None or str(output) == "-":
        _write_stdout(_as_bytes(chunks))
        return None
    encoded = _as_bytes(chunks)
    try:
        info = os.lstat(output)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise InvalidInput(f"cannot write {output}: {exc.strerror or exc}") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise InvalidInput(f"cannot write {output}: it is a directory")
    if info is not None and not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
        _write_special(encoded, output)
    else:
        _replace_atomically(encoded, output, info)
    return output


def _as_bytes(chunks: Iterable[str] | Iterable[bytes]) -> Iterator[bytes]:
    for chunk in chunks:
        yield chunk if isinstance(chunk, bytes) else chunk.encode("utf-8")


def _write_stdout(chunks: Iterable[bytes]) -> None:
    # People at a terminal get text without escape sequences; pipes get the bytes as they are.
    to_terminal = sys.stdout.isatty()
    try:
        sys.stdout.flush()
        for chunk in chunks:
            if to_terminal:
                sys.stdout.write(clean_text(chunk.decode("utf-8")))
            else:
                sys.stdout.buffer.write(chunk)
        # Flushes the text layer and the bytes under it.
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader has gone (``| head``): stop quietly, and let the exit flush go nowhere.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _write_special(chunks: Iterable[bytes], output: Path) -> None:
    try:
        with open(output, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
    except OSError as exc:
        raise InvalidInput(f"cannot write {output}: {exc.strerror or exc}") from None


def _new_file_mode() -> int:
    # The umask can only be read by setting it; set it straight back.
    umask = os.umask(0o077)
    os.umask(umask)
    return 0o666 & ~umask


# A temporary file this old is no writer's: a running export writes to its file continually.
STALE_TEMPORARY_S = 3600


def _remove_stale_temporaries(output: Path) -> None:
    """Remove the temporary files that killed writers of ``output`` left (ours: the name
    mkstemp gave, a regular file of this user's, untouched for an hour)."""
    now = time.time()
    prefix = f".{output.name}."
    try:
        names = [n for n in os.listdir(output.parent) if n.startswith(prefix)]
    except OSError:
        return
    for name in names:
        candidate = output.parent / name
        try:
            info = os.lstat(candidate)
            if (
                name.endswith(".tmp")
                and stat.S_ISREG(info.st_mode)
                and info.st_uid == os.getuid()
                and now - info.st_mtime > STALE_TEMPORARY_S
            ):
                candidate.unlink()
        except OSError:
            continue


def _replace_atomically(chunks: Iterable[bytes], output: Path, info: os.stat_result | None) -> None:
    folder = output.parent
    _remove_stale_temporaries(output)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InvalidInput(f"cannot write {output}: {exc.strerror or exc}") from None
    tmp = Path(tmp_name)
    mode = stat.S_IMODE(info.st_mode) if info and stat.S_ISREG(info.st_mode) else None
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), _new_file_mode() if mode is None else mode)
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, output)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise InvalidInput(f"cannot write {output}: {exc.strerror or exc}") from None
        if isinstance(exc, KeyboardInterrupt):
            raise Interrupted.after(exc, f"{output} was not written") from None
        raise
