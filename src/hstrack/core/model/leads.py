"""Lead times: how long before a dated milestone ``hstrack notify`` tells you, in their one
spelling ("7d", "12h", "2w"; "0d" on the day), longest first."""

from __future__ import annotations

from collections.abc import Iterable

from hstrack.core.errors import UsageError

# Lead times: how long before a dated milestone `hstrack notify` tells you. Hours are
# elapsed hours; days and weeks are calendar days where you are. "0d" is on the day (for a
# drop time, at its hour). Kept on a title (``Title.notify``) per milestone, or for the
# whole title under ALL_MILESTONES; an empty list is "off".
DEFAULT_LEADS = ("7d", "1d", "0d")
MAX_LEADS = 10
ALL_MILESTONES = "*"
_LEAD_UNITS = {"h": (1, 24 * 366), "d": (24, 366), "w": (24 * 7, 52)}  # hours per unit, the most of it


def check_lead(value: str) -> str:
    """A lead time in its one spelling: "7d", "12h", "2w"; "0d" for on the day (or hour)."""
    from hstrack.core.dates.spans import ambiguous, read_span

    readings = ambiguous(value)
    if readings is not None:
        # Neither reading is a lead time (a notify run every 15 minutes cannot keep to the
        # minute, and a year of weeks covers months): offer the nearest that is.
        n = int("".join(ch for ch in readings[0] if ch.isdigit()))
        hours, weeks = max(1, -(-n // 60)), max(1, round(n * 30.4 / 7))
        raise UsageError(
            f"cannot read lead time {value.strip()[:20]!r}: m could be minutes or months, and a lead time is "
            f"in hours, days or weeks; did you mean {hours}h or {weeks}w (about {n} months)?"
        )
    try:
        n, unit = read_span(value)
    except UsageError:
        n, unit = -1, ""
    if unit not in _LEAD_UNITS:
        raise UsageError(
            f"cannot read lead time {value[:40]!r}: use a number and h, d or w (12h, 7d, 2w; 0d is on the day)"
        )
    if n > _LEAD_UNITS[unit][1]:
        raise UsageError(f"lead time {value[:40]!r} is more than a year ahead")
    return "0d" if n == 0 else f"{n}{unit}"


def lead_hours(lead: str) -> int:
    """A canonical lead's length in hours, to order leads (a day counts as 24)."""
    return int(lead[:-1]) * _LEAD_UNITS[lead[-1]][0]


def check_leads(values: Iterable[str]) -> list[str]:
    """Lead times in their spellings, each once, the longest first ("7d,1d,0d")."""
    leads = list(dict.fromkeys(check_lead(part) for value in values for part in value.split(",") if part.strip()))
    if len(leads) > MAX_LEADS:
        raise UsageError(f"at most {MAX_LEADS} lead times (got {len(leads)})")
    return sorted(leads, key=lambda lead: (-lead_hours(lead), lead))
