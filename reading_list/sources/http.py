"""The one door to the network: every source (arXiv, dblp, Crossref, doi.org) sends its
requests through a Transport of its own (one session = one connection, its own throttle and
cache folder), held to the same rules.

Everything a hostile or broken server can do is bounded here: a body (after decompression) is
read in chunks and refused past a size cap; every request has one overall deadline, enforced
by a watchdog that closes the socket, so a server trickling a byte a second cannot hold the
command; redirects are followed by hand and only to the same scheme and host (or an origin
the client lists, such as doi.org's hop to Crossref); the time slept between retries has a
budget, ``Retry-After`` included; credentials in a URL never reach a message. An answer is
cached (0600 files in 0700 folders) only after the caller's parser accepted it, and only when
the caller commits it, so an answer that fails to parse or to store is asked for again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import urljoin, urlsplit

from reading_list import __version__
from reading_list.errors import SourceUnavailable

if TYPE_CHECKING:
    import requests

    from reading_list.config import Settings

T = TypeVar("T")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# With no route to the host, waiting rarely helps: give up after this many refusals in a row.
MAX_CONNECTION_FAILURES = 2
CHUNK = 64 * 1024
_SECRET_PARAM = re.compile(
    r"(^|&)([^=&]*(?:key|token|secret|pass|pwd|auth|sig|credential|session)[^=&]*)=[^&]*",
    re.IGNORECASE,
)


def redact(url: str) -> str:
    """The URL with any user:password and secret-looking query values replaced by ***."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unreadable URL>"
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rsplit("@", 1)[1]
    query = _SECRET_PARAM.sub(r"\1\2=***", parts.query)
    return parts._replace(netloc=netloc, query=query).geturl()


