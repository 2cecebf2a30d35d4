"""The JSON store: read without a lock, change under one, replace atomically, keep versions.

The promise (SQLite's): after any interruption the store holds the state before a change
or the state after it, nothing else.

- A change is a read-modify-write under an exclusive sidecar lock (``store.json.lock``,
  an OS-level ``flock`` (hstrack.store.locking), so a killed holder never blocks anyone).
- New text goes to a temp file in the same folder, is fsynced, replaces the store with
  ``os.replace``, and the folder is fsynced. Readers never lock: ``os.replace`` means
  they see one complete version or the other.
- Every version written is also kept in ``store.json.backups/`` (the last ``KEEP``),
  recorded as pending *before* the store is replaced and committed after (see PENDING
  below), so a version is offered by ``undo``, ``doctor`` and ``doctor --restore`` only
  once the store has held it. Once a change completes the newest backup equals the
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
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from hstrack.core.errors import HstrackError, StoreError, UsageError
from hstrack.core.model import OLDEST_CURRENT, SCHEMA_VERSION, Document, NumberWatch, ShapeError, document_from_json

if TYPE_CHECKING:
    from hstrack.core.model import Title
    from hstrack.core.regions import Preference
    from hstrack.store.index import Index

T = TypeVar("T")

KEEP = 10
LOCK_TIMEOUT_VARIABLE = "HSTRACK_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 10.0
MAX_LOCK_TIMEOUT = 3600.0
NEW_STORE_MODE = 0o600
DOCTOR_HINT = "; run hstrack doctor"


def dumps(doc: Document) -> bytes:
    """Deterministic text: fixed key order, two-space indent, a final newline: exactly
    ``json.dumps(doc.to_json(), indent=2, ensure_ascii=False)`` and a newline.

    orjson writes that text 20 times as fast as json, byte for byte, except for floats and
    integers beyond 64 bits, which only fields hstrack does not know can hold (see
    model.NumberWatch): for those, the exact encoder below.
    """
    NumberWatch.seen = False
    data = doc.to_json()
    if not NumberWatch.seen:
        import orjson

        try:
            return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
        except TypeError:  # an integer orjson cannot write
            pass
    return (indented_json(data) + "\n").encode("utf-8")


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


_MAYBE_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def decode_json(raw: bytes, where: object, hint: str = "") -> Any:
    """JSON from bytes, or a ``ValueError`` whose message names ``where`` and the fault: not
    UTF-8, not JSON, nested too deeply, or a number too long to read (Python refuses
    integers of more than 4,300 digits, which would otherwise end in a traceback)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{where} is not UTF-8 text (bad byte at offset {exc.start}){hint}") from None
    try:
        data = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
        if _MAYBE_SURROGATE.search(text):
            # JSON can spell a lone surrogate ("\\ud800"), which is no character at all:
            # printing or writing it would end in a traceback.
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        return data
    except UnicodeEncodeError:
        raise ValueError(f"{where} holds a lone surrogate (a \\ud800 escape that is no character){hint}") from None
    except json.JSONDecodeError as exc:
        place = f"line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise ValueError(f"{where} is not valid JSON ({place}){hint}") from None
    except RecursionError:
        raise ValueError(f"{where} is nested too deeply to be a store{hint}") from None
    except _NotANumber:
        raise ValueError(
            f"{where} is not a usable hstrack store: it holds a number JSON does not allow (NaN, Infinity or one too "
            f"large to write back as written){hint}"
        ) from None
    except ValueError as exc:  # "Exceeds the limit (4300 digits) for integer string conversion"
        reason = "a number in it is too long to read" if "digits" in str(exc) else "it cannot be read as JSON"
        raise ValueError(f"{where} is not a usable hstrack store: {reason}{hint}") from None


class _NotANumber(ValueError):
    pass


def _no_constant(name: str) -> float:
    raise _NotANumber(name)  # NaN, Infinity: Python reads them, JSON has no such numbers


def _finite(text: str) -> float:
    import math

    value = float(text)
    if not math.isfinite(value):  # 1e999 would be written back as "Infinity"
        raise _NotANumber(text)
    return value


def parse_bytes(raw: bytes, where: Path, hint: str = DOCTOR_HINT) -> Document:
    """A document from a store's bytes, or a StoreError naming the file and the fault."""
    return _parse(raw, where, hint)[0]


