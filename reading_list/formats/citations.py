"""The citation keys a LaTeX document uses, read from its .tex source or its .aux file. Pure.

A .tex file is scanned for every natbib and biblatex citation command (and a few common
packages' ones), with their starred forms, optional ``[prenote][postnote]``, biblatex's
multi-cite ``\\cites(pre)(post)[pre][post]{a}[pre][post]{b}`` and volume citations; comments,
``comment`` and verbatim environments and ``\\verb`` are skipped, as TeX skips or prints them.
An .aux file is read in both dialects: BibTeX's ``\\citation{a,b}`` and biblatex's
``\\abx@aux@cite{0}{key}`` (``\\abx@aux@cite{key}`` before biblatex 3.8), with
``\\nocite{*}`` (``\\citation{*}``, ``\\abx@aux@nociteall``) meaning every entry.

Files a document reads in (``\\input``, ``\\include``, ``\\subfile``; ``\\@input`` in an
.aux) are named in ``Citations.inputs``; reading them is the caller's business.

Every pattern stops at the next bracket or brace it cannot belong to, so the scan is linear
in the size of the text whatever it holds.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Commands whose first braced argument (after the optional ones) is a comma-separated key
# list. natbib, biblatex, apacite, harvard and bibentry; each also with a capital first letter
# (\Citet, \Textcite: the same citation at the start of a sentence).
_SINGLE = (
    # natbib (\cite and \nocite are LaTeX's own)
    "cite citet citep citealt citealp citeauthor citefullauthor citeyear citeyearpar citenum "
    "citetalias citepalias nocite "
    # biblatex
    "parencite footcite footcitetext textcite smartcite supercite autocite citetitle "
    "citedate citeurl fullcite footfullcite notecite pnotecite fnotecite citelist citefield "
    "citename "
    # apacite, harvard, bibentry
    "citeA citeNP citeANP citeauthorNP citeyearNP fullciteA fullciteNP shortcite shortciteA "
    "shortciteNP citeasnoun bibentry"
).split()
# biblatex's multi-cite commands: several [pre][post]{keys} groups after optional (pre)(post).
_MULTI = "cites parencites footcites footcitetexts smartcites textcites supercites autocites"
# biblatex's volume citations: [prenote]{volume}[pages]{key}; their multi-cite forms repeat
# the group.
_VOLUME = "volcite pvolcite fvolcite ftvolcite svolcite tvolcite avolcite"


def _with_capitals(names: list[str]) -> frozenset[str]:
    return frozenset(names) | {n[0].upper() + n[1:] for n in names}


SINGLE_COMMANDS = _with_capitals(_SINGLE)
MULTI_COMMANDS = _with_capitals(_MULTI.split())
VOLUME_COMMANDS = _with_capitals(_VOLUME.split())
MULTI_VOLUME_COMMANDS = _with_capitals([n + "s" for n in _VOLUME.split()])
INPUT_COMMANDS = frozenset({"input", "include", "subfile"})

# What TeX skips (comments, the comment environment) or prints verbatim: a \cite there is not
# a citation. A control symbol (\%, \\) is matched whole, so "\%" starts no comment and
# "\\%" does.
_SKIPPED = re.compile(
    r"\\begin\s*\{(comment|verbatim\*?|Verbatim\*?|lstlisting|minted)\}.*?\\end\s*\{\1\}"
    r"|\\verb\*?([^A-Za-z*\s])[^\n]*?\2"
    r"|%[^\n]*"
    r"|\\[^A-Za-z]",
    re.S,
)
_TEX_COMMAND = re.compile(r"\\([A-Za-z]+)|\\.", re.S)
_AUX_COMMAND = re.compile(r"\\([A-Za-z@]+)|\\.", re.S)
_SPACE = r"\s*"
# A braced group with up to two levels of braces inside; a note's brackets may not nest.
_BRACED = r"\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\}"
_OPTIONAL = r"\[(?:[^\[\]{}]|" + _BRACED + r")*\]"
_PAREN = r"\((?:[^(){}\[\]]|" + _BRACED + r")*\)"
_KEYS = r"\{([^{}]*)\}"
_STAR = re.compile(r"\s*\*?")
_SINGLE_ARGS = re.compile(rf"(?:{_SPACE}{_OPTIONAL}){{0,2}}{_SPACE}{_KEYS}")
_VOLUME_ARGS = re.compile(
    rf"(?:{_SPACE}{_OPTIONAL})?{_SPACE}{_BRACED}(?:{_SPACE}{_OPTIONAL})?{_SPACE}{_KEYS}"
)
_GLOBAL_NOTES = re.compile(rf"(?:{_SPACE}{_PAREN}){{0,2}}")
_BRACE_ARG = re.compile(rf"{_SPACE}\{{([^{{}}]*)\}}")
# The names a key cannot hold: a macro, a brace, a space inside the key.
_NOT_A_KEY = re.compile(r"[\\{}\s%#]")


class Citations(NamedTuple):
    """What a document cites: ``keys`` in order of first use (each once, as written), or every
    entry when ``everything``; ``inputs`` the files it reads in, as written; ``commands`` how
    many TeX commands the text holds (none: it is not TeX)."""

    keys: tuple[str, ...]
    everything: bool
    inputs: tuple[str, ...]
    commands: int


def looks_binary(data: bytes) -> bool:
    """Whether ``data`` is not text: a NUL byte, or many control characters, in its start."""
    head = data[:65536]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(head) // 100


def _split(keys: str) -> list[str]:
    return [k for k in (part.strip() for part in keys.split(",")) if k]


class _Collector:
    def __init__(self) -> None:
        self.keys: dict[str, None] = {}
        self.everything = False
        self.inputs: dict[str, None] = {}
        self.commands = 0

    def add(self, keys: list[str]) -> None:
        for key in keys:
            if key == "*":
                self.everything = True
            elif not _NOT_A_KEY.search(key):
                self.keys.setdefault(key, None)

    def result(self) -> Citations:
        return Citations(tuple(self.keys), self.everything, tuple(self.inputs), self.commands)


def strip_skipped(text: str) -> str:
    """``text`` without its comments, comment environments and verbatim text."""

    def keep(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.startswith("%"):
            return ""
        if len(token) == 2 and token[0] == "\\":
            return token
        return " "

    return _SKIPPED.sub(keep, text)


def parse_tex(text: str) -> Citations:
    """The citations in a LaTeX source file."""
    found = _Collector()
    text = strip_skipped(text)
    for match in _TEX_COMMAND.finditer(text):
        name = match.group(1)
        if name is None:
            continue
        found.commands += 1
        end = match.end()
        if name in INPUT_COMMANDS:
            arg = _BRACE_ARG.match(text, end)
            if arg and arg.group(1).strip():
                found.inputs.setdefault(arg.group(1).strip(), None)
            continue
        if not (
            name in SINGLE_COMMANDS
            or name in MULTI_COMMANDS
            or name in VOLUME_COMMANDS
            or name in MULTI_VOLUME_COMMANDS
        ):
            continue
        star = _STAR.match(text, end)
        end = star.end() if star else end
        if name in SINGLE_COMMANDS:
            args = _SINGLE_ARGS.match(text, end)
            if args:
                found.add(_split(args.group(1)))
            continue
        if name in VOLUME_COMMANDS:
            args = _VOLUME_ARGS.match(text, end)
            if args:
                found.add(_split(args.group(1)))
            continue
        notes = _GLOBAL_NOTES.match(text, end)
        end = notes.end() if notes else end
        group = _VOLUME_ARGS if name in MULTI_VOLUME_COMMANDS else _SINGLE_ARGS
        while (args := group.match(text, end)) is not None:
            found.add(_split(args.group(1)))
            end = args.end()
    return found.result()


def parse_aux(text: str) -> Citations:
    """The citations LaTeX recorded in an .aux file, BibTeX's or biblatex's."""
    found = _Collector()
    for match in _AUX_COMMAND.finditer(text):
        name = match.group(1)
        if name is None:
            continue
        found.commands += 1
        first = _BRACE_ARG.match(text, match.end())
        if name == "abx@aux@nociteall":
            found.everything = True
        elif first is None:
            continue
        elif name == "citation":
            found.add(_split(first.group(1)))
        elif name == "abx@aux@cite":
            # biblatex 3.8 and later: {refsection}{key}; before: {key}.
            second = _BRACE_ARG.match(text, first.end())
            if second is not None and first.group(1).strip().isdigit():
                found.add([second.group(1).strip()])
            else:
                found.add([first.group(1).strip()])
        elif name == "@input":
            found.inputs.setdefault(first.group(1).strip(), None)
    return found.result()


def looks_like_bib(text: str) -> bool:
    """Whether ``text`` reads like a .bib database (a common mistake for --cited-only)."""
    return re.search(r"^\s*@[A-Za-z]+\s*[{(]", text[:65536], re.M) is not None
