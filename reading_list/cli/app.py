"""Command line: parse, call one service function, render, map errors to exit codes.

Exit codes: 0 ok, 1 user or data error, 2 usage error, 3 arXiv unavailable (try again later).
Heavy modules (pydantic, sqlite-utils, requests, arxiv) are imported inside commands so that
``--help`` and ``--version`` stay instant.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from reading_list import __version__
from reading_list.cli import views
from reading_list.formats import tabular

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from reading_list.services.library import Library

EXIT_CODES_HELP = (
    "Exit codes: 0 ok, 1 user or data error, 2 usage error, 3 arXiv unavailable (retry later)."
)

app = typer.Typer(
    name="reading-list",
    help="Turn the papers a text cites into a tracked, searchable, citable reading list.\n\n"
    + EXIT_CODES_HELP,
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

_state: dict[str, Any] = {"db": None}
F = TypeVar("F", bound=Callable[..., Any])


def _stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def _stdout() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def say(message: str) -> None:
    """A diagnostic for people: stderr, so that pipes stay clean."""
    sys.stderr.write(message.rstrip("\n") + "\n")
    sys.stderr.flush()


def emit(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def show(renderable: RenderableType) -> None:
    _stdout().print(renderable)


def present(data: Any, as_json: bool, view: Callable[[Any], RenderableType]) -> None:
    """The one output switch: JSON for scripts, a rich view for people."""

    if as_json:
        emit(tabular.to_json(data))
    else:
        show(view(data))


@contextmanager
def library() -> Iterator[Library]:
    from reading_list.services.library import Library

    lib = Library.open(_state["db"], on_message=say)
    try:
        yield lib
    finally:
        lib.close()


def command(*names: str, **kwargs: Any) -> Callable[[F], F]:
    """Register a command whose project errors become one line on stderr and an exit code."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kw: Any) -> Any:
            from reading_list.errors import ReadingListError

            try:
                return fn(*args, **kw)
            except ReadingListError as exc:
                say(f"error: {exc}")
                raise typer.Exit(exc.exit_code) from None
            except KeyboardInterrupt:
                say("interrupted; everything finished so far is saved")
                raise typer.Exit(130) from None

        app.command(*names, **kwargs)(wrapper)
        return fn

    return decorate


