"""Regenerate db/schema.sql: ``python -m reading_list.store.schema_snapshot``."""

from __future__ import annotations

import tempfile
from pathlib import Path

from reading_list.store import open_db


def main() -> None:
    target = Path(__file__).resolve().parents[2] / "db" / "schema.sql"
    with tempfile.TemporaryDirectory() as tmp:
        store = open_db(Path(tmp) / "snapshot.db")
        target.write_text(store.schema_sql())
        store.close()
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
