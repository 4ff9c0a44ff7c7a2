"""Use cases for lists once they exist: why a paper is on one, review (settling what stayed
unresolved), summaries, and renaming or removing lists and items."""

from __future__ import annotations

from typing import Literal

from reading_list.errors import InvalidIdentifier, InvalidInput, NotFound
from reading_list.formats.seeds import ManualWork
from reading_list.identifiers import parse_arxiv_id
from reading_list.models import (
    ArxivRecord,
    ListItem,
    ListSummary,
    Provenance,
)
from reading_list.services.library import Library, now, require_paper_id
from reading_list.services.lists import add_manual_entry, cited_work, ensure_record, tag_paper

# ---- why / review / lists ------------------------------------------------------------------


def why(lib: Library, ref: str) -> Provenance:
    """How a paper got here: its identities and the source of each field, the published
    version found for it, open lookups, and how each list cited it (method, score, queries)."""
    from reading_list.services.scholarly import provenance

    return provenance(lib, require_paper_id(lib, ref))


def unresolved(lib: Library, list_name: str | None) -> list[ListItem]:
    if list_name is not None and not lib.store.lists.exists(list_name):
        raise NotFound(f"no list named {list_name!r}")
    return lib.store.lists.items(list_name, unresolved_only=True)


def _one_item(lib: Library, list_name: str, position: int) -> ListItem:
    items = lib.store.lists.items(list_name, position=position)
    if not items:
        raise NotFound(f"list {list_name!r} has no item {position}")
    return items[0]


def _settle(lib: Library, item: ListItem, paper_id: str, state: str, at: str) -> ListItem:
    """Point ``item`` (all its parts) at one paper, which gets the tags of the item's
    section; call inside a write transaction."""
    lib.store.lists.delete_items(item.list, item.position)
    settled = item.model_copy(
        update={"state": state, "paper_id": paper_id, "method": "manual", "part": 0}
    )
    lib.store.lists.save_item(settled, at)
    tag_paper(lib, paper_id, item.section_tags or [item.topic or ""])
    return _one_item(lib, item.list, item.position)


def accept(lib: Library, list_name: str, position: int, arxiv_ref: str) -> ListItem:
    """Settle an item by hand with an arXiv id (a candidate's or one the user typed)."""
    item = _one_item(lib, list_name, position)
    arxiv_id = parse_arxiv_id(arxiv_ref).id
    records: list[ArxivRecord] = []
    if not lib.store.papers.existing_arxiv_ids([arxiv_id]):
        for batch in lib.client.fetch_ids([arxiv_id]):
            records.extend(batch.records)
        if not records:
            raise NotFound(f"arXiv has no paper {arxiv_id}")
    at = now()
    with lib.store.write():
        for record in records:
            ensure_record(lib, record, at)
        return _settle(lib, item, arxiv_id, "resolved", at)


def point_at(lib: Library, list_name: str, position: int, ref: str) -> ListItem:
    """Settle an item on a paper already in the library (an arXiv paper or a manual entry)."""
    item = _one_item(lib, list_name, position)
    paper_id = require_paper_id(lib, ref)
    paper = lib.store.papers.get(paper_id)
    state = "manual" if paper is not None and paper.kind == "manual" else "resolved"
    with lib.store.write():
        return _settle(lib, item, paper_id, state, now())


def manual_defaults(item: ListItem) -> ManualWork:
    """What a manual entry for ``item`` would hold, offered as the answers' defaults."""
    return cited_work(item.cited_as, item.authors_hint, item.year_hint, None)


def mark_not_on_arxiv(
    lib: Library,
    list_name: str,
    position: int,
    *,
    url: str | None = None,
    title: str | None = None,
    authors: list[str] | None = None,
    year: int | None = None,
) -> ListItem:
    """Settle an item as a manual entry; what is not given comes from the citation."""
    item = _one_item(lib, list_name, position)
    cited = cited_work(item.cited_as, item.authors_hint, item.year_hint, url)
    work = ManualWork(
        title=(title or "").strip() or cited.title,
        authors=cited.authors if authors is None else authors,
        year=cited.year if year is None else year,
        url=url or None,
    )
    at = now()
    with lib.store.write():
        return _settle(lib, item, add_manual_entry(lib, work, at), "manual", at)


