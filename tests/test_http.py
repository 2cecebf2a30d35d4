"""The one seam to the network, against a real HTTP server on 127.0.0.1 (pytest-httpserver):
User-Agent, bearer token, Wikidata's batches of 50, 429 with Retry-After, revalidation with
ETag and Last-Modified (304), timeouts, malformed and oversized answers, --offline."""

from __future__ import annotations

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
from hstrack.sources import http as H
from hstrack.sources import parse_reference
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


def test_the_tmdb_token_goes_in_a_bearer_header_to_tmdb_only(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request(
        f"/3/movie/{D.MOVIE}", query_string="append_to_response=release_dates",
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
    assert "refused the token" in str(sources(httpserver, made).fetch([ref])[ref])
    httpserver.clear()
    httpserver.expect_request(f"/3/movie/{D.MOVIE}").respond_with_json(D.TMDB_NOT_FOUND, status=404)
    assert "no such entry" in str(sources(httpserver, made).fetch([ref])[ref])


def _entities_handler(asked: list[list[str]]) -> Any:
    places = D.places()

    def handle(request: Request) -> Response:
        query = parse_qs(request.query_string.decode())
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
    # Then the places, in one call, then Paris's country.
    assert [sorted(b) for b in rest] == [sorted([D.UK, D.US, D.PARIS]), [D.FRANCE]]
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
                                                          "limit": "10", "format": "json"}).respond_with_json(
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
