"""The core's edges, as tables of cases: windows that open or close exactly today or at a
span's end, every refusal path, inputs at the accepted ranges' ends, every phrase, sorts
fed out of order. Written against the rules in the README; the mutation run
(``tools/mutate.py``) is what showed where these were missing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from hstrack.core.checks import Condition, evaluate, validate
from hstrack.core.dates.grammar import parse_canonical, parse_date
from hstrack.core.dates.spans import read_span, span_end, span_start
from hstrack.core.dates.spec import DateError, Precision
from hstrack.core.errors import UsageError
from hstrack.core.kinds import milestone_rank
from hstrack.core.model.document import Document
from hstrack.core.model.history import Change
from hstrack.core.model.milestone import Milestone
from hstrack.core.model.reading import document_from_json
from hstrack.core.model.shape import ShapeError
from hstrack.core.model.title import Title, unknown_title
from hstrack.core.model.validation import (
    MAX_LABEL,
    check_filter_kind,
    check_name,
    check_slug,
    check_text,
    normalize_milestone,
    resolve_milestone,
    slugify,
)
from hstrack.core.report.assess import assess, is_today, time_key
from hstrack.core.report.history import history, recorded_order
from hstrack.core.report.rows import Countdown, TimelineRow, countdown, timeline, upcoming
from hstrack.core.report.titles import report_title, status_report
from hstrack.core.suggest import close_matches
from hstrack.core.text import ago, ago_range, hours_minutes, span, span_range, until, until_range

LONDON = ZoneInfo("Europe/London")


def at(stamp: str, tz: ZoneInfo = LONDON) -> datetime:
    return datetime.fromisoformat(stamp).replace(tzinfo=tz)


def m(kind: str, when: str, tentative: bool = False) -> Milestone:
    return Milestone(kind, parse_date(when), tentative=tentative)


def title(tid: str = "t", name: str = "T", **milestones: str) -> Title:
    t = Title(id=tid, name=name, kind="film")
    for kind, when in milestones.items():
        kind = kind.replace("_", "-")
        t.milestones[kind] = m(kind, when.lstrip("~"), tentative=when.startswith("~"))
    return t


# ---------------------------------------------------------------------------- dates: forms


@pytest.mark.parametrize(
    ("value", "canonical", "text"),
    [
        ("TBD", "TBA", "TBA"), ("tbc", "TBA", "TBA"), ("Unknown", "TBA", "TBA"),
        ("  Q3    2026 ", "2026-Q3", "Q3 2026"), ("q3 2026", "2026-Q3", "Q3 2026"), ("2026q3", "2026-Q3", "Q3 2026"),
        ("2026 Q1", "2026-Q1", "Q1 2026"), ("Q4-2026", "2026-Q4", "Q4 2026"), ("Q2 2026", "2026-Q2", "Q2 2026"),
        ("h1 2026", "2026-H1", "H1 2026"), ("2026-H2", "2026-H2", "H2 2026"), ("2026 h1", "2026-H1", "H1 2026"),
        ("AUTUMN 2026", "autumn 2026", "autumn 2026"), ("fall 2026", "autumn 2026", "autumn 2026"),
        ("spring 2026", "spring 2026", "spring 2026"), ("summer 2026", "summer 2026", "summer 2026"),
        ("winter 2026", "winter 2026", "winter 2026/27"), ("winter 2026/2027", "winter 2026", "winter 2026/27"),
        ("winter 2099/00", "winter 2099", "winter 2099/00"),
        ("2026-01", "2026-01", "January 2026"), ("2026-12", "2026-12", "December 2026"),
        ("Sept 2026", "2026-09", "September 2026"), ("Oct. 2026", "2026-10", "October 2026"),
        ("oct 2026", "2026-10", "October 2026"),
        ("1000", "1000", "1000"), ("9998", "9998", "9998"), ("winter 9998", "winter 9998", "winter 9998/99"),
        ("2028-02-29", "2028-02-29", "29 Feb 2028"), ("3rd October 2026", "2026-10-03", "3 Oct 2026"),
        ("Saturday, 3 October 2026", "2026-10-03", "3 Oct 2026"), ("Sat 3 Oct 2026", "2026-10-03", "3 Oct 2026"),
        ("Oct 3, 2026", "2026-10-03", "3 Oct 2026"), ("October 3rd, 2026", "2026-10-03", "3 Oct 2026"),
        ("3-Oct-2026", "2026-10-03", "3 Oct 2026"), ("Sat, October 3rd, 2026", "2026-10-03", "3 Oct 2026"),
        ("1 Jan 1000", "1000-01-01", "1 Jan 1000"), ("31 Dec 9998", "9998-12-31", "31 Dec 9998"),
    ],
)  # fmt: skip
def test_typed_forms(value: str, canonical: str, text: str) -> None:
    spec = parse_date(value)
    assert (spec.canonical, spec.text) == (canonical, text)
    assert parse_canonical(canonical) == spec
    assert parse_date(canonical) == spec


@pytest.mark.parametrize(
    ("value", "earliest", "latest"),
    [
        ("2026-H1", "2026-01-01", "2026-06-30"), ("2026-H2", "2026-07-01", "2026-12-31"),
        ("2026-Q1", "2026-01-01", "2026-03-31"), ("2026-Q2", "2026-04-01", "2026-06-30"),
        ("2026-Q4", "2026-10-01", "2026-12-31"), ("spring 2026", "2026-03-01", "2026-05-31"),
        ("summer 2026", "2026-06-01", "2026-08-31"), ("autumn 2026", "2026-09-01", "2026-11-30"),
        ("winter 2027", "2027-12-01", "2028-02-29"), ("2028-02", "2028-02-01", "2028-02-29"),
        ("2027-02", "2027-02-01", "2027-02-28"), ("2026-04", "2026-04-01", "2026-04-30"),
    ],
)  # fmt: skip
def test_windows_and_their_canonical_reading(value: str, earliest: str, latest: str) -> None:
    for spec in (parse_date(value), parse_canonical(value), parse_canonical(parse_date(value).canonical)):
        assert (spec.earliest, spec.latest) == (date.fromisoformat(earliest), date.fromisoformat(latest))
        assert spec.window_iso == (earliest, latest)
        assert not spec.is_exact
        assert not spec.is_tba
        assert spec.local_window(ZoneInfo("Asia/Tokyo")) == (spec.earliest, spec.latest)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2026-00", "month must be 01 to 12"), ("2026-13", "month"), ("0999-10-03", "year"), ("9999-01-01", "year"),
        ("winter 9999", "year"), ("Q0 2026", None), ("H0 2026", None), ("autumn 2026/27", "winter"),
        ("winter 2026/26", "winter"), ("winter 2026/2028", "winter"),
        ("Sunday 3 October 2026", "Saturday"), ("Sun, October 3rd, 2026", "Saturday"),
        ("30 February 2026", "day is out of range"), ("2026-10-03 08:00 EST", "America/New_York"),
        ("2026-10-03 08:00 ist", "Asia/Kolkata"), ("2026-10-03 08:00 CEST", "Europe/Paris"),
        ("2026-10-03 08:00 Japan", "not an IANA zone"), ("2026-10-03 08:00 Etc/GMT+5", "inverted"),
        ("2026-10-03 08:00 EST5EDT", "America/New_York"), ("2026-10-03 08:00 +24:00", "out of range"),
        ("2026-10-03 08:00 +05:60", "minutes"), ("2026-10-03T08:00+0560", "minutes"),
        ("2026-10-03 08:00 Nowhere/Land", "unknown time zone"), ("3 Oct 2026 08:00", "needs a zone"),
        ("2026-10 08:00 UTC", "full date"), ("2026-10-03 8:61 UTC", "no such time"),
        ("0999-10-03T08:00Z", "year"), ("9999-10-03T08:00Z", "year"),
        ("2026-10-03T08:00:00+01:00[Mars/Base]", "unknown time zone"), ("2026-13-03T08:00:00[Europe/London]", None),
        ("October 3rd", None), ("3rd October 2026 at 8pm", None),
    ],
)  # fmt: skip
def test_refusals_say_why(value: str, reason: str | None) -> None:
    with pytest.raises(DateError) as caught:
        parse_date(value)
    assert repr(value[:57]) in caught.value.message or value[:20] in caught.value.message
    if reason:
        assert reason in caught.value.message


def test_a_long_value_is_shortened_in_the_message() -> None:
    with pytest.raises(DateError) as caught:
        parse_date("x" * 100)
    assert "'" + "x" * 57 + "...'" in caught.value.message


@pytest.mark.parametrize(
    ("value", "utc", "text", "zone"),
    [
        ("2026-10-03 08:00 +05:30", "2026-10-03T02:30:00+00:00", "3 Oct 2026 08:00 UTC+05:30", None),
        ("2026-10-03 08:00 +0545", "2026-10-03T02:15:00+00:00", "3 Oct 2026 08:00 UTC+05:45", None),
        ("2026-10-03 08:00 -03:30", "2026-10-03T11:30:00+00:00", "3 Oct 2026 08:00 UTC-03:30", None),
        ("2026-10-03 08:00 UTC+1", "2026-10-03T07:00:00+00:00", "3 Oct 2026 08:00 UTC+01:00", None),
        ("2026-10-03 08:00 gmt-7", "2026-10-03T15:00:00+00:00", "3 Oct 2026 08:00 UTC-07:00", None),
        ("2026-10-03 08:00 Z", "2026-10-03T08:00:00+00:00", "3 Oct 2026 08:00 UTC", None),
        ("2026-10-03 08:00 GMT", "2026-10-03T08:00:00+00:00", "3 Oct 2026 08:00 UTC", None),
        ("2026-10-03 8:00 Asia/Kathmandu", "2026-10-03T02:15:00+00:00", "3 Oct 2026 08:00 Asia/Kathmandu",
         "Asia/Kathmandu"),
        ("2026-10-03 08:00:30 Pacific/Chatham", "2026-10-02T18:15:30+00:00", "3 Oct 2026 08:00 Pacific/Chatham",
         "Pacific/Chatham"),
        ("Oct 3, 2026 08:00 Europe/London", "2026-10-03T07:00:00+00:00", "3 Oct 2026 08:00 Europe/London",
         "Europe/London"),
        ("2026-10-03T08:00:00+01:00[Europe/London]", "2026-10-03T07:00:00+00:00", "3 Oct 2026 08:00 Europe/London",
         "Europe/London"),
        ("2026-10-03T08:00:00-05:00[EST]", "2026-10-03T13:00:00+00:00", "3 Oct 2026 08:00 EST", "EST"),
    ],
)  # fmt: skip
def test_instants_in_offsets_and_zones(value: str, utc: str, text: str, zone: str | None) -> None:
    # A legacy name such as EST is refused when typed but read from a store written before.
    spec = parse_canonical(value) if zone == "EST" else parse_date(value)
    assert spec.precision is Precision.INSTANT
    assert spec.at is not None
    assert spec.at.astimezone(UTC) == datetime.fromisoformat(utc)
    assert (spec.text, spec.zone) == (text, zone)
    assert spec.is_exact
    assert spec.window_iso == (spec.at.isoformat(), spec.at.isoformat())
    assert parse_canonical(spec.canonical) == spec
    tokyo = spec.local_window(ZoneInfo("Asia/Tokyo"))
    assert tokyo == (spec.at.astimezone(ZoneInfo("Asia/Tokyo")).date(),) * 2


def test_the_legacy_zone_names_are_refused_typed() -> None:
    with pytest.raises(DateError, match="America/New_York"):
        parse_date("2026-10-03T08:00:00-05:00[EST]")


def test_an_offset_beside_a_zone_picks_the_repeated_hour_or_is_refused() -> None:
    """On the night clocks go back, 01:30 happens twice; the offset says which."""
    first = parse_date("2026-11-01T01:30-04:00[America/New_York]")
    second = parse_date("2026-11-01T01:30-05:00[America/New_York]")
    assert first.at is not None
    assert second.at is not None
    assert (second.at - first.at).total_seconds() == 0  # wall times: Python ignores the fold
    assert second.at.astimezone(UTC) - first.at.astimezone(UTC) == timedelta(hours=1)
    assert first != second
    assert parse_canonical(second.canonical) == second
    assert parse_date("2026-11-01 01:30 America/New_York") == first  # without an offset: the first
    with pytest.raises(DateError, match="UTC-04:00 at 12:00 that day, not \\+09:00"):
        parse_date("2026-07-01T12:00+09:00[America/New_York]")
    # read from a store, a stale offset (tzdata moved) keeps the wall time in the zone
    stored = parse_canonical("2026-07-01T08:00:00+00:00[Europe/London]")
    assert stored.at is not None
    assert (stored.at.hour, stored.at.utcoffset()) == (8, timedelta(hours=1))


# ---------------------------------------------------------------------------- dates: spans


@pytest.mark.parametrize(
    ("value", "n", "unit"),
    [
        ("12h", 12, "h"), ("12 hours", 12, "h"), ("1 hour", 1, "h"), ("3 hrs", 3, "h"), ("2hr", 2, "h"),
        ("7d", 7, "d"), ("1 day", 1, "d"), ("30 days", 30, "d"), ("2w", 2, "w"), ("1 week", 1, "w"),
        ("3 weeks", 3, "w"), ("4wks", 4, "w"), ("3m", 3, "m"), ("1 month", 1, "m"), ("6 months", 6, "m"),
        ("2mo", 2, "m"), ("1y", 1, "y"), ("2 years", 2, "y"), ("1 yr", 1, "y"), (" 7D ", 7, "d"),
        ("9999d", 9999, "d"),
    ],
)  # fmt: skip
def test_span_spellings(value: str, n: int, unit: str) -> None:
    assert read_span(value) == (n, unit)


@pytest.mark.parametrize("value", ["7", "d", "7 fortnights", "-7d", "7.5d", "10000d", "7 d s", ""])
def test_span_refusals(value: str) -> None:
    with pytest.raises(UsageError, match="cannot read duration"):
        read_span(value)


@pytest.mark.parametrize(
    ("start", "value", "end"),
    [
        ("2026-01-31T12:00:00+00:00", "1m", "2026-02-28T12:00:00+00:00"),
        ("2028-01-31T12:00:00+00:00", "1m", "2028-02-29T12:00:00+00:00"),
        ("2028-02-29T12:00:00+00:00", "1y", "2029-02-28T12:00:00+00:00"),
        ("2026-11-27T12:00:00+00:00", "2m", "2027-01-27T12:00:00+00:00"),
        ("2026-11-27T12:00:00+00:00", "14m", "2028-01-27T12:00:00+00:00"),
        ("2026-12-15T12:00:00+00:00", "1w", "2026-12-22T12:00:00+00:00"),
        # days keep the wall time across a clock change; hours are elapsed
        ("2026-10-24T12:00:00+01:00", "1d", "2026-10-25T12:00:00+00:00"),
        ("2026-10-24T12:00:00+01:00", "24h", "2026-10-25T11:00:00+00:00"),
        ("2026-03-28T12:00:00+00:00", "24h", "2026-03-29T13:00:00+01:00"),
    ],
)
def test_span_end_and_start(start: str, value: str, end: str) -> None:
    begin = datetime.fromisoformat(start).astimezone(LONDON)
    finish = datetime.fromisoformat(end).astimezone(LONDON)
    assert span_end(value, begin) == finish
    assert span_end(value, begin).utcoffset() == finish.utcoffset()
    if value[-1] in "hdw":
        assert span_start(value, finish) == begin


def test_spans_back_count_months_too() -> None:
    assert span_start("1m", at("2026-03-31T12:00")) == at("2026-02-28T12:00")
    assert span_start("1y", at("2026-03-31T12:00")) == at("2025-03-31T12:00")
    with pytest.raises(UsageError, match="reaches past"):
        span_end("9999y", at("2026-03-31T12:00"))
    with pytest.raises(UsageError, match="reaches past"):
        span_start("9999y", at("2026-03-31T12:00"))


# ---------------------------------------------------------------------------- words


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (0, "0 days"), (1, "1 day"), (13, "13 days"), (14, "2 weeks"), (20, "2 weeks"), (21, "3 weeks"),
        (121, "17 weeks"), (122, "4 months"), (365, "12 months"), (729, "23 months"), (730, "2 years"),
        (1314, "3 years"), (1460, "4 years"), (-20, "2 weeks"),
    ],
)  # fmt: skip
def test_span_is_never_more_than_the_truth(days: int, text: str) -> None:
    assert span(days) == text


@pytest.mark.parametrize(
    ("low", "high", "text"),
    [
        (5, 5, "5 days"), (2, 5, "2 to 5 days"), (10, 14, "1 to 2 weeks"), (4, 34, "4 to 34 days"),
        (14, 20, "2 to 3 weeks"), (40, 69, "5 to 10 weeks"), (35, 213, "1 to 7 months"), (70, 160, "2 to 6 months"),
        (278, 368, "9 to 13 months"), (576, 605, "18 to 20 months"), (1022, 1169, "33 to 39 months"),
        (523, 887, "17 to 30 months"), (365, 730, "1 to 2 years"), (0, 33, "up to 5 weeks"),
        (1, 366, "up to 12 months"), (0, 330, "up to 11 months"), (730, 1460, "2 to 4 years"),
        (213, 35, "1 to 7 months"), (-14, -20, "2 to 3 weeks"), (3, 13, "3 to 13 days"),
    ],
)  # fmt: skip
def test_span_ranges_in_one_unit_containing_the_truth(low: int, high: int, text: str) -> None:
    assert span_range(low, high) == text


def test_ahead_and_behind_phrases() -> None:
    assert [until(d) for d in (0, 1, 2, 14)] == ["today", "tomorrow", "in 2 days", "in 2 weeks"]
    assert [ago(d) for d in (0, 1, 2, 14)] == ["today", "yesterday", "2 days ago", "2 weeks ago"]
    assert until_range(3, 3) == "in 3 days"
    assert until_range(1, 366) == "within 12 months"
    assert until_range(70, 160) == "in 2 to 6 months"
    assert ago_range(1, 1) == "yesterday"
    assert ago_range(58, 149) == "1 to 5 months ago"
    assert ago_range(0, 330) == "up to 11 months ago"
    assert [hours_minutes(s) for s in (0, 59, 60, 3599, 3600, 25 * 3600 + 30 * 60)] == [
        "0 min", "0 min", "1 min", "59 min", "1 h 00 min", "25 h 30 min",
    ]  # fmt: skip


# ---------------------------------------------------------------------------- report: states at the edges


@pytest.mark.parametrize(
    ("kind", "when", "now", "state", "days_until", "days_since", "countdown"),
    [
        ("release", "2026-11", "2026-11-01T00:00", "open", (0, 29), None, "window open, closes in 4 weeks"),
        ("release", "2026-11", "2026-11-30T23:59", "open", (0, 0), None, "window open, closes today"),
        ("release", "2026-11", "2026-11-29T12:00", "open", (0, 1), None, "window open, closes tomorrow"),
        ("release", "2026-11", "2026-12-01T00:00", "due", None, 1, "due, unconfirmed: window ended yesterday"),
        ("release", "2026-11-30", "2026-12-01T00:00", "past", None, 1, "yesterday"),
        ("release", "2026-11", "2026-12-02T00:00", "due", None, 2, "due, unconfirmed: window ended 2 days ago"),
        ("release", "Q3 2026", "2026-11-27T00:00", "due", None, 58, "due, unconfirmed: window ended 8 weeks ago"),
        ("release", "2026-11-28..2026-11-30", "2026-12-01T00:00", "due", None, 1,
         "due, unconfirmed: window ended yesterday"),
        ("production-start", "summer 2026", "2026-12-01T00:00", "due", None, 92,
         "due, unconfirmed: window ended 13 weeks ago"),
        ("announced", "2026-11", "2026-12-02T00:00", "past", None, 2, "up to 5 weeks ago"),
        ("release", "2026-11", "2026-10-31T23:59", "future", (1, 30), None, "within 5 weeks"),
        ("release", "2026-12", "2026-11-27T12:00", "future", (4, 34), None, "in 4 to 34 days"),
        ("release", "2026-11-27", "2026-11-27T00:00", "today", (0, 0), 0, "today"),
        ("release", "2026-11-27", "2026-11-27T23:59", "today", (0, 0), 0, "today"),
        ("release", "2026-11-27", "2026-11-26T23:59", "future", (1, 1), None, "tomorrow"),
        ("release", "2026-11-27", "2026-11-28T00:00", "past", None, 1, "yesterday"),
        ("release", "2026-11-27 20:00 Europe/London", "2026-11-27T20:00", "today", (0, 0), 0, "today"),
        ("release", "2026-11-26 23:59 Europe/London", "2026-11-27T00:00", "past", None, 1, "yesterday"),
        ("release", "2026-11-27 20:00 Europe/London", "2026-11-27T19:59", "future", (0, 0), None,
         "today, in 1 min"),
        ("release", "2026-11-28 20:00 Europe/London", "2026-11-27T19:00", "future", (1, 1), None,
         "tomorrow, in 25 h 00 min"),
        ("release", "2026-11-29 01:00 Europe/London", "2026-11-27T23:00", "future", (2, 2), None, "in 2 days"),
        ("release", "2026-11-25 20:00 Europe/London", "2026-11-27T19:00", "past", None, 2, "2 days ago"),
        ("cancelled", "2026", "2026-11-27T12:00", "past", None, 0, "up to 11 months ago"),
        ("cancelled", "2026-11", "2026-11-01T12:00", "past", None, 0, "today"),
        ("cancelled", "2026-11", "2026-11-02T12:00", "past", None, 0, "up to 1 day ago"),
        ("cancelled", "2027", "2026-11-27T12:00", "future", (35, 399), None, "in 1 to 14 months"),
        ("cancelled", "2025", "2026-11-27T12:00", "past", None, 331, "10 to 23 months ago"),
        ("trailer", "2025", "2026-11-27T12:00", "due", None, 331, "due, unconfirmed: window ended 10 months ago"),
        ("release", "TBA", "2026-11-27T12:00", "tba", None, None, "TBA"),
    ],
)  # fmt: skip
def test_states_at_the_edges(
    kind: str, when: str, now: str, state: str, days_until: tuple[int, int] | None, days_since: int | None,
    countdown: str,
) -> None:  # fmt: skip
    a = assess(m(kind, when), at(now))
    assert (a.state, a.days_until, a.days_since, a.countdown) == (state, days_until, days_since, countdown)
    assert a.reached is (state in ("past", "today"))


def test_an_instant_is_reached_at_its_second() -> None:
    drop = m("release", "2026-11-27 20:00 Europe/London")
    just_before = datetime(2026, 11, 27, 19, 59, 59, tzinfo=LONDON)
    assert assess(drop, just_before).seconds_until == 1
    assert assess(drop, just_before + timedelta(seconds=1)).state == "today"  # reached, and today
    assert assess(drop, just_before + timedelta(seconds=1)).seconds_until is None


def test_the_memo_gives_the_same_answers_for_shared_dates() -> None:
    shared = parse_date("2026-12-03")
    memo: dict[int, object] = {}
    now = at("2026-11-27T12:00")
    first = assess(Milestone("release", shared), now, memo)  # type: ignore[arg-type]
    second = assess(Milestone("trailer", shared), now, memo)  # type: ignore[arg-type]
    assert (first.state, first.days_until) == (second.state, second.days_until) == ("future", (6, 6))
    assert second.kind == "trailer"
    cancelled = assess(Milestone("cancelled", parse_date("2026")), now, memo)  # type: ignore[arg-type]
    assert cancelled.state == "past"
    assert assess(Milestone("release", parse_date("2026")), now, memo).state == "open"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("milestones", "phase"),
    [
        ({"production_end": "2025-09-01"}, "post-production"),
        ({"production_start": "2025-06-01", "production_end": "~2025-09-01"}, "in-production"),
        ({"release": "~2025-01-01"}, "rumoured"),
        ({"announced": "~2025-01", "trailer": "2025-06-01"}, "announced"),
        ({"release": "2025-01-01", "cancelled": "~2025-06-01"}, "released"),
        ({"release": "2025-01-01", "cancelled": "2025-06-01"}, "cancelled"),
        ({"release": "2027-01-01", "cancelled": "TBA"}, "cancelled"),
        ({"release": "2027-01-01", "cancelled": "~TBA"}, "rumoured"),
        ({"premiere": "2026-09-01"}, "announced"),
        ({"production_start": "2026-12-01"}, "rumoured"),
    ],
)  # fmt: skip
def test_phases(milestones: dict[str, str], phase: str) -> None:
    assert report_title(title(**milestones), at("2026-11-27T12:00")).phase == phase


def test_next_and_last() -> None:
    now = at("2026-11-27T12:00")
    r = report_title(title(announced="2026-01", trailer="2026-11-27", release="2027", premiere="TBA",
                           teaser="TBA"), now)  # fmt: skip
    assert (r.next.kind if r.next else None, r.last.kind if r.last else None) == ("trailer", "announced")
    r = report_title(title(announced="2026-01", release="Q4 2026"), now)
    assert r.next is not None
    assert (r.next.kind, r.next.state) == ("release", "open")
    r = report_title(title(release="TBA", trailer="TBA", announced="2026-01"), now)
    assert r.next is not None
    assert r.next.kind == "trailer"  # TBA ones by the ladder
    r = report_title(title(release="2026-01", cancelled="TBA"), now)
    assert (r.next, r.last.kind if r.last else None) == (None, "cancelled")  # reported, day unknown
    assert r.cancellation is not None
    assert (r.cancellation.state, r.cancellation.countdown) == ("past", "date not known")
    # today's milestone is next even when a window opened before it
    r = report_title(title(release="Q4 2026", trailer="2026-11-27"), now)
    assert (r.next.kind if r.next else None, r.last) == ("trailer", None)
    # two today: the first in time is next, and last is what came before it
    r = report_title(title(announced="2026-01", trailer="2026-11-27 08:00 Europe/London",
                           release="2026-11-27 10:00 Europe/London"), now)  # fmt: skip
    assert (r.next.kind if r.next else None, r.last.kind if r.last else None) == ("trailer", "announced")
    # an end announced ahead: what would come after it will not come
    r = report_title(title(trailer="2027-01-10", release="2027-05-01", cancelled="2027-03-01",
                           premiere="2027-03-01"), now)  # fmt: skip
    assert [(a.kind, a.state) for a in r.milestones] == [
        ("trailer", "future"), ("premiere", "future"), ("cancelled", "future"), ("release", "cancelled")]  # fmt: skip
    assert r.next is not None
    assert (r.next.kind, r.phase) == ("trailer", "rumoured")
    r = report_title(title(release="2027-01", cancelled="2027-03"), now)
    assert r.next is not None
    assert r.next.kind == "release"  # a cancellation ahead is not "next"
    r = report_title(title(trailer="2026-11-27", cancelled="2026-11-27"), now)
    assert (r.next, r.phase) == (None, "cancelled")
    assert r.cancellation is not None
    assert report_title(title(), now).next is None
    assert report_title(title(), now).release_text == "not tracked"


def test_time_order_is_by_the_viewers_days_then_the_moment_then_the_ladder() -> None:
    now = at("2026-11-27T12:00")
    t = title(release="2026-12-05", trailer="2026-12-05", announced="2026-12-05 00:30 Europe/London",
              premiere="2026-12-04 23:30 America/Los_Angeles", teaser="TBA", production_end="2026-12",
              production_start="TBA")  # fmt: skip
    r = report_title(t, now)
    assert [a.kind for a in r.milestones] == [
        "production-end", "trailer", "release", "announced", "premiere", "production-start", "teaser",
    ]  # fmt: skip
    keys = [time_key(a) for a in r.milestones]
    assert keys == sorted(keys)


def test_status_groups_titles_and_sorts_by_name_within() -> None:
    doc = Document()
    now = at("2026-11-27T12:00")
    for tid, name, milestones in (
        ("x", "b axed", {"cancelled": "2026-01"}), ("y", "a axed", {"cancelled": "2026-02"}),
        ("r1", "z released", {"release": "2026-01-01"}), ("r2", "y released", {"release": "2026-02-01"}),
        ("w1", "waiting b", {"release": "TBA"}), ("w2", "Waiting a", {"release": "TBA"}),
        ("s1", "soon", {"release": "2026-12-01"}), ("s2", "sooner", {"release": "2026-11-30 18:00 UTC"}),
        ("s3", "also soon", {"release": "2026-12-01"}),
    ):  # fmt: skip
        doc.titles[tid] = title(tid, name, **milestones)
    assert [r.title.id for r in status_report(doc, now)] == ["s2", "s3", "s1", "w2", "w1", "r2", "r1", "y", "x"]


def test_timeline_gaps_and_today() -> None:
    now = at("2026-11-27T12:00")
    rows = timeline(report_title(title(announced="2026", production_start="2026-06-09", trailer="2026-06-01",
                                       release="2027-03", premiere="TBA"), now)).rows  # fmt: skip
    assert [r.item.kind for r in rows] == ["announced", "trailer", "production-start", "release", "premiere"]
    assert [r.gap_days for r in rows] == [None, (-213, 151), (8, 8), (265, 295), None]
    assert [r.gap_text for r in rows] == ["", "overlaps", "+8 days", "+8 to 10 months", ""]
    assert TimelineRow(rows[1].item, (-20, -10)).gap_text == "-1 to 3 weeks"
    assert TimelineRow(rows[1].item, (-7, -7)).gap_text == "-7 days"
    assert TimelineRow(rows[1].item, (0, 0)).gap_text == "+0 days"
    assert TimelineRow(rows[1].item, (0, 20)).gap_text == "+0 to 3 weeks"
    assert TimelineRow(rows[1].item, (-20, 0)).gap_text == "-0 to 3 weeks"
    assert timeline(report_title(title(a="2026-01"), now)).today_index == 1
    assert timeline(report_title(title(a="2027-01"), now)).today_index == 0
    assert timeline(report_title(title(), now)).today_index == 0


def test_countdown_targets() -> None:
    now = at("2026-11-27T12:00")
    r = report_title(title(production_start="2026-06-01", release="TBA"), now)
    c = countdown(r, None)
    assert (c.target.kind if c.target else None, c.since.kind if c.since else None) == ("release", "production-start")
    assert countdown(r, "production-start").since is None
    assert countdown(r, "nothing").target is None
    assert Countdown(report_title(title(release="TBA"), now), countdown(r, None).target, None).sentence == "release TBA"
    r = report_title(title(release="2026-06-01"), now)
    assert countdown(r, "release").sentence == "release 1 Jun 2026 · 5 months ago"
    r = report_title(title(release="2027-01-05"), now)
    assert countdown(r, None).sentence == "release 5 Jan 2027 · in 5 weeks (39 days)"
    r = report_title(title(release="2026-12-10"), now)
    assert countdown(r, None).sentence == "release 10 Dec 2026 · in 13 days"
    r = report_title(title(release="2026-12-11 09:00 Europe/London"), now)
    assert countdown(r, None).sentence == "release 11 Dec 2026 09:00 Europe/London · in 2 weeks (14 days)"
    r = report_title(title(release="2026-12-02 09:00 Europe/London"), now)
    assert countdown(r, None).sentence == "release 2 Dec 2026 09:00 Europe/London · in 5 days (117 h 00 min)"
    r = report_title(title(release="2026-11"), now)
    assert countdown(r, None).sentence == "release November 2026 · window open until 30 Nov 2026, closes in 3 days"
    r = report_title(title(release="2026-12"), now)
    assert countdown(r, None).sentence == "release December 2026 · in 4 to 34 days (4 to 34 days)"
    r = report_title(title(production_start="2025-01-01"), now)
    assert countdown(r, None).sentence == (
        "nothing ahead: the last milestone, production start 1 Jan 2025, was 22 months ago"
    )
    # a rumour is no anchor to count from
    r = report_title(title(release="TBA", cancelled="~2026-01-01", announced="2025-11"), now)
    assert countdown(r, None).sentence == "release TBA · 11 months since announced (November 2025)"
    r = report_title(title(release="TBA", cancelled="~2026-01-01"), now)
    assert countdown(r, None).sentence == "release TBA"


def test_history_summaries_and_order() -> None:
    now = at("2026-11-27T12:00")

    def summary(old: str | None, new: str | None, **kw: bool) -> str:
        a = m("release", old, kw.get("old_tentative", False)) if old else None
        b = m("release", new, kw.get("new_tentative", False)) if new else None
        return history(Title("t", "T", history=[Change("2026-01-01T00:00:00+00:00", "release", a, b)]), now)[0].summary

    assert summary("2026-10-03", "2026-10-03", old_tentative=True) == "release confirmed (3 Oct 2026)"
    assert summary("2026-10-03", "2026-10-03", new_tentative=True) == "release marked tentative (3 Oct 2026)"
    assert summary("2026-10-03", "2026-10-03") == "release source or note updated (3 Oct 2026)"
    assert summary("2026-10", "2026-10-03") == "release firmed up from October 2026 to 3 Oct 2026"
    assert summary("2026-10-03", "2026-10") == "release widened from 3 Oct 2026 to October 2026"
    assert summary("2026-10-03", "2026-09-30") == "release moved 3 days earlier (3 Oct 2026 → 30 Sep 2026)"
    assert summary("2026-10", "2026-11-03") == "release moved 3 to 33 days later (October 2026 → 3 Nov 2026)"
    assert summary("2026-10-03", "2026-11") == "release moved 29 to 58 days later (3 Oct 2026 → November 2026)"
    assert summary(None, "2026") == "release set to 2026"
    assert summary("2026", None) == "release removed (was 2026)"
    assert summary("TBA", "2026") == "release dated: 2026 (was TBA)"
    assert summary("2026", "2026-01") == "release firmed up from 2026 to January 2026"
    assert summary("2026", "2026-12") == "release firmed up from 2026 to December 2026"
    assert summary("2026-10", "2026-Q4") == "release widened from October 2026 to Q4 2026"
    assert summary("2026-12", "2026-Q4") == "release widened from December 2026 to Q4 2026"
    assert summary("2026-12", "2027-Q1") == "release moved 31 to 90 days later (December 2026 → Q1 2027)"
    assert summary("2026", "TBA") == "release back to TBA (was 2026)"
    assert summary("2026-10-03 23:30 America/Los_Angeles", "2026-10-04") == (
        "release changed from 3 Oct 2026 23:30 America/Los_Angeles to 4 Oct 2026 (the same day)"
    )
    rows = history(title(), now)
    assert rows == []
    changes = [
        Change("2026-03-01T12:00:00+00:00", "a", None, None),
        Change("2026-03-01T13:30:00+02:00", "b", None, None),  # 11:30 UTC: before a
        Change("2026-02-28T23:00:00-05:00", "c", None, None),  # 04:00 UTC on 1 Mar: first
    ]
    assert [c.milestone for c in recorded_order(changes)] == ["c", "b", "a"]
    assert [c.milestone for c in recorded_order([*changes, Change("yesterday", "d", None, None)])] == [
        "a", "b", "c", "d"]  # fmt: skip
    assert [c.milestone for c in recorded_order([*changes, Change("2026-03-01T12:00", "e", None, None)])] == [
        "a", "b", "c", "e"]  # fmt: skip


def test_upcoming_bounds_and_filters() -> None:
    now = at("2026-11-27T12:00")
    end = at("2026-12-07T12:00")
    doc = Document()
    doc.titles = {
        "edge": title("edge", "Edge", release="2026-12-07"),
        "beyond": title("beyond", "Beyond", release="2026-12-08"),
        "window": title("window", "Window", release="2026-12"),
        "late": title("late", "Late", release="2026-12-07 12:00 Europe/London"),
        "later": title("later", "Later", release="2026-12-07 12:01 Europe/London"),
        "earlier": title("earlier", "Earlier", release="2026-11-27 08:00 Europe/London"),
        "open": title("open", "Open", release="2026-11"),
        "gone": title("gone", "Gone", release="2026-11-26"),
        "tba": title("tba", "Tba", release="TBA", cancelled="2027"),
        "axed": title("axed", "Axed", release="2026-12-01", cancelled="2026-11-01"),
    }
    reports = status_report(doc, now)
    dated, tba = upcoming(reports, now, end)
    assert [(u.report.title.id, u.item.kind) for u in dated] == [
        ("open", "release"), ("earlier", "release"), ("window", "release"), ("edge", "release"),
        ("late", "release"),
    ]  # fmt: skip
    assert [u.report.title.id for u in tba] == ["tba"]
    dated, _ = upcoming(reports, now, end, kinds={"release"}, titles={"edge", "late"})
    assert [u.report.title.id for u in dated] == ["edge", "late"]
    dated, _ = upcoming(reports, now, at("2027-12-31T12:00"), kinds={"cancelled"})
    assert [(u.report.title.id, u.item.kind) for u in dated] == [("tba", "cancelled")]
    dated, _ = upcoming(reports, now, end, kinds={"trailer"})
    assert dated == []
    assert is_today(assess(m("release", "2026-11-27"), now), now.date())
    assert not is_today(assess(m("release", "2026-11"), now), now.date())


# ---------------------------------------------------------------------------- checks


def test_check_validation() -> None:
    with pytest.raises(UsageError, match="give at least one condition"):
        validate([])
    with pytest.raises(UsageError, match="did you mean released"):
        validate([Condition("--phase", "relased")])
    with pytest.raises(UsageError, match="cannot read duration"):
        validate([Condition("--due-within", "soon")])
    checked = validate([Condition("--released"), Condition("--phase", "Announced"), Condition("--reached", "wrap"),
                        Condition("--phase", "released"), Condition("--phase", "announced")])  # fmt: skip
    assert [(c.option, c.argument) for c in checked] == [
        ("--released", ""), ("--phase", "announced|released"), ("--reached", "production-end"),
    ]  # fmt: skip
    assert checked[1].label == "--phase announced --phase released"
    assert validate(checked) == checked  # validating twice changes nothing
    assert validate([Condition("--has-date", "teaser")], {"teaser"})[0].argument == "teaser"
    with pytest.raises(UsageError, match="did you mean teaser"):
        validate([Condition("--reached", "teasr")], {"teaser"})


@pytest.mark.parametrize(
    ("milestones", "condition", "holds", "reason"),
    [
        ({"release": "2026-01-01"}, ("--released",), True, "released: release 1 Jan 2026 (10 months ago)"),
        ({}, ("--released",), False, "not released (phase rumoured; no release milestone)"),
        ({"release": "2027"}, ("--released",), False,
         "not released (phase rumoured; release 2027 (in 1 to 14 months))"),
        ({"release": "TBA"}, ("--released",), False, "not released (phase rumoured; release TBA)"),
        ({"release": "2027"}, ("--phase", "rumoured|released"), True, "phase is rumoured"),
        ({"release": "2027"}, ("--reached", "release"), False, "release 2027 (in 1 to 14 months): not reached yet"),
        ({"release": "2026-11"}, ("--reached", "release"), False,
         "release November 2026 (window open, closes in 3 days): not reached yet"),
        ({"trailer": "~2026-11-01"}, ("--reached", "trailer"), True, "trailer 1 Nov 2026 (tentative) (3 weeks ago)"),
        ({}, ("--reached", "trailer"), False, "no trailer milestone"),
        ({"release": "2027", "cancelled": "2026-01"}, ("--reached", "release"), False,
         "release 2027 (cancelled): will not come, the title was cancelled"),
        ({"release": "2027-03-01"}, ("--has-date", "release"), True, "release is 1 Mar 2027"),
        ({"release": "Q1 2027"}, ("--has-date", "release"), False, "release is Q1 2027, known only to the quarter"),
        ({"release": "TBA"}, ("--has-date", "release"), False, "release is TBA"),
        ({}, ("--has-date", "production-start"), False, "no production start milestone"),
        ({"release": "2026-12-04"}, ("--due-within", "7d"), True, "next is release 4 Dec 2026 (in 7 days)"),
        ({"release": "2026-12-05"}, ("--due-within", "7d"), False, "next is release 5 Dec 2026 (in 8 days)"),
        ({"release": "2026-12"}, ("--due-within", "4d"), True, "next is release December 2026 (in 4 to 34 days)"),
        ({"release": "2026-12"}, ("--due-within", "3d"), False, "next is release December 2026 (in 4 to 34 days)"),
        ({"release": "TBA"}, ("--due-within", "1y"), False, "next is release, date TBA"),
        ({"release": "2026-01-01"}, ("--due-within", "1y"), False, "nothing ahead"),
        ({"release": "2026-11-27"}, ("--due-within", "1h"), True, "next is release 27 Nov 2026 (today)"),
        ({"release": "2026-11-27 20:00 Europe/London"}, ("--due-within", "8h"), True,
         "next is release 27 Nov 2026 20:00 Europe/London (today, in 8 h 00 min)"),
        ({"release": "2026-11-27 20:00 Europe/London"}, ("--due-within", "7h"), True,
         "next is release 27 Nov 2026 20:00 Europe/London (today, in 8 h 00 min)"),
        ({"release": "2026-11-28 08:00 Europe/London"}, ("--due-within", "19h"), False,
         "next is release 28 Nov 2026 08:00 Europe/London (tomorrow, in 20 h 00 min)"),
        ({"release": "2026-11-28 08:00 Europe/London"}, ("--due-within", "20h"), True,
         "next is release 28 Nov 2026 08:00 Europe/London (tomorrow, in 20 h 00 min)"),
        ({"release": "2027", "cancelled": "2026-11-20"}, ("--due-within", "1y"), False,
         "cancelled 20 Nov 2026 (7 days ago): nothing is due"),
    ],
)  # fmt: skip
def test_check_verdicts_and_reasons(
    milestones: dict[str, str], condition: tuple[str, ...], holds: bool, reason: str
) -> None:
    now = at("2026-11-27T12:00")
    verdict = evaluate(report_title(title(**milestones), now), Condition(*condition), now)
    assert (verdict.holds, verdict.reason) == (holds, reason)
    assert verdict.condition == Condition(*condition).label


def test_changed_since() -> None:
    now = at("2026-11-27T12:00")
    t = title()
    t.milestones["release"] = m("release", "2027")
    t.history = [
        Change("2026-11-01T10:00:00+00:00", "release", None, m("release", "2027")),
        Change("2026-11-20T10:00:00+00:00", "release", m("release", "2027"), m("release", "2027")),  # a note
        Change("2026-11-25T10:00:00+00:00", "trailer", m("trailer", "TBA"), None),
    ]
    report = report_title(t, now)

    def verdict(arg: str) -> tuple[bool, str]:
        v = evaluate(report, Condition("--changed-since", arg), now)
        return v.holds, v.reason

    assert verdict("2026-11-25T10:00:00+00:00") == (True, "trailer removed (was TBA) on 2026-11-25")
    assert verdict("2026-11-25T10:00:01+00:00") == (False, "no milestone date changed since 2026-11-25T10:00+00:00")
    assert verdict("30d") == (True, "trailer removed (was TBA) on 2026-11-25 (and 1 earlier)")
    assert verdict("2026-11-02")[0] is True
    assert verdict("2026-11-26")[0] is False
    with pytest.raises(UsageError):
        evaluate(report, Condition("--changed-since", "lately"), now)
    with pytest.raises(UsageError, match="unknown condition"):
        evaluate(report, Condition("--sometime"), now)


# ---------------------------------------------------------------------------- model


def test_names_slugs_and_text() -> None:
    assert check_name("  Film  ") == "Film"
    assert check_name("x" * 200) == "x" * 200
    for bad, says in (("", "empty"), ("  ", "empty"), ("a\nb", "one line"), ("a\u2028b", "one line"),
                      ("a\x1bb", "control"), ("x" * 201, "at most 200")):  # fmt: skip
        with pytest.raises(UsageError, match=says):
            check_name(bad)
    assert check_name("x" * 32, "a label", MAX_LABEL) == "x" * 32
    with pytest.raises(UsageError, match="a label can be at most 32 characters"):
        check_name("x" * 33, "a label", MAX_LABEL)
    assert check_slug("a-1", "id") == "a-1"
    assert check_slug("a" * 64, "id") == "a" * 64
    for bad in ("A", "a--b", "-a", "a-", "a b", "a" * 65, ""):
        with pytest.raises(UsageError, match="not a slug"):
            check_slug(bad, "id")
    assert check_text(None, "note") is None
    assert check_text("  ", "note") is None
    assert check_text(" two\nlines ", "note", multiline=True) == "two\nlines"
    assert check_text("x" * 4000, "note") == "x" * 4000
    for bad, multiline in (("a\nb", False), ("a\tb", True), ("a\x07", True), ("x" * 4001, False)):
        with pytest.raises(UsageError):
            check_text(bad, "note", multiline=multiline)
    assert slugify("Heartstopper: The Film!") == "heartstopper-the-film"
    assert slugify("Æon Flux — Œuvre") == "aeon-flux-oeuvre"
    assert slugify("Straße") == "strasse"
    assert slugify("x" * 63 + " y") == "x" * 63
    assert slugify("東京 2") == ""
    assert slugify("!!!") == ""
    assert slugify("Season ½") == "season-1-2"  # the fraction slash is a separator, not nothing


def test_milestone_kinds() -> None:
    assert normalize_milestone(" Filming ") == "production-start"
    assert normalize_milestone("wrap") == "production-end"
    assert normalize_milestone("premiere") == "premiere"
    assert normalize_milestone("canceled") == "cancelled"
    assert resolve_milestone("release") == "release"
    assert resolve_milestone("teaser", {"teaser"}) == "teaser"
    assert resolve_milestone("teaser", new=True) == "teaser"
    with pytest.raises(UsageError, match=r"'teaser' is not a milestone hstrack knows \(known: "):
        resolve_milestone("teaser")
    with pytest.raises(UsageError, match="did you mean production-end"):
        resolve_milestone("wrapp")
    assert check_filter_kind("trailer", set()) == "trailer"
    assert check_filter_kind("teaser", {"teaser"}) == "teaser"
    with pytest.raises(UsageError, match=r"no title has a milestone 'teasr'.*did you mean teaser"):
        check_filter_kind("teasr", {"teaser"})
    assert [milestone_rank(k)[0] for k in ("announced", "premiere", "release", "cancelled", "zzz")] == [0, 4, 5, 6, 7]
    assert milestone_rank("aaa") < milestone_rank("zzz")
    assert close_matches("relase", ["release", "trailer"]) == ["release"]
    assert close_matches("heartstopper", ["heartstopper-film", "other"]) == ["heartstopper-film"]
    assert close_matches("heart", ["heartstopper-film", "other"]) == ["heartstopper-film"]  # a prefix
    assert close_matches("film", ["heartstopper-film", "other"]) == ["heartstopper-film"]  # a word of it
    assert close_matches("fi", ["film-x"]) == []  # too short to be a prefix worth naming
    assert close_matches("hea", ["heartstopper-film"]) == ["heartstopper-film"]  # three letters are enough
    assert close_matches("ab", ["abcdef"]) == []
    assert close_matches("film", ["film-a", "film-b", "film-c", "film-d"], n=3) == ["film-a", "film-b", "film-c"]
    assert close_matches("film", ["film-a", "film-b", "film-c", "film-d"]) == ["film-a", "film-b", "film-c"]
    assert close_matches("film", ["film-a", "film-b"]) == ["film-a", "film-b"]


def test_unknown_titles() -> None:
    titles = {i: Title(i, n) for i, n in (("young-royals", "Young Royals"), ("heartstopper-film", "Heartstopper"))}
    assert unknown_title("x", {}) == "no title with id 'x' (none yet; add one with hstrack add)"
    assert unknown_title("young-royal", titles) == "no title with id 'young-royal'; did you mean young-royals?"
    assert unknown_title("Heartstopper", titles) == ("no title with id 'Heartstopper'; did you mean heartstopper-film?")
    assert unknown_title("zzz", titles) == "no title with id 'zzz'; hstrack status lists the 2 ids"
    # An id with no Latin letters has no words to look for in names: no title is "meant".
    assert unknown_title("東京", titles) == "no title with id '東京'; hstrack status lists the 2 ids"
    # A word of a title's name finds it when its id does not say it.
    named = {**titles, "hs-film": Title("hs-film", "Heartstopper Forever")}
    assert unknown_title("forever", named) == "no title with id 'forever'; did you mean hs-film?"
    assert unknown_title("Forever!", named) == "no title with id 'Forever!'; did you mean hs-film?"
    # At most five are named, the closest first.
    many = {f"film-{i}": Title(f"film-{i}", f"Film {i}") for i in range(8)}
    assert unknown_title("film", many).count("film-") == 5
    doc = Document(titles=dict(titles))
    with pytest.raises(UsageError, match="did you mean young-royals"):
        doc.get("young-royal")
    doc.titles["young-royals"].milestones["release"] = m("release", "2027")
    assert doc.milestone_kinds() == {"release"}


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ([], "top level: expected dict, found list"),
        ({"schema": "1"}, "'schema' must be a whole number"),
        ({"schema": True}, "'schema' must be a whole number"),
        ({"schema": 0}, "'schema' must be a whole number"),
        ({"schema": 1, "titles": {}}, "titles: expected list, found dict"),
        ({"schema": 1, "titles": [[]]}, "titles[0]: expected dict, found list"),
        ({"schema": 1, "titles": [{"id": 7}]}, "titles[0].id: expected str, found int"),
        ({"schema": 1, "titles": [{"id": "A"}]}, "titles[0].id: 'A' is not a slug"),
        ({"schema": 1, "titles": [{"id": "a", "name": None}]}, "title 'a'.name: expected str, found NoneType"),
        ({"schema": 1, "titles": [{"id": "a", "name": "A", "label": 3}]}, "title 'a'.label: expected str"),
        ({"schema": 1, "titles": [{"id": "a", "name": "A", "credits": []}]}, "title 'a'.credits: expected dict"),
        ({"schema": 1, "titles": [{"id": "a", "name": "A", "credits": {"Cast": "x"}}]},
         "title 'a'.credits.'Cast': expected list"),
        ({"schema": 1, "titles": [{"id": "a", "name": "A", "credits": {"Cast": [1]}}]},
         "title 'a'.credits.'Cast': expected str"),
        ({"schema": 1, "titles": [{"id": "a", "name": "A", "milestones": {}}]}, "title 'a'.milestones: expected list"),
        ({"schema": 1, "titles": [{"id": "a", "name": "A", "milestones": [1]}]},
         "title 'a'.milestones[0]: expected dict"),
        ({"schema": 1, "titles": [{"id": "a", "name": "A", "milestones": [{"kind": 1}]}]},
         "title 'a'.milestones[0].kind: expected str"),
        ({"schema": 1, "titles": [{"id": "a", "name": "A", "milestones": [{"kind": "Bad Kind", "date": "2026"}]}]},
         "is not a slug"),
        ({"schema": 1, "titles": [{"id": "a", "name": "A", "milestones": [{"kind": "x", "date": 2026}]}]},
         "title 'a'.milestones[0].date: expected str"),
        ({"schema": 1, "titles": [{"id": "a", "name": "A", "milestones": [{"kind": "x", "date": "soon"}]}]},
         "title 'a'.milestones[0].date: 'soon' is not a date"),
        ({"schema": 1, "titles": [{"id": "a", "name": "A",
                                   "milestones": [{"kind": "x", "date": "2026", "tentative": "no"}]}]},
         "title 'a'.milestones[0].tentative: expected bool"),
        ({"schema": 1, "titles": [{"id": "a", "name": "A",
                                   "milestones": [{"kind": "x", "date": "2026", "source": 1}]}]},
         "title 'a'.milestones[0].source: expected str"),
        ({"schema": 1, "titles": [{"id": "a", "name": "A", "milestones": [{"kind": "x", "date": "2026", "note": 1}]}]},
         "title 'a'.milestones[0].note: expected str"),
        ({"schema": 1, "titles": [{"id": "a", "name": "A", "milestones": [{"kind": "x", "date": "2026"},
                                                                           {"kind": "x", "date": "2027"}]}]},
         "milestone 'x' appears twice"),
        ({"schema": 1, "titles": [{"id": "a", "name": "A", "history": {}}]}, "title 'a'.history: expected list"),
        ({"schema": 1, "titles": [{"id": "a", "name": "A", "history": [{"milestone": "x"}]}]},
         "title 'a'.history[0].recorded: expected str"),
        ({"schema": 1, "titles": [{"id": "a", "name": "A"}, {"id": "a", "name": "B"}]}, "title id 'a' appears twice"),
        ({"schema": 1, "pin": []}, "pin: expected dict"),
        ({"schema": 1, "pin": {"title": 1}}, "pin.title: expected str"),
        ({"schema": 4, "titles": [{"id": 1}]}, "written by a newer hstrack (schema 4"),
    ],
)  # fmt: skip
def test_a_store_of_the_wrong_shape_says_where(data: object, says: str) -> None:
    with pytest.raises(ShapeError) as caught:
        document_from_json(data)
    assert says in str(caught.value)


def test_a_store_reads_back_what_it_holds() -> None:
    data = {"schema": 1, "pin": {"title": "a", "milestone": None}, "extra-top": 1, "titles": [
        {"id": "a", "name": "A", "kind": "film", "credits": {"Cast": ["X"]}, "odd": True,
         "milestones": [{"kind": "release", "date": "2026", "tentative": True, "source": "s", "note": "n", "more": 2}],
         "history": [{"recorded": "2026-01-01T00:00:00+00:00", "milestone": "release", "old": None,
                      "new": {"date": "2026", "tentative": True, "source": "s", "note": "n"}, "why": "x"}]},
    ]}  # fmt: skip
    doc = document_from_json(data)
    a = doc.titles["a"]
    assert (doc.pin_title, doc.pin_milestone, doc.extra, doc.read_schema, doc.newer) == ("a", None, {"extra-top": 1},
                                                                                          1, False)  # fmt: skip
    assert (a.kind, a.credits, a.extra, a.label, a.platform) == ("film", {"Cast": ["X"]}, {"odd": True}, None, None)
    release = a.milestones["release"]
    assert (release.tentative, release.source, release.note, release.extra) == (True, "s", "n", {"more": 2})
    assert a.history[0].extra == {"why": "x"}
    assert a.history[0].date_changed
    assert doc.to_json()["titles"][0]["milestones"][0]["more"] == 2
    assert doc.to_json()["pin"] == {"title": "a", "milestone": None}
    assert list(doc.to_json()) == ["schema", "pin", "titles", "extra-top"]
    newer = document_from_json({"schema": 5, "titles": []})
    assert newer.newer
    assert document_from_json({"schema": 1}).titles == {}
    assert document_from_json({"schema": 1, "titles": [{"id": "b", "name": "B"}]}).titles["b"].kind == "other"


def test_change_date_changed() -> None:
    a, b = m("release", "2026"), m("release", "2027")
    assert Change("r", "release", None, a).date_changed
    assert Change("r", "release", a, None).date_changed
    assert Change("r", "release", a, b).date_changed
    assert not Change("r", "release", a, m("release", "2026", tentative=True)).date_changed
    assert not Change("r", "release", None, None).date_changed
    # A change's old and new sides leave out the kind: the change names it once.
    written = Change("r", "release", a, b).to_json()
    assert written["old"] == {"date": "2026", "tentative": False, "source": None, "note": None}
    assert list(written) == ["recorded", "milestone", "old", "new"]
    assert "kind" not in written["new"]


def test_fixed_offset_now_and_other_viewers() -> None:
    """The report works from any aware "now", a fixed offset included."""
    now = datetime(2026, 11, 27, 23, 30, tzinfo=timezone(timedelta(hours=-8)))
    a = assess(m("release", "2026-11-28 09:00 Europe/London"), now)
    assert (a.state, a.days_until, a.countdown) == ("future", (1, 1), "tomorrow, in 1 h 30 min")


# ---------------------------------------------------------------------------- dates: the store's own spellings


CANONICAL = [
    "TBA", "1000", "9998", "2026", "2026-H1", "2026-H2", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4",
    "spring 2026", "summer 2026", "autumn 2026", "winter 2026", "winter 9998", "spring 1000",
    "2026-01", "2026-12", "1000-01", "9998-12", "2026-10-03", "2028-02-29", "1000-01-01", "9998-12-31",
    "2026-10-03T08:00:00+01:00[Europe/London]", "2026-10-03T08:00:00-07:00", "2026-10-03T08:00:00+05:45",
]  # fmt: skip


@pytest.mark.parametrize("value", CANONICAL)
def test_the_store_s_own_spellings_are_read_without_the_typed_grammar(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 10,000-title store holds 50,000 dates: its own spellings are read directly (the
    README's performance notes), and give exactly what the full parser gives."""
    import hstrack.core.dates.grammar as dates

    expected = dates.parse_date(value)

    def refuse(text: str) -> object:
        raise AssertionError(f"{text!r} went to the typed-date grammar")

    monkeypatch.setattr(dates, "parse_date", refuse)
    spec = dates.parse_canonical(value)
    assert spec == expected
    assert spec.canonical == value


