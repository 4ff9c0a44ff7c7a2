"""Words for shell completion, read straight from the library file: read-only, bounded, and
without migrations, models or sqlite-utils, so a Tab press costs a few milliseconds."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

# What each kind of word is, by the prefix typed so far (LIKE is case-blind for ASCII).
_QUERIES = {
    "ref": "SELECT id FROM papers WHERE id LIKE ?1 ESCAPE '\\' UNION "
    "SELECT citekey FROM papers WHERE citekey LIKE ?1 ESCAPE '\\' ORDER BY 1 LIMIT ?2",
    "tag": "SELECT DISTINCT tag FROM paper_tags WHERE tag LIKE ?1 ESCAPE '\\' ORDER BY 1 LIMIT ?2",
    "list": "SELECT name FROM lists WHERE name LIKE ?1 ESCAPE '\\' ORDER BY 1 LIMIT ?2",
}
# A shell shows at most a screenful; more is noise.
LIMIT = 200


def library_words(path: Path, kind: str, prefix: str) -> list[str]:
    """Ids and citekeys ("ref"), tag keys ("tag") or list names ("list") starting with
    ``prefix``; nothing (never an error) when there is no library or it cannot be read."""
    if kind not in _QUERIES or not path.is_file():
        return []
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=0.2)
        try:
            return [str(row[0]) for row in conn.execute(_QUERIES[kind], [pattern, LIMIT])]
        finally:
            conn.close()
    except sqlite3.Error:
        return []
