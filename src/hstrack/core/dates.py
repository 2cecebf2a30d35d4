"""Dates that carry their precision.

A release is rarely known to the day: "2026", "Q3 2026", "autumn 2026" are what studios
announce. A :class:`DateSpec` keeps such a date as a window ``[earliest, latest]`` plus the
precision it was given at, and is never widened into a fake day such as 1 January.

Every spec has one canonical spelling (``DateSpec.canonical``), which is what the store
keeps; ``parse_date`` reads it back exactly, so a store round-trips without loss.

Seasons are meteorological and northern-hemisphere: spring = March..May, summer =
June..August, autumn (or fall) = September..November, and winter YEAR = December YEAR to
the end of February YEAR+1.

The common forms are matched by regular expressions (fast, and never guess); only free-form
day spellings the patterns miss fall back to python-dateutil, imported lazily and checked
so that it cannot fill a missing year, month or day from today's date.
"""

from __future__ import annotations

import calendar
import contextlib
import functools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hstrack.core.errors import UsageError


class Precision(StrEnum):
    TBA = "tba"
    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    SEASON = "season"
    MONTH = "month"
    DAY = "day"
    INSTANT = "instant"
    # A span that is not a calendar unit: early/mid/late YEAR (EDTF's quadrimesters),
    # months (Aug–Dec 2026) or days (3–7 Oct 2026).
    RANGE = "range"


MIN_YEAR = 1000
# winter 9998 ends in February 9999, the last year `datetime.date` can hold.
MAX_YEAR = 9998

SEASON_START = {"spring": 3, "summer": 6, "autumn": 9, "winter": 12}
SEASON_ALIASES = {"fall": "autumn"}
# early, mid and late YEAR are EDTF's quadrimesters (ISO 8601-2 sub-year groupings 37-39):
# January to April, May to August, September to December.
PART_START = {"early": 1, "mid": 5, "late": 9}
_PART_OF = {start: part for part, start in PART_START.items()}
# Two-digit years after an apostrophe ("spring '27"): 00-69 are 2000-2069 and 70-99 are
# 1970-1999, the pivot POSIX strptime uses for %y.
CENTURY_PIVOT = 70

