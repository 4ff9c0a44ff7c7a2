"""Models to text for people at a terminal, and to tab-separated lines for pipes: every word
a command shows is composed here. No I/O.

One rule for tables: at a terminal a table fits the width it is given (each column sized by
what it holds and how much it matters; see Grid), and piped it is tab-separated lines, one
per row, no header, no padding.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from reading_list.formats.tabular import tsv_line
from reading_list.status import Status

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import RenderableType

    from reading_list.models import (
        AddOutcome,
        BibImportReport,
        CheckReport,
        DoctorReport,
        EditResult,
        MergeReport,
        NextPick,
        PaperDetail,
        SourceLookup,
        Stats,
    )
    from reading_list.services.kept import KeptExport
    from reading_list.services.transfer import ExportResult
    from reading_list.works import Identity, WorkRecord
from reading_list.cli.screen import (
    Col,
    Grid,
    Screen,
    _lines,
    _plural,
    one_line,
    text_block,
    wide_table,
)

# A table is laid out whole in memory; a longer listing gets the lines a pipe gets.
TABLE_ROWS = 2000

# ---- papers --------------------------------------------------------------------------------


def short_authors(authors: Sequence[str], limit: int = 2) -> str:
    if not authors:
        return ""
    if len(authors) <= limit:
        return ", ".join(authors)
    return f"{', '.join(authors[:limit])} et al."


def _lead_author(first: str, count: int) -> str:
    """``Snell et al.``: the first author's family name, for a column that has little room."""
    if not first:
        return ""
    from reading_list.names import split_name

    family = split_name(first).family or first
    return family + (" et al." if count > 1 else "")


PAPER_COLUMNS = (
    Col("id", most=16, hang=True, style="cyan"),
    Col("status"),
    Col("year", right=True),
    Col("title", least=40, most=60, flex=True),
    Col("authors", least=10, most=18, drop=1),
    Col("tags", least=8, most=24, drop=2),
)


def papers_screen(rows: Sequence[Sequence[Any]], *, wide: bool = False) -> Screen:
    """Listing rows (id, status, year, title, first author, author count, tags): one line
    per paper, the title cut before it is squeezed; ``wide``: everything, wrapped."""
    cells = [
        [
            one_line(paper_id),
            str(status),
            str(year or ""),
            one_line(title),
            one_line(
                (first or "") + (" et al." if (count or 0) > 1 else "")
                if wide
                else _lead_author(first or "", count or 0)
            ),
            one_line((tags or "").replace(",", ", ")),
        ]
        for paper_id, status, year, title, first, count, tags in rows
    ]
    grid = Grid(PAPER_COLUMNS, cells)
    count = _plural(len(rows), "paper")
    hint = [] if wide or not rows else [f"{count} (--wide shows every column in full)"]
    return Screen(wide_table(grid) if wide else grid, hint or [count])


def paper_detail(d: PaperDetail) -> Screen:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    rows: list[tuple[str, str | None]] = [
        ("id", d.id),
        ("citekey", d.citekey),
        ("also cited as", ", ".join(d.aliases) or None),
        ("title", d.title),
        ("authors", ", ".join(d.authors)),
        ("published", d.published),
        ("updated", d.updated),
        ("version", f"v{d.version}" if d.version else None),
        ("categories", ", ".join(d.categories) or None),
        ("doi", d.doi),
        ("journal", d.journal_ref),
        ("comment", d.comment),
        ("url", d.url),
        ("pdf", d.pdf_url),
        ("status", d.status.value),
        ("priority", str(d.priority) if d.priority else None),
        ("rating", f"{d.rating}/5" if d.rating else None),
        ("tags", ", ".join(d.tags) or None),
        ("lists", ", ".join(f"{m.list} #{m.position}" for m in d.lists) or None),
        ("added", d.added_at),
        ("fetched", d.fetched_at),
    ]
    meta = Table.grid(padding=(0, 2))
    meta.add_column(style="dim", no_wrap=True)
    meta.add_column()
    plain = []
    for label, value in rows:
        if value:
            if label != "title":
                meta.add_row(label, Text(one_line(value)))
            plain.append(tsv_line([label, value]))
    parts: list[RenderableType] = [Text(one_line(d.title), style="bold"), meta]
    where, where_plain = _provenance(d.identities, {}, d.records, d.lookups)
    if where:
        parts += [Text(""), *where]
        plain += where_plain
    if d.abstract:
        parts += [Text("\nabstract", style="dim"), text_block(d.abstract)]
        plain.append(tsv_line(["abstract", d.abstract]))
    if d.events:
        parts.append(Text("\nstatus history", style="dim"))
        for e in d.events:
            version = f" (v{e.version})" if e.version else ""
            parts.append(Text(one_line(f"  {e.at}  {e.status.value}{version}")))
            plain.append(tsv_line(["event", e.at, e.status.value, str(e.version or "")]))
    if d.edits:
        parts.append(Text("\nedits", style="dim"))
        by_change: dict[tuple[str, str], list[str]] = {}
        for edit in d.edits:
            label = f"joined {edit.after}" if edit.field == "merged" else edit.field
            by_change.setdefault((edit.at, edit.how), []).append(label)
        for (at, how), fields in by_change.items():
            parts.append(Text(one_line(f"  {at}  {', '.join(fields)} ({how})")))
        plain += [tsv_line(["edit", x.at, x.how, x.field]) for x in d.edits]
    if d.notes:
        parts.append(Text("\nnotes (note --edit N / --delete N)", style="dim"))
        for n, note in enumerate(d.notes, 1):
            parts.append(text_block(f"  {n}. [{note.created_at}] {note.text}"))
            plain.append(tsv_line(["note", str(n), note.created_at, note.text]))
    return Screen(Group(*parts), plain=plain)


