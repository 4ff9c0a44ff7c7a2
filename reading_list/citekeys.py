"""Pure citekey generation: ``surname + v1 year + first significant title word``. No I/O."""

from __future__ import annotations

import re
import string
from collections.abc import Collection

from reading_list.errors import UsageError
from reading_list.names import fold_ascii, split_name

DEFAULT_PATTERN = "{auth}{year}{title}"
PATTERN_FIELDS = ("auth", "year", "title")
STOPWORDS = frozenset(
    """a an the and or but nor of for to in on at by with from into onto over under via as is are
    be been being was were it its this that these those what which who whom whose how why when
    where do does did can could should would may might must will shall not no than then there
    their our your his her we you they i me my us toward towards about above after again against
    all any both each few more most other some such only own same so too very just also between
    through during before below up down out off further once here if while because until""".split()
)
# Words of a line of notes or of a link that say nothing of the work: never in a key (a key
# such as "arxiv2017optimization" would claim an arXiv paper).
KEY_NOISE = frozenset("arxiv todo fixme url http https www pdf".split())
_ALLOWED = re.compile(r"[^a-z0-9]")
# Every citekey the tool writes, or keeps from a .bib file or a dump, is made of these.
_USABLE = re.compile(r"^[A-Za-z0-9_:./+-]+$")
_MATH = re.compile(r"\$[^$]*\$")
_TEX_COMMAND = re.compile(r"\\[A-Za-z]+")


class PatternError(UsageError):
    """A citekey pattern with unknown fields or broken braces."""


def _clean(text: str) -> str:
    return _ALLOWED.sub("", fold_ascii(text).lower())


def author_part(authors: list[str], fallback: str = "") -> str:
    """The first author's family name, folded; ``fallback`` when there is none in Latin
    letters (and "" when that is empty too)."""
    if authors:
        name = split_name(authors[0])
        key = _clean(name.full_family if not name.corporate else name.family.split()[0])
        if key:
            return key
    return _clean(fallback)


def title_words(title: str, limit: int = 2) -> list[str]:
    """The first ``limit`` significant words of a title, folded (math and TeX commands
    skipped)."""
    text = _TEX_COMMAND.sub(" ", _MATH.sub(" ", title))
    found: list[str] = []
    for word in re.split(r"[^0-9A-Za-z\u00c0-\uffff]+", text):
        cleaned = _clean(word)
        if cleaned and cleaned not in STOPWORDS:
            found.append(cleaned)
            if len(found) == limit:
                break
    return found


def title_word(title: str) -> str:
    words = title_words(title, 1)
    return words[0] if words else ""


def check_pattern(pattern: str) -> None:
    """Raise PatternError unless ``pattern`` uses only {auth}, {year} and {title}."""
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(pattern) if f is not None}
    except ValueError as exc:
        raise PatternError(f"bad citekey pattern {pattern!r}: {exc}") from None
    unknown = names - set(PATTERN_FIELDS)
    if unknown:
        raise PatternError(
            f"unknown field(s) {', '.join(sorted(unknown))} in citekey pattern {pattern!r}; "
            "use {auth}, {year}, {title}"
        )


def base_citekey(
    authors: list[str],
    year: int | None,
    title: str,
    *,
    fallback: str = "",
    organisation: str = "",
    pattern: str = DEFAULT_PATTERN,
) -> str:
    """The key before clash suffixes, from the work's own metadata: its first author, else
    its ``organisation`` (the body that issued it), else its arXiv id ``fallback`` when its
    authors' names have no Latin letters (only a work on arXiv has one), else the title's
    first significant word (and the next word stands for the title)."""
    words = [w for w in title_words(title, 4) if w not in KEY_NOISE][:2]
    auth = author_part(authors) or _clean(next(iter(title_words(organisation)), ""))
    if not auth and authors and fallback:
        auth = _clean("arxiv" + fallback)
    title_part = words[0] if words else ""
    if not auth and words:
        auth, title_part = words[0], (words[1] if len(words) > 1 else "")
    fields = {"auth": auth, "year": str(year) if year else "", "title": title_part}
    check_pattern(pattern)
    return _clean(pattern.format(**fields)) or "ref"


def unique_citekey(base: str, taken: Collection[str]) -> str:
    """``base``, or base + a, b, ... z, aa, ab ... when taken (compared case-insensitively)."""
    lowered = {t.lower() for t in taken}
    if base.lower() not in lowered:
        return base
    n = 0
    while True:
        suffix, k = "", n
        while True:
            suffix = chr(ord("a") + k % 26) + suffix
            k = k // 26 - 1
            if k < 0:
                break
        if f"{base}{suffix}".lower() not in lowered:
            return f"{base}{suffix}"
        n += 1


def usable_citekey(key: str) -> bool:
    """Whether ``key`` is one a citekey may be (safe in BibTeX, a file name and a URL)."""
    # fullmatch: "$" alone would let a key end in a newline.
    return bool(_USABLE.fullmatch(key))
