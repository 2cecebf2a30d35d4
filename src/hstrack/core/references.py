"""References from a title to its pages at the sources it is linked to: ``wikidata:Q123``,
``tmdb:movie/550``, ``tmdb:tv/1399``, ``tmdb:tv/1399/season/2``, each in one spelling.

A link is part of a title (``Title.links``), read and checked with the store, so its
grammar is part of the core; the sources that follow a link (``hstrack.sources``) and the
views that name a source use the names here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hstrack.core.errors import UsageError

SOURCES = ("wikidata", "tmdb")
SOURCE_NAMES = {"wikidata": "Wikidata", "tmdb": "TMDb"}
TMDB_SITE = "https://www.themoviedb.org"  # the pages people read; the API's base is apart


@dataclass(frozen=True)
class Reference:
    """A title's page at a source: ``wikidata:Q123``, ``tmdb:movie/550``, ``tmdb:tv/1399``,
    ``tmdb:tv/1399/season/2``."""

    source: str
    kind: str  # "item" (Wikidata), "movie", "tv", "season" (TMDb)
    number: int
    season: int | None = None

    @property
    def text(self) -> str:
        if self.source == "wikidata":
            return f"wikidata:Q{self.number}"
        if self.kind == "season":
            return f"tmdb:tv/{self.number}/season/{self.season}"
        return f"tmdb:{self.kind}/{self.number}"

    @property
    def qid(self) -> str:
        return f"Q{self.number}"

    def page(self, wikidata_base: str = "https://www.wikidata.org") -> str:
        """The page a person reads (without a revision)."""
        if self.source == "wikidata":
            return f"{wikidata_base}/wiki/{self.qid}"
        if self.kind == "season":
            return f"{TMDB_SITE}/tv/{self.number}/season/{self.season}"
        return f"{TMDB_SITE}/{self.kind}/{self.number}"


_NUMBER = r"[1-9][0-9]{0,11}"  # ASCII digits: \d would read "Q4٢" as Q42
_FORMS = (
    re.compile(rf"wikidata:(?P<q>q{_NUMBER})"),
    re.compile(rf"tmdb:(?P<kind>movie|tv)/(?P<n>{_NUMBER})(?:/season/(?P<s>0|{_NUMBER}))?"),
    # Pasted pages: https://www.wikidata.org/wiki/Q123, https://www.themoviedb.org/movie/550-fight-club
    re.compile(rf"https?://(?:www\.|m\.)?wikidata\.org/(?:wiki|entity)/(?P<q>q{_NUMBER})/?"),
    re.compile(
        rf"https?://(?:www\.)?themoviedb\.org/(?P<kind>movie|tv)/(?P<n>{_NUMBER})(?:-[a-z0-9-]*)?"
        rf"(?:/season/(?P<s>0|{_NUMBER}))?/?"
    ),
)
REFERENCE_FORMS = "wikidata:Q123, tmdb:movie/550, tmdb:tv/1399 or tmdb:tv/1399/season/2"


def parse_reference(value: str) -> Reference:
    """A reference as typed (or pasted as a page's address), in its one spelling."""
    text = value.strip()
    if len(text) > 200:
        raise UsageError(f"{text[:40]!r}… is not a reference to a source: use {REFERENCE_FORMS}")
    low = text.lower()
    if low.startswith(("https://", "http://")):
        low = re.split(r"[?#]", low, maxsplit=1)[0]  # a pasted page's query (?language=en-US) or fragment
    for form in _FORMS:
        m = form.fullmatch(low)
        if m is None:
            continue
        groups = m.groupdict()
        if groups.get("q"):
            return Reference("wikidata", "item", int(groups["q"][1:]))
        season = groups.get("s")
        if season is not None:
            if groups["kind"] != "tv":
                break
            return Reference("tmdb", "season", int(groups["n"]), int(season))
        return Reference("tmdb", groups["kind"], int(groups["n"]))
    raise UsageError(f"{text!r} is not a reference to a source: use {REFERENCE_FORMS}")
