"""`hstrack notify` and `hstrack remind`, in-process: which lead times are due and when
(days, drop times, windows), what a change says, once and again when a date moves, the
first run's baseline, catching up once, cancelled titles, the viewer's own release, lead
times per title and milestone, the record beside the store, the channels' failures and
the schedules it prints. The installed command, real processes, a real session D-Bus and
hostile titles are in test_notify_process.py."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from hstrack.core.model.leads import check_lead, check_leads
from hstrack.core.model.reading import document_from_json

from .conftest import Cli, validate_output, validate_store

FILM = "big-film"
T0 = "2026-09-01T09:00:00+01:00"  # the first run (London is at +01:00 until 25 October)


def at(day: str, hour: str = "09:00") -> str:
    return f"2026-{day}T{hour}:00+01:00"


def run(cli: Cli, now: str, *extra: str, code: int = 0, validate: bool = False, **env: str) -> Any:
    """One notify run through `true` (a channel that always takes it), as JSON (checked
    against the output schema when asked: that takes longer than the run)."""
    result = cli("notify", "--exec", "true", "--json", *extra, now=now, code=code, **env)
    data = json.loads(result.stdout)
    if validate:
        validate_output(data, "notify")
    data["stderr"] = result.stderr
    return data


def told(cli: Cli, now: str, *extra: str, **env: str) -> list[str]:
    """What a run sent, as `title milestone lead` or `title change: summary` words."""
    return [_word(n) for n in run(cli, now, *extra, **env)["notifications"]]


def _word(n: dict[str, Any]) -> str:
    if n["kind"] == "lead":
        return f"{n['title']['id']} {n['milestone']} {n['lead']}" + (" late" if n["late"] else "")
    return f"{n['title']['id']} change: {n['summary']}"


def film_store(cli: Cli) -> None:
    """A store holding one film released on 3 October 2026, dated on 1 September."""
    release = {"date": "2026-10-03", "tentative": False, "source": None, "note": None}
    title = {"id": FILM, "name": "Big Film", "kind": "film", "milestones": [{"kind": "release", **release}],
             "history": [{"recorded": "2026-09-01T08:00:00+01:00", "milestone": "release", "old": None,
                          "new": release}]}  # fmt: skip
    cli.home.mkdir(parents=True, exist_ok=True)
    cli.store.write_text(json.dumps({"schema": 1, "titles": [title]}))


@pytest.fixture
def film(cli: Cli) -> Cli:
    """The film, and notify's first run (its baseline) taken on 1 September."""
    film_store(cli)
    first = run(cli, T0)
    assert first["baseline"] is True
    assert first["notifications"] == []
    return cli


# ---------------------------------------------------------------------------- lead times


def test_each_lead_time_is_sent_once_on_its_day(film: Cli) -> None:
    days = {"09-25": [], "09-26": [f"{FILM} release 7d"], "09-27": [], "10-01": [], "10-02": [f"{FILM} release 1d"],
            "10-03": [f"{FILM} release 0d"], "10-04": [], "10-10": []}  # fmt: skip
    for day, expected in days.items():
        assert told(film, at(day)) == expected, day
        assert told(film, at(day, "18:00")) == [], f"{day}: a second run the same day sends nothing again"


def test_a_lead_says_when_and_what(film: Cli) -> None:
    (n,) = run(film, at("10-02", "07:30"), validate=True)["notifications"]
    assert n == {"schema": 1, "kind": "lead", "title": {"id": FILM, "name": "Big Film"}, "milestone": "release",
                 "date": "2026-10-03", "text": "3 Oct 2026", "tentative": False, "lead": "1d",
                 "change": None, "late": False,
                 "due": "2026-10-02T00:00:00+01:00", "summary": "release 3 Oct 2026 · tomorrow",
                 "origin": None}  # fmt: skip
    plain = film("notify", "--exec", "true", now=at("10-03", "07:30"))
    assert plain.stdout == f"{FILM}: release 3 Oct 2026 · today\n"
    assert plain.stderr == "hstrack: sent 1 notification (exec)\n"
    assert film("notify", "--exec", "true", now=at("10-03", "08:00")).stdout == ""


def test_a_drop_time_is_due_at_its_hour(film: Cli) -> None:
    film("set", FILM, "release", "2026-10-03 20:00 America/New_York", now=T0)  # 01:00 on the 4th in London
    film("notify", "--exec", "true", now=at("09-01", "10:00"))  # the change
    assert told(film, at("09-27", "00:59")) == []
    assert told(film, at("09-27", "01:00")) == [f"{FILM} release 7d"]  # a week of calendar days before
    assert told(film, at("10-03", "00:59")) == []
    assert told(film, at("10-03", "01:00")) == [f"{FILM} release 1d"]  # 24 hours before
    assert told(film, at("10-04", "00:59")) == []
    (n,) = run(film, at("10-04", "01:00"))["notifications"]
    assert (n["lead"], n["due"], n["late"]) == ("0d", "2026-10-04T01:00:00+01:00", False)
    assert n["summary"] == "release 3 Oct 2026 20:00 America/New_York · today"


