"""The record of what ``notify`` sent (``store.json.notified``, beside the store).

It keeps each lead sent under its title, milestone, lead time and the milestone's date as
stored, and each change sent under its title and a digest of the history entry. It is read
as untrusted input, written atomically while holding the store's lock, and each run holds
a lock of its own (``store.json.notified.lock``) from reading the record to writing it, so
two runs at once send each notification once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hstrack.core.errors import StoreError, UsageError
from hstrack.core.feed import instant_of
from hstrack.core.model.leads import check_lead
from hstrack.core.model.shape import shown
from hstrack.notify.notification import OPEN

if TYPE_CHECKING:
    from hstrack.store.store import Store

# 2: titles are known by their uid (hstrack.core.identity); 1 knew them by their first id,
# and is read by translating (``by_uid``).
RECORD_SCHEMA = 2


class RecordError(StoreError):
    """The record of what was sent cannot be read or written: exit 1, nothing sent."""


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
    read_schema: int = RECORD_SCHEMA

    def by_uid(self, first_ids: dict[str, list[str]]) -> None:
        """A schema-1 record keyed its titles by the id each was created with: key them by
        uid. An old key two titles share (one renamed, another added under its id) counts
        for both: what was sent stays sent, rather than sent again."""
        if self.read_schema >= 2:
            return
        leads: dict[tuple[str, str, str], dict[str, str]] = {}
        for (t, m, d), sent in self.leads.items():
            for uid in first_ids.get(t, [t]):
                leads.setdefault((uid, m, d), {}).update(sent)
        changes: dict[tuple[str, str], tuple[str, str | None]] = {}
        for (t, digest), value in self.changes.items():
            for uid in first_ids.get(t, [t]):
                changes[(uid, digest)] = value
        self.leads, self.changes, self.read_schema = leads, changes, RECORD_SCHEMA

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
    from hstrack.store.files import SIDECAR_LIMIT, read_regular, refusal

    hint = f"; remove {path.name} to start again (the next run takes a new baseline)"
    try:
        raw = read_regular(path, SIDECAR_LIMIT, follow=False)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise RecordError(f"cannot read {path}: {refusal(exc)}; nothing was sent{hint}") from None
    try:
        data = decode_json(raw, path, hint, what="a record of notifications")
    except ValueError as exc:
        raise RecordError(str(exc)) from None
    try:
        return _record_from_json(data)
    except (ValueError, UsageError) as exc:  # check_lead says "cannot read lead time" as to a person
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
    record.read_schema = schema
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
