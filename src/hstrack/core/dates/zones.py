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
# IST or CST each mean several places. They are refused with what each usually means: the
# zone, and the offset the abbreviation itself stands for (EST is -05:00, EDT -04:00; JST
# +09:00 all year), so the message never claims a season where there is none. tzdata still
# carries EST, MST, CET ... as fixed or legacy zones, which would silently give the wrong
# hour for half the year. Each: (zone, offset, which time of the zone it names): "standard"
# and "summer" for a zone that changes with the seasons, "all year" for one that does not,
# None for a name of both (ET: -05:00 or -04:00 by the season).
ABBREVIATION_TIMES: dict[str, tuple[str, str | None, str | None]] = {
    "EST": ("America/New_York", "-05:00", "standard"), "EDT": ("America/New_York", "-04:00", "summer"),
    "ET": ("America/New_York", None, None),
    "CST": ("America/Chicago", "-06:00", "standard"), "CDT": ("America/Chicago", "-05:00", "summer"),
    "CT": ("America/Chicago", None, None),
    "MST": ("America/Denver", "-07:00", "standard"), "MDT": ("America/Denver", "-06:00", "summer"),
    "MT": ("America/Denver", None, None),
    "PST": ("America/Los_Angeles", "-08:00", "standard"), "PDT": ("America/Los_Angeles", "-07:00", "summer"),
    "PT": ("America/Los_Angeles", None, None),
    "AKST": ("America/Anchorage", "-09:00", "standard"), "AKDT": ("America/Anchorage", "-08:00", "summer"),
    "HST": ("Pacific/Honolulu", "-10:00", "all year"),
    "BST": ("Europe/London", "+01:00", "summer"),
    "WET": ("Europe/Lisbon", "+00:00", "standard"), "WEST": ("Europe/Lisbon", "+01:00", "summer"),
    "CET": ("Europe/Paris", "+01:00", "standard"), "CEST": ("Europe/Paris", "+02:00", "summer"),
    "MET": ("Europe/Paris", "+01:00", "standard"), "MEST": ("Europe/Paris", "+02:00", "summer"),
    "EET": ("Europe/Athens", "+02:00", "standard"), "EEST": ("Europe/Athens", "+03:00", "summer"),
    "MSK": ("Europe/Moscow", "+03:00", "all year"),
    "IST": ("Asia/Kolkata", "+05:30", "all year"), "PKT": ("Asia/Karachi", "+05:00", "all year"),
    "JST": ("Asia/Tokyo", "+09:00", "all year"), "KST": ("Asia/Seoul", "+09:00", "all year"),
    "HKT": ("Asia/Hong_Kong", "+08:00", "all year"), "SGT": ("Asia/Singapore", "+08:00", "all year"),
    "AWST": ("Australia/Perth", "+08:00", "all year"),
    "ACST": ("Australia/Adelaide", "+09:30", "standard"), "ACDT": ("Australia/Adelaide", "+10:30", "summer"),
    "AEST": ("Australia/Sydney", "+10:00", "standard"), "AEDT": ("Australia/Sydney", "+11:00", "summer"),
    "NZST": ("Pacific/Auckland", "+12:00", "standard"), "NZDT": ("Pacific/Auckland", "+13:00", "summer"),
    "BRT": ("America/Sao_Paulo", "-03:00", "all year"), "ART": ("America/Argentina/Buenos_Aires", "-03:00", "all year"),
    "SAST": ("Africa/Johannesburg", "+02:00", "all year"), "WAT": ("Africa/Lagos", "+01:00", "all year"),
    "EAT": ("Africa/Nairobi", "+03:00", "all year"), "CAT": ("Africa/Maputo", "+02:00", "all year"),
}  # fmt: skip
ABBREVIATIONS = {name: zone for name, (zone, _, _) in ABBREVIATION_TIMES.items()}
# Abbreviations that name more than one place's time, said with the usual one.
_ALSO = {
    "IST": "Ireland's summer time, +01:00, and Israel's standard time, +02:00",
    "CST": "China's time, +08:00, and Cuba's standard time, -05:00",
    "BST": "Bangladesh's time, +06:00",
}


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
    # A POSIX rule name (EST5EDT) names a zone's time in both seasons; EST5 only the first.
    both = re.fullmatch(r"([A-Z]+)\d+[A-Z]+", upper)
    name = both[1] if both else upper if upper in ABBREVIATION_TIMES else re.sub(r"\d.*", "", upper)
    if name not in ABBREVIATION_TIMES:
        return f"{raw} is not an IANA zone name; use one such as Europe/London or America/New_York, or a UTC offset"
    zone, offset, which = ABBREVIATION_TIMES[name]
    if offset is None or (both and which != "all year"):
        return (
            f"{raw} is an abbreviation, not a zone: it names the local time of {zone}, whose offset changes with "
            f"the season; write {zone}"
        )
    also = f" ({name} also names {_ALSO[name]})" if name in _ALSO else ""
    if which == "all year":
        return (
            f"{raw} is an abbreviation, not a zone: it usually means UTC{offset}, the time of {zone} all year{also}; "
            f"write {offset} or {zone}"
        )
    return (
        f"{raw} is an abbreviation, not a zone: it usually means UTC{offset}, the {which} time of {zone}{also}; "
        f"write {offset} for that hour, or {zone} for its local time whatever the season"
    )


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
