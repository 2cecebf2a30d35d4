"""VTIMEZONE blocks that describe a zone truly, built from ``zoneinfo``'s own transitions.

RFC 5545 (3.6.5) reads an observance's DTSTART (and each RDATE) as the local time *before*
the change, in its TZOFFSETFROM: New York's spring change is ``DTSTART:20260308T020000``
with ``TZOFFSETFROM:-0500``, which is 07:00 UTC. icalendar 7.3's
``Calendar.add_missing_timezones`` writes the wall time *after* the change for the start
of daylight time (``T030000``, which a reader takes as 08:00 UTC), so a calendar that
uses the file's own zone data misplaces events near the change by an hour. hstrack writes
the blocks itself: find every change of offset (or of daylight time) between two dates by
scanning ``utcoffset`` and bisecting to the second, and write each as an observance of
its own kind, equal ones folded into one with RDATEs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

# Offsets change at most a few times a year; no zone has changed twice within six hours.
STEP = timedelta(hours=6)


@dataclass(frozen=True)
class Transition:
    at: datetime  # the moment of the change, in UTC
    before: timedelta  # the UTC offset until then
    after: timedelta  # the UTC offset from then on
    dst: bool  # daylight time from then on
    name: str  # the abbreviation from then on (EDT, ACDT, +1245)

    @property
    def local_start(self) -> datetime:
        """The change as RFC 5545 writes it: the wall time in the offset before it."""
        return (self.at + self.before).replace(tzinfo=None)


def _observed(zone: ZoneInfo, moment: datetime) -> tuple[timedelta, bool, str]:
    local = moment.astimezone(zone)
    return local.utcoffset() or timedelta(0), bool(local.dst()), local.tzname() or ""


def transitions(zone: ZoneInfo, start: datetime, end: datetime) -> list[Transition]:
    """Every change of offset, daylight flag or name of ``zone`` in ``[start, end)`` (UTC)."""
    found = []
    moment, state = start, _observed(zone, start)
    while moment < end:
        following = min(moment + STEP, end)
        next_state = _observed(zone, following)
        if next_state != state:
            low, high = moment, following  # the change lies in (low, high]
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if _observed(zone, middle) == state:
                    low = middle
                else:
                    high = middle
            high = high.replace(microsecond=0)
            after = _observed(zone, high)
            found.append(Transition(high, state[0], after[0], after[1], after[2]))
            state = after
        moment = following
    return found


def vtimezone(key: str, first: datetime, last: datetime) -> Any:
    """An icalendar ``Timezone`` component for ``key`` that is true from ``first`` to ``last``."""
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

    zone = ZoneInfo(key)
    start, end = first.astimezone(UTC), last.astimezone(UTC)
    offset, dst, name = _observed(zone, start)
    # The observance in force at the start, then every change; equal changes (the same
    # kind, offsets and name, as each spring's) become one observance with RDATEs.
    changes = [Transition(start, offset, offset, dst, name), *transitions(zone, start, end)]
    groups: dict[tuple[bool, timedelta, timedelta, str], list[Transition]] = {}
    for change in changes:
        groups.setdefault((change.dst, change.before, change.after, change.name), []).append(change)
    component = Timezone()
    component.add("tzid", key)
    component.add("x-lic-location", key)
    for (is_dst, before, after, abbreviation), group in sorted(groups.items(), key=lambda item: item[1][0].at):
        observance = TimezoneDaylight() if is_dst else TimezoneStandard()
        observance.add("dtstart", group[0].local_start)
        if len(group) > 1:
            observance.add("rdate", [t.local_start for t in group[1:]])
        if abbreviation:
            observance.add("tzname", abbreviation)
        observance.add("tzoffsetfrom", before)
        observance.add("tzoffsetto", after)
        component.add_component(observance)
    return component
