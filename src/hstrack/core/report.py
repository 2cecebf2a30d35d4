"""What every view shows, computed once from (document, now).

The terminal view, the JSON view, the prompt cache, the calendar and the exports all
render these objects, so a countdown, a phase or an order is worked out in one place.

Reached: a day or instant is reached once it has come; a window (Q3, autumn, 2026) only
once it has closed, because until then we do not know the day has passed. While today
is inside a window the milestone is "open". The one exception is a cancellation: it is
reported after it happens, so "cancelled 2026" is reached as soon as its window opens.
Tentative milestones are shown but never move a title's phase: a rumoured shoot does not
put a film in production, and a rumoured cancellation does not end a title.

Cancelled means over: once a title is cancelled, every milestone it had not reached is
``cancelled`` (no countdown, never "next", never upcoming); what was reached stays.

Days are the viewer's calendar days everywhere (an instant moves to the viewer's zone),
and instants are ordered by when they happen, not by their wall clock in their own zone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from hstrack.core.dates import DateSpec, format_day
from hstrack.core.kinds import PLACED_KINDS, milestone_rank
from hstrack.core.model import Change, Document, Edit, Milestone, Title
from hstrack.core.text import ago_range, hours_minutes, plural, span_range, until, until_range
from hstrack.core.values import Value

if TYPE_CHECKING:  # a viewer's region matters only to a title with releases in places
    from hstrack.core.regions import Preference

# What a frozen __init__ sets its fields with (Value refuses plain assignment).
_set = object.__setattr__

PHASES = ("rumoured", "announced", "in-production", "post-production", "released", "cancelled")
_PHASE_OF = {"release": "released", "production-end": "post-production", "production-start": "in-production"}
CANCELLED = "cancelled"


def label(key: str) -> str:
    """A milestone's name as people read it: "production start", "release (UK cinemas)"."""
    if "@" not in key and ":" not in key:
        return key.replace("-", " ")
    from hstrack.core.regions import split_key, where

    kind, region, medium = split_key(key)
    return f"{kind.replace('-', ' ')} ({where(region, medium)})"


@dataclass(frozen=True)
class Assessed:
    """A milestone seen from ``now``."""

    milestone: Milestone
    state: str  # tba | future | open | today | past | cancelled
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
    if m.kind == CANCELLED and not m.tentative:  # a rumour of one is read like any date
        return Assessed(m, *_state(m.date, now, reported=True))
    if memo is None:
        return Assessed(m, *_state(m.date, now))
    hit = memo.get(id(m.date))
    if hit is None or hit[0] is not m.date:
        hit = memo[id(m.date)] = (m.date, _state(m.date, now))
    return Assessed(m, *hit[1])


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
        return "past", None, (today - latest).days, None, local, ((today - latest).days, (today - earliest).days)
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


