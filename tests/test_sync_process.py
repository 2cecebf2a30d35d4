"""find → link → sync → history → check → sync again → a typed contradiction → proposals →
reject/accept → undo, through the installed `hstrack` as a real process, against Wikidata
and TMDb served on 127.0.0.1 from recorded documents (tests/source_documents.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from . import source_documents as D
from .conftest import on_pty_stderr, validate_output, validate_store

SCRIPT = Path(sys.executable).with_name("hstrack")


class FakeSources:
    """Wikidata's api.php and TMDb's /3, answering from documents a test may change."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.entities: dict[str, dict[str, Any] | None] = {D.FILM: D.film_entity(), D.SEASON: D.season_entity(),
                                                           **D.places()}  # fmt: skip
        self.movie = D.movie()
        server.expect_request("/w/api.php").respond_with_handler(self.wikidata)
        server.expect_request(f"/3/movie/{D.MOVIE}").respond_with_handler(self.tmdb_movie)
        server.expect_request("/3/search/multi").respond_with_handler(lambda r: self._json(D.multi_search()))

    @staticmethod
    def _json(data: Any, status: int = 200) -> Response:
        return Response(json.dumps(data), status=status, content_type="application/json")

    def wikidata(self, request: Request) -> Response:
        query = parse_qs(request.query_string.decode())
        if query["action"][0] == "wbsearchentities":
            return self._json(D.search_answer())
        if query["action"][0] == "wbgetclaims":  # one property of one place (sources.places)
            entity = self.entities.get(query["entity"][0]) or {"claims": {}}
            prop = query["property"][0]
            return self._json({"claims": {prop: entity["claims"][prop]} if prop in entity["claims"] else {}})
        ids = query["ids"][0].split("|")
        assert len(ids) <= 50
        return self._json(D.entities_answer({q: self.entities.get(q) for q in ids}))

    def tmdb_movie(self, request: Request) -> Response:
        if request.headers.get("Authorization") != "Bearer t0ken":
            return self._json({"success": False, "status_code": 7, "status_message": "Invalid API key"}, 401)
        return self._json(self.movie)


@pytest.fixture
def sources(httpserver: HTTPServer) -> FakeSources:
    return FakeSources(httpserver)


@pytest.fixture
def hs(httpserver: HTTPServer, tmp_path: Path) -> Any:
    if not SCRIPT.exists():
        pytest.fail("the hstrack console script is not installed next to the test interpreter")
    home = tmp_path / "home"

    def run(*args: str, code: int | None = 0, **env: str) -> subprocess.CompletedProcess[str]:
        environment = {
            "PATH": os.environ.get("PATH", ""),
            "HSTRACK_HOME": str(home),
            "HSTRACK_NOW": "2026-11-27T12:00:00+00:00",
            "TZ": "Europe/London",
            "LANG": "C.UTF-8",
            "COLUMNS": "200",
            "HSTRACK_WIKIDATA_URL": httpserver.url_for("/").rstrip("/"),
            "HSTRACK_TMDB_URL": httpserver.url_for("/3"),
            "HSTRACK_TMDB_TOKEN": "t0ken",
            "HSTRACK_CONTACT": "tests@example.org",
            **env,
        }
        done = subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, env=environment, timeout=60,
                              check=False)  # fmt: skip
        assert "Traceback" not in done.stderr, done.stderr
        if code is not None:
            assert done.returncode == code, (args, done.returncode, done.stdout, done.stderr)
        return done

    run.store = home / "store.json"  # type: ignore[attr-defined]
    # An empty store, not the seed (whose titles are linked to TMDb): these tests sync titles
    # of their own; tests/test_freshness.py syncs the seed's.
    empty = tmp_path / "empty.json"
    empty.write_text('{"schema": 1, "titles": []}')
    run("import", str(empty))
    return run


