"""Spans of time as typed for options (``--since 30d``, ``--due-within 2w``, ``--at -2mo``):
a number and a unit, added to or taken from a moment in calendar terms.

Units: ``min`` minutes and ``h`` hours (elapsed), ``d`` days and ``w`` weeks (calendar
days), ``mo`` months and ``y`` years (calendar months). A bare ``m`` is refused: ``sleep``,
systemd and Go read it as minutes, most people writing "3m" of a release mean months, and
a span read the wrong way is a silent wrong answer ("did you mean 10min or 10mo?").
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, timedelta

from hstrack.core.errors import UsageError

# ---------------------------------------------------------------------------- spans of time

_SPAN = re.compile(r"(?P<n>\d{1,4}) ?(?P<unit>[a-z]+)")
SPAN_UNITS = {
    **dict.fromkeys(("min", "mins", "minute", "minutes"), "min"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "h"),
    **dict.fromkeys(("d", "day", "days"), "d"),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), "w"),
    **dict.fromkeys(("mo", "mos", "month", "months"), "mo"),
    **dict.fromkeys(("y", "yr", "yrs", "year", "years"), "y"),
}
# Spellings that mean minutes to some readers and months to others.
AMBIGUOUS_UNITS = ("m", "ms")
SPAN_EXAMPLES = "30min, 12h, 7d, 2w, 3mo, 1y"


class AmbiguousSpan(UsageError):
    """A span whose unit could be minutes or months (``10m``): never guessed."""


def ambiguous(value: str) -> tuple[str, str] | None:
    """For a span written with a bare ``m`` (``10m``, ``+3m``, ``-2 m``), the two spellings it
    could mean, minutes first; else None."""
    text = value.strip().lower()
    sign = text[:1] if text[:1] in "+-" else ""
    m = _SPAN.fullmatch(text[len(sign) :])
    if m is None or m["unit"] not in AMBIGUOUS_UNITS:
        return None
    return f"{sign}{m['n']}min", f"{sign}{m['n']}mo"


def refuse_ambiguous(value: str, what: str = "duration") -> None:
    """A usage error naming both readings, when ``value`` has a bare ``m``."""
    readings = ambiguous(value)
    if readings is not None:
        raise AmbiguousSpan(
            f"cannot read {what} {value.strip()[:20]!r}: m could be minutes or months; "
            f"did you mean {readings[0]} or {readings[1]}?"
        )


def read_span(value: str, what: str = "duration") -> tuple[int, str]:
    """``7d`` -> (7, "d"): a count and one of min, h, d, w, mo (months), y."""
    refuse_ambiguous(value, what)
    m = _SPAN.fullmatch(value.strip().lower())
    unit = SPAN_UNITS.get(m["unit"]) if m else None
    if m is None or unit is None:
        raise UsageError(f"cannot read {what} {value[:40]!r}; use a number and a unit: {SPAN_EXAMPLES}")
    return int(m["n"]), unit


def span_end(value: str, start: datetime, what: str = "duration") -> datetime:
    """The moment a span such as ``7d``, ``2w``, ``3mo``, ``1y``, ``12h`` or ``30min`` ends,
    from ``start``."""
    return _move(value, start, 1, what)


def span_start(value: str, end: datetime, what: str = "duration") -> datetime:
    """The moment a span that ends at ``end`` began: ``7d`` back from now."""
    return _move(value, end, -1, what)


def _move(value: str, start: datetime, sign: int, what: str) -> datetime:
    """Minutes and hours are elapsed time, counted in UTC, so the 25-hour night of a clock
    change is 25 hours; days and weeks are calendar days where ``start`` is (the same wall
    time that many days on); months and years are calendar months (31 Jan + 1mo = 28 or 29
    Feb), not 30-day blocks, so "3mo" means what a person means by it."""
    n, unit = read_span(value, what)
    try:
        if unit in ("h", "min"):
            elapsed = timedelta(hours=n) if unit == "h" else timedelta(minutes=n)
            moved = start.astimezone(UTC) + sign * elapsed
            return moved.astimezone(start.tzinfo) if start.tzinfo is not None else moved.replace(tzinfo=None)
        if unit in ("d", "w"):
            return start + sign * timedelta(days=n * (7 if unit == "w" else 1))
        months = n * (12 if unit == "y" else 1)
        year, month = divmod(start.month - 1 + sign * months, 12)
        year += start.year
        day = min(start.day, calendar.monthrange(year, month + 1)[1])
        return start.replace(year=year, month=month + 1, day=day)
    except (OverflowError, ValueError):
        raise UsageError(f"duration {value[:40]!r} reaches past the years a calendar can hold") from None
