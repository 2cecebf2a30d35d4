"""Property-based: any string either parses to an honest window that survives the store,
or is refused as a usage error; never a traceback."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hstrack.core.dates.grammar import parse_canonical, parse_date
from hstrack.core.dates.spec import DateError, Precision
from hstrack.core.errors import EXIT_USAGE
from hstrack.core.model.document import Document
from hstrack.core.model.reading import document_from_json
from hstrack.core.tracker import add_title, set_milestone
from hstrack.store.codec import dumps

from .conftest import Cli, examples

NOW = datetime(2026, 11, 27, 12, tzinfo=ZoneInfo("Europe/London"))

# Strings near the grammar find far more edge cases than uniform noise does.
WORDS = st.sampled_from(
    [
        "TBA",
        "Q3",
        "H2",
        "Q5",
        "autumn",
        "fall",
        "winter",
        "October",
        "Oct",
        "Sept.",
        "3rd",
        "Saturday",
        "2026",
        "2026-10",
        "2026-10-03",
        "2025-02-29",
        "2024-02-29",
        "08:00",
        "25:61",
        "Europe/London",
        "Mars/Base",
        "Z",
        "+01:00",
        "-07:00",
        "T",
        "/",
        ",",
        "-",
        "9999",
        "0000",
        "12/12/2026",
        "[Europe/London]",
        "\x00",
        "é",
    ]
)
NEARLY_DATES = st.lists(WORDS, min_size=1, max_size=5).map(" ".join)
ANY_TEXT = st.one_of(st.text(max_size=40), NEARLY_DATES)


def check_store_round_trip(value: str) -> None:
    refused: DateError | None = None
    try:
        spec = parse_date(value)
    except DateError as exc:
        refused = exc
    if refused is not None:
        assert refused.exit_code == EXIT_USAGE
        assert "\n" not in refused.message
        return
    if spec.precision is Precision.TBA:
        assert spec.earliest is None
        assert spec.latest is None
    else:
        assert spec.earliest is not None
        assert spec.latest is not None
        assert spec.earliest <= spec.latest
    doc = Document()
    add_title(doc, "T", "t")
    set_milestone(doc, "t", "release", value, NOW)
    again = document_from_json(json.loads(dumps(doc)))
    assert again.titles["t"].milestones["release"].date == spec


@settings(max_examples=examples(400), deadline=None)
@given(ANY_TEXT)
def test_any_string_parses_honestly_or_is_refused(value: str) -> None:
    check_store_round_trip(value)


@settings(max_examples=examples(200), deadline=None)
@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9998, 12, 31)))
def test_every_real_day_round_trips(day: date) -> None:
    for form in (day.isoformat(), f"{day.day} {day:%B} {day.year:04d}", f"{day:%b} {day.day}, {day.year:04d}"):
        spec = parse_date(form)
        assert (spec.precision, spec.earliest, spec.latest) == (Precision.DAY, day, day)
        check_store_round_trip(form)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(NEARLY_DATES)
def test_cli_set_exits_0_or_2_and_never_crashes(seeded: Cli, value: str) -> None:
    before = seeded.store.read_bytes()
    result = seeded("set", "heartstopper-film", "release", value, code=None)
    assert result.exit_code in (0, 2), (value, result.stderr)
    assert "Traceback" not in result.stderr
    if result.exit_code == 2:
        assert seeded.store.read_bytes() == before
    elif "nothing changed" not in result.stderr:
        seeded("undo")
        assert seeded.store.read_bytes() == before


def outcome(parse: object, value: str) -> object:
    try:
        return parse(value)  # type: ignore[operator]
    except DateError as exc:
        return ("refused", exc.exit_code)


CANONICAL_LIKE = st.one_of(
    st.from_regex(r"\A\d{4}(-(H[0-3]|Q[0-5]|\d{2}(-\d{2}(T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2})?)?)?))?\Z"),
    st.builds(
        "{} {}".format, st.sampled_from(["autumn", "spring", "summer", "winter", "fall"]), st.integers(0, 10_000)
    ),
    st.builds(
        "{}[{}]".format,
        st.from_regex(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}\Z"),
        st.sampled_from(["Europe/London", "America/Los_Angeles", "UTC", "Nowhere/Land", ""]),
    ),
    ANY_TEXT,
)


@settings(max_examples=examples(600), deadline=None)
@given(CANONICAL_LIKE)
def test_the_store_fast_path_reads_exactly_what_the_full_grammar_reads(value: str) -> None:
    """parse_canonical is an optimisation: it must never disagree with parse_date."""
    assert outcome(parse_canonical, value) == outcome(parse_date, value)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=examples(400), deadline=None)
@given(JSON_VALUES)
def test_the_store_encoder_writes_exactly_what_json_dumps_writes(value: object) -> None:
    from hstrack.store.codec import indented_json

    assert indented_json(value) == json.dumps(value, indent=2, ensure_ascii=False)


# Unknown fields are the one place a store holds arbitrary JSON: floats, huge integers,
# any text. orjson reads and writes them unless they are numbers it treats differently.
EXTRA_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**63 - 2, max_value=2**64 + 2)
    | st.integers(min_value=10**19, max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)
EXTRAS = st.dictionaries(st.text(min_size=1, max_size=6).map(lambda k: f"x-{k}"), EXTRA_VALUES, max_size=3)


@settings(max_examples=examples(300), deadline=None)
@given(EXTRAS, EXTRAS, EXTRAS, st.text(min_size=1, max_size=30).filter(str.strip))
def test_the_store_reads_and_writes_exactly_what_json_would(
    top: dict[str, object], title_extra: dict[str, object], milestone_extra: dict[str, object], name: str
) -> None:
    """dumps (orjson where it is exact) writes what json.dumps(indent=2) writes, and
    parse_bytes (orjson where it is exact) reads what json.loads reads, for any unknown
    fields at any level and any name that is a valid name."""
    from hstrack.core.errors import UsageError
    from hstrack.store.codec import parse_bytes

    data = {
        "schema": 1,
        "titles": [
            {
                "id": "a-title",
                "name": name,
                "kind": "film",
                "milestones": [{"kind": "release", "date": "2027-10", **milestone_extra}],
                **title_extra,
            }
        ],
        **top,
    }
    try:
        doc = document_from_json(json.loads(json.dumps(data)))
    except (ValueError, UsageError):
        return  # a name the model refuses: not this test's business
    exact = (json.dumps(doc.to_json(), indent=2, ensure_ascii=False) + "\n").encode()
    assert dumps(doc) == exact
    from pathlib import Path

    again = parse_bytes(exact, Path("store.json"))
    assert dumps(again) == exact
    assert again.to_json() == json.loads(exact)


OFFSETS = ["Z", "+00:00", "-07:00", "+09:00", "+05:30", "+05:45", "-03:30", "+14:00", "-12:00"]
ZONES = ["Europe/London", "America/Los_Angeles", "Asia/Kolkata", "Pacific/Chatham"]


@st.composite
def one_moment_two_ways(draw: st.DrawFn) -> tuple[str, str]:
    """One moment written at two offsets (or in two zones): the same instant, two dates."""
    from datetime import UTC, timedelta, timezone

    moment = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=draw(st.integers(0, 2 * 365 * 24 * 60)))
    spellings = []
    for _ in range(2):
        if draw(st.booleans()):
            offset = draw(st.sampled_from(OFFSETS))
            delta = (
                0
                if offset in ("Z", "+00:00")
                else (1 if offset[0] == "+" else -1) * (int(offset[1:3]) * 60 + int(offset[4:6]))
            )
            local = moment.astimezone(timezone(timedelta(minutes=delta)))
            spellings.append(local.strftime("%Y-%m-%dT%H:%M") + offset)
        else:
            zone = draw(st.sampled_from(ZONES))
            spellings.append(moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M ") + zone)
    return spellings[0], spellings[1]


@settings(max_examples=examples(300), deadline=None)
@given(st.one_of(one_moment_two_ways(), st.tuples(CANONICAL_LIKE, CANONICAL_LIKE)))
def test_two_dates_are_equal_only_when_they_say_the_same(pair: tuple[str, str]) -> None:
    """A spec's equality and hash are its identity in every cache (the EDTF spelling, a
    view's shared milestone shapes): two specs are one value only when every view would say
    them alike, so 07:00Z and 00:00-07:00, one moment, are two dates (issue 25.10)."""
    a, b = pair
    try:
        x, y = parse_date(a), parse_date(b)
    except DateError:
        return
    if x == y:
        assert hash(x) == hash(y)
        assert (x.canonical, x.text, x.window_iso) == (y.canonical, y.text, y.window_iso), (a, b)
    else:
        assert x.canonical != y.canonical, (a, b)
