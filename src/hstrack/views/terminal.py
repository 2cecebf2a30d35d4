"""The view for people: tables on a terminal, plain text when piped or NO_COLOR.

Stored text is data: every string from the store goes through :func:`hstrack.core.text.inert`
and into a ``rich.text.Text`` object, never into markup, so ``[link=…]`` or an escape
sequence in a title's name prints literally.

The tables are laid out by :mod:`hstrack.views.layout`, each with the order in which its
columns give way; below ``NARROW`` columns, or when even their floors do not fit, each
row becomes a stacked block instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.text import Text

from hstrack.core.dates import format_day
from hstrack.core.report import Assessed, Countdown, EditRow, HistoryRow, Timeline, TitleReport, Upcoming, label
from hstrack.core.text import inert
from hstrack.views.layout import (
    ALWAYS,
    NEEDED,
    NEVER,
    Column,
    Glyphs,
    Para,
    Piece,
    Table,
    atom,
    block,
    chain,
    joined,
    phrase,
    slug,
    then,
    words,
    wrap,
)

if TYPE_CHECKING:  # charts and the calendar are loaded only by the commands that draw them
    from hstrack.core.feed import FeedItem  # only `changes` takes them
    from hstrack.views.calendar import MonthCalendar

PHASE_STYLE = {
    "rumoured": "magenta",
    "announced": "cyan",
    "in-production": "bold yellow",
    "post-production": "bold blue",
    "released": "bold green",
    "cancelled": "bold red",
}
# Below this width no table is drawn: every row is a stacked block instead.
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
NO_MILESTONES = "no milestones yet: hstrack set ID MILESTONE DATE"
# Stacked blocks: a block's first line at 0, its details at 2, their continuations at 4.
DETAIL, MORE = 2, 4


def name(value: str, style: str = "bold") -> Para:
    """A stored name, shown inert; it wraps between words."""
    return words(inert(value), style)


def sourced(source: str | None, origin: str | None) -> list[Para]:
    """A fact's source, and for a synced one the source it came from ("Wikidata: URL")."""
    if not source:
        return []
    if origin:
        from hstrack.core.references import SOURCE_NAMES

        source = f"{SOURCE_NAMES.get(origin, origin)}: {source}"  # a fixed name before stored text
    return stored(source, "dim")


def stored(value: str | None, style: str) -> list[Para]:
    """Stored free text (a source, a note, a synopsis), inert, one paragraph per line (a
    blank line stays one: empty paragraphs are dropped only under a table's row)."""
    return [words(inert(line), style) for line in value.strip("\n").split("\n")] if value else []


def _when(a: Assessed) -> Para:
    """A date is never broken: whole, or cut with "…"; "(tentative)" may go to the next line."""
    when = atom(a.date.text, "bold" if a.state != "tba" else "dim")
    if a.milestone.tentative:
        when = then(when, atom("(tentative)", "italic dim"))
    return when


def _countdown(a: Assessed) -> Para:
    return phrase(a.countdown if a.state != "tba" else "date TBA", STATE_STYLE[a.state])


def _milestone_cell(a: Assessed | None, empty: str) -> list[Para]:
    if a is None:
        return [phrase(empty, "dim")]
    cell = [phrase(label(a.key), STATE_STYLE[a.state]), _when(a)]
    if a.state != "tba":
        cell.append(_countdown(a))
    return cell


def _release_cell(a: Assessed | None, place: str | None = None) -> list[Para]:
    if a is None:
        return [phrase("not tracked", "dim")]
    cell = [_when(a), _countdown(a)] if a.state != "tba" else [_when(a)]
    if place is not None:  # which of several releases this is: "UK cinemas"
        cell.append(phrase(place, "dim"))
    return cell


def _last_and_next(r: TitleReport) -> tuple[Assessed | None, Assessed | None]:
    """What the Last and Next columns show: for a cancelled title, the cancellation in
    Next (it is what happened instead) and the last milestone reached before it in Last."""
    if r.cancellation is None:
        return r.last, r.next
    before = [a for a in r.milestones if a.reached and a.kind != "cancelled"]
    return (before[-1] if before else None), r.cancellation


def _heading(r: TitleReport) -> Para:
    return then(name(r.title.name), atom(r.phase, PHASE_STYLE.get(r.phase, "")), space=2)


def _dates(r: TitleReport) -> list[str]:
    """The dates a sentence about this title may name: never broken across lines."""
    return [a.date.text for a in r.milestones]


