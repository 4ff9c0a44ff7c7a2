"""Commands on papers: add, list, search, show, status, rate, priority, tag, note, rm, open."""

import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NamedTuple

import typer

from reading_list.cli.common import (
    CsvOpt,
    JsonOpt,
    LimitOpt,
    ListOpt,
    LiteralArgs,
    QueryOpt,
    RefArg,
    ReverseOpt,
    SortOpt,
    StatusOpt,
    TagOpt,
    WideOpt,
    YesOpt,
    complete_refs,
    complete_tag_changes,
    confirm,
    library,
    paper_filter,
    present,
    render,
    say,
    write_output,
)
from reading_list.cli.screen import Screen
from reading_list.dates import SINCE_HELP
from reading_list.sort_keys import SortKey
from reading_list.status import STATUSES, Status

if TYPE_CHECKING:
    from reading_list.models import EditResult
    from reading_list.selection import PaperFilter
    from reading_list.services.library import Library

commands = typer.Typer()

STATUS_HELP = "to-read, reading, read, skimmed or abandoned."


def _read_inputs(values: list[str], from_file: Path | None) -> list[str]:
    items = [v for v in values if v != "-"]
    if "-" in values:
        items += sys.stdin.read().split()
    if from_file is not None:
        from reading_list.services.inputs import MAX_TEXT_BYTES, read_input

        text = read_input(from_file, limit=MAX_TEXT_BYTES).decode("utf-8", errors="replace")
        items += [
            line.split("#", 1)[0].strip()
            for line in text.splitlines()
            if line.split("#", 1)[0].strip()
        ]
    return items


