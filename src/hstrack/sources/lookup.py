"""Finding a title's page from what a watchlist knows of it: documents in, references out.

- **An IMDb id** resolves directly. TMDb's ``/find/{imdb_id}?external_source=imdb_id``
  (https://developer.themoviedb.org/reference/find-by-id) answers five arrays, always
  present and possibly empty (``movie_results``, ``tv_results``, ``tv_episode_results``,
  ``tv_season_results``, ``person_results``); a miniseries or a TV film may be in either of
  the first two, so both are read and the file's kind breaks a tie. Without TMDb,
  Wikidata's search for the statement ``haswbstatement:P345=tt…`` (CirrusSearch: P345 is
  the IMDb id; ``wbsearchentities`` reads labels only and cannot) gives the item in
  ``query.search[].title``.
- **A name and a year** are searched (``find``'s own search) and matched only when one
  candidate fits: of the kind the file says (any kind of film or series when it says
  none), of that year, and when several fit, the one whose name is the name given. Any
  other outcome is a choice for the person, never a guess.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlencode

from hstrack.sources.facts import Candidate, clean_text

# A film or a special is a TMDb movie; a series or a season is a TMDb tv show.
FITS = {"film": ("film",), "special": ("film", "special", "series"), "series": ("series",), None: ("film", "series")}


class Malformed(ValueError):
    """The answer is not in the documented shape."""


def tmdb_find_url(base: str, imdb: str, language: str = "en-US") -> str:
    query = urlencode({"external_source": "imdb_id", "language": language})
    return f"{base.rstrip('/')}/find/{quote(imdb)}?{query}"


def tmdb_found(doc: Any) -> list[Candidate]:
    """The films and shows a TMDb ``/find`` answer names (an episode's or season's show)."""
    if not isinstance(doc, dict) or doc.get("success") is False:
        raise Malformed("the find answer is not an object of results")
    found: list[Candidate] = []
    for field, media in (("movie_results", "movie"), ("tv_results", "tv")):
        items = doc.get(field, [])
        if not isinstance(items, list):
            raise Malformed(f"{field} is not a list")
        for item in items:
            number = item.get("id") if isinstance(item, dict) else None
            if not isinstance(number, int) or isinstance(number, bool) or not 0 < number < 10**12:
                continue
            name = clean_text(item.get("title") if media == "movie" else item.get("name")) or f"TMDb {media} {number}"
            dated = item.get("release_date") if media == "movie" else item.get("first_air_date")
            year = int(dated[:4]) if isinstance(dated, str) and re.fullmatch(r"[0-9]{4}-.*", dated) else None
            found.append(Candidate(f"tmdb:{media}/{number}", name, year, "film" if media == "movie" else "series",
                                   clean_text(item.get("overview"), 160), "tmdb"))  # fmt: skip
    return found


def wikidata_imdb_url(base: str, imdb: str) -> str:
    query = {"action": "query", "list": "search", "srsearch": f"haswbstatement:P345={imdb}", "srnamespace": "0",
             "srlimit": "2", "format": "json", "maxlag": "5"}  # fmt: skip
    return f"{base.rstrip('/')}/w/api.php?{urlencode(query)}"


def wikidata_found(doc: Any) -> list[str]:
    """The items (Q ids) a search for a statement found."""
    if not isinstance(doc, dict):
        raise Malformed("the search answer is not an object")
    error = doc.get("error")
    if isinstance(error, dict):
        raise Malformed(f"Wikidata refused: {clean_text(error.get('info'), 160) or 'no reason given'}")
    query = doc.get("query")
    hits = query.get("search") if isinstance(query, dict) else None
    if not isinstance(hits, list):
        raise Malformed("the search answer has no list of results")
    found = []
    for hit in hits:
        title = hit.get("title") if isinstance(hit, dict) else None
        if isinstance(title, str) and re.fullmatch(r"Q[1-9][0-9]{0,11}", title):
            found.append(f"wikidata:{title}")
    return found


def normal(name: str) -> str:
    """A name as compared: case, accents, punctuation and spacing set aside."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    kept = "".join(c for c in decomposed if unicodedata.category(c)[0] in "LN" or c.isspace())
    return " ".join(kept.split())


def fitting(candidates: Iterable[Candidate], name: str, year: int | None, kind: str | None) -> list[Candidate]:
    """The candidates that may be the title: of a kind that fits, of its year (a year either
    side when none is of that year: a film's year differs by country), and, of several, those
    named as it is."""
    kinds = FITS.get(kind, (kind or "",))
    same = [c for c in candidates if c.kind in kinds]
    if year is not None:
        exact = [c for c in same if c.year == year]
        same = exact or [c for c in same if c.year is not None and abs(c.year - year) == 1]
    if len(same) > 1:
        named = [c for c in same if normal(c.label) == normal(name)]
        if len(named) == 1 or (named and year is not None):
            same = named
    return same
