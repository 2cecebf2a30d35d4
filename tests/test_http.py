"""The one seam to the network, against a real HTTP server on 127.0.0.1 (pytest-httpserver):
User-Agent, bearer token, Wikidata's batches of 50, 429 with Retry-After, revalidation with
ETag and Last-Modified (304), timeouts, malformed and oversized answers, --offline."""

from __future__ import annotations

import contextlib
import gzip
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from hstrack import __url__, __version__
from hstrack.core.references import parse_reference
from hstrack.sources import http as H
from hstrack.sources.fetching import Sources

from . import source_documents as D


def client(tmp_path: Path, **kwargs: Any) -> tuple[H.Client, list[float]]:
    slept: list[float] = []
    made = H.Client(H.Cache(tmp_path / "cache"), sleep=slept.append,
                    clock=lambda: datetime(2026, 11, 27, 12, tzinfo=UTC), **kwargs)  # fmt: skip
    return made, slept


def sources(httpserver: HTTPServer, made: H.Client, token: str | None = "t0ken") -> Sources:
    env = {"HSTRACK_WIKIDATA_URL": httpserver.url_for("/").rstrip("/"), "HSTRACK_TMDB_URL": httpserver.url_for("/3")}
    if token:
        env["HSTRACK_TMDB_TOKEN"] = token
    return Sources(made, env)


