"""The one seam to the network: a URL and headers in; status, headers and bytes out.

Built on the standard library's ``urllib`` (see the README's "Dependencies and why"): two
JSON APIs read with GET need no more, and every run of every other command is spared the
import. What it adds:

- a User-Agent naming hstrack, its version and its home, as Wikimedia's policy asks
  (https://meta.wikimedia.org/wiki/User-Agent_policy);
- a timeout for the server to go quiet (``HSTRACK_HTTP_TIMEOUT``), a deadline for the whole
  exchange, connecting, the status line, the headers and the body together
  (``HSTRACK_HTTP_DEADLINE``: a server that drips one byte at a time is given up on), a
  budget for all of one source's exchanges in a run (``RUN_BUDGET`` deadlines), and a cap
  on how much of an answer is read;
- redirects followed only on the same host (http to https allowed), so a token sent to TMDb
  never goes anywhere else;
- an answer cut short (fewer bytes than its Content-Length, a broken chunk, a gzip stream
  that stops) is an error, never read nor cached;
- ``429 Too Many Requests`` (and ``503``) with ``Retry-After`` waited out, up to a few tries
  and a total wait (TMDb: https://developer.themoviedb.org/docs/rate-limiting; MediaWiki's
  maxlag answers also come with Retry-After);
- conditional requests: an answer kept in the cache is revalidated with ``If-None-Match``
  (its ETag) or ``If-Modified-Since`` (its Last-Modified), and a ``304`` answers from it;
- ``offline``: answers come from the cache only, and a request never made before fails.

The cache keeps the last good answer per URL, so it is also what ``sync --offline`` reads.
A bearer token is sent in a header, never put in the URL, so it is never part of a key or
a file name; cached bodies are written with mode 0600 all the same.
"""

from __future__ import annotations

import contextlib
import email.utils
import http.client
import json
import os
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from hstrack import __url__, __version__

USER_AGENT = f"hstrack/{__version__} (+{__url__}) Python-urllib"  # and "; CONTACT" (sources.fetching.user_agent)
TIMEOUT = 20.0  # seconds for one request to connect or to go quiet
DEADLINE = 60.0  # seconds for one whole exchange (connect, status line, headers, body)
RUN_BUDGET = 10  # deadlines one source's exchanges (and waits) may take in all in one run
TIMEOUT_VARIABLE = "HSTRACK_HTTP_TIMEOUT"
DEADLINE_VARIABLE = "HSTRACK_HTTP_DEADLINE"
MAX_BODY = 16 * 1024 * 1024  # no answer of these APIs comes near it; a bigger one is an error
RETRIES = 3  # tries after a 429/503 before giving up
MAX_WAIT = 60.0  # seconds of Retry-After waited in all, for one request


class FetchError(Exception):
    """A request that gave no usable answer; ``status`` is the HTTP status when there was one,
    ``body`` the start of the answer's body (an error page says why: a User-Agent refused, a
    key not valid), untrusted and for ``sources.fetching.reason`` to read."""

    def __init__(self, message: str, status: int | None = None, body: bytes = b"") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.body = body


class TimedOut(FetchError):
    """The server said nothing in time, or its answer took too long: the kind of failure
    after which a run stops asking that server (``sources.fetching``)."""


ERROR_BODY = 64 * 1024  # what is read of an error's body: enough for any reason given


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes
    from_cache: bool = False


def limits(environ: Mapping[str, str]) -> tuple[float, float]:
    """``HSTRACK_HTTP_TIMEOUT`` (0.1 to 600 s, default 20) and ``HSTRACK_HTTP_DEADLINE``
    (0.1 to 3600 s, default 60), checked like typed input: a bad value is a usage error."""
    from hstrack.core.seconds import seconds

    return (
        seconds(environ, TIMEOUT_VARIABLE, TIMEOUT, 0.1, 600),
        seconds(environ, DEADLINE_VARIABLE, DEADLINE, 0.1, 3600),
    )


def cache_folder() -> Path:
    """Beside the store when ``HSTRACK_HOME`` is set (a test, a second setup: never the real
    user's cache), else the platform's user cache folder (``~/.cache/hstrack`` on Linux)."""
    from hstrack.store.paths import HOME_VARIABLE, data_home

    if os.environ.get(HOME_VARIABLE):
        return data_home() / "cache" / "http"
    import platformdirs

    return platformdirs.user_cache_path("hstrack") / "http"


