"""Issue 27, item 4: sync that holds up against the real services. Wikidata's and TMDb's
answers in their documented shapes (tests/source_documents.py), served on 127.0.0.1, and a
server that accepts and never answers; the installed hstrack as a real process where the
whole run matters, the adapters alone where a document's reading does."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from hstrack.core.references import parse_reference
from hstrack.sources import http as H
from hstrack.sources import tmdb as T
from hstrack.sources.fetching import Sources

from . import source_documents as D

SCRIPT = Path(sys.executable).with_name("hstrack")
NOW = "2026-11-27T12:00:00+00:00"


class Services:
    """Wikidata's api.php (wbgetentities, wbgetclaims, wbsearchentities) and TMDb's /3, from
    documents a test may change; every request is kept for the test to read."""

    def __init__(self, server: HTTPServer) -> None:
        self.entities: dict[str, Any] = {D.FILM: D.film_entity(), D.SEASON: D.season_entity(), **D.places()}
        self.movies: dict[int, Any] = {D.MOVIE: D.movie()}
        self.search: Any = D.search_answer()
        self.wikidata_answer: Any = None  # a fixed answer (an error) instead of the documents
        self.asked: list[dict[str, list[str]]] = []
        server.expect_request("/w/api.php").respond_with_handler(self.wikidata)
        server.expect_request("/3/search/multi").respond_with_handler(lambda r: self._json(D.multi_search()))
        for number in range(9550001, 9550010):
            server.expect_request(f"/3/movie/{number}").respond_with_handler(self.tmdb)

    @staticmethod
    def _json(data: Any, status: int = 200, **headers: str) -> Response:
        return Response(json.dumps(data), status=status, content_type="application/json", headers=headers)

    def wikidata(self, request: Request) -> Response:
        query = parse_qs(request.query_string.decode())
        self.asked.append(query)
        if self.wikidata_answer is not None:
            fixed = self.wikidata_answer
            return fixed if isinstance(fixed, Response) else fixed(request)
        action = query["action"][0]
        if action == "wbsearchentities":
            return self._json(self.search)
        if action == "wbgetclaims":
            entity = self.entities.get(query["entity"][0]) or {"claims": {}}
            prop = query["property"][0]
            return self._json({"claims": {prop: entity["claims"][prop]} if prop in entity["claims"] else {}})
        ids = query["ids"][0].split("|")
        return self._json(D.entities_answer({q: self.entities.get(q) for q in ids}))

    def tmdb(self, request: Request) -> Response:
        number = int(request.path.rsplit("/", 1)[1])
        if request.headers.get("Authorization") != "Bearer t0ken" and request.args.get("api_key") != "k3y":
            return self._json({"success": False, "status_code": 7,
                               "status_message": "Invalid API key: You must be granted a valid key."}, 401)  # fmt: skip
        doc = self.movies.get(number)
        if doc is None:
            return self._json(D.TMDB_NOT_FOUND, 404)
        return self._json(doc | {"id": number})


class Hung:
    """A server that takes connections and never says a word."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.held: list[socket.socket] = []
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._hold, daemon=True).start()

    def _hold(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.fixture
def services(httpserver: HTTPServer) -> Services:
    return Services(httpserver)


def runner(httpserver: HTTPServer, home: Path) -> Any:
    """The installed hstrack with a home of its own, pointed at the loopback services."""

    def run(*args: str, code: int | None = 0, **env: str) -> subprocess.CompletedProcess[str]:
        environment = {
            "PATH": os.environ.get("PATH", ""), "HSTRACK_HOME": str(home), "HSTRACK_NOW": NOW, "TZ": "Europe/London",
            "LANG": "C.UTF-8", "COLUMNS": "200", "HSTRACK_WIKIDATA_URL": httpserver.url_for("/").rstrip("/"),
            "HSTRACK_TMDB_URL": httpserver.url_for("/3"), "HSTRACK_TMDB_TOKEN": "t0ken",
            "HSTRACK_CONTACT": "tests@example.org", **env,
        }  # fmt: skip
        for name in [k for k, v in environment.items() if v == ""]:
            del environment[name]
        done = subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, env=environment, timeout=60,
                              check=False)  # fmt: skip
        assert "Traceback" not in done.stderr, done.stderr
        if code is not None:
            assert done.returncode == code, (args, done.returncode, done.stdout, done.stderr)
        return done

    run.home = home  # type: ignore[attr-defined]
    return run