def _candidate(item: ListItem, answer: str) -> str | None:
    """A candidate's number (1, 2, ...) stands for its arXiv id."""
    if answer.isdigit() and 1 <= int(answer) <= len(item.candidates):
        return item.candidates[int(answer) - 1].arxiv_id
    return None


def settle_with(lib: Library, item: ListItem, answer: str) -> ListItem:
    """Settle ``item`` as ``answer`` says: a candidate's number, a paper already in the
    library (id, arXiv id or citekey), or any arXiv id. Anything else is explained."""
    answer = answer.strip()
    if chosen := _candidate(item, answer):
        return accept(lib, item.list, item.position, chosen)
    if lib.store.papers.find_id(answer) is not None:
        return point_at(lib, item.list, item.position, answer)
    try:
        return accept(lib, item.list, item.position, answer)
    except InvalidIdentifier:
        pass
    if answer.isdigit():
        numbers = f"1-{len(item.candidates)}" if item.candidates else "none: it has no candidates"
        raise InvalidInput(f"{answer} is not a candidate's number ({numbers})")
    raise InvalidInput(f"{answer!r} is not an arXiv id, nor a paper in your library")


def settle_item(
    lib: Library,
    list_name: str,
    position: int,
    answer: str | None,
    *,
    url: str | None = None,
    title: str | None = None,
    authors: list[str] | None = None,
    year: int | None = None,
) -> ListItem:
    """Settle one item by hand: as ``answer`` (see settle_with), or without one as a manual
    entry (title, authors, year and URL default to the citation's)."""
    if answer is None:
        return mark_not_on_arxiv(
            lib, list_name, position, url=url, title=title, authors=authors, year=year
        )
    return settle_with(lib, _one_item(lib, list_name, position), answer)


def review_answer(
    lib: Library, item: ListItem, answer: str
) -> ListItem | Literal["skip", "quit", "manual"]:
    """Act on one answer of the interactive review: ``q`` ends it, ``s`` or nothing skips
    the item, ``n`` asks for a manual entry (the caller asks for its fields), and anything
    else settles it (see settle_with)."""
    answer = answer.strip()
    if answer.lower() == "q":
        return "quit"
    if answer.lower() == "s" or not answer:
        return "skip"
    if answer.lower() == "n":
        return "manual"
    return settle_with(lib, item, answer)


def list_summaries(lib: Library) -> list[ListSummary]:
    return lib.store.lists.summaries()


# ---- managing lists ------------------------------------------------------------------------


def _require_list(lib: Library, name: str) -> None:
    if not lib.store.lists.exists(name):
        known = ", ".join(s.name for s in lib.store.lists.summaries()) or "none yet"
        raise NotFound(f"no list named {name!r} (lists: {known})")


def rename_list(lib: Library, old: str, new: str) -> str:
    """Rename a list; its items, their order and resolutions stay as they are."""
    _require_list(lib, old)
    new = new.strip()
    if not new:
        raise InvalidInput("a list needs a name")
    if new != old and lib.store.lists.exists(new):
        raise InvalidInput(f"there is a list named {new!r} already")
    lib.store.lists.rename(old, new)
    return new


def papers_leaving_with(lib: Library, name: str) -> list[str]:
    """The papers removing list ``name`` would remove too: those on no other list."""
    _require_list(lib, name)
    return lib.store.lists.papers_only_on(name)


def remove_list(lib: Library, name: str, *, keep_papers: bool) -> tuple[int, int]:
    """Remove a list and its items; the papers on no other list go too unless
    ``keep_papers``. Returns (items removed, papers removed)."""
    _require_list(lib, name)
    with lib.store.write():
        summary = next(s for s in lib.store.lists.summaries() if s.name == name)
        leaving = [] if keep_papers else lib.store.lists.papers_only_on(name)
        lib.store.papers.delete_many(leaving)
        lib.store.lists.delete(name)
    return summary.items, len(leaving)


def remove_item(lib: Library, name: str, item: str) -> list[int]:
    """Take an item off a list, by its number or by the paper it settled on (id, citekey);
    the paper stays in the library. Returns the item numbers removed."""
    _require_list(lib, name)
    if item.strip().isdigit():
        positions = [_one_item(lib, name, int(item)).position]
    else:
        paper_id = require_paper_id(lib, item)
        positions = lib.store.lists.positions_of(name, paper_id)
        if not positions:
            raise NotFound(f"{paper_id} is not on list {name!r}")
    with lib.store.write():
        for position in positions:
            lib.store.lists.delete_items(name, position)
    return positions