MONTH_NAMES = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTH_ABBR = {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
MONTHS = {**MONTH_NAMES, **MONTH_ABBR, "sept": 9}
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
WEEKDAYS.update({name.lower(): i for i, name in enumerate(calendar.day_abbr)})

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


def _from_range(value: str, name: str, m: re.Match[str]) -> DateSpec:
    g = m.groupdict()
    if name == "part":
        year, start = _year(value, g["year"]), PART_START[g["part"]]
        return DateSpec(Precision.RANGE, date(year, start, 1), _last_day(year, start + 3))
    if name == "edtf-group":
        year, code = _year(value, g["year"]), int(g["code"])
        start, months = _EDTF_GROUPS[code]
        first = date(year, start, 1)
        end_year, end_month = divmod(start - 1 + months - 1, 12)
        last = _last_day(year + end_year, end_month + 1)
        if 21 <= code <= 28:
            return DateSpec(Precision.SEASON, first, last)
        if code >= 40:
            return DateSpec(Precision.HALF, first, last)
        if code >= 33 and months == 3:
            return DateSpec(Precision.QUARTER, first, last)
        return _range(value, first, last)
    if name == "interval":
        a, b = _parse(value, g["a"]), _parse(value, g["b"])
        if a.earliest is None or b.latest is None:
            raise _refuse(value)
        return _range(value, a.earliest, b.latest)
    y1, y2 = (g.get("y1") or g.get("year") or ""), (g.get("y2") or g.get("year") or "")
    if name in ("months", "months-years"):
        first_year, last_year = _year(value, y1), _year(value, y2)
        return _range(value, date(first_year, MONTHS[g["m1"]], 1), _last_day(last_year, MONTHS[g["m2"]]))
    month1 = MONTHS[g.get("m1") or g["m"]]
    month2 = MONTHS[g.get("m2") or g["m"]]
    try:
        first = date(_year(value, y1), month1, int(g["d1"]))
        last = date(_year(value, y2), month2, int(g["d2"]))
    except ValueError as exc:
        raise _refuse(value, str(exc)) from None
    return _range(value, first, last)


def _range(value: str, first: date, last: date) -> DateSpec:
    """The span from ``first`` to ``last``, as the coarsest precision that says exactly
    it: one day is a day, one whole month a month; anything else a range."""
    if last < first:
        raise _refuse(value, f"the range ends ({format_day(last)}) before it starts ({format_day(first)})")
    if last.year > MAX_YEAR:  # only winter 9998 may end in 9999: its name says so
        raise _refuse(value, f"year must be between {MIN_YEAR} and {MAX_YEAR}")
    if first == last:
        return DateSpec(Precision.DAY, first, last)
    if _month_aligned(first, last) and (first.year, first.month) == (last.year, last.month):
        return DateSpec(Precision.MONTH, first, last)
    return DateSpec(Precision.RANGE, first, last)


# A time of day: 24-hour (08:00, 20:30:15) or, as the press writes it, 12-hour (8pm, 8:30 p.m.),
# after the day or after "at".
_CLOCK_12 = r"(?P<h12>\d{1,2})(?::(?P<m12>\d{2}))? ?(?P<half>(?i:[ap])\.?(?i:m)\.?)"
_TIME = (
    r"(?P<date>.+?)(?:,? (?i:at) |[ T])"
    rf"(?P<time>\d{{1,2}}:\d{{2}}(?::\d{{2}})?|{_CLOCK_12})(?: ?(?P<zone>\S+))?"
)
_BRACKET_ZONE = r"(?P<stamp>[^\[\]]+)\[(?P<zone>[^\[\]]+)\]"
# A UTC offset: +05:30, +0530, -07, and the colloquial UTC+1 / GMT+05:45 (east of Greenwich
# is +, as people mean it; POSIX's inverted "GMT+1" is not what anyone types).
_OFFSET = r"(?:(?i:utc|gmt))?(?P<sign>[+-])(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?"
_HAS_TIME = r"\d:\d|\d ?[ap]\.?m\b"


class DateError(UsageError):
    """A date the user typed (or a store holds) that hstrack cannot read."""


@dataclass(frozen=True, slots=True)
class DateSpec:
    """A date as precisely as it is known.

    ``earliest``/``latest`` bound the window (equal for a day); ``at`` is the moment of
    an instant (its ``earliest``/``latest`` are its calendar day in its own zone); ``zone``
    is the IANA name an instant was given in, or None for a fixed UTC offset.
    """

    precision: Precision
    earliest: date | None = None
    latest: date | None = None
    at: datetime | None = None
    zone: str | None = None
    # The instant's moment (epoch seconds): Python compares two datetimes in one zone by
    # their wall time alone, so 01:30 EDT and 01:30 EST on the night clocks go back would
    # otherwise be "equal"; this tells them apart.
    moment: float | None = None

    @property
    def is_tba(self) -> bool:
        return self.precision is Precision.TBA

    @property
    def is_exact(self) -> bool:
        """Known to the day or the moment, as opposed to a window (or TBA)."""
        return self.precision is Precision.DAY or self.precision is Precision.INSTANT

    @property
    def canonical(self) -> str:
        """The one spelling the store keeps; ``parse_date`` reads it back exactly."""
        p, lo = self.precision, self.earliest
        if p is Precision.TBA:
            return "TBA"
        assert lo is not None
        if p is Precision.YEAR:
            return f"{lo.year:04d}"
        if p is Precision.HALF:
            return f"{lo.year:04d}-H{1 if lo.month == 1 else 2}"
        if p is Precision.QUARTER:
            return f"{lo.year:04d}-Q{(lo.month - 1) // 3 + 1}"
        if p is Precision.SEASON:
            return f"{_season_of(lo.month)} {lo.year:04d}"
        if p is Precision.MONTH:
            return f"{lo.year:04d}-{lo.month:02d}"
        if p is Precision.DAY:
            return lo.isoformat()
        if p is Precision.RANGE:
            hi = self.latest
            assert hi is not None
            part = _part_of(lo, hi)
            if part:
                return f"{part} {lo.year:04d}"
            if _month_aligned(lo, hi):
                return f"{lo.year:04d}-{lo.month:02d}..{hi.year:04d}-{hi.month:02d}"
            return f"{lo.isoformat()}..{hi.isoformat()}"
        assert self.at is not None
        stamp = self.at.isoformat()
        return f"{stamp}[{self.zone}]" if self.zone else stamp

    @property
    def text(self) -> str:
        """How a person would say it: "Q3 2026", "autumn 2026", "3 Oct 2026"."""
        p, lo = self.precision, self.earliest
        if p is Precision.TBA:
            return "TBA"
        assert lo is not None
        if p is Precision.YEAR:
            return str(lo.year)
        if p is Precision.HALF:
            return f"H{1 if lo.month == 1 else 2} {lo.year}"
        if p is Precision.QUARTER:
            return f"Q{(lo.month - 1) // 3 + 1} {lo.year}"
        if p is Precision.SEASON:
            season = _season_of(lo.month)
            # Winter straddles a new year; say both so nobody reads it as Jan..Feb.
            return f"winter {lo.year}/{(lo.year + 1) % 100:02d}" if season == "winter" else f"{season} {lo.year}"
        if p is Precision.MONTH:
            return f"{calendar.month_name[lo.month]} {lo.year}"
        if p is Precision.DAY:
            return format_day(lo)
        if p is Precision.RANGE:
            assert self.latest is not None
            return _range_text(lo, self.latest)
        assert self.at is not None
        at = self.at
        if self.zone:
            return f"{format_day(at.date())} {at:%H:%M} {self.zone}"
        offset = _format_offset(at)
        return f"{format_day(at.date())} {at:%H:%M} UTC{'' if offset == '+00:00' else offset}"

    @property
    def window_iso(self) -> tuple[str | None, str | None]:
        """``earliest``/``latest`` for the JSON contract: dates, or the instant itself."""
        if self.at is not None:
            stamp = self.at.isoformat()
            return stamp, stamp
        return (
            self.earliest.isoformat() if self.earliest else None,
            self.latest.isoformat() if self.latest else None,
        )

    def local_window(self, tz: tzinfo) -> tuple[date, date] | None:
        """The window as calendar days where the viewer is (an instant moves to ``tz``)."""
        if self.at is not None:
            day = self.at.astimezone(tz).date()
            return day, day
        if self.earliest is None or self.latest is None:
            return None
        return self.earliest, self.latest


def format_day(day: date) -> str:
    return f"{day.day} {calendar.month_abbr[day.month]} {day.year}"


def _format_offset(at: datetime) -> str:
    offset = at.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _offset_text(offset: timedelta) -> str:
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _season_of(month: int) -> str:
    return {3: "spring", 6: "summer", 9: "autumn", 12: "winter"}[month]


def _month_aligned(first: date, last: date) -> bool:
    return first.day == 1 and last == _last_day(last.year, last.month)


def _part_of(first: date, last: date) -> str | None:
    """early, mid or late, when a range is exactly that third of one year."""
    part = _PART_OF.get(first.month)
    if part and first.day == 1 and last == _last_day(first.year, first.month + 3):
        return part
    return None


def _range_text(first: date, last: date) -> str:
    """ "early 2027", "Aug–Dec 2026", "Nov 2026–Feb 2027", "3–7 Oct 2026", "28 Sep–3 Oct
    2026": the shortest spelling that says both ends; each reads back as the same range."""
    part = _part_of(first, last)
    if part:
        return f"{part} {first.year}"
    abbr = calendar.month_abbr
    if _month_aligned(first, last):
        if first.year == last.year:
            return f"{abbr[first.month]}–{abbr[last.month]} {first.year}"
        return f"{abbr[first.month]} {first.year}–{abbr[last.month]} {last.year}"
    if first.year != last.year:
        return f"{format_day(first)}–{format_day(last)}"
    if first.month != last.month:
        return f"{first.day} {abbr[first.month]}–{format_day(last)}"
    return f"{first.day}–{format_day(last)}"


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _refuse(value: str, reason: str | None = None) -> DateError:
    """One short line: what was not understood, why when that is known, the closest
    spelling that reads when there is one, and where the full table is."""
    shown = value if len(value) <= 60 else value[:57] + "..."
    why = f": {reason}" if reason else ""
    near = _closest(value) if reason is None and len(value) <= 60 else None
    hint = f"; did you mean {near!r}?" if near else ""
    return DateError(f"cannot read date {shown!r}{why}{hint}; every form: hstrack help dates")


_WORDS = (
    *MONTH_NAMES, *(m for m in MONTH_ABBR if len(m) == 3), "sept", *SEASON_START, "fall", "early", "mid", "late",
    "tba", "tbd", "tbc", "unknown", "to", "through", "until", *(w for w in WEEKDAYS if len(w) > 3),
)  # fmt: skip


def _closest(value: str) -> str | None:
    """A typed date with its misspelt words put right ("Octber 2026" is October 2026),
    when the result reads; only a refusal pays for this."""
    import difflib

    parts = re.split(r"([^a-z]+)", " ".join(value.split()).lower())
    fixed = False
    for i, word in enumerate(parts):
        if len(word) >= 3 and word.isalpha() and word not in _WORDS:
            near = difflib.get_close_matches(word, _WORDS, n=1, cutoff=0.75)
            if near:
                parts[i], fixed = near[0], True
    if not fixed:
        return None
    try:
        spec, marked = parse_typed("".join(parts))
    except DateError:
        return None
    return spec.text + ("?" if marked else "")


def _year(value: str, raw: str) -> int:
    year = int(raw)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _refuse(value, f"year must be between {MIN_YEAR} and {MAX_YEAR}")
    return year


def window(precision: Precision, earliest: date, latest: date) -> DateSpec:
    return DateSpec(precision, earliest, latest)


def parse_date(value: str) -> DateSpec:
    """Read a date in any accepted form, or raise :class:`DateError` (exit 2). A mark of
    uncertainty (``summer 2027?``) is read and dropped; ``parse_typed`` keeps it."""
    return parse_typed(value)[0]


# EDTF's marks: ? uncertain, ~ approximate, % both. Each makes a date tentative.
_QUALIFIER = re.compile(r"[?~%]+(?=/|\.\.|$)")
_SHORT_YEAR = re.compile(r"(?:(?<=[\s/-])|^)['’‘](\d{2})\b")


def parse_typed(value: str) -> tuple[DateSpec, bool]:
    """A date as a person or another program writes it, and whether it is marked
    uncertain: a trailing ``?`` (``summer 2027?``), or EDTF's ``?``, ``~`` and ``%`` on a
    date or on either end of an interval (``2026-08?/2026-12``). A two-digit year after an
    apostrophe (``spring '27``) is its century's obvious year."""
    raw = " ".join(value.split())
    if not raw:
        raise _refuse(value, "it is empty")
    raw, marks = _QUALIFIER.subn("", raw)
    raw = _SHORT_YEAR.sub(lambda m: str(_full_year(int(m[1]))), raw).strip()
    if not raw:
        raise _refuse(value)
    return _parse(value, raw), marks > 0


def _full_year(short: int) -> int:
    return (1900 if short >= CENTURY_PIVOT else 2000) + short


def _parse(value: str, raw: str, nested: bool = False) -> DateSpec:
    """``raw`` is ``value`` with its spaces, marks and short years tidied; ``value`` is
    what the person typed, for the message if it is refused. ``nested``: ``raw`` is one
    end of an interval, which is not itself split again."""
    text = raw.lower()
    if text in ("tba", "tbd", "tbc", "unknown"):
        return DateSpec(Precision.TBA)
    ranges = _range_grammar()
    group = ranges[0][1].fullmatch(text)  # EDTF's 2026-21 before a month's 2026-12
    if group:
        return _from_range(value, "edtf-group", group)
    for name, pattern in _grammar():
        match = pattern.fullmatch(text)
        if match:
            return _from_match(value, name, match)
    for name, pattern in ranges[1:]:
        match = pattern.fullmatch(text)
        if match:
            return _from_range(value, name, match)
    if re.search(_HAS_TIME, text):
        return _parse_instant(value, raw)
    try:
        return _parse_free_day(value, text)
    except DateError:
        spanned = None if nested or len(text) > 80 else _any_interval(value, text)
        if spanned is None:
            raise
        return spanned


# Where an interval between any two dates of the grammar may be split: "Q3–Q4 2026",
# "late 2026 to early 2027", "spring–summer 2027", "early-to-mid 2027".
_INTERVAL_SPLIT = re.compile(r"\s*(?:-to-|\bto\b|\bthrough\b|\buntil\b|\.\.|/|–|—|-)\s*")


def _any_interval(value: str, text: str) -> DateSpec | None:
    """A span from the start of one date to the end of another, each in any form the
    grammar reads (not TBA, not a time); the first end may borrow the second's year
    ("Q3–Q4 2026"). Tried only when nothing else reads, so no other form changes meaning.
    Every place the text could be split is tried: two different readings are refused
    rather than one picked ("2026-05-October 2026")."""
    readings: list[DateSpec] = []
    reversed_span: DateError | None = None
    splits = list(_INTERVAL_SPLIT.finditer(text))
    # A separator a date never holds (a word, a dash with spaces, "..") says where the span
    # splits better than a bare hyphen, which ISO dates hold too: "2026-05 - October 2026".
    clear = [s for s in splits if s.group().strip() != "-" or s.group() != s.group().strip()]
    for split in clear or splits:
        left, right = text[: split.start()].strip(), text[split.end() :].strip()
        if not left or not right:
            continue
        try:
            last = _parse(value, right, nested=True)
            year = re.search(r"\b\d{4}\b", right)
            try:
                first = _parse(value, left, nested=True)
            except DateError:
                if year is None or re.search(r"\d{4}", left):
                    continue
                first = _parse(value, f"{left} {year[0]}", nested=True)
        except DateError:
            continue
        if first.earliest is None or last.latest is None or Precision.INSTANT in (first.precision, last.precision):
            continue
        try:
            spec = _range(value, first.earliest, last.latest)
        except DateError as refused:
            reversed_span = reversed_span or refused
            continue
        if spec not in readings:
            readings.append(spec)
    if len(readings) > 1:
        raise _refuse(value, f"it could be {readings[0].text} or {readings[1].text}")
    if readings:
        return readings[0]
    if reversed_span is not None:
        raise reversed_span
    return None


def parse_canonical(value: str) -> DateSpec:
    """Read a date in the store's own spelling (``DateSpec.canonical``) without regular
    expressions: a 10,000-title store holds 50,000 of them. Anything else, including a
    hand-edited variant, goes through the full ``parse_date``, so the result is the same."""
    n = len(value)
    try:
        if value == "TBA":
            return DateSpec(Precision.TBA)
        if n == 4 and value.isdigit():
            year = int(value)
            if MIN_YEAR <= year <= MAX_YEAR:
                return DateSpec(Precision.YEAR, date(year, 1, 1), date(year, 12, 31))
        elif n == 7 and value[4] == "-" and value[:4].isdigit() and MIN_YEAR <= int(value[:4]) <= MAX_YEAR:
            year, kind, digit = int(value[:4]), value[5], value[6]
            if kind == "H" and digit in "12":
                first = 1 if digit == "1" else 7
                return DateSpec(Precision.HALF, date(year, first, 1), _last_day(year, first + 5))
            if kind == "Q" and digit in "1234":
                first = (int(digit) - 1) * 3 + 1
                return DateSpec(Precision.QUARTER, date(year, first, 1), _last_day(year, first + 2))
            if value[5:].isdigit() and 1 <= int(value[5:]) <= 12:
                month = int(value[5:])
                return DateSpec(Precision.MONTH, date(year, month, 1), _last_day(year, month))
        elif n == 10 and value[4] == "-" and value[7] == "-" and value[:4].isdigit():
            day = date.fromisoformat(value)
            if MIN_YEAR <= day.year <= MAX_YEAR:
                return DateSpec(Precision.DAY, day, day)
        elif n == 11 and value[:6] in ("autumn", "spring", "summer", "winter") and value[6] == " ":
            year = int(value[7:]) if value[7:].isdigit() else 0
            if MIN_YEAR <= year <= MAX_YEAR:
                start = SEASON_START[value[:6]]
                end = (year + 1, 2) if start == 12 else (year, start + 2)
                return DateSpec(Precision.SEASON, date(year, start, 1), _last_day(*end))
        elif ".." in value:
            a, _, b = value.partition("..")
            if len(a) == len(b) and len(a) in (7, 10):
                lo, hi = parse_canonical(a), parse_canonical(b)
                if lo.earliest is not None and hi.latest is not None:
                    spec = _range(value, lo.earliest, hi.latest)
                    if spec.canonical == value:
                        return spec
        elif n in (9, 10) and value[:-5] in PART_START and value[-5] == " " and value[-4:].isdigit():
            year, start = int(value[-4:]), PART_START[value[:-5]]
            if MIN_YEAR <= year <= MAX_YEAR:
                return DateSpec(Precision.RANGE, date(year, start, 1), _last_day(year, start + 3))
        elif n > 19 and value[10] == "T" and value[:4].isdigit():
            stamp, bracket, zone = value.partition("[")
            if bracket and zone.endswith("]"):
                tz, name = _parse_zone(value, zone[:-1], strict=False)
                moment = datetime.fromisoformat(stamp)
                return _instant(value, moment.replace(tzinfo=None), tz, name, moment.utcoffset(), strict=False)
            if not bracket:
                moment = datetime.fromisoformat(stamp)
                if moment.tzinfo is not None:
                    return _instant(value, moment.replace(tzinfo=None), moment.tzinfo, None)
    except ValueError:
        pass
    return parse_date(value)


def _from_match(value: str, name: str, m: re.Match[str]) -> DateSpec:
    if name == "iso-day":
        try:
            day = date.fromisoformat(m.group(0))
        except ValueError as exc:
            raise _refuse(value, str(exc)) from None
        _year(value, m.group(0)[:4])
        return window(Precision.DAY, day, day)
    groups = m.groupdict()
    year = _year(value, groups.get("year") or groups["year2"])
    if name == "year":
        return window(Precision.YEAR, date(year, 1, 1), date(year, 12, 31))
    if name in ("half", "quarter"):
        n = int(groups["n"] or groups["n2"])
        months = 6 if name == "half" else 3
        first = (n - 1) * months + 1
        precision = Precision.HALF if name == "half" else Precision.QUARTER
        return window(precision, date(year, first, 1), _last_day(year, first + months - 1))
    if name == "season":
        season = SEASON_ALIASES.get(groups["season"], groups["season"])
        nxt = groups.get("next")
        if nxt is not None:
            # "winter 2026/27": the second year must follow the first, and only winter spans two.
            expected = year + 1
            if season != "winter":
                raise _refuse(value, "only winter spans two years, as in winter 2026/27")
            if int(nxt) not in (expected, expected % 100):
                raise _refuse(value, f"winter's second year is the next one: winter {year}/{expected % 100:02d}")
        start = SEASON_START[season]
        end_year, end_month = (year + 1, 2) if season == "winter" else (year, start + 2)
        return window(Precision.SEASON, date(year, start, 1), _last_day(end_year, end_month))
    if name in ("iso-month", "month"):
        raw = groups["month"]
        month = int(raw) if raw.isdigit() else MONTHS[raw]
        if not 1 <= month <= 12:
            raise _refuse(value, "month must be 01 to 12")
        return window(Precision.MONTH, date(year, month, 1), _last_day(year, month))
    # day-month / month-day with English month names
    try:
        day = date(year, MONTHS[groups["month"]], int(groups["day"]))
    except ValueError as exc:
        raise _refuse(value, str(exc)) from None
    _check_weekday(value, groups.get("wd"), day)
    return window(Precision.DAY, day, day)


def _numeric_reason(a: int, b: int, year: int) -> str:
    """Why 03/10/2026 is refused, and the day meant when only one reading is a day."""
    readings: list[date] = []
    for day, month in ((a, b), (b, a)):
        with contextlib.suppress(ValueError):
            readings.append(date(year, month, day))
    if len(set(readings)) == 1:
        return f"all-numeric dates are refused; if you mean {format_day(readings[0])}, write {readings[0].isoformat()}"
    if not readings:
        return "no such day either way round"
    first, second = readings
    return f"it could be {format_day(first)} or {format_day(second)}; write {first.isoformat()} or {second.isoformat()}"


def _check_weekday(value: str, weekday: str | None, day: date) -> None:
    if weekday and WEEKDAYS[weekday] != day.weekday():
        raise _refuse(value, f"{day.isoformat()} is a {calendar.day_name[day.weekday()]}")


def _parse_free_day(value: str, text: str) -> DateSpec:
    """Free-form day spellings the patterns miss ("October 3rd, 2026", "3-Oct-2026").

    dateutil fills any missing part from its ``default``; parsing twice with two
    different defaults exposes a missing part, which we refuse rather than guess.
    Numeric-only forms such as 03/10/2026 are refused: day-first or month-first
    cannot be told apart, and a wrong release date is worse than an error.
    """
    numeric = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)
    if numeric:
        raise _refuse(value, _numeric_reason(*(int(n) for n in numeric.groups())))
    unit = re.fullmatch(r"(?:([qh])(\d)[ -]?\d{4}|\d{4}[ -]?([qh])(\d))", text)
    if unit:
        letter = unit[1] or unit[3]
        raise _refuse(value, "a quarter is Q1 to Q4" if letter == "q" else "a half is H1 or H2")
    if not re.search(rf"\b({_MONTH_RE})\b", text):
        raise _refuse(value)
    years = re.findall(r"\d{4}", text)
    if not years:
        raise _refuse(value, "it has no year: a missing part is never filled in from today")
    if len(years) > 1:  # dateutil would fold "2026-05-October 2026" into one day
        raise _refuse(value)
    from dateutil import parser  # lazy: only free-form input pays for it

    defaults = (datetime(2000, 1, 1, 0, 0, 0), datetime(2004, 2, 2, 1, 1, 1))
    try:
        first, second = (parser.parse(text, default=d) for d in defaults)
    except (ValueError, OverflowError):
        raise _refuse(value) from None
    if first.date() != second.date():
        raise _refuse(value, "give day, month and year")
    if (first.time(), second.time()) != (defaults[0].time(), defaults[1].time()) or first.tzinfo:
        raise _refuse(value, "a time needs the form 2026-10-03 08:00 Europe/London")
    year = _year(value, f"{first.year:04d}")
    day = date(year, first.month, first.day)
    weekdays = [w for w in re.findall(r"[a-z]+", text) if w in WEEKDAYS]
    _check_weekday(value, weekdays[0] if weekdays else None, day)
    return window(Precision.DAY, day, day)