def _version(value: bool) -> None:
    if value:
        emit(f"reading-list {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="Library database file (default: $READING_LIST_DB, else the per-user data dir).",
            dir_okay=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    _state["db"] = db


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON with stable keys.")]


def _read_inputs(values: list[str], from_file: Path | None) -> list[str]:
    items = [v for v in values if v != "-"]
    if "-" in values:
        items += sys.stdin.read().split()
    if from_file is not None:
        try:
            text = from_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            from reading_list.errors import InvalidInput

            raise InvalidInput(f"cannot read {from_file}: {exc}") from None
        items += [
            line.split("#", 1)[0].strip()
            for line in text.splitlines()
            if line.split("#", 1)[0].strip()
        ]
    return items


@command("add")
def add_cmd(
    ids: Annotated[
        list[str] | None,
        typer.Argument(
            help="arXiv ids or URLs, DOIs (any form), dblp keys or URLs, OpenReview forums, "
            "ACL Anthology or proceedings links; '-' reads them from stdin."
        ),
    ] = None,
    from_file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Read ids from a file, one per line.")
    ] = None,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Re-fetch metadata of papers already stored.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Add papers by arXiv id or URL (one batched request), and other works by DOI, dblp
    key, OpenReview forum or proceedings link (from Crossref / doi.org and dblp).

    Example: reading-list add 1703.05175 10.1162/neco.1997.9.8.1735 conf/nips/SnellSZ17
    """
    from reading_list.errors import SourceUnavailable, UsageError
    from reading_list.services.papers import add_papers

    inputs = _read_inputs(ids or [], from_file)
    if not inputs:
        raise UsageError("give at least one identifier, '-' for stdin, or --file")
    with library() as lib:
        report = add_papers(lib, inputs, refresh=refresh)
    if as_json:
        emit(tabular.to_json(report.outcomes))
    else:
        for outcome in report.outcomes:
            emit(views.outcome_line(outcome))
    if report.unavailable:
        raise SourceUnavailable(report.unavailable)
    if any(o.outcome in ("invalid", "not-found") for o in report.outcomes):
        raise typer.Exit(1)


def _paper_filter(
    *,
    ids: list[str] | None = None,
    status: list[str] | None,
    tag: list[str] | None,
    list_name: str | None,
    query: str | None = None,
    since: str | None = None,
    sort: str = "added",
    reverse: bool = False,
    limit: int | None = None,
) -> Any:
    from reading_list.errors import UsageError
    from reading_list.selection import SORT_KEYS, PaperFilter

    if sort not in SORT_KEYS:
        raise UsageError(f"unknown sort key {sort!r}; use one of: {', '.join(SORT_KEYS)}")
    return PaperFilter(
        ids=ids or (),
        statuses=[s.strip().lower() for s in status or []],
        tags=[t.strip().lower() for t in tag or []],
        list_name=list_name,
        query=query,
        since=since,
        sort=sort,
        reverse=reverse,
        limit=limit,
    )


StatusOpt = Annotated[
    list[str] | None, typer.Option("--status", "-s", help="Only papers with this status.")
]
TagOpt = Annotated[list[str] | None, typer.Option("--tag", "-t", help="Only papers with this tag.")]
ListOpt = Annotated[str | None, typer.Option("--list", "-l", help="Only papers on this list.")]


QueryOpt = Annotated[
    str | None,
    typer.Option(
        "--query", "-q", help='Search syntax: title:gan author:hinton year:2015-2017 "a phrase".'
    ),
]
SortOpt = Annotated[
    str, typer.Option(help="added, published, year, title, status, priority, citekey, id.")
]
LimitOpt = Annotated[int | None, typer.Option("--limit", "-n", help="At most N papers.")]
ReverseOpt = Annotated[bool, typer.Option("--reverse", "-r", help="Reverse the order.")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV.")]


def _print_papers(flt: Any, *, as_json: bool, csv_out: bool) -> None:
    from reading_list.services.papers import list_paper_rows, list_papers

    with library() as lib:
        if as_json or csv_out or sys.stdout.isatty():
            papers = list_papers(lib, flt)
        else:
            # Piped: stream plain lines; 100k rows never go through models or a table.
            out = sys.stdout
            for row in list_paper_rows(lib, flt):
                out.write(tabular.row_line(row))
            return
    if as_json:
        emit(tabular.to_json(papers))
    elif csv_out:
        sys.stdout.write(tabular.papers_csv(papers))
    else:
        show(views.papers_table(papers))
        say(f"{len(papers)} paper(s)")


@command("list")
def list_cmd(
    status: StatusOpt = None,
    tag: TagOpt = None,
    list_name: ListOpt = None,
    query: QueryOpt = None,
    since: Annotated[
        str | None, typer.Option(help="Only papers added on or after this date (YYYY-MM-DD).")
    ] = None,
    sort: SortOpt = "added",
    reverse: ReverseOpt = False,
    limit: LimitOpt = None,
    as_json: JsonOpt = False,
    csv_out: CsvOpt = False,
) -> None:
    """List the papers you track (tab-separated lines when piped).

    Example: reading-list list --status to-read --tag few-shot --sort published
    """
    flt = _paper_filter(
        status=status,
        tag=tag,
        list_name=list_name,
        query=query,
        since=since,
        sort=sort,
        reverse=reverse,
        limit=limit,
    )
    _print_papers(flt, as_json=as_json, csv_out=csv_out)


@command("search")
def search_cmd(
    query: Annotated[str, typer.Argument(help="Words, phrases, fields, AND / OR / NOT.")],
    status: StatusOpt = None,
    tag: TagOpt = None,
    list_name: ListOpt = None,
    sort: SortOpt = "added",
    reverse: ReverseOpt = False,
    limit: LimitOpt = None,
    as_json: JsonOpt = False,
    csv_out: CsvOpt = False,
) -> None:
    """Full-text search over titles, abstracts, authors and notes.

    Fields: title: author: abstract: note: tag: status: list: kind: year:2015-2017 (or >2019).
    Example: reading-list search 'title:"few-shot" AND (author:snell OR year:>2016) -gan'
    """
    list_cmd(
        status=status,
        tag=tag,
        list_name=list_name,
        query=query,
        sort=sort,
        reverse=reverse,
        limit=limit,
        as_json=as_json,
        csv_out=csv_out,
    )


@command("show")
def show_cmd(
    ref: Annotated[str, typer.Argument(help="arXiv id, URL or citekey.")],
    as_json: JsonOpt = False,
) -> None:
    """Show everything about one paper: metadata, abstract, status history, notes.

    Example: reading-list show 1703.05175
    """
    from reading_list.services.papers import show_paper

    with library() as lib:
        detail = show_paper(lib, ref)
    present(detail, as_json, views.paper_detail)


@command("status")
def status_cmd(
    ref: Annotated[str, typer.Argument(help="arXiv id, URL or citekey.")],
    status: Annotated[str, typer.Argument(help="to-read, reading, read, skimmed or abandoned.")],
    as_json: JsonOpt = False,
) -> None:
    """Set a paper's reading status; every change is kept with its time.

    Example: reading-list status 1703.05175 read
    """
    from reading_list.services.papers import set_status, show_paper

    with library() as lib:
        paper_id = set_status(lib, ref, status)
        if as_json:
            emit(tabular.to_json(show_paper(lib, paper_id)))
            return
    say(f"{paper_id}: {status.strip().lower()}")


@command("rate")
def rate_cmd(
    ref: Annotated[str, typer.Argument(help="arXiv id, URL or citekey.")],
    rating: Annotated[int, typer.Argument(help="1 to 5.")],
) -> None:
    """Rate a paper from 1 to 5.

    Example: reading-list rate 1703.05175 5
    """
    from reading_list.services.papers import set_priority_rating

    with library() as lib:
        detail = set_priority_rating(lib, ref, priority=None, rating=rating)
    say(f"{detail.id}: rated {detail.rating}/5")


@command("priority")
def priority_cmd(
    ref: Annotated[str, typer.Argument(help="arXiv id, URL or citekey.")],
    priority: Annotated[int, typer.Argument(help="Higher is read sooner; default 0.")],
) -> None:
    """Set a paper's priority (higher first in `next` and `list --sort priority`).

    Example: reading-list priority 1703.05175 2
    """
    from reading_list.services.papers import set_priority_rating

    with library() as lib:
        detail = set_priority_rating(lib, ref, priority=priority, rating=None)
    say(f"{detail.id}: priority {detail.priority}")


@command("tag", context_settings={"ignore_unknown_options": True})
def tag_cmd(
    ref: Annotated[str, typer.Argument(help="arXiv id, URL or citekey.")],
    changes: Annotated[list[str], typer.Argument(help="+tag adds a tag, -tag removes one.")],
    as_json: JsonOpt = False,
) -> None:
    """Add or remove tags.

    Example: reading-list tag 1703.05175 +few-shot -todo
    """
    from reading_list.services.papers import change_tags, show_paper

    with library() as lib:
        paper_id, tags = change_tags(lib, ref, changes)
        if as_json:
            emit(tabular.to_json(show_paper(lib, paper_id)))
            return
    say(f"{paper_id}: {', '.join(tags) or '(no tags)'}")


def _edit_note() -> str:
    import shlex
    import subprocess
    import tempfile

    from reading_list.errors import InvalidInput

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise InvalidInput("no note text given and $EDITOR is not set")
    with tempfile.NamedTemporaryFile("w+", suffix=".md", delete=False) as handle:
        path = handle.name
    try:
        # The editor command is the user's own setting, split like a shell would, never run by one.
        result = subprocess.run([*shlex.split(editor), path], check=False)
        if result.returncode != 0:
            raise InvalidInput(f"the editor exited with status {result.returncode}; no note saved")
        return Path(path).read_text(encoding="utf-8")
    finally:
        os.unlink(path)


@command("note")
def note_cmd(
    ref: Annotated[str, typer.Argument(help="arXiv id, URL or citekey.")],
    text: Annotated[str | None, typer.Argument(help="Note text; omit to open $EDITOR.")] = None,
) -> None:
    """Append a note to a paper.

    Example: reading-list note 1703.05175 "compare with matching networks"
    """
    from reading_list.services.papers import add_note

    body = text if text is not None else _edit_note()
    with library() as lib:
        detail = add_note(lib, ref, body)
    say(f"{detail.id}: {len(detail.notes)} note(s)")


@command("rm")
def rm_cmd(
    ref: Annotated[str, typer.Argument(help="arXiv id, URL or citekey.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Remove a paper with its tags, notes and history.

    Example: reading-list rm 1703.05175 --yes
    """
    from reading_list.services.papers import remove_paper, show_paper

    with library() as lib:
        if not yes:
            paper = show_paper(lib, ref)
            if not typer.confirm(f"Remove {paper.id} ({paper.title})?", err=True):
                raise typer.Exit(1)
        removed = remove_paper(lib, ref)
    say(f"removed {removed.id}")


@command("open")
def open_cmd(
    ref: Annotated[str, typer.Argument(help="arXiv id, URL or citekey.")],
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Open the PDF instead of the abstract.")
    ] = False,
) -> None:
    """Open a paper's abstract page (or PDF) in the browser; prints the URL.

    Example: reading-list open 1703.05175 --pdf
    """
    from reading_list.errors import NotFound
    from reading_list.services.papers import paper_url

    with library() as lib:
        url = paper_url(lib, ref, pdf=pdf)
    if url is None:
        raise NotFound(f"{ref} has no {'PDF' if pdf else 'web'} link")
    emit(url)
    import webbrowser

    webbrowser.open(url)


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int, str], None]]:
    """A transient progress bar on stderr (only when stderr is a terminal)."""
    if not sys.stderr.isatty():
        yield lambda _done, _total, _label: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=_stderr(),
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def update(done: int, total: int, item: str) -> None:
            bar.update(task, completed=done, total=total, description=item[:40])

        yield update


