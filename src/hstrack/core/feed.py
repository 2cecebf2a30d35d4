"""`hstrack changes`: what changed across all titles, newest first.

The history of every title (its milestones' changes and its own fields' edits) in one
feed, from a moment on: what a person reads on Monday to see what the week brought, and
what a script reads to act on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from hstrack.core.report.history import EditRow, HistoryRow, title_history
from hstrack.core.report.titles import TitleReport, report_title

if TYPE_CHECKING:
    from hstrack.core.model.document import Document


@dataclass(frozen=True)
class FeedItem:
    report: TitleReport
    row: HistoryRow | EditRow

    @property
    def recorded(self) -> str:
        return self.row.recorded


def instant_of(recorded: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(recorded)
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo is not None else None


def change_feed(doc: Document, now: datetime, since: datetime, titles: set[str] | None = None) -> list[FeedItem]:
    """Every change recorded from ``since`` up to ``now`` (a change recorded after ``now``
    had not happened yet, as of then), newest first; changes recorded in the same second
    keep the order they were made in, newest first too."""
    start, end = since.astimezone(UTC), now.astimezone(UTC)
    found: list[tuple[datetime, str, int, FeedItem]] = []
    for title in doc.titles.values():
        if titles is not None and title.id not in titles:
            continue
        report: TitleReport | None = None
        for i, row in enumerate(title_history(title, now)):
            moment = instant_of(row.recorded)
            if moment is None or not start <= moment <= end:
                continue
            report = report or report_title(title, now)
            found.append((moment, title.id, i, FeedItem(report, row)))
    found.sort(key=lambda item: (item[0], item[1], item[2]), reverse=True)
    return [item for *_, item in found]
