"""Every setting, read and validated in one place: where the library and the cache live, how
hard to lean on arXiv, dblp and Crossref, how citekeys are made. No CLI framework here.

Precedence for the database: ``--db PATH`` > ``READING_LIST_DB`` > ``READING_LIST_HOME``/library.db
> the platform's data dir (XDG on Linux: ``~/.local/share/reading-list``), except that a library
left by an earlier release in its per-user app dir is used where it is. The response cache:
``READING_LIST_CACHE_DIR`` > ``READING_LIST_HOME``/cache > the platform's cache dir.
A bad value is a usage error (exit 2) naming the variable, never a crash.
"""

from __future__ import annotations

import math
import os
import re
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from reading_list.citekeys import DEFAULT_PATTERN, check_pattern
from reading_list.errors import UsageError

APP_NAME = "reading-list"
LIBRARY_FILE = "library.db"
DEFAULT_ARXIV_URL = "https://export.arxiv.org/api/query"
# arXiv's terms of use: no more than one request every three seconds.
DEFAULT_ARXIV_DELAY = 3.0
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 4
# More retries than this would keep a command waiting for hours under exponential backoff.
MAX_RETRIES = 100
DEFAULT_CACHE_TTL = 24 * 3600.0
DEFAULT_MAX_BACKOFF = 120.0
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
# The throttles above are the services' own asks; a longer pause than this is a typo.
MAX_DELAY = 60.0


@dataclass(frozen=True)
class Settings:
    """Every setting, resolved; load_settings() makes one from the flag and the environment."""

    db_path: Path
    # Named by --db or READING_LIST_DB (not a default location): its folder must exist.
    db_explicit: bool = False
    # None: the platform's cache dir, looked up only when the cache is used (see cache_dir).
    cache_override: Path | None = None
    arxiv_url: str = DEFAULT_ARXIV_URL
    arxiv_delay: float = DEFAULT_ARXIV_DELAY
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    cache_ttl: float = DEFAULT_CACHE_TTL
    max_backoff: float = DEFAULT_MAX_BACKOFF
    citekey_pattern: str = DEFAULT_PATTERN
    seeds_dir: Path | None = None
    # ---- scholarly sources (dblp, Crossref, doi.org) and limits every source shares ----
    dblp_url: str = DEFAULT_DBLP_URL
    dblp_delay: float = DEFAULT_DBLP_DELAY
    crossref_url: str = DEFAULT_CROSSREF_URL
    crossref_delay: float = DEFAULT_CROSSREF_DELAY
    crossref_mailto: str | None = None
    doi_url: str = DEFAULT_DOI_URL
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_MB * 1024 * 1024
    max_retry_sleep: float = DEFAULT_MAX_RETRY_SLEEP

    @cached_property
    def cache_dir(self) -> Path:
        # Lazy: commands that never reach arXiv (list, status, tag) skip importing platformdirs.
        if self.cache_override is not None:
            return self.cache_override
        import platformdirs

        return platformdirs.user_cache_path(APP_NAME, appauthor=False)


def _env(name: str) -> str | None:
    """A variable's value, stripped; empty (or blank) counts as unset."""
    value = os.environ.get(name, "").strip()
    return value or None


def _env_path(name: str) -> Path | None:
    # Blank counts as unset (never the working folder); otherwise the path exactly as given.
    value = os.environ.get(name, "")
    return Path(value).expanduser() if value.strip() else None


