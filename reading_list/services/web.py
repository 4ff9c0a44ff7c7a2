"""`web`: what Datasette needs to browse the library."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reading_list.services.library import Library


def prepare(lib: Library) -> Path:
    """The library's file, opened once first: it must exist, and its schema be current (the
    web view reads the views the migrations make), before Datasette opens it read-only."""
    lib.store.papers.count()
    return lib.settings.db_path


def datasette_metadata(lib: Library) -> dict[str, Any]:
    """Labels, facets and full-text search for the library's file (which stays unopened)."""
    from reading_list.store.datasette import datasette_metadata as metadata_for

    return metadata_for(lib.settings.db_path.stem)
