"""One reference, as people write it on a line, split into title, authors, year, venue and
identifiers, so that author and venue text never reaches the title comparison. Pure.

Styles read: ACL ("Authors. 2014. Title. In Venue."), APA ("Authors (2014). Title. Venue."),
"Author (2014) Title", IEEE ('A. Last and B. Last, "Title," in Venue, 2014.'), Chicago
('Last, First, and First Last. "Title." Venue, 2014.'), Vancouver ("Last AB, Last C. Title.
Venue. 2014."), natbib / NeurIPS / ICML bibliographies ("A. Last and B. Last. Title. In Venue,
2014."), numbered items ("[12]", "12.", "(12)"), "Title, Author et al. 2014", "Authors. Title.
2014", "Title (Author et al., 2014)", "Title by Author", and Markdown bullets with links,
badges and trailing counters ("⭐ 1.2k", "[code]", "(1234 citations)").

How: links, identifiers, badges and counters come out first; a quoted title wins; otherwise
the text is cut into sentences (at ". ", never after an initial) and each sentence is classed
as year, authors (every comma part a name: capitalised words, initials, particles, "et al"),
venue ("In ...", proceedings, journals, arXiv preprint) or title. Names are told from titles by
shape only, with a small list of words that appear in titles and never as names.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from reading_list.errors import InvalidIdentifier
from reading_list.identifiers import WorkId, find_arxiv_ids, find_dois, parse_work_id

MAX_REFERENCE = 1000

YEAR = re.compile(r"(?<![\w./-])(19[5-9]\d|20[0-4]\d)[a-z]?(?![\w/-])")
_NUMBERING = re.compile(r"^\s*(?:\[\d{1,4}\]|\(\d{1,4}\)|\d{1,4}[.)](?=\s))\s*")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<url><[^>]*>|[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]{0,200}>")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\]\)\"“”]+(?:\([^\s()]*\))?[^\s<>\]\)\"“”.,;]*")
# What a link's text says when it names a kind of resource rather than the work.
_LINK_LABEL = re.compile(
    r"^\s*(?:pdf|code|paper|arxiv|link|url|doi|slides?|video|blog(?: post)?|poster|project"
    r"(?: page)?|website|html|abs|abstract|bib(?:tex)?|github|openreview|semantic scholar|"
    r"acl ?anthology|dblp|proceedings|talk|demo|data(?:set)?|model|weights|colab|notebook|"
    r"\[?\d{1,4}\]?|here|this|↗|🔗)\s*$",
    re.IGNORECASE,
)
_COUNTER = re.compile(
    r"(?:[\[(]\s*)?(?:cited by\s*)?\d[\d,.]*\s*k?\s*(?:citations?|cites|cited|stars?|forks?)"
    r"(?:\s*[\])])?|(?:cited by|stars?:?|citations?:?)\s*\d[\d,.]*\s*k?",
    re.IGNORECASE,
)
_ARXIV_WORDS = re.compile(
    r"(?i)\b(?:arxiv\s+preprint\s*|corr\s*,?\s*(?:abs/)?|preprint\s*)?(?:arxiv\s*:\s*|abs/)?"
    r"(?=\d{4}\.\d{4,5}|[a-z-]+/\d{7})"
)
_DOI_WORDS = re.compile(r"(?i)\b(?:doi\s*:\s*|https?://(?:dx\.)?doi\.org/)")
_QUOTED = re.compile(r"[\"“”„«《「『‘](?P<title>[^\"“”„«»《》「」『』‘’]{2,}?)[\"“”»》」』’]")
_APA = re.compile(
    r"^(?P<authors>[^()]{2,300}?)\s*\(\s*(?:(?P<year>(?:19|20)\d\d)[a-z]?|n\.\s?d\.)"
    r"(?:,\s*[A-Za-z]+\.?(?:\s+\d{1,2})?)?\s*\)\s*[.,:]?\s*(?P<rest>.+)$"
)
_VANCOUVER_AUTHORS = re.compile(
    r"^(?P<authors>(?:[A-Z][\w'’-]+(?:\s(?:[a-z]{1,3}\s)?[A-Z][\w'’-]+)?\s[A-Z]{1,3}"
    r"(?:,\s*|\s+and\s+|\s*&\s*))*[A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+)?\s[A-Z]{1,3}"
    r"(?:,?\s*et\s+al)?)\.\s+(?P<rest>.+)$"
)
_INITIALS_FIRST_AUTHORS = re.compile(
    r"^(?P<authors>(?:(?:[A-Z]\.\s?(?:-?[A-Z]\.\s?)*)[A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+)?"
    r"(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*))*(?:[A-Z]\.\s?(?:-?[A-Z]\.\s?)*)[A-Z][\w'’-]+"
    r"(?:\s[A-Z][\w'’-]+)?(?:,?\s*et\s+al\.?)?)[.,:]\s+(?P<rest>.+)$"
)
_ET_AL = re.compile(r"\bet\.?\s*al\b\.?", re.IGNORECASE)
_GLUED_ET_AL = re.compile(r"(?<=[a-z])et\s+al\b")
_VENUE = re.compile(
    r"^(?:in[\s:]|proc\b|proceedings|advances in|arxiv|corr\b|preprint|journal|trans(?:actions)?"
    r"\b|conference|workshop|symposium|technical report|tech\.? rep|thesis|ph\.?d|master|"
    r"university|press\b|springer|elsevier|ieee|acm\b|mit press|openreview|pages?\b|pp\.|vol\.|"
    r"volume|nature\b|science\b|neural computation|machine learning\b|jmlr|tacl|pmlr|"
    r"(?:neurips|nips|icml|iclr|acl|naacl|eacl|emnlp|coling|cvpr|iccv|eccv|aaai|ijcai|kdd|"
    r"interspeech|icassp|uai|aistats|colt|sigir|www|wsdm|icra|iros|rss|corl|cikm|lrec|"
    r"conll|tacl|jmlr)\b)",
    re.IGNORECASE,
)
_VENUE_INSIDE = re.compile(
    r"\b(?:in proceedings|proceedings of|advances in neural|arxiv preprint|conference on|"
    r"journal of|transactions on|workshop on|pp\.\s*\d|pages\s+\d|vol\.\s*\d)",
    re.IGNORECASE,
)
_SENTENCE_ABBREVIATIONS = frozenset(
    "proc conf int adv vol no eds ed jr sr inc univ dept vs st trans lett rev phys comput "
    "assoc natl intl j sci res eng mach learn syst inf process appl stat math".split()
)
PARTICLES = frozenset(
    "van von der den de del della di da dos du la le bin ibn al el ter ten zu mac y".split()
)
# Words that title a work and never name a person: they tell "Layer Normalization" from
# "Geoffrey Hinton" when a part of a reference could be either.
TITLE_WORDS = frozenset(
    """learning learn learned network networks neural deep model models modeling modelling
    attention normalization translation language languages machine machines recognition
    representation representations generative adversarial training reinforcement memory
    sequence sequences recurrent convolutional transformer transformers algorithm algorithms
    analysis approach approaches method methods system systems data image images text speech
    vision visual graph graphs optimization inference bayesian probabilistic stochastic
    gradient descent embedding embeddings word words vector vectors classification detection
    segmentation generation parsing semantic neural supervised unsupervised self policy
    control robot robotic agents agent game games planning search question answering
    knowledge reasoning program programs programming code theory understanding towards
    efficient scalable fast simple large scale via using with for and the of on in to from
    a an is all you need are what how why when do does beyond into networks nets net
    autoencoder autoencoders encoder decoder variational regularization dropout batch layer
    layers residual pointer capsules routing dynamic distributed estimation sampling
    prediction predictive adaptive neural computation minimum description length principle
    tutorial survey review introduction overview laws scaling quantum chemistry message
    passing relational module modules simple study studies case benchmark dataset corpus
    evaluation""".split()
)
VENUE_NAMES = frozenset(
    """neurips nips icml iclr acl naacl eacl emnlp coling cvpr iccv eccv aaai ijcai kdd arxiv
    corr jmlr tacl pmlr interspeech icassp uai aistats colt sigir wsdm icra iros corl cikm
    lrec conll openreview""".split()
)
_FILLER = re.compile(
    r"^(?:the|a|an|that|this)\s+|\s+(?:paper|papers|article|work|one|preprint|thing|stuff)$",
    re.IGNORECASE,
)


@dataclass
class ReferenceParts:
    """What one reference says. ``descriptive`` marks a description ("dropout for LSTMs",
    "the transformer paper") rather than a title; None when the shape does not tell."""

    title: str
    authors: str = ""
    year: int | None = None
    venue: str = ""
    ids: list[WorkId] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    descriptive: bool | None = None


def tidy(text: str) -> str:
    text = "".join(c if c.isprintable() else " " for c in unicodedata.normalize("NFC", text))
    return " ".join(text.split())


def _strip_symbols(text: str) -> str:
    """Emoji, badges' stars and other pictographs say nothing about a work, nor do the
    counters that follow them ("⭐ 1.2k")."""
    text = re.sub(
        r"(\S)\s*\d[\d.,]*\s*[kKmM]?(?![\w.])",
        lambda m: " " if unicodedata.category(m.group(1)) == "So" else m.group(0),
        text,
    )
    return "".join(
        " " if unicodedata.category(c) in ("So", "Sk", "Cs", "Co") and c not in "^`" else c
        for c in text
    )


def _strip_emphasis(text: str) -> str:
    text = re.sub(r"(?<!\w)(\*{1,3}|_{1,3})(?=\S)(.+?)(?<=\S)\1(?!\w)", r"\2", text)
    return text.replace("`", "").replace("**", "")


def _identifiers(text: str, ids: list[WorkId], links: list[str]) -> str:
    """Collect links and identifiers into ``ids``/``links``; return the text without them."""

    def take_link(m: re.Match[str]) -> str:
        url = m.group("url").strip("<>")
        label = m.group("text")
        _add_id(url, ids, links)
        return " " if _LINK_LABEL.match(label) or not label.strip() else f" {label} "

    text = _IMAGE.sub(" ", text)
    text = re.sub(r"\[\[([^\]]*)\]\]\(", r"[\1](", text)
    text = _LINK.sub(take_link, text)
    text = _HTML_TAG.sub(" ", text)

    def take_url(m: re.Match[str]) -> str:
        _add_id(m.group(0).rstrip(".,;:"), ids, links)
        return " "

    text = _URL.sub(take_url, text)
    for doi in find_dois(text):
        _add_id(doi, ids, links)
    text = _DOI_WORDS.sub(" ", text)
    text = re.sub(r"(?i)(?<![\w.])10\.[0-9]{4,9}(?:\.[0-9]+)*/[^\s\"<>{}]+", " ", text)
    for ident in find_arxiv_ids(text):
        _add(WorkId("arxiv", ident.id, ident.version), ids)
    text = _ARXIV_WORDS.sub("", text)
    text = re.sub(
        r"(?i)(?:arxiv\s*:\s*|10\.48550/arxiv\.)?(?<![\w.])(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?"
        r"/\d{7})(?:v\d+)?(?![\w])",
        " ",
        text,
    )
    return text


def _add(ident: WorkId, ids: list[WorkId]) -> None:
    if all((i.kind, i.value) != (ident.kind, ident.value) for i in ids):
        ids.append(ident)


def _add_id(value: str, ids: list[WorkId], links: list[str]) -> None:
    value = value.strip()
    if value.lower().startswith("www."):
        value = "https://" + value
    try:
        ident = parse_work_id(value)
    except InvalidIdentifier:
        return
    _add(ident, ids)
    if value.lower().startswith(("http://", "https://")) and value not in links:
        links.append(value)


def _is_initial(token: str) -> bool:
    return bool(re.fullmatch(r"(?:[A-Z]\.?-?\s?){1,3}\.?|[A-Z]{1,3}", token.strip()))


def _name_token(token: str) -> bool:
    token = token.strip(".,;:")
    if not token:
        return True
    if token.lower() in PARTICLES or _is_initial(token):
        return True
    if token.lower() in TITLE_WORDS or token.lower() in VENUE_NAMES:
        return False
    first = token[0]
    return first.isupper() and bool(re.fullmatch(r"[\w'’.-]+", token)) and not token.isupper()


def name_like(chunk: str) -> bool:
    """One person's name: "Ilya Sutskever", "Sutskever, I.", "Ioffe S", "Quoc V. Le"."""
    tokens = chunk.replace(".", ". ").split()
    words = [t for t in tokens if t.strip(".")]
    if not 1 <= len(words) <= 5:
        return False
    if not all(_name_token(t) for t in words):
        return False
    return any(not _is_initial(t) and not (t.islower() and t in PARTICLES) for t in words)


