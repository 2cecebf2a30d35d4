"""An independent date oracle: what the README says every view must show, computed with
the standard library alone. It imports nothing from hstrack, so a bug in hstrack's dates,
report or phrases cannot hide by being shared with the check.

Rules (README, "Date forms", "Phases", "Now", "Cancelled titles", "Words"):

- A window is its calendar days: a year, a half (Jan-Jun, Jul-Dec), a quarter, a
  meteorological northern season (winter YEAR = December YEAR to the end of February
  YEAR+1), a range (early/mid/late YEAR: Jan-Apr, May-Aug, Sep-Dec; or the months or
  days it names, both ends included), a month, a day. An instant's window is its day where the viewer is.
- Seen from now (the viewer's zone): an instant is past once its moment has come, else
  future. A day is past once it is before today. A wider window whose last day is before
  today is "due" (due, unconfirmed: not reached), but for an announcement or a firm
  cancellation, which are reported only once they have happened: "past". A window is
  "today" when it is one day and that day is today, open while today is inside it (a
  cancellation: reached, "past", from its first day), else future; TBA is "tba". (The
  stores built here have no history, so no day was ever recorded for a window.)
- days_until: (first - today, last - today) ahead, (0, last - today) open, (0, 0) today;
  days_since: today - last for past (0 for an open cancellation), 0 today.
- Phase: cancelled when a firm cancellation is reached or TBA; else released,
  post-production, in-production by the furthest firm milestone reached; announced when
  any firm milestone is reached; rumoured otherwise. Tentative ones never count.
- A cancelled title's milestones not reached are "cancelled"; it has no next. A firm
  cancellation dated ahead makes "cancelled" every milestone not reached that starts after
  its last day; a firm one dated TBA is reached (the title is cancelled, day unknown).
- An instant that happened earlier today is "today", like a day-dated milestone today.
- Order: by first day where the viewer is, then last day, then the moment, then the ladder
  (announced, production-start, production-end, trailer, premiere, release, cancelled,
  then others by name); TBA last.
- next: the first milestone (not a cancellation) known to the day or moment and falling on
  today; else the first due, ahead or open; else the first TBA one by the ladder. last: of
  those reached no later than next is reached (a window when its last day ended, a day on
  its day, an instant at its moment, a cancellation dated TBA after all), the one reached
  most recently; ties by the ladder.
- Words: see ``span`` and friends below.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

LADDER = ("announced", "production-start", "production-end", "trailer", "premiere", "release", "cancelled")
SEASON_START = {"spring": 3, "summer": 6, "autumn": 9, "winter": 12}
PART_START = {"early": 1, "mid": 5, "late": 9}  # ISO 8601-2's quadrimesters


@dataclass(frozen=True)
class Spec:
    """A date as the oracle knows it: a precision and what defines it."""

    precision: str
    year: int = 0
    part: int = 0  # half 1-2, quarter 1-4, month 1-12
    season: str = ""  # a season, or early/mid/late for a range
    day: date | None = None  # a day, or a range's first day
    end: date | None = None  # a range's last day
    wall: datetime | None = None  # an instant's wall time (naive)
    zone: str | None = None  # an IANA zone, or None with ``offset``
    offset: timedelta | None = None

    @property
    def moment(self) -> datetime:
        assert self.wall is not None
        if self.zone is not None:
            return self.wall.replace(tzinfo=ZoneInfo(self.zone))
        assert self.offset is not None
        from datetime import timezone

        return self.wall.replace(tzinfo=timezone(self.offset))

    def canonical(self) -> str:
        p = self.precision
        if p == "tba":
            return "TBA"
        if p == "year":
            return f"{self.year:04d}"
        if p == "half":
            return f"{self.year:04d}-H{self.part}"
        if p == "quarter":
            return f"{self.year:04d}-Q{self.part}"
        if p == "season":
            return f"{self.season} {self.year:04d}"
        if p == "range":
            if self.season:
                return f"{self.season} {self.year:04d}"
            assert self.day is not None
            assert self.end is not None
            if self.day.day == 1 and self.end == _last(self.end.year, self.end.month):
                return f"{self.day:%Y-%m}..{self.end:%Y-%m}"
            return f"{self.day.isoformat()}..{self.end.isoformat()}"
        if p == "month":
            return f"{self.year:04d}-{self.part:02d}"
        if p == "day":
            assert self.day is not None
            return self.day.isoformat()
        stamp = self.moment.isoformat()
        return f"{stamp}[{self.zone}]" if self.zone else stamp

    def window(self) -> tuple[date, date] | None:
        """The days it covers in its own terms (an instant: its own zone's day)."""
        p, y = self.precision, self.year
        if p == "tba":
            return None
        if p == "year":
            return date(y, 1, 1), date(y, 12, 31)
        if p == "half":
            first = 1 if self.part == 1 else 7
            return date(y, first, 1), _last(y, first + 5)
        if p == "quarter":
            first = 3 * (self.part - 1) + 1
            return date(y, first, 1), _last(y, first + 2)
        if p == "season":
            start = SEASON_START[self.season]
            if start == 12:
                return date(y, 12, 1), _last(y + 1, 2)
            return date(y, start, 1), _last(y, start + 2)
        if p == "range":
            if self.season:
                first = PART_START[self.season]
                return date(y, first, 1), _last(y, first + 3)
            assert self.day is not None
            assert self.end is not None
            return self.day, self.end
        if p == "month":
            return date(y, self.part, 1), _last(y, self.part)
        if p == "day":
            assert self.day is not None
            return self.day, self.day
        day = self.moment.date()
        return day, day

    def local(self, viewer: tzinfo) -> tuple[date, date] | None:
        if self.precision == "instant":
            day = self.moment.astimezone(viewer).date()
            return day, day
        return self.window()

    @property
    def exact(self) -> bool:
        return self.precision in ("day", "instant")


def _last(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Expected:
    kind: str
    state: str
    reached: bool
    days_until: dict[str, int] | None
    days_since: int | None
    earliest: str | None
    latest: str | None
    countdown: str
    window: tuple[date, date] | None  # the viewer's days
    moment: float  # an instant's timestamp, 0 otherwise


def assess(kind: str, spec: Spec, now: datetime, firm: bool = True) -> Expected:
    viewer = now.tzinfo
    assert viewer is not None
    today = now.date()
    local = spec.local(viewer)
    moment = spec.moment.timestamp() if spec.precision == "instant" else 0.0
    if local is None:
        if kind == "cancelled" and firm:  # reported cancelled, day not known: reached
            return Expected(kind, "past", True, None, None, None, None, "date not known", None, 0.0)
        return Expected(kind, "tba", False, None, None, None, None, "TBA", None, 0.0)
    first, last = local
    if spec.precision == "instant":
        iso = spec.moment.isoformat()
        earliest = latest = iso
    else:
        own = spec.window()
        assert own is not None
        earliest, latest = own[0].isoformat(), own[1].isoformat()
    if spec.precision == "instant":
        seconds = int((spec.moment.astimezone(UTC) - now.astimezone(UTC)).total_seconds())
        if seconds <= 0:
            since = (today - last).days
            if since == 0:
                return Expected(kind, "today", True, {"min": 0, "max": 0}, 0, earliest, latest, "today", local, moment)
            return Expected(kind, "past", True, None, since, earliest, latest, ago(since), local, moment)
        days = (first - today).days
        phrase = f"{until(days)}, in {hours_minutes(seconds)}" if days <= 1 else until(days)
        return Expected(kind, "future", False, {"min": days, "max": days}, None, earliest, latest, phrase, local,
                        moment)  # fmt: skip
    if last < today:
        lo, hi = (today - last).days, (today - first).days
        if spec.precision != "day" and not (kind in ("announced", "cancelled") and firm):
            return Expected(kind, "due", False, None, lo, earliest, latest, f"due, unconfirmed: window ended {ago(lo)}",
                            local, moment)  # fmt: skip
        return Expected(kind, "past", True, None, lo, earliest, latest, ago_range(lo, hi), local, moment)
    if first == last == today:
        return Expected(kind, "today", True, {"min": 0, "max": 0}, 0, earliest, latest, "today", local, moment)
    if first <= today:
        if kind == "cancelled" and firm:
            hi = (today - first).days
            return Expected(kind, "past", True, None, 0, earliest, latest, ago_range(0, hi), local, moment)
        left = (last - today).days
        return Expected(kind, "open", False, {"min": 0, "max": left}, None, earliest, latest,
                        f"window open, closes {until(left)}", local, moment)  # fmt: skip
    lo, hi = (first - today).days, (last - today).days
    return Expected(kind, "future", False, {"min": lo, "max": hi}, None, earliest, latest, until_range(lo, hi), local,
                    moment)  # fmt: skip


def rank(kind: str) -> tuple[int, str]:
    return (LADDER.index(kind), kind) if kind in LADDER else (len(LADDER), kind)


def order_key(e: Expected) -> tuple[Any, ...]:
    if e.window is None:
        return (1, date.max, date.max, 0.0, rank(e.kind))
    return (0, e.window[0], e.window[1], e.moment, rank(e.kind))


@dataclass(frozen=True)
class TitleExpected:
    phase: str
    milestones: list[Expected]
    next: str | None
    last: str | None


def expect_title(milestones: dict[str, tuple[Spec, bool]], now: datetime) -> TitleExpected:
    """``milestones``: kind -> (spec, tentative)."""
    assessed = sorted((assess(k, s, now, firm=not t) for k, (s, t) in milestones.items()), key=order_key)
    firm = [e for e in assessed if not milestones[e.kind][1]]
    if any(e.kind == "cancelled" and e.reached for e in firm):
        phase = "cancelled"
    else:
        reached = {e.kind for e in firm if e.reached}
        phase = next(
            (p for k, p in (("release", "released"), ("production-end", "post-production"),
                            ("production-start", "in-production")) if k in reached),
            "announced" if reached else "rumoured",
        )  # fmt: skip

    def overtaken(e: Expected) -> Expected:
        return Expected(e.kind, "cancelled", False, None, None, e.earliest, e.latest, "cancelled", e.window, e.moment)

    end = next((e for e in firm if e.kind == "cancelled"), None)
    if phase == "cancelled":
        assessed = [e if e.reached or e.kind == "cancelled" else overtaken(e) for e in assessed]
        return TitleExpected(phase, assessed, None, last_reached(assessed, None))
    if end is not None and end.window is not None:  # an end announced ahead
        assessed = [overtaken(e) if e.kind != "cancelled" and not e.reached and e.window and e.window[0] > end.window[1]
                    else e for e in assessed]  # fmt: skip
    today = now.date()

    def on_today(e: Expected) -> bool:
        return e.state != "cancelled" and milestones[e.kind][0].exact and e.window == (today, today)

    candidates = [e for e in assessed
                  if e.kind != "cancelled" and (e.state in ("future", "open", "due") or on_today(e))]  # fmt: skip
    todays = [e for e in candidates if on_today(e)]
    tba = sorted((e for e in assessed if e.state == "tba" and e.kind != "cancelled"), key=lambda e: rank(e.kind))
    chosen = (todays or candidates or tba or [None])[0]
    return TitleExpected(phase, assessed, chosen.kind if chosen else None, last_reached(assessed, chosen))


def last_reached(assessed: list[Expected], nxt: Expected | None) -> str | None:
    """Of the milestones reached before next is reached (all, when nothing is next or next
    is due: it will be reached when confirmed, after all that was), the one reached most
    recently."""

    def when(e: Expected) -> tuple[Any, ...]:
        if e.window is None:  # TBA: a cancellation dated TBA is over, day unknown; a next TBA is ahead
            return (date.max, 0.0, rank(e.kind))
        return (e.window[1], e.moment, rank(e.kind))

    reached = [
        e
        for e in assessed
        if e.reached and e is not nxt and (nxt is None or nxt.state == "due" or when(e) <= when(nxt))
    ]
    return max(reached, key=when).kind if reached else None


def gaps(expected: list[Expected]) -> list[dict[str, int] | None]:
    """timeline's gap_days: from the previous dated milestone, in the viewer's days."""
    out: list[dict[str, int] | None] = []
    previous: tuple[date, date] | None = None
    for e in expected:
        gap = None
        if e.window is not None and previous is not None:
            gap = {"min": (e.window[0] - previous[1]).days, "max": (e.window[1] - previous[0]).days}
        out.append(gap)
        previous = e.window or previous
    return out


# ---------------------------------------------------------------------------- words

DAY, WEEK, MONTH, YEAR = 1.0, 7.0, 365.25 / 12, 365.25
UNITS = (("day", DAY, 0), ("week", WEEK, 14), ("month", MONTH, 122), ("year", YEAR, 730))
SNAP = 1 / 32


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def _unit(days: int) -> int:
    index = 0
    for i, (_, _, start) in enumerate(UNITS):
        if days >= start:
            index = i
    return index


def span(days: int) -> str:
    name, size, _ = UNITS[_unit(days)]
    return _plural(math.floor(days / size + SNAP), name)


def span_range(low: int, high: int) -> str:
    if low == high:
        return span(low)
    lo, hi = min(low, high), max(low, high)
    index = _unit(hi)
    while True:
        name, size, _ = UNITS[index]
        first = math.floor(lo / size + SNAP)
        last = math.ceil(hi / size - SNAP)
        widened = (last - first) - (hi - lo) / size
        fine = widened <= max(0.5, 0.3 * hi / size) and not (first == 0 and lo / size >= 0.5)
        if index == 0 or fine:
            break
        index -= 1
    if first == 0:
        return f"up to {_plural(last, name)}"
    return f"{first} to {last} {name}s"


def until(days: int) -> str:
    return "today" if days == 0 else "tomorrow" if days == 1 else f"in {span(days)}"


def until_range(low: int, high: int) -> str:
    if low == high:
        return until(low)
    text = span_range(low, high)
    return "within " + text[len("up to ") :] if text.startswith("up to ") else f"in {text}"


def ago(days: int) -> str:
    return "today" if days == 0 else "yesterday" if days == 1 else f"{span(days)} ago"


def ago_range(low: int, high: int) -> str:
    return ago(low) if low == high else f"{span_range(low, high)} ago"


def hours_minutes(seconds: int) -> str:
    hours, minutes = seconds // 3600, seconds % 3600 // 60
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