@pytest.mark.parametrize(
    "value",
    ["0999", "9999", "2026-13", "2026-00", "2026-Q5", "2026-H3", "0999-Q1", "spring 0999", "autumn 9999",
     "2026-02-30", "0999-12-31", "9999-01-01", "2026-1-03", "20261003", "2026-10-03T08:00:00", "Autumn 2026x"],
)  # fmt: skip
def test_near_spellings_go_to_the_full_parser_and_are_refused(value: str) -> None:
    with pytest.raises(DateError):
        parse_canonical(value)


@pytest.mark.parametrize(
    ("value", "canonical"),
    [("2026-q3", "2026-Q3"), ("2026-h1", "2026-H1"), ("Autumn 2026", "autumn 2026"), ("2026-10-3", None),
     ("2026-10-03T08:00:00+01:00[Europe/London] ", "2026-10-03T08:00:00+01:00[Europe/London]")],
)  # fmt: skip
def test_a_hand_edited_spelling_reads_as_typed(value: str, canonical: str | None) -> None:
    if canonical is None:
        with pytest.raises(DateError):
            parse_canonical(value)
    else:
        assert parse_canonical(value).canonical == canonical


@pytest.mark.parametrize(
    ("value", "reason"),
    [("October, 2026", "give day, month and year"), ("Sunday, 3-Oct-2026", "Saturday"),
     ("3-Oct-2026 12:00", None), ("Oct 3rd 2026 at noon", None)],
)  # fmt: skip
def test_free_form_refusals(value: str, reason: str | None) -> None:
    with pytest.raises(DateError) as caught:
        parse_date(value)
    if reason:
        assert reason in caught.value.message


