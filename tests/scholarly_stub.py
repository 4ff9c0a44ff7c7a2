"""Our own small stand-ins for dblp and Crossref/doi.org, serving data kept in tests/data in
the services' wire shapes (see ../shared/reference/scholarly-apis.md): dblp's JSON with its
quirks (one author as an object, no ``hit`` key for no hits, ``ee`` as list or string,
upper-case DOIs, homonym numbers) and ``/rec/{key}.bib``; Crossref's ``/works/{doi}`` and
``/works?query.bibliographic=`` and doi.org's redirect to the transform route on another
origin. The data is written for tests (dblp's CC0 records, hand-made Crossref messages), not
an authority on any work. ``faults`` queues what the next requests get instead."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from tests.http_stub import Handler, LocalServer

DATA = Path(__file__).parent / "data"
HTML_429 = (
    '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>'
    "<title>429 Too Many Requests</title></head><body><h1>Too Many Requests</h1></body></html>\n"
)
BOT_PAGE = "<!doctype html><html><head><title>Making sure you are not a bot!</title></head></html>"


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return re.findall(r"[0-9a-z]+", folded)


class Faults:
    """What the next requests get instead of an answer: "503", "429-html", "html",
    "truncated", "empty"."""

    def __init__(self) -> None:
        self.queue: list[str] = []

    def take(self, handler: Handler) -> str | None:
        if not self.queue:
            return None
        fault = self.queue.pop(0)
        if fault == "503":
            handler.reply(503, b"Service Unavailable\n", "text/plain", {"Retry-After": "0"})
        elif fault == "429-html":
            handler.reply(429, HTML_429, "text/html; charset=iso-8859-1", {"Retry-After": "0"})
        elif fault == "html":
            handler.reply(200, BOT_PAGE, "text/html; charset=utf-8")
        else:
            return fault  # shapes the answer itself
        return "sent"


class DblpStandIn:
    def __init__(self, server: LocalServer, path: Path = DATA / "dblp-sample.jsonl") -> None:
        self.server = server
        self.faults = Faults()
        self.records = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
        server.routes["/search/publ/api"] = self.search
        server.routes["/rec/*"] = self.rec

    @property
    def url(self) -> str:
        return self.server.url("")

    def _matches(self, info: dict[str, Any], term: str) -> bool:
        facet = re.match(r"^(stream|year|key):(.+?):?$", term)
        if facet:
            name, value = facet.groups()
            if name == "stream":
                return bool(info["key"].startswith(value + "/"))
            if name == "year":
                return bool(info.get("year") == value)
            return bool(info["key"] == value)
        authors = info.get("authors", {}).get("author", [])
        authors = authors if isinstance(authors, list) else [authors]
        haystack = _words(info["title"]) + _words(str(info.get("venue", "")))
        haystack += [w for a in authors for w in _words(a["text"])] + [str(info.get("year"))]
        wanted = _words(term)
        return all(any(h.startswith(w) for h in haystack) for w in wanted)

    def search(self, handler: Handler) -> None:
        fault = self.faults.take(handler)
        if fault == "sent":
            return
        params = {k: v[0] for k, v in parse_qs(urlsplit(handler.path).query).items()}
        terms = params.get("q", "").split()
        hits = [r["info"] for r in self.records if all(self._matches(r["info"], t) for t in terms)]
        first, count = int(params.get("f", 0)), int(params.get("h", 30))
        page = [] if fault == "empty" else hits[first : first + count]
        block: dict[str, Any] = {
            "@total": str(len(hits)),
            "@computed": str(len(hits)),
            "@sent": str(len(page)),
            "@first": str(first),
        }
        if page:
            block["hit"] = [
                {"@score": "1", "@id": str(n), "info": info, "url": f"URL#{n}"}
                for n, info in enumerate(page)
            ]
        body = json.dumps({"result": {"query": params.get("q", ""), "hits": block}})
        if fault == "truncated":
            body = body[: len(body) // 2]
        handler.reply(200, body, "application/json; charset=utf-8")

    def rec(self, handler: Handler) -> None:
        fault = self.faults.take(handler)
        if fault == "sent":
            return
        m = re.match(r"^/rec/(.+)\.bib$", urlsplit(handler.path).path)
        record = next((r for r in self.records if m and r["info"]["key"] == m.group(1)), None)
        if record is None:
            handler.reply(404, "<!DOCTYPE html><title>dblp: Error 404</title>", "text/html")
            return
        body = record["bib"].rstrip("\n") + "\n\n\n"
        if fault == "truncated":
            body = body[: len(body) // 2]
        handler.reply(200, body, "application/x-bibtex; charset=utf-8")


class CrossrefStandIn:
    """Crossref's REST API at 127.0.0.1 and doi.org at localhost (another origin), on one
    port: doi.org hands metadata requests over to Crossref's transform route."""

    def __init__(self, server: LocalServer, path: Path = DATA / "crossref-sample.jsonl") -> None:
        self.server = server
        self.faults = Faults()
        self.works = {
            json.loads(x)["DOI"].lower(): json.loads(x)
            for x in path.read_text().splitlines()
            if x.strip()
        }
        server.routes["/works"] = self.search
        server.routes["/works/*"] = self.work
        server.routes["/v1/works/*"] = self.work
        server.routes["/10.*"] = self.resolve

    @property
    def rest_url(self) -> str:
        return self.server.url("")

    @property
    def doi_url(self) -> str:
        return self.server.url("", host="localhost")

    def work(self, handler: Handler) -> None:
        fault = self.faults.take(handler)
        if fault == "sent":
            return
        path = urlsplit(handler.path).path
        rest = unquote(re.sub(r"^/(?:v1/)?works/", "", path))
        transform = rest.endswith("/transform")
        doi = rest.removesuffix("/transform").lower()
        message = self.works.get(doi)
        if message is None or fault == "empty":
            handler.reply(404, "Resource not found.", "text/plain")
            return
        if transform:
            csl = dict(message)
            for name in ("title", "container-title"):
                if isinstance(csl.get(name), list):
                    csl[name] = csl[name][0]
            body = json.dumps(csl)
            content_type = "application/vnd.citationstyles.csl+json"
        else:
            body = json.dumps(
                {
                    "status": "ok",
                    "message-type": "work",
                    "message-version": "1.0.0",
                    "message": message,
                }
            ).replace("/", "\\/")
            content_type = "application/json"
        if fault == "truncated":
            body = body[: len(body) // 2]
        handler.reply(200, body, content_type)

    def search(self, handler: Handler) -> None:
        fault = self.faults.take(handler)
        if fault == "sent":
            return
        params = {k: v[0] for k, v in parse_qs(urlsplit(handler.path).query).items()}
        wanted = set(_words(params.get("query.bibliographic", "")))
        scored = sorted(
            (
                (len(wanted & set(_words(json.dumps(m, ensure_ascii=False)))), doi)
                for doi, m in self.works.items()
            ),
            reverse=True,
        )
        items = [] if fault == "empty" else [self.works[d] for s, d in scored if s][:5]
        message = {"total-results": len([s for s, _ in scored if s]), "items": items}
        handler.reply(200, json.dumps({"status": "ok", "message": message}), "application/json")

    def resolve(self, handler: Handler) -> None:
        fault = self.faults.take(handler)
        if fault == "sent":
            return
        doi = unquote(urlsplit(handler.path).path[1:]).lower()
        if doi not in self.works or fault == "empty":
            handler.reply(404, "<html><title>Error: DOI Not Found</title></html>", "text/html")
            return
        target = self.server.url(f"/v1/works/{quote(doi, safe='')}/transform")
        handler.reply(302, "<html>Handle Redirect</html>", "text/html", {"Location": target})
