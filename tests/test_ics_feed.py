"""Calendar feeds people subscribe to (issue 29, item 3): `export --format ics` with
--all-day, --refresh (RFC 7986 REFRESH-INTERVAL and X-PUBLISHED-TTL), --kind, --milestone,
--episodes, --past and --future, every file read back with icalendar."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from .conftest import NOW, Cli

TODAY = date(2026, 11, 27)  # NOW in London


def dated(kind: str, day: str, note: str | None = None) -> dict[str, Any]:
    return {"kind": kind, "date": day, "tentative": False, "source": None, "note": note}


STORE = {
    "schema": 1,
    "titles": [
        {"id": "big-film", "name": "Big Film", "kind": "film", "history": [],
         # 20:00 in Los Angeles on 4 December is 04:00 on 5 December in London
         "milestones": [dated("release", "2026-12-04T20:00:00[America/Los_Angeles]"),
                        dated("premiere", "2026-10-01"), dated("trailer", "2027-Q2")]},
        {"id": "harbour-lights", "name": "Harbour Lights", "kind": "series", "history": [],
         "milestones": [dated("release", "2024-10-21"), dated("episode", "2026-11-30", "S2E05"),
                        dated("mid-season-finale", "2026-11-16", "S2E04 Winter Falls"),
                        dated("season-finale", "2027-01-25", "S2E08 The Last Light")]},
    ],
}  # fmt: skip


@pytest.fixture
def store(cli: Cli) -> Cli:
    cli.home.mkdir(parents=True, exist_ok=True)
    cli.store.write_text(json.dumps(STORE))
    return cli


def feed(cli: Cli, *options: str) -> Calendar:
    return Calendar.from_ical(cli("export", "--format", "ics", *options).stdout)


def events(cal: Calendar) -> dict[str, Any]:
    """Each event's title id and milestone kind -> its DTSTART value."""
    out = {}
    for event in cal.walk("VEVENT"):
        uid = str(event["UID"])
        title = next(t["id"] for t in STORE["titles"] if str(event["SUMMARY"]).startswith(t["name"]))
        out[f"{title} {event['CATEGORIES'].cats[0]}"] = event.decoded("DTSTART")
        assert uid.endswith("@hstrack")
    return out


def test_by_default_a_series_gives_its_premieres_and_finales_and_no_refresh_hint(store: Cli) -> None:
    cal = feed(store)
    assert set(events(cal)) == {"big-film release", "big-film premiere", "big-film trailer",
                                "harbour-lights release", "harbour-lights mid-season-finale",
                                "harbour-lights season-finale"}  # fmt: skip
    assert "REFRESH-INTERVAL" not in cal
    assert "X-PUBLISHED-TTL" not in cal
    finale = next(e for e in cal.walk("VEVENT") if "S2E08" in str(e["SUMMARY"]))
    assert str(finale["SUMMARY"]) == "Harbour Lights: season finale S2E08"
    assert finale.decoded("DTSTART") == date(2027, 1, 25)  # a day, never an invented time
    assert "harbour-lights episode" in events(feed(store, "--episodes"))


@pytest.mark.parametrize(("span", "duration", "ttl"), [("1d", timedelta(days=1), "P1D"),
                                                       ("12h", timedelta(hours=12), "PT12H"),
                                                       ("2w", timedelta(weeks=2), "P2W"),
                                                       ("1H", timedelta(hours=1), "PT1H")])  # fmt: skip
def test_the_refresh_hint_is_rfc_7986_s_with_outlook_s_beside_it(
    store: Cli, span: str, duration: timedelta, ttl: str
) -> None:
    raw = store("export", "--format", "ics", "--refresh", span).stdout
    cal = Calendar.from_ical(raw)
    assert cal.decoded("REFRESH-INTERVAL") == duration
    assert "REFRESH-INTERVAL;VALUE=DURATION:" in raw
    assert str(cal["X-PUBLISHED-TTL"]) == ttl
    assert raw.index("X-PUBLISHED-TTL") < raw.index("BEGIN:VEVENT")