def test_free_form_days_and_their_weekdays() -> None:
    assert parse_date("Saturday, 3-Oct-2026").canonical == "2026-10-03"
    assert parse_date("3-Oct-2026").canonical == "2026-10-03"


@pytest.mark.parametrize(
    ("typed", "offset"),
    [("2026-10-03 08:00 UTC+23:59", None), ("2026-10-03 08:00 UTC+24:00", None),
     ("2026-10-03 08:00 UTC+05:59", None), ("2026-10-03 08:00 UTC+05:60", None),
     ("2026-10-03 08:00 UTC-14:00", None), ("2026-10-03 08:00 GMT+5:30", "+05:30"),
     ("2026-10-03 08:00 UTC-12:00", "-12:00"), ("2026-10-03 08:00 UTC+14", "+14:00"),
     ("2026-10-03 08:00 UTC+14:15", None), ("2026-10-03 08:00 UTC-12:15", None),
     ("2026-10-03 08:00 UTC+0545", "+05:45"), ("2026-10-03 08:00 UTC-3", "-03:00"),
     ("2026-10-03T08:00+23:59", None), ("2026-10-03T08:00+05:59", None), ("2026-10-03T08:00+12:45", "+12:45"),
     ("2026-10-03T08:00+0559", None), ("2026-10-03T08:00+0560", None), ("2026-10-03 08:00 +0545", "+05:45"),
     ("2026-10-03T08:00+05:30:15", None), ("2026-10-03T08:00+05:30:00.5", None)],
)  # fmt: skip
def test_offsets_at_the_edges(typed: str, offset: str | None) -> None:
    if offset is not None:
        spec = parse_date(typed)
        assert spec.at is not None
        assert spec.at.isoformat().endswith(offset)
        assert spec.text.endswith(f"UTC{offset}")
    else:
        with pytest.raises(DateError, match=r"out of range|minutes|quarter hours|seconds or a fraction"):
            parse_date(typed)


