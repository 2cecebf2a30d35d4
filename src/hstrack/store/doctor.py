"""``hstrack doctor``: look at the store, its backups and its folder, and say what is found.

It never changes anything unless asked to ``--restore``, and then only by putting back
the newest backup that reads cleanly, with the damaged file kept beside it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hstrack.core.errors import StoreError
from hstrack.core.model.document import OLDEST_CURRENT, SCHEMA_VERSION
from hstrack.store.codec import parse_bytes
from hstrack.store.files import refusal, sha256

if TYPE_CHECKING:
    from hstrack.store.store import Store
    from hstrack.store.versions import Version


@dataclass(frozen=True)
class Finding:
    level: str  # ok | warning | error
    message: str


@dataclass
class Checkup:
    store: Store
    findings: list[Finding] = field(default_factory=list)
    healthy: bool = True
    good_backup: Version | None = None

    def add(self, level: str, message: str) -> None:
        self.findings.append(Finding(level, message))
        if level == "error":
            self.healthy = False


def examine(store: Store, more: Iterable[Callable[[Store, Checkup], None]] = ()) -> Checkup:
    """What is found, in order: the store, then (when it reads) the ``more`` checks of the
    layers above (sharing's, say: the store does not know git), its backups, its folder."""
    checkup = Checkup(store)
    if _check_store(store, checkup):
        for check in more:
            check(store, checkup)
    _check_backups(store, checkup)
    _check_folder(store, checkup)
    return checkup


def _check_store(store: Store, checkup: Checkup) -> bool:
    """True when the store reads cleanly."""
    if not store.path.exists():
        if store.versions() or store.recovered():
            checkup.add("error", f"{store.given} is missing, but backups exist: hstrack doctor --restore")
        else:
            checkup.add("ok", f"no store yet at {store.given}; the first command creates one")
        return False
    try:
        raw = store.read_raw(hint="; hstrack doctor --restore moves it aside and puts back the newest good backup")
        doc = parse_bytes(raw, store.given, hint="")
    except StoreError as exc:
        checkup.add("error", exc.message)
        return False
    milestones = sum(len(t.milestones) for t in doc.titles.values())
    checkup.add("ok", f"{store.given} reads cleanly: {len(doc.titles)} titles, {milestones} milestones")
    pinned = doc.titles.get(doc.pin_title) if doc.pin_title else None
    if doc.pin_title and (pinned is None or (doc.pin_milestone and doc.pin_milestone not in pinned.milestones)):
        checkup.add(
            "warning",
            "the prompt is pinned to something the store no longer has; it shows the soonest "
            "milestone instead (hstrack unpin, or pin another)",
        )
    if doc.read_schema > SCHEMA_VERSION:
        checkup.add(
            "warning",
            f"written by a newer hstrack (schema {doc.read_schema}); this one reads it but will not change it",
        )
    elif doc.read_schema < OLDEST_CURRENT:
        checkup.add("ok", f"schema {doc.read_schema}: migrated to {OLDEST_CURRENT} on the next change, after a backup")
    versions = store.versions()
    if versions and versions[-1].digest != sha256(raw):
        checkup.add("ok", "changed outside hstrack since its last change; the next change keeps this version too")
    from hstrack.core.model.replay import disagreement

    for title in doc.titles.values():
        wrong = disagreement(title)
        if wrong is not None:
            checkup.add("warning", f"the history of {title.id} does not explain its state: {wrong}")
    for conflict in doc.conflicts:
        checkup.add(
            "warning",
            f"a git merge left {conflict.title} undecided ({conflict.reason}): "
            f"hstrack git resolve {conflict.title} --keep or --remove",
        )
    return True


def _check_backups(store: Store, checkup: Checkup) -> None:
    versions = store.versions()
    good = bad = 0
    for version in reversed(versions):
        try:
            raw = version.read()
            parse_bytes(raw, version.path, hint="")
            if sha256(raw) != version.digest:
                raise StoreError(f"{version.path} does not match its recorded checksum")
        except OSError as exc:
            bad += 1
            checkup.add("warning", f"backup damaged: cannot read {version.path}: {refusal(exc)}")
            continue
        except StoreError as exc:
            bad += 1
            checkup.add("warning", f"backup damaged: {exc.message}")
            continue
        good += 1
        if checkup.good_backup is None:
            checkup.good_backup = version
    recovered = [v for v in store.recovered() if _parses(v)]
    if recovered:
        names = ", ".join(v.path.name for v in recovered[-3:])
        checkup.add(
            "warning",
            f"{len(recovered)} backups whose record is missing but whose data reads cleanly ({names}); "
            "doctor --restore uses the newest of them if no recorded backup is good",
        )
    unsettled = [v for v in store.kept.records(include_unsettled=True) if v.state != "committed"]
    if unsettled:
        checkup.add(
            "ok",
            f"{len(unsettled)} backups left by an interrupted change or undo; never offered until the next change "
            "settles them (kept if the store holds them, removed if it never did)",
        )
    if not versions and not recovered:
        checkup.add("ok" if checkup.healthy else "warning", f"no backups in {store.backup_dir}")
    elif versions:
        newest = checkup.good_backup
        where = f"; newest good: {newest.path.name} ({newest.description}, {newest.recorded})" if newest else ""
        checkup.add("ok" if good else "warning", f"{good} good backups, {bad} damaged, in {store.backup_dir}{where}")


def _parses(version: Version) -> bool:
    try:
        parse_bytes(version.read(), version.path, hint="")
    except (OSError, StoreError):
        return False
    return True


def _check_folder(store: Store, checkup: Checkup) -> None:
    try:
        names = os.listdir(store.folder)
    except OSError:
        return
    stale = [n for n in names if re.fullmatch(re.escape(f".{store.path.name}.") + r".*\.tmp", n)]
    if stale:
        checkup.add("ok", f"{len(stale)} temp files left by interrupted writes; the next change removes them")
    damaged = sorted(n for n in names if n.startswith(f"{store.path.name}.damaged-"))
    if damaged:
        more = f" and {len(damaged) - 3} older" if len(damaged) > 3 else ""
        checkup.add("ok", f"kept damaged copies from earlier restores: {', '.join(damaged[-3:])}{more}")
    if not os.access(store.folder, os.W_OK):
        checkup.add("warning", f"{store.folder} is not writable: changes will fail")
