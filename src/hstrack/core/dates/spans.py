"""Spans of time as typed for options (``--since 30d``, ``--due-within 2w``): a number and
a unit, added to or taken from a moment in calendar terms."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, timedelta

from hstrack.core.errors import UsageError

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