# Abbreviations name no zone: "8 pm EST" in July means New York's summer time, and CET,
# IST or CST each mean several places. They are refused with the zone people usually
# mean (tzdata still carries EST, MST, CET ... as fixed or legacy zones, which would
# silently give the wrong hour for half the year).
ABBREVIATIONS = {
    "EST": "America/New_York", "EDT": "America/New_York", "ET": "America/New_York",
    "CST": "America/Chicago", "CDT": "America/Chicago", "CT": "America/Chicago",
    "MST": "America/Denver", "MDT": "America/Denver", "MT": "America/Denver",
    "PST": "America/Los_Angeles", "PDT": "America/Los_Angeles", "PT": "America/Los_Angeles",
    "AKST": "America/Anchorage", "AKDT": "America/Anchorage", "HST": "Pacific/Honolulu",
    "BST": "Europe/London", "WET": "Europe/Lisbon", "WEST": "Europe/Lisbon",
    "CET": "Europe/Paris", "CEST": "Europe/Paris", "MET": "Europe/Paris", "MEST": "Europe/Paris",
    "EET": "Europe/Athens", "EEST": "Europe/Athens", "MSK": "Europe/Moscow",
    "IST": "Asia/Kolkata", "PKT": "Asia/Karachi", "JST": "Asia/Tokyo", "KST": "Asia/Seoul",
    "HKT": "Asia/Hong_Kong", "SGT": "Asia/Singapore", "AWST": "Australia/Perth",
    "ACST": "Australia/Adelaide", "ACDT": "Australia/Adelaide", "AEST": "Australia/Sydney",
    "AEDT": "Australia/Sydney", "NZST": "Pacific/Auckland", "NZDT": "Pacific/Auckland",
    "BRT": "America/Sao_Paulo", "ART": "America/Argentina/Buenos_Aires", "SAST": "Africa/Johannesburg",
    "WAT": "Africa/Lagos", "EAT": "Africa/Nairobi", "CAT": "Africa/Maputo",
}  # fmt: skip


