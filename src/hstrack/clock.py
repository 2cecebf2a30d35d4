"""The one place hstrack reads the clock and the local time zone.

Core code never calls ``datetime.now()``: the CLI calls :func:`resolve_now` once and
passes the aware result down, so every view, test and cron run can pin "now" with
``--at`` or ``HSTRACK_NOW``.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hstrack.dates import MAX_YEAR, MIN_YEAR
from hstrack.errors import UsageError

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


def parse_now(value: str, tz: tzinfo) -> datetime:
    """An ISO 8601 date or date-time; a bare date means the start of that day locally.
    It must fall within the years dates can have (1000 to 9998) where the viewer is."""
    text = value.strip()
    try:
        if len(text) == 10:
            moment = datetime.combine(date.fromisoformat(text), time(0, 0))
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"cannot read time {value!r} for --at/{NOW_VARIABLE}; use ISO 8601 such as "
            "2026-10-03 or 2026-10-03T08:00:00+01:00"
        ) from None
    try:
        local = moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)
        local.astimezone(UTC)
    except (OverflowError, ValueError):
        local = datetime.min.replace(tzinfo=UTC)
    if not MIN_YEAR <= local.year <= MAX_YEAR:
        raise UsageError(
            f"{value!r} is outside the days hstrack works with ({MIN_YEAR}-01-01 to {MAX_YEAR}-12-31), for "
            f"--at/{NOW_VARIABLE} as for dates"
        )
    return local


def resolve_now(at: str | None) -> datetime:
    """``--at`` wins over ``HSTRACK_NOW``, which wins over the real clock."""
    tz = local_zone()
    chosen = at if at is not None else os.environ.get(NOW_VARIABLE) or None
    if chosen is not None:
        return parse_now(chosen, tz)
    return datetime.now(tz)