def test_every_request_names_hstrack_its_version_and_home(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/x").respond_with_json({"ok": True})
    made, _ = client(tmp_path)
    assert made.get_json(httpserver.url_for("/x")) == {"ok": True}
    request = httpserver.log[0][0]
    agent = request.headers["User-Agent"]
    assert agent.startswith(f"hstrack/{__version__} ")
    assert __url__ in agent
    assert request.headers["Accept"] == "application/json"


@pytest.mark.parametrize("contact", ["you@example.org", "https://example.org/me", "Jo Bloggs <jo@example.org>"])
def test_a_contact_joins_the_user_agent(httpserver: HTTPServer, tmp_path: Path, contact: str) -> None:
    from hstrack.sources.fetching import user_agent

    agent = user_agent({"HSTRACK_CONTACT": f" {contact} "})
    assert agent == f"hstrack/{__version__} (+{__url__}; {contact}) Python-urllib"
    assert user_agent({}) == user_agent({"HSTRACK_CONTACT": ""}) == H.USER_AGENT
    httpserver.expect_request("/x", headers={"User-Agent": agent}).respond_with_json({"ok": True})
    assert H.Client(None, user_agent=agent).get_json(httpserver.url_for("/x")) == {"ok": True}


@pytest.mark.parametrize("contact", ["me\r\nX-Evil: 1", "(me)", "x" * 201, "caf\u00e9@example.org", "\x1b[2J"])
def test_a_contact_that_would_break_the_header_is_a_usage_error(contact: str) -> None:
    from hstrack.core.errors import UsageError
    from hstrack.sources.fetching import user_agent

    with pytest.raises(UsageError, match=r"HSTRACK_CONTACT=.* is not a contact"):
        user_agent({"HSTRACK_CONTACT": contact})


def test_the_tmdb_token_goes_in_a_bearer_header_to_tmdb_only(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request(
        f"/3/movie/{D.MOVIE}", query_string="append_to_response=release_dates&language=en-US",
        headers={"Authorization": "Bearer t0ken"},
    ).respond_with_json(D.movie())  # fmt: skip
    httpserver.expect_request("/w/api.php").respond_with_json(D.entities_answer({D.SEASON: D.season_entity()}))
    made, _ = client(tmp_path)
    got = sources(httpserver, made).fetch([parse_reference(f"tmdb:movie/{D.MOVIE}"),
                                           parse_reference(f"wikidata:{D.SEASON}")])  # fmt: skip
    assert all(not isinstance(v, str) for v in got.values()), got
    for request, _ in httpserver.log:
        assert ("Authorization" in request.headers) == request.path.startswith("/3/")
        assert "t0ken" not in request.url  # never in the address (or a cache key, or a log)


def test_tmdb_without_a_token_or_with_a_refused_one_fails_that_title(httpserver: HTTPServer, tmp_path: Path) -> None:
    made, _ = client(tmp_path)
    ref = parse_reference(f"tmdb:movie/{D.MOVIE}")
    assert "HSTRACK_TMDB_TOKEN" in str(sources(httpserver, made, token=None).fetch([ref])[ref])
    httpserver.expect_request(f"/3/movie/{D.MOVIE}").respond_with_json({"success": False, "status_code": 7}, status=401)
    assert "refused the API read access token in HSTRACK_TMDB_TOKEN" in str(sources(httpserver, made).fetch([ref])[ref])
    httpserver.clear()
    httpserver.expect_request(f"/3/movie/{D.MOVIE}").respond_with_json(D.TMDB_NOT_FOUND, status=404)
    assert "no such entry" in str(sources(httpserver, made).fetch([ref])[ref])


def _entities_handler(asked: list[list[str]]) -> Any:
    places = D.places()

    def handle(request: Request) -> Response:
        query = parse_qs(request.query_string.decode())
        assert query["maxlag"] == ["5"]  # Wikimedia's etiquette, on every request
        if query["action"] == ["wbgetclaims"]:  # one property of one place: never a whole country
            qid, prop = query["entity"][0], query["property"][0]
            asked.append([f"{qid}.{prop}"])
            claims = places[qid]["claims"]
            return Response(json.dumps({"claims": {prop: claims[prop]} if prop in claims else {}}),
                            content_type="application/json")  # fmt: skip
        ids = query["ids"][0].split("|")
        asked.append(ids)
        found = {q: places.get(q) or (D.film_entity() | {"id": q, "title": q}) for q in ids}
        return Response(json.dumps(D.entities_answer(found)), content_type="application/json")

    return handle


def test_wikidata_is_asked_at_most_fifty_ids_a_call(httpserver: HTTPServer, tmp_path: Path) -> None:
    asked: list[list[str]] = []
    httpserver.expect_request("/w/api.php", query_string={"action": "wbgetentities"}).respond_with_handler(
        _entities_handler(asked)
    )
    httpserver.expect_request("/w/api.php").respond_with_handler(_entities_handler(asked))
    refs = [parse_reference(f"wikidata:Q{9200000 + n}") for n in range(60)]
    made, _ = client(tmp_path)
    got = sources(httpserver, made).fetch(refs)
    assert all(not isinstance(v, str) for v in got.values())
    titles, rest = asked[:2], asked[2:]
    assert [len(b) for b in titles] == [50, 10]
    assert sorted(q for b in titles for q in b) == sorted(r.qid for r in refs)
    # Then each place's code alone (P297), and for Paris, a city, its country (P17), then France's code.
    assert [b[0] for b in rest] == [f"{D.US}.P297", f"{D.PARIS}.P297", f"{D.PARIS}.P17", f"{D.FRANCE}.P297",
                                    f"{D.UK}.P297"]  # fmt: skip
    fetched = got[refs[0]]
    assert not isinstance(fetched, str)
    assert {f.key for f in fetched.facts} >= {"release@GB", "release@US", "release@FR"}


def test_an_unknown_wikidata_entity_fails_only_its_title(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/w/api.php").respond_with_json(
        D.entities_answer({D.SEASON: D.season_entity(), "Q9999999": None})
    )
    made, _ = client(tmp_path)
    got = sources(httpserver, made).fetch(
        [parse_reference(f"wikidata:{D.SEASON}"), parse_reference("wikidata:Q9999999")]
    )
    assert got[parse_reference("wikidata:Q9999999")] == "no such entity (Q9999999 is missing or was deleted)"
    assert not isinstance(got[parse_reference(f"wikidata:{D.SEASON}")], str)


def test_429_with_retry_after_is_waited_out(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_ordered_request("/x").respond_with_data("slow down", status=429, headers={"Retry-After": "2"})
    httpserver.expect_ordered_request("/x").respond_with_data("", status=503, headers={"Retry-After": "3"})
    httpserver.expect_ordered_request("/x").respond_with_json({"ok": 1})
    made, slept = client(tmp_path)
    assert made.get_json(httpserver.url_for("/x")) == {"ok": 1}
    assert slept == [2.0, 3.0]
    httpserver.check_assertions()


def test_429_beyond_the_limit_gives_up(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/x").respond_with_data("", status=429, headers={"Retry-After": "600"})
    made, slept = client(tmp_path)
    with pytest.raises(H.FetchError, match=r"rate limited \(HTTP 429\) after 1 tries"):
        made.get(httpserver.url_for("/x"))
    assert slept == []  # ten minutes is more than a sync waits
    httpserver.clear()
    httpserver.expect_request("/y").respond_with_data("", status=429, headers={"Retry-After": "1"})
    made, slept = client(tmp_path, retries=2)
    with pytest.raises(H.FetchError, match="after 3 tries"):
        made.get(httpserver.url_for("/y"))
    assert slept == [1.0, 1.0]
    assert len(httpserver.log) == 3


def test_retry_after_as_an_http_date() -> None:
    now = datetime(2026, 11, 27, 12, tzinfo=UTC)
    assert H.retry_after("Fri, 27 Nov 2026 12:00:30 GMT", now) == 30.0
    assert H.retry_after("Fri, 27 Nov 2026 11:00:00 GMT", now) == 0.0
    assert H.retry_after("soon", now) is None
    assert H.retry_after("7", now) == 7.0


def test_an_etag_is_revalidated_and_a_304_answers_from_the_cache(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_ordered_request("/x").respond_with_json({"v": 1}, headers={"ETag": '"v1"'})
    httpserver.expect_ordered_request("/x", headers={"If-None-Match": '"v1"'}).respond_with_data("", status=304)
    httpserver.expect_ordered_request("/x", headers={"If-None-Match": '"v1"'}).respond_with_json(
        {"v": 2}, headers={"ETag": '"v2"'}
    )
    made, _ = client(tmp_path)
    url = httpserver.url_for("/x")
    first = made.get(url)
    second = made.get(url)
    assert (json.loads(second.body), second.from_cache, first.from_cache) == ({"v": 1}, True, False)
    assert json.loads(made.get(url).body) == {"v": 2}
    httpserver.check_assertions()


def test_last_modified_is_revalidated_too(httpserver: HTTPServer, tmp_path: Path) -> None:
    stamp = "Wed, 25 Nov 2026 10:00:00 GMT"
    httpserver.expect_ordered_request("/x").respond_with_json({"v": 1}, headers={"Last-Modified": stamp})
    httpserver.expect_ordered_request("/x", headers={"If-Modified-Since": stamp}).respond_with_data("", status=304)
    made, _ = client(tmp_path)
    made.get(httpserver.url_for("/x"))
    assert made.get(httpserver.url_for("/x")).from_cache
    httpserver.check_assertions()


def test_offline_answers_from_the_cache_only(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/x").respond_with_json({"v": 1})
    made, _ = client(tmp_path)
    made.get(httpserver.url_for("/x"))
    offline, _ = client(tmp_path, offline=True)
    assert json.loads(offline.get(httpserver.url_for("/x")).body) == {"v": 1}
    with pytest.raises(H.FetchError, match="not in the cache"):
        offline.get(httpserver.url_for("/never"))
    assert len(httpserver.log) == 1
    assert offline.requests == 0


def test_a_slow_server_times_out(httpserver: HTTPServer, tmp_path: Path) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return Response("{}", content_type="application/json")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    made, _ = client(tmp_path, timeout=0.2)
    started = time.monotonic()
    with pytest.raises(H.FetchError, match=r"no answer within 0.2 s"):
        made.get(httpserver.url_for("/slow"))
    assert time.monotonic() - started < 1.0


def test_nothing_listening_is_a_fetch_error(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, never listening: the connection is refused
        made, _ = client(tmp_path)
        with pytest.raises(H.FetchError, match="cannot connect"):
            made.get(f"http://127.0.0.1:{port}/x")


@pytest.mark.parametrize(
    ("body", "headers", "message"),
    [
        (b"<html>maintenance</html>", {}, "not valid JSON"),
        (b'{"a": NaN}', {}, "number JSON does not allow"),
        (b'{"a": "\\ud800"}', {}, "lone surrogate"),
        (b"\xff\xfe{}", {}, "not UTF-8"),
        (b"[" * 100000, {}, "nested too deeply"),
        (b"\x1f\x8b not gzip at all", {"Content-Encoding": "gzip"}, "not valid gzip"),
    ],
)
def test_a_malformed_answer_is_a_fetch_error(httpserver: HTTPServer, tmp_path: Path, body: bytes,
                                             headers: dict[str, str], message: str) -> None:  # fmt: skip
    httpserver.expect_request("/x").respond_with_data(body, headers=headers, content_type="application/json")
    made, _ = client(tmp_path)
    with pytest.raises(H.FetchError, match=message):
        made.get_json(httpserver.url_for("/x"))


def test_gzip_is_read_and_an_oversized_answer_refused(httpserver: HTTPServer, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    httpserver.expect_request("/z").respond_with_data(gzip.compress(b'{"ok": 1}'), headers={"Content-Encoding": "gzip"})
    made, _ = client(tmp_path)
    assert made.get_json(httpserver.url_for("/z")) == {"ok": 1}
    monkeypatch.setattr(H, "MAX_BODY", 1000)
    httpserver.expect_request("/big").respond_with_data(b"[" + b"1," * 2000 + b"1]")
    with pytest.raises(H.FetchError, match="larger than"):
        made.get(httpserver.url_for("/big"))
    httpserver.expect_request("/bomb").respond_with_data(
        gzip.compress(b" " * 100000), headers={"Content-Encoding": "gzip"}
    )
    with pytest.raises(H.FetchError, match="larger than"):
        made.get(httpserver.url_for("/bomb"))


def test_a_malformed_wikidata_batch_fails_its_titles(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/w/api.php").respond_with_json(D.WIKIDATA_ERROR)
    made, _ = client(tmp_path)
    ref = parse_reference(f"wikidata:{D.FILM}")
    assert "no-such-entity" in str(sources(httpserver, made).fetch([ref])[ref])


def test_find_asks_both_sources(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/w/api.php", query_string={"action": "wbsearchentities", "search": "Big Film",
                                                          "language": "en", "uselang": "en", "type": "item",
                                                          "limit": "20", "format": "json",
                                                          "maxlag": "5"}).respond_with_json(
        D.search_answer())  # fmt: skip
    httpserver.expect_request("/w/api.php").respond_with_json(D.entities_answer({D.FILM: D.film_entity(),
                                                                                 "Q9100003": None}))  # fmt: skip
    httpserver.expect_request("/3/search/multi").respond_with_json(D.multi_search())
    made, _ = client(tmp_path)
    found, failed = sources(httpserver, made).find("Big Film", ["wikidata", "tmdb"])
    assert failed == []
    assert [c.reference for c in found] == [f"wikidata:{D.FILM}", f"tmdb:movie/{D.MOVIE}", f"tmdb:tv/{D.SERIES}"]


def test_the_cache_lives_beside_the_store_when_hstrack_home_is_set(isolated: Path) -> None:
    assert H.cache_folder() == isolated / "cache" / "http"


def test_the_guard_stops_a_test_connecting_beyond_this_machine() -> None:
    import socket

    with pytest.raises(pytest.fail.Exception, match="not the loopback address"):
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)  # TEST-NET-1: never reached
    with socket.socket() as s, pytest.raises(pytest.fail.Exception, match="not the loopback address"):
        s.connect(("198.51.100.7", 443))
    with pytest.raises(pytest.fail.Exception):
        socket.create_connection(("www.wikidata.org", 443))  # a name would ask DNS first


# ---------------------------------------------------------------------------- hostile servers (review of issue 15)


class RawServer:
    """A server on 127.0.0.1 that answers each connection with bytes a test writes by hand,
    for what a well-behaved HTTP server never sends: a broken status line, a body cut short,
    a broken chunk. ``answers`` is called with the request's bytes."""

    def __init__(self, answer: Any) -> None:
        import socket
        import threading

        self.answer = answer
        self.requests: list[bytes] = []
        self.stopped = threading.Event()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.1)  # the accept loop sees `stopped`
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/x"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn, contextlib.suppress(OSError):  # the client may have given up already
                conn.settimeout(5)
                request = conn.recv(65536)
                self.requests.append(request)
                conn.sendall(self.answer(request))

    def close(self) -> None:
        # The accept loop is stopped and joined before the socket is closed: an accept() on
        # a closed descriptor whose number was reused would take another server's connections.
        self.stopped.set()
        self.thread.join(timeout=10)
        self.sock.close()


@pytest.fixture
def raw() -> Any:
    made: list[RawServer] = []

    def start(answer: Any) -> RawServer:
        made.append(RawServer(answer if callable(answer) else (lambda _r: answer)))
        return made[-1]

    yield start
    for server in made:
        server.close()


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (b"GARBAGE\r\n\r\n", "not HTTP hstrack can read"),  # a broken status line
        (b"{}", "not HTTP hstrack can read"),  # HTTP/0.9, or not HTTP at all
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n", "cut short"),  # a broken chunk
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc", "cut short"),  # closed inside a chunk
        (b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{\"a\":", "cut short"),  # closed mid-body
        (b"HTTP/1.1 200 OK\r\n" + b"X: 1\r\n" * 200 + b"\r\n{}", "not HTTP hstrack can read"),  # too many headers
        (b"HTTP/1.1 200 OK\r\nX: " + b"a" * 70000 + b"\r\n\r\n{}", "not HTTP hstrack can read"),  # a header too long
        # A gzip stream that stops early; mtime=0 keeps the bytes, so the test's id, the same
        # in every xdist worker (which must collect the same tests).
        (b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 10\r\n\r\n"
         + gzip.compress(b'{"ok": 1}', mtime=0)[:10], "cut short"),
        # "²" is a digit to str.isdigit, not to int()
        (b"HTTP/1.1 429 Too Many\r\nRetry-After: \xb2\r\nContent-Length: 0\r\n\r\n", "rate limited"),
    ],
)  # fmt: skip
def test_a_broken_http_answer_is_a_fetch_error_never_a_crash(raw: Any, tmp_path: Path, answer: bytes,
                                                             message: str) -> None:  # fmt: skip
    server = raw(answer)
    made, _ = client(tmp_path, timeout=5, retries=0)
    with pytest.raises(H.FetchError, match=message):
        made.get_json(server.url)


def test_an_answer_cut_short_is_never_cached(raw: Any, tmp_path: Path) -> None:
    """A body cut short with its ETag must not be kept: the next request would send that
    ETag, the server would answer 304, and the broken body would be read for good."""
    full = b'{"v": 1, "padding": "' + b"x" * 50 + b'"}'

    def answer(request: bytes) -> bytes:
        if b"if-none-match" in request.lower():
            return b'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\n\r\n'
        if len(server.requests) == 1:  # the first answer stops after 20 of its bytes
            return b'HTTP/1.1 200 OK\r\nETag: "v1"\r\nContent-Length: %d\r\n\r\n' % len(full) + full[:20]
        return b'HTTP/1.1 200 OK\r\nETag: "v1"\r\nContent-Length: %d\r\n\r\n' % len(full) + full

    server = raw(answer)
    made, _ = client(tmp_path, timeout=5)
    with pytest.raises(H.FetchError, match="cut short"):
        made.get_json(server.url)
    assert made.get_json(server.url)["v"] == 1


@pytest.mark.parametrize(
    "value",
    [
        "\xb2",
        "\u0663",
        "-5",
        "1e9",
        " ",
        "",
        "Fri, 27 Nov 99999 12:00:00 GMT",
        "Fri, 27 Nov 2026 12:00:00 +9999",
        "9" * 40,
        "Mon, 99 Foo 2026 99:99:99 GMT",
    ],
)
def test_retry_after_never_raises(value: str) -> None:
    wait = H.retry_after(value, datetime(2026, 11, 27, 12, tzinfo=UTC))
    assert wait is None or wait >= 0


@pytest.fixture
def elsewhere() -> Any:
    """A second server on the loopback address: another host as far as a redirect is concerned."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


def test_a_redirect_to_another_host_is_not_followed_and_the_token_stays_home(
    httpserver: HTTPServer, elsewhere: HTTPServer, tmp_path: Path
) -> None:
    elsewhere.expect_request(f"/3/movie/{D.MOVIE}").respond_with_json(D.movie())
    target = elsewhere.url_for(f"/3/movie/{D.MOVIE}")
    httpserver.expect_request(f"/3/movie/{D.MOVIE}").respond_with_data("", status=302, headers={"Location": target})
    made, _ = client(tmp_path)
    ref = parse_reference(f"tmdb:movie/{D.MOVIE}")
    got = sources(httpserver, made).fetch([ref])[ref]
    assert isinstance(got, str)
    assert "redirected to '127.0.0.1' on port" in got  # named as the host and port it is
    assert elsewhere.log == []  # the bearer token never left for the other host


def test_a_redirect_on_the_same_host_is_followed(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/new"})
    httpserver.expect_request("/new").respond_with_json({"ok": 1})
    made, _ = client(tmp_path)
    assert made.get_json(httpserver.url_for("/old")) == {"ok": 1}


def test_a_server_that_drips_its_answer_is_given_up_on(httpserver: HTTPServer, tmp_path: Path) -> None:
    """Each byte comes well within the timeout, so only a limit on the whole answer ends it."""

    def drip(request: Request) -> Response:
        def body() -> Any:
            yield b'{"a": "'
            for _ in range(40):
                time.sleep(0.05)
                yield b"x"
            yield b'"}'

        return Response(body(), content_type="application/json")

    httpserver.expect_request("/drip").respond_with_handler(drip)
    made, _ = client(tmp_path, timeout=1.0, deadline=0.5)
    started = time.monotonic()
    with pytest.raises(H.FetchError, match=r"took more than 0.5 s"):
        made.get(httpserver.url_for("/drip"))
    assert time.monotonic() - started < 1.5


def test_a_server_silent_before_its_status_line_is_given_up_on_at_the_deadline(raw: Any, tmp_path: Path) -> None:
    """Issue 26: the deadline covers the whole exchange, not only the body (the timeout is 5 s)."""

    server = raw(_silent)  # the status line never comes, and the connection stays open
    made, _ = client(tmp_path, timeout=5.0, deadline=0.4)
    started = time.monotonic()
    with pytest.raises(H.FetchError, match=r"took more than 0.4 s \(connecting, its status line"):
        made.get(server.url)
    assert time.monotonic() - started < 2


def test_each_source_has_a_budget_for_the_whole_run(raw: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(H, "RUN_BUDGET", 2)
    server = raw(_silent)
    made, _ = client(tmp_path, timeout=5.0, deadline=0.3)
    for _ in range(2):  # two whole deadlines: the budget
        # The socket's time-out and the watchdog end the exchange at the same moment when
        # what is left of the budget is less than a deadline: either may say so first.
        with pytest.raises(H.FetchError, match=r"took more than|no answer within"):
            made.get(server.url)
    started = time.monotonic()
    with pytest.raises(H.FetchError, match=r"gave up: this source's answers took more than 0.6 s in all"):
        made.get(server.url)
    assert time.monotonic() - started < 0.25  # no request, no deadline (0.3 s) waited: on a busy machine too
    assert made.requests == 2


def _silent(request: bytes) -> bytes:
    time.sleep(0.8)  # holds the connection open, saying nothing, past any deadline above
    return b""