class Cache:
    """The last good answer per URL: ``KEY.body`` and ``KEY.json`` (the URL, its validators)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _paths(self, url: str) -> tuple[Path, Path]:
        import hashlib

        key = hashlib.sha256(url.encode("utf-8")).hexdigest()[:40]
        return self.folder / f"{key}.json", self.folder / f"{key}.body"

    def get(self, url: str) -> tuple[dict[str, Any], bytes] | None:
        """The kept answer, read as every cache is: never through a symlink, never a FIFO or
        a device, never more than an answer can be; anything else is no answer."""
        from hstrack.store.files import read_regular

        meta_path, body_path = self._paths(url)
        try:
            meta = json.loads(read_regular(meta_path, 64 * 1024, follow=False).decode("utf-8"))
            body = read_regular(body_path, MAX_BODY, follow=False)
        except (OSError, ValueError, RecursionError):
            return None
        if not isinstance(meta, dict) or meta.get("url") != url or meta.get("length") != len(body):
            return None  # another URL's (a hash collision) or a half-written pair: not this answer
        return meta, body

    def put(self, url: str, headers: Mapping[str, str], body: bytes, now: datetime) -> None:
        from hstrack.store.files import write_atomic

        meta = {
            "url": url,
            "etag": headers.get("etag"),
            "last_modified": headers.get("last-modified"),
            "length": len(body),
            "stored": now.isoformat(timespec="seconds"),
        }
        meta_path, body_path = self._paths(url)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic(body, body_path, mode=0o600)
            write_atomic(json.dumps(meta).encode("utf-8"), meta_path, mode=0o600)
        except Exception:  # a cache that cannot be written is no reason to fail a sync
            return


def retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date."""
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():  # "²" is a digit to isdigit, not to int
        return float(int(text[:6]))
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class Client:
    """GET with the cache, the retries and the limits above. ``sleep`` and ``clock`` are
    parameters so tests wait for nothing."""

    def __init__(
        self,
        cache: Cache | None,
        offline: bool = False,
        timeout: float = TIMEOUT,
        deadline: float = DEADLINE,
        retries: int = RETRIES,
        max_wait: float = MAX_WAIT,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        user_agent: str = USER_AGENT,
    ) -> None:
        self.cache = cache
        self.user_agent = user_agent
        self.offline = offline
        self.timeout = timeout
        self.deadline = deadline
        self.retries = retries
        self.max_wait = max_wait
        self.sleep = sleep
        self.clock = clock
        self.requests = 0  # how many went out on the network (tests count them)
        self.spent: dict[str, float] = {}  # seconds each source's exchanges and waits took in this run

    def get(self, url: str, headers: Mapping[str, str] | None = None, cache_url: str | None = None) -> Response:
        """``cache_url``: the address the answer is kept under, when ``url`` holds a secret
        (TMDb's ``api_key``) that must never reach a cache key or a file."""
        key = cache_url or url
        cached = self.cache.get(key) if self.cache is not None else None
        if self.offline:
            if cached is None:
                raise FetchError("not in the cache, and --offline asks for no network (sync once without it)")
            return Response(200, {}, cached[1], from_cache=True)
        sent = {
            "User-Agent": self.user_agent,
            "Accept": "application/json",
            "Accept-Encoding": "gzip",
            **(headers or {}),
        }
        if cached is not None:
            if cached[0].get("etag"):
                sent["If-None-Match"] = str(cached[0]["etag"])
            if cached[0].get("last_modified"):
                sent["If-Modified-Since"] = str(cached[0]["last_modified"])
        waited = 0.0
        for attempt in range(self.retries + 1):
            status, answer_headers, body = self._once(url, sent)
            if status == 304 and cached is not None:
                return Response(200, answer_headers, cached[1], from_cache=True)
            if status in (429, 503):
                wait = retry_after(answer_headers.get("retry-after"), self.clock())
                wait = 1.0 if wait is None else wait
                source = _source(url)
                left = self.deadline * RUN_BUDGET - self.spent.get(source, 0.0)
                if attempt < self.retries and waited + wait <= self.max_wait and wait < left:
                    self.sleep(wait)
                    waited += wait
                    self.spent[source] = self.spent.get(source, 0.0) + wait
                    continue
                said = "rate limited" if status == 429 else "unavailable"
                raise FetchError(f"{said} (HTTP {status}) after {attempt + 1} tries", status, body)
            if status != 200:
                raise FetchError(f"HTTP {status}", status, body)
            if self.cache is not None:
                self.cache.put(key, answer_headers, body, self.clock())
            return Response(status, answer_headers, body)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def _once(self, url: str, headers: Mapping[str, str]) -> tuple[int, dict[str, str], bytes]:
        """One exchange, given up on at the deadline whatever stage it is in (a watchdog
        shuts its socket down), within what is left of this source's budget for the run."""
        if not url.startswith(("https://", "http://")):
            raise FetchError(f"{url[:60]!r} is not an http(s) address")
        source = _source(url)
        budget = self.deadline * RUN_BUDGET
        left = budget - self.spent.get(source, 0.0)
        if left <= 0:
            raise FetchError(f"gave up: this source's answers took more than {budget:g} s in all in this run")
        allowed = min(self.deadline, left)
        watch = _Watch()
        started = time.monotonic()
        timer = watch.start(allowed)
        try:
            answer = self._exchange(url, headers, watch, started + allowed, allowed)
            if watch.expired:  # an answer whose end was the watchdog's shutdown, not the server's
                raise FetchError("late")
            return answer
        except FetchError:
            if watch.expired:  # a time-out like any other: the run stops asking this server
                raise TimedOut(
                    f"the answer took more than {allowed:g} s (connecting, its status line, headers and body)"
                ) from None
            raise
        finally:
            timer.cancel()
            self.spent[source] = self.spent.get(source, 0.0) + time.monotonic() - started

    def _exchange(
        self, url: str, headers: Mapping[str, str], watch: _Watch, deadline: float, allowed: float
    ) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(url, headers=dict(headers), method="GET")
        self.requests += 1
        opener = urllib.request.build_opener(_SameHost, _Watched(watch), _WatchedTLS(watch))
        try:
            with contextlib.closing(opener.open(request, timeout=min(self.timeout, allowed))) as answer:
                body = _read(answer, answer.headers, deadline, allowed)
                return answer.status, _lower(answer.headers), body
        except urllib.error.HTTPError as exc:
            with contextlib.closing(exc):
                return exc.code, _lower(exc.headers), _error_body(exc, deadline)
        except TimeoutError:
            raise TimedOut(f"no answer within {min(self.timeout, allowed):g} s") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                raise TimedOut(f"no answer within {min(self.timeout, allowed):g} s") from None
            text = getattr(reason, "strerror", None) or str(reason)
            raise FetchError(f"cannot connect ({text})") from None
        except http.client.IncompleteRead:
            raise FetchError("the answer was cut short (the connection closed inside it)") from None
        except http.client.HTTPException as exc:  # a broken status line, headers too many or too long
            raise FetchError(f"the answer is not HTTP hstrack can read ({type(exc).__name__})") from None
        except (OSError, ValueError) as exc:  # a reset connection
            raise FetchError(f"the connection failed ({type(exc).__name__})") from None

    def get_json(self, url: str, headers: Mapping[str, str] | None = None, cache_url: str | None = None) -> Any:
        """The answer parsed as JSON, by the rules a store is read by (no NaN, no lone
        surrogates, no absurd nesting): a malformed answer is a FetchError."""
        from hstrack.store.codec import decode_json

        body = self.get(url, headers, cache_url).body
        try:
            return decode_json(body, "the answer", what="an answer of this source")
        except ValueError as exc:
            raise FetchError(str(exc)) from None


