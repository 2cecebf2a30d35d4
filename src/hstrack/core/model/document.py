"""The whole store as a document: titles by id, the pin, merge conflicts, unknown fields,
and the schema it is written as."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hstrack.core.errors import UsageError
from hstrack.core.model.title import Title, unknown_title
from hstrack.core.model.unknown import _extra
from hstrack.core.model.validation import (
    _is_slug,
)

# The newest store schema this hstrack reads and writes. Schema 2 is schema 1 plus releases
# and premieres by region and medium: a store is written as 2 only when it holds one, since
# an hstrack that knows only schema 1 would take a UK release for the worldwide one. Every
# other store is still written as 1, byte-for-byte as before, and older versions keep
# reading and writing it. Schemas from OLDEST_CURRENT up need no migration.
SCHEMA_VERSION = 2
OLDEST_CURRENT = 1


@dataclass
class Conflict:
    """A title a git merge could not decide (removed in one copy, changed in the other):
    the merge kept the changed title and records this until ``hstrack git resolve``."""

    title: str
    recorded: str
    reason: str
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "recorded": self.recorded, "reason": self.reason, **_extra(self.extra)}


@dataclass
class Document:
    """The whole store: titles by id, plus any top-level fields we do not know.

    ``read_schema`` is the version the file said; it differs from SCHEMA_VERSION when
    the file was older (and has been migrated in memory) or newer (read-only).
    """

    titles: dict[str, Title] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    read_schema: int = field(default_factory=lambda: SCHEMA_VERSION)
    pin_title: str | None = None  # what the prompt shows, when pinned
    pin_milestone: str | None = None
    # Titles a git merge left undecided (hstrack.sharing.merge); written only when there are any.
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def newer(self) -> bool:
        return self.read_schema > SCHEMA_VERSION

    def has_places(self) -> bool:
        """Whether any title has a release or premiere in a place: only then does the
        viewer's region matter (and the settings get read)."""
        return any(
            m.region is not None or m.medium is not None for t in self.titles.values() for m in t.milestones.values()
        )

    @property
    def schema(self) -> int:
        """The oldest schema that reads this document right (see SCHEMA_VERSION), and never
        one older than OLDEST_CURRENT, which a future migration raises."""
        for title in self.titles.values():
            if any(m.region is not None or m.medium is not None for m in title.milestones.values()):
                return max(OLDEST_CURRENT, 2)
            if any(not _is_slug(c.milestone) for c in title.history):
                return max(OLDEST_CURRENT, 2)
        if self.pin_milestone is not None and not _is_slug(self.pin_milestone):
            return max(OLDEST_CURRENT, 2)
        return OLDEST_CURRENT

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"schema": self.schema}
        if self.pin_title is not None:
            data["pin"] = {"title": self.pin_title, "milestone": self.pin_milestone}
        data["titles"] = [self.titles[key].to_json() for key in sorted(self.titles)]
        if self.conflicts:
            data["conflicts"] = [c.to_json() for c in self.conflicts]
        return {**data, **_extra(self.extra)}

    def get(self, title_id: str) -> Title:
        try:
            return self.titles[title_id]
        except KeyError:
            raise UsageError(unknown_title(title_id, self.titles)) from None

    def milestone_kinds(self) -> set[str]:
        return {m.kind for t in self.titles.values() for m in t.milestones.values()}
