"""Pure parsing of reference files: a JSON array of citations, plain text, Markdown, pasted
BibTeX, or an article in prose. Every line is accounted for: it holds references, or it is
blank, or it is skipped with its reason.

Markdown reading lists as people keep them on GitHub: bullets and numbered items are
references; a link to arXiv gives the id, a link elsewhere is kept with the reference; ``- [x]``
is read, ``- [ ]`` to-read; headings become tags. One reference line is split into its parts
by ``reference_lines``; prose is read by ``article`` for the works it cites.

List or article: a file is read as an article when at least three of its lines are prose
(``article.is_prose``) and they hold at least 40 % of its text. In an article, lines of prose
give the works they cite and nothing else; a bullet or numbered item, or any line under a
"References" / "Bibliography" / "参考文献" heading, is a reference line; other short lines
(titles, captions, bylines) are skipped. In a list, every line is a reference line unless it
is prose.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from pydantic import ValidationError

from reading_list.errors import InvalidInput
from reading_list.formats.article import CJK, find_cited, is_prose
from reading_list.formats.reference_lines import ReferenceParts, parse_reference_line
from reading_list.identifiers import WorkId, find_arxiv_ids
from reading_list.models import Citation
from reading_list.scoring import expand_abbreviations, normalise

MAX_LINE = 5000
MAX_REFERENCE_LINE = 1000
MAX_BIB_ENTRY_LINES = 200
_BULLET = re.compile(
    r"^\s*(?:[-*+•]|\d{1,4}[.)]|\[\d{1,4}\])\s+(?:\[(?P<box>[ xX])\]\s+)?(?P<text>.*)$"
)
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<url><[^>]*>|[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_RULE = re.compile(r"\s*(?:[-*_=]\s*){3,}")
_BIB_START = re.compile(r"^\s*@(?P<type>[A-Za-z]+)\s*[{(]")
_REFERENCE_HEADING = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:\d+\.?\s*)?(?:references|bibliography|works cited|literature cited|"
    r"further reading|参考文献|参考资料)\s*:?\s*$",
    re.IGNORECASE,
)


# Words that open a remark about a list, not a title ("My notes on ...", "Here are ...").
_SENTENCE_OPENERS = frozenset("my our i we you here today notes note todo see".split())


@dataclass
class Reference:
    """One reference found in a file, with what the file says about it."""

    line: int
    citation: Citation
    arxiv_id: str | None = None
    url: str | None = None
    read: bool | None = None
    tags: list[str] = field(default_factory=list)
    ids: list[WorkId] = field(default_factory=list)
    venue: str = ""
    text: str = ""
    last_line: int | None = None


@dataclass
class Skipped:
    line: int
    text: str
    reason: str


@dataclass
class ParsedFile:
    references: list[Reference]
    skipped: list[Skipped]
    lines: int = 0
    blank: int = 0
    headings: int = 0
    mode: str = "list"

    @property
    def reference_lines(self) -> int:
        covered: set[int] = set()
        for ref in self.references:
            covered.update(range(ref.line, (ref.last_line or ref.line) + 1))
        return len(covered)


def _clean_text(text: str) -> str:
    text = re.sub(r"[*_`~]{1,3}", "", text)
    text = "".join(c for c in text if c.isprintable())
    return " ".join(text.split())


def split_reference(text: str) -> Citation | None:
    """Title, author hint and year hint from one free-form reference (None if nothing is left)."""
    parts = parse_reference_line(text)
    if not parts.title:
        return None
    return _citation(parts)


def _citation(parts: ReferenceParts) -> Citation:
    return Citation(
        cited_as=parts.title,
        authors_hint=parts.authors,
        year_hint=parts.year,
        descriptive=parts.descriptive,
    )


def _slug(heading: str) -> str:
    return " ".join(re.sub(r"[^\w\s-]", " ", _clean_text(heading).lower()).split())


def _identifier_text(ident: WorkId) -> str:
    return f"arXiv:{ident.value}" if ident.kind == "arxiv" else str(ident)


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]{2,}", text)


def _not_a_reference(parts: ReferenceParts, body: str) -> str | None:
    """Why a line is not a reference, or None when it is one."""
    if parts.ids:
        return None
    if not parts.title or not _words(parts.title):
        return "nothing to look up: no title and no identifier"
    if body.rstrip().endswith(":") and not parts.authors and parts.year is None:
        return "a label (ends with ':'), not a reference"
    words = parts.title.split()
    if not (parts.authors or parts.year) and words[0].lower().strip(",:") in _SENTENCE_OPENERS:
        return "a sentence, not a reference"
    if len(words) == 1 and not (parts.authors or parts.year):
        word = words[0]
        # A name is written with a capital or a digit (DeepCoder, GAN, Word2Vec, seq2seq) or
        # is a known abbreviation ("ptr-nets"); one plain lower-case word ("keywords",
        # "meta-learning") is a keyword.
        known = expand_abbreviations(normalise(word)) != normalise(word)
        if not re.search(r"[A-Z0-9]", word) and not known:
            return "a keyword (one lower-case word), not a reference"
    if len(body) > MAX_REFERENCE_LINE:
        return f"longer than {MAX_REFERENCE_LINE} characters: not one reference"
    return None


def _reference_from(
    body: str, line: int, read: bool | None, tags: list[str]
) -> Reference | Skipped:
    parts = parse_reference_line(body)
    why = _not_a_reference(parts, body)
    if why is not None:
        return Skipped(line, body.strip(), why)
    arxiv_id = next((i.value for i in parts.ids if i.kind == "arxiv"), None)
    other = [i for i in parts.ids if i.kind != "arxiv"]
    url = None
    if arxiv_id is None:
        url = next((u for u in parts.links if "arxiv.org" not in u.lower()), None)
    if parts.title and _words(parts.title):
        citation = _citation(parts)
    else:
        first = next((i for i in parts.ids if i.kind == "arxiv"), parts.ids[0])
        citation = Citation(cited_as=_identifier_text(first))
    return Reference(
        line,
        citation,
        arxiv_id=arxiv_id,
        url=url,
        read=read,
        tags=list(tags),
        ids=other,
        venue=parts.venue,
        text=body.strip(),
    )


def _references_in_prose(text: str, line: int, tags: list[str]) -> list[Reference]:
    refs = []
    for cited in find_cited(text):
        arxiv_id = next((i.value for i in cited.ids if i.kind == "arxiv"), None)
        if cited.title:
            citation = Citation(
                cited_as=cited.title,
                authors_hint=cited.authors,
                year_hint=cited.year,
                descriptive=False,
            )
        elif cited.ids:
            citation = Citation(cited_as=_identifier_text(cited.ids[0]))
        else:
            year = f" ({cited.year})" if cited.year else ""
            citation = Citation(
                cited_as=f"{cited.authors}{year}",
                authors_hint=cited.authors,
                year_hint=cited.year,
                descriptive=True,
            )
        refs.append(
            Reference(
                line,
                citation,
                arxiv_id=arxiv_id,
                url=None,
                tags=list(tags),
                ids=[i for i in cited.ids if i.kind != "arxiv"],
                text=f"{cited.how}: {text.strip()[:200]}",
            )
        )
    return refs


def _parse_json(text: str) -> ParsedFile:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"line {exc.lineno} column {exc.colno}: invalid JSON: {exc.msg}"
        ) from None
    if not isinstance(data, list):
        raise InvalidInput("a JSON citations file must be an array of objects")
    refs = []
    for index, item in enumerate(data, 1):
        if not isinstance(item, dict):
            raise InvalidInput(f"item {index}: expected an object with 'cited_as'")
        try:
            citation = Citation.model_validate(item)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"])
            raise InvalidInput(f"item {index}: {where}: {first['msg']}") from None
        ids = find_arxiv_ids(citation.cited_as)
        refs.append(Reference(index, citation, arxiv_id=ids[0].id if ids else None))
    return ParsedFile(refs, [], lines=len(data), mode="json")


def _bib_entry_end(lines: list[str], start: int) -> int:
    """Index of the line that closes the BibTeX entry opening at ``start`` (braces balanced),
    or -1 when it does not close within MAX_BIB_ENTRY_LINES lines."""
    depth = 0
    opened = False
    for index in range(start, min(len(lines), start + MAX_BIB_ENTRY_LINES)):
        for char in lines[index]:
            if char in "{(":
                depth += 1
                opened = True
            elif char in "})":
                depth -= 1
        if opened and depth <= 0:
            return index
    return -1


def _bib_references(text: str, first: int, last: int, tags: list[str]) -> list[Reference] | str:
    """References from pasted BibTeX entries, read by the .bib reader; or why they were not."""
    from reading_list.formats.bibreader import (
        arxiv_id_of,
        entry_metadata,
        parse_bib_text,
        split_bib_authors,
    )

    chunk = parse_bib_text(text, first)
    if chunk.failed or not chunk.entries:
        reason = chunk.failed[0][1] if chunk.failed else "no entry in it"
        return f"unreadable BibTeX entry: {reason}"
    refs = []
    for entry in chunk.entries:
        arxiv_id = arxiv_id_of(entry.fields)
        work = entry_metadata(entry, arxiv_id)
        authors = split_bib_authors(entry.fields.get("author", ""))
        ids: list[WorkId] = []
        if work.doi and not arxiv_id:
            ids.append(WorkId("doi", work.doi.lower()))
        refs.append(
            Reference(
                entry.line,
                Citation(
                    cited_as=work.title,
                    authors_hint=", ".join(authors),
                    year_hint=work.year,
                    descriptive=False,
                ),
                arxiv_id=arxiv_id,
                url=None if arxiv_id else work.url,
                tags=list(tags),
                ids=ids,
                venue=work.journal_ref or "",
                text=f"@{entry.entry_type}{{{entry.key}, ...}}",
                last_line=last,
            )
        )
    return refs


def _is_article(lines: list[str]) -> bool:
    text_lines = [x for x in lines if x.strip()]
    prose = [x for x in text_lines if is_prose(x)]
    total = sum(len(x) for x in text_lines) or 1
    return len(prose) >= 3 and sum(len(x) for x in prose) / total >= 0.4


def parse_references(text: str, *, markdown: bool | None = None) -> ParsedFile:
    """Parse a citations file. JSON when it starts with '[' or '{', else text, Markdown,
    BibTeX or an article."""
    if "\x00" in text:
        raise InvalidInput("binary data, not a citations file")
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("{") or (
        stripped.startswith("[")
        and not _LINK.match(stripped.splitlines()[0])
        and not re.match(r"\[\d{1,4}\]\s", stripped)
    ):
        return _parse_json(text)
    lines = text.splitlines()
    if markdown is None:
        markdown = any(_HEADING.match(x) or _BULLET.match(x) for x in lines)
    article = _is_article(lines)
    parsed = ParsedFile([], [], lines=len(lines), mode="article" if article else "list")
    refs, skipped = parsed.references, parsed.skipped
    headings: list[tuple[int, str]] = []
    h1_count = sum(1 for x in lines if re.match(r"^#\s", x))
    in_code = False
    in_references = False
    index = 0
    while index < len(lines):
        number = index + 1
        line = lines[index].rstrip()
        index += 1
        if line.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
            skipped.append(Skipped(number, line, "code block"))
            continue
        if in_code:
            skipped.append(Skipped(number, line, "code block"))
            continue
        if not line.strip():
            parsed.blank += 1
            continue
        tags = [t for _, t in headings if t]
        if _BIB_START.match(line):
            end = _bib_entry_end(lines, number - 1)
            if end < 0:
                skipped.append(Skipped(number, line.strip(), "a BibTeX entry that never closes"))
                while (
                    index < len(lines)
                    and lines[index].strip()
                    and not _BIB_START.match(lines[index])
                ):
                    skipped.append(
                        Skipped(
                            index + 1,
                            lines[index].strip(),
                            "inside a BibTeX entry that never closes",
                        )
                    )
                    index += 1
                continue
            found = _bib_references("\n".join(lines[number - 1 : end + 1]), number, end + 1, tags)
            if isinstance(found, str):
                skipped.extend(
                    Skipped(n, lines[n - 1].strip(), found) for n in range(number, end + 2)
                )
            else:
                refs.extend(found)
            index = end + 1
            continue
        if _RULE.fullmatch(line):
            parsed.headings += 1
            continue
        if len(line) > MAX_LINE:
            skipped.append(Skipped(number, line[:80] + "…", f"longer than {MAX_LINE} characters"))
            continue
        heading = _HEADING.match(line) if markdown else None
        if heading or _REFERENCE_HEADING.match(line):
            in_references = bool(_REFERENCE_HEADING.match(line))
            if heading:
                level = len(heading.group("hashes"))
                headings = [(lv, t) for lv, t in headings if lv < level]
                if not (level == 1 and h1_count == 1) and not in_references:
                    headings.append((level, _slug(heading.group("text"))))
            parsed.headings += 1
            continue
        bullet = _BULLET.match(line)
        read: bool | None = None
        body = line
        if bullet:
            body = bullet.group("text")
            if bullet.group("box") is not None:
                read = bullet.group("box").lower() == "x"
        prose = is_prose(body) or (CJK.search(body) is not None and not in_references)
        if (
            prose
            or (article and not bullet and not in_references)
            or (
                markdown
                and not bullet
                and not in_references
                and not article
                and not (find_arxiv_ids(line) or _LINK.search(line))
            )
        ):
            cited = _references_in_prose(body, number, tags)
            if cited:
                for ref in cited:
                    ref.read = read
                refs.extend(cited)
            else:
                reason = (
                    "prose, no cited work in it"
                    if prose or markdown
                    else ("a short line in an article, not a reference")
                )
                skipped.append(Skipped(number, line.strip(), reason))
            continue
        if not bullet and not markdown and line.rstrip().endswith(":"):
            skipped.append(
                Skipped(number, line.strip(), "a label (ends with ':'), not a reference")
            )
            continue
        outcome = _reference_from(body, number, read, tags)
        if (
            article
            and not bullet
            and isinstance(outcome, Reference)
            and not (outcome.citation.authors_hint or outcome.citation.year_hint or outcome.ids)
            and outcome.arxiv_id is None
        ):
            # Under a references heading of an article, a line without authors, a year or an
            # identifier is a caption or an advert, not an entry.
            outcome = Skipped(number, line.strip(), "a short line in an article, not a reference")
        if isinstance(outcome, Skipped):
            skipped.append(outcome)
        else:
            refs.append(outcome)
    return parsed
