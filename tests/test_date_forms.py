"""Dates as the press writes them: ranges (early/mid/late YEAR, spans of months and of
days), the marks of uncertainty, two-digit years, EDTF in and out (checked against a peer
parser, the ``edtf`` package), the one-line refusal with its nearest spelling, and the
``hstrack help dates`` table the README copies."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from edtf import parse_edtf
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hstrack.core.dates import forms as date_forms
from hstrack.core.dates.edtf import to_edtf
from hstrack.core.dates.grammar import parse_canonical, parse_date, parse_typed
from hstrack.core.dates.spec import DateError, DateSpec, Precision
from hstrack.core.dates.zones import ABBREVIATION_TIMES

from .conftest import Cli, examples

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def window(spec: DateSpec) -> tuple[date | None, date | None]:
    return spec.earliest, spec.latest


def last_day(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


# --- early, mid and late: EDTF's quadrimesters --------------------------------------------


@pytest.mark.parametrize(
    ("words", "first", "last"), [("early", 1, 4), ("mid", 5, 8), ("late", 9, 12)], ids=["early", "mid", "late"]
)
@given(year=st.integers(1000, 9998))
@settings(max_examples=examples(40))
def test_parts_of_a_year_are_quadrimesters(words: str, first: int, last: int, year: int) -> None:
    for typed in (f"{words} {year}", f"{words}-{year}", f"{words.upper()} {year}", f"{year}-{36 + (first + 3) // 4}"):
        spec = parse_date(typed)
        assert spec.precision is Precision.RANGE
        assert window(spec) == (date(year, first, 1), last_day(year, last))
        assert spec.canonical == f"{words} {year}"
        assert spec.text == f"{words} {year}"
        assert parse_canonical(spec.canonical) == spec


# --- spans of months and days --------------------------------------------------------------

MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NAME = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")  # fmt: skip
DASHES = ("-", "–", "—", " - ", " – ", " to ", " through ", " until ")


@given(
    year=st.integers(1000, 9996),  # a span of 14 months from November 9997 would end in 9999
    start=st.integers(1, 12),
    length=st.integers(1, 14),
    dash=st.sampled_from(DASHES),
)
@settings(max_examples=examples(150))
def test_a_span_of_months_is_its_months_in_every_spelling(year: int, start: int, length: int, dash: str) -> None:
    end_index = start - 1 + length
    end_year, end = year + end_index // 12, end_index % 12 + 1
    expected = (date(year, start, 1), last_day(end_year, end))
    spellings = [
        f"{year}-{start:02d}..{end_year}-{end:02d}",
        f"{year}-{start:02d}/{end_year}-{end:02d}",
        f"{MONTH_ABBR[start - 1]} {year}{dash}{MONTH_NAME[end - 1]} {end_year}",
    ]
    if end_year == year:
        spellings.append(f"{MONTH_NAME[start - 1]}{dash}{MONTH_ABBR[end - 1]} {year}")
    for typed in spellings:
        spec = parse_date(typed)
        assert (spec.precision, window(spec)) == (Precision.RANGE, expected), typed
        part = {1: "early", 5: "mid", 9: "late"}.get(start) if (length, end_year) == (3, year) else None
        assert spec.canonical == (f"{part} {year}" if part else f"{year}-{start:02d}..{end_year}-{end:02d}")
        assert parse_date(spec.canonical) == spec == parse_canonical(spec.canonical)
        assert parse_date(spec.text) == spec  # what hstrack prints reads back as itself


# The last first day leaves room for the longest span inside 9998: a span that ends in 9999
# is refused (only winter 9998 may), as a test below checks.
@given(first=st.dates(date(1000, 1, 1), date(9998, 10, 31)), length=st.integers(1, 60), dash=st.sampled_from(DASHES))
@settings(max_examples=examples(150))
def test_a_span_of_days_is_its_days_in_every_spelling(first: date, length: int, dash: str) -> None:
    last = first + timedelta(days=length)
    assume(not (first.day == 1 and (last + timedelta(days=1)).day == 1))  # whole months: the test above
    spellings = [f"{first}..{last}", f"{first}/{last}", f"{first.day} {MONTH_ABBR[first.month - 1]} {first.year}{dash}"
                 f"{last.day} {MONTH_NAME[last.month - 1]} {last.year}"]  # fmt: skip
    if first.year == last.year:
        spellings.append(
            f"{first.day} {MONTH_NAME[first.month - 1]}{dash}{last.day} {MONTH_ABBR[last.month - 1]} {last.year}"
        )
        if first.month == last.month:
            spellings.append(f"{first.day}{dash}{last.day} {MONTH_NAME[first.month - 1]} {first.year}")
    for typed in spellings:
        spec = parse_date(typed)
        assert (spec.precision, window(spec)) == (Precision.RANGE, (first, last)), typed
        assert spec.canonical == f"{first}..{last}"
        assert parse_date(spec.canonical) == spec == parse_canonical(spec.canonical)
        assert parse_date(spec.text) == spec


def test_a_span_that_is_one_unit_is_that_unit_and_a_reversed_span_is_refused() -> None:
    assert parse_date("2026-10..2026-10") == parse_date("October 2026")
    assert parse_date("Oct–Oct 2026") == parse_date("2026-10")
    assert parse_date("3 Oct 2026 to 3 Oct 2026") == parse_date("2026-10-03")
    assert parse_date("2026-10-01..2026-10-31").precision is Precision.MONTH  # a whole month of days
    for reversed_span in ("Dec–Aug 2026", "2026-12..2026-08", "7–3 Oct 2026", "2027-01-05/2026-12-30"):
        with pytest.raises(DateError) as caught:
            parse_date(reversed_span)
        assert "every form: hstrack help dates" in caught.value.message
    for nonsense in ("31–32 Oct 2026", "Feb 30–31 2026", "2026-13..2027-02", "Aug–Dec", "9998-12..9999-02"):
        with pytest.raises(DateError):
            parse_date(nonsense)


def test_every_existing_form_keeps_its_meaning() -> None:
    # What was read before ranges came is read exactly as before.
    before = {
        "2026": ("year", "2026"), "H2 2026": ("half", "2026-H2"), "Q3 2026": ("quarter", "2026-Q3"),
        "autumn 2026": ("season", "autumn 2026"), "winter 2026/27": ("season", "winter 2026"),
        "2026-10": ("month", "2026-10"), "Oct 3, 2026": ("day", "2026-10-03"), "2026-12": ("month", "2026-12"),
        "2026-10-03 08:00 Europe/London": ("instant", "2026-10-03T08:00:00+01:00[Europe/London]"),
    }  # fmt: skip
    for typed, (precision, canonical) in before.items():
        spec = parse_date(typed)
        assert (spec.precision.value, spec.canonical) == (precision, canonical)


# --- marks and short years -----------------------------------------------------------------


@pytest.mark.parametrize("mark", ["?", "~", "%", " ?"])
def test_a_mark_of_uncertainty_makes_the_date_tentative_without_changing_it(mark: str) -> None:
    for typed in ("summer 2027", "2027", "2027-06", "3 Oct 2026", "early 2027", "Aug–Dec 2026", "2026-10-03 08:00 UTC"):
        spec, tentative = parse_typed(typed + mark)
        assert (spec, tentative) == (parse_date(typed), True)
        assert parse_typed(typed) == (spec, False)
    assert parse_typed("2026-08?/2026-12") == (parse_date("Aug–Dec 2026"), True)


@pytest.mark.parametrize(("short", "year"), [("00", 2000), ("27", 2027), ("69", 2069), ("70", 1970), ("99", 1999)])
def test_a_two_digit_year_after_an_apostrophe_is_its_centurys_obvious_year(short: str, year: int) -> None:
    for apostrophe in ("'", "’"):
        assert parse_date(f"spring {apostrophe}{short}") == parse_date(f"spring {year}")
        assert parse_date(f"Oct {apostrophe}{short}") == parse_date(f"October {year}")
        assert parse_date(f"late {apostrophe}{short}?") == parse_date(f"late {year}")
    with pytest.raises(DateError):
        parse_date(f"spring {short}")  # without the apostrophe a two-digit year is not a year


# --- the 12-hour clock ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "clock"),
    [("8am", "08:00"), ("8 pm", "20:00"), ("8:30 p.m.", "20:30"), ("12am", "00:00"), ("12pm", "12:00"),
     ("11:59 PM", "23:59"), ("1 a.m.", "01:00")],
)  # fmt: skip
def test_the_presss_twelve_hour_clock(typed: str, clock: str) -> None:
    expected = parse_date(f"2026-10-03 {clock} Europe/London")
    assert parse_date(f"3 Oct 2026 {typed} Europe/London") == expected
    assert parse_date(f"3 October 2026 at {typed} Europe/London") == expected
    for wrong in ("0am", "13pm", "12:60pm"):
        with pytest.raises(DateError, match="no such time"):
            parse_date(f"3 Oct 2026 {wrong} Europe/London")


# --- EDTF out, read back by hstrack and by a peer parser --------------------------------------

SAMPLES = [spelling for spellings, _ in date_forms.FORMS for spelling in spellings] + [
    "2024-02", "2028-02-29", "Q4 2026", "H1 2027", "winter 2027", "Dec 2026–Jan 2027", "2026-12-30..2027-01-02",
    "early 1000", "late 9998", "2026-10-03T23:30-08:00",
]  # fmt: skip


@pytest.mark.parametrize("typed", SAMPLES)
@pytest.mark.parametrize("tentative", [False, True])
def test_edtf_spelling_reads_back_to_the_same_window_here_and_in_a_peer_parser(typed: str, tentative: bool) -> None:
    spec = parse_date(typed)
    edtf = to_edtf(spec, tentative)
    if spec.precision is Precision.TBA:
        assert edtf is None
        return
    assert edtf is not None
    # hstrack reads its own EDTF back: the same window, the same tentativeness (a time
    # cannot carry EDTF's mark, so the flag beside it says it).
    back, marked = parse_typed(edtf)
    assert window(back) == window(spec)
    assert marked == (tentative and spec.precision is not Precision.INSTANT)
    if spec.precision is Precision.INSTANT:
        assert back.moment == spec.moment  # EDTF has no zone names: the moment, at its offset
    elif not tentative and not spec.canonical.startswith("winter"):
        assert back == spec
    # The peer parser agrees on the window (for a time, its day at its own offset).
    # edtf 5.0.2 reads a zero offset only as "Z", not "+00:00" (both ISO 8601 and EDTF)
    peer = parse_edtf(edtf.removesuffix("+00:00") + "Z" if "T" in edtf and edtf.endswith("+00:00") else edtf)
    low, high = peer.lower_strict(), peer.upper_strict()
    expected = (spec.at.date(), spec.at.date()) if spec.at is not None else window(spec)
    assert (date(*low[:3]), date(*high[:3])) == expected
    if tentative and spec.precision is not Precision.INSTANT:
        assert "?" in edtf


def test_edtf_spellings_are_the_standards_own() -> None:
    expected = {
        "2026": "2026", "2026-10": "2026-10", "2026-10-03": "2026-10-03", "Q1 2026": "2026-33",
        "Q4 2026": "2026-36", "H1 2026": "2026-40", "H2 2026": "2026-41", "spring 2026": "2026-25",
        "summer 2026": "2026-26", "autumn 2026": "2026-27", "winter 2026": "2026-12/2027-02",
        "early 2027": "2027-37", "mid 2027": "2027-38", "late 2027": "2027-39", "Aug–Dec 2026": "2026-08/2026-12",
        "3–7 Oct 2026": "2026-10-03/2026-10-07", "2026-10-03 08:00 Europe/London": "2026-10-03T08:00:00+01:00",
    }  # fmt: skip
    for typed, edtf in expected.items():
        assert to_edtf(parse_date(typed)) == edtf, typed
    assert to_edtf(parse_date("2026-10"), True) == "2026-10?"
    assert to_edtf(parse_date("Q3 2026"), True) == "2026-07?/2026-09?"


# --- the refusal: one short line ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("Octber 2026", "October 2026"), ("Spirng 2027", "spring 2027"), ("erly 2027", "early 2027"),
     ("3 Novmber 2026", "3 Nov 2026"), ("Agust–Dec 2026", "Aug–Dec 2026"), ("late 2026 ", None),
     ("atumn 2026?", "autumn 2026?")],
)  # fmt: skip
def test_a_misspelt_word_gets_the_closest_spelling_that_reads(typed: str, meant: str | None) -> None:
    if meant is None:
        parse_date(typed)  # reads: no refusal at all
        return
    with pytest.raises(DateError) as caught:
        parse_date(typed)
    message = caught.value.message
    assert f"did you mean {meant!r}?" in message
    parse_typed(meant)  # what it suggests reads
    assert message.endswith("; every form: hstrack help dates")
    assert "\n" not in message


@pytest.mark.parametrize("typed", ["someday soon", "2026-99", "03/10/2026", "Q5 2026", "October", "x" * 500])
def test_a_refusal_without_a_near_spelling_is_still_one_short_line(typed: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_date(typed)
    message = caught.value.message
    assert "did you mean" not in message or typed == "03/10/2026"
    assert "\n" not in message
    assert len(message) <= 180
    assert message.endswith("; every form: hstrack help dates")


# --- help dates and the README ---------------------------------------------------------------


def test_every_spelling_in_the_table_reads_as_its_rows_first() -> None:
    seen: set[str] = set()
    for spellings, remark in date_forms.FORMS:
        assert remark
        first = parse_typed(spellings[0])
        for spelling in spellings:
            assert parse_typed(spelling) == first, spelling
            assert spelling not in seen
            seen.add(spelling)
    covered = {parse_typed(spellings[0])[0].precision for spellings, _ in date_forms.FORMS}
    assert covered == set(Precision)


def readme_rows() -> list[list[str]]:
    section = README.split("## Date forms", 1)[1].split("\n## ", 1)[0]
    rows = [line.strip("|").split(" | ") for line in section.splitlines() if line.startswith("| `")]
    assert rows
    return rows


def test_the_readme_table_is_the_help_table() -> None:
    rows = readme_rows()
    assert [re.findall(r"`([^`]+)`", row[0]) for row in rows] == [list(s) for s, _ in date_forms.FORMS]
    for row in rows:
        spellings = re.findall(r"`([^`]+)`", row[0])
        spec, tentative = parse_typed(spellings[0])
        assert row[1].strip() == spec.precision.value
        assert re.findall(r"`([^`]+)`", row[2]) == [spec.canonical]
        assert ("(tentative)" in row[2]) == tentative
        assert row[3].startswith(date_forms.window(spec))


def test_help_dates_prints_the_table_and_help_names_it(cli: Cli) -> None:
    text = cli("help", "dates").stdout
    for spellings, remark in date_forms.FORMS:
        assert ", ".join(spellings) in text
        assert remark in text
        assert f"stored as {parse_typed(spellings[0])[0].canonical}" in text
    assert cli("help", "DATES").stdout == text
    listing = cli("help").stdout
    assert "Help topics" in listing
    assert "dates" in listing
    assert "status" in listing
    assert cli("help", "set").stdout == cli("set", "--help").stdout
    wrong = cli("help", "dtaes", code=2)
    assert wrong.stdout == ""
    assert "did you mean dates?" in wrong.stderr


# --- through the command: tentative by mark, EDTF in JSON and CSV --------------------------------


def test_set_reads_the_press_forms_and_json_and_csv_carry_edtf(seeded: Cli) -> None:
    seeded("set", "heartstopper-film", "release", "summer '27?")
    shown = seeded.json("show", "heartstopper-film", "--json")["title"]["milestones"]
    milestone = next(m for m in shown if m["kind"] == "release")
    assert (milestone["date"], milestone["tentative"], milestone["edtf"]) == ("summer 2027", True, "2027-06?/2027-08?")
    seeded("set", "heartstopper-film", "release", "Aug–Dec 2026", "--firm")
    milestone = next(m for m in seeded.json("status", "--json")["titles"][0]["milestones"] if m["kind"] == "release")
    assert (milestone["precision"], milestone["date"], milestone["tentative"]) == ("range", "2026-08..2026-12", False)
    assert milestone["edtf"] == "2026-08/2026-12"
    rows = list(csv.DictReader(io.StringIO(seeded("export", "--format", "csv").stdout)))
    assert {row["edtf"] for row in rows if row["kind"] == "release" and row["title_id"] == "heartstopper-film"} == {
        "2026-08/2026-12"
    }
    assert all(bool(row["edtf"]) == (row["date"] != "TBA") for row in rows)
    before = seeded.store.read_bytes()
    refused = seeded("set", "heartstopper-film", "release", "late 2027?", "--firm", code=2)
    assert "--firm" in refused.stderr
    assert seeded.store.read_bytes() == before


# --- a span between any two dates of the grammar ------------------------------------------------

ENDS = ["2026", "H1 2026", "H2 2026", "Q1 2026", "Q3 2026", "Q4 2026", "spring 2026", "summer 2026",
        "autumn 2026", "winter 2026", "early 2026", "mid 2026", "late 2026", "2026-05", "October 2026",
        "3 Oct 2026", "2027", "Q2 2027", "early 2027", "summer 2027", "Feb 2027", "1 Mar 2027"]  # fmt: skip


@given(left=st.sampled_from(ENDS), right=st.sampled_from(ENDS), dash=st.sampled_from([*DASHES, "..", "/", "-to-"]))
@settings(max_examples=examples(300))
def test_a_span_between_any_two_dates_runs_from_the_first_ones_start_to_the_seconds_end(
    left: str, right: str, dash: str
) -> None:
    first, last = parse_date(left), parse_date(right)
    assert first.earliest is not None
    assert last.latest is not None
    typed = f"{left}{dash}{right}"
    if dash == "/" and right.isdigit() and left.split()[0] in ("spring", "summer", "autumn", "winter"):
        # "spring 2026/2026" reads as winter's own "winter 2026/27" form would: winter with
        # its next year is that winter; any other second year is refused, as only winter
        # spans two.
        if left.startswith("winter") and int(right) == int(left.split()[1]) + 1:
            assert parse_date(typed) == first
            return
        with pytest.raises(DateError, match=r"only winter spans two years|second year is the next"):
            parse_date(typed)
        return
    if last.latest < first.earliest:
        with pytest.raises(DateError, match="before it starts"):
            parse_date(typed)
        return
    if dash == "-" and "-" in left + right:
        # A bare hyphen beside ISO's own hyphens can split more than one way: either the
        # one reading, or a refusal that names two ("2026-05-October 2026").
        try:
            parse_date(typed)
        except DateError:
            with pytest.raises(DateError, match="it could be"):
                parse_date(typed)
            return
    spec = parse_date(typed)
    assert window(spec) == (first.earliest, last.latest), typed
    assert spec.precision in (Precision.RANGE, Precision.MONTH, Precision.DAY, first.precision)
    assert parse_date(spec.canonical) == spec  # stored, it reads back the same
    # The first end may leave its year to the second.
    words = left.split()
    # ("H1-2026" is H1 2026 itself, an older form, so a bare year is left out here.)
    if len(words) == 2 and words[1] == right.split()[-1] and dash.strip() and not right.isdigit():
        assert parse_date(f"{words[0]}{dash}{right}") == spec


def test_a_span_needs_two_real_dates() -> None:
    for typed in ("TBA–2026", "2026–TBA", "3 Oct 2026 08:00 UTC to 4 Oct 2026", "Q3–", "–Q4 2026", "x-y-z"):
        with pytest.raises(DateError):
            parse_date(typed)
    assert parse_date("Q3–Q4 2026") == parse_date("2026-07..2026-12")


# ---------------------------------------------------------------------------- abbreviations (issue 28.7)


@pytest.mark.parametrize("name", sorted(ABBREVIATION_TIMES))
def test_each_abbreviation_is_explained_with_the_offset_it_stands_for(name: str) -> None:
    """The table holds the truth by the zone's own rules (tzdata, 2026): a standard time is
    the zone's lower offset, a summer time its higher, "all year" a zone with one offset;
    and the message names that offset, and a season only for a zone that has them."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    zone, offset, which = ABBREVIATION_TIMES[name]
    seen = {datetime(2026, month, 15, 12, tzinfo=ZoneInfo(zone)).strftime("%z") for month in (1, 7)}
    spelled = {f"{o[:3]}:{o[3:]}" for o in seen}
    if which == "all year":
        assert spelled == {offset}
    elif which == "standard":
        assert offset == min(spelled, key=lambda o: int(o[0] + o[1:3]) * 60 + int(o[0] + o[4:]))
        assert len(spelled) == 2
    elif which == "summer":
        assert offset == max(spelled, key=lambda o: int(o[0] + o[1:3]) * 60 + int(o[0] + o[4:]))
        assert len(spelled) == 2
    with pytest.raises(DateError) as refused:
        parse_date(f"3 Oct 2026 8pm {name}")
    said = str(refused.value)
    assert zone in said
    if offset is not None:
        assert offset in said
    assert ("season" in said) == (which in ("standard", "summer", None))


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("Christmas 2026", "2026-12"), ("xmas, 2026", "2026-12"), ("Christmas season 2026", "2026-12"),
        ("end of 2027", "2027-Q4"), ("The End of 2027", "2027-Q4"), ("close of 2027", "2027-Q4"),
        ("year-end 2027", "2027-Q4"), ("end-2027", "2027-Q4"), ("start of 2027", "2027-Q1"),
        ("the beginning of 2027", "2027-Q1"), ("2027/28", "2027-09..2028-05"), ("1999/00", "1999-09..2000-05"),
        ("the 2027/28 season", "2027-09..2028-05"), ("end of 2027?", "2027-Q4"),
        ("2027–28", "2027-09..2028-05"), ("the 2030—31 season", "2030-09..2031-05"),
        ("2027-28 season", "2027-09..2028-05"), ("Christmas Day 2026", "2026-12-25"),
        ("xmas day, 2031", "2031-12-25"),
        ("Christmas Day 2026 8pm Europe/London", "2026-12-25T20:00:00+00:00[Europe/London]"),
        ("3 Oct 2026 midnight Europe/London", "2026-10-03T00:00:00+01:00[Europe/London]"),
        ("Oct 3, 2026 at Midnight America/New_York", "2026-10-03T00:00:00-04:00[America/New_York]"),
        ("3 Oct 2026 noon UTC", "2026-10-03T12:00:00+00:00"),
        ("3 Oct 2026 at midday +05:30", "2026-10-03T12:00:00+05:30"),
        # what they never change
        ("2027-28", "winter 2027"), ("2027/2028", "2027-01..2028-12"), ("winter 2026/27", "winter 2026"),
    ],
)  # fmt: skip
def test_the_press_forms_read_as_their_windows(typed: str, canonical: str) -> None:
    """Issue 28.7: common press forms, each the window it honestly names."""
    spec, tentative = parse_typed(typed)
    assert spec.canonical == canonical
    assert tentative == typed.endswith("?")
    assert parse_date(spec.canonical) == spec  # the store reads it back


@pytest.mark.parametrize(
    ("typed", "says"),
    [("2027/29", "second year is the next one: 2027/28"), ("2027/27", "2027/28"), ("Christmas", "cannot read"),
     ("2027–29", "second year is the next one: 2027/28"), ("Christmas Day", "cannot read"),
     ("end of", "cannot read"), ("3 Oct 2026 midnight", "needs a zone"), ("midnight 2026", "cannot read")],
)  # fmt: skip
def test_the_press_forms_refuse_what_they_cannot_read(typed: str, says: str) -> None:
    with pytest.raises(DateError, match=re.escape(says)):
        parse_typed(typed)
