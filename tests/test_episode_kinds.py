"""Issue 29's episode gaps: a title linked to one TMDb *season* gets its season's episodes
(mid-season finale and premiere, finale, next episode) as a series-linked title does; and an
episode carries one kind: when a show ends, its season finale becomes the series finale and
a store that synced the season finale before has it replaced, in the history, not kept beside.

TMDb's /tv/{id} and /tv/{id}/season/{n} are built here in their documented shapes (the fields
of tests/fixtures/tmdb), for shows, seasons and statuses other than the fixture's, and served
on 127.0.0.1 to the installed `hstrack`."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from hstrack.core.references import parse_reference
from hstrack.sources import episodes, tmdb

from .conftest import validate_output, validate_store
from .test_sync_services import runner

NOW_DAY = "2026-11-27"  # HSTRACK_NOW of the runner


class Show:
    """One TMDb show: its seasons' episodes as (air day or None, episode_type), its status;
    the series document's next and last episode worked out from ``today`` as TMDb does."""

    def __init__(self, number: int, name: str, seasons: dict[int, list[tuple[str | None, str]]],
                 status: str = "Returning Series", today: str = NOW_DAY) -> None:  # fmt: skip
        self.number, self.name, self.seasons, self.status, self.today = number, name, seasons, status, today

    def episode(self, season: int, n: int) -> dict[str, Any]:
        day, kind = self.seasons[season][n - 1]
        return {"id": self.number * 1000 + season * 100 + n, "name": f"Part {n} of {season}", "overview": "",
                "vote_average": 0.0, "vote_count": 0, "air_date": day, "episode_number": n, "episode_type": kind,
                "production_code": "", "runtime": 45, "season_number": season, "show_id": self.number,
                "still_path": None}  # fmt: skip

    def _all(self) -> list[tuple[int, int, str | None]]:
        return [(s, n, day) for s in sorted(self.seasons) for n, (day, _) in enumerate(self.seasons[s], 1)]

    def series(self) -> dict[str, Any]:
        aired = [(s, n) for s, n, day in self._all() if day is not None and day <= self.today]
        coming = [(s, n) for s, n, day in self._all() if day is not None and day > self.today]
        first = min((d for _, _, d in self._all() if d), default=None)
        return {"adult": False, "id": self.number, "name": self.name, "original_name": self.name,
                "status": self.status, "in_production": self.status == "Returning Series", "type": "Scripted",
                "first_air_date": first, "origin_country": ["US"], "number_of_seasons": len(self.seasons),
                "last_episode_to_air": self.episode(*aired[-1]) if aired else None,
                "next_episode_to_air": self.episode(*coming[0]) if coming else None,
                "seasons": [{"air_date": self.seasons[s][0][0], "episode_count": len(self.seasons[s]), "id": s,
                             "name": f"Season {s}", "overview": "", "poster_path": None, "season_number": s,
                             "vote_average": 0} for s in sorted(self.seasons)]}  # fmt: skip

    def season(self, s: int) -> dict[str, Any]:
        return {"_id": f"x{s}", "air_date": self.seasons[s][0][0], "name": f"Season {s}", "overview": "",
                "id": s, "poster_path": None, "season_number": s,
                "episodes": [self.episode(s, n) for n in range(1, len(self.seasons[s]) + 1)]}  # fmt: skip


def weekly(start: str, count: int, marks: dict[int, str]) -> list[tuple[str | None, str]]:
    from datetime import date, timedelta

    day = date.fromisoformat(start)
    return [((day + timedelta(weeks=n)).isoformat(), marks.get(n + 1, "standard")) for n in range(count)]


def season_facts(show: Show, s: int, series: bool = True) -> dict[str, tuple[str, str]]:
    ref = parse_reference(f"tmdb:tv/{show.number}/season/{s}")
    got = tmdb.facts(ref, show.season(s), show.series() if series else None)
    keys = [f.key for f in got.facts]
    assert len(keys) == len(set(keys))
    return {f.key: (f.date.canonical, f.note or "") for f in got.facts}


