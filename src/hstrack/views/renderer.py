"""Renderers. The format is chosen once, at the top of a command (``choose``); every
command then calls the same methods on whichever renderer it got."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # types only: each command loads the parts of the report it uses
    from hstrack.core.feed import FeedItem
    from hstrack.core.report.history import EditRow, HistoryRow
    from hstrack.core.report.rows import Countdown, Timeline, Upcoming
    from hstrack.core.report.titles import TitleReport
    from hstrack.views.calendar import MonthCalendar


class Renderer(Protocol):
    stale: str  # how long an open window may go without news before status marks it (90d)

    def status(self, reports: list[TitleReport], filtered: bool = False) -> None: ...
    def show(self, report: TitleReport, line: Timeline) -> None: ...
    def timeline(self, line: Timeline) -> None: ...
    def countdown(self, c: Countdown) -> None: ...
    def history(self, report: TitleReport, rows: list[HistoryRow | EditRow]) -> None: ...
    def upcoming(self, dated: list[Upcoming], tba: list[Upcoming], until: datetime) -> None: ...
    def changes(self, items: list[FeedItem], since: datetime) -> None: ...
    def calendar(self, cal: MonthCalendar) -> None: ...


def choose(as_json: bool, now: datetime) -> Renderer:
    # Imported here so a JSON run never loads Rich.
    if as_json:
        from hstrack.views.data import JsonRenderer

        return JsonRenderer(now)
    from hstrack.views.terminal import TerminalRenderer

    return TerminalRenderer(now)