@pytest.mark.parametrize(
    ("typed", "accepted"),
    [("1000-01-01T00:00Z", True), ("0999-12-31T23:59Z", False), ("9998-12-31T23:59Z", True),
     ("9999-01-01T00:00Z", False), ("1000-01-01 00:00 Europe/London", True), ("9998-12-31 23:59 Asia/Tokyo", True)],
)  # fmt: skip
def test_instants_at_the_years_edges(typed: str, accepted: bool) -> None:
    if accepted:
        assert parse_date(typed).precision is Precision.INSTANT
    else:
        with pytest.raises(DateError, match="year"):
            parse_date(typed)


def test_abbreviations_name_the_zone_they_usually_mean() -> None:
    for typed, zone in (("EST5EDT", "America/New_York"), ("PST8PDT", "America/Los_Angeles"), ("ist", "Asia/Kolkata")):
        with pytest.raises(DateError) as caught:
            parse_date(f"2026-10-03 08:00 {typed}")
        assert f"{typed} is an abbreviation, not a zone" in caught.value.message
        assert zone in caught.value.message
    with pytest.raises(DateError) as caught:
        parse_date("2026-10-03 08:00 Japan")
    assert "Japan is not an IANA zone name" in caught.value.message


def test_a_refused_value_is_shown_whole_up_to_60_characters() -> None:
    for length, shown in ((60, "x" * 60), (61, "x" * 57 + "...")):
        with pytest.raises(DateError) as caught:
            parse_date("x" * length)
        assert f"'{shown}'" in caught.value.message