def _report_lines(skipped: Any, counts: Any, as_json: bool, *, requests: int | None = None) -> None:
    """Every input line accounted for, on stderr: the skipped ones with their reasons
    (with --json only the count: the JSON carries them), then the counts."""
    if not as_json:
        for line in skipped:
            say(f"skipped line {line.line} ({line.reason}): {line.text[:70]}")
    if counts is None:
        return
    states = ", ".join(f"{v} {k}" for k, v in counts.states.items())
    say(
        f"{counts.lines} line(s): {counts.references} reference(s) on {counts.reference_lines}"
        + (f" ({states})" if states else "")
        + f", {counts.skipped} skipped, {counts.blank} blank, {counts.headings} heading(s)"
        + (f"; {requests} arXiv request(s)" if requests is not None else "")
    )


def _report_items(report: Any, as_json: bool) -> None:
    if as_json:
        emit(tabular.to_json(report))
    else:
        show(views.list_items_table(report.items))
        for line in report.skipped:
            say(f"skipped line {line.line} ({line.reason}): {line.text[:70]}")
        counts: dict[str, int] = {}
        for item in report.items:
            counts[item.state] = counts.get(item.state, 0) + 1
        summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
        say(f"list {report.list}: {summary}; {report.requests} arXiv request(s)")
    for note in report.notes:
        say(note)
    if getattr(report, "counts", None) is not None:
        _report_lines([], report.counts, True)
    if report.offline:
        say(f"offline: {report.unavailable}")
    elif report.unavailable:
        from reading_list.errors import SourceUnavailable

        raise SourceUnavailable(report.unavailable)


