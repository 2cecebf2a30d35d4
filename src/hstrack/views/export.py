"""Export the store (or some titles) as JSON, iCalendar or CSV.

- JSON is the store's own format, so ``import`` of an export into an empty store and
  ``export`` again gives the same bytes.
- iCalendar is valid RFC 5545, written as text a title at a time (the bytes icalendar
  wrote when each event was one of its objects, which took 0.5 GB and 10 s or more at
  10,000 titles; its VTIMEZONEs are still icalendar's): a day is an
  all-day event; an instant a timed event in its zone (with the VTIMEZONE it needs); a
  wider window (month, quarter, season, half, year) an all-day event over the whole window
  with the precision in its summary, unless ``windows=False``; TBA is left out. UIDs are
  stable (``UID.milestone@hstrack``, by the title's uid, which no rename changes and no
  other title shares) so a calendar re-importing the file updates events;
  SEQUENCE counts the date changes and DTSTAMP is the last one, so a changed date wins.
- CSV has one row per milestone with the JSON milestone fields.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from hstrack import __version__
from hstrack.core.dates.spec import format_day
from hstrack.core.errors import UsageError
from hstrack.core.kinds import milestone_rank
from hstrack.core.model.document import Document
from hstrack.core.regions import Places, admits
from hstrack.core.report.assess import Assessed, named
from hstrack.core.report.titles import report_title
from hstrack.core.text import inert
from hstrack.store.codec import dumps
from hstrack.views.data import milestone as milestone_json

if TYPE_CHECKING:
    from hstrack.core.model.milestone import Milestone
    from hstrack.core.model.title import Title
    from hstrack.views.ics_feed import Feed

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
    removing a cancellation always moves it forward whether or not it is yet in effect;
    each time one of its windows closed unconfirmed (the event turning tentative) one more.
    DTSTAMP is the last of these."""
    own = _date_changes(title, m.key)
    lapses = _lapses(title, m, now)
    if m.kind == "cancelled":
        stamps = own + lapses
        sequence = max(len(own) - 1, 0) + len(lapses)
    else:
        stamps = own + cancel_changes + lapses
        sequence = max(len(own) - 1, 0) + 2 * len(cancel_changes) + (1 if ended is not None else 0) + len(lapses)
        if ended is not None and ended.window is not None:
            effective = ended.date.at or datetime.combine(ended.window[0], datetime.min.time(), tzinfo=now.tzinfo)
            stamps = [*stamps, effective]
    utc = sorted(s.astimezone(UTC) for s in stamps)
    return sequence, utc[-1] if utc else now.astimezone(UTC)


def _lapses(title: Title, m: Milestone, now: datetime) -> list[datetime]:
    """The moments a date this milestone held became due, unconfirmed: a window (not a day,
    not of a kind reported after the fact) whose last day passed before the next date was
    recorded for it (or, for the date it holds, before now)."""
    from hstrack.core.report.assess import REPORTED

    if m.kind in REPORTED and not m.tentative:
        return []
    held = [(c.new, datetime.fromisoformat(c.recorded)) for c in title.history if c.milestone == m.key
            and c.date_changed]  # fmt: skip
    if not held or held[-1][0] is None or held[-1][0].date != m.date:
        held.append((m, now))  # a store edited by hand: what it holds counts from now
    out = []
    for (value, _), until in zip(held, [*(at for _, at in held[1:]), now], strict=True):
        spec = value.date if value is not None else None
        if spec is None or spec.is_exact or spec.latest is None:
            continue
        lapsed = datetime.combine(spec.latest + timedelta(days=1), datetime.min.time(), tzinfo=now.tzinfo)
        if lapsed <= until:
            out.append(lapsed)
    return out