# A show of three seasons: the first long over, the second airing now (a mid-season break
# after its 5th of 10 episodes), the third dated for next year.
def three_seasons(status: str = "Returning Series") -> Show:
    return Show(71234, "Night Ferry", {
        1: weekly("2024-01-10", 6, {6: "finale"}),
        2: weekly("2026-10-02", 5, {5: "mid_season"}) + weekly("2027-01-08", 5, {5: "finale"}),
        3: weekly("2027-09-03", 8, {8: "finale"}),
    }, status)  # fmt: skip


def test_a_season_airing_now_gets_its_next_episode_its_mid_season_break_and_its_finale() -> None:
    got = season_facts(three_seasons(), 2)
    assert got["release"] == ("2026-10-02", "")  # the premiere is the season's release, said once
    assert "season-premiere" not in got
    assert got["episode"] == ("2027-01-08", "S2E06 Part 6 of 2")  # after the break: the series' next, in this season
    assert got["mid-season-finale"] == ("2026-10-30", "S2E05 Part 5 of 2")
    assert got["mid-season-premiere"] == ("2027-01-08", "S2E06 Part 6 of 2")
    assert got["season-finale"] == ("2027-02-05", "S2E10 Part 10 of 2")
    assert "series-finale" not in got


def test_a_season_still_to_come_points_at_its_first_episode_and_one_gone_by_at_its_last() -> None:
    show = three_seasons()
    coming = season_facts(show, 3)
    assert coming["episode"] == ("2027-09-03", "S3E01 Part 1 of 3")
    assert coming["season-finale"] == ("2027-10-22", "S3E08 Part 8 of 3")
    gone = season_facts(show, 1)
    assert gone["episode"] == ("2024-02-14", "S1E06 Part 6 of 1")
    assert gone["season-finale"] == ("2024-02-14", "S1E06 Part 6 of 1")  # ended? No: the show returns


@pytest.mark.parametrize("status", ["Ended", "Canceled"])
def test_the_last_season_of_a_show_that_ended_has_the_series_finale_and_an_earlier_one_a_season_finale(
    status: str,
) -> None:
    show = Show(80808, "Glasshouse", {1: weekly("2025-03-01", 8, {8: "finale"}),
                                      2: weekly("2026-09-05", 6, {3: "mid_season", 6: "finale"})}, status)  # fmt: skip
    last = season_facts(show, 2)
    assert last["series-finale"] == ("2026-10-10", "S2E06 Part 6 of 2")
    assert "season-finale" not in last
    assert last["mid-season-finale"][1].startswith("S2E03")
    assert last["episode"][1].startswith("S2E06")  # nothing scheduled: the last one aired
    earlier = season_facts(show, 1)
    assert earlier["season-finale"][1].startswith("S1E08")
    assert "series-finale" not in earlier


def test_without_its_series_document_a_season_says_neither_finale_nor_next_episode() -> None:
    show = Show(80808, "Glasshouse", {1: weekly("2026-11-06", 8, {4: "mid_season", 8: "finale"})}, "Ended")
    got = season_facts(show, 1, series=False)
    assert got == {"release": ("2026-11-06", ""), "mid-season-finale": ("2026-11-27", "S1E04 Part 4 of 1"),
                   "mid-season-premiere": ("2026-12-04", "S1E05 Part 5 of 1")}  # fmt: skip


