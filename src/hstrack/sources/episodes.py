"""A series' episodes, from TMDb: the next episode to air and the current season's premiere
and finales, as dated facts; for a title linked to one season's page, that season's
(``season_facts``). No sockets here (see ``sources.fetching``).

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

An episode carries one kind: ``same_role`` says when two marked milestones speak of one
episode (or of one season's finale), so a sync replaces the kind it wrote before
(``sync._one_kind_per_episode``) rather than keeping both.

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


# The kinds that mark an episode (the plain next "episode" only points at one); the finales,
# of which a season has one.
MARKED = ("season-premiere", "mid-season-finale", "mid-season-premiere", "season-finale", "series-finale")
FINALES = ("season-finale", "series-finale")
_CODE = re.compile(r"S([0-9]{1,4})E([0-9]{1,5})(?![0-9])")


def episode_of(note: str | None) -> tuple[int, int] | None:
    """The (season, episode) a synced episode milestone's note starts with (``S2E08 …``)."""
    m = _CODE.match(note or "")
    return (int(m[1]), int(m[2])) if m else None


def same_role(key: str, note: str | None, other_key: str, other_note: str | None) -> bool:
    """Whether two different marked kinds speak of one episode (the season finale S2E08 and
    the series finale S2E08), or are both the finale of one season (S2E08, then S2E10 once
    TMDb lists two more): one of them is out of date."""
    if key == other_key or key not in MARKED or other_key not in MARKED:
        return False
    a, b = episode_of(note), episode_of(other_note)
    if a is None or b is None:
        return False
    return a == b or (key in FINALES and other_key in FINALES and a[0] == b[0])


def _number(value: Any, top: int = 10_000) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < top:
        return value
    return None


def companion(reference: Reference, doc: Any) -> Reference | None:
    """The other page a TMDb title's episodes need: a series' current season (its premiere and
    finales), a season's series (whether it has ended, and where its next episode is)."""
    from hstrack.core.references import Reference as Ref

    if reference.source != "tmdb":
        return None
    if reference.kind == "season":
        return Ref("tmdb", "tv", reference.number)
    number = season_to_read(doc) if reference.kind == "tv" else None
    return None if number is None else Ref("tmdb", "season", reference.number, season=number)


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


def season_facts(reference: Reference, season_doc: dict[str, Any], series_doc: Any, out: Fetched) -> None:
    """Add a season's episode facts to ``out`` (a title linked to the season's page, not the
    series'): its mid-season finale and premiere and its finale, and its next episode, as a
    series-linked title gets them. Its premiere is its release (the season's ``air_date``),
    not repeated. What only the series says needs its document: whether the finale ends the
    series, and where the show is now. Without it, the finale and the next episode are not
    said (a season finale said for want of the series' status would undo a series finale)."""
    season = reference.season
    if season is None:
        return
    source = reference.page()
    episodes = _season_episodes(season_doc, season, out) or []
    series = series_doc if isinstance(series_doc, dict) else None
    status = series.get("status") if series is not None and isinstance(series.get("status"), str) else None
    last_season = max(_season_numbers(series), default=season) if series is not None else season
    marked = [(k, e) for k, e in _milestones(episodes, season, last_season, status)
              if k != "season-premiere" and (series is not None or k not in FINALES)]  # fmt: skip
    nxt = _next_in_season(series, season, episodes) if series is not None else None
    if nxt is not None:
        s, n, spec, raw = nxt
        out.facts.append(Fact("episode", spec, source, ORIGIN, note=_note(raw, s, n)))
    for kind, (s, n, spec, raw) in marked:
        out.facts.append(Fact(kind, spec, source, ORIGIN, note=_note(raw, s, n)))


def _next_in_season(series: dict[str, Any], season: int, episodes: list[Dated]) -> Dated | None:
    """A season's next episode, by where the series is: its next episode (or, none scheduled,
    the last aired) when that is in this season; the season's first episode when the series
    is still before it; its last when the series has gone past it."""
    now = _episode(series.get("next_episode_to_air")) or _episode(series.get("last_episode_to_air"))
    if now is not None and now[0] == season:
        return now
    if not episodes:
        return None
    return episodes[-1] if now is not None and now[0] > season else episodes[0]


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
