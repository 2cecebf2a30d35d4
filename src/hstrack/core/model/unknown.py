"""Fields this version does not know, carried through untouched.

The store is a person's data and may be written by a newer hstrack: any field or record
hstrack does not know is kept as it is (``extra``), written back in a fixed order, and
checked only to nest no deeper than ``MAX_DEPTH``. ``NumberWatch`` tells the store when
such a field holds a number orjson would read or write differently from json.
"""

from __future__ import annotations

from typing import Any

from hstrack.core.model.shape import ShapeError, shown


def _sorted(extra: dict[str, Any]) -> dict[str, Any]:
    return {key: extra[key] for key in sorted(extra)}


class NumberWatch:
    """Whether a field hstrack does not know holds a float (or an integer beyond 64 bits).

    The store reads and writes large files with orjson, which differs from json on exactly
    those numbers: it reads an integer beyond 64 bits as a float, and writes some floats
    differently (``1e-7`` where json writes ``1e-07``). hstrack's own fields hold only
    text and the schema number, so such numbers can only sit in unknown fields, and every
    unknown field passes through ``_known`` (reading) and ``_extra`` (writing). The store
    resets ``seen``, reads or writes, and takes json's exact path when it is set.
    A command runs on one thread, so one flag for the process is enough.
    """

    seen = False


def _extra(extra: dict[str, Any]) -> dict[str, Any]:
    """A record's unknown fields, in a fixed order, as they are written."""
    if not extra:
        return extra
    if not NumberWatch.seen and _has_inexact_number(extra):
        NumberWatch.seen = True
    return _sorted(extra)


def _has_inexact_number(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) or (type(item) is int and not -(2**63) <= item < 2**64):
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


MAX_DEPTH = 32  # how deep a field hstrack does not know may nest (its own go 6 deep)


def _known(data: dict[str, Any], keys: frozenset[str]) -> dict[str, Any]:
    """The fields we do not know, kept as they are (a set difference: most records have none).
    They are carried, never shown, but still checked to nest no deeper than ``MAX_DEPTH``:
    deeper data would break copying and writing it on a smaller stack."""
    unknown = data.keys() - keys
    if not unknown:
        return {}
    for key in unknown:
        if _too_deep(data[key]):
            raise ShapeError(f"field {shown(key)} nests deeper than {MAX_DEPTH} levels")
        if not NumberWatch.seen and _has_inexact_number(data[key]):
            NumberWatch.seen = True
    return {k: data[k] for k in data if k in unknown}


def _too_deep(value: Any) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > MAX_DEPTH:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False
