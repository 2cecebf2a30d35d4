"""Everyday use (issue 13): status filters, the cross-title feed of changes, `import -` and
format names in any case, through the CLI and the installed command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import NOW, Cli

FILM = "heartstopper-film"


@pytest.fixture
def slate(june: Cli) -> Cli:
    """The seed as of June 2026 (the film in post-production on Netflix, season 3 released in 2024) and:
    a series cancelled, a film released 90 days ago and one 91 days ago, a special
    announced on Apple TV+."""
    for args in (
        ("add", "Dropped Show", "--id", "dropped", "--kind", "series", "--platform", "netflix"),
        ("set", "dropped", "announced", "2025-01-10"),
        ("set", "dropped", "cancelled", "2026-10-01"),
        ("add", "Ninety", "--id", "ninety", "--kind", "film", "--platform", "Cinemas"),
        ("set", "ninety", "release", "2026-08-29"),  # 90 days before 27 Nov 2026
        ("add", "Ninety One", "--id", "ninety-one", "--kind", "film", "--platform", "Cinemas"),
        ("set", "ninety-one", "release", "2026-08-28"),
        ("add", "A Special", "--id", "special", "--kind", "special", "--platform", "Apple TV+"),
        ("set", "special", "announced", "2026-11-01"),
    ):
        june(*args)
    return june


def ids(cli: Cli, *args: str) -> list[str]:
    """The ids status shows, sorted (the order status shows them in is not what is tested here)."""
    return sorted(t["id"] for t in cli.json("status", *args)["titles"])


def test_status_filters_combine_or_within_and_across(slate: Cli) -> None:
    everything = ids(slate)
    assert len(everything) == 6
    assert ids(slate, "--phase", "released") == ["heartstopper-s3", "ninety", "ninety-one"]
    assert ids(slate, "--phase", "Cancelled", "--phase", "announced") == ["dropped", "special"]
    assert ids(slate, "--kind", "film") == [FILM, "ninety", "ninety-one"]
    assert ids(slate, "--kind", "film", "--kind", "special") == [FILM, "ninety", "ninety-one", "special"]
    assert ids(slate, "--platform", "NETFLIX") == ["dropped", FILM]  # any case, both spellings stored
    assert ids(slate, "--platform", "apple tv+") == ["special"]
    assert ids(slate, "--title", "ninety", "--title", "special") == ["ninety", "special"]
    assert ids(slate, "--kind", "film", "--platform", "cinemas", "--phase", "released") == ["ninety", "ninety-one"]
    assert ids(slate, "--kind", "series", "--phase", "released") == []
    # Active: not cancelled, not released more than 90 days ago (90 is still news).
    assert ids(slate, "--active") == [FILM, "ninety", "special"]
    assert ids(slate, "--active", "--kind", "film") == [FILM, "ninety"]
    assert ids(slate, "--active", "--at", "2026-11-28") == [FILM, "special"]  # a day on, ninety is old news


def test_status_filters_in_every_output(slate: Cli) -> None:
    plain = slate("status", "--plain", "--kind", "special").stdout
    assert plain.startswith("special\tannounced\t")
    assert plain.count("\n") == 1
    table = slate("status", "--phase", "cancelled", COLUMNS="100").stdout
    assert "Dropped Show" in table
    assert "Heartstopper" not in table
    chart = slate("status", "--chart", "--active", COLUMNS="100").stdout
    assert "Ninety" in chart
    assert "Dropped" not in chart
    assert "season 3" not in chart
    empty = slate("status", "--kind", "series", "--phase", "released")
    assert empty.stdout == "No title matches these filters.\n"
    assert slate.json("status", "--kind", "series", "--phase", "released")["titles"] == []
    assert slate("status", "--chart", "--kind", "series", "--phase", "released").stdout == (
        "No title matches these filters.\n"
    )


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--phase", "releasd"), "phase 'releasd' is not one of rumoured, announced, in-production"),
        (("--phase", "releasd"), "did you mean released?"),
        (("--kind", "flim"), "kind 'flim' is not one of film, series, season, special, other; did you mean film?"),
        (("--platform", "Netflx"), "no title has the platform 'Netflx'; did you mean"),
        (("--platform", "Disney+"), "(platforms: "),
        (("--title", "ninty"), "no title with id 'ninty'; did you mean ninety"),
    ],
)
def test_a_filter_value_that_matches_nothing_anywhere_is_a_usage_error(
    slate: Cli, args: tuple[str, ...], says: str
) -> None:
    failed = slate("status", *args, code=2)
    assert says in failed.stderr
    assert failed.stdout == ""


def test_changes_is_a_feed_across_titles_newest_first(seeded: Cli) -> None:
    seeded("set", FILM, "release", "2027-02-14", "--source", "https://example.org/a", now="2026-11-20T09:00:00+00:00")
    seeded("edit", "heartstopper-s3", "--platform", "Netflix UK", now="2026-11-25T10:00:00+00:00")
    seeded("set", FILM, "release", "2027-03-01", now="2026-11-26T08:00:00+00:00")
    seeded("set", FILM, "trailer", "2026-12-01", now="2026-11-26T08:00:00+00:00")  # the same second
    data = seeded.json("changes")
    assert data["since"] == "2026-11-20T12:00:00+00:00"  # 7 days back from now, by default
    got = [(c["recorded"], c["title"]["id"], c["milestone"], c["field"], c["summary"]) for c in data["changes"]]
    assert got == [
        ("2026-11-26T08:00:00+00:00", FILM, "trailer", None, "trailer set to 1 Dec 2026"),
        ("2026-11-26T08:00:00+00:00", FILM, "release", None, "release moved 15 days later (14 Feb 2027 → 1 Mar 2027)"),
        ("2026-11-25T10:00:00+00:00", "heartstopper-s3", None, "platform", "platform set to 'Netflix UK'"),
    ]  # fmt: skip
    # --since takes what --at takes; the 09:00 change on the 20th is in from that day on.
    assert len(seeded.json("changes", "--since", "2026-11-20")["changes"]) == 4
    assert len(seeded.json("changes", "--since", "Nov 20 2026")["changes"]) == 4
    assert len(seeded.json("changes", "--since", "2026-11-20T09:00:00+00:00")["changes"]) == 4  # at the second
    assert len(seeded.json("changes", "--since", "2026-11-20T09:00:01+00:00")["changes"]) == 3
    assert [c["summary"] for c in seeded.json("changes", "--since", "1d")["changes"]] == []
    assert len(seeded.json("changes", "--since", "2w")["changes"]) == 4
    assert {
        c["title"]["id"] for c in seeded.json("changes", "--since", "1y", "--title", "heartstopper-s3")["changes"]
    } == {"heartstopper-s3"}
    # As of an earlier now, what was recorded later had not happened yet.
    then = seeded.json("changes", "--at", "2026-11-25T12:00:00+00:00", "--since", "30d")["changes"]
    assert [c["recorded"] for c in then] == ["2026-11-25T10:00:00+00:00", "2026-11-20T09:00:00+00:00"]
    moved = data["changes"][1]
    assert moved["old"]["text"] == "14 Feb 2027"
    assert moved["shift_days"] == {"earliest": 15, "latest": 15}


def test_changes_as_a_table_and_plain(seeded: Cli) -> None:
    seeded("set", FILM, "release", "2027-02-14", "--source", "https://example.org/a", now="2026-11-26T09:00:00+00:00")
    seeded("credit", FILM, "Director", "Someone", now="2026-11-26T10:00:00+00:00")
    table = seeded("changes", COLUMNS="120").stdout
    lines = table.splitlines()
    assert lines[0].split() == ["Recorded", "Title", "Milestone", "What", "changed"]
    assert "credits: Director: added Someone" in lines[2]
    assert "release dated" in table or "release moved" in table or "release changed" in table
    assert "https://example.org/a" in table
    plain = seeded("changes", "--plain", "--header").stdout.splitlines()
    assert plain[0] == "recorded\tid\twhat\tsummary\tname"
    assert plain[1].split("\t")[:3] == ["2026-11-26T10:00:00+00:00", FILM, "credits"]
    assert plain[2].split("\t")[2] == "release"
    assert seeded("changes", "--since", "1h").stdout == "No changes recorded since 27 Nov 2026 11:00.\n"
    assert seeded("changes", "--since", "2026-11-27").stdout == "No changes recorded since 27 Nov 2026.\n"
    for args, says in ((("--since", "someday"), "cannot read time 'someday' for --since"),
                       (("--title", "nope"), "no title with id 'nope'"),
                       (("--json", "--plain"), "choose one of --json and --plain")):  # fmt: skip
        assert says in seeded("changes", *args, code=2).stderr


def test_import_reads_standard_input_and_formats_take_any_case(seeded: Cli, tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "HSTRACK_NOW": NOW, "TZ": "Europe/London",
           "LANG": "C.UTF-8", "HSTRACK_HOME": str(seeded.home)}  # fmt: skip
    other = tmp_path / "other"
    script = f'hstrack export --format JSON | HSTRACK_HOME="{other}" hstrack import -'
    run = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    assert "imported standard input: 2 added" in run.stderr
    assert (other / "store.json").read_bytes() == seeded.store.read_bytes()
    bad = subprocess.run(["bash", "-c", f'echo "{{" | HSTRACK_HOME="{other}" hstrack import -'], capture_output=True,
                         text=True, env=env, timeout=60, check=False)  # fmt: skip
    assert bad.returncode == 2
    assert bad.stderr.startswith("hstrack: standard input is not valid JSON")
    assert seeded("export", "--format", "ICS").stdout.startswith("BEGIN:VCALENDAR")
    assert seeded("export", "-f", " Csv ").stdout.startswith("title_id,")
    assert "did you mean ics?" in seeded("export", "--format", "icss", code=2).stderr


def test_calendar_month_without_a_year_looks_ahead(seeded: Cli) -> None:
    assert json.loads(seeded("calendar", "jan", "--json").stdout)["months"] == ["2027-01"]
    assert json.loads(seeded("calendar", "November", "--json").stdout)["months"] == ["2026-11"]
    assert json.loads(seeded("calendar", "oct", "--json").stdout)["months"] == ["2027-10"]
