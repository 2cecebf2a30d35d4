"""The rows of the per-title views: a timeline, a countdown, the upcoming list."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from hstrack.core.dates.spec import format_day
from hstrack.core.kinds import milestone_rank
from hstrack.core.report.assess import CANCELLED, Assessed, _set, time_key
from hstrack.core.text import ago, hours_minutes, span_range, until, until_range
from hstrack.core.values import Value

if TYPE_CHECKING:  # types only: a command loads the modules it runs
    from hstrack.core.report.titles import TitleReport

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
                return f"nothing ahead: the last milestone, {r.last.named} {_dated(r.last)}, was {r.last.countdown}"
            return "nothing ahead"
        kind = t.named
        if t.state == CANCELLED:
            why = (
                f"the title was cancelled {ended.date.text} ({ended.countdown})" if ended else "the title was cancelled"
            )
            return f"{kind} {_dated(t)} · will not come: {why}"
        if t.state == "tba":
            if self.since is None or self.since.days_since is None:
                return f"{kind} TBA"
            days = self.since.days_since
            since = self.since.named
            return f"{kind} TBA · {span_range(days, days)} since {since} ({self.since.date.text})"
        if t.state == "past":
            return f"{kind} {_dated(t)} · {t.countdown}"
        if t.state == "due":
            assert t.window is not None
            assert t.since is not None
            closed = f"{format_day(t.window[1])} ({ago(t.since[0])})"
            return f"{kind} {_dated(t)} · due, unconfirmed: its window ended {closed} and no day was recorded"
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