# ---------------------------------------------------------------------------- report: more sentences and sorts


def test_release_text_and_a_title_with_nothing_ahead() -> None:
    now = at("2026-11-27T12:00")
    assert report_title(title(release="TBA"), now).release_text == "TBA"
    assert report_title(title(release="2027-03-01"), now).release_text == "1 Mar 2027 · in 13 weeks"
    # everything left comes after an end announced ahead: nothing ahead, nothing reached
    r = report_title(title(release="2027-05-01", cancelled="2027-03-01"), now)
    assert (r.next, r.last, r.cancelled) == (None, None, False)
    assert countdown(r, None).sentence == "nothing ahead"
    assert report_title(title(release="2026-01-01", cancelled="2026-02-01"), now).cancelled


def test_upcoming_lists_tba_by_title_then_ladder() -> None:
    now = at("2026-11-27T12:00")
    doc = Document()
    doc.titles = {
        "b": title("b", "b film", release="TBA", trailer="TBA"),
        "a": title("a", "A film", trailer="TBA", premiere="TBA", release="TBA"),
        "c": title("c", "C film", release="TBA", cancelled="2026-01-01"),
    }
    _, tba = upcoming(status_report(doc, now), now, now)
    assert [(u.report.title.id, u.item.kind) for u in tba] == [
        ("a", "trailer"), ("a", "premiere"), ("a", "release"), ("b", "trailer"), ("b", "release"),
    ]  # fmt: skip


