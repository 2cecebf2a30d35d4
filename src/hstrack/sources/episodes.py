"""A series' episodes, from TMDb: the next episode to air and the current season's premiere
and finales, as dated facts. No sockets here (see ``sources.fetching``).

Shapes read, from TMDb's API reference:

- ``/tv/{id}`` (https://developer.themoviedb.org/reference/tv-series-details):
  ``next_episode_to_air`` and ``last_episode_to_air`` (an episode or null: ``air_date``,
  ``season_number``, ``episode_number``, ``episode_type``, ``name``), ``status``,
  ``seasons[]`` (``season_number``, ``air_date``);
- ``/tv/{id}/season/{n}`` (https://developer.themoviedb.org/reference/tv-season-details):
  ``episodes[]``, each with ``air_date``, ``episode_number``, ``episode_type`` and ``name``.

``episode_type`` is ``standard``, ``finale`` or ``mid_season`` (a mid-season finale). The
milestones are named as Trakt names episode types (``season_premiere``,
``mid_season_finale``, ``mid_season_premiere``, ``season_finale``, ``series_finale``): a
finale is the series finale when TMDb says the series has ended or was cancelled and the
finale is in its last season; the first episode after a mid-season finale that airs later is
the mid-season premiere. A season 1 premiere is the series' own first air date (its
``release``), so it is not repeated as a season premiere; specials (season 0) are left out.

A TMDb air date is a day with no time: it is stored as a day, never given an invented time.
The episode (S2E05, its name) is the milestone's note, which views show beside its kind.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from hstrack.sources.facts import Fact, clean_text

if TYPE_CHECKING:
    from hstrack.core.dates.spec import DateSpec
    from hstrack.core.references import Reference
    from hstrack.sources.facts import Fetched

ORIGIN = "tmdb"
_ENDED = ("Ended", "Canceled")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# TMDb's placeholder names ("Episode 4", "Épisode 9"): the code says it already.
_GENERIC = re.compile(r"(?i)(episode|épisode|episodio|folge|aflevering|エピソード|에피소드)?\s*[0-9]+")
Dated = tuple[int, int, "DateSpec", dict[str, Any]]  # season, episode, air day, the episode


def _number(value: Any, top: int = 10_000) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < top:
        return value
    return None


def season_to_read(doc: Any) -> int | None:
    """The season whose episodes say the premiere and finales: the next episode's, else the
    last aired one's, else the latest regular season TMDb lists; None for none."""
    if not isinstance(doc, dict):
        return None
    for field in ("next_episode_to_air", "last_episode_to_air"):
        episode = doc.get(field)
        if isinstance(episode, dict):
            number = _number(episode.get("season_number"))
            if number:
                return number
    regular = _season_numbers(doc)
    return max(regular) if regular else None


def _day(value: Any) -> DateSpec | None:
    """An air date as a day: TMDb's YEAR-01-01 is a real air date here (New Year's Day
    episodes exist), not "only the year is known", so it is read as the day it says."""
    from hstrack.core.dates.grammar import parse_canonical
    from hstrack.core.dates.spec import DateError

    if not isinstance(value, str) or not _DAY.fullmatch(value.strip()):
        return None
    try:
        spec = parse_canonical(value.strip())
    except DateError:
        return None
    return spec if spec.precision == "day" else None


def code(season: int, episode: int) -> str:
    return f"S{season}E{episode:02d}"


def _note(episode: dict[str, Any], season: int, number: int) -> str:
    name = clean_text(episode.get("name"), 120)
    generic = name is None or _GENERIC.fullmatch(name)
    return code(season, number) if generic else f"{code(season, number)} {name}"


def _episode(value: Any, season: int | None = None) -> tuple[int, int, DateSpec, dict[str, Any]] | None:
    if not isinstance(value, dict):
        return None
    s = _number(value.get("season_number"))
    s = season if s is None else s
    n = _number(value.get("episode_number"))
    spec = _day(value.get("air_date"))
    if s is None or n is None or spec is None:
        return None
    return s, n, spec, value


def facts(reference: Reference, doc: dict[str, Any], season_doc: Any, out: Fetched) -> None:
    """Add the series' episode facts to ``out``: the next episode (or, with none scheduled,
    the last one aired) and the season's premiere and finales."""
    source = reference.page()
    status = doc.get("status") if isinstance(doc.get("status"), str) else None
    nxt = _episode(doc.get("next_episode_to_air")) or _episode(doc.get("last_episode_to_air"))
    if nxt is not None:
        s, n, spec, raw = nxt
        out.facts.append(Fact("episode", spec, source, ORIGIN, note=_note(raw, s, n)))
    season = season_to_read(doc)
    if season is None:
        return
    episodes = _season_episodes(season_doc, season, out)
    if episodes is None:
        # No season document: what the series document itself says of the season.
        told = [_episode(doc.get(f)) for f in ("last_episode_to_air", "next_episode_to_air")]
        episodes = sorted({e[1]: e for e in told if e is not None and e[0] == season}.values(), key=lambda e: e[1])
    last_season = max(_season_numbers(doc), default=season)
    marked = _milestones(episodes, season, last_season, status)
    for kind, (s, n, spec, raw) in marked:
        out.facts.append(Fact(kind, spec, source, ORIGIN, note=_note(raw, s, n)))
    if season > 1 and not any(k == "season-premiere" for k, _ in marked):
        # The season's premiere TMDb dates before listing its episodes: seasons[].air_date.
        for entry in doc.get("seasons") or []:
            if isinstance(entry, dict) and _number(entry.get("season_number")) == season:
                day = _day(entry.get("air_date"))
                if day is not None:
                    out.facts.append(Fact("season-premiere", day, source, ORIGIN, note=code(season, 1)))


def _season_numbers(doc: dict[str, Any]) -> list[int]:
    seasons = doc.get("seasons")
    entries = [s for s in seasons if isinstance(s, dict)] if isinstance(seasons, list) else []
    return [n for n in (_number(s.get("season_number")) for s in entries) if n]


def _season_episodes(season_doc: Any, season: int, out: Fetched) -> list[Dated] | None:
    if season_doc is None:
        return None
    if not isinstance(season_doc, dict) or not isinstance(season_doc.get("episodes"), list):
        out.notes.append(f"season {season}: left out an answer with no list of episodes")
        return None
    if _number(season_doc.get("season_number")) not in (None, season):
        out.notes.append(f"season {season}: left out an answer about another season")
        return None
    found = [_episode(e, season) for e in season_doc["episodes"]]
    return sorted((e for e in found if e is not None and e[0] == season), key=lambda e: e[1])


def _milestones(episodes: list[tuple[int, int, DateSpec, dict[str, Any]]], season: int, last_season: int,
                status: str | None) -> list[tuple[str, tuple[int, int, DateSpec, dict[str, Any]]]]:  # fmt: skip
    """The season's premiere and finales among its dated episodes, by their number and type."""
    out = []
    first = next((e for e in episodes if e[1] == 1), None)
    if first is not None and season > 1:
        out.append(("season-premiere", first))
    mid = None
    for e in episodes:
        kind = e[3].get("episode_type")
        if kind == "mid_season" and mid is None:
            mid = e
            out.append(("mid-season-finale", e))
        elif kind == "finale":
            ended = status in _ENDED and season >= last_season
            out.append(("series-finale" if ended else "season-finale", e))
            break
    if mid is not None:
        after = next((e for e in episodes if e[1] > mid[1] and e[2].earliest and mid[2].earliest
                      and e[2].earliest > mid[2].earliest), None)  # fmt: skip
        if after is not None:
            out.append(("mid-season-premiere", after))
    return out
