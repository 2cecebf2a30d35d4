"""Time charts: one time axis across the terminal, and titles drawn on it in characters.

This is layout only. It decides which character goes in which column and what that
character means (its *role*); the terminal view gives each role a colour. The characters
differ by themselves (─ ━ ═ █ ░ ◆ │ →), so a chart reads the same with colour off.

Honest dates: a milestone known to the day is a marker (◆) in one column; a window
(a month, Q3, autumn, a year) is a light band (░) over every column it covers, never a
point at its first day; a TBA end is an open arrow (→) at the right edge. Days map to
columns linearly, so two charts of the same slate at two widths say the same thing.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from hstrack.core.text import inert

if TYPE_CHECKING:
    from hstrack.core.report.assess import Assessed
    from hstrack.core.report.titles import TitleReport

# What each phase looks like on a bar; the glyphs alone tell the phases apart. The dotted
# stretch follows a tentative milestone: the phase it would enter, if the date holds. It is
# not the phase "rumoured" (no milestone reached), so it is not called that.
GLYPH = {
    "tentative": "┄",
    "announced": "─",
    "in-production": "━",
    "post-production": "═",
    "released": "█",
}
BAND = "░"
DAY = "◆"
TENTATIVE_DAY = "◇"
TODAY = "│"
OPEN = "→"
CANCEL = "✕"
TBA_END = " TBA " + OPEN
DUE_END = " due? " + OPEN  # a release whose window closed with no day recorded

# The milestones that move a title from one phase into the next.
ENTERS = {
    "announced": "announced",
    "production-start": "in-production",
    "production-end": "post-production",
    "release": "released",
}

# The shortest stretch the axis shows, so one dated day is not a chart of one day.
MIN_DAYS = 90
# Room the axis keeps right of today for an open end ("TBA →" and a little bar).
OPEN_END_COLUMNS = len(TBA_END) + 3

Cell = tuple[str, str]  # (character, role)


@dataclass(frozen=True)
class Axis:
    """Days ``start``..``end`` (inclusive) spread over ``width`` columns."""

    start: date
    end: date
    width: int

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def col(self, day: date) -> int:
        """The column a day falls in; days outside the axis go to its edges."""
        offset = (day - self.start).days
        return min(max(offset * self.width // self.days, 0), self.width - 1)

    def labels(self) -> list[str]:
        """The axis written out: a line of years over a line of months, or one line of
        years, with each label starting in the column where its period starts."""
        per_col = self.days / self.width
        steps = (1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000, 12000)
        step = next((s for s in steps if s * 30.44 / per_col >= (4 if s < 12 else 5)), steps[-1])
        months = self._month_starts(step)
        if step >= 12:
            return [_place(self.width, [(self.col(d), str(d.year)) for d in months])]
        month_line = [(self.col(d), calendar.month_abbr[d.month]) for d in months]
        # The year goes over each January; over the first month shown too, if that
        # leaves room for the next January's (which says more).
        year_line = [(self.col(d), str(d.year)) for d in months if d.month == 1]
        if months and months[0].month != 1:
            year_line.append((self.col(months[0]), str(months[0].year)))
        return [_place(self.width, year_line), _place(self.width, month_line)]

    def _month_starts(self, step: int) -> list[date]:
        """First days of the months on the axis whose month number is a multiple of ``step``."""
        index = self.start.year * 12 + self.start.month - 1
        if self.start.day != 1:
            index += 1
        index = -(-index // step) * step
        out = []
        while True:
            year, month = divmod(index, 12)
            if year > self.end.year or year > 9999:
                break
            first = date(year, month + 1, 1)
            if first > self.end:
                break
            out.append(first)
            index += step
        return out


def _place(width: int, labels: list[tuple[int, str]]) -> str:
    """Labels written at their columns, in order of importance; one that would touch a
    label already placed or run off the edge is left out rather than moved (a moved
    label would point at the wrong time)."""
    line = [" "] * width
    taken = [False] * (width + 1)
    for col, text in labels:
        stop = col + len(text)
        if stop > width or any(taken[max(col - 1, 0) : stop + 1]):
            continue
        line[col:stop] = text
        taken[col:stop] = [True] * len(text)
    return "".join(line).rstrip()


def dated(report: TitleReport) -> list[tuple[Assessed, date, date]]:
    """Each dated milestone that is still to happen or has happened, with its window in the
    viewer's calendar days; one a cancellation overtook is not drawn on a title's bar. Of
    releases in several places, a title's bar draws only the viewer's own (the title chart
    gives each a row of its own): the slate's chart stays one clear line per title."""
    return [(a, *a.window) for a in report.single if a.window is not None and a.state != "cancelled"]