def _zone_hint(raw: str) -> str:
    upper = raw.upper()
    zone = ABBREVIATIONS.get(upper) or ABBREVIATIONS.get(re.sub(r"\d.*", "", upper))
    if zone:
        return (
            f"{raw} is an abbreviation, not a zone, and its hour changes with the season: "
            f"use an IANA name such as {zone}, or a UTC offset such as -05:00"
        )
    return f"{raw} is not an IANA zone name; use one such as Europe/London or America/New_York, or a UTC offset"


def _parse_zone(value: str, raw: str, strict: bool = True) -> tuple[tzinfo, str | None]:
    """A zone: Z, UTC or GMT; a UTC offset; or an IANA ``Area/Location`` name.

    ``strict`` (typed input) refuses abbreviations and the other names without an area
    (EST, CET, EST5EDT, Japan) and the sign-inverted Etc/GMT+5 family; a store written
    before this rule may hold them, and is still read (``strict=False``)."""
    if raw.upper() in ("Z", "UTC", "GMT"):
        return UTC, None
    m = re.fullmatch(_OFFSET, raw)
    if m:
        minutes = int(m["h"]) * 60 + int(m["m"] or 0)
        if minutes >= 24 * 60 or int(m["m"] or 0) >= 60:
            raise _refuse(value, f"offset {raw} is out of range")
        sign = -1 if m["sign"] == "-" else 1
        return timezone(sign * timedelta(minutes=minutes)), None
    if strict:
        if "/" not in raw:
            raise _refuse(value, _zone_hint(raw))
        if re.fullmatch(r"(?i)etc/gmt[+-]\d+", raw):
            raise _refuse(value, f"{raw} has its sign inverted (Etc/GMT+5 is UTC-05:00); write the offset instead")
    try:
        zone = ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise _refuse(value, f"unknown time zone {raw!r}; use an IANA name such as Europe/London") from None
    return zone, zone.key