@pytest.fixture
def hs(httpserver: HTTPServer, tmp_path: Path) -> Any:
    run = runner(httpserver, tmp_path / "home")
    empty = tmp_path / "empty.json"
    empty.write_text('{"schema": 1, "titles": []}')
    run("import", str(empty))  # titles of the test's own, not the seed's
    return run


def status(hs: Any) -> dict[str, Any]:
    return {t["id"]: t for t in json.loads(hs("status", "--json").stdout)["titles"]}


# ---------------------------------------------------------------------------- a hung source


def test_a_hung_source_costs_one_time_out_a_run_and_the_rest_are_skipped_in_one_line(
    hs: Any, services: Services
) -> None:
    titles = [{"id": f"film-{n}", "name": f"Film {n}", "kind": "film", "links": [f"tmdb:movie/{9550001 + n}"]}
              for n in range(5)] + [{"id": "wiki-film", "name": "Wiki Film", "kind": "film",
                                     "links": [f"wikidata:{D.FILM}"]}]  # fmt: skip
    slate = hs.home.parent / "slate.json"
    slate.write_text(json.dumps({"schema": 1, "titles": titles}))
    hs("import", str(slate))
    before = status(hs)
    hung = Hung()
    try:
        started = time.monotonic()
        ran = hs("sync", code=1, HSTRACK_TMDB_URL=hung.url + "/3", HSTRACK_SOURCE_DEADLINE="2")
        took = time.monotonic() - started
    finally:
        hung.close()
    assert took < 8, took  # one time-out, not five
    lines = ran.stderr.splitlines()
    # The title that waited, and the summary: the socket's time-out or the exchange's
    # watchdog, whichever fires first at the source's deadline.
    assert sum("no answer within" in line or "took more than" in line for line in lines) == 2, lines
    summary = next(line for line in lines if "not asked" in line)
    assert summary.startswith("hstrack: TMDb did not answer in time")
    assert "4 titles not asked" in summary
    assert len([line for line in lines if line.startswith("hstrack: film-")]) == 1
    assert "wiki-film: release set to 2027 (Wikidata)" in ran.stdout  # the other source was not held up
    after = status(hs)
    assert all(after[f"film-{n}"]["milestones"] == before[f"film-{n}"]["milestones"] for n in range(5))
    assert "HSTRACK_SOURCE_DEADLINE" in hs("sync", code=2, HSTRACK_SOURCE_DEADLINE="soon").stderr


# ---------------------------------------------------------------------------- Wikidata


def test_an_item_named_only_in_mul_is_added_by_link_and_the_label_follows_your_language(
    hs: Any, services: Services
) -> None:
    film = D.film_entity()
    film["labels"] = {"mul": {"language": "mul", "value": "Klondike"}}
    services.entities[D.FILM] = film
    assert hs("add", "--link", f"wikidata:{D.FILM}").stdout == "klondike\n"
    asked = [q for q in services.asked if q["action"] == ["wbgetentities"]]
    assert asked[0]["languages"] == ["en|mul"]
    film["labels"]["de"] = {"language": "de", "value": "Klondike (Film)"}
    assert hs("add", "--link", f"wikidata:{D.FILM}", "--id", "german", LANG="de_DE.UTF-8").stdout == "german\n"
    assert status(hs)["german"]["name"] == "Klondike (Film)"
    assert [q for q in services.asked if q["action"] == ["wbgetentities"]][-1]["languages"] == ["de|mul|en"]


def test_country_codes_are_asked_one_property_at_a_time_and_kept(hs: Any, services: Services) -> None:
    hs("add", "--link", f"wikidata:{D.FILM}")
    claims = [(q["entity"][0], q["property"][0]) for q in services.asked if q["action"] == ["wbgetclaims"]]
    assert sorted(claims) == sorted([(D.UK, "P297"), (D.US, "P297"), (D.PARIS, "P297"), (D.PARIS, "P17"),
                                     (D.FRANCE, "P297")])  # fmt: skip
    assert not any(q["action"] == ["wbgetentities"] and D.UK in q["ids"][0] for q in services.asked)
    assert all(q.get("maxlag") == ["5"] for q in services.asked)  # Wikimedia's etiquette, every request
    services.asked.clear()
    hs("add", "Again", "--link", f"wikidata:{D.FILM}", "--id", "again")
    assert [q["action"] for q in services.asked] == [["wbgetentities"]]  # the codes were kept: none asked
    assert {m["key"] for m in status(hs)["again"]["milestones"]} >= {"release@GB", "release@FR"}


