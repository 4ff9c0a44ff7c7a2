"""Text made safe to print for people: no escape sequences, control characters or bidi
overrides, which in a title or note could retitle the terminal, clear it, fake output or
reverse what is shown. Pure: no I/O.

``clean_line`` is for one-line fields (table cells, tab-separated columns): line breaks,
tabs and NUL become spaces, so a field can never split a row. ``clean_text`` keeps newlines
and tabs, for abstracts, notes and whole messages.
"""

from __future__ import annotations

import re

# ESC and what follows it: CSI (ESC [ params final), string commands (OSC ESC ], DCS ESC P,
# SOS, PM, APC) up to BEL or ESC \, or a single character (ESC c resets the terminal).
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]?|[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?|[ -~])?"
)
# Explicit direction marks, embeddings, overrides and isolates (the "Trojan Source" set).
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_CONTROLS = "".join(map(chr, [*range(0x20), *range(0x7F, 0xA0)]))
_STRIPPED = "".join(c for c in _CONTROLS if c not in "\n\t") + BIDI_CONTROLS
_PARAGRAPH = "\u2028\u2029"
_LINE_BREAKS = "\n\t\r\v\f\x00\x1c\x1d\x1e\x85" + _PARAGRAPH

_TEXT_UNSAFE = re.compile("[" + re.escape(_STRIPPED + _PARAGRAPH) + "]")
_TEXT_TABLE = str.maketrans({**dict.fromkeys(_STRIPPED), **dict.fromkeys(_PARAGRAPH, "\n")})
_LINE_TABLE = str.maketrans(
    {**dict.fromkeys(_CONTROLS + BIDI_CONTROLS), **dict.fromkeys(_LINE_BREAKS, " ")}
)


def clean_text(text: str) -> str:
    """``text`` without escape sequences, controls (except newline and tab) or bidi marks."""
    if not _TEXT_UNSAFE.search(text):
        return text
    return _ESCAPE_SEQUENCE.sub("", text).translate(_TEXT_TABLE)


def clean_line(text: str) -> str:
    """``text`` as one line: like clean_text, and line breaks, tabs and NUL become spaces."""
    if text.isprintable():
        return text
    return _ESCAPE_SEQUENCE.sub("", text).translate(_LINE_TABLE)
