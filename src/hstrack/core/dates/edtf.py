"""Every date's spelling in EDTF (ISO 8601-2, the Library of Congress's Extended Date/Time
Format), for archives and other tools: the ``edtf`` field of the JSON output.

- A year, month or day is itself (``2026``, ``2026-10``, ``2026-10-03``); a time is
  ISO 8601 with its offset (EDTF has no zone names).
- Quarters, halves and early/mid/late are EDTF's sub-year groupings with fixed months:
  quarters 33-36, semesters 40-41, quadrimesters 37-39.
- Spring, summer and autumn are the Northern Hemisphere seasons 25-27, the months hstrack
  gives them. Winter runs into the next year, which a grouping code cannot say (a reader
  such as python-edtf takes ``2026-28`` to be December alone), so it is the interval of its
  months, ``2026-12/2027-02``; so is any other range (``2026-08/2026-12``,
  ``2026-10-03/2026-10-07``).
- A tentative date carries ``?`` (uncertain): on a date, or on each end of an interval.
  EDTF cannot qualify a grouping, so a tentative quarter is its months' interval
  (``2026-07?/2026-09?``), and it cannot qualify a time, so a tentative instant's EDTF is
  the time alone: read ``tentative`` beside it.
- TBA has no EDTF spelling: null.
"""

from __future__ import annotations

import calendar
import functools
from datetime import date

from hstrack.core.dates.spec import DateSpec, Precision

_SEASON_CODE = {3: 25, 6: 26, 9: 27}  # winter (12) is an interval: it ends the next year
_PART_CODE = {1: 37, 5: 38, 9: 39}


def _months(first: date, last: date, mark: str) -> str:
    return f"{first.year:04d}-{first.month:02d}{mark}/{last.year:04d}-{last.month:02d}{mark}"


@functools.lru_cache(maxsize=4096)  # a store repeats its dates; a spec is immutable
def to_edtf(spec: DateSpec, tentative: bool = False) -> str | None:
    mark = "?" if tentative else ""
    p, first, last = spec.precision, spec.earliest, spec.latest
    if p is Precision.TBA or first is None or last is None:
        return None
    if p is Precision.INSTANT:
        assert spec.at is not None
        text = spec.at.isoformat(timespec="seconds")
        # EDTF spells UTC "Z": its grammar (and the peer parser) has no "+00:00", whose hour
        # must be 01 to 14.
        return text[:-6] + "Z" if text.endswith(("+00:00", "-00:00")) else text
    if p is Precision.YEAR:
        return f"{first.year:04d}{mark}"
    if p is Precision.MONTH:
        return f"{first.year:04d}-{first.month:02d}{mark}"
    if p is Precision.DAY:
        return f"{first.isoformat()}{mark}"
    code = None
    if p is Precision.QUARTER:
        code = 33 + (first.month - 1) // 3
    elif p is Precision.HALF:
        code = 40 if first.month == 1 else 41
    elif p is Precision.SEASON:
        code = _SEASON_CODE.get(first.month)
    elif p is Precision.RANGE and spec.canonical.split()[0] in ("early", "mid", "late"):
        code = _PART_CODE[first.month]
    if code is not None and not tentative:
        return f"{first.year:04d}-{code}"
    if first.day == 1 and last.day == _last_day(last):
        return _months(first, last, mark)
    return f"{first.isoformat()}{mark}/{last.isoformat()}{mark}"


def _last_day(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]
