"""A milestone's place and key as a file holds them (``release@GB:theatrical``), checked by
the rules of typed input, each distinct one once: a synced store repeats the same few dozen
regions, media and keys in every milestone and change, tens of thousands of times."""

from __future__ import annotations

from typing import Any

from hstrack.core.kinds import PLACED_KINDS
from hstrack.core.model.shape import ShapeError, shown
from hstrack.core.model.validation import MAX_SLUG, _is_slug

# Places and keys already found good: a synced store repeats the same few dozen regions
# and media, and the same keys in every change of a milestone, tens of thousands of times.
_PLACES_SEEN: set[tuple[str, Any, Any]] = set()
_KEYS_SEEN: dict[str, tuple[str, str | None, str | None]] = {}
_SEEN_AT_MOST = 10_000


def _placed(kind: str, region: Any, medium: Any, where: str) -> tuple[str | None, str | None]:
    """A milestone's region and medium as a file holds them, by the rules of typed input."""
    if type(region) in (str, type(None)) and type(medium) in (str, type(None)):
        if (kind, region, medium) in _PLACES_SEEN:
            return region, medium
        region, medium = _check_placed(kind, region, medium, where)
        if len(_PLACES_SEEN) < _SEEN_AT_MOST:
            _PLACES_SEEN.add((kind, region, medium))
        return region, medium
    return _check_placed(kind, region, medium, where)


def _check_placed(kind: str, region: Any, medium: Any, where: str) -> tuple[str | None, str | None]:
    from hstrack.core.regions import MEDIA, is_region

    if kind not in PLACED_KINDS and (region is not None or medium is not None):
        raise ShapeError(f"{where}: only {' and '.join(PLACED_KINDS)} take a region or medium, not {kind!r}")
    if region is not None and not (isinstance(region, str) and is_region(region)):
        raise ShapeError(f"{where}.region: {shown(region)} is not an ISO 3166-1 alpha-2 code")
    if medium is not None and medium not in MEDIA:
        raise ShapeError(f"{where}.medium: {shown(medium)} is not one of {', '.join(MEDIA)}")
    return region, medium


def _split_key(key: str, where: str) -> tuple[str, str | None, str | None]:
    known = _KEYS_SEEN.get(key)
    if known is not None:
        return known
    known = _check_key(key, where)
    if len(_KEYS_SEEN) < _SEEN_AT_MOST:
        _KEYS_SEEN[key] = known
    return known


def _check_key(key: str, where: str) -> tuple[str, str | None, str | None]:
    from hstrack.core.regions import make_key, split_key

    kind, region, medium = split_key(key)
    if region is None and medium is None:
        raise ShapeError(f"{where}: {shown(key)} is not a slug")
    if len(key) > MAX_SLUG + 20 or not _is_slug(kind):
        raise ShapeError(f"{where}: {shown(key)} is not a milestone")
    region, medium = _placed(kind, region, medium, where)
    if make_key(kind, region, medium) != key:
        raise ShapeError(f"{where}: {shown(key)} is not a milestone")
    return kind, region, medium
