"""Pure helpers for personal names and ASCII folding. No I/O."""

from __future__ import annotations

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
    family_start = len(words) - 1
    # Particles are the lower-case words just before the last one ("van den Oord").
    while (
        family_start > 1
        and words[family_start - 1].lower() in PARTICLES
        and (words[family_start - 1][0].islower())
    ):
        family_start -= 1
    particle_words = words[family_start:-1]
    return PersonName(" ".join(words[:family_start]), " ".join(particle_words), words[-1], suffix)
