"""The regular expressions of the date grammar, compiled on first use.

Every pattern is anchored and bounded: what a person types is matched whole, never
searched, so a long input costs a single pass."""

from __future__ import annotations

import functools
import re

from hstrack.core.dates.spec import (
    MONTHS,
    WEEKDAYS,
)

_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY_RE = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_YEAR = r"(?P<year>\d{4})"


@functools.cache
def _grammar() -> list[tuple[str, re.Pattern[str]]]:
    """The typed-date grammar, compiled on first use: reading a store never needs it
    (``parse_canonical`` reads the store's own spellings without regular expressions)."""
    return [
        ("year", re.compile(rf"{_YEAR}")),
        ("half", re.compile(rf"h(?P<n>[12])[ -]?{_YEAR}|(?P<year2>\d{{4}})[ -]?h(?P<n2>[12])")),
        ("quarter", re.compile(rf"q(?P<n>[1-4])[ -]?{_YEAR}|(?P<year2>\d{{4}})[ -]?q(?P<n2>[1-4])")),
        (
            "season",
            re.compile(rf"(?P<season>spring|summer|autumn|fall|winter) {_YEAR}(?:/(?P<next>\d{{2}}|\d{{4}}))?"),
        ),
        # The press's own: "Christmas 2026" (its month; "Christmas Day 2026" is the 25th),
        # "end of 2027" (its last quarter), "start of 2027" (its first), "2027/28" (a
        # television season, September to May: also "2027–28" with the en dash the press
        # sets it with, and "2027-28 season"; a bare "2027-28" stays EDTF's winter).
        ("christmas-day", re.compile(rf"(?:christmas|xmas) day,? {_YEAR}")),
        ("christmas", re.compile(rf"(?:christmas|xmas)(?: season)?,? {_YEAR}")),
        ("year-end", re.compile(rf"(?:(?:the )?(?:end|close) of |year[ -]end |end[ -]){_YEAR}")),
        ("year-start", re.compile(rf"(?:the )?(?:start|beginning) of {_YEAR}")),
        ("tv-season", re.compile(rf"(?:the )?{_YEAR}(?:[/–—]|-(?=\d\d season))(?P<next>\d{{2}})(?: season)?")),
        ("iso-month", re.compile(rf"{_YEAR}-(?P<month>\d{{2}})")),
        ("month", re.compile(rf"(?P<month>{_MONTH_RE})\.? {_YEAR}")),
        ("iso-day", re.compile(r"\d{4}-\d{2}-\d{2}")),
        (
            "day-month",
            re.compile(
                rf"(?:(?P<wd>{_WEEKDAY_RE}),? )?(?P<day>\d{{1,2}})(?:st|nd|rd|th)? "
                rf"(?P<month>{_MONTH_RE})\.?,? {_YEAR}"
            ),
        ),
        (
            "month-day",
            re.compile(
                rf"(?:(?P<wd>{_WEEKDAY_RE}),? )?(?P<month>{_MONTH_RE})\.? "
                rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,? {_YEAR}"
            ),
        ),
    ]


_DASH = r" ?(?:-|–|—|to|through|until) ?"
_DAY = r"(?P<{}>\d{{1,2}})(?:st|nd|rd|th)?"
_MON = r"(?P<{}>" + _MONTH_RE + r")\.?"


@functools.cache
def _range_grammar() -> list[tuple[str, re.Pattern[str]]]:
    """Spans the press writes that are not a calendar unit, and EDTF's own spellings:
    each becomes a ``RANGE`` (or, when it is one, a month or a day)."""
    d1, d2, m1, m2 = _DAY.format("d1"), _DAY.format("d2"), _MON.format("m1"), _MON.format("m2")
    return [
        # ISO 8601-2 sub-year groupings: seasons 21-32, quarters 33-36, quadrimesters
        # 37-39, semesters 40-41 (a month is 01-12, so nothing here is a month). First:
        # _parse tries it before the grammar's months.
        ("edtf-group", re.compile(rf"{_YEAR}-(?P<code>2[1-9]|3\d|4[01])")),
        ("part", re.compile(rf"(?P<part>early|mid|late)[ -]?{_YEAR}")),
        # Intervals of ISO dates, years or months: 2026-08..2026-12, 2026-10-03/2026-10-07.
        ("interval", re.compile(r"(?P<a>\d{4}(?:-\d{2}){0,2})(?:\.\.|/)(?P<b>\d{4}(?:-\d{2}){0,2})")),
        ("months", re.compile(rf"{m1}{_DASH}{m2},? {_YEAR}")),
        ("months-years", re.compile(rf"{m1},? (?P<y1>\d{{4}}){_DASH}{m2},? (?P<y2>\d{{4}})")),
        ("days", re.compile(rf"{d1}{_DASH}{d2} {_MON.format('m')},? {_YEAR}")),
        ("month-days", re.compile(rf"{_MON.format('m')} {d1}{_DASH}{d2},? {_YEAR}")),
        ("days-months", re.compile(rf"{d1} {m1}{_DASH}{d2} {m2},? {_YEAR}")),
        ("days-months-years", re.compile(rf"{d1} {m1},? (?P<y1>\d{{4}}){_DASH}{d2} {m2},? (?P<y2>\d{{4}})")),
    ]


# Where each EDTF sub-year grouping falls: (first month, months). Seasons are the
# meteorological ones hstrack uses; 21-24 and the northern 25-28 are its seasons, the
# southern 29-32 the same months under the other hemisphere's names (spring in the south
# is September to November).
_EDTF_GROUPS = {
    **{code: (start, 3) for code, start in zip(range(21, 25), (3, 6, 9, 12), strict=True)},
    **{code: (start, 3) for code, start in zip(range(25, 29), (3, 6, 9, 12), strict=True)},
    **{code: (start, 3) for code, start in zip(range(29, 33), (9, 12, 3, 6), strict=True)},
    **{code: (start, 3) for code, start in zip(range(33, 37), (1, 4, 7, 10), strict=True)},
    **{code: (start, 4) for code, start in zip(range(37, 40), (1, 5, 9), strict=True)},
    **{code: (start, 6) for code, start in zip(range(40, 42), (1, 7), strict=True)},
}


# A time of day: 24-hour (08:00, 20:30:15) or, as the press writes it, 12-hour (8pm, 8:30 p.m.),
# after the day or after "at".
_CLOCK_12 = r"(?P<h12>\d{1,2})(?::(?P<m12>\d{2}))? ?(?P<half>(?i:[ap])\.?(?i:m)\.?)"
_CLOCK_WORDS = r"(?i:midnight|noon|midday)"  # midnight is 00:00, the start of the day, as 12am is
_TIME = (
    r"(?P<date>.+?)(?:,? (?i:at) |[ T])"
    rf"(?P<time>\d{{1,2}}:\d{{2}}(?::\d{{2}})?|{_CLOCK_12}|{_CLOCK_WORDS})(?: ?(?P<zone>\S+))?"
)
_BRACKET_ZONE = r"(?P<stamp>[^\[\]]+)\[(?P<zone>[^\[\]]+)\]"
# A UTC offset: +05:30, +0530, -07, and the colloquial UTC+1 / GMT+05:45 (east of Greenwich
# is +, as people mean it; POSIX's inverted "GMT+1" is not what anyone types).
_OFFSET = r"(?:(?i:utc|gmt))?(?P<sign>[+-])(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?"
_HAS_TIME = r"\d:\d|\d ?[ap]\.?m\b|\b(?:midnight|noon|midday)\b"
