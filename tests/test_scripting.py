"""Scripted use: `check` exit codes, `upcoming`, `--plain`, export (JSON, ICS, CSV), import."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from .conftest import Cli, by_id, validate_output, validate_store

FILM = "heartstopper-film"


@pytest.fixture
def seeded(early: Cli) -> Cli:
    """These tests are about scripting, not the film's news: the store of 10 June 2025."""
    return early


# ---------------------------------------------------------------------------- check


@pytest.mark.parametrize(
    ("setup", "condition", "holds"),
    [
        ([], ["--released"], False),
        ([("release", "2026-11-01")], ["--released"], True),
        ([], ["--reached", "filming"], True),
        ([], ["--reached", "release"], False),
        ([], ["--reached", "wrap"], False),  # no such milestone: false, not an error
        ([], ["--phase", "in-production"], True),
        ([], ["--phase", "released"], False),
        ([], ["--has-date", "release"], False),  # TBA
        ([("release", "Q3 2027")], ["--has-date", "release"], False),  # only a quarter
        ([("release", "2027-07-04")], ["--has-date", "release"], True),
        ([("release", "2027-07-04 08:00 Europe/London")], ["--has-date", "release"], True),
        ([("premiere", "2027-07-04 08:00 Europe/London")], ["--has-date", "release"], False),  # not the release
        ([("release", "2026-12-03")], ["--due-within", "7d"], True),
        ([("release", "2026-12-05")], ["--due-within", "1w"], False),
        ([("release", "2027-02-27")], ["--due-within", "3m"], True),
        ([("release", "2027-02-28")], ["--due-within", "3m"], False),
        ([("release", "autumn 2026")], ["--due-within", "1d"], True),  # window already open
        ([("release", "2026-11-27 20:00 Europe/London")], ["--due-within", "12h"], True),
        ([("release", "2026-11-28 02:00 Europe/London")], ["--due-within", "12h"], False),
        ([], ["--due-within", "1y"], False),  # next is the TBA release
        ([("release", "2027")], ["--changed-since", "2026-11-01"], True),
        ([("release", "2027")], ["--changed-since", "1d"], True),
        ([], ["--changed-since", "2026-11-01"], False),
    ],
)
def test_every_condition_true_and_false(
    seeded: Cli, setup: list[tuple[str, str]], condition: list[str], holds: bool
) -> None:
    for milestone, when in setup:
        seeded("set", FILM, milestone, when)
    result = seeded("check", FILM, *condition, code=0 if holds else 1)
    assert result.stdout.startswith("true: " if holds else "false: ")
    assert result.stdout.count("\n") == 1
    data = seeded.json("check", FILM, *condition, code=0 if holds else 1)
    assert data["holds"] is holds
    assert data["conditions"][0]["holds"] is holds
    quiet = seeded("check", FILM, *condition, "--quiet", code=0 if holds else 1)
    assert quiet.stdout == ""


def test_changed_since_ignores_note_edits_and_old_changes(seeded: Cli) -> None:
    seeded("set", FILM, "release", "2027", now="2026-10-01T10:00:00+00:00")
    seeded("set", FILM, "release", "2027", "--note", "still 2027")
    assert "false" in seeded("check", FILM, "--changed-since", "2026-11-01", code=1).stdout
    assert "true" in seeded("check", FILM, "--changed-since", "2026-09-30").stdout


def test_all_conditions_must_hold(seeded: Cli) -> None:
    result = seeded("check", FILM, "--phase", "in-production", "--reached", "announced", "--released", code=1)
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == ["false", "true", "true"]
    seeded("check", FILM, "--phase", "in-production", "--reached", "announced")


