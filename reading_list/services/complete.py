"""Shell completion from the library: ids, citekeys, tags, list names and shipped seeds."""

from __future__ import annotations

from pathlib import Path

from reading_list.config import load_settings
from reading_list.errors import ReadingListError


def completions(db: Path | None, kind: str, prefix: str) -> list[str]:
    """Words of ``kind`` ("ref", "tag", "list", "seed") that start with ``prefix``. A bad
    setting or a missing library completes nothing rather than failing a Tab press."""
    try:
        settings = load_settings(db)
    except ReadingListError:
        return []
    if kind == "seed":
        from reading_list.services.seeds import seed_names

        return [name for name in seed_names(settings.seeds_dir) if name.startswith(prefix)]
    from reading_list.store.complete import library_words

    return library_words(settings.db_path, kind, prefix)
