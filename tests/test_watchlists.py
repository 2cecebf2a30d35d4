"""Issue 29, item 1: `hstrack import --from letterboxd|imdb|trakt FILE`. Exports in the
services' real shapes (tests/fixtures/watchlists: rows copied from public exports, with one
upcoming title added in the same shape), TMDb and Wikidata served on 127.0.0.1 in their
documented shapes; the import runs through the real HTTP code, in-process and once as the
installed command."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner
from werkzeug import Request, Response

from hstrack.cli import app
from hstrack.core.errors import UsageError
from hstrack.core.references import parse_reference
from hstrack.sources import watchlists as W
from hstrack.sources.importing import read_choices

from . import source_documents as D
from .conftest import validate_output, validate_store

FIXTURES = Path(__file__).parent / "fixtures" / "watchlists"
NOW = "2026-11-27T12:00:00+00:00"
SCRIPT = Path(sys.executable).with_name("hstrack")


def _movie(number: int, title: str, day: str, status: str = "Released") -> dict[str, Any]:
    return {"adult": False, "id": number, "title": title, "original_title": title, "status": status,
            "release_date": day, "overview": "", "release_dates": {"results": [{"iso_3166_1": "US", "release_dates": [
                {"certification": "", "descriptors": [], "iso_639_1": "", "note": "",
                 "release_date": f"{day}T00:00:00.000Z", "type": 3}]}]}}  # fmt: skip


def _show(number: int, name: str, first: str, status: str = "Ended") -> dict[str, Any]:
    return {"id": number, "name": name, "original_name": name, "status": status, "first_air_date": first,
            "in_production": status == "Returning Series", "next_episode_to_air": None, "origin_country": ["KR"],
            "seasons": []}  # fmt: skip


def _hit(media: str, number: int, name: str, day: str) -> dict[str, Any]:
    if media == "movie":
        return {"adult": False, "id": number, "title": name, "original_title": name, "media_type": "movie",
                "overview": "", "release_date": day, "genre_ids": [], "popularity": 1.0}  # fmt: skip
    return {"adult": False, "id": number, "name": name, "original_name": name, "media_type": "tv", "overview": "",
            "first_air_date": day, "origin_country": ["GB"], "genre_ids": []}  # fmt: skip


def _find(movies: list[dict[str, Any]] = (), shows: list[dict[str, Any]] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    return {"movie_results": list(movies), "person_results": [], "tv_results": list(shows),
            "tv_episode_results": [], "tv_season_results": []}  # fmt: skip


class TMDb:
    """TMDb's /3 from documents: /find/{imdb_id}, /search/multi, /movie/{id}, /tv/{id}."""

    def __init__(self, server: HTTPServer) -> None:
        self.movies: dict[int, Any] = {
            278: _movie(278, "The Shawshank Redemption", "1994-09-23"),
            10494: _movie(10494, "Perfect Blue", "1998-02-28"),
            D.MOVIE: D.movie(),
            5001: _movie(5001, "Sanctuary", "2022-09-09"),
            5002: _movie(5002, "Sanctuary", "2022-05-20"),
            5003: _movie(5003, "À propos de nous", "2022-03-02"),
        }
        self.shows: dict[int, Any] = {1399: _show(1399, "Game of Thrones", "2011-04-17"),
                                      87108: _show(87108, "Chernobyl", "2019-05-06"),
                                      76662: _show(76662, "My Mister", "2018-03-21")}  # fmt: skip
        self.seasons: dict[tuple[int, int], Any] = {(124834, 2): D.season("2023-08-03")}
        self.found = {
            "tt0111161": _find([_hit("movie", 278, "The Shawshank Redemption", "1994-09-23")]),
            "tt0944947": _find(shows=[_hit("tv", 1399, "Game of Thrones", "2011-04-17")]),
            "tt7366338": _find(shows=[_hit("tv", 87108, "Chernobyl", "2019-05-06")]),
            "tt31000001": _find([_hit("movie", D.MOVIE, "Big Film", "2027-02-14")]),
        }
        self.searches = {
            "Sanctuary": [_hit("movie", 5001, "Sanctuary", "2022-09-09"),
                          _hit("movie", 5002, "Sanctuary", "2022-05-20"), _hit("tv", 5009, "Sanctuary", "2008-10-03")],
            "Chernobyl": [_hit("tv", 87108, "Chernobyl", "2019-05-06"),
                          _hit("movie", 5010, "Chernobyl Diaries", "2012-05-25")],
            "À propos de nous": [_hit("movie", 5003, "À propos de nous", "2022-03-02")],
            "Big Film": D.multi_search()["results"],
        }  # fmt: skip
        self.asked: list[str] = []
        server.expect_request(re.compile(r"/3/.*")).respond_with_handler(self.answer)

    def answer(self, request: Request) -> Response:
        path = request.path
        self.asked.append(path)
        if request.headers.get("Authorization") != "Bearer t0ken":
            return self._json({"success": False, "status_code": 7, "status_message": "Invalid API key"}, 401)
        if m := re.fullmatch(r"/3/find/(tt[0-9]+)", path):
            assert parse_qs(request.query_string.decode())["external_source"] == ["imdb_id"]
            return self._json(self.found.get(m[1], _find()))
        if path == "/3/search/multi":
            query = parse_qs(request.query_string.decode())["query"][0]
            results = self.searches.get(query, [])
            return self._json({"page": 1, "results": results, "total_pages": 1, "total_results": len(results)})
        if m := re.fullmatch(r"/3/movie/([0-9]+)", path):
            doc = self.movies.get(int(m[1]))
        elif m := re.fullmatch(r"/3/tv/([0-9]+)/season/([0-9]+)", path):
            doc = self.seasons.get((int(m[1]), int(m[2])))
        elif m := re.fullmatch(r"/3/tv/([0-9]+)", path):
            doc = self.shows.get(int(m[1]))
        else:
            doc = None
        return self._json(doc) if doc is not None else self._json(D.TMDB_NOT_FOUND, 404)

    @staticmethod
    def _json(data: Any, status: int = 200) -> Response:
        return Response(json.dumps(data), status=status, content_type="application/json")