def test_a_lagged_wikidata_is_waited_out_then_given_up_on(httpserver: HTTPServer, tmp_path: Path) -> None:
    lagged = {"error": {"code": "maxlag", "info": "Waiting for db1: 7 seconds lagged", "host": "db1", "lag": 7,
                        "*": "See https://www.wikidata.org/w/api.php for API usage."}}  # fmt: skip
    answers = [lagged, lagged, D.entities_answer({D.SEASON: D.season_entity()})]

    def handle(request: Request) -> Response:
        assert request.args["maxlag"] == "5"
        doc = answers.pop(0) if answers else lagged
        headers = {"Retry-After": "2", "X-Database-Lag": "7"} if doc is lagged else {}
        return Response(json.dumps(doc), status=200, content_type="application/json", headers=headers)

    httpserver.expect_request("/w/api.php").respond_with_handler(handle)
    slept: list[float] = []
    client = H.Client(H.Cache(tmp_path / "cache"), sleep=slept.append, clock=lambda: datetime(2026, 11, 27, tzinfo=UTC))
    made = Sources(client, {"HSTRACK_WIKIDATA_URL": httpserver.url_for("/").rstrip("/")})
    ref = parse_reference(f"wikidata:{D.SEASON}")
    got = made.fetch([ref])[ref]
    assert not isinstance(got, str), got
    assert slept == [5.0, 5.0]  # Retry-After said 2: at least 5, as Wikimedia asks
    got = made.fetch([ref])[ref]  # lagged every time now
    assert isinstance(got, str)
    assert "lagged (7 s behind, maxlag 5); asked 3 times" in got


def test_a_refusal_says_why_and_the_contact_warning_comes_once(hs: Any, services: Services) -> None:
    hs("add", "Big Film", "--kind", "film")
    hs("link", "big-film", f"wikidata:{D.FILM}")
    services.wikidata_answer = Response(
        "Please set a user-agent and respect our robot policy https://w.wiki/4wJS. See also T400119.",
        status=403, content_type="text/plain",
    )  # fmt: skip
    refused = hs("sync", code=1, HSTRACK_CONTACT="")
    assert "HTTP 403: Please set a user-agent and respect our robot policy https://w.wiki/4wJS" in refused.stderr
    assert refused.stderr.count("HSTRACK_CONTACT is not set") == 1
    again = hs("sync", code=1, HSTRACK_CONTACT="")
    assert "HSTRACK_CONTACT is not set" not in again.stderr  # said once: a cron log is not told every day


def test_find_lists_films_series_and_seasons_only_with_kind_and_year(hs: Any, services: Services) -> None:
    place = D.entity("Q9100010", "Klondike", {"P31": [D.statement(D.item_snak("P31", "Q515"))]})  # a city
    person = D.entity("Q9100011", "Klondike Kate", {"P31": [D.statement(D.item_snak("P31", "Q5"))]})
    series = D.entity("Q9100012", "Klondike", {"P31": [D.statement(D.item_snak("P31", "Q1259759"))],
                                                "P580": [D.statement(D.time_snak("P580", "+2014-01-20T00:00:00Z",
                                                                                 11))]})  # fmt: skip
    services.entities.update({"Q9100010": place, "Q9100011": person, "Q9100012": series})
    services.search = {"searchinfo": {"search": "Klondike"}, "success": 1, "search": [
        {"id": q, "title": q, "label": e["labels"]["en"]["value"]} for q, e in
        (("Q9100010", place), ("Q9100011", person), ("Q9100012", series), (D.FILM, D.film_entity()))]}  # fmt: skip
    found = hs("find", "Klondike", "--source", "wikidata").stdout.splitlines()
    assert found == ["wikidata:Q9100012\t2014\tseries\tKlondike", f"wikidata:{D.FILM}\t2027\tfilm\tBig Film\t2027 film"]


# ---------------------------------------------------------------------------- TMDb


