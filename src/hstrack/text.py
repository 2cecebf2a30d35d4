"""Words for people: durations said honestly, and stored text made inert for a terminal.

Stored text can come from an import or a shared file. A name holding ``ESC]52;…`` would
write to the clipboard, ``ESC[2J`` would clear the screen, and a C1 ``0x9b`` is a CSI on
some terminals; Rich passes all of these through. :func:`inert` shows them in caret
notation instead (``^[``), so they are visible and harmless.
"""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls, and the bidi overrides/isolates that can make text
# display in a different order than it is stored ("Trojan Source").
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _caret(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if code < 0x20:
        return "^" + chr(code + 0x40)
    if code == 0x7F:
        return "^?"
    return f"<U+{code:04X}>"


def inert(value: str) -> str:
    """The text with every control character shown, not obeyed."""
    return _UNSAFE.sub(_caret, value)


def plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def _unit_for(days: int) -> tuple[str, float]:
    days = abs(days)
    if days < 14:
        return "day", 1
    if days < 120:
        return "week", 7
    if days < 730:
        return "month", 365.25 / 12
    return "year", 365.25


def span(days: int) -> str:
    """A length of time: 12 days, 6 weeks, 17 months, 3 years."""
    unit, size = _unit_for(days)
    return plural(round(abs(days) / size), unit)


def span_range(low: int, high: int) -> str:
    """A fuzzy length, rounded outwards so the truth is inside it: "10 to 14 weeks",
    or "10 weeks to 6 months" when the ends are best said in different units."""
    if low == high:
        return span(low)
    low_unit, low_size = _unit_for(low)
    high_unit, high_size = _unit_for(high)
    lo, hi = int(abs(low) // low_size), -int(-abs(high) // high_size)
    if low_unit != high_unit:
        return f"{plural(lo, low_unit)} to {plural(hi, high_unit)}"
    if lo == hi:
        return f"about {plural(lo, low_unit)}"
    return f"{lo} to {hi} {low_unit}s"


def until(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {span(days)}"


def until_range(low: int, high: int) -> str:
    if low == high:
        return until(low)
    return f"in {span_range(low, high)}"


def ago(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{span(days)} ago"