def test_find_link_sync_history_check_and_sync_again(hs: Any, sources: FakeSources, httpserver: HTTPServer) -> None:
    found = hs("find", "Big Film").stdout.splitlines()
    assert found[0] == f"wikidata:{D.FILM}\t2027\tfilm\tBig Film\t2027 film"
    assert found[1].startswith(f"tmdb:movie/{D.MOVIE}\t2027\tfilm\tBig Film")
    assert not any("\x1b" in line or "Q9100003" in line for line in found)  # the hostile label stays out
    candidates = json.loads(hs("find", "Big Film", "--source", "tmdb", "--json").stdout)
    validate_output(candidates, "find")
    assert [c["reference"] for c in candidates["candidates"]] == [f"tmdb:movie/{D.MOVIE}", f"tmdb:tv/{D.SERIES}"]
    assert hs("status", "--json").returncode == 0  # find linked nothing, created no title
    assert "big-film" not in hs("status", "--plain").stdout

    assert hs("add", "Big Film", "--kind", "film").stdout == "big-film\n"
    hs("link", "big-film", f"wikidata:{D.FILM}")
    hs("link", "big-film", f"https://www.themoviedb.org/movie/{D.MOVIE}-big-film")
    synced = hs("sync")
    lines = synced.stdout.splitlines()
    assert "big-film: release (UK cinemas) set to 5 Mar 2027 (TMDb)" in lines
    assert "big-film: release (US streaming) set to 2027 (TMDb)" in lines  # YEAR-01-01 is the year
    assert "big-film: release set to 2027 (Wikidata)" in lines
    assert "big-film: release (FR) set to April 2027 (Wikidata)" in lines
    assert "big-film: production start set to TBA (TMDb)" in lines
    assert not any("release (UK)" in line for line in lines)  # Wikidata's UK date agrees: TMDb's names it exactly
    assert "synced 1 of 1 title" in synced.stderr

    history = hs("history", "big-film").stdout
    assert "release (UK cinemas)" in history
    assert "set to 5 Mar 2027 (sync)" in history
    assert f"TMDb: https://www.themoviedb.org/movie/{D.MOVIE}" in history
    assert f"Wikidata: {httpserver.url_for('/').rstrip('/')}/wiki/{D.FILM}?oldid=500" in history
    data = json.loads(hs("history", "big-film", "--json").stdout)
    validate_output(data, "history")
    assert {c["origin"] for c in data["history"]} == {"wikidata", "tmdb"}
    assert {c["new"]["origin"] for c in data["history"]} == {"wikidata", "tmdb"}
    status = json.loads(hs("status", "--json").stdout)
    validate_output(status, "status")
    film = next(t for t in status["titles"] if t["id"] == "big-film")
    assert film["links"] == [f"wikidata:{D.FILM}", f"tmdb:movie/{D.MOVIE}"]
    assert {m["origin"] for m in film["milestones"]} == {"wikidata", "tmdb"}
    hs("add", "Typed Film", "--kind", "film")
    hs("set", "typed-film", "release", "2027-05-01")
    typed = next(t for t in json.loads(hs("status", "--json").stdout)["titles"] if t["id"] == "typed-film")
    assert {m["origin"] for m in typed["milestones"]} == {None}  # typed facts say so too

    assert hs("check", "big-film", "--changed-since", "1d").returncode == 0
    before = hs.store.read_bytes()
    again = hs("sync", "--json")
    result = json.loads(again.stdout)
    validate_output(result, "sync")
    assert result["changed"] is False
    assert result["titles"] == [{"id": "big-film", "name": "Big Film", "outcomes": [], "error": None}]
    assert hs.store.read_bytes() == before  # the same sync again changes nothing
    validate_store(json.loads(before))