@dataclass(frozen=True)
class TitleReport:
    title: Title
    phase: str
    milestones: list[Assessed]  # in time order, TBA last
    last: Assessed | None  # the last milestone reached (before ``next``, when that is today's)
    next: Assessed | None  # the next milestone: today's, or the first not yet reached; None when cancelled
    release: Assessed | None  # the viewer's release (see for_viewer)
    cancellation: Assessed | None = None  # the cancellation that ended the title, when it is cancelled
    own: tuple[Assessed, ...] = ()  # the milestones single answers come from (for_viewer); all when empty

    @property
    def single(self) -> tuple[Assessed, ...] | list[Assessed]:
        """The milestones that speak for the title on one line (a status row, a bar of the
        slate's chart): all of them, but of its releases and premieres the viewer's own."""
        return self.own or self.milestones

    def find(self, key: str) -> Assessed | None:
        """A milestone by its key (``release@GB:theatrical``); a bare ``release`` or
        ``premiere`` is the viewer's own, when the title has several; a place typed short
        (``release@US``, ``release:digital``) is the one release it can mean, if only one."""
        pool = self.single
        if "@" not in key and ":" not in key:
            found = next((a for a in pool if a.kind == key), None)
            if found is not None or key in PLACED_KINDS:
                return found
        exact = next((a for a in self.milestones if a.key == key), None)
        if exact is not None or ("@" not in key and ":" not in key):
            return exact
        from hstrack.core.regions import split_key

        kind, region, medium = split_key(key)
        near = [
            a
            for a in self.milestones
            if a.kind == kind and region in (None, a.milestone.region) and medium in (None, a.milestone.medium)
        ]
        return near[0] if len(near) == 1 else None

    @property
    def cancelled(self) -> bool:
        return self.cancellation is not None

    @property
    def release_place(self) -> str | None:
        """Where and how the release shown is ("UK cinemas", "worldwide"), when there is a
        choice to say it of: the title has several releases, or its one has a place."""
        r = self.release
        if r is None:
            return None
        m = r.milestone
        if m.region is None and m.medium is None and sum(a.kind == "release" for a in self.milestones) == 1:
            return None
        from hstrack.core.regions import where

        return where(m.region, m.medium)

    @property
    def release_text(self) -> str:
        """The release as honestly as it is known: "autumn 2026 · in 10 to 14 weeks"."""
        r = self.release
        if r is None:
            return "not tracked"
        place = f" · {self.release_place}" if self.release_place else ""
        if r.state == "tba":
            return f"TBA{place}"
        return f"{r.date.text} · {r.countdown}{place}"


def phase_of(assessed: list[Assessed]) -> str:
    """The title's phase from its milestones; of its releases and premieres only the ones
    chosen for the viewer are given (see ``for_viewer``)."""
    firm = [a for a in assessed if not a.milestone.tentative]
    if any(a.kind == CANCELLED and (a.reached or a.state == "tba") for a in firm):
        return "cancelled"
    reached = {a.kind for a in firm if a.reached}
    for kind in ("release", "production-end", "production-start"):
        if kind in reached:
            return _PHASE_OF[kind]
    return "announced" if reached else "rumoured"


def _overtaken(a: Assessed) -> Assessed:
    """A milestone a cancellation overtook: it will not come, so it counts nothing down."""
    return replace(a, state=CANCELLED, days_until=None, days_since=None, seconds_until=None, since=None,
                   timing=a.state)  # fmt: skip


def is_today(a: Assessed, today: date) -> bool:
    """A milestone known to the day (or the moment) that falls on the viewer's today: it
    is "today" in every view, before and after its hour."""
    return a.window == (today, today) and a.date.is_exact and a.state != CANCELLED


def _chosen(candidates: list[Assessed], pref: Preference) -> Assessed | None:
    """Of a title's releases (or premieres), the one for the viewer: their region's own,
    else the worldwide one, else the earliest anywhere; within each, a medium they prefer
    (in their order; one with no medium counts as any), else the earliest. ``candidates``
    come in time order, TBA last, so "the earliest" is the first."""
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    tiers = [
        [a for a in candidates if pref.region is not None and a.milestone.region == pref.region],
        [a for a in candidates if a.milestone.region is None],
        candidates,
    ]
    if pref.media:
        # A preferred medium first, in the viewer's order; then one with no medium (any).
        order = {m: i for i, m in enumerate(pref.media)}
        for tier in tiers:
            liked = [a for a in tier if a.milestone.medium is None or a.milestone.medium in order]
            if liked:  # min keeps the first of equals: the earliest
                return min(liked, key=lambda a: order.get(a.milestone.medium or "", len(order)))
    return next(tier[0] for tier in tiers if tier)


def for_viewer(assessed: list[Assessed], pref: Preference | None) -> list[Assessed]:
    """The milestones that give single answers (phase, next, last): all but the releases
    and premieres that are not the viewer's (a title with one of each: all of them)."""
    chosen = {}
    for kind in PLACED_KINDS:
        mine = [a for a in assessed if a.kind == kind]
        if len(mine) > 1:
            if pref is None:
                from hstrack.core.regions import WORLDWIDE

                pref = WORLDWIDE
            chosen[kind] = _chosen(mine, pref)
    if not chosen:
        return assessed
    return [a for a in assessed if a.kind not in chosen or a is chosen[a.kind]]


