"""References from a title to its pages at the sources it is linked to: ``wikidata:Q123``,
``tmdb:movie/550``, ``tmdb:tv/1399``, ``tmdb:tv/1399/season/2``, each in one spelling; and
``imdb:tt0111161``, an IMDb title a watchlist import named. IMDb is not asked for dates
(it has no open API): its id is how ``sync`` finds the title's TMDb page (or Wikidata item)
once the network answers, and how a re-import knows the title.

A link is part of a title (``Title.links``), read and checked with the store, so its
grammar is part of the core; the sources that follow a link (``hstrack.sources``) and the
views that name a source use the names here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hstrack.core.errors import UsageError

SOURCES = ("wikidata", "tmdb")  # the sources asked for dates
LINKED = (*SOURCES, "imdb")  # what a title may be linked to
SOURCE_NAMES = {"wikidata": "Wikidata", "tmdb": "TMDb"}
IMDB_SITE = "https://www.imdb.com"
TMDB_SITE = "https://www.themoviedb.org"  # the pages people read; the API's base is apart


@dataclass(frozen=True)
class Reference:
    """A title's page at a source: ``wikidata:Q123``, ``tmdb:movie/550``, ``tmdb:tv/1399``,
    ``tmdb:tv/1399/season/2``."""

    source: str
    kind: str  # "item" (Wikidata), "movie", "tv", "season" (TMDb), "title" (IMDb)
    number: int
    season: int | None = None

    @property
    def text(self) -> str:
        if self.source == "wikidata":
            return f"wikidata:Q{self.number}"
        if self.source == "imdb":
            return f"imdb:tt{self.number:07d}"
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
        if self.source == "imdb":
            return f"{IMDB_SITE}/title/{self.text[5:]}/"
        if self.kind == "season":
            return f"{TMDB_SITE}/tv/{self.number}/season/{self.season}"
        return f"{TMDB_SITE}/{self.kind}/{self.number}"


_NUMBER = r"[1-9][0-9]{0,11}"  # ASCII digits: \d would read "Q4٢" as Q42
_FORMS = (
    re.compile(rf"wikidata:(?P<q>q{_NUMBER})"),
    re.compile(rf"tmdb:(?P<kind>movie|tv)/(?P<n>{_NUMBER})(?:/season/(?P<s>0|{_NUMBER}))?"),
    re.compile(r"imdb:tt(?P<tt>[0-9]{7,10})"),
    # Pasted pages: https://www.wikidata.org/wiki/Q123, https://www.themoviedb.org/movie/550-fight-club
    re.compile(rf"https?://(?:www\.|m\.)?wikidata\.org/(?:wiki|entity)/(?P<q>q{_NUMBER})/?"),
    re.compile(
        rf"https?://(?:www\.)?themoviedb\.org/(?P<kind>movie|tv)/(?P<n>{_NUMBER})(?:-[a-z0-9-]*)?"
        rf"(?:/season/(?P<s>0|{_NUMBER}))?/?"
    ),
    re.compile(r"https?://(?:www\.|m\.)?imdb\.com/title/tt(?P<tt>[0-9]{7,10})/?"),
)
REFERENCE_FORMS = "wikidata:Q123, tmdb:movie/550, tmdb:tv/1399, tmdb:tv/1399/season/2 or imdb:tt0111161"


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
        if groups.get("tt"):
            number = int(groups["tt"])
            if number == 0 or (len(groups["tt"]) > 7 and groups["tt"][0] == "0"):
                break  # one spelling: tt0111161, tt10872600; never tt00111161
            return Reference("imdb", "title", number)
        if groups.get("q"):
            return Reference("wikidata", "item", int(groups["q"][1:]))
        season = groups.get("s")
        if season is not None:
            if groups["kind"] != "tv":
                break
            return Reference("tmdb", "season", int(groups["n"]), int(season))
        return Reference("tmdb", groups["kind"], int(groups["n"]))
    raise UsageError(f"{text!r} is not a reference to a source: use {REFERENCE_FORMS}")
