"""Releases by region and medium: which country (ISO 3166-1 alpha-2, checked against the
standard's own list) and which way of watching (cinemas, streaming, disc, television).

A release or premiere without a region is worldwide; without a medium it is any medium. A
milestone's *key* names it within its title: ``release`` (the worldwide release, what
every store before regions holds), ``release@GB`` (the UK release), ``release@GB:theatrical``
(UK cinemas), ``release:digital`` (streaming, worldwide). A key is what history records,
what ``set`` and ``countdown`` take, and what the JSON gives as ``key``.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from typing import Protocol

from hstrack.core.errors import UsageError
from hstrack.core.kinds import PLACED_KINDS

# hstrack's media, in the order a person usually meets them, with what they are called in a
# sentence ("UK cinemas") and the words people type for them.
MEDIA = ("theatrical", "limited", "digital", "physical", "tv")
MEDIUM_WORDS = {
    "theatrical": "cinemas",
    "limited": "limited cinemas",
    "digital": "streaming",
    "physical": "disc",
    "tv": "TV",
}
MEDIUM_ALIASES = {
    "cinema": "theatrical", "cinemas": "theatrical", "theatre": "theatrical", "theater": "theatrical",
    "theatres": "theatrical", "theaters": "theatrical", "theatrical-limited": "limited",
    "limited-theatrical": "limited", "streaming": "digital", "stream": "digital", "vod": "digital",
    "online": "digital", "svod": "digital", "disc": "physical", "dvd": "physical", "blu-ray": "physical",
    "bluray": "physical", "home-video": "physical", "television": "tv", "broadcast": "tv",
}  # fmt: skip
# TMDb's release types (its /movie/{id}/release_dates): 1 premiere, 2 theatrical (limited),
# 3 theatrical, 4 digital, 5 physical, 6 TV. A premiere is its own milestone kind here.
TMDB_TYPES: Mapping[int, tuple[str, str | None]] = {
    1: ("premiere", None),
    2: ("release", "limited"),
    3: ("release", "theatrical"),
    4: ("release", "digital"),
    5: ("release", "physical"),
    6: ("release", "tv"),
}
# How a region is named in a sentence. The code itself, but for the one whose code is not
# what its people call it ("UK cinemas", not "GB cinemas").
_SHORT_NAMES = {"GB": "UK"}


@functools.cache
def _codes() -> frozenset[str]:
    import iso3166  # lazy: only a title with a region pays for the list

    return frozenset(iso3166.countries_by_alpha2)


def is_region(code: str) -> bool:
    return len(code) == 2 and code.isascii() and code.isupper() and code in _codes()


def check_region(value: str) -> str:
    """A region as typed: an ISO 3166-1 alpha-2 code in any case ("gb" is GB); "UK" is
    taken for GB, as everyone writes it; anything not in the standard's list is refused."""
    code = value.strip().upper()
    if code == "UK":
        code = "GB"
    if not is_region(code):
        from hstrack.core.suggest import close_matches, did_you_mean

        near = did_you_mean(close_matches(code, _codes())) if len(code) <= 3 else ""
        raise UsageError(f"{value!r} is not a country code: use ISO 3166-1 alpha-2, such as GB, US or DE{near}")
    return code


def check_medium(value: str) -> str:
    word = value.strip().lower().replace(" ", "-").replace("_", "-")
    word = MEDIUM_ALIASES.get(word, word)
    if word not in MEDIA:
        from hstrack.core.suggest import close_matches, did_you_mean

        near = did_you_mean(close_matches(word, [*MEDIA, *MEDIUM_ALIASES]))
        raise UsageError(f"{value!r} is not a medium: one of {', '.join(MEDIA)}{near}")
    return word


def make_key(kind: str, region: str | None, medium: str | None) -> str:
    return kind + (f"@{region}" if region else "") + (f":{medium}" if medium else "")


