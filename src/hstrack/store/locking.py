"""The write lock: an exclusive OS ``flock`` on a lock file, polled until a timeout.

The kernel releases a ``flock`` when its holder dies, so a killed writer never blocks anyone.
This is what filelock does on a POSIX system, in a few lines: importing filelock (4.x, about
30 modules) cost every write about 10 ms, a fifth of a whole ``hstrack set``. filelock stays
the lock where this one cannot be taken: without ``fcntl`` (Windows), and on a file system
whose ``flock`` is missing (ENOSYS), where filelock falls back to its own soft lock.
"""

from __future__ import annotations

import errno
import os
import time
from typing import Any

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