def test_a_typed_contradiction_is_proposed_then_rejected_or_accepted(hs: Any, sources: FakeSources) -> None:
    hs("add", "Big Film", "--kind", "film")
    hs("link", "big-film", f"tmdb:movie/{D.MOVIE}")
    hs("sync")
    hs("set", "big-film", "release@GB:theatrical", "2027-06-01", "--source", "https://example.org/my-own")
    proposed = hs("sync")
    assert proposed.stdout.splitlines() == [
        "big-film: release (UK cinemas): TMDb says 5 Mar 2027, you have 1 Jun 2027; "
        "hstrack accept big-film release@GB:theatrical, or reject"
    ]
    assert "1 new proposal" in proposed.stderr
    assert "big-film: 1 pending proposal from a source: hstrack proposals big-film" in hs("status").stdout
    listed = hs("proposals").stdout
    assert listed.startswith("big-film\trelease@GB:theatrical\tTMDb says 5 Mar 2027\tyou have 1 Jun 2027\t")
    validate_output(json.loads(hs("proposals", "--json").stdout), "proposals")
    assert hs("show", "big-film", "--json").returncode == 0

    hs("reject", "big-film", "release@GB:theatrical")
    before = hs.store.read_bytes()
    assert hs("sync").stdout == ""  # rejected: not proposed again
    assert hs.store.read_bytes() == before
    assert hs("proposals").stdout == ""

    sources.movie = D.movie(gb_theatrical="2027-03-19T00:00:00.000Z")  # a new value is proposed
    assert "TMDb says 19 Mar 2027" in hs("sync").stdout
    hs("accept", "big-film", "release@GB:theatrical")
    shown = json.loads(hs("countdown", "big-film", "release@GB:theatrical", "--json").stdout)["milestone"]
    assert (shown["date"], shown["origin"]) == ("2027-03-19", "tmdb")
    hs("undo")
    shown = json.loads(hs("countdown", "big-film", "release@GB:theatrical", "--json").stdout)["milestone"]
    assert (shown["date"], shown["origin"]) == ("2027-06-01", None)
    # Accepted, it is the source's again: the next slip moves it like any synced fact.
    hs("accept", "big-film", "release@GB:theatrical")
    sources.movie = D.movie(gb_theatrical="2027-03-26T00:00:00.000Z")
    assert hs("sync").stdout == "big-film: release (UK cinemas) moved 7 days later (19 Mar 2027 → 26 Mar 2027) (TMDb)\n"


def test_a_failing_source_fails_its_title_only_and_a_sync_is_undone_only_across(hs: Any, sources: FakeSources) -> None:
    hs("add", "Big Film", "--kind", "film")
    hs("add", "Lost Film", "--kind", "film")
    hs("link", "big-film", f"wikidata:{D.FILM}")
    hs("link", "lost-film", "wikidata:Q9199999")
    before = hs.store.read_bytes()
    failed = hs("sync", code=1)
    assert failed.stderr.splitlines()[0] == (
        "hstrack: lost-film: Wikidata (wikidata:Q9199999): no such entity (Q9199999 is missing or was deleted); "
        "lost-film was left as it was"
    )
    assert "big-film: release set to 2027 (Wikidata)" in failed.stdout
    assert "lost-film" not in failed.stdout
    status = json.loads(hs("status", "--json").stdout)
    assert next(t for t in status["titles"] if t["id"] == "lost-film")["milestones"] == []
    # A sync's facts come from elsewhere: undo stops before it, and --across takes it back.
    assert "undo stops here" in hs("undo", code=1).stderr
    hs("undo", "--across")
    assert hs.store.read_bytes() == before

    sources.entities[D.FILM] = None  # the entity is gone (deleted, merged)
    assert "big-film" in hs("sync", "big-film", code=1).stderr
    assert hs.store.read_bytes() == before


def test_offline_uses_only_the_cache(hs: Any, sources: FakeSources, httpserver: HTTPServer) -> None:
    hs("add", "Big Film", "--kind", "film")
    hs("link", "big-film", f"tmdb:movie/{D.MOVIE}")
    hs("sync", "--dry-run")
    asked = len(httpserver.log)
    offline = hs("sync", "--offline")
    assert "big-film: release (UK cinemas) set to 5 Mar 2027 (TMDb)" in offline.stdout
    assert len(httpserver.log) == asked  # no request went out
    hs("link", "big-film", f"wikidata:{D.FILM}")
    assert "not in the cache" in hs("sync", "--offline", code=1).stderr


