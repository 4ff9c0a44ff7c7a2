"""The context every use case runs in: settings, the store and the sources, opened on demand."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from reading_list.citekeys import DEFAULT_PATTERN
from reading_list.config import Settings, load_settings
from reading_list.errors import InvalidIdentifier, NotFound
from reading_list.identifiers import parse_arxiv_id

if TYPE_CHECKING:
    from reading_list.sources.arxiv import ArxivClient
    from reading_list.sources.crossref import CrossrefClient
    from reading_list.sources.dblp import DblpClient
    from reading_list.store import Store


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ignore(_message: str) -> None:
    return None


@dataclass
class Library:
    """What every use case needs: settings, the store and the sources, opened on demand."""

    settings: Settings
    on_message: Callable[[str], None] = _ignore
    citekey_pattern: str = DEFAULT_PATTERN
    # Whether this command may create the library: only the ones that put papers in it (and
    # `init`) do; the rest report that there is none yet.
    create: bool = False
    _store: Store | None = field(default=None, repr=False)
    _client: ArxivClient | None = field(default=None, repr=False)
    _dblp: DblpClient | None = field(default=None, repr=False)
    _crossref: CrossrefClient | None = field(default=None, repr=False)

    @classmethod
    def open(
        cls,
        db: Path | None = None,
        on_message: Callable[[str], None] = _ignore,
        *,
        create: bool = False,
    ) -> Library:
        """The library's context; nothing is opened yet. A path given by name (``--db``,
        READING_LIST_DB) whose folder does not exist is a mistake for every command: a typo
        must not leave folders and an empty library behind."""
        settings = load_settings(db)
        folder = settings.db_path.parent
        if settings.db_explicit and not folder.is_dir():
            raise NotFound(
                f"no folder {folder} for the library {settings.db_path}: create the folder "
                "first, or check the path"
            )
        return cls(
            settings,
            on_message=on_message,
            citekey_pattern=settings.citekey_pattern,
            create=create,
        )

    @property
    def store(self) -> Store:
        if self._store is None:
            from reading_list.store import open_db

            self._store = open_db(self.settings.db_path, create=self.create)
        return self._store

    @property
    def client(self) -> ArxivClient:
        if self._client is None:
            from reading_list.sources.arxiv import ArxivClient

            self._client = ArxivClient(self.settings, on_wait=self.on_message)
        return self._client

    @property
    def dblp(self) -> DblpClient:
        if self._dblp is None:
            from reading_list.sources.dblp import DblpClient

            self._dblp = DblpClient(self.settings, on_wait=self.on_message)
        return self._dblp

    @property
    def crossref(self) -> CrossrefClient:
        if self._crossref is None:
            from reading_list.sources.crossref import CrossrefClient

            self._crossref = CrossrefClient(self.settings, on_wait=self.on_message)
        return self._crossref

    def requests_by_source(self) -> dict[str, int]:
        """Requests sent so far to each source this run opened."""
        counts = {"arxiv": self._client.requests_sent if self._client else 0}
        counts["dblp"] = self._dblp.requests_sent if self._dblp else 0
        counts["crossref"] = self._crossref.requests_sent if self._crossref else 0
        return counts

    def close(self) -> None:
        """Done with the library: the files kept in sync with it are brought up to date
        (services/kept.py), then it is closed."""
        if self._store is None:
            return
        try:
            if self._kept_behind():
                from reading_list.services.kept import sync

                sync(self)
        finally:
            self._store.close()
            self._store = None

    def _kept_behind(self) -> bool:
        from reading_list.errors import ReadingListError

        store = self.store
        if store.sql.access.read_only is not None or store.sql.access.newer is not None:
            return False
        try:
            return store.exports.any_behind()
        except ReadingListError:
            return False


def create_library(lib: Library) -> bool:
    """Make sure the library exists (``lib`` opened with ``create``); True if it is new."""
    from reading_list.store import library_exists

    existed = library_exists(lib.settings.db_path)
    lib.store.papers.count()
    return not existed


def require_paper_id(lib: Library, ref: str) -> str:
    """The stored id for an arXiv id (any form), a manual id or a citekey."""
    paper_id = lib.store.papers.find_id(ref.strip())
    if paper_id is None:
        try:
            paper_id = lib.store.papers.find_id(parse_arxiv_id(ref).id)
        except InvalidIdentifier:
            paper_id = None
    if paper_id is None:
        raise NotFound(f"{ref!r} is not on your list")
    return paper_id
