"""Cited works found in running text: an article, a blog post, a related-work section. Pure.

What counts as a cited work in prose, and nothing else: a title in 《》 「」 『』, a quoted or
*italic* title (Latin script, two words or more, starting with a capital), "Title (Author et
al., Year)" with the title right before the parenthesis, "Author et al. (Year)" and
"(Author, Year)" without a title, and arXiv or DOI links and ids. Loose words, product names
and quoted phrases in other scripts are not references: a list is never filled with guesses.

Which lines are prose (``is_prose``): a line with four or more CJK characters, a line longer
than 300 characters, or one of 20 words or more of which at least 30 % are function words
("the", "of", "we", "is", ...). Reference entries, even long ACL ones, are mostly names and
title words, so they stay below that share.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from reading_list.formats.reference_lines import (
    YEAR,
    authors_like,
    clean_reference_text,
    tidy,
)
from reading_list.identifiers import WorkId

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_FUNCTION_WORDS = frozenset(
    """the a an of to in on for and or but is are was were be been being it its this that
    these those we you they he she i our their his her as at by with from not no so than then
    there here which who what when where how why can could would should will may might must
    do does did have has had very more most also just only into about over after before""".split()
)
_BOOK_TITLE = re.compile(
    r"《(?P<t>[^《》]{2,300})》|「(?P<u>[^「」]{2,300})」|『(?P<v>[^『』]{2,300})』"
)
_QUOTED = re.compile(r"“(?P<t>[^“”]{3,300})”|\"(?P<u>[^\"]{3,300})\"")
_ITALIC = re.compile(
    r"(?<![\w*])\*(?P<t>[^*\s][^*]{2,300}?)\*(?![\w*])|(?<![\w_])_(?P<u>[^_\s][^_]{2,300}?)_(?![\w_])"
)
_PARENTHESIS = re.compile(r"\((?P<inside>[^()]{2,300})\)")
_AUTHOR_YEAR = re.compile(
    r"(?P<authors>\b[A-Z][\w'’-]+(?:\s+(?:et\s+al\.?|(?:and|&)\s+[A-Z][\w'’-]+))?)\s*"
    r"\(\s*(?P<year>(?:19|20)\d\d)[a-z]?\s*\)"
)
_RUN_STOP = re.compile(r"[()\[\]{}<>。，、；！？,;!?\x00\n]")
_GLUED_INITIAL = re.compile(r"(?<=\b[A-Z]\.)(?=[A-Z][a-z])")
_GLUED_ET_AL = re.compile(r"(?<=[a-z])et\s+al\b")
_LEAD_WORDS = re.compile(r"^(?:the\s+)?(?:papers?|work|article|preprint)\s+", re.IGNORECASE)
TITLE_STOPWORDS = frozenset(
    "a an the and or of for to in on at by with from via as is are be its into using vs".split()
)
PLACEHOLDER = "\x00"


@dataclass
class Cited:
    """One work a line of prose cites, with how it was recognised."""

    title: str
    authors: str = ""
    year: int | None = None
    ids: list[WorkId] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    how: str = ""


def is_prose(line: str) -> bool:
    if len(CJK.findall(line)) >= 4 or len(line) > 300:
        return True
    words = [w.strip(",.;:!?()\"'“”").lower() for w in line.split()]
    if len(words) < 20:
        return False
    return sum(w in _FUNCTION_WORDS for w in words) / len(words) >= 0.3


def _normalise(line: str) -> str:
    # Fullwidth brackets, commas and colons as in CJK text; letters are left alone.
    line = unicodedata.normalize("NFKC", line)
    line = _GLUED_ET_AL.sub(" et al", line)
    return _GLUED_INITIAL.sub(" ", line)


def _latin_words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z][A-Za-z0-9'’-]*", text)


def _title_like(text: str) -> bool:
    """Latin script, two words or more (one will do for a name like "DeepCoder"), starting
    with a capital, no sentence inside."""
    if CJK.search(text):
        return False
    words = _latin_words(text)
    if not words or len(words) > 30 or not words[0][0].isupper():
        return False
    if len(words) == 1:
        return bool(re.search(r"[A-Z].*[A-Z]|\d", words[0]))
    return not re.search(r"[.!?]\s+[A-Z]", text)


def _author_year(inside: str) -> tuple[str, int | None] | None:
    """ "Zaremba, Sutskever, 2014" / "Balog et al., 2016" / "Menon et al." as (authors, year)."""
    years = list(YEAR.finditer(inside))
    year = int(years[-1].group(1)) if years else None
    rest = YEAR.sub(" ", inside)
    rest = " ".join(re.sub(r"\s*,\s*(?:,\s*)*", ", ", rest).split()).strip(" ,;")
    has_et_al = bool(re.search(r"\bet\s+al\b", rest))
    if year is None and not has_et_al:
        return None
    if rest and not authors_like(rest):
        return None
    return rest, year


def _title_before(text: str, end: int) -> tuple[str, int]:
    """The title that ends right before ``end`` and where it starts: the Latin run back to a
    bracket, a comma or a CJK character. Unless CJK text bounds it, the run is cut to its
    title-cased tail: "as shown in Learning to Execute" -> "Learning to Execute"."""
    start = end
    while start > 0 and not _RUN_STOP.match(text[start - 1]) and not CJK.match(text[start - 1]):
        start -= 1
    words = text[start:end].split()
    bounded = start > 0 and (bool(CJK.match(text[start - 1])) or text[start - 1] == PLACEHOLDER)
    if not bounded:
        keep = len(words)
        for i in range(len(words) - 1, -1, -1):
            word = words[i].strip("\"'“”:")
            if word and (word[0].isupper() or word[0].isdigit()):
                keep = i
            elif word and word.lower() not in TITLE_STOPWORDS:
                break
        words = words[keep:]
    while words and words[0] in TITLE_STOPWORDS:
        words = words[1:]
    title = _LEAD_WORDS.sub("", " ".join(words)).strip(" :-–—")
    if not title:
        return "", end
    return title, text.rfind(words[0], start, end)


def find_cited(line: str) -> list[Cited]:
    """Every cited work in one line of prose, in order of appearance."""
    text = _normalise(line)
    found: list[tuple[int, Cited]] = []

    def attach_parenthesis(after: int, cited: Cited) -> int:
        m = _PARENTHESIS.match(text, after) or _PARENTHESIS.match(text, after + 1)
        if m and text[after : m.start()].strip() == "" and (ay := _author_year(m.group("inside"))):
            cited.authors, cited.year = ay
            return m.end()
        return after

    spans: list[tuple[int, int]] = []
    for pattern, how in (
        (_BOOK_TITLE, "title in brackets"),
        (_QUOTED, "quoted title"),
        (_ITALIC, "italic title"),
    ):
        for m in pattern.finditer(text):
            if any(a <= m.start() < b for a, b in spans):
                continue
            title = tidy(next(g for g in m.groups() if g is not None)).strip(" ,.;:")
            if not _title_like(title) or (pattern is not _BOOK_TITLE and len(title.split()) < 2):
                continue
            cited = Cited(title, how=how)
            end = attach_parenthesis(m.end(), cited)
            spans.append((m.start(), end))
            found.append((m.start(), cited))
    masked = list(text)
    for a, b in spans:
        masked[a:b] = PLACEHOLDER * (b - a)
    text_masked = "".join(masked)
    for m in _PARENTHESIS.finditer(text_masked):
        ay = _author_year(m.group("inside"))
        if ay is None:
            continue
        title, start = _title_before(text_masked, m.start())
        title = title.strip()
        if title and not _title_like(title):
            title = ""
        authors, year = ay
        if not title and not authors:
            continue
        found.append(
            (
                start,
                Cited(
                    title,
                    authors=authors,
                    year=year,
                    how="title (authors, year)" if title else "author-year citation",
                ),
            )
        )
        text_masked = text_masked[:start] + PLACEHOLDER * (m.end() - start) + text_masked[m.end() :]
    for m in _AUTHOR_YEAR.finditer(text_masked):
        found.append(
            (
                m.start(),
                Cited(
                    "",
                    authors=m.group("authors"),
                    year=int(m.group("year")),
                    how="author-year citation",
                ),
            )
        )
    _, ids, links = clean_reference_text(
        " ".join(
            w for w in text.split() if re.search(r"arxiv|doi|10\.\d{4}|\d{4}\.\d{4,5}", w, re.I)
        )
    )
    for ident in ids:
        if ident.kind in ("arxiv", "doi", "openreview", "acl", "dblp"):
            found.append(
                (
                    len(text),
                    Cited(
                        "",
                        ids=[ident],
                        links=[u for u in links if ident.value.lower() in u.lower()],
                        how="identifier",
                    ),
                )
            )
    found.sort(key=lambda pair: pair[0])
    out: list[Cited] = []
    for _, cited in found:
        if cited.title and any(c.title.lower() == cited.title.lower() for c in out):
            continue
        out.append(cited)
    return out