def test_hours_and_weeks_count_from_a_drop_time(film: Cli) -> None:
    film("set", FILM, "release", "2026-10-03 08:00 Europe/London", now=T0)
    film("remind", FILM, "release", "--lead", "2w", "--lead", "12h", "--lead", "2h", now=T0)
    film("notify", "--exec", "true", now=at("09-01", "10:00"))
    assert told(film, at("09-19", "08:00")) == [f"{FILM} release 2w"]
    assert told(film, at("10-02", "19:59")) == []
    assert told(film, at("10-02", "20:00")) == [f"{FILM} release 12h"]
    assert told(film, at("10-03", "06:00")) == [f"{FILM} release 2h"]
    assert told(film, at("10-03", "09:00")) == []  # no "on the day" among these


def test_a_window_is_told_once_when_it_opens(film: Cli) -> None:
    film("set", FILM, "release", "Q4 2026", now=T0)
    film("notify", "--exec", "true", now=at("09-01", "10:00"))
    assert told(film, at("09-30", "23:00")) == []
    (n,) = run(film, at("10-01"))["notifications"]
    assert (n["lead"], n["due"], n["text"]) == ("open", "2026-10-01T00:00:00+01:00", "Q4 2026")
    assert n["summary"].startswith("release Q4 2026 · window open, closes in")
    assert told(film, at("10-02")) == []
    assert told(film, at("10-20")) == []


def test_tba_counts_nothing_down(film: Cli) -> None:
    film("set", FILM, "release", "TBA", now=T0)
    film("notify", "--exec", "true", now=at("09-01", "10:00"))
    assert [told(film, at(day)) for day in ("09-26", "10-02", "10-03")] == [[], [], []]


def test_a_cancelled_title_counts_nothing_down_but_its_cancellation_is_news(film: Cli) -> None:
    film("set", FILM, "trailer", "2026-09-20", now=T0)
    film("notify", "--exec", "true", now=at("09-01", "10:00"))
    film("set", FILM, "cancelled", "2026-09-10", now=at("09-10"))
    assert told(film, at("09-10", "10:00")) == [f"{FILM} change: cancelled set to 10 Sep 2026"]
    for day in ("09-13", "09-20", "09-26", "10-02", "10-03"):
        assert told(film, at(day)) == [], day


def test_a_firm_end_ahead_overtakes_what_comes_after_it(film: Cli) -> None:
    film("set", FILM, "trailer", "2026-09-20", now=T0)
    film("set", FILM, "cancelled", "2026-09-25", now=T0)  # an end announced ahead
    film("notify", "--exec", "true", now=at("09-01", "10:00"))
    assert told(film, at("09-19")) == [f"{FILM} trailer 1d"]  # before the end: still comes
    assert told(film, at("09-26")) == []  # the release would come after the end


# ---------------------------------------------------------------------------- catching up


def test_a_missed_week_catches_up_once_marked_late(film: Cli) -> None:
    assert told(film, at("09-25")) == []
    # The machine is off from the 25th to the 4th: the 7d, 1d and on-the-day leads were all missed.
    (n,) = run(film, at("10-04", "08:00"))["notifications"]
    assert (n["lead"], n["late"], n["due"]) == ("0d", True, "2026-10-03T00:00:00+01:00")
    assert n["summary"] == "release 3 Oct 2026 · yesterday"
    assert film("notify", "--exec", "true", now=at("10-04", "09:00")).stdout == ""


def test_a_missed_run_sends_the_latest_lead_due_not_late_on_its_day(film: Cli) -> None:
    assert told(film, at("10-02", "10:00")) == [f"{FILM} release 1d"]  # the 7d one was missed: not sent after


def test_a_milestone_long_past_is_not_told_of(film: Cli) -> None:
    assert told(film, at("10-05", "00:01")) == []  # the release ended more than a day ago
    assert told(film, at("10-06")) == []


def test_the_first_run_sends_no_history_and_no_lead_due_before_its_day(cli: Cli) -> None:
    cli("status", now=T0)  # the seed: Heartstopper's history, long before
    cli("add", "Big Film", "--kind", "film", now=T0)
    cli("set", FILM, "release", "2026-09-04", now=T0)  # its 7d lead was due on 28 August
    cli("set", FILM, "trailer", "2026-09-02", now=T0)  # its 1d lead is due today
    first = run(cli, at("09-01", "10:00"), validate=True)
    assert [_word(n) for n in first["notifications"]] == [f"{FILM} trailer 1d"]
    assert first["baseline"] is True
    assert "first run: the history so far is the baseline, not sent" in first["stderr"]
    assert record_path_of(cli).exists()
    second = run(cli, at("09-01", "11:00"))
    assert second["baseline"] is False
    assert "baseline" not in second["stderr"]
    assert told(cli, at("09-03")) == [f"{FILM} trailer 0d late", f"{FILM} release 1d"]


