"""The library file: opening it, its schema version, transactions, and SQLite's errors.

Every statement the store runs goes through ``Connection``, so that any sqlite3 error after
opening reaches the user as one of the project's errors with one line naming the cause and
what to do. Opening never writes to a file that is not a reading-list library, never writes
to a library from a newer schema, and opens read-only what cannot be written.
"""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Concatenate, NamedTuple, ParamSpec, Protocol, TypeVar

from reading_list.errors import (
    CorruptLibrary,
    LibraryBusy,
    LibraryFull,
    NewerLibrary,
    NoLibrary,
    NotALibrary,
    ReadOnlyLibrary,
    StorageError,
)

# A writer waits this long for another process's transaction before giving up (read at each
# open, so tests can shorten it).
BUSY_TIMEOUT_S = 30.0
# The number of migrations in migrations.py, kept in PRAGMA user_version: an up-to-date
# library opens without importing sqlite-utils (a test checks the two agree).
SCHEMA_VERSION = 11
# The sqlite-utils migration set whose rows in _sqlite_migrations mark a reading-list library.
MIGRATION_SET = "reading_list"
_LOG_OBJECTS = ("_sqlite_migrations", "idx__sqlite_migrations_migration_set_name")

Params = Sequence[Any]


class Access(NamedTuple):
    """How a library may be used: ``read_only`` names why it cannot be written, if it cannot;
    ``newer`` is the schema version of a library from a newer reading-list. (NamedTuples, not
    dataclasses, on the paths every command imports: a dataclass costs ~1 ms to define.)"""

    read_only: str | None = None
    newer: int | None = None


def _newer(path: Path, version: int) -> NewerLibrary:
    return NewerLibrary(
        f"{path} was written by a newer reading-list (schema {version}; this version knows "
        f"{SCHEMA_VERSION}): upgrade reading-list to change it"
    )


def _read_only(path: Path, why: str) -> ReadOnlyLibrary:
    return ReadOnlyLibrary(
        f"{path} is read-only ({why}): it can be listed and exported; make the file and its "
        "folder writable to change it"
    )


def _error(exc: sqlite3.Error, path: Path, access: Access, busy_timeout: float) -> StorageError:
    """The project's error for an sqlite3 error, with what to do about it."""
    code = getattr(exc, "sqlite_errorcode", -1) & 0xFF
    detail = str(exc)
    if access.newer is not None and code == sqlite3.SQLITE_READONLY:
        return _newer(path, access.newer)
    if access.newer is not None and code == sqlite3.SQLITE_ERROR:
        return NewerLibrary(
            f"{path} was written by a newer reading-list (schema {access.newer}; this version "
            f"knows {SCHEMA_VERSION}) and cannot be read here ({detail}): upgrade reading-list"
        )
    if code == sqlite3.SQLITE_READONLY:
        return _read_only(path, access.read_only or detail)
    if code == sqlite3.SQLITE_FULL:
        return LibraryFull(
            f"the disk holding {path} is full: the change in progress was undone; free some "
            "space and run the command again"
        )
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return CorruptLibrary(f"{path} is damaged ({detail}): run `reading-list doctor`")
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return LibraryBusy(
            f"{path} is locked: another process held it for {busy_timeout:g} s; run the command "
            "again when that one has finished"
        )
    if code == sqlite3.SQLITE_IOERR:
        return StorageError(
            f"cannot read or write {path} ({detail}): check the disk, then run "
            "`reading-list doctor`"
        )
    if code == sqlite3.SQLITE_CANTOPEN:
        return StorageError(f"cannot open {path} ({detail}): check that its folder exists")
    if code == sqlite3.SQLITE_CONSTRAINT:
        return StorageError(f"{path}: the change breaks a rule of the library ({detail})")
    return StorageError(f"{path}: {detail}")


