"""The words of the model: the kinds of title and of milestone, and the production ladder.

A leaf of the core: regions, the model and the views all speak these words, so they live
apart from the classes that use them (regions must know which milestones take a place
without importing the model that imports regions)."""

from __future__ import annotations

from collections.abc import Container

TITLE_KINDS = ("film", "series", "season", "special", "other")
# Words people use for a kind of title, offered as "did you mean" (never taken silently:
# a kind is one spelling in the store, and "show" could be a series or a special).
TITLE_KIND_WORDS = {
    **dict.fromkeys(("movie", "movies", "feature", "feature-film", "picture", "short", "short-film"), "film"),
    **dict.fromkeys(("show", "tv", "tv-show", "tv-series", "serial", "programme", "program", "miniseries",
                     "mini-series", "limited-series", "docuseries"), "series"),
    **dict.fromkeys(("tv-season", "series-season"), "season"),
    **dict.fromkeys(("tv-special", "one-off", "tv-movie", "tv-film"), "special"),
}  # fmt: skip
# The milestone kinds that may carry a region and a medium: where and how a title reaches
# people (see hstrack.core.regions).
PLACED_KINDS = ("premiere", "release")

# Titles that go out on television or streaming in runs of episodes. To their viewers a
# premiere (a season's first episode going out) *is* the release: for a series or a season
# with no release milestone, its premiere plays the release's part everywhere
# (``release_kind``). With a release too, the release is the release and the premiere a
# screening ahead of the run, as for a film.
TV_KINDS = ("series", "season")

# The production ladder, in order. A premiere (a festival or world premiere) is its own
# milestone, before the release; for a film it does not make a title released.
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


def release_kind(title_kind: str | None, milestone_kinds: Container[str]) -> str:
    """Which kind of milestone is a title's release: ``release``, or for a series or a
    season that has none (``milestone_kinds`` does not hold it), ``premiere``."""
    if title_kind in TV_KINDS and "release" not in milestone_kinds:
        return "premiere"
    return "release"