def record_path_of(cli: Cli) -> Path:
    return cli.home / "store.json.notified"


# ---------------------------------------------------------------------------- changes


def test_each_change_is_sent_once_in_the_historys_words(film: Cli) -> None:
    film("set", FILM, "release", "2026-10-20", now=at("09-10"))
    film("set", FILM, "trailer", "2026", now=at("09-10", "09:30"))
    film("set", FILM, "trailer", "2026-12", now=at("09-10", "09:40"))
    film("set", FILM, "release", "--tentative", now=at("09-10", "09:50"))
    film("set", FILM, "release", "--source", "https://example.org/x", now=at("09-10", "09:55"))  # not news
    assert told(film, at("09-10", "10:00")) == [
        f"{FILM} change: release moved 17 days later (3 Oct 2026 → 20 Oct 2026)",
        f"{FILM} change: trailer set to 2026",
        f"{FILM} change: trailer firmed up from 2026 to December 2026",
        f"{FILM} change: release marked tentative (20 Oct 2026)",
    ]
    assert told(film, at("09-10", "10:05")) == []
    film("unset", FILM, "trailer", now=at("09-11"))
    assert told(film, at("09-11", "10:00")) == [f"{FILM} change: trailer removed (was December 2026)"]


def test_a_change_recorded_after_now_is_not_sent_yet(film: Cli) -> None:
    film("set", FILM, "release", "2026-11-20", now=at("09-15"))
    assert told(film, at("09-14")) == []
    assert told(film, at("09-15", "10:00")) == [
        f"{FILM} change: release moved 48 days later (3 Oct 2026 → 20 Nov 2026)"
    ]


def test_a_slip_re_arms_the_lead_times(film: Cli) -> None:
    assert told(film, at("09-26")) == [f"{FILM} release 7d"]
    film("set", FILM, "release", "2026-10-10", now=at("09-27"))
    assert told(film, at("09-27", "10:00")) == [f"{FILM} change: release moved 7 days later (3 Oct 2026 → 10 Oct 2026)"]
    assert told(film, at("10-03")) == [f"{FILM} release 7d"]  # the new date's week
    assert told(film, at("10-09")) == [f"{FILM} release 1d"]


def test_a_date_recorded_after_its_lead_time_is_told_by_the_change_alone(film: Cli) -> None:
    film("set", FILM, "trailer", "2026-09-14", now=at("09-10"))  # its 7d lead was due on the 7th
    assert told(film, at("09-10", "10:00")) == [f"{FILM} change: trailer set to 14 Sep 2026"]
    assert told(film, at("09-11")) == []
    assert told(film, at("09-13")) == [f"{FILM} trailer 1d"]


def test_old_history_brought_in_later_is_news_only_within_the_window(film: Cli) -> None:
    """A change that arrives late (an import, a git pull) is sent if it was recorded within
    30 days before the last run; one that leaves a date long past is history, not news."""
    told(film, at("09-20"))
    doc = json.loads(film.store.read_text())
    title = next(t for t in doc["titles"] if t["id"] == FILM)
    moved = {"date": "2026-10-05", "tentative": False, "source": None, "note": None}
    old = {"date": "2026-10-03", "tentative": False, "source": None, "note": None}
    title["history"] += [
        {"recorded": "2026-09-05T12:00:00+01:00", "milestone": "release", "old": old, "new": moved},
        {"recorded": "2026-08-01T12:00:00+01:00", "milestone": "trailer", "old": None,
         "new": {"date": "2026-09-30", "tentative": False, "source": None, "note": None}},
        {"recorded": "2026-09-06T12:00:00+01:00", "milestone": "production-start", "old": None,
         "new": {"date": "2025-01-10", "tentative": False, "source": None, "note": None}},
    ]  # fmt: skip
    title["milestones"] = [{"kind": "release", **moved}]
    film.store.write_text(json.dumps(doc, indent=2))
    assert told(film, at("09-21")) == [f"{FILM} change: release moved 2 days later (3 Oct 2026 → 5 Oct 2026)"]


def test_a_syncs_change_says_where_it_came_from(film: Cli) -> None:
    doc = json.loads(film.store.read_text())
    title = next(t for t in doc["titles"] if t["id"] == FILM)
    new = {"date": "2026-10-10", "tentative": False, "source": "https://www.wikidata.org/wiki/Q1?oldid=2",
           "note": None, "origin": "wikidata"}  # fmt: skip
    title["history"].append({"recorded": "2026-09-05T12:00:00+01:00", "milestone": "release",
                             "old": {"date": "2026-10-03", "tentative": False, "source": None, "note": None},
                             "new": new, "origin": "wikidata"})  # fmt: skip
    title["milestones"] = [{"kind": "release", **new}]
    film.store.write_text(json.dumps(doc, indent=2))
    (n,) = run(film, at("09-06"), validate=True)["notifications"]
    assert (n["origin"], n["late"]) == ("wikidata", True)
    from hstrack.notify.channels import body
    from hstrack.notify.notification import Notification

    assert body(Notification(**{**_fields(n), "key": ()})) == (
        "release moved 7 days later (3 Oct 2026 → 10 Oct 2026) (Wikidata) (late)"
    )


