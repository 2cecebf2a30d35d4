"""The view for people: Rich tables on a terminal, plain text when piped or NO_COLOR.

Stored text is data: every string from the store goes through :func:`hstrack.text.inert`
and into a ``rich.text.Text`` object, never into markup, so ``[link=…]`` or an escape
sequence in a title's name prints literally.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from hstrack.dates import format_day
from hstrack.feed import FeedItem
from hstrack.report import Assessed, Countdown, EditRow, HistoryRow, Timeline, TitleReport, Upcoming, label
from hstrack.text import inert

if TYPE_CHECKING:  # charts and the calendar are loaded only by the commands that draw them
    from hstrack.month_calendar import MonthCalendar

PHASE_STYLE = {
    "rumoured": "magenta",
    "announced": "cyan",
    "in-production": "bold yellow",
    "post-production": "bold blue",
    "released": "bold green",
    "cancelled": "bold red",
}
# Below this width the status table cannot hold its columns; titles are stacked instead.
NARROW = 60
STATE_MARK = {"past": "✓", "today": "●", "open": "◐", "future": "○", "tba": "?", "cancelled": "✕"}
STATE_STYLE = {
    "past": "green",
    "today": "bold green",
    "open": "yellow",
    "future": "cyan",
    "tba": "dim",
    "cancelled": "red",
}


def safe(value: str | None, style: str = "") -> Text:
    """Stored text, shown inert. The only way stored strings reach the screen. The style
    is a span, not the Text's base style, so what is appended after it stays unstyled."""
    text = Text()
    text.append(inert(value or ""), style=style or None)
    return text


def _moment(at: datetime) -> str:
    """A moment as a person reads it: the day, and the time unless it is midnight."""
    day = format_day(at.date())
    return day if (at.hour, at.minute) == (0, 0) else f"{day} {at:%H:%M}"


def _when(a: Assessed) -> Text:
    text = Text(a.date.text, style="bold" if a.state != "tba" else "dim")
    if a.milestone.tentative:
        text.append(" ")  # unstyled, so a picture places the word by itself (see views.pictures.indented)
        text.append("(tentative)", style="italic dim")
    return text


def _milestone_cell(a: Assessed | None, empty: str) -> Text:
    if a is None:
        return Text(empty, style="dim")
    cell = Text(label(a.key), style=STATE_STYLE[a.state])
    cell.append("\n")
    cell.append_text(_when(a))
    if a.state != "tba":
        cell.append("\n")
        cell.append(a.countdown, style=STATE_STYLE[a.state])
    return cell


def _release_cell(a: Assessed | None, place: str | None = None) -> Text:
    if a is None:
        return Text("not tracked", style="dim")
    cell = _when(a)
    if a.state != "tba":
        cell.append("\n")
        cell.append(a.countdown, style=STATE_STYLE[a.state])
    if place is not None:  # which of several releases this is: "UK cinemas"
        cell.append(f"\n{place}", style="dim")
    return cell


NO_MILESTONES = "no milestones yet: hstrack set ID MILESTONE DATE"


def _source_text(source: str | None, origin: str | None, style: str = "dim") -> Text:
    """A fact's source, and for a synced one the source it came from ("Wikidata: URL")."""
    text = Text()
    if origin:
        from hstrack.sources import SOURCE_NAMES

        text.append(f"{SOURCE_NAMES.get(origin, origin)}: ", style=style)
    text.append_text(safe(source, style))
    return text


def _proposal_lines(reports: list[TitleReport]) -> Text | None:
    """Under the status: the titles with proposals waiting for you, one line each."""
    waiting = [r.title for r in reports if r.title.proposals]
    if not waiting:
        return None
    out = Text()
    for i, t in enumerate(waiting):
        n = len(t.proposals)
        out.append("\n" if i else "")
        out.append_text(safe(t.id, "bold"))
        out.append(f": {n} pending proposal{'s' * (n != 1)} from a source: hstrack proposals {t.id}", style="yellow")
    return out


