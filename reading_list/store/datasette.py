"""The Datasette metadata that turns the library into a browsable web view. It describes the
schema (tables, columns, the search index), so it lives with the schema. No I/O.

The database opens in Datasette as it is; this only adds labels, facets (status, tags, list,
year) and full-text search on papers, and hides the search index's shadow tables.
"""

from __future__ import annotations

from typing import Any

HIDDEN = [
    "_sqlite_migrations",
    "papers_fts",
    "papers_fts_config",
    "papers_fts_content",
    "papers_fts_data",
    "papers_fts_docsize",
    "papers_fts_idx",
]


def datasette_metadata(database: str) -> dict[str, Any]:
    tables: dict[str, Any] = {
        "papers": {
            "label_column": "title",
            "description": "Every tracked paper: arXiv papers and manual entries.",
            "facets": ["status", "year", "kind", "primary_category"],
            "fts_table": "papers_fts",
            "fts_pk": "rowid",
            "searchmode": "raw",
            "sort_desc": "added_at",
        },
        "paper_overview": {
            "label_column": "title",
            "description": "One row per paper with its tags and lists, for faceting.",
            "facets": ["status", "year", {"array": "tags"}, {"array": "lists"}],
            "sort_desc": "added_at",
        },
        "paper_tags": {"facets": ["tag"]},
        "list_items": {"facets": ["list_name", "state", "method", "topic"]},
        "status_events": {"facets": ["status"], "sort_desc": "at"},
        "lists": {"label_column": "title"},
    }
    for name in HIDDEN:
        tables[name] = {"hidden": True}
    return {
        "title": "reading-list",
        "description": "Your reading list: papers, reading status, tags, lists and notes.",
        "databases": {database: {"tables": tables}},
    }
