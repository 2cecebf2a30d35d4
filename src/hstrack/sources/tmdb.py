"""TMDb: API documents in, milestones out. No sockets here (see ``sources.http``).

Shapes read, from TMDb's API reference:

- ``/search/multi`` (https://developer.themoviedb.org/reference/search-multi): results with
  ``media_type`` movie (``title``, ``release_date``) or tv (``name``, ``first_air_date``);
  people are left out;
- ``/movie/{id}?append_to_response=release_dates``
  (https://developer.themoviedb.org/reference/movie-details,
  https://developer.themoviedb.org/reference/movie-release-dates,
  https://developer.themoviedb.org/docs/append-to-response): ``status`` and, per country
  (``iso_3166_1``), release dates of six types (1 premiere, 2 theatrical (limited), 3
  theatrical, 4 digital, 5 physical, 6 TV: ``regions.TMDB_TYPES``) with a ``note``;
- ``/tv/{id}`` (https://developer.themoviedb.org/reference/tv-series-details): ``status``,
  ``first_air_date``, and its episodes (``sources.episodes``); ``/tv/{id}/season/{n}``
  (https://developer.themoviedb.org/reference/tv-season-details): ``air_date`` and its
  episodes, read with its series' document (``sources.episodes``).

A TMDb date is a calendar day, never an instant: ``2026-10-03T00:00:00.000Z`` in
``release_dates`` is the day 3 October 2026 in that country, not midnight UTC (which is the
evening before in the Americas). Only the day is read.

TMDb's contribution rules put ``YEAR-01-01`` where only the year is known ("When only the
year is known, the release date should be added as YEAR-01-01",
https://www.themoviedb.org/bible/movie/59f3b16d9251414f20000009), so 1 January is read as
the year. The price: a film that really opens on New Year's Day reads as its year, which is
true, only less precise; a typed date for it is never overwritten by that (see sync).

``status`` gives the facts it means, on days TMDb does not give, so dated TBA and marked
as having happened (``happened``: reached, as a cancellation dated TBA is), never with a
made-up day: Canceled is a cancellation; Planned says the title is announced; In Production
that it is announced and production has started; Post Production that production has also
ended. Rumored, Released and a series' Returning Series, Ended and Pilot imply nothing a date
does not already say.

Release dates TMDb notes as a re-release ("Re-release", "4K re-release", "reissue") are
not a release: the first of a type in a country is, and a re-release may be the only one
listed there. A title's country of origin (``origin_country``, else the only production
country) is kept: on a same-day tie its release is "the" one. ``language`` is asked in the
user's language (``access.language``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from hstrack.core.dates.grammar import parse_canonical
from hstrack.core.dates.spec import DateError, DateSpec
from hstrack.sources.facts import Candidate, Fact, Fetched, clean_text

if TYPE_CHECKING:
    from hstrack.core.references import Reference

ORIGIN = "tmdb"
_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T[0-9:.]*Z?)?")  # ASCII digits only
KINDS = {"movie": "film", "tv": "series"}


class Malformed(ValueError):
    """The answer is not in the documented shape."""


# TMDb's statuses and the facts each means (happened, on a day TMDb does not give).
STATUS_FACTS = {
    "Canceled": ("cancelled",),
    "Planned": ("announced",),
    "In Production": ("announced", "production-start"),
    "Post Production": ("announced", "production-start", "production-end"),
}
_RE_RELEASE = re.compile(r"\bre-?releas|\bre-?issue|\brerun\b", re.I)


def search_url(base: str, name: str, language: str = "en-US") -> str:
    query = {"query": name, "include_adult": "false", "language": language, "page": "1"}
    return f"{base.rstrip('/')}/search/multi?{urlencode(query)}"


def url(base: str, reference: Reference, language: str = "en-US") -> str:
    root = base.rstrip("/")
    lang = urlencode({"language": language})
    if reference.kind == "movie":
        return f"{root}/movie/{reference.number}?append_to_response=release_dates&{lang}"
    if reference.kind == "season":
        return f"{root}/tv/{reference.number}/season/{reference.season}?{lang}"
    return f"{root}/tv/{reference.number}?{lang}"


def day(value: Any) -> tuple[DateSpec | None, str | None]:
    """A TMDb date as a day (or, for YEAR-01-01, the year); (None, why) when unusable."""
    if value is None or value == "":
        return None, None
    if not isinstance(value, str) or len(value) > 40:
        return None, "a date that is not text"
    m = _DAY.fullmatch(value.strip())
    if m is None:
        return None, f"a date hstrack cannot read ({clean_text(value, 30)})"
    text = f"{m[1]}-{m[2]}-{m[3]}"
    if m[2] == "01" and m[3] == "01":
        text = m[1]  # TMDb's "only the year is known"
    try:
        return parse_canonical(text), None
    except DateError:
        return None, f"an impossible or out-of-range date ({text})"


def candidates(doc: Any) -> list[Candidate]:
    if not isinstance(doc, dict) or not isinstance(doc.get("results"), list):
        raise Malformed("the search answer has no list of results")
    found = []
    for item in doc["results"]:
        if not isinstance(item, dict) or not isinstance(item.get("media_type"), str) or item["media_type"] not in KINDS:
            continue
        number = item.get("id")
        if not isinstance(number, int) or isinstance(number, bool) or not 0 < number < 10**12:
            continue
        media = item["media_type"]
        name = clean_text(item.get("title") if media == "movie" else item.get("name"))
        if name is None:
            continue
        spec, _ = day(item.get("release_date") if media == "movie" else item.get("first_air_date"))
        year = spec.earliest.year if spec is not None and spec.earliest is not None else None
        found.append(Candidate(f"tmdb:{media}/{number}", name, year, KINDS[media],
                               clean_text(item.get("overview"), 160), ORIGIN))  # fmt: skip
    return found


def _origin_country(doc: dict[str, Any]) -> str | None:
    """The country a title comes from: its one ``origin_country``, else its one production
    country; None when TMDb names none or several."""
    from hstrack.core.regions import is_region

    codes = doc.get("origin_country")
    if not isinstance(codes, list) or not codes:
        countries = doc.get("production_countries")
        codes = [c.get("iso_3166_1") for c in countries if isinstance(c, dict)] if isinstance(countries, list) else []
    valid = {c for c in codes if isinstance(c, str) and is_region(c)}
    return valid.pop() if len(valid) == 1 else None


def _check(doc: Any, reference: Reference) -> dict[str, Any]:
    if not isinstance(doc, dict):
        raise Malformed("the answer is not an object")
    if doc.get("success") is False:
        message = clean_text(doc.get("status_message"), 160) or "no reason given"
        raise Malformed(f"TMDb refused: {message}")
    number = doc.get("id")
    if reference.kind != "season" and number != reference.number:
        raise Malformed(f"the answer is about id {clean_text(str(number), 20)}, not {reference.number}")
    return doc


def facts(reference: Reference, doc: Any, companion: Any = None) -> Fetched:
    """What a movie, series or season document says of the title's milestones; for a
    series, with its current season's document (``episodes.season_to_read``), and for a
    season with its series' document, when fetched (``episodes``)."""
    from hstrack.core.regions import TMDB_TYPES, is_region, make_key
    from hstrack.sources import episodes

    doc = _check(doc, reference)
    source = reference.page()
    if reference.kind == "season":
        out = Fetched(reference, clean_text(doc.get("name")), "season")
        spec, why = day(doc.get("air_date"))
        if spec is not None:
            out.facts.append(Fact("release", spec, source, ORIGIN))
        elif why:
            out.notes.append(f"air_date: left out {why}")
        episodes.season_facts(reference, doc, companion, out)
        return out
    is_movie = reference.kind == "movie"
    out = Fetched(reference, clean_text(doc.get("title") if is_movie else doc.get("name")), KINDS[reference.kind])
    out.country = _origin_country(doc)
    status = doc.get("status") if isinstance(doc.get("status"), str) else None
    for kind in STATUS_FACTS.get(status or "", ()):
        note = f"TMDb status: {status}; TMDb gives no day"
        out.facts.append(Fact(kind, parse_canonical("TBA"), source, ORIGIN, note=note, happened=True))
    if not is_movie:
        spec, why = day(doc.get("first_air_date"))
        if spec is not None:
            out.facts.append(Fact("release", spec, source, ORIGIN))
        elif why:
            out.notes.append(f"first_air_date: left out {why}")
        episodes.facts(reference, doc, companion, out)
        return out
    by_key: dict[str, list[tuple[DateSpec, str | None]]] = {}
    block = doc.get("release_dates")
    countries = block.get("results") if isinstance(block, dict) else None
    if block is not None and not isinstance(countries, list):
        raise Malformed("release_dates has no list of results")
    for country in countries or []:
        if not isinstance(country, dict):
            raise Malformed("a release_dates entry is not an object")
        code = country.get("iso_3166_1")
        dates = country.get("release_dates")
        if not isinstance(code, str) or not isinstance(dates, list):
            raise Malformed("a release_dates entry has no country or no dates")
        if not is_region(code):
            out.notes.append(f"release_dates: left out a country hstrack does not know ({clean_text(code, 8)})")
            continue
        for entry in dates:
            kind_number = entry.get("type") if isinstance(entry, dict) else None
            if not isinstance(kind_number, int) or isinstance(kind_number, bool) or kind_number not in TMDB_TYPES:
                out.notes.append(f"release_dates: left out an entry of no known type in {code}")
                continue
            spec, why = day(entry.get("release_date"))
            if spec is None:
                if why:
                    out.notes.append(f"release_dates {code}: left out {why}")
                continue
            said = clean_text(entry.get("note"))
            if said is not None and _RE_RELEASE.search(said):
                out.notes.append(f"release_dates {code}: left out {spec.text}, noted as a re-release ({said})")
                continue
            kind, medium = TMDB_TYPES[kind_number]
            by_key.setdefault(make_key(kind, code, medium), []).append((spec, said))
    for key, found in sorted(by_key.items()):
        # Several dates of one type in one country (a re-release, a second festival): the
        # first is the release.
        first, said = min(found, key=lambda f: (f[0].earliest, f[0].latest))
        out.facts.append(Fact(key, first, source, ORIGIN, note=said))
    if not by_key:
        # No dates per country: the primary release date stands for the release (worldwide).
        spec, why = day(doc.get("release_date"))
        if spec is not None:
            out.facts.append(Fact("release", spec, source, ORIGIN))
        elif why:
            out.notes.append(f"release_date: left out {why}")
    return out