def _added_target(o: AddOutcome) -> str:
    return o.arxiv_id or o.paper_id or o.input


def outcome_line(o: AddOutcome) -> str:
    detail = o.title or o.message or ""
    typed = ", ".join(x for x in (o.work_type, o.venue) if x)
    if typed:
        detail += f" ({typed})"
    if o.title and o.message:
        detail += f"; {o.message}"
    return one_line(f"{o.outcome:<9} {_added_target(o)}  {detail}".rstrip())


def added(outcomes: Sequence[AddOutcome]) -> Screen:
    return Screen(
        _lines([outcome_line(o) for o in outcomes]),
        plain=[
            tsv_line([o.outcome, _added_target(o), o.title or o.message or ""]) for o in outcomes
        ],
    )


def status_set(paper_id: str, status: str) -> Screen:
    return Screen(notes=[f"{paper_id}: {status}"])


def tags_set(paper_id: str, tags: Sequence[str]) -> Screen:
    return Screen(notes=[f"{paper_id}: {', '.join(tags) or '(no tags)'}"])


def number_set(d: PaperDetail, field: str) -> Screen:
    if field == "rating":
        return Screen(notes=[f"{d.id}: rated {d.rating}/5" if d.rating else f"{d.id}: no rating"])
    return Screen(notes=[f"{d.id}: priority {d.priority}"])


def noted(d: PaperDetail, what: str) -> Screen:
    return Screen(notes=[f"{d.id}: {what}; {_plural(len(d.notes), 'note')}"])


def _shown_value(value: str | None) -> str:
    if value is None:
        return "(none)"
    text = one_line(value)
    return repr(text if len(text) <= 60 else text[:59] + "…")


def entry_edited(result: EditResult) -> Screen:
    """Each changed field, before -> after, on stdout; the summary on stderr."""
    lines = [
        f"{c.field}: {_shown_value(c.before)} -> {_shown_value(c.after)}" for c in result.changes
    ]
    count = len(result.changes)
    summary = (
        f"{result.citekey}: {_plural(count, 'field')} changed"
        if count
        else f"{result.citekey}: no change"
    )
    return Screen(_lines(lines), [summary, *result.notes])


def merged(report: MergeReport) -> Screen:
    """What joining B into A did (or would do): one line each on stdout, the summary on
    stderr."""
    would = "would be " if report.dry_run else ""
    lines = (
        [f"filled from {report.merged_citekey}: {', '.join(report.filled)}"]
        if report.filled
        else []
    )
    for c in report.conflicts:
        kept = report.citekey if c.kept == "first" else report.merged_citekey
        lines.append(
            f"conflict in {c.field}: {report.citekey} has {_shown_value(c.first)}, "
            f"{report.merged_citekey} {_shown_value(c.second)} ({kept}'s kept)"
        )
    if report.moved:
        moved = ", ".join(f"{n} {what}" for what, n in report.moved.items())
        lines.append(f"moved to {report.citekey}: {moved}")
    if report.taken:
        lines.append(f"taken from {report.merged_citekey}: {', '.join(report.taken)}")
    if report.alias:
        lines.append(f"{report.merged_citekey} {would}kept as an alias of {report.citekey}")
    done = "would be merged" if report.dry_run else "merged"
    summary = f"{report.merged} {done} into {report.into}" + (
        " (dry run: nothing changed)" if report.dry_run else ""
    )
    return Screen(_lines(lines), [summary])


