"""Pure helpers for personal names and ASCII folding. No I/O."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

# Letters that NFKD leaves alone: without this map Łukasz folds to "ukasz".
FOLD_MAP = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "SS",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ı": "i",
    }
)
PARTICLES = frozenset(
    "van von der den de del della da di du dos das la le ter ten zu bin al el".split()
)
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
CORPORATE_WORDS = frozenset(
    "collaboration consortium team group project initiative committee research deepmind".split()
)


def fold_ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(FOLD_MAP))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def has_latin_letters(text: str) -> bool:
    return bool(re.search(r"[A-Za-z]", text) or re.search(r"[A-Za-z]", fold_ascii(text)))


@dataclass(frozen=True)
class PersonName:
    given: str
    particle: str
    family: str
    suffix: str = ""
    corporate: bool = False

    @property
    def full_family(self) -> str:
        return f"{self.particle} {self.family}".strip()


def split_name(name: str) -> PersonName:
    """Split an arXiv-style "First von Last Jr" (or "Last, First") name into its parts."""
    name = " ".join(name.split())
    if any(w.lower().strip(".,") in CORPORATE_WORDS for w in name.split()):
        return PersonName("", "", name, corporate=True)
    if "," in name:
        parts = [p.strip() for p in name.split(",")]
        family_part, given = parts[0], parts[-1]
        suffix = parts[1] if len(parts) == 3 else ""
        words = family_part.split()
        lead = [w for w in words[:-1] if w.lower() in PARTICLES]
        if len(lead) == len(words) - 1 and words:
            return PersonName(given, " ".join(lead), words[-1], suffix)
        return PersonName(given, "", family_part, suffix)
    words = name.split()
    suffix = ""
    if len(words) > 2 and words[-1].lower() in SUFFIXES:
        suffix = words.pop()
    if len(words) <= 1:
        # An empty name (an arXiv answer can have one) is an empty family name, not a crash.
        return PersonName("", "", words[0] if words else "", suffix)
    # Particles are lower-case words (as BibTeX's von part, from the first of them to the
    # last before the final word): "van den Oord", "de la Vallée Poussin".
    lower = [i for i in range(1, len(words) - 1) if _is_particle(words[i])]
    if lower:
        start, end = lower[0], lower[-1] + 1
        return PersonName(
            " ".join(words[:start]), " ".join(words[start:end]), " ".join(words[end:]), suffix
        )
    # No lower-case particle: capitalised ones still begin the family ("Nicolas Le Roux").
    start = len(words) - 1
    while start > 1 and words[start - 1] in CAPITAL_PARTICLES:
        start -= 1
    return PersonName(" ".join(words[:start]), "", " ".join(words[start:]), suffix)


def _is_particle(word: str) -> bool:
    return word.lower() in PARTICLES and word[0].islower()


# ---- BibTeX name lists -----------------------------------------------------------------------
# BibTeX's own rules (Patashnik's "BibTeXing", and names.bst's format.name$): names are split
# on " and " outside braces; a name is "First von Last", "von Last, First" or
# "von Last, Jr, First"; the von part is the lower-case words (a word's case is that of its
# first letter outside braces, or of a braced special character like {\'e}); the Last part is
# never empty. Braces protect: "{Barnes and Noble}" is one corporate name.

# Capitalised particles that begin a family name in arXiv's "First Last" author strings:
# "Nicolas Le Roux" is family "Le Roux", as the author writes it (BibTeX's own rule would make
# "Le" a given name, printing "N. L. Roux"); BibTeX users who mean the other reading write
# "Roux, Nicolas Le".
CAPITAL_PARTICLES = frozenset(
    "Le La Les De Del Della Di Da Du Des Van Von Der Den Ter Ten Dos Das Zu".split()
)


@dataclass(frozen=True)
class NameList:
    names: tuple[PersonName, ...]
    # The list ended in "and others": an "et al." mark, never a name.
    others: bool = False


def _top_level_split(text: str, separator: re.Pattern[str]) -> list[str]:
    """``text`` cut at the matches of ``separator`` that are outside braces."""
    if "{" not in text and "}" not in text:
        return separator.split(text)
    parts: list[str] = []
    depth, start, pos = 0, 0, 0
    while pos < len(text):
        ch = text[pos]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            match = separator.match(text, pos)
            if match and match.end() > pos:
                parts.append(text[start:pos])
                start = pos = match.end()
                continue
        pos += 1
    parts.append(text[start:])
    return parts


_AND_SEPARATOR = re.compile(r"\s+and\s+", re.IGNORECASE)
_SPACE_SEPARATOR = re.compile(r"[\s~]+")
_COMMA_SEPARATOR = re.compile(r"\s*,\s*")


def _is_von(word: str) -> bool:
    """BibTeX's case of a word: that of its first letter outside braces, or of the first
    letter of a braced special character ({\\'e}, {\\ae}); a word without either is not von."""
    depth, pos = 0, 0
    while pos < len(word):
        ch = word[pos]
        if ch == "{":
            if depth == 0 and word.startswith("{\\", pos):
                close = _group_end(word, pos)
                case = _special_case(word[pos + 2 : close])
                if case is not None:
                    return case
                pos = close + 1
                continue
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and ch.isalpha():
            return ch.islower()
        pos += 1
    return False


# Special characters whose case is that of their own name (\\ae, \\OE, \\ss, \\L ...).
_FOREIGN_LETTERS = frozenset("oe OE ae AE aa AA o O l L ss i j".split())


def _group_end(word: str, start: int) -> int:
    """Where the brace group opening at ``start`` closes (the end of ``word`` if never)."""
    depth = 0
    for i in range(start, len(word)):
        if word[i] == "{":
            depth += 1
        elif word[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    return len(word)


def _special_case(special: str) -> bool | None:
    """Lower case (True) or not of a special character's source after "{\\": \\'e, \\ae,
    \\v{S}; None when it has no letter to decide by."""
    command = re.match(r"[A-Za-z]+", special)
    if command and command.group(0) in _FOREIGN_LETTERS:
        return command.group(0)[0].islower()
    rest = special[command.end() :] if command else special[1:]
    found = re.search(r"[A-Za-z]", rest)
    return found.group(0).islower() if found else None


def _words(text: str) -> list[str]:
    return [w for w in _top_level_split(text.strip(), _SPACE_SEPARATOR) if w]


def _is_corporate(name: str) -> bool:
    """One brace group holding the whole name: "{Barnes and Noble}", "{World Bank}"."""
    if not (name.startswith("{") and name.endswith("}")):
        return False
    depth = 0
    for i, ch in enumerate(name):
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0 and i < len(name) - 1:
            return False
    return True


def parse_bibtex_name(name: str) -> PersonName:
    """One name of a BibTeX name list, in any of the three forms, as source text (braces and
    TeX kept: decode the parts for display)."""
    name = name.strip().strip(",").strip()
    if _is_corporate(name):
        return PersonName("", "", name[1:-1].strip(), corporate=True)
    parts = _top_level_split(name, _COMMA_SEPARATOR)
    if len(parts) == 1:
        return _first_von_last(_words(name))
    von_last = _words(parts[0])
    suffix = parts[1].strip() if len(parts) >= 3 else ""
    given = ", ".join(p.strip() for p in parts[2 if len(parts) >= 3 else 1 :])
    von, family = _split_von_last(von_last)
    return PersonName(given.strip(), von, family, suffix)


def _split_von_last(words: list[str]) -> tuple[str, str]:
    """(von, Last) of "von Last": von runs to its last lower-case word; Last is never empty."""
    if not words:
        return "", ""
    last_von = -1
    for i, word in enumerate(words[:-1]):
        if _is_von(word):
            last_von = i
    return " ".join(words[: last_von + 1]), " ".join(words[last_von + 1 :])


def _first_von_last(words: list[str]) -> PersonName:
    if not words:
        return PersonName("", "", "")
    if len(words) == 1:
        return PersonName("", "", words[0])
    von_start = next((i for i, w in enumerate(words[:-1]) if _is_von(w)), -1)
    if von_start < 0:
        # No von part: Last is the last word, with the capitalised particles before it when
        # a given name precedes them ("Nicolas Le Roux", "Ludwig Van Beethoven").
        start = len(words) - 1
        while start > 1 and words[start - 1] in CAPITAL_PARTICLES:
            start -= 1
        return PersonName(" ".join(words[:start]), "", " ".join(words[start:]))
    von_end = von_start
    for i in range(von_start, len(words) - 1):
        if _is_von(words[i]):
            von_end = i
    return PersonName(
        " ".join(words[:von_start]),
        " ".join(words[von_start : von_end + 1]),
        " ".join(words[von_end + 1 :]),
    )


@functools.lru_cache(maxsize=4096)
def parse_bibtex_names(value: str) -> NameList:
    """A BibTeX name list (an author or editor field's source text): its names in order, and
    whether it ends in "and others". Cached: an import reads each list twice (its display
    authors, its parts)."""
    names = [n.strip() for n in _top_level_split(" ".join(value.split()), _AND_SEPARATOR)]
    names = [n for n in names if n]
    others = bool(names) and names[-1].lower() == "others"
    if others:
        names.pop()
    return NameList(tuple(parse_bibtex_name(n) for n in names), others)


def others_last(value: str) -> str:
    """A name list's source with "others" only where BibTeX styles read it as "et al.", at the
    end (anywhere else they print a person named "others"); unchanged when it is already."""
    names = [n.strip() for n in _top_level_split(" ".join(value.split()), _AND_SEPARATOR)]
    if not any(n.lower() == "others" for n in names[:-1]):
        return value
    people = [n for n in names if n and n.lower() != "others"]
    return " and ".join([*people, "others"]) if people else ""