def make_axis(reports: list[TitleReport], now: datetime, width: int) -> Axis:
    """An axis covering every dated milestone and today, with room for open ends."""
    today = now.date()
    days = [today]
    for r in reports:
        for _, first, last in dated(r):
            days += [first, last]
    low, high = min(days), max(days)
    if (high - low).days < MIN_DAYS:
        extra = MIN_DAYS - (high - low).days
        low, high = _shift(low, -(extra // 3)), _shift(high, extra - extra // 3)
    pad = max((high - low).days // 30, 3)
    low, high = _shift(low, -pad), _shift(high, pad)
    endings = [len(e) for r in reports if (e := _open_end(r)) is not None]
    room = OPEN_END_COLUMNS + max(max(endings, default=0) - len(TBA_END), 0)
    if endings and width > room:
        # Solve for the room right of today: right / (left + right) >= n / width.
        left = (today - low).days + 1
        right = -(-left * room // (width - room))
        high = max(high, _shift(today, right))
    return Axis(low, high, max(width, 1))


def _shift(day: date, days: int) -> date:
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def _open_end(report: TitleReport) -> str | None:
    """How a title's bar ends when its story is not over: "TBA →" for a release still
    TBA, "due? →" for one whose window closed unconfirmed, "→" when no release is
    tracked; None when it ends (released, cancelled or a dated release ahead, which the
    bar reaches)."""
    if report.phase in ("released", "cancelled"):
        return None
    release = report.release
    if release is None:
        return OPEN
    return TBA_END if release.state == "tba" else DUE_END if release.state == "due" else None


def _marker(a: Assessed) -> Cell:
    if a.milestone.tentative:
        return TENTATIVE_DAY, "marker:tentative"
    return DAY, f"marker:{a.state}"


def bar(report: TitleReport, axis: Axis, now: datetime) -> list[Cell]:
    """A title on one row: its phases as spans, windows as bands, milestones known to
    the day as markers, today as a line, and an open end when the release is TBA."""
    today_col = axis.col(now.date())
    cells: list[Cell] = [(" ", "blank")] * axis.width
    milestones = dated(report)

    # Phase spans: each phase runs from the end of the milestone that entered it to the
    # start of the next one. A tentative milestone enters a tentative stretch, not a real phase.
    phase, from_col = None, 0
    for a, first, last in milestones:
        entered = "cancelled" if a.kind == "cancelled" else ENTERS.get(a.kind)
        if a is report.release:
            entered = "released"  # a season's premiere is its release
        if entered is None or (entered == "cancelled" and a.milestone.tentative) or a.state == "due":
            continue  # a window that closed unconfirmed enters nothing: the phase goes on
        if phase is not None:
            _span(cells, phase, from_col, axis.col(first), today_col)
        if entered == "cancelled":
            phase = None
            break
        phase = "tentative" if a.milestone.tentative else entered
        from_col = axis.col(last) + 1
    ending = _open_end(report)
    if phase is not None and (phase == "released" or ending is not None):
        _span(cells, phase, from_col, axis.width, today_col)

    for a, first, last in milestones:
        if a.date.is_exact:
            continue
        band_role = f"band:{ENTERS.get(a.kind, 'other')}"
        for col in range(axis.col(first), axis.col(last) + 1):
            cells[col] = (BAND, band_role)
    if 0 <= today_col < axis.width:
        cells[today_col] = (TODAY, "today")
    for a, first, _last in milestones:
        if a.kind == "cancelled" and not a.milestone.tentative:
            cells[axis.col(first)] = (CANCEL, "cancel")
        elif a.date.is_exact:
            cells[axis.col(first)] = _marker(a)
    if ending is not None:
        _write(cells, axis.width - len(ending), ending, "open")
    return cells


def _span(cells: list[Cell], phase: str, start: int, stop: int, today_col: int) -> None:
    glyph = GLYPH[phase]
    for col in range(max(start, 0), min(stop, len(cells))):
        # What lies right of today is where things stand now, carried forward: dimmer.
        cells[col] = (glyph, f"{'phase' if col <= today_col else 'ahead'}:{phase}")


def _write(cells: list[Cell], col: int, text: str, role: str) -> None:
    for i, char in enumerate(text):
        if 0 <= col + i < len(cells):
            cells[col + i] = (char, role)


def milestone_row(a: Assessed, axis: Axis, today_col: int) -> list[Cell]:
    """One milestone on its own row (the single-title chart): its marker or band, and
    its date written beside it where there is room."""
    cells: list[Cell] = [(" ", "blank")] * axis.width
    if 0 <= today_col < axis.width:
        cells[today_col] = (TODAY, "today")
    if a.window is None:
        if a.reached:  # reported without its day (a cancellation, a status): over, not an open end
            text = "cancelled, day not known" if a.kind == "cancelled" else "happened, day not known"
            _write(cells, max(axis.width - len(text), 0), text[: axis.width], "text")
        else:
            _write(cells, axis.width - len(TBA_END), TBA_END, "open")
        return cells
    start, stop = axis.col(a.window[0]), axis.col(a.window[1])
    if a.state == "cancelled":
        # It will not happen: no marker or band, only its date, said to be cancelled.
        texts: tuple[str, ...] = (f"{a.date.text} (cancelled)", "cancelled")
    else:
        if a.date.is_exact:
            cells[start] = (CANCEL, "cancel") if a.kind == "cancelled" else _marker(a)
        else:
            for col in range(start, stop + 1):
                cells[col] = (BAND, f"band:{ENTERS.get(a.kind, 'other')}")
        texts = (f"{a.date.text} (tentative)", f"{a.date.text}?") if a.milestone.tentative else (a.date.text,)
        if a.state == "due":
            texts = (f"{a.date.text} (due, unconfirmed)", f"{a.date.text} (due?)", *texts)
    places = [(text, col) for text in texts for col in (stop + 2, start - 1 - len(text))]
    places = [(text, col) for text, col in places if col >= 0 and col + len(text) <= axis.width]
    # Beside the marker, preferably without cutting through the today line.
    clear = [(text, col) for text, col in places if not col <= today_col < col + len(text)]
    if clear or places:
        text, col = (clear or places)[0]
        _write(cells, col, text, "text")
    return cells


def today_line(axis: Axis, now: datetime, day_text: str) -> str:
    """The line under a chart that names the today column: "▲ today 27 Nov 2026",
    flipped to end at the column when it would run off the right edge."""
    col = axis.col(now.date())
    for text in (f"today {day_text}", "today"):
        if col + 2 + len(text) <= axis.width:
            return " " * col + "▲ " + text
        if col - 1 - len(text) >= 0:
            return " " * (col - 1 - len(text)) + text + " ▲"
    return " " * col + "▲"


LEGEND = (
    (GLYPH["announced"], "announced"),
    (GLYPH["in-production"], "in production"),
    (GLYPH["post-production"], "post-production"),
    (GLYPH["released"], "released"),
    (GLYPH["tentative"], "tentative"),
    (BAND, "date window"),
    (DAY, "day"),
    (TENTATIVE_DAY, "tentative day"),
    (CANCEL, "cancelled"),
    (TODAY, "today"),
    (OPEN, "open end"),
)


def legend(rows: list[list[Cell]]) -> list[tuple[str, str]]:
    """The legend entries for the glyphs a chart actually uses, in a fixed order."""
    used = {char for row in rows for char, role in row if role not in ("text", "blank")}
    return [(glyph, meaning) for glyph, meaning in LEGEND if glyph in used]


@dataclass(frozen=True)
class ChartRow:
    label: str  # shown as it is: already inert
    cells: list[Cell]


@dataclass(frozen=True)
class Chart:
    """A laid-out chart: axis label lines, labelled rows, the today line."""

    axis: Axis
    label_width: int
    rows: list[ChartRow]
    today: str

    @property
    def legend(self) -> list[tuple[str, str]]:
        return legend([row.cells for row in self.rows])


def _label_width(labels: list[str], width: int) -> int:
    # Names get up to a third of the width; the rest is time.
    return max(min(max((len(x) for x in labels), default=0), max(width // 3, 6)), 1)


def slate_chart(reports: list[TitleReport], now: datetime, width: int, day_text: str) -> Chart:
    """Every title on one shared axis, one row each (a Gantt chart)."""
    # Names as they will be shown (control characters spelled out), so widths are right.
    names = [inert(r.title.name) for r in reports]
    label_width = _label_width(names, width)
    axis = make_axis(reports, now, width - label_width - 1)
    rows = [ChartRow(name, bar(r, axis, now)) for name, r in zip(names, reports, strict=True)]
    return Chart(axis, label_width, rows, today_line(axis, now, day_text))


def title_chart(report: TitleReport, now: datetime, width: int, day_text: str) -> Chart:
    """One title: its phase bar, then each milestone on its own row."""
    labels = ["phase"] + [a.named for a in report.milestones]
    label_width = _label_width(labels, width)
    axis = make_axis([report], now, width - label_width - 1)
    today_col = axis.col(now.date())
    rows = [ChartRow("phase", bar(report, axis, now))]
    for a in report.milestones:
        rows.append(ChartRow(a.named, milestone_row(a, axis, today_col)))
    return Chart(axis, label_width, rows, today_line(axis, now, day_text))
