"""Words for people: durations said honestly, and stored text made inert for a terminal.

Stored text can come from an import or a shared file. A name holding ``ESC]52;…`` would
write to the clipboard, ``ESC[2J`` would clear the screen, and a C1 ``0x9b`` is a CSI on
some terminals; Rich passes all of these through. :func:`inert` shows them in caret
notation instead (``^[``), so they are visible and harmless.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

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


# Everything _UNSAFE shows, but tabs, newlines and CRLF pairs, which a data format on a
# terminal needs to keep its shape (a lone CR, which moves the cursor back, is shown).
_UNSAFE_BUT_LAYOUT = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|\r(?!\n)")


def inert_document(value: str) -> str:
    """A whole data document (CSV, iCalendar, JSON) made safe for a terminal: its lines
    and tabs kept, every other control character shown, not obeyed."""
    return _UNSAFE_BUT_LAYOUT.sub(_caret, value)


def plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


# The units lengths of time are said in, and where each takes over: days below two weeks,
# weeks below four months, months below two years, then years.
DAY, WEEK, MONTH, YEAR = 1.0, 7.0, 365.25 / 12, 365.25
UNITS = (("day", DAY, 0), ("week", WEEK, 14), ("month", MONTH, 122), ("year", YEAR, 730))
# A range is said in the largest unit in which rounding its ends outwards adds at most half
# a unit, or at most this share of the range's far end: "2.8 to 3.2 years" is "33 to 39
# months" (as years, "2 to 4" would stretch it by over half its length), while a month
# 19 months ago is "18 to 20 months ago", not "82 to 87 weeks ago".
RANGE_SLACK = 0.5
RANGE_SHARE = 0.3
# Calendar lengths are not whole units of their average size (365 days is 11.99 months,
# 730 days 1.999 years): within this share of a unit, a count is read as the whole unit.
SNAP = 1 / 32


def _unit_index(days: int) -> int:
    return max(i for i, (_, _, start) in enumerate(UNITS) if abs(days) >= start)


def span(days: int) -> str:
    """A length of time in whole units, rounded down, so the phrase is never more than the
    truth: 3.6 years is "3 years", 20 days "2 weeks", 130 days "4 months"."""
    name, size, _ = UNITS[_unit_index(days)]
    return plural(int(abs(days) / size + SNAP), name)


def _range_units(low: int, high: int) -> tuple[int, int, str]:
    """(from, to, unit) of a fuzzy length said in one unit, the start rounded down and the
    end up, so the truth lies inside, in the largest unit that does not widen it much
    (``RANGE_SLACK``)."""
    lo, hi = sorted((abs(low), abs(high)))
    index = _unit_index(hi)
    while True:
        name, size, _ = UNITS[index]
        first, last = int(lo / size + SNAP), -int(-(hi / size - SNAP) // 1)
        added = (last - first) - (hi - lo) / size
        # A start that rounds down to nothing ("within 5 weeks" for 4 to 34 days) hides
        # that it is not yet; allowed only when the start is under half a unit away.
        hides_start = first == 0 and lo / size >= 0.5
        if index == 0 or (added <= max(RANGE_SLACK, RANGE_SHARE * hi / size) and not hides_start):
            return first, last, name
        index -= 1


def span_range(low: int, high: int) -> str:
    """A fuzzy length: "10 to 14 weeks", "1 to 7 months", "up to 5 weeks"."""
    if low == high:
        return span(low)
    first, last, name = _range_units(low, high)
    if first == 0:
        return f"up to {plural(last, name)}"
    return f"{first} to {last} {name}s"


def until(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {span(days)}"


def until_range(low: int, high: int) -> str:
    if low == high:
        return until(low)
    text = span_range(low, high)
    return f"within {text[6:]}" if text.startswith("up to ") else f"in {text}"


def ago(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{span(days)} ago"


def ago_range(low: int, high: int) -> str:
    """When a past window's event was: "2 to 5 months ago" (the window closed 2 months ago
    and opened 5 ago); "up to 10 months ago" for one that has not closed yet."""
    if low == high:
        return ago(low)
    return f"{span_range(low, high)} ago"


def hours_minutes(seconds: int) -> str:
    """The one spelling of a short wait: "7 h 03 min", "42 min"."""
    hours, rest = divmod(max(seconds, 0), 3600)
    minutes = rest // 60
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _cells(char: str, encoding: str) -> int:
    """How many columns a character takes once written to a stream in ``encoding``: one
    for one it cannot encode (Python writes "?"), two for East Asian wide, none for a
    combining mark."""
    import unicodedata

    if char.isascii():
        return 1
    try:
        char.encode(encoding)
    except (UnicodeError, LookupError):
        return 1
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def broken(line: str, width: int, encoding: str = "utf-8", hang: int = 2, keep: Iterable[str] = ()) -> list[str]:
    """A line of words for a terminal: broken between words to ``width`` columns, each
    continuation indented by ``hang``, never inside any of ``keep`` (dates); a word wider
    than a whole line is folded."""
    for kept in keep:  # its spaces are NULs until the words are laid out (inert text has none)
        if " " in kept:
            line = line.replace(kept, kept.replace(" ", "\0"))
    out: list[str] = []
    current, used = "", 0
    for word in line.split(" "):
        size = sum(_cells(c, encoding) for c in word)
        limit = width - (hang if out else 0)
        if current and used + 1 + size <= limit:
            current, used = f"{current} {word}", used + 1 + size
            continue
        if current or out:
            if current:
                out.append(current)
            current, used, limit = "", 0, width - hang
        while size > limit > 0:  # a path or a link longer than a line: folded, nothing lost
            head, taken = "", 0
            for c in word:
                if taken + _cells(c, encoding) > limit:
                    break
                head, taken = head + c, taken + _cells(c, encoding)
            head = head or word[0]
            out.append(head)
            word, size, limit = word[len(head) :], size - taken, width - hang
        current, used = word, size
    out.append(current)
    return [(line if i == 0 else " " * hang + line).replace("\0", " ") for i, line in enumerate(out)]