def split_key(key: str) -> tuple[str, str | None, str | None]:
    """``release@GB:theatrical`` -> ("release", "GB", "theatrical"); no check made."""
    rest, _, medium = key.partition(":")
    kind, _, region = rest.partition("@")
    return kind, region or None, medium or None


def where(region: str | None, medium: str | None) -> str:
    """The words for a release's place: "UK cinemas", "US", "worldwide streaming",
    "worldwide"."""
    place = _SHORT_NAMES.get(region, region) if region else "worldwide"
    return f"{place} {MEDIUM_WORDS[medium]}" if medium else place


def wanted(kind: str, region: str | None, medium: str | None,
           regions: frozenset[str] | None, media: frozenset[str] | None) -> bool:  # fmt: skip
    """Whether a milestone passes ``--region``/``--medium`` filters (None: no filter). They
    choose among releases and premieres; other milestones have no place and always pass. A
    release with no region is everywhere, so it passes any region; one with no medium
    passes any medium."""
    if kind not in PLACED_KINDS:
        return True
    if regions is not None and region is not None and region not in regions:
        return False
    return media is None or medium is None or medium in media


class Placed(Protocol):
    kind: str
    region: str | None
    medium: str | None


# --region/--medium filters: (regions, media), each None for any; None for no filter.
Places = tuple[frozenset[str] | None, frozenset[str] | None] | None


def admits(places: Places, m: Placed) -> bool:
    return places is None or wanted(m.kind, m.region, m.medium, *places)


# ------------------------------------------------------------------ the user's preference

REGION_VARIABLE = "HSTRACK_REGION"
MEDIUM_VARIABLE = "HSTRACK_MEDIUM"


def region_from_locale(environ: Mapping[str, str]) -> str | None:
    """The country a POSIX locale names (``en_GB.UTF-8`` -> GB), looked up the way
    setlocale does: LC_ALL, then LC_MESSAGES, then LANG. ``C``, ``POSIX`` and a language
    alone (``de``) name no country."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            territory = value.split(".", 1)[0].split("@", 1)[0].partition("_")[2]
            code = territory.upper()
            return code if is_region(code) else None
    return None


class Preference:
    """Where and how the user watches: their region (None: worldwide only) and the media
    they care for, in order (empty: any). Read once per run, like the clock."""

    def __init__(self, region: str | None = None, media: Iterable[str] = (), origin: str = "default") -> None:
        self.region = region
        self.media = tuple(media)
        self.origin = origin  # where the region came from, for `hstrack where`-like answers

    def __repr__(self) -> str:
        return f"Preference(region={self.region!r}, media={self.media!r}, origin={self.origin!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Preference) and (self.region, self.media) == (other.region, other.media)

    def __hash__(self) -> int:
        return hash((self.region, self.media))


WORLDWIDE = Preference()


def preference(environ: Mapping[str, str] | None = None, config: Mapping[str, str] | None = None) -> Preference:
    """The user's preference: ``HSTRACK_REGION`` / ``HSTRACK_MEDIUM`` if set and not empty
    (``worldwide`` means worldwide only), else what ``hstrack config`` saved, else the
    region the locale names. An empty variable reads as unset, as ``NO_COLOR`` does: a
    shell's ``HSTRACK_REGION=`` is a way of clearing it, not a choice of the world. A bad
    value in the environment is a usage error: a setting that silently does nothing is
    worse."""
    env = os.environ if environ is None else environ
    saved = config or {}
    media_text = env.get(MEDIUM_VARIABLE, "").strip() or saved.get("medium", "")
    media = tuple(dict.fromkeys(check_medium(m) for m in media_text.split(",") if m.strip()))
    if env.get(REGION_VARIABLE, "").strip():
        raw, origin = env[REGION_VARIABLE], REGION_VARIABLE
    elif "region" in saved:
        raw, origin = saved["region"], "config"
    else:
        return Preference(region_from_locale(env), media, "locale")
    if raw.strip().lower() in ("", "worldwide", "none"):
        return Preference(None, media, origin)
    return Preference(check_region(raw), media, origin)
