"""The write lock: an exclusive OS ``flock`` on a lock file, polled until a timeout.

A change is a read-modify-write under this lock (``StoreLock.held``); readers never lock.

The kernel releases a ``flock`` when its holder dies, so a killed writer never blocks anyone.
This is what filelock does on a POSIX system, in a few lines: importing filelock (4.x, about
30 modules) cost every write about 10 ms, a fifth of a whole ``hstrack set``. filelock stays
the lock where this one cannot be taken: without ``fcntl`` (Windows), and on a file system
whose ``flock`` is missing (ENOSYS), where filelock falls back to its own soft lock.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hstrack.store.layout import Layout

# How often a waiting writer tries again: filelock's default, so waiting behaves as before.
POLL_INTERVAL = 0.05
# What flock reports while another process holds the lock (some file systems say EACCES).
_HELD_ELSEWHERE = frozenset({errno.EACCES, errno.EAGAIN, errno.EWOULDBLOCK})


class LockTimeout(Exception):
    """The lock was held by someone else for longer than the timeout."""


class FileLock:
    """One exclusive hold on ``path``, taken with ``acquire`` and given back with ``release``.

    Not re-entrant: a second ``FileLock`` on the same path in the same process waits like
    any other process would (as filelock's separate lock objects do)."""

    def __init__(self, path: str, timeout: float) -> None:
        self.path = path
        self.timeout = timeout
        self._fd: int | None = None
        self._fallback: Any = None  # a filelock.FileLock, where flock cannot be used

    def acquire(self) -> None:
        """Take the lock, waiting up to ``timeout`` seconds: LockTimeout if it stays held,
        OSError if the lock file cannot be opened or locked."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not a POSIX system
            self._acquire_fallback()
            return
        deadline = time.monotonic() + self.timeout
        while True:
            # O_NOFOLLOW, as filelock: a symlink planted where the lock goes is refused.
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                os.close(fd)
                if exc.errno == errno.ENOSYS:  # a file system without flock
                    self._acquire_fallback()
                    return
                if exc.errno not in _HELD_ELSEWHERE:
                    raise
            else:
                if os.fstat(fd).st_nlink > 0:
                    self._fd = fd
                    return
                # The file was deleted while we waited for it: a lock on it excludes nobody
                # who opens the path now, so take the lock again on the file that is there.
                os.close(fd)
                continue
            if time.monotonic() >= deadline:
                raise LockTimeout(self.path)
            time.sleep(POLL_INTERVAL)

    def _acquire_fallback(self) -> None:
        from filelock import FileLock, Timeout

        lock = FileLock(self.path, timeout=self.timeout)
        try:
            lock.acquire()
        except Timeout:
            raise LockTimeout(self.path) from None
        self._fallback = lock

    def release(self) -> None:
        if self._fallback is not None:
            self._fallback.release()
            self._fallback = None
        elif self._fd is not None:
            # Closing the only descriptor releases the flock; no explicit LOCK_UN is needed.
            fd, self._fd = self._fd, None
            os.close(fd)


LOCK_TIMEOUT_VARIABLE = "HSTRACK_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 10.0
MAX_LOCK_TIMEOUT = 3600.0


def lock_timeout() -> float:
    """``HSTRACK_LOCK_TIMEOUT``: seconds to wait for the lock, a number from 0 (do not wait)
    to 3600; unset or empty means 10. Anything else (nan, inf, -1, words) is a usage error,
    never a wait that does not end."""
    from hstrack.core.errors import UsageError

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


class StoreLock:
    """The store's write lock (``store.json.lock``): every read-modify-write of the store,
    its versions and its derived files holds it; readers never take it."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """Hold the lock, waiting up to ``lock_timeout()``; a StoreError if it stays held."""
        from hstrack.core.errors import StoreError

        timeout = lock_timeout()
        try:
            self.layout.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create {self.layout.folder}: {exc.strerror}") from None
        lock = FileLock(str(self.layout.lock_path), timeout=timeout)
        try:
            lock.acquire()
        except LockTimeout:
            raise StoreError(
                f"another hstrack is changing the store: the lock {self.layout.lock_path} was held for more than "
                f"{timeout:g} s; nothing was changed"
            ) from None
        except OSError as exc:
            raise StoreError(f"cannot lock {self.layout.lock_path}: {exc.strerror}; nothing was changed") from None
        try:
            self._sweep_temp_files()
            yield
        finally:
            lock.release()

    def _sweep_temp_files(self) -> None:
        """Remove temp files left by killed writers. Runs only under the lock, when no live
        writer can own one: every writer holds the lock for as long as its temp file exists."""
        import re

        name = self.layout.path.name
        for folder, pattern in (
            (self.layout.folder, re.compile(re.escape(f".{name}.") + r".*\.tmp")),
            (self.layout.backup_dir, re.compile(r"\..*\.tmp")),
        ):
            try:
                names = os.listdir(folder)
            except OSError:
                continue
            for entry in names:
                if pattern.fullmatch(entry):
                    with contextlib.suppress(OSError):
                        os.unlink(folder / entry)

    @contextlib.contextmanager
    def if_free(self) -> Iterator[bool]:
        """The write lock if nobody holds it, without waiting (and without filelock, whose
        import the prompt would pay for): True when it was taken."""
        try:
            import fcntl
        except ImportError:  # not a POSIX system: no lock to take, so do not write
            yield False
            return
        try:
            # O_NOFOLLOW: a symlink planted where the lock goes is refused, never created through.
            fd = os.open(self.layout.lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
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