def _parse(raw: bytes, where: Path, hint: str) -> tuple[Document, Any]:
    """``parse_bytes``, and the parsed JSON when it came through orjson (else None): the
    index checks the store's layout against it."""
    if not raw:
        raise StoreError(f"{where} is empty{hint}")
    if not raw.strip(b"\x00"):
        raise StoreError(f"{where} holds only NUL bytes (a write that never reached the disk){hint}")
    if not raw.strip(b" \t\r\n"):
        raise StoreError(f"{where} holds only white space{hint}")
    from hstrack.core.collector import paused

    with paused():  # 10,000 titles are 300,000 objects without a cycle among them
        return _parse_checked(raw, where, hint)


def _parse_checked(raw: bytes, where: Path, hint: str) -> tuple[Document, Any]:
    fast = _parse_fast(raw)
    if fast is not None:
        return fast
    try:
        data = decode_json(raw, where, hint)
    except ValueError as exc:
        raise StoreError(str(exc)) from None
    try:
        return document_from_json(data), None
    except ShapeError as exc:
        raise StoreError(f"{where} is not a usable hstrack store: {exc}{hint}") from None


def _parse_fast(raw: bytes) -> tuple[Document, Any] | None:
    """The document through orjson (5 times as fast as json on a large store), or None
    when the exact path must decide: bytes orjson refuses (the exact path then names the
    fault as it always has), a shape the model refuses (likewise), or a float or a huge
    integer in a field hstrack does not know (orjson would read it differently)."""
    import orjson

    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    NumberWatch.seen = False
    try:
        doc = document_from_json(data)
    except (ShapeError, RecursionError):
        return None
    return None if NumberWatch.seen else (doc, data)


def _read_all(fd: int) -> bytes:
    chunks, offset = [], 0
    while chunk := os.pread(fd, 1 << 22, offset):
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def _title_from(text: bytes, title_id: str, index: Index) -> tuple[Index, Title | None] | None:
    """The title in an index's span of the store, or None if the span does not hold it
    (then the whole store is read, and speaks for itself)."""
    import orjson

    from hstrack.core.model import title_from_json

    NumberWatch.seen = False
    try:
        title = title_from_json(orjson.loads(text), f"title {title_id!r}")
    except (orjson.JSONDecodeError, ShapeError, RecursionError):
        return None
    if title.id != title_id or NumberWatch.seen:
        return None
    return index, title


def sha256(raw: bytes) -> str:
    # The standard library's own SHA-256 (``_sha256``; ``_sha2`` from 3.12): hashlib loads
    # OpenSSL first, 2.5 ms of every write. The same digest either way.
    try:
        from _sha256 import sha256 as digest  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        try:
            from _sha2 import sha256 as digest  # type: ignore[import-not-found,no-redef,unused-ignore]
        except ImportError:
            from hashlib import sha256 as digest  # type: ignore[assignment,unused-ignore]
    return str(digest(raw).hexdigest())


def read_regular(path: Path) -> bytes:
    """A file's bytes, refusing anything but a regular file without waiting on it: a FIFO,
    a device or a folder in the store's place must never block a command or a prompt."""
    return read_regular_stat(path)[0]


def read_regular_stat(path: Path) -> tuple[bytes, os.stat_result]:
    """``read_regular``, and the file's status as it was opened (its identity for the index)."""
    fd = open_regular(path)
    try:
        st = os.fstat(fd)
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks), st
    finally:
        os.close(fd)


def open_regular(path: Path) -> int:
    """A descriptor of ``path`` opened for reading, never waiting on it; IsADirectoryError
    (errno 21 for a folder, 19 for anything else) when it is not a regular file."""
    import stat

    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise IsADirectoryError(21 if stat.S_ISDIR(mode) else 19, "not a regular file")
    except BaseException:
        os.close(fd)
        raise
    return fd


# Kept versions, in ``store.json.backups/``: ``NNNNNNNN.json`` holds a state of the store,
# ``NNNNNNNN.meta.json`` its record (what made it, when, its SHA-256, and a ``state``).
# A change writes its record as ``pending`` first, then the data, then replaces the store,
# then marks the record committed; ``undo`` marks the newest ``undoing`` before it puts the
# previous one back. Whoever takes the lock next settles what an interrupted writer left:
# a pending version the store holds is committed, any other pending one is removed (the
# store never held it), an ``undoing`` one is finished or taken back by what the store
# holds. So undo, doctor and restore only ever offer states the store really had.
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

    def read(self) -> bytes:
        return read_regular(self.path)


