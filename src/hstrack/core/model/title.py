"""A title: its own fields, its milestones by key, and the history of both."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hstrack.core.identity import new_uid
from hstrack.core.model.milestone import Milestone, sorted_milestones
from hstrack.core.model.unknown import _extra, _sorted
from hstrack.core.model.validation import (
    slugify,
)

if TYPE_CHECKING:
    from hstrack.core.model.history import Change, Edit, Proposal


@dataclass
class Title:
    id: str
    name: str
    # The title's identity (``hstrack.core.identity``): given at creation, never changed by a
    # rename; calendars, notify's record, merges and imports know the title by it.
    uid: str = field(default_factory=new_uid, kw_only=True)
    kind: str = "other"
    label: str | None = None  # the short name the prompt shows
    platform: str | None = None
    synopsis: str | None = None
    notes: str | None = None
    credits: dict[str, list[str]] = field(default_factory=dict)
    milestones: dict[str, Milestone] = field(default_factory=dict)
    history: list[Change] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    edits: list[Edit] = field(default_factory=list)  # changes of the fields above, in recorded order
    # When each title field (name, label, kind, platform, synopsis, notes, credits) was last
    # set, so a merge can keep the newer of two; written only once there is one, so a store
    # without any reads and writes as before (and an older hstrack carries it through).
    edited: dict[str, str] = field(default_factory=dict)
    # Sources this title is linked to ("wikidata:Q123", "tmdb:movie/550"; hstrack.sources),
    # the values a sync holds for the user to accept or reject (proposals), and those they
    # rejected, so the same value is not proposed again. Each written only when not empty.
    links: list[str] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    rejected: list[Proposal] = field(default_factory=list)
    # Lead times for `hstrack notify` (`hstrack remind`): a milestone's key, or ALL_MILESTONES
    # for the whole title, to its leads, longest first ([] is off). Written only when set.
    notify: dict[str, list[str]] = field(default_factory=dict)
    # When a sync last asked every source the title is linked to and each answered (whether
    # or not anything changed): with the history, when its facts were last confirmed
    # (report.freshness). Written only when set, so a title never synced reads as before.
    synced: str | None = None
    # The title's country of origin (ISO 3166-1), as its sources say: of releases on one day
    # in several countries, its own is "the" one (report.titles). Written only when known.
    country: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "uid": self.uid,
            "name": self.name,
            "label": self.label,
            "kind": self.kind,
            "platform": self.platform,
            "synopsis": self.synopsis,
            "notes": self.notes,
            "credits": self.credits,
            "milestones": [m.to_json() for m in sorted_milestones(self.milestones.values())],
            "history": [c.to_json() for c in self.history],
        }
        if self.edits:
            data["edits"] = [e.to_json() for e in self.edits]
        if self.edited:
            data["edited"] = _sorted(self.edited)
        if self.links:
            data["links"] = list(self.links)
        if self.proposals:
            data["proposals"] = [p.to_json() for p in self.proposals]
        if self.rejected:
            data["rejected"] = [p.to_json() for p in self.rejected]
        if self.notify:
            data["notify"] = {key: list(leads) for key, leads in _sorted(self.notify).items()}
        if self.synced is not None:
            data["synced"] = self.synced
        if self.country is not None:
            data["country"] = self.country
        return {**data, **_extra(self.extra)}

    def mark_edited(self, name: str, now: datetime) -> None:
        self.edited[name] = now.isoformat(timespec="seconds")


def unknown_title(title_id: str, titles: dict[str, Title]) -> str:
    """ "no title with id X" and the ids it was probably meant to be: close spellings, and
    titles whose name says what was typed; never a cut-off list that leaves them out."""
    if not titles:
        return f"no title with id {title_id!r} (none yet; add one with hstrack add)"
    typed = title_id.strip().lower()
    from hstrack.core.suggest import close_matches, did_you_mean  # only a mistake pays for it

    near = close_matches(typed, titles)
    words = slugify(typed)
    if words:
        near += [t.id for t in titles.values() if t.id not in near and words in slugify(t.name)]
    if near:
        return f"no title with id {title_id!r}{did_you_mean(near[:5])}"
    return f"no title with id {title_id!r}; hstrack status lists the {len(titles)} ids"
