"""Every command through CliRunner, with HSTRACK_HOME in a temp folder and a fixed now."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hstrack import __version__

from .conftest import Cli

MILESTONE_FIELDS = {
    "kind",
    "text",
    "precision",
    "earliest",
    "latest",
    "tentative",
    "source",
    "note",
    "days_until",
}
TITLE_FIELDS = {"id", "name", "kind", "platform", "phase", "milestones", "next"}


def test_first_command_creates_the_store_and_says_so_once(cli: Cli) -> None:
    first = cli("status")
    assert "created a new store" in first.stderr
    assert str(cli.store) in first.stderr
    assert "Heartstopper" in first.stdout
    assert "Forever" in first.stdout
    assert "17 Jul 2026" in first.stdout  # released: the seed is current
    second = cli("status")
    assert second.stderr == ""


def test_where_prints_the_path_without_creating(cli: Cli) -> None:
    result = cli("where")
    assert result.stdout.strip() == str(cli.store)
    assert not cli.store.exists()


def test_store_option_overrides_the_folder(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere" / "mine.json"
    cli("--store", str(other), "status")
    assert other.exists()
    assert not cli.store.exists()
    assert cli("--store", str(other), "where").stdout.strip() == str(other)


def test_version(cli: Cli) -> None:
    assert cli("--version").stdout.strip() == f"hstrack {__version__}"


def test_status_json_contract(june: Cli) -> None:
    data = june.json("status")
    assert data["schema"] == 1
    assert data["now"] == "2026-11-27T12:00:00+00:00"
    by_id = {t["id"]: t for t in data["titles"]}
    film = by_id["heartstopper-film"]
    assert set(film) >= TITLE_FIELDS
    assert film["phase"] == "post-production"
    assert film["platform"] == "Netflix"
    for m in film["milestones"]:
        assert set(m) >= MILESTONE_FIELDS
    announced, start, end, release = film["milestones"]
    assert (announced["precision"], announced["earliest"], announced["latest"]) == ("month", "2025-04-01", "2025-04-30")
    assert announced["source"] == "Netflix announcement, 9 June 2025"
    assert (start["precision"], start["earliest"], start["text"]) == ("day", "2025-06-09", "9 Jun 2025")
    assert (end["kind"], end["earliest"], end["state"]) == ("production-end", "2025-07-27", "past")
    assert (release["precision"], release["earliest"], release["latest"]) == ("half", "2026-07-01", "2026-12-31")
    assert (release["state"], release["days_until"]) == ("open", {"min": 0, "max": 34})
    assert film["next"]["kind"] == "release"
    assert by_id["heartstopper-s3"]["phase"] == "released"


def test_json_stdout_is_only_json_even_on_first_run(cli: Cli) -> None:
    result = cli("status", "--json")
    json.loads(result.stdout)
    assert "created" in result.stderr


def test_tour_fuzzy_then_firm_then_history(seeded: Cli) -> None:
    seeded("set", "heartstopper-film", "release", "TBA")
    seeded("set", "heartstopper-film", "release", "autumn 2027", "--source", "https://example.org/1", "--tentative")
    data = seeded.json("countdown", "heartstopper-film", "release")
    assert data["milestone"]["precision"] == "season"
    assert data["milestone"]["days_until"] == {"min": 278, "max": 368}
    assert data["milestone"]["tentative"] is True
    seeded("set", "heartstopper-film", "release", "3 Oct 2027", "--source", "https://example.org/2")
    seeded("set", "heartstopper-film", "release", "2028-01-05")
    history = seeded.json("history", "heartstopper-film")["history"][-3:]
    assert [h["summary"] for h in history] == [
        "release dated: autumn 2027 (tentative) (was TBA)",
        "release firmed up from autumn 2027 (tentative) to 3 Oct 2027",
        "release moved 94 days later (3 Oct 2027 → 5 Jan 2028)",
    ]
    assert history[1]["old"]["text"] == "autumn 2027"
    assert history[1]["new"]["text"] == "3 Oct 2027"
    assert history[2]["shift_days"] == {"earliest": 94, "latest": 94}
    table = " ".join(seeded("history", "heartstopper-film").stdout.split())
    assert "release moved 94 days later" in table


def test_countdown_forms(june: Cli) -> None:
    out = june("countdown", "heartstopper-film").stdout
    assert out == "Heartstopper Forever · release H2 2026 · window open until 31 Dec 2026, closes in 4 weeks\n"
    # One sentence stays one line in a pipe, however narrow the width it is laid out for.
    assert june("countdown", "heartstopper-film", COLUMNS="30").stdout == out
    june("set", "heartstopper-film", "release", "TBA")
    out = june("countdown", "heartstopper-film").stdout
    assert "release TBA · 16 months since production end (27 Jul 2025)" in " ".join(out.split())
    june("set", "heartstopper-film", "trailer", "2026-12-01 17:00 America/Los_Angeles")
    data = june.json("countdown", "heartstopper-film")
    assert data["milestone"]["kind"] == "trailer"
    assert data["seconds_until"] == (4 * 86400) + 13 * 3600  # 01:00 UTC on 2 Dec
    assert data["text"] == "trailer 1 Dec 2026 17:00 America/Los_Angeles · in 5 days (109 h 00 min)"
    assert june("countdown", "heartstopper-film", "nope", code=2).stderr.startswith("hstrack: ")


def test_at_and_hstrack_now(seeded: Cli) -> None:
    seeded("set", "heartstopper-film", "release", "2027-03-01")
    via_env = seeded.json("countdown", "heartstopper-film", now="2027-02-27")
    via_option = seeded.json("countdown", "heartstopper-film", "--at", "2027-02-27", now="2020-01-01")
    via_global = seeded("--at", "2027-02-27", "countdown", "heartstopper-film", "--json", now=None)
    assert via_env["milestone"]["days_until"] == {"min": 2, "max": 2}
    assert via_option == via_env
    assert json.loads(via_global.stdout) == via_env
    bad = seeded("status", "--at", "someday", code=2)
    assert "cannot read time 'someday' for --at/HSTRACK_NOW: give a day or a time" in bad.stderr


@pytest.mark.parametrize(
    ("at", "now"),
    [
        ("+7d", "2026-12-04T12:00:00+00:00"),
        ("-2w", "2026-11-13T12:00:00+00:00"),
        ("2w", "2026-11-13T12:00:00+00:00"),  # a bare span counts back, as --changed-since 2w does
        ("+12h", "2026-11-28T00:00:00+00:00"),
        ("+1m", "2026-12-27T12:00:00+00:00"),
        ("-1y", "2025-11-27T12:00:00+00:00"),
        ("tomorrow", "2026-11-28T00:00:00+00:00"),
        ("Yesterday", "2026-11-26T00:00:00+00:00"),
        ("today", "2026-11-27T00:00:00+00:00"),
        ("Dec 18 2026", "2026-12-18T00:00:00+00:00"),
        ("18 December 2026", "2026-12-18T00:00:00+00:00"),
        ("2026-12-18", "2026-12-18T00:00:00+00:00"),
        ("2026-07-01", "2026-07-01T00:00:00+01:00"),  # the start of the day where the viewer is
        ("2026-12-18 17:00 America/New_York", "2026-12-18T22:00:00+00:00"),
        ("2026-12-18T09:00:00+09:00", "2026-12-18T00:00:00+00:00"),
    ],
)
def test_at_takes_days_named_and_spans_from_now(seeded: Cli, at: str, now: str) -> None:
    """Relative forms count from HSTRACK_NOW when it is set (here 27 Nov 2026, 12:00)."""
    assert seeded.json("countdown", "heartstopper-film", "--at", at)["now"] == now
    assert json.loads(seeded("--at", at, "status", "--json").stdout)["now"] == now


def test_at_refuses_what_is_not_a_moment(seeded: Cli) -> None:
    for value, says in (("Q1 2027", "cannot read time 'Q1 2027'"), ("soon", "cannot read time 'soon'"),
                        ("+3x", "cannot read duration '3x'"), ("+9000y", "reaches past the years"),
                        ("-1500y", "outside the days hstrack works with")):  # fmt: skip
        bad = seeded("status", "--at", value, code=2)
        assert says in bad.stderr, value
        assert bad.stdout == ""
    changed = seeded("check", "heartstopper-film", "--changed-since", "soon", code=2)
    assert "cannot read time 'soon' for --changed-since" in changed.stderr
    assert seeded("check", "heartstopper-film", "--changed-since", "Mar 1 2026").stdout.startswith("true: ")
    assert seeded("check", "heartstopper-film", "--changed-since", "yesterday", code=1).stdout.startswith("false: ")


def test_bad_date_is_a_usage_error_and_leaves_the_store_untouched(seeded: Cli) -> None:
    before = seeded.store.read_bytes()
    for value in ("2025-02-30", "13/13/2026", "someday soon", "", "2026-10-03 08:00 Nowhere/Town"):
        result = seeded("set", "heartstopper-film", "release", value, code=2)
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1
        assert repr(value) in lines[0]
        assert lines[0].endswith("every form: hstrack help dates")
        assert "Traceback" not in result.stderr
    assert seeded.store.read_bytes() == before


@pytest.mark.parametrize(
    "args",
    [
        ("show", "no-such-title"),
        ("timeline", "no-such-title"),
        ("countdown", "no-such-title"),
        ("history", "no-such-title"),
        ("set", "no-such-title", "release", "2026"),
        ("unset", "heartstopper-film", "trailer"),
        ("unset", "heartstopper-film", "relase"),
        ("set", "heartstopper-film", "relase", "2027"),
        ("remove", "no-such-title", "--yes"),
        ("add", "Heartstopper (film)", "--id", "heartstopper-film"),
        ("add", "Bad id", "--id", "Not A Slug"),
        ("add", "   "),
        ("add", "two\nlines"),
        ("add", "x" * 201),
        ("add", "x" * 10_000),
        ("add", "Thing", "--kind", "musical"),
        ("set", "heartstopper-film", "Not a slug!", "2026"),
        ("status", "--bogus"),
        ("nonsense",),
    ],
)
def test_usage_errors_exit_2_without_traceback(seeded: Cli, args: tuple[str, ...]) -> None:
    before = seeded.store.read_bytes()
    result = seeded(*args, code=2)
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert seeded.store.read_bytes() == before


def test_add_set_unset_remove_and_undo(seeded: Cli) -> None:
    seeded("add", "Young Royals: The Film", "--kind", "film", "--platform", "Netflix")
    ids = [t["id"] for t in seeded.json("status")["titles"]]
    assert "young-royals-the-film" in ids
    seeded("set", "young-royals-the-film", "filming", "Q2 2027", "--note", "per a casting call")
    shown = seeded.json("show", "young-royals-the-film")
    assert shown["title"]["milestones"][0]["kind"] == "production-start"
    assert shown["title"]["milestones"][0]["note"] == "per a casting call"
    assert "nothing changed" in seeded("set", "young-royals-the-film", "filming", "Q2 2027").stderr
    seeded("unset", "young-royals-the-film", "shooting")
    assert seeded.json("show", "young-royals-the-film")["title"]["milestones"] == []
    assert seeded("remove", "young-royals-the-film", code=2).stderr.endswith("add --yes\n")
    seeded("remove", "young-royals-the-film", "--yes")
    assert "young-royals-the-film" not in [t["id"] for t in seeded.json("status")["titles"]]
    assert "undid: remove young-royals-the-film" in seeded("undo").stderr
    assert "young-royals-the-film" in [t["id"] for t in seeded.json("status")["titles"]]
    for _ in ("unset", "set", "add"):
        seeded("undo")
    assert seeded("undo", code=1).stderr == "hstrack: nothing to undo\n"


def test_show_has_credits_and_synopsis(seeded: Cli) -> None:
    out = seeded("show", "heartstopper-film").stdout
    flat = " ".join(out.split())
    assert "Wash Westmoreland" in flat
    assert "Kit Connor, Joe Locke, Alice Oseman, Patrick Walters, Ian Canning, Emile Sherman, Euros Lyn" in flat
    assert "long-distance relationship" in flat
    data = seeded.json("show", "heartstopper-film")["title"]
    assert data["credits"]["Director"] == ["Wash Westmoreland"]


def test_timeline_puts_tba_last_and_marks_today(seeded: Cli) -> None:
    seeded("set", "heartstopper-film", "trailer", "TBA")
    seeded("set", "heartstopper-film", "premiere", "TBA")
    seeded("set", "heartstopper-film", "release", "2027")
    data = seeded.json("timeline", "heartstopper-film")
    # TBA last; among TBA ones, the production ladder's order
    kinds = ["announced", "production-start", "production-end", "release", "trailer", "premiere"]
    assert [m["kind"] for m in data["milestones"]] == kinds
    assert data["today_index"] == 3
    assert data["milestones"][1]["gap_days"] == {"min": 40, "max": 69}
    out = seeded("timeline", "heartstopper-film").stdout
    assert "today 27 Nov 2026" in " ".join(out.split())
    assert all(len(line) <= 80 for line in out.splitlines())


def test_views_have_no_escape_codes_when_piped(seeded: Cli) -> None:
    for args in (
        ("status",),
        ("show", "heartstopper-film"),
        ("timeline", "heartstopper-film"),
        ("history", "heartstopper-film"),
        ("countdown", "heartstopper-film"),
    ):
        assert "\x1b" not in seeded(*args, NO_COLOR="").stdout


def test_control_characters_typed_in_are_refused(seeded: Cli) -> None:
    before = seeded.store.read_bytes()
    seeded("add", "E\x1b[2Jvil", code=2)
    seeded("set", "heartstopper-film", "release", "2027", "--source", "a\x07b", code=2)
    seeded("set", "heartstopper-film", "release", "2027", "--note", "tab\there", code=2)
    assert seeded.store.read_bytes() == before
    seeded("set", "heartstopper-film", "release", "2027", "--note", "two\nlines")  # notes may span lines