# ---------------------------------------------------------------------------- what a file may hold


def _store(**title: object) -> dict[str, object]:
    return {"schema": 1, "titles": [{"id": "a", "name": "A", **title}]}


def _refused(data: object) -> str:
    with pytest.raises(ShapeError) as caught:
        document_from_json(data)
    return str(caught.value)


def _nested(depth: int) -> object:
    value: object = 0
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


def test_a_huge_typed_value_is_refused_by_its_raw_length_before_it_is_looked_at() -> None:
    # Four times the limit is where hstrack stops looking inside; padding below it is trimmed.
    padded = "x" * 200 + " " * 600
    assert check_name(padded) == "x" * 200
    with pytest.raises(UsageError, match=r"at most 200 characters \(got 801\)"):
        check_name(padded + " ")
    with pytest.raises(UsageError, match=r"at most 200 characters \(got 201\)"):
        check_name(" " + "x" * 201)
    note = "y" * 4000 + " " * 12000
    assert check_text(note, "a note") == "y" * 4000
    with pytest.raises(UsageError, match=r"at most 4000 characters \(got 16001\)"):
        check_text(note + " ", "a note")
    with pytest.raises(UsageError, match="cannot contain control characters or line breaks"):
        check_text("a\nb", "a source")
    with pytest.raises(UsageError, match=r"cannot contain control characters$"):
        check_text("a\x00b", "a note", multiline=True)


