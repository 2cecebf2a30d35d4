"""What a merge did: per title (``TitleOutcome``) and in all (``MergeResult``), and one
merge's settings (``MergeSettings``: when, and whether there is an "own" side)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hstrack.sharing.merge.history import canonical


@dataclass
class TitleOutcome:
    id: str
    action: str  # added | updated | kept | unchanged | removed | conflict
    details: list[str] = field(default_factory=list)
    # Facts both sides changed differently, and how each was decided (the git driver's lines).
    contested: list[str] = field(default_factory=list)


@dataclass
class MergeResult:
    titles: list[TitleOutcome] = field(default_factory=list)

    def ids(self, action: str) -> list[str]:
        return [t.id for t in self.titles if t.action == action]

    @property
    def changed(self) -> bool:
        return any(t.action in ("added", "updated", "removed", "conflict") for t in self.titles)

    @property
    def counts(self) -> str:
        parts = [f"{len(self.ids(a))} {a}" for a in ("added", "updated", "kept", "unchanged")]
        return ", ".join(parts)

    @property
    def contested(self) -> list[str]:
        return [f"{t.id}: {line}" for t in self.titles for line in t.contested]

    @property
    def conflicts(self) -> list[str]:
        return self.ids("conflict")


@dataclass
class MergeSettings:
    """One merge's settings: when it happens (for the entries it records) and whether
    there is no "own" side (the git driver: ties go to the value that sorts last)."""

    now: datetime
    symmetric: bool

    def theirs_on_tie(self, ours: Any, theirs: Any) -> bool:
        return self.symmetric and canonical(theirs) > canonical(ours)