def test_tmdb_takes_a_v3_key_in_the_url_never_in_the_cache_and_says_which_was_refused(
    hs: Any, services: Services, httpserver: HTTPServer
) -> None:
    hs("add", "Big Film", "--kind", "film")
    hs("link", "big-film", f"tmdb:movie/{D.MOVIE}")
    keyed = hs("sync", HSTRACK_TMDB_TOKEN="", HSTRACK_TMDB_KEY="k3y", LANG="de_DE.UTF-8")
    assert "release (UK cinemas) set to 5 Mar 2027" in keyed.stdout
    request = httpserver.log[-1][0]
    assert request.args["api_key"] == "k3y"
    assert "Authorization" not in request.headers
    assert request.args["language"] == "de-DE"  # the user's language
    cache = hs.home / "cache"
    assert not any(b"k3y" in path.read_bytes() for path in cache.rglob("*") if path.is_file())
    wrong = hs("sync", code=1, HSTRACK_TMDB_TOKEN="", HSTRACK_TMDB_KEY="nope").stderr
    assert (
        "TMDb refused the API key in HSTRACK_TMDB_KEY (401: Invalid API key: You must be granted a valid key.)" in wrong
    )
    assert "nope" not in wrong
    both = hs("sync", code=1, HSTRACK_TMDB_TOKEN="wrong", HSTRACK_TMDB_KEY="nope").stderr
    assert "refused the API read access token in HSTRACK_TMDB_TOKEN" in both
    assert "and the API key in HSTRACK_TMDB_KEY" in both
    hs("sync", HSTRACK_TMDB_TOKEN="wrong", HSTRACK_TMDB_KEY="k3y")  # the key gets in where the token did not


def test_tmdb_statuses_are_the_production_facts_they_mean(hs: Any, services: Services) -> None:
    for n, state in enumerate(("Planned", "In Production", "Post Production", "Rumored")):
        services.movies[9550002 + n] = D.movie(status=state) | {"release_dates": {"results": []}, "release_date": ""}
        hs("add", state, "--kind", "film")
        hs("link", state.lower().replace(" ", "-"), f"tmdb:movie/{9550002 + n}")
    hs("sync")
    phases = {tid: t["phase"] for tid, t in status(hs).items()}
    assert phases == {"planned": "announced", "in-production": "in-production", "post-production": "post-production",
                      "rumored": "rumoured"}  # fmt: skip
    start = next(m for m in status(hs)["in-production"]["milestones"] if m["kind"] == "production-start")
    assert (start["text"], start["state"], start["reached"], start["countdown"]) == ("TBA", "past", True,
                                                                                       "date not known")  # fmt: skip


def test_re_releases_formats_doubt_and_same_day_ties(hs: Any, services: Services) -> None:
    movie = D.movie(status="Released")
    movie["origin_country"] = ["US"]
    movie["release_dates"]["results"] = [
        {"iso_3166_1": "GB", "release_dates": [
            {"certification": "", "iso_639_1": "", "note": "", "release_date": "2027-03-12T00:00:00.000Z", "type": 3}]},
        {"iso_3166_1": "US", "release_dates": [
            {"certification": "", "iso_639_1": "", "note": "", "release_date": "2027-03-12T00:00:00.000Z", "type": 3}]},
        {"iso_3166_1": "FR", "release_dates": [
            {"certification": "", "iso_639_1": "", "note": "4K Re-release", "release_date": "2027-09-01T00:00:00.000Z",
             "type": 3}]},
    ]  # fmt: skip
    services.movies[D.MOVIE] = movie
    hs("add", "--link", f"tmdb:movie/{D.MOVIE}")
    film = status(hs)["big-film"]
    assert sorted(m["key"] for m in film["milestones"]) == ["release@GB:theatrical", "release@US:theatrical"]
    assert film["release"]["key"] == "release@US:theatrical"  # its country of origin, not the alphabet
    wiki = D.film_entity()
    wiki["claims"]["P577"] = [
        D.statement(D.time_snak("P577", "+2027-05-00T00:00:00Z", 10), P1480=[D.item_snak("P1480", "Q5727902")]),
        D.statement(D.time_snak("P577", "+2027-06-01T00:00:00Z", 11), P437=[D.item_snak("P437", "Q723685")]),
        D.statement(D.time_snak("P577", "+2027-04-01T00:00:00Z", 11), P1480=[D.item_snak("P1480", "Q30108381")]),
    ]  # fmt: skip
    services.entities[D.FILM] = wiki
    hs("add", "Wiki", "--link", f"wikidata:{D.FILM}", "--id", "wiki")
    milestones = {m["key"]: m for m in status(hs)["wiki"]["milestones"]}
    assert (milestones["release"]["text"], milestones["release"]["tentative"]) == ("May 2027", True)
    assert milestones["release"]["note"] == "Wikidata: circa"
    assert milestones["release:digital"]["text"] == "1 Jun 2027"  # video on demand
    assert "1 Apr 2027" not in json.dumps(milestones)  # marked cancelled: it did not happen


