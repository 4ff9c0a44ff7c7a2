"""Where things live and how hard to lean on arXiv: every setting resolved in one place.

Precedence for the database: ``--db PATH`` > ``READING_LIST_DB`` > ``READING_LIST_HOME``/library.db
> the per-user app dir. The response cache follows the same home.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "reading-list"
DEFAULT_ARXIV_URL = "https://export.arxiv.org/api/query"
# arXiv's terms of use: no more than one request every three seconds.
DEFAULT_ARXIV_DELAY = 3.0
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 4
DEFAULT_CACHE_TTL = 24 * 3600.0


@dataclass(frozen=True)
class Settings:
    db_path: Path
    cache_dir: Path
    arxiv_url: str = DEFAULT_ARXIV_URL
    arxiv_delay: float = DEFAULT_ARXIV_DELAY
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    cache_ttl: float = DEFAULT_CACHE_TTL
    max_backoff: float = 120.0


def home_dir() -> Path:
    explicit = os.environ.get("READING_LIST_HOME")
    if explicit:
        return Path(explicit).expanduser()
    import typer  # already loaded by the CLI; deferred so library users need not pay for it

    return Path(typer.get_app_dir(APP_NAME))


def _float_env(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        from reading_list.errors import UsageError

        raise UsageError(f"{name}={raw!r} is not a number") from None
    if value < 0:
        from reading_list.errors import UsageError

        raise UsageError(f"{name}={raw!r} must not be negative")
    return value


def load_settings(db: Path | None = None) -> Settings:
    """Resolve every setting from the flag and the environment."""
    if db is None:
        env_db = os.environ.get("READING_LIST_DB")
        db = Path(env_db).expanduser() if env_db else home_dir() / "library.db"
    env_cache = os.environ.get("READING_LIST_CACHE_DIR")
    cache_dir = Path(env_cache).expanduser() if env_cache else home_dir() / "cache"
    return Settings(
        db_path=db,
        cache_dir=cache_dir,
        arxiv_url=os.environ.get("READING_LIST_ARXIV_URL") or DEFAULT_ARXIV_URL,
        arxiv_delay=_float_env("READING_LIST_ARXIV_DELAY", DEFAULT_ARXIV_DELAY),
        timeout=_float_env("READING_LIST_ARXIV_TIMEOUT", DEFAULT_TIMEOUT),
        retries=int(_float_env("READING_LIST_ARXIV_RETRIES", DEFAULT_RETRIES)),
        cache_ttl=_float_env("READING_LIST_CACHE_TTL", DEFAULT_CACHE_TTL),
        max_backoff=_float_env("READING_LIST_MAX_BACKOFF", 120.0),
    )
