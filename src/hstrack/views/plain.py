"""``--plain``: one line per item, tab-separated, fixed columns, for cut and awk.

Columns never change order within schema 1 (new ones are only added at the end, before
the free-text name, which stays last). A missing value is ``-``. Stored text is made inert,
so a tab or newline inside a name cannot break a line into two records.
"""

from __future__ import annotations

import sys
from datetime import datetime
from typing import TYPE_CHECKING

from hstrack.core.report.history import EditRow
from hstrack.core.text import inert

if TYPE_CHECKING:  # types only: a command loads the modules it runs
    from hstrack.core.feed import FeedItem
    from hstrack.core.report.assess import Assessed
    from hstrack.core.report.rows import Upcoming
    from hstrack.core.report.titles import TitleReport

STATUS_COLUMNS = (
    "id", "phase", "next_milestone", "next_date", "next_days_min", "next_days_max", "release_date",
    "release_precision", "next_state", "last_confirmed", "watch", "name",
)  # fmt: skip
UPCOMING_COLUMNS = ("days_min", "days_max", "id", "milestone", "date", "precision", "state", "name")
# "what" is the milestone, or for an edit of the title itself the field ("name", "credits").
CHANGES_COLUMNS = ("recorded", "id", "what", "summary", "name")


def _field(value: object) -> str:
    return "-" if value is None or value == "" else inert(str(value))


def _line(values: list[object]) -> str:
    return "\t".join(_field(v) for v in values) + "\n"


def _days(a: Assessed | None, end: int) -> int | None:
    return None if a is None or a.days_until is None else a.days_until[end]


class PlainRenderer:
    def __init__(self, now: datetime, header: bool = False, stale: str = "90d") -> None:
        self.now, self.header, self.stale = now, header, stale

    def _emit(self, columns: tuple[str, ...], rows: list[list[object]]) -> None:
        out = [("\t".join(columns) + "\n")] if self.header else []
        out += [_line(row) for row in rows]
        sys.stdout.write("".join(out))

    def status(self, reports: list[TitleReport], filtered: bool = False) -> None:
        from hstrack.core.report.freshness import last_confirmed, watch

        rows: list[list[object]] = []
        for r in reports:
            n, rel = r.next, r.release
            confirmed = last_confirmed(r.title).at
            rows.append([
                r.title.id, r.phase, n.key if n else None, n.date.canonical if n else None, _days(n, 0), _days(n, 1),
                rel.date.canonical if rel else None, rel.date.precision.value if rel else None,
                n.state if n else None, confirmed.isoformat(timespec="seconds") if confirmed else None,
                watch(r, self.now, self.stale), r.title.name,
            ])  # fmt: skip
        self._emit(STATUS_COLUMNS, rows)

    def upcoming(self, dated: list[Upcoming], tba: list[Upcoming]) -> None:
        rows: list[list[object]] = []
        for u in [*dated, *tba]:
            a = u.item
            rows.append([
                _days(a, 0), _days(a, 1), u.report.title.id, a.key, a.date.canonical, a.date.precision.value,
                a.state, u.report.title.name,
            ])  # fmt: skip
        self._emit(UPCOMING_COLUMNS, rows)

    def changes(self, items: list[FeedItem], since: datetime) -> None:
        rows: list[list[object]] = []
        for item in items:
            row = item.row
            what = row.edit.field if isinstance(row, EditRow) else row.change.milestone
            rows.append([row.recorded, item.report.title.id, what, row.summary, item.report.title.name])
        self._emit(CHANGES_COLUMNS, rows)