def test_sync_usage_errors_and_nothing_linked(hs: Any, sources: FakeSources) -> None:
    assert "no title is linked" in hs("sync").stderr
    hs("add", "Big Film")
    assert "not linked to a source" in hs("sync", "big-film", code=2).stderr
    assert "no title with id" in hs("sync", "nope", code=2).stderr
    assert "is not a reference" in hs("link", "big-film", "imdb:tt1", code=2).stderr
    assert "not a source" in hs("find", "x", "--source", "imdb", code=2).stderr
    assert "no pending proposal" in hs("accept", "big-film", "release", code=2).stderr
    hs("link", "big-film", f"tmdb:movie/{D.MOVIE}")
    assert (
        "refused the API read access token in HSTRACK_TMDB_TOKEN"
        in hs("sync", code=1, HSTRACK_TMDB_TOKEN="wrong").stderr
    )
    assert "not an http(s) address" in hs("sync", code=2, HSTRACK_TMDB_URL="file:///etc").stderr
    assert "is not a contact" in hs("sync", code=2, HSTRACK_CONTACT="me\x1b[2J").stderr
    hs("unlink", "big-film")
    assert "not linked to any source" in hs("unlink", "big-film", code=2).stderr


def test_add_starts_a_title_from_a_source(hs: Any, sources: FakeSources) -> None:
    added = hs("add", "--link", f"wikidata:{D.FILM}")
    assert added.stdout == "big-film\n"  # only the id: id=$(hstrack add --link ...)
    assert "hstrack: big-film: release set to 2027" in added.stderr
    shown = json.loads(hs("show", "big-film", "--json").stdout)["title"]
    assert (shown["name"], shown["kind"], shown["links"]) == ("Big Film", "film", [f"wikidata:{D.FILM}"])
    assert hs("add", "My Season", "--kind", "season", "--link", f"wikidata:{D.SEASON}").stdout == "my-season\n"
    before = hs.store.read_bytes()
    assert "no such entity" in hs("add", "--link", "wikidata:Q9199999", code=1).stderr
    assert hs.store.read_bytes() == before
    assert "give the title's NAME" in hs("add", code=2).stderr


# ---------------------------------------------------------------------------- review of issue 15


def test_what_a_source_gave_that_was_left_out_is_said_and_inert(hs: Any, sources: FakeSources) -> None:
    film = D.film_entity()
    film["claims"]["P577"].append(D.statement(D.time_snak("P577", "\x1b]52;c;ZXZpbA==\x07\u202e", 11)))
    sources.entities[D.FILM] = film
    added = hs("add", "--link", f"tmdb:movie/{D.MOVIE}")  # add --link always says what it left out
    assert (f"hstrack: big-film: TMDb (tmdb:movie/{D.MOVIE}): release_dates: left out a country hstrack does "
            "not know (XX)") in added.stderr.splitlines()  # fmt: skip
    hs("link", "big-film", f"wikidata:{D.FILM}")
    quiet = hs("sync")
    assert "left out" not in quiet.stderr  # a cron job's log is not told the same thing every day
    told = hs("sync", "--verbose").stderr
    assert "left out a country hstrack does not know (XX)" in told
    line = next(line for line in told.splitlines() if "cannot read" in line)
    assert line == (f"hstrack: big-film: Wikidata (wikidata:{D.FILM}): P577: left out a time hstrack cannot read "
                    "(^[]52;c;ZXZpbA==^G<U+202E>)")  # fmt: skip
    assert "\x1b" not in told
    assert "\u202e" not in told


