"""Kept versions of the store, in ``store.json.backups/``: what ``undo``, ``doctor`` and
``doctor --restore`` offer.

``NNNNNNNN.json`` holds a state of the store, ``NNNNNNNN.meta.json`` its record (what made
it, when, its SHA-256, and a ``state``). A change writes its record as ``pending`` first,
then the data, then replaces the store, then marks the record committed; ``undo`` marks the
newest ``undoing`` before it puts the previous one back. Whoever takes the lock next
settles what an interrupted writer left (``Versions.settle``): a pending version the store
holds is committed, any other pending one is removed (the store never held it), an
``undoing`` one is finished or taken back by what the store holds. So undo, doctor and
restore only ever offer states the store really had. The last ``KEEP`` are kept.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from hstrack.core.errors import StoreError
from hstrack.store.codec import parse_bytes
from hstrack.store.files import NEW_STORE_MODE, SIDECAR_LIMIT, Data, read_regular, sha256, write_atomic

KEEP = 10

PENDING = "pending"
UNDOING = "undoing"


@dataclass(frozen=True)
class Version:
    """One kept version of the store: its bytes' file, and what made it."""

    sequence: int
    path: Path
    description: str
    recorded: str
    digest: str
    state: str = "committed"  # committed | pending | undoing | recovered (data without a record)
    # Its facts came from elsewhere (another copy through git, an import, a sync), not from
    # this copy's own change: ``undo`` does not step back over it (hstrack.store.recovery).
    elsewhere: bool = False

    def read(self) -> bytes:
        return read_regular(self.path, follow=False)


# What an hstrack before ``elsewhere`` was recorded called such versions.
_FROM_ELSEWHERE = ("the store as found on disk", "import", "sync ")


def _elsewhere(meta: dict[str, object]) -> bool:
    if "from" in meta:
        return meta["from"] == "elsewhere"
    return str(meta.get("description", "")).startswith(_FROM_ELSEWHERE)