def test_several_phases_are_one_condition_any_of_them(seeded: Cli) -> None:
    """`--phase A --phase B` holds when the title is in either (a title is in one phase)."""
    result = seeded("check", FILM, "--phase", "announced", "--phase", "in-production")
    assert result.stdout == "true: --phase announced --phase in-production: phase is in-production\n"
    seeded("check", FILM, "--phase", "released", "--phase", "cancelled", code=1)
    data = seeded.json("check", FILM, "--phase", "rumoured", "--phase", "in-production", "--reached", "announced")
    assert [c["holds"] for c in data["conditions"]] == [True, True]
    assert seeded("check", FILM, "--phase", "in-producton", code=2).stderr.endswith("did you mean in-production?\n")


@pytest.mark.parametrize(
    "args",
    [
        (FILM,),  # no condition
        ("no-such-title", "--released"),
        (FILM, "--phase", "filming"),
        (FILM, "--due-within", "soon"),
        (FILM, "--changed-since", "last tuesday"),
        (FILM, "--has-date", "Not A Slug"),
        (FILM, "--bogus"),
    ],
)
def test_check_errors_are_2_never_1(seeded: Cli, args: tuple[str, ...]) -> None:
    result = seeded("check", *args, code=2)
    assert "Traceback" not in result.stderr


def test_check_on_a_damaged_store_is_2(seeded: Cli) -> None:
    seeded.store.write_text("{")
    result = seeded("check", FILM, "--released", code=2)
    assert "hstrack doctor" in result.stderr


# ---------------------------------------------------------------------------- upcoming


def test_upcoming_empty_is_an_empty_list(seeded: Cli) -> None:
    data = seeded.json("upcoming")
    assert data["upcoming"] == []
    assert [(u["title"]["id"], u["milestone"]["kind"]) for u in data["tba"]] == [(FILM, "release")]
    assert seeded("upcoming", "--plain").stdout == f"-\t-\t{FILM}\trelease\tTBA\ttba\ttba\tHeartstopper (film)\n"
    empty = seeded.json("upcoming", "--milestone", "trailer")
    assert empty["upcoming"] == []
    assert empty["tba"] == []
    assert seeded("upcoming", "--plain", "--milestone", "trailer").stdout == ""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    columns = ["days_min", "days_max", "id", "milestone", "date", "precision", "state", "name"]
    assert " ".join(f"`{c}`" for c in columns) in readme
    assert seeded("upcoming", "--plain", "--header").stdout.splitlines()[0].split("\t") == columns


def test_upcoming_soonest_first_with_filters(seeded: Cli) -> None:
    seeded("add", "Other", "--id", "other")
    seeded("set", "other", "release", "2027-01-10")
    seeded("set", FILM, "trailer", "2026-12-01 17:00 America/Los_Angeles")
    seeded("set", FILM, "release", "Q1 2027")
    seeded("set", "other", "trailer", "2027-06-01")  # beyond 90 days
    data = seeded.json("upcoming")
    assert [(u["title"]["id"], u["milestone"]["kind"]) for u in data["upcoming"]] == [
        (FILM, "trailer"), (FILM, "release"), ("other", "release"),
    ]  # fmt: skip
    assert data["tba"] == []
    assert [u["milestone"]["kind"] for u in seeded.json("upcoming", "--within", "1y")["upcoming"]][-1] == "trailer"
    only = seeded.json("upcoming", "--title", "other", "--milestone", "release")
    assert [(u["title"]["id"], u["milestone"]["kind"]) for u in only["upcoming"]] == [("other", "release")]
    # premiere is a milestone of its own, not the release; one nobody has is an empty answer
    assert seeded.json("upcoming", "--milestone", "premiere")["upcoming"] == []
    # a filter naming something that exists nowhere is a mistake, not an empty answer
    typo = seeded("upcoming", "--milestone", "relese", code=2)
    assert typo.stdout == ""
    assert "did you mean release?" in typo.stderr
    assert seeded.json("upcoming", "--within", "3d")["upcoming"] == []
    seeded("upcoming", "--title", "nope", code=2)
    seeded("upcoming", "--within", "forever", code=2)


