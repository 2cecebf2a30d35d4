"""Did-you-mean: the candidates a typo was probably meant to be, for every usage error that
names something unknown (an id, a milestone, a region, a command)."""

from __future__ import annotations

from collections.abc import Iterable


def close_matches(word: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """The candidates a typo was probably meant to be, closest first."""
    import difflib  # lazy: only a mistake pays for it

    pool = sorted(set(candidates))
    # Closest first, ties alphabetically (difflib's own order for ties is not stable).
    # A ratio of 0.75 needs lengths within a factor of 5/3 of each other (it is twice the
    # matched characters over both lengths): a candidate outside that is not compared, so a
    # huge typed word costs no difflib pass at all.
    scored = [
        (
            difflib.SequenceMatcher(None, word, c).ratio()
            if 3 * max(len(word), len(c)) <= 5 * min(len(word), len(c))
            else 0.0,
            c,
        )
        for c in pool
    ]
    found = [c for score, c in sorted(scored, key=lambda sc: (-sc[0], sc[1])) if score >= 0.75][:n]
    # A prefix or a word inside counts too ("heartstopper" for "heartstopper-film").
    found += [c for c in pool if c not in found and len(word) >= 3 and (c.startswith(word) or word in c.split("-"))]
    return found[:n]


def did_you_mean(found: list[str]) -> str:
    if not found:
        return ""
    return f"; did you mean {' or '.join(found)}?"