@pytest.mark.parametrize("bad", ["0d", "1m", "5w", "d", "1.5d", "１d", "-1d", "99999h"])
def test_a_refresh_that_is_no_span_is_refused(store: Cli, bad: str) -> None:
    assert "--refresh" in store("export", "--format", "ics", "--refresh", bad, code=2).stderr


def test_all_day_writes_a_set_time_as_its_day_where_you_are(store: Cli) -> None:
    timed = feed(store)
    assert events(timed)["big-film release"] == datetime.fromisoformat("2026-12-04T20:00:00-08:00")
    assert timed.walk("VTIMEZONE")
    days = feed(store, "--all-day")
    release = next(e for e in days.walk("VEVENT") if str(e["CATEGORIES"].cats[0]) == "release"
                   and str(e["SUMMARY"]).startswith("Big"))  # fmt: skip
    assert release.decoded("DTSTART") == date(2026, 12, 5)  # 04:00 on the 5th in London
    assert release.decoded("DTEND") == date(2026, 12, 6)
    assert not days.walk("VTIMEZONE")
    assert all(type(e.decoded("DTSTART")) is date for e in days.walk("VEVENT"))
    with_tz = Calendar.from_ical(store("export", "--format", "ics", "--all-day", TZ="America/Los_Angeles").stdout)
    assert events(with_tz)["big-film release"] == date(2026, 12, 4)


def test_one_feed_per_kind_of_title_or_milestone(store: Cli) -> None:
    assert set(events(feed(store, "--kind", "series"))) == {
        "harbour-lights release", "harbour-lights mid-season-finale", "harbour-lights season-finale"}  # fmt: skip
    assert set(events(feed(store, "--milestone", "premiere", "--milestone", "season-finale"))) == {
        "big-film premiere", "harbour-lights season-finale"}  # fmt: skip
    assert set(events(feed(store, "--milestone", "episode"))) == {"harbour-lights episode"}
    assert set(events(feed(store, "--kind", "film", "--milestone", "season-finale"))) == set()
    assert "not a kind of title" in store("export", "--format", "ics", "--kind", "movies", code=2).stderr
    assert "no title has a milestone" in store("export", "--format", "ics", "--milestone", "finale", code=2).stderr
    assert "calendar feed" in store("export", "--format", "csv", "--kind", "film", code=2).stderr
    assert "--all-day" in store("export", "--all-day", code=2).stderr  # JSON is the store itself


def _kept(day: date, past: int | None, future: int | None, last: date | None = None) -> bool:
    last = last or day
    return (past is None or last >= TODAY - timedelta(days=past)) and (
        future is None or day <= TODAY + timedelta(days=future)
    )


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(past=st.none() | st.integers(0, 800), future=st.none() | st.integers(0, 800))
def test_past_and_future_keep_what_touches_the_days_between(store: Cli, past: int | None, future: int | None) -> None:
    options = [*(["--past", str(past)] if past is not None else []),
               *(["--future", str(future)] if future is not None else []), "--episodes"]  # fmt: skip
    got = set(events(feed(store, *options)))
    expected = {
        "big-film release": _kept(date(2026, 12, 5), past, future),
        "big-film premiere": _kept(date(2026, 10, 1), past, future),
        "big-film trailer": _kept(date(2027, 4, 1), past, future, date(2027, 6, 30)),
        "harbour-lights release": _kept(date(2024, 10, 21), past, future),
        "harbour-lights episode": _kept(date(2026, 11, 30), past, future),
        "harbour-lights mid-season-finale": _kept(date(2026, 11, 16), past, future),
        "harbour-lights season-finale": _kept(date(2027, 1, 25), past, future),
    }
    assert got == {k for k, kept in expected.items() if kept}, (past, future)


def test_now_is_the_clock_the_bounds_count_from(store: Cli) -> None:
    assert NOW.startswith("2026-11-27")
    later = store("export", "--format", "ics", "--past", "0", "--future", "0", now="2027-01-25T09:00:00+00:00")
    assert set(events(Calendar.from_ical(later.stdout))) == {"harbour-lights season-finale"}
