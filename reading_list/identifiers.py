"""Pure parsing of work identifiers in every shape people paste them: arXiv ids, DOIs, DBLP
keys, OpenReview and ACL Anthology ids, and other links. No I/O.

Patterns are ASCII-only on purpose: Python's ``\\d`` also matches look-alike digits
(fullwidth ``１``, Arabic-Indic ``٣``), which must not become a second id for one work."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
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
_FULL_ID_RE = re.compile(rf"^(?:{_NEW}|{_OLD}){_VERSION}$", re.IGNORECASE | re.ASCII)

_URL_PREFIX = re.compile(
    r"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html|format|ps)/",
    re.IGNORECASE | re.ASCII,
)
_DOI_PREFIX = re.compile(
    r"^(?:(?:https?://)?(?:dx\.)?doi\.org/|doi:\s*)?10\.48550/arxiv\.", re.IGNORECASE | re.ASCII
)
_ARXIV_PREFIX = re.compile(r"^arxiv\s*:\s*", re.IGNORECASE | re.ASCII)

# Inside free text: an id must not be glued to other digits, dots or letters.
_IN_TEXT_RE = re.compile(
    rf"(?<![\w.])(?:arxiv\s*:\s*|10\.48550/arxiv\.|arxiv\.org/(?:abs|pdf|html)/)?"
    rf"(?:{_NEW}|{_OLD}){_VERSION}(?![\w])",
    re.IGNORECASE | re.ASCII,
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
    m = re.match(r"^(?:[a-z-]+/)?([0-9]{2})[0-9]{2}", arxiv_id)
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
# Compiled on first use (re's cache), not at import: identifiers is on every command's path.
_DOI_LINK_OR_LABEL = r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)"


def arxiv_doi(arxiv_id: str) -> str:
    return f"{ARXIV_DOI_PREFIX}arXiv.{arxiv_id}"


def bare_doi(value: str) -> str:
    """``10.x/...`` without a resolver URL or ``doi:`` in front, or "" when there is none."""
    words = re.sub(_DOI_LINK_OR_LABEL, "", value.strip(), flags=re.IGNORECASE).split()
    return words[0] if words else ""


def is_arxiv_doi(value: str) -> bool:
    return bare_doi(value).lower().startswith(ARXIV_DOI_PREFIX)


def published_doi(value: str | None) -> str | None:
    """The bare DOI of a published version; None for none, or for arXiv's own DOI."""
    doi = bare_doi(value or "")
    return doi if doi and not is_arxiv_doi(doi) else None


# ---- any work: DOIs, DBLP keys, OpenReview and ACL Anthology ids, links ---------------------

WorkIdKind = Literal["arxiv", "doi", "dblp", "openreview", "acl", "url"]

# Crossref's own advice for matching modern DOIs: 10.NNNN(.NNNN)*/suffix (suffix: no spaces).
_DOI_CORE = r"10\.[0-9]{4,9}(?:\.[0-9]+)*/[^\s\"<>{}]+"
_DOI_BARE = re.compile(rf"^(?:doi\s*:\s*|urn:doi:)?(?P<doi>{_DOI_CORE})$", re.IGNORECASE | re.ASCII)
_DOI_RESOLVER = re.compile(
    rf"^(?:https?://)?(?:dx\.|www\.)?doi\.org/(?P<doi>{_DOI_CORE})$", re.IGNORECASE | re.ASCII
)
# A publisher's page that embeds the DOI in its path (ACM, Springer, Wiley, APS, IEEE Xplore's
# /document pages do not): the DOI runs to the end of the path, minus a view suffix.
_DOI_IN_PATH = re.compile(rf"/(?P<doi>{_DOI_CORE})$", re.IGNORECASE | re.ASCII)
_DOI_VIEW_SUFFIX = re.compile(r"(?:\.pdf|/(?:full|abstract|pdf|epdf|html|meta|references))+$")
_DOI_IN_TEXT = re.compile(rf"(?<![\w.])(?P<doi>{_DOI_CORE})", re.IGNORECASE | re.ASCII)
_DOI_TRAILING = ".,;:)]}'\""

