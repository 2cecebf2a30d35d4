"""A followed series' episodes (issue 29, item 2): TMDb's next episode and its season's
premiere and finales as day-dated milestones, read from documents in TMDb's real shapes
(tests/fixtures/tmdb), synced through the installed `hstrack` against a loopback server."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from hstrack.core.references import parse_reference
from hstrack.sources import episodes, tmdb

from .conftest import Cli, validate_output
from .test_sync_process import hs  # noqa: F401  (the installed hstrack against the loopback server)

FIXTURES = Path(__file__).parent / "fixtures" / "tmdb"
SHOW = "tmdb:tv/95557"


def series() -> Any:
    return json.loads((FIXTURES / "tv-95557.json").read_text())


def season() -> Any:
    return json.loads((FIXTURES / "tv-95557-season-2.json").read_text())


def facts(doc: dict[str, Any], season_doc: Any = None) -> dict[str, tuple[str, str | None]]:
    fetched = tmdb.facts(parse_reference(SHOW), doc, season_doc)
    return {f.key: (f.date.canonical, f.note) for f in fetched.facts}


def test_the_next_episode_and_the_season_s_premiere_and_finales() -> None:
    got = facts(series(), season())
    assert got["episode"] == ("2026-11-30", "S2E05")  # "Episode 5" is TMDb's placeholder: the code says it
    assert got["season-premiere"] == ("2026-10-26", "S2E01 The Return")
    assert got["mid-season-finale"] == ("2026-11-16", "S2E04 Winter Falls")
    assert got["mid-season-premiere"] == ("2026-11-30", "S2E05")
    assert got["season-finale"] == ("2027-01-25", "S2E08 The Last Light")
    assert "series-finale" not in got
    assert got["release"] == ("2024-10-21", None)  # season 1's premiere is the series' release


def test_a_finale_is_the_series_finale_once_the_series_has_ended_or_was_cancelled() -> None:
    for status in ("Ended", "Canceled"):
        doc = series()
        doc["status"] = status
        got = facts(doc, season())
        assert got["series-finale"] == ("2027-01-25", "S2E08 The Last Light")
        assert "season-finale" not in got
    doc = series()
    doc["status"] = "Ended"
    doc["seasons"].append({"air_date": None, "episode_count": 0, "id": 1, "season_number": 3})
    assert "season-finale" in facts(doc, season())  # not its last season: a season finale


def test_with_no_season_document_the_series_document_says_what_it_can() -> None:
    doc = series()
    doc["next_episode_to_air"]["episode_type"] = "finale"
    got = facts(doc, None)
    assert got["episode"] == ("2026-11-30", "S2E05")
    assert got["season-finale"] == ("2026-11-30", "S2E05")
    assert got["mid-season-finale"] == ("2026-11-16", "S2E04 Winter Falls")  # last_episode_to_air's type
    assert got["season-premiere"] == ("2026-10-26", "S2E01")  # seasons[].air_date


def test_between_seasons_the_last_episode_stands_and_an_air_date_is_a_day_never_a_year() -> None:
    doc = series()
    doc["next_episode_to_air"] = None
    doc["last_episode_to_air"]["air_date"] = "2027-01-01"  # a New Year's Day episode: a day, not "2027"
    assert facts(doc, None)["episode"] == ("2027-01-01", "S2E04 Winter Falls")
    doc["last_episode_to_air"] = None
    doc["seasons"] = []
    got = facts(doc, None)
    assert not set(got) & {"episode", "season-premiere", "season-finale"}


@pytest.mark.parametrize(
    "bad",
    [
        {"air_date": "2026-02-30", "episode_number": 5, "season_number": 2},
        {"air_date": "2026-11-30T20:00:00Z", "episode_number": 5, "season_number": 2},
        {"air_date": "2026-11-30", "episode_number": True, "season_number": 2},
        {"air_date": "2026-11-30", "episode_number": -1, "season_number": 2},
        {"air_date": None, "episode_number": 5, "season_number": 2},
        "S2E05",
    ],
)
def test_an_episode_not_in_the_documented_shape_is_left_out(bad: Any) -> None:
    doc = series()
    doc["next_episode_to_air"] = bad
    doc["last_episode_to_air"] = None
    assert "episode" not in facts(doc, {"episodes": "none", "season_number": 2})


def test_hostile_names_are_left_out_and_another_season_s_answer_is_not_read() -> None:
    doc, other = series(), season()
    doc["next_episode_to_air"]["name"] = "\x1b]8;;http://evil\x07click\x1b]8;;\x07"
    assert facts(doc, None)["episode"] == ("2026-11-30", "S2E05")
    other["season_number"] = 1
    fetched = tmdb.facts(parse_reference(SHOW), series(), other)
    assert any("another season" in n for n in fetched.notes)
    assert episodes.season_to_read({"seasons": [{"season_number": 0}, {"season_number": 3}]}) == 3


class Show:
    """TMDb's /3/tv/95557 and its season 2, from documents a test may change."""

    def __init__(self, server: HTTPServer) -> None:
        self.series: Any = series()
        self.season: Any = season()
        self.season_asked = 0
        server.expect_request("/3/tv/95557").respond_with_handler(lambda r: self._json(self.series))
        server.expect_request("/3/tv/95557/season/2").respond_with_handler(self._season)

    def _season(self, request: Request) -> Response:
        self.season_asked += 1
        return self._json(self.season) if self.season is not None else self._json({"success": False}, 500)

    @staticmethod
    def _json(data: Any, status: int = 200) -> Response:
        return Response(json.dumps(data), status=status, content_type="application/json")


