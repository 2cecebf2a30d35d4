"""Right answers in every state a real slate reaches (issue 11), in every view that shows
them: cancellations, the day itself, instants across zones, elapsed hours, the viewer's
days, iCalendar zones, premieres, re-setting a date, typos, merges, zone abbreviations,
the prompt's options, non-Latin names. Through the CLI in-process, and the installed
command where a real process is what matters."""

from __future__ import annotations

import json
import os
import re
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from .conftest import Cli, by_id
from .test_process import SCRIPT

NOW = "2026-11-27T12:00:00+00:00"


def titles(cli: Cli, *args: str, **env: str) -> dict[str, dict]:  # type: ignore[type-arg]
    return {t["id"]: t for t in cli.json("status", *args, **env)["titles"]}


def blank(home: Path) -> Path:
    """An empty store (no seed), so the film's own dates do not show in these views."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "store.json").write_text('{"schema": 1, "titles": []}\n')
    return home


def run(home: Path, *args: str, now: str = NOW, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {"PATH": os.environ["PATH"], "HSTRACK_HOME": str(home), "HSTRACK_NOW": now,
                   "TZ": "Europe/London", "LANG": "C.UTF-8", **env}  # fmt: skip
    return subprocess.run([str(SCRIPT), *args], env=environment, capture_output=True, text=True, timeout=60,
                          check=False)  # fmt: skip


# ---------------------------------------------------------------------------- cancelled means over


@pytest.fixture
def axed(cli: Cli) -> Cli:
    """A title with a future release, a TBA trailer, and a cancellation a week ago."""
    cli("add", "Axed", "--id", "axed", "--kind", "series")
    cli("set", "axed", "production-start", "2025-03-01")
    cli("set", "axed", "release", "2027-05-01")
    cli("set", "axed", "trailer", "TBA")
    cli("set", "axed", "cancelled", "2026-11-20")
    return cli


def test_cancelled_counts_nothing_down_in_the_data_views(axed: Cli) -> None:
    t = titles(axed)["axed"]
    assert t["phase"] == "cancelled"
    assert t["next"] is None
    assert t["last"]["kind"] == "cancelled"
    by_kind = {m["kind"]: m for m in t["milestones"]}
    for kind in ("release", "trailer"):
        assert (by_kind[kind]["state"], by_kind[kind]["reached"]) == ("cancelled", False)
        assert (by_kind[kind]["days_until"], by_kind[kind]["countdown"]) == (None, "cancelled")
    assert by_kind["production-start"]["state"] == "past"  # what was reached stays reached
    assert t["release"]["state"] == "cancelled"
    assert [
        k for k in ("axed",) if k in {u["title"]["id"] for u in axed.json("upcoming", "--within", "1y")["upcoming"]}
    ] == []
    assert "axed" not in {u["title"]["id"] for u in axed.json("upcoming", "--within", "1y")["tba"]}
    assert axed.json("calendar", "2027-05")["events"] == []
    plain = axed("status", "--plain").stdout
    assert "axed\tcancelled\t-\t-\t-\t-\t2027-05-01\tday\t-\t2026-11-27T12:00:00+00:00\t-\tAxed\n" in plain
    check = axed.json("check", "axed", "--due-within", "6m", code=1)
    assert check["conditions"][0]["reason"] == "cancelled 20 Nov 2026 (7 days ago): nothing is due"
    axed("check", "axed", "--reached", "release", code=1)
    axed("check", "axed", "--phase", "cancelled")
    line = axed.json("timeline", "axed")
    assert [m["kind"] for m in line["milestones"]] == ["production-start", "cancelled", "release", "trailer"]
    assert line["today_index"] == 2  # the overtaken release keeps its place in time


def test_cancelled_in_the_words_people_read(axed: Cli) -> None:
    flat = " ".join(axed("countdown", "axed").stdout.split())
    assert flat == "Axed · cancelled 20 Nov 2026 (7 days ago): nothing else will come"
    flat = " ".join(axed("countdown", "axed", "release").stdout.split())
    assert flat == "Axed · release 1 May 2027 · will not come: the title was cancelled 20 Nov 2026 (7 days ago)"
    status = axed("status", COLUMNS="120").stdout
    row = status[status.index("Axed") : status.index("as of")]
    assert re.search(r"production start\s+cancelled\s+1 May 2027", row)
    assert re.search(r"1 Mar 2025\s+20 Nov 2026\s+cancelled", row)
    assert "in 5 months" not in status
    card = " ".join(axed("status", COLUMNS="50").stdout.split())
    assert (
        "Axed cancelled axed last: production start · 1 Mar 2025 · 20 months ago ended: cancelled · 20 Nov 2026" in card
    )
    timeline = axed("timeline", "axed", COLUMNS="120").stdout
    assert re.search(r"✕\s+1 May 2027\s+release.*cancelled", timeline)


def test_cancelled_in_the_exports(cli: Cli) -> None:
    from icalendar import Calendar

    # Recorded in the order it happened (a change recorded at an earlier moment than one
    # already in the history is a backdated one: it would not decide the value).
    early = "2026-10-01T10:00:00+00:00"
    cli("add", "Axed", "--id", "axed", "--kind", "series", now=early)
    cli("set", "axed", "production-start", "2025-03-01", now=early)
    cli("set", "axed", "release", "2027-05-01", now=early)
    cli("set", "axed", "trailer", "TBA", now=early)

    def events(now: str = NOW) -> dict[str, object]:
        cal = Calendar.from_ical(cli("export", "-f", "ics", now=now).stdout_bytes)
        return by_id({str(e["uid"]): e for e in cal.walk("VEVENT")}, cli.store)

    # A subscriber's calendar replaces an event only when SEQUENCE grows: it must grow at
    # each step: a release dated, then cancelled (recorded ahead, then in effect), then
    # the cancellation taken back, then recorded again.
    steps = []

    def step(status: str, now: str = NOW) -> None:
        release = events(now)["axed.release@hstrack"]
        assert str(release["status"]) == status, (status, now)  # type: ignore[index]
        steps.append(int(release["sequence"]))  # type: ignore[index]

    step("CONFIRMED", "2026-11-01T10:00:00+00:00")
    cli("set", "axed", "cancelled", "2026-11-26 18:00 Europe/London", now="2026-11-26T10:00:00+00:00")
    step("CANCELLED", "2026-11-26T12:00:00+00:00")  # an end announced ahead: the release will not come
    step("CANCELLED")  # in effect
    assert "cancelled" in str(events()["axed.release@hstrack"]["summary"])  # type: ignore[index]
    cli("unset", "axed", "cancelled", now="2026-11-27T12:00:00+00:00")
    step("CONFIRMED", "2026-11-27T12:00:01+00:00")
    cli("set", "axed", "cancelled", "2026-11-20", now="2026-11-27T12:00:02+00:00")
    step("CANCELLED", "2026-11-27T12:00:03+00:00")
    assert steps == sorted(set(steps)), steps
    new = events("2026-11-27T12:00:03+00:00")
    description = str(new["axed.release@hstrack"]["description"])  # type: ignore[index]
    assert "Cancelled: the title was cancelled (20 Nov 2026); this will not happen" in description
    assert str(new["axed.cancelled@hstrack"]["status"]) == "CONFIRMED"  # type: ignore[index]
    csv_rows = cli("export", "-f", "csv", now="2026-11-27T12:00:03+00:00").stdout.splitlines()
    rows = {r.split(",")[2]: r for r in csv_rows if r.startswith("axed,")}
    assert ",cancelled,false," in rows["release"]


def test_a_cancellation_known_only_to_a_window_cancels(cli: Cli) -> None:
    cli("add", "Maybe", "--id", "maybe")
    cli("set", "maybe", "release", "2027-03")
    cli("set", "maybe", "cancelled", "2026")
    t = titles(cli)["maybe"]
    assert (t["phase"], t["next"]) == ("cancelled", None)
    cancelled = next(m for m in t["milestones"] if m["kind"] == "cancelled")
    assert (cancelled["state"], cancelled["countdown"]) == ("past", "up to 11 months ago")
    # a window not yet open does not cancel (it is not known to have happened)
    cli("set", "maybe", "cancelled", "2027")
    assert titles(cli)["maybe"]["phase"] == "rumoured"
    assert titles(cli)["maybe"]["next"]["kind"] == "release"  # a cancellation is never "next"


def test_a_rumoured_cancellation_ends_nothing(cli: Cli) -> None:
    cli("add", "Rumour", "--id", "rumour")
    cli("set", "rumour", "release", "2027-03-01")
    cli("set", "rumour", "cancelled", "2026-11-01", "--tentative")
    t = titles(cli)["rumour"]
    assert t["phase"] != "cancelled"
    assert t["next"]["kind"] == "release"


def test_cancelled_in_the_prompt(tmp_path: Path) -> None:
    home = blank(tmp_path / "home")
    run(home, "add", "Other", "--id", "other")
    run(home, "label", "other", "OT")
    run(home, "set", "other", "release", "2027-01-01")
    run(home, "add", "Axed", "--id", "axed")
    run(home, "label", "axed", "AX")
    run(home, "set", "axed", "release", "2026-12-01")
    assert run(home, "prompt").stdout == "AX · 4d\n"
    run(home, "set", "axed", "cancelled", "2026-11-26")
    assert run(home, "prompt").stdout == "OT · 35d\n"  # the soonest of the others, never the cancelled one
    run(home, "pin", "axed")
    assert run(home, "prompt").stdout == "AX · cancelled\n"
    run(home, "pin", "axed", "release")
    assert run(home, "prompt").stdout == "AX · cancelled\n"


# ---------------------------------------------------------------------------- one answer on the day


@pytest.mark.parametrize("release", ["2026-11-27", "2026-11-27 08:00 Europe/London", "2026-11-27 20:00 Europe/London"])
def test_on_the_day_every_view_says_today(tmp_path: Path, release: str) -> None:
    home = blank(tmp_path / "home")
    run(home, "add", "Film", "--id", "film")
    run(home, "label", "film", "F")
    run(home, "set", "film", "production-start", "2026-01-05")
    run(home, "set", "film", "release", release)
    default = run(home, "countdown", "film").stdout
    named = run(home, "countdown", "film", "release").stdout
    assert default == named
    assert "today" in default
    status = json.loads(run(home, "status", "--json").stdout)["titles"]
    film = next(t for t in status if t["id"] == "film")
    assert film["next"]["kind"] == "release"
    assert film["next"]["countdown"].startswith("today")
    assert run(home, "check", "film", "--due-within", "1d").returncode == 0
    assert run(home, "prompt").stdout == "F · today\n"
    run(home, "pin", "film")
    assert run(home, "prompt").stdout == "F · today\n"
    run(home, "pin", "film", "release")
    assert run(home, "prompt").stdout == "F · today\n"
    # the first day after: every view says it is past
    after = "2026-11-28T12:00:00+00:00"
    assert "yesterday" in run(home, "countdown", "film", "release", now=after).stdout
    assert "yesterday" in run(home, "countdown", "film", now=after).stdout
    data = json.loads(run(home, "status", "--json", now=after).stdout)
    film = next(t for t in data["titles"] if t["id"] == "film")
    assert (film["next"], film["last"]["kind"], film["phase"]) == (None, "release", "released")
    assert run(home, "check", "film", "--due-within", "1d", now=after).returncode == 1
    assert run(home, "check", "film", "--released", now=after).returncode == 0
    assert run(home, "prompt", "--at", "2026-11-28").stdout == "F · released\n"


# ---------------------------------------------------------------------------- instants in the order they happen


def test_instants_are_ordered_by_when_they_happen(cli: Cli) -> None:
    """23:30 in Los Angeles on the 27th happens after 00:15 on the 28th in Chatham."""
    cli("add", "Late", "--id", "late")
    cli("set", "late", "release", "2026-12-27 23:30 America/Los_Angeles")  # 07:30 UTC on the 28th
    cli("add", "Early", "--id", "early")
    cli("set", "early", "release", "2026-12-28 00:15 Pacific/Chatham")  # 10:30 UTC on the 27th
    cli("add", "Both", "--id", "both")
    cli("set", "both", "trailer", "2026-12-27 23:30 America/Los_Angeles")
    cli("set", "both", "release", "2026-12-28 00:15 Pacific/Chatham")
    line = cli.json("timeline", "both")
    assert [m["kind"] for m in line["milestones"]] == ["release", "trailer"]
    both = titles(cli)["both"]
    assert both["next"]["kind"] == "release"
    assert cli.json("countdown", "both")["milestone"]["kind"] == "release"
    up = cli.json("upcoming", "--within", "60d")["upcoming"]
    ids = [u["title"]["id"] for u in up if u["title"]["id"] in ("late", "early")]
    assert ids == ["early", "late"]
    order = [t["id"] for t in cli.json("status")["titles"] if t["id"] in ("late", "early")]
    assert order == ["early", "late"]
    # from Tokyo, Chatham's is the 27th and Los Angeles' the 28th: the days follow the viewer
    tokyo = cli.json("upcoming", "--within", "60d", TZ="Asia/Tokyo")["upcoming"]
    days = {
        u["title"]["id"]: u["milestone"]["days_until"]["min"] for u in tokyo if u["title"]["id"] in ("late", "early")
    }
    assert days == {"early": 30, "late": 31}


# ---------------------------------------------------------------------------- hours are elapsed hours


def test_hours_are_elapsed_hours_across_a_clock_change(cli: Cli) -> None:
    """London's clocks go back at 02:00 on 25 Oct 2026: from 23:30 on the 24th, a drop at
    23:00 on the 25th is 24 h 30 min away (not 23 h 30 min, as the wall clocks suggest)."""
    now = "2026-10-24T23:30:00+01:00"
    blank(cli.home)
    cli("add", "Drop", "--id", "drop")
    cli("set", "drop", "release", "2026-10-25 23:00 Europe/London", now=now)
    cli("check", "drop", "--due-within", "24h", now=now, code=1)
    cli("check", "drop", "--due-within", "25h", now=now)
    assert cli.json("upcoming", "--within", "24h", now=now)["upcoming"] == []
    assert len(cli.json("upcoming", "--within", "25h", now=now)["upcoming"]) == 1
    # spring: 29 Mar 2026 has 23 hours; 23 real hours from midnight reach the next midnight
    # (another title: a change recorded in March, after the October one, would be backdated)
    spring = "2026-03-29T00:00:00+00:00"
    cli("add", "Spring", "--id", "spring", now=spring)
    cli("set", "spring", "release", "2026-03-30 00:00 Europe/London", now=spring)
    cli("check", "spring", "--due-within", "23h", now=spring)
    cli("check", "spring", "--due-within", "22h", now=spring, code=1)
    # --changed-since counts back in real hours too
    cli("set", "drop", "release", "2026-11-01", now="2026-10-25T00:30:00+01:00")
    later = "2026-10-25T23:45:00+00:00"  # 24 h 15 min after the change
    cli("check", "drop", "--changed-since", "24h", now=later, code=1)
    cli("check", "drop", "--changed-since", "25h", now=later)


# ---------------------------------------------------------------------------- the viewer's days


def test_gaps_and_shifts_are_counted_in_the_viewers_days(cli: Cli) -> None:
    """An instant at 23:30 in Los Angeles is the next day in London: gaps and shifts count
    London's days, as days_until and the calendar do."""
    cli("add", "Film", "--id", "film")
    cli("set", "film", "production-end", "2026-12-01")
    cli("set", "film", "release", "2026-12-10 23:30 America/Los_Angeles")  # the 11th in London
    line = cli.json("timeline", "film")
    assert line["milestones"][1]["gap_days"] == {"min": 10, "max": 10}
    assert line["milestones"][1]["days_until"] == {"min": 14, "max": 14}
    cli("set", "film", "release", "2026-12-12")
    assert cli.json("history", "film")["history"][-1]["shift_days"] == {"earliest": 1, "latest": 1}
    in_la = cli.json("timeline", "film", TZ="America/Los_Angeles")
    assert in_la["milestones"][1]["gap_days"] == {"min": 11, "max": 11}


