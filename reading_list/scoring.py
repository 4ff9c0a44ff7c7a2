"""Pure scoring of arXiv candidates against a citation. No I/O.

A candidate is accepted for what matches the citation (title, authors, year), never for being
the only or the top search hit: the best score must clear ACCEPT and beat the runner-up by
MARGIN. A title that merely contains the cited words, with no author to back it, cannot clear
ACCEPT on its own: on the real arXiv many papers share a phrase.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from reading_list.identifiers import submission_year
from reading_list.models import ArxivRecord, Candidate
from reading_list.names import fold_ascii, split_name
from reading_list.tex import tex_to_unicode

ACCEPT = 0.8
MARGIN = 0.1
UNCORROBORATED_CAP = 0.79

STOPWORDS = frozenset(
    """a an the and or of for to in on at by with from via as is are be its into using use
    towards toward through over under about this that these those we our new""".split()
)
_TEX_STYLE = re.compile(r"\\(?:text[a-z]*|math[a-z]*|emph|bf|it|rm|tt|sf|sc)\b\s*")
_ET_AL = re.compile(r"\bet\.?\s*al\.?", re.IGNORECASE)


def normalise(text: str) -> str:
    """Lower-case ASCII words: accents (Unicode or TeX) folded, TeX styling and punctuation
    gone; a TeX symbol keeps its name ("$\\alpha$" -> "alpha")."""
    # Accents, special letters and styled groups decode as in the exports; what is left of
    # TeX (commands without an argument, math) only loses its backslashes and braces.
    text = _TEX_STYLE.sub(" ", tex_to_unicode(text)).replace("{", "").replace("}", "")
    text = fold_ascii(text.replace("\\", " ")).lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def significant_words(text: str) -> list[str]:
    return [_stem(w) for w in normalise(text).split() if w not in STOPWORDS]


def _contains_run(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def _prefixes(title: str) -> list[str]:
    """The short name before a colon or dash: "DeepCoder" in "DeepCoder: Learning to ..."."""
    parts = re.split(r"\s*(?::|\s-\s|\s—\s)\s*", title, maxsplit=1)
    return [parts[0]] if len(parts) == 2 else []


def title_similarity(cited: str, title: str) -> tuple[float, bool]:
    """How well ``title`` matches the cited text, and whether that needs corroboration.

    1.0 same title (spacing and punctuation aside: "Learningto Execute" is "Learning to
    Execute"); 0.95 the cited text is the title's short name; 0.7-0.97 one contains the other
    as a run of words (needs corroboration); below that a fuzzy match.
    """
    a_norm, b_norm = normalise(cited), normalise(title)
    if not a_norm or not b_norm:
        return 0.0, False
    if a_norm.replace(" ", "") == b_norm.replace(" ", ""):
        return 1.0, False
    for prefix in _prefixes(title):
        if normalise(prefix).replace(" ", "") == a_norm.replace(" ", ""):
            return 0.95, False
    a, b = significant_words(cited), significant_words(title)
    if not a or not b:
        return 0.0, False
    common = len(set(a) & set(b))
    if _contains_run(b, a):
        return min(0.97, 0.7 + 0.3 * len(a) / len(b)), True
    if len(b) >= 2 and _contains_run(a, b):
        return min(0.97, 0.7 + 0.3 * len(b) / len(a)), True
    dice = 2 * common / (len(set(a)) + len(set(b)))
    ratio = SequenceMatcher(None, a_norm, b_norm).ratio()
    return max(0.8 * dice, 0.95 * ratio**3), False


def hint_surnames(authors_hint: str) -> list[str]:
    """Family names from a free-form hint: "Matko Bosnjak et al.", "Zaremba, Sutskever"."""
    text = re.sub(r"\([^)]*\)", " ", authors_hint)
    text = _ET_AL.sub(" ", text)
    names = [n.strip() for n in re.split(r",|;|\band\b|&", text) if n.strip()]
    out = []
    for name in names:
        family = normalise(split_name(name).family)
        if family and family not in out:
            out.append(family)
    return out


def author_overlap(hint: Sequence[str], authors: Sequence[str]) -> float:
    """Share of the named people who are authors (or of the authors who were named)."""
    if not hint or not authors:
        return 0.0
    families = {normalise(split_name(a).family) for a in authors}
    squashed = {f.replace(" ", "") for f in families}
    found = sum(1 for h in hint if h in families or h.replace(" ", "") in squashed)
    return found / min(len(hint), len(authors))


def record_year(record: ArxivRecord) -> int | None:
    if record.published and record.published[:4].isdigit():
        return int(record.published[:4])
    return submission_year(record.arxiv_id)


@dataclass(frozen=True)
class CitationQuery:
    cited_as: str
    authors_hint: str = ""
    year_hint: int | None = None

    @property
    def variants(self) -> list[str]:
        """The cited text, without parentheses, and what the parentheses name."""
        base = self.cited_as.strip().strip("\"'“”‘’《》")
        out = [base]
        outer = re.sub(r"\s*\([^)]*\)", "", base).strip()
        if outer and outer != base:
            out.append(outer)
        for inner in re.findall(r"\(([^)]*)\)", base):
            if len(normalise(inner).split()) >= 2:
                out.append(inner.strip())
        quoted = re.findall(r"[\"“'‘]([^\"”'’]{4,})[\"”'’]", base)
        out.extend(q.strip() for q in quoted)
        return list(dict.fromkeys(out))


def score_candidate(query: CitationQuery, record: ArxivRecord) -> Candidate:
    best_title, needs_support = 0.0, False
    for variant in query.variants:
        score, support = title_similarity(variant, record.title)
        if score > best_title:
            best_title, needs_support = score, support
    surnames = hint_surnames(query.authors_hint)
    author = author_overlap(surnames, record.authors) if surnames else None
    year = record_year(record)
    if author is None:
        score = min(best_title, UNCORROBORATED_CAP) if needs_support else best_title
    elif author == 0:
        # Named authors who are all absent: almost certainly another paper with a similar title.
        score = min(0.5, 0.65 * best_title)
    else:
        score = 0.65 * best_title + 0.35 * author
    year_score = None
    if query.year_hint is not None and year is not None:
        gap = abs(query.year_hint - year)
        # A hint is often the venue's year, a year after the preprint.
        year_score = 1.0 if gap == 0 else 0.8 if gap == 1 else 0.0
        if gap == 1:
            score -= 0.02
        elif gap > 1:
            score -= 0.15 * min(gap - 1, 3)
    return Candidate(
        arxiv_id=record.arxiv_id,
        title=record.title,
        authors=list(record.authors[:5]),
        year=year,
        score=round(max(score, 0.0), 4),
        title_score=round(best_title, 4),
        author_score=None if author is None else round(author, 4),
        year_score=year_score,
    )


def rank(query: CitationQuery, records: Sequence[ArxivRecord]) -> list[Candidate]:
    by_id: dict[str, Candidate] = {}
    for record in records:
        cand = score_candidate(query, record)
        if cand.arxiv_id not in by_id or cand.score > by_id[cand.arxiv_id].score:
            by_id[cand.arxiv_id] = cand
    return sorted(by_id.values(), key=lambda c: (-c.score, c.arxiv_id))


def decide(candidates: Sequence[Candidate]) -> tuple[Candidate | None, str]:
    """The accepted candidate (or None) and why."""
    if not candidates:
        return None, "no candidates"
    best = candidates[0]
    runner = candidates[1].score if len(candidates) > 1 else 0.0
    if best.score < ACCEPT:
        return None, f"best score {best.score:.2f} is below {ACCEPT}"
    if best.score - runner < MARGIN:
        return None, f"ambiguous: {best.score:.2f} vs runner-up {runner:.2f}"
    return best, f"score {best.score:.2f}, margin {best.score - runner:.2f}"


def _query_words(text: str, limit: int = 8) -> list[str]:
    words = [w for w in normalise(text).split() if w not in STOPWORDS]
    return list(dict.fromkeys(words))[:limit]


def plan_queries(query: CitationQuery) -> list[str]:
    """arXiv search_query strings, most specific first.

    When the citation has a parenthesis, the text around it and the text inside are searched
    separately; the two together are scored but not searched, as no title holds both.
    """
    plans: list[str] = []
    variants = query.variants
    searched = variants[1:] if len(variants) > 1 else variants
    for variant in searched:
        phrase = normalise(variant)
        if phrase:
            plans.append(f'ti:"{phrase}"')
        words = _query_words(variant)
        if len(words) > 1:
            plans.append(" AND ".join(f"ti:{w}" for w in words))
    surnames = hint_surnames(query.authors_hint)
    words = _query_words(query.variants[0])
    for surname in surnames[:2]:
        author = "_".join(surname.split())
        if words:
            plans.append(f"au:{author} AND ({' OR '.join(f'ti:{w}' for w in words)})")
        else:
            plans.append(f"au:{author}")
    return list(dict.fromkeys(plans))


def broad_query(query: CitationQuery) -> str | None:
    words = _query_words(query.variants[0])
    return " OR ".join(f"ti:{w}" for w in words) if words else None