def test_plain_columns_are_fixed_and_documented(seeded: Cli) -> None:
    seeded("set", FILM, "release", "autumn 2027")
    out = seeded("status", "--plain", "--header").stdout.splitlines()
    header = out[0].split("\t")
    assert header == ["id", "phase", "next_milestone", "next_date", "next_days_min", "next_days_max",
                      "release_date", "release_precision", "next_state", "last_confirmed", "watch", "name"]  # fmt: skip
    film = dict(zip(header, out[1].split("\t"), strict=True))
    assert film == {
        "id": FILM, "phase": "in-production", "next_milestone": "release", "next_date": "autumn 2027",
        "next_days_min": "278", "next_days_max": "368", "release_date": "autumn 2027",
        "release_precision": "season", "next_state": "future", "last_confirmed": "2026-11-27T12:00:00+00:00",
        "watch": "-", "name": "Heartstopper (film)",
    }  # fmt: skip
    assert "\x1b" not in "".join(out)
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert " ".join(f"`{c}`" for c in header) in readme  # the README documents them in this order
    assert seeded("status", "--plain").stdout.splitlines()[0].startswith(FILM)
    seeded("status", "--plain", "--json", code=2)
    seeded("status", "--header", code=2)


# ---------------------------------------------------------------------------- export: ICS


def read_ics(raw: bytes, store: Path) -> dict[str, object]:
    """The events by ``ID.milestone@hstrack`` (their UIDs carry the title's uid)."""
    from icalendar import Calendar

    cal = Calendar.from_ical(raw)
    return by_id({str(e["uid"]): e for e in cal.walk("VEVENT")}, store)