def _parse_instant(value: str, raw: str | None = None) -> DateSpec:
    """An instant: a day, a time and a zone (IANA name or UTC offset); never zone-less.
    ``raw``: the value tidied (spaces, marks of uncertainty), when it differs."""
    text = " ".join((raw if raw is not None else value).split())
    bracket = re.fullmatch(_BRACKET_ZONE, text)
    if bracket:
        # Canonical "…+01:00[Europe/London]": the wall time in the zone is the fact
        # (a drop at 08:00 London time); the offset is re-derived, so a tzdata update
        # that moves an offset keeps the drop at 08:00 rather than shifting it.
        stamp = bracket["stamp"]
        zone, name = _parse_zone(value, bracket["zone"])
        try:
            moment = datetime.fromisoformat(stamp)
        except ValueError:
            raise _refuse(value) from None
        return _instant(value, moment.replace(tzinfo=None), zone, name, moment.utcoffset())
    try:
        iso = datetime.fromisoformat(text)  # 3.11 takes a space for the T, and before the offset
    except ValueError:
        iso = None
    if iso is not None:
        if iso.tzinfo is None:
            raise _refuse(value, "a time needs a zone, e.g. Europe/London or +01:00")
        # fromisoformat reads "+0560" as six hours; an offset's minutes must be a minute.
        offset = re.search(r"[+-]\d{2}:?(\d{2})(?::?\d{2}(?:\.\d+)?)?$", text)
        if offset and int(offset[1]) >= 60:
            raise _refuse(value, "an offset's minutes run from 00 to 59")
        return _instant(value, iso.replace(tzinfo=None), iso.tzinfo, None)
    m = re.fullmatch(_TIME, text)
    if not m:
        raise _refuse(value)
    if not m["zone"]:
        raise _refuse(value, "a time needs a zone, e.g. Europe/London or +01:00")
    day_spec = parse_date(m["date"])
    if day_spec.precision is not Precision.DAY or day_spec.earliest is None:
        raise _refuse(value, "a time needs a full date")
    try:
        if m["half"]:
            hour = int(m["h12"])
            if not 1 <= hour <= 12:
                raise ValueError
            pm = m["half"][0].lower() == "p"
            clock = time(hour % 12 + (12 if pm else 0), int(m["m12"] or 0))
        else:
            clock = datetime.strptime(m["time"], "%H:%M:%S" if m["time"].count(":") == 2 else "%H:%M").time()
    except ValueError:
        raise _refuse(value, f"no such time {m['time']}") from None
    zone, name = _parse_zone(value, m["zone"])
    return _instant(value, datetime.combine(day_spec.earliest, clock), zone, name)