def _summary(title: Title, m: Milestone, cancelled: bool, due: bool = False) -> str:
    what = named(m)
    text = f"{inert(title.name)}: {what}"
    if due:
        text += f" ({m.date.text}, due, unconfirmed: no day was recorded)"
    elif not m.date.is_exact:
        text += f" ({m.date.text}, exact date not yet known)"
    if m.tentative:
        text += " (tentative)"
    if cancelled:
        text += " (cancelled: will not happen)"
    return text


def _description(m: Milestone, cancellation: Milestone | None, due: bool = False) -> str:
    lines = [f"Precision: {m.date.precision.value} ({m.date.text})"]
    if m.date.earliest and m.date.latest and m.date.earliest != m.date.latest:
        lines.append(f"Window: {format_day(m.date.earliest)} to {format_day(m.date.latest)}")
    if due and m.date.latest:
        lines.append(f"Due, unconfirmed: the window ended {format_day(m.date.latest)} and no day was recorded")
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


def _exported(m: Milestone, windows: bool, places: Places, feed: Feed | None = None,
              now: datetime | None = None) -> bool:  # fmt: skip
    """Whether a milestone has an event: dated, known to the day unless windows are
    wanted, in the chosen places, and in the feed's choices. Both passes over the titles
    ask this one question."""
    spec = m.date
    if spec.is_tba or not (windows or spec.is_exact) or not admits(places, m):
        return False
    return feed is None or now is None or feed.keeps(m, now)


# RFC 5545 3.1: a content line SHOULD be folded to at most 75 octets. Lines are cut at 74,
# as icalendar cuts them, so the file is byte for byte what icalendar used to write.
FOLD_AT = 74
_CONTINUATION = 0x80  # 10xxxxxx: the inside of a multi-byte UTF-8 character
_ESCAPE_STARTS = (0x5C, 0x5E)  # "\\" and "^", which start an escape


def _fold(line: str) -> str:
    """A long content line folded (RFC 5545 3.1): CRLF and a space after each 74 octets.
    A fold never splits a UTF-8 character; a backslash or a caret that would end a line
    goes to the next one, as icalendar does for readers that unescape before unfolding
    (its issue 1501), so the bytes stay the ones it wrote."""
    raw = line.encode("utf-8")
    parts = []
    start = 0
    while len(raw) - start > FOLD_AT:
        cut = start + FOLD_AT
        while raw[cut] & 0xC0 == _CONTINUATION:
            cut -= 1
        if raw[cut - 1] in _ESCAPE_STARTS and cut - 1 > start:
            cut -= 1
        parts.append(raw[start:cut])
        start = cut
    parts.append(raw[start:])
    return b"\r\n ".join(parts).decode("utf-8")  # cut between characters, so it decodes


def _content_lines(lines: list[str]) -> bytes:
    """Content lines, each folded if it is longer than 74 octets and ended with CRLF,
    encoded at once: most are short, and a call per line was most of the cost."""
    return (
        "\r\n".join(
            [
                line
                if len(line) <= FOLD_AT and (line.isascii() or len(line.encode("utf-8")) <= FOLD_AT)
                else _fold(line)
                for line in lines
            ]
        )
        + "\r\n"
    ).encode("utf-8")


# Whitespace as str.isspace() sees it (the same set of characters), without a call per character.
_SPACE = re.compile(r"\s")


