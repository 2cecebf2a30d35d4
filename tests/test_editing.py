"""Editing what you track (issue 13, item 1): every field of a title after `add`, credits by
role, a new id that keeps everything, each change in the history and undoable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import NOW, Cli, validate_store

FILM = "heartstopper-film"


def stored(cli: Cli) -> dict[str, object]:
    data = json.loads(cli.store.read_text())
    validate_store(data)
    return data


def title_of(cli: Cli, title_id: str) -> dict[str, object]:
    titles = stored(cli)["titles"]
    assert isinstance(titles, list)
    return next(t for t in titles if t["id"] == title_id)


def test_add_prints_the_new_id_on_stdout_for_scripts(tmp_path: Path) -> None:
    """id=$(hstrack add ...) through the installed command: the id alone on stdout."""
    bin_dir = Path(sys.executable).parent
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "HSTRACK_HOME": str(tmp_path), "HSTRACK_NOW": NOW,
           "TZ": "Europe/London", "LANG": "C.UTF-8"}  # fmt: skip
    script = 'id=$(hstrack add "Young Royals: The Film" --kind film) && hstrack show "$id" --json && echo "[$id]"'
    run = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.rstrip().endswith("[young-royals-the-film]")
    assert json.loads(run.stdout.splitlines()[0])["title"]["kind"] == "film"
    assert "hstrack: added young-royals-the-film\n" in run.stderr


def test_add_says_how_to_set_a_kind_and_catches_a_typo(seeded: Cli) -> None:
    added = seeded("add", "Some Show")
    assert added.stdout == "some-show\n"
    assert "its kind is other until you say (hstrack edit some-show --kind film)" in added.stderr
    before = seeded.store.read_bytes()
    typo = seeded("add", "Other Show", "--kind", "flim", code=2)
    assert "kind 'flim' is not one of film, series, season, special, other; did you mean film?" in typo.stderr
    assert typo.stdout == ""
    assert seeded.store.read_bytes() == before
    assert seeded("add", "Third", "--kind", "Series").stdout == "third\n"
    assert title_of(seeded, "third")["kind"] == "series"


def test_every_field_can_be_edited_recorded_and_undone(seeded: Cli) -> None:
    original = title_of(seeded, FILM)
    result = seeded("edit", FILM, "--name", "Heartstopper Forever (film)", "--kind", "film", "--label", "HSF",
                    "--platform", "Netflix UK", "--synopsis", "Nick and Charlie.\nThe end.",
                    "--notes", "Check BBFC")  # fmt: skip
    assert result.stdout == ""
    assert "hstrack: heartstopper-film: name is 'Heartstopper Forever (film)'" in result.stderr
    title = title_of(seeded, FILM)
    assert (title["name"], title["label"], title["platform"], title["synopsis"], title["notes"]) == (
        "Heartstopper Forever (film)", "HSF", "Netflix UK", "Nick and Charlie.\nThe end.", "Check BBFC")  # fmt: skip
    edits = seeded.json("history", FILM)["edits"]
    assert [e["field"] for e in edits] == ["name", "label", "platform", "synopsis", "notes"]  # kind was film
    summary = "name changed from 'Heartstopper Forever' to 'Heartstopper Forever (film)'"
    assert edits[0] == {"recorded": NOW, "field": "name", "old": "Heartstopper Forever",
                        "new": "Heartstopper Forever (film)", "summary": summary}  # fmt: skip
    assert edits[1]["summary"] == "label changed from 'HS film' to 'HSF'"
    assert edits[3]["summary"] == "synopsis changed"
    table = seeded("history", FILM, COLUMNS="120").stdout
    assert "name changed from 'Heartstopper Forever' to 'Heartstopper Forever (film)'" in table
    assert "platform changed from 'Netflix' to 'Netflix UK'" in table
    # The milestones' history keeps its own list and shape.
    assert [c["milestone"] for c in seeded.json("history", FILM)["history"]][:2] == ["announced", "production-start"]
    seeded("edit", FILM, "--no-label", "--no-notes", "--no-synopsis")
    title = title_of(seeded, FILM)
    assert (title["label"], title["notes"], title["synopsis"]) == (None, None, None)
    cleared = [e["summary"] for e in seeded.json("history", FILM)["edits"][-3:]]
    assert cleared == ["label cleared (was 'HSF')", "synopsis cleared", "notes cleared"]
    # One undo takes back one command, whatever it changed.
    seeded("undo")
    assert title_of(seeded, FILM)["label"] == "HSF"
    undone = seeded("undo")
    assert "undid: edit heartstopper-film name label platform synopsis notes" in undone.stderr
    assert title_of(seeded, FILM) == original


def test_edit_refuses_what_it_cannot_do_and_changes_nothing(seeded: Cli) -> None:
    before = seeded.store.read_bytes()
    for args, says in (
        ((), "say what to change"),
        (("--label", "x", "--no-label"), "choose one of --label and --no-label"),
        (("--name", "  "), "a title's name cannot be empty"),
        (("--name", "a\x1b[31mb"), "cannot contain control characters"),
        (("--label", "x" * 33), "a label can be at most 32 characters"),
        (("--kind", "movie"), "kind 'movie' is not one of"),
        (("--platform", "a\nb"), "platform cannot contain control characters or line breaks"),
        (("--name", "Fine", "--kind", "nope"), "kind 'nope'"),  # all checked before any is set
    ):
        failed = seeded("edit", FILM, *args, code=2)
        assert says in failed.stderr, (args, failed.stderr)
        assert "\x1b" not in failed.stderr
        assert seeded.store.read_bytes() == before
    assert "did you mean heartstopper-film" in seeded("edit", "heartstoper-film", "--name", "X", code=2).stderr
    same = seeded("edit", FILM, "--platform", "Netflix")
    assert same.stderr == "hstrack: heartstopper-film: nothing changed\n"
    assert seeded.store.read_bytes() == before


def test_credits_by_role(seeded: Cli) -> None:
    seeded("add", "Film X", "--id", "x", "--kind", "film")
    assert seeded("credit", "x", "Director", "A Person").stderr == "hstrack: x: Director: A Person\n"
    seeded("credit", "x", "cast", "B", "C", "B")  # duplicates once
    seeded("credit", "x", "Cast", "C", "D")  # "cast" is the role already there
    assert title_of(seeded, "x")["credits"] == {"Director": ["A Person"], "cast": ["B", "C", "D"]}
    seeded("credit", "x", "CAST", "--remove", "C")
    assert title_of(seeded, "x")["credits"] == {"Director": ["A Person"], "cast": ["B", "D"]}
    seeded("credit", "x", "cast", "--replace", "E")
    assert title_of(seeded, "x")["credits"] == {"Director": ["A Person"], "cast": ["E"]}
    assert seeded("credit", "x", "director", "--remove").stderr == "hstrack: x: Director removed\n"
    assert title_of(seeded, "x")["credits"] == {"cast": ["E"]}
    summaries = [e["summary"] for e in seeded.json("history", "x")["edits"]]
    assert summaries == [
        "credits: Director: added A Person",
        "credits: cast: added B, C",
        "credits: cast: added D",
        "credits: cast: removed C",
        "credits: cast: added E; removed B, D",
        "credits: Director: removed",
    ]
    shown = seeded("show", "x", COLUMNS="100").stdout
    assert "E" in shown
    before = seeded.store.read_bytes()
    for args, says in (
        (("cast", "--remove", "F"), "'F' is not credited as cast on x"),
        (("Writer", "--remove"), "x has no credits for 'Writer' (it has: cast)"),
        (("cast",), "give the names to add for cast"),
        (("cast", "--replace"), "give the names to replace for cast"),
        (("cast", "E", "--remove", "--replace"), "choose one of --remove and --replace"),
        (("", "E"), "a credit's role cannot be empty"),
        (("cast", "a\u202eb"), "a credited name cannot contain control characters"),
    ):
        assert says in seeded("credit", "x", *args, code=2).stderr, args
    assert seeded.store.read_bytes() == before
    assert seeded("credit", "x", "cast", "E").stderr == "hstrack: x: nothing changed\n"
    seeded("undo")
    assert title_of(seeded, "x")["credits"] == {"Director": ["A Person"], "cast": ["E"]}


def test_rename_keeps_history_label_pin_and_calendar_events(seeded: Cli) -> None:
    from icalendar import Calendar

    seeded("label", FILM, "HS film")
    seeded("pin", FILM, "release")
    seeded("set", FILM, "trailer", "2027-01-05")
    uids = {str(e["UID"]) for e in Calendar.from_ical(seeded("export", "--format", "ics").stdout).walk("VEVENT")}
    history_before = seeded.json("history", FILM)["history"]
    renamed = seeded("rename", FILM, "hs-forever")
    assert renamed.stdout == "hs-forever\n"
    assert "renamed heartstopper-film to hs-forever" in renamed.stderr
    data = stored(seeded)
    assert {k: v for k, v in data["pin"].items() if k != "set"} == {"title": "hs-forever", "milestone": "release"}
    title = title_of(seeded, "hs-forever")
    assert title["label"] == "HS film"
    assert seeded.json("history", "hs-forever")["history"] == history_before
    assert seeded.json("history", "hs-forever")["edits"][-1]["summary"] == (
        "id changed from 'heartstopper-film' to 'hs-forever'"
    )
    table = seeded("history", "hs-forever", COLUMNS="160").stdout.splitlines()
    row = next(line.split() for line in table if "'heartstopper-film'" in line)
    assert row[2:5] == ["title", "id", "id"]  # the rename's row names what changed: "title id"
    after = {str(e["UID"]) for e in Calendar.from_ical(seeded("export", "--format", "ics").stdout).walk("VEVENT")}
    assert after == uids  # the same events, updated, not new ones
    from hstrack.store.seed import FILM_UID

    assert f"{FILM_UID}.trailer@hstrack" in after  # by the title's uid, which the rename kept
    assert seeded("prompt", "--format", "{label}").stdout.strip() == "HS film"
    gone = seeded("show", FILM, code=2)
    assert "no title with id 'heartstopper-film'" in gone.stderr
    before = seeded.store.read_bytes()
    assert "a title with id 'heartstopper-s3' already exists" in seeded("rename", "hs-forever", "heartstopper-s3",
                                                                        code=2).stderr  # fmt: skip
    assert "is not a slug" in seeded("rename", "hs-forever", "HS Forever", code=2).stderr
    assert "already has that id" in seeded("rename", "hs-forever", "hs-forever", code=2).stderr
    assert seeded.store.read_bytes() == before
    seeded("undo")
    assert {k: v for k, v in stored(seeded)["pin"].items() if k != "set"} == {"title": FILM, "milestone": "release"}


def test_label_is_an_edit_too(seeded: Cli) -> None:
    seeded("label", FILM, "HS")
    seeded("label", FILM)
    summaries = [e["summary"] for e in seeded.json("history", FILM)["edits"]]
    assert summaries == ["label changed from 'HS film' to 'HS'", "label cleared (was 'HS')"]
    assert seeded("label", FILM).stderr == "hstrack: heartstopper-film: label reset to the default\n"


def test_a_merge_takes_newer_fields_with_their_edits(seeded: Cli, tmp_path: Path) -> None:
    seeded("export", "-o", str(tmp_path / "old.json"))
    seeded("edit", FILM, "--platform", "Netflix UK", now="2026-11-28T09:00:00+00:00")
    newer = tmp_path / "newer.json"
    seeded("export", "-o", str(newer), now="2026-11-28T09:00:00+00:00")
    seeded("undo")
    seeded("edit", FILM, "--notes", "mine", now="2026-11-28T10:00:00+00:00")
    seeded("import", str(newer), now="2026-11-29T09:00:00+00:00")
    title = title_of(seeded, FILM)
    assert (title["platform"], title["notes"]) == ("Netflix UK", "mine")
    fields = [(e["field"], e["recorded"]) for e in seeded.json("history", FILM)["edits"]]
    assert fields == [("platform", "2026-11-28T09:00:00+00:00"), ("notes", "2026-11-28T10:00:00+00:00")]
    # An older copy changes nothing and adds no edit.
    seeded("import", str(tmp_path / "old.json"), now="2026-11-29T10:00:00+00:00")
    assert title_of(seeded, FILM)["platform"] == "Netflix UK"
    assert len(seeded.json("history", FILM)["edits"]) == 2


def test_a_field_taken_without_its_edit_is_recorded(seeded: Cli, tmp_path: Path) -> None:
    data = stored(seeded)
    titles = data["titles"]
    assert isinstance(titles, list)
    film = next(t for t in titles if t["id"] == FILM)
    was = film["synopsis"]
    film["synopsis"] = "From a hand-edited copy."
    film["edited"] = {"synopsis": "2026-11-28T00:00:00+00:00"}
    copy_file = tmp_path / "copy.json"
    copy_file.write_text(json.dumps(data))
    seeded("import", str(copy_file))
    edits = seeded.json("history", FILM)["edits"]
    assert [(e["field"], e["old"], e["new"], e["recorded"]) for e in edits] == [
        ("synopsis", was, "From a hand-edited copy.", NOW)
    ]


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        ({"field": "colour", "old": None, "new": "x"}, "edits[0].field: 'colour' is not one of id, name"),
        ({"field": "name", "old": None, "new": None}, "edits[0]: an edit needs an old or a new value"),
        ({"field": "name", "old": None, "new": "a\x1b]52;c;eA==\x07"}, "edits[0].new: a title's name cannot contain"),
        ({"field": "id", "old": "A B", "new": "x"}, "edits[0].old: 'A B' is not a slug"),
        ({"field": "kind", "old": "other", "new": "show"}, "edits[0].new: 'show' is not one of film"),
        ({"field": "label", "old": None, "new": "x" * 33}, "edits[0].new: a label can be at most 32"),
        ({"field": "platform", "old": None, "new": "a\nb"}, "edits[0].new: platform cannot contain"),
        ({"field": "notes", "old": None, "new": "n" * 4001}, "edits[0].new: notes can be at most 4000"),
        ({"field": "credits", "old": None, "new": {"Cast": "X"}}, "edits[0].new.'Cast': expected list"),
        ({"field": "credits", "old": None, "new": ["X"]}, "edits[0].new: expected dict"),
        ({"field": "name", "old": None, "new": 5}, "edits[0].new: expected str"),
        ({"field": "name", "recorded": "yesterday", "old": None, "new": "x"}, "edits[0].recorded: 'yesterday'"),
    ],
)
def test_a_stored_edit_is_held_to_the_rules_of_its_field(cli: Cli, edit: dict[str, object], says: str) -> None:
    from hstrack.core.model.reading import document_from_json
    from hstrack.core.model.shape import ShapeError

    entry = {"recorded": NOW, **edit}
    with pytest.raises(ShapeError) as caught:
        document_from_json({"schema": 1, "titles": [{"id": "a", "name": "A", "edits": [entry]}]})
    assert says in str(caught.value)
    cli.store.parent.mkdir(parents=True, exist_ok=True)
    cli.store.write_text(json.dumps({"schema": 1, "titles": [{"id": "a", "name": "A", "edits": [entry]}]}))
    failed = cli("history", "a", code=1)
    assert "\x1b" not in failed.stderr
    assert "\x07" not in failed.stderr
    assert failed.stdout == ""


def test_an_edit_of_every_field_reads_back_and_carries_unknown_fields(cli: Cli) -> None:
    from hstrack.core.model.reading import document_from_json

    edits = [
        {"recorded": NOW, "field": "id", "old": "old-a", "new": "a"},
        {"recorded": NOW, "field": "name", "old": "Old", "new": "A", "why": {"deep": [1]}},
        {"recorded": NOW, "field": "credits", "old": None, "new": {"Cast": ["X"]}},
        {"recorded": NOW, "field": "synopsis", "old": "one\ntwo", "new": None},
    ]
    doc = document_from_json({"schema": 1, "titles": [{"id": "a", "name": "A", "edits": edits}]})
    title = doc.titles["a"]
    assert [e.to_json() for e in title.edits] == edits
    from hstrack.core.identity import derived_uid

    assert title.uid == derived_uid("old-a")  # a store without uids: the uid of the id it was created with
    # The first id of several renames, whatever other edits came before them.
    before = [{"recorded": NOW, "field": "name", "old": "Name Before", "new": "A"},
              {"recorded": NOW, "field": "id", "old": "first", "new": "second"},
              {"recorded": NOW, "field": "id", "old": "second", "new": "a"}]  # fmt: skip
    renamed = document_from_json({"schema": 1, "titles": [{"id": "a", "name": "A", "edits": before}]})
    assert renamed.titles["a"].uid == derived_uid("first")
    assert title.to_json()["edits"] == edits
    assert "edits" not in document_from_json({"schema": 1, "titles": [{"id": "b", "name": "B"}]}).to_json()["titles"][0]


def test_history_says_moved_only_when_both_ends_moved_the_same_way(cli: Cli) -> None:
    """A slip of a day is "moved 1 day later"; a date that became a window holding it (a day
    to its month, a day to a range around it) "widened", never "moved"."""
    cli("add", "Film", "--id", "film")
    steps = [
        ("2026-12-02", "trailer set to 2 Dec 2026"),
        ("2026-12-03", "trailer moved 1 day later (2 Dec 2026 → 3 Dec 2026)"),
        ("2026-11-30..2026-12-04", "trailer widened from 3 Dec 2026 to 30 Nov–4 Dec 2026"),
        ("2026-12-02", "trailer firmed up from 30 Nov–4 Dec 2026 to 2 Dec 2026"),
        ("2026-12", "trailer widened from 2 Dec 2026 to December 2026"),
        ("2026-11-30", "trailer moved 1 to 31 days earlier (December 2026 → 30 Nov 2026)"),
    ]
    for when, _ in steps:
        cli("set", "film", "trailer", when)
    summaries = [h["summary"] for h in cli.json("history", "film")["history"]]
    assert summaries == [said for _, said in steps]


def test_a_kind_of_your_own_is_known_once_made_even_beside_placed_releases(cli: Cli) -> None:
    cli("add", "Film", "--id", "film")
    cli("set", "film", "release@GB:theatrical", "2027-03-05")
    cli("set", "film", "table-read", "2027-01", "--new")
    cli("set", "film", "table-read", "2027-01-20")  # no --new the second time
    typo = cli("set", "film", "tabel-read", "2027-01-21", code=2)
    assert "table-read" in typo.stderr  # did you mean