def _instant(
    value: str, naive: datetime, zone: tzinfo, name: str | None, offset: timedelta | None = None, strict: bool = True
) -> DateSpec:
    """An instant at wall time ``naive`` in ``zone``. ``offset``, given beside a zone name
    (``…-05:00[America/New_York]``), picks which of a repeated hour is meant; typed, an
    offset the zone never has at that time is refused, while one read from a store is taken
    as written by an older tzdata, and the wall time in the zone stays the fact."""
    if not MIN_YEAR <= naive.year <= MAX_YEAR:
        raise _refuse(value, f"year must be between {MIN_YEAR} and {MAX_YEAR}")
    at = naive.replace(tzinfo=zone)
    if name is not None:
        # A wall time skipped by a DST change (01:30 on a spring-forward night) does
        # not exist; refuse it rather than silently move the drop by an hour.
        # Ambiguous times (the repeated hour in autumn) take the first occurrence,
        # unless an offset says which.
        back = at.astimezone(UTC).astimezone(zone)
        if back.replace(tzinfo=None) != naive:
            raise _refuse(value, f"{naive:%H:%M} does not exist in {name} that day (clocks change)")
        at = back
        if offset is not None and offset != at.utcoffset():
            second = naive.replace(tzinfo=zone, fold=1)
            if second.utcoffset() == offset:
                at = second.astimezone(UTC).astimezone(zone)
            elif strict:
                raise _refuse(
                    value, f"{name} is at UTC{_format_offset(at)} at {naive:%H:%M} that day, not {_offset_text(offset)}"
                )
    day = at.date()
    return DateSpec(Precision.INSTANT, day, day, at, name, at.timestamp())


