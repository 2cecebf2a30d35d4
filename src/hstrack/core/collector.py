"""Python's cycle collector, paused where hstrack builds many objects that hold no cycles.

Reading a store, reporting on it and drawing it make hundreds of thousands of small
objects (titles, milestones, reports, rows) that refer only downwards, so the collector
frees nothing; but it runs every few hundred allocations and, as the heap grows, each full
pass walks all of it: at 10,000 titles about a third of the time of a read and of a
report. Reference counting still frees everything as usual.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