def origin(url: str) -> str:
    """scheme://host[:port], lower case: what a redirect must keep."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme.lower()}://{host}{port}"


def seconds(value: float) -> str:
    return f"{value:.0f} s" if value >= 10 or value == int(value) else f"{value:.1f} s"


class Retryable(Exception):
    """A transient failure: the request may be sent again (``wait``: what the server asked)."""

    def __init__(self, reason: str, wait: float | None = None, *, connection: bool = False) -> None:
        super().__init__(reason)
        self.wait = wait
        self.connection = connection


@dataclass(frozen=True)
class Policy:
    """How hard one service may be leaned on, and where its answers are kept."""

    service: str
    cache_name: str
    delay: float
    timeout: float
    retries: int
    max_backoff: float
    max_retry_sleep: float
    max_bytes: int
    cache_dir: Path | None
    cache_ttl: float
    # Origins (scheme://host[:port]) a redirect may lead to besides the request's own.
    redirect_origins: frozenset[str] = frozenset()
    max_redirects: int = 5
    headers: Mapping[str, str] = field(default_factory=dict)
    cache_suffix: str = ".body"

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        service: str,
        cache_name: str,
        delay: float,
        cache_suffix: str,
        redirect_origins: frozenset[str] = frozenset(),
        headers: Mapping[str, str] | None = None,
    ) -> Policy:
        """A service's policy: its own name, cache and delay; the user's shared limits."""
        return cls(
            service=service,
            cache_name=cache_name,
            delay=delay,
            timeout=settings.timeout,
            retries=settings.retries,
            max_backoff=settings.max_backoff,
            max_retry_sleep=settings.max_retry_sleep,
            max_bytes=settings.max_response_bytes,
            cache_dir=settings.cache_dir,
            cache_ttl=settings.cache_ttl,
            redirect_origins=redirect_origins,
            headers=dict(headers or {}),
            cache_suffix=cache_suffix,
        )


@dataclass
class Answer:
    status: int
    body: bytes
    headers: Mapping[str, str]
    url: str
    from_cache: bool = False

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    def looks_like_html(self) -> bool:
        if self.content_type == "text/html":
            return True
        head = self.body[:512].lstrip().lower()
        return head.startswith((b"<!doctype html", b"<html"))


@dataclass
class Fetched(Generic[T]):
    """A parsed answer. ``commit()`` caches it: call it once the value is safely used."""

    value: T
    answer: Answer
    _commit: Callable[[], None] = field(default=lambda: None, repr=False)

    def commit(self) -> None:
        self._commit()
        self._commit = lambda: None


class _Throttle:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.last = 0.0

    def wait(self, delay: float) -> None:
        with self.lock:
            pause = self.last + delay - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            self.last = time.monotonic()


# One throttle per service for the whole process, however many clients ask.
_throttles: dict[str, _Throttle] = {}
_throttles_lock = threading.Lock()


def _throttle_for(service: str) -> _Throttle:
    with _throttles_lock:
        return _throttles.setdefault(service, _Throttle())


class _Refused(Exception):
    """A final refusal inside the worker (too large, a redirect elsewhere): no retry."""


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        wait = float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            wait = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if wait != wait:  # NaN
        return None
    return max(0.0, wait)


def _private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        if path.stat().st_mode & 0o077:
            path.chmod(0o700)


class Transport:
    """Throttled, bounded, cached, retrying GETs against one service."""

    def __init__(self, policy: Policy, *, on_wait: Callable[[str], None] | None = None) -> None:
        self.policy = policy
        self.on_wait = on_wait or (lambda _message: None)
        self.requests_sent = 0
        self._session: requests.Session | None = None
        self._socket: socket.socket | None = None
        self._socket_lock = threading.Lock()
        self._pruned = False

    # ---- public ----------------------------------------------------------------------------

    def fetch(
        self,
        url: str,
        parse: Callable[[Answer], T],
        *,
        headers: Mapping[str, str] | None = None,
        use_cache: bool = True,
    ) -> Fetched[T]:
        """GET ``url`` and parse it, retrying transient failures within the retry budget.

        ``parse`` sees every answer that is not a 429/5xx (404s included) and raises Retryable
        for a body that is cut, empty or not what was asked for. Raises SourceUnavailable when
        the service keeps failing, answers too much or too slowly, or redirects elsewhere.
        """
        policy = self.policy
        key = self._cache_key(url, headers)
        if use_cache and policy.cache_dir is not None:
            cached = self._read_cache(key, url)
            if cached is not None:
                try:
                    return Fetched(parse(cached), cached)
                except Retryable:
                    pass  # a damaged cache entry: ask again
        attempts = policy.retries + 1
        slept = 0.0
        refused = 0
        for attempt in range(1, attempts + 1):
            left = attempts - attempt
            try:
                answer = self._request(url, headers or {})
                if answer.status in RETRY_STATUSES:
                    raise Retryable(
                        f"HTTP {answer.status}", _retry_after(answer.headers.get("retry-after"))
                    )
                value = parse(answer)
            except Retryable as exc:
                reason = str(exc)
                refused = refused + 1 if exc.connection else 0
                if left == 0:
                    raise SourceUnavailable(
                        f"{policy.service} unavailable: {reason}; gave up after "
                        f"{attempts} attempt{'s' if attempts != 1 else ''}"
                    ) from None
                if refused >= MAX_CONNECTION_FAILURES:
                    raise SourceUnavailable(
                        f"{policy.service} unavailable: {reason}; unreachable, gave up after "
                        f"{attempt} attempts in a row"
                    ) from None
                budget = policy.max_retry_sleep - slept
                if exc.wait is not None and exc.wait > budget:
                    raise SourceUnavailable(
                        f"{policy.service} unavailable: {reason}; it asks to wait "
                        f"{seconds(exc.wait)}, more than the {seconds(max(budget, 0))} of retry "
                        f"time left (READING_LIST_MAX_RETRY_SLEEP); giving up"
                    ) from None
                wait = exc.wait if exc.wait is not None else self._backoff(attempt)
                if wait > 0 and budget <= 0:
                    raise SourceUnavailable(
                        f"{policy.service} unavailable: {reason}; the retry time "
                        f"({seconds(policy.max_retry_sleep)}) is spent; giving up"
                    ) from None
                wait = min(wait, budget)
                self.on_wait(
                    f"{policy.service}: {reason}; retrying in {seconds(wait)} ({left} left)"
                )
                time.sleep(wait)
                slept += wait
                continue
            return Fetched(value, answer, functools.partial(self._write_cache, key, answer))
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    # ---- one exchange, under a deadline ----------------------------------------------------

    def _backoff(self, attempt: int) -> float:
        base = max(self.policy.delay, 0.5) * 2 ** (attempt - 1)
        return float(min(base, self.policy.max_backoff))

    def _request(self, url: str, headers: Mapping[str, str]) -> Answer:
        """One request (and its redirects) in a worker thread the caller waits for at most
        ``timeout`` seconds; past that the socket is shut, whatever the server is doing."""
        policy = self.policy
        _throttle_for(policy.service).wait(policy.delay)
        box: dict[str, Any] = {}
        done = threading.Event()

        def work() -> None:
            try:
                box["answer"] = self._exchange(url, headers)
            except BaseException as exc:  # handed to the waiting thread
                box["error"] = exc
            finally:
                done.set()

        worker = threading.Thread(target=work, name=f"{policy.cache_name}-request", daemon=True)
        worker.start()
        if not done.wait(policy.timeout):
            self._abort()
            raise SourceUnavailable(
                f"{policy.service}: no complete answer within {seconds(policy.timeout)} "
                f"(READING_LIST_ARXIV_TIMEOUT); gave up on {redact(url)}"
            )
        error = box.get("error")
        if isinstance(error, _Refused):
            raise SourceUnavailable(f"{policy.service}: {error}") from None
        if error is not None:
            raise error
        answer: Answer = box["answer"]
        return answer

    def _abort(self) -> None:
        with self._socket_lock:
            sock, self._socket = self._socket, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()
        # The worker may still hold the old session: the next request starts a new one.
        self._session = None

    def _on_connect(self, sock: socket.socket | None) -> None:
        with self._socket_lock:
            self._socket = sock

    @property
    def session(self) -> requests.Session:
        if self._session is None:
            self._session = _new_session(self._on_connect, self.policy.headers)
        return self._session

    def _exchange(self, url: str, headers: Mapping[str, str]) -> Answer:
        import requests

        policy = self.policy
        session = self.session
        current = url
        for _hop in range(policy.max_redirects + 1):
            self.requests_sent += 1
            try:
                response = session.get(
                    current,
                    headers=dict(headers),
                    stream=True,
                    allow_redirects=False,
                    # The watchdog ends the request first; these only bound each socket wait.
                    timeout=(policy.timeout + 5, policy.timeout + 5),
                )
            except requests.exceptions.InvalidURL:
                raise _Refused(f"cannot request {redact(current)}: not a valid URL") from None
            except requests.RequestException as exc:
                raise Retryable(f"cannot connect ({type(exc).__name__})", connection=True) from None
            try:
                status = response.status_code
                lowered = {k.lower(): v for k, v in response.headers.items()}
                if status in REDIRECT_STATUSES and lowered.get("location"):
                    target = urljoin(current, lowered["location"])
                    if origin(target) != origin(current) and origin(target) not in (
                        policy.redirect_origins
                    ):
                        raise _Refused(
                            f"{redact(current)} redirects to another host "
                            f"({redact(target)}); not followed"
                        )
                    current = target
                    continue
                body = self._read_body(response, current)
            finally:
                response.close()
            return Answer(status, body, lowered, current)
        raise _Refused(f"more than {policy.max_redirects} redirects from {redact(url)}")

    def _read_body(self, response: requests.Response, url: str) -> bytes:
        from urllib3.exceptions import HTTPError as Urllib3Error

        cap = self.policy.max_bytes
        declared = response.headers.get("Content-Length", "")
        encoded = response.headers.get("Content-Encoding", "identity").lower() != "identity"
        if declared.isdigit() and int(declared) > cap and not encoded:
            raise _Refused(self._too_large(url))
        body = bytearray()
        try:
            while True:
                # decode_content: gzip/deflate are inflated chunk by chunk, and counted inflated,
                # so a small bomb is refused at the cap instead of filling memory.
                chunk = response.raw.read(CHUNK, decode_content=True)
                if not chunk:
                    break
                body += chunk
                if len(body) > cap:
                    raise _Refused(self._too_large(url))
        except Urllib3Error as exc:
            raise Retryable(f"the answer was cut off ({type(exc).__name__})") from None
        except OSError as exc:
            raise Retryable(f"the answer was cut off ({type(exc).__name__})") from None
        return bytes(body)

    def _too_large(self, url: str) -> str:
        return (
            f"the answer from {redact(url)} is larger than {self.policy.max_bytes // (1 << 20)} MB "
            "(READING_LIST_MAX_RESPONSE_MB); refused"
        )

    # ---- cache -----------------------------------------------------------------------------

    def _cache_key(self, url: str, headers: Mapping[str, str] | None) -> str:
        accept = (headers or {}).get("Accept", "")
        text = url if not accept else f"{url}\n{accept}"
        return hashlib.sha256(text.encode()).hexdigest()

    def _cache_path(self, key: str) -> Path:
        assert self.policy.cache_dir is not None
        return (
            self.policy.cache_dir
            / self.policy.cache_name
            / key[:2]
            / f"{key}{self.policy.cache_suffix}"
        )

    def _read_cache(self, key: str, url: str) -> Answer | None:
        self._prune()
        path = self._cache_path(key)
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return None
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if time.time() - info.st_mtime > self.policy.cache_ttl:
                return None
            if info.st_size > self.policy.max_bytes:
                return None
            body = handle.read(self.policy.max_bytes + 1)
        return Answer(200, body, {}, url, from_cache=True)

    def _write_cache(self, key: str, answer: Answer) -> None:
        if self.policy.cache_dir is None or answer.from_cache or answer.status != 200:
            return
        path = self._cache_path(key)
        try:
            root = self.policy.cache_dir
            if not root.exists():
                _private_dir(root)
            _private_dir(path.parent.parent)
            _private_dir(path.parent)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(answer.body)
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    tmp.unlink()
                raise
        except OSError:
            pass  # a cache that cannot be written only costs a request next time

    def _prune(self) -> None:
        """Drop expired answers (and temp files left by a killed process), once per run."""
        if self._pruned or self.policy.cache_dir is None:
            return
        self._pruned = True
        folder = self.policy.cache_dir / self.policy.cache_name
        cutoff = time.time() - self.policy.cache_ttl
        with contextlib.suppress(OSError):
            for shard in folder.iterdir():
                if not shard.is_dir() or shard.is_symlink():
                    continue
                for entry in shard.iterdir():
                    with contextlib.suppress(OSError):
                        stamp = entry.lstat().st_mtime
                        stale_tmp = entry.name.endswith(".tmp") and stamp < time.time() - 3600
                        if stamp < cutoff or stale_tmp:
                            entry.unlink()


def _new_session(
    on_connect: Callable[[socket.socket | None], None], headers: Mapping[str, str]
) -> requests.Session:
    """A session with one pooled connection whose socket the watchdog can shut."""
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    class TrackedHTTPConnection(HTTPConnection):
        def connect(self) -> None:
            super().connect()
            on_connect(self.sock)

    class TrackedHTTPSConnection(HTTPSConnection):
        def connect(self) -> None:
            super().connect()
            on_connect(self.sock)

    class TrackedHTTPPool(HTTPConnectionPool):
        ConnectionCls = TrackedHTTPConnection

    class TrackedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = TrackedHTTPSConnection

    class OneConnectionAdapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {
                "http": TrackedHTTPPool,
                "https": TrackedHTTPSPool,
            }

    session = requests.Session()
    adapter = OneConnectionAdapter(pool_connections=1, pool_maxsize=1, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = f"reading-list/{__version__}"
    session.headers["Accept-Encoding"] = "gzip, deflate"
    session.headers.update(headers)
    return session
