"""The one seam to the network: a URL and headers in; status, headers and bytes out.

Built on the standard library's ``urllib`` (see the README's "Dependencies and why"): two
JSON APIs read with GET need no more, and every run of every other command is spared the
import. What it adds:

- a User-Agent naming hstrack, its version and its home, as Wikimedia's policy asks
  (https://meta.wikimedia.org/wiki/User-Agent_policy);
- a timeout on every request (for the server to go quiet) and a limit on the time an
  answer's body takes (for one that drips), and a cap on how much of an answer is read;
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
DEADLINE = 60.0  # seconds for an answer's body to arrive, however steadily it drips
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
        meta_path, body_path = self._paths(url)
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
            body = body_path.read_bytes()
        except (OSError, ValueError):
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
                if attempt < self.retries and waited + wait <= self.max_wait:
                    self.sleep(wait)
                    waited += wait
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
        request = urllib.request.Request(url, headers=dict(headers), method="GET")
        if not url.startswith(("https://", "http://")):
            raise FetchError(f"{url[:60]!r} is not an http(s) address")
        self.requests += 1
        opener = urllib.request.build_opener(_SameHost)
        started = time.monotonic()
        try:
            with contextlib.closing(opener.open(request, timeout=self.timeout)) as answer:
                body = _read(answer, answer.headers, started + self.deadline, self.deadline)
                return answer.status, _lower(answer.headers), body
        except urllib.error.HTTPError as exc:
            with contextlib.closing(exc):
                return exc.code, _lower(exc.headers), _error_body(exc, started + self.deadline)
        except TimeoutError:
            raise TimedOut(f"no answer within {self.timeout:g} s") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                raise TimedOut(f"no answer within {self.timeout:g} s") from None
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
            return decode_json(body, "the answer")
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
            shown = (new.hostname or newurl)[:60]
            raise FetchError(f"redirected to another host ({shown!r}); hstrack follows redirects only on the same host")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_PORTS = {"http": 80, "https": 443}


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
