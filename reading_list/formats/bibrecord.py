"""A typed record read from a .bib file, written back as BibTeX or biblatex. Pure; no I/O.

The entry keeps its own type and every field as the file wrote it, in its order: the values
are TeX source already, so each goes out verbatim after the TeX safety check
(tex_safety.safe_tex), which only rewrites what could leave its field or run something. That
makes import-bib then export lossless, and cheap: no decoding, escaping or brace protection.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from reading_list.citekeys import usable_citekey
from reading_list.tex_safety import safe_tex
from reading_list.works import WorkRecord

# A field name BibTeX and biber read as one (no braces, quotes, "=", "#", "%", commas).
_FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_:.+/-]*$")
# Only a value with one of these can hold TeX that safe_tex would rewrite: most values (years,
# pages, plain words) skip it.
_MAYBE_TEX = re.compile(r"[\\{}%$^]")


def field_value(value: str) -> str:
    return safe_tex(value) if _MAYBE_TEX.search(value) else value


def render_record(
    record: WorkRecord, key: str, *, flavour: str, aliases: Sequence[str] = ()
) -> tuple[str, list[str]]:
    """(entry, warnings) of a record with ``tex=True`` cited as ``key``. biblatex gets the
    work's other citekeys in ``ids`` (merged with any the entry had), so that a document
    citing any of them finds it."""
    if not usable_citekey(key):
        return "", [f"citekey {key[:60]!r} cannot be written; entry left out"]
    warnings: list[str] = []
    fields = dict(record.fields)
    if flavour == "biblatex" and aliases:
        own = [k.strip() for k in fields.get("ids", "").split(",") if k.strip()]
        extra = [a for a in aliases if usable_citekey(a) and a.lower() != key.lower()]
        ids = list(dict.fromkeys([*own, *extra]))
        if ids:
            fields["ids"] = ", ".join(ids)
    lines = []
    for name, value in fields.items():
        if not _FIELD_NAME.match(name):
            warnings.append(f"field {name[:40]!r} is no BibTeX field name; left out")
            continue
        lines.append(f"  {name} = {{{field_value(value)}}},\n")
    return f"@{record.entry_type}{{{key},\n{''.join(lines)}}}\n", warnings


def safe_preamble(preamble: str) -> str | None:
    """A stored @preamble as it can be written, or None when it cannot: a preamble exists to
    define macros, which safe_tex neutralises, so only new macros (\\newcommand or
    \\providecommand of a name, with a body that passes safe_tex) are allowed through."""
    rest = preamble.strip()
    definition = re.compile(
        r"\\(?:newcommand|providecommand)\*?\s*\{\\[A-Za-z]+\}\s*(?:\[[0-9]\])?\s*"
    )
    while rest:
        match = definition.match(rest)
        if match is None:
            return None
        body_start = match.end()
        if not rest.startswith("{", body_start):
            return None
        depth, end = 0, -1
        for i in range(body_start, len(rest)):
            if rest[i] == "{":
                depth += 1
            elif rest[i] == "}":
                depth -= 1
                if depth == 0:
                    end = i
                    break
        if end < 0:
            return None
        body = rest[body_start + 1 : end]
        if safe_tex(body) != body:
            return None
        rest = rest[end + 1 :].strip()
    return preamble.strip()


def render_preambles(preambles: Iterable[str]) -> tuple[str, list[str]]:
    """The @preamble blocks of imported files that can be written, and a warning for each
    that cannot."""
    out, warnings = [], []
    for preamble in preambles:
        safe = safe_preamble(preamble)
        if safe is None:
            warnings.append(
                f"an imported @preamble ({preamble[:40]!r}...) does more than define new "
                "macros; not written"
            )
        elif safe:
            out.append(f"@preamble{{{{{safe}}}}}\n")
    return "".join(out), warnings