def test_add_link_with_the_source_down_adds_the_title_to_sync_later(hs: Any, services: Services) -> None:
    hung = Hung()
    hung.close()  # nothing listens there now: the source is down
    down = {"HSTRACK_TMDB_URL": hung.url + "/3"}
    added = hs("add", "Big Film", "--link", f"tmdb:movie/{D.MOVIE}", **down)
    assert added.stdout == "big-film\n"
    assert "could not be asked" in added.stderr
    assert "hstrack sync big-film" in added.stderr
    assert status(hs)["big-film"]["links"] == [f"tmdb:movie/{D.MOVIE}"]
    assert "give the title's NAME" in hs("add", "--link", f"tmdb:movie/{D.MOVIE}", code=1, **down).stderr
    assert "no such entry" in hs("add", "Lost", "--link", "tmdb:movie/9550009", code=1).stderr  # up, and wrong
    assert "release (UK cinemas) set to 5 Mar 2027" in hs("sync", "big-film").stdout  # later, it syncs


def test_the_adapters_read_these_qualifiers_and_notes() -> None:
    ref = parse_reference(f"tmdb:movie/{D.MOVIE}")
    doc = D.movie()
    doc["release_dates"]["results"][0]["release_dates"].append(
        {"certification": "", "iso_639_1": "", "note": "re-release", "release_date": "2025-01-05T00:00:00.000Z",
         "type": 3})  # fmt: skip
    facts = {f.key: f.date.canonical for f in T.facts(ref, doc).facts}
    assert facts["release@GB:theatrical"] == "2027-03-05"  # the earlier re-release is no release
    assert T.facts(ref, D.movie() | {"production_countries": [{"iso_3166_1": "GB"}]}).country == "GB"
    assert T.facts(ref, D.movie() | {"origin_country": ["GB", "US"]}).country is None  # two: no one


# ---------------------------------------------------------------------------- 5. kept current by a schedule


def test_the_printed_schedule_syncs_once_a_day_then_notifies_answering_as_the_terminal_does(
    hs: Any, services: Services, httpserver: HTTPServer
) -> None:
    hs("add", "Big Film", "--kind", "film")
    hs("link", "big-film", f"tmdb:movie/{D.MOVIE}")
    hs("config", "medium", "digital,theatrical")
    cron = hs("notify", "--print", "crontab", LANG="en_GB.UTF-8").stdout
    assert "t0ken" not in cron  # a secret never goes in a file
    assert "HSTRACK_TMDB_TOKEN=your-token" in cron  # where it goes instead
    line = cron.splitlines()[-1]
    assert "TZ=Europe/London HSTRACK_REGION=GB HSTRACK_MEDIUM=digital,theatrical LANG=en_GB.UTF-8" in line
    assert "HSTRACK_CONTACT=tests@example.org" in line
    command = line.split(" ", 5)[5]  # what cron runs: after the five time fields
    # As cron runs it: a shell with almost nothing, the token on a line of its own above.
    env = {
        "PATH": "/usr/bin:/bin",
        "HSTRACK_TMDB_TOKEN": "t0ken",
        "HSTRACK_NOW": NOW,
        "HSTRACK_TMDB_URL": httpserver.url_for("/3"),
        "HSTRACK_WIKIDATA_URL": httpserver.url_for("/").rstrip("/"),
    }
    subprocess.run(["sh", "-c", command], env=env, timeout=60, check=False, capture_output=True)
    synced = status(hs)["big-film"]
    assert {m["key"] for m in synced["milestones"]} >= {"release@GB:theatrical", "release@US:digital"}
    # The settings it carries are the ones that decide answers: the same line's commands
    # answer as this shell does.
    shown = subprocess.run(
        [
            "sh",
            "-c",
            command.split(";")[0]
            .replace(" sync --active --every 1d", " countdown big-film release")
            .split(" >/dev/null")[0],
        ],
        env=env,
        timeout=60,
        check=False,
        capture_output=True,
        text=True,
    )
    assert "release (UK cinemas) 5 Mar 2027" in shown.stdout  # GB, from the locale the terminal has
    asked = len(httpserver.log)
    subprocess.run(["sh", "-c", command], env=env, timeout=60, check=False, capture_output=True)
    assert len(httpserver.log) == asked  # once a day: the second run asked nothing
    later = dict(env, HSTRACK_NOW="2026-11-28T12:00:00+00:00")
    subprocess.run(["sh", "-c", command], env=later, timeout=60, check=False, capture_output=True)
    assert len(httpserver.log) > asked  # a day on, it syncs again


