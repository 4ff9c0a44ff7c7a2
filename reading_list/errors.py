"""The project's exceptions. Each knows the exit code the CLI maps it to."""

from __future__ import annotations

EXIT_OK = 0
EXIT_USER = 1
EXIT_USAGE = 2
EXIT_UNAVAILABLE = 3


class ReadingListError(Exception):
    """Base class: a user or data error (exit 1)."""

    exit_code = EXIT_USER


class InvalidIdentifier(ReadingListError):
    def __init__(self, value: str, reason: str = "not an arXiv identifier") -> None:
        super().__init__(f"{value!r}: {reason}")
        self.value = value


class NotFound(ReadingListError):
    """A paper, list or seed that does not exist."""


class NoLibrary(NotFound):
    """A command that reads the library found none: creating one is explicit."""

    def __init__(self, path: object) -> None:
        super().__init__(f"no library at {path} yet; run `reading-list init` or add a paper")


class InvalidInput(ReadingListError):
    """A file or argument whose content is wrong (bad JSON, bad status, ...)."""


class StaleEdit(InvalidInput):
    """An entry changed by another command while the user edited it: nothing is saved."""


class UsageError(ReadingListError):
    """Options that cannot go together; the CLI's usage error (exit 2)."""

    exit_code = EXIT_USAGE


class SourceUnavailable(ReadingListError):
    """arXiv could not be reached or kept failing (exit 3); the caller may retry later."""

    exit_code = EXIT_UNAVAILABLE

    def __init__(self, message: str, pending: list[str] | None = None) -> None:
        super().__init__(message)
        self.pending = pending or []


class HostileResponse(SourceUnavailable):
    """The source answered with XML that declares entities or a DTD; nothing is parsed."""


class StorageError(ReadingListError):
    """SQLite could not read or change the library; the message names the cause and the cure."""


class NotALibrary(StorageError):
    """The file is not a reading-list library (another program's SQLite file, or not SQLite)."""


class ReadOnlyLibrary(StorageError):
    """The library can be read but not changed (read-only file, folder or mount)."""


class NewerLibrary(StorageError):
    """The library was written by a newer reading-list; this version only reads it."""


class LibraryFull(StorageError):
    """The disk holding the library is full."""


class CorruptLibrary(StorageError):
    """SQLite found damaged pages in the library."""


class LibraryBusy(StorageError):
    """Another process held the library's write lock for longer than we wait."""


class Interrupted(ReadingListError):
    """Ctrl-C (exit 130) or SIGTERM (exit 143), reported with what is true of the library
    afterwards."""

    exit_code = 130

    @classmethod
    def after(cls, signal: KeyboardInterrupt, outcome: str) -> Interrupted:
        """The error for ``signal`` (a Ctrl-C or a Terminated), saying ``outcome``."""
        terminated = isinstance(signal, Terminated)
        error = cls(f"{'terminated' if terminated else 'interrupted'}: {outcome}")
        if terminated:
            error.exit_code = 143
        return error


class Terminated(KeyboardInterrupt):
    """SIGTERM (a plain ``kill``, a CI timeout, a closing session), unwound exactly like
    Ctrl-C so that transactions roll back and temporary files are removed."""
