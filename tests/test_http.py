"""The shared transport against a hostile local server: caps, deadlines, redirects, retries,
redaction and the private cache. No test here needs ../shared."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reading_list.errors import SourceUnavailable
from reading_list.sources.http import Answer, Policy, Retryable, Transport, redact
from tests.conftest import ROOT
from tests.http_stub import (
    LocalServer,
    failing,
    json_route,
    redirect,
    serve_declared_huge,
    serve_deflate_bomb,
    serve_endless,
    serve_gzip_bomb,
    trickle,
    trickle_headers,
)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as local:
        yield local


def policy(tmp_path: Path | None = None, **overrides: Any) -> Policy:
    values: dict[str, Any] = {
        "service": "testsvc",
        "cache_name": "testsvc",
        "delay": 0.0,
        "timeout": 10.0,
        "retries": 3,
        "max_backoff": 0.05,
        "max_retry_sleep": 5.0,
        "max_bytes": 2 * 1024 * 1024,
        "cache_dir": tmp_path,
        "cache_ttl": 3600.0,
    }
    values.update(overrides)
    return Policy(**values)


def as_json(answer: Answer) -> Any:
    if answer.status != 200:
        raise AssertionError(f"unexpected status {answer.status}")
    try:
        return json.loads(answer.body)
    except ValueError:
        raise Retryable("not JSON") from None


def test_a_plain_answer_is_parsed_and_cached_only_on_commit(
    server: LocalServer, tmp_path: Path
) -> None:
    server.routes["/ok"] = json_route({"a": 1})
    transport = Transport(policy(tmp_path))
    fetched = transport.fetch(server.url("/ok"), as_json)
    assert fetched.value == {"a": 1}
    assert not list(tmp_path.rglob("*.body")), "nothing is cached before commit()"
    again = Transport(policy(tmp_path)).fetch(server.url("/ok"), as_json)
    assert server.hits["/ok"] == 2
    again.commit()
    third = Transport(policy(tmp_path)).fetch(server.url("/ok"), as_json)
    assert third.answer.from_cache and server.hits["/ok"] == 2


def test_an_answer_the_parser_refuses_is_never_cached(server: LocalServer, tmp_path: Path) -> None:
    server.routes["/bad"] = lambda h: h.reply(200, b"{cut", "application/json")
    transport = Transport(policy(tmp_path, retries=1))
    with pytest.raises(SourceUnavailable, match="not JSON; gave up after 2 attempts"):
        transport.fetch(server.url("/bad"), as_json)
    assert server.hits["/bad"] == 2
    assert not list(tmp_path.rglob("*.body"))


def test_cache_files_are_private_and_expired_ones_pruned(
    server: LocalServer, tmp_path: Path
) -> None:
    server.routes["/ok"] = json_route({"a": 1})
    cache = tmp_path / "cache"
    Transport(policy(cache)).fetch(server.url("/ok"), as_json).commit()
    files = list(cache.rglob("*.body"))
    assert len(files) == 1
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    folder = files[0].parent
    while folder != tmp_path:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
        folder = folder.parent
    stale = files[0].parent / ("0" * 64 + ".body")
    stale.write_bytes(b"{}")
    old = time.time() - 7200
    os.utime(stale, (old, old))
    Transport(policy(cache)).fetch(server.url("/ok"), as_json)
    assert not stale.exists() and files[0].exists()


def test_an_old_world_readable_cache_folder_is_made_private(
    server: LocalServer, tmp_path: Path
) -> None:
    server.routes["/ok"] = json_route({"a": 1})
    cache = tmp_path / "cache"
    (cache / "testsvc").mkdir(parents=True, mode=0o755)
    (cache / "testsvc").chmod(0o755)
    Transport(policy(cache)).fetch(server.url("/ok"), as_json).commit()
    assert stat.S_IMODE((cache / "testsvc").stat().st_mode) == 0o700


def test_retries_say_how_many_are_left_and_succeed(server: LocalServer) -> None:
    server.routes["/flaky"] = failing(2, json_route({"ok": True}))
    messages: list[str] = []
    fetched = Transport(policy(), on_wait=messages.append).fetch(server.url("/flaky"), as_json)
    assert fetched.value == {"ok": True}
    assert server.hits["/flaky"] == 3
    assert messages == [
        "testsvc: HTTP 503; retrying in 0 s (3 left)",
        "testsvc: HTTP 503; retrying in 0 s (2 left)",
    ]


def test_a_long_retry_after_gives_up_at_once_and_says_so(server: LocalServer) -> None:
    server.routes["/busy"] = failing(99, json_route({}), status=429, retry_after="299")
    with pytest.raises(SourceUnavailable) as caught:
        Transport(policy(max_retry_sleep=5.0)).fetch(server.url("/busy"), as_json)
    assert server.hits["/busy"] == 1
    assert "asks to wait 299 s, more than the 5 s of retry time left" in str(caught.value)
    assert "giving up" in str(caught.value)


def test_retry_after_is_honoured_within_the_budget(server: LocalServer) -> None:
    server.routes["/busy"] = failing(99, json_route({}), status=503, retry_after="1")
    messages: list[str] = []
    transport = Transport(policy(max_retry_sleep=1.5, retries=5), on_wait=messages.append)
    with pytest.raises(SourceUnavailable, match=r"more than the 0\.5 s of retry time left"):
        transport.fetch(server.url("/busy"), as_json)
    assert server.hits["/busy"] == 2
    assert messages == ["testsvc: HTTP 503; retrying in 1 s (5 left)"]


def test_backoff_stops_when_the_retry_time_is_spent(server: LocalServer) -> None:
    server.routes["/down"] = failing(99, json_route({}), status=500, retry_after=None)
    transport = Transport(policy(max_retry_sleep=0.0, max_backoff=0.05, retries=5))
    with pytest.raises(SourceUnavailable, match=r"retry time \(0 s\) is spent; giving up"):
        transport.fetch(server.url("/down"), as_json)
    assert server.hits["/down"] == 1


def test_html_instead_of_json_is_retried_by_the_parser(server: LocalServer) -> None:
    pages = iter([b"<!doctype html><title>Making sure you are not a bot!</title>", b"[1]"])

    def route(handler: Any) -> None:
        body = next(pages)
        handler.reply(200, body, "text/html" if body.startswith(b"<") else "application/json")

    server.routes["/maybe"] = route

    def parse(answer: Answer) -> Any:
        if answer.looks_like_html():
            raise Retryable("an HTML page instead of JSON")
        return as_json(answer)

    assert Transport(policy()).fetch(server.url("/maybe"), parse).value == [1]
    assert server.hits["/maybe"] == 2


def test_gzip_and_deflate_bombs_are_refused_at_the_cap(server: LocalServer) -> None:
    server.routes["/bomb"] = serve_gzip_bomb
    server.routes["/deflate"] = serve_deflate_bomb
    transport = Transport(policy(max_bytes=1024 * 1024))
    for path in ("/bomb", "/deflate"):
        with pytest.raises(SourceUnavailable, match="larger than 1 MB"):
            transport.fetch(server.url(path), as_json)
        assert server.hits[path] == 1, "a refusal is final, not retried"


def test_a_body_that_never_ends_is_refused(server: LocalServer) -> None:
    server.routes["/endless"] = serve_endless
    server.routes["/huge"] = serve_declared_huge
    transport = Transport(policy(max_bytes=3 * 1024 * 1024))
    with pytest.raises(SourceUnavailable, match="larger than 3 MB"):
        transport.fetch(server.url("/endless"), as_json)
    with pytest.raises(SourceUnavailable, match="larger than 3 MB"):
        transport.fetch(server.url("/huge"), as_json)


RSS_PROBE = """
import json, resource, sys
from reading_list.errors import SourceUnavailable
from reading_list.sources.http import Policy, Transport
policy = Policy(service="probe", cache_name="probe", delay=0, timeout=120, retries=0,
    max_backoff=0, max_retry_sleep=0, max_bytes=20 * 1024 * 1024, cache_dir=None, cache_ttl=0)
