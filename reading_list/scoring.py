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


# Abbreviations people write for words titles spell out (and the other way round); applied to
# both sides of a comparison, so "Scaling Laws for Neural LMs" is "... Language Models".
ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("seq2seq", "sequence to sequence"),
    ("ptr ?nets?", "pointer networks"),
    ("resnets?", "residual networks"),
    ("convnets?", "convolutional networks"),
    ("rnns?", "recurrent neural networks"),
    ("cnns?", "convolutional neural networks"),
    ("dnns?", "deep neural networks"),
    ("gnns?", "graph neural networks"),
    ("nns?", "neural networks"),
    ("llms?", "large language models"),
    ("lms?", "language models"),
    ("gans?", "generative adversarial networks"),
    ("vaes?", "variational autoencoders"),
    ("drl", "deep reinforcement learning"),
    ("rl", "reinforcement learning"),
    ("nmt", "neural machine translation"),
    ("lstms?", "long short term memory"),
    ("grus?", "gated recurrent units"),
    ("mdl", "minimum description length"),
    ("sgd", "stochastic gradient descent"),
    ("nlp", "natural language processing"),
    ("asr", "automatic speech recognition"),
    ("ntms?", "neural turing machines"),
    ("mcts", "monte carlo tree search"),
    ("auto encoders?", "autoencoders"),
)
_ABBREVIATION_RES = tuple((re.compile(rf"\b(?:{a})\b"), b) for a, b in ABBREVIATIONS)
# Where a compound word hides a second initial: "Autoencoder" gives "AE" in "VLAE".
_SUBWORDS = ("encoder", "decoder", "network", "net", "former", "vector", "supervised")
# Words that describe a citation rather than belong to the cited title.
FILLER = frozenset("paper papers work article preprint one thing stuff idea trick".split())


def expand_abbreviations(normalised: str) -> str:
    for pattern, replacement in _ABBREVIATION_RES:
        normalised = pattern.sub(replacement, normalised)
    return normalised


def _stem(word: str) -> str:
    if word in ("net", "nets"):
        return "network"
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def canonical(text: str) -> str:
    """Normalised, abbreviations spelled out, words stemmed: what two titles are compared on."""
    return " ".join(_stem(w) for w in expand_abbreviations(normalise(text)).split())


def significant_words(text: str) -> list[str]:
    return [w for w in canonical(text).split() if w not in STOPWORDS]


def acronym_of(title: str, acronym: str) -> bool:
    """Whether ``acronym`` ("VLAE", "MDL") is formed from the initials of every significant
    word of ``title`` (or of its part after a colon); a compound word may give two letters."""
    target = acronym.lower()
    words = [w for w in normalise(title).split() if w not in STOPWORDS]
    parts = [words]
    if ":" in title:
        parts.append([w for w in normalise(title.split(":", 1)[1]).split() if w not in STOPWORDS])

    def fits(rest: str, remaining: list[str]) -> bool:
        if not remaining:
            return not rest
        word = remaining[0]
        options = {word[0]} | {
            word[0] + sub[0] for sub in _SUBWORDS if word.endswith(sub) and len(word) > len(sub)
        }
        return any(rest.startswith(o) and fits(rest[len(o) :], remaining[1:]) for o in options)

    return len(target) >= 2 and any(len(p) >= 2 and fits(target, p) for p in parts)


def _is_acronym(text: str) -> bool:
    token = text.strip()
    return (
        bool(re.fullmatch(r"[A-Z][A-Za-z]*[A-Z][A-Za-z]*s?", token))
        and sum(c.isupper() for c in token) >= 2
    )


def looks_descriptive(text: str) -> bool:
    """A description ("dropout for LSTMs", "the transformer paper"), not a title: filler
    words, or content words mostly lower case."""
    words = re.findall(r"[^\W\d_][\w-]*", text)
    if not words:
        return False
    if any(w.lower() in FILLER for w in words):
        return True
    content = [w for w in words if w.lower() not in STOPWORDS]
    lower = [w for w in content if w[0].islower()]
    return bool(content) and words[0][0].islower() and len(lower) * 2 > len(content)


