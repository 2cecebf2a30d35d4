"""``DateSpec``: a date as precisely as it is known, its one canonical spelling (what the
store keeps) and how a person says it.

A release is rarely known to the day: "2026", "Q3 2026", "autumn 2026" are what studios
announce. A spec keeps such a date as a window ``[earliest, latest]`` plus the precision it
was given at, and is never widened into a fake day such as 1 January. Seasons are
meteorological and northern-hemisphere: spring = March..May, summer = June..August, autumn
(or fall) = September..November, and winter YEAR = December YEAR to the end of February
YEAR+1.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum

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
    # The instant's offset from UTC, in seconds, as it was given: a datetime compares (and
    # hashes) by its moment alone, so 07:00Z and 00:00-07:00 would otherwise be one value,
    # and every cache keyed by a spec would show one's offset for the other. Two specs are
    # equal only when they say the same thing (``canonical``).
    offset: int | None = None

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


def window(precision: Precision, earliest: date, latest: date) -> DateSpec:
    return DateSpec(precision, earliest, latest)


def refusal(value: str, reason: str | None = None, hint: str = "") -> DateError:
    """The one line every refused date gets: the value (cut short), why when known, a hint."""
    shown = value if len(value) <= 60 else value[:57] + "..."
    why = f": {reason}" if reason else ""
    return DateError(f"cannot read date {shown!r}{why}{hint}; every form: hstrack help dates")
