"""Use cases that keep a list alive: check for news on arXiv, pick what to read next, stats."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from reading_list.errors import InvalidInput, SourceUnavailable
from reading_list.metadata import PaperMetadata
from reading_list.models import (
    Change,
    CheckItem,
    CheckReport,
    NextPick,
    Paper,
    Stats,
    WeekCount,
)
from reading_list.services.library import Library, now, require_paper_id
from reading_list.services.papers import check_filter

if TYPE_CHECKING:
    from reading_list.selection import PaperFilter

_ACCEPTED = re.compile(
    r"\b(accepted|to appear|published|camera[- ]ready|proceedings of|in press)\b", re.IGNORECASE
)


# ---- check ---------------------------------------------------------------------------------


def _changes(lib: Library, paper: Paper, new: PaperMetadata) -> list[Change]:
    changes: list[Change] = []
    read_version = lib.store.reading.last_version_read(paper.id)
    new_version = new.version
    if new_version is not None and new_version > (read_version or paper.version or 0):
        note = f"you read v{read_version}" if read_version else f"stored v{paper.version or '?'}"
        old = read_version or paper.version
        changes.append(Change(field="version", old=old, new=new_version, note=note))
    if new.title and new.title != paper.title:
        changes.append(Change(field="title", old=paper.title, new=new.title))
    if new.abstract and new.abstract != paper.abstract:
        changes.append(Change(field="abstract", note="the abstract changed"))
    for name in ("journal_ref", "doi"):
        value = getattr(new, name)
        if value and value != getattr(paper, name):
            changes.append(
                Change(field=name, old=getattr(paper, name), new=str(value), note="published")
            )
    comment = new.comment
    if comment and comment != paper.comment:
        accepted = bool(_ACCEPTED.search(str(comment)))
        changes.append(
            Change(
                field="comment",
                old=paper.comment,
                new=str(comment),
                note="accepted / published" if accepted else "",
            )
        )
    return changes


def check(
    lib: Library,
    flt: PaperFilter,
    *,
    published: bool = True,
    on_progress: Callable[[int, int, str], None] | None = None,
) -> CheckReport:
    """Re-fetch the selection's arXiv metadata (batched; cached within the TTL), store it, and
    report what moved since it was stored or read; then (``published``) look up in dblp the
    venue version of every preprint not linked yet. The two sources fail independently."""
    flt = check_filter(lib, flt)
    papers = {p.arxiv_id: p for p in lib.store.papers.iter(flt) if p.arxiv_id}
    report = CheckReport(checked=0, selected=len(papers), changed=[])
    sent_before = lib.client.requests_sent
    seen: set[str] = set()
    try:
        for batch in lib.client.fetch_ids(list(papers)):
            at = now()
            with lib.store.write():
                for record in batch.records:
                    paper = papers[record.arxiv_id]
                    seen.add(record.arxiv_id)
                    metadata = PaperMetadata.from_arxiv(record)
                    changes = _changes(lib, paper, metadata)
                    lib.store.papers.refresh(paper.id, metadata, fetched_at=at)
                    if changes:
                        report.changed.append(
                            CheckItem(paper_id=paper.id, title=record.title, changes=changes)
                        )
            report.missing += batch.missing + list(batch.unreadable)
    except SourceUnavailable as exc:
        report.unavailable = f"{exc}; {len(papers) - len(seen)} paper(s) not checked"
    report.checked = len(seen)
    report.requests = lib.client.requests_sent - sent_before
    if published:
        from reading_list.services.scholarly import link_published

        current = [lib.store.papers.get(p.id) or p for p in papers.values()]
        report.published = link_published(lib, current, on_progress or _no_progress)
    return report


def _no_progress(_done: int, _total: int, _label: str) -> None:
    return None


# ---- reading order and next ----------------------------------------------------------------


def link_after(lib: Library, ref: str, other: str) -> tuple[str, str]:
    """Record that ``ref`` is to be read after ``other``."""
    paper_id, after_id = require_paper_id(lib, ref), require_paper_id(lib, other)
    if paper_id == after_id:
        raise InvalidInput("a paper cannot come after itself")
    if paper_id in lib.store.reading.prerequisites(after_id):
        raise InvalidInput(f"{after_id} already comes after {paper_id}: that would be a cycle")
    lib.store.reading.link(paper_id, after_id, now())
    return paper_id, after_id


def unlink_after(lib: Library, ref: str, other: str) -> None:
    paper_id, after_id = require_paper_id(lib, ref), require_paper_id(lib, other)
    lib.store.reading.unlink(paper_id, after_id)


def _age(since: str, today: datetime) -> int:
    try:
        then = datetime.fromisoformat(since.replace("Z", "+00:00"))
    except ValueError:
        return 0
    return max(0, (today - then).days)


def next_paper(lib: Library, list_name: str | None = None) -> NextPick:
    """The paper to read next, deterministically: one you are reading, then the highest
    priority, then the earliest on the list, then the longest in the queue; never one whose
    "read after" prerequisite is unread."""
    if list_name is not None and not lib.store.lists.exists(list_name):
        from reading_list.errors import NotFound

        raise NotFound(f"no list named {list_name!r}")
    rows = lib.store.reading.queue(list_name)
    blocked = {r.id: list(r.blocked_by) for r in rows if r.blocked_by}
    ready = [r for r in rows if not r.blocked_by]
    if not ready:
        reason = "nothing left to read" if not rows else "every unread paper waits for another"
        return NextPick(paper=None, reason=reason, queue=len(rows), blocked=blocked)
    far = 1 << 30
    ready.sort(
        key=lambda r: (
            r.status != "reading",
            -r.priority,
            r.position if r.position is not None else far,
            r.added_at,
            r.id,
        )
    )
    pick = ready[0]
    today = datetime.now(UTC)
    if pick.status == "reading":
        reason = f"you are reading it (since {pick.status_changed_at or pick.added_at})"
    elif len(ready) > 1 and pick.priority > ready[1].priority:
        reason = f"highest priority ({pick.priority})"
    elif pick.position is not None and list_name is not None:
        reason = f"first unread item on {list_name} (#{pick.position})"
    else:
        days = _age(pick.added_at, today)
        reason = f"longest in the queue ({days} day{'s' if days != 1 else ''})"
    if lib.store.reading.prerequisites(pick.id):
        reason += "; what it builds on is read"
    paper = lib.store.papers.get(pick.id)
    return NextPick(paper=paper, reason=reason, queue=len(rows), blocked=blocked)


# ---- stats ---------------------------------------------------------------------------------


def stats(lib: Library, stale_weeks: int = 8) -> Stats:
    if stale_weeks < 1:
        raise InvalidInput("--stale-weeks must be at least 1")
    before = (datetime.now(UTC) - timedelta(weeks=stale_weeks)).strftime("%Y-%m-%dT%H:%M:%SZ")
    reading = lib.store.reading
    by_status = reading.status_counts()
    return Stats(
        total=sum(by_status.values()),
        by_status=dict(sorted(by_status.items())),
        by_list=reading.status_counts_by_list(),
        by_topic=reading.status_counts_by_topic(),
        finished_per_week=[WeekCount(week=w, finished=n) for w, n in reading.finished_per_week()],
        stale_weeks=stale_weeks,
        stale=reading.stale_to_reads(before),
    )
