"""The machine format: versioned JSON that stays the same whatever the terminal or locale.

Contract (documented in the README): every document carries ``"schema": 1`` and
``"now"``; every milestone object has the same fields wherever it appears. Fields are only
ever added within a schema version, never renamed or removed.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

import orjson

from hstrack.core.dates.edtf import to_edtf
from hstrack.core.report.history import EditRow, HistoryRow

if TYPE_CHECKING:  # types only: a command loads the modules it runs
    from hstrack.core.checks import Verdict  # only `check` has verdicts: status --json skips its two dataclasses
    from hstrack.core.feed import FeedItem  # only `changes` takes them
    from hstrack.core.model.history import Proposal
    from hstrack.core.model.title import Title
    from hstrack.core.report.assess import Assessed
    from hstrack.core.report.rows import Countdown, Timeline, Upcoming
    from hstrack.core.report.titles import TitleReport
    from hstrack.views.calendar import MonthCalendar

OUTPUT_SCHEMA = 1
# Titles encoded (and written) in one piece by a compact status.
_TITLES_AT_ONCE = 500

# json.dumps escapes C0 controls but, with ensure_ascii=False, leaves DEL, C1 controls and
# bidi overrides raw; a terminal that cats the output must not obey them either.
_RAW_CONTROLS = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(text: str) -> str:
    # Every character it escapes is outside ASCII but DEL, and a str knows whether it is
    # all ASCII without a scan: most output, a store's worth of it, is passed at no cost.
    if text.isascii() and "\x7f" not in text:
        return text
    return _RAW_CONTROLS.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def utf8_stdout() -> bool:
    encoding = (getattr(sys.stdout, "encoding", None) or "utf-8").lower().replace("-", "").replace("_", "")
    return encoding == "utf8"


# orjson renders these itself (a dataclass as an object, a datetime as a string, a str
# subclass as its value) where json raises or differs; passed through, they reach json.
_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS


def dumps(data: Any, pretty: bool = False) -> str:
    """``json.dumps(data, ensure_ascii=False)``, compact or indented by 2, byte for byte,
    through orjson, which is ten times faster. What the views produce (None, booleans,
    ints, strings, lists and dicts with string keys; never a float, which orjson spells
    differently: 1e-05 is its 0.00001) is rendered alike; anything orjson refuses (an
    int beyond 64 bits, a lone surrogate, a non-string key) goes to json itself."""
    try:
        return orjson.dumps(data, option=_ORJSON_OPTIONS | (orjson.OPT_INDENT_2 if pretty else 0)).decode()
    except orjson.JSONEncodeError:
        return json.dumps(data, indent=2 if pretty else None, separators=None if pretty else (",", ":"),
                          ensure_ascii=False)  # fmt: skip


def to_text(data: Any, pretty: bool | None = None, floatless: bool = False) -> str:
    """Indented on a terminal, for people; one compact line otherwise, for programs.
    ``floatless``: ``data`` holds no float (the views' documents: days and seconds are
    ints), so orjson may encode it (see :func:`dumps`); other callers' data keeps json."""
    if pretty is None:
        pretty = sys.stdout.isatty()
    if floatless and utf8_stdout():
        return _escape(dumps(data, pretty)) + "\n"
    # A stdout that cannot take UTF-8 (a Windows pipe, LANG=...ISO-8859-1) gets \\u escapes:
    # the same JSON, in ASCII, rather than a name with "?" in it.
    text = json.dumps(data, indent=2 if pretty else None, separators=None if pretty else (",", ":"),
                      ensure_ascii=not utf8_stdout())  # fmt: skip
    return _escape(text) + "\n"


def milestone(a: Assessed) -> dict[str, Any]:
    earliest, latest = a.date.window_iso
    days = None if a.days_until is None else {"min": a.days_until[0], "max": a.days_until[1]}
    data: dict[str, Any] = {
        "kind": a.kind,
        "text": a.date.text,
        "date": a.date.canonical,
        "precision": a.date.precision.value,
        "earliest": earliest,
        "latest": latest,
        "zone": a.date.zone,
        "tentative": a.milestone.tentative,
        "source": a.milestone.source,
        "note": a.milestone.note,
        "state": a.state,
        "reached": a.reached,
        "days_until": days,
        "days_since": a.days_since,
        "countdown": a.countdown,
        "edtf": to_edtf(a.date, a.milestone.tentative),
        "key": a.key,
        "region": a.milestone.region,
        "medium": a.milestone.medium,
        "origin": a.milestone.origin,
    }
    return data


def proposal(p: Proposal, t: Title) -> dict[str, Any]:
    """A pending proposal: the source's value for a milestone, beside what the title has."""
    current = t.milestones.get(p.milestone)
    return {
        "milestone": p.milestone,
        "origin": p.origin,
        "recorded": p.recorded,
        "date": p.new.date.canonical,
        "text": p.new.date.text,
        "tentative": p.new.tentative,
        "source": p.new.source,
        "note": p.new.note,
        "current": None if current is None else current.date.canonical,
    }


