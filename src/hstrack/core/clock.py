"""The one place hstrack reads the clock and the local time zone.

Core code never calls ``datetime.now()``: the CLI calls :func:`resolve_now` once and
passes the aware result down, so every view, test and cron run can pin "now" with
``--at`` or ``HSTRACK_NOW``.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hstrack.core.dates.spec import MAX_YEAR, MIN_YEAR
from hstrack.core.errors import UsageError

NOW_VARIABLE = "HSTRACK_NOW"


def local_zone() -> tzinfo:
    """The viewer's zone with its DST rules, so instants months away land on the right day.

    ``datetime.now().astimezone()`` would give only today's fixed offset. tzlocal does
    this too, but costs ~10 ms of imports on a path the prompt will share; honouring
    ``TZ`` and ``/etc/localtime`` covers the systems we run on. A zone file that is not a
    regular file is never opened (a FIFO would block); a rule Python cannot represent (an
    offset of a day or more, which the C library takes) falls back to UTC.
    """
    import stat

    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        try:
            if name.startswith("/"):
                if not stat.S_ISREG(os.stat(name).st_mode):
                    raise OSError(name)
                with open(name, "rb") as handle:
                    return ZoneInfo.from_file(handle, key=name)
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            # A POSIX rule such as "EST5EDT" or "XXX-05:30": let the C library, which
            # the shells use too, say what it means today.
            return _c_library_zone()
    try:
        if stat.S_ISREG(os.stat("/etc/localtime").st_mode):
            with open("/etc/localtime", "rb") as handle:
                return ZoneInfo.from_file(handle, key="localtime")
    except (OSError, ValueError):
        pass
    return _c_library_zone()


def _c_library_zone() -> tzinfo:
    try:
        fixed = datetime.now().astimezone().tzinfo
    except (ValueError, OverflowError, OSError):
        fixed = None
    return fixed if fixed is not None else UTC


# Days named relative to "now", as the day forms of the date grammar.
RELATIVE_DAYS = {"today": 0, "tomorrow": 1, "yesterday": -1}


def parse_now(value: str, tz: tzinfo, base: datetime | None = None, what: str = f"--at/{NOW_VARIABLE}") -> datetime:
    """A moment for --at, HSTRACK_NOW or --changed-since: ISO 8601 (a bare date is the start
    of that day locally); a day as the date grammar writes one (``Dec 18 2026``, ``3 Oct
    2026``) or a time with its zone; ``today``, ``tomorrow``, ``yesterday`` (the start of
    that day); or a span from ``base`` (the clock when not given): ``+7d`` ahead, ``-2w``
    or ``2w`` back, as ``--changed-since 7d`` has always meant. It must fall within the
    years dates can have (1000 to 9998) where the viewer is."""
    text = value.strip()
    if len(text) > 200:
        raise UsageError(f"cannot read time {text[:40]!r}… for {what}: it is longer than any time (200 characters)")
    try:
        if len(text) == 10:
            moment = datetime.combine(date.fromisoformat(text), time(0, 0))
        else:
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is not None:  # a typed offset: one a zone uses, or a usage error
                _check_offset(moment, text, what)
    except ValueError:
        moment = _spoken(text, tz, base, what)  # only a mistake or a spoken form pays for this
    try:
        local = moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)
        local.astimezone(UTC)
    except (OverflowError, ValueError):
        local = datetime.min.replace(tzinfo=UTC)
    if not MIN_YEAR <= local.year <= MAX_YEAR:
        raise UsageError(
            f"{value!r} is outside the days hstrack works with ({MIN_YEAR}-01-01 to {MAX_YEAR}-12-31), for "
            f"{what} as for dates"
        )
    return local


def _check_offset(moment: datetime, text: str, what: str) -> None:
    from hstrack.core.dates.zones import offset_problem

    offset = moment.utcoffset()
    problem = offset_problem(offset) if offset is not None else None
    if problem is not None:
        raise UsageError(f"cannot read time {text!r} for {what}: {problem}")


def _spoken(text: str, tz: tzinfo, base: datetime | None, what: str) -> datetime:
    from datetime import timedelta

    from hstrack.core.dates.grammar import parse_date
    from hstrack.core.dates.spans import span_end, span_start
    from hstrack.core.dates.spec import DateError, Precision

    def start_of(day: date) -> datetime:
        return datetime.combine(day, time(0, 0))

    base = base if base is not None else datetime.now(tz)
    word = text.lower()
    if word in RELATIVE_DAYS:
        return start_of(base.astimezone(tz).date() + timedelta(days=RELATIVE_DAYS[word]))
    if word[:1] in "+-" and word[1:2].isdigit():
        return (span_end if word[0] == "+" else span_start)(word[1:], base)
    if word[:1].isdigit():
        try:
            return span_start(word, base)
        except UsageError:
            pass  # not a span: a date, perhaps ("18 Dec 2026")
    try:
        spec = parse_date(text)
    except DateError:
        spec = None
    if spec is not None and spec.precision is Precision.DAY and spec.earliest is not None:
        return start_of(spec.earliest)
    if spec is not None and spec.precision is Precision.INSTANT and spec.at is not None:
        return spec.at
    raise UsageError(
        f"cannot read time {text!r} for {what}: give a day or a time (2026-10-03, Dec 18 2026, "
        "tomorrow, 2026-10-03T08:00:00+01:00) or a span from now (+7d, -2w)"
    )


def resolve_now(at: str | None) -> datetime:
    """``--at`` wins over ``HSTRACK_NOW``, which wins over the real clock."""
    tz = local_zone()
    pinned = os.environ.get(NOW_VARIABLE) or None
    if at is None:
        return parse_now(pinned, tz) if pinned is not None else datetime.now(tz)
    # A span or a named day in --at counts from HSTRACK_NOW when it is set, so a pinned
    # test or cron run can still say "--at +7d"; --at wins over a HSTRACK_NOW it does not need.
    try:
        base = parse_now(pinned, tz) if pinned is not None else None
    except UsageError:
        base = None
    return parse_now(at, tz, base)
