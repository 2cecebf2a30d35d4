"""Recorded answers of Wikidata and TMDb, in the shapes their documentation gives.

Wikidata: the Wikibase JSON data model (https://www.mediawiki.org/wiki/Wikibase/DataModel/JSON)
as the Action API returns it from ``wbgetentities``
(https://www.wikidata.org/w/api.php?action=help&modules=wbgetentities) and
``wbsearchentities`` (https://www.wikidata.org/w/api.php?action=help&modules=wbsearchentities);
time values and their precisions (https://www.wikidata.org/wiki/Help:Dates), ranks
(https://www.wikidata.org/wiki/Help:Ranks), a missing entity (``"missing": ""``) and an API
error (``{"error": {"code", "info"}}``, https://www.mediawiki.org/wiki/API:Errors_and_warnings).

TMDb: ``/search/multi`` (https://developer.themoviedb.org/reference/search-multi),
``/movie/{id}`` with ``append_to_response=release_dates``
(https://developer.themoviedb.org/reference/movie-details,
https://developer.themoviedb.org/reference/movie-release-dates), ``/tv/{id}``
(https://developer.themoviedb.org/reference/tv-series-details), ``/tv/{id}/season/{n}``
(https://developer.themoviedb.org/reference/tv-season-details) and the error body
(https://developer.themoviedb.org/docs/errors: ``success``, ``status_code``,
``status_message``).

The ids are made up (Q9100001 is no real film) so nobody mistakes them for real data.
"""

from __future__ import annotations

from typing import Any

GREGORIAN = "http://www.wikidata.org/entity/Q1985727"
JULIAN = "http://www.wikidata.org/entity/Q1985786"

FILM = "Q9100001"
SEASON = "Q9100002"
UK, US, PARIS, FRANCE = "Q145", "Q30", "Q90", "Q142"


def time_snak(prop: str, time: str, precision: int, calendar: str = GREGORIAN) -> dict[str, Any]:
    return {
        "snaktype": "value",
        "property": prop,
        "hash": "0" * 40,
        "datavalue": {
            "value": {"time": time, "timezone": 0, "before": 0, "after": 0, "precision": precision,
                      "calendarmodel": calendar},
            "type": "time",
        },
        "datatype": "time",
    }  # fmt: skip


def item_snak(prop: str, qid: str) -> dict[str, Any]:
    return {
        "snaktype": "value",
        "property": prop,
        "hash": "1" * 40,
        "datavalue": {"value": {"entity-type": "item", "numeric-id": int(qid[1:]), "id": qid},
                      "type": "wikibase-entityid"},
        "datatype": "wikibase-item",
    }  # fmt: skip


def string_snak(prop: str, value: str) -> dict[str, Any]:
    return {"snaktype": "value", "property": prop, "hash": "2" * 40,
            "datavalue": {"value": value, "type": "string"}, "datatype": "external-id"}  # fmt: skip


