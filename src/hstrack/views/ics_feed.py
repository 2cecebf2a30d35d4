"""What a calendar feed holds, for people who subscribe to the file (``export --format ics``):
which milestones (by title kind and milestone kind, a series' every episode or only its
premieres and finales, how far back and ahead), whether instants are written as days, and
how often a calendar should fetch it again.

The refresh hint is RFC 7986's ``REFRESH-INTERVAL;VALUE=DURATION`` (section 5.7: "the
suggested minimum interval for polling for changes"), written with Outlook's older
``X-PUBLISHED-TTL`` beside it, which Outlook and Google Calendar read instead. Both are
hints: a calendar may poll less often (Google Calendar takes hours whatever the file says).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from hstrack.core.errors import UsageError
from hstrack.core.kinds import EVERY_EPISODE

if TYPE_CHECKING:
    from hstrack.core.model.milestone import Milestone
    from hstrack.core.model.title import Title

# RFC 5545's dur-value in the units a person types: 12h, 1d, 2w (a month is no fixed span).
_UNITS = {"h": "PT{}H", "d": "P{}D", "w": "P{}W"}
MAX_REFRESH_HOURS = 24 * 7 * 4  # a hint beyond four weeks is a feed nobody refreshes


def refresh_duration(value: str) -> str:
    """``12h``, ``1d``, ``2w`` as an RFC 5545 duration (PT12H, P1D, P2W); a usage error otherwise."""
    text = value.strip().lower()
    number, unit = text[:-1], text[-1:]
    if unit not in _UNITS or not number.isascii() or not number.isdigit() or len(number) > 4:
        raise UsageError(f"--refresh {value[:20]!r} is not a span: 12h, 1d or 2w")
    n = int(number)
    hours = n * {"h": 1, "d": 24, "w": 24 * 7}[unit]
    if not 1 <= hours <= MAX_REFRESH_HOURS:
        raise UsageError(f"--refresh {value[:20]!r}: give from 1h to 4w")
    return _UNITS[unit].format(n)


@dataclass(frozen=True)
class Feed:
    """The choices of a subscribed feed; the default is the whole calendar as before."""

    all_day: bool = False
    refresh: str | None = None  # an RFC 5545 duration (refresh_duration)
    title_kinds: frozenset[str] | None = None
    milestones: frozenset[str] | None = None
    episodes: bool = False
    past: int | None = None  # days back from today whose events are kept
    future: int | None = None  # days ahead

    def head(self) -> list[str]:
        if self.refresh is None:
            return []
        return [f"REFRESH-INTERVAL;VALUE=DURATION:{self.refresh}", f"X-PUBLISHED-TTL:{self.refresh}"]

    def keeps_title(self, title: Title) -> bool:
        return self.title_kinds is None or title.kind in self.title_kinds

    def keeps(self, m: Milestone, now: datetime) -> bool:
        """Whether a dated milestone's event is in the feed (TBA and places are asked elsewhere)."""
        if self.milestones is not None and m.kind not in self.milestones:
            return False
        if m.kind in EVERY_EPISODE and not self.episodes and self.milestones is None:
            return False
        if self.past is None and self.future is None:
            return True
        first, last = days_of(m, now)
        today = now.date()
        if self.past is not None and last < today - timedelta(days=self.past):
            return False
        return self.future is None or first <= today + timedelta(days=self.future)


def days_of(m: Milestone, now: datetime) -> tuple[date, date]:
    """A dated milestone's first and last day where the viewer is (an instant: its day there)."""
    spec = m.date
    if spec.at is not None:
        day = spec.at.astimezone(now.tzinfo).date()
        return day, day
    assert spec.earliest is not None
    assert spec.latest is not None
    return spec.earliest, spec.latest