def test_each_text_field_in_a_file_is_held_to_the_typed_rules() -> None:
    ok = document_from_json(_store(platform="p" * 4000, synopsis="two\nlines", notes="a\nb", label="l" * 32))
    title = ok.titles["a"]
    assert (len(title.platform or ""), title.synopsis, title.notes, title.label) == (4000, "two\nlines", "a\nb",
                                                                                     "l" * 32)  # fmt: skip
    assert "title 'a'.platform: platform can be at most 4000" in _refused(_store(platform="p" * 4001))
    assert "title 'a'.platform: platform cannot contain control characters" in _refused(_store(platform="a\nb"))
    assert "title 'a'.synopsis: synopsis cannot contain control" in _refused(_store(synopsis="a\x1b[31m"))
    assert "title 'a'.notes: notes can be at most" in _refused(_store(notes="n" * 4001))
    assert "title 'a'.label: a label can be at most 32" in _refused(_store(label="l" * 33))
    assert "title 'a'.label: a label cannot contain control" in _refused(_store(label="a\x07"))
    assert "title 'a'.label: a label cannot be empty" in _refused(_store(label=" "))
    # A name is read as stored: padding counts toward the limit, and the name is not trimmed.
    assert document_from_json(_store(name="n" * 200)).titles["a"].name == "n" * 200
    assert document_from_json(_store(name=" A ")).titles["a"].name == " A "
    assert "title 'a'.name: a title's name can be at most 200 characters (got 201)" in _refused(
        _store(name=" " + "n" * 200)
    )
    assert "title 'a'.name: a title's name cannot be empty" in _refused(_store(name="  "))
    assert "title 'a'.name: a title's name must be one line" in _refused(_store(name="a\nb"))
    assert "title 'a'.name: a title's name cannot contain control" in _refused(_store(name="a\u202eb"))
    assert "title 'a'.kind: 'show' is not one of film, series" in _refused(_store(kind="show"))
    assert document_from_json(_store(kind="season")).titles["a"].kind == "season"
    assert "title 'a'.credits.'Cast': a credited name cannot be empty" in _refused(_store(credits={"Cast": [""]}))
    assert "title 'a'.credits.'': a credit's role cannot be empty" in _refused(_store(credits={"": ["X"]}))
    assert "a credit's role must be one line" in _refused(_store(credits={"a\nb": ["X"]}))
    assert "a credited name cannot contain control" in _refused(_store(credits={"Cast": ["X\x00"]}))


def test_ids_kinds_and_pins_in_a_file_are_slugs() -> None:
    assert "a" * 64 in document_from_json({"schema": 1, "titles": [{"id": "a" * 64, "name": "A"}]}).titles
    assert "is not a slug" in _refused({"schema": 1, "titles": [{"id": "a" * 65, "name": "A"}]})
    assert "is not a slug" in _refused({"schema": 1, "titles": [{"id": "a--b", "name": "A"}]})
    kind = "k" * 64
    assert kind in document_from_json(_store(milestones=[{"kind": kind, "date": "2026"}])).titles["a"].milestones
    assert "milestones[0].kind: '" in _refused(_store(milestones=[{"kind": "k" * 65, "date": "2026"}]))
    assert "milestones[1].kind: 'Bad' is not a slug" in _refused(
        _store(milestones=[{"kind": "x", "date": "2026"}, {"kind": "Bad", "date": "2026"}])
    )
    pinned = document_from_json({"schema": 1, "pin": {"title": "a", "milestone": "release"}})
    assert (pinned.pin_title, pinned.pin_milestone) == ("a", "release")
    assert "pin.title: 'A' is not a slug" in _refused({"schema": 1, "pin": {"title": "A"}})
    assert "pin.milestone: 'x y' is not a slug" in _refused({"schema": 1, "pin": {"title": "a", "milestone": "x y"}})
    assert "pin.milestone: expected str" in _refused({"schema": 1, "pin": {"title": "a", "milestone": 3}})


