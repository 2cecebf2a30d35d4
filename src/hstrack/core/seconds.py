"""Seconds read from an environment variable, checked like typed input.

Every wait hstrack can be told to make (the lock, an HTTP exchange, a hook) is bounded: a
value that is no number, not finite, below its floor or above its ceiling is a usage error,
never a wait that does not end (``nan``, ``inf``, ``-1``, ``1e400``).
"""

from __future__ import annotations

from collections.abc import Mapping

from hstrack.core.errors import UsageError


def seconds(environ: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    """``environ[name]`` as seconds from ``low`` to ``high``; unset or empty: ``default``."""
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw) if len(raw) <= 40 else float("nan")
    except ValueError:
        value = float("nan")
    if not low <= value <= high:  # also refuses nan and inf
        raise UsageError(f"{name}={raw[:40]!r} is not a number of seconds from {low:g} to {high:g}")
    return value