def _fields(n: dict[str, Any]) -> dict[str, Any]:
    from datetime import datetime

    return {"kind": n["kind"], "title_id": n["title"]["id"], "title_name": n["title"]["name"],
            "milestone": n["milestone"], "date": n["date"], "text": n["text"], "tentative": n["tentative"],
            "lead": n["lead"],
            "change": n["change"], "late": n["late"], "due": datetime.fromisoformat(n["due"]), "summary": n["summary"],
            "origin": n["origin"]}  # fmt: skip


# ---------------------------------------------------------------------------- whose, and how long ahead


def test_only_the_viewers_own_release_is_followed(film: Cli) -> None:
    film("set", FILM, "release@GB:theatrical", "2026-10-03", now=T0)
    film("set", FILM, "release@US:theatrical", "2026-10-10", now=T0)
    film("unset", FILM, "release", now=T0)
    gb = {"HSTRACK_REGION": "GB"}
    film("notify", "--exec", "true", now=at("09-01", "10:00"), **gb)
    assert told(film, at("09-26"), **gb) == [f"{FILM} release@GB:theatrical 7d"]
    assert told(film, at("10-03"), **gb) == [f"{FILM} release@GB:theatrical 0d"]
    film("remind", FILM, "release@US", "--lead", "1d", now=at("10-03"))  # follow the US one too
    assert told(film, at("10-09"), **gb) == [f"{FILM} release@US:theatrical 1d"]
    film("set", FILM, "release@GB:theatrical", "2026-10-24", now=at("10-10"))
    assert told(film, at("10-10", "10:00"), **gb) == [
        f"{FILM} change: release (UK cinemas) moved 21 days later (3 Oct 2026 → 24 Oct 2026)"
    ]


def test_lead_times_per_title_per_milestone_and_off(film: Cli) -> None:
    film("set", FILM, "trailer", "2026-09-20", now=T0)
    film("notify", "--exec", "true", now=at("09-01", "10:00"))
    film("remind", FILM, "--lead", "3d,0d", now=T0)
    film("remind", FILM, "release", "--lead", "14d", "--lead", "1d", now=T0)
    assert film("remind", FILM, now=T0).stdout == (
        f"{FILM}\ttrailer\t3d,0d\tset for the title\n"
        f"{FILM}\trelease\t14d,1d\tset for it\n"
    )  # fmt: skip
    assert told(film, at("09-17")) == [f"{FILM} trailer 3d"]
    assert told(film, at("09-19")) == [f"{FILM} release 14d"]
    assert told(film, at("09-20")) == [f"{FILM} trailer 0d"]
    film("remind", FILM, "release", "--off", now=at("09-20"))
    film("set", FILM, "release", "2026-10-04", now=at("09-21"))
    assert told(film, at("09-21", "10:00")) == []  # off: neither leads nor changes
    film("remind", FILM, "release", "--default", now=at("09-21"))  # back to the title's 3d,0d
    assert told(film, at("10-01")) == [f"{FILM} release 3d"]
    film("remind", FILM, "--off", now=at("10-01"))
    film("set", FILM, "trailer", "2026-10-02", now=at("10-01", "10:00"))
    assert told(film, at("10-04")) == []
    listing = film("remind", now=at("10-04")).stdout
    assert listing == "default\t*\t7d,1d,0d\tbuilt in\nbig-film\t*\toff\tset\n"


# Every moment a lead time could fall due for each shape of date: the days before, the
# window's opening, the day itself, the drop's hour.
LEAD_MOMENTS = [at(day, hour) for day in ("09-19", "09-26", "10-01", "10-02", "10-03") for hour in ("09:00", "21:30")]


@pytest.mark.parametrize("date", ["2026-10-03", "2026-10", "2026-10-03T21:00:00+01:00", "Q4 2026", "autumn 2026"])
@pytest.mark.parametrize("off", ["title", "milestone", "config"])
def test_off_sends_no_lead_time_for_any_shape_of_date(film: Cli, date: str, off: str) -> None:
    """`remind --off` (the title, or the milestone) tells nothing of it, and `config leads
    off` sends no lead times for a title without its own: not for a day, nor a window's
    opening, nor an instant."""
    film("set", FILM, "release", date, now=T0)
    film("notify", "--exec", "true", now=at("09-01", "10:00"))  # the change, told
    if off == "config":
        film("config", "leads", "off", now=T0)
    else:
        film("remind", FILM, *(["release"] if off == "milestone" else []), "--off", now=T0)
    for moment in LEAD_MOMENTS:
        assert told(film, moment) == [], (moment, off)