def _author_chunks(text: str) -> list[str]:
    text = _ET_AL.sub(",", text)
    parts = re.split(r"\s*(?:,|;|\band\b|&|\+)\s*", text)
    return [p for p in (x.strip(" .") for x in parts) if p]


def authors_like(text: str) -> bool:
    """Every comma part of ``text`` is a name ("Zaremba, W., & Sutskever, I." too)."""
    if not text or len(text) > 600:
        return False
    chunks = _author_chunks(text)
    if not chunks:
        return bool(_ET_AL.search(text))
    return all(name_like(c) or _is_initial(c) for c in chunks)


def author_names(hint: str) -> list[str]:
    """People named in an author hint, one string each: "Zaremba, W., & Sutskever, I." ->
    ["W. Zaremba", "I. Sutskever"]; "et al" and notes in parentheses are dropped."""
    text = _ET_AL.sub(" ", re.sub(r"\([^)]*\)", " ", hint))
    names: list[str] = []
    for chunk in _author_chunks(text):
        if _is_initial(chunk) and names and " " not in names[-1]:
            names[-1] = f"{chunk}. {names[-1]}".replace("..", ".")
        else:
            names.append(chunk)
    return names


def _sentences(text: str) -> list[str]:
    """Cut at a full stop, question or exclamation mark followed by a space, except after an
    initial ("V.") or a common abbreviation ("Proc.")."""
    out: list[str] = []
    start = 0
    for m in re.finditer(r"[.?!](?=\s+\S)", text):
        before = text[start : m.start()].split()
        last = before[-1] if before else ""
        if m.group(0) == "." and (
            _is_initial(last) or last.lower().strip("(") in _SENTENCE_ABBREVIATIONS
        ):
            continue
        end = m.end() if m.group(0) in "?!" else m.start()
        out.append(text[start:end].strip())
        start = m.end()
    out.append(text[start:].strip())
    return [s.strip(" .,;:") for s in out if s.strip(" .,;:")]