@pytest.fixture
def tmdb(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> TMDb:
    monkeypatch.setenv("HSTRACK_TMDB_URL", httpserver.url_for("/3"))
    monkeypatch.setenv("HSTRACK_WIKIDATA_URL", httpserver.url_for("/").rstrip("/"))
    monkeypatch.setenv("HSTRACK_TMDB_TOKEN", "t0ken")
    monkeypatch.setenv("HSTRACK_CONTACT", "tests@example.org")
    return TMDb(httpserver)


def run(*args: str, code: int = 0) -> Any:
    result = CliRunner().invoke(app, ["--at", NOW, *args])
    assert result.exit_code == code, (result.output, result.stderr, result.exception)
    assert "Traceback" not in result.output + result.stderr
    return result


def store() -> dict[str, Any]:
    data = json.loads(Path(os.environ["HSTRACK_HOME"], "store.json").read_text())
    validate_store(data)
    return {t["id"]: t for t in data["titles"]}


def rows(result: Any) -> dict[str, dict[str, Any]]:
    data = json.loads(result.stdout)
    validate_output(data, "watchlist_import")
    return {r["name"]: r for r in data["rows"]}


# ---------------------------------------------------------------------------- reading the files


def test_each_service_s_real_shapes_are_read() -> None:
    lb = W.read("letterboxd", (FIXTURES / "letterboxd-watchlist.csv").read_bytes(), "w.csv")
    first = [(e.line, e.name, e.year) for e in lb[:3]]
    assert first == [(2, "Sanctuary", 2022), (3, "Taxi, An Encounter", 2001),
                     (4, "Spring Awakening: Filmed Live on Astral Theater", None)]  # fmt: skip
    assert all(e.kind is None for e in lb)  # Letterboxd counts miniseries as films: the kind is open
    listed = W.read("letterboxd", (FIXTURES / "letterboxd-list.csv").read_bytes(), "l.csv")
    assert [(e.line, e.name, e.year) for e in listed] == [(6, "Past Lives", 2023), (7, "Materialists", 2025)]
    v3 = W.read("imdb", (FIXTURES / "imdb-v3-watchlist.csv").read_bytes(), "i.csv")
    assert [(e.imdb, e.kind, e.skip is None) for e in v3] == [
        ("tt0111161", "film", True), ("tt0944947", "series", True), ("tt7366338", "series", True),
        ("tt6027920", None, False), ("tt1543701", "film", True), ("tt31000001", "film", True)]  # fmt: skip
    assert v3[4].name == "Прогульщики"
    assert v3[4].released == "2010-03"
    v2 = W.read("imdb", (FIXTURES / "imdb-v2-list.csv").read_bytes(), "i.csv")
    assert [e.kind for e in v2] == ["film", "film", "series"]  # movie, tvMovie, tvSeries
    trakt = W.read("trakt", (FIXTURES / "trakt-lists-watchlist.json").read_bytes(), "t.json")
    assert [(e.line, e.tmdb, e.imdb, e.kind) for e in trakt[:4]] == [
        (2, "tmdb:movie/10494", "tt0156887", "film"), (11, "tmdb:tv/76662", "tt7923710", "series"),
        (21, "tmdb:movie/9550001", "tt31000001", "film"), (26, "tmdb:tv/124834/season/2", None, "season")]  # fmt: skip
    assert trakt[3].name == "Heartstopper season 2"
    assert trakt[4].skip


def test_a_bom_crlf_and_the_v1_columns_of_imdb_are_read() -> None:
    v1 = ('"position","const","created","modified","description","Title","Title type","Directors","You rated",'
          '"IMDb Rating","Runtime (mins)","Year","Genres","Num. Votes","Release Date (month/day/year)","URL"\r\n'
          '"1","tt0111161","Wed Feb 22 00:00:00 2012","","","The Shawshank Redemption","Feature Film",'
          '"Frank Darabont","","9.3","142","1994","drama","1","1994-09-23",'
          '"https://www.imdb.com/title/tt0111161/"\r\n')  # fmt: skip
    [entry] = W.read("imdb", ("\ufeff" + v1).encode(), "old.csv")
    assert (entry.imdb, entry.kind, entry.year, entry.released) == ("tt0111161", "film", 1994, "1994-09-23")


@pytest.mark.parametrize(
    ("service", "text", "said"),
    [
        ("letterboxd", "Title,Year\nX,2020\n", "line 1: not a Letterboxd export"),
        ("letterboxd", "Date,Name,Year,Letterboxd URI\n2020-01-01,X,20x0,https://boxd.it/a\n", "line 2: Year"),
        ("letterboxd", "Date,Name,Year,Letterboxd URI\n2020-01-01,X,2020\n", "line 2: 3 fields"),
        ("letterboxd", "Date,Name,Year,Letterboxd URI\n2020-01-01,,2020,https://boxd.it/a\n", "line 2: Name is empty"),
        ("letterboxd", "Date,Name,Year,Letterboxd URI\n2020-01-01,X,2020,javascript:alert(1)\n", "line 2:"),
        ("letterboxd", 'Date,Name,Year,Letterboxd URI\n2020-01-01,"X\x1b[31m",2020,https://boxd.it/a\n',
         "line 2: Name"),
        ("letterboxd", 'Date,Name,Year,Letterboxd URI\n2020-01-01,"unclosed,2020\n', "line 2"),
        ("imdb", "Position,Const,Title,Title Type,Year\n1,nm0000001,X,Movie,2020\n", "line 2: Const"),
        ("imdb", "Const,Name\ntt0111161,X\n", "line 1: not an IMDb"),
        ("trakt", '{"movie": {}}', "line 1: not a Trakt list export"),
        ("trakt", '[\n{"type": "movie", "movie": {"title": "X", "ids": {"tmdb": "550"}}}\n]',
         "line 2 (item 1): ids.tmdb"),
        ("trakt", '[\n{"type": "person"}\n]', "line 2 (item 1): not a Trakt list item"),
        ("trakt", '[\n{"type": "movie",\n "movie": {"title": "X", "ids": {}}},\n{"type": ', "line 4"),
        ("trakt", '[{"type": "movie", "movie": {"title": "X", "year": NaN, "ids": {}}}]', "line 1"),
        ("trakt", "[]\n[]", "text follows"),
    ],
)  # fmt: skip
def test_anything_else_is_refused_with_its_line_and_why(service: str, text: str, said: str) -> None:
    with pytest.raises(UsageError) as caught:
        W.read(service, text.encode(), "f")
    assert said in caught.value.message


def test_bytes_that_are_not_text_are_refused_with_their_line() -> None:
    with pytest.raises(UsageError, match="line 2: not UTF-8"):
        W.read("imdb", b"Position,Const\n\xff\n", "f")
    with pytest.raises(UsageError, match="line 1: a NUL"):
        W.read("letterboxd", b"Date\x00", "f")


KEYS = ["type", "movie", "show", "ids", "title", "year", "tmdb", "imdb", "season", "number"]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(service=st.sampled_from(W.SERVICES), data=st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(str.encode),
    st.lists(st.lists(st.text(max_size=12), max_size=6), max_size=5).map(
        lambda rs: ("Date,Name,Year,Letterboxd URI\n" + "\n".join(",".join(r) for r in rs)).encode()),
    st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                 lambda c: st.lists(c, max_size=3) | st.dictionaries(st.sampled_from(KEYS), c, max_size=4),
                 max_leaves=12).map(lambda v: json.dumps([v]).encode()),
))  # fmt: skip
def test_hostile_files_give_entries_or_a_refusal_never_a_crash(service: str, data: bytes) -> None:
    try:
        entries = W.read(service, data, "f")
    except UsageError as exc:
        refused = exc.message
        entries = []
    else:
        refused = "line "
    assert "line " in refused
    for e in entries:
        assert e.name
        assert "\x1b" not in e.name
        assert e.line >= 1
        if e.tmdb:
            assert parse_reference(e.tmdb).text == e.tmdb


