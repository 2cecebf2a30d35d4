"""Reading dates: the typed grammar (``parse_date``, ``parse_typed``) and the store's own
spellings (``parse_canonical``).

Every spec has one canonical spelling, which is what the store keeps; ``parse_date``
reads it back exactly, so a store round-trips without loss. The common forms are matched
by regular expressions (fast, and never guess); only free-form day spellings the patterns
miss fall back to python-dateutil, imported lazily and checked so that it cannot fill a
missing year, month or day from today's date.
"""

from __future__ import annotations

import calendar
import contextlib
import re
from datetime import date, datetime, time

from hstrack.core.dates.patterns import (
    _BRACKET_ZONE,
    _EDTF_GROUPS,
    _HAS_TIME,
    _MONTH_RE,
    _TIME,
    _grammar,
    _range_grammar,
)
from hstrack.core.dates.spec import (
    CENTURY_PIVOT,
    MAX_YEAR,
    MIN_YEAR,
    MONTH_ABBR,
    MONTH_NAMES,
    MONTHS,
    PART_START,
    SEASON_ALIASES,
    SEASON_START,
    WEEKDAYS,
    DateError,
    DateSpec,
    Precision,
    _last_day,
    _month_aligned,
    format_day,
    refusal,
    window,
)


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


def _refuse(value: str, reason: str | None = None) -> DateError:
    """One short line: what was not understood, why when that is known, the closest
    spelling that reads when there is one, and where the full table is."""
    near = _closest(value) if reason is None and len(value) <= 60 else None
    return refusal(value, reason, f"; did you mean {near!r}?" if near else "")


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


def parse_date(value: str) -> DateSpec:
    """Read a date in any accepted form, or raise :class:`DateError` (exit 2). A mark of
    uncertainty (``summer 2027?``) is read and dropped; ``parse_typed`` keeps it."""
    return parse_typed(value)[0]


MAX_TEXT = 200  # characters: the longest date people write is under 100

# EDTF's marks: ? uncertain, ~ approximate, % both. Each makes a date tentative.
_QUALIFIER = re.compile(r"[?~%]+(?=/|\.\.|$)")
_SHORT_YEAR = re.compile(r"(?:(?<=[\s/-])|^)['’‘](\d{2})\b")


def parse_typed(value: str) -> tuple[DateSpec, bool]:
    """A date as a person or another program writes it, and whether it is marked
    uncertain: a trailing ``?`` (``summer 2027?``), or EDTF's ``?``, ``~`` and ``%`` on a
    date or on either end of an interval (``2026-08?/2026-12``). A two-digit year after an
    apostrophe (``spring '27``) is its century's obvious year."""
    if len(value) > MAX_TEXT:
        # Bounded before any pattern sees it: no date is this long, and every pattern's
        # cost then has a ceiling (some, like the time of day after any text, are not linear).
        raise _refuse(value, f"it is longer than any date ({MAX_TEXT} characters)")
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
            from hstrack.core.dates.zones import _instant, _parse_zone  # only instants need zones

            stamp, bracket, zone = value.partition("[")
            if bracket and zone.endswith("]"):
                tz, name = _parse_zone(value, zone[:-1], strict=False)
                moment = datetime.fromisoformat(stamp)
                return _instant(value, moment.replace(tzinfo=None), tz, name, moment.utcoffset(), strict=False)
            if not bracket:
                moment = datetime.fromisoformat(stamp)
                if moment.tzinfo is not None:  # as stored: an older hstrack's offset is still read
                    return _instant(value, moment.replace(tzinfo=None), moment.tzinfo, None, strict=False)
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


def _parse_instant(value: str, raw: str | None = None) -> DateSpec:
    """An instant: a day, a time and a zone (IANA name or UTC offset); never zone-less.
    ``raw``: the value tidied (spaces, marks of uncertainty), when it differs."""
    from hstrack.core.dates.zones import _instant, _parse_zone

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
