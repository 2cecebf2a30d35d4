"""The JSON store: read without a lock, change under one, replace atomically, undo.

A change is a read-modify-write under an exclusive sidecar lock (``store.json.lock``).
The new text goes to a temp file in the same folder, is fsynced and moved over the store
with ``os.replace``, and the folder is fsynced: after any interruption the file holds the
state before or after the change, never a mix. Readers never lock; they always see one
complete version.

Undo keeps the previous versions in ``store.json.undo/``. The old version is kept by
hard-linking the file that is about to be replaced (no copy, so a large store costs
nothing extra), with a small meta file naming the change and the hash of the version
that replaced it, so ``undo`` refuses to roll back over an edit made since.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from hstrack.errors import HstrackError, StoreError
from hstrack.model import Document, ShapeError, document_from_json

T = TypeVar("T")

UNDO_DEPTH = 20
LOCK_TIMEOUT_VARIABLE = "HSTRACK_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 10.0
NEW_STORE_MODE = 0o600


def dumps(doc: Document) -> bytes:
    """Deterministic text: fixed key order, two-space indent, a final newline."""
    return (json.dumps(doc.to_json(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def parse_bytes(raw: bytes, where: Path) -> Document:
    """A document from the store's bytes, or a StoreError naming the file and the fault."""
    if not raw.strip(b" \t\r\n"):
        raise StoreError(f"{where} is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StoreError(f"{where} is not UTF-8 text (byte {exc.start})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StoreError(f"{where} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    try:
        return document_from_json(data)
    except ShapeError as exc:
        raise StoreError(f"{where} is not an hstrack store: {exc}") from None


@dataclass(frozen=True)
class UndoEntry:
    sequence: int
    description: str
    recorded: str
    after_sha256: str
    before: Path
    meta: Path


class Store:
    def __init__(self, path: Path) -> None:
        self.given = path
        # Work on the real file: a symlinked store stays a symlink and its target changes,
        # and two paths to one store share one lock.
        self.path = Path(os.path.realpath(path))
        self.folder = self.path.parent
        self.lock_path = self.folder / f"{self.path.name}.lock"
        self.undo_dir = self.folder / f"{self.path.name}.undo"

    # ------------------------------------------------------------------ reading

    def exists(self) -> bool:
        return self.path.exists()

    def read(self) -> Document:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            raise StoreError(f"no store at {self.given}") from None
        except OSError as exc:
            raise StoreError(f"cannot read {self.given}: {exc.strerror}") from None
        return parse_bytes(raw, self.given)

    # ------------------------------------------------------------------ writing

    def _lock(self) -> Any:
        from filelock import FileLock  # lazy: read-only commands never pay for it

        try:
            timeout = float(os.environ.get(LOCK_TIMEOUT_VARIABLE, DEFAULT_LOCK_TIMEOUT))
        except ValueError:
            timeout = DEFAULT_LOCK_TIMEOUT
        return FileLock(str(self.lock_path), timeout=timeout)

    def _locked(self, action: Callable[[], T]) -> T:
        from filelock import Timeout

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create {self.folder}: {exc.strerror}") from None
        try:
            with self._lock():
                self._sweep_temp_files()
                return action()
        except Timeout:
            raise StoreError(
                f"another hstrack is changing the store (lock {self.lock_path} held too long); nothing was changed"
            ) from None

    def ensure(self, seed: Callable[[], Document]) -> bool:
        """Create the store from ``seed()`` if there is none. True when it was created."""
        if self.path.exists():
            return False

        def create() -> bool:
            if self.path.exists():  # another process created it while we waited
                return False
            self._write_atomic(dumps(seed()))
            return True

        return self._locked(create)

    def change(self, apply: Callable[[Document], T], describe: Callable[[T], str | None], now: datetime) -> T:
        """Lock, read, ``apply`` to the document, and write it back if it changed.

        ``describe(result)`` names the change for ``undo``; None means nothing changed.
        """

        def run() -> T:
            raw = self._read_bytes_locked()
            doc = parse_bytes(raw, self.given)
            result = apply(doc)
            description = describe(result)
            if description is None:
                return result
            new = dumps(doc)
            if new != raw:
                self._journal(description, now, new)
                self._write_atomic(new)
            return result

        return self._locked(run)

    def _read_bytes_locked(self) -> bytes:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            raise StoreError(f"no store at {self.given}") from None
        except OSError as exc:
            raise StoreError(f"cannot read {self.given}: {exc.strerror}") from None

    def _temp_prefix(self) -> str:
        return f".{self.path.name}."

    def _sweep_temp_files(self) -> None:
        """Remove temp files left by killed writers. Only called under the lock, when no
        live writer can own one (every writer holds the lock while its temp file exists)."""
        pattern = re.compile(re.escape(self._temp_prefix()) + r"[^/]*\.tmp")
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        for name in names:
            if pattern.fullmatch(name):
                with contextlib.suppress(OSError):
                    os.unlink(self.folder / name)

    def _write_atomic(self, data: bytes, target: Path | None = None) -> None:
        target = target or self.path
        try:
            mode = os.stat(target).st_mode & 0o7777
        except FileNotFoundError:
            mode = NEW_STORE_MODE
        try:
            fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        except OSError as exc:
            raise StoreError(f"cannot write {self.given}: {exc.strerror}; nothing was changed") from None
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp, mode)
            os.replace(temp, target)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise StoreError(f"cannot write {self.given}: {exc.strerror}; nothing was changed") from None
        _fsync_dir(target.parent)

    # ------------------------------------------------------------------ undo

    def _journal(self, description: str, now: datetime, new: bytes) -> None:
        """Keep the version about to be replaced, before replacing it."""
        if not self.path.exists():
            return
        entries = self.undo_entries()
        sequence = entries[-1].sequence + 1 if entries else 1
        try:
            self.undo_dir.mkdir(exist_ok=True)
            before = self.undo_dir / f"{sequence:08d}.json"
            try:
                os.link(self.path, before)
            except OSError:
                shutil.copy2(self.path, before)  # a filesystem without hard links
            meta = {
                "description": description,
                "recorded": now.isoformat(timespec="seconds"),
                "after_sha256": hashlib.sha256(new).hexdigest(),
            }
            meta_path = self.undo_dir / f"{sequence:08d}.meta.json"
            self._write_atomic((json.dumps(meta, indent=2) + "\n").encode(), meta_path)
        except (OSError, StoreError) as exc:
            raise StoreError(f"cannot keep the undo copy in {self.undo_dir}: {exc}; nothing was changed") from None
        for old in entries[: max(0, len(entries) + 1 - UNDO_DEPTH)]:
            _unlink_quietly(old.before, old.meta)

    def undo_entries(self) -> list[UndoEntry]:
        entries = []
        try:
            names = sorted(os.listdir(self.undo_dir))
        except OSError:
            return []
        for name in names:
            m = re.fullmatch(r"(\d{8})\.meta\.json", name)
            if not m:
                continue
            meta_path = self.undo_dir / name
            before = self.undo_dir / f"{m[1]}.json"
            try:
                meta = json.loads(meta_path.read_text("utf-8"))
                description, recorded = str(meta["description"]), str(meta["recorded"])
                entry = UndoEntry(int(m[1]), description, recorded, str(meta["after_sha256"]), before, meta_path)
            except (OSError, ValueError, KeyError, TypeError):
                continue
            if before.exists():
                entries.append(entry)
        return entries

    def undo(self) -> UndoEntry:
        def run() -> UndoEntry:
            entries = self.undo_entries()
            if not entries:
                raise HstrackError("nothing to undo")
            entry = entries[-1]
            current = self._read_bytes_locked()
            if hashlib.sha256(current).hexdigest() != entry.after_sha256:
                raise StoreError(
                    f"the store was changed outside hstrack after {entry.description!r}; not undoing over that edit"
                )
            previous = entry.before.read_bytes()
            parse_bytes(previous, entry.before)  # never restore something unreadable
            self._write_atomic(previous)
            _unlink_quietly(entry.before, entry.meta)
            return entry

        return self._locked(run)


def _unlink_quietly(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable; without this a crash can bring the old name back."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
