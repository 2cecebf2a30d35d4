"""A milestone: one dated fact about a title (its kind, date, tentativeness, source, note,
and for a release or premiere its region and medium), and the order milestones are listed in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hstrack.core.kinds import milestone_rank
from hstrack.core.model.unknown import _extra

if TYPE_CHECKING:
    from hstrack.core.dates.spec import DateSpec


@dataclass(slots=True)
class Milestone:
    kind: str
    date: DateSpec
    tentative: bool = False
    source: str | None = None
    note: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # Where and how (a release or premiere only): an ISO 3166-1 code, None for worldwide;
    # a medium (regions.MEDIA), None for any. Written only when set, so a store without
    # them is byte-for-byte what it was.
    region: str | None = None
    medium: str | None = None
    # Where the fact came from when a sync wrote it ("wikidata", "tmdb"; see hstrack.sources);
    # None for a fact a person typed. Written only when set, so a store without synced facts
    # is byte-for-byte what it was, and an older hstrack carries it as a field it does not know.
    origin: str | None = None
    # A TBA known to have happened, on a day not known (a source's status: "In Production"
    # says production has started): reached, as a cancellation dated TBA is. Written only
    # when true; a new date replaces it, as it replaces the source and note.
    happened: bool = False

    @property
    def key(self) -> str:
        """What names it within its title: ``release``, ``release@GB:theatrical``."""
        if self.region is None and self.medium is None:
            return self.kind
        from hstrack.core.regions import make_key

        return make_key(self.kind, self.region, self.medium)

    def to_json(self) -> dict[str, Any]:
        if self.region is not None or self.medium is not None:
            placed: dict[str, Any] = {"kind": self.kind}
            if self.region is not None:
                placed["region"] = self.region
            if self.medium is not None:
                placed["medium"] = self.medium
            placed.update(self.dated_json())
            return placed
        return {"kind": self.kind, **self.dated_json()}

    def dated_json(self) -> dict[str, Any]:
        data = {
            "date": self.date.canonical,
            "tentative": self.tentative,
            "source": self.source,
            "note": self.note,
        }
        if self.origin is not None:
            data["origin"] = self.origin
        if self.happened:
            data["happened"] = True
        return {**data, **_extra(self.extra)}

    def same_fact(self, other: Milestone) -> bool:
        return (self.date, self.tentative, self.source, self.note, self.origin, self.happened) == (
            other.date,
            other.tentative,
            other.source,
            other.note,
            other.origin,
            other.happened,
        )


def sorted_milestones(items: Any) -> list[Milestone]:
    return sorted(items, key=lambda m: (*milestone_rank(m.kind), m.region or "", m.medium or ""))


def _milestone_fields(m: Milestone | None) -> dict[str, Any] | None:
    if m is None:
        return None
    return m.dated_json()  # the change's milestone key says which it is