def _year_only(segment: str) -> int | None:
    m = re.fullmatch(
        r"\(?\s*(?:[A-Z][a-z]{2,8}\.?\s+(?:\d{1,2},?\s+)?)?((?:19|20)\d\d)[a-z]?\s*\)?", segment
    )
    return int(m.group(1)) if m else None


def _take_year(text: str) -> tuple[str, int | None]:
    """The last year in the text (the publication year follows the title), removed."""
    matches = list(YEAR.finditer(text))
    if not matches:
        return text, None
    m = matches[-1]
    stripped = (text[: m.start()] + " " + text[m.end() :]).strip()
    stripped = re.sub(r"\(\s*[,;]?\s*\)", " ", stripped)
    return " ".join(stripped.split()).strip(" ,;:-–—"), int(m.group(1))


def _venue_like(segment: str) -> bool:
    return bool(_VENUE.match(segment) or _VENUE_INSIDE.search(segment))


def _peel_venue(text: str) -> tuple[str, str]:
    """ "Vaswani et al., NeurIPS" -> ("Vaswani et al.", "NeurIPS")."""
    chunks = [c.strip() for c in text.split(",")]
    venue: list[str] = []
    while len(chunks) > 1 and (_venue_like(chunks[-1]) or chunks[-1].lower() in VENUE_NAMES):
        venue.insert(0, chunks.pop())
    return ", ".join(chunks), ", ".join(venue)