def _last_and_next(r: TitleReport) -> tuple[Assessed | None, Assessed | None]:
    """What the Last and Next columns show: for a cancelled title, the cancellation in
    Next (it is what happened instead) and the last milestone reached before it in Last."""
    if r.cancellation is None:
        return r.last, r.next
    before = [a for a in r.milestones if a.reached and a.kind != "cancelled"]
    return (before[-1] if before else None), r.cancellation


def _heading(r: TitleReport) -> Text:
    heading = safe(r.title.name, "bold")
    heading.append("  ")
    heading.append(r.phase, style=PHASE_STYLE.get(r.phase, ""))
    return heading


class TerminalRenderer:
    def __init__(self, now: datetime, console: Console | None = None) -> None:
        self.now = now
        self.console = console or Console(highlight=False, markup=False, emoji=False)

    def _print(self, *renderables: object) -> None:
        self.console.print(*renderables)

    def status(self, reports: list[TitleReport], filtered: bool = False) -> None:
        if not reports:
            empty = "No title matches these filters." if filtered else "No titles yet. Add one: hstrack add NAME"
            self._print(Text(empty, style="dim"))
            return
        if self.console.width < NARROW:
            for i, r in enumerate(reports):
                if i:
                    self._print()
                self._print(self._status_card(r))
            self._print(Text(f"as of {format_day(self.now.date())}", style="dim"))
            self._print_proposals(reports)
            return
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        # No minimum widths: Rich widens a column back to its minimum after fitting the
        # table to the terminal, and then crops rows (a countdown lost its last letters).
        table.add_column("Title · phase", overflow="fold")
        table.add_column("Last reached", overflow="fold")
        table.add_column("Next", overflow="fold")
        table.add_column("Release", overflow="fold")
        for r in reports:
            name = safe(r.title.name, "bold")
            name.append("\n")
            name.append_text(safe(r.title.id, "dim"))
            name.append("\n")
            name.append(r.phase, style=PHASE_STYLE.get(r.phase, ""))
            last, nxt = _last_and_next(r)
            ahead = _milestone_cell(nxt, "nothing ahead")
            table.add_row(name, _milestone_cell(last, "—"), ahead, _release_cell(r.release, r.release_place))
        self._print(table)
        self._print(Text(f"as of {format_day(self.now.date())}", style="dim"))
        self._print_proposals(reports)

    def _print_proposals(self, reports: list[TitleReport]) -> None:
        lines = _proposal_lines(reports)
        if lines is not None:
            self._print(lines)

    def status_chart(self, reports: list[TitleReport], filtered: bool = False) -> None:
        """Every title on one time axis, a row each."""
        if not reports:
            self.status(reports, filtered)
            return
        from hstrack.chart import slate_chart
        from hstrack.views.pictures import chart_renderable

        width = self.console.width
        chart = slate_chart(reports, self.now, width, format_day(self.now.date()))
        self._print(chart_renderable(chart, self.console))

    def _title_chart(self, report: TitleReport) -> Group:
        from hstrack.chart import title_chart
        from hstrack.views.pictures import chart_renderable

        width = self.console.width
        return chart_renderable(title_chart(report, self.now, width, format_day(self.now.date())), self.console)

    def timeline_chart(self, line: Timeline) -> None:
        if not line.rows:
            self._print(Group(_heading(line.report), Text(NO_MILESTONES, style="dim")))
            return
        self._print(Group(_heading(line.report), Text(), self._title_chart(line.report)))

    def calendar(self, cal: MonthCalendar) -> None:
        from hstrack.views.pictures import calendar_renderable

        self._print(calendar_renderable(cal, self.console))

    def _status_card(self, r: TitleReport) -> Text:
        """One title as stacked lines, for terminals too narrow for the table."""
        card = safe(r.title.name, "bold")
        card.append("  ")
        card.append(r.phase, style=PHASE_STYLE.get(r.phase, ""))
        card.append("\n  ")
        card.append_text(safe(r.title.id, "dim"))
        last, nxt = _last_and_next(r)
        for heading, a in (("last", last), ("next" if r.cancellation is None else "ended", nxt)):
            if a is None:
                continue
            card.append(f"\n  {heading}: {label(a.key)} · ")
            card.append_text(_when(a))
            if a.state != "tba":
                card.append(f" · {a.countdown}", style=STATE_STYLE[a.state])
        shown = {a.kind for a in (last, nxt) if a is not None}
        if r.release is not None and "release" not in shown:
            card.append(f"\n  release: {r.release_text}")
        return card

    def _timeline_lines(self, line: Timeline) -> Text:
        """The timeline as stacked lines, for terminals too narrow for its table."""
        out = Text()
        today = Text(f"▶ today · {format_day(self.now.date())}\n", style="bold reverse")
        for i, row in enumerate(line.rows):
            if i == line.today_index:
                out.append_text(today)
            a = row.item
            out.append(STATE_MARK[a.state] + " ", style=STATE_STYLE[a.state])
            out.append_text(_when(a))
            out.append(f"  {label(a.key)}", style="bold")
            out.append(f"\n    {a.countdown if a.state != 'tba' else 'date TBA'}", style=STATE_STYLE[a.state])
            if row.gap_text:
                out.append(f" ({row.gap_text})", style="dim")
            if a.milestone.source:
                out.append("\n    ")
                out.append_text(_source_text(a.milestone.source, a.milestone.origin))
            if a.milestone.note:
                out.append("\n    ")
                out.append_text(safe(a.milestone.note, "italic dim"))
            out.append("\n")
        if line.today_index >= len(line.rows):
            out.append_text(today)
        out.rstrip()
        return out

    def _timeline_table(self, line: Timeline) -> Table | Text:
        if self.console.width < NARROW:
            return self._timeline_lines(line)
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        table.add_column("", no_wrap=True)
        # No minimum widths: Rich widens a column back to its minimum after fitting the
        # table to the terminal, and then crops the row (a countdown lost its last letter).
        # The today row says "today" under When and the day under Milestone, so neither
        # wraps in a narrow column.
        today = (Text("today", style="bold reverse"), Text(format_day(self.now.date()), style="bold reverse"))
        table.add_column("When", max_width=24, overflow="fold")
        table.add_column("Milestone", overflow="fold")
        table.add_column("Gap", style="dim", overflow="fold")
        table.add_column("Countdown", overflow="fold")
        for i, row in enumerate(line.rows):
            if i == line.today_index:
                table.add_row(Text("▶", style="bold"), *today)
            a = row.item
            what = Text(label(a.key), style="bold")
            if a.milestone.source:
                what.append("\n")
                what.append_text(_source_text(a.milestone.source, a.milestone.origin))
            if a.milestone.note:
                what.append("\n")
                what.append_text(safe(a.milestone.note, "italic dim"))
            table.add_row(
                Text(STATE_MARK[a.state], style=STATE_STYLE[a.state]),
                _when(a),
                what,
                Text(row.gap_text),
                Text(a.countdown if a.state != "tba" else "date TBA", style=STATE_STYLE[a.state]),
            )
        if line.today_index >= len(line.rows):
            table.add_row(Text("▶", style="bold"), *today)
        return table

    def timeline(self, line: Timeline) -> None:
        if not line.rows:
            self._print(Group(_heading(line.report), Text(NO_MILESTONES, style="dim")))
            return
        self._print(Group(_heading(line.report), self._timeline_table(line)))

    def show(self, report: TitleReport, line: Timeline) -> None:
        t = report.title
        heading = _heading(report)
        facts = Table.grid(padding=(0, 2))
        facts.add_column(style="dim", no_wrap=True)
        facts.add_column()
        facts.add_row("id", safe(t.id))
        facts.add_row("kind", safe(t.kind))
        if t.platform:
            facts.add_row("platform", safe(t.platform))
        for role, names in t.credits.items():
            facts.add_row(safe(role.lower()), safe(", ".join(names)))
        facts.add_row("release", Text(report.release_text))
        if t.links:
            facts.add_row("linked", safe(", ".join(t.links)))
        if t.proposals:
            from hstrack.proposals import describe

            facts.add_row("proposed", safe("; ".join(describe(p) for p in t.proposals)))
        parts: list[object] = [heading, Padding(facts, (1, 0, 0, 0))]
        if t.synopsis:
            parts.append(Padding(safe(t.synopsis, "italic"), (1, 0, 0, 0)))
        if t.notes:
            parts.append(Padding(safe(t.notes), (1, 0, 0, 0)))
        if line.rows:
            parts.append(Padding(self._title_chart(report), (1, 0, 0, 0)))
            parts.append(Padding(self._timeline_table(line), (1, 0, 0, 0)))
        self._print(Group(*parts))  # type: ignore[arg-type]

    def countdown(self, c: Countdown) -> None:
        line = safe(c.report.title.name, "bold")
        line.append(" · ")
        line.append(inert(c.sentence))
        # One sentence is one line: a script reading it from a pipe must not get it broken
        # at 80 columns (a terminal wraps a long line by itself).
        self.console.print(line, soft_wrap=True)

    def history(self, report: TitleReport, rows: list[HistoryRow | EditRow]) -> None:
        if not rows:
            self._print(Group(safe(report.title.name, "bold"), Text("no changes recorded yet", style="dim")))
            return
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        table.add_column("Recorded", no_wrap=True, style="dim")
        table.add_column("Milestone")
        table.add_column("What changed", overflow="fold")
        for row in rows:
            when = Text(row.recorded.replace("T", " ")[:16])
            if isinstance(row, EditRow):  # a title's own field: named in italics, its values inert
                table.add_row(when, Text(row.what, style="italic"), safe(row.summary))
                continue
            summary = Text(row.summary)
            if row.change.origin:
                summary.append(" (sync)", style="dim")
            source = row.change.new.source if row.change.new else None
            if source:
                summary.append("\n")
                summary.append_text(_source_text(source, row.change.new.origin if row.change.new else None))
            table.add_row(when, Text(label(row.change.milestone)), summary)
        self._print(Group(safe(report.title.name, "bold"), table))

    def changes(self, items: list[FeedItem], since: datetime) -> None:
        if not items:
            self._print(Text(f"No changes recorded since {_moment(since)}.", style="dim"))
            return
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        table.add_column("Recorded", no_wrap=True, style="dim")
        table.add_column("Title", overflow="fold")
        table.add_column("Milestone")
        table.add_column("What changed", overflow="fold")
        for item in items:
            row = item.row
            if isinstance(row, EditRow):
                what, summary = Text(row.what, style="italic"), safe(row.summary)
            else:
                what, summary = Text(label(row.change.milestone)), Text(row.summary)
                source = row.change.new.source if row.change.new else None
                if source:
                    summary.append("\n")
                    summary.append_text(safe(source, "dim"))
            table.add_row(Text(row.recorded.replace("T", " ")[:16]), safe(item.report.title.name), what, summary)
        self._print(table)

    def upcoming(self, dated: list[Upcoming], tba: list[Upcoming], until: datetime) -> None:
        if not dated:
            self._print(Text(f"Nothing dated before {format_day(until.date())}.", style="dim"))
        else:
            table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
            table.add_column("When", max_width=24, overflow="fold")
            table.add_column("Title", overflow="fold")
            table.add_column("Milestone", overflow="fold")
            table.add_column("Countdown", overflow="fold")
            for u in dated:
                a = u.item
                table.add_row(
                    _when(a), safe(u.report.title.name, "bold"), Text(label(a.key)),
                    Text(a.countdown, style=STATE_STYLE[a.state]),
                )  # fmt: skip
            self._print(table)
        if tba:
            line = Text("Date TBA: ", style="dim")
            for i, u in enumerate(tba):
                if i:
                    line.append(", ", style="dim")
                line.append_text(safe(u.report.title.name))
                line.append(f" {label(u.item.key)}", style="dim")
            self._print(line)