# ---------------------------------------------------------------------------- iCalendar zones


def unfold(text: str) -> list[str]:
    return re.sub(r"\r?\n[ \t]", "", text).splitlines()


def read_vtimezones(text: str) -> dict[str, list[tuple[datetime, timedelta]]]:
    """Every VTIMEZONE's changes, read as RFC 5545 says (independently of icalendar): each
    DTSTART and RDATE is a local time in the observance's TZOFFSETFROM."""
    zones: dict[str, list[tuple[datetime, timedelta]]] = {}
    tzid = None
    observance: dict[str, list[str]] = {}
    for line in unfold(text):
        name, _, value = line.partition(":")
        name = name.split(";")[0]
        if line == "BEGIN:VTIMEZONE":
            tzid = None
        elif name == "TZID" and tzid is None and observance == {}:
            tzid = value
            zones[tzid] = []
        elif line in ("BEGIN:STANDARD", "BEGIN:DAYLIGHT"):
            observance = {}
        elif line in ("END:STANDARD", "END:DAYLIGHT"):
            assert tzid is not None

            def offset(raw: str) -> timedelta:
                sign = -1 if raw[0] == "-" else 1
                return sign * timedelta(hours=int(raw[1:3]), minutes=int(raw[3:5]))

            before, after = offset(observance["TZOFFSETFROM"][0]), offset(observance["TZOFFSETTO"][0])
            stamps = observance["DTSTART"] + [s for r in observance.get("RDATE", []) for s in r.split(",")]
            for stamp in stamps:
                local = datetime.strptime(stamp, "%Y%m%dT%H%M%S")
                zones[tzid].append(((local - before).replace(tzinfo=UTC), after))
            observance = {}
        elif tzid is not None and name in ("DTSTART", "RDATE", "TZOFFSETFROM", "TZOFFSETTO"):
            observance.setdefault(name, []).append(value)
    return {key: sorted(changes) for key, changes in zones.items()}


