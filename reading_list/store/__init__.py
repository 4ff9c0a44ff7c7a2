"""The only package that speaks SQL: the library file, its migrations and its queries.

``open_db(path)`` gives a ``Store``: one connection, its transactions, and one repository per
concern over that connection (``papers``, ``tags``, ``lists``, ``reading``, ``checks``,
``dump``, ``exports``: the cache of rendered entries and the files kept in sync, and
``identities``: a work's identities, source records and lookups), so that a call site names
what it touches: ``store.papers.get(id)``, ``store.lists.items(name)``.
Repositories share nothing but the connection.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from reading_list.store.connection import (
    MIGRATION_SET,
    SCHEMA_VERSION,
    Connection,
    library_exists,
    open_connection,
)
from reading_list.store.papers import Identities, Papers
from reading_list.store.rows import NewPaper
from reading_list.store.tags import Tags

if TYPE_CHECKING:
    from reading_list.store.checks import Checks
    from reading_list.store.dump import Dump
    from reading_list.store.exports import Exports
    from reading_list.store.identities import WorkIdentities
    from reading_list.store.lists import Lists
    from reading_list.store.reading import Reading


class Store:
    """A reading-list library, open. The repositories most commands never touch are loaded
    on first use, so that `status` or `tag` imports only what it runs."""

    def __init__(self, sql: Connection) -> None:
        self.sql = sql
        self.tags = Tags(sql)
        self.papers = Papers(sql, self.tags)

    @cached_property
    def lists(self) -> Lists:
        from reading_list.store.lists import Lists

        return Lists(self.sql)

    @cached_property
    def reading(self) -> Reading:
        from reading_list.store.reading import Reading

        return Reading(self.sql)

    @cached_property
    def checks(self) -> Checks:
        from reading_list.store.checks import Checks

        return Checks(self.sql)

    @cached_property
    def dump(self) -> Dump:
        from reading_list.store.dump import Dump

        return Dump(self.sql)

    @cached_property
    def identities(self) -> WorkIdentities:
        from reading_list.store.identities import WorkIdentities

        return WorkIdentities(self.sql)

    @cached_property
    def exports(self) -> Exports:
        from reading_list.store.exports import Exports

        return Exports(self.sql)

    @property
    def path(self) -> Path:
        return self.sql.path

    @contextmanager
    def write(self) -> Iterator[None]:
        """One write transaction: all of it is committed, or none (nested blocks too)."""
        with self.sql.transaction():
            yield

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Several reads that see one state of the library while others write."""
        with self.sql.snapshot():
            yield

    def schema_sql(self) -> str:
        statements = self.sql.column(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
            "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, name"
        )
        return "".join(f"{s.strip()};\n" for s in statements)

    def applied_migrations(self) -> list[str]:
        return self.sql.column(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
            [MIGRATION_SET],
        )

    def close(self) -> None:
        self.sql.close()


def open_db(path: Path, *, busy_timeout: float | None = None, create: bool = True) -> Store:
    """Open and migrate the library at ``path``; create it (and its folder) if ``create``,
    else a missing library is NoLibrary."""
    return Store(open_connection(path, busy_timeout, create=create))


__all__ = ["SCHEMA_VERSION", "Identities", "NewPaper", "Store", "library_exists", "open_db"]