def removal_question(d: PaperDetail) -> str:
    return f"Remove {d.id} ({one_line(d.title)}) with its notes and history?"


def removed(ids: Sequence[str]) -> Screen:
    return Screen(notes=[f"removed {', '.join(ids)}"])


def bulk_preview(rows: Sequence[Sequence[Any]], query: str, shown: int = 10) -> Screen:
    """What a bulk change is about to touch, on stderr (stdout stays for results)."""
    lines = [f"{_plural(len(rows), 'paper')} match {query!r}:"]
    for row in rows[:shown]:
        lines.append(one_line(f"  {row[0]}  {row[1]}  {row[3]}")[:100])
    if len(rows) > shown:
        lines.append(f"  ... and {len(rows) - shown} more")
    return Screen(notes=lines)


def bulk_question(template: str, count: int) -> str:
    """``template`` with "{}" where the number of papers goes: "Set {} to read?"."""
    return template.format(_plural(count, "paper"))


def bulk_done(doing: str, count: int) -> Screen:
    return Screen(notes=[f"{doing}: {_plural(count, 'paper')}"])


def _provenance(
    identities: Sequence[Identity],
    field_sources: dict[str, str],
    records: dict[str, WorkRecord],
    lookups: Sequence[SourceLookup],
) -> tuple[list[RenderableType], list[str]]:
    """A work's identities, its published version, the source of each field and the lookups
    still open: lines for people, and tab-separated lines for pipes."""
    from rich.text import Text

    parts: list[RenderableType] = []
    plain: list[str] = []
    if identities:
        parts.append(Text("identities", style="dim"))
        for i in identities:
            parts.append(Text(one_line(f"  {i.kind}: {i.value}  (from {i.source})")))
            plain.append(tsv_line(["identity", i.kind, i.value, i.source]))
    published = records.get("published")
    if published is not None:
        pages = published.fields.get("pages")
        year = str(published.year) if published.year else None
        where = ", ".join(x for x in (published.container, pages, year) if x)
        origin = f"{published.source}:{published.key}"
        parts.append(Text("published version", style="dim"))
        parts.append(Text(one_line(f"  {published.kind_label}: {where}  ({origin})")))
        plain.append(tsv_line(["published", published.kind_label, where, origin]))
    if field_sources:
        by_source: dict[str, list[str]] = {}
        for name, source in field_sources.items():
            by_source.setdefault(source, []).append(name)
        parts.append(Text("fields from", style="dim"))
        for source, names in by_source.items():
            parts.append(Text(one_line(f"  {source}: {', '.join(names)}")))
            plain.append(tsv_line(["fields-from", source, ",".join(names)]))
    for lookup in lookups:
        if lookup.state != "found":
            detail = f": {lookup.detail}" if lookup.detail else ""
            line = f"  {lookup.source} {lookup.purpose} lookup {lookup.state}{detail}"
            parts.append(Text(one_line(line)))
            plain.append(
                tsv_line(["lookup", lookup.source, lookup.purpose, lookup.state, lookup.detail])
            )
    return parts, plain


# ---- reading -------------------------------------------------------------------------------


def _bar(value: int, top: int, width: int = 30) -> str:
    if top <= 0:
        return ""
    full = value * width / top
    return "█" * int(full) + ("▌" if full - int(full) >= 0.5 else "")


def _read_and_skimmed(counts: dict[str, int]) -> tuple[int, int, int]:
    return counts.get(Status.READ, 0), counts.get(Status.SKIMMED, 0), sum(counts.values())


