"""Time zones and offsets of a typed instant: IANA names, UTC offsets, and the
abbreviations that name no zone (refused with the zone people usually mean)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hstrack.core.dates.patterns import (
    _OFFSET,
)
from hstrack.core.dates.spec import (
    MAX_YEAR,
    MIN_YEAR,
    DateSpec,
    Precision,
    _format_offset,
    _offset_text,
    refusal,
)

# Abbreviations name no zone: "8 pm EST" in July means New York's summer time, and CET,
# IST or CST each mean several places. They are refused with the zone people usually
# mean (tzdata still carries EST, MST, CET ... as fixed or legacy zones, which would
# silently give the wrong hour for half the year).
ABBREVIATIONS = {
    "EST": "America/New_York", "EDT": "America/New_York", "ET": "America/New_York",
    "CST": "America/Chicago", "CDT": "America/Chicago", "CT": "America/Chicago",
    "MST": "America/Denver", "MDT": "America/Denver", "MT": "America/Denver",
    "PST": "America/Los_Angeles", "PDT": "America/Los_Angeles", "PT": "America/Los_Angeles",
    "AKST": "America/Anchorage", "AKDT": "America/Anchorage", "HST": "Pacific/Honolulu",
    "BST": "Europe/London", "WET": "Europe/Lisbon", "WEST": "Europe/Lisbon",
    "CET": "Europe/Paris", "CEST": "Europe/Paris", "MET": "Europe/Paris", "MEST": "Europe/Paris",
    "EET": "Europe/Athens", "EEST": "Europe/Athens", "MSK": "Europe/Moscow",
    "IST": "Asia/Kolkata", "PKT": "Asia/Karachi", "JST": "Asia/Tokyo", "KST": "Asia/Seoul",
    "HKT": "Asia/Hong_Kong", "SGT": "Asia/Singapore", "AWST": "Australia/Perth",
    "ACST": "Australia/Adelaide", "ACDT": "Australia/Adelaide", "AEST": "Australia/Sydney",
    "AEDT": "Australia/Sydney", "NZST": "Pacific/Auckland", "NZDT": "Pacific/Auckland",
    "BRT": "America/Sao_Paulo", "ART": "America/Argentina/Buenos_Aires", "SAST": "Africa/Johannesburg",
    "WAT": "Africa/Lagos", "EAT": "Africa/Nairobi", "CAT": "Africa/Maputo",
}  # fmt: skip


# The offsets zones use: from -12:00 to +14:00, in whole quarter hours (every offset in the
# tz database today is one: :00, :30 and :45). A typed offset outside them, or with seconds
# or a fraction, is a mistake, never stored; a store written before this rule is still read.
OFFSET_LOW, OFFSET_HIGH = timedelta(hours=-12), timedelta(hours=14)


def offset_problem(offset: timedelta) -> str | None:
    """Why ``offset`` is no offset a zone uses, or None."""
    if offset.microseconds or offset.seconds % 60:
        return "an offset is hours and minutes, without seconds or a fraction"
    if not OFFSET_LOW <= offset <= OFFSET_HIGH:
        return f"offset {_offset_text(offset)} is out of range: zones use -12:00 to +14:00"
    if (offset.seconds // 60) % 15:
        return f"offset {_offset_text(offset)} is no offset a zone uses (they are whole quarter hours)"
    return None


def _zone_hint(raw: str) -> str:
    upper = raw.upper()
    zone = ABBREVIATIONS.get(upper) or ABBREVIATIONS.get(re.sub(r"\d.*", "", upper))
    if zone:
        return (
            f"{raw} is an abbreviation, not a zone, and its hour changes with the season: "
            f"use an IANA name such as {zone}, or a UTC offset such as -05:00"
        )
    return f"{raw} is not an IANA zone name; use one such as Europe/London or America/New_York, or a UTC offset"


def _parse_zone(value: str, raw: str, strict: bool = True) -> tuple[tzinfo, str | None]:
    """A zone: Z, UTC or GMT; a UTC offset; or an IANA ``Area/Location`` name.

    ``strict`` (typed input) refuses abbreviations and the other names without an area
    (EST, CET, EST5EDT, Japan) and the sign-inverted Etc/GMT+5 family; a store written
    before this rule may hold them, and is still read (``strict=False``)."""
    if raw.upper() in ("Z", "UTC", "GMT"):
        return UTC, None
    m = re.fullmatch(_OFFSET, raw)
    if m:
        minutes = int(m["h"]) * 60 + int(m["m"] or 0)
        if minutes >= 24 * 60 or int(m["m"] or 0) >= 60:
            raise refusal(value, f"offset {raw} is out of range")
        sign = -1 if m["sign"] == "-" else 1
        offset = sign * timedelta(minutes=minutes)
        problem = offset_problem(offset) if strict else None
        if problem is not None:
            raise refusal(value, problem)
        return timezone(offset), None
    if strict:
        if "/" not in raw:
            raise refusal(value, _zone_hint(raw))
        if re.fullmatch(r"(?i)etc/gmt[+-]\d+", raw):
            raise refusal(value, f"{raw} has its sign inverted (Etc/GMT+5 is UTC-05:00); write the offset instead")
    try:
        zone = ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise refusal(value, f"unknown time zone {raw!r}; use an IANA name such as Europe/London") from None
    return zone, zone.key


def _instant(
    value: str, naive: datetime, zone: tzinfo, name: str | None, offset: timedelta | None = None, strict: bool = True
) -> DateSpec:
    """An instant at wall time ``naive`` in ``zone``. ``offset``, given beside a zone name
    (``…-05:00[America/New_York]``), picks which of a repeated hour is meant; typed, an
    offset the zone never has at that time is refused, while one read from a store is taken
    as written by an older tzdata, and the wall time in the zone stays the fact."""
    if not MIN_YEAR <= naive.year <= MAX_YEAR:
        raise refusal(value, f"year must be between {MIN_YEAR} and {MAX_YEAR}")
    at = naive.replace(tzinfo=zone)
    if name is None and strict:
        problem = offset_problem(at.utcoffset() or timedelta(0))
        if problem is not None:
            raise refusal(value, problem)
    if name is not None:
        # A wall time skipped by a DST change (01:30 on a spring-forward night) does
        # not exist; refuse it rather than silently move the drop by an hour.
        # Ambiguous times (the repeated hour in autumn) take the first occurrence,
        # unless an offset says which.
        back = at.astimezone(UTC).astimezone(zone)
        if back.replace(tzinfo=None) != naive:
            raise refusal(value, f"{naive:%H:%M} does not exist in {name} that day (clocks change)")
        at = back
        if offset is not None and offset != at.utcoffset():
            second = naive.replace(tzinfo=zone, fold=1)
            if second.utcoffset() == offset:
                at = second.astimezone(UTC).astimezone(zone)
            elif strict:
                raise refusal(
                    value, f"{name} is at UTC{_format_offset(at)} at {naive:%H:%M} that day, not {_offset_text(offset)}"
                )
    day = at.date()
    utc_offset = at.utcoffset()
    seconds = int(utc_offset.total_seconds()) if utc_offset is not None else None
    return DateSpec(Precision.INSTANT, day, day, at, name, at.timestamp(), seconds)
