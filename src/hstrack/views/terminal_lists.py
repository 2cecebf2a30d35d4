"""Lists of changes and dates on a terminal: a title's ``history``, the ``changes`` feed
across titles, and what is ``upcoming``."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text

from hstrack.core.dates.spec import format_day
from hstrack.core.report.assess import label
from hstrack.core.report.history import EditRow, HistoryRow
from hstrack.core.text import inert
from hstrack.views.layout import (
    ALWAYS,
    NEEDED,
    NEVER,
    Column,
    Para,
    Piece,
    Table,
    atom,
    chain,
    phrase,
    then,
    unbroken,
    words,
)
from hstrack.views.terminal_base import DETAIL, MORE, NARROW, TerminalBase, _countdown, _moment, _when, name, sourced

if TYPE_CHECKING:  # types only: a command loads the modules it runs
    from hstrack.core.feed import FeedItem  # only `changes` takes them
    from hstrack.core.report.rows import Upcoming
    from hstrack.core.report.titles import TitleReport


class ListView(TerminalBase):
    """``history``, ``changes`` and ``upcoming``."""

    @staticmethod
    def _change(row: HistoryRow | EditRow) -> tuple[Para, Para, list[Para]]:
        """What changed: the milestone (or the title's field, in italics), the summary, and
        the source the new date came with."""
        if isinstance(row, EditRow):  # a title's own field: its values are stored text
            return phrase(row.what, "italic"), words(inert(row.summary)), []
        change = row.change
        keep = [unbroken(m.date.text, m.date.at is not None) for m in (change.old, change.new) if m is not None]
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
                table.add([_when(a), name(u.report.title.name), phrase(a.named), _countdown(a)])
            lines = table.lines(self.width, self.glyphs)
        if lines is None:
            paras: list[tuple[Para, int, int]] = []
            for u in dated:
                a = u.item
                paras.append((name(u.report.title.name), 0, DETAIL))
                paras.append((chain(phrase(a.named), _when(a), _countdown(a)), DETAIL, MORE))
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
