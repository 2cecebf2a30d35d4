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
- Of releases and premieres in several places, those that apply to the viewer (in their
  region or worldwide: ``report.titles.applies``) are followed, others only when lead
  times are set for them.

The record and its locks are ``hstrack.notify.record``; lead times ``hstrack.notify.leads``;
how a notification reaches a person ``hstrack.notify.channels``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from hstrack.core.feed import instant_of
from hstrack.core.model.leads import DEFAULT_LEADS
from hstrack.core.report.assess import CANCELLED
from hstrack.core.report.history import history_row
from hstrack.core.report.titles import TitleReport, report_title
from hstrack.notify.leads import _anchor, _dated_at, _due, _leads_of, _start_of, follows, leads_for
from hstrack.notify.notification import KINDS, ChannelError, Notification
from hstrack.notify.record import Record, read_record, record_path, running, write_record

if TYPE_CHECKING:
    from hstrack.core.model.document import Document
    from hstrack.core.model.history import Change
    from hstrack.core.model.title import Title
    from hstrack.core.regions import Preference
    from hstrack.store.store import Store

GRACE = timedelta(days=30)  # how far before the last run a change may be recorded and still be news
LONG_PAST = timedelta(days=1)  # a milestone ended longer ago than this is not told of


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


def _first_ids(doc: Document) -> dict[str, list[str]]:
    """Each id a title was created with, and the uids of the titles created with it (an
    older record knew titles by it)."""
    found: dict[str, list[str]] = {}
    for title in doc.titles.values():
        renames = [e.old for e in title.edits if e.field == "id" and isinstance(e.old, str)]
        found.setdefault(renames[0] if renames else title.id, []).append(title.uid)
    return found


def plan(
    doc: Document,
    now: datetime,
    record: Record | None,
    defaults: tuple[str, ...] = DEFAULT_LEADS,
    pref: Preference | None = None,
    every_episode: bool = False,
) -> Plan:
    """What is due now and not yet sent, soonest due first."""
    tz = now.tzinfo
    assert tz is not None
    if record is not None:
        record.by_uid(_first_ids(doc))
    today = _start_of(now.date(), tz)
    baseline = record.baseline if record is not None else now
    found: list[Notification] = []
    taken: dict[tuple[str, str], str] = {}
    quiet: dict[tuple[str, str], str] = {}
    for title in doc.titles.values():
        report = report_title(title, now, pref=pref)
        own = {a.key for a in report.applicable}
        found += _due_leads(title, report, own, now, today, baseline, record, defaults, every_episode)
        for change in title.history:
            moment = instant_of(change.recorded)
            if moment is None or moment > now or not _news(change):
                continue
            if record is None:
                if moment > now - GRACE:
                    taken[(title.uid, _digest(change))] = change.recorded
                continue
            if moment <= record.last_run - GRACE:
                continue
            digest = _digest(change)
            if (title.uid, digest) in record.changes:
                continue
            if not follows(title, change.milestone, own, every_episode) or _left_long_ago(change, now):
                quiet[(title.uid, digest)] = change.recorded  # never told, so never later either
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
    every_episode: bool = False,
) -> list[Notification]:
    assert now.tzinfo is not None
    found = []
    if report.cancelled:
        return []  # nothing of a cancelled title counts down, whatever its dates say
    for a in report.milestones:
        if a.kind == CANCELLED or a.state in (CANCELLED, "tba") or not follows(title, a.key, own, every_episode):
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
        sent = record.leads.get((title.uid, a.key, canonical), {}) if record is not None else {}
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
                change=None,
                late=moment < today,
                due=moment,
                summary=f"{a.named} {a.date.text}{tentative} · {a.countdown}",
                origin=None,
                key=("lead", title.uid, a.key, canonical, lead),
            )
        )
    return found


def _change_notification(
    title: Title, change: Change, digest: str, moment: datetime, now: datetime, today: datetime
) -> Notification:
    assert now.tzinfo is not None
    left = change.new if change.new is not None else change.old
    assert left is not None
    row = history_row(change, now)
    return Notification(
        kind="change",
        title_id=title.id,
        title_name=title.name,
        milestone=change.milestone,
        date=change.new.date.canonical if change.new is not None else None,
        text=change.new.date.text if change.new is not None else None,
        tentative=change.new.tentative if change.new is not None else False,
        lead=None,
        change=row.movement,
        late=moment < today,
        due=moment.astimezone(now.tzinfo),
        summary=row.summary,
        origin=change.origin,
        key=("change", title.uid, digest, change.recorded),
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
            current[(title.uid, m.key, spec.canonical)] = end
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
    clock: str | None = None  # the run's clock was behind the record: what it did instead


def run(
    store: Store,
    now: datetime,
    send: Callable[[Notification], None],
    defaults: tuple[str, ...] = DEFAULT_LEADS,
    pref_for: Callable[[Document], Preference | None] = lambda doc: None,
    dry_run: bool = False,
    trust_clock: bool = False,
    every_episode: bool = False,
) -> Outcome:
    """Work out what is due and send it, each marked in the record as soon as it was sent.
    A ChannelError stops the run: that notification and the ones after it stay unsent, to be
    tried again at the next run; those sent before it stay marked. The clock is checked
    against the record and the store first (``hstrack.notify.clock``)."""
    path = record_path(store)
    if dry_run:
        record = read_record(path)
        doc = store.read()
        note = _clock(doc, now, record, store, trust_clock)
        due = plan(doc, now, record, defaults, pref_for(doc), every_episode)
        found = [n for n in due.notifications if note is None or n.kind != "lead"]
        return Outcome(found, [], None, due.first, note)
    with running(store):
        record = read_record(path)
        doc = store.read()
        note = _clock(doc, now, record, store, trust_clock)
        due = plan(doc, now, record, defaults, pref_for(doc), every_episode)
        if note is not None:  # behind the record: every lead due by now was dealt with then
            due.notifications = [n for n in due.notifications if n.kind != "lead"]
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
        if note is None:
            record.last_run = max(record.last_run, now.astimezone(UTC))
            prune(record, doc, now)
        write_record(record, path, store)
    unsent = due.notifications[len(sent) :] if error is not None else []
    return Outcome(sent, unsent, error, due.first, note)


def _clock(doc: Document, now: datetime, record: Record | None, store: Store, trust: bool) -> str | None:
    """A RecordError when the clock is far ahead of anything seen (unless trusted); the note
    for a run behind the record; None for a clock that agrees."""
    from hstrack.notify import clock
    from hstrack.notify.record import RecordError

    if not trust:
        why = clock.ahead(now, clock.latest_seen(doc, store.path, record))
        if why is not None:
            raise RecordError(why)
    return clock.behind(now, record)