def _optional(a: Assessed | None) -> dict[str, Any] | None:
    return None if a is None else milestone(a)


def freshness(r: TitleReport, now: datetime, stale: str) -> dict[str, Any]:
    """When the title's facts were last confirmed, how, and what status marks it for."""
    from hstrack.core.report.freshness import last_confirmed, watch

    confirmed = last_confirmed(r.title)
    return {
        "last_confirmed": None if confirmed.at is None else confirmed.at.isoformat(timespec="seconds"),
        "confirmed_by": confirmed.by,
        "watch": watch(r, now, stale),
    }


def title(r: TitleReport, now: datetime, stale: str, details: bool = False) -> dict[str, Any]:
    t = r.title
    data: dict[str, Any] = {
        "id": t.id,
        "uid": t.uid,
        "name": t.name,
        "kind": t.kind,
        "platform": t.platform,
        "phase": r.phase,
        "milestones": [milestone(a) for a in r.milestones],
        "last": _optional(r.last),
        "next": _optional(r.next),
        "release": _optional(r.release),
        "release_place": r.release_place,
        "links": list(t.links),
        "proposals": [proposal(p, t) for p in t.proposals],
        **freshness(r, now, stale),
    }
    if details:
        data.update(synopsis=t.synopsis, notes=t.notes, credits=t.credits)
    return data


class _Objects:
    """The JSON objects of one document's milestones, built for a store's worth of them.

    A milestone's object is the same for every title but for its source, note and
    origin once its date (a store hands out one DateSpec per distinct date), where it
    stands from ``now``, its flag and its key are the same: so the first such milestone
    is worked out in full by :func:`milestone` and the rest copy it (a dict copy keeps
    the key order) and put in their own three. A title's last, next and release are
    objects of its milestone list already, and are reused as they are.
    """

    def __init__(self, now: datetime, stale: str) -> None:
        self._shapes: dict[tuple[Any, ...], tuple[Assessed, dict[str, Any]]] = {}
        self.now, self.stale = now, stale

    def milestone(self, a: Assessed) -> dict[str, Any]:
        m = a.milestone
        # Everything milestone() reads but the kind, key, region, medium, source, note and
        # origin, so two milestones on the same date, seen the same way, share every other
        # value (a synced film's releases in 24 places share few dates, but a store shares many).
        shape = (id(m.date), a.state, a.days_until, a.days_since, a.since, a.seconds_until, m.tentative)
        known = self._shapes.get(shape)
        # The first milestone of a shape is kept with its object, so its DateSpec's id
        # cannot be another's while the shape is remembered; checked all the same.
        if known is None or known[0].milestone.date is not m.date:
            data = milestone(a)
            self._shapes[shape] = (a, data)
            return data
        d = known[1]
        return {
            "kind": m.kind,
            "text": d["text"],
            "date": d["date"],
            "precision": d["precision"],
            "earliest": d["earliest"],
            "latest": d["latest"],
            "zone": d["zone"],
            "tentative": m.tentative,
            "source": m.source,
            "note": m.note,
            "state": d["state"],
            "reached": d["reached"],
            "days_until": d["days_until"],
            "days_since": d["days_since"],
            "countdown": d["countdown"],
            "edtf": d["edtf"],
            "key": a.key,
            "region": m.region,
            "medium": m.medium,
            "origin": m.origin,
        }

    def title(self, r: TitleReport) -> dict[str, Any]:
        """:func:`title` without details, the same object."""
        t, shown = r.title, r.milestones
        objects = [self.milestone(a) for a in shown]

        def same(a: Assessed | None) -> dict[str, Any] | None:
            if a is None:
                return None
            for b, data in zip(shown, objects, strict=True):
                if b is a:
                    return data
            return self.milestone(a)

        return {
            "id": t.id,
            "uid": t.uid,
            "name": t.name,
            "kind": t.kind,
            "platform": t.platform,
            "phase": r.phase,
            "milestones": objects,
            "last": same(r.last),
            "next": same(r.next),
            "release": same(r.release),
            "release_place": r.release_place,
            "links": list(t.links),
            "proposals": [proposal(p, t) for p in t.proposals],
            **freshness(r, self.now, self.stale),
        }


def _envelope(now: datetime, **body: Any) -> dict[str, Any]:
    return {"schema": OUTPUT_SCHEMA, "now": now.isoformat(timespec="seconds"), **body}


