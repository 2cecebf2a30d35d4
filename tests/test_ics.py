"""The iCalendar export, written as text a title at a time (issue 18): the same bytes
icalendar wrote when every event was one of its objects, read back by icalendar into
exactly the text that was meant, whatever stored text holds, and bounded in memory at
10,000 titles."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hstrack.core.dates.grammar import parse_date
from hstrack.core.errors import HstrackError
from hstrack.core.kinds import milestone_rank
from hstrack.core.model.document import Document
from hstrack.core.model.history import Change
from hstrack.core.model.milestone import Milestone
from hstrack.core.model.title import Title
from hstrack.core.regions import Places
from hstrack.core.report.titles import report_title
from hstrack.views.export import (
    _content_lines,
    _date_changes,
    _description,
    _placed,
    _revision,
    _summary,
    _text,
    export_chunks,
    to_ics,
)

from .conftest import Cli, examples

NOW = datetime(2026, 11, 28, 10, tzinfo=UTC)


def icalendar_export(doc: Document, now: datetime, windows: bool = True, places: Places = None) -> bytes:
    """The export as it was built before issue 18, one icalendar object per event: the
    oracle the text writer must match byte for byte."""
    from icalendar import Calendar, Event

    from hstrack import __version__
    from hstrack.views.vtimezone import vtimezone

    cal = Calendar()
    cal.add("prodid", f"-//hstrack//hstrack {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "hstrack releases")
    zones: dict[str, list[int]] = {}
    events = []
    for title_id in sorted(doc.titles):
        title = doc.titles[title_id]
        report = report_title(title, now)
        cancellation = title.milestones.get("cancelled") if report.cancelled else None
        cancel_changes = _date_changes(title, "cancelled")
        for a in sorted(report.milestones, key=lambda a: (milestone_rank(a.kind), a.key)):
            m, spec = a.milestone, a.milestone.date
            if spec.is_tba or (not windows and not spec.is_exact) or not _placed(a, places):
                continue
            overtaken = a.state == "cancelled"
            due = a.state == "due"
            event = Event()
            event.add("uid", f"{title.uid}.{m.key.replace('@', '.').replace(':', '.')}@hstrack")
            event.add("summary", _summary(title, m, overtaken, due))
            if spec.at is not None:
                at = spec.at if spec.zone else spec.at.astimezone(UTC)
                event.add("dtstart", at)
                if spec.zone:
                    zones.setdefault(spec.zone, []).append(at.year)
            else:
                assert spec.earliest is not None
                assert spec.latest is not None
                event.add("dtstart", spec.earliest)
                event.add("dtend", spec.latest + timedelta(days=1))
            sequence, stamp = _revision(title, m, cancel_changes, report.cancellation if overtaken else None, now)
            event.add("dtstamp", stamp)
            event.add("sequence", sequence)
            event.add("status", "CANCELLED" if overtaken else "TENTATIVE" if m.tentative or due else "CONFIRMED")
            event.add("transp", "TRANSPARENT")
            event.add("categories", [m.kind])
            event.add("description", _description(m, cancellation if overtaken else None, due))
            if m.source and m.source.startswith(("https://", "http://")) and not any(c.isspace() for c in m.source):
                event.add("url", m.source)
            events.append(event)
    for key in sorted(zones):
        years = zones[key]
        first = datetime(min(years) - 1, 1, 1, tzinfo=UTC)
        last = datetime(min(max(years) + 2, 9999), 1, 1, tzinfo=UTC)
        cal.add_component(vtimezone(key, first, last))
    for event in events:
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data


def title(tid: str, name: str, dates: dict[str, str], source: str | None = None, note: str | None = None,
          **milestone: Any) -> Title:  # fmt: skip
    t = Title(id=tid, name=name, kind="film")
    for kind, when in dates.items():
        t.milestones[kind] = Milestone(kind, parse_date(when), source=source, note=note, **milestone)
        t.history.append(Change("2026-03-01T09:00:00+00:00", kind, None, t.milestones[kind]))
    return t


def varied() -> Document:
    """Every shape an event takes: windows and days, instants in named zones (one
    icalendar takes for UTC), fixed offsets, a slipped date, a cancellation that
    overtakes what is ahead, tentative and placed releases, long and non-ASCII text."""
    doc = Document()
    doc.titles["a-film"] = title(
        "a-film", "Ünïcödé — ☃ film; with, commas \\ and a name long enough to be folded twice over, é€𝄞",
        {"announced": "2025", "trailer": "2027-03-28 00:30 Europe/London", "release": "autumn 2027"},
        source="https://example.org/a?x=1;y=2,z", note="a note; with, commas\\ and ^ carets",
    )  # fmt: skip
    doc.titles["b-show"] = title(
        "b-show", "B", {"premiere": "2027-01-15 20:00 America/Los_Angeles", "release": "2027-02-01 09:00 Etc/UTC",
                        "trailer": "2026-12-01T09:00:00+05:30", "production-start": "Q3 2026"},
        source="not a url",
    )  # fmt: skip
    doc.titles["c-gone"] = title(
        "c-gone", "C", {"release": "2027-06", "trailer": "2027-03-01 09:00 Africa/Abidjan", "cancelled": "2026-10"}
    )
    doc.titles["d-placed"] = title("d-placed", "D", {"release": "2027-10-03"}, tentative=True)
    doc.titles["d-placed"].milestones["release@GB:theatrical"] = Milestone(
        "release", parse_date("2027-10-10"), region="GB", medium="theatrical"
    )
    slipped = doc.titles["a-film"]
    old = Milestone("release", parse_date("2026"))
    slipped.history.append(Change("2026-06-01T10:00:00+00:00", "release", old, slipped.milestones["release"]))
    return doc


@pytest.mark.parametrize(
    ("windows", "places"), [(True, None), (False, None), (True, (frozenset({"GB"}), frozenset({"theatrical"})))]
)
def test_the_file_is_byte_for_byte_what_icalendar_wrote(windows: bool, places: Places) -> None:
    doc = varied()
    assert to_ics(doc, NOW, windows, places) == icalendar_export(doc, NOW, windows, places)


def test_it_reads_back_event_by_event() -> None:
    from icalendar import Calendar

    doc = varied()
    cal = Calendar.from_ical(to_ics(doc, NOW))
    ids = {t.uid: t.id for t in doc.titles.values()}
    events = {ids[str(e["uid"]).split(".")[0]] + "." + str(e["uid"]).split(".", 1)[1]: e for e in cal.walk("VEVENT")}
    assert len(events) == 12  # every milestone but none (no TBA here); the placed release by its own uid
    assert {str(z["tzid"]) for z in cal.walk("VTIMEZONE")} == {
        "Africa/Abidjan", "America/Los_Angeles", "Etc/UTC", "Europe/London"
    }  # fmt: skip
    film = doc.titles["a-film"]
    trailer = events["a-film.trailer@hstrack"]
    assert str(trailer["summary"]) == _summary(film, film.milestones["trailer"], False)
    assert str(trailer["description"]) == _description(film.milestones["trailer"], None)
    assert trailer.decoded("dtstart") == film.milestones["trailer"].date.at
    assert str(trailer["url"]) == "https://example.org/a?x=1;y=2,z"
    assert events["d-placed.release.GB.theatrical@hstrack"].decoded("dtstart").isoformat() == "2027-10-10"
    assert str(events["c-gone.release@hstrack"]["status"]) == "CANCELLED"
    assert "url" not in events["b-show.release@hstrack"]


def test_the_file_comes_a_title_at_a_time() -> None:
    doc = varied()
    chunks = list(export_chunks(doc, "ics", NOW))
    assert len(chunks) == 1 + 4 + len(doc.titles) + 1  # head, each zone, each title, the end
    assert all(chunk.endswith(b"\r\n") for chunk in chunks)  # each can be made inert alone
    assert b"".join(chunks) == to_ics(doc, NOW)
    csv_chunks = list(export_chunks(doc, "csv", NOW))
    assert len(csv_chunks) == len(doc.titles)  # the header rides with the first title
    assert all(chunk.endswith(b"\r\n") for chunk in csv_chunks)


# ---------------------------------------------------------------------------- hostile text

# Text built from what TEXT escaping and folding must get right, mixed with anything.
PIECES = st.sampled_from(["\\", ";", ",", ":", "^", "\n", "\r", "\r\n", "\\N", "\\n", "\\,", '"', "é", "€", "𝄞",
                          "\t", " ", "x" * 70, "\u2028", "\x85", "BEGIN:VEVENT", "END:VCALENDAR"])  # fmt: skip
TEXT = st.lists(st.one_of(PIECES, st.text(st.characters(exclude_categories=["Cs"]), max_size=20)), max_size=30).map(
    "".join
)


def unfolded_event(line: bytes) -> Any:
    from icalendar import Event

    return Event.from_ical(b"BEGIN:VEVENT\r\n" + line + b"END:VEVENT\r\n")


@settings(max_examples=examples(300), deadline=None)
@given(TEXT)
def test_any_text_reads_back_as_itself_and_stays_one_property(value: str) -> None:
    line = _content_lines([f"DESCRIPTION:{_text(value)}"])
    physical = line.split(b"\r\n")
    assert physical[-1] == b""
    for i, part in enumerate(physical[:-1]):
        assert len(part) <= 75
        part.decode("utf-8")  # a fold never splits a character
        assert b"\r" not in part
        assert b"\n" not in part
        assert i == 0 or part.startswith(b" ")
    event = unfolded_event(line)
    assert list(event) == ["DESCRIPTION"]
    # RFC 5545 has one line break in TEXT: CRLF and a lone CR come back as LF.
    assert str(event["description"]) == value.replace("\r\n", "\n").replace("\r", "\n")


@settings(max_examples=examples(200), deadline=None)
@given(st.integers(0, 80), st.sampled_from(["é", "€", "𝄞", "\\", "\\\\", "^", ";", ","]))
def test_a_fold_lands_between_characters_and_escapes(pad: int, tricky: str) -> None:
    value = "a" * pad + tricky * 5 + "z" * 80
    line = _content_lines([f"SUMMARY:{_text(value)}"])
    assert all(len(part) <= 75 for part in line.split(b"\r\n"))
    assert str(unfolded_event(line)["summary"]) == value
    # Folded where icalendar folds (it keeps a "\\" or "^" off the end of a line, its issue 1501).
    from icalendar import Event

    event = Event()
    event.add("summary", value)
    assert event.to_ical() == b"BEGIN:VEVENT\r\n" + line + b"END:VEVENT\r\n"


@settings(max_examples=examples(60), deadline=None)
@given(name=TEXT, note=TEXT, source=TEXT)
def test_hostile_stored_text_is_inert_data_in_a_real_calendar(name: str, note: str, source: str) -> None:
    from icalendar import Calendar

    doc = Document()
    doc.titles["odd"] = title("odd", name, {"release": "2027-10-03", "trailer": "2027-03-28 00:30 Europe/London"},
                              source=source, note=note)  # fmt: skip
    raw = to_ics(doc, NOW)
    if "\\N" not in name + note + source:  # icalendar read a literal \N as a line break
        assert raw == icalendar_export(doc, NOW)
    cal = Calendar.from_ical(raw)
    assert [c.name for c in cal.subcomponents] == ["VTIMEZONE", "VEVENT", "VEVENT"]
    t = doc.titles["odd"]
    for event in cal.walk("VEVENT"):
        m = t.milestones[str(event["categories"].cats[0])]
        assert str(event["summary"]) == _summary(t, m, False)
        assert str(event["description"]) == _description(m, None)
        assert set(event) <= {"SUMMARY", "DTSTART", "DTEND", "DTSTAMP", "UID", "SEQUENCE", "CATEGORIES",
                              "DESCRIPTION", "STATUS", "TRANSP", "URL"}  # fmt: skip


def test_a_literal_backslash_n_is_text_not_a_line_break() -> None:
    """icalendar's writer turned ``\\N`` into a line break before escaping; this one does not."""
    literal = "a\\Nb"
    assert str(unfolded_event(_content_lines(["SUMMARY:" + _text(literal)]))["summary"]) == literal