@command("seed")
def seed_cmd(
    name: Annotated[str | None, typer.Argument(help="A shipped seed list's name.")] = None,
    show_all: Annotated[bool, typer.Option("--list", help="Show the shipped seed lists.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Build a curated reading list shipped with the tool.

    Example: reading-list seed google-brain-ama-2017
    """
    from reading_list.errors import UsageError
    from reading_list.services import lists as curation

    if show_all or name is None:
        if name is not None:
            raise UsageError("give a seed name or --list, not both")
        seeds = curation.shipped_seeds()
        if as_json:
            emit(tabular.to_json(seeds))
        else:
            for seed in seeds:
                emit(f"{seed.name}\t{len(seed.items)} items\t{seed.title}")
        return
    with library() as lib, progress_bar("seeding") as update:
        report = curation.seed_list(lib, name, on_progress=update)
    _report_items(report, as_json)


@command("import")
def import_cmd(
    path: Annotated[
        Path,
        typer.Argument(help="JSON citations, text, Markdown, BibTeX or an article; '-' for stdin."),
    ],
    list_name: Annotated[
        str | None, typer.Option("--list", "-l", help="Name of the list to fill.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what the file holds; look nothing up.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Import your own references as a list; running it again resumes.

    Example: reading-list import papers.md --list thesis
    """
    from reading_list.services import lists as curation

    if dry_run:
        extracted = curation.extract_file(path)
        present(extracted, as_json, views.extraction_table)
        _report_lines(extracted.skipped, extracted.counts, as_json)
        return
    if list_name is None:
        from reading_list.errors import UsageError

        raise UsageError("give the list to fill with --list NAME (or look first with --dry-run)")
    with library() as lib, progress_bar("importing") as update:
        report = curation.import_file(lib, path, list_name, on_progress=update)
    _report_items(report, as_json)


@command("resolve")
def resolve_cmd(
    path: Annotated[
        Path,
        typer.Argument(help="JSON citations, text, Markdown, BibTeX or an article; '-' for stdin."),
    ],
    as_json: JsonOpt = False,
) -> None:
    """Dry run: show which arXiv paper each reference resolves to. Changes nothing.

    Example: reading-list resolve citations.json --json
    """
    from reading_list.services import lists as curation

    with library() as lib, progress_bar("resolving") as update:
        report = curation.resolve_file(lib, path, on_progress=update)
    present(report.results, as_json, views.resolutions_table)
    _report_lines(report.skipped, report.counts, as_json, requests=report.requests)
    if report.unavailable:
        from reading_list.errors import SourceUnavailable

        raise SourceUnavailable(report.unavailable)


@command("why")
def why_cmd(
    ref: Annotated[str, typer.Argument(help="arXiv id, URL or citekey.")],
    as_json: JsonOpt = False,
) -> None:
    """Explain how a paper got on a list: method, score, query, runners-up.

    Example: reading-list why 1611.01989
    """
    from reading_list.services import lists as curation

    with library() as lib:
        items = curation.why(lib, ref)
    present(items, as_json, views.why_view)


@command("lists")
def lists_cmd(as_json: JsonOpt = False) -> None:
    """Show each list with its counts by status.

    Example: reading-list lists
    """
    from reading_list.services import lists as curation

    with library() as lib:
        summaries = curation.list_summaries(lib)
    present(summaries, as_json, views.list_summaries_table)


@command("review")
def review_cmd(
    list_name: ListOpt = None,
    item: Annotated[int | None, typer.Option(help="The item number to settle.")] = None,
    accept: Annotated[
        str | None, typer.Option(help="Settle --item with this arXiv id (or candidate number).")
    ] = None,
    not_on_arxiv: Annotated[
        bool, typer.Option("--not-on-arxiv", help="Settle --item as a manual entry.")
    ] = False,
    url: Annotated[str | None, typer.Option(help="URL of a manual entry.")] = None,
) -> None:
    """Walk unresolved items: accept a candidate, type an id, or mark not-on-arXiv.

    Without --item it asks for each unresolved item in turn.
    Example: reading-list review --list thesis --item 3 --accept 1703.05175
    """
    from reading_list.errors import UsageError
    from reading_list.services import lists as curation

    with library() as lib:
        if item is not None:
            if list_name is None or (accept is None) == (not not_on_arxiv):
                raise UsageError("--item needs --list and one of --accept or --not-on-arxiv")
            pending = [i for i in curation.unresolved(lib, list_name) if i.position == item]
            choice = accept
            if accept is not None and accept.isdigit() and pending and pending[0].candidates:
                index = int(accept) - 1
                if 0 <= index < len(pending[0].candidates):
                    choice = pending[0].candidates[index].arxiv_id
            if choice is not None:
                done = curation.accept(lib, list_name, item, choice)
            else:
                done = curation.mark_not_on_arxiv(lib, list_name, item, url=url)
            say(f"{done.list} #{done.position}: {done.state} {done.paper_id or ''}")
            return
        items = curation.unresolved(lib, list_name)
        if not items:
            say("nothing to review")
            return
        if not sys.stdin.isatty():
            raise UsageError("review asks questions: run it in a terminal, or use --item")
        for entry in items:
            show(views.review_view(entry))
            answer = typer.prompt(
                "number to accept, an arXiv id, n = not on arXiv, s = skip, q = quit",
                default="s",
                err=True,
            ).strip()
            if answer.lower() == "q":
                break
            if answer.lower() == "s" or not answer:
                continue
            if answer.lower() == "n":
                done = curation.mark_not_on_arxiv(lib, entry.list, entry.position)
            elif answer.isdigit() and 1 <= int(answer) <= len(entry.candidates):
                done = curation.accept(
                    lib, entry.list, entry.position, entry.candidates[int(answer) - 1].arxiv_id
                )
            else:
                done = curation.accept(lib, entry.list, entry.position, answer)
            say(f"  -> {done.state} {done.paper_id or ''}")


def _write_output(chunks: Iterable[str], output: Path | None) -> None:
    """Write to stdout, or to ``output`` atomically (a temp file renamed into place)."""
    if output is None or str(output) == "-":
        for chunk in chunks:
            sys.stdout.write(chunk)
        return
    from reading_list.errors import InvalidInput

    tmp = output.with_name(output.name + ".tmp")
    try:
        # Exports and dumps hold personal data: readable by the owner only.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            for chunk in chunks:
                handle.write(chunk)
        tmp.replace(output)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InvalidInput(f"cannot write {output}: {exc.strerror or exc}") from None
    say(f"wrote {output}")


OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
]


@command("export")
def export_cmd(
    ids: Annotated[list[str] | None, typer.Argument(help="Only these papers.")] = None,
    fmt: Annotated[
        str,
        typer.Option("--format", "-F", help="bibtex, biblatex, csl-json, ris, csv or json."),
    ] = "bibtex",
    status: StatusOpt = None,
    tag: TagOpt = None,
    list_name: ListOpt = None,
    query: QueryOpt = None,
    cited_only: Annotated[
        Path | None,
        typer.Option("--cited-only", help="Keep only the keys a .tex or .aux file cites."),
    ] = None,
    output: OutputOpt = None,
    prefer: Annotated[
        str,
        typer.Option(
            "--prefer",
            help="published (default): cite a preprint's venue version when known, with its "
            "eprint kept; preprint: cite the arXiv version.",
        ),
    ] = "published",
) -> None:
    """Export references: BibTeX (default, compiles warning-free), biblatex, CSL-JSON, RIS, CSV.

    Example: reading-list export --list google-brain-ama-2017 -o refs.bib
    """
    from reading_list.services.library import require_paper_id
    from reading_list.services.transfer import export

    with library() as lib:
        paper_ids = [require_paper_id(lib, ref) for ref in ids or []]
        flt = _paper_filter(
            ids=paper_ids,
            status=status,
            tag=tag,
            list_name=list_name,
            query=query,
            sort="citekey",
        )
        result = export(lib, flt, fmt, cited_only=cited_only, prefer=prefer)
        _write_output(result.chunks, output)
    for warning in result.warnings:
        say(f"warning: {warning}")
    if output is not None:
        say(f"{result.count} entr{'y' if result.count == 1 else 'ies'}")


@command("import-bib")
def import_bib_cmd(
    path: Annotated[Path, typer.Argument(help="A BibTeX or biblatex file.")],
    fetch: Annotated[
        bool, typer.Option("--fetch", help="Then refresh arXiv entries from arXiv (throttled).")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Import an existing .bib library: arXiv entries by id, others as manual entries.

    Citekeys are kept, keywords become tags, broken entries are reported with their line.
    Example: reading-list import-bib library.bib
    """
    from reading_list.errors import SourceUnavailable
    from reading_list.services.transfer import import_bib

    with library() as lib, progress_bar("importing") as update:
        report = import_bib(lib, path, fetch=fetch, on_progress=update)
    if as_json:
        emit(tabular.to_json(report))
    else:
        for failed in report.failed:
            say(f"{path}:{failed.line}: skipped: {failed.reason}")
        say(
            f"{report.added} arXiv and {report.manual} manual entries added, "
            f"{report.exists} already present, {len(report.failed)} unreadable"
            + (f", {report.refreshed} refreshed from arXiv" if fetch else "")
        )
    if report.unavailable:
        raise SourceUnavailable(report.unavailable)


@command("dump")
def dump_cmd(output: OutputOpt = None) -> None:
    """Write the whole library as deterministic JSON Lines (for git and for moving machines).

    Example: reading-list dump -o library.jsonl
    """
    from reading_list.services.transfer import dump

    with library() as lib:
        text = dump(lib)
    _write_output([text], output)


@command("restore")
def restore_cmd(
    path: Annotated[Path, typer.Argument(help="A file written by `dump`; '-' for stdin.")],
) -> None:
    """Load a dump into an empty library (all or nothing).

    Example: reading-list --db new.db restore library.jsonl
    """
    from reading_list.errors import InvalidInput
    from reading_list.services.transfer import restore

    if str(path) == "-":
        text = sys.stdin.read()
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"cannot read {path}: {exc}") from None
    with library() as lib:
        counts = restore(lib, text, source=str(path))
    say(", ".join(f"{n} {kind}(s)" for kind, n in counts.items() if n) or "nothing restored")


@command("rekey")
def rekey_cmd(
    ids: Annotated[list[str] | None, typer.Argument(help="Only these papers.")] = None,
    pattern: Annotated[
        str | None, typer.Option(help="Pattern with {auth}, {year}, {title}.")
    ] = None,
    list_name: ListOpt = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Regenerate citekeys (they never change otherwise).

    Example: reading-list rekey --pattern "{auth}{year}" --yes
    """
    from reading_list.services.library import require_paper_id
    from reading_list.services.transfer import rekey

    if not yes and not typer.confirm("Citekeys in your documents may break. Rekey?", err=True):
        raise typer.Exit(1)
    with library() as lib:
        paper_ids = [require_paper_id(lib, ref) for ref in ids or []]
        flt = _paper_filter(ids=paper_ids, status=None, tag=None, list_name=list_name)
        changes = rekey(lib, flt, pattern)
    for paper_id, old, new in changes:
        emit(f"{paper_id}\t{old}\t{new}")
    say(f"{len(changes)} key(s) changed")


@command("doctor")
def doctor_cmd(
    fix: Annotated[bool, typer.Option("--fix", help="Mend what is safe to mend.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Check the library: integrity, orphans, duplicates, citekey clashes, unfetched papers.

    Example: reading-list doctor --fix
    """
    from reading_list.services.doctor import diagnose

    with library() as lib:
        report = diagnose(lib, fix=fix)
    if as_json:
        emit(tabular.to_json(report))
    else:
        for f in report.findings:
            state = " (fixed)" if f.fixed else " (--fix mends this)" if f.fixable else ""
            ids = f": {', '.join(f.ids[:8])}" if f.ids else ""
            emit(f"{f.check}: {f.message}{ids}{state}")
        if not report.findings:
            say("no problems found")
    if not report.ok:
        raise typer.Exit(1)


@command("check")
def check_cmd(
    list_name: ListOpt = None,
    status: StatusOpt = None,
    tag: TagOpt = None,
    published: Annotated[
        bool,
        typer.Option(
            "--published/--no-published",
            help="Also look up each preprint's published version in dblp (default: yes).",
        ),
    ] = True,
    as_json: JsonOpt = False,
) -> None:
    """Re-fetch metadata and report new versions, changed titles or abstracts, publication
    news (journal ref, DOI, "accepted at" comments), and the published version of each
    preprint (dblp: NeurIPS, ICML, ICLR, ...), which exports then cite. Lookups dblp could not
    answer are kept and retried by the next check.

    Example: reading-list check --list google-brain-ama-2017
    """
    from reading_list.errors import SourceUnavailable
    from reading_list.services.reading import check

    with library() as lib, progress_bar("dblp") as update:
        flt = _paper_filter(status=status, tag=tag, list_name=list_name)
        report = check(lib, flt, published=published, on_progress=update)
    if as_json:
        emit(tabular.to_json(report))
    else:
        for item in report.changed:
            emit(f"{item.paper_id}  {item.title}")
            for change in item.changes:
                detail = f"{change.old} -> {change.new}" if change.new is not None else ""
                emit(f"    {change.field}: {detail} {change.note}".rstrip())
        venues = report.published
        for link in venues.linked if venues else []:
            emit(f"{link.paper_id}  published: {link.venue} {link.year or ''} ({link.key})")
        say(
            f"{report.checked} checked, {len(report.changed)} changed, "
            f"{report.requests} arXiv request(s)"
        )
        if venues is not None:
            say(
                f"published versions: {len(venues.linked)} linked, {len(venues.none)} not in "
                f"dblp, {len(venues.pending)} pending, {venues.requests} dblp request(s)"
            )
    if report.published is not None and report.published.unavailable:
        # A secondary source: its failure is reported, never the command's.
        say(
            f"warning: {report.published.unavailable}; {len(report.published.pending)} "
            "lookup(s) kept for the next check"
        )
    if report.unavailable:
        raise SourceUnavailable(report.unavailable)


@command("next")
def next_cmd(
    list_name: ListOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The paper to read next, and why.

    Example: reading-list next --list google-brain-ama-2017
    """
    from reading_list.services.reading import next_paper

    with library() as lib:
        pick = next_paper(lib, list_name)
    if as_json:
        emit(tabular.to_json(pick))
        return
    if pick.paper is None:
        say(pick.reason)
        return
    emit(f"{pick.paper.id}  {pick.paper.title}")
    say(f"why: {pick.reason}; {pick.queue} paper(s) in the queue")


@command("after")
def after_cmd(
    ref: Annotated[str, typer.Argument(help="The paper to read later.")],
    other: Annotated[str, typer.Argument(help="The paper to read first.")],
    remove: Annotated[bool, typer.Option("--remove", help="Drop the link instead.")] = False,
) -> None:
    """Read REF after OTHER: `next` holds REF back until OTHER is read.

    Example: reading-list after 1703.05175 1606.04080
    """
    from reading_list.services.reading import link_after, unlink_after

    with library() as lib:
        if remove:
            unlink_after(lib, ref, other)
            say(f"{ref} no longer waits for {other}")
        else:
            paper_id, after_id = link_after(lib, ref, other)
            say(f"{paper_id} comes after {after_id}")


@command("stats")
def stats_cmd(
    stale_weeks: Annotated[
        int, typer.Option(help="Report to-reads untouched for this many weeks.")
    ] = 8,
    as_json: JsonOpt = False,
) -> None:
    """Counts by status, list and topic; papers finished per week; stale to-reads.

    Example: reading-list stats --stale-weeks 4
    """
    from reading_list.services.reading import stats

    with library() as lib:
        result = stats(lib, stale_weeks)
    if as_json:
        emit(tabular.to_json(result))
    else:
        emit(views.stats_text(result))


@command("web")
def web_cmd(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8001,
    print_metadata: Annotated[
        bool, typer.Option("--print-metadata", help="Print Datasette's metadata and exit.")
    ] = False,
) -> None:
    """Browse the library in Datasette (install with: pip install 'reading-list[web]').

    Example: reading-list web --port 8001
    """
    import json
    import shutil
    import tempfile

    from reading_list.config import load_settings
    from reading_list.errors import InvalidInput
    from reading_list.formats.datasette import datasette_metadata

    settings = load_settings(_state["db"])
    metadata = json.dumps(datasette_metadata(settings.db_path.stem), indent=2)
    if print_metadata:
        emit(metadata)
        return
    if not settings.db_path.exists():
        raise InvalidInput(f"no library at {settings.db_path} yet")
    beside = Path(sys.executable).parent / "datasette"
    datasette = str(beside) if beside.exists() else shutil.which("datasette")
    if datasette is None:
        raise InvalidInput("Datasette is not installed: pip install 'reading-list[web]'")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        handle.write(metadata)
    say(f"serving {settings.db_path} on http://127.0.0.1:{port}/ (Ctrl-C stops)")
    # Datasette's own server, started without a shell; the library is opened read-only.
    os.execv(
        datasette,
        [
            datasette,
            "serve",
            "-i",
            str(settings.db_path),
            "--metadata",
            handle.name,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
    )


def main() -> None:
    # pydantic scans installed packages for plugins on first use; a CLI has none to load.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    app(prog_name="reading-list")