class Connection:
    """The store's one sqlite3 connection. Statements run here and nowhere else; results are
    fetched here too (a damaged page can fail a fetch, not only the statement)."""

    def __init__(
        self, raw: sqlite3.Connection, path: Path, access: Access, busy_timeout: float
    ) -> None:
        self.raw = raw
        self.path = path
        self.access = access
        self.busy_timeout = busy_timeout
        self._depth = 0
        self._reading = False

    def error(self, exc: sqlite3.Error) -> StorageError:
        return _error(exc, self.path, self.access, self.busy_timeout)

    def run(self, sql: str, params: Params = ()) -> int:
        """Run one statement; the number of rows it changed."""
        try:
            return self.raw.execute(sql, params).rowcount
        except sqlite3.Error as exc:
            raise self.error(exc) from exc

    def run_many(self, sql: str, rows: Sequence[Params]) -> None:
        if not rows:
            return
        try:
            self.raw.executemany(sql, rows)
        except sqlite3.Error as exc:
            raise self.error(exc) from exc

    def tuples(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        try:
            return self.raw.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise self.error(exc) from exc

    def rows(self, sql: str, params: Params = ()) -> list[dict[str, Any]]:
        try:
            cursor = self.raw.execute(sql, params)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        except sqlite3.Error as exc:
            raise self.error(exc) from exc

    def one(self, sql: str, params: Params = ()) -> tuple[Any, ...] | None:
        try:
            row: tuple[Any, ...] | None = self.raw.execute(sql, params).fetchone()
        except sqlite3.Error as exc:
            raise self.error(exc) from exc
        return row

    def scalar(self, sql: str, params: Params = ()) -> Any:
        row = self.one(sql, params)
        return None if row is None else row[0]

    def column(self, sql: str, params: Params = ()) -> list[Any]:
        return [row[0] for row in self.tuples(sql, params)]

    def batches(
        self, sql: str, params: Params = (), size: int = 2000
    ) -> Iterator[list[tuple[Any, ...]]]:
        """The result ``size`` rows at a time, for results too large to hold."""
        try:
            cursor = self.raw.execute(sql, params)
            while rows := cursor.fetchmany(size):
                yield rows
        except sqlite3.Error as exc:
            raise self.error(exc) from exc

    def stream(self, sql: str, params: Params = (), batch: int = 2000) -> Iterator[tuple[Any, ...]]:
        """Rows one by one, fetched a batch at a time."""
        for rows in self.batches(sql, params, batch):
            yield from rows

    # ---- transactions -------------------------------------------------------------------

    def writable(self) -> None:
        """Refuse, in one line, to start changing a library that must not change."""
        if self.access.newer is not None:
            raise _newer(self.path, self.access.newer)
        if self.access.read_only is not None:
            raise _read_only(self.path, self.access.read_only)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction; nested blocks are savepoints. Taking the write lock up front
        (BEGIN IMMEDIATE) avoids deadlocks between readers upgrading to writers."""
        self.writable()
        if self._reading:
            raise RuntimeError("a write inside a snapshot would be rolled back with it")
        if self._depth:
            self.run("SAVEPOINT nested_write")
            self._depth += 1
            try:
                yield
            except BaseException:
                # SQLITE_FULL and I/O errors may already have rolled the whole transaction
                # back, savepoint included.
                if self.raw.in_transaction:
                    self.run("ROLLBACK TO SAVEPOINT nested_write")
                    self.run("RELEASE SAVEPOINT nested_write")
                raise
            else:
                self.run("RELEASE SAVEPOINT nested_write")
            finally:
                self._depth -= 1
            return
        self.run("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
            # A COMMIT can fail (a deferred foreign key, a full disk): roll back, so that the
            # connection is not left inside a transaction the next write would nest into.
            self.run("COMMIT")
        except BaseException:
            self._rollback()
            raise
        finally:
            self._depth = 0

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Several reads that see one state of the library, whatever other writers commit."""
        if self._depth:
            yield
            return
        self.run("BEGIN")
        self._depth, self._reading = 1, True
        try:
            yield
        finally:
            self._depth, self._reading = 0, False
            self._rollback()

    def _rollback(self) -> None:
        if not self.raw.in_transaction:
            return
        try:
            self.raw.execute("ROLLBACK")
        except sqlite3.Error:
            # A connection that cannot roll back is closed: SQLite then drops the transaction.
            self.raw.close()

    def close(self) -> None:
        self._rollback()
        self.raw.close()


class Repository(Protocol):
    _sql: Connection


P = ParamSpec("P")
R = TypeVar("R")
RepoT = TypeVar("RepoT", bound=Repository)


def writes(
    method: Callable[Concatenate[RepoT, P], R],
) -> Callable[Concatenate[RepoT, P], R]:
    """Marks a repository method that changes the library: it runs in a write transaction
    (a savepoint inside the caller's), which is where read-only and newer libraries are
    refused. Callers open one themselves only to make several changes one."""

    def run_in_transaction(self: RepoT, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._sql.transaction():
            return method(self, *args, **kwargs)

    functools.update_wrapper(run_in_transaction, method)
    return run_in_transaction


# ---- opening -------------------------------------------------------------------------------


def _connect(path: Path, busy_timeout: float) -> tuple[sqlite3.Connection, str | None]:
    """A connection, read-write when the file and its folder can be written, else read-only;
    a folder nobody can write (a read-only mount) cannot hold SQLite's lock files, so the
    file is then opened as immutable."""
    read_only = None
    if not os.access(path, os.W_OK):
        read_only = "the file is not writable"
    elif not os.access(path.parent, os.W_OK):
        read_only = "its folder is not writable"
    if read_only is None:
        raw = sqlite3.connect(str(path), timeout=busy_timeout, isolation_level=None)
        return raw, None
    uri = path.absolute().as_uri() + "?mode=ro"
    wal = path.with_name(path.name + "-wal")
    if not os.access(path.parent, os.W_OK) and not wal.exists():
        uri += "&immutable=1"
    raw = sqlite3.connect(uri, uri=True, timeout=busy_timeout, isolation_level=None)
    return raw, read_only


def _inspect(raw: sqlite3.Connection, path: Path) -> tuple[int, int]:
    """(user_version, reading-list migrations applied); refuses any other SQLite file."""
    user_version = int(raw.execute("PRAGMA user_version").fetchone()[0])
    marks = ",".join("?" * len(_LOG_OBJECTS))
    others, has_log = raw.execute(
        f"SELECT coalesce(sum(name NOT IN ({marks})"
        " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'), 0),"
        " coalesce(sum(type = 'table' AND name = '_sqlite_migrations'), 0) FROM sqlite_master",
        _LOG_OBJECTS,
    ).fetchone()
    applied = 0
    if has_log:
        applied = int(
            raw.execute(
                "SELECT count(*) FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET]
            ).fetchone()[0]
        )
    if others and not applied:
        raise NotALibrary(
            f"{path} is a SQLite database of another program, not a reading-list library: "
            "it was left as it was; pass --db a library file or a new file name"
        )
    return user_version, applied


def _migrate(raw: sqlite3.Connection) -> int | None:
    """Apply pending migrations in one transaction; the newer schema version if the library
    holds migrations this version does not know (then nothing is applied)."""
    from sqlite_utils import Database

    from reading_list.store.migrations import migrations

    db = Database(raw, execute_plugins=False, recursive_triggers=False)
    raw.execute("BEGIN IMMEDIATE")
    try:
        # Read under the write lock: another process may have migrated while we waited.
        applied = [m.name for m in migrations.applied(db)]
        known = [m.name for m in migrations._migrations]
        if set(applied) - set(known):
            raw.execute("ROLLBACK")
            return len(applied)
        migrations.apply(db)
        raw.execute(f"PRAGMA user_version = {len(known)}")
        raw.execute("COMMIT")
    except BaseException:
        if raw.in_transaction:
            raw.execute("ROLLBACK")
        raise
    return None


def _pending(raw: sqlite3.Connection) -> tuple[bool, int | None]:
    """(whether migrations are pending, newer schema version) without changing anything."""
    from sqlite_utils import Database

    from reading_list.store.migrations import migrations

    db = Database(raw, execute_plugins=False, recursive_triggers=False)
    applied = {m.name for m in migrations.applied(db)}
    unknown = applied - {m.name for m in migrations._migrations}
    return bool(migrations.pending(db)), (len(applied) if unknown else None)


def library_exists(path: Path) -> bool:
    # An empty file is what an old release left when killed while creating one.
    return path.is_file() and path.stat().st_size > 0


def _create_whole(path: Path, timeout: float) -> None:
    """A new library appears whole or not at all: it is made and migrated under a temporary
    name beside it, then linked into place, unless another process made one meanwhile (that
    one is then opened as it is). Personal data: mkstemp makes it readable by its owner only."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        _open(tmp, timeout).close()
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        except OSError:
            # A file system without hard links: a rename, if no library has appeared.
            if not path.exists():
                tmp.replace(path)
    finally:
        for leftover in (tmp, Path(name + "-wal"), Path(name + "-shm")):
            leftover.unlink(missing_ok=True)


def open_connection(
    path: Path, busy_timeout: float | None = None, *, create: bool = True
) -> Connection:
    """Open and migrate the library at ``path``; create it (and its folder) if ``create``,
    else a missing library is NoLibrary."""
    timeout = BUSY_TIMEOUT_S if busy_timeout is None else busy_timeout
    try:
        if path.is_dir():
            raise StorageError(f"cannot open {path}: it is a folder, not a library file")
        exists = library_exists(path)
    except OSError as exc:
        raise StorageError(f"cannot open {path}: {exc.strerror or exc}") from None
    if not exists:
        if not create:
            raise NoLibrary(path)
        try:
            _create_whole(path, timeout)
        except OSError as exc:
            raise StorageError(f"cannot create {path}: {exc.strerror or exc}") from None
    return _open(path, timeout)


def _open(path: Path, timeout: float) -> Connection:
    try:
        raw, read_only = _connect(path, timeout)
    except OSError as exc:
        raise StorageError(f"cannot open {path}: {exc.strerror or exc}") from None
    except sqlite3.Error as exc:
        raise _error(exc, path, Access(), timeout) from None
    try:
        access = _prepare(raw, path, read_only)
    except sqlite3.Error as exc:
        raw.close()
        if getattr(exc, "sqlite_errorcode", -1) == sqlite3.SQLITE_NOTADB:
            raise NotALibrary(f"cannot open {path}: it is not a SQLite database") from None
        raise _error(exc, path, Access(read_only), timeout) from None
    except BaseException:
        raw.close()
        raise
    return Connection(raw, path, access, timeout)


def _prepare(raw: sqlite3.Connection, path: Path, read_only: str | None) -> Access:
    """Settings, then the schema: nothing is written before the file is known to be ours."""
    raw.execute("PRAGMA foreign_keys = ON")
    raw.execute("PRAGMA synchronous = NORMAL")
    user_version, applied = _inspect(raw, path)
    if applied and user_version > SCHEMA_VERSION:
        newer: int | None = user_version
    elif read_only is not None:
        if not applied:
            raise ReadOnlyLibrary(f"{path} is read-only ({read_only}) and empty")
        pending, newer = (False, None) if user_version == SCHEMA_VERSION else _pending(raw)
        if pending and newer is None:
            raise ReadOnlyLibrary(
                f"{path} is read-only ({read_only}) and was made by an older reading-list: "
                "open it once with write access to upgrade it"
            )
    else:
        if raw.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            raw.execute("PRAGMA journal_mode = WAL")
        newer = None if applied and user_version == SCHEMA_VERSION else _migrate(raw)
    if newer is not None:
        # Belt and braces: SQLite itself refuses any write that slips past Connection.writable.
        raw.execute("PRAGMA query_only = ON")
    return Access(read_only=read_only, newer=newer)