def _split_title_authors(title: str) -> tuple[str, str, str]:
    """ "Layer Normalization, Ba et al" / "Title by A. Author" / "Title - Authors, Venue"."""
    for sep in (r"\s+[-–—|]\s+", r"\s+by\s+"):
        parts = re.split(sep, title)
        if len(parts) >= 2:
            tail, venue = _peel_venue(parts[-1])
            head = " - ".join(parts[:-1]).strip()
            if authors_like(tail) and _title_words(head):
                return head, tail, venue
    chunks = [c.strip() for c in title.split(",")]
    if len(chunks) >= 2:
        for cut in range(1, len(chunks)):
            head = ", ".join(chunks[:cut])
            tail, venue = _peel_venue(", ".join(chunks[cut:]))
            if authors_like(tail) and (_ET_AL.search(tail) or not authors_like(head)):
                if _title_words(head):
                    return head, tail, venue
    return title, "", ""


def _title_words(text: str) -> list[str]:
    return re.findall(r"[^\W_]{2,}", text)


def _descriptive(title: str) -> bool | None:
    words = _title_words(title)
    if not words:
        return None
    if _FILLER.search(title):
        return True
    return None


def _strip_filler(title: str) -> str:
    previous = None
    while previous != title:
        previous = title
        stripped = _FILLER.sub("", title).strip()
        title = stripped if _title_words(stripped) else title
    return title