def stats_text(st: Stats) -> Screen:
    """A small terminal report with bar charts; tab-separated lines when piped."""
    lines = [f"{_plural(st.total, 'paper')}", "", "by status"]
    plain = [tsv_line(["papers", str(st.total)])]
    top = max(st.by_status.values(), default=0)
    for status, count in st.by_status.items():
        lines.append(f"  {status:<10} {count:>6}  {_bar(count, top)}")
        plain.append(tsv_line(["status", status, str(count)]))
    for title, kind, groups in (
        ("by list", "list", st.by_list),
        ("by topic", "topic", st.by_topic),
    ):
        if groups:
            lines += ["", f"{title} (read of all; skimmed counted apart)"]
            for name, counts in groups.items():
                read, skimmed, total = _read_and_skimmed(counts)
                also = f", {skimmed} skimmed" if skimmed else ""
                label = one_line(name)
                lines.append(
                    f"  {label:<28} {read:>4}/{total:<4} read{also:<13} {_bar(read, total, 20)}"
                )
                plain.append(tsv_line([kind, name, str(read), str(skimmed), str(total)]))
    if st.finished_per_week:
        lines += ["", "finished (read or skimmed) per week"]
        top = max(w.finished for w in st.finished_per_week)
        for week in st.finished_per_week[-12:]:
            lines.append(f"  {week.week}  {week.finished:>4}  {_bar(week.finished, top)}")
        plain += [tsv_line(["week", w.week, str(w.finished)]) for w in st.finished_per_week]
    lines += ["", f"to-read untouched for {st.stale_weeks}+ weeks: {len(st.stale)}"]
    lines += [f"  {paper_id}" for paper_id in st.stale[:10]]
    if len(st.stale) > 10:
        lines.append(f"  ... and {len(st.stale) - 10} more")
    plain += [tsv_line(["stale", paper_id]) for paper_id in st.stale]
    return Screen("\n".join(lines), plain=plain)


def checked(report: CheckReport) -> Screen:
    lines = []
    for item in report.changed:
        lines.append(one_line(f"{item.paper_id}  {item.title}"))
        for change in item.changes:
            detail = f"{change.old} -> {change.new}" if change.new is not None else ""
            lines.append(one_line(f"    {change.field}: {detail} {change.note}".rstrip()))
    if report.checked == 0 and report.selected:
        summary = f"nothing checked: arXiv did not answer for any of the {report.selected} paper(s)"
    else:
        summary = f"{report.checked} of {_plural(report.selected, 'paper')} checked"
    summary += f", {len(report.changed)} changed, {_plural(report.requests, 'arXiv request')}"
    if report.missing:
        summary += f"; arXiv no longer has {', '.join(report.missing)}"
    notes = [summary]
    venues = report.published
    if venues is not None:
        for link in venues.linked:
            lines.append(
                one_line(f"{link.paper_id}  published: {link.venue} {link.year or ''} ({link.key})")
            )
        notes.append(
            f"published versions: {len(venues.linked)} linked, {len(venues.none)} not in "
            f"dblp, {len(venues.pending)} pending, {_plural(venues.requests, 'dblp request')}"
        )
    return Screen(_lines(lines), notes)


def check_warnings(report: CheckReport) -> list[str]:
    """What failed in a secondary source (shown in both modes): a warning, never the
    command's failure."""
    venues = report.published
    if venues is None or not venues.unavailable:
        return []
    return [
        f"warning: {venues.unavailable}; {len(venues.pending)} lookup(s) kept for the next check"
    ]


def next_pick(pick: NextPick) -> Screen:
    if pick.paper is None:
        return Screen(notes=[pick.reason])
    return Screen(
        one_line(f"{pick.paper.id}  {pick.paper.title}"),
        [f"why: {pick.reason}; {pick.queue} paper(s) in the queue"],
    )


def linked(paper_id: str, after_id: str) -> Screen:
    return Screen(notes=[f"{paper_id} comes after {after_id}"])


def unlinked(ref: str, other: str) -> Screen:
    return Screen(notes=[f"{ref} no longer waits for {other}"])


# ---- transfer ------------------------------------------------------------------------------


def exported(result: ExportResult, output: Path | None, *, kept: bool = False) -> Screen:
    notes = [f"warning: {w}" for w in result.warnings]
    if output is not None:
        notes.append(f"{result.count} entr{'y' if result.count == 1 else 'ies'}")
    if kept:
        notes.append(f"kept in sync: every change to these entries rewrites {output}")
    return Screen(notes=notes)


def kept_exports(kept: Sequence[KeptExport]) -> Screen:
    if not kept:
        return Screen(notes=["no file is kept in sync; `export -o FILE --keep` keeps one"])
    rows = [[str(k.number), k.path, k.format, _kept_selection(k), k.written_at] for k in kept]
    cols = [
        Col("N", right=True),
        Col("file", flex=True, least=20),
        Col("format"),
        Col("entries", least=10),
        Col("written"),
    ]
    return Screen(Grid(cols, rows))