def test_imdb_references_have_one_spelling() -> None:
    assert parse_reference("https://www.imdb.com/title/tt0111161/").text == "imdb:tt0111161"
    assert parse_reference("imdb:tt10872600").text == "imdb:tt10872600"
    for bad in ("imdb:tt00111161", "imdb:tt0000000", "imdb:tt12", "imdb:nm0000001"):
        with pytest.raises(UsageError):
            parse_reference(bad)


def test_a_file_of_choices_is_read_and_a_bad_one_refused_by_line() -> None:
    text = (
        "# a comment\n\ntitle\tSanctuary (2022)\tline 2\n[ ]\ttmdb:movie/5001\n[x]\ttmdb:movie/5002\t2022\n[ ]\tskip\n"
    )
    assert read_choices(text, "c") == {"Sanctuary (2022)": "tmdb:movie/5002"}
    assert read_choices("title\tX\n[X]\tskip\n", "c") == {"X": "skip"}
    with pytest.raises(UsageError, match="c: line 1"):
        read_choices("[x]\ttmdb:movie/1\n", "c")
    with pytest.raises(UsageError, match="c: line 3: a second choice"):
        read_choices("title\tX\n[x]\ttmdb:movie/1\n[x]\ttmdb:movie/2\n", "c")
    with pytest.raises(UsageError, match="c: line 2: 'tmdb:film/1' is not a reference"):
        read_choices("title\tX\n[x]\ttmdb:film/1\n", "c")