def report_title(
    title: Title,
    now: datetime,
    memo: dict[int, tuple[DateSpec, State]] | None = None,
    pref: Preference | None = None,
) -> TitleReport:
    everything = sorted((assess(m, now, memo) for m in title.milestones.values()), key=time_key)
    phase = phase_of(for_viewer(everything, pref))
    firm_end = next((a for a in everything if a.kind == CANCELLED and not a.milestone.tentative), None)
    cancellation = None
    if phase == "cancelled":
        cancellation = firm_end
        everything = [a if a.reached or a.kind == CANCELLED else _overtaken(a) for a in everything]
    elif firm_end is not None and firm_end.window is not None:
        # An end announced ahead: what would come after it will not come.
        end = firm_end.window[1]
        everything = [
            _overtaken(a) if a.kind != CANCELLED and not a.reached and a.window and a.window[0] > end else a
            for a in everything
        ]
    # Single answers (next, last, the release) come from the viewer's own releases; the
    # choice depends on places and time order alone, which overtaking leaves as they were.
    assessed = for_viewer(everything, pref)
    today = now.date()
    ahead = [a for a in assessed if a.kind != CANCELLED and (a.state in ("future", "open") or is_today(a, today))]
    tba = sorted(
        (a for a in assessed if a.state == "tba" and a.kind != CANCELLED), key=lambda a: milestone_rank(a.kind)
    )
    # Next: today's milestone (known to the day or the moment) above all, then the first
    # still ahead or open, then the first TBA; nothing for a cancelled title.
    todays = [a for a in ahead if is_today(a, today)]
    candidates = todays or ahead or tba
    nxt = candidates[0] if candidates and cancellation is None else None
    # Last: the last reached before next in time (all reached when nothing is next).
    limit = time_key(nxt) if nxt is not None else None
    reached = [a for a in assessed if a.reached and a is not nxt and (limit is None or time_key(a) < limit)]
    return TitleReport(
        title=title,
        phase=phase,
        milestones=everything,
        last=reached[-1] if reached else None,
        next=nxt,
        release=next((a for a in assessed if a.kind == "release"), None),
        own=tuple(assessed) if len(assessed) != len(everything) else (),
        cancellation=cancellation,
    )


def _status_key(r: TitleReport) -> tuple[int, tuple[int, date, date, float, tuple[int, str]], str]:
    # Titles with something dated ahead first, soonest first; then those waiting on a TBA
    # date, then the released, then the cancelled, each group by name.
    if r.next is not None and r.next.state != "tba":
        return (0, time_key(r.next), r.title.name.lower())
    group = {"released": 2, "cancelled": 3}.get(r.phase, 1)
    return (group, (1, date.max, date.max, 0.0, (0, "")), r.title.name.lower())


def status_report(doc: Document, now: datetime, pref: Preference | None = None) -> list[TitleReport]:
    memo: dict[int, tuple[DateSpec, State]] = {}
    return sorted((report_title(t, now, memo, pref) for t in doc.titles.values()), key=_status_key)


# ---------------------------------------------------------------------------- timeline


class TimelineRow(Value):
    item: Assessed
    gap_days: tuple[int, int] | None  # from the previous dated milestone, in the viewer's days

    __match_args__ = ("item", "gap_days")
    __slots__ = __match_args__

    def __init__(self, item: Assessed, gap_days: tuple[int, int] | None) -> None:
        _set(self, "item", item)
        _set(self, "gap_days", gap_days)

    @property
    def gap_text(self) -> str:
        if self.gap_days is None:
            return ""
        low, high = self.gap_days
        if low < 0 < high:
            return "overlaps"  # the windows overlap: which came first is not known
        sign, text = ("-", span_range(-high, -low)) if high <= 0 and low < 0 else ("+", span_range(low, high))
        return sign + text.replace("up to ", "0 to ")


