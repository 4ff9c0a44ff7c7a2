"""A small local stand-in for the arXiv query API, serving records kept in tests/data.

It answers ``id_list`` lookups and the subset of the search grammar the resolver sends
(``ti:``/``au:``/``abs:``/``all:`` words and "phrases", ``doi:``,
``submittedDate:[A TO B]``, AND / OR / ANDNOT with equal precedence,
grouping to the right, parentheses), in the Atom shape export.arxiv.org uses. It counts requests
and can be told to fail the next N requests with a status, for retry tests.
"""

from __future__ import annotations

import json
import re
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

DATA = Path(__file__).parent / "data" / "arxiv-papers.jsonl"
TOKEN = re.compile(r'\(|\)|"[^"]*"|[^\s()"]+:"[^"]*"|[^\s()]+')


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", _fold(text))


def _in_date_range(record: dict[str, Any], value: str) -> bool:
    """submittedDate:[YYYYMMDDHHMM TO YYYYMMDDHHMM] on the v1 date (or the id's YYMM)."""
    low, _, high = value.strip("[]").partition(" TO ")
    published = record.get("published") or f"20{record['arxiv_id'][:2]}-{record['arxiv_id'][2:4]}"
    stamp = re.sub(r"\D", "", published)[:12].ljust(12, "0")
    return low.strip().ljust(12, "0") <= stamp <= high.strip().ljust(12, "9")


def _matches(record: dict[str, Any], field_name: str, value: str) -> bool:
    if field_name == "submittedDate":
        return _in_date_range(record, value)
    if field_name == "doi":
        return value.strip('"').lower() in (record.get("doi") or "").lower().split()
    phrase = value.startswith('"')
    wanted = _words(value.strip('"'))
    if not wanted:
        return True
    if field_name == "au":
        targets = [_words(a["name"]) for a in record["authors"]]
    elif field_name == "ti":
        targets = [_words(record["title"])]
    elif field_name == "abs":
        targets = [_words(record.get("summary") or "")]
    else:
        targets = [_words(record["title"] + " " + (record.get("summary") or ""))]
        targets += [_words(a["name"]) for a in record["authors"]]
    for words in targets:
        if phrase:
            n = len(wanted)
            if any(words[i : i + n] == wanted for i in range(len(words) - n + 1)):
                return True
        elif all(w in words for w in wanted):
            return True
    return False


def _evaluate(tokens: list[str], record: dict[str, Any]) -> bool:
    def term(pos: int) -> tuple[bool, int]:
        tok = tokens[pos]
        if tok == "(":
            inside, pos = expr(pos + 1)
            return inside, pos + 1
        if tok == "ANDNOT":
            negated, pos = expr(pos + 1)
            return not negated, pos
        name, _, value = tok.partition(":")
        if not value:
            name, value = "all", tok
        if name == "au" and "_" in value and not value.startswith('"'):
            value = '"' + value.replace("_", " ") + '"'
        return _matches(record, name, value), pos + 1

    def expr(pos: int) -> tuple[bool, int]:
        left, pos = term(pos)
        if pos < len(tokens) and tokens[pos] in ("AND", "OR", "ANDNOT"):
            op = tokens[pos]
            right, pos = expr(pos + 1)
            if op == "AND":
                return left and right, pos
            if op == "OR":
                return left or right, pos
            return left and not right, pos
        if pos < len(tokens) and tokens[pos] != ")":
            right, pos = expr(pos)  # a missing operator means OR, as on arXiv
            return left or right, pos
        return left, pos

    return expr(0)[0]


def _stamp(date: str) -> str:
    return date if "T" in date else f"{date}T00:00:00Z"