def _labelled(heading: str, *parts: Para) -> Para:
    """ "next: release · H2 2026 · window open, closes in 4 weeks": breaks after a "·"."""
    return then(atom(f"{heading}:"), chain(*parts), brk=NEEDED)


class TerminalRenderer:
    def __init__(self, now: datetime, console: Console | None = None) -> None:
        self.now = now
        self.console = console or Console(highlight=False, markup=False, emoji=False)
        # What this stream can encode decides the characters before anything is measured.
        self.glyphs = Glyphs(self.console.encoding)

    @property
    def width(self) -> int:
        return self.console.width

    def _print(self, *renderables: object) -> None:
        self.console.print(*renderables)

    @property
    def _plain(self) -> bool:
        """Whether what is printed is the lines' text and nothing else (no colour, no
        recording for --svg/--html, not a dumb terminal)."""
        c = self.console
        return c.color_system is None and not c.record and not c.is_dumb_terminal

    def _lines(self, lines: Sequence[Text | str]) -> None:
        """Lines laid out to the width already: printed as they are, never re-wrapped.
        Lines given as text (``Table.plain_lines``) come only when ``_plain``."""
        if not lines:
            return
        c = self.console
        if self._plain:
            # Without colour, Rich writes what the lines say and nothing else: their
            # text, written here at once. Printing them as one Text through Rich takes
            # as long as laying them out, for a 10,000-title status (2 s). A tab is
            # left to Rich, which expands it (stored text has none: it is shown inert).
            text = "\n".join([line if isinstance(line, str) else line.plain for line in lines])
            if "\t" not in text:
                c.file.write(text + "\n")
                return
        c.print(joined([Text(line) if isinstance(line, str) else line for line in lines]), soft_wrap=True)

    def _block(self, paras: list[tuple[Para, int, int]]) -> list[Text]:
        return block(paras, self.width, self.glyphs)

    def _under(self, para: Para, indent: int) -> tuple[Para, int, int]:
        """A source or note in a stacked block: at its indent, or at the left edge when
        that keeps a link whole."""
        para.prepare(self.glyphs)
        at = indent if para.needs()[2] <= self.width - indent else 0
        return para, at, at

    def _today(self) -> str:
        return format_day(self.now.date())

    # ------------------------------------------------------------------------ status

    def status(self, reports: list[TitleReport], filtered: bool = False) -> None:
        if not reports:
            empty = "No title matches these filters." if filtered else "No titles yet. Add one: hstrack add NAME"
            self._lines(self._block([(words(empty, "dim"), 0, 0)]))
            return
        # Without colour the table's lines are kept as text as they are made: a 10,000-row
        # table is 40,000 styled lines, about 40 MB, otherwise.
        rows: list[Text] | list[str] | None = None
        if self.width >= NARROW:
            table = self._status_table(reports)
            rows = table.plain_lines(self.width, self.glyphs) if self._plain else table.lines(self.width, self.glyphs)
        lines: list[Text] = []
        if rows is None:  # too narrow for the table: a card per title
            for i, r in enumerate(reports):
                if i:
                    lines.append(Text())
                lines.extend(self._block(self._status_card(r)))
        lines.extend(self._block([(words(f"as of {self._today()}", "dim"), 0, 0)]))
        # Under the status: the titles with proposals from a source waiting for you.
        for t in (r.title for r in reports if r.title.proposals):
            n = len(t.proposals)
            waiting = f"{n} pending proposal{'s' * (n != 1)} from a source: hstrack proposals {t.id}"
            lines.extend(
                self._block([(then(slug(inert(t.id) + ":", "bold"), words(inert(waiting), "yellow")), 0, DETAIL)])
            )
        self._lines([*(rows or []), *lines])

    def _status_table(self, reports: list[TitleReport]) -> Table:
        # Last reached gives way first; the name, the next milestone and the release last.
        columns = [
            Column("Title · phase", 10, comfort=16),
            Column("Last reached", 12),
            Column("Next", 10),
            Column("Release", 10),
        ]
        table = Table(columns, give_way=[[1], [0, 2, 3]], cuts=[1, 3, 2, 0], under_at=0)
        for r in reports:
            title = [name(r.title.name), slug(inert(r.title.id), "dim"), slug(r.phase, PHASE_STYLE.get(r.phase, ""))]
            last, nxt = _last_and_next(r)
            ahead = _milestone_cell(nxt, "nothing ahead")
            table.add([title, _milestone_cell(last, "—"), ahead, _release_cell(r.release, r.release_place)])
        return table

    def _status_card(self, r: TitleReport) -> list[tuple[Para, int, int]]:
        """One title as stacked lines, for terminals too narrow for the table."""
        card = [(_heading(r), 0, DETAIL), (slug(inert(r.title.id), "dim"), DETAIL, MORE)]
        last, nxt = _last_and_next(r)
        for heading, a in (("last", last), ("next" if r.cancellation is None else "ended", nxt)):
            if a is not None:
                card.append((self._milestone_line(heading, a), DETAIL, MORE))
        shown = {a.kind for a in (last, nxt) if a is not None}
        if r.release is not None and "release" not in shown:
            card.append((self._milestone_line("release", r.release, named=False, place=r.release_place), DETAIL, MORE))
        return card

    @staticmethod
    def _milestone_line(heading: str, a: Assessed, named: bool = True, place: str | None = None) -> Para:
        parts = [phrase(label(a.key))] if named else []
        parts.append(_when(a))
        if a.state != "tba":
            parts.append(_countdown(a))
        if place is not None:
            parts.append(phrase(place))
        return _labelled(heading, *parts)

    # ------------------------------------------------------------------------ pictures

    def status_chart(self, reports: list[TitleReport], filtered: bool = False) -> None:
        """Every title on one time axis, a row each."""
        if not reports:
            self.status(reports, filtered)
            return
        from hstrack.views.chart import slate_chart
        from hstrack.views.pictures import chart_renderable

        chart = slate_chart(reports, self.now, self.width, self._today())
        self._print(chart_renderable(chart, self.console))

    def _title_chart(self, report: TitleReport) -> Group:
        from hstrack.views.chart import title_chart
        from hstrack.views.pictures import chart_renderable

        return chart_renderable(title_chart(report, self.now, self.width, self._today()), self.console)

    def timeline_chart(self, line: Timeline) -> None:
        self._lines(self._block([(_heading(line.report), 0, DETAIL)]))
        if not line.rows:
            self._lines(self._block([(words(NO_MILESTONES, "dim"), 0, DETAIL)]))
            return
        self._print()
        self._print(self._title_chart(line.report))

    def calendar(self, cal: MonthCalendar) -> None:
        from hstrack.views.pictures import calendar_renderable

        self._print(calendar_renderable(cal, self.console))

    # ------------------------------------------------------------------------ timeline

    def _timeline_lines(self, line: Timeline) -> list[Text]:
        """The timeline as stacked lines, for terminals too narrow for its table."""
        paras: list[tuple[Para, int, int]] = []
        today = (self._today_marker(), 0, DETAIL)
        for i, row in enumerate(line.rows):
            if i == line.today_index:
                paras.append(today)
            a = row.item
            head = then(atom(STATE_MARK[a.state], STATE_STYLE[a.state]), _when(a))
            paras.append((then(head, phrase(label(a.key), "bold"), space=2), 0, MORE))
            when = _countdown(a)
            if row.gap_text:
                when = then(when, atom(f"({row.gap_text})", "dim"))
            paras.append((when, MORE, MORE + 2))
            for extra in [*sourced(a.milestone.source, a.milestone.origin), *stored(a.milestone.note, "italic dim")]:
                if extra:
                    paras.append(self._under(extra, MORE))
        if line.today_index >= len(line.rows):
            paras.append(today)
        return self._block(paras)

    def _today_marker(self) -> Para:
        return then(atom("▶", "bold"), atom(f"today {self._today()}", "bold reverse"))

    def _timeline_table(self, line: Timeline) -> list[Text]:
        if self.width < NARROW:
            return self._timeline_lines(line)
        # The gap gives way first, then the countdown; when it happened and what, last.
        columns = [Column("", 1), Column("When", 10), Column("Milestone", 10), Column("Gap", 6), Column("Countdown", 9)]
        table = Table(columns, give_way=[[3], [4], [1, 2]], cuts=[3, 4, 2, 1], under_at=1)
        for i, row in enumerate(line.rows):
            if i == line.today_index:
                table.add_line(self._today_marker())
            a = row.item
            cells = [
                atom(STATE_MARK[a.state], STATE_STYLE[a.state]),
                _when(a),
                phrase(label(a.key), "bold"),
                phrase(row.gap_text, "dim"),
                _countdown(a),
            ]
            # A source and a note are lines of their own under the row, as wide as it.
            table.add(
                cells, [*sourced(a.milestone.source, a.milestone.origin), *stored(a.milestone.note, "italic dim")]
            )
        if line.today_index >= len(line.rows):
            table.add_line(self._today_marker())
        lines = table.lines(self.width, self.glyphs)
        return lines if lines is not None else self._timeline_lines(line)

    def timeline(self, line: Timeline) -> None:
        lines = self._block([(_heading(line.report), 0, DETAIL)])
        if not line.rows:
            lines.extend(self._block([(words(NO_MILESTONES, "dim"), 0, DETAIL)]))
        else:
            lines.extend(self._timeline_table(line))
        self._lines(lines)

    # ------------------------------------------------------------------------ show

    def _facts(self, report: TitleReport) -> list[Text]:
        t = report.title
        release = report.release
        if release is None:
            release_para = phrase("not tracked")
        else:
            when = _when(release)
            when.pieces[0].style = "default"  # plain here, as the other facts are
            release_para = chain(when, phrase(release.countdown)) if release.state != "tba" else when
            if report.release_place is not None:
                release_para = chain(release_para, phrase(report.release_place))
        facts: list[tuple[str, Para]] = [("id", slug(inert(t.id))), ("kind", words(inert(t.kind)))]
        if t.platform:
            facts.append(("platform", words(inert(t.platform))))
        for role, names in t.credits.items():
            facts.append((inert(role.lower()), words(inert(", ".join(names)))))
        facts.append(("release", release_para))
        if t.links:
            facts.append(("linked", words(inert(", ".join(t.links)))))
        if t.proposals:
            from hstrack.core.proposals import describe

            facts.append(("proposed", words(inert("; ".join(describe(p) for p in t.proposals)))))
        if self.width < NARROW:  # stacked: "key: value", continued under the value
            return self._block([(then(words(key + ":", "dim"), value, brk=NEEDED), 0, DETAIL) for key, value in facts])
        # Two columns: the keys as wide as the longest, up to a third of the width.
        keys = [words(key, "dim").prepare(self.glyphs) for key, _ in facts]
        key_width = min(max(k.needs()[0] for k in keys), self.width // 3)
        lines = []
        for key, (_, value) in zip(keys, facts, strict=True):
            left = wrap(key, key_width, self.glyphs)
            right = wrap(value, self.width - key_width - 2, self.glyphs)
            for i in range(max(len(left), len(right))):
                line = Text()
                if i < len(left):
                    line.append_text(left[i])
                if i < len(right):
                    line.pad_right(key_width + 2 - line.cell_len)
                    line.append_text(right[i])
                lines.append(line)
        return lines

    def show(self, report: TitleReport, line: Timeline) -> None:
        t = report.title
        lines = self._block([(_heading(report), 0, DETAIL)])
        lines.append(Text())
        lines.extend(self._facts(report))
        for text, style in ((t.synopsis, "italic"), (t.notes, "")):
            if text:
                lines.append(Text())
                lines.extend(self._block([(p, 0, 0) for p in stored(text, style)]))
        self._lines(lines)
        if line.rows:
            self._print()
            self._print(self._title_chart(report))
            self._print()
            self._lines(self._timeline_table(line))

    # ------------------------------------------------------------------------ countdown

    def countdown(self, c: Countdown) -> None:
        from hstrack.views.line import countdown_sentence

        sentence = countdown_sentence(c)
        if self.console.is_terminal:  # a terminal gets it broken between words, not by itself
            self._lines(self._block([(sentence, 0, DETAIL)]))
            return
        # One sentence is one line: a script reading it from a pipe must not get it broken
        # at 80 columns. (The countdown command prints this line without Rich when it can:
        # views.line.print_countdown.)
        line = Text()
        for i, p in enumerate(sentence.prepare(self.glyphs).pieces):
            if i:
                line.append(" " * p.space)
            line.append(p.text, p.style)
        self.console.print(line, soft_wrap=True)

    # ------------------------------------------------------------------------ history

    @staticmethod
    def _change(row: HistoryRow | EditRow) -> tuple[Para, Para, list[Para]]:
        """What changed: the milestone (or the title's field, in italics), the summary, and
        the source the new date came with."""
        if isinstance(row, EditRow):  # a title's own field: its values are stored text
            return phrase(row.what, "italic"), words(inert(row.summary)), []
        change = row.change
        keep = [m.date.text for m in (change.old, change.new) if m is not None]
        source = change.new.source if change.new else None
        origin = change.new.origin if change.new else None
        summary = words(row.summary + (" (sync)" if change.origin else ""), keep=keep)
        return phrase(label(change.milestone)), summary, sourced(source, origin)

    @staticmethod
    def _recorded(row: HistoryRow | EditRow) -> Para:
        return atom(row.recorded.replace("T", " ")[:16], "dim")  # a time, never broken

    def history(self, report: TitleReport, rows: list[HistoryRow | EditRow]) -> None:
        lines = self._block([(name(report.title.name), 0, DETAIL)])
        if not rows:
            lines.extend(self._block([(words("no changes recorded yet", "dim"), 0, DETAIL)]))
            self._lines(lines)
            return
        table_lines = None
        if self.width >= NARROW:
            # The milestone gives way first, then the time; what changed is needed most.
            columns = [Column("Recorded", 16), Column("Milestone", 10), Column("What changed", 16, comfort=24)]
            table = Table(columns, give_way=[[1], [0, 2]], cuts=[1, 0, 2], under_at=2)
            for row in rows:
                what, summary, under = self._change(row)
                table.add([self._recorded(row), what, summary], under)
            table_lines = table.lines(self.width, self.glyphs)
        if table_lines is None:
            table_lines = self._block(self._change_blocks([(row, None) for row in rows]))
        self._lines(lines + table_lines)

    def _change_blocks(self, rows: list[tuple[HistoryRow | EditRow, str | None]]) -> list[tuple[Para, int, int]]:
        """Changes stacked: when, (whose,) what; then the summary and the source under it."""
        paras: list[tuple[Para, int, int]] = []
        for row, title in rows:
            what, summary, under = self._change(row)
            head = chain(self._recorded(row), name(title) if title is not None else Para(), what)
            paras.append((head, 0, DETAIL))
            paras.append((summary, DETAIL, DETAIL))
            paras.extend(self._under(u, DETAIL) for u in under if u)
        return paras

    def changes(self, items: list[FeedItem], since: datetime) -> None:
        if not items:
            self._lines(self._block([(words(f"No changes recorded since {_moment(since)}.", "dim"), 0, DETAIL)]))
            return
        lines = None
        if self.width >= NARROW:
            columns = [
                Column("Recorded", 16),
                Column("Title", 10, comfort=16),
                Column("Milestone", 10),
                Column("What changed", 16, comfort=24),
            ]
            table = Table(columns, give_way=[[2], [0, 1, 3]], cuts=[2, 0, 1, 3], under_at=3)
            for item in items:
                what, summary, under = self._change(item.row)
                table.add([self._recorded(item.row), name(item.report.title.name, ""), what, summary], under)
            lines = table.lines(self.width, self.glyphs)
        if lines is None:
            lines = self._block(self._change_blocks([(item.row, item.report.title.name) for item in items]))
        self._lines(lines)

    # ------------------------------------------------------------------------ upcoming

    def upcoming(self, dated: list[Upcoming], tba: list[Upcoming], until: datetime) -> None:
        lines: list[Text] | None = None
        if not dated:
            lines = self._block([(words(f"Nothing dated before {format_day(until.date())}.", "dim"), 0, DETAIL)])
        elif self.width >= NARROW:
            # The milestone gives way first, then the countdown; the date and the title last.
            columns = [
                Column("When", 10),
                Column("Title", 10, comfort=16),
                Column("Milestone", 10),
                Column("Countdown", 9),
            ]
            # A long date is cut before a name is folded in the middle of a word.
            table = Table(columns, give_way=[[2], [3], [0, 1]], cuts=[2, 3, 0, 1], under_at=1)
            for u in dated:
                a = u.item
                table.add([_when(a), name(u.report.title.name), phrase(label(a.key)), _countdown(a)])
            lines = table.lines(self.width, self.glyphs)
        if lines is None:
            paras: list[tuple[Para, int, int]] = []
            for u in dated:
                a = u.item
                paras.append((name(u.report.title.name), 0, DETAIL))
                paras.append((chain(phrase(label(a.key)), _when(a), _countdown(a)), DETAIL, MORE))
            lines = self._block(paras)
        if tba:
            line = atom("Date TBA:", "dim")
            for i, u in enumerate(tba):
                entry = then(name(u.report.title.name, ""), phrase(label(u.item.key), "dim"), brk=NEEDED)
                if i < len(tba) - 1:
                    entry.pieces.append(Piece(",", "dim", NEVER, 0, fold=True))
                line = then(line, entry, brk=NEEDED if i == 0 else ALWAYS)
            lines.extend(self._block([(line, 0, DETAIL)]))
        self._lines(lines)


def _moment(at: datetime) -> str:
    """A moment as a person reads it: the day, and the time unless it is midnight."""
    day = format_day(at.date())
    return day if (at.hour, at.minute) == (0, 0) else f"{day} {at:%H:%M}"