class Timeline(Value):
    report: TitleReport
    rows: list[TimelineRow]
    today_index: int  # the "today" marker goes before rows[today_index]

    __match_args__ = ("report", "rows", "today_index")
    __slots__ = __match_args__

    def __init__(self, report: TitleReport, rows: list[TimelineRow], today_index: int) -> None:
        _set(self, "report", report)
        _set(self, "rows", rows)
        _set(self, "today_index", today_index)


def timeline(report: TitleReport) -> Timeline:
    rows: list[TimelineRow] = []
    previous: tuple[date, date] | None = None
    for item in report.milestones:
        bounds = item.window
        gap = None
        if bounds is not None and previous is not None:
            gap = ((bounds[0] - previous[1]).days, (bounds[1] - previous[0]).days)
        rows.append(TimelineRow(item, gap))
        previous = bounds or previous
    # Today stands before the first milestone still ahead in time (a cancelled title's
    # overtaken milestones keep their place in time).
    today_index = next((i for i, row in enumerate(rows) if row.item.when in ("future", "tba")), len(rows))
    return Timeline(report, rows, today_index)


# ---------------------------------------------------------------------------- countdown


def _dated(a: Assessed) -> str:
    """A milestone's date as the countdown says it: "3 Oct 2026 (tentative)"."""
    return f"{a.date.text} (tentative)" if a.milestone.tentative else a.date.text


class Countdown(Value):
    report: TitleReport
    target: Assessed | None
    since: Assessed | None  # the last milestone reached, shown for a TBA target

    __match_args__ = ("report", "target", "since")
    __slots__ = __match_args__

    def __init__(self, report: TitleReport, target: Assessed | None, since: Assessed | None) -> None:
        _set(self, "report", report)
        _set(self, "target", target)
        _set(self, "since", since)

    @property
    def sentence(self) -> str:
        t, r = self.target, self.report
        ended = r.cancellation
        if t is None:
            if ended is not None:
                return f"cancelled {_dated(ended)} ({ended.countdown}): nothing else will come"
            if not r.milestones:
                return "no milestones yet"
            if r.last is not None:
                return (
                    f"nothing ahead: the last milestone, {label(r.last.key)} {_dated(r.last)}, was {r.last.countdown}"
                )
            return "nothing ahead"
        kind = label(t.key)
        if t.state == CANCELLED:
            why = (
                f"the title was cancelled {ended.date.text} ({ended.countdown})" if ended else "the title was cancelled"
            )
            return f"{kind} {_dated(t)} · will not come: {why}"
        if t.state == "tba":
            if self.since is None or self.since.days_since is None:
                return f"{kind} TBA"
            days = self.since.days_since
            since = label(self.since.key)
            return f"{kind} TBA · {span_range(days, days)} since {since} ({self.since.date.text})"
        if t.state == "past":
            return f"{kind} {_dated(t)} · {t.countdown}"
        if t.state == "today":
            return f"{kind} is today ({_dated(t)})"
        assert t.days_until is not None
        low, high = t.days_until
        if t.seconds_until is not None:
            detail = "" if low <= 1 else f" ({hours_minutes(t.seconds_until)})" if low < 14 else f" ({low} days)"
            return f"{kind} {_dated(t)} · {t.countdown}{detail}"
        if t.state == "open":
            assert t.window is not None
            return f"{kind} {_dated(t)} · window open until {format_day(t.window[1])}, closes {until(high)}"
        if low == high:
            return f"{kind} {_dated(t)} · {until(low)}" + ("" if low < 14 else f" ({low} days)")
        return f"{kind} {_dated(t)} · {until_range(low, high)} ({low} to {high} days)"