@pytest.mark.parametrize("off", ["title", "milestone"])
@pytest.mark.parametrize("date", ["2026-10-10", "2026-11", "2026-10-05T20:00:00Z", "early 2027", "TBA"])
def test_off_sends_no_change_either(film: Cli, off: str, date: str) -> None:
    scope = ["release"] if off == "milestone" else []
    film("remind", FILM, *scope, "--off", now=T0)
    film("set", FILM, "release", date, now=at("09-02"))
    assert told(film, at("09-02", "11:00")) == []
    if off == "title":
        film("set", FILM, "trailer", "2026-09-20", now=at("09-03"))
        film("unset", FILM, "release", now=at("09-03", "10:00"))
        assert told(film, at("09-03", "11:00")) == []
    film("remind", FILM, *scope, "--default", now=at("09-04"))
    film("set", FILM, "release", "2026-12-01", now=at("09-04", "10:00"))
    assert told(film, at("09-04", "11:00")) != []  # on again: the next change is told


def test_remind_is_one_undoable_change_and_checks_what_it_is_given(film: Cli) -> None:
    before = film.store.read_bytes()
    assert film("remind", FILM, "release", "--lead", "24h", "--lead", "1 week", now=T0).stderr == (
        f"hstrack: {FILM}: lead times for release: 1w,24h\n"
    )
    assert json.loads(film.store.read_text())["titles"][0]["notify"] == {"release": ["1w", "24h"]}
    film("undo", now=T0)
    assert film.store.read_bytes() == before
    assert "did you mean release" in film("remind", FILM, "relase", "--lead", "1d", code=2).stderr
    assert "has no milestone 'trailer'" in film("remind", FILM, "trailer", "--lead", "1d", code=2).stderr
    assert "cannot read lead time '7x'" in film("remind", FILM, "--lead", "7x", code=2).stderr
    assert "more than a year" in film("remind", FILM, "--lead", "400d", code=2).stderr
    assert "choose one of" in film("remind", FILM, "--lead", "1d", "--off", code=2).stderr
    assert "name the title" in film("remind", "--off", code=2).stderr
    assert "give a lead time" in film("remind", FILM, "--lead", " , ", code=2).stderr
    assert "add --lead" in film("remind", FILM, "release", code=2).stderr
    assert "at most 10" in film("remind", FILM, "--lead", ",".join(f"{i}d" for i in range(1, 12)), code=2).stderr
    assert "no title with id" in film("remind", "nope", "--off", code=2).stderr
    assert film.store.read_bytes() == before


def test_the_default_lead_times_come_from_the_settings(film: Cli) -> None:
    film("config", "leads", "2d,1w", now=T0)
    assert film("config", "leads").stdout == "1w,2d\n"
    assert "leads\t1w,2d\t(saved)" in film("config").stdout
    assert told(film, at("09-26")) == [f"{FILM} release 1w"]
    assert told(film, at("10-01")) == [f"{FILM} release 2d"]
    assert told(film, at("10-02")) == []
    film("config", "leads", "off", now=T0)
    assert told(film, at("10-03")) == []  # no lead times by default ...
    film("set", FILM, "release", "2026-10-05", now=at("10-03"))
    assert len(told(film, at("10-03", "10:00"))) == 1  # ... but changes still come
    assert "give at least one lead time" in film("config", "leads", ",", code=2).stderr
    film("config", "leads", "--unset")
    assert "leads\t7d,1d,0d\t(the default)" in film("config").stdout


def test_lead_times_are_spelled_one_way() -> None:
    assert [check_lead(v) for v in ("7d", "7 days", "1 week", "0h", "0w", "12 hours", "2w")] == [
        "7d", "7d", "1w", "0d", "0d", "12h", "2w"]  # fmt: skip
    assert check_leads(["0d,7d", "1d", "7d", "36h"]) == ["7d", "36h", "1d", "0d"]
    for bad in ("", "7", "d", "-1d", "1m", "1y", "367d", "53w", "9000h"):
        with pytest.raises(Exception, match="lead time"):
            check_lead(bad)


# ---------------------------------------------------------------------------- the store and the record


def test_a_store_without_lead_times_is_written_as_before_and_one_with_them_is_valid(film: Cli) -> None:
    assert "notify" not in film.store.read_text()
    film("remind", FILM, "release", "--lead", "1d", now=T0)
    film("remind", FILM, "--off", now=T0)
    doc = json.loads(film.store.read_text())
    validate_store(doc)
    assert doc["titles"][0]["notify"] == {"*": [], "release": ["1d"]}
    assert document_from_json(doc).to_json() == doc