def _text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, every line
    break written as ``\\n``, so stored text can never end the line and start a property
    or a component of its own. (icalendar also turns a literal ``\\N`` into a line break
    first; a backslash is escaped here like any other, so ``\\N`` reads back as itself.)"""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _stamp(at: datetime) -> str:
    return f"{at.year:04}{at.month:02}{at.day:02}T{at.hour:02}{at.minute:02}{at.second:02}"


def _day(day: date) -> str:
    return f"{day.year:04}{day.month:02}{day.day:02}"


class _Starts:
    """How DTSTART is written for an instant in each zone, asked of icalendar once per
    zone: the TZID it names a zone by (or a ``Z`` for a zone it takes for UTC, such as
    Etc/UTC or Africa/Abidjan) is its decision, and the file stays the one it wrote."""

    def __init__(self) -> None:
        self.known: dict[tzinfo, tuple[str, str]] = {}

    def line(self, at: datetime) -> str:
        zone = at.tzinfo
        assert zone is not None
        if zone is UTC:
            return f"DTSTART:{_stamp(at)}Z"
        if zone not in self.known:
            from icalendar import vDDDTypes

            prop = vDDDTypes(at)
            params = prop.params.to_ical().decode("utf-8")
            self.known[zone] = (
                f"DTSTART;{params}:" if params else "DTSTART:",
                "Z" if prop.to_ical().endswith(b"Z") else "",
            )
        prefix, suffix = self.known[zone]
        return f"{prefix}{_stamp(at)}{suffix}"


def _events(title: Title, now: datetime, windows: bool, places: Places, starts: _Starts,
            feed: Feed | None = None) -> list[str]:  # fmt: skip
    """The content lines of a title's events, in icalendar's order of properties."""
    if feed is not None and not feed.keeps_title(title):
        return []
    report = report_title(title, now)
    cancellation = title.milestones.get("cancelled") if report.cancelled else None
    cancel_changes = _date_changes(title, "cancelled")
    lines: list[str] = []
    add = lines.append
    for a in sorted(report.milestones, key=lambda a: (milestone_rank(a.kind), a.key)):
        m, spec = a.milestone, a.milestone.date
        if not _exported(m, windows, places, feed, now):
            continue
        overtaken = a.state == "cancelled"
        due = a.state == "due"
        add("BEGIN:VEVENT")
        add(f"SUMMARY:{_text(_summary(title, m, overtaken, due))}")
        if spec.at is not None and feed is not None and feed.all_day:
            day = spec.at.astimezone(now.tzinfo).date()  # the instant's day where the viewer is
            add(f"DTSTART;VALUE=DATE:{_day(day)}")
            add(f"DTEND;VALUE=DATE:{_day(day + timedelta(days=1))}")
        elif spec.at is not None:
            add(starts.line(spec.at if spec.zone else spec.at.astimezone(UTC)))  # fixed offsets go as UTC
        else:
            assert spec.earliest is not None
            assert spec.latest is not None
            add(f"DTSTART;VALUE=DATE:{_day(spec.earliest)}")
            add(f"DTEND;VALUE=DATE:{_day(spec.latest + timedelta(days=1))}")  # DTEND is exclusive
        sequence, stamp = _revision(title, m, cancel_changes, report.cancellation if overtaken else None, now)
        add(f"DTSTAMP:{_stamp(stamp)}Z")
        # The title's uid: a rename must update its events, not add more, and two titles that
        # once had one id must not share events. A placed release's key (release@GB:theatrical)
        # goes in with dots: release.GB.theatrical.
        place = m.key.replace("@", ".").replace(":", ".")
        add(f"UID:{_text(f'{title.uid}.{place}@hstrack')}")
        add(f"SEQUENCE:{sequence}")
        add(f"CATEGORIES:{_text(m.kind)}")
        add(f"DESCRIPTION:{_text(_description(m, cancellation if overtaken else None, due))}")
        add(f"STATUS:{'CANCELLED' if overtaken else 'TENTATIVE' if m.tentative or due else 'CONFIRMED'}")
        add("TRANSP:TRANSPARENT")  # a release does not make you busy
        if m.source and m.source.startswith(("https://", "http://")) and not _SPACE.search(m.source):
            add(f"URL:{m.source}")  # a URI, not TEXT: written as it is (it holds no line break)
        add("END:VEVENT")
    return lines


def _zone_years(doc: Document, windows: bool, places: Places, feed: Feed | None = None,
                now: datetime | None = None) -> dict[str, tuple[int, int]]:  # fmt: skip
    """The first and last year of the exported instants in each named zone (none when
    every event is a day)."""
    years: dict[str, tuple[int, int]] = {}
    if feed is not None and feed.all_day:
        return years
    for title in doc.titles.values():
        if feed is not None and not feed.keeps_title(title):
            continue
        for m in title.milestones.values():
            spec = m.date
            if spec.zone and spec.at is not None and _exported(m, windows, places, feed, now):
                year = spec.at.year
                low, high = years.get(spec.zone, (year, year))
                years[spec.zone] = (min(low, year), max(high, year))
    return years


def ics_chunks(
    doc: Document, now: datetime, windows: bool = True, places: Places = None, feed: Feed | None = None
) -> Iterator[bytes]:
    """One event per dated milestone, as the bytes of the file in pieces: the calendar's
    head and time zones, then each title's events, then its end. A store of any size is
    written with the memory of one title's events, and in a fraction of the time the
    icalendar objects took; the VTIMEZONEs, a few per file, are still icalendar's.

    A milestone a cancellation overtook stays in the file as ``STATUS:CANCELLED`` with a
    higher SEQUENCE, so a calendar that subscribed to it learns it will not happen instead
    of keeping a stale event. Each milestone's SEQUENCE counts the changes of its own date
    and of the title's cancellation, so it only grows, and DTSTAMP is the last of them.
    ``feed``: what a subscribed feed holds (``views.ics_feed``)."""
    head = (
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{_text(f'-//hstrack//hstrack {__version__}//EN')}",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:hstrack releases",
    )
    yield _content_lines([*head, *(feed.head() if feed is not None else [])])
    # The VTIMEZONEs come before the events, so the zones are found in a first, light pass.
    # Each covers from the year before its first event to the year after its last, so a
    # calendar never has to guess the rules near an event.
    zones = _zone_years(doc, windows, places, feed, now)
    if zones:
        from hstrack.views.vtimezone import vtimezone  # lazy: icalendar, only for a file with zones

        for key in sorted(zones):
            low, high = zones[key]
            first = datetime(low - 1, 1, 1, tzinfo=UTC)
            last = datetime(min(high + 2, 9999), 1, 1, tzinfo=UTC)
            data: bytes = vtimezone(key, first, last).to_ical()
            yield data
    starts = _Starts()
    for title_id in sorted(doc.titles):
        lines = _events(doc.titles[title_id], now, windows, places, starts, feed)
        if lines:
            yield _content_lines(lines)
    yield b"END:VCALENDAR\r\n"


def to_ics(doc: Document, now: datetime, windows: bool = True, places: Places = None) -> bytes:
    return b"".join(ics_chunks(doc, now, windows, places))


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


def csv_chunks(doc: Document, now: datetime, places: Places = None) -> Iterator[bytes]:
    """The sheet in pieces: the header, then each title's rows."""
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
        if out.tell():
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    if out.tell():
        yield out.getvalue().encode("utf-8")


def to_csv(doc: Document, now: datetime, places: Places = None) -> bytes:
    return b"".join(csv_chunks(doc, now, places))


def export_chunks(
    doc: Document, fmt: str, now: datetime, windows: bool = True, places: Places = None, feed: Feed | None = None
) -> Iterator[bytes]:
    """The export as the bytes of the file in pieces, to be written as they come, so
    memory holds one title's part of an ICS or CSV file at a time, not the whole file.
    ``places``: (regions, media) to keep among releases and premieres (regions.wanted);
    the JSON format is the store's own and always whole, written a title at a time."""
    if fmt == "json":
        from hstrack.store.codec import dumps_pieces

        return dumps_pieces(doc)
    if fmt == "ics":
        return ics_chunks(doc, now, windows, places, feed)
    if fmt == "csv":
        return csv_chunks(doc, now, places)
    raise UsageError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")


def export(doc: Document, fmt: str, now: datetime, windows: bool = True, places: Places = None) -> bytes:
    """The whole export at once (see ``export_chunks``)."""
    return b"".join(export_chunks(doc, fmt, now, windows, places))