try:
    Transport(policy).fetch(sys.argv[1], lambda a: a.body)
    outcome = "accepted"
except SourceUnavailable as exc:
    outcome = str(exc)
print(json.dumps({"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "outcome": outcome}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/bomb", "/endless"], ids=["gzip-bomb-1GB", "body-10GB"])
def test_bombs_and_endless_bodies_stay_under_300_mb(server: LocalServer, path: str) -> None:
    server.routes["/bomb"] = serve_gzip_bomb
    server.routes["/endless"] = serve_endless
    probe = subprocess.run(
        [sys.executable, "-c", RSS_PROBE, server.url(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result = json.loads(probe.stdout)
    assert "larger than 20 MB" in result["outcome"]
    assert result["rss_mb"] < 300, result


def test_a_trickling_body_ends_at_the_deadline(server: LocalServer) -> None:
    server.routes["/trickle"] = trickle(interval=0.02, total=100_000)
    transport = Transport(policy(timeout=1.0, retries=3))
    with pytest.raises(SourceUnavailable, match="no complete answer within 1 s"):
        transport.fetch(server.url("/trickle"), as_json)
    assert server.hits["/trickle"] == 1, "a deadline is final, not retried"
    assert server.sent["/trickle"] < 100_000


def test_trickling_headers_end_at_the_deadline(server: LocalServer) -> None:
    server.routes["/trickle-headers"] = trickle_headers(interval=0.02)
    transport = Transport(policy(timeout=1.0))
    with pytest.raises(SourceUnavailable, match="no complete answer within 1 s"):
        transport.fetch(server.url("/trickle-headers"), as_json)
    # The socket was shut: the server's writes fail soon after the deadline.
    deadline = time.monotonic() + 10
    while not server.disconnects["/trickle-headers"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.disconnects["/trickle-headers"] == 1
    server.routes["/ok"] = json_route({"after": True})
    assert transport.fetch(server.url("/ok"), as_json).value == {"after": True}


def test_redirects_stay_on_the_same_origin(server: LocalServer) -> None:
    server.routes["/ok"] = json_route({"landed": True})
    server.routes["/here"] = redirect("/ok")
    server.routes["/away"] = redirect(server.url("/ok", host="localhost"))
    transport = Transport(policy())
    assert transport.fetch(server.url("/here"), as_json).value == {"landed": True}
    with pytest.raises(SourceUnavailable, match="redirects to another host"):
        transport.fetch(server.url("/away"), as_json)
    assert server.hits["/ok"] == 1


def test_a_listed_origin_may_be_redirected_to(server: LocalServer) -> None:
    server.routes["/ok"] = json_route({"landed": True})
    server.routes["/away"] = redirect(server.url("/ok", host="localhost"))
    allowed = frozenset({f"http://localhost:{server.port}"})
    transport = Transport(policy(redirect_origins=allowed))
    assert transport.fetch(server.url("/away"), as_json).value == {"landed": True}


def test_redirect_loops_end(server: LocalServer) -> None:
    server.routes["/loop"] = redirect("/loop")
    with pytest.raises(SourceUnavailable, match="more than 5 redirects"):
        Transport(policy()).fetch(server.url("/loop"), as_json)


def test_credentials_never_reach_a_message(server: LocalServer) -> None:
    server.routes["/down"] = failing(99, json_route({}), status=503)
    server.routes["/away"] = redirect(server.url("/ok", host="localhost"))
    server.routes["/endless"] = serve_endless
    messages: list[str] = []
    transport = Transport(policy(max_bytes=1 << 20, retries=1), on_wait=messages.append)
    secret_url = "http://alice:s3cret@127.0.0.1:{port}{path}?q=1&api_key=k3y&token=t0k"
    for path in ("/down", "/away", "/endless"):
        with pytest.raises(SourceUnavailable) as caught:
            transport.fetch(secret_url.format(port=server.port, path=path), as_json)
        messages.append(str(caught.value))
    unreachable = "http://bob:hunter2@127.0.0.1:9/x?password=pw"
    with pytest.raises(SourceUnavailable) as caught:
        transport.fetch(unreachable, as_json)
    messages.append(str(caught.value))
    text = "\n".join(messages)
    assert "redirects to another host" in text and "larger than 1 MB" in text
    for secret in ("alice", "s3cret", "k3y", "t0k", "bob", "hunter2", "=pw"):
        assert secret not in text, (secret, text)


def test_redact() -> None:
    assert redact("https://u:p@h.org/a?key=1&q=x&access_token=z") == (
        "https://***@h.org/a?key=***&q=x&access_token=***"
    )
    assert redact("https://h.org/a?q=x") == "https://h.org/a?q=x"


def test_a_refused_connection_gives_up_fast() -> None:
    transport = Transport(policy(retries=6))
    with pytest.raises(SourceUnavailable, match=r"unreachable.*gave up after 2 attempts in a row"):
        transport.fetch("http://127.0.0.1:9/x", as_json)
    assert transport.requests_sent == 2