@pytest.mark.parametrize(
    "zone",
    ["America/New_York", "Europe/London", "Australia/Sydney", "America/Sao_Paulo", "Australia/Adelaide",
     "Asia/Kolkata", "Pacific/Chatham", "Asia/Kathmandu", "Australia/Lord_Howe", "America/St_Johns"],
)  # fmt: skip
def test_ics_time_zones_describe_every_change_truly(cli: Cli, zone: str) -> None:
    cli("add", "Drop", "--id", "drop")
    cli("set", "drop", "release", f"2027-06-15 08:00 {zone}")
    cli("set", "drop", "trailer", f"2026-12-24 18:30 {zone}")
    changes = read_vtimezones(cli("export", "-f", "ics").stdout)[zone]
    tz = ZoneInfo(zone)
    first, last = changes[0][0], datetime(2029, 1, 1, tzinfo=UTC)
    # every change zoneinfo knows between the first and last, at the same instant and offset
    moment, offset = first, first.astimezone(tz).utcoffset()
    known = []
    while moment < last:
        moment += timedelta(minutes=15)
        now = moment.astimezone(tz).utcoffset()
        if now != offset:
            known.append((moment, now))
            offset = now
    written = [(at, after) for at, after in changes[1:] if at < last]
    assert [(at.astimezone(UTC), after) for at, after in known] == written
    # and the offset in force at any moment, read from the file, is zoneinfo's
    for hours in range(0, 2 * 365 * 24, 7):
        probe = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=hours)
        in_force = [after for at, after in changes if at <= probe]
        assert in_force[-1] == probe.astimezone(tz).utcoffset(), (zone, probe)