# ---------------------------------------------------------------------------- importing


def test_imdb_watchlist_matched_by_id_released_films_left_out_and_a_second_import_adds_nothing(tmdb: TMDb) -> None:
    file = str(FIXTURES / "imdb-v3-watchlist.csv")
    dry = rows(run("import", "--from", "imdb", file, "--dry-run", "--json"))
    assert not Path(os.environ["HSTRACK_HOME"], "store.json").exists() or "big-film" not in store()
    assert dry["Big Film"]["action"] == "added"
    assert dry["Big Film"]["links"] == [
        "tmdb:movie/9550001",
        "imdb:tt31000001",
    ]
    assert dry["The Shawshank Redemption"]["action"] == "released"
    assert dry["Game of Thrones: The Iron Throne"]["action"] == "skipped"
    assert dry["Прогульщики"]["action"] == "not-found"  # TMDb's /find knows nothing of it here
    result = run("import", "--from", "imdb", file)
    assert "line 7\tadd\tBig Film (2027)\tbig-film" in result.stdout
    assert "line 2\treleased\tThe Shawshank Redemption (1994)" in result.stdout
    titles = store()
    assert titles["big-film"]["links"] == ["tmdb:movie/9550001", "imdb:tt31000001"]
    assert titles["big-film"]["kind"] == "film"
    assert any(m["kind"] == "release" and m["region"] == "GB" for m in titles["big-film"]["milestones"])
    assert titles["game-of-thrones"]["kind"] == "series"
    assert titles["chernobyl"]["links"][0] == "tmdb:tv/87108"
    assert "the-shawshank-redemption" not in titles
    before = Path(os.environ["HSTRACK_HOME"], "store.json").read_bytes()
    again = rows(run("import", "--from", "imdb", file, "--json"))
    assert {r["action"] for r in again.values()} <= {"tracked", "released", "skipped", "not-found"}
    assert again["Big Film"]["id"] == "big-film"
    assert again["Big Film"]["action"] == "tracked"
    assert Path(os.environ["HSTRACK_HOME"], "store.json").read_bytes() == before
    kept = rows(run("import", "--from", "imdb", file, "--all", "--json"))
    assert kept["The Shawshank Redemption"]["action"] == "added"
    run("undo", "--across")
    assert "the-shawshank-redemption" not in store()


