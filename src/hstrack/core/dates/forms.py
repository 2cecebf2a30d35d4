"""Every form of date hstrack reads, as one table: ``hstrack help dates`` prints it and the
README's "Date forms" table is tested against it, so the two cannot drift from the parser.

Each row is a set of spellings of one date; what it reads as (precision, the store's
spelling, the window) is worked out by the parser when the table is printed, never typed
here, so the table cannot claim what the parser does not do.
"""

from __future__ import annotations

from hstrack.core.dates.grammar import parse_typed
from hstrack.core.dates.spec import DateSpec, Precision

# (spellings of one date, a remark). The first spelling is the one the table is read from.
FORMS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("TBA", "TBD", "TBC", "unknown"), "not known yet"),
    (("2026",), "the year"),
    (("H2 2026", "2026-H2", "2026-41"), "a half: H1 is January-June"),
    (("Q3 2026", "2026-Q3", "2026-35"), "a quarter"),
    (("spring 2026", "2026-25"), "meteorological, northern: March-May"),
    (("summer 2026", "2026-26"), "June-August"),
    (("autumn 2026", "fall 2026", "2026-27"), "September-November"),
    (("winter 2026", "winter 2026/27", "2026-28"), "December 2026 to February 2027"),
    (("2026-29",), "EDTF's southern seasons (29-32) are their months"),
    (("early 2027", "2027-37"), "January-April (EDTF's quadrimesters)"),
    (("mid-2027", "mid 2027", "2027-38"), "May-August"),
    (("late 2026", "2026-39"), "September-December"),
    (("Aug–Dec 2026", "August to December 2026", "2026-08..2026-12", "2026-08/2026-12"), "a span of months"),
    (("Nov 2026–Feb 2027", "2026-11..2027-02"), "across a new year"),
    (("Q3–Q4 2026", "Q3 2026 to Q4 2026", "2026-07..2026-12"), "from the start of one date to the end of another"),
    (("late 2026 to early 2027", "late 2026–early 2027"), "any two dates above, the first with or without its year"),
    (("2026-10", "October 2026", "Oct 2026"), "the month"),
    (("3–7 October 2026", "3-7 Oct 2026", "2026-10-03..2026-10-07", "2026-10-03/2026-10-07"), "a span of days"),
    (("28 Sep–3 Oct 2026", "28 September to 3 October 2026"), "across a month"),
    (("2026-10-03", "3 October 2026", "Oct 3, 2026", "Saturday 3 October 2026"), "the day"),
    (
        ("2026-10-03 08:00 Europe/London", "3 Oct 2026 8am Europe/London", "2026-10-03T08:00+01:00[Europe/London]"),
        "a moment, in a named zone",
    ),
    (
        (
            "2026-10-03 20:00 America/New_York",
            "Oct 3, 2026 8pm America/New_York",
            "3 October 2026 at 8 p.m. America/New_York",
        ),
        "the press's 12-hour clock",
    ),
    (("2026-10-03T00:00-07:00", "2026-10-03 00:00 -07:00", "3 Oct 2026 12am UTC-7"), "a moment at a UTC offset"),
    (("2026-10-03T07:00Z", "2026-10-03 07:00 UTC"), "Z, UTC and GMT are offset zero"),
    (
        ("2026-10-03 00:00 Europe/London", "3 Oct 2026 midnight Europe/London", "3 Oct 2026 at 12am Europe/London"),
        "midnight is 00:00, the start of the day (noon is 12:00)",
    ),
    (("Christmas 2026", "Xmas 2026"), "the press's Christmas: its month (releases for it open from mid-December)"),
    (("Christmas Day 2026", "Xmas Day 2026"), "the day itself"),
    (("end of 2027", "the end of 2027", "year-end 2027"), "its last quarter; start of 2027 is its first"),
    (
        ("2027/28", "2027–28", "the 2027-28 season"),
        "a television season, September to May (a bare 2027-28 is EDTF's winter)",
    ),
    (("summer 2027?", "2027-26?", "2027-26~", "summer 2027%"), "tentative: ? (uncertain), ~ or % (EDTF)"),
    (("spring '27",), "a two-digit year after an apostrophe: '00-'69 are 2000-2069"),
)

NOTES = (
    "A date reads as the window it names, never as its first day: 2026 is not 1 January.",
    "The store keeps the spelling after 'stored as'; JSON output adds each date's EDTF.",
    "A span of one month or one day is that month or day; a reversed span is refused.",
    "A moment needs a zone: an IANA name or a UTC offset; abbreviations (EST, BST) are",
    "refused, as they name more than one place or the wrong half of the year.",
    "All-numeric dates other than ISO (03/10/2026) are refused: day and month could swap.",
    "A missing part is never filled in from today: '3 October' is refused.",
    "--at and --changed-since also take today, tomorrow, yesterday and spans: +7d, -2w,",
    "-3mo, +30min (mo is months, min minutes; a bare m is refused as ambiguous).",
)


def read(spelling: str) -> tuple[DateSpec, bool]:
    return parse_typed(spelling)


def window(spec: DateSpec) -> str:
    if spec.precision is Precision.TBA or spec.earliest is None or spec.latest is None:
        return "no window"
    if spec.precision is Precision.INSTANT:
        return "that moment"
    if spec.earliest == spec.latest:
        return spec.earliest.isoformat()
    return f"{spec.earliest.isoformat()} .. {spec.latest.isoformat()}"


def render() -> str:
    """The table, one block per date, so it reads at any terminal width."""
    lines = ["Dates hstrack reads (set, --at, --changed-since, import), one date per block:", ""]
    for spellings, remark in FORMS:
        spec, tentative = read(spellings[0])
        stored = spec.canonical + ("  (tentative)" if tentative else "")
        lines.append("  " + ", ".join(spellings))
        lines.append(f"      {spec.precision.value}: {window(spec)}; stored as {stored}")
        lines.append(f"      {remark}")
    lines.append("")
    lines.extend(NOTES)
    return "\n".join(lines) + "\n"
