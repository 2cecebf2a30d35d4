"""The JSON store: read without a lock, change under one, replace atomically, keep versions.

The promise (SQLite's): after any interruption the store holds the state before a change
or the state after it, nothing else.

- A change is a read-modify-write under an exclusive sidecar lock (``store.json.lock``,
  an OS-level ``flock`` through filelock, so a killed holder never blocks anyone).
- New text goes to a temp file in the same folder, is fsynced, replaces the store with
  ``os.replace``, and the folder is fsynced. Readers never lock: ``os.replace`` means
  they see one complete version or the other.
- Every version written is also kept in ``store.json.backups/`` (the last ``KEEP``),
  written *before* the store is replaced. The newest backup therefore always equals the
  store, ``undo`` steps back one version, and ``doctor --restore`` can bring back the last
  good state even after the store itself is damaged from outside.
- A store that cannot be read is never rewritten: every write re-reads and validates it
  first, and refuses if it is damaged or written by a newer schema.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from hstrack.errors import HstrackError, StoreError
from hstrack.model import SCHEMA_VERSION, Document, ShapeError, document_from_json

T = TypeVar("T")

KEEP = 10
LOCK_TIMEOUT_VARIABLE = "HSTRACK_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 10.0
NEW_STORE_MODE = 0o600
DOCTOR_HINT = "; run hstrack doctor"


def dumps(doc: Document) -> bytes:
    """Deterministic text: fixed key order, two-space indent, a final newline."""
    return (indented_json(doc.to_json()) + "\n").encode("utf-8")


def indented_json(value: object, indent: str = "") -> str:
    """Exactly ``json.dumps(value, indent=2, ensure_ascii=False)``, 1.6 times as fast.

    With ``indent`` set, json falls back to its pure-Python encoder; this walks the same
    plain types directly and leaves every string to json's C string encoder. A property
    test holds it to byte-for-byte equality with json.dumps.
    """
    from json.encoder import encode_basestring

    out: list[str] = []
    add = out.append

    def walk(obj: object, indent: str) -> None:
        if isinstance(obj, str):
            add(encode_basestring(obj))
        elif isinstance(obj, dict):
            if not obj:
                add("{}")
                return
            inner = indent + "  "
            sep = "{\n" + inner
            for key, item in obj.items():
                add(sep)
                add(encode_basestring(key))
                add(": ")
                walk(item, inner)
                sep = ",\n" + inner
            add("\n" + indent + "}")
        elif isinstance(obj, list):
            if not obj:
                add("[]")
                return
            inner = indent + "  "
            sep = "[\n" + inner
            for item in obj:
                add(sep)
                if len(obj) > 64:
                    add(indented_json(item, inner))  # one joined string per title: bounded memory
                else:
                    walk(item, inner)
                sep = ",\n" + inner
            add("\n" + indent + "]")
        elif obj is None:
            add("null")
        elif isinstance(obj, bool):
            add("true" if obj else "false")
        elif isinstance(obj, int):
            add(int.__repr__(obj))
        else:
            add(json.dumps(obj, ensure_ascii=False))  # floats (and anything else) as json says

    walk(value, indent)
    return "".join(out)


def parse_bytes(raw: bytes, where: Path, hint: str = DOCTOR_HINT) -> Document:
    """A document from a store's bytes, or a StoreError naming the file and the fault."""
    if not raw:
        raise StoreError(f"{where} is empty{hint}")
    if not raw.strip(b"\x00"):
        raise StoreError(f"{where} holds only NUL bytes (a write that never reached the disk){hint}")
    if not raw.strip(b" \t\r\n"):
        raise StoreError(f"{where} holds only white space{hint}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StoreError(f"{where} is not UTF-8 text (bad byte at offset {exc.start}){hint}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StoreError(
            f"{where} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}){hint}"
        ) from None
    except RecursionError:
        raise StoreError(f"{where} is nested too deeply to be a store{hint}") from None
    try:
        return document_from_json(data)
    except ShapeError as exc:
        raise StoreError(f"{where} is not a usable hstrack store: {exc}{hint}") from None


def sha256(raw: bytes) -> str:
    import hashlib  # lazy: views never hash; OpenSSL's import costs a few ms

    return hashlib.sha256(raw).hexdigest()


@dataclass(frozen=True)
class Version:
    """One kept version of the store: its bytes' file, and what made it."""

    sequence: int
    path: Path
    description: str
    recorded: str
    digest: str

    def read(self) -> bytes:
        return self.path.read_bytes()


class Store:
    def __init__(self, path: Path) -> None:
        self.given = path
        # Work on the real file: a symlinked store stays a symlink and its target changes,
        # and two paths to one store share one lock.
        self.path = Path(os.path.realpath(path))
        self.folder = self.path.parent
        self.lock_path = self.folder / f"{self.path.name}.lock"
        self.backup_dir = self.folder / f"{self.path.name}.backups"

    # ------------------------------------------------------------------ reading

    def exists(self) -> bool:
        return self.path.exists()

    def read_raw(self) -> bytes:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            raise StoreError(f"no store at {self.given}") from None
        except IsADirectoryError:
            raise StoreError(f"{self.given} is a folder, not a store file{DOCTOR_HINT}") from None
        except OSError as exc:
            raise StoreError(f"cannot read {self.given}: {exc.strerror}") from None

    def read(self) -> Document:
        return parse_bytes(self.read_raw(), self.given)

    # ------------------------------------------------------------------ locking

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        from filelock import FileLock, Timeout  # lazy: read-only commands never pay for it

        try:
            timeout = float(os.environ.get(LOCK_TIMEOUT_VARIABLE, DEFAULT_LOCK_TIMEOUT))
        except ValueError:
            timeout = DEFAULT_LOCK_TIMEOUT
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create {self.folder}: {exc.strerror}") from None
        lock = FileLock(str(self.lock_path), timeout=timeout)
        try:
            lock.acquire()
        except Timeout:
            raise StoreError(
                f"another hstrack is changing the store: the lock {self.lock_path} was held for more than "
                f"{timeout:g} s; nothing was changed"
            ) from None
        except OSError as exc:
            raise StoreError(f"cannot lock {self.lock_path}: {exc.strerror}; nothing was changed") from None
        try:
            self._sweep_temp_files()
            yield
        finally:
            lock.release()

    def _sweep_temp_files(self) -> None:
        """Remove temp files left by killed writers. Runs only under the lock, when no live
        writer can own one: every writer holds the lock for as long as its temp file exists."""
        for folder, name in ((self.folder, self.path.name), (self.backup_dir, None)):
            pattern = re.compile(r"\..*\.tmp" if name is None else re.escape(f".{name}.") + r".*\.tmp")
            try:
                names = os.listdir(folder)
            except OSError:
                continue
            for entry in names:
                if pattern.fullmatch(entry):
                    with contextlib.suppress(OSError):
                        os.unlink(folder / entry)

    # ------------------------------------------------------------------ writing

    def ensure(self, seed: Callable[[datetime], Document], now: datetime) -> bool:
        """Create the store from ``seed(now)`` if there is none. True when it was created."""
        if self.path.exists() or self.path.is_symlink():
            return False
        with self.locked():
            if self.path.exists() or self.path.is_symlink():  # created while we waited
                return False
            doc = seed(now)
            new = dumps(doc)
            self._keep_version(new, "create the store", now)
            write_atomic(new, self.path)
            self._refresh_quietly(doc, now)
            return True

    def change(self, apply: Callable[[Document], T], describe: Callable[[T], str | None], now: datetime) -> T:
        """Lock, read, ``apply`` to the document, and write it back if it changed.

        ``describe(result)`` names the change for ``undo``; None means nothing changed.
        Nothing is written unless the whole new document was built; an older schema is
        migrated here, on the first write, with the old file kept as a backup first.
        """
        with self.locked():
            raw = self.read_raw()
            doc = parse_bytes(raw, self.given)
            if doc.newer:
                raise StoreError(
                    f"{self.given} was written by a newer hstrack (schema {doc.read_schema}; this one writes "
                    f"{SCHEMA_VERSION}); upgrade hstrack to change it. Nothing was changed"
                )
            result = apply(doc)
            description = describe(result)
            if description is None:
                return result
            new = dumps(doc)
            if new == raw:
                return result
            self._keep_current(raw, now, doc.read_schema)
            kept = self._keep_version(new, description, now)
            try:
                write_atomic(new, self.path)
            except StoreError:
                self._forget(kept)
                raise
            self._refresh_quietly(doc, now)
            return result

    def _keep_current(self, raw: bytes, now: datetime, schema: int) -> None:
        """Before a change, make sure the version on disk is kept too: a store that was
        edited by hand, pulled from git, or written by an older schema since our last
        version would otherwise have no backup to go back to."""
        versions = self.versions()
        if versions and versions[-1].digest == sha256(raw):
            return
        why = f"before migrating from schema {schema}" if schema < SCHEMA_VERSION else "as found on disk"
        self._keep_version(raw, f"the store {why}", now)

    def _keep_version(self, data: bytes, description: str, now: datetime) -> Version:
        versions = self.versions()
        sequence = (versions[-1].sequence if versions else self._highest_sequence()) + 1
        try:
            self.backup_dir.mkdir(exist_ok=True)
            path = self.backup_dir / f"{sequence:08d}.json"
            write_atomic(data, path, mode=NEW_STORE_MODE)
            meta = {"description": description, "recorded": now.isoformat(timespec="seconds"), "sha256": sha256(data)}
            meta_bytes = (json.dumps(meta, indent=2, ensure_ascii=False) + "\n").encode()
            write_atomic(meta_bytes, self._meta_path(path), mode=NEW_STORE_MODE)
        except (OSError, StoreError) as exc:
            raise StoreError(f"cannot keep a backup in {self.backup_dir}: {exc}; nothing was changed") from None
        for old in versions[: max(0, len(versions) + 1 - KEEP)]:
            self._forget(old)
        return Version(sequence, path, description, meta["recorded"], meta["sha256"])

    @staticmethod
    def _meta_path(path: Path) -> Path:
        return path.with_name(path.stem + ".meta.json")

    def _forget(self, version: Version) -> None:
        for path in (version.path, self._meta_path(version.path)):
            with contextlib.suppress(OSError):
                path.unlink()

    # ------------------------------------------------------------------ prompt cache

    @property
    def prompt_cache_path(self) -> Path:
        return self.folder / f"{self.path.name}.prompt"

    def refresh_prompt_cache(self, doc: Document | None = None, now: datetime | None = None) -> str:
        """Write the prompt's cache for the store as it is now. A damaged or missing store
        gets a cache that shows nothing, so shells do not retry on every prompt."""
        from hstrack.clock import resolve_now
        from hstrack.prompt_cache import build, build_empty

        now = now or resolve_now(None)
        if doc is None:
            try:
                doc = self.read()
            except StoreError:
                doc = None
        text = build(doc, now) if doc is not None else build_empty(now)
        write_atomic(text.encode("utf-8"), self.prompt_cache_path, mode=None)
        return text

    def _refresh_quietly(self, doc: Document | None, now: datetime) -> None:
        # The cache is a convenience: a failure to write it must never fail a change.
        with contextlib.suppress(Exception):
            self.refresh_prompt_cache(doc, now)

    # ------------------------------------------------------------------ versions

    def _highest_sequence(self) -> int:
        try:
            numbers = [int(m[1]) for n in os.listdir(self.backup_dir) if (m := re.fullmatch(r"(\d{8})\..*", n))]
        except OSError:
            return 0
        return max(numbers, default=0)

    def versions(self) -> list[Version]:
        """The kept versions, oldest first; ones without readable metadata are skipped."""
        found = []
        try:
            names = sorted(os.listdir(self.backup_dir))
        except OSError:
            return []
        for name in names:
            m = re.fullmatch(r"(\d{8})\.json", name)
            if not m:
                continue
            path = self.backup_dir / name
            try:
                meta = json.loads(self._meta_path(path).read_text("utf-8"))
                found.append(
                    Version(int(m[1]), path, str(meta["description"]), str(meta["recorded"]), str(meta["sha256"]))
                )
            except (OSError, ValueError, KeyError, TypeError):
                continue
        return found

    def undo(self, now: datetime) -> Version:
        """Go back one version. Returns the version that was undone."""
        with self.locked():
            current = self.read_raw()
            parse_bytes(current, self.given)
            digest = sha256(current)
            versions = self.versions()
            # A writer killed after keeping its new version but before replacing the store
            # leaves a newest version the store never reached: drop it, it never happened.
            while len(versions) >= 2 and versions[-1].digest != digest and versions[-2].digest == digest:
                self._forget(versions.pop())
            if not versions or versions[-1].digest != digest:
                raise StoreError(
                    f"{self.given} was changed outside hstrack since its last change; not undoing over that "
                    "edit (the next hstrack change keeps it as a version of its own)"
                )
            if len(versions) < 2:
                raise HstrackError("nothing to undo")
            undone, previous = versions[-1], versions[-2]
            raw = previous.read()
            if sha256(raw) != previous.digest:
                raise StoreError(f"the backup {previous.path} is damaged; not restoring it{DOCTOR_HINT}")
            parse_bytes(raw, previous.path)  # never put back something unreadable
            write_atomic(raw, self.path)
            self._forget(undone)
            self._refresh_quietly(None, now)
            return undone

    def restore_newest_good(self, now: datetime) -> tuple[Version, Path | None]:
        """Put back the newest backup that reads cleanly, keeping the damaged store beside
        it under a new name. Refuses when the store is healthy."""
        with self.locked():
            damaged: bytes | None
            try:
                damaged = self.path.read_bytes()
            except FileNotFoundError:
                damaged = None
            except OSError as exc:
                raise StoreError(f"cannot read {self.given}: {exc.strerror}") from None
            if damaged is not None:
                try:
                    parse_bytes(damaged, self.given)
                except StoreError:
                    pass
                else:
                    raise HstrackError(
                        f"{self.given} is healthy; nothing to restore (hstrack undo steps back a change)"
                    )
            good = next((v for v in reversed(self.versions()) if _readable(v)), None)
            if good is None:
                raise StoreError(f"no good backup in {self.backup_dir}; the store was left as it is")
            kept_as = None
            if damaged is not None:
                stamp = now.strftime("%Y%m%dT%H%M%S")
                kept_as = self.folder / f"{self.path.name}.damaged-{stamp}"
                n = 1
                while kept_as.exists():
                    n += 1
                    kept_as = self.folder / f"{self.path.name}.damaged-{stamp}-{n}"
                try:
                    os.link(self.path, kept_as)  # keep it first; the store is replaced next
                except OSError:
                    write_atomic(damaged, kept_as, mode=NEW_STORE_MODE)
            write_atomic(good.read(), self.path)
            self._refresh_quietly(None, now)
            return good, kept_as


def _readable(version: Version) -> bool:
    try:
        raw = version.read()
        parse_bytes(raw, version.path)
    except (OSError, StoreError):
        return False
    return sha256(raw) == version.digest


def write_atomic(data: bytes, target: Path, mode: int | None = None) -> None:
    """Temp file in the same folder, fsync, ``os.replace``, fsync the folder: the target
    holds the old bytes or the new, never a mix. Keeps an existing file's mode."""
    if mode is None:
        try:
            mode = os.stat(target).st_mode & 0o7777
        except FileNotFoundError:
            mode = NEW_STORE_MODE
    import tempfile  # lazy: only writes need it

    try:
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise StoreError(f"cannot write {target}: {exc.strerror}; nothing was changed") from None
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
        raise StoreError(f"cannot write {target}: {exc.strerror}; nothing was changed") from None
    _fsync_dir(target.parent)


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
