"""Every parser that sees user text takes time linear in its length (issue 26).

Each parser is timed on hostile inputs of 1 kB and of 100 kB, made of the fragments its
patterns look for (a time of day, a dash, a month, digits, a separator) repeated so that a
backtracking pattern tries them all. Linear growth makes the large input about 100 times
as slow; a quadratic pattern makes it about 10,000 times as slow. The test compares the
two within one run (the best of a few tries each, so other load on the machine cancels
out) and fails past 1,000 times, unless the large input took under 30 ms in all, which no
super-linear parser does at 100 kB. A 10 kB input is timed first (past 70 times the 1 kB
one, it fails there), so a quadratic parser fails in a second, not after minutes.

It is a measured test like the import hygiene tests: a ratio of two timings in one process,
not a time against a clock.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)
RATIO = 1000
MIDDLE_RATIO = 70  # 10 kB against 1 kB: 10 when linear, 100 when quadratic
FLOOR = 0.03  # seconds: under this at 100 kB, growth does not matter

# Fragments a pattern might backtrack over: times, offsets, dashes, words of the grammar.
FRAGMENTS = ["T1:11", "1-", " to ", "a", "9", "-", "Q1 ", "oct ", ":", "+0", " ", "1:1 ", "\\", "%", "{", "[", "@"]


def _parsers() -> dict[str, Callable[[str], Any]]:
    from hstrack.core.clock import local_zone, parse_now
    from hstrack.core.dates.grammar import parse_canonical, parse_typed
    from hstrack.core.dates.spans import read_span
    from hstrack.core.filters import title_filter
    from hstrack.core.model.leads import check_lead
    from hstrack.core.model.validation import check_name, check_slug, check_text, resolve_milestone, slugify
    from hstrack.core.references import parse_reference
    from hstrack.core.regions import check_medium, check_region, split_key
    from hstrack.core.suggest import close_matches
    from hstrack.core.text import broken, inert, inert_document
    from hstrack.shell.prompt import parse, render
    from hstrack.sources.facts import clean_text
    from hstrack.sources.http import retry_after
    from hstrack.store.codec import decode_json

    tz = local_zone()
    return {
        "date": parse_typed,
        "stored date": parse_canonical,
        "--at, HSTRACK_NOW, --changed-since": lambda v: parse_now(v, tz, NOW),
        "span": read_span,
        "lead time": check_lead,
        "link": parse_reference,
        "region": check_region,
        "medium": check_medium,
        "milestone key": split_key,
        "milestone": resolve_milestone,
        "slug": lambda v: check_slug(v, "an id"),
        "slugify": slugify,
        "name": check_name,
        "text": lambda v: check_text(v, "notes", multiline=True, limit=10**6),
        "filter": lambda v: title_filter(phases=[v], kinds=[v], platforms=[v]),
        "did you mean": lambda v: close_matches(v, ["release", "trailer", "premiere", "teaser"]),
        "inert": inert,
        "inert document": inert_document,
        "line breaking": lambda v: broken(v, 60),
        "prompt cache": parse,
        "prompt format": lambda v: render([["0", "99999999", "-", v, v, v, v, v]], 1, v, 10**6),
        "source text": lambda v: clean_text(v, 10**6),
        "Retry-After": lambda v: retry_after(v, NOW),
        "JSON": lambda v: decode_json(v.encode(), "input"),
    }


def _input(fragment: str, size: int) -> str:
    """``fragment`` repeated to ``size`` characters, between a start and an end that make
    every pattern try it (a word first, a stray word last)."""
    body = fragment * ((size - 4) // len(fragment))
    return ("a" + body + " x")[:size]


def _best(parser: Callable[[str], Any], text: str, tries: int) -> float:
    best = float("inf")
    for _ in range(tries):
        started = time.perf_counter()
        with contextlib.suppress(Exception):
            parser(text)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize("name", sorted(_parsers()))
def test_a_parser_of_user_text_takes_linear_time(name: str) -> None:
    parser = _parsers()[name]
    slow = []
    for fragment in FRAGMENTS:
        small, middle, large = _input(fragment, 1_000), _input(fragment, 10_000), _input(fragment, 100_000)
        _best(parser, small, 1)  # warm: imports, compiled patterns, caches
        # 10 kB first, so a quadratic parser fails in a second rather than after minutes at 100 kB.
        middle_time = _best(parser, middle, 1)
        if middle_time >= FLOOR / 10 and middle_time > MIDDLE_RATIO * max(_best(parser, small, 5), 1e-6):
            middle_time = min(middle_time, _best(parser, middle, 2))
            small_time = max(_best(parser, small, 5), 1e-6)
            if middle_time > MIDDLE_RATIO * small_time:
                slow.append(f"{fragment!r}: 1 kB {small_time * 1e3:.2f} ms, 10 kB {middle_time * 1e3:.0f} ms")
                continue
        large_time = _best(parser, large, 1)
        if large_time < FLOOR:
            continue
        small_time = max(_best(parser, small, 5), 1e-6)
        if large_time > RATIO * small_time:  # measured again before it counts: a pause is not growth
            large_time = min(large_time, _best(parser, large, 2))
        if large_time > RATIO * small_time:
            slow.append(f"{fragment!r}: 1 kB {small_time * 1e3:.2f} ms, 100 kB {large_time * 1e3:.0f} ms")
    assert not slow, f"{name} grows faster than linearly: " + "; ".join(slow)
