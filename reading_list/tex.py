"""TeX in metadata to Unicode: accents, special letters, styling and grouping decoded, math
spans kept. Pure; shared by the resolver, the .bib reader and every renderer."""

from __future__ import annotations

import re
import unicodedata

_ACCENTS = {
    "`": "\u0300",
    "'": "\u0301",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    "u": "\u0306",
    ".": "\u0307",
    '"': "\u0308",
    "H": "\u030b",
    "v": "\u030c",
    "c": "\u0327",
    "k": "\u0328",
}
_LETTERS = {
    "ss": "ß",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "L": "Ł",
    "l": "ł",
    "O": "Ø",
    "o": "ø",
    "i": "ı",
    "j": "ȷ",
    "aa": "å",
    "AA": "Å",
}
_TEX_ACCENT = re.compile(r"\{?\\([`'^\"~=.]|[uvHck](?![A-Za-z]))\s*\{?\\?([A-Za-z])\}?\}?")
_TEX_LETTER = re.compile(r"\{?\\(ss|ae|AE|oe|OE|aa|AA|L|l|O|o|i|j)(?![A-Za-z])\s*\}?")
_TEX_STYLE = re.compile(r"\\(?:text(?:bf|it|tt|sf|sc|rm|up|normal)|emph|mathrm)\s*\{([^{}]*)\}")
_TEX_ESCAPED = re.compile(r"\\([&%#_$])")
_TEX_BRACE = re.compile(r"\\([{}])|[{}]")
_MATH = re.compile(r"(?<!\\)\$[^$]+?(?<!\\)\$")


def _decode_text(text: str) -> str:
    def accent(m: re.Match[str]) -> str:
        return unicodedata.normalize("NFC", m.group(2) + _ACCENTS[m.group(1)])

    text = _TEX_ACCENT.sub(accent, text)
    text = _TEX_LETTER.sub(lambda m: _LETTERS[m.group(1)], text)
    for _ in range(3):
        text = _TEX_STYLE.sub(r"\1", text)
    # Bare braces are TeX grouping (case protection we redo ourselves); \{ \} are literal.
    # One pass, no placeholder characters: metadata can hold any character, NUL included.
    text = _TEX_BRACE.sub(lambda m: m.group(1) or "", text)
    return _TEX_ESCAPED.sub(r"\1", text)


def split_math(text: str) -> list[tuple[bool, str]]:
    """(is_math, piece) runs of a TeX-ish string; ``$...$`` spans are math."""
    pieces: list[tuple[bool, str]] = []
    last = 0
    for m in _MATH.finditer(text):
        pieces.append((False, text[last : m.start()]))
        pieces.append((True, m.group(0)))
        last = m.end()
    pieces.append((False, text[last:]))
    return [(is_math, piece) for is_math, piece in pieces if piece]


_TEX_MARKERS = re.compile(r"[\\{}$]")


def tex_to_unicode(text: str) -> str:
    """Decode the TeX accents, letters, styling and grouping that arXiv metadata carries;
    math spans stay as they are."""
    if not _TEX_MARKERS.search(text):
        return " ".join(text.split())
    decoded = "".join(p if is_math else _decode_text(p) for is_math, p in split_math(text))
    return " ".join(decoded.split())
