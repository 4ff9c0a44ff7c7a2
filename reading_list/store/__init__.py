"""The only package that speaks SQL: the library file, its migrations and its queries."""

from reading_list.store.connection import (
    SCHEMA_VERSION,
    DatabaseError,
    Store,
    library_exists,
    open_db,
)

__all__ = ["SCHEMA_VERSION", "DatabaseError", "Store", "library_exists", "open_db"]
