"""What every view shows, computed once from (document, now).

The terminal view, the JSON view and (later) the prompt all render these objects, so a
countdown or a phase is worked out in exactly one place.

Reached: a day or instant is reached once it has come; a window (Q3, autumn, 2026) only
once it has closed, because until then we do not know the day has passed. While today
is inside a window the milestone is "open". Tentative milestones are shown but never
move a title's phase: a rumoured shoot does not put a film in production.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from hstrack.dates import DateSpec, format_day
from hstrack.model import Change, Document, Milestone, Title, milestone_rank
from hstrack.text import ago, plural, span_range, until, until_range

PHASES = ("rumoured", "announced", "in-production", "post-production", "released", "cancelled")
_PHASE_OF = {"release": "released", "production-end": "post-production", "production-start": "in-production"}


@dataclass(frozen=True)
class Assessed:
    """A milestone seen from ``now``."""

    milestone: Milestone
    state: str  # tba | future | open | today | past
    days_until: tuple[int, int] | None
    days_since: int | None
    seconds_until: int | None  # instants only, while still ahead
    window: tuple[date, date] | None  # its days where the viewer is (an instant moved to their zone); None if TBA

    @property
    def kind(self) -> str:
        return self.milestone.kind

    @property
    def date(self) -> DateSpec:
        return self.milestone.date

    @property
    def reached(self) -> bool:
        return self.state in ("past", "today")

    @property
    def countdown(self) -> str:
        """The short phrase after a date: "in 12 days", "window open", "3 weeks ago"."""
        if self.state == "tba":
            return "TBA"
        if self.state == "past":
            assert self.days_since is not None
            return ago(self.days_since)
        if self.seconds_until is not None and self.seconds_until < 86400 * 2:
            hours, rest = divmod(self.seconds_until, 3600)
            return f"in {hours} h {rest // 60:02d} min"
        assert self.days_until is not None
        low, high = self.days_until
        if self.state == "open":
            return f"window open, closes {until(high)}"
        return until_range(low, high)


def assess(m: Milestone, now: datetime, memo: dict[int, tuple[DateSpec, State]] | None = None) -> Assessed:
    """A milestone seen from ``now``. ``memo`` remembers each date's state for one ``now``:
    a store hands out one DateSpec object per distinct date, and a large store repeats them."""
    if memo is None:
        return Assessed(m, *_state(m.date, now))
    hit = memo.get(id(m.date))
    if hit is None or hit[0] is not m.date:
        hit = memo[id(m.date)] = (m.date, _state(m.date, now))
    return Assessed(m, *hit[1])


State = tuple[str, tuple[int, int] | None, int | None, int | None, tuple[date, date] | None]


def _state(spec: DateSpec, now: datetime) -> State:
    """(state, days_until, days_since, seconds_until, window) of a date seen from ``now``."""
    today = now.date()
    local = spec.local_window(now.tzinfo) if now.tzinfo else None
    if local is None:
        return "tba", None, None, None, None
    earliest, latest = local
    if spec.at is not None:
        # Subtract in UTC: Python subtracts two datetimes that share a tzinfo as wall
        # times, which would make the 25-hour night of a DST change 24 hours long.
        seconds = int((spec.at.astimezone(UTC) - now.astimezone(UTC)).total_seconds())
        if seconds <= 0:
            return "past", None, (today - latest).days, None, local
        days = (earliest - today).days
        return "future", (days, days), None, seconds, local
    if latest < today:
        return "past", None, (today - latest).days, None, local
    if earliest == latest == today:
        return "today", (0, 0), 0, None, local
    if earliest <= today:
        return "open", (0, (latest - today).days), None, None, local
    return "future", ((earliest - today).days, (latest - today).days), None, None, local


def _time_key(a: Assessed) -> tuple[tuple[int, date, date, float], tuple[int, str]]:
    return a.date.sort_key(), milestone_rank(a.kind)


@dataclass(frozen=True)
class TitleReport:
    title: Title
    phase: str
    milestones: list[Assessed]  # in time order, TBA last
    last: Assessed | None
    next: Assessed | None
    release: Assessed | None

    @property
    def release_text(self) -> str:
        """The release as honestly as it is known: "autumn 2026 · in 10 to 14 weeks"."""
        r = self.release
        if r is None:
            return "not tracked"
        if r.state == "tba":
            return "TBA"
        return f"{r.date.text} · {r.countdown}"


def phase_of(assessed: list[Assessed]) -> str:
    firm = [a for a in assessed if not a.milestone.tentative]
    if any(a.kind == "cancelled" and (a.reached or a.state == "tba") for a in firm):
        return "cancelled"
    reached = {a.kind for a in firm if a.reached}
    for kind in ("release", "production-end", "production-start"):
        if kind in reached:
            return _PHASE_OF[kind]
    return "announced" if reached else "rumoured"


def report_title(title: Title, now: datetime, memo: dict[int, tuple[DateSpec, State]] | None = None) -> TitleReport:
    assessed = sorted((assess(m, now, memo) for m in title.milestones.values()), key=_time_key)
    reached = [a for a in assessed if a.reached]
    ahead = [a for a in assessed if not a.reached and a.state != "tba"]
    tba = sorted(
        (a for a in assessed if a.state == "tba" and a.kind != "cancelled"), key=lambda a: milestone_rank(a.kind)
    )
    release = title.milestones.get("release")
    return TitleReport(
        title=title,
        phase=phase_of(assessed),
        milestones=assessed,
        last=reached[-1] if reached else None,
        next=(ahead or tba)[0] if ahead or tba else None,
        release=assess(release, now, memo) if release else None,
    )


def _status_key(r: TitleReport) -> tuple[int, tuple[int, date, date, float], str]:
    # Titles with something ahead first, soonest first; then the rest by name.
    if r.next is not None and r.next.state != "tba":
        return (0, r.next.date.sort_key(), r.title.name.lower())
    return (1 if r.phase != "released" else 2, (1, date.max, date.max, 0.0), r.title.name.lower())


def status_report(doc: Document, now: datetime) -> list[TitleReport]:
    memo: dict[int, tuple[DateSpec, State]] = {}
    return sorted((report_title(t, now, memo) for t in doc.titles.values()), key=_status_key)


# ---------------------------------------------------------------------------- timeline


@dataclass(frozen=True)
class TimelineRow:
    item: Assessed
    gap_days: tuple[int, int] | None  # from the previous dated milestone

    @property
    def gap_text(self) -> str:
        if self.gap_days is None:
            return ""
        low, high = self.gap_days
        return f"+{span_range(max(low, 0), high)}" if high >= 0 else f"-{span_range(-high, -low)}"


@dataclass(frozen=True)
class Timeline:
    report: TitleReport
    rows: list[TimelineRow]
    today_index: int  # the "today" marker goes before rows[today_index]


def _bounds(spec: DateSpec) -> tuple[date, date] | None:
    if spec.earliest is None or spec.latest is None:
        return None
    return spec.earliest, spec.latest


def timeline(report: TitleReport) -> Timeline:
    rows: list[TimelineRow] = []
    previous: tuple[date, date] | None = None
    for item in report.milestones:
        bounds = _bounds(item.date)
        gap = None
        if bounds is not None and previous is not None:
            gap = ((bounds[0] - previous[1]).days, (bounds[1] - previous[0]).days)
        rows.append(TimelineRow(item, gap))
        previous = bounds or previous
    today_index = next(
        (i for i, row in enumerate(rows) if row.item.state in ("future", "tba")),
        len(rows),
    )
    return Timeline(report, rows, today_index)


# ---------------------------------------------------------------------------- countdown


@dataclass(frozen=True)
class Countdown:
    report: TitleReport
    target: Assessed | None
    since: Assessed | None  # the last milestone reached, shown for a TBA target

    @property
    def sentence(self) -> str:
        t = self.target
        if t is None:
            return "nothing ahead: every milestone has been reached" if self.report.milestones else "no milestones yet"
        kind = t.kind.replace("-", " ")
        if t.state == "tba":
            if self.since is None or self.since.days_since is None:
                return f"{kind} TBA"
            days = self.since.days_since
            since = self.since.kind.replace("-", " ")
            return f"{kind} TBA · {span_range(days, days)} since {since} ({self.since.date.text})"
        if t.state == "past":
            return f"{kind} {t.date.text} · {t.countdown}"
        if t.state == "today":
            return f"{kind} is today ({t.date.text})"
        if t.seconds_until is not None:
            days, rest = divmod(t.seconds_until, 86400)
            hours, minutes = rest // 3600, rest % 3600 // 60
            if days == 0:
                return f"{kind} {t.date.text} · in {plural(hours, 'hour')} {plural(minutes, 'minute')}"
            return f"{kind} {t.date.text} · in {plural(days, 'day')} {plural(hours, 'hour')}"
        assert t.days_until is not None
        low, high = t.days_until
        if t.state == "open":
            assert t.date.latest is not None
            return f"{kind} {t.date.text} · window open until {format_day(t.date.latest)}, {high} days left at most"
        if low == high:
            return f"{kind} {t.date.text} · {until(low)}" + ("" if low < 14 else f" ({low} days)")
        return f"{kind} {t.date.text} · {until_range(low, high)} ({low} to {high} days)"


def countdown(report: TitleReport, kind: str | None) -> Countdown:
    target = report.next if kind is None else next((a for a in report.milestones if a.kind == kind), None)
    since = report.last if target is not None and target.state == "tba" else None
    return Countdown(report, target, since)


# ---------------------------------------------------------------------------- history


@dataclass(frozen=True)
class HistoryRow:
    change: Change
    old: Assessed | None
    new: Assessed | None
    shift_days: tuple[int, int] | None  # how far the window moved: start, end

    @property
    def summary(self) -> str:
        kind, old, new = self.change.milestone, self.change.old, self.change.new
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
        o, n = _bounds(old.date), _bounds(new.date)
        assert o is not None
        assert n is not None
        if o[0] <= n[0] and n[1] <= o[1]:
            return f"{kind} firmed up from {old.date.text} to {new.date.text}"
        assert self.shift_days is not None
        low, high = sorted(self.shift_days)
        if low >= 0 or high <= 0:
            direction = "later" if high > 0 else "earlier"
            near, far = sorted((abs(low), abs(high)))
            amount = plural(near, "day") if near == far else f"{near} to {far} days"
            return f"{kind} moved {amount} {direction} ({old.date.text} → {new.date.text})"
        return f"{kind} changed from {old.date.text} to {new.date.text}"


def history(title: Title, now: datetime) -> list[HistoryRow]:
    rows = []
    for change in title.history:
        shift = None
        if change.old is not None and change.new is not None:
            o, n = _bounds(change.old.date), _bounds(change.new.date)
            if o is not None and n is not None:
                shift = ((n[0] - o[0]).days, (n[1] - o[1]).days)
        rows.append(
            HistoryRow(
                change,
                assess(change.old, now) if change.old else None,
                assess(change.new, now) if change.new else None,
                shift,
            )
        )
    return rows


# ---------------------------------------------------------------------------- upcoming


@dataclass(frozen=True)
class Upcoming:
    report: TitleReport
    item: Assessed


def upcoming(
    reports: list[TitleReport],
    now: datetime,
    end: datetime,
    kinds: set[str] | None = None,
    titles: set[str] | None = None,
) -> tuple[list[Upcoming], list[Upcoming]]:
    """Milestones whose window starts (or is already open) before ``end``, soonest first;
    and, apart, the TBA milestones not yet reached."""
    dated: list[Upcoming] = []
    tba: list[Upcoming] = []
    for r in reports:
        if titles is not None and r.title.id not in titles:
            continue
        for a in r.milestones:
            if kinds is not None and a.kind not in kinds:
                continue
            if a.state == "tba":
                if a.kind != "cancelled":
                    tba.append(Upcoming(r, a))
            elif a.state in ("open", "today"):
                dated.append(Upcoming(r, a))
            elif a.state == "future":
                if a.date.at is not None:
                    starts_in_span = a.date.at.astimezone(UTC) <= end.astimezone(UTC)
                else:
                    starts_in_span = a.date.earliest is not None and a.date.earliest <= end.date()
                if starts_in_span:
                    dated.append(Upcoming(r, a))
    dated.sort(key=lambda u: (u.item.date.sort_key(), u.report.title.name.lower(), milestone_rank(u.item.kind)))
    tba.sort(key=lambda u: (u.report.title.name.lower(), milestone_rank(u.item.kind)))
    return dated, tba
