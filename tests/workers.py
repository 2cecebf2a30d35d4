"""Programs the safety tests start as real processes. Run as: python tests/workers.py CMD ..."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from hstrack.cli import app
from hstrack.store.codec import parse_bytes


def hstrack(*args: str) -> None:
    """One full CLI run inside this process: the same code path as the installed script."""
    result = app(list(args), standalone_mode=False, prog_name="hstrack")
    if result not in (None, 0):
        raise SystemExit(f"hstrack {' '.join(args)} exited {result}")


def writer(worker: int, changes: int) -> None:
    """Alternate adds and sets: `changes` changes in all, each one verifiable afterwards."""
    for i in range(changes):
        if i % 2 == 0:
            hstrack("add", f"Worker {worker} title {i}", "--id", f"w{worker}-t{i}", "--kind", "film")
        else:
            hstrack("set", f"w{worker}-t{i - 1}", "release", f"{2030 + worker}-{(i % 12) + 1:02d}-15")


def counter(start: int, limit: int) -> None:
    """Change the same milestone again and again: release = 2030-01-01 + k days."""
    from datetime import date, timedelta

    for k in range(start, limit):
        hstrack("set", "counter", "release", (date(2030, 1, 1) + timedelta(days=k)).isoformat())


def reader(path: str, seconds: float, report: str) -> None:
    """Parse the store in a loop, counting complete reads and any parse failure."""
    target, reads, errors = Path(path), 0, []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            raw = target.read_bytes()
        except FileNotFoundError:
            continue
        try:
            parse_bytes(raw, target)
            reads += 1
        except Exception as exc:
            errors.append(str(exc))
        if Path(report + ".stop").exists():
            break
    Path(report).write_text(json.dumps({"reads": reads, "errors": errors}))


def hold_lock(path: str) -> None:
    """Take the store's write lock and wait to be killed."""
    from filelock import FileLock

    lock = FileLock(path)
    lock.acquire()
    print("locked", flush=True)
    time.sleep(3600)


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    if command == "writer":
        writer(int(rest[0]), int(rest[1]))
    elif command == "counter":
        counter(int(rest[0]), int(rest[1]))
    elif command == "reader":
        reader(rest[0], float(rest[1]), rest[2])
    elif command == "hold-lock":
        hold_lock(rest[0])
    else:
        raise SystemExit(f"unknown command {command}")
