"""Time never runs backwards in notify's record.

notify's record keeps the time of its last run (and of its baseline); everything it decides
is relative to them. One run with the clock wrong would otherwise move them for good: ahead,
and every change after is dropped as older than the window and leads sent early are never
sent at their time; behind, and a lead already sent (and pruned as past) is sent again.

- A run whose clock is more than ``AHEAD`` past the latest moment anything has seen (the
  store's newest history entry, the store file's modification time, the record's last
  run) is refused: nothing sent, the record untouched, exit 1, saying how to go on when
  the clock is right (``--trust-clock``, or any change to the store).
- A run whose clock is behind the record's last run (by more than ``SLACK``) sends no lead
  (every lead due by then was due at that later run, which dealt with it), sends the
  changes the record has not seen, and keeps the record's times and entries: it is
  reported, and moves nothing.
"""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from hstrack.core.feed import instant_of

if TYPE_CHECKING:
    from hstrack.core.model.document import Document
    from hstrack.notify.record import Record

AHEAD = timedelta(days=60)
SLACK = timedelta(minutes=5)


def latest_seen(doc: Document, store_path: os.PathLike[str] | str, record: Record | None) -> datetime | None:
    """The latest moment the store or the record vouches for."""
    moments = []
    for title in doc.titles.values():
        for change in title.history:
            moment = instant_of(change.recorded)
            if moment is not None:
                moments.append(moment)
    with contextlib.suppress(OSError, ValueError, OverflowError):
        moments.append(datetime.fromtimestamp(os.stat(store_path).st_mtime, UTC))
    if record is not None:
        moments.append(record.last_run)
    return max(moments) if moments else None


def ahead(now: datetime, latest: datetime | None) -> str | None:
    """Why ``now`` is not believed, or None."""
    if latest is None or now <= latest + AHEAD:
        return None
    days = (now - latest).days
    return (
        f"the clock says {now.isoformat(timespec='minutes')}, {days} days past the latest moment the store or "
        f"notify's record has seen ({latest.isoformat(timespec='minutes')}): nothing was sent and the record was not "
        "moved, so that one run with the clock set wrong cannot silence notify; if the clock is right, run "
        "hstrack notify --trust-clock once"
    )


def behind(now: datetime, record: Record | None) -> str | None:
    """What a run behind the record's last run is told, or None."""
    if record is None or now >= record.last_run - SLACK:
        return None
    return (
        f"the clock ({now.isoformat(timespec='minutes')}) is behind notify's last run "
        f"({record.last_run.isoformat(timespec='minutes')}): no lead is sent again, only changes the record has not "
        "seen, and the record keeps its times"
    )
