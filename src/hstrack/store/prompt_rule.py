"""Which milestone the prompt shows when nothing is pinned: the rule, and the others
``hstrack config prompt`` can choose.

A prompt has room for one thing, so it should be the thing a person watching a slate
would name. ``firm`` (the default) takes, for the day shown:

1. a firm day or time within ``NEAR_DAYS`` (90) days, soonest first; on one day a release
   before a premiere, a trailer, a milestone of your own, an announcement, and the
   production milestones last;
2. else a firm window shorter than a year that is open or opens within those days:
   releases and premieres first, then other milestones, then production ones; within
   each, the one that opens first;
3. else a tentative date (a day, or a window shorter than a year) open or within those
   days, soonest first;
4. else a firm day or time further ahead, soonest first;
5. else a firm window further ahead, then a tentative date further ahead, soonest first;
6. a window a year long or longer (``2027``, ``2026-06..2027-05``), open or not, last:
   firm before tentative, releases first.

``releases`` is the same rule over releases and premieres alone (the rest never show);
``soonest`` is the rule before issue 28: the milestone whose window starts first,
whatever its kind, precision or certainty.

The choice for a day depends on the day only through which dates are past and which
lie within ``NEAR_DAYS``, so each candidate list below is sorted once and read from its
head: the first entry still to come is the best of its list, and a list's entries only
ever leave it (once past, always past). A day's choice is the best of six heads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, Generic, TypeVar

RULES = ("firm", "releases", "soonest")
DEFAULT_RULE = "firm"
NEAR_DAYS = 90
YEAR_DAYS = 365
RELEASE_KINDS = ("release", "premiere")
# On one day: a release first, production milestones last (kinds of one's own between).
_FINE = {"release": 0, "premiere": 1, "trailer": 2, "announced": 4, "production-end": 5, "production-start": 6}
_OWN_KIND = 3
# Windows: releases and premieres, then the rest, then production.
_CLASS = {"release": 0, "premiere": 0, "production-start": 2, "production-end": 2}

P = TypeVar("P")


def fine_rank(kind: str) -> int:
    return _FINE.get(kind, _OWN_KIND)


class Candidate(Generic[P]):
    """A dated milestone that may be shown: its days where the viewer is, and what
    orders it."""

    __slots__ = (
        "cls", "ends", "exact", "fine", "first", "kind", "last", "moment", "name", "order", "payload", "tentative",
    )  # fmt: skip

    def __init__(
        self,
        payload: P,
        kind: str,
        first: date,
        last: date,
        moment: float,
        tentative: bool,
        exact: bool,
        name: str,
        ends: date = date.max,
        order: int = 0,
    ) -> None:
        self.payload, self.kind, self.first, self.last, self.moment = payload, kind, first, last, moment
        self.tentative, self.exact, self.name, self.ends, self.order = tentative, exact, name, ends, order
        self.fine, self.cls = fine_rank(kind), _CLASS.get(kind, 1)

    @property
    def year_long(self) -> bool:
        return (self.last - self.first).days + 1 >= YEAR_DAYS

    def alive(self, day: date) -> bool:
        """Still to come on ``day`` (not past, its title not cancelled by then)."""
        return self.last >= day and self.ends > day

    def tail(self) -> tuple[date, date, int, float, str, int]:
        return (self.first, self.last, self.fine, self.moment, self.name, self.order)


class _List(Generic[P]):
    """Candidates in one order, read from the first still to come."""

    def __init__(self, entries: list[Candidate[P]], key: Callable[[Candidate[P]], Any]) -> None:
        self.entries = sorted(entries, key=key)
        self.at = 0

    def head(self, day: date) -> Candidate[P] | None:
        while self.at < len(self.entries) and not self.entries[self.at].alive(day):
            self.at += 1  # past, or its title cancelled: it never comes back
        return self.entries[self.at] if self.at < len(self.entries) else None


class Chooser(Generic[P]):
    """The candidate a rule shows on a day, for days given in increasing order."""

    def __init__(self, candidates: list[Candidate[P]], rule: str = DEFAULT_RULE, near_days: int = NEAR_DAYS) -> None:
        self.rule, self.near = rule, timedelta(days=near_days)
        if rule == "soonest":
            from hstrack.core.kinds import milestone_rank

            soonest = lambda c: (c.first, c.last, c.moment, milestone_rank(c.kind), c.name, c.order)  # noqa: E731
            self.lists = [_List(candidates, key=soonest)]
            return
        long = [c for c in candidates if c.year_long]
        short = [c for c in candidates if not c.year_long]
        by_day = lambda c: c.tail()  # noqa: E731
        self.lists = [
            _List([c for c in short if c.exact and not c.tentative], by_day),
            *(_List([c for c in short if not c.exact and not c.tentative and c.cls == k], by_day) for k in (0, 1, 2)),
            _List([c for c in short if c.tentative], by_day),
            _List(long, lambda c: (c.tentative, c.cls, *c.tail())),
        ]

    def _rank(self, c: Candidate[P], day: date) -> tuple[object, ...]:
        if self.rule == "soonest":
            return ()
        if c.year_long:
            return (5, c.tentative, c.cls, *c.tail())
        near = c.first <= day + self.near
        if c.tentative:
            return (2, 0, *c.tail()) if near else (4, 1, *c.tail())
        if c.exact:
            return (0 if near else 3, 0, *c.tail())
        return (1, c.cls, *c.tail()) if near else (4, 0, *c.tail())

    def choose(self, day: date) -> tuple[Candidate[P] | None, date]:
        """The candidate shown on ``day``, and the first later day on which the choice
        can change (a head passes, or comes within the near days)."""
        heads = [h for h in (lst.head(day) for lst in self.lists) if h is not None]
        if not heads:
            return None, date.max
        best = min(heads, key=lambda h: self._rank(h, day))
        changes = [date.max]
        for h in heads:
            changes += [h.last + timedelta(days=1), h.ends]
            if h.first - self.near > day:
                changes.append(h.first - self.near)
        return best, min(changes)
