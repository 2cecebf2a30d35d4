"""The primitives of reading a file: ``ShapeError`` (the JSON parsed but is not an hstrack
document, and says where), type checks that build their message only on failure, and the
typed-input rules applied to a value read from a file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from hstrack.core.dates.spec import MAX_YEAR, MIN_YEAR
from hstrack.core.errors import UsageError


class ShapeError(ValueError):
    """The JSON parsed but is not an hstrack document; says where."""


def _expect(value: Any, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ShapeError(f"{where}: expected {names}, found {type(value).__name__}")
    return value


def _opt_str(data: dict[str, Any], key: str, where: str) -> str | None:
    value = data.get(key)
    return None if value is None else _expect(value, str, f"{where}.{key}")


def shown(value: object, limit: int = 40) -> str:
    """A value for a message: its repr, cut short (a file can hold a 100 MB string)."""
    text = repr(value[: limit + 1] if isinstance(value, str) else value)
    return text if len(text) <= limit + 2 else text[:limit] + "…"


def _valid(where: str, check: Callable[..., object], *args: Any) -> None:
    """Run a typed-input rule on a value read from a file; its refusal names the record."""
    try:
        check(*args)
    except UsageError as exc:
        raise ShapeError(f"{where}: {exc.message}") from None


def _is_timestamp(value: str) -> bool:
    """An ISO 8601 time with its offset, as hstrack records every change."""
    if len(value) > 40:
        return False
    try:
        moment = datetime.fromisoformat(value)
        utc = moment.astimezone(UTC) if moment.tzinfo is not None else None
    except (ValueError, OverflowError):
        return False
    return utc is not None and MIN_YEAR <= moment.year <= MAX_YEAR and MIN_YEAR <= utc.year <= MAX_YEAR