def _kept_selection(kept: KeptExport) -> str:
    parts = [
        f"{name}={','.join(map(str, value)) if isinstance(value, list) else value}"
        for name, value in kept.selection.items()
        if name != "sort"
    ]
    if kept.cited_only:
        parts.append(f"cited in {kept.cited_only}")
    if kept.prefer != "published":
        parts.append(f"prefer={kept.prefer}")
    if not kept.keywords:
        parts.append("no keywords")
    return ", ".join(parts) or "all"


def kept_removed(kept: KeptExport) -> Screen:
    return Screen(notes=[f"{kept.path} is no longer kept in sync (the file stays)"])


def bib_imported(report: BibImportReport, source: Path | str, *, fetched: bool) -> Screen:
    notes = [f"{source}:{failed.line}: skipped: {failed.reason}" for failed in report.failed]
    for merge in report.merged:
        done = [
            *(["its fields stored"] if merge.record else []),
            *([f"filled {', '.join(merge.filled)}"] if merge.filled else []),
            *([f"{merge.key} kept as an alias"] if merge.alias else []),
        ]
        where = f"{source}:{merge.line}: {merge.key}"
        notes.append(
            f"{where}: merged into {merge.citekey}" + (f" ({'; '.join(done)})" if done else "")
        )
        notes += [
            f"{where}: conflict in {c.field}: the library has {one_line(c.library)!r}, "
            f"the file {one_line(c.file)!r} (the library's kept)"
            for c in merge.conflicts
        ]
    conflicts = sum(len(m.conflicts) for m in report.merged)
    notes.append(
        f"{report.added} arXiv and {report.manual} manual entries added, "
        f"{report.exists} already present ({len(report.merged)} merged, {conflicts} "
        f"conflict{'' if conflicts == 1 else 's'}), {len(report.failed)} unreadable"
        + (f", {report.refreshed} refreshed from arXiv" if fetched else "")
    )
    return Screen(notes=notes)


def bibtex_added(report: BibImportReport, source: str) -> Screen:
    """Pasted entries: the citekeys added on stdout, what was merged on stderr."""
    imported = bib_imported(report, source, fetched=False)
    return Screen(_lines(report.added_keys), imported.notes)


def restored(counts: dict[str, int]) -> Screen:
    done = ", ".join(f"{n} {kind}(s)" for kind, n in counts.items() if n)
    return Screen(notes=[done or "nothing restored"])


REKEY_QUESTION = "Citekeys in your documents may break. Rekey?"


def rekeyed(changes: Sequence[tuple[str, str, str]]) -> Screen:
    lines = [f"{paper_id}\t{old}\t{new}" for paper_id, old, new in changes]
    return Screen(_lines(lines), [f"{len(changes)} key(s) changed"])


# ---- maintenance ---------------------------------------------------------------------------


def _finding_line(check: str, message: str, ids: Sequence[str]) -> str:
    shown = f": {', '.join(ids[:8])}" if ids else ""
    more = f" (+{len(ids) - 8} more)" if len(ids) > 8 else ""
    return one_line(f"{check}: {message}{shown}{more}")


def diagnosed(report: DoctorReport) -> Screen:
    lines = [f"fixed: {_finding_line(f.check, f.message, f.ids)}" for f in report.fixed]
    for f in report.findings:
        if report.fix_tried:
            lines.append(f"left:  {_finding_line(f.check, f.message, f.ids)}")
        else:
            hint = " (--fix mends this)" if f.fixable else ""
            lines.append(_finding_line(f.check, f.message, f.ids) + hint)
    if report.fix_tried:
        summary = (
            f"{_plural(len(report.fixed), 'problem')} fixed, "
            f"{len(report.findings)} left (checked again after fixing)"
        )
    else:
        summary = "no problems found" if not report.findings else ""
    return Screen(_lines(lines), [summary] if summary else [])


def initialised(path: Path, created: bool) -> Screen:
    if created:
        return Screen(notes=[f"created an empty library at {path}"])
    return Screen(notes=[f"a library is already at {path}; nothing changed"])


def serving(db_path: Path, port: int) -> Screen:
    return Screen(notes=[f"serving {db_path} on http://127.0.0.1:{port}/ (Ctrl-C stops)"])