def clean_reference_text(text: str) -> tuple[str, list[WorkId], list[str]]:
    """The reference's words without markup, links, identifiers, badges or numbering."""
    ids: list[WorkId] = []
    links: list[str] = []
    text = tidy(text[:MAX_REFERENCE])
    text = _NUMBERING.sub("", text)
    text = _identifiers(text, ids, links)
    text = _COUNTER.sub(" ", _strip_symbols(_strip_emphasis(text)))
    text = _GLUED_ET_AL.sub(" et al", text)
    text = re.sub(r"\(\s*[,;.]?\s*\)|\[\s*\]", " ", text)
    text = re.sub(r"\s*[|·•]\s*$", "", tidy(text))
    return text.strip(" -–—:;,|·•"), ids, links


def parse_reference_line(text: str) -> ReferenceParts:
    """Split one reference into its parts; the title is empty when nothing is left of it."""
    text, ids, links = clean_reference_text(text)
    parts = _parse(text)
    parts.ids, parts.links = ids, links
    parts.title = tidy(parts.title).strip(" -–—:;,.")
    parts.authors = tidy(parts.authors).strip(" ,;:")
    parts.venue = re.sub(r"(?:,\s*)+,", ",", tidy(parts.venue)).strip(" ,;:.")
    if parts.descriptive is None:
        parts.descriptive = _descriptive(parts.title)
    if parts.descriptive:
        parts.title = _strip_filler(parts.title)
    return parts