def test_new_york_spring_change_is_at_two_in_the_morning(cli: Cli) -> None:
    """The case the issue names: 2 a.m. EST is 07:00 UTC (icalendar wrote 03:00, 08:00 UTC)."""
    cli("add", "Drop", "--id", "drop")
    cli("set", "drop", "release", "2026-10-03 08:00 America/New_York")
    text = "\n".join(unfold(cli("export", "-f", "ics").stdout))
    daylight = text[text.index("BEGIN:DAYLIGHT") : text.index("END:DAYLIGHT")]
    assert "20260308T020000" in daylight
    assert "TZOFFSETFROM:-0500" in daylight


# ---------------------------------------------------------------------------- premiere, re-setting a date


def test_premiere_is_not_the_release(cli: Cli) -> None:
    cli("add", "Film", "--id", "film")
    cli("set", "film", "release", "2027-03-01")
    cli("set", "film", "premiere", "2026-09-05")
    t = titles(cli)["film"]
    assert {m["kind"]: m["date"] for m in t["milestones"]} == {"premiere": "2026-09-05", "release": "2027-03-01"}
    assert t["phase"] != "released"
    assert t["release"]["date"] == "2027-03-01"


def test_setting_the_same_date_keeps_what_was_not_given(cli: Cli) -> None:
    cli("add", "Film", "--id", "film")
    cli("set", "film", "release", "2027-03-01", "--tentative", "--note", "per a trade", "--source", "a")
    cli("set", "film", "release", "2027-03-01", "--source", "https://example.org/b")
    m = titles(cli)["film"]["release"]
    assert (m["tentative"], m["note"], m["source"]) == (True, "per a trade", "https://example.org/b")
    cli("set", "film", "release", "--firm")  # no date: firm it up as it is
    m = titles(cli)["film"]["release"]
    assert (m["tentative"], m["date"]) == (False, "2027-03-01")
    assert cli.json("history", "film")["history"][-1]["summary"] == "release confirmed (1 Mar 2027)"
    cli("set", "film", "release", "--no-source", "--no-note")
    m = titles(cli)["film"]["release"]
    assert (m["source"], m["note"]) == (None, None)
    cli("set", "film", "release", "--source", "x", "--no-source", code=2)
    cli("set", "film", "release", "--tentative", "--firm", code=2)
    cli("set", "film", "trailer", "--firm", code=2)  # no date to keep
    # a new date replaces source, note and the flag
    cli("set", "film", "release", "2027-03-01", "--note", "n", "--tentative")
    cli("set", "film", "release", "2027-04-01")
    m = titles(cli)["film"]["release"]
    assert (m["tentative"], m["note"]) == (False, None)