def test_ics_reads_back_with_every_event_right(seeded: Cli) -> None:
    seeded("set", FILM, "trailer", "2026-12-01 17:00 America/Los_Angeles", "--source", "https://example.org/t")
    seeded("set", FILM, "release", "Q3 2027", "--tentative")
    seeded("set", FILM, "teaser", "2026-12-25T09:00:00+01:00", "--new")
    seeded("set", FILM, "wrap", "TBA")
    raw = seeded("export", "--format", "ics").stdout.encode()
    from icalendar import Calendar

    cal = Calendar.from_ical(raw)
    assert cal["version"] == "2.0"
    assert "America/Los_Angeles" in {str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")}
    events = read_ics(raw, seeded.store)
    assert set(events) == {
        f"{FILM}.announced@hstrack",
        f"{FILM}.production-start@hstrack",
        f"{FILM}.trailer@hstrack",
        f"{FILM}.release@hstrack",
        f"{FILM}.teaser@hstrack",
        "heartstopper-s3.release@hstrack",
    }  # fmt: skip  (the TBA wrap is left out)
    for event in events.values():
        for prop in ("uid", "dtstamp", "dtstart", "summary", "sequence"):
            assert prop in event  # type: ignore[operator]
    start = events[f"{FILM}.production-start@hstrack"]
    assert start.decoded("dtstart") == date(2025, 6, 9)  # type: ignore[attr-defined]
    assert start.decoded("dtend") == date(2025, 6, 10)  # type: ignore[attr-defined]
    trailer = events[f"{FILM}.trailer@hstrack"]
    moment = trailer.decoded("dtstart")  # type: ignore[attr-defined]
    assert moment == datetime(2026, 12, 1, 17, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert str(trailer["dtstart"].params["TZID"]) == "America/Los_Angeles"  # type: ignore[index]
    assert str(trailer["url"]) == "https://example.org/t"  # type: ignore[index]
    teaser = events[f"{FILM}.teaser@hstrack"]
    assert teaser.decoded("dtstart") == datetime(2026, 12, 25, 8, tzinfo=ZoneInfo("UTC"))  # type: ignore[attr-defined]
    release = events[f"{FILM}.release@hstrack"]
    assert release.decoded("dtstart") == date(2027, 7, 1)  # type: ignore[attr-defined]
    assert release.decoded("dtend") == date(2027, 10, 1)  # type: ignore[attr-defined]
    assert "Q3 2027" in str(release["summary"])
    assert str(release["status"]) == "TENTATIVE"
    windows_out = read_ics(seeded("export", "--format", "ics", "--no-windows").stdout.encode(), seeded.store)
    assert set(windows_out) == {
        f"{FILM}.production-start@hstrack", f"{FILM}.trailer@hstrack", f"{FILM}.teaser@hstrack",
        "heartstopper-s3.release@hstrack",  # 3 Oct 2024, known to the day
    }  # fmt: skip


def test_ics_uid_stable_and_sequence_moves_with_a_date_change(seeded: Cli) -> None:
    seeded("set", FILM, "release", "2027-10-03", now="2026-06-01T10:00:00+00:00")
    first = read_ics(seeded("export", "-f", "ics").stdout.encode(), seeded.store)[f"{FILM}.release@hstrack"]
    seeded("set", FILM, "release", "2027-10-03", "--note", "same date, new note", now="2026-07-01T10:00:00+00:00")
    same = read_ics(seeded("export", "-f", "ics").stdout.encode(), seeded.store)[f"{FILM}.release@hstrack"]
    seeded("set", FILM, "release", "2028-01-05", now="2026-08-01T10:00:00+00:00")
    moved = read_ics(seeded("export", "-f", "ics").stdout.encode(), seeded.store)[f"{FILM}.release@hstrack"]
    seq = [int(e["sequence"]) for e in (first, same, moved)]  # type: ignore[index]
    stamps = [e.decoded("dtstamp") for e in (first, same, moved)]  # type: ignore[attr-defined]
    assert seq[0] == seq[1] < seq[2]
    assert stamps[0] == stamps[1] < stamps[2]
    assert moved.decoded("dtstart") == date(2028, 1, 5)  # type: ignore[attr-defined]


def test_ics_to_a_file_is_written_atomically(seeded: Cli, tmp_path: Path) -> None:
    target = tmp_path / "out" / "releases.ics"
    target.parent.mkdir()
    seeded("export", "--format", "ics", "-o", str(target))
    assert read_ics(target.read_bytes(), seeded.store)
    assert not list(target.parent.glob("*.tmp"))


# ---------------------------------------------------------------------------- export: JSON, CSV


def test_json_export_import_round_trip_is_byte_identical(seeded: Cli, tmp_path: Path) -> None:
    seeded("set", FILM, "release", "autumn 2027", "--source", "https://example.org/1")
    seeded("set", FILM, "release", "2027-10-03")
    exported = seeded("export").stdout.encode()
    validate_store(json.loads(exported))
    assert exported == seeded.store.read_bytes()
    (tmp_path / "export.json").write_bytes(exported)
    other = tmp_path / "other" / "store.json"
    seeded("--store", str(other), "import", str(tmp_path / "export.json"))
    assert seeded("--store", str(other), "export").stdout.encode() == exported
    only = json.loads(seeded("export", "--title", "heartstopper-s3").stdout)
    assert [t["id"] for t in only["titles"]] == ["heartstopper-s3"]
    seeded("export", "--title", "nope", code=2)
    seeded("export", "--format", "xml", code=2)


def test_csv_has_a_row_per_milestone_and_defuses_formulas(seeded: Cli) -> None:
    data = json.loads(seeded.store.read_text())
    data["titles"][0]["name"] = '=HYPERLINK("http://evil.example","x")'
    seeded.store.write_text(json.dumps(data))
    rows = list(csv.DictReader(io.StringIO(seeded("export", "--format", "csv").stdout)))
    assert len(rows) == 4
    assert rows[0]["title_name"].startswith("'=HYPERLINK")
    by_kind = {(r["title_id"], r["kind"]): r for r in rows}
    start = by_kind[(FILM, "production-start")]
    assert (start["precision"], start["earliest"], start["state"], start["reached"]) == (
        "day", "2025-06-09", "past", "true"
    )  # fmt: skip
    assert by_kind[(FILM, "release")]["days_until_min"] == ""


# ---------------------------------------------------------------------------- import


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data))
    return path