def countdown(report: TitleReport, kind: str | None) -> Countdown:
    """The countdown to ``kind``, or to the title's next milestone. For a TBA target, the
    time since the last firm milestone reached (a rumour is no anchor to count from)."""
    target = report.next if kind is None else report.find(kind)
    since = None
    if target is not None and target.state == "tba":
        firm = [a for a in report.milestones if a.reached and not a.milestone.tentative]
        since = firm[-1] if firm else None
    return Countdown(report, target, since)


# ---------------------------------------------------------------------------- history


class HistoryRow(Value):
    change: Change
    old: Assessed | None
    new: Assessed | None
    shift_days: tuple[int, int] | None  # how far the window moved, in the viewer's days: start, end

    __match_args__ = ("change", "old", "new", "shift_days")
    __slots__ = __match_args__

    def __init__(
        self, change: Change, old: Assessed | None, new: Assessed | None, shift_days: tuple[int, int] | None
    ) -> None:
        _set(self, "change", change)
        _set(self, "old", old)
        _set(self, "new", new)
        _set(self, "shift_days", shift_days)

    @property
    def recorded(self) -> str:
        return self.change.recorded

    @property
    def summary(self) -> str:
        kind, old, new = label(self.change.milestone), self.change.old, self.change.new
        if old is None and new is not None:
            return f"{kind} set to {new.date.text}"
        if new is None and old is not None:
            return f"{kind} removed (was {old.date.text})"
        assert old is not None
        assert new is not None
        if old.date == new.date:
            if old.tentative != new.tentative:
                return f"{kind} {'marked tentative' if new.tentative else 'confirmed'} ({new.date.text})"
            return f"{kind} source or note updated ({new.date.text})"
        if old.date.is_tba:
            return f"{kind} dated: {new.date.text} (was TBA)"
        if new.date.is_tba:
            return f"{kind} back to TBA (was {old.date.text})"
        o = self.old.window if self.old else None
        n = self.new.window if self.new else None
        assert o is not None
        assert n is not None
        if o[0] <= n[0] and n[1] <= o[1] and o != n:
            return f"{kind} firmed up from {old.date.text} to {new.date.text}"
        assert self.shift_days is not None
        low, high = sorted(self.shift_days)
        if low >= 0 or high <= 0:
            if low == high == 0:
                return f"{kind} changed from {old.date.text} to {new.date.text} (the same day)"
            direction = "later" if high > 0 else "earlier"
            near, far = sorted((abs(low), abs(high)))
            amount = plural(near, "day") if near == far else f"{near} to {far} days"
            return f"{kind} moved {amount} {direction} ({old.date.text} → {new.date.text})"
        return f"{kind} changed from {old.date.text} to {new.date.text}"


class _Recorded(Protocol):
    @property
    def recorded(self) -> str: ...


R = TypeVar("R", bound=_Recorded)


def recorded_order(changes: list[R]) -> list[R]:
    """Changes in the order they were recorded (by the instant, whatever offset each was
    written with); a merge can append an older change after a newer one. Ties keep their
    order."""
    try:
        keys = [datetime.fromisoformat(c.recorded) for c in changes]
        if any(k.tzinfo is None for k in keys):
            return list(changes)
        order = sorted(range(len(changes)), key=lambda i: keys[i].astimezone(UTC))
    except ValueError:
        return list(changes)
    return [changes[i] for i in order]


class EditRow(Value):
    """One recorded change of a title's own field, for the history."""

    edit: Edit

    __match_args__ = ("edit",)
    __slots__ = __match_args__

    def __init__(self, edit: Edit) -> None:
        _set(self, "edit", edit)

    @property
    def recorded(self) -> str:
        return self.edit.recorded

    @property
    def what(self) -> str:
        return "title id" if self.edit.field == "id" else self.edit.field

    @property
    def summary(self) -> str:
        name, old, new = self.edit.field, self.edit.old, self.edit.new
        if name == "credits":
            return credits_summary(old or {}, new or {})
        if name in ("synopsis", "notes"):  # long text: say what happened, not all of it
            return f"{name} {'set' if old is None else 'cleared' if new is None else 'changed'}"
        if old is None:
            return f"{name} set to {_quoted(new)}"
        if new is None:
            return f"{name} cleared (was {_quoted(old)})"
        return f"{name} changed from {_quoted(old)} to {_quoted(new)}"


