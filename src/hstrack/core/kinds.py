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


# A series' episodes, as a sync from TMDb writes them (hstrack.sources.episodes); the note
# starts with the episode's code (S2E05). Views name them by it; upcoming and the calendar
# list the plain next episode only on request (--episodes), and notify follows it only when
# notify.episodes is "all": premieres and finales are what most people want to hear of.
EPISODE_KINDS = ("episode", "season-premiere", "mid-season-finale", "mid-season-premiere", "season-finale",
                 "series-finale")  # fmt: skip
EVERY_EPISODE = ("episode",)


def milestone_rank(kind: str) -> tuple[int, str]:
    """Ladder order for known kinds, then user kinds alphabetically."""
    if kind in MILESTONE_LADDER:
        return (MILESTONE_LADDER.index(kind), kind)
    return (len(MILESTONE_LADDER), kind)
