"""How old what a title says is: when its facts were last confirmed, and whether ``status``
should mark it as wanting news.

A title's facts were last confirmed at the later of two moments: the last change recorded
in its history (a fact typed, or written by a sync) and the last sync that asked every
source it is linked to and heard back (``Title.synced``), which confirms them even when
nothing changed. A title with neither was never confirmed.

``status`` marks a title that is waiting on something nobody has told it about
(``watch``), in this order:

- ``due``: its next milestone's window has closed with no day recorded (due, unconfirmed);
- ``closing``: its next milestone's window is open and closes within ``CLOSING_DAYS`` with
  no day recorded: the day has probably been announced and missed, or it is slipping;
- ``stale``: its next milestone's window is open and the facts were last confirmed more than
  the stale span ago (``STALE_AFTER``, 90 days unless ``hstrack config stale`` says), or
  never. Ninety days because the windows a release is announced in are a quarter, a half
  or a year: a quarter with no news while the window is open is a quarter in which the day
  could have been set and missed, or the window quietly passed over; a shorter span would
  mark every title in a half-year window between two trade reports. A window ahead or a
  TBA date is not marked: no news is what they usually have.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from hstrack.core.dates.spec import format_day

if TYPE_CHECKING:
    from hstrack.core.model.title import Title
    from hstrack.core.report.titles import TitleReport

STALE_AFTER = "90d"  # a span as --due-within takes it: calendar days where the viewer is
CLOSING_DAYS = 14
WATCHES = ("due", "closing", "stale")


@dataclass(frozen=True)
class Confirmed:
    """When a title's facts were last confirmed (None: never), and how."""

    at: datetime | None
    by: str | None  # "change": a fact recorded; "sync": a sync that found no change
    what: str  # what confirmed them: "sync found no change on 2 Apr 2026", "last change: release, 10 Mar 2026"
    day: str | None = None  # the day in ``what``, never to be broken across lines


def last_confirmed(title: Title) -> Confirmed:
    from hstrack.core.references import SOURCE_NAMES
    from hstrack.core.report.assess import label

    change = title.history[-1] if title.history else None
    changed = datetime.fromisoformat(change.recorded) if change is not None else None
    synced = datetime.fromisoformat(title.synced) if title.synced else None
    if synced is not None and (changed is None or synced.astimezone(UTC) > changed.astimezone(UTC)):
        day = format_day(synced.date())
        return Confirmed(synced, "sync", f"sync found no change on {day}", day)
    if change is None or changed is None:
        return Confirmed(None, None, "no fact recorded, never synced")
    day = format_day(changed.date())
    by = f" by a {SOURCE_NAMES.get(change.origin, change.origin)} sync" if change.origin is not None else ""
    what = f"last change: {label(change.milestone)}{by}, {day}"
    return Confirmed(changed, "change", what, day)


def age_days(confirmed: Confirmed, now: datetime) -> int | None:
    """Whole days since the facts were confirmed, on the viewer's calendar."""
    if confirmed.at is None:
        return None
    return max((now.date() - confirmed.at.astimezone(now.tzinfo).date()).days, 0)


def describe(confirmed: Confirmed, now: datetime) -> str:
    """ "last confirmed 8 months ago (sync found no change on 2 Apr 2026)"."""
    from hstrack.core.text import ago

    days = age_days(confirmed, now)
    if days is None:
        return "never confirmed (no fact recorded, never synced)"
    return f"last confirmed {ago(days)} ({confirmed.what})"


def is_stale(confirmed: Confirmed, now: datetime, span: str = STALE_AFTER) -> bool:
    """Whether the facts were last confirmed longer than ``span`` ago (never counts)."""
    from hstrack.core.dates.spans import span_start

    return confirmed.at is None or confirmed.at.astimezone(UTC) < span_start(span, now).astimezone(UTC)


def watch(report: TitleReport, now: datetime, span: str = STALE_AFTER) -> str | None:
    """What ``status`` marks the title for: due, closing or stale (see above); else None."""
    nxt = report.next
    if nxt is None or report.cancellation is not None:
        return None
    if nxt.state == "due":
        return "due"
    if nxt.state != "open" or nxt.days_until is None:
        return None
    if nxt.days_until[1] <= CLOSING_DAYS:
        return "closing"
    return "stale" if is_stale(last_confirmed(report.title), now, span) else None


def mark(report: TitleReport, now: datetime, span: str = STALE_AFTER) -> str | None:
    """The words of ``status``'s mark: "no news for 8 months", "closes in 5 days, no day yet"."""
    from hstrack.core.text import until

    why = watch(report, now, span)
    if why is None or why == "due":  # a due milestone says so itself, wherever it is shown
        return None
    nxt = report.next
    assert nxt is not None
    assert nxt.days_until is not None
    if why == "closing":
        return f"window closes {until(nxt.days_until[1])}, no day yet"
    days = age_days(last_confirmed(report.title), now)
    return "no news recorded" if days is None else f"no news for {_length(days)}"


def _length(days: int) -> str:
    from hstrack.core.text import span

    return span(days)