@pytest.mark.parametrize(
    "notify", [{"release": ["7x"]}, {"release": ["1d", "7d"]}, {"Release": ["1d"]}, {"release": "1d"}, [], {"*": [1]}]
)
def test_lead_times_in_a_file_are_held_to_the_rules(film: Cli, notify: object) -> None:
    doc = json.loads(film.store.read_text())
    doc["titles"][0]["notify"] = notify
    film.store.write_text(json.dumps(doc))
    result = film("notify", "--exec", "true", code=1)
    assert f"title '{FILM}'.notify" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_an_import_takes_lead_times_as_facts(film: Cli, tmp_path: Path) -> None:
    film("remind", FILM, "release", "--lead", "1d", now=T0)
    exported = tmp_path / "theirs.json"
    film("export", "-o", str(exported), now=T0)
    film("remind", FILM, "release", "--default", now=T0)
    film("remind", FILM, "--off", now=T0)
    film("import", str(exported), now=at("09-02"))
    assert json.loads(film.store.read_text())["titles"][0]["notify"] == {"*": [], "release": ["1d"]}


def test_git_merges_lead_times_milestone_by_milestone_the_same_either_way() -> None:
    from datetime import UTC, datetime

    from hstrack.core.model.document import Document
    from hstrack.core.model.title import Title
    from hstrack.sharing.merge.documents import merge_documents

    def doc(notify: dict[str, list[str]]) -> Document:
        # One title in three versions: one uid (a Title made without one gets a new one).
        return Document(titles={FILM: Title(id=FILM, uid="0b6f7d5e-1d3c-4c1e-9a57-2f1f1f0c2a11", name="Big Film",
                                            notify=dict(notify))})  # fmt: skip

    now = datetime(2026, 9, 1, tzinfo=UTC)
    base = {"release": ["7d"], "trailer": ["1d"]}
    ours = {"release": ["7d"], "trailer": [], "*": ["3d"]}  # trailer off, a title's own
    theirs = {"release": ["2w", "0d"]}  # release changed, trailer's setting forgotten
    results = []
    for a, b in ((ours, theirs), (theirs, ours)):
        merged = doc(a)
        merge_documents(merged, doc(b), now, base=doc(base))
        results.append(merged.titles[FILM].notify)
    # Each side's change is taken; the trailer was changed on both sides (off, and
    # forgotten): the later-changed title wins, a tie by the value that sorts last, the
    # same whichever side runs the merge.
    assert results[0] == results[1] == {"*": ["3d"], "release": ["2w", "0d"]}
    merged = doc({"release": ["1d"]})
    merge_documents(merged, doc({}), now)  # an import (no common version) never drops a setting
    assert merged.titles[FILM].notify == {"release": ["1d"]}


def test_the_record_is_small_and_a_damaged_one_is_refused(film: Cli) -> None:
    for day in ("09-26", "10-02", "10-03"):
        told(film, at(day))
    path = record_path_of(film)
    record = json.loads(path.read_text())
    assert [(e["lead"], e["date"]) for e in record["leads"]] == [("0d", "2026-10-03"), ("1d", "2026-10-03"),
                                                                ("7d", "2026-10-03")]  # fmt: skip
    told(film, at("10-05"))
    assert json.loads(path.read_text())["leads"] == []  # the release is long past
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    for damage in (b"", b"{", b'{"schema": 1}', b'{"schema": 9, "baseline": "x"}', b"\xff", b"[]"):
        path.write_bytes(damage)
        result = film("notify", "--exec", "true", now=at("10-06"), code=1)
        assert len(result.stderr.splitlines()) == 1, damage
        assert "store.json.notified" in result.stderr
        assert path.read_bytes() == damage
    path.unlink()
    os.mkfifo(path)
    assert "not a regular file" in film("notify", "--exec", "true", now=at("10-06"), code=1).stderr


SENT = {"title": "x", "milestone": "release", "date": "2026-10-03", "lead": "7d", "sent": "2026-09-26T09:00:00+01:00"}


@pytest.mark.parametrize(
    "damage",
    [
        {"schema": 0}, {"schema": -1}, {"schema": True}, {"schema": "1"}, {"schema": None}, {"schema": 2.0},
        {"leads": {}}, {"leads": None}, {"changes": "x"}, {"leads": [1]}, {"changes": [[]]},
        {"leads": [{**SENT, "lead": "9x"}]}, {"leads": [{**SENT, "sent": "then"}]}, {"leads": [{**SENT, "date": 3}]},
        {"changes": [{"title": "x", "digest": "d", "recorded": "now", "sent": "2026-09-26T09:00:00+01:00"}]},
        {"baseline": "yesterday"}, {"last_run": 5},
    ],
)  # fmt: skip
def test_a_record_damaged_in_any_field_is_refused_and_left_as_it_was(film: Cli, damage: dict[str, Any]) -> None:
    told(film, at("09-26"))  # a record holding a lead sent
    path = record_path_of(film)
    data = json.loads(path.read_text())
    path.write_text(json.dumps({**data, **damage}))
    before = path.read_bytes()
    result = film("notify", "--exec", "true", now=at("10-02"), code=1)
    assert len(result.stderr.splitlines()) == 1
    assert "store.json.notified" in result.stderr
    assert path.read_bytes() == before