def statement(mainsnak: dict[str, Any], rank: str = "normal", **qualifiers: list[dict[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {"mainsnak": mainsnak, "type": "statement", "id": f"X${mainsnak['hash'][:8]}", "rank": rank}
    if qualifiers:
        data["qualifiers"] = qualifiers
        data["qualifiers-order"] = list(qualifiers)
    return data


def entity(qid: str, label: str | None, claims: dict[str, list[dict[str, Any]]], revision: int = 500,
           description: str | None = None) -> dict[str, Any]:  # fmt: skip
    return {
        "pageid": int(qid[1:]) % 100000,
        "ns": 0,
        "title": qid,
        "lastrevid": revision,
        "modified": "2026-11-20T10:00:00Z",
        "type": "item",
        "id": qid,
        "labels": {} if label is None else {"en": {"language": "en", "value": label}},
        "descriptions": {} if description is None else {"en": {"language": "en", "value": description}},
        "claims": claims,
    }


def film_entity(revision: int = 500, uk: str = "+2027-03-05T00:00:00Z") -> dict[str, Any]:
    """A film with releases by place (UK, US, Paris: a city, so its country's code), a
    worldwide year, a deprecated date, and a premiere."""
    return entity(FILM, "Big Film", {
        "P31": [statement(item_snak("P31", "Q11424"))],
        "P577": [
            statement(time_snak("P577", uk, 11), P291=[item_snak("P291", UK)]),
            statement(time_snak("P577", "+2027-03-12T00:00:00Z", 11), P291=[item_snak("P291", US)]),
            statement(time_snak("P577", "+2027-00-00T00:00:00Z", 9)),  # the year, written -00-00
            statement(time_snak("P577", "+2027-02-01T00:00:00Z", 11), rank="deprecated"),
            statement(time_snak("P577", "+2027-04-00T00:00:00Z", 10), P291=[item_snak("P291", PARIS)]),
        ],
        "P1191": [statement(time_snak("P1191", "+2027-02-14T00:00:00Z", 11))],
    }, revision=revision, description="2027 film")  # fmt: skip


def season_entity() -> dict[str, Any]:
    return entity(SEASON, "Big Show season 2", {
        "P31": [statement(item_snak("P31", "Q3464665"))],
        "P580": [statement(time_snak("P580", "+2026-10-03T00:00:00Z", 11))],
        "P582": [statement(time_snak("P582", "+2026-10-31T00:00:00Z", 11))],
    }, revision=77, description="season of a television series")  # fmt: skip


def places() -> dict[str, dict[str, Any]]:
    return {
        UK: entity(UK, "United Kingdom", {"P297": [statement(string_snak("P297", "GB"))]}),
        US: entity(US, "United States", {"P297": [statement(string_snak("P297", "US"))]}),
        PARIS: entity(PARIS, "Paris", {"P17": [statement(item_snak("P17", FRANCE))]}),
        FRANCE: entity(FRANCE, "France", {"P297": [statement(string_snak("P297", "FR"))]}),
    }


def entities_answer(found: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
    """wbgetentities' answer: each id's entity, or ``missing`` for one Wikidata has not."""
    return {"entities": {q: (e if e is not None else {"id": q, "missing": ""}) for q, e in found.items()},
            "success": 1}  # fmt: skip


WIKIDATA_ERROR = {"error": {"code": "no-such-entity", "info": "Could not find an entity with the ID \"Q0\".",
                            "*": "See https://www.wikidata.org/w/api.php for API usage."}}  # fmt: skip


def search_answer() -> dict[str, Any]:
    return {
        "searchinfo": {"search": "Big Film"},
        "search": [
            {"id": FILM, "title": FILM, "pageid": 1, "concepturi": f"http://www.wikidata.org/entity/{FILM}",
             "repository": "wikidata", "url": f"//www.wikidata.org/wiki/{FILM}", "display": {},
             "label": "Big Film", "description": "2027 film", "match": {"type": "label", "language": "en",
                                                                        "text": "Big Film"}},
            {"id": "Q9100003", "title": "Q9100003", "pageid": 3, "label": "Big Film\x1b[31m",
             "description": "a hostile label: left out"},
        ],
        "search-continue": 7,
        "success": 1,
    }  # fmt: skip


# ---------------------------------------------------------------------------- TMDb

MOVIE = 9550001
SERIES = 91399


def movie(status: str = "Post Production", gb_theatrical: str = "2027-03-05T00:00:00.000Z") -> dict[str, Any]:
    return {
        "adult": False,
        "id": MOVIE,
        "imdb_id": None,
        "original_title": "Big Film",
        "title": "Big Film",
        "overview": "A film about a big thing.",
        "status": status,
        "release_date": "2027-02-14",
        "release_dates": {
            "results": [
                {"iso_3166_1": "GB", "release_dates": [
                    {"certification": "", "descriptors": [], "iso_639_1": "", "note": "", "release_date": gb_theatrical,
                     "type": 3},
                    {"certification": "", "descriptors": [], "iso_639_1": "",
                     "note": "Berlin International Film Festival", "release_date": "2027-02-14T00:00:00.000Z",
                     "type": 1},
                ]},
                {"iso_3166_1": "US", "release_dates": [
                    {"certification": "PG-13", "descriptors": [], "iso_639_1": "", "note": "",
                     "release_date": "2027-03-12T00:00:00.000Z", "type": 3},
                    {"certification": "", "descriptors": [], "iso_639_1": "", "note": "Netflix\x07",
                     "release_date": "2027-01-01T00:00:00.000Z", "type": 4},
                ]},
                {"iso_3166_1": "XX", "release_dates": [
                    {"certification": "", "iso_639_1": "", "note": "", "release_date": "2027-05-01T00:00:00.000Z",
                     "type": 3},
                ]},
            ]
        },
    }  # fmt: skip


def series(status: str = "Canceled") -> dict[str, Any]:
    return {"id": SERIES, "name": "Big Show", "status": status, "first_air_date": "2024-04-01",
            "in_production": False, "seasons": [{"air_date": "2026-10-03", "season_number": 2, "id": 5,
                                                 "name": "Season 2", "episode_count": 8}]}  # fmt: skip


def season(air_date: str | None = "2026-10-03") -> dict[str, Any]:
    return {"_id": "abc", "air_date": air_date, "episodes": [], "name": "Season 2", "overview": "",
            "id": 5, "season_number": 2}  # fmt: skip


TMDB_NOT_FOUND = {
    "success": False,
    "status_code": 34,
    "status_message": "The resource you requested could not be found.",
}


def multi_search() -> dict[str, Any]:
    return {
        "page": 1,
        "results": [
            {"adult": False, "id": MOVIE, "title": "Big Film", "original_title": "Big Film", "media_type": "movie",
             "overview": "A film about a big thing.", "release_date": "2027-02-14"},
            {"adult": False, "id": SERIES, "name": "Big Show", "original_name": "Big Show", "media_type": "tv",
             "overview": "", "first_air_date": "2024-04-01"},
            {"adult": False, "id": 31, "name": "A Person", "media_type": "person", "known_for": []},
        ],
        "total_pages": 1,
        "total_results": 3,
    }  # fmt: skip