# ---------------------------------------------------------------------------- mistakes are not data


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (("set", "film", "relase", "2027"), "did you mean release?"),
        (("set", "film", "premire", "2027"), "did you mean premiere?"),
        (("set", "film", "traler", "2027"), "did you mean trailer?"),
        (("set", "film", "teasr", "2027"), "did you mean teaser?"),  # a kind the title already has
        (("unset", "film", "relase"), "did you mean release?"),
        (("countdown", "film", "relase"), "did you mean release?"),
        (("pin", "film", "relase"), "did you mean release?"),
        (("upcoming", "--milestone", "relese"), "did you mean release?"),
        (("check", "film", "--reached", "relese"), "did you mean release?"),
        (("check", "film", "--has-date", "teasr"), "did you mean teaser?"),
        (("show", "flim"), "did you mean film?"),
    ],
)
def test_a_typo_is_a_usage_error_that_names_what_was_meant(cli: Cli, args: tuple[str, ...], hint: str) -> None:
    cli("add", "Film", "--id", "film")
    cli("set", "film", "release", "2027-03-01")
    cli("set", "film", "teaser", "2027-01", "--new")
    before = cli.store.read_bytes()
    result = cli(*args, code=2)
    assert hint in result.stderr
    assert result.stdout == ""
    assert cli.store.read_bytes() == before


