"""The JSON views' fast paths hold to what they replaced, byte for byte: orjson to
json.dumps (then the escape pass), and a milestone object copied from its shape to one
worked out in full."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hstrack.core.dates.grammar import parse_date
from hstrack.core.model.document import Document
from hstrack.core.model.milestone import Milestone
from hstrack.core.model.title import Title
from hstrack.core.report.titles import status_report
from hstrack.views.data import _escape, _Objects, dumps, title

from .conftest import examples

# What data.to_text printed before orjson, kept verbatim as the reference.
_OLD_RAW_CONTROLS = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def old_to_text(data: Any, pretty: bool) -> str:
    text = json.dumps(data, indent=2 if pretty else None, separators=None if pretty else (",", ":"), ensure_ascii=False)
    return _OLD_RAW_CONTROLS.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text) + "\n"


HOSTILE = [
    "\x1b]52;c;aGk=\x07",
    "\x1b[2J",
    "\x9b31m",
    "\x7f",
    "\u202eevil\u202c",
    "\u2066x\u2069",
    "\u2028\u2029",
    "\r\n\t\x00",
    "\ud800",  # a lone surrogate: orjson refuses it, json writes it
    '"\\/',
    "é – ’ 😀",
]
# Every code point (surrogates too), and the ones an escape must catch, often.
TEXT = st.one_of(st.sampled_from(HOSTILE), st.text(st.characters(codec=None, categories=None)), st.text())
# What the views put in a document: never a float (days and seconds are ints).
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(-(2**70), 2**70), TEXT)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=examples(400), deadline=None)
@given(value=VALUES, pretty=st.booleans())
def test_the_json_encoder_writes_what_json_dumps_wrote(value: Any, pretty: bool) -> None:
    # to_text(value, pretty, floatless=True) on a UTF-8 stdout
    assert _escape(dumps(value, pretty)) + "\n" == old_to_text(value, pretty)


@pytest.mark.parametrize("hour", [0, 10, 23])
def test_milestone_objects_copied_from_their_shape_are_the_ones_worked_out(hour: int) -> None:
    """Every precision, tentative or not, placed releases, cancellations ahead and behind,
    instants today and tomorrow: one object per milestone, whichever way it is made."""
    london = ZoneInfo("Europe/London")
    now = datetime(2026, 11, 28, hour, 30, tzinfo=london)
    dates = ["TBA", "2026", "2027", "H2 2026", "Q4 2026", "Q3 2027", "autumn 2026", "winter 2026", "2026-11",
             "2026-11-28", "2026-11-27", "2027-10-03", "2026-11-28 08:00 Europe/London",
             "2026-11-29 08:00 America/Los_Angeles", "2026-11-28 23:30 UTC"]  # fmt: skip
    dates += [(now.date() + timedelta(days=d)).isoformat() for d in (-400, -30, 1, 13, 14, 200)]
    spec = {when: parse_date(when) for when in dates}  # one DateSpec per date, as a store hands out
    doc = Document()
    n = 0
    for i, when in enumerate(dates):
        for j, other in enumerate(dates):
            if (i + j) % 3:
                continue
            n += 1
            t = Title(id=f"t{n}", name=f"Title \x1b[2J {n}", kind="film", platform="Netflix")
            t.milestones["announced"] = Milestone("announced", spec[when], source=f"https://e/{n}")
            t.milestones["release"] = Milestone("release", spec[other], tentative=bool(n % 2), note=f"n{n}")
            t.milestones["release@GB:theatrical"] = Milestone(
                "release", spec[when], region="GB", medium="theatrical", origin="tmdb"
            )
            if n % 4 == 0:
                t.milestones["cancelled"] = Milestone("cancelled", spec[other], tentative=n % 8 == 0)
            doc.titles[t.id] = t
    objects = _Objects(now, "90d")
    for r in status_report(doc, now):
        assert objects.title(r) == title(r, now, "90d")
        assert dumps(objects.title(r)) == dumps(title(r, now, "90d"))
