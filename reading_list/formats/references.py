"""Pure parsing of reference files: a JSON array of citations, plain text, or Markdown.

Markdown reading lists as people keep them on GitHub: bullets and numbered items are
references; a link to arXiv gives the id, a link elsewhere makes a manual entry; ``- [x]`` is
read, ``- [ ]`` to-read; headings become tags. Prose, keywords and code blocks are reported as
skipped, never guessed at.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from pydantic import ValidationError

from reading_list.errors import InvalidInput
from reading_list.identifiers import find_arxiv_ids
from reading_list.models import Citation

MAX_LINE = 1000
_BULLET = re.compile(r"^\s*(?:[-*+]|\d{1,4}[.)])\s+(?:\[(?P<box>[ xX])\]\s+)?(?P<text>.*)$")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<url><[^>]*>|[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_BARE_URL = re.compile(r"https?://[^\s)>\]]+")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_APA = re.compile(
    r"^(?P<authors>.+?)\s*\((?P<year>(?:19|20)\d\d)[a-z]?\)\.?\s*(?P<title>.+?[.?!])(?:\s|$)"
)
_QUOTED = re.compile(r"[\"“《「](?P<title>[^\"”》」]{3,})[\"”》」]")
_ID_IN_TEXT = re.compile(
    r"(?i)(?:arxiv\s*:\s*)?(?<![\w.])(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?!\w)"
)
_LINK_ONLY_PAREN = re.compile(r"\(\s*\[[^\]]*\]\([^)]*\)\s*\)")
_ARXIV_HOST = re.compile(r"^https?://(?:www\.|export\.)?arxiv\.org/", re.IGNORECASE)


@dataclass
class Reference:
    """One reference found in a file, with what the file says about it."""

    line: int
    citation: Citation
    arxiv_id: str | None = None
    url: str | None = None
    read: bool | None = None
    tags: list[str] = field(default_factory=list)


@dataclass
class Skipped:
    line: int
    text: str
    reason: str


@dataclass
class ParsedFile:
    references: list[Reference]
    skipped: list[Skipped]


def _clean_text(text: str) -> str:
    text = re.sub(r"[*_`~]{1,3}", "", text)
    text = "".join(c for c in text if c.isprintable())
    return " ".join(text.split())


def split_reference(text: str) -> Citation | None:
    """Title, author hint and year hint from one free-form reference (None if nothing is left)."""
    text = _clean_text(text).strip(" -–—:;,")
    if not text:
        return None
    year_match = _YEAR.search(text)
    year = int(year_match.group(1)) if year_match else None
    apa = _APA.match(text)
    if apa:
        return Citation(
            cited_as=apa.group("title").rstrip("."),
            authors_hint=apa.group("authors").strip(" ,"),
            year_hint=int(apa.group("year")),
        )
    quoted = _QUOTED.search(text)
    if quoted:
        rest = (text[: quoted.start()] + " " + text[quoted.end() :]).strip(" ,.;:")
        rest = _YEAR.sub("", rest).strip(" ,.;:()")
        return Citation(cited_as=quoted.group("title").strip(), authors_hint=rest, year_hint=year)
    authors = ""
    title = text
    paren = re.search(r"\(([^()]*)\)\s*\.?$", text)
    if paren and (_YEAR.search(paren.group(1)) or "et al" in paren.group(1).lower()):
        inside = _YEAR.sub("", paren.group(1)).strip(" ,.;")
        authors = inside
        title = text[: paren.start()].strip()
    elif year_match:
        title = (text[: year_match.start()] + text[year_match.end() :]).strip(" ,.;()")
    return Citation(cited_as=title or text, authors_hint=authors, year_hint=year)


def _slug(heading: str) -> str:
    return " ".join(re.sub(r"[^\w\s-]", " ", _clean_text(heading).lower()).split())


def _reference_from(text: str, line: int, read: bool | None, tags: list[str]) -> Reference | None:
    arxiv_id: str | None = None
    url: str | None = None
    for link in _LINK.finditer(text):
        target = link.group("url").strip("<>")
        if _ARXIV_HOST.match(target) and (ids := find_arxiv_ids(target)):
            arxiv_id = arxiv_id or ids[0].id
        elif url is None and target.lower().startswith(("http://", "https://")):
            url = target
    # "(label)" links such as "([OpenReview](...))" name the host, not the work.
    plain = _LINK.sub(lambda m: m.group("text"), _LINK_ONLY_PAREN.sub(" ", text))
    if arxiv_id is None and (ids := find_arxiv_ids(plain)):
        arxiv_id = ids[0].id
    if arxiv_id is None and url is None and (bare := _BARE_URL.search(plain)):
        url = bare.group(0).rstrip(".,;")
    plain = _ID_IN_TEXT.sub(" ", _BARE_URL.sub(" ", plain))
    citation = split_reference(plain) if _words(plain) else None
    if citation is None:
        if not arxiv_id:
            return None
        citation = Citation(cited_as=f"arXiv:{arxiv_id}")
    is_keyword = len(citation.cited_as.split()) < 2 and not (
        citation.authors_hint or citation.year_hint
    )
    if arxiv_id is None and url is None and is_keyword:
        return None
    return Reference(line, citation, arxiv_id=arxiv_id, url=url, read=read, tags=list(tags))


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]{2,}", text)


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
    return ParsedFile(refs, [])


def parse_references(text: str, *, markdown: bool | None = None) -> ParsedFile:
    """Parse a citations file. JSON when it starts with '[', else text or Markdown."""
    if "\x00" in text:
        raise InvalidInput("binary data, not a citations file")
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("{") or (
        stripped.startswith("[") and not _LINK.match(stripped.splitlines()[0])
    ):
        return _parse_json(text)
    lines = text.splitlines()
    if markdown is None:
        markdown = any(_HEADING.match(x) or _BULLET.match(x) for x in lines)
    refs: list[Reference] = []
    skipped: list[Skipped] = []
    headings: list[tuple[int, str]] = []
    h1_count = sum(1 for x in lines if re.match(r"^#\s", x))
    in_code = False
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip()
        if line.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
            skipped.append(Skipped(number, line, "code block"))
            continue
        if in_code:
            skipped.append(Skipped(number, line, "code block"))
            continue
        if not line.strip() or re.fullmatch(r"\s*(?:[-*_=]\s*){3,}", line):
            continue
        if len(line) > MAX_LINE:
            skipped.append(Skipped(number, line[:80] + "…", f"longer than {MAX_LINE} characters"))
            continue
        heading = _HEADING.match(line) if markdown else None
        if heading:
            level = len(heading.group("hashes"))
            headings = [(lv, t) for lv, t in headings if lv < level]
            if not (level == 1 and h1_count == 1):
                headings.append((level, _slug(heading.group("text"))))
            continue
        tags = [t for _, t in headings if t]
        bullet = _BULLET.match(line)
        read: bool | None = None
        if bullet:
            body = bullet.group("text")
            if bullet.group("box") is not None:
                read = bullet.group("box").lower() == "x"
        elif markdown:
            if find_arxiv_ids(line) or _LINK.search(line):
                body = line
            else:
                skipped.append(Skipped(number, line.strip(), "prose, not a list item"))
                continue
        else:
            body = line
            if line.rstrip().endswith(":") or len(line) > 300:
                skipped.append(Skipped(number, line.strip(), "not a reference"))
                continue
        ref = _reference_from(body, number, read, tags)
        if ref is None:
            skipped.append(Skipped(number, body.strip(), "a keyword, not a reference"))
        else:
            refs.append(ref)
    return ParsedFile(refs, skipped)