def _parse(text: str) -> ReferenceParts:
    if not text:
        return ReferenceParts("")
    quoted = _quoted(text)
    if quoted is not None:
        return quoted
    apa = _APA.match(text)
    if apa and authors_like(apa.group("authors")):
        rest = _sentences(apa.group("rest"))
        title = rest[0] if rest else ""
        return ReferenceParts(
            title,
            authors=apa.group("authors"),
            year=int(apa.group("year")) if apa.group("year") else None,
            venue=". ".join(rest[1:]),
            descriptive=False,
        )
    trailing = _trailing_parenthetical(text)
    if trailing is not None:
        return trailing
    for pattern in (_VANCOUVER_AUTHORS, _INITIALS_FIRST_AUTHORS):
        m = pattern.match(text)
        if m and _title_words(m.group("rest")):
            parts = _parse_sentences(m.group("rest"), authors_first=False)
            parts.authors = parts.authors or m.group("authors")
            return parts
    return _parse_sentences(text, authors_first=True)


def _quoted(text: str) -> ReferenceParts | None:
    m = _QUOTED.search(text)
    if m is None or len(_title_words(m.group("title"))) < 1:
        return None
    title = m.group("title").strip(" ,.;:")
    before, after = text[: m.start()].strip(" ,.;:"), text[m.end() :].strip(" ,.;:")
    year = None
    before, year = _take_year(before)
    after_text, after_year = _take_year(after)
    year = after_year or year
    authors = before if authors_like(before) else ""
    venue = after_text
    if not authors and after_text and authors_like(after_text.split(",")[0]):
        authors, venue = after_text, ""
    descriptive = False if authors or venue or year else None
    return ReferenceParts(title, authors=authors, year=year, venue=venue, descriptive=descriptive)


def _trailing_parenthetical(text: str) -> ReferenceParts | None:
    """ "Title (Author et al., 2016)" and "Zaremba et al. 2014 (dropout for LSTMs)"."""
    m = re.search(r"\(([^()]{1,300})\)\s*\.?$", text)
    if m is None:
        return None
    inside, outside = m.group(1).strip(), text[: m.start()].strip(" ,.;:-–—")
    inside_rest, inside_year = _take_year(inside)
    inside_rest, inside_venue = _peel_venue(inside_rest)
    outside_rest, outside_year = _take_year(outside)
    if (
        inside_year is not None
        or _ET_AL.search(inside)
        or (authors_like(inside_rest) and _title_words(outside_rest) and not authors_like(outside))
    ):
        if authors_like(inside_rest) or not inside_rest:
            title, authors, venue = _split_title_authors(outside_rest)
            return ReferenceParts(
                title,
                authors=inside_rest or authors,
                venue=", ".join(v for v in (inside_venue, venue) if v),
                year=inside_year or outside_year,
                descriptive=None,
            )
    if outside_year is not None and authors_like(outside_rest) and _title_words(inside):
        return ReferenceParts(inside, authors=outside_rest, year=outside_year, descriptive=True)
    return None


def _parse_sentences(text: str, *, authors_first: bool) -> ReferenceParts:
    segments = _sentences(text)
    year: int | None = None
    kept: list[str] = []
    for segment in segments:
        only = _year_only(segment)
        if only is not None:
            year = year or only
        else:
            kept.append(segment)
    authors = ""
    structured = not authors_first
    if authors_first and len(kept) >= 2 and authors_like(kept[0]):
        authors = kept.pop(0)
        structured = True
    title = kept[0] if kept else ""
    venue_parts: list[str] = []
    for segment in kept[1:]:
        if not authors and authors_like(segment) and not _venue_like(segment):
            authors = segment
            structured = True
        else:
            venue_parts.append(segment)
    venue = ". ".join(venue_parts)
    if year is None and venue:
        venue, year = _take_year(venue)
    if year is None:
        title, year = _take_year(title)
    if not authors:
        title, authors, more_venue = _split_title_authors(title)
        venue = ", ".join(v for v in (more_venue, venue) if v)
    return ReferenceParts(
        title,
        authors=authors,
        year=year,
        venue=venue,
        descriptive=False if structured or venue_parts else None,
    )
