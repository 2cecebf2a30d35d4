"""The whole store as a document: titles by id, the pin, merge conflicts, unknown fields,
and the schema it is written as."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hstrack.core.errors import UsageError
from hstrack.core.model.title import Title, unknown_title
from hstrack.core.model.unknown import _extra

# The newest store schema this hstrack reads and writes. Schema 2 was schema 1 plus
# releases and premieres by region and medium; schema 3 gives every title its ``uid``
# (``hstrack.core.identity``), so every store is written as 3. A store of schema 1 or 2 is
# migrated when it is read (``reading.MIGRATIONS``: the uids are derived, the same on every
# clone), and written as 3 on its first change, after a backup of the old file. An hstrack
# that knows only schema 2 sees a newer store and refuses to write it. Schemas from
# OLDEST_CURRENT up need no migration.
SCHEMA_VERSION = 3
OLDEST_CURRENT = 3


@dataclass
class Conflict:
    """A title a git merge could not decide (removed in one copy, changed in the other):
    the merge kept the changed title and records this until ``hstrack git resolve``."""

    title: str
    recorded: str
    reason: str
    extra: dict[str, Any] = field(default_factory=dict)
    uid: str | None = None  # the title's uid: what the conflict is about, whatever its id becomes

    def to_json(self) -> dict[str, Any]:
        data = {"title": self.title, "recorded": self.recorded, "reason": self.reason}
        if self.uid is not None:
            data["uid"] = self.uid
        return {**data, **_extra(self.extra)}


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
    pin_set: str | None = None  # when the pin was last set or taken away (a merge keeps the later)
    # Titles a git merge left undecided (hstrack.sharing.merge); written only when there are any.
    conflicts: list[Conflict] = field(default_factory=list)
    # Read without the titles' history, for a view (``hstrack.store.stream``): never written.
    partial: bool = False

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
        """The schema this document is written as: every title has a uid, so the newest."""
        return SCHEMA_VERSION

    def by_uid(self) -> dict[str, Title]:
        return {t.uid: t for t in self.titles.values()}

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"schema": self.schema}
        if self.pin_title is not None:
            data["pin"] = {"title": self.pin_title, "milestone": self.pin_milestone}
            if self.pin_set is not None:
                data["pin"]["set"] = self.pin_set
        elif self.pin_set is not None:  # unpinned, and when: a merge keeps the later of pin and unpin
            data["pin"] = {"set": self.pin_set}
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
