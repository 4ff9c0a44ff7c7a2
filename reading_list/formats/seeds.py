"""Curated seed lists: the documented file format (services/seeds.py finds and reads them).

A seed file is JSON (``seeds/<name>.json``)::

    {
      "format": 1,
      "name": "google-brain-ama-2017",          # the list's name, same as the file stem
      "title": "...", "description": "...",
      "source": {"title": ..., "publisher": ..., "original": ..., "language": "zh", "year": 2017},
      "curated_on": "YYYY-MM-DD", "curation": "how the hints and ids were checked",
      "items": [                                # one per cited work, in the article's order
        {"n": 1, "cited_as": "how the text names it", "speaker": "...", "topic": "...",
         "explicit": true, "context": "the quoted sentence from the source",
         "title_hint": "full title", "authors_hint": "...", "year_hint": 2017,
         "arxiv_ids": ["1703.05175"],           # curated ids; empty -> resolved from the hints
         "manual": {"title", "authors", "year", "venue", "url", "note"} | null,  # not on arXiv
         "skip": "why this is not a work" | null, "note": "curator's caveat" | null}
      ],
      "papers": [ArxivRecord, ...]               # metadata shipped for offline use
    }
"""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from reading_list.errors import InvalidInput
from reading_list.identifiers import parse_arxiv_id
from reading_list.models import ArxivRecord


class SeedSource(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    publisher: str | None = None
    original: str | None = None
    url: str | None = None
    language: str | None = None
    year: int | None = None


class ManualWork(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1)
    authors: list[str] = Field(default_factory=list)
    year: int | None = None
    venue: str | None = None
    url: str | None = None
    note: str | None = None


class SeedItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    n: int = Field(ge=1)
    cited_as: str = Field(min_length=1)
    speaker: str = ""
    topic: str | None = None
    explicit: bool = False
    context: str | None = None
    title_hint: str | None = None
    authors_hint: str = ""
    year_hint: int | None = None
    arxiv_ids: list[str] = Field(default_factory=list)
    manual: ManualWork | None = None
    skip: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _one_target(self) -> SeedItem:
        for raw in self.arxiv_ids:
            ident = parse_arxiv_id(raw)
            if ident.id != raw:
                raise ValueError(f"arxiv id {raw!r} must be unversioned and bare ({ident.id})")
        targets = sum([bool(self.arxiv_ids), self.manual is not None, self.skip is not None])
        if targets > 1:
            raise ValueError("an item has arxiv_ids, manual or skip, not several")
        return self


class SeedList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: int = Field(1, ge=1, le=1)
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    title: str
    description: str | None = None
    source: SeedSource
    curated_on: str | None = None
    curation: str | None = None
    items: list[SeedItem]
    papers: list[ArxivRecord] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> SeedList:
        numbers = [i.n for i in self.items]
        if len(set(numbers)) != len(numbers):
            raise ValueError("item numbers repeat")
        shipped = {p.arxiv_id for p in self.papers}
        for item in self.items:
            missing = [i for i in item.arxiv_ids if i not in shipped]
            if missing:
                raise ValueError(f"item {item.n}: no shipped metadata for {', '.join(missing)}")
        return self


def describe_validation_error(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(x) for x in err["loc"]) or "(top)"
        parts.append(f"{where}: {err['msg']}")
    more = f" (+{exc.error_count() - 5} more)" if exc.error_count() > 5 else ""
    return "; ".join(parts) + more


def parse_seed(text: str, *, name: str, source: str) -> SeedList:
    """A seed file's text as a validated SeedList; ``name`` is what the file is called (a
    seed names itself the same), ``source`` where it came from, for error messages."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{source}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    try:
        seed = SeedList.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(f"{source}: {describe_validation_error(exc)}") from None
    if seed.name != name:
        raise InvalidInput(f"{source}: name {seed.name!r} differs from the file name")
    return seed