# ---------------------------------------------------------------------------- spans of time

_SPAN = re.compile(r"(?P<n>\d{1,4}) ?(?P<unit>[a-z]+)")
SPAN_UNITS = {
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "h"),
    **dict.fromkeys(("d", "day", "days"), "d"),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), "w"),
    **dict.fromkeys(("m", "mo", "mos", "month", "months"), "m"),
    **dict.fromkeys(("y", "yr", "yrs", "year", "years"), "y"),
}


def read_span(value: str) -> tuple[int, str]:
    """``7d`` -> (7, "d"): a count and one of h, d, w, m (months), y."""
    m = _SPAN.fullmatch(value.strip().lower())
    unit = SPAN_UNITS.get(m["unit"]) if m else None
    if m is None or unit is None:
        raise UsageError(f"cannot read duration {value!r}; use a number and a unit: 12h, 7d, 2w, 3m (months), 1y")
    return int(m["n"]), unit


def span_end(value: str, start: datetime) -> datetime:
    """The moment a span such as ``7d``, ``2w``, ``3m``, ``1y`` or ``12h`` ends, from ``start``."""
    return _move(value, start, 1)


def span_start(value: str, end: datetime) -> datetime:
    """The moment a span that ends at ``end`` began: ``7d`` back from now."""
    return _move(value, end, -1)


def _move(value: str, start: datetime, sign: int) -> datetime:
    """Hours are elapsed hours, counted in UTC, so the 25-hour night of a clock change is
    25 of them; days and weeks are calendar days where ``start`` is (the same wall time
    that many days on); months and years are calendar months (31 Jan + 1m = 28 or 29 Feb),
    not 30-day blocks, so "3m" means what a person means by it."""
    n, unit = read_span(value)
    try:
        if unit == "h":
            moved = start.astimezone(UTC) + sign * timedelta(hours=n)
            return moved.astimezone(start.tzinfo) if start.tzinfo is not None else moved.replace(tzinfo=None)
        if unit in "dw":
            return start + sign * timedelta(days=n * (7 if unit == "w" else 1))
        months = n * (12 if unit == "y" else 1)
        year, month = divmod(start.month - 1 + sign * months, 12)
        year += start.year
        day = min(start.day, calendar.monthrange(year, month + 1)[1])
        return start.replace(year=year, month=month + 1, day=day)
    except (OverflowError, ValueError):
        raise UsageError(f"duration {value!r} reaches past the years a calendar can hold") from None
