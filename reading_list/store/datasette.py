"""The Datasette metadata that turns the library into a browsable web view. It describes the
schema (tables, columns, the search index), so it lives with the schema. No I/O.

The database opens in Datasette as it is; this only adds labels, facets (status, tags, list,
year) and full-text search on papers, and hides the search index's shadow tables and the
exports' cache.
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
    # Rendered entries and their change counter (m010): the exports' own bookkeeping.
    "export_cache",
    "export_generation",
]


def datasette_metadata(database: str) -> dict[str, Any]:
    # Search in Datasette's default mode, which quotes each word: what people type
    # ("few-shot", a stray quote) is searched for, never read as FTS syntax.
    search = {"fts_table": "papers_fts", "fts_pk": "rowid"}
    tables: dict[str, Any] = {
        "paper_overview": {
            "label_column": "title",
            "description": "One row per paper: search it, and facet on status, tags, lists "
            "and year.",
            "facets": ["status", {"array": "tags"}, {"array": "lists"}, "year"],
            "sort_desc": "added_at",
            **search,
        },
        "papers": {
            "label_column": "title",
            "description": "Every tracked paper with all its metadata (authors as stored, a "
            "JSON array; paper_overview shows them as text).",
            "facets": ["status", "year", "kind", "primary_category"],
            "sort_desc": "added_at",
            **search,
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
        "description": "Your reading list: start at paper_overview to search and filter it.",
        "databases": {database: {"tables": tables}},
    }