def _quoted(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else str(value)


def credits_summary(old: dict[str, list[str]], new: dict[str, list[str]]) -> str:
    """What changed in the credits, role by role: "Director: added Euros Lyn"."""
    parts = []
    for role in [*old, *(r for r in new if r not in old)]:
        before, after = old.get(role, []), new.get(role, [])
        if before == after:
            continue
        if not after:
            parts.append(f"{role}: removed")
            continue
        added = [n for n in after if n not in before]
        removed = [n for n in before if n not in after]
        said = [f"added {', '.join(added)}"] if added else []
        said += [f"removed {', '.join(removed)}"] if removed else []
        parts.append(f"{role}: {'; '.join(said) or 'reordered'}")
    return "credits: " + ("; ".join(parts) if parts else "unchanged")


def title_history(title: Title, now: datetime) -> list[HistoryRow | EditRow]:
    """Every recorded change of a title, its milestones' and its own fields', in the order
    they were recorded."""
    rows: list[HistoryRow | EditRow] = [*history(title, now), *(EditRow(e) for e in title.edits)]
    return recorded_order(rows)


def history(title: Title, now: datetime) -> list[HistoryRow]:
    return [history_row(change, now) for change in recorded_order(title.history)]


def history_row(change: Change, now: datetime) -> HistoryRow:
    """One change as the history shows it (``summary`` is its words)."""
    old = assess(change.old, now) if change.old else None
    new = assess(change.new, now) if change.new else None
    shift = None
    if old is not None and new is not None and old.window is not None and new.window is not None:
        shift = ((new.window[0] - old.window[0]).days, (new.window[1] - old.window[1]).days)
    return HistoryRow(change, old, new, shift)


# ---------------------------------------------------------------------------- upcoming


class Upcoming(Value):
    report: TitleReport
    item: Assessed

    __match_args__ = ("report", "item")
    __slots__ = __match_args__

    def __init__(self, report: TitleReport, item: Assessed) -> None:
        _set(self, "report", report)
        _set(self, "item", item)


def upcoming(
    reports: list[TitleReport],
    now: datetime,
    end: datetime,
    kinds: set[str] | None = None,
    titles: set[str] | None = None,
) -> tuple[list[Upcoming], list[Upcoming]]:
    """Milestones happening today, or whose window starts (or is already open) before
    ``end``, soonest first; and, apart, the TBA milestones not yet reached. A cancelled
    title has nothing upcoming, and a cancellation is not something to count down to
    (it is listed only when asked for by name)."""
    dated: list[Upcoming] = []
    tba: list[Upcoming] = []
    for r in reports:
        if titles is not None and r.title.id not in titles:
            continue
        for a in r.milestones:
            if kinds is not None and a.kind not in kinds:
                continue
            if a.kind == CANCELLED and (kinds is None or CANCELLED not in kinds):
                continue
            if a.state == "tba":
                if a.kind != CANCELLED:
                    tba.append(Upcoming(r, a))
            elif a.state in ("open", "today"):  # an instant earlier today is "today" too
                dated.append(Upcoming(r, a))
            elif a.state == "future":
                if a.date.at is not None:
                    starts_in_span = a.date.at.astimezone(UTC) <= end.astimezone(UTC)
                else:
                    starts_in_span = a.window is not None and a.window[0] <= end.date()
                if starts_in_span:
                    dated.append(Upcoming(r, a))
    dated.sort(key=lambda u: (time_key(u.item), u.report.title.name.lower()))
    tba.sort(key=lambda u: (u.report.title.name.lower(), milestone_rank(u.item.kind)))
    return dated, tba