# dblp keys name a record type, a venue stream and the record: conf/nips/VaswaniSPUJGKP17.
_DBLP_KEY = r"(?:conf|journals|books|series|phd|reference|tr|informal)/[\w.+-]+/[\w'.+-]+?"
_DBLP_BARE = re.compile(rf"^(?:dblp\s*:\s*)?(?P<key>{_DBLP_KEY})$", re.IGNORECASE | re.ASCII)
_DBLP_URL = re.compile(
    rf"^(?:https?://)?(?:www\.)?dblp(?:\d?\.uni-trier\.de|\.org|\.dagstuhl\.de)"
    rf"/rec/(?:(?:bib|bib0|bib1|bib2|xml|[012])/)?(?P<key>{_DBLP_KEY})"
    rf"(?:\.(?:html|bib|xml|ris|nt|ttl|rdf))?(?:[?#].*)?$",
    re.IGNORECASE | re.ASCII,
)
_OPENREVIEW_URL = re.compile(
    r"^(?:https?://)?(?:www\.)?openreview\.net/(?:forum|pdf|attachment)\?(?:.*&)?id=(?P<id>[\w-]+)",
    re.IGNORECASE | re.ASCII,
)
_OPENREVIEW_BARE = re.compile(r"^openreview\s*:\s*(?P<id>[\w-]+)$", re.IGNORECASE | re.ASCII)
# ACL Anthology ids: old P19-1001 style and new 2020.acl-main.1 style.
_ACL_ID = r"(?:[A-Z][0-9]{2}-[0-9]{4}|[0-9]{4}\.[a-z0-9-]+\.[0-9]+)"
_ACL_URL = re.compile(
    rf"^(?:https?://)?(?:www\.)?(?:aclanthology\.org|aclweb\.org/anthology)/(?P<id>{_ACL_ID})"
    r"(?:\.pdf|\.bib|/)?(?:[?#].*)?$",
    re.IGNORECASE | re.ASCII,
)
_HTTP_URL = re.compile(r"^https?://[^\s/]+\.[^\s/]+\S*$", re.IGNORECASE | re.ASCII)


@dataclass(frozen=True)
class WorkId:
    """One identifier of a work. ``value`` is canonical for its kind: an arXiv id without
    version, a DOI in lower case (DOIs are case-insensitive), a dblp key, an OpenReview or
    ACL Anthology id, or a URL as given."""

    kind: WorkIdKind
    value: str
    version: int | None = None

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


def normalise_doi(doi: str) -> str:
    return unquote(doi).strip().rstrip(_DOI_TRAILING).lower()


def doi_identity(value: str | None) -> str | None:
    """The identity a stored DOI field gives its work (canonical, as a WorkId's value); None
    for none, for arXiv's own DOI (the preprint's), or for text that is no DOI."""
    doi = published_doi(value)
    canonical = normalise_doi(doi) if doi else ""
    return canonical if canonical.startswith("10.") else None


def _doi_work_id(doi: str) -> WorkId:
    doi = normalise_doi(doi)
    if doi.startswith(f"{ARXIV_DOI_PREFIX}arxiv."):
        ident = parse_arxiv_id(doi)
        return WorkId("arxiv", ident.id, ident.version)
    return WorkId("doi", doi)


def parse_work_id(value: str) -> WorkId:
    """One identifier of any supported kind, from any shape people paste.

    A DOI of an arXiv paper (10.48550) is an arXiv id. Raises InvalidIdentifier naming the
    value when it is none of them."""
    text = value.strip()
    if not text:
        raise InvalidIdentifier(value, "empty identifier")
    try:
        ident = parse_arxiv_id(text)
    except InvalidIdentifier:
        pass
    else:
        return WorkId("arxiv", ident.id, ident.version)
    for pattern in (_DOI_BARE, _DOI_RESOLVER):
        if m := pattern.match(unquote(text)):
            return _doi_work_id(m.group("doi"))
    if m := _DBLP_BARE.match(text) or _DBLP_URL.match(text):
        return WorkId("dblp", m.group("key"))
    if m := _OPENREVIEW_URL.match(text) or _OPENREVIEW_BARE.match(text):
        return WorkId("openreview", m.group("id"))
    if m := _ACL_URL.match(text):
        return WorkId("acl", m.group("id"))
    if _HTTP_URL.match(text):
        path = unquote(re.sub(r"[?#].*$", "", text))
        if m := _DOI_IN_PATH.search(_DOI_VIEW_SUFFIX.sub("", path)):
            return _doi_work_id(m.group("doi"))
        return WorkId("url", text)
    raise InvalidIdentifier(value, "not an arXiv id, DOI, dblp key or link")


def find_dois(text: str) -> list[str]:
    """Every DOI mentioned in free text (lower case), in order, without repeats."""
    found: list[str] = []
    for m in _DOI_IN_TEXT.finditer(text):
        doi = normalise_doi(_DOI_VIEW_SUFFIX.sub("", m.group("doi")))
        if doi not in found:
            found.append(doi)
    return found


def doi_url(doi: str) -> str:
    return f"https://doi.org/{doi}"


def openreview_url(forum_id: str) -> str:
    return f"https://openreview.net/forum?id={forum_id}"
