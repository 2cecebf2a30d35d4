"""What is recorded when a title changes: a ``Change`` of a milestone, an ``Edit`` of a
title's own field, and a ``Proposal`` a source made that waits for the person."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from hstrack.core.model.milestone import Milestone, _milestone_fields
from hstrack.core.model.unknown import _extra


@dataclass(slots=True)
class Change:
    """One recorded change of one milestone: when, and the milestone before and after."""

    recorded: str
    milestone: str
    old: Milestone | None
    new: Milestone | None
    extra: dict[str, Any] = field(default_factory=dict)
    # The sync that made the change ("wikidata", "tmdb"); None when a person made it (set,
    # unset, import, accepting a proposal). Written only when set.
    origin: str | None = None

    @property
    def date_changed(self) -> bool:
        """The date appeared, moved or went: what history, checks and calendars care about
        (a note or source edit alone is not a change of date)."""
        return (self.old.date if self.old else None) != (self.new.date if self.new else None)

    def to_json(self) -> dict[str, Any]:
        data = {
            "recorded": self.recorded,
            "milestone": self.milestone,
            "old": _milestone_fields(self.old),
            "new": _milestone_fields(self.new),
        }
        if self.origin is not None:
            data["origin"] = self.origin
        return {**data, **_extra(self.extra)}


# What `edit`, `label`, `credit` and `rename` change on a title, each recorded as an Edit.
TITLE_FIELDS = ("name", "label", "kind", "platform", "synopsis", "notes", "credits")
EDITABLE = ("id", *TITLE_FIELDS)
# What a title's ``edited`` says the time of: those fields, and its lead times (``remind``
# sets them and records no edit, but a merge must still know which side set them later).
STAMPED = (*TITLE_FIELDS, "notify")


@dataclass
class Edit:
    """One recorded change of a title's own field (its name, kind, credits, id, ...): when,
    and the value before and after (None: it had none). Milestones have ``Change``; these
    are kept apart, in the title's ``edits``, so a store without any reads as before."""

    recorded: str
    field: str
    old: Any  # str, or for credits {role: [names]}; None when not set
    new: Any
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)  # `field` is the attribute above

    def to_json(self) -> dict[str, Any]:
        return {"recorded": self.recorded, "field": self.field, "old": self.old, "new": self.new, **_extra(self.extra)}


ORIGINS = ("wikidata", "tmdb")  # the sources a synced fact can come from


@dataclass
class Proposal:
    """A value a source gave for a milestone the user typed differently: held for the user
    to accept or reject (``hstrack accept``/``reject``), never applied by itself. A rejected
    one is kept so the same value is not proposed again."""

    recorded: str
    milestone: str  # the key: release@GB:theatrical
    origin: str
    new: Milestone  # the source's value, with its source (URL) and origin
    extra: dict[str, Any] = field(default_factory=dict)

    def same_value(self, other: Milestone) -> bool:
        return (self.new.date, self.new.tentative) == (other.date, other.tentative)

    def to_json(self) -> dict[str, Any]:
        return {
            "recorded": self.recorded,
            "milestone": self.milestone,
            "origin": self.origin,
            "new": _milestone_fields(self.new),
            **_extra(self.extra),
        }
