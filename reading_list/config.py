"""Where things live and how hard to lean on arXiv: every setting resolved in one place.

Precedence for the database: ``--db PATH`` > ``READING_LIST_DB`` > ``READING_LIST_HOME``/library.db
> the per-user app dir. The response cache follows the same home.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

APP_NAME = "reading-list"
DEFAULT_ARXIV_URL = "https://export.arxiv.org/api/query"
# arXiv's terms of use: no more than one request every three seconds.
DEFAULT_ARXIV_DELAY = 3.0
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 4
DEFAULT_CACHE_TTL = 24 * 3600.0
DEFAULT_DBLP_URL = "https://dblp.org"
# dblp's FAQ: "You should always be fine when waiting for at least one or two second".
DEFAULT_DBLP_DELAY = 1.5
DEFAULT_CROSSREF_URL = "https://api.crossref.org"
# Crossref's public pool allows one list query per second (5/s for single records).
DEFAULT_CROSSREF_DELAY = 1.0
DEFAULT_DOI_URL = "https://doi.org"
# arXiv pages of 100 entries are a few MB; nothing a source sends us is legitimately larger.
DEFAULT_MAX_RESPONSE_MB = 20
# However many retries are left, a command never sleeps longer than this on one request.
DEFAULT_MAX_RETRY_SLEEP = 60.0


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
    # ---- scholarly sources (dblp, Crossref, doi.org) and limits every source shares ----
    dblp_url: str = DEFAULT_DBLP_URL
    dblp_delay: float = DEFAULT_DBLP_DELAY
    crossref_url: str = DEFAULT_CROSSREF_URL
    crossref_delay: float = DEFAULT_CROSSREF_DELAY
    crossref_mailto: str | None = None
    doi_url: str = DEFAULT_DOI_URL
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_MB * 1024 * 1024
    max_retry_sleep: float = DEFAULT_MAX_RETRY_SLEEP


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
        **_scholarly_settings(),
    )


# ---- scholarly sources: dblp, Crossref and doi.org ------------------------------------------


def _bounded_env(name: str, default: float, low: float, high: float) -> float:
    """A finite number in [low, high]: "nan", "inf", "1e400" or "0" for a timeout are refused
    here, with the setting's name, rather than crashing (or hanging) a request later."""
    import math

    from reading_list.errors import UsageError

    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise UsageError(f"{name}={raw!r} is not a number") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise UsageError(f"{name}={raw!r} must be a number from {low:g} to {high:g}")
    return value


def _url_env(name: str, default: str) -> str:
    from urllib.parse import urlsplit

    from reading_list.errors import UsageError

    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return default
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{name} must be an http(s) URL with a host, not {raw!r}")
    return raw.rstrip("/")


def _mailto_env(name: str) -> str | None:
    import re

    from reading_list.errors import UsageError

    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return None
    if not re.fullmatch(r"[^@\s/?&#]+@[^@\s/?&#]+\.[^@\s/?&#]+", raw):
        raise UsageError(f"{name}={raw!r} is not an e-mail address")
    return raw


class _ScholarlySettings(TypedDict):
    dblp_url: str
    dblp_delay: float
    crossref_url: str
    crossref_delay: float
    crossref_mailto: str | None
    doi_url: str
    max_response_bytes: int
    max_retry_sleep: float


def _scholarly_settings() -> _ScholarlySettings:
    return {
        "dblp_url": _url_env("READING_LIST_DBLP_URL", DEFAULT_DBLP_URL),
        "dblp_delay": _bounded_env("READING_LIST_DBLP_DELAY", DEFAULT_DBLP_DELAY, 0, 60),
        "crossref_url": _url_env("READING_LIST_CROSSREF_URL", DEFAULT_CROSSREF_URL),
        "crossref_delay": _bounded_env(
            "READING_LIST_CROSSREF_DELAY", DEFAULT_CROSSREF_DELAY, 0, 60
        ),
        "crossref_mailto": _mailto_env("READING_LIST_CROSSREF_MAILTO"),
        "doi_url": _url_env("READING_LIST_DOI_URL", DEFAULT_DOI_URL),
        "max_response_bytes": int(
            _bounded_env("READING_LIST_MAX_RESPONSE_MB", DEFAULT_MAX_RESPONSE_MB, 1, 1024)
            * 1024
            * 1024
        ),
        "max_retry_sleep": _bounded_env(
            "READING_LIST_MAX_RETRY_SLEEP", DEFAULT_MAX_RETRY_SLEEP, 0, 3600
        ),
    }
