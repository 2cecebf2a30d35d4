"""What every view shows, computed once from (document, now): the concept's public face.

The terminal view, the JSON view, the prompt cache, the calendar and the exports all
render these objects, so a countdown, a phase or an order is worked out in one place. The
parts: ``assess`` (one milestone at a moment), ``titles`` (a title's phase, last and next,
the slate's order), ``rows`` (timeline, countdown, upcoming) and ``history`` (the recorded
changes as people read them). The modules import each other by their own names, never
through this one.
"""

from hstrack.core.report.assess import CANCELLED, PHASES, Assessed, assess, is_today, label, time_key
from hstrack.core.report.history import (
    EditRow,
    HistoryRow,
    credits_summary,
    history,
    history_row,
    recorded_order,
    title_history,
)
from hstrack.core.report.rows import Countdown, Timeline, TimelineRow, Upcoming, countdown, timeline, upcoming
from hstrack.core.report.titles import TitleReport, for_viewer, phase_of, report_title, status_report

__all__ = [
    "CANCELLED", "PHASES", "Assessed", "Countdown", "EditRow", "HistoryRow", "Timeline", "TimelineRow",
    "TitleReport", "Upcoming", "assess", "countdown", "credits_summary", "for_viewer", "history", "history_row",
    "is_today", "label", "phase_of", "recorded_order", "report_title", "status_report", "time_key", "timeline",
    "title_history", "upcoming",
]  # fmt: skip
