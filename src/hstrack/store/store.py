"""The JSON store: read without a lock, change under one, replace atomically, keep versions.

The promise (SQLite's): after any interruption the store holds the state before a change
or the state after it, nothing else.

- A change is a read-modify-write under an exclusive sidecar lock (``store.json.lock``,
  an OS-level ``flock``: ``hstrack.store.locking``), so a killed holder never blocks anyone.
- New text goes to a temp file in the same folder, is fsynced, replaces the store with
  ``os.replace``, and the folder is fsynced (``hstrack.store.files``). Readers never lock:
  ``os.replace`` means they see one complete version or the other.
- Every version written is also kept in ``store.json.backups/`` (the last ``KEEP``),
  recorded as pending *before* the store is replaced and committed after
  (``hstrack.store.versions``), so a version is offered by ``undo``, ``doctor`` and
  ``doctor --restore`` only once the store has held it (``hstrack.store.recovery``).
- A store that cannot be read is never rewritten: every write re-reads and validates it
  first (``hstrack.store.codec``), and refuses if it is damaged or written by a newer schema.
- The files derived from it (the index, the prompt's and Tab's caches) are refreshed
  through one seam after every write (``hstrack.store.derived``).

``Store`` composes those parts; each states its own guarantee at the top of its file.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from hstrack.core.errors import StoreError
from hstrack.core.model.document import OLDEST_CURRENT, SCHEMA_VERSION, Document
from hstrack.store.codec import DOCTOR_HINT, dumps, parse_bytes, parse_with_data
from hstrack.store.files import Data, NotAFile, TooLarge, read_regular_stat, sha256, write_atomic
from hstrack.store.layout import Layout

if TYPE_CHECKING:
    import os

    from hstrack.core.model.title import Title
    from hstrack.store.index import Index
    from hstrack.store.locking import StoreLock
    from hstrack.store.versions import Version, Versions

T = TypeVar("T")


class Store:
    """The store at ``path``: its files (``layout``), its lock, its kept versions."""

    def __init__(self, path: Path) -> None:
        self.layout = Layout(path)
        self.given, self.path, self.folder = self.layout.given, self.layout.path, self.layout.folder
        self.lock_path, self.backup_dir = self.layout.lock_path, self.layout.backup_dir

    # The lock and the kept versions are made when first used: a read-only command (most
    # of them) never loads their modules.
    @functools.cached_property
    def lock(self) -> StoreLock:
        from hstrack.store.locking import StoreLock

        return StoreLock(self.layout)

    def _lock(self) -> StoreLock:
        return self.lock

    @functools.cached_property
    def kept(self) -> Versions:
        from hstrack.store.versions import Versions

        return Versions(self.backup_dir)

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
            what = exc.kind if isinstance(exc, NotAFile) else "a folder"
            raise StoreError(f"{self.given} is {what}, not a store file{hint}") from None
        except TooLarge as exc:
            raise StoreError(f"{self.given} is not read: {exc.strerror}, more than a store can be{hint}") from None
        except OSError as exc:
            raise StoreError(f"cannot read {self.given}: {exc.strerror}") from None

    def read(self, held: bool = False, history: bool = True, view: bool = False) -> Document:
        """The whole document. On the way, the index (``hstrack.store.index``) is brought
        up to date when it is not, since the store was read and checked in full anyway;
        ``held``: the caller holds the write lock. ``view``: for a command that reads
        every title and writes nothing: read a title at a time through the index when it
        vouches for the store (``hstrack.store.stream``), ``history=False`` without the
        titles' history (a document then never written)."""
        from hstrack.store.index import after_read

        if view:
            from hstrack.store.stream import read_streamed

            with contextlib.suppress(OSError):
                streamed = read_streamed(self.layout, history)
                if streamed is not None:
                    return streamed
        read_ns = time.time_ns()
        raw, st = self._read_raw_stat()
        doc, data = parse_with_data(raw, self.given, DOCTOR_HINT)
        with contextlib.suppress(OSError, StoreError):
            after_read(self.layout, self._lock, raw, st, read_ns, doc, data, held)
        return doc

    def read_title(self, title_id: str) -> tuple[Index, Title | None] | None:
        """One title read through the index (see ``hstrack.store.index.read_title``), or
        None when the index cannot answer and the whole store must be read."""
        from hstrack.store.index import read_title

        return read_title(self.layout, self._lock, title_id)

    # ------------------------------------------------------------------ writing

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        with self.lock.held():
            yield

    def ensure(self, seed: Callable[[datetime], Document], now: datetime) -> bool:
        """Create the store from ``seed(now)`` if there is none. True when it was created."""
        if self.path.exists() or self.path.is_symlink():
            return False
        from hstrack.store.derived import refresh_all

        with self.locked():
            if self.path.exists() or self.path.is_symlink():  # created while we waited
                return False
            self.kept.settle(None)
            doc = seed(now)
            new = dumps(doc)
            self._write_version(new, "create the store", now)
            refresh_all(self, doc, now, new)
            return True

    def change(
        self,
        apply: Callable[[Document], T],
        describe: Callable[[T], str | None],
        now: datetime,
        elsewhere: bool = False,
        title_id: str | None = None,
    ) -> T:
        """Lock, read, ``apply`` to the document, and write it back if it changed.

        ``describe(result)`` names the change for ``undo``; None means nothing changed.
        ``elsewhere``: its facts come from elsewhere (an import, a sync), so ``undo`` does
        not step back over it. Nothing is written unless the whole new document was built;
        an older schema is migrated here, on the first write, with the old file kept as a
        backup first. ``title_id``: the one title the change is about; when the index
        vouches for the store, only that title is read and its bytes spliced into the
        file (``hstrack.store.splice``), the same bytes a whole rewrite writes.
        """
        from hstrack.core.collector import paused
        from hstrack.store.derived import refresh_all

        # The collector paused for the whole change: reading, writing and the caches make
        # some 600,000 objects at 10,000 titles, none in a cycle (see hstrack.core.collector).
        with self.locked(), paused():
            raw, st = self._read_raw_stat()
            opened = None
            if title_id is not None:
                from hstrack.store.splice import open_title

                opened = open_title(self.layout, raw, st, title_id)
            doc = parse_bytes(raw, self.given) if opened is None else opened[0]
            if doc.newer:
                raise StoreError(
                    f"{self.given} was written by a newer hstrack (schema {doc.read_schema}; this one writes "
                    f"{SCHEMA_VERSION}); upgrade hstrack to change it. Nothing was changed"
                )
            # The index records the SHA-256 of the bytes it vouches for: no need to hash them again.
            known = opened[1].index.sha256 if opened is not None else None
            self.kept.settle(raw, known)
            result = apply(doc)
            description = describe(result)
            if description is None:
                return result
            new: Data | None = opened[1].pieces_after(doc) if opened is not None else None
            if new is None:
                if opened is not None:  # it reached beyond its title: made again on the whole store
                    opened = None
                    doc = parse_bytes(raw, self.given)
                    result = apply(doc)
                    description = describe(result)
                    if description is None:
                        return result
                new = dumps(doc)
            if new == raw or (opened is not None and opened[1].unchanged):
                return result
            self._keep_current(raw, now, doc.read_schema, known)
            version = self._write_version(new, description, now, elsewhere)
            if opened is not None:
                from hstrack.store.splice import refresh

                refresh(self, opened[1], doc, now, version.digest)
            else:
                refresh_all(self, doc, now, new if isinstance(new, bytes) else None, version.digest)
            return result

    def _write_version(self, new: Data, description: str, now: datetime, elsewhere: bool = False) -> Version:
        """Keep ``new`` as a pending version, replace the store with it, then commit it."""
        from hstrack.store.versions import PENDING

        version = self.kept.keep(new, description, now, state=PENDING, elsewhere=elsewhere)
        try:
            write_atomic(new, self.path)
        except StoreError:
            self.kept.forget(version)
            raise
        self.kept.set_state(version, None)
        self.kept.rotate()
        return version

    def _keep_current(self, raw: bytes, now: datetime, schema: int, known: str | None = None) -> None:
        """Before a change, make sure the version on disk is kept too: a store that was
        edited by hand, pulled from git, or written by an older schema since our last
        version would otherwise have no backup to go back to. The store holds it, so it is
        kept as committed at once."""
        versions = self.kept.committed()
        if versions and versions[-1].digest == (known or sha256(raw)):
            return
        if schema < OLDEST_CURRENT:
            self.kept.keep(raw, f"the store before migrating from schema {schema}", now, state=None)
        else:  # changed outside hstrack: a pull, a merge, a copy put back, a hand edit
            self.kept.keep(raw, "the store as found on disk", now, state=None, elsewhere=True)

    # ------------------------------------------------------------------ versions

    def versions(self) -> list[Version]:
        """The kept versions the store really held, oldest first."""
        return self.kept.committed()

    def recovered(self) -> list[Version]:
        """Backups whose record is missing or unreadable (see ``Versions.recovered``)."""
        return self.kept.recovered()

    def undo(self, now: datetime, across: bool = False) -> Version:
        """Go back one version of this copy's own (``across``: over one from elsewhere too).
        Returns the version that was undone."""
        from hstrack.store.recovery import undo

        return undo(self, now, across)

    def restore_newest_good(self, now: datetime) -> tuple[Version, Path | None]:
        """Put back the newest backup that reads cleanly (see ``hstrack.store.recovery``)."""
        from hstrack.store.recovery import restore_newest_good

        return restore_newest_good(self, now)

    # ------------------------------------------------------------------ derived files

    def refresh_prompt_cache(
        self, doc: Document | None = None, now: datetime | None = None, write: bool = True, held: bool = False
    ) -> str:
        from hstrack.store.derived import refresh_prompt_cache

        return refresh_prompt_cache(self, doc, now, write, held)

    def refresh_completion_cache(self, doc: Document | None = None, held: bool = False) -> str:
        from hstrack.store.derived import refresh_completion_cache

        return refresh_completion_cache(self, doc, held)