def _entry(record: dict[str, Any]) -> str:
    version = record.get("version") or 1
    ident = f"{record['arxiv_id']}v{version}"
    # arXiv always has a v1 date; where the records lack one, the id's YYMM gives the month.
    published = (
        record.get("published") or f"20{record['arxiv_id'][:2]}-{record['arxiv_id'][2:4]}-01"
    )
    updated = record.get("updated") or published
    cats = record.get("categories") or [record.get("primary_category") or "cs.LG"]
    parts = [
        "<entry>",
        f"<id>http://arxiv.org/abs/{ident}</id>",
        f"<title>{escape(record['title'])}</title>",
        f"<updated>{_stamp(updated)}</updated>",
        f'<link href="https://arxiv.org/abs/{ident}" rel="alternate" type="text/html"/>',
        f'<link href="https://arxiv.org/pdf/{ident}" rel="related" type="application/pdf" '
        'title="pdf"/>',
        f"<summary>{escape(record.get('summary') or '')}</summary>",
        *(f'<category term="{c}" scheme="http://arxiv.org/schemas/atom"/>' for c in cats),
        f"<published>{_stamp(published)}</published>",
    ]
    if record.get("comment"):
        parts.append(f"<arxiv:comment>{escape(record['comment'])}</arxiv:comment>")
    parts.append(f'<arxiv:primary_category term="{cats[0]}"/>')
    if record.get("journal_ref"):
        parts.append(f"<arxiv:journal_ref>{escape(record['journal_ref'])}</arxiv:journal_ref>")
    parts += [f"<author><name>{escape(a['name'])}</name></author>" for a in record["authors"]]
    if record.get("doi"):
        parts.append(f"<arxiv:doi>{escape(record['doi'])}</arxiv:doi>")
    parts.append("</entry>")
    return "".join(parts)


def feed(records: list[dict[str, Any]], total: int, max_results: int) -> bytes:
    head = (
        "<?xml version='1.0' encoding='UTF-8'?>"
        '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
        'xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">'
        "<id>https://arxiv.org/api/stub</id><title>arXiv Query</title>"
        "<updated>2026-01-01T00:00:00Z</updated>"
        f"<opensearch:itemsPerPage>{max_results}</opensearch:itemsPerPage>"
        f"<opensearch:totalResults>{total}</opensearch:totalResults>"
        "<opensearch:startIndex>0</opensearch:startIndex>"
    )
    return (head + "".join(_entry(r) for r in records) + "</feed>").encode()


@dataclass
class StubState:
    records: dict[str, dict[str, Any]]
    requests: list[str] = field(default_factory=list)
    fail_next: int = 0
    fail_status: int = 503
    latency: float = 0.0
    # rewrites every successful body: duplicated entries, another encoding, ...
    transform: Callable[[bytes], bytes] | None = None
    # Holds each answer until as many requests are waiting, so that clients race.
    together: threading.Barrier | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, query: str) -> tuple[int, bytes, dict[str, str]]:
        if self.latency:
            time.sleep(self.latency)
        if self.together is not None:
            try:
                self.together.wait(timeout=10)
            except threading.BrokenBarrierError:
                pass
        with self.lock:
            self.requests.append(query)
            if self.fail_next > 0:
                self.fail_next -= 1
                return self.fail_status, b"Service unavailable", {"Retry-After": "0"}
        params = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
        max_results = int(params.get("max_results") or 10)
        ids = [i for i in (params.get("id_list") or "").split(",") if i]
        found = list(self.records.values())
        if ids:
            wanted = {re.sub(r"v\d+$", "", i) for i in ids}
            found = [r for r in found if r["arxiv_id"] in wanted]
        search = params.get("search_query") or ""
        if search:
            tokens = TOKEN.findall(search)
            found = [r for r in found if _evaluate(tokens, r)]
        body = feed(found[:max_results], len(found), max_results)
        return 200, self.transform(body) if self.transform else body, {}


def load_records(path: Path = DATA) -> dict[str, dict[str, Any]]:
    records: dict[str, dict[str, Any]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            records[record["arxiv_id"]] = record
    return records


class StubServer:
    def __init__(self, records: dict[str, dict[str, Any]] | None = None) -> None:
        self.state = StubState(records if records is not None else load_records())
        state = self.state

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path != "/api/query":
                    self.send_error(404)
                    return
                status, body, headers = state.answer(parts.query)
                self.send_response(status)
                self.send_header("Content-Type", "application/atom+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/query"

    def __enter__(self) -> StubServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def synthetic_records(n: int, start: int = 1) -> dict[str, dict[str, Any]]:
    """n arXiv-style records with ids 2501.00001 onwards, for batch and crash tests."""
    records = {}
    for i in range(start, start + n):
        arxiv_id = f"2501.{i:05d}"
        records[arxiv_id] = {
            "arxiv_id": arxiv_id,
            "version": 1,
            "published": "2025-01-15T00:00:00Z",
            "updated": "2025-01-15T00:00:00Z",
            "title": f"Synthetic Paper Number {i} on Sparse Attention",
            "authors": [
                {"name": f"Author{i} Surname{i % 97}", "affiliation": []},
                {"name": "Zoë Ångström", "affiliation": []},
            ],
            "summary": f"Abstract of synthetic paper {i}.",
            "categories": ["cs.LG"],
            "primary_category": "cs.LG",
        }
    return records