def test_a_record_read_back_remembers_each_lead_under_its_milestone(film: Cli) -> None:
    film("set", FILM, "trailer", "2026-10-03", now=T0)
    told(film, at("09-01", "10:00"))  # the trailer's change
    assert sorted(told(film, at("09-26"))) == [f"{FILM} release 7d", f"{FILM} trailer 7d"]
    record = json.loads(record_path_of(film).read_text())
    assert sorted((e["milestone"], e["lead"]) for e in record["leads"]) == [("release", "7d"), ("trailer", "7d")]
    assert told(film, at("09-26", "12:00")) == []  # each remembered, read back from the file
    assert sorted(told(film, at("10-02"))) == [f"{FILM} release 1d", f"{FILM} trailer 1d"]


@pytest.mark.parametrize("edits", [[], [("edit", FILM, "--name", "Bigger Film")], [("rename", FILM, "the-film")],
                                   [("edit", FILM, "--label", "BF"), ("rename", FILM, "b-film")]])  # fmt: skip
def test_a_record_from_before_uids_still_knows_what_was_sent(film: Cli, edits: list[tuple[str, ...]]) -> None:
    """A schema-1 record knew a title by the id it was created with: read now, it knows the
    title by its uid, whatever was edited or renamed since, so nothing is sent twice."""
    assert told(film, at("09-26")) == [f"{FILM} release 7d"]
    path = record_path_of(film)
    record = json.loads(path.read_text())
    record["schema"] = 1
    for entry in record["leads"] + record["changes"]:
        entry["title"] = FILM
    path.write_text(json.dumps(record))
    for command in edits:
        film(*command, now=at("09-26", "10:00"))
    assert told(film, at("09-26", "12:00")) == []
    assert json.loads(path.read_text())["schema"] == 2


def test_a_dry_run_sends_and_records_nothing(film: Cli, tmp_path: Path) -> None:
    path = record_path_of(film)
    before = path.read_bytes()
    marker = tmp_path / "ran"
    dry = film("notify", "--dry-run", "--exec", f"touch {marker}", now=at("09-26"))
    assert dry.stdout == f"{FILM}: release 3 Oct 2026 · in 7 days\n"
    assert "nothing was sent or recorded" in dry.stderr
    assert not marker.exists()
    assert path.read_bytes() == before
    assert told(film, at("09-26")) == [f"{FILM} release 7d"]
    assert film("notify", "--dry-run", now=at("09-26", "10:00")).stderr == "hstrack: dry run: nothing is due\n"


# ---------------------------------------------------------------------------- channels


def test_a_failing_channel_leaves_it_unsent_with_one_line(film: Cli) -> None:
    film("set", FILM, "trailer", "2026-09-27", now=T0)
    film("notify", "--exec", "true", now=at("09-01", "10:00"))
    failed = film("notify", "--exec", "false", "--json", now=at("09-26"), code=1)
    data = json.loads(failed.stdout)
    validate_output(data, "notify")
    assert data["notifications"] == []
    assert [n["milestone"] for n in data["unsent"]] == ["release", "trailer"]
    assert failed.stderr == (
        "hstrack: notify: --exec false exited 1; 2 notifications not sent, to be tried again at the next run\n"
    )
    assert told(film, at("09-26", "10:00")) == [f"{FILM} release 7d", f"{FILM} trailer 1d"]
    missing = film("notify", "--exec", "no-such-program-here", now=at("10-02"), code=1)
    assert "no-such-program-here is not a program that can be run" in missing.stderr
    assert len(missing.stderr.splitlines()) == 1
    assert told(film, at("10-02")) == [f"{FILM} release 1d"]


def test_the_desktop_without_a_session_bus_is_one_line_and_exit_1(film: Cli) -> None:
    result = film("notify", now=at("09-26"), code=1)
    assert result.stderr.startswith("hstrack: notify: no desktop session bus: DBUS_SESSION_BUS_ADDRESS is not set")
    assert len(result.stderr.splitlines()) == 1
    assert result.stdout == ""
    bad = film("notify", now=at("09-26"), code=1, DBUS_SESSION_BUS_ADDRESS="tcp:host=example.org,port=1")
    assert "cannot reach the desktop session bus" in bad.stderr
    assert told(film, at("09-26")) == [f"{FILM} release 7d"]  # it was not marked sent


def test_nothing_due_opens_no_channel(film: Cli) -> None:
    assert film("notify", now=at("09-10")).stderr == ""  # no bus here, and no error: nothing to send


