"""One milestone assessed at a moment: its state (past, today, open, future, due, TBA,
cancelled), how far away it is, and the order milestones happen in.

Reached: a day or instant is reached once it has come. A window (Q3, autumn, 2026) is
never reached by itself: while today is inside it the milestone is "open", and once it
has closed with no day or moment recorded for it, it is "due" (due, unconfirmed), since
a window passing says only that the day was expected, not that it came. It is reached
once a day or a moment inside it is recorded (``confirmed``: the title's history may
hold one the date was later widened from). Two kinds are reported only after they have
happened, so their windows need no day: an announcement's closed window is reached, and a
cancellation ("cancelled 2026") is reached as soon as its window opens.
Days are the viewer's calendar days everywhere (an instant moves to the viewer's zone),
and instants are ordered by when they happen, not by their wall clock in their own zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from hstrack.core.kinds import EPISODE_KINDS, milestone_rank
from hstrack.core.text import ago, ago_range, hours_minutes, until, until_range

if TYPE_CHECKING:  # types only: a command loads the modules it runs
    from hstrack.core.dates.spec import DateSpec
    from hstrack.core.model.milestone import Milestone


# What a frozen __init__ sets its fields with (Value refuses plain assignment).
_set = object.__setattr__

PHASES = ("rumoured", "announced", "in-production", "post-production", "released", "cancelled")
_PHASE_OF = {"release": "released", "production-end": "post-production", "production-start": "in-production"}
CANCELLED = "cancelled"
DUE = "due"  # a window that closed with no day recorded: due, unconfirmed
# Kinds known only once they have happened: a closed window of theirs is no open question.
REPORTED = ("announced", CANCELLED)


def label(key: str) -> str:
    """A milestone's name as people read it: "production start", "release (UK cinemas)"."""
    if "@" not in key and ":" not in key:
        return _words(key)
    from hstrack.core.regions import split_key, where

    kind, region, medium = split_key(key)
    return f"{_words(kind)} ({where(region, medium)})"


def _words(kind: str) -> str:
    return kind.replace("-", " ").replace("mid season", "mid-season")


_CODE = re.compile(r"S[0-9]{1,4}E[0-9]{2,5}")


def named(m: Milestone) -> str:
    """A milestone's name with its episode: "S2E05" for the next episode, "season finale
    S2E10"; other milestones as ``label`` names them."""

    episode = _CODE.match(m.note or "") if m.kind in EPISODE_KINDS and m.region is None else None
    if episode is None:
        return label(m.key)
    return episode[0] if m.kind == "episode" else f"{label(m.key)} {episode[0]}"


@dataclass(frozen=True, slots=True)
class Assessed:
    """A milestone seen from ``now``."""

    milestone: Milestone
    state: str  # tba | future | open | today | past | due | cancelled
    days_until: tuple[int, int] | None  # to the window's start and end; (0, n) inside it
    days_since: int | None  # the fewest days since it can have happened (reached ones)
    seconds_until: int | None  # instants only, while still ahead
    window: tuple[date, date] | None  # its days where the viewer is (an instant moved to their zone); None if TBA
    since: tuple[int, int] | None = None  # reached: days since the window's end and since its start
    timing: str | None = None  # for a "cancelled" milestone, where it stands in time (its state otherwise)

    @property
    def kind(self) -> str:
        return self.milestone.kind

    @property
    def named(self) -> str:
        """How views name it: "S2E05", "season finale S2E10", "release (UK cinemas)"."""
        return named(self.milestone)

    @property
    def key(self) -> str:
        """Its name within the title: ``release``, or ``release@GB:theatrical``."""
        return self.milestone.key

    @property
    def date(self) -> DateSpec:
        return self.milestone.date

    @property
    def when(self) -> str:
        """Where the milestone stands in time alone: its state, or for a milestone a
        cancellation overtook, the state it would have had."""
        return self.timing or self.state

    @property
    def reached(self) -> bool:
        return self.state in ("past", "today")

    @property
    def countdown(self) -> str:
        """The short phrase after a date: "in 12 days", "window open, closes today",
        "2 to 5 months ago", "today, in 7 h 03 min"."""
        if self.state == "tba":
            return "TBA"
        if self.state == CANCELLED:
            return "cancelled"
        if self.state == "past":
            return "date not known" if self.since is None else ago_range(*self.since)
        if self.state == DUE:
            assert self.since is not None
            return f"due, unconfirmed: window ended {ago(self.since[0])}"
        assert self.days_until is not None
        low, high = self.days_until
        if self.seconds_until is not None and low <= 1:
            return f"{until(low)}, in {hours_minutes(self.seconds_until)}"
        if self.state == "open":
            return f"window open, closes {until(high)}"
        return until_range(low, high)