def test_letterboxd_names_matched_only_when_one_fits_the_rest_left_to_a_file_of_choices(
    tmdb: TMDb, tmp_path: Path
) -> None:
    file = str(FIXTURES / "letterboxd-watchlist.csv")
    choices = tmp_path / "choices.txt"
    result = rows(run("import", "--from", "letterboxd", file, "--choices", str(choices), "--json"))
    assert result["Chernobyl"]["links"] == ["tmdb:tv/87108"]  # the series of 2019, not the film of 2012
    assert result["Sanctuary"]["action"] == "ambiguous"
    assert [c["reference"] for c in result["Sanctuary"]["candidates"]] == ["tmdb:movie/5001", "tmdb:movie/5002"]
    assert result["À propos de nous"]["action"] == "released"
    assert result["Spring Awakening: Filmed Live on Astral Theater"]["action"] == "not-found"
    assert result["Big Film"]["action"] == "added"
    text = choices.read_text()
    assert "title\tSanctuary (2022)\tline 2: Sanctuary (2022)" in text
    choices.write_text(text.replace("[ ]\ttmdb:movie/5002", "[x]\ttmdb:movie/5002"))
    tmdb.movies[5002] = _movie(5002, "Sanctuary", "2027-05-20")  # one that is still to come
    finished = rows(run("import", "--from", "letterboxd", file, "--choices", str(choices), "--json"))
    assert finished["Sanctuary"]["action"] == "added"
    assert finished["Sanctuary"]["links"] == ["tmdb:movie/5002"]
    assert finished["Big Film"]["action"] == "tracked"
    assert finished["Chernobyl"]["action"] == "tracked"
    assert store()["sanctuary"]["links"] == ["tmdb:movie/5002"]


def test_trakt_ids_are_linked_without_a_search(tmdb: TMDb) -> None:
    result = rows(run("import", "--from", "trakt", str(FIXTURES / "trakt-lists-watchlist.json"), "--json"))
    assert result["Perfect Blue"]["action"] == "released"
    assert result["My Mister"]["links"] == ["tmdb:tv/76662", "imdb:tt7923710"]
    assert result["Heartstopper season 2"]["action"] == "released"  # its season aired in 2023
    assert result["Heartstopper"]["action"] == "skipped"  # an episode
    assert not [p for p in tmdb.asked if p.startswith(("/3/find", "/3/search"))]
    assert store()["my-mister"]["kind"] == "series"