@pytest.mark.parametrize("command", ["", "   ", "'unclosed"])
def test_a_bad_exec_is_a_usage_error(film: Cli, command: str) -> None:
    assert film("notify", "--exec", command, code=2).stderr.startswith("hstrack: --exec")


def test_apprise_delivers_to_its_urls(film: Cli, httpserver: Any) -> None:
    if not os.environ.get("CI"):
        pytest.importorskip("apprise")  # a test dependency: CI has it, so there it fails rather than skips
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    url = f"json://127.0.0.1:{httpserver.port}/hook"
    assert told(film, at("09-26"), "--apprise", url) == [f"{FILM} release 7d"]
    (request, _) = httpserver.log[0]
    sent = json.loads(request.get_data())
    assert (sent["title"], sent["message"]) == ("Big Film", "release 3 Oct 2026 · in 7 days")
    httpserver.expect_request("/broken", method="POST").respond_with_data("down", status=503)
    failed = film("notify", "--apprise", url.replace("/hook", "/broken"), now=at("10-02"), code=1)
    assert failed.stderr.startswith("hstrack: notify: apprise could not deliver the notification")
    assert len(failed.stderr.splitlines()) == 1
    assert "not an address apprise can use" in film("notify", "--apprise", "nosuch://x", code=2).stderr


def test_apprise_log_lines_are_kept_as_one_short_inert_line_each_and_not_printed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """What apprise logs (a warning or worse) becomes the "why" of our one line: its words
    on one line, at most 200 characters, made inert; nothing reaches stderr by itself."""
    import logging

    from hstrack.notify.channels import _quiet

    logger = logging.getLogger("apprise")
    propagate = logger.propagate
    with _quiet(None) as said:
        logger.warning("could  not\nsend: " + "x" * 300)
        logger.error("\x1b[31mred")
        logger.info("an info line is not kept")
        assert logger.propagate is False
    assert said == ["could not send: " + "x" * 184, "^[[31mred"]  # the escape shown, not sent to a terminal
    assert logger.propagate is propagate
    assert logger.handlers == [] or all(type(h).__name__ != "Keep" for h in logger.handlers)
    assert capsys.readouterr().err == ""


def test_the_json_on_stdin_keeps_any_text_exactly() -> None:
    """The store refuses control characters in a name, but the encoding does not rely on it:
    whatever the text, the line is one line of JSON that reads back as the same text."""
    from datetime import UTC, datetime

    from hstrack.notify.notification import Notification

    for name in ('a\nb\r\x1b]52;c;eA==\x07\x9b\u202e\u2028$(x) `y` \\ " 東京 🎬', "lone \ud800 surrogate"):
        n = Notification("lead", "x", name, "release", "2026-10-03", "3 Oct 2026", False, "1d", None, False,
                         datetime(2026, 10, 2, tzinfo=UTC), "release 3 Oct 2026 · tomorrow", None, ())  # fmt: skip
        line = n.encoded()
        assert line.endswith(b"\n")
        assert line.count(b"\n") == 1
        assert b"\x1b" not in line
        assert json.loads(line)["title"]["name"] == name


def test_a_body_is_escaped_for_a_server_that_reads_markup() -> None:
    """The body is hstrack's own words and dates; escaped all the same where a notification
    server reads markup (the summary, the title's name, is plain text by the spec)."""
    from hstrack.notify.channels import markup_escaped

    assert markup_escaped("a <b>&amp;</b> > c") == "a &lt;b&gt;&amp;amp;&lt;/b&gt; &gt; c"


# ---------------------------------------------------------------------------- schedules


def test_it_prints_a_crontab_line_and_systemd_units(film: Cli) -> None:
    home = str(film.home.resolve())
    cron = film("notify", "--print", "crontab", "--exec", "notify-me --title '%s $(x)'").stdout
    line = cron.splitlines()[-1]
    assert line.startswith(f"*/15 * * * * HSTRACK_HOME={home} ")
    assert line.endswith(" notify --exec 'notify-me --title '\"'\"'\\%s $(x)'\"'\"'' >/dev/null")
    service = film("notify", "--print", "systemd-service", "--desktop", "--exec", "say '$HOME 100%'").stdout
    assert f"Environment=HSTRACK_HOME={home}\n" in service
    assert service.splitlines()[-1].endswith(" notify --desktop --exec \"say '$$HOME 100%%'\"")
    assert "Type=oneshot" in service
    timer = film("notify", "--print", "systemd-timer").stdout
    assert "OnCalendar=*:0/15\nPersistent=true\n" in timer
    assert "WantedBy=timers.target" in timer
    assert "--print takes crontab" in film("notify", "--print", "launchd", code=2).stderr
    assert film("notify", "--print", "crontab", "--exec", "a\nb", code=2).stderr.endswith("unit file\n")
