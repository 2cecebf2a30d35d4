"""Running a ``--exec`` hook: bounded in time, in output, and in what it leaves running.

- The hook runs in a session (and so a process group) of its own; at its timeout the whole
  group is stopped (SIGTERM, then SIGKILL a moment later), so a child it started never
  outlives it.
- hstrack waits for the hook itself, not for the end of its output: a child left holding
  its stdout (``(sleep 70 &)``) never makes a hook that exited count as hung.
- Its output (stdout and stderr together) is read as it comes, the first ``KEEP`` bytes
  kept and the rest counted and dropped, so a hook printing gigabytes costs no memory.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Sequence

KEEP = 16 * 1024  # bytes of a hook's output kept to show
GRACE = 1.0  # seconds between SIGTERM and SIGKILL to the hook's group


class Ran:
    __slots__ = ("code", "dropped", "output", "timed_out")

    def __init__(self, code: int | None, output: bytes, dropped: int, timed_out: bool) -> None:
        self.code, self.output, self.dropped, self.timed_out = code, output, dropped, timed_out


def run(argv: Sequence[str], data: bytes, timeout: float, keep: int = KEEP) -> Ran:
    """Runs ``argv`` with ``data`` on its stdin. OSError when it cannot be started."""
    import selectors
    import subprocess

    proc = subprocess.Popen(
        list(argv),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    assert proc.stdin is not None
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    kept, dropped, pending = bytearray(), 0, memoryview(data)
    out_fd, in_fd = proc.stdout.fileno(), proc.stdin.fileno()
    os.set_blocking(in_fd, False)
    selector = selectors.DefaultSelector()
    selector.register(out_fd, selectors.EVENT_READ, "out")
    selector.register(in_fd, selectors.EVENT_WRITE, "in")
    exited = _exit_watch(proc.pid)
    if exited is not None:
        selector.register(exited, selectors.EVENT_READ, "exit")
    timed_out = False
    try:
        while True:
            if proc.poll() is not None:
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            for key, _ in selector.select(min(remaining, 0.05 if exited is None else remaining)):
                if key.data == "out":
                    chunk = os.read(out_fd, 1 << 20)
                    if not chunk:
                        selector.unregister(out_fd)
                    else:
                        room = max(keep - len(kept), 0)
                        kept += chunk[:room]
                        dropped += max(len(chunk) - room, 0)
                elif key.data == "in":
                    try:
                        pending = pending[os.write(in_fd, pending[: 1 << 16]) :]
                    except BrokenPipeError:
                        pending = pending[:0]  # it will not read: its choice
                    if not pending:
                        selector.unregister(in_fd)
                        proc.stdin.close()
        if timed_out:
            _stop_group(proc)
        else:
            # It exited: take what its output already holds, without waiting for the end of
            # it (a child it left behind may hold the pipe open for good).
            with contextlib.suppress(OSError):
                os.set_blocking(out_fd, False)
                while chunk := os.read(out_fd, 1 << 20):
                    room = max(keep - len(kept), 0)
                    kept += chunk[:room]
                    dropped += max(len(chunk) - room, 0)
    finally:
        selector.close()
        if exited is not None:
            os.close(exited)
        for stream in (proc.stdin, proc.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        if proc.returncode is None:
            _stop_group(proc)
    return Ran(None if timed_out else proc.returncode, bytes(kept), dropped, timed_out)


def _exit_watch(pid: int) -> int | None:
    """A descriptor that becomes readable when ``pid`` exits (Linux's pidfd), or None."""
    opener = getattr(os, "pidfd_open", None)
    if opener is None:
        return None
    try:
        return int(opener(pid))
    except OSError:
        return None


def _stop_group(proc: object) -> None:
    import signal
    import subprocess

    assert isinstance(proc, subprocess.Popen)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(GRACE if sig == signal.SIGTERM else None)
