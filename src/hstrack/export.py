"""Export the store (or some titles) as JSON, iCalendar or CSV.

- JSON is the store's own format, so ``import`` of an export into an empty store and
  ``export`` again gives the same bytes.
- iCalendar is built with the ``icalendar`` library and is valid RFC 5545: a day is an
  all-day event; an instant a timed event in its zone (with the VTIMEZONE it needs); a
  wider window (month, quarter, season, half, year) an all-day event over the whole window
  with the precision in its summary, unless ``windows=False``; TBA is left out. UIDs are
  stable (``title.milestone@hstrack``, by the id the title was created with, so a rename
  keeps them) so a calendar re-importing the file updates events;
  SEQUENCE counts the date changes and DTSTAMP is the last one, so a changed date wins.
- CSV has one row per milestone with the JSON milestone fields.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

from hstrack import __version__
from hstrack.dates import format_day
from hstrack.errors import UsageError
from hstrack.model import Document, Milestone, Title, milestone_rank
from hstrack.regions import Places, admits
from hstrack.report import Assessed, label, report_title
from hstrack.store import dumps
from hstrack.text import inert
from hstrack.views.data import milestone as milestone_json

FORMATS = ("json", "ics", "csv")


def select(doc: Document, title_ids: list[str]) -> Document:
    """The chosen titles (all when none are named); unknown ids are a usage error."""
    if not title_ids:
        return doc
    chosen = {}
    for title_id in title_ids:
        chosen[title_id] = doc.get(title_id)
    return Document(titles=chosen, extra=doc.extra, read_schema=doc.read_schema)


def to_json(doc: Document) -> bytes:
    return dumps(doc)


def _placed(a: Assessed, places: Places) -> bool:
    return admits(places, a.milestone)


# ---------------------------------------------------------------------------- iCalendar


def _date_changes(title: Title, kind: str) -> list[datetime]:
    """When this milestone's date was set or changed, from the history."""
    return [datetime.fromisoformat(c.recorded) for c in title.history if c.milestone == kind and c.date_changed]


def _revision(
    title: Title, m: Milestone, cancel_changes: list[datetime], ended: Assessed | None, now: datetime
) -> tuple[int, datetime]:
    """SEQUENCE and DTSTAMP of a milestone's event. A calendar replaces an event only when
    SEQUENCE grows, so it must grow with every change a subscriber should see, and never
    shrink: each change of the milestone's date counts one; each change of the title's
    cancellation two, and the cancellation taking effect one, so that setting, moving or
    removing a cancellation always moves it forward whether or not it is yet in effect.
    DTSTAMP is the last of these."""
    own = _date_changes(title, m.key)
    if m.kind == "cancelled":
        stamps = own
        sequence = max(len(own) - 1, 0)
    else:
        stamps = own + cancel_changes
        sequence = max(len(own) - 1, 0) + 2 * len(cancel_changes) + (1 if ended is not None else 0)
        if ended is not None and ended.window is not None:
            effective = ended.date.at or datetime.combine(ended.window[0], datetime.min.time(), tzinfo=now.tzinfo)
            stamps = [*stamps, effective]
    utc = sorted(s.astimezone(UTC) for s in stamps)
    return sequence, utc[-1] if utc else now.astimezone(UTC)


def _summary(title: Title, m: Milestone, cancelled: bool) -> str:
    what = label(m.key)
    text = f"{inert(title.name)}: {what}"
    if not m.date.is_exact:
        text += f" ({m.date.text}, exact date not yet known)"
    if m.tentative:
        text += " (tentative)"
    if cancelled:
        text += " (cancelled: will not happen)"
    return text


def _description(m: Milestone, cancellation: Milestone | None) -> str:
    lines = [f"Precision: {m.date.precision.value} ({m.date.text})"]
    if m.date.earliest and m.date.latest and m.date.earliest != m.date.latest:
        lines.append(f"Window: {format_day(m.date.earliest)} to {format_day(m.date.latest)}")
    if m.tentative:
        lines.append("Tentative: a rumoured or estimated date")
    if cancellation is not None:
        lines.append(f"Cancelled: the title was cancelled ({cancellation.date.text}); this will not happen")
    if m.source:
        lines.append(f"Source: {inert(m.source)}")
    if m.note:
        lines.append(f"Note: {inert(m.note)}")
    lines.append("Tracked with hstrack")
    return "\n".join(lines)


