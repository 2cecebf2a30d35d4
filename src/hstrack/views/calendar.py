"""A month calendar with milestones on it, like ``cal`` with events.

A milestone known to the day sits on that day; a window of a month or less (a month, a
span of days) covers every day it spans, because the event could be on any of them. A
longer window (Q3, autumn, a half, a year, a span of months) is only listed under the
grid: shaded, it would cover every day of every month it touches, and two year-long ones
would hide everything else. Weeks start on
Monday (ISO 8601). Days are the viewer's calendar days: an instant moves to the
viewer's zone, so a 01:00 UTC drop shows on the day it happens where you are.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from hstrack.core.dates.grammar import parse_date
from hstrack.core.dates.spec import DateError, Precision
from hstrack.core.errors import UsageError
from hstrack.core.kinds import milestone_rank
from hstrack.core.model.shape import shown

if TYPE_CHECKING:
    from hstrack.core.report.assess import Assessed
    from hstrack.core.report.titles import TitleReport

_MONTH_NAMES = {name.lower(): i for i, name in enumerate(calendar.month_name) if name} | {
    name.lower(): i for i, name in enumerate(calendar.month_abbr) if name
}


# The longest window the grid shades: a month. Longer ones are listed under it.
LONGEST_SHADED = 31

# The last month any date can reach: winter 9998 ends in February 9999 (and a later month's
# grid would need days past the last a date can hold).
LAST_MONTH = (9999, 2)


@dataclass(frozen=True)
class Event:
    report: TitleReport
    item: Assessed  # dated: its window is the days the event covers

    @property
    def first(self) -> date:
        assert self.item.window is not None
        return self.item.window[0]

    @property
    def last(self) -> date:
        assert self.item.window is not None
        return self.item.window[1]

    @property
    def exact(self) -> bool:
        """Known to the day (or the moment), as opposed to a window."""
        return self.item.date.is_exact

    @property
    def on_the_grid(self) -> bool:
        """Drawn on its days: a day, or a window of a month or less."""
        return self.exact or (self.last - self.first).days < LONGEST_SHADED


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def name(self) -> str:
        return f"{calendar.month_name[self.month]} {self.year}"

    @property
    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def weeks(self) -> list[list[date | None]]:
        """Monday-first weeks; None pads the days of other months."""
        grid = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(self.year, self.month)
        return [[d if d.month == self.month else None for d in week] for week in grid]

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)


@dataclass(frozen=True)
class MonthCalendar:
    months: list[Month]
    today: date
    events: list[Event]  # every dated milestone touching the months shown, by start

    @property
    def first(self) -> date:
        return self.months[0].first

    @property
    def last(self) -> date:
        return self.months[-1].last

    def on(self, day: date) -> list[Event]:
        """What the grid draws on a day (a window longer than a month is not drawn)."""
        return [e for e in self.events if e.first <= day <= e.last and e.on_the_grid]


def month_calendar(reports: list[TitleReport], now: datetime, first: Month, count: int) -> MonthCalendar:
    months = [first]
    while len(months) < count and (months[-1].year, months[-1].month) < LAST_MONTH:
        months.append(months[-1].next())
    start, end = months[0].first, months[-1].last
    events = []
    for r in reports:
        for a in r.milestones:
            # A milestone a cancellation overtook will not happen: it is not on any day.
            if a.state != "cancelled" and a.window is not None and a.window[0] <= end and a.window[1] >= start:
                events.append(Event(r, a))
    # Days before windows that start the same day: the sharper date first.
    events.sort(key=lambda e: (e.first, not e.exact, e.last, e.report.title.name.lower(), milestone_rank(e.item.kind)))
    return MonthCalendar(months, now.date(), events)


def parse_month(value: str | None, today: date) -> tuple[Month, int | None]:
    """Which months to show: this month by default; "2026-12", "December 2026", a bare
    month name or number (the next such month, this one included: a release tracker looks
    ahead, so "jan" in November is the coming January); a day shows its month; a wider
    window (Q1 2027, autumn 2026, 2027) shows every month it spans, unless --months says
    otherwise."""
    if value is None:
        return Month(today.year, today.month), None
    text = value.strip().lower()
    # ASCII digits, at most two: "²" is a digit to isdigit() and not to int(), and int()
    # refuses a number of 4,300 digits with a traceback.
    bare = text.isascii() and text.isdigit() and len(text) <= 2
    number = _MONTH_NAMES.get(text) or (int(text) if bare and 1 <= int(text) <= 12 else None)
    if number is not None:
        return Month(today.year + (number < today.month), number), None
    try:
        spec = parse_date(value)
    except DateError:
        spec = None
    if spec is None or spec.earliest is None or spec.latest is None:
        raise UsageError(f"cannot show {shown(value)}: give a month (2026-12, December 2026) or a window (Q1 2027)")
    first, last = spec.earliest, spec.latest
    if spec.precision in (Precision.DAY, Precision.INSTANT, Precision.MONTH):
        return Month(first.year, first.month), None
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    return Month(first.year, first.month), span