class JsonRenderer:
    """Only JSON on stdout, one document per command."""

    def __init__(self, now: datetime) -> None:
        from hstrack.core.report.freshness import STALE_AFTER

        self.now = now
        self.stale = STALE_AFTER  # the command sets the user's ``hstrack config stale``

    def _emit(self, data: dict[str, Any]) -> None:
        sys.stdout.write(to_text(data, floatless=True))

    def status(self, reports: list[TitleReport], filtered: bool = False) -> None:
        objects = _Objects(self.now, self.stale)
        if sys.stdout.isatty():
            self._emit(_envelope(self.now, titles=[objects.title(r) for r in reports]))
            return
        # Compact output is written a few hundred titles at a time: the same document, but
        # a 10,000-title status never holds its 30 MB of JSON as one string.
        head = to_text(_envelope(self.now), pretty=False, floatless=True)[:-2]  # without the closing "}\n"
        out = sys.stdout
        out.write(head + ',"titles":[')
        if utf8_stdout():
            for start in range(0, len(reports), _TITLES_AT_ONCE):
                part = [objects.title(r) for r in reports[start : start + _TITLES_AT_ONCE]]
                out.write(("," if start else "") + _escape(dumps(part)[1:-1]))
        else:
            for i, r in enumerate(reports):
                text = json.dumps(objects.title(r), ensure_ascii=True, separators=(",", ":"))
                out.write(("," if i else "") + _escape(text))
        out.write("]}\n")

    def show(self, report: TitleReport, line: Timeline) -> None:
        self._emit(_envelope(self.now, title=title(report, self.now, self.stale, details=True),
                             timeline=_timeline(line)))  # fmt: skip

    def timeline(self, line: Timeline) -> None:
        self._emit(_envelope(self.now, title=_ref(line.report), **_timeline(line)))

    def countdown(self, c: Countdown) -> None:
        seconds = c.target.seconds_until if c.target else None
        self._emit(
            _envelope(
                self.now,
                title=_ref(c.report),
                milestone=_optional(c.target),
                seconds_until=seconds,
                since=_optional(c.since),
                text=c.sentence,
            )
        )

    def history(self, report: TitleReport, rows: list[HistoryRow | EditRow]) -> None:
        # Milestone changes keep their list; a title's own edits are a list of their own,
        # so a reader of "history" sees only the shape it always had.
        changes = [_change(row) for row in rows if isinstance(row, HistoryRow)]
        edits = [_edit(row) for row in rows if isinstance(row, EditRow)]
        self._emit(_envelope(self.now, title=_ref(report), history=changes, edits=edits))

    def changes(self, items: list[FeedItem], since: datetime) -> None:
        keys = ("recorded", "milestone", "field", "old", "new", "shift_days", "summary", "origin")
        entries = []
        for item in items:
            row = item.row
            both = {"milestone": None, "field": None, "shift_days": None, "origin": None}
            both |= _edit(row) if isinstance(row, EditRow) else _change(row)
            entries.append({"title": _ref(item.report), **{key: both[key] for key in keys}})
        self._emit(_envelope(self.now, since=since.isoformat(timespec="seconds"), changes=entries))

    def check(self, report: TitleReport, verdicts: list[Verdict]) -> None:
        conditions = [{"condition": v.condition, "holds": v.holds, "reason": v.reason} for v in verdicts]
        self._emit(_envelope(self.now, title=_ref(report), holds=all(v.holds for v in verdicts), conditions=conditions))

    def upcoming(self, dated: list[Upcoming], tba: list[Upcoming], until: datetime) -> None:
        one = _Objects(self.now, self.stale).milestone
        self._emit(
            _envelope(
                self.now,
                until=until.isoformat(timespec="seconds"),
                upcoming=[{"title": _ref(u.report), "milestone": one(u.item)} for u in dated],
                tba=[{"title": _ref(u.report), "milestone": one(u.item)} for u in tba],
            )
        )

    def calendar(self, cal: MonthCalendar) -> None:
        one = _Objects(self.now, self.stale).milestone
        events = [
            {"title": _ref(e.report), "milestone": one(e.item), "first": e.first.isoformat(),
             "last": e.last.isoformat()}
            for e in cal.events
        ]  # fmt: skip
        self._emit(
            _envelope(
                self.now,
                months=[m.iso for m in cal.months],
                first=cal.first.isoformat(),
                last=cal.last.isoformat(),
                events=events,
            )
        )


def _ref(r: TitleReport) -> dict[str, Any]:
    return {"id": r.title.id, "name": r.title.name, "phase": r.phase}


def _timeline(line: Timeline) -> dict[str, Any]:
    rows = []
    for row in line.rows:
        item = milestone(row.item)
        item["gap_days"] = None if row.gap_days is None else {"min": row.gap_days[0], "max": row.gap_days[1]}
        rows.append(item)
    return {"milestones": rows, "today_index": line.today_index}


def _edit(row: EditRow) -> dict[str, Any]:
    e = row.edit
    return {"recorded": e.recorded, "field": e.field, "old": e.old, "new": e.new, "summary": row.summary}


def _change(row: HistoryRow) -> dict[str, Any]:
    shift = None if row.shift_days is None else {"earliest": row.shift_days[0], "latest": row.shift_days[1]}
    return {
        "recorded": row.change.recorded,
        "milestone": row.change.milestone,
        "old": _optional(row.old),
        "new": _optional(row.new),
        "shift_days": shift,
        "summary": row.summary,
        "origin": row.change.origin,
    }