def lock_timeout() -> float:
    """``HSTRACK_LOCK_TIMEOUT``: seconds to wait for the lock, a number from 0 (do not wait)
    to 3600; unset or empty means 10. Anything else (nan, inf, -1, words) is a usage error,
    never a wait that does not end."""
    raw = os.environ.get(LOCK_TIMEOUT_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_LOCK_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not 0 <= value <= MAX_LOCK_TIMEOUT:  # also refuses nan and inf
        raise UsageError(
            f"{LOCK_TIMEOUT_VARIABLE}={raw[:40]!r} is not a number of seconds from 0 to {MAX_LOCK_TIMEOUT:g}"
        )
    return value


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

    def read_raw(self, hint: str = DOCTOR_HINT) -> bytes:
        return self._read_raw_stat(hint)[0]

    def _read_raw_stat(self, hint: str = DOCTOR_HINT) -> tuple[bytes, os.stat_result]:
        try:
            return read_regular_stat(self.path)
        except FileNotFoundError:
            raise StoreError(f"no store at {self.given}") from None
        except IsADirectoryError as exc:
            what = "a folder" if exc.errno == 21 else "not a regular file"
            raise StoreError(f"{self.given} is {what}, not a store file{hint}") from None
        except OSError as exc:
            raise StoreError(f"cannot read {self.given}: {exc.strerror}") from None

    def read(self, held: bool = False) -> Document:
        """The whole document. On the way, the index (``hstrack.store.index``) is brought
        up to date when it is not, since the store was read and checked in full anyway;
        ``held``: the caller holds the write lock."""
        read_ns = time.time_ns()
        raw, st = self._read_raw_stat()
        doc, data = _parse(raw, self.given, DOCTOR_HINT)
        with contextlib.suppress(OSError, StoreError):
            self._index_after_read(raw, st, read_ns, doc, data, held)
        return doc

    # ------------------------------------------------------------------ the index

    @property
    def index_path(self) -> Path:
        return self.folder / f"{self.path.name}.index"

    def _index_after_read(
        self, raw: bytes, st: os.stat_result, read_ns: int, doc: Document, data: Any, held: bool
    ) -> None:
        """``raw`` was read (from just after ``read_ns``) and validated in full: bring the
        index up to date if it is not."""
        from hstrack.store import index as store_index

        if not OLDEST_CURRENT <= doc.read_schema <= SCHEMA_VERSION:
            return  # a migrated or newer store is read in full, every time
        current = store_index.load(self.index_path)
        if current is not None and current.store == store_index.identity_of(st):
            if not current.racy:
                return
            if store_index.is_racy(read_ns, st.st_ctime_ns):
                return  # still racy: it holds the digest readers check; nothing to settle yet
            if current.digest == store_index.digest_of(raw):
                current.checked_ns, current.digest = read_ns, None
                self._write_index(current.to_bytes(), st, held)
                return
        order = list(doc.titles) if data is not None and store_index.in_layout(raw, data) else None
        self._write_index(store_index.build(raw, st, doc, order, read_ns).to_bytes(), st, held)

    def _write_index(self, text: bytes, st: os.stat_result, held: bool) -> None:
        """Write the index for the store as it was at ``st``: at once under the caller's
        lock, else only if the lock is free now and the store is still that file."""
        from hstrack.store.index import identity_of

        if held:
            write_atomic(text, self.index_path, durable=False)
            return
        with self._lock_if_free() as free:
            if free and identity_of(os.stat(self.path)) == identity_of(st):
                write_atomic(text, self.index_path, durable=False)

    def read_title(self, title_id: str) -> tuple[Index, Title | None] | None:
        """One title read through the index, with what the index knows of the whole store;
        the title is None when the store has no such id. None when the index cannot
        answer (missing, stale, racy and not matching, a layout it does not cover, the
        store changing while it is read): the caller reads the whole store instead, which
        also reports any damage."""
        from hstrack.store import index as store_index

        index = store_index.load(self.index_path)
        if index is None or not index.locates:
            return None
        try:
            fd = open_regular(self.path)
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            if store_index.identity_of(st) != index.store:
                return None
            whole = None
            if index.racy:
                read_ns = time.time_ns()
                whole = _read_all(fd)
                if store_index.digest_of(whole) != index.digest:
                    return None
                if not store_index.is_racy(read_ns, st.st_ctime_ns):
                    # Read a tick after the last change: any later change moves the change
                    # time, so from now on the identity alone tells.
                    index.checked_ns, index.digest = read_ns, None
                    with contextlib.suppress(OSError, StoreError):
                        self._write_index(index.to_bytes(), st, held=False)
            span = index.span(title_id)
            if span is None:
                return index, None
            offset, length = span
            if offset < 1 or length < 12 or offset + length > st.st_size:
                return None
            # With the newline before it: a title in hstrack's layout is a whole line "    {"
            # to a line "    }" (a deeper object, say one inside another title's unknown
            # field, is indented further), so a span that lies is caught even when the
            # object it points at has the id asked for.
            start = offset - 1
            text = whole[start : offset + length] if whole is not None else os.pread(fd, length + 1, start)
            if store_index.identity_of(os.fstat(fd)) != index.store:
                return None
            if not (text.startswith(b"\n    {\n") and text.endswith(b"\n    }")):
                return None
            text = text[1:]
        finally:
            os.close(fd)
        return _title_from(text, title_id, index)

    # ------------------------------------------------------------------ locking

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        from hstrack.store.locking import FileLock, LockTimeout  # lazy: read-only commands never pay for it

        timeout = lock_timeout()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create {self.folder}: {exc.strerror}") from None
        lock = FileLock(str(self.lock_path), timeout=timeout)
        try:
            lock.acquire()
        except LockTimeout:
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
            self._settle(None)
            doc = seed(now)
            new = dumps(doc)
            self._write_version(new, "create the store", now)
            self._refresh_quietly(doc, now, new)
            return True

    def change(self, apply: Callable[[Document], T], describe: Callable[[T], str | None], now: datetime) -> T:
        """Lock, read, ``apply`` to the document, and write it back if it changed.

        ``describe(result)`` names the change for ``undo``; None means nothing changed.
        Nothing is written unless the whole new document was built; an older schema is
        migrated here, on the first write, with the old file kept as a backup first.
        """
        from hstrack.core.collector import paused

        # The collector paused for the whole change: reading, writing and the caches make
        # some 600,000 objects at 10,000 titles, none in a cycle (see hstrack.core.collector).
        with self.locked(), paused():
            raw = self.read_raw()
            doc = parse_bytes(raw, self.given)
            if doc.newer:
                raise StoreError(
                    f"{self.given} was written by a newer hstrack (schema {doc.read_schema}; this one writes "
                    f"{SCHEMA_VERSION}); upgrade hstrack to change it. Nothing was changed"
                )
            self._settle(raw)
            result = apply(doc)
            description = describe(result)
            if description is None:
                return result
            new = dumps(doc)
            if new == raw:
                return result
            self._keep_current(raw, now, doc.read_schema)
            self._write_version(new, description, now)
            self._refresh_quietly(doc, now, new)
            return result

    def _write_version(self, new: bytes, description: str, now: datetime) -> Version:
        """Keep ``new`` as a pending version, replace the store with it, then commit it."""
        version = self._keep_version(new, description, now, state=PENDING)
        try:
            write_atomic(new, self.path)
        except StoreError:
            self._forget(version)
            raise
        self._set_state(version, None)
        self._rotate()
        return version

    def _keep_current(self, raw: bytes, now: datetime, schema: int) -> None:
        """Before a change, make sure the version on disk is kept too: a store that was
        edited by hand, pulled from git, or written by an older schema since our last
        version would otherwise have no backup to go back to. The store holds it, so it is
        kept as committed at once."""
        versions = self.versions()
        if versions and versions[-1].digest == sha256(raw):
            return
        why = f"before migrating from schema {schema}" if schema < OLDEST_CURRENT else "as found on disk"
        self._keep_version(raw, f"the store {why}", now, state=None)

    def _keep_version(self, data: bytes, description: str, now: datetime, state: str | None) -> Version:
        """Write a version: its record first (so data is never left without one by a write
        of ours), then its data. Old versions beyond ``KEEP`` go, data before record."""
        existing = self._highest_sequence()
        sequence = existing + 1
        path = self.backup_dir / f"{sequence:08d}.json"
        version = Version(sequence, path, description, now.isoformat(timespec="seconds"), sha256(data),
                          state or "committed")  # fmt: skip
        try:
            self.backup_dir.mkdir(exist_ok=True)
            self._write_record(version, state)
            write_atomic(data, path, mode=NEW_STORE_MODE)
        except (OSError, StoreError) as exc:
            self._forget(version)
            reason = exc.message.removesuffix("; nothing was changed") if isinstance(exc, StoreError) else str(exc)
            raise StoreError(f"cannot keep a backup in {self.backup_dir}: {reason}; nothing was changed") from None
        if state is None:
            self._rotate()
        return version

    def _rotate(self) -> None:
        """Keep the last ``KEEP`` committed versions (run once a version is committed, so an
        interrupted change never costs an old version), and no recovered one older."""
        versions = self.versions()
        for old in versions[: max(0, len(versions) - KEEP)]:
            self._forget(old)
        kept = versions[-KEEP:]
        for stray in self.recovered():
            if kept and stray.sequence < kept[0].sequence:
                self._forget(stray)

    def _write_record(self, version: Version, state: str | None) -> None:
        meta: dict[str, str] = {
            "description": version.description,
            "recorded": version.recorded,
            "sha256": version.digest,
        }
        if state is not None:
            meta["state"] = state
        text = (json.dumps(meta, indent=2, ensure_ascii=False) + "\n").encode()
        write_atomic(text, self._meta_path(version.path), mode=NEW_STORE_MODE)

    def _set_state(self, version: Version, state: str | None) -> None:
        """Mark a version committed (None), or pending or undoing. A failure to mark it
        committed is not a failed change: the next writer settles it from the store."""
        with contextlib.suppress(OSError, StoreError):
            self._write_record(version, state)

    @staticmethod
    def _meta_path(path: Path) -> Path:
        return path.with_name(path.stem + ".meta.json")

    def _forget(self, version: Version) -> None:
        # The data first: a record left without data is settled away; data left without a
        # record would look like a recovered version.
        for path in (version.path, self._meta_path(version.path)):
            with contextlib.suppress(OSError):
                path.unlink()

    def _settle(self, current: bytes | None) -> None:
        """Under the lock: resolve what interrupted writers left (see PENDING above). With
        ``current`` None (no store, or an unreadable one) nothing can be checked against
        the store, so pending versions are only set aside, never committed."""
        digest = sha256(current) if current is not None else None
        records = self._records(include_unsettled=True)
        committed = [v for v in records if v.state == "committed"]
        for version in records:
            if not version.path.exists():
                # A record whose data is gone (a version being rotated out or undone when
                # the writer was killed, or deleted by hand) can restore nothing.
                self._forget(version)
            elif version.state == PENDING:
                data = self._data_digest(version)
                if digest is not None and data == digest == version.digest:
                    self._set_state(version, None)  # the store holds it: the change happened
                elif digest is not None or data is None:
                    self._forget(version)  # the store never held it
            elif version.state == UNDOING:
                earlier = [v for v in committed if v.sequence < version.sequence]
                if digest is not None and earlier and earlier[-1].digest == digest and version.digest != digest:
                    self._forget(version)  # the undo put the previous state back: finish it
                else:
                    self._set_state(version, None)  # it never got that far: take it back

    def _data_digest(self, version: Version) -> str | None:
        try:
            return sha256(version.read())
        except OSError:
            return None

    # ------------------------------------------------------------------ prompt cache

    def viewer(self) -> Preference:
        """Whose releases the prompt's cache is built for: the region and media in effect
        (HSTRACK_REGION, hstrack config, the locale); a setting that cannot be read is
        left out here, where the prompt must never fail, and reported by the commands."""
        from hstrack.core.errors import HstrackError
        from hstrack.core.regions import WORLDWIDE, preference
        from hstrack.store import config

        try:
            return preference(os.environ, config.read())
        except HstrackError:
            return WORLDWIDE

    @property
    def prompt_cache_path(self) -> Path:
        return self.folder / f"{self.path.name}.prompt"

    def refresh_prompt_cache(
        self, doc: Document | None = None, now: datetime | None = None, write: bool = True, held: bool = False
    ) -> str:
        """Write the prompt's cache for the store as it is now. A damaged or missing store
        gets a cache that shows nothing, so shells do not retry on every prompt.

        With ``doc`` (or ``held``) the caller is a writer holding the lock. Otherwise it is
        the prompt rebuilding a stale cache: it never waits for the lock, and writes only if
        it can take it at once and the store is still the file it read, so a rebuild from
        an older store can never land after a writer's newer cache."""
        from hstrack.core.clock import resolve_now
        from hstrack.store.prompt_cache import build, build_empty

        now = now or resolve_now(None)
        pref = self.viewer()
        if doc is not None:
            text = build(doc, now, pref)
            if write:
                write_atomic(text.encode("utf-8"), self.prompt_cache_path, mode=None)
            return text
        before = _identity(self.path)
        try:
            doc = self.read()
        except StoreError:
            doc = None
        text = build(doc, now, pref) if doc is not None else build_empty(now)
        if write and held:
            write_atomic(text.encode("utf-8"), self.prompt_cache_path, mode=None)
        elif write:
            with self._lock_if_free() as free:
                if free and _identity(self.path) == before:
                    write_atomic(text.encode("utf-8"), self.prompt_cache_path, mode=None)
        return text

    @contextlib.contextmanager
    def _lock_if_free(self) -> Iterator[bool]:
        """The write lock if nobody holds it, without waiting (and without filelock, whose
        import the prompt would pay for): True when it was taken."""
        try:
            import fcntl
        except ImportError:  # not a POSIX system: no lock to take, so do not write
            yield False
            return
        try:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            yield False
            return
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def _refresh_quietly(self, doc: Document | None, now: datetime, written: bytes | None = None) -> None:
        # Called under the lock, right after the store was replaced (with ``written``, by
        # a change that holds ``doc``). The caches and the index are a convenience: a
        # failure to write them must never fail a change.
        if doc is None:  # undo, restore: read the store once for the caches (and the index)
            with contextlib.suppress(Exception):
                doc = self.read(held=True)
        elif written is not None:
            with contextlib.suppress(OSError, StoreError):
                self._index_written(written, doc)
        with contextlib.suppress(Exception):
            self.refresh_prompt_cache(doc, now, held=True)
        with contextlib.suppress(Exception):
            self.refresh_completion_cache(doc, held=True)

    def _index_written(self, written: bytes, doc: Document) -> None:
        """The index of what this writer just wrote: in hstrack's layout by construction,
        titles in id order (``Document.to_json``). Racy by construction too (see
        ``hstrack.store.index``), so it carries the digest readers check."""
        from hstrack.store import index as store_index

        st = os.stat(self.path)
        if st.st_size != len(written):
            return  # changed already by someone else: leave it to the next reader
        index = store_index.build(written, st, doc, sorted(doc.titles), None)
        write_atomic(index.to_bytes(), self.index_path, durable=False)

    # ------------------------------------------------------------------ completion cache

    @property
    def completion_cache_path(self) -> Path:
        return self.folder / f"{self.path.name}.complete"

    def refresh_completion_cache(self, doc: Document | None = None, held: bool = False) -> str:
        """Write the Tab-completion cache (``hstrack.shell.completion``) for the store as it is
        now, and return its text; a store that cannot be read gets one with no titles, so
        Tab presses do not retry it until it changes.

        ``held``: the caller is a writer holding the lock, just after replacing the store
        (with ``doc``, what it wrote). Otherwise it is a Tab press that found the cache
        stale: like the prompt's rebuild, it never waits for the lock, and writes only if
        it can take it at once and the store is still the file it read."""
        from hstrack.shell.completion import build, identity

        before = identity(str(self.path))
        if before is None:
            return ""
        if doc is None:
            with contextlib.suppress(StoreError):
                doc = self.read()
        text = build(doc, before)
        if held:
            write_atomic(text.encode("utf-8"), self.completion_cache_path, mode=None)
            return text
        if not _regular_or_missing(self.completion_cache_path):
            return text  # a FIFO or a folder there: never replaced from a Tab press (a write replaces it)
        with contextlib.suppress(StoreError), self._lock_if_free() as free:
            if free and identity(str(self.path)) == before:
                write_atomic(text.encode("utf-8"), self.completion_cache_path, mode=None)
        return text

    # ------------------------------------------------------------------ versions

    def _highest_sequence(self) -> int:
        try:
            numbers = [int(m[1]) for n in os.listdir(self.backup_dir) if (m := re.fullmatch(r"(\d{8})\..*", n))]
        except OSError:
            return 0
        return max(numbers, default=0)

    def _records(self, include_unsettled: bool = False) -> list[Version]:
        """Versions with a readable record, oldest first: committed ones, and with
        ``include_unsettled`` the pending and undoing ones too."""
        found = []
        try:
            names = sorted(os.listdir(self.backup_dir))
        except OSError:
            return []
        for name in names:
            m = re.fullmatch(r"(\d{8})\.meta\.json", name)
            if not m:
                continue
            path = self.backup_dir / f"{m[1]}.json"
            try:
                meta = json.loads(read_regular(self.backup_dir / name).decode("utf-8"))
                state = str(meta.get("state", "committed"))
                version = Version(int(m[1]), path, str(meta["description"]), str(meta["recorded"]),
                                  str(meta["sha256"]), state)  # fmt: skip
            except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
                continue
            if include_unsettled or version.state == "committed":
                found.append(version)
        return found

    def versions(self) -> list[Version]:
        """The kept versions the store really held, oldest first: those whose change
        completed. (A version an interrupted writer left pending is not one of them.)"""
        return self._records()

    def recovered(self) -> list[Version]:
        """Backups whose record is missing or unreadable (deleted, damaged, or lost to a
        crash of an older hstrack): their data may still be a good state, so ``doctor``
        reports them and ``doctor --restore`` falls back on them when no recorded version
        is good."""
        try:
            names = sorted(os.listdir(self.backup_dir))
        except OSError:
            return []
        sequence_has_record = {v.sequence: True for v in self._records(include_unsettled=True)}
        found = []
        for name in names:
            m = re.fullmatch(r"(\d{8})\.json", name)
            if not m:
                continue
            path = self.backup_dir / name
            if sequence_has_record.get(int(m[1])):
                continue
            try:
                data = read_regular(path)
                stamp = datetime.fromtimestamp(os.stat(path).st_mtime).astimezone().isoformat(timespec="seconds")
            except (OSError, ValueError, OverflowError):
                continue
            found.append(Version(int(m[1]), path, "a backup whose record is missing", stamp, sha256(data),
                                 "recovered"))  # fmt: skip
        return found

    def undo(self, now: datetime) -> Version:
        """Go back one version. Returns the version that was undone."""
        with self.locked():
            current = self.read_raw()
            doc = parse_bytes(current, self.given)
            if doc.newer:
                raise StoreError(
                    f"{self.given} was written by a newer hstrack (schema {doc.read_schema}); undo it with that "
                    "hstrack. Nothing was changed"
                )
            self._settle(current)
            versions = self.versions()
            if not versions or versions[-1].digest != sha256(current):
                raise StoreError(
                    f"{self.given} was changed outside hstrack since its last change; not undoing over that "
                    "edit (the next hstrack change keeps it as a version of its own)"
                )
            if len(versions) < 2:
                raise HstrackError("nothing to undo")
            undone, previous = versions[-1], versions[-2]
            try:
                raw = previous.read()
            except OSError as exc:
                raise StoreError(f"cannot read the backup {previous.path}: {exc.strerror}{DOCTOR_HINT}") from None
            if sha256(raw) != previous.digest:
                raise StoreError(f"the backup {previous.path} is damaged; not restoring it{DOCTOR_HINT}")
            if parse_bytes(raw, previous.path).newer:  # never put back something unreadable or newer
                raise StoreError(f"the backup {previous.path} was written by a newer hstrack; not restoring it")
            self._set_state(undone, UNDOING)
            write_atomic(raw, self.path)
            self._forget(undone)
            self._refresh_quietly(None, now)
            return undone

    def restore_newest_good(self, now: datetime) -> tuple[Version, Path | None]:
        """Put back the newest backup that reads cleanly, keeping the damaged store beside
        it under a new name. Refuses when the store is healthy, and anything written by a
        newer hstrack: a store that says so (it may only look damaged to this version),
        or a newest backup that says so (restoring an older one instead would quietly
        lose its changes)."""
        with self.locked():
            damaged: bytes | None = None
            present = self.path.exists() or self.path.is_symlink()
            try:
                damaged = read_regular(self.path)
            except FileNotFoundError:
                present = self.path.is_symlink()
            except OSError:
                damaged = None  # a FIFO, a folder, a device: kept aside like any damage
            if damaged is not None:
                try:
                    parse_bytes(damaged, self.given)
                except StoreError:
                    pass
                else:
                    raise HstrackError(
                        f"{self.given} is healthy; nothing to restore (hstrack undo steps back a change)"
                    )
                schema = declared_schema(damaged)
                if schema is not None and schema > SCHEMA_VERSION:
                    raise StoreError(
                        f"{self.given} was written by a newer hstrack (schema {schema}); it may be whole to that "
                        "version. Upgrade hstrack rather than restore an older backup over it. Nothing was changed"
                    )
            self._settle(None)
            candidates = [v for v in reversed(self.versions())]
            newest_schema = declared_schema(_quiet_read(candidates[0])) if candidates else None
            if newest_schema is not None and newest_schema > SCHEMA_VERSION:
                raise StoreError(
                    f"the newest backup, {candidates[0].path.name}, was written by a newer hstrack (schema "
                    f"{newest_schema}); restore it with that hstrack. Nothing was changed"
                )
            good = next((v for v in candidates if _readable(v)), None)
            if good is None:
                good = next((v for v in reversed(self.recovered()) if _readable(v)), None)
            if good is None:
                raise StoreError(f"no good backup in {self.backup_dir}; the store was left as it is")
            schema = parse_bytes(good.read(), good.path).read_schema
            if schema > SCHEMA_VERSION:
                raise StoreError(
                    f"the newest good backup, {good.path.name}, was written by a newer hstrack (schema {schema}); "
                    "restore it with that hstrack. Nothing was changed"
                )
            kept_as = None
            if present:
                stamp = now.strftime("%Y%m%dT%H%M%S")
                kept_as = self.folder / f"{self.path.name}.damaged-{stamp}"
                n = 1
                while kept_as.exists() or kept_as.is_symlink():
                    n += 1
                    kept_as = self.folder / f"{self.path.name}.damaged-{stamp}-{n}"
                try:
                    if damaged is None:
                        os.rename(self.path, kept_as)  # not a file: move it aside whole
                    else:
                        os.link(self.path, kept_as)  # keep it first; the store is replaced next
                except OSError:
                    if damaged is None:
                        raise StoreError(f"cannot move {self.given} aside; nothing was changed") from None
                    write_atomic(damaged, kept_as, mode=NEW_STORE_MODE)
            write_atomic(good.read(), self.path)
            self._refresh_quietly(None, now)
            return good, kept_as


def declared_schema(raw: bytes | None) -> int | None:
    """The schema number a store's bytes say they are, even when they do not parse as a
    store this version understands; None when there is no such number."""
    if not raw:
        return None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    schema = data.get("schema") if isinstance(data, dict) else None
    return schema if isinstance(schema, int) and not isinstance(schema, bool) else None


def _quiet_read(version: Version) -> bytes | None:
    try:
        return version.read()
    except OSError:
        return None


def _identity(path: Path) -> tuple[int, int, int, int] | None:
    """What tells one version of a file from the next: inode, size, and change times."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def _regular_or_missing(path: Path) -> bool:
    import stat

    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True


def _readable(version: Version) -> bool:
    try:
        raw = version.read()
        parse_bytes(raw, version.path)
    except (OSError, StoreError):
        return False
    return sha256(raw) == version.digest


def write_atomic(data: bytes | Iterable[bytes], target: Path, mode: int | None = None, durable: bool = True) -> None:
    """Temp file in the same folder, fsync, ``os.replace``, fsync the folder: the target
    holds the old bytes or the new, never a mix. Keeps an existing file's mode.

    ``data`` may come in pieces (an export of a large store, made while it is written):
    then a failure in making them, or a Ctrl-C, also removes the temp file and leaves the
    target as it was. ``durable=False`` skips the two fsyncs, for a file that is rebuilt
    whenever it is missing or does not read back whole (the index)."""
    if mode is None:
        try:
            mode = os.stat(target).st_mode & 0o7777
        except FileNotFoundError:
            mode = NEW_STORE_MODE
    try:
        fd, temp = _temp_beside(target)
    except OSError as exc:
        raise StoreError(f"cannot write {target}: {exc.strerror}; nothing was changed") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in (data,) if isinstance(data, bytes) else data:
                handle.write(chunk)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise StoreError(f"cannot write {target}: {exc.strerror}; nothing was changed") from None
        raise
    if durable:
        _fsync_dir(target.parent)


def _temp_beside(target: Path) -> tuple[int, str]:
    """A new file ``.NAME.RANDOM.tmp`` beside ``target``, created exclusively with mode
    0600: what ``tempfile.mkstemp`` does, without importing tempfile (and random) on
    every write. The name is what the lock holder's sweep removes after a killed writer."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        temp = str(target.parent / f".{target.name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(temp, flags, 0o600), temp
        except FileExistsError:
            continue
    raise FileExistsError(17, "no free temporary name", str(target.parent))


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
