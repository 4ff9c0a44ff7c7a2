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
from reading_list.formats.bibtex import one_line, without_controls
from reading_list.names import others_last
from reading_list.tex_safety import as_printed_text, safe_tex
from reading_list.works import NAME_FIELDS, WorkRecord

# A field name BibTeX and biber read as one (no braces, quotes, "=", "#", "%", commas).
_FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_:.+/-]*$")
# Only a value with one of these can hold TeX that safe_tex would rewrite: most values (years,
# pages, plain words) skip it.
_MAYBE_TEX = re.compile(r"[\\{}%$^]")
_ENTRY_TYPE = re.compile(r"^[a-z][a-z0-9_:.+-]*$")


# A line of a value that starts with "@" would start an entry for some readers (bibtexparser
# among them); TeX reads the line break before it as a space anyway.
_LINE_THEN_AT = re.compile(r"[ \t]*[\r\n][\s]*(?=@)")


def field_value(value: str) -> str:
    value = without_controls(value)
    value = _LINE_THEN_AT.sub(" ", value) if "@" in value else value
    return safe_tex(value) if _MAYBE_TEX.search(value) else value


def render_record(
    record: WorkRecord,
    key: str,
    *,
    flavour: str,
    aliases: Sequence[str] = (),
    keywords: Sequence[str] | None = (),
    title: str = "",
    sort_key: str = "",
) -> tuple[str, list[str]]:
    """(entry, warnings) of a record with ``tex=True`` cited as ``key``. biblatex gets the
    work's other citekeys in ``ids`` (merged with any the entry had), so that a document
    citing any of them finds it. ``keywords`` are the paper's tags: the entry's own keywords
    field is written as it came while it lists just those, else the tags are; None (export
    --no-keywords) writes none. ``title``: the work's title as a field value, for an entry
    that had none; ``sort_key``: the readable ``key`` BibTeX gets for an entry with no
    author, editor or key."""
    if not usable_citekey(key):
        return "", [f"citekey {key[:60]!r} cannot be written; entry left out"]
    warnings: list[str] = []
    entry_type = record.entry_type if _ENTRY_TYPE.match(record.entry_type) else "misc"
    fields = dict(record.fields)
    if flavour == "biblatex" and aliases:
        own = [k.strip() for k in fields.get("ids", "").split(",") if k.strip()]
        extra = [a for a in aliases if usable_citekey(a) and a.lower() != key.lower()]
        ids = list(dict.fromkeys([*own, *extra]))
        if ids:
            fields["ids"] = ", ".join(ids)
    own_keywords = next((k for k in fields if k.lower() == "keywords"), None)
    if keywords is None or (own_keywords and not _same_tags(fields[own_keywords], keywords)):
        fields.pop(own_keywords or "", None)
        own_keywords = None
    if keywords and own_keywords is None:
        # The tags are the list (import made the entry's keywords tags): sorted, as text.
        words = sorted({one_line(t) for t in keywords} - {""}, key=lambda t: (t.lower(), t))
        fields["keywords"] = ", ".join(as_printed_text(w) for w in words)
    names = {k.lower() for k, v in fields.items() if v.strip()}
    if flavour == "bibtex" and sort_key and not names & {"author", "editor", "key"}:
        # natbib styles print the key where the authors go, and every style sorts by it.
        fields["key"] = sort_key
    own_title = next((k for k in fields if k.lower() == "title"), "title")
    if title and not fields.get(own_title, "").strip():
        # The library shows the work under a title the entry lacked: the export keeps it.
        fields[own_title] = title
    arxiv = any(
        k.lower() in ("archiveprefix", "eprinttype") and v.strip().lower() == "arxiv"
        for k, v in fields.items()
    )
    lines = []
    for name, value in fields.items():
        if not _FIELD_NAME.match(name):
            warnings.append(f"field {name[:40]!r} is no BibTeX field name; left out")
            continue
        if name.lower() in NAME_FIELDS:
            value = others_last(value)
        checked = _identifier_field(name.lower(), value, arxiv=arxiv, warnings=warnings)
        if checked is None:
            continue
        lines.append(f"  {name} = {{{checked if checked is not True else field_value(value)}}},\n")
    return f"@{entry_type}{{{key},\n{''.join(lines)}}}\n", warnings


def _identifier_field(
    name: str, value: str, *, arxiv: bool, warnings: list[str]
) -> str | bool | None:
    """The value of a field that names something (a DOI, a URL, an arXiv id or category) as it
    can be written, after the same checks as the library's own values; True for any other
    field (written as TeX, through field_value); None to leave it out (warned)."""
    from reading_list.formats.bibtex import category_field, doi_field, url_field

    text = " ".join(value.split())
    if name == "doi":
        return doi_field(text, warnings, allow_arxiv=True)
    if name == "url":
        return url_field(text, warnings)
    # primaryclass is arXiv's own field; eprintclass is, with eprinttype arxiv.
    if name == "primaryclass" or (arxiv and name == "eprintclass"):
        category = category_field(text)
        if category is None:
            warnings.append(f"{name} {one_line(text)[:60]!r} is no arXiv category; left out")
        return category
    if arxiv and name == "eprint":
        if re.fullmatch(r"(?:arXiv:)?[A-Za-z0-9./-]+", text):
            return text
        warnings.append(f"eprint {one_line(text)[:60]!r} is no arXiv identifier; left out")
        return None
    return True


def _same_tags(field: str, tags: Sequence[str]) -> bool:
    from reading_list.tags import tag_key

    listed = {tag_key(t) for t in re.split(r"[,;]", field)} - {""}
    return listed == {tag_key(t) for t in tags} - {""}


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