def test_the_progress_bar_is_drawn_on_a_terminal_and_reaches_the_end(hs: Any, sources: FakeSources,
                                                                     httpserver: HTTPServer) -> None:  # fmt: skip
    sources.entities["Q9100005"] = D.film_entity() | {"id": "Q9100005", "title": "Q9100005"}
    pages = [f"wikidata:{D.FILM}", f"wikidata:{D.FILM}", f"wikidata:{D.SEASON}", "wikidata:Q9100005",
             f"tmdb:movie/{D.MOVIE}"]  # fmt: skip
    for n, page in enumerate(pages):  # two titles on one page: fetched once, counted once
        hs("add", f"Film {n}", "--kind", "film")
        hs("link", f"film-{n}", page)
    env = {"PATH": os.environ.get("PATH", ""), "HSTRACK_HOME": str(hs.store.parent), "TZ": "Europe/London",
           "HSTRACK_NOW": "2026-11-27T12:00:00+00:00", "LANG": "C.UTF-8", "TERM": "xterm", "COLUMNS": "80",
           "HSTRACK_WIKIDATA_URL": httpserver.url_for("/").rstrip("/"), "HSTRACK_TMDB_URL": httpserver.url_for("/3"),
           "HSTRACK_TMDB_TOKEN": "t0ken"}  # fmt: skip
    code, out, text = on_pty_stderr([str(SCRIPT), "sync"], env)
    assert code == 0, text
    assert "syncing" in text
    assert "100%" in text  # it counted what it fetched: 4 pages, not 5 links
    assert "synced 5 of 5 titles" in text
    assert "film-4: release (UK cinemas) set to 5 Mar 2027 (TMDb)" in out.splitlines()  # stdout stays data
    assert "\x1b" not in out


def test_two_syncs_at_once_apply_one_after_the_other(hs: Any, sources: FakeSources, httpserver: HTTPServer) -> None:
    import time

    hs("add", "Big Film", "--kind", "film")
    hs("link", "big-film", f"wikidata:{D.FILM}")

    def slowly(request: Request) -> Response:
        time.sleep(0.3)  # both ask before either has written
        return sources.wikidata(request)

    httpserver.clear()
    httpserver.expect_request("/w/api.php").respond_with_handler(slowly)
    env = {"PATH": os.environ.get("PATH", ""), "HSTRACK_HOME": str(hs.store.parent), "TZ": "Europe/London",
           "HSTRACK_NOW": "2026-11-27T12:00:00+00:00", "LANG": "C.UTF-8",
           "HSTRACK_WIKIDATA_URL": httpserver.url_for("/").rstrip("/")}  # fmt: skip
    runs = [subprocess.Popen([str(SCRIPT), "sync"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=env) for _ in range(2)]  # fmt: skip
    done = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], done
    assert not any("Traceback" in err for _, err in done)
    outs = sorted(out for out, _ in done)
    assert outs[0] == ""  # the second found the first's changes already there
    assert "big-film: release set to 2027 (Wikidata)" in outs[1]
    validate_store(json.loads(hs.store.read_bytes()))
    history = json.loads(hs("history", "big-film", "--json").stdout)["history"]
    assert sum(c["milestone"] == "release" for c in history) == 1
    hs("undo", "--across")  # one sync, one change
    assert json.loads(hs("show", "big-film", "--json").stdout)["title"]["milestones"] == []


def test_add_link_without_a_name_says_what_to_do(hs: Any, sources: FakeSources) -> None:
    film = D.film_entity()
    film["labels"] = {}
    sources.entities[D.FILM] = film
    said = hs("add", "--link", f"wikidata:{D.FILM}", code=2).stderr
    assert said == (f"hstrack: wikidata:{D.FILM} has no name hstrack can use; give one: "
                    f"hstrack add NAME --link wikidata:{D.FILM}\n")  # fmt: skip


def test_a_server_that_does_not_speak_http_fails_the_title_in_one_line(hs: Any, sources: FakeSources) -> None:
    from .test_http import RawServer

    hs("add", "Big Film", "--kind", "film")
    hs("link", "big-film", f"wikidata:{D.FILM}")
    before = hs.store.read_bytes()
    server = RawServer(lambda _request: b"SSH-2.0-OpenSSH_9.6\r\n")
    try:
        failed = hs("sync", code=1, HSTRACK_WIKIDATA_URL=server.url.removesuffix("/x"))
    finally:
        server.close()
    assert failed.stderr.splitlines() == [
        f"hstrack: big-film: Wikidata (wikidata:{D.FILM}): the answer is not HTTP hstrack can read (BadStatusLine); "
        "big-film was left as it was",
        "hstrack: synced 0 of 1 title: 0 changes, 0 new proposals",
    ]
    assert hs.store.read_bytes() == before