def test_with_the_network_down_titles_are_added_with_their_links_and_one_sync_dates_them(
    tmdb: TMDb, monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer
) -> None:
    file = str(FIXTURES / "imdb-v3-watchlist.csv")
    monkeypatch.setenv("HSTRACK_TMDB_URL", "http://127.0.0.1:9/3")  # nothing listens on the discard port
    result = run("import", "--from", "imdb", file)
    assert "dates with the next hstrack sync" in result.stdout
    assert "hstrack sync" in result.stderr
    titles = store()
    assert titles["big-film"]["links"] == ["imdb:tt31000001"]
    assert not titles["big-film"]["milestones"]
    assert "the-shawshank-redemption" not in titles  # its release day in the file has passed
    assert "prog" not in " ".join(titles)  # no Latin name: named by its page
    monkeypatch.setenv("HSTRACK_TMDB_URL", httpserver.url_for("/3"))
    run("sync", "big-film", "game-of-thrones")
    titles = store()
    assert titles["big-film"]["links"] == ["imdb:tt31000001", "tmdb:movie/9550001"]
    assert any(m["kind"] == "release" for m in titles["big-film"]["milestones"])
    assert titles["game-of-thrones"]["links"][-1] == "tmdb:tv/1399"


def test_usage_errors_exit_2_and_a_bad_file_writes_nothing(tmdb: TMDb, tmp_path: Path) -> None:
    bad = tmp_path / "w.csv"
    bad.write_text("Date,Name,Year,Letterboxd URI\n2020-01-01,X,2020\n")
    result = run("import", "--from", "letterboxd", str(bad), code=2)
    assert "line 2: 3 fields where the header has 4" in result.stderr
    assert result.stdout == ""
    assert "unknown service" not in run("import", "--from", "netflix", str(bad), code=2).stderr
    run("import", "--from", "imdb", str(bad), "--replace", code=2)
    run("import", str(bad), "--dry-run", code=2)
    run("import", "--from", "imdb", str(tmp_path / "missing.csv"), code=1)


@pytest.mark.skipif(not SCRIPT.exists(), reason="the console script is not installed")
def test_the_installed_command_imports_a_trakt_list(tmdb: TMDb, tmp_path: Path) -> None:
    env = {**os.environ, "HSTRACK_NOW": NOW}
    done = subprocess.run([str(SCRIPT), "import", "--from", "trakt", str(FIXTURES / "trakt-lists-watchlist.json")],
                          capture_output=True, text=True, env=env, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert re.search(r"^line 21\tadd\tBig Film \(2027\)\tbig-film$", done.stdout, re.M)
    assert "2 add" in done.stderr


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(service=st.sampled_from(W.SERVICES), data=st.one_of(
    st.binary(max_size=200),
    st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=10), min_size=4, max_size=4).map(
        lambda r: ("Date,Name,Year,Letterboxd URI\n" + ",".join(r) + "\n").encode()),
    st.lists(st.text(max_size=10), min_size=5, max_size=5).map(
        lambda r: ("Position,Const,Title,Title Type,Year\n" + ",".join(r) + "\n").encode()),
))  # fmt: skip
def test_the_command_given_hostile_files_exits_0_1_or_2_and_never_shows_a_traceback(
    tmp_path: Path, service: str, data: bytes
) -> None:
    file = tmp_path / "hostile"
    file.write_bytes(data)
    closed = {
        "HSTRACK_WIKIDATA_URL": "http://127.0.0.1:9",
        "HSTRACK_TMDB_URL": "http://127.0.0.1:9/3",
    }  # never the internet
    result = CliRunner().invoke(app, ["--at", NOW, "import", "--from", service, str(file), "--dry-run"], env=closed)
    assert result.exit_code in (0, 1, 2), result.exception
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output + result.stderr
    assert "\x1b" not in result.stdout + result.stderr