# ---------------------------------------------------------------------------- the CLI


def test_a_failure_while_writing_leaves_the_file_as_it_was(
    seeded: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hstrack.views.export

    target = tmp_path / "releases.ics"
    target.write_bytes(b"old calendar")

    def failing(*args: Any, **kwargs: Any) -> Any:
        yield b"BEGIN:VCALENDAR\r\n"
        raise HstrackError("made up failure halfway")

    monkeypatch.setattr(hstrack.views.export, "ics_chunks", failing)
    result = seeded("export", "-f", "ics", "-o", str(target), code=1)
    assert "made up failure halfway" in result.stderr
    assert target.read_bytes() == b"old calendar"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


# A peak for every export of 10,000 titles (5 milestones each, as benchmarks/run.py builds
# them): the document itself is most of it (about 100 MiB); icalendar objects took 527 MiB.
PEAK_MIB = 150


def test_every_export_of_10000_titles_stays_under_the_memory_bound(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    try:
        import run  # the benchmark's own store builder
    finally:
        sys.path.pop(0)
    home = run.build_store(tmp_path / "big", 10_000)
    hstrack = str(Path(sys.executable).with_name("hstrack"))
    # RUSAGE_CHILDREN is the largest of all children waited for, so each export runs
    # from a fresh interpreter that has no other children.
    probe = (
        "import json, resource, subprocess, sys\n"
        "peaks = {}\n"
        "for fmt in ('ics', 'csv', 'json'):\n"
        "    with open(sys.argv[2] + '.' + fmt, 'wb') as out:\n"
        "        subprocess.run([sys.argv[1], 'export', '--format', fmt], stdout=out, check=True)\n"
        "    peaks[fmt] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(json.dumps(peaks))\n"
    )
    env = {"HSTRACK_HOME": str(home), "HSTRACK_NOW": NOW.isoformat(), "TZ": "Europe/London", "PATH": "/usr/bin:/bin",
           "LANG": "C.UTF-8", "XDG_CONFIG_HOME": str(tmp_path / "config")}  # fmt: skip
    done = subprocess.run([sys.executable, "-c", probe, hstrack, str(tmp_path / "out")], env=env,
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    peaks = json.loads(done.stdout)
    assert max(peaks.values()) / 1024 <= PEAK_MIB, peaks  # KiB on Linux
    assert (tmp_path / "out.ics").read_bytes().count(b"BEGIN:VEVENT") > 40_000