def test_a_kind_of_your_own_needs_new(cli: Cli) -> None:
    cli("add", "Film", "--id", "film")
    refused = cli("set", "film", "table-read", "2027-01-10", code=2)
    assert "--new" in refused.stderr
    cli("set", "film", "table-read", "2027-01-10", "--new")
    cli("set", "film", "table-read", "2027-01-11")  # known to the title now
    assert cli.json("upcoming", "--milestone", "table-read", "--within", "1y")["upcoming"][0]["milestone"]["kind"] == (
        "table-read"
    )


def test_an_unknown_id_gets_the_closest_ids_never_a_cut_list(cli: Cli) -> None:
    for i in range(30):
        cli("add", f"Show {i:02d}", "--id", f"show-{i:02d}")
    cli("add", "Zebra crossing", "--id", "zebra-crossing")
    result = cli("show", "zebra-crosing", code=2)
    assert "did you mean zebra-crossing?" in result.stderr
    assert "show-00" not in result.stderr
    far = cli("show", "nothing-like-it", code=2)
    assert "hstrack status lists" in far.stderr


def test_ids_from_non_latin_names(cli: Cli) -> None:
    refused = cli("add", "סדרה 2", code=2)
    assert "--id" in refused.stderr
    cli("add", "סדרה 2", "--id", "sidra-2")
    cli("add", "Amélie")
    cli("add", "Ørsted")
    assert {"sidra-2", "amelie", "orsted"} <= set(titles(cli))


def test_zone_abbreviations_are_refused_with_the_zone_meant(cli: Cli) -> None:
    cli("add", "Film", "--id", "film")
    for value, zone in (
        ("2027-07-04 20:00 EST", "America/New_York"),
        ("2027-07-04 20:00 CET", "Europe/Paris"),
        ("2027-07-04 20:00 PDT", "America/Los_Angeles"),
        ("2027-07-04 20:00 BST", "Europe/London"),
    ):
        result = cli("set", "film", "release", value, code=2)
        assert zone in result.stderr, value
    for value, offset in (("2027-07-04 20:00 +05:30", "+05:30"), ("2027-07-04T20:00+05:45", "+05:45"),
                          ("2027-07-04 20:00 UTC", "+00:00"), ("2027-07-04 20:00 GMT", "+00:00"),
                          ("2027-07-04 20:00 Z", "+00:00")):  # fmt: skip
        cli("set", "film", "release", value)
        assert titles(cli)["film"]["release"]["earliest"].endswith(offset), value


# ---------------------------------------------------------------------------- merges never lose newer facts


