"""A scriptable local HTTP server for transport tests: each path is a function that writes the
raw answer, so a test can send what a hostile or broken server sends (a gzip bomb, a body that
never ends, a trickle, a redirect elsewhere, HTML instead of JSON, a 429 with Retry-After)."""

from __future__ import annotations

import gzip
import io
import json
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

Route = Callable[["Handler"], None]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: LocalServer.Server

    def do_GET(self) -> None:
        owner = self.server.owner
        path = urlsplit(self.path).path
        with owner.lock:
            owner.hits[path] += 1
            owner.paths.append(self.path)
            owner.headers_seen.append(dict(self.headers))
        route = owner.routes.get(path) or next(
            (
                r
                for key, r in owner.routes.items()
                if key.endswith("*") and path.startswith(key[:-1])
            ),
            None,
        )
        if route is None:
            self.reply(404, b"no such route", "text/plain")
            return
        try:
            route(self)
        except (BrokenPipeError, ConnectionResetError):
            owner.disconnects[path] += 1

    def reply(
        self,
        status: int,
        body: bytes | str,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        return None


class LocalServer:
    """``with LocalServer() as s: s.routes["/x"] = lambda h: h.reply(200, b"{}")``; a key
    ending in ``*`` serves every path it prefixes."""

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        owner: LocalServer

        def handle_error(self, request: Any, client_address: Any) -> None:
            return None  # a client hanging up on a hostile answer is the point of the test

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.disconnects: Counter[str] = Counter()
        self.paths: list[str] = []
        self.headers_seen: list[dict[str, str]] = []
        self.sent: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.server = self.Server(("127.0.0.1", 0), Handler)
        self.server.owner = self
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


# ---- answers a hostile server sends ----------------------------------------------------------


@cache
def gzip_bomb(inflated_mb: int = 1024) -> bytes:
    """About 1 MB of gzip that inflates to ``inflated_mb`` MB of zeros."""
    out = io.BytesIO()
    zeros = bytes(1 << 20)
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as handle:
        for _ in range(inflated_mb):
            handle.write(zeros)
    return out.getvalue()


def serve_gzip_bomb(handler: Handler) -> None:
    handler.reply(200, gzip_bomb(), "application/json", {"Content-Encoding": "gzip"})


def serve_deflate_bomb(handler: Handler) -> None:
    squeezer = zlib.compressobj(9)
    zeros = bytes(1 << 20)
    data = b"".join(squeezer.compress(zeros) for _ in range(512)) + squeezer.flush()
    handler.reply(200, data, "application/json", {"Content-Encoding": "deflate"})


def serve_endless(handler: Handler) -> None:
    """A body that never ends (no length, connection close): 10 GB and more, if read."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Connection", "close")
    handler.end_headers()
    block = b"[" + b"0," * (1 << 19)
    owner = handler.server.owner
    for _ in range(10 * 1024 * 10):  # 10 GB in 1 MB blocks
        handler.wfile.write(block)
        owner.sent["/endless"] += len(block)


def serve_declared_huge(handler: Handler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(10 * 1024**3))
    handler.end_headers()
    block = bytes(1 << 20)
    for _ in range(10 * 1024):
        handler.wfile.write(block)


def trickle(interval: float = 0.05, total: int = 100_000) -> Route:
    """Headers at once, then one byte of the body every ``interval`` seconds."""

    def route(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(total))
        handler.end_headers()
        owner = handler.server.owner
        for _ in range(total):
            handler.wfile.write(b" ")
            handler.wfile.flush()
            owner.sent["/trickle"] += 1
            time.sleep(interval)

    return route


def trickle_headers(interval: float = 0.05) -> Route:
    """Even the status line comes a byte at a time, and the headers never end."""

    def route(handler: Handler) -> None:
        owner = handler.server.owner
        data = b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 60_000
        for byte in data:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            owner.sent["/trickle-headers"] += 1
            time.sleep(interval)

    return route


def json_route(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Route:
    body = json.dumps(payload).encode()
    return lambda handler: handler.reply(status, body, "application/json", headers)


def redirect(location: str, status: int = 302) -> Route:
    return lambda handler: handler.reply(status, b"", "text/html", {"Location": location})


def failing(times: int, then: Route, status: int = 503, retry_after: str | None = "0") -> Route:
    """The first ``times`` requests fail with ``status``; later ones get ``then``."""
    count = {"n": 0}

    def route(handler: Handler) -> None:
        count["n"] += 1
        if count["n"] <= times:
            headers = {"Retry-After": retry_after} if retry_after is not None else {}
            handler.reply(status, b"Service Unavailable", "text/plain", headers)
        else:
            then(handler)

    return route