def test_a_season_with_undated_episodes_or_none_listed_gives_what_it_can() -> None:
    show = Show(555, "Slow Burn", {1: [("2027-03-01", "standard"), (None, "standard"), (None, "finale")]})
    got = season_facts(show, 1)
    assert got["episode"] == ("2027-03-01", "S1E01 Part 1 of 1")
    assert not set(got) & {"season-finale", "series-finale"}  # the finale has no day yet
    show.seasons[1] = [("2027-03-01", "standard")]
    bare = show.season(1) | {"episodes": []}
    ref = parse_reference("tmdb:tv/555/season/1")
    assert {f.key for f in tmdb.facts(ref, bare, show.series()).facts} == {"release", "episode"}


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (("season-finale", "S2E08 End"), ("series-finale", "S2E08 End"), True),
        (("season-finale", "S2E08"), ("series-finale", "S2E10 Real End"), True),  # one season, one finale
        (("series-finale", "S4E10"), ("season-finale", "S5E10"), False),  # another season's
        (("mid-season-finale", "S2E04"), ("season-finale", "S2E04"), True),
        (("mid-season-finale", "S2E04"), ("season-finale", "S2E08"), False),
        (("episode", "S2E08"), ("season-finale", "S2E08"), False),  # the next episode only points at it
        (("season-finale", "S2E08"), ("season-finale", "S2E09"), False),  # one key: updated, not replaced
        (("season-finale", "my own note"), ("series-finale", "S2E08"), False),
        (("mid-season-finale", "S2E040"), ("season-finale", "S2E04"), False),
    ],
)
def test_same_role(a: tuple[str, str], b: tuple[str, str], same: bool) -> None:
    assert episodes.same_role(a[0], a[1], b[0], b[1]) is same
    assert episodes.same_role(b[0], b[1], a[0], a[1]) is same


# ---------------------------------------------------------------------------- synced, as a process


class Served:
    """The shows' /3/tv/{id} and /3/tv/{id}/season/{n}, from Show objects a test changes."""

    def __init__(self, server: HTTPServer, *shows: Show) -> None:
        self.shows = {s.number: s for s in shows}
        self.broken: set[str] = set()  # paths answered with a 500
        server.expect_request(re.compile(r"/3/tv/.*")).respond_with_handler(self.answer)

    def answer(self, request: Request) -> Response:
        if request.path in self.broken:
            return Response("{}", status=500)
        m = re.fullmatch(r"/3/tv/([0-9]+)(?:/season/([0-9]+))?", request.path)
        show = self.shows.get(int(m[1])) if m else None
        if show is None or (m and m[2] and int(m[2]) not in show.seasons):
            return Response(json.dumps({"success": False, "status_code": 34}), status=404)
        doc = show.season(int(m[2])) if m and m[2] else show.series()
        return Response(json.dumps(doc), content_type="application/json")


def milestones(tmp_path: Any, title: str) -> dict[str, tuple[str, str]]:
    store = json.loads((tmp_path / "home" / "store.json").read_text())
    validate_store(store)
    found = next(t for t in store["titles"] if t["id"] == title)
    return {m["kind"]: (m["date"], m.get("note", "")) for m in found["milestones"]}


def test_a_title_linked_to_a_season_syncs_its_episodes_and_status_shows_the_next(
    httpserver: HTTPServer, tmp_path: Any
) -> None:
    show = three_seasons()
    Served(httpserver, show)
    hs = runner(httpserver, tmp_path / "home")
    _seeded(tmp_path, {"night-ferry-s2": ("season", "tmdb:tv/71234/season/2")})
    synced = hs("sync")
    assert "night-ferry-s2: season finale set to 5 Feb 2027 (TMDb)" in synced.stdout
    got = milestones(tmp_path, "night-ferry-s2")
    assert got["episode"] == ("2027-01-08", "S2E06 Part 6 of 2")
    assert got["mid-season-premiere"] == ("2027-01-08", "S2E06 Part 6 of 2")
    assert got["mid-season-finale"][1].startswith("S2E05")
    status = hs("status", "--json").stdout
    validate_output(json.loads(status), "status")
    assert "S2E06" in hs("status", COLUMNS="120").stdout