def _contains_run(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def _prefixes(title: str) -> list[str]:
    """The short name before a colon or dash: "DeepCoder" in "DeepCoder: Learning to ..."."""
    parts = re.split(r"\s*(?::|\s-\s|\s—\s)\s*", title, maxsplit=1)
    return [parts[0]] if len(parts) == 2 else []


def _contains_all(haystack: list[str], needle: list[str]) -> bool:
    return bool(needle) and set(needle) <= set(haystack)


def title_similarity(cited: str, title: str) -> tuple[float, bool]:
    """How well ``title`` matches the cited text, and whether that needs corroboration.

    1.0 same title (spacing, punctuation and common abbreviations aside: "Learningto
    Execute" is "Learning to Execute", "Neural LMs" is "Neural Language Models"); 0.95 the
    cited text is the title's short name ("DeepCoder"); 0.9 an acronym of every significant
    title word ("VLAE"); 0.7-0.97 one contains the other as a run of words, 0.65-0.95 as a
    set of words (both need corroboration); below that a fuzzy match.
    """
    a_norm, b_norm = canonical(cited), canonical(title)
    if not a_norm or not b_norm:
        return 0.0, False
    if a_norm.replace(" ", "") == b_norm.replace(" ", ""):
        return 1.0, False
    for prefix in _prefixes(title):
        if canonical(prefix).replace(" ", "") == a_norm.replace(" ", ""):
            return 0.95, False
    if _is_acronym(cited) and acronym_of(title, cited.strip().rstrip("s")):
        return 0.9, len(cited.strip()) < 3
    a, b = significant_words(cited), significant_words(title)
    if not a or not b:
        return 0.0, False
    common = len(set(a) & set(b))
    if _contains_run(b, a):
        return min(0.97, 0.7 + 0.3 * len(a) / len(b)), True
    if len(b) >= 2 and _contains_run(a, b):
        return min(0.97, 0.7 + 0.3 * len(b) / len(a)), True
    if len(a) >= 2 and _contains_all(b, a):
        return min(0.95, 0.65 + 0.3 * len(set(a)) / len(set(b))), True
    dice = 2 * common / (len(set(a)) + len(set(b)))
    ratio = SequenceMatcher(None, a_norm, b_norm).ratio()
    return max(0.8 * dice, 0.95 * ratio**3), False


def description_score(description: str, surnames: Sequence[str], record: ArxivRecord) -> float:
    """How well a paper by a named author fits a description of it ("dropout for LSTMs"):
    every described word must be in its title or abstract. 0 without a named author."""
    if not surnames or author_overlap(surnames, record.authors) == 0:
        return 0.0
    wanted = {w for w in significant_words(description) if w not in FILLER}
    if not wanted:
        return 0.0
    text = set(significant_words(record.title + " " + (record.summary or "")))
    coverage = len(wanted & text) / len(wanted)
    return 0.5 + 0.38 * coverage if coverage == 1.0 else 0.5 * coverage


_INITIALS = re.compile(r"(?:[A-Z]\.?-?){1,3}\.?")


def hint_surnames(authors_hint: str) -> list[str]:
    """Family names from a free-form hint: "Matko Bosnjak et al.", "Zaremba, Sutskever",
    APA's "Zaremba, W., & Sutskever, I.", Vancouver's "Ioffe S, Szegedy C", Chicago's
    "Vaswani, Ashish, Noam Shazeer, and ..."."""
    text = re.sub(r"\([^)]*\)", " ", authors_hint)
    text = _ET_AL.sub(" ", text)
    names = [n.strip() for n in re.split(r",|;|\band\b|&", text) if n.strip()]
    names = [n for n in names if not _INITIALS.fullmatch(n)]
    if (
        len(names) >= 3
        and len(names[0].split()) == 1
        and len(names[1].split()) == 1
        and len(names[2].split()) > 1
    ):
        del names[1]  # Chicago inverts the first author only: "Vaswani, Ashish, Noam Shazeer"
    out = []
    for name in names:
        tokens = name.split()
        if (
            len(tokens) >= 2
            and _INITIALS.fullmatch(tokens[-1])
            and not _INITIALS.fullmatch(tokens[0])
        ):
            family = normalise(" ".join(tokens[:-1]))
        else:
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


# A function word glued to the word before it ("Learningto"): only after an ending that
# closes an English word, so "crypto" or "husband" stay whole.
_GLUED_STOPWORD = re.compile(
    r"\b([A-Za-z]{2,}(?:ing|ion|ed|ity|ment|ness|al|ive|ic|er|s))(to|of|for|with|from|and)\b"
)


@dataclass(frozen=True)
class CitationQuery:
    cited_as: str
    authors_hint: str = ""
    year_hint: int | None = None
    descriptive: bool | None = None

    @property
    def is_description(self) -> bool:
        if self.descriptive is not None:
            return self.descriptive
        return looks_descriptive(self.cited_as)

    @property
    def searchable_description(self) -> bool:
        """A description with an author and a year: searched in that author's papers."""
        return (
            self.is_description
            and bool(hint_surnames(self.authors_hint))
            and (self.year_hint is not None)
        )

    @property
    def respaced(self) -> str | None:
        """The cited text with a function word unglued ("Learningto" -> "Learning to")."""
        fixed = _GLUED_STOPWORD.sub(r"\1 \2", self.cited_as)
        return fixed if fixed != self.cited_as else None

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
    if query.searchable_description:
        score = max(score, description_score(query.cited_as, surnames, record))
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
    words = [w for w in normalise(text).split() if w not in STOPWORDS and w not in FILLER]
    return list(dict.fromkeys(words))[:limit]


def date_range(year: int) -> str:
    """The cited year and the one before it: a citation often gives the venue's year."""
    return f"submittedDate:[{year - 1}01010000 TO {year}12312359]"


def author_query(surname: str) -> str:
    # au: must come first: the service turns x_y into the phrase "x y" only there.
    return "au:" + "_".join(surname.split())


def plan_queries(query: CitationQuery) -> list[str]:
    """arXiv search_query strings, most specific first.

    When the citation has a parenthesis, the text around it and the text inside are searched
    separately; the two together are scored but not searched, as no title holds both. A
    description with an author and a year is looked for among that author's papers of that
    year (the abstracts are scored), not in titles. A name ("RobustFill", "VLAE") is also
    looked for in abstracts, where a paper names what it introduces.
    """
    plans: list[str] = []
    surnames = hint_surnames(query.authors_hint)
    if query.searchable_description and query.year_hint is not None:
        plans.append(f"{author_query(surnames[0])} AND {date_range(query.year_hint)}")
        return plans
    variants = query.variants
    searched = variants[1:] if len(variants) > 1 else variants
    for variant in searched:
        expanded = expand_abbreviations(normalise(variant))
        for phrase in dict.fromkeys((normalise(variant), expanded)):
            if phrase:
                plans.append(f'ti:"{phrase}"')
        words = _query_words(expanded)
        if len(words) > 1:
            plans.append(" AND ".join(f"ti:{w}" for w in words))
    base = query.variants[0].strip()
    if _is_acronym(base) or re.fullmatch(r"[A-Za-z]+[A-Z0-9][A-Za-z0-9]*", base):
        plans.append(f"abs:{normalise(base)}")
    words = _query_words(expand_abbreviations(normalise(query.variants[0])))
    for surname in surnames[:2]:
        if words:
            plans.append(f"{author_query(surname)} AND ({' OR '.join(f'ti:{w}' for w in words)})")
        elif query.year_hint is not None:
            plans.append(f"{author_query(surname)} AND {date_range(query.year_hint)}")
        else:
            plans.append(author_query(surname))
    if query.respaced:
        respaced = normalise(query.respaced)
        plans.append(" AND ".join(f"ti:{w}" for w in _query_words(respaced)) or f'ti:"{respaced}"')
    return list(dict.fromkeys(p for p in plans if p))


def broad_query(query: CitationQuery) -> str | None:
    """Any of the title's words: a last resort, and only when it asks more than a phrase did."""
    words = _query_words(expand_abbreviations(normalise(query.variants[0])))
    if len(words) < 2:
        return None
    return " OR ".join(f"ti:{w}" for w in words)