def _env_number(
    name: str, default: float, *, positive: bool = False, most: float | None = None
) -> float:
    raw = _env(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise UsageError(f"{name}={raw!r} is not a number") from None
    if not math.isfinite(value):
        raise UsageError(f"{name}={raw!r} must be a finite number")
    if positive and value <= 0:
        raise UsageError(f"{name}={raw!r} must be greater than 0")
    if value < 0:
        raise UsageError(f"{name}={raw!r} must not be negative")
    if most is not None and value > most:
        raise UsageError(f"{name}={raw!r} must be at most {most:g}")
    return value


def _env_count(name: str, default: int, *, most: int) -> int:
    raw = _env(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise UsageError(f"{name}={raw!r} is not a whole number") from None
    if not 0 <= value <= most:
        raise UsageError(f"{name}={raw!r} must be between 0 and {most}")
    return value


def _env_url(name: str, default: str) -> str:
    raw = _env(name)
    if raw is None:
        return default
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{name}={raw!r} is not an http(s) URL")
    return raw


def _env_base_url(name: str, default: str) -> str:
    """A service's root, to which the client appends its paths."""
    return _env_url(name, default).rstrip("/")


def _env_mailto(name: str) -> str | None:
    raw = _env(name)
    if raw is not None and not re.fullmatch(r"[^@\s/?&#]+@[^@\s/?&#]+\.[^@\s/?&#]+", raw):
        raise UsageError(f"{name}={raw!r} is not an e-mail address")
    return raw


def _env_pattern(name: str) -> str:
    raw = _env(name)
    if raw is None:
        return DEFAULT_PATTERN
    check_pattern(raw)
    return raw


def legacy_home() -> Path:
    """The per-user app dir that releases up to 0.1 kept the library in: click's
    ``get_app_dir("reading-list")``, without importing click. Where click would have given a
    relative path (an empty ``XDG_CONFIG_HOME`` or ``APPDATA``), that is, the working folder,
    the default base is used instead: a library is never picked up from wherever a command
    happens to run."""
    if sys.platform.startswith("win"):
        base = os.environ.get("APPDATA", "")
        return Path(base if os.path.isabs(base) else Path.home()) / APP_NAME
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_NAME
    base = os.environ.get("XDG_CONFIG_HOME", "")
    return Path(base if os.path.isabs(base) else Path.home() / ".config") / APP_NAME


def default_db_path() -> Path:
    """The platform's data dir; an earlier release's library stays where it is.

    It is used in place rather than moved: a move cannot be proven safe while another process
    (a second command, ``web``) may hold the file and its -wal/-shm open, and across file
    systems a rename is not atomic. Nothing is lost by leaving it.
    """
    import platformdirs

    # platformdirs >= 4.11.8 ignores empty and relative XDG_DATA_HOME values (XDG spec).
    current = platformdirs.user_data_path(APP_NAME, appauthor=False) / LIBRARY_FILE
    if not current.exists():
        legacy = legacy_home() / LIBRARY_FILE
        if legacy.exists():
            return legacy
    return current


def load_settings(db: Path | None = None) -> Settings:
    """Resolve every setting from the ``--db`` flag and the environment."""
    home = _env_path("READING_LIST_HOME")
    if db is None:
        db = _env_path("READING_LIST_DB")
    explicit = db is not None
    if db is None:
        db = home / LIBRARY_FILE if home is not None else default_db_path()
    cache = _env_path("READING_LIST_CACHE_DIR")
    if cache is None and home is not None:
        cache = home / "cache"
    return Settings(
        db_path=db,
        db_explicit=explicit,
        cache_override=cache,
        arxiv_url=_env_url("READING_LIST_ARXIV_URL", DEFAULT_ARXIV_URL),
        arxiv_delay=_env_number("READING_LIST_ARXIV_DELAY", DEFAULT_ARXIV_DELAY),
        timeout=_env_number("READING_LIST_ARXIV_TIMEOUT", DEFAULT_TIMEOUT, positive=True),
        retries=_env_count("READING_LIST_ARXIV_RETRIES", DEFAULT_RETRIES, most=MAX_RETRIES),
        cache_ttl=_env_number("READING_LIST_CACHE_TTL", DEFAULT_CACHE_TTL),
        max_backoff=_env_number("READING_LIST_MAX_BACKOFF", DEFAULT_MAX_BACKOFF),
        citekey_pattern=_env_pattern("READING_LIST_CITEKEY_PATTERN"),
        seeds_dir=_env_path("READING_LIST_SEEDS"),
        dblp_url=_env_base_url("READING_LIST_DBLP_URL", DEFAULT_DBLP_URL),
        dblp_delay=_env_number("READING_LIST_DBLP_DELAY", DEFAULT_DBLP_DELAY, most=MAX_DELAY),
        crossref_url=_env_base_url("READING_LIST_CROSSREF_URL", DEFAULT_CROSSREF_URL),
        crossref_delay=_env_number(
            "READING_LIST_CROSSREF_DELAY", DEFAULT_CROSSREF_DELAY, most=MAX_DELAY
        ),
        crossref_mailto=_env_mailto("READING_LIST_CROSSREF_MAILTO"),
        doi_url=_env_base_url("READING_LIST_DOI_URL", DEFAULT_DOI_URL),
        max_response_bytes=int(
            _env_number(
                "READING_LIST_MAX_RESPONSE_MB", DEFAULT_MAX_RESPONSE_MB, positive=True, most=1024
            )
            * 1024
            * 1024
        ),
        max_retry_sleep=_env_number(
            "READING_LIST_MAX_RETRY_SLEEP", DEFAULT_MAX_RETRY_SLEEP, most=3600
        ),
    )
