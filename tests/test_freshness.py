"""Issue 27, through the installed command: the seed as public sources tell it now (and as
they told it on any earlier day), windows that closed with no day recorded ("due,
unconfirmed"), and how old a title's facts are (last confirmed, status's marks,
``check --stale``, ``sync --stale``, ``--json``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import validate_output, validate_store

SCRIPT = Path(sys.executable).with_name("hstrack")
FILM = "heartstopper-film"


class Run:
    """The installed hstrack with a home of its own; each call a real process."""

    def __init__(self, home: Path) -> None:
        self.home = home

    @property
    def store(self) -> Path:
        return self.home / "store.json"

    def __call__(self, *args: str, at: str = "2026-12-07T12:00:00+00:00", code: int | None = 0,
                 **env: str) -> subprocess.CompletedProcess[str]:  # fmt: skip
        environment = {"PATH": os.environ.get("PATH", ""), "HSTRACK_HOME": str(self.home), "HSTRACK_NOW": at,
                       "TZ": "Europe/London", "LANG": "C.UTF-8", "COLUMNS": "100", **env}  # fmt: skip
        done = subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, env=environment, timeout=60,
                              check=False)  # fmt: skip
        assert "Traceback" not in done.stderr, done.stderr
        if code is not None:
            assert done.returncode == code, (args, done.returncode, done.stdout, done.stderr)
        return done

    def json(self, *args: str, **kwargs: Any) -> Any:
        data = json.loads(self(*args, "--json", **kwargs).stdout)
        validate_output(data, args[0])
        return data


@pytest.fixture
def hs(tmp_path: Path) -> Run:
    if not SCRIPT.exists():
        pytest.fail("the hstrack console script is not installed next to the test interpreter")
    return Run(tmp_path / "home")


def film(status: Any) -> Any:
    return next(t for t in status["titles"] if t["id"] == FILM)


# ---------------------------------------------------------------------------- 1. the seed


def test_a_new_users_first_status_shows_the_film_released_with_its_sources(hs: Run) -> None:
    first = hs("status")
    assert "created a new store" in first.stderr
    assert "hstrack show heartstopper-film" in first.stderr  # where each fact comes from
    row = next(line for line in first.stdout.splitlines() if line.startswith("Heartstopper Forever"))
    assert "17 Jul 2026" in row
    released = film(hs.json("status"))
    assert released["phase"] == "released"
    release = released["release"]
    assert (release["date"], release["state"], release["region"], release["medium"]) == ("2026-07-17", "past",
                                                                                           None, None)  # fmt: skip
    assert "releases.com" in release["source"]
    assert "Netflix Tudum" in release["source"]
    assert release["note"].startswith("Tertiary sources only")  # how strong it is, said with it
    assert "no source says worldwide" in release["note"]
    shown = hs("show", FILM).stdout
    assert "Tertiary sources only" in shown
    assert "tmdb:movie/1468683" in shown


def test_the_march_fact_says_what_was_said_not_the_writers_inference(hs: Run) -> None:
    history = hs.json("history", FILM)["history"]
    march = next(c for c in history if c["recorded"].startswith("2026-03-10"))
    assert march["new"]["text"] == "H2 2026"
    assert "It won't be coming out before the book" in march["new"]["note"]
    assert "inference" in march["new"]["note"]
    assert "radiotimes.com" in march["new"]["source"]
    assert [c["new"]["date"] for c in history if c["milestone"] == "release"] == ["TBA", "2026", "2026-H2",
                                                                                  "2026-07-17"]  # fmt: skip


def test_the_seed_is_linked_only_to_pages_that_could_be_checked(hs: Run) -> None:
    titles = {t["id"]: t["links"] for t in hs.json("status")["titles"]}
    assert titles == {FILM: ["tmdb:movie/1468683"], "heartstopper-s3": ["tmdb:tv/124834/season/3"]}
    validate_store(json.loads(hs.store.read_text()))


@pytest.mark.parametrize(
    ("made", "release", "recorded_by"),
    [("2026-06-01", "2026-H2", "2026-03-10"), ("2026-07-16T11:59:00+00:00", "2026-H2", "2026-03-10"),
     ("2026-07-16T12:00:00+00:00", "2026-07-17", "2026-07-16"), ("2025-07-01", "TBA", "2025-06-09")],
)  # fmt: skip
def test_a_store_made_as_of_an_earlier_day_knows_only_what_was_public_then(hs: Run, made: str, release: str,
                                                                           recorded_by: str) -> None:  # fmt: skip
    hs("status", at=made)
    raw = hs.store.read_text()
    data = json.loads(raw)
    seeded = next(t for t in data["titles"] if t["id"] == FILM)
    assert next(m for m in seeded["milestones"] if m["kind"] == "release")["date"] == release
    assert max(c["recorded"] for c in seeded["history"])[:10] == recorded_by
    if release != "2026-07-17":
        assert "2026-07-17" not in raw  # not a trace of what was not yet public


# ---------------------------------------------------------------------------- 3. due, unconfirmed


def test_a_window_that_closed_with_no_day_is_due_unconfirmed_in_every_view(hs: Run) -> None:
    at = "2027-01-02T12:00:00+00:00"
    hs("status", at="2026-06-01")  # the store as of June 2026: H2 2026, no day
    data = film(hs.json("status", at=at))
    assert data["phase"] == "post-production"  # not released
    assert (data["release"]["state"], data["release"]["reached"]) == ("due", False)
    assert data["release"]["countdown"] == "due, unconfirmed: window ended 2 days ago"
    assert data["next"]["kind"] == "release"  # still awaited
    assert data["watch"] == "due"
    words = hs("status", at=at, COLUMNS="200").stdout
    assert "due, unconfirmed" in words
    assert "released" not in words.split("heartstopper-s3")[0]
    said = hs("countdown", FILM, at=at).stdout
    assert "due, unconfirmed: its window ended 31 Dec 2026 (2 days ago) and no day was recorded" in said
    assert "◌" in hs("timeline", FILM, at=at).stdout
    assert hs("check", FILM, "--released", at=at, code=1).stdout.startswith("false: --released: not confirmed")
    assert hs("check", FILM, "--reached", "release", at=at, code=1).returncode == 1
    assert hs("check", FILM, "--released", "--presumed", at=at).stdout.startswith("true: --released: presumed")
    assert hs("check", FILM, "--phase", "released", at=at, code=1).returncode == 1
    assert hs("check", FILM, "--due-within", "7d", at=at).returncode == 0  # due already
    hs("pin", FILM, at=at)
    assert hs("prompt", "--at", at).stdout.strip() == "HS film · release due, unconfirmed"


def test_the_calendar_file_marks_a_due_window_tentative_and_moves_its_sequence(hs: Run) -> None:
    from icalendar import Calendar

    hs("status", at="2026-06-01")

    def event(at: str) -> Any:
        cal = Calendar.from_ical(hs("export", "--format", "ics", at=at).stdout)
        from hstrack.store.seed import FILM_UID

        return next(e for e in cal.walk("VEVENT") if str(e["uid"]) == f"{FILM_UID}.release@hstrack")  # by uid

    before, after = event("2026-12-31T12:00:00+00:00"), event("2027-01-02T12:00:00+00:00")
    assert str(before["status"]) == "CONFIRMED"
    assert str(after["status"]) == "TENTATIVE"
    assert "due, unconfirmed" in str(after["summary"])
    assert int(after["sequence"]) == int(before["sequence"]) + 1  # a subscribed calendar takes the change
    hs("set", FILM, "release", "2026-07-17", "--source", "https://example.org/day", at="2027-01-03T12:00:00+00:00")
    confirmed = event("2027-01-04T12:00:00+00:00")
    assert str(confirmed["status"]) == "CONFIRMED"
    assert int(confirmed["sequence"]) > int(after["sequence"])  # never goes back


def test_a_day_recorded_once_confirms_a_window_it_was_later_widened_to(hs: Run) -> None:
    hs("add", "Widened", "--kind", "film", at="2026-01-01")
    hs("set", "widened", "release", "2026-08-14", at="2026-01-02")
    hs("set", "widened", "release", "2026", at="2026-01-03")  # a source that came to know less
    hs("add", "Never Dated", "--kind", "film", at="2026-01-01")
    hs("set", "never-dated", "release", "2026-08", at="2026-01-02")  # a month inside is no day
    hs("set", "never-dated", "release", "2026", at="2026-01-03")
    hs("add", "Moved Out", "--kind", "film", at="2026-01-01")
    hs("set", "moved-out", "release", "2025-11-02", at="2025-01-02")  # a day outside the window says nothing of it
    hs("set", "moved-out", "release", "2026", at="2026-01-03")
    states = {t["id"]: (t["phase"], t["release"]["state"]) for t in hs.json("status", at="2027-01-02")["titles"]
              if t["id"] in ("widened", "never-dated", "moved-out")}  # fmt: skip
    assert states == {"widened": ("released", "past"), "never-dated": ("rumoured", "due"),
                      "moved-out": ("rumoured", "due")}  # fmt: skip


def test_announcements_and_cancellations_are_reported_so_their_closed_windows_are_reached(hs: Run) -> None:
    hs("add", "Reported", "--kind", "film", at="2026-01-01")
    hs("set", "reported", "announced", "2026-03", at="2026-01-02")
    hs("set", "reported", "production-start", "Q2 2026", at="2026-01-02")
    data = next(t for t in hs.json("status", at="2026-12-01")["titles"] if t["id"] == "reported")
    states = {m["kind"]: m["state"] for m in data["milestones"]}
    assert states == {"announced": "past", "production-start": "due"}
    assert data["phase"] == "announced"


# ---------------------------------------------------------------------------- 2. how old is what I know


def test_how_old_the_facts_are_in_show_json_and_check(hs: Run) -> None:
    hs("status", at="2026-06-01")  # H2 2026 from 10 March, nothing since
    at = "2026-11-20T12:00:00+00:00"
    data = film(hs.json("status", at=at))
    assert (data["last_confirmed"], data["confirmed_by"], data["watch"]) == ("2026-03-10T12:00:00+00:00", "change",
                                                                             "stale")  # fmt: skip
    assert "last confirmed 8 months ago (last change: release, 10 Mar 2026)" in hs("show", FILM, at=at).stdout
    assert "! no news for 8 months" in hs("status", at=at, COLUMNS="200").stdout
    assert hs("check", FILM, "--stale", "90d", at=at).stdout == (
        "true: --stale 90d: last confirmed 8 months ago (last change: release, 10 Mar 2026)\n"
    )
    assert hs("check", FILM, "--stale", "1y", at=at, code=1).returncode == 1
    assert "cannot read --stale 'soon'" in hs("check", FILM, "--stale", "soon", at=at, code=2).stderr
    plain = hs("status", "--plain", "--header", at=at).stdout.splitlines()
    header = plain[0].split("\t")
    row = dict(zip(header, next(line for line in plain if line.startswith(FILM)).split("\t"), strict=True))
    assert (row["next_state"], row["watch"], row["last_confirmed"]) == ("open", "stale", "2026-03-10T12:00:00+00:00")


def test_status_marks_a_window_about_to_close_and_the_stale_span_is_a_setting(hs: Run) -> None:
    hs("status", at="2026-06-01")
    hs("config", "stale", "1y", at="2026-06-01")
    assert film(hs.json("status", at="2026-11-20"))["watch"] is None  # 8 months is not a year
    closing = film(hs.json("status", at="2026-12-20"))
    assert closing["watch"] == "closing"  # 11 days left, no day yet: news missed, or a slip
    assert "! window closes in 11 days, no day yet" in hs("status", at="2026-12-20", COLUMNS="200").stdout
    assert "not a span to go without news" in hs("config", "stale", "12h", code=2).stderr
    hs("config", "stale", "--unset")
    assert film(hs.json("status", at="2026-11-20"))["watch"] == "stale"


def test_a_title_never_confirmed_and_one_without_an_open_window(hs: Run) -> None:
    empty = hs.home.parent / "bare.json"
    empty.write_text(json.dumps({"schema": 1, "titles": [
        {"id": "bare", "name": "Bare", "kind": "film", "milestones": [{"kind": "release", "date": "2026-H2"}]},
        {"id": "later", "name": "Later", "kind": "film", "milestones": [{"kind": "release", "date": "2028"}]},
    ]}))  # fmt: skip
    hs("import", str(empty), "--replace", "--yes")
    data = {t["id"]: t for t in hs.json("status", at="2026-11-20")["titles"]}
    assert (data["bare"]["last_confirmed"], data["bare"]["watch"]) == (None, "stale")  # never confirmed
    assert data["later"]["watch"] is None  # a window ahead: no news is what it usually has
    assert "never confirmed" in hs("show", "bare", at="2026-11-20").stdout
    assert hs("check", "later", "--stale", "10y", at="2026-11-20").returncode == 0  # never is older than any span