# ---------------------------------------------------------------------------- 1 and 2: the seed, synced


def test_the_seeds_links_sync_against_tmdb_and_confirm_its_facts(services: Services, httpserver: HTTPServer,
                                                                 tmp_path: Path) -> None:  # fmt: skip
    """TMDb's documents for the seed's pages, in their shapes: the film released on Netflix on
    17 July 2026 (its primary date; no dates per country), season 3 first aired 3 October 2024."""
    film = {"adult": False, "id": 1468683, "title": "Heartstopper Forever", "original_title": "Heartstopper Forever",
            "status": "Released", "release_date": "2026-07-17", "origin_country": ["GB"],
            "release_dates": {"results": []}}  # fmt: skip
    season = {"_id": "x", "air_date": "2024-10-03", "episodes": [], "name": "Season 3", "id": 3, "season_number": 3}
    httpserver.expect_request("/3/movie/1468683").respond_with_json(film)
    httpserver.expect_request("/3/tv/124834/season/3").respond_with_json(season)
    hs = runner(httpserver, tmp_path / "seeded")
    hs("status", HSTRACK_NOW="2026-12-01T12:00:00+00:00")  # the seed, as a new user gets it
    before = status(hs)
    ran = hs("sync", HSTRACK_NOW="2026-12-07T12:00:00+00:00")
    assert ran.stdout == ""  # what TMDb says is what the seed says: nothing changed
    assert "synced 2 of 2 titles: 0 changes" in ran.stderr
    after = status(hs)
    assert after["heartstopper-film"]["milestones"] == before["heartstopper-film"]["milestones"]
    assert after["heartstopper-film"]["confirmed_by"] == "sync"
    shown = hs("show", "heartstopper-film", HSTRACK_NOW="2026-12-08T12:00:00+00:00").stdout
    assert "last confirmed yesterday (sync found no change on 7 Dec 2026)" in shown
    assert hs("check", "heartstopper-film", "--stale", "2d", code=1, HSTRACK_NOW="2026-12-08T12:00:00+00:00")
    # sync --stale asks only what status marks: here, nothing (both released).
    asked = len(httpserver.log)
    assert "no linked title wants news" in hs("sync", "--stale").stderr
    assert len(httpserver.log) == asked


def test_sync_stale_asks_only_the_titles_status_marks(hs: Any, services: Services) -> None:
    for name in ("Stale", "Fresh"):
        hs("add", name, "--kind", "film", HSTRACK_NOW="2026-01-02T12:00:00+00:00")
        hs("set", name.lower(), "release", "H2 2026", HSTRACK_NOW="2026-01-02T12:00:00+00:00")
    hs("set", "fresh", "release", "--note", "still H2, the studio says", HSTRACK_NOW="2026-11-20T12:00:00+00:00")
    hs("link", "stale", f"wikidata:{D.SEASON}")
    hs("link", "fresh", f"wikidata:{D.FILM}")
    marks = {t: status(hs)[t]["watch"] for t in ("stale", "fresh")}
    assert marks == {"stale": "stale", "fresh": None}
    ran = hs("sync", "--stale", "--dry-run")
    asked = [q["ids"][0] for q in services.asked if q["action"] == ["wbgetentities"]]
    assert asked == [D.SEASON]  # only the title whose open window had no news for 90 days
    assert "would sync 1 of 1 title" in ran.stderr