def test_when_the_show_ends_its_season_finale_becomes_the_series_finale_with_history_once(
    httpserver: HTTPServer, tmp_path: Any
) -> None:
    """A series-linked title and a season-linked one, synced while the show returns, then
    again once TMDb says it ended: each has one finale, the history says what became of the
    other, and a third sync changes nothing."""
    show = Show(60042, "Long Haul", {1: weekly("2025-01-03", 6, {6: "finale"}),
                                     2: weekly("2026-11-06", 8, {4: "mid_season", 8: "finale"})})  # fmt: skip
    Served(httpserver, show)
    hs = runner(httpserver, tmp_path / "home")
    _seeded(tmp_path, {"long-haul": ("series", "tmdb:tv/60042"),
                                        "long-haul-s2": ("season", "tmdb:tv/60042/season/2")})  # fmt: skip
    hs("sync")
    show.status = "Canceled"
    ended = hs("sync", "--json", HSTRACK_NOW="2026-12-01T12:00:00+00:00")
    data = json.loads(ended.stdout)
    validate_output(data, "sync")
    store = json.loads((tmp_path / "home" / "store.json").read_text())
    validate_store(store)
    for title in store["titles"]:
        kinds = [m["kind"] for m in title["milestones"]]
        assert kinds.count("series-finale") == 1, (title["id"], kinds)
        assert "season-finale" not in kinds, (title["id"], kinds)
        removed = [c for c in title["history"] if c["milestone"] == "season-finale" and c.get("new") is None]
        assert len(removed) == 1, title["history"]
        assert removed[0]["old"]["date"] == "2026-12-25"
        assert removed[0]["origin"] == "tmdb"
    said = {o["summary"] for t in data["titles"] for o in t["outcomes"]}
    assert "season finale removed (was 25 Dec 2026): S2E08 is the series finale" in said
    again = hs("sync", HSTRACK_NOW="2026-12-02T12:00:00+00:00")
    assert again.stdout == ""  # nothing to replace twice, nothing kept twice
    assert "0 changes" in again.stderr


def test_a_show_brought_back_has_its_series_finale_replaced_and_what_a_person_typed_stays(
    httpserver: HTTPServer, tmp_path: Any
) -> None:
    show = Show(90001, "Second Wind", {1: weekly("2026-10-01", 10, {10: "finale"})}, "Ended")
    Served(httpserver, show)
    hs = runner(httpserver, tmp_path / "home")
    typed = {"kind": "mid-season-finale", "date": "2026-10-29", "note": "S1E05 as I heard it"}
    _seeded(tmp_path, {"second-wind": ("series", "tmdb:tv/90001")}, [typed])
    hs("sync")
    assert milestones(tmp_path, "second-wind")["series-finale"][1].startswith("S1E10")
    show.status = "Returning Series"  # renewed: the same episode is a season finale after all
    show.seasons[1] = weekly("2026-10-01", 10, {5: "mid_season", 10: "finale"})
    hs("sync")
    got = milestones(tmp_path, "second-wind")
    assert got["season-finale"][1].startswith("S1E10")
    assert "series-finale" not in got
    assert got["mid-season-finale"] == ("2026-10-29", "S1E05 as I heard it")  # typed: never removed silently


def _seeded(tmp_path: Any, titles: dict[str, tuple[str, str]], typed: list[dict[str, Any]] = ()) -> None:  # type: ignore[assignment]
    """The store the test starts from, written as it is (no process spent on it)."""
    path = tmp_path / "home" / "store.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    made = [{"id": i, "name": i.replace("-", " ").title(), "kind": k, "links": [link], "milestones": list(typed),
             "history": []} for i, (k, link) in titles.items()]  # fmt: skip
    path.write_text(json.dumps({"schema": 1, "titles": made}))


def test_with_the_series_document_failing_a_season_keeps_its_series_finale_and_says_so_every_run(
    httpserver: HTTPServer, tmp_path: Any
) -> None:
    show = Show(33003, "Last Orbit", {1: weekly("2026-10-02", 8, {4: "mid_season", 8: "finale"})}, "Ended")
    served = Served(httpserver, show)
    hs = runner(httpserver, tmp_path / "home")
    _seeded(tmp_path, {"last-orbit-s1": ("season", "tmdb:tv/33003/season/1")})
    hs("sync")
    assert milestones(tmp_path, "last-orbit-s1")["series-finale"][1].startswith("S1E08")
    served.broken.add("/3/tv/33003")
    for day in ("2026-11-28", "2026-11-29"):  # said each run, not once per cache as the contact warning is
        ran = hs("sync", HSTRACK_NOW=f"{day}T12:00:00+00:00")
        assert "tmdb:tv/33003/season/1: its series left out" in ran.stderr, ran.stderr
        got = milestones(tmp_path, "last-orbit-s1")
        assert got["series-finale"][1].startswith("S1E08")
        assert "season-finale" not in got
