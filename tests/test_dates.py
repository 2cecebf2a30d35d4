"""The date forms of the README's table, the refusals, and round trips."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from hstrack.core.dates.grammar import parse_canonical, parse_date
from hstrack.core.dates.spec import DateError, Precision
from hstrack.core.errors import EXIT_USAGE

D = date.fromisoformat

ACCEPTED = [
    # input, precision, earliest, latest, text
    ("TBA", "tba", None, None, "TBA"),
    ("TBD", "tba", None, None, "TBA"),
    ("unknown", "tba", None, None, "TBA"),
    ("2026", "year", "2026-01-01", "2026-12-31", "2026"),
    ("H1 2026", "half", "2026-01-01", "2026-06-30", "H1 2026"),
    ("H2 2026", "half", "2026-07-01", "2026-12-31", "H2 2026"),
    ("2026-H2", "half", "2026-07-01", "2026-12-31", "H2 2026"),
    ("Q1 2028", "quarter", "2028-01-01", "2028-03-31", "Q1 2028"),
    ("Q3 2026", "quarter", "2026-07-01", "2026-09-30", "Q3 2026"),
    ("2026-Q3", "quarter", "2026-07-01", "2026-09-30", "Q3 2026"),
    ("q4 2026", "quarter", "2026-10-01", "2026-12-31", "Q4 2026"),
    ("spring 2026", "season", "2026-03-01", "2026-05-31", "spring 2026"),
    ("summer 2026", "season", "2026-06-01", "2026-08-31", "summer 2026"),
    ("autumn 2026", "season", "2026-09-01", "2026-11-30", "autumn 2026"),
    ("fall 2026", "season", "2026-09-01", "2026-11-30", "autumn 2026"),
    ("Autumn  2026", "season", "2026-09-01", "2026-11-30", "autumn 2026"),
    ("winter 2026", "season", "2026-12-01", "2027-02-28", "winter 2026/27"),
    ("winter 2027", "season", "2027-12-01", "2028-02-29", "winter 2027/28"),
    ("winter 2027/28", "season", "2027-12-01", "2028-02-29", "winter 2027/28"),
    ("2026-10", "month", "2026-10-01", "2026-10-31", "October 2026"),
    ("October 2026", "month", "2026-10-01", "2026-10-31", "October 2026"),
    ("Oct 2026", "month", "2026-10-01", "2026-10-31", "October 2026"),
    ("Feb 2028", "month", "2028-02-01", "2028-02-29", "February 2028"),
    ("2026-10-03", "day", "2026-10-03", "2026-10-03", "3 Oct 2026"),
    ("3 October 2026", "day", "2026-10-03", "2026-10-03", "3 Oct 2026"),
    ("Oct 3, 2026", "day", "2026-10-03", "2026-10-03", "3 Oct 2026"),
    ("Saturday 3 October 2026", "day", "2026-10-03", "2026-10-03", "3 Oct 2026"),
    ("October 3rd, 2026", "day", "2026-10-03", "2026-10-03", "3 Oct 2026"),
    ("3-Oct-2026", "day", "2026-10-03", "2026-10-03", "3 Oct 2026"),
    ("2028-02-29", "day", "2028-02-29", "2028-02-29", "29 Feb 2028"),
]


@pytest.mark.parametrize(("value", "precision", "earliest", "latest", "text"), ACCEPTED)
def test_accepted_forms(value: str, precision: str, earliest: str | None, latest: str | None, text: str) -> None:
    spec = parse_date(value)
    assert spec.precision == Precision(precision)
    assert spec.earliest == (D(earliest) if earliest else None)
    assert spec.latest == (D(latest) if latest else None)
    assert spec.text == text
    assert parse_date(spec.canonical) == spec


def test_no_fake_first_of_january() -> None:
    spec = parse_date("2026")
    assert spec.canonical == "2026"
    assert spec.precision is Precision.YEAR  # not 2026-01-01 at day precision


@pytest.mark.parametrize(
    ("value", "utc", "zone", "text"),
    [
        (
            "2026-10-03 08:00 Europe/London",
            "2026-10-03T07:00:00+00:00",
            "Europe/London",
            "3 Oct 2026 08:00 Europe/London",
        ),
        ("2026-10-03T00:00-07:00", "2026-10-03T07:00:00+00:00", None, "3 Oct 2026 00:00 UTC-07:00"),
        ("2026-10-03T08:00Z", "2026-10-03T08:00:00+00:00", None, "3 Oct 2026 08:00 UTC"),
        ("3 Oct 2026 08:00 America/Los_Angeles", "2026-10-03T15:00:00+00:00", "America/Los_Angeles", None),
        ("2026-01-15 08:00 Europe/London", "2026-01-15T08:00:00+00:00", "Europe/London", None),
        # The repeated hour when clocks go back: the first occurrence (still BST).
        ("2026-10-25 01:30 Europe/London", "2026-10-25T00:30:00+00:00", "Europe/London", None),
    ],
)
def test_instants(value: str, utc: str, zone: str | None, text: str | None) -> None:
    spec = parse_date(value)
    assert spec.precision is Precision.INSTANT
    assert spec.at is not None
    assert spec.at.astimezone(datetime.fromisoformat(utc).tzinfo) == datetime.fromisoformat(utc)
    assert spec.zone == zone
    if text:
        assert spec.text == text
    assert parse_date(spec.canonical) == spec


def test_instant_keeps_wall_time_in_its_zone() -> None:
    """The canonical form trusts the zone over a stale offset: 08:00 London stays 08:00."""
    spec = parse_canonical("2026-07-01T08:00:00+00:00[Europe/London]")
    assert spec.at is not None
    assert spec.at.hour == 8
    assert spec.at.utcoffset() == timedelta(hours=1)


REFUSED = [
    ("2025-02-30", "out of range"),
    ("2026-02-29", "out of range"),
    ("13/13/2026", None),
    ("03/10/2026", None),  # day-first or month-first? refused rather than guessed
    ("someday soon", None),
    ("", "empty"),
    ("   ", "empty"),
    ("2026-10-03 08:00 Mars/Olympus", "unknown time zone"),
    ("2026-10-03 08:00", "needs a zone"),
    ("2026-10-03T08:00", "needs a zone"),
    ("2026-03-29 01:30 Europe/London", "does not exist"),  # skipped by the spring change
    ("2026-10-03 25:00 UTC", "no such time"),
    ("Monday 3 October 2026", "Saturday"),
    ("Q5 2026", None),
    ("H3 2026", None),
    ("2026-13", "month"),
    ("winter 2026/29", "winter"),
    ("summer 2026/27", "winter"),
    ("October", None),  # no year: never filled in from today
    ("3 October", None),
    ("Oct 3 2026 5pm", "time"),
    ("0999", "year"),
    ("9999", "year"),
]


@pytest.mark.parametrize(("value", "reason"), REFUSED)
def test_refused(value: str, reason: str | None) -> None:
    with pytest.raises(DateError) as caught:
        parse_date(value)
    message = caught.value.message
    assert caught.value.exit_code == EXIT_USAGE
    assert repr(value) in message  # the line names the value it refused
    # One short line that points at the full table, not the whole grammar.
    assert message.endswith("; every form: hstrack help dates")
    assert "\n" not in message
    assert len(message) <= 180
    if reason:
        assert reason in message


def test_free_form_never_uses_today() -> None:
    """dateutil would fill a missing year from today; we refuse instead."""
    for value in ("3rd of October", "October 3rd", "Sat Oct 3"):
        with pytest.raises(DateError):
            parse_date(value)