State = tuple[str, tuple[int, int] | None, int | None, int | None, tuple[date, date] | None, tuple[int, int] | None]


def assess(m: Milestone, now: datetime, memo: dict[int, tuple[DateSpec, State]] | None = None) -> Assessed:
    """A milestone seen from ``now``. ``memo`` remembers each date's state for one ``now``:
    a store hands out one DateSpec object per distinct date, and a large store repeats them."""
    if (m.kind == CANCELLED or m.happened) and not m.tentative:  # a rumour of one is read like any date
        # A cancellation, or a TBA known to have happened, is reported after the fact.
        return Assessed(m, *_state(m.date, now, reported=True))
    if memo is None:
        state = _state(m.date, now)
    else:
        hit = memo.get(id(m.date))
        if hit is None or hit[0] is not m.date:
            hit = memo[id(m.date)] = (m.date, _state(m.date, now))
        state = hit[1]
    if state[0] == DUE and m.kind in REPORTED and not m.tentative:
        return confirmed(Assessed(m, *state))
    return Assessed(m, *state)


def confirmed(a: Assessed) -> Assessed:
    """A due milestone known to have come (a day inside its window was recorded, or it is
    of a kind only ever reported after the fact): reached, "past"."""
    if a.state != DUE:
        return a
    from dataclasses import replace

    return replace(a, state="past")


def _state(spec: DateSpec, now: datetime, reported: bool = False) -> State:
    """(state, days_until, days_since, seconds_until, window, since) of a date seen from
    ``now``. ``reported``: the date of something known only once it has happened (a
    cancellation), reached as soon as its window opens."""
    today = now.date()
    local = spec.local_window(now.tzinfo) if now.tzinfo else None
    if local is None:
        # A cancellation known to have happened, on a day not known: reached, undated.
        return ("past", None, None, None, None, None) if reported else ("tba", None, None, None, None, None)
    earliest, latest = local
    if spec.at is not None:
        # Subtract in UTC: Python subtracts two datetimes that share a tzinfo as wall
        # times, which would make the 25-hour night of a DST change 24 hours long.
        seconds = int((spec.at.astimezone(UTC) - now.astimezone(UTC)).total_seconds())
        if seconds <= 0:
            days = (today - latest).days
            if days == 0:  # it happened today: "today", as a day-dated milestone is
                return "today", (0, 0), 0, None, local, (0, 0)
            return "past", None, days, None, local, (days, days)
        days = (earliest - today).days
        return "future", (days, days), None, seconds, local, None
    if latest < today:
        since = ((today - latest).days, (today - earliest).days)
        # A closed window is due, not past, unless something said the day came: a
        # cancellation is reported only once it has happened (see ``assess`` for the rest).
        state = "past" if reported or spec.is_exact else DUE
        return state, None, since[0], None, local, since
    if earliest == latest == today:
        return "today", (0, 0), 0, None, local, (0, 0)
    if earliest <= today:
        if reported:
            return "past", None, 0, None, local, (0, (today - earliest).days)
        return "open", (0, (latest - today).days), None, None, local, None
    return "future", ((earliest - today).days, (latest - today).days), None, None, local, None


def time_key(a: Assessed) -> tuple[int, date, date, float, tuple[int, str]]:
    """When a milestone happens, for sorting: by its days where the viewer is, then by
    the moment of an instant (23:30 in Los Angeles comes after 00:15 the next calendar
    day in Chatham), then the ladder; TBA last."""
    if a.window is None:
        return (1, date.max, date.max, 0.0, milestone_rank(a.kind))
    moment = a.date.at.timestamp() if a.date.at is not None else 0.0
    return (0, a.window[0], a.window[1], moment, milestone_rank(a.kind))


def reach_key(a: Assessed) -> tuple[date, float, tuple[int, str]]:
    """When a reached milestone was reached, for "last reached": a window once its last day
    ended, a day on its day, an instant at its moment; a firm cancellation dated TBA (the
    title is over, day unknown) after everything. Ties go by the ladder."""
    if a.window is None:
        return (date.max, 0.0, milestone_rank(a.kind))
    moment = a.date.at.timestamp() if a.date.at is not None else 0.0
    return (a.window[1], moment, milestone_rank(a.kind))


def is_today(a: Assessed, today: date) -> bool:
    """A milestone known to the day (or the moment) that falls on the viewer's today: it
    is "today" in every view, before and after its hour."""
    return a.window == (today, today) and a.date.is_exact and a.state != CANCELLED
