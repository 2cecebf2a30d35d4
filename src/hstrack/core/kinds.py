"""The words of the model: the kinds of title and of milestone, and the production ladder.

A leaf of the core: regions, the model and the views all speak these words, so they live
apart from the classes that use them (regions must know which milestones take a place
without importing the model that imports regions)."""

from __future__ import annotations

TITLE_KINDS = ("film", "series", "season", "special", "other")
# The milestone kinds that may carry a region and a medium: where and how a title reaches
# people (see hstrack.core.regions).
PLACED_KINDS = ("premiere", "release")

# The production ladder, in order. A premiere (a festival or world premiere) is its own
# milestone, before the release; it does not make a title released.
MILESTONE_LADDER = ("announced", "production-start", "production-end", "trailer", "premiere", "release", "cancelled")
MILESTONE_ALIASES = {
    "confirmed": "announced",
    "filming": "production-start",
    "shooting": "production-start",
    "wrap": "production-end",
    "wrapped": "production-end",
    "canceled": "cancelled",
}


def milestone_rank(kind: str) -> tuple[int, str]:
    """Ladder order for known kinds, then user kinds alphabetically."""
    if kind in MILESTONE_LADDER:
        return (MILESTONE_LADDER.index(kind), kind)
    return (len(MILESTONE_LADDER), kind)
