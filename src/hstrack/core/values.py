"""Frozen value objects without ``@dataclass`` at import.

``@dataclass(frozen=True)`` writes and compiles five methods for each class when its module
is imported: about 0.3 ms a class on Python 3.11, paid by every run that imports it, most of
which never build one (issue 18). A class built on ``Value`` names its fields in order in
``__match_args__`` (as a dataclass does; ``__slots__`` is the same tuple) and writes its own
``__init__``; equality, hashing, ``repr`` and refusing assignment behave as the
dataclass's did, field by field in that order.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from typing import Any


class Value:
    __slots__ = ()
    __match_args__: tuple[str, ...] = ()

    def _fields(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__match_args__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Value)
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__match_args__)
        return f"{type(self).__qualname__}({shown})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")