def _error_body(exc: Any, deadline: float) -> bytes:
    """The start of an error's body, read within the answer's deadline; nothing if it
    cannot be (the status alone is then the reason)."""
    try:
        pieces, size = [], 0
        while size < ERROR_BODY and time.monotonic() < deadline:
            piece = exc.read1(ERROR_BODY - size) if hasattr(exc, "read1") else exc.read(ERROR_BODY - size)
            if not piece:
                break
            pieces.append(piece)
            size += len(piece)
        body = b"".join(pieces)
    except (OSError, ValueError, http.client.HTTPException):
        return b""
    if str(exc.headers.get("Content-Encoding", "") if exc.headers else "").lower() == "gzip":
        try:
            return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, ERROR_BODY)
        except zlib.error:
            return b""
    return body


def _lower(headers: Any) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in (headers.items() if headers is not None else [])}


class _SameHost(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only on the host asked (http to https allowed). urllib would
    follow one anywhere and send the request's headers along, TMDb's bearer token with them."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        old, new = urlsplit(req.full_url), urlsplit(newurl)
        try:
            ports = (old.port or _PORTS.get(old.scheme), new.port or _PORTS.get(new.scheme))
        except ValueError:
            ports = (None, -1)
        same = old.scheme == new.scheme and ports[0] == ports[1]
        upgraded = (old.scheme, new.scheme) == ("http", "https") and new.port in (None, 443)
        if (old.hostname or "").lower() != (new.hostname or "").lower() or not (same or upgraded):
            with contextlib.suppress(Exception):
                fp.close()
            host = repr((new.hostname or newurl)[:60])
            if ports[0] != ports[1] and not upgraded:
                port = ports[1] if isinstance(ports[1], int) and ports[1] >= 0 else "an unreadable port"
                where = f"{host} on port {port}" if host != repr(old.hostname or "") else f"port {port}"
            elif (old.hostname or "").lower() != (new.hostname or "").lower():
                where = f"another host ({host})"
            else:
                where = f"another scheme ({new.scheme[:10]!r})"
            raise FetchError(f"redirected to {where}; hstrack follows redirects only on the same host and port")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_PORTS = {"http": 80, "https": 443}


def _source(url: str) -> str:
    """Whose budget an exchange counts against: its scheme, host and port."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


class _Watch:
    """Shuts down the sockets of one exchange at its deadline, whatever stage it is in: a
    socket timeout bounds each read, and a server sending its status line or headers one
    byte every few seconds would otherwise never be given up on."""

    def __init__(self) -> None:
        import threading

        self.expired = False
        self.sockets: list[Any] = []
        self.lock = threading.Lock()

    def start(self, seconds: float) -> Any:
        import threading

        timer = threading.Timer(seconds, self.fire)
        timer.daemon = True
        timer.start()
        return timer

    def add(self, sock: Any) -> None:
        with self.lock:
            self.sockets.append(sock)
            expired = self.expired
        if expired:
            _shut(sock)

    def fire(self) -> None:
        with self.lock:
            self.expired = True
            sockets = list(self.sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock: Any) -> None:
    import socket

    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _watched(base: type[http.client.HTTPConnection], watch: _Watch) -> type[http.client.HTTPConnection]:
    """``base`` whose socket, once made (before TLS, if any), the watch can shut down."""

    class Watched(base):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            make: Any = getattr(self, "_create_connection")  # noqa: B009 - set by HTTPConnection, untyped

            def create(*a: Any, **k: Any) -> Any:
                sock = make(*a, **k)
                watch.add(sock)
                return sock

            setattr(self, "_create_connection", create)  # noqa: B010

    return Watched


class _Watched(urllib.request.HTTPHandler):
    def __init__(self, watch: _Watch) -> None:
        super().__init__()
        self.connection = _watched(http.client.HTTPConnection, watch)

    def http_open(self, req: Any) -> Any:
        return self.do_open(self.connection, req)


class _WatchedTLS(urllib.request.HTTPSHandler):
    def __init__(self, watch: _Watch) -> None:
        super().__init__()
        self.connection = _watched(http.client.HTTPSConnection, watch)

    def https_open(self, req: Any) -> Any:
        return self.do_open(self.connection, req, context=getattr(self, "_context", None))


def _read(answer: Any, headers: Any, deadline: float, allowed: float) -> bytes:
    """The whole body, read a piece at a time so that a server sending one byte every few
    seconds (each within the timeout) is still given up on at the deadline."""
    too_big = f"the answer is larger than {MAX_BODY // (1024 * 1024)} MiB"
    pieces: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise TimedOut(f"the answer took more than {allowed:g} s to arrive")
        piece: bytes = answer.read1(64 * 1024)
        if not piece:
            break
        size += len(piece)
        if size > MAX_BODY:
            raise FetchError(too_big)
        pieces.append(piece)
    body = b"".join(pieces)
    length = str(headers.get("Content-Length", "")).strip()
    if length.isascii() and length.isdigit() and len(body) < int(length):
        raise FetchError(f"the answer was cut short ({len(body)} of its {int(length)} bytes)")
    if str(headers.get("Content-Encoding", "")).lower() == "gzip":
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            body = inflate.decompress(body, MAX_BODY + 1)
        except zlib.error:
            raise FetchError("the answer is not valid gzip") from None
        if len(body) > MAX_BODY or inflate.unconsumed_tail:
            raise FetchError(too_big)
        if not inflate.eof:
            raise FetchError("the answer was cut short (its gzip stream stops early)")
    return body