class Versions:
    """The versions kept in one folder (``store.json.backups``). Every method that writes
    runs under the store's lock."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def highest_sequence(self) -> int:
        try:
            numbers = [int(m[1]) for n in os.listdir(self.folder) if (m := re.fullmatch(r"(\d{8})\..*", n))]
        except OSError:
            return 0
        return max(numbers, default=0)

    def records(self, include_unsettled: bool = False) -> list[Version]:
        """Versions with a readable record, oldest first: committed ones, and with
        ``include_unsettled`` the pending and undoing ones too."""
        found = []
        try:
            names = sorted(os.listdir(self.folder))
        except OSError:
            return []
        for name in names:
            m = re.fullmatch(r"(\d{8})\.meta\.json", name)
            if not m:
                continue
            path = self.folder / f"{m[1]}.json"
            try:
                meta = json.loads(read_regular(self.folder / name, SIDECAR_LIMIT, False).decode("utf-8"))
                state = str(meta.get("state", "committed"))
                version = Version(int(m[1]), path, str(meta["description"]), str(meta["recorded"]),
                                  str(meta["sha256"]), state, _elsewhere(meta))  # fmt: skip
            except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
                continue
            if include_unsettled or version.state == "committed":
                found.append(version)
        return found

    def committed(self) -> list[Version]:
        """The kept versions the store really held, oldest first: those whose change
        completed. (A version an interrupted writer left pending is not one of them.)"""
        return self.records()

    def recovered(self) -> list[Version]:
        """Backups whose record is missing or unreadable (deleted, damaged, or lost to a
        crash of an older hstrack): their data may still be a good state, so ``doctor``
        reports them and ``doctor --restore`` falls back on them when no recorded version
        is good."""
        try:
            names = sorted(os.listdir(self.folder))
        except OSError:
            return []
        sequence_has_record = {v.sequence: True for v in self.records(include_unsettled=True)}
        found = []
        for name in names:
            m = re.fullmatch(r"(\d{8})\.json", name)
            if not m:
                continue
            path = self.folder / name
            if sequence_has_record.get(int(m[1])):
                continue
            try:
                data = read_regular(path, follow=False)
                stamp = datetime.fromtimestamp(os.stat(path).st_mtime).astimezone().isoformat(timespec="seconds")
            except (OSError, ValueError, OverflowError):
                continue
            found.append(Version(int(m[1]), path, "a backup whose record is missing", stamp, sha256(data),
                                 "recovered"))  # fmt: skip
        return found

    def keep(self, data: Data, description: str, now: datetime, state: str | None, elsewhere: bool = False) -> Version:
        """Write a version: its record first (so data is never left without one by a write
        of ours), then its data. Old versions beyond ``KEEP`` go, data before record."""
        existing = self.highest_sequence()
        sequence = existing + 1
        path = self.folder / f"{sequence:08d}.json"
        version = Version(sequence, path, description, now.isoformat(timespec="seconds"), sha256(data),
                          state or "committed", elsewhere)  # fmt: skip
        try:
            self.folder.mkdir(exist_ok=True)
            self.write_record(version, state)
            write_atomic(data, path, mode=NEW_STORE_MODE)
        except (OSError, StoreError) as exc:
            self.forget(version)
            reason = exc.message.removesuffix("; nothing was changed") if isinstance(exc, StoreError) else str(exc)
            raise StoreError(f"cannot keep a backup in {self.folder}: {reason}; nothing was changed") from None
        if state is None:
            self.rotate()
        return version

    def rotate(self) -> None:
        """Keep the last ``KEEP`` committed versions (run once a version is committed, so an
        interrupted change never costs an old version), and no recovered one older."""
        versions = self.committed()
        for old in versions[: max(0, len(versions) - KEEP)]:
            self.forget(old)
        kept = versions[-KEEP:]
        for stray in self.recovered():
            if kept and stray.sequence < kept[0].sequence:
                self.forget(stray)

    def write_record(self, version: Version, state: str | None) -> None:
        meta: dict[str, str] = {
            "description": version.description,
            "recorded": version.recorded,
            "sha256": version.digest,
        }
        if state is not None:
            meta["state"] = state
        if version.elsewhere:
            meta["from"] = "elsewhere"
        text = (json.dumps(meta, indent=2, ensure_ascii=False) + "\n").encode()
        write_atomic(text, self.meta_path(version.path), mode=NEW_STORE_MODE)

    def set_state(self, version: Version, state: str | None) -> None:
        """Mark a version committed (None), or pending or undoing. A failure to mark it
        committed is not a failed change: the next writer settles it from the store."""
        with contextlib.suppress(OSError, StoreError):
            self.write_record(version, state)

    @staticmethod
    def meta_path(path: Path) -> Path:
        return path.with_name(path.stem + ".meta.json")

    def forget(self, version: Version) -> None:
        # The data first: a record left without data is settled away; data left without a
        # record would look like a recovered version.
        for path in (version.path, self.meta_path(version.path)):
            with contextlib.suppress(OSError):
                path.unlink()

    def settle(self, current: bytes | None, known: str | None = None) -> None:
        """Under the lock: resolve what interrupted writers left (see PENDING above). With
        ``current`` None (no store, or an unreadable one) nothing can be checked against
        the store, so pending versions are only set aside, never committed. ``known``:
        ``current``'s digest, when the caller has it; else it is worked out only if some
        version is left unsettled (hashing a 100 MB store is most of a small change)."""
        records = self.records(include_unsettled=True)
        if current is None or not any(v.state in (PENDING, UNDOING) for v in records):
            digest = None
        else:
            digest = known or sha256(current)
        committed = [v for v in records if v.state == "committed"]
        for version in records:
            if not version.path.exists():
                # A record whose data is gone (a version being rotated out or undone when
                # the writer was killed, or deleted by hand) can restore nothing.
                self.forget(version)
            elif version.state == PENDING:
                data = self.data_digest(version)
                if digest is not None and data == digest == version.digest:
                    self.set_state(version, None)  # the store holds it: the change happened
                elif digest is not None or data is None:
                    self.forget(version)  # the store never held it
            elif version.state == UNDOING:
                earlier = [v for v in committed if v.sequence < version.sequence]
                if digest is not None and earlier and earlier[-1].digest == digest and version.digest != digest:
                    self.forget(version)  # the undo put the previous state back: finish it
                else:
                    self.set_state(version, None)  # it never got that far: take it back

    def data_digest(self, version: Version) -> str | None:
        try:
            return sha256(version.read())
        except OSError:
            return None


def quiet_read(version: Version) -> bytes | None:
    try:
        return version.read()
    except OSError:
        return None


def readable(version: Version) -> bool:
    try:
        raw = version.read()
        parse_bytes(raw, version.path)
    except (OSError, StoreError):
        return False
    return sha256(raw) == version.digest
