"""Joining two sides' histories, and the times and order a merge decides by.

A history entry's identity is its content (and which repeat of it it is); its time is its
``recorded`` stamp as an instant. ``joined_history`` walks both sides like a merge sort, so
swapping them gives the same list and each side's own order is kept; ``in_order`` gives a
merged list the order both sides agree on.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from hstrack.core.model.history import Change

_EARLIEST = datetime.min.replace(tzinfo=UTC)


def recorded_at(text: str) -> datetime | None:
    """A history entry's time as an instant (a time without an offset is read as UTC)."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _last_recorded(history: list[Change], kind: str | None = None) -> datetime | None:
    """When this side last recorded a change (of one milestone, or of anything)."""
    times = [recorded_at(c.recorded) for c in history if kind is None or c.milestone == kind]
    known = [t for t in times if t is not None]
    return max(known) if known else None


class _Entry(Protocol):
    recorded: str

    def to_json(self) -> dict[str, Any]: ...


E = TypeVar("E", bound=_Entry)


def canonical(value: Any) -> str:
    """A value as one comparable string: what "the same" and "sorts last" mean here."""
    if hasattr(value, "to_json"):
        value = value.to_json()
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _when(entry: _Entry) -> datetime:
    return recorded_at(entry.recorded) or _EARLIEST


def _numbered(entries: list[E]) -> list[str]:
    """Each entry's identity: its content and which repeat of that content it is (the same
    edit made twice in one second is two entries, on each side)."""
    seen: dict[str, int] = {}
    keys = []
    for entry in entries:
        key = canonical(entry)
        seen[key] = seen.get(key, 0) + 1
        keys.append(f"{seen[key]}\x00{key}")
    return keys


def joined_history(ours: list[E], theirs: list[E]) -> list[E]:
    """Both histories (of milestones, or of title fields), each entry once, in recorded
    order. The two lists are walked together like a merge sort: of the two next entries
    the earlier goes first, and of two recorded in the same second the one that sorts
    first, so swapping the sides gives the same list and each side's own order is kept."""
    keys_a, keys_b = _numbered(ours), _numbered(theirs)
    done: set[str] = set()
    joined: list[E] = []
    i = j = 0
    while True:
        while i < len(ours) and keys_a[i] in done:
            i += 1
        while j < len(theirs) and keys_b[j] in done:
            j += 1
        if i == len(ours) and j == len(theirs):
            break
        if j == len(theirs):
            take_ours = True
        elif i == len(ours):
            take_ours = False
        else:
            take_ours = (_when(ours[i]), keys_a[i]) <= (_when(theirs[j]), keys_b[j])
        if take_ours:
            joined.append(ours[i])
            done.add(keys_a[i])
        else:
            joined.append(copy.deepcopy(theirs[j]))
            done.add(keys_b[j])
    # A side written out of time order (by hand, or on a clock that went back) stays in its
    # own order: re-sorting would change a store merged with itself.
    return joined


K = TypeVar("K")


def in_order(keys: Any, anchor: list[K], sort_key: Callable[[K], Any], ours: list[K], theirs: list[K]) -> list[K]:
    """The order a merged list is written in: the common version's (in an import, the
    store's), then what is new: in the order both sides agree on, else sorted. So swapping
    the sides gives the same list, and a merge that changes nothing keeps the order."""
    present = set(keys)
    first = [k for k in anchor if k in present]
    placed = set(first)
    new = [k for k in present if k not in placed]
    agreed = [k for k in ours if k in present and k not in placed]
    if agreed == [k for k in theirs if k in present and k not in placed] and len(agreed) == len(new):
        return first + agreed
    return first + sorted(new, key=sort_key)
