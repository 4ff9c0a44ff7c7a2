"""Pure parsing of the search syntax into a parameterised SQL condition. No I/O.

    transformer                      a word anywhere (title, abstract, authors, notes)
    "sparse attention"               a phrase
    title:gan  author:hinton  abstract:routing  note:todo   one field
    tag:few-shot  status:read  list:thesis  kind:manual
    year:2017  year:2015-2017  year:>2019  year:<2010
    a b   a AND b   a OR b   NOT a   -a   ( ... )   prefix*

Text terms become FTS5 MATCH sub-queries; everything else plain SQL. User text only ever
travels as a bound parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reading_list.errors import UsageError
from reading_list.status import STATUSES
from reading_list.tags import tag_key

TEXT_FIELDS = {
    "title": "title",
    "ti": "title",
    "author": "authors",
    "au": "authors",
    "abstract": "abstract",
    "abs": "abstract",
    "note": "notes",
    "notes": "notes",
}
_TOKEN = re.compile(
    r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<field>[A-Za-z]+):(?P<fvalue>"[^"]*"?|[^\s()"]+)'
    r'|(?P<phrase>"[^"]*"?)|(?P<word>[^\s()"]+))'
)


class QuerySyntaxError(UsageError):
    pass


@dataclass(frozen=True)
class Condition:
    sql: str
    params: tuple[object, ...]


def _fts_string(value: str) -> str:
    """A quoted FTS5 string (prefix star kept outside the quotes)."""
    star = value.endswith("*") and len(value) > 1
    core = value[:-1] if star else value
    words = re.findall(r"\w+", core)
    if not words:
        raise QuerySyntaxError(f"nothing to search for in {value!r}")
    quoted = '"' + " ".join(words).replace('"', '""') + '"'
    return quoted + ("*" if star else "")


def _text_condition(column: str | None, value: str) -> Condition:
    match = _fts_string(value)
    expr = f"{column} : {match}" if column else match
    return Condition("p.rowid IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?)", (expr,))


def _year_condition(value: str) -> Condition:
    if m := re.fullmatch(r"(\d{4})", value):
        return Condition("p.year = ?", (int(m.group(1)),))
    if m := re.fullmatch(r"(\d{4})\s*(?:-|\.\.)\s*(\d{4})", value):
        low, high = sorted((int(m.group(1)), int(m.group(2))))
        return Condition("p.year BETWEEN ? AND ?", (low, high))
    if m := re.fullmatch(r"([<>]=?)(\d{4})", value):
        return Condition(f"p.year {m.group(1)} ?", (int(m.group(2)),))
    raise QuerySyntaxError(f"year:{value} is not a year, a range like 2015-2017, or >2019")


def _term(field: str | None, value: str) -> Condition:
    unquoted = value.strip('"')
    if field is None:
        return _text_condition(None, value)
    name = field.lower()
    if name in TEXT_FIELDS:
        return _text_condition(TEXT_FIELDS[name], value)
    if name == "tag":
        return Condition(
            "EXISTS (SELECT 1 FROM paper_tags t WHERE t.paper_id = p.id AND t.tag = ?)",
            (tag_key(unquoted),),
        )
    if name == "status":
        if unquoted.lower() not in STATUSES:
            raise QuerySyntaxError(f"status:{unquoted} is unknown; use {', '.join(STATUSES)}")
        return Condition("p.status = ?", (unquoted.lower(),))
    if name == "year":
        return _year_condition(unquoted)
    if name == "list":
        return Condition(
            "EXISTS (SELECT 1 FROM list_items li WHERE li.paper_id = p.id AND li.list_name = ?)",
            (unquoted,),
        )
    if name == "kind":
        if unquoted not in ("arxiv", "manual"):
            raise QuerySyntaxError("kind: takes arxiv or manual")
        return Condition("p.kind = ?", (unquoted,))
    fields = sorted({*TEXT_FIELDS, "tag", "status", "year", "list", "kind"})
    raise QuerySyntaxError(f"unknown field {field!r}; use one of: {', '.join(fields)}")


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens: list[tuple[str, str, str]] = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if m is None or m.end() == pos:
                raise QuerySyntaxError(f"cannot read the query at {text[pos : pos + 20]!r}")
            pos = m.end()
            if m.group("lp"):
                self.tokens.append(("(", "", ""))
            elif m.group("rp"):
                self.tokens.append((")", "", ""))
            elif m.group("field"):
                self.tokens.append(("term", m.group("field"), m.group("fvalue")))
            elif m.group("phrase"):
                self.tokens.append(("term", "", m.group("phrase")))
            elif m.group("word") in ("AND", "OR", "NOT"):
                self.tokens.append((m.group("word"), "", ""))
            else:
                self.tokens.append(("term", "", m.group("word")))
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def parse(self) -> Condition:
        if not self.tokens:
            raise QuerySyntaxError("the query is empty")
        cond = self.or_expr()
        if self.pos != len(self.tokens):
            raise QuerySyntaxError("unbalanced parentheses in the query")
        return cond

    def or_expr(self) -> Condition:
        parts = [self.and_expr()]
        while self.peek() == "OR":
            self.pos += 1
            parts.append(self.and_expr())
        return _join(parts, "OR")

    def and_expr(self) -> Condition:
        parts = [self.not_expr()]
        while self.peek() not in (None, ")", "OR"):
            if self.peek() == "AND":
                self.pos += 1
            parts.append(self.not_expr())
        return _join(parts, "AND")

    def not_expr(self) -> Condition:
        kind = self.peek()
        if kind == "NOT":
            self.pos += 1
            inner = self.not_expr()
            return Condition(f"NOT ({inner.sql})", inner.params)
        if (
            kind == "term"
            and self.tokens[self.pos][2].startswith("-")
            and len(self.tokens[self.pos][2]) > 1
            and not self.tokens[self.pos][1]
        ):
            _, _, value = self.tokens[self.pos]
            self.pos += 1
            inner = _term(None, value[1:])
            return Condition(f"NOT ({inner.sql})", inner.params)
        return self.atom()

    def atom(self) -> Condition:
        kind = self.peek()
        if kind == "(":
            self.pos += 1
            inner = self.or_expr()
            if self.peek() != ")":
                raise QuerySyntaxError("a '(' is never closed")
            self.pos += 1
            return inner
        if kind == "term":
            _, field, value = self.tokens[self.pos]
            self.pos += 1
            return _term(field or None, value)
        raise QuerySyntaxError(f"expected a search term, found {kind or 'the end'!r}")


def _join(parts: list[Condition], op: str) -> Condition:
    if len(parts) == 1:
        return parts[0]
    return Condition(
        "(" + f" {op} ".join(f"({p.sql})" for p in parts) + ")",
        tuple(x for p in parts for x in p.params),
    )


def parse_query(text: str) -> Condition:
    """Raises QuerySyntaxError (a usage error) saying what is wrong and where."""
    return _Parser(text).parse()
