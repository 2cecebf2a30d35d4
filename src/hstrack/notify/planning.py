"""`hstrack notify`: what is due to be told, told once, and the record of what was.

Two kinds of notification:

- a **lead**: a milestone known to the day (or to the moment) is a lead time away (the
  title's own lead times, else ``config leads``, else 7d, 1d and on the day); a drop time's
  "on the day" is its hour. A window (Q3 2026, autumn 2026) is told once, when it opens.
- a **change**: a history entry recorded since the last run that set, moved, firmed up or
  removed a date, marked it tentative or confirmed it, or cancelled the title, in the
  history's own words (so a sync's changes too).

Once, and again when it matters. The record (``store.json.notified``, beside the store)
keeps each lead sent under its title, milestone, lead time and the milestone's date as
stored, so a date that moves re-arms its leads and one that stays never repeats; and each
change sent under its title and a digest of the history entry, within a window of
``GRACE`` before the last run. The rules:

- Of the leads of one date that are due and not sent, only the latest is sent (a week's
  notice is not sent after the day's); it is ``late`` when it was due before today. A lead
  sent covers every earlier one of the same date.
- Nothing is told of a milestone that ended more than a day ago, of a milestone a
  cancellation overtook, or of a cancelled title's leads (the cancellation is a change).
- The first run records a baseline: the history before it is not news, and leads due
  before that day are not sent.
- A lead due before its date was recorded (after the baseline) is not sent: the change
  that recorded the date says it.
- Of releases and premieres in several places, the viewer's own (``report.for_viewer``)
  are followed, others only when lead times are set for them.

The record is read as untrusted input, written atomically while holding the store's lock,
and each run holds a lock of its own (``store.json.notified.lock``) from reading the record
to writing it, so two runs at once send each notification once.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hstrack.core.dates import span_start
from hstrack.core.errors import HstrackError, StoreError, UsageError
from hstrack.core.feed import instant_of
from hstrack.core.model import (
    ALL_MILESTONES,
    DEFAULT_LEADS,
    Change,
    Document,
    Title,
    check_lead,
    check_leads,
    resolve_key,
    shown,
)
from hstrack.core.report import CANCELLED, Assessed, TitleReport, history_row, label, recorded_order, report_title

if TYPE_CHECKING:
    from hstrack.core.regions import Preference
    from hstrack.store.store import Store

NOTIFICATION_SCHEMA = 1
RECORD_SCHEMA = 1
OPEN = "open"  # the one lead of a window: when it opens
GRACE = timedelta(days=30)  # how far before the last run a change may be recorded and still be news
LONG_PAST = timedelta(days=1)  # a milestone ended longer ago than this is not told of
KINDS = ("lead", "change")


class RecordError(StoreError):
    """The record of what was sent cannot be read or written: exit 1, nothing sent."""


class ChannelError(HstrackError):
    """A channel could not deliver a notification: it is not marked sent (exit 1)."""


@dataclass(frozen=True)
class Notification:
    """One thing to tell, as ``--exec`` gets it on stdin and ``--json`` lists it."""

    kind: str  # lead | change
    title_id: str
    title_name: str
    milestone: str  # the key: release, release@GB:theatrical
    date: str | None  # canonical, as the store keeps it; None: removed
    text: str | None  # the date as a person reads it
    tentative: bool
    lead: str | None  # 7d, 1d, 0d, 12h, or "open" (a window); None for a change
    late: bool  # it was due before today (a run was missed)
    due: datetime  # when it was due: the lead's moment, or when the change was recorded
    summary: str  # "release 3 Oct 2026 · in 7 days", "release moved 94 days later (…)"
    origin: str | None  # a change a sync made: wikidata, tmdb
    key: tuple[str, ...] = field(repr=False)  # what the record keeps it under

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": NOTIFICATION_SCHEMA,
            "kind": self.kind,
            "title": {"id": self.title_id, "name": self.title_name},
            "milestone": self.milestone,
            "date": self.date,
            "text": self.text,
            "tentative": self.tentative,
            "lead": self.lead,
            "late": self.late,
            "due": self.due.isoformat(timespec="seconds"),
            "summary": self.summary,
            "origin": self.origin,
        }

    @property
    def line(self) -> str:
        """What a person reads: "heartstopper-film: release 3 Oct 2026 · tomorrow"."""
        return f"{self.title_id}: {self.summary}" + (" (late)" if self.late else "")

    def encoded(self) -> bytes:
        """The notification as one line of JSON (UTF-8, keys sorted), what --exec reads. Text
        that is no UTF-8 at all (a lone surrogate, which the store refuses anyway) is written
        as JSON's \\u escapes instead: still exact, still one line."""
        data = self.to_json()
        try:
            return (json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        except UnicodeEncodeError:
            return (json.dumps(data, sort_keys=True) + "\n").encode("ascii")


# ---------------------------------------------------------------------------- lead times


def leads_for(title: Title, key: str, defaults: tuple[str, ...]) -> list[str]:
    """The lead times of one milestone: its own, else the title's, else the defaults."""
    if key in title.notify:
        return title.notify[key]
    if ALL_MILESTONES in title.notify:
        return title.notify[ALL_MILESTONES]
    return list(defaults)


def follows(title: Title, key: str, own: set[str]) -> bool:
    """Whether notify tells of a milestone at all: not when it (or its title) is off; of
    releases and premieres in several places, the viewer's own, and others only when lead
    times are set for them."""
    if key in title.notify:
        return bool(title.notify[key])
    if title.notify.get(ALL_MILESTONES) == []:
        return False
    return ("@" not in key and ":" not in key) or key in own


def set_leads(doc: Document, title_id: str, milestone: str | None, leads: list[str] | None) -> tuple[str, str]:
    """Set (a list), turn off ([]) or clear (None) the lead times of a title or one of its
    milestones. Returns the milestone's key (or ALL_MILESTONES) and what it now says."""
    title = doc.get(title_id)
    key = ALL_MILESTONES if milestone is None else _milestone_key(title, milestone)
    if leads is None:
        title.notify.pop(key, None)
    else:
        title.notify[key] = check_leads(leads)
    title.notify = dict(sorted(title.notify.items()))
    return key, describe_leads(title.notify.get(key))


def _milestone_key(title: Title, typed: str) -> str:
    """One of the title's milestones as a person names it: its key, or a shorter one that
    can mean only one (``release@US`` for ``release@US:theatrical``, ``release`` when the
    title has one release)."""
    key = resolve_key(typed, title.milestones)
    if key in title.milestones:
        return key
    from hstrack.core.regions import split_key

    kind, region, medium = split_key(key)
    near = [
        k
        for k, m in title.milestones.items()
        if m.kind == kind and region in (None, m.region) and medium in (None, m.medium)
    ]
    if len(near) == 1:
        return near[0]
    have = ", ".join(title.milestones) or "none"
    which = "say which" if near else "it has"
    raise UsageError(f"{title.id} has no milestone {key!r} ({which}: {', '.join(near) if near else have})")


def describe_leads(leads: list[str] | None) -> str:
    if leads is None:
        return "the default"
    return ",".join(leads) if leads else "off"


def default_leads(saved: dict[str, str]) -> tuple[str, ...]:
    """The lead times of a title with none of its own: ``hstrack config leads``, else 7d,1d,0d."""
    value = saved.get("leads")
    if value is None:
        return DEFAULT_LEADS
    return () if value == "off" else tuple(check_leads([value]))


def _start_of(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def _due(lead: str, anchor: datetime) -> datetime:
    return anchor if lead in (OPEN, "0d") else span_start(lead, anchor)


def _anchor(a: Assessed, tz: tzinfo) -> tuple[datetime, datetime] | None:
    """When a dated milestone happens (a day's start, a drop's moment, a window's opening)
    and when it is over; None for TBA."""
    if a.window is None:
        return None
    if a.date.at is not None:
        moment = a.date.at.astimezone(tz)
        return moment, moment
    return _start_of(a.window[0], tz), _start_of(a.window[1] + timedelta(days=1), tz)


def _leads_of(a: Assessed, leads: list[str]) -> list[str]:
    """A window is told once, when it opens; a day or a moment at each lead time."""
    if not leads:
        return []
    return list(leads) if a.date.is_exact else [OPEN]


def _dated_at(title: Title, key: str, a: Assessed) -> datetime | None:
    """When the milestone's current date was recorded (None: no entry says so)."""
    for change in reversed(recorded_order(title.history)):
        if change.milestone == key and change.date_changed:
            if change.new is not None and change.new.date == a.date:
                return instant_of(change.recorded)
            return None
    return None


# ---------------------------------------------------------------------------- the record


@dataclass
class Record:
    """What notify has sent, kept beside the store. ``leads``: (title, milestone, date)
    -> {lead: sent at}; ``changes``: (title, digest) -> (recorded, sent at; None for one
    taken as the baseline)."""

    baseline: datetime
    last_run: datetime
    leads: dict[tuple[str, str, str], dict[str, str]] = field(default_factory=dict)
    changes: dict[tuple[str, str], tuple[str, str | None]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        leads = [
            {"title": t, "milestone": m, "date": d, "lead": lead, "sent": sent}
            for (t, m, d), sent_leads in sorted(self.leads.items())
            for lead, sent in sorted(sent_leads.items())
        ]
        changes = [
            {"title": t, "digest": digest, "recorded": recorded, "sent": sent}
            for (t, digest), (recorded, sent) in sorted(self.changes.items())
        ]
        return {
            "schema": RECORD_SCHEMA,
            "baseline": self.baseline.isoformat(timespec="seconds"),
            "last_run": self.last_run.isoformat(timespec="seconds"),
            "leads": leads,
            "changes": changes,
            **{k: self.extra[k] for k in sorted(self.extra)},
        }


def record_path(store: Store) -> Path:
    return store.folder / f"{store.path.name}.notified"


def lock_path(store: Store) -> Path:
    return store.folder / f"{store.path.name}.notified.lock"


def read_record(path: Path) -> Record | None:
    """The record, or None before the first run. Anything but a record hstrack wrote is
    refused (exit 1): never reset silently, which would send everything again."""
    from hstrack.store.codec import decode_json
    from hstrack.store.files import read_regular

    try:
        raw = read_regular(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise RecordError(f"cannot read {path}: {exc.strerror}; nothing was sent") from None
    hint = f"; remove {path.name} to start again (the next run takes a new baseline)"
    if len(raw) > 64 * 1024 * 1024:
        raise RecordError(f"{path} is larger than a record of notifications can be{hint}")
    try:
        data = decode_json(raw, path, hint)
    except ValueError as exc:
        raise RecordError(str(exc)) from None
    try:
        return _record_from_json(data)
    except ValueError as exc:
        raise RecordError(f"{path} is not a record of notifications ({exc}){hint}") from None


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or len(value) > 200:
        raise ValueError(f"{what}: {shown(value)} is not text")
    return value


def _moment(value: Any, what: str) -> datetime:
    moment = instant_of(_text(value, what))
    if moment is None:
        raise ValueError(f"{what}: {shown(value)} is not an ISO 8601 time with an offset")
    return moment


def _record_from_json(data: Any) -> Record:
    if not isinstance(data, dict):
        raise ValueError("expected an object")
    schema = data.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        raise ValueError(f"schema: {shown(schema)}")
    if schema > RECORD_SCHEMA:
        raise ValueError(f"it was written by a newer hstrack (schema {schema}): upgrade hstrack")
    record = Record(_moment(data.get("baseline"), "baseline"), _moment(data.get("last_run"), "last_run"))
    for i, entry in enumerate(_list(data.get("leads"), "leads")):
        if not isinstance(entry, dict):
            raise ValueError(f"leads[{i}]: expected an object")
        where = f"leads[{i}]"
        lead = _text(entry.get("lead"), f"{where}.lead")
        if lead != OPEN and check_lead(lead) != lead:
            raise ValueError(f"{where}.lead: {shown(lead)}")
        _moment(entry.get("sent"), f"{where}.sent")
        key = tuple(_text(entry.get(k), f"{where}.{k}") for k in ("title", "milestone", "date"))
        record.leads.setdefault((key[0], key[1], key[2]), {})[lead] = entry["sent"]
    for i, entry in enumerate(_list(data.get("changes"), "changes")):
        if not isinstance(entry, dict):
            raise ValueError(f"changes[{i}]: expected an object")
        where = f"changes[{i}]"
        _moment(entry.get("recorded"), f"{where}.recorded")
        sent = entry.get("sent")
        if sent is not None:
            _moment(sent, f"{where}.sent")
        title, digest = _text(entry.get("title"), f"{where}.title"), _text(entry.get("digest"), f"{where}.digest")
        record.changes[(title, digest)] = (entry["recorded"], sent)
    record.extra = {k: v for k, v in data.items() if k not in ("schema", "baseline", "last_run", "leads", "changes")}
    return record


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(f"{what}: expected a list")
    return value


def write_record(record: Record, path: Path, store: Store) -> None:
    """Atomically, while holding the store's lock (whose holder sweeps temp files beside
    the store, so no other writer can take ours for a dead one's)."""
    from hstrack.store.codec import indented_json
    from hstrack.store.files import write_atomic

    text = indented_json(record.to_json()) + "\n"
    with store.locked():
        write_atomic(text.encode("utf-8"), path)


@contextlib.contextmanager
def running(store: Store) -> Iterator[None]:
    """One notify at a time per store, from reading the record to writing it; the store's
    own lock is taken only for each write, so a slow channel never holds up `set`."""
    from hstrack.store.locking import FileLock, LockTimeout, lock_timeout

    timeout = lock_timeout()
    path = lock_path(store)
    lock = FileLock(str(path), timeout=timeout)
    try:
        lock.acquire()
    except LockTimeout:
        raise RecordError(
            f"another hstrack notify is running: the lock {path} was held for more than {timeout:g} s; nothing was sent"
        ) from None
    except OSError as exc:
        raise RecordError(f"cannot lock {path}: {exc.strerror}; nothing was sent") from None
    try:
        yield
    finally:
        lock.release()


# ---------------------------------------------------------------------------- what is due


def _digest(change: Change) -> str:
    import hashlib

    text = json.dumps(change.to_json(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def _news(change: Change) -> bool:
    """A change a person wants to hear of: a date set, moved or removed, or its tentative
    flag (a source or a note alone is not news)."""
    if change.date_changed:
        return True
    return change.old is not None and change.new is not None and change.old.tentative != change.new.tentative


def _left_long_ago(change: Change, now: datetime) -> bool:
    """A change that leaves a date which ended more than a day ago (a milestone of the past
    filled in, a release long gone removed) is history, not news; a cancellation always is."""
    if change.milestone == CANCELLED:
        return False
    left = change.new if change.new is not None else change.old
    tz = now.tzinfo
    assert left is not None
    assert tz is not None
    window = left.date.local_window(tz)
    if window is None:
        return False
    end = left.date.at if left.date.at is not None else _start_of(window[1] + timedelta(days=1), tz)
    return end < now - LONG_PAST


@dataclass
class Plan:
    notifications: list[Notification]
    baseline: dict[tuple[str, str], str]  # the first run's changes, taken as already told
    quiet: dict[tuple[str, str], str]  # changes of what notify does not tell of: recorded, not sent
    first: bool


def plan(
    doc: Document,
    now: datetime,
    record: Record | None,
    defaults: tuple[str, ...] = DEFAULT_LEADS,
    pref: Preference | None = None,
) -> Plan:
    """What is due now and not yet sent, soonest due first."""
    tz = now.tzinfo
    assert tz is not None
    today = _start_of(now.date(), tz)
    baseline = record.baseline if record is not None else now
    found: list[Notification] = []
    taken: dict[tuple[str, str], str] = {}
    quiet: dict[tuple[str, str], str] = {}
    for title in doc.titles.values():
        report = report_title(title, now, pref=pref)
        own = {a.key for a in report.single}
        found += _due_leads(title, report, own, now, today, baseline, record, defaults)
        for change in title.history:
            moment = instant_of(change.recorded)
            if moment is None or moment > now or not _news(change):
                continue
            if record is None:
                if moment > now - GRACE:
                    taken[(title.first_id, _digest(change))] = change.recorded
                continue
            if moment <= record.last_run - GRACE:
                continue
            digest = _digest(change)
            if (title.first_id, digest) in record.changes:
                continue
            if not follows(title, change.milestone, own) or _left_long_ago(change, now):
                quiet[(title.first_id, digest)] = change.recorded  # never told, so never later either
                continue
            found.append(_change_notification(title, change, digest, moment, now, today))
    found.sort(key=lambda n: (n.due, n.title_id, KINDS.index(n.kind), n.milestone))
    return Plan(found, taken, quiet, record is None)


def _due_leads(
    title: Title,
    report: TitleReport,
    own: set[str],
    now: datetime,
    today: datetime,
    baseline: datetime,
    record: Record | None,
    defaults: tuple[str, ...],
) -> list[Notification]:
    assert now.tzinfo is not None
    found = []
    if report.cancelled:
        return []  # nothing of a cancelled title counts down, whatever its dates say
    for a in report.milestones:
        if a.kind == CANCELLED or a.state in (CANCELLED, "tba") or not follows(title, a.key, own):
            continue
        times = _anchor(a, now.tzinfo)
        leads = _leads_of(a, leads_for(title, a.key, defaults))
        if times is None or not leads or times[1] < now - LONG_PAST:
            continue
        due = [(lead, _due(lead, times[0])) for lead in leads]
        ready = [(lead, moment) for lead, moment in due if moment <= now]
        if not ready:
            continue
        lead, moment = max(ready, key=lambda pair: pair[1])
        canonical = a.date.canonical
        sent = record.leads.get((title.first_id, a.key, canonical), {}) if record is not None else {}
        if any(_due(other, times[0]) >= moment for other in sent):
            continue  # told already, at this lead or a later one
        if moment < _start_of(baseline.astimezone(now.tzinfo).date(), now.tzinfo):
            continue  # due before notify was first run
        dated = _dated_at(title, a.key, a)
        if dated is not None and dated > baseline and moment < dated:
            continue  # the date came after its lead time: the change that recorded it says so
        tentative = " (tentative)" if a.milestone.tentative else ""
        found.append(
            Notification(
                kind="lead",
                title_id=title.id,
                title_name=title.name,
                milestone=a.key,
                date=canonical,
                text=a.date.text,
                tentative=a.milestone.tentative,
                lead=lead,
                late=moment < today,
                due=moment,
                summary=f"{label(a.key)} {a.date.text}{tentative} · {a.countdown}",
                origin=None,
                key=("lead", title.first_id, a.key, canonical, lead),
            )
        )
    return found


def _change_notification(
    title: Title, change: Change, digest: str, moment: datetime, now: datetime, today: datetime
) -> Notification:
    assert now.tzinfo is not None
    left = change.new if change.new is not None else change.old
    assert left is not None
    return Notification(
        kind="change",
        title_id=title.id,
        title_name=title.name,
        milestone=change.milestone,
        date=change.new.date.canonical if change.new is not None else None,
        text=change.new.date.text if change.new is not None else None,
        tentative=change.new.tentative if change.new is not None else False,
        lead=None,
        late=moment < today,
        due=moment.astimezone(now.tzinfo),
        summary=history_row(change, now).summary,
        origin=change.origin,
        key=("change", title.first_id, digest, change.recorded),
    )


# ---------------------------------------------------------------------------- a run


def mark(record: Record, n: Notification, now: datetime) -> None:
    stamp = now.astimezone(UTC).isoformat(timespec="seconds")
    if n.kind == "lead":
        _, title, key, canonical, lead = n.key
        record.leads.setdefault((title, key, canonical), {})[lead] = stamp
    else:
        _, title, digest, recorded = n.key
        record.changes[(title, digest)] = (recorded, stamp)


def prune(record: Record, doc: Document, now: datetime) -> None:
    """Keep the record small: leads of dates a milestone still has and that are not long
    past (a moved date's entries go, which is what re-arms it); changes within the window."""
    assert now.tzinfo is not None
    current: dict[tuple[str, str, str], datetime | None] = {}
    for title in doc.titles.values():
        for m in title.milestones.values():
            spec = m.date
            window = spec.local_window(now.tzinfo)
            end = None
            if window is not None:
                end = spec.at if spec.at is not None else _start_of(window[1] + timedelta(days=1), now.tzinfo)
            current[(title.first_id, m.key, spec.canonical)] = end
    horizon = now - LONG_PAST
    record.leads = {
        key: sent
        for key, sent in record.leads.items()
        if key in current and ((end := current[key]) is None or end >= horizon)
    }
    oldest = record.last_run - GRACE
    record.changes = {
        key: value
        for key, value in record.changes.items()
        if (moment := instant_of(value[0])) is not None and moment > oldest
    }


@dataclass
class Outcome:
    sent: list[Notification]
    unsent: list[Notification]
    error: str | None
    first: bool  # the first run: it took the history so far as its baseline


def run(
    store: Store,
    now: datetime,
    send: Callable[[Notification], None],
    defaults: tuple[str, ...] = DEFAULT_LEADS,
    pref_for: Callable[[Document], Preference | None] = lambda doc: None,
    dry_run: bool = False,
) -> Outcome:
    """Work out what is due and send it, each marked in the record as soon as it was sent.
    A ChannelError stops the run: that notification and the ones after it stay unsent, to be
    tried again at the next run; those sent before it stay marked."""
    path = record_path(store)
    if dry_run:
        doc = store.read()
        due = plan(doc, now, read_record(path), defaults, pref_for(doc))
        return Outcome(due.notifications, [], None, due.first)
    with running(store):
        record = read_record(path)
        doc = store.read()
        due = plan(doc, now, record, defaults, pref_for(doc))
        if record is None:
            record = Record(baseline=now.astimezone(UTC), last_run=now.astimezone(UTC))
        for key, recorded in (due.baseline | due.quiet).items():
            record.changes[key] = (recorded, None)
        if due.first or due.quiet:
            write_record(record, path, store)
        sent: list[Notification] = []
        error = None
        for n in due.notifications:
            try:
                send(n)
            except ChannelError as exc:
                error = exc.message
                break
            sent.append(n)
            mark(record, n, now)
            write_record(record, path, store)
        record.last_run = max(record.last_run, now.astimezone(UTC))
        prune(record, doc, now)
        write_record(record, path, store)
    unsent = due.notifications[len(sent) :] if error is not None else []
    return Outcome(sent, unsent, error, due.first)