def test_merging_an_older_export_keeps_newer_facts(early: Cli, tmp_path: Path) -> None:
    film = "heartstopper-film"
    old_export = tmp_path / "old.json"
    old_export.write_text(early("export", now="2026-01-01T12:00:00+00:00").stdout)
    early("set", film, "release", "2027-02-14", "--source", "https://example.org/date", now="2026-06-01T12:00:00+00:00")
    doc = json.loads(early.store.read_text())
    # a file without the platform, credits and synopsis must not empty them
    data = json.loads(old_export.read_text())
    for t in data["titles"]:
        t.pop("platform", None)
        t.pop("credits", None)
        t["synopsis"] = None
    old_export.write_text(json.dumps(data))
    result = early("import", str(old_export))
    after = json.loads(early.store.read_text())
    assert after["titles"] == doc["titles"]  # nothing reverted, nothing emptied
    assert "kept" in result.stderr
    assert "release 14 Feb 2027 (the store's is newer or as new; the file says TBA)" in result.stderr
    # a newer export of someone else's change is taken, and recorded
    newer = json.loads(early("export").stdout)
    film_json = next(t for t in newer["titles"] if t["id"] == film)
    change = {"recorded": "2026-09-01T12:00:00+00:00", "milestone": "release",
              "old": {"date": "2027-02-14", "tentative": False, "source": "https://example.org/date", "note": None},
              "new": {"date": "2027-03-01", "tentative": False, "source": "https://example.org/later",
                      "note": None}}  # fmt: skip
    film_json["history"].append(change)
    for m in film_json["milestones"]:
        if m["kind"] == "release":
            m.update(date="2027-03-01", source="https://example.org/later")
    (tmp_path / "newer.json").write_text(json.dumps(newer))
    taken = early("import", str(tmp_path / "newer.json"))
    assert "took release 1 Mar 2027 (was 14 Feb 2027)" in taken.stderr
    history = early.json("history", film)["history"]
    assert history[-1]["summary"] == "release moved 15 days later (14 Feb 2027 → 1 Mar 2027)"
    recorded = [h["recorded"] for h in history]
    assert recorded == sorted(recorded)  # history in recorded order


def test_history_is_listed_in_recorded_order(cli: Cli, tmp_path: Path) -> None:
    cli("add", "Film", "--id", "film")
    cli("set", "film", "release", "2027", now="2026-05-01T12:00:00+00:00")
    data = json.loads(cli("export").stdout)
    t = data["titles"][0]
    t["history"].insert(0, {"recorded": "2026-07-01T12:00:00+02:00", "milestone": "trailer", "old": None,
                            "new": {"date": "2027-01", "tentative": False, "source": None, "note": None}})  # fmt: skip
    cli.store.write_text(json.dumps(data))
    rows = cli.json("history", "film")["history"]
    assert [r["milestone"] for r in rows] == ["release", "trailer"]


# ---------------------------------------------------------------------------- the prompt's own options


def test_the_prompt_honours_its_options(tmp_path: Path) -> None:
    home = blank(tmp_path / "home")
    run(home, "add", "Film", "--id", "film")
    run(home, "label", "film", "F")
    run(home, "set", "film", "release", "2026-12-07")
    assert run(home, "prompt").stdout == "F · 10d\n"
    assert run(home, "prompt", "--at", "2026-12-01").stdout == "F · 6d\n"
    assert run(home, "--at", "2026-12-01", "prompt").stdout == "F · 6d\n"
    assert run(home, "prompt", "--at=2026-12-07T23:00:00+00:00").stdout == "F · today\n"
    assert run(home, "prompt").stdout == "F · 10d\n"  # --at wrote nothing the next prompt sees
    helped = run(home, "prompt", "--help")
    assert helped.returncode == 0
    assert "--format" in helped.stdout
    assert "--at" in helped.stdout
    assert run(home, "prompt", "--at", "+5d").stdout == "F · 5d\n"  # 2 Dec, from HSTRACK_NOW
    assert run(home, "prompt", "--at", "Dec 6 2026").stdout == "F · 1d\n"
    for args, says in ((("prompt", "--at", "someday"), "cannot read time"),
                       (("prompt", "--format", "{label} {nope}"), "unknown placeholder {nope}"),
                       (("prompt", "--colour"), "no such option"),
                       (("prompt", "--width", "wide"), "--width"),
                       (("--at", "soon", "prompt"), "cannot read time")):  # fmt: skip
        result = run(home, *args)
        assert result.returncode == 2, args
        assert says in result.stderr, args
        assert result.stdout == ""
        assert "Traceback" not in result.stderr