def test_a_followed_series_shows_its_next_episode_and_lists_episodes_on_request(
    hs: Any,  # noqa: F811
    httpserver: HTTPServer,
) -> None:
    show = Show(httpserver)
    hs("add", "Harbour Lights", "--kind", "series")
    hs("link", "harbour-lights", SHOW)
    synced = hs("sync").stdout
    assert "harbour-lights: episode set to 30 Nov 2026 (TMDb)" in synced
    assert show.season_asked == 1
    assert hs("status", "--plain").stdout.split("\t")[2] == "episode"  # the plain field stays the kind
    status = hs("status", COLUMNS="100").stdout
    assert "S2E05" in status, status
    assert "in 3 days" in status
    assert hs("countdown", "harbour-lights").stdout == "Harbour Lights · S2E05 30 Nov 2026 · in 3 days\n"
    shown = hs("show", "harbour-lights").stdout
    assert "season finale S2E08" in shown
    assert "mid-season finale S2E04" in shown
    assert "\u25b6 today" in shown
    data = json.loads(hs("show", "harbour-lights", "--json").stdout)
    validate_output(data, "show")
    day = next(m for m in data["title"]["milestones"] if m["kind"] == "episode")
    assert day["date"] == "2026-11-30"
    assert day["note"] == "S2E05"

    kinds = [line.split("\t")[3] for line in hs("upcoming", "--plain").stdout.splitlines()]
    assert kinds == ["mid-season-premiere", "season-finale"]  # premieres and finales by default
    every = [line.split("\t")[3] for line in hs("upcoming", "--plain", "--episodes").stdout.splitlines()]
    assert every == ["episode", "mid-season-premiere", "season-finale"]
    named = [line.split("\t")[3] for line in hs("upcoming", "--plain", "--milestone", "episode").stdout.splitlines()]
    assert named == ["episode"]
    grid = json.dumps(json.loads(hs("calendar", "2026-11", "--json").stdout))
    assert '"episode"' not in grid
    assert '"mid-season-finale"' in grid
    assert '"episode"' in json.dumps(json.loads(hs("calendar", "2026-11", "--json", "--episodes").stdout))

    # The season's document failing leaves the series' own facts standing.
    show.season = None
    show.series = copy.deepcopy(show.series)
    show.series["next_episode_to_air"]["air_date"] = "2026-12-07"
    again = hs("sync")
    assert "harbour-lights: episode moved" in again.stdout or "7 Dec 2026" in again.stdout, again.stdout
    assert "season 2 left out" in again.stderr


def test_notify_follows_premieres_and_finales_by_default_and_every_episode_when_asked(cli: Cli) -> None:
    def dated(kind: str, day: str, note: str) -> dict[str, Any]:
        return {"kind": kind, "date": day, "tentative": False, "source": None, "note": note, "origin": "tmdb"}

    show = {"id": "harbour-lights", "name": "Harbour Lights", "kind": "series",
            "milestones": [dated("episode", "2026-11-30", "S2E05"), dated("season-finale", "2026-11-30", "S2E05 End")],
            "history": []}  # fmt: skip
    cli.home.mkdir(parents=True, exist_ok=True)
    cli.store.write_text(json.dumps({"schema": 1, "titles": [show]}))
    cli("notify", "--exec", "true", now="2026-11-01T09:00:00+00:00")  # the baseline

    def told(day: str) -> list[str]:
        out = cli("notify", "--dry-run", now=f"{day}T09:00:00+00:00").stdout
        return out.splitlines()

    assert told("2026-11-23") == ["harbour-lights: season finale S2E05 30 Nov 2026 · in 7 days"]
    schedule = cli("remind", "harbour-lights").stdout
    assert "episode\toff\tevery episode: hstrack config episodes all" in schedule
    cli("config", "episodes", "all")
    assert told("2026-11-23") == [
        "harbour-lights: S2E05 30 Nov 2026 · in 7 days",
        "harbour-lights: season finale S2E05 30 Nov 2026 · in 7 days",
    ]
    assert "is not key (premieres and finales) or all" in cli("config", "episodes", "some", code=2).stderr