def test_a_milestone_s_date_source_and_note_in_a_file() -> None:
    def one(**fields: object) -> Milestone:
        return document_from_json(_store(milestones=[{"kind": "release", **fields}])).titles["a"].milestones["release"]

    assert one(date=" " * 76 + "2026").date.canonical == "2026"  # 80 characters: read
    assert "milestones[0].date: '" in _refused(_store(milestones=[{"kind": "release", "date": " " * 77 + "2026"}]))
    assert one(date="2026", source="s" * 4000, note="n\n" * 2000).source == "s" * 4000
    assert one(date="2026").tentative is False
    place = "title 'a'.milestones[0]"
    for fields, says in (
        ({"source": "s" * 4001}, f"{place}.source: a source can be at most 4000"),
        ({"source": "a\nb"}, f"{place}.source: a source cannot contain control characters or line breaks"),
        ({"note": "n" * 4001}, f"{place}.note: a note can be at most 4000"),
        ({"note": "a\x1bb"}, f"{place}.note: a note cannot contain control characters\n"),  # lines are fine
        ({"note": "line\n" * 801}, f"{place}.note: a note can be at most 4000 characters (got 4004)"),
        ({"tentative": 1}, f"{place}.tentative: expected bool, found int"),
    ):
        assert says in _refused(_store(milestones=[{"kind": "release", "date": "2026", **fields}])) + "\n"


STAMP = "2026-01-01T00:00:00+00:00"


def _change(**fields: object) -> dict[str, object]:
    return _store(history=[{"recorded": STAMP, "milestone": "release", "old": None, "new": {"date": "2026"}, **fields}])


@pytest.mark.parametrize(
    ("stamp", "accepted"),
    [
        ("2026-01-01T00:00:00.0000+05:45:30.123456", True),  # 40 characters
        ("2026-01-01T00:00:00.00000+05:45:30.123456", False),  # 41: longer than any hstrack writes
        ("2026-01-01T00:00:00", False),  # no offset
        ("2026-01-01", False),
        ("1000-01-01T00:00:00+00:00", True),
        ("9998-12-31T23:59:59+00:00", True),
        ("0999-12-31T23:59:59+00:00", False),
        ("9999-01-01T00:00:00+00:00", False),
        ("1000-01-01T00:30:00+01:00", False),  # 999 in UTC
        ("9998-12-31T23:30:00-01:00", False),  # 9999 in UTC
        ("not a time", False),
    ],
)
def test_a_recorded_time_is_a_whole_iso_time_with_an_offset(stamp: str, accepted: bool) -> None:
    data = _change(recorded=stamp)
    if accepted:
        assert document_from_json(data).titles["a"].history[0].recorded == stamp
        assert document_from_json(_store(edited={"name": stamp})).titles["a"].edited == {"name": stamp}
    else:
        assert "history[0].recorded: " in _refused(data)
        assert "title 'a'.edited.name: " in _refused(_store(edited={"name": stamp}))


def test_a_change_in_a_file() -> None:
    change = document_from_json(_change(old={"kind": "release", "date": "2025"})).titles["a"].history[0]
    assert (change.old and change.old.date.canonical, change.new and change.new.date.canonical) == ("2025", "2026")
    gone = document_from_json(_change(new=None, old={"date": "2025"})).titles["a"].history[0]
    assert gone.new is None
    assert gone.old is not None
    history = "title 'a'.history[0]"
    for fields, says in (
        ({"old": None, "new": None}, f"{history}: a change needs an old or a new milestone (both are null)"),
        ({"new": {"kind": "trailer", "date": "2026"}}, f"{history}.new.kind: 'trailer' is not the change's"),
        ({"old": {"kind": "trailer", "date": "2026"}}, f"{history}.old.kind: 'trailer' is not the change's"),
        ({"milestone": "Release"}, f"{history}.milestone: 'Release' is not a slug"),
        ({"milestone": 1}, f"{history}.milestone: expected str"),
        ({"new": {"date": "someday"}}, f"{history}.new.date: 'someday' is not a date"),
        ({"old": {"date": "2026", "note": "\x00"}}, f"{history}.old.note: a note cannot contain"),
    ):
        assert says in _refused(_change(**fields))
    assert "history[1]" in _refused(_store(history=[_change()["titles"][0]["history"][0], []]))  # type: ignore[index]
    # An id in an edit is held to the id's own rules, up to its very length.
    longest = "a" * 64
    rename = {"recorded": STAMP, "field": "id", "old": longest, "new": "a"}
    from hstrack.core.identity import derived_uid

    assert document_from_json(_store(edits=[rename])).titles["a"].uid == derived_uid(longest)
    assert "is not a slug" in _refused(_store(edits=[{**rename, "old": longest + "a"}]))
    # Every record that must be an object says so, wherever it is.
    assert _refused(_store(edits=[[]])) == "title 'a'.edits[0]: expected dict, found list"
    assert _refused(_store(history=["x"])) == "title 'a'.history[0]: expected dict, found str"
    assert _refused(_store(milestones=[7])) == "title 'a'.milestones[0]: expected dict, found int"
    assert _refused({"schema": 1, "titles": [[]]}) == "titles[0]: expected dict, found list"


def test_edited_names_title_fields_only() -> None:
    assert document_from_json(_store(edited={"label": STAMP, "credits": STAMP})).titles["a"].to_json()["edited"] == {
        "credits": STAMP,
        "label": STAMP,
    }
    assert "title 'a'.edited: 'id' is not one of name, label" in _refused(_store(edited={"id": STAMP}))
    assert "title 'a'.edited.name: 5 is not an ISO 8601" in _refused(_store(edited={"name": 5}))
    assert "title 'a'.edited: expected dict" in _refused(_store(edited=[]))
    assert "edited" not in document_from_json(_store()).titles["a"].to_json()


def test_unknown_fields_are_kept_and_may_nest_32_deep() -> None:
    for depth in (1, 31, 32):
        deep = _nested(depth)
        change = {"recorded": STAMP, "milestone": "x", "old": None, "new": {"date": "2026"}, "more": deep}
        doc = document_from_json({"schema": 1, "more": deep, "titles": [
            {"id": "a", "name": "A", "more": deep, "milestones": [{"kind": "x", "date": "2026", "more": deep}],
             "history": [change]}]})  # fmt: skip
        title = doc.titles["a"]
        assert doc.extra == title.extra == title.milestones["x"].extra == title.history[0].extra == {"more": deep}
    too_deep = _nested(33)
    assert _refused({"schema": 1, "more": too_deep}) == "field 'more' nests deeper than 32 levels"
    assert "nests deeper than 32" in _refused(_store(more=too_deep))
    assert "nests deeper than 32" in _refused(_store(milestones=[{"kind": "x", "date": "2026", "m": too_deep}]))
    assert "nests deeper than 32" in _refused(_change(more=too_deep))
    assert "nests deeper than 32" in _refused({"schema": 1, "ok": 1, "more": [_nested(32)]})
    # Known fields and the unknown fields beside them are kept apart, in their order.
    doc = document_from_json({"schema": 1, "b": 2, "a": 1, "titles": []})
    assert list(doc.extra) == ["b", "a"]
    assert list(doc.to_json()) == ["schema", "titles", "a", "b"]


def test_a_newer_store_reads_while_its_shape_is_known(monkeypatch: pytest.MonkeyPatch) -> None:
    newer = document_from_json({"schema": 4, "titles": [{"id": "a", "name": "A"}], "pin": {"title": "a"}})
    assert (newer.read_schema, newer.newer, list(newer.titles), newer.pin_title) == (4, True, ["a"], "a")
    assert "milestone 'x' appears twice" in _refused(_store(milestones=[{"kind": "x", "date": "2026"}] * 2))
    plain = _refused({"schema": 1, "titles": [{"id": 1}]})
    assert plain == "titles[0].id: expected str, found int"


def test_migrations_run_in_order_and_must_reach_the_next_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    import hstrack.core.model.migrations as model

    steps: list[int] = []

    def step(n: int) -> Callable[[dict[str, object]], dict[str, object]]:
        def run(data: dict[str, object]) -> dict[str, object]:
            steps.append(n)
            return {**data, "schema": n + 1, f"by{n}": True}

        return run

    monkeypatch.setattr(model, "MIGRATIONS", {1: step(1), 2: step(2)})
    data = {"schema": 1, "titles": []}
    assert model.migrate(data, target=3) == {"schema": 3, "titles": [], "by1": True, "by2": True}
    assert steps == [1, 2]
    assert data == {"schema": 1, "titles": []}
    assert model.migrate({"schema": 3}, target=3) == {"schema": 3}
    with pytest.raises(ShapeError, match="schema 0 cannot be migrated"):
        model.migrate({"schema": 0}, target=3)
    monkeypatch.setattr(model, "MIGRATIONS", {1: lambda data: {**data, "schema": 3}})
    with pytest.raises(ShapeError, match="the migration from schema 1 did not produce schema 2"):
        model.migrate({"schema": 1}, target=3)
    assert model.migrate({"schema": 3}) == {"schema": 3}  # today's schema: nothing to do


def test_values_in_messages_are_cut_short() -> None:
    from hstrack.core.model.shape import shown

    assert shown("x" * 40) == repr("x" * 40)
    assert shown("x" * 41) == "'" + "x" * 39 + "…"
    assert shown(12345, limit=3) == "12345"  # two more characters are allowed for the quotes
    assert shown(123456, limit=3) == "123…"
    assert shown(None) == "None"
