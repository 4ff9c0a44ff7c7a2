"""What TeX a rendered bibliography may carry. Pure; no I/O.

Field values reach a .bbl, and through it LaTeX, verbatim: a title from arXiv, a field of an
imported .bib, a value restored from a dump. TeX there is a programming language with file
and shell access, so a value keeps its TeX only when it cannot leave its field and uses no
primitive that reads or writes files, runs commands, defines or builds control sequences, or
changes category codes. Everything else is neutralised as printed text: the reader sees what
the value said, and nothing runs.
"""

from __future__ import annotations

import re

# Control words that read or write files, run commands, define or build control sequences,
# change how characters are read, or reach the output routine. Matched case-sensitively, as
# TeX does; ``@`` names (LaTeX internals) are refused separately.
UNSAFE_WORDS = frozenset(
    """
    input include includeonly InputIfFileExists IfFileExists openin openout read readline
    write immediate closein closeout newread newwrite write18 ShellEscape pdfshellescape
    shipout output everyjob everypar everymath everydisplay everyhbox everyvbox everycr
    catcode lccode uccode mathcode sfcode delcode endlinechar newlinechar escapechar
    csname endcsname string meaning detokenize unexpanded noexpand expandafter scantokens
    def edef gdef xdef let futurelet global long outer protected afterassignment aftergroup
    chardef mathchardef countdef dimendef skipdef toksdef toks newcommand renewcommand
    providecommand DeclareRobustCommand DeclareTextCommand newenvironment renewenvironment
    makeatletter makeatother usepackage RequirePackage documentclass begin end verb
    special pdfliteral directlua luaexec luadirect latelua primitive pdfprimitive
    lstinputlisting verbatiminput includegraphics jobname font loop repeat
    """.split()
)
_CONTROL_WORD = re.compile(r"\\([A-Za-z@]+)")
# A backslash starting something other than a control word: \\ \{ \} \& \% \$ \# \_ \, \;
# \' \` \^ \" \~ \= \. \- \  (accents, spacing and escaped specials) are ordinary TeX.
_CONTROL_SYMBOL = re.compile(r"\\([^A-Za-z@])")
_SAFE_SYMBOLS = frozenset("\\{}&%$#_,;:!'`^\"~=.- |/<>()[]*+")
_MATH = re.compile(r"(?<!\\)\$[^$]+?(?<!\\)\$")


def braces_balanced(text: str) -> bool:
    """Whether ``{`` and ``}`` nest. BibTeX counts braces whatever precedes them (``\\{``
    included), so this is BibTeX's own test of whether a value stays inside its field."""
    depth = 0
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _has_unsafe_tex(text: str) -> bool:
    if "^^" in text:
        # TeX reads ^^5c as a backslash: any control sequence can be spelt this way.
        return True
    if re.search(r"(?<!\\)%", text):
        # An unescaped comment character swallows the rest of the .bbl line, closing brace too.
        return True
    for word in _CONTROL_WORD.findall(text):
        if word in UNSAFE_WORDS or "@" in word or word.startswith(("pdf", "lua", "xe")):
            return True
    return any(symbol not in _SAFE_SYMBOLS for symbol in _CONTROL_SYMBOL.findall(text))


def math_is_safe(span: str) -> bool:
    """Whether a ``$...$`` span may be kept as math: balanced, no trailing lone backslash,
    no unsafe primitive, no ``^^`` spelling, no comment character."""
    inner = span[1:-1] if len(span) >= 2 and span[0] == span[-1] == "$" else span
    if not inner or not braces_balanced(inner) or _ends_in_lone_backslash(inner):
        return False
    return not _has_unsafe_tex(inner) and "$" not in inner.replace("\\$", "")


def _ends_in_lone_backslash(text: str) -> bool:
    trailing = len(text) - len(text.rstrip("\\"))
    return trailing % 2 == 1


_TEXT_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "$": r"\$",
    "%": r"\%",
    "#": r"\#",
    "&": r"\&",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
_ANY_SPECIAL = re.compile(r"[\\{}$%#&_^~]")


def as_printed_text(text: str) -> str:
    """``text`` escaped so that TeX prints every character of it and runs none. Braces become
    ``\\textbraceleft{}``/``\\textbraceright{}`` rather than ``\\{``, which BibTeX would still
    count."""
    return _ANY_SPECIAL.sub(lambda m: _TEXT_SPECIALS[m.group(0)], text)


def _safe_piece(piece: str) -> str:
    """A stretch of TeX text outside math, kept where harmless and neutralised where not."""

    def control_word(m: re.Match[str]) -> str:
        word = m.group(1)
        if word in UNSAFE_WORDS or "@" in word or word.startswith(("pdf", "lua", "xe")):
            return as_printed_text(m.group(0))
        return m.group(0)

    def control_symbol(m: re.Match[str]) -> str:
        return m.group(0) if m.group(1) in _SAFE_SYMBOLS else as_printed_text(m.group(0))

    piece = piece.replace("^^", r"\textasciicircum{}\textasciicircum{}")
    piece = _CONTROL_WORD.sub(control_word, piece)
    piece = _CONTROL_SYMBOL.sub(control_symbol, piece)
    return re.sub(r"(?<!\\)((?:\\\\)*)%", r"\1\\%", piece)


def safe_tex(value: str) -> str:
    """A BibTeX field value (TeX source, as a .bib holds it) that stays inside its field and
    runs nothing: safe math spans kept, unsafe ones printed as text, unsafe control sequences
    printed, comment characters escaped. A value whose braces do not nest is printed whole
    as text (it could not have been a real field value)."""
    if not braces_balanced(value) or _ends_in_lone_backslash(value):
        return as_printed_text(value)
    out: list[str] = []
    last = 0
    for m in _MATH.finditer(value):
        out.append(_safe_piece(value[last : m.start()]))
        span = m.group(0)
        out.append(span if math_is_safe(span) else as_printed_text(span))
        last = m.end()
    out.append(_safe_piece(value[last:]))
    result = "".join(out)
    # A lone $ left outside any span would open math mode for the rest of the entry.
    return result if _balanced_dollars(result) else as_printed_text(value)


def _balanced_dollars(text: str) -> bool:
    return len(re.findall(r"(?<!\\)\$", text)) % 2 == 0
