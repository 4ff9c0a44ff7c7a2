"""Pure parsing of arXiv identifiers in every shape people paste them. No I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from reading_list.errors import InvalidIdentifier

# Archives that issued old-style ids (before April 2007), from arxiv-base's taxonomy.
OLD_ARCHIVES = frozenset(
    "acc-phys adap-org alg-geom ao-sci astro-ph atom-ph bayes-an chao-dyn chem-ph cmp-lg "
    "comp-gas cond-mat cs dg-ga funct-an gr-qc hep-ex hep-lat hep-ph hep-th math math-ph "
    "mtrl-th nlin nucl-ex nucl-th patt-sol physics plasm-ph q-alg q-bio quant-ph solv-int "
    "supr-con".split()
)

_NEW = r"(?P<new>(?P<yy>\d{2})(?P<mm>\d{2})\.(?P<num>\d{4,5}))"
_OLD = r"(?P<old>(?P<arch>[a-z]+(?:-[a-z]+)?)(?:\.[A-Za-z]{2})?/(?P<oyy>\d{2})(?P<omm>\d{2})\d{3})"
_VERSION = r"(?:v(?P<version>\d+))?"
_ID_RE = re.compile(rf"(?:{_NEW}|{_OLD}){_VERSION}", re.IGNORECASE)
_FULL_ID_RE = re.compile(rf"^(?:{_NEW}|{_OLD}){_VERSION}$", re.IGNORECASE)

_URL_PREFIX = re.compile(
    r"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html|format|ps)/", re.IGNORECASE
)
_DOI_PREFIX = re.compile(
    r"^(?:(?:https?://)?(?:dx\.)?doi\.org/|doi:\s*)?10\.48550/arxiv\.", re.IGNORECASE
)
_ARXIV_PREFIX = re.compile(r"^arxiv\s*:\s*", re.IGNORECASE)

# Inside free text: an id must not be glued to other digits, dots or letters.
_IN_TEXT_RE = re.compile(
    rf"(?<![\w.])(?:arxiv\s*:\s*|10\.48550/arxiv\.|arxiv\.org/(?:abs|pdf|html)/)?"
    rf"(?:{_NEW}|{_OLD}){_VERSION}(?![\w])",
    re.IGNORECASE,
)


@dataclass(frozen=True, order=True)
class ArxivId:
    """An arXiv identifier: ``id`` never carries a version; ``version`` is separate."""

    id: str
    version: int | None = None

    def __str__(self) -> str:
        return f"{self.id}v{self.version}" if self.version else self.id

    @property
    def is_old_style(self) -> bool:
        return "/" in self.id


def _from_match(m: re.Match[str], raw: str) -> ArxivId:
    version = int(m.group("version")) if m.group("version") else None
    if version == 0:
        raise InvalidIdentifier(raw, "versions start at v1")
    if m.group("new"):
        yy, mm, num = m.group("yy"), m.group("mm"), m.group("num")
        if not 1 <= int(mm) <= 12:
            raise InvalidIdentifier(raw, f"month {mm} does not exist")
        # Four-digit numbers ran from 0704 to 1412; five digits from 1501 on.
        if len(num) == 5 and int(yy) < 15:
            raise InvalidIdentifier(raw, "five-digit numbers start in 2015 (15xx)")
        if len(num) == 4 and (int(yy), int(mm)) >= (15, 1):
            raise InvalidIdentifier(raw, "ids from 2015 on have five digits after the dot")
        if len(num) == 4 and (int(yy), int(mm)) < (7, 4):
            raise InvalidIdentifier(raw, "new-style ids start at 0704")
        return ArxivId(f"{yy}{mm}.{num}", version)
    archive = m.group("arch").lower()
    if archive not in OLD_ARCHIVES:
        raise InvalidIdentifier(raw, f"unknown arXiv archive {archive!r}")
    if not 1 <= int(m.group("omm")) <= 12:
        raise InvalidIdentifier(raw, f"month {m.group('omm')} does not exist")
    number = m.group("old").split("/", 1)[1]
    return ArxivId(f"{archive}/{number}", version)


def parse_arxiv_id(value: str) -> ArxivId:
    """Parse one identifier: bare, ``arXiv:``-prefixed, an arxiv.org URL or the arXiv DOI.

    Raises InvalidIdentifier naming the bad value.
    """
    raw = value
    text = unquote(value.strip()).strip()
    if not text:
        raise InvalidIdentifier(raw, "empty identifier")
    text = _URL_PREFIX.sub("", text)
    text = _DOI_PREFIX.sub("", text)
    text = _ARXIV_PREFIX.sub("", text)
    text = re.sub(r"[?#].*$", "", text).rstrip("/")
    if text.lower().endswith(".pdf"):
        text = text[:-4]
    m = _FULL_ID_RE.match(text)
    if m is None:
        raise InvalidIdentifier(raw)
    return _from_match(m, raw)


def find_arxiv_ids(text: str) -> list[ArxivId]:
    """Every valid arXiv id mentioned in free text, in order, without repeats."""
    found: list[ArxivId] = []
    for m in _IN_TEXT_RE.finditer(text):
        try:
            ident = _from_match(m, m.group(0))
        except InvalidIdentifier:
            continue
        if all(f.id != ident.id for f in found):
            found.append(ident)
    return found


def submission_year(arxiv_id: str) -> int | None:
    """The v1 submission year, which every arXiv id encodes in its YYMM."""
    m = re.match(r"^(?:[a-z-]+/)?(\d{2})\d{2}", arxiv_id)
    if m is None:
        return None
    yy = int(m.group(1))
    return 1900 + yy if "/" in arxiv_id and yy >= 91 else 2000 + yy


def abs_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def pdf_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/pdf/{arxiv_id}"


# arXiv's own DOIs (10.48550/arXiv.ID) name the preprint, never a published version.
ARXIV_DOI_PREFIX = "10.48550/"
_DOI_RESOLVER = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def arxiv_doi(arxiv_id: str) -> str:
    return f"{ARXIV_DOI_PREFIX}arXiv.{arxiv_id}"


def bare_doi(value: str) -> str:
    """``10.x/...`` without a resolver URL or ``doi:`` in front, or "" when there is none."""
    words = _DOI_RESOLVER.sub("", value.strip()).split()
    return words[0] if words else ""


def is_arxiv_doi(value: str) -> bool:
    return bare_doi(value).lower().startswith(ARXIV_DOI_PREFIX)


def published_doi(value: str | None) -> str | None:
    """The bare DOI of a published version; None for none, or for arXiv's own DOI."""
    doi = bare_doi(value or "")
    return doi if doi and not is_arxiv_doi(doi) else None
