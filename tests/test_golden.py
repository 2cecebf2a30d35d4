"""Golden renders of the terminal views at fixed widths, colour off (and a few in colour).

To accept a deliberate change of layout, run with HSTRACK_UPDATE_GOLDEN=1 and review the
diff of tests/golden/ like any other change.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console

from hstrack.core.feed import change_feed
from hstrack.core.model.document import Document
from hstrack.core.report.history import history
from hstrack.core.report.rows import Timeline, timeline, upcoming
from hstrack.core.report.titles import report_title, status_report
from hstrack.core.tracker import add_title, set_milestone
from hstrack.store.seed import seed_document
from hstrack.views.calendar import Month, month_calendar
from hstrack.views.terminal import TerminalRenderer

GOLDEN = Path(__file__).parent / "golden"
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=ZoneInfo("Europe/London"))
# The seed as of 10 June 2025 (release TBA) for the slate and the film's made-up history;
# the seed goldens show the seed as it is today.
EARLY = datetime(2025, 6, 10, 12, 0, tzinfo=ZoneInfo("Europe/London"))


def slate() -> Document:
    """Every precision, plus a tentative date, a long name and a cancelled title whose
    release will not come."""
    doc = seed_document(EARLY)
    recorded = datetime(2026, 6, 1, 9, 30, tzinfo=ZoneInfo("Europe/London"))
    rows = [
        ("Drop at an hour", "film", "release", "2026-12-04 08:00 Europe/London"),
        ("Next week", "series", "release", "2026-12-03"),
        ("Sometime this winter", "season", "release", "winter 2026"),
        ("Christmas month", "special", "release", "2026-12"),
        ("First quarter", "film", "release", "Q1 2027"),
        ("Second half", "film", "release", "H2 2027"),
        ("Just a year", "film", "release", "2028"),
        ("A rather long title that will need to wrap somewhere in narrow terminals", "film", "trailer", "2027-02"),
    ]
    for name, kind, milestone, when in rows:
        title = add_title(doc, name, kind=kind, platform="Netflix")
        set_milestone(doc, title.id, "announced", "2026-01", recorded)
        set_milestone(doc, title.id, milestone, when, recorded)
    add_title(doc, "Rumoured sequel", "rumoured-sequel", kind="film")
    set_milestone(doc, "rumoured-sequel", "production-start", "summer 2027", recorded, tentative=True)
    add_title(doc, "Untitled spin-off", "untitled-spin-off", kind="series")
    set_milestone(doc, "untitled-spin-off", "release", "TBA", recorded)
    add_title(doc, "Axed show", "axed-show", kind="series")
    set_milestone(doc, "axed-show", "production-start", "2025-03-01", recorded)
    set_milestone(doc, "axed-show", "release", "2027-05", recorded)
    set_milestone(doc, "axed-show", "cancelled", "2026-02-14", recorded)
    return doc


def film_with_history() -> Document:
    doc = seed_document(EARLY)
    for day, when in ((1, "autumn 2027"), (15, "2027-10-03"), (30, "2028-01-05")):
        recorded = datetime(2026, 6, day, 9, 30, tzinfo=ZoneInfo("Europe/London"))
        set_milestone(doc, "heartstopper-film", "release", when, recorded, source=f"https://example.org/{day}")
    set_milestone(
        doc,
        "heartstopper-film",
        "trailer",
        "2027-06-12 17:00 America/Los_Angeles",
        datetime(2026, 7, 1, 9, tzinfo=ZoneInfo("Europe/London")),
        tentative=True,
    )
    return doc


def render(width: int, draw: Callable[[TerminalRenderer], None], color: bool = False) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        color_system="standard" if color else None,
        force_terminal=color,
        highlight=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
    )
    draw(TerminalRenderer(NOW, console))
    return buffer.getvalue()


def film_timeline(doc: Document) -> Timeline:
    return timeline(report_title(doc.titles["heartstopper-film"], NOW))


CASES: dict[str, Callable[[TerminalRenderer], None]] = {
    "chart-film": lambda r: r.timeline_chart(film_timeline(seed_document())),
    "chart-film-history": lambda r: r.timeline_chart(film_timeline(film_with_history())),
    "gantt-seed": lambda r: r.status_chart(status_report(seed_document(), NOW)),
    "gantt-slate": lambda r: r.status_chart(status_report(slate(), NOW)),
    "calendar-slate": lambda r: r.calendar(month_calendar(status_report(slate(), NOW), NOW, Month(2026, 11), 3)),
    "calendar-seed-june-2025": lambda r: r.calendar(
        month_calendar(status_report(seed_document(), NOW), NOW, Month(2025, 6), 1)
    ),
    "status-seed": lambda r: r.status(status_report(seed_document(), NOW)),
    "status-slate": lambda r: r.status(status_report(slate(), NOW)),
    "timeline-film": lambda r: r.timeline(timeline(report_title(film_with_history().titles["heartstopper-film"], NOW))),
    "show-film": lambda r: r.show(
        report_title(seed_document().titles["heartstopper-film"], NOW),
        timeline(report_title(seed_document().titles["heartstopper-film"], NOW)),
    ),
    "upcoming-slate": lambda r: r.upcoming(
        *upcoming(status_report(slate(), NOW), NOW, NOW + timedelta(days=400)), NOW + timedelta(days=400)
    ),
    "changes-slate": lambda r: r.changes(change_feed(slate(), NOW, EARLY), EARLY),
    "history-film": lambda r: r.history(
        report_title(film_with_history().titles["heartstopper-film"], NOW),
        history(film_with_history().titles["heartstopper-film"], NOW),
    ),
}


def check(name: str, actual: str) -> None:
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("HSTRACK_UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run with HSTRACK_UPDATE_GOLDEN=1 to create it"
    assert actual == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("width", [40, 80, 120])
@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case: str, width: int) -> None:
    actual = render(width, CASES[case])
    assert all(len(line) <= width for line in actual.splitlines()), "a line overflows the width"
    assert "\x1b" not in actual
    check(f"{case}-{width}", actual)


@pytest.mark.parametrize(("case", "width"), [("status-slate", 100), ("gantt-slate", 100), ("chart-film", 80),
                                           ("calendar-slate", 80)])  # fmt: skip
def test_golden_in_colour(case: str, width: int) -> None:
    actual = render(width, CASES[case], color=True)
    assert "\x1b[" in actual
    check(f"{case}-{width}-colour", actual)
    # Colour only adds: without the escape codes it is the colourless render, glyph for glyph.
    assert re.sub("\x1b\\[[0-9;]*m", "", actual) == render(width, CASES[case])


def test_golden_calendar_below_28_columns() -> None:
    """Narrower than a month of four-column days: three-column days, today marked "<"."""
    actual = render(24, CASES["calendar-slate"])
    assert all(len(line) <= 24 for line in actual.splitlines())
    assert "27<" in actual
    check("calendar-slate-24", actual)