@commands.command("add")
def add_cmd(
    ctx: typer.Context,
    ids: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[ID]...",
            help="arXiv ids or URLs, DOIs (any form), dblp keys or URLs, OpenReview forums, "
            "ACL Anthology or proceedings links; '-' reads them from stdin.",
        ),
    ] = None,
    from_file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Read ids from a file, one per line.")
    ] = None,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Re-fetch metadata of papers already stored.")
    ] = False,
    bibtex: Annotated[
        str | None,
        typer.Option(
            "--bibtex",
            metavar="FILE|-",
            help="Add the BibTeX entries in FILE ('-': pasted on stdin), as import-bib does.",
        ),
    ] = None,
    manual: Annotated[
        bool,
        typer.Option(
            "--manual",
            help="Add a work by hand: asks for its fields at a terminal, else takes them "
            "from --title, --author, --year, --venue, --url, --type.",
        ),
    ] = False,
    title: Annotated[str | None, typer.Option(help="With --manual: the title.")] = None,
    author: Annotated[
        list[str] | None,
        typer.Option(
            metavar="NAME", help="With --manual: an author ('Given Family' or 'Family, Given')."
        ),
    ] = None,
    year: Annotated[
        int | None, typer.Option(min=1000, max=2999, help="With --manual: the year.")
    ] = None,
    venue: Annotated[
        str | None,
        typer.Option(help="With --manual: the journal, conference, publisher or school."),
    ] = None,
    url: Annotated[str | None, typer.Option(help="With --manual: a link to the work.")] = None,
    entry_type: Annotated[
        str | None,
        typer.Option(
            "--type",
            metavar="TYPE",
            help="With --manual: the BibTeX entry type (default: from the venue, else misc).",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add papers by arXiv id or URL (one batched request), and other works by DOI, dblp
    key, OpenReview forum or proceedings link (from Crossref / doi.org and dblp); BibTeX
    entries (--bibtex), each merged into the work it names when that is already here; or a
    work by hand (--manual).

    The first paper added creates the library.

    \b
    Examples:
      reading-list add 1703.05175 arXiv:1611.01989v2 https://arxiv.org/abs/1703.07469
      reading-list add 10.1162/neco.1997.9.8.1735 conf/nips/SnellSZ17
      reading-list add --file ids.txt
      pbpaste | reading-list add --bibtex -
      reading-list add --manual --title "Why Momentum Really Works" --author "Gabriel Goh" \\
        --year 2017 --venue Distill --url https://distill.pub/2017/momentum/
    """
    from reading_list.cli import views
    from reading_list.errors import UsageError
    from reading_list.services.papers import add_papers

    fields = ManualFields(title, author or [], year, venue, url, entry_type)
    given = [f"--{name}" for name, value in fields.options() if value]
    if given and not manual:
        raise UsageError(f"{', '.join(given)}: only with --manual")
    if (bibtex is not None or manual) and (ids or from_file is not None or refresh):
        raise UsageError("--bibtex and --manual take no ids, --file or --refresh")
    if bibtex is not None and manual:
        raise UsageError("--bibtex or --manual, not both")
    if bibtex is not None:
        _add_bibtex(ctx, bibtex, as_json)
        return
    if manual:
        _add_manual(ctx, fields, as_json)
        return
    inputs = _read_inputs(ids or [], from_file)
    if not inputs:
        raise UsageError("give at least one identifier, '-' for stdin, or --file")
    with library(ctx, create=True) as lib:
        report = add_papers(lib, inputs, refresh=refresh)
    present(report.outcomes, as_json, views.added, unavailable=report.unavailable)
    if any(o.outcome in ("invalid", "not-found") for o in report.outcomes):
        raise typer.Exit(1)


def _add_bibtex(ctx: typer.Context, source: str, as_json: bool) -> None:
    from reading_list.cli import views
    from reading_list.services.bib_import import add_bibtex
    from reading_list.services.inputs import MAX_TEXT_BYTES, read_input

    # Read before the library is opened: unreadable input must not leave a new, empty one.
    if source == "-":
        text, name = sys.stdin.buffer.read(MAX_TEXT_BYTES + 1), "stdin"
    else:
        text, name = read_input(Path(source), limit=MAX_TEXT_BYTES), source
    with library(ctx, create=True) as lib:
        report = add_bibtex(lib, text, name=name)
    present(report, as_json, partial(views.bibtex_added, source=name))


class ManualFields(NamedTuple):
    """What the options of `add --manual` gave (None: left out, asked at a terminal)."""

    title: str | None
    authors: list[str]
    year: int | None
    venue: str | None
    url: str | None
    entry_type: str | None

    def options(self) -> list[tuple[str, object]]:
        """(option name, value) of each field, as the command line names them."""
        names = ("title", "author", "year", "venue", "url", "type")
        return list(zip(names, self, strict=True))


def _ask(label: str, given: str | None) -> str:
    if given is not None:
        return given
    return str(typer.prompt(f"  {label}", default="", err=True, show_default=False)).strip()


def _add_manual(ctx: typer.Context, given: ManualFields, as_json: bool) -> None:
    """The work's fields from the options; at a terminal, the ones left out are asked."""
    import re

    from reading_list.cli import views
    from reading_list.cli.editor import interactive
    from reading_list.errors import UsageError
    from reading_list.models import ManualEntry
    from reading_list.services.bib_import import add_manual

    title, authors, year = given.title, given.authors, given.year
    venue, url, entry_type = given.venue, given.url, given.entry_type
    if title is None:
        if not interactive():
            raise UsageError("--manual needs --title (and the other fields) at no terminal")
        while not title:
            title = _ask("title", None)
        if not authors:
            names = _ask("authors (separated by ';' or ' and ')", None)
            authors = [a for a in re.split(r";|\s+and\s+", names) if a.strip()]
        while year is None:
            raw = _ask("year (empty for none)", None)
            if not raw:
                break
            if raw.isdigit() and 1000 <= int(raw) <= 2999:
                year = int(raw)
            else:
                say(f"error: {raw!r} is not a year")
        venue = _ask("venue (journal, conference, publisher; empty for none)", venue)
        url = _ask("URL (empty for none)", url)
        entry_type = _ask("entry type (empty: from the venue)", entry_type)
    work = ManualEntry(
        title=title,
        authors=authors,
        year=year,
        venue=venue or None,
        url=url or None,
        entry_type=entry_type or None,
    )
    with library(ctx, create=True) as lib:
        report = add_manual(lib, work)
    present(report, as_json, partial(views.bibtex_added, source="manual"))


def _print_papers(
    ctx: typer.Context, flt: "PaperFilter", *, as_json: bool, csv_out: bool, wide: bool
) -> None:
    import itertools

    from reading_list.cli import views
    from reading_list.formats import tabular
    from reading_list.services.papers import list_paper_rows, stream_papers

    with library(ctx) as lib:
        if as_json or csv_out:
            # Streamed from one snapshot: 100k papers never sit in memory together.
            to_text = tabular.iter_json if as_json else tabular.iter_papers_csv
            write_output(to_text(stream_papers(lib, flt)), None)
            return
        # Rows, not models: 100k of them stream to a pipe, and a screenful needs no more.
        rows = list_paper_rows(lib, flt)
        if sys.stdout.isatty():
            # A table is laid out whole, so it is for what a person reads: past TABLE_ROWS
            # papers the terminal gets the lines a pipe gets.
            first = list(itertools.islice(rows, views.TABLE_ROWS + 1))
            if len(first) <= views.TABLE_ROWS:
                render(views.papers_screen(first, wide=wide))
                return
            say(f"more than {views.TABLE_ROWS} papers: tab-separated lines (narrow with -q or -n)")
            rows = itertools.chain(first, rows)
        write_output(map(tabular.row_line, rows), None)


SinceOpt = Annotated[
    str | None,
    typer.Option("--since", metavar="WHEN", help=f"Only papers added since {SINCE_HELP}."),
]


@commands.command("list")
def list_cmd(
    ctx: typer.Context,
    status: StatusOpt = None,
    tag: TagOpt = None,
    list_name: ListOpt = None,
    query: QueryOpt = None,
    since: SinceOpt = None,
    sort: SortOpt = SortKey.ADDED,
    reverse: ReverseOpt = False,
    limit: LimitOpt = None,
    wide: WideOpt = False,
    as_json: JsonOpt = False,
    csv_out: CsvOpt = False,
) -> None:
    """List the papers you track: one line each at a terminal, tab-separated lines when
    piped (id, status, year, title, authors, tags).

    \b
    Examples:
      reading-list list --status to-read --tag few-shot --sort published
      reading-list list --list google-brain-ama-2017 --since 7d
    """
    flt = paper_filter(
        status=status,
        tag=tag,
        list_name=list_name,
        query=query,
        since=since,
        sort=sort,
        reverse=reverse,
        limit=limit,
    )
    _print_papers(ctx, flt, as_json=as_json, csv_out=csv_out, wide=wide)


@commands.command("search")
def search_cmd(
    ctx: typer.Context,
    query: Annotated[
        str, typer.Argument(metavar="QUERY", help="Words, phrases, fields, AND / OR / NOT.")
    ],
    status: StatusOpt = None,
    tag: TagOpt = None,
    list_name: ListOpt = None,
    sort: SortOpt = SortKey.ADDED,
    reverse: ReverseOpt = False,
    limit: LimitOpt = None,
    wide: WideOpt = False,
    as_json: JsonOpt = False,
    csv_out: CsvOpt = False,
) -> None:
    """Full-text search over titles, abstracts, authors and notes.

    Fields: title: author: abstract: note: tag: status: list: kind: year:2015-2017 (or >2019).

    \b
    Example:
      reading-list search 'title:"few-shot" AND (author:snell OR year:>2016) -gan'
    """
    flt = paper_filter(
        status=status,
        tag=tag,
        list_name=list_name,
        query=query,
        sort=sort,
        reverse=reverse,
        limit=limit,
    )
    _print_papers(ctx, flt, as_json=as_json, csv_out=csv_out, wide=wide)


@commands.command("show")
def show_cmd(ctx: typer.Context, ref: RefArg, as_json: JsonOpt = False) -> None:
    """Show everything about one paper: metadata, abstract, status history, numbered notes.

    \b
    Example:
      reading-list show 1703.05175
    """
    from reading_list.cli import views
    from reading_list.services.papers import show_paper

    with library(ctx) as lib:
        detail = show_paper(lib, ref)
    present(detail, as_json, views.paper_detail)


def _changed(lib: "Library", paper_id: str, as_json: bool, screen: Screen) -> None:
    """After a change: scripts get the paper as it now is, people a line on stderr. The
    paper's model is built for JSON only: status and tag are the commands run most."""
    from reading_list.cli import views

    if as_json:
        from reading_list.services.papers import show_paper

        present(show_paper(lib, paper_id), as_json, views.paper_detail)
    else:
        render(screen)


def _matching(lib: "Library", query: str, question: str, yes: bool) -> list[str]:
    """The papers ``-q QUERY`` selects, shown first and confirmed (unless ``--yes``)."""
    from reading_list.cli import views
    from reading_list.errors import NotFound
    from reading_list.services.papers import select_papers

    rows = select_papers(lib, paper_filter(query=query))
    if not rows:
        raise NotFound(f"no paper matches {query!r}; nothing changed")
    if not yes:
        render(views.bulk_preview(rows, query))
    confirm(views.bulk_question(question, len(rows)), yes)
    return [str(row[0]) for row in rows]


def _one_or_query(ref: str | None, query: str | None) -> None:
    from reading_list.errors import UsageError

    if (ref is None) == (query is None):
        raise UsageError("name one paper, or choose papers with -q QUERY (not both)")


def complete_status_slot(ctx: typer.Context, incomplete: str) -> list[str]:
    if ctx.params.get("query"):
        return [s for s in STATUSES if s.startswith(incomplete)]
    return complete_refs(ctx, incomplete)


@commands.command("status")
def status_cmd(
    ctx: typer.Context,
    ref: Annotated[
        str | None,
        typer.Argument(
            metavar="REF",
            help="The paper (arXiv id, citekey or manual id); with -q, leave it out.",
            autocompletion=complete_status_slot,
            show_default=False,
        ),
    ] = None,
    status: Annotated[
        Status | None,
        typer.Argument(metavar="STATUS", help=STATUS_HELP, case_sensitive=False),
    ] = None,
    query: QueryOpt = None,
    yes: YesOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Set a paper's reading status; every change is kept with its time.

    With -q, every paper the query finds (shown first; asks unless --yes).

    \b
    Examples:
      reading-list status 1703.05175 read
      reading-list status -q 'tag:gan status:to-read' skimmed
    """
    from reading_list.cli import views
    from reading_list.errors import UsageError
    from reading_list.services.papers import parse_status, set_status, set_statuses

    if query is not None:
        if status is not None or ref is None:
            raise UsageError("with -q, give only the status: status -q QUERY STATUS")
        new = parse_status(ref)
        with library(ctx) as lib:
            changed = set_statuses(lib, _matching(lib, query, f"Set {{}} to {new}?", yes), new)
        render(views.bulk_done(f"set to {new}", changed))
        return
    if ref is None or status is None:
        raise UsageError("give the paper and its status: status REF STATUS")
    with library(ctx) as lib:
        paper_id, new = set_status(lib, ref, status)
        _changed(lib, paper_id, as_json, views.status_set(paper_id, new))


@commands.command("rate")
def rate_cmd(
    ctx: typer.Context,
    ref: RefArg,
    rating: Annotated[
        int | None, typer.Argument(metavar="[RATING]", min=1, max=5, help="1 to 5.")
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the rating.")] = False,
) -> None:
    """Rate a paper from 1 to 5, or clear its rating.

    \b
    Examples:
      reading-list rate 1703.05175 5
      reading-list rate 1703.05175 --clear
    """
    from reading_list.cli import views
    from reading_list.errors import UsageError
    from reading_list.services.papers import clear_rating, set_priority_rating

    if (rating is None) == (not clear):
        raise UsageError("give a rating from 1 to 5, or --clear")
    with library(ctx) as lib:
        if clear:
            detail = clear_rating(lib, ref)
        else:
            detail = set_priority_rating(lib, ref, rating=rating)
    render(views.number_set(detail, "rating"))


@commands.command("priority", cls=LiteralArgs)
def priority_cmd(
    ctx: typer.Context,
    ref: RefArg,
    priority: Annotated[
        int,
        typer.Argument(
            metavar="PRIORITY", help="A whole number: higher is read sooner, below 0 later."
        ),
    ],
) -> None:
    """Set a paper's priority (default 0; higher first in `next` and `list --sort priority`).

    \b
    Examples:
      reading-list priority 1703.05175 2
      reading-list priority 1703.05175 -1
    """
    from reading_list.cli import views
    from reading_list.services.papers import set_priority_rating

    with library(ctx) as lib:
        detail = set_priority_rating(lib, ref, priority=priority)
    render(views.number_set(detail, "priority"))


@commands.command("tag", cls=LiteralArgs)
def tag_cmd(
    ctx: typer.Context,
    words: Annotated[
        list[str],
        typer.Argument(
            metavar="[REF] CHANGES...",
            help="The paper (left out with -q), then +tag to add a tag and -tag to remove one.",
            autocompletion=complete_tag_changes,
            show_default=False,
        ),
    ],
    query: QueryOpt = None,
    yes: YesOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Add or remove tags. Tags match whatever their case and separators
    ("Program synthesis" is program-synthesis) and keep the spelling first used.

    With -q, every paper the query finds (shown first; asks unless --yes).

    \b
    Examples:
      reading-list tag 1703.05175 +few-shot -todo
      reading-list tag -q 'title:gan' +generative-models
    """
    from reading_list.cli import views
    from reading_list.errors import UsageError
    from reading_list.services.papers import change_tags, change_tags_of
    from reading_list.tags import parse_changes

    if query is not None:
        parse_changes(words)
        with library(ctx) as lib:
            shown = " ".join(words).replace("{", "{{").replace("}", "}}")
            question = f"Change the tags of {{}} ({shown})?"
            count = change_tags_of(lib, _matching(lib, query, question, yes), words)
        render(views.bulk_done("tagged " + " ".join(words), count))
        return
    if len(words) < 2:
        raise UsageError("give the paper and its tag changes: tag REF +tag -tag")
    ref, changes = words[0], words[1:]
    with library(ctx) as lib:
        paper_id, tags = change_tags(lib, ref, changes)
        _changed(lib, paper_id, as_json, views.tags_set(paper_id, tags))


def _edit_text(initial: str = "") -> str:
    from reading_list.cli.editor import edit_text

    return edit_text(initial, suffix=".md", what="no note saved")


@commands.command("note")
def note_cmd(
    ctx: typer.Context,
    ref: RefArg,
    text: Annotated[
        str | None,
        typer.Argument(
            metavar="[TEXT]", help="The note; '-' reads it from stdin; leave out to open $EDITOR."
        ),
    ] = None,
    edit: Annotated[
        int | None,
        typer.Option("--edit", metavar="N", min=1, help="Replace note N (as `show` numbers them)."),
    ] = None,
    delete: Annotated[
        int | None, typer.Option("--delete", metavar="N", min=1, help="Delete note N.")
    ] = None,
) -> None:
    """Add a note to a paper, or edit or delete one.

    \b
    Examples:
      reading-list note 1703.05175 "compare with matching networks"
      reading-list note 1703.05175 --edit 1       # opens $EDITOR with note 1
      echo "read section 3" | reading-list note 1703.05175 -
      reading-list note 1703.05175 --delete 2
    """
    from reading_list.cli import views
    from reading_list.errors import UsageError
    from reading_list.services import papers as service

    if edit is not None and delete is not None:
        raise UsageError("--edit or --delete, not both")
    if delete is not None:
        if text is not None:
            raise UsageError("--delete takes no text")
        with library(ctx) as lib:
            detail = service.delete_note(lib, ref, delete)
        render(views.noted(detail, f"deleted note {delete}"))
        return
    if text == "-":
        text = sys.stdin.read()
    if edit is not None:
        with library(ctx) as lib:
            body = text if text is not None else _edit_text(service.note_text(lib, ref, edit))
            detail = service.edit_note(lib, ref, edit, body)
        render(views.noted(detail, f"note {edit} replaced"))
        return
    body = text if text is not None else _edit_text()
    with library(ctx) as lib:
        detail = service.add_note(lib, ref, body)
    render(views.noted(detail, "note added"))


@commands.command("edit")
def edit_cmd(
    ctx: typer.Context,
    ref: RefArg,
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="FIELD=VALUE",
            help="Set a field (BibTeX source text; FIELD= removes it); entrytype= and "
            "citekey= change the type and key. Repeatable; no editor opens.",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Edit a paper's entry as BibTeX in $VISUAL / $EDITOR, or field by field with --set.

    The result is checked before it is stored (bad BibTeX: edit again, or leave the entry as
    it was); every changed field is recorded (`show` lists them); a new citekey keeps the
    old one as an alias.

    \b
    Examples:
      reading-list edit blei2003latent
      reading-list edit blei2003latent --set volume=3 --set pages=993--1022 --set note=
    """
    from reading_list.cli import views
    from reading_list.cli.editor import interactive
    from reading_list.errors import UsageError
    from reading_list.services import edit as service

    with library(ctx) as lib:
        if sets:
            result = service.set_fields(lib, ref, sets)
        else:
            if not interactive():
                raise UsageError("edit opens an editor, which needs a terminal; use --set")
            result = _edit_in_editor(lib, ref)
    present(result, as_json, views.entry_edited)


def _edit_in_editor(lib: "Library", ref: str) -> "EditResult":
    """The entry edited until it is valid BibTeX, or the user leaves it as it was (exit 1)."""
    from reading_list.cli.editor import edit_text
    from reading_list.errors import InvalidInput, StaleEdit
    from reading_list.models import EditResult
    from reading_list.services import edit as service

    draft = service.entry_draft(lib, ref)
    text = draft.text
    while True:
        text = edit_text(text, suffix=".bib", what="the entry is unchanged")
        if text == draft.text:
            return EditResult(paper_id=draft.paper_id, citekey=draft.citekey)
        try:
            return service.save_entry(lib, draft, text)
        except StaleEdit:
            raise
        except InvalidInput as exc:
            say(f"error: {exc}")
            try:
                again = typer.confirm("Edit it again? (no: the entry stays as it was)", err=True)
            except typer.Abort:
                again = False
            if not again:
                say("the entry is unchanged")
                raise typer.Exit(1) from None


@commands.command("merge")
def merge_cmd(
    ctx: typer.Context,
    first: Annotated[
        str,
        typer.Argument(
            metavar="A",
            help="The entry that stays (its citekey kept).",
            autocompletion=complete_refs,
        ),
    ],
    second: Annotated[
        str,
        typer.Argument(
            metavar="B",
            help="The entry joined into A, then removed.",
            autocompletion=complete_refs,
        ),
    ],
    prefer_second: Annotated[
        bool,
        typer.Option("--prefer-second", help="Where A and B differ, take B's value."),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would happen; change nothing.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Join two entries of one work (as `doctor` finds them): B's fields fill what A lacks,
    conflicts are listed (A's kept unless --prefer-second), B's tags, notes, status history,
    list places and links move to A, B's citekey stays A's alias, and B is removed.

    \b
    Examples:
      reading-list doctor                       # names the entries that are one work
      reading-list merge 1703.05175 snell2017proto --dry-run
      reading-list merge 1703.05175 snell2017proto
    """
    from reading_list.cli import views
    from reading_list.services.edit import merge

    with library(ctx) as lib:
        report = merge(lib, first, second, prefer_second=prefer_second, dry_run=dry_run)
    present(report, as_json, views.merged)


@commands.command("rm")
def rm_cmd(
    ctx: typer.Context,
    refs: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[REF]...",
            help="The papers (arXiv id, citekey or manual id); or choose them with -q.",
            autocompletion=complete_refs,
        ),
    ] = None,
    query: QueryOpt = None,
    yes: YesOpt = False,
) -> None:
    """Remove papers with their tags, notes and history (asks first unless --yes).

    \b
    Examples:
      reading-list rm 1703.05175 --yes
      reading-list rm -q 'status:abandoned'
    """
    from reading_list.cli import views
    from reading_list.errors import UsageError
    from reading_list.services.papers import paper_ids, remove_papers, show_paper

    if bool(refs) == (query is not None):
        raise UsageError("name the papers, or choose them with -q QUERY (not both)")
    with library(ctx) as lib:
        if query is not None:
            question = "Remove {} with their notes and history?"
            count = remove_papers(lib, _matching(lib, query, question, yes))
            render(views.bulk_done("removed", count))
            return
        ids = paper_ids(lib, refs or [])
        if len(ids) == 1:
            confirm(views.removal_question(show_paper(lib, ids[0])), yes)
        else:
            confirm(views.bulk_question("Remove {} with their notes and history?", len(ids)), yes)
        remove_papers(lib, ids)
    render(views.removed(ids))


@commands.command("open")
def open_cmd(
    ctx: typer.Context,
    ref: RefArg,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Open the PDF instead of the abstract.")
    ] = False,
) -> None:
    """Open a paper's abstract page (or PDF) in the browser; prints the URL.

    \b
    Example:
      reading-list open 1703.05175 --pdf
    """
    import webbrowser

    from reading_list.services.papers import paper_url

    with library(ctx) as lib:
        url = paper_url(lib, ref, pdf=pdf)
    render(Screen(url))
    webbrowser.open(url)