def test_hstrack_now_with_an_offset_is_read_on_the_viewers_calendar(tmp_path: Path) -> None:
    """23:30 in Los Angeles on the 27th is the 28th in London, where the viewer is."""
    home = blank(tmp_path / "home")
    run(home, "add", "Film", "--id", "film")
    run(home, "label", "film", "F")
    run(home, "set", "film", "release", "2026-12-08")
    assert run(home, "prompt", now="2026-11-27T23:30:00-08:00").stdout == "F · 10d\n"
    assert run(home, "prompt", now="2026-11-27").stdout == "F · 11d\n"


# ---------------------------------------------------------------------------- small ones


def test_export_to_dash_is_stdout(cli: Cli, tmp_path: Path) -> None:
    cli("status")
    assert cli("export", "-o", "-").stdout == cli("export").stdout
    assert not (Path.cwd() / "-").exists()


def test_hours_are_spelled_one_way(cli: Cli) -> None:
    cli("add", "Drop", "--id", "drop")
    cli("set", "drop", "release", "2026-11-27 19:03 Europe/London")
    table = " ".join(cli("status", COLUMNS="120").stdout.split())
    sentence = cli("countdown", "drop").stdout
    assert "today, in 7 h 03 min" in table
    assert "today, in 7 h 03 min" in sentence
    assert "hour" not in table + sentence


def test_no_color_means_no_colour_and_the_same_text(tmp_path: Path) -> None:
    """NO_COLOR (no-color.org) asks for no colour: a terminal still gets bold and the like;
    TERM=dumb or a pipe get no escape codes at all."""
    import pty

    home = tmp_path / "home"
    run(home, "status")

    def on_a_terminal(**env: str) -> bytes:
        parent, child = pty.openpty()
        environment = {"PATH": os.environ["PATH"], "HSTRACK_HOME": str(home), "HSTRACK_NOW": NOW,
                       "TZ": "Europe/London", "LANG": "C.UTF-8", "COLUMNS": "100", **env}  # fmt: skip
        process = subprocess.Popen([str(SCRIPT), "status"], stdout=child, stderr=child, env=environment)
        os.close(child)
        out = b""
        while True:
            try:
                chunk = os.read(parent, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        process.wait(timeout=60)
        os.close(parent)
        return out

    colour = re.compile(rb"\x1b\[[0-9;]*(?:3[0-7]|9[0-7]|38;[0-9;]+|4[0-7]|10[0-7]|48;[0-9;]+)m")
    coloured = on_a_terminal(TERM="xterm-256color", NO_COLOR="")
    plain = on_a_terminal(TERM="xterm-256color", NO_COLOR="1")
    dumb = on_a_terminal(TERM="dumb")
    assert colour.search(coloured)
    assert not colour.search(plain)
    strip = re.compile(rb"\x1b\[[0-9;]*m")
    assert strip.sub(b"", plain) == strip.sub(b"", coloured)
    assert b"\x1b" not in dumb
    assert b"Heartstopper" in dumb


def test_the_store_a_new_user_gets_is_current(tmp_path: Path) -> None:
    home = tmp_path / "home"
    status = json.loads(run(home, "status", "--json").stdout)
    film = next(t for t in status["titles"] if t["id"] == "heartstopper-film")
    assert (film["name"], film["phase"]) == ("Heartstopper Forever", "released")
    assert {m["kind"]: m["date"] for m in film["milestones"]} == {
        "announced": "2025-04", "production-start": "2025-06-09", "production-end": "2025-07-27",
        "release": "2026-07-17",
    }  # fmt: skip
    assert all(m["source"] for m in film["milestones"])
    history = json.loads(run(home, "history", "heartstopper-film", "--json").stdout)["history"]
    assert history[-1]["summary"] == "release firmed up from H2 2026 to 17 Jul 2026"
    assert history[-1]["new"]["note"].startswith("Tertiary sources only")
    season = next(t for t in status["titles"] if t["id"] == "heartstopper-s3")
    assert season["release"]["date"] == "2024-10-03"
    shown = json.loads(run(home, "show", "heartstopper-film", "--json").stdout)["title"]
    assert shown["credits"]["Director"] == ["Wash Westmoreland"]
    assert date.fromisoformat(film["release"]["latest"]) == date(2026, 7, 17)
