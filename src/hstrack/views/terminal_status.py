"""The slate on a terminal: ``status`` as a table (or stacked cards when narrow), its
chart, and the month calendar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from hstrack.core.text import inert
from hstrack.views.layout import (
    Column,
    Para,
    Table,
    phrase,
    slug,
    then,
    words,
)
from hstrack.views.terminal_base import (
    DETAIL,
    MORE,
    NARROW,
    PHASE_STYLE,
    TerminalBase,
    _countdown,
    _heading,
    _labelled,
    _last_and_next,
    _milestone_cell,
    _release_cell,
    _when,
    name,
)

if TYPE_CHECKING:  # types only: a command loads the modules it runs
    from hstrack.core.report.assess import Assessed
    from hstrack.core.report.titles import TitleReport
    from hstrack.views.calendar import MonthCalendar


class StatusView(TerminalBase):
    """``status``, ``status --chart`` and ``calendar``."""

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
        from hstrack.core.report.freshness import mark

        for r in reports:
            title = [name(r.title.name), slug(inert(r.title.id), "dim"), slug(r.phase, PHASE_STYLE.get(r.phase, ""))]
            marked = mark(r, self.now, self.stale)
            if marked is not None:  # waiting on news nobody has given it
                title.append(phrase(f"! {marked}", "bold yellow"))
            last, nxt = _last_and_next(r)
            ahead = _milestone_cell(nxt, "nothing ahead")
            table.add([title, _milestone_cell(last, "—"), ahead, _release_cell(r.release, r.release_place)])
        return table

    def _status_card(self, r: TitleReport) -> list[tuple[Para, int, int]]:
        """One title as stacked lines, for terminals too narrow for the table."""
        from hstrack.core.report.freshness import mark

        card = [(_heading(r), 0, DETAIL), (slug(inert(r.title.id), "dim"), DETAIL, MORE)]
        marked = mark(r, self.now, self.stale)
        if marked is not None:
            card.append((phrase(f"! {marked}", "bold yellow"), DETAIL, MORE))
        last, nxt = _last_and_next(r)
        for heading, a in (("last", last), ("next" if r.cancellation is None else "ended", nxt)):
            if a is not None:
                card.append((self._milestone_line(heading, a), DETAIL, MORE))
        if r.release is not None and r.release not in (last, nxt):
            card.append((self._milestone_line("release", r.release, named=False, place=r.release_place), DETAIL, MORE))
        return card

    @staticmethod
    def _milestone_line(heading: str, a: Assessed, named: bool = True, place: str | None = None) -> Para:
        parts = [phrase(a.named)] if named else []
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

    def calendar(self, cal: MonthCalendar) -> None:
        from hstrack.views.pictures import calendar_renderable

        self._print(calendar_renderable(cal, self.console))

    # ------------------------------------------------------------------------ timeline