def to_ics(doc: Document, now: datetime, windows: bool = True, places: Places = None) -> bytes:
    """One event per dated milestone. A milestone a cancellation overtook stays in the file
    as ``STATUS:CANCELLED`` with a higher SEQUENCE, so a calendar that subscribed to it
    learns it will not happen instead of keeping a stale event. Each milestone's SEQUENCE
    counts the changes of its own date and of the title's cancellation, so it only grows,
    and DTSTAMP is the last of them."""
    from icalendar import Calendar, Event  # lazy: only ICS export pays for it

    from hstrack.vtimezone import vtimezone

    cal = Calendar()
    cal.add("prodid", f"-//hstrack//hstrack {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "hstrack releases")
    zones: dict[str, list[int]] = {}
    events = []
    for title_id in sorted(doc.titles):
        title = doc.titles[title_id]
        report = report_title(title, now)
        cancellation = title.milestones.get("cancelled") if report.cancelled else None
        cancel_changes = _date_changes(title, "cancelled")
        for a in sorted(report.milestones, key=lambda a: (milestone_rank(a.kind), a.key)):
            m, spec = a.milestone, a.milestone.date
            if spec.is_tba or (not windows and not spec.is_exact) or not _placed(a, places):
                continue
            overtaken = a.state == "cancelled"
            event = Event()
            # The id the title was created with: a rename must update its events, not add more.
            # A placed release's key (release@GB:theatrical) goes in with dots: release.GB.theatrical.
            event.add("uid", f"{title.first_id}.{m.key.replace('@', '.').replace(':', '.')}@hstrack")
            event.add("summary", _summary(title, m, overtaken))
            if spec.at is not None:
                at = spec.at if spec.zone else spec.at.astimezone(UTC)  # fixed offsets go as UTC
                event.add("dtstart", at)
                if spec.zone:
                    zones.setdefault(spec.zone, []).append(at.year)
            else:
                assert spec.earliest is not None
                assert spec.latest is not None
                event.add("dtstart", spec.earliest)
                event.add("dtend", spec.latest + timedelta(days=1))  # DTEND is exclusive
            sequence, stamp = _revision(title, m, cancel_changes, report.cancellation if overtaken else None, now)
            event.add("dtstamp", stamp)
            event.add("sequence", sequence)
            event.add("status", "CANCELLED" if overtaken else "TENTATIVE" if m.tentative else "CONFIRMED")
            event.add("transp", "TRANSPARENT")  # a release does not make you busy
            event.add("categories", [m.kind])
            event.add("description", _description(m, cancellation if overtaken else None))
            if m.source and m.source.startswith(("https://", "http://")) and not any(c.isspace() for c in m.source):
                event.add("url", m.source)
            events.append(event)
    # Each zone's VTIMEZONE covers from the year before its first event to the year after
    # its last, so a calendar never has to guess the rules near an event.
    for key in sorted(zones):
        years = zones[key]
        first = datetime(min(years) - 1, 1, 1, tzinfo=UTC)
        last = datetime(min(max(years) + 2, 9999), 1, 1, tzinfo=UTC)
        cal.add_component(vtimezone(key, first, last))
    for event in events:
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data


# ---------------------------------------------------------------------------- CSV

CSV_FIELDS = (
    "title_id", "title_name", "kind", "text", "date", "precision", "earliest", "latest", "zone", "tentative",
    "source", "note", "state", "reached", "days_until_min", "days_until_max", "days_since", "edtf", "key",
    "region", "medium",
)  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any, text: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    cell = str(value)
    # A name such as "=HYPERLINK(...)" would run as a formula when a spreadsheet opens the
    # file (CSV injection); OWASP's advice is a leading apostrophe on such free text.
    if text and cell.startswith(_FORMULA_START):
        cell = "'" + cell
    return cell


def to_csv(doc: Document, now: datetime, places: Places = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for title_id in sorted(doc.titles):
        report = report_title(doc.titles[title_id], now)
        for a in report.milestones:
            if not _placed(a, places):
                continue
            data = milestone_json(a)
            days = data["days_until"] or {}
            row = {
                **data,
                "title_id": title_id,
                "title_name": report.title.name,
                "days_until_min": days.get("min"),
                "days_until_max": days.get("max"),
            }
            writer.writerow(_cell(row[f], text=f in ("title_name", "source", "note")) for f in CSV_FIELDS)
    return out.getvalue().encode("utf-8")


def export(doc: Document, fmt: str, now: datetime, windows: bool = True, places: Places = None) -> bytes:
    """``places``: (regions, media) to keep among releases and premieres (regions.wanted);
    the JSON format is the store's own and always whole."""
    if fmt == "json":
        return to_json(doc)
    if fmt == "ics":
        return to_ics(doc, now, windows, places)
    if fmt == "csv":
        return to_csv(doc, now, places)
    raise UsageError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