def test_import_merge_reports_added_and_changed(seeded: Cli, tmp_path: Path) -> None:
    data = json.loads(seeded("export").stdout)
    data["titles"][0]["milestones"][-1]["date"] = "2027-10-03"  # the film's release
    data["titles"].append({"id": "new-one", "name": "New one", "milestones": [{"kind": "release", "date": "2027"}]})
    result = seeded("import", str(write(tmp_path / "in.json", data)))
    assert "1 added, 1 updated, 0 kept, 1 unchanged" in result.stderr
    assert "  added    new-one\n" in result.stderr
    assert f"  updated  {FILM}\n           took release 3 Oct 2027 (was TBA)\n" in result.stderr
    history = seeded.json("history", FILM)["history"]
    assert history[-1]["summary"] == "release dated: 3 Oct 2027 (was TBA)"
    again = seeded("import", str(tmp_path / "in.json"))
    assert "0 added, 0 updated, 0 kept, 3 unchanged" in again.stderr
    assert "undo stops here" in seeded("undo", code=1).stderr  # the import's facts came from the file
    seeded("undo", "--across")
    assert "new-one" not in [t["id"] for t in seeded.json("status")["titles"]]


def test_import_replace(seeded: Cli, tmp_path: Path) -> None:
    data = {"schema": 1, "titles": [{"id": "only", "name": "Only"}]}
    before = seeded.store.read_bytes()
    refused = seeded("import", "--replace", str(write(tmp_path / "in.json", data)), code=2)
    assert "would drop 2 titles" in refused.stderr
    assert "heartstopper-film, heartstopper-s3" in refused.stderr
    assert seeded.store.read_bytes() == before
    done = seeded("import", "--replace", "--yes", str(tmp_path / "in.json"))
    assert "dropping 2" in done.stderr
    assert [t["id"] for t in seeded.json("status")["titles"]] == ["only"]
    seeded("import", "--merge", "--replace", str(tmp_path / "in.json"), code=2)


@pytest.mark.parametrize(
    ("content", "code", "names"),
    [
        (
            '{"schema": 1, "titles": [{"id": "ok", "name": "Ok"}, {"id": "bad", "name": "Bad", '
            '"milestones": [{"kind": "release", "date": "2025-02-30"}]}]}',
            2,
            "title 'bad'.milestones[0].date",
        ),
        ('{"schema": 1, "titles": [{"id": "Not A Slug", "name": "x"}]}', 2, "titles[0].id"),
        ('{"schema": 1, "titles": [{"id": "a", "name": "a"}, {"id": "a", "name": "b"}]}', 2, "appears twice"),
        ('{"schema": 1, "titles": [', 2, "is not valid JSON"),
        ('{"schema": 7, "titles": []}', 2, "newer hstrack"),
        (None, 1, "cannot read"),
    ],
)
def test_failed_import_leaves_the_store_byte_for_byte(
    seeded: Cli, tmp_path: Path, content: str | None, code: int, names: str
) -> None:
    before = seeded.store.read_bytes()
    versions = sorted(p.name for p in (seeded.home / "store.json.backups").iterdir())
    path = tmp_path / "in.json"
    if content is not None:
        path.write_text(content)
    result = seeded("import", str(path), code=code)
    assert names in result.stderr
    assert result.stderr.count("\n") == 1
    assert seeded.store.read_bytes() == before
    assert sorted(p.name for p in (seeded.home / "store.json.backups").iterdir()) == versions


def test_every_json_output_matches_the_schema(seeded: Cli) -> None:
    """Belt and braces: Cli.json validates too; this walks every command once."""
    seeded("set", FILM, "release", "2027-01-15 09:00 Europe/London")
    seeded("set", FILM, "release", "2027-02-15")
    for args in (("status",), ("show", FILM), ("timeline", FILM), ("countdown", FILM), ("history", FILM),
                 ("upcoming", "--within", "1y"), ("doctor",)):  # fmt: skip
        result = seeded(*args, "--json")
        validate_output(json.loads(result.stdout), args[0])
    validate_output(json.loads(seeded("check", FILM, "--released", "--json", code=1).stdout), "check")
