"""Issue 28 ("Everyday use, round 2"), through the command line only: a prompt that shows
what matters, units that cannot be misread, screens that stay readable.

The `cli` fixture runs hstrack in-process as conftest does; the prompt is run as the
installed `hstrack prompt` process (what a shell runs), with HSTRACK_NOW; git is real.
No test imports hstrack's modules, so the tests survive any reorganisation of them. Each
case (28.N, the issue's item) has its example and variants (other slates, widths and
spellings), since the issue asks for the class to be fixed. Started as the reproductions
of branch repro-25-28 (strict xfails), each mark removed by its fix.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import NOW, Cli, git_environment

SCRIPT = Path(sys.executable).with_name("hstrack")
ROOT = Path(__file__).resolve().parent.parent
FILM = "heartstopper-film"
S3 = "heartstopper-s3"


def js(cli: Cli, *args: str, **kwargs: Any) -> Any:
    """A view's --json document (not schema-checked here: the suite's other tests do that,
    and checking costs more than the run)."""
    return json.loads(cli(*args, "--json", **kwargs).stdout)


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


# --------------------------------------------------------------- 28.1: the unpinned prompt


def prompt(cli: Cli, now: str = NOW) -> str:
    """The segment as a shell gets it: the installed `hstrack prompt`, as a process."""
    env = {**os.environ, "HSTRACK_HOME": str(cli.home), "HSTRACK_NOW": now}
    done = subprocess.run([str(SCRIPT), "prompt"], capture_output=True, text=True, env=env, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def slate(cli: Cli, titles: list[tuple[str, str, str, str, tuple[str, ...]]], seed: bool = True) -> None:
    """(id, label, milestone, date, extra set options) for each title; with or without the
    seed's Heartstopper titles (the film, released on 17 Jul 2026, and season 3)."""
    cli("status", now="2026-11-01T12:00:00+00:00")
    if not seed:
        cli("remove", FILM, "--yes", now="2026-11-01T12:00:00+00:00")
        cli("remove", S3, "--yes", now="2026-11-01T12:00:00+00:00")
    for title_id, label, milestone, date, extra in titles:
        if cli("show", title_id, code=None).exit_code != 0:
            cli("add", title_id.title(), "--id", title_id, "--kind", "film", now="2026-11-01T12:00:00+00:00")
            cli("label", title_id, label, now="2026-11-01T12:00:00+00:00")
        cli("set", title_id, milestone, date, *extra, now="2026-11-01T12:00:00+00:00")


@pytest.mark.parametrize("seed", [True, False])
def test_28_1_a_firm_day_comes_before_a_tentative_year_long_window(cli: Cli, seed: bool) -> None:
    """The issue's "Severance seaso… · 2026": a tentative production start in an open year
    window, against a release on a day two weeks ahead."""
    slate(
        cli,
        [("sev", "SEV", "production-start", "2026", ("--tentative",)), ("big", "BIG", "release", "2026-12-10", ())],
        seed=seed,
    )
    assert prompt(cli) == "BIG · 13d"


def test_28_1_a_drop_today_comes_before_an_open_window(cli: Cli) -> None:
    """A big release day: a drop at an hour today and a release dated today, against the
    seed's open H2 2026 window and a tentative year: the segment says today."""
    slate(
        cli,
        [
            ("sev", "SEV", "production-start", "2026", ("--tentative",)),
            ("big", "BIG", "release", "2026-12-10", ()),
            ("tlou", "TLOU", "release", "2026-12-10 20:00 America/New_York", ()),
        ],
    )
    segment = prompt(cli, "2026-12-10T09:00:00+00:00")
    assert segment.split(" · ")[0] in ("BIG", "TLOU")
    assert segment.endswith("today")


@pytest.mark.parametrize("seed", [True, False])
def test_28_1_a_tentative_date_comes_after_a_firm_one(cli: Cli, seed: bool) -> None:
    slate(
        cli,
        [("ft", "FT", "release", "2026-12-01", ("--tentative",)), ("g", "G", "release", "2026-12-20", ())],
        seed=seed,
    )
    assert prompt(cli) == "G · 23d"


@pytest.mark.parametrize("order", ["release-first", "production-first"])
def test_28_1_a_release_comes_before_a_production_milestone_on_the_same_day(cli: Cli, order: str) -> None:
    titles = [("rel", "REL", "release", "2026-12-10", ()), ("prod", "PROD", "production-start", "2026-12-10", ())]
    if order == "production-first":
        titles.reverse()
    slate(cli, titles, seed=False)
    assert prompt(cli) == "REL · 13d"


@pytest.mark.parametrize("seed", [True, False])
def test_28_1_an_open_year_long_window_comes_last(cli: Cli, seed: bool) -> None:
    slate(
        cli,
        [("x", "X", "release", "2026", ()), ("y", "Y", "release", "2026-12-15 20:00 America/New_York", ())],
        seed=seed,
    )
    segment = prompt(cli)
    assert segment.startswith("Y · ")
    assert segment.endswith("d")


def test_28_1_a_pin_still_wins(cli: Cli) -> None:
    """Holds today: whatever the unpinned rule becomes, a pin chooses."""
    slate(cli, [("big", "BIG", "release", "2026-12-10", ())])
    cli("pin", FILM)
    assert prompt(cli).startswith("HS film · ")


@pytest.mark.parametrize(
    ("rule", "expected"),
    [("firm", "BIG · 13d"), ("releases", "WIN · H2 2026"), ("soonest", "SEV · 2026")],
)
def test_28_1_config_chooses_the_rule(cli: Cli, rule: str, expected: str) -> None:
    """`config prompt` picks another rule; the cache is rebuilt at once, so the next prompt
    (a process reading the cache) shows it; `--unset` goes back to the default."""
    slate(
        cli,
        [
            ("sev", "SEV", "production-start", "2026", ("--tentative",)),
            ("big", "BIG", "production-start", "2026-12-10", ()),
            ("win", "WIN", "release", "H2 2026", ()),  # a release window open on NOW
        ],
    )
    cli("config", "prompt", rule.upper() if rule == "soonest" else rule)
    assert f"prompt\t{rule}\t" in cli("config").stdout
    assert prompt(cli) == expected
    cli("config", "prompt", "--unset")
    assert prompt(cli) == "BIG · 13d"


@pytest.mark.parametrize(("typed", "meant"), [("releas", "releases"), ("sonest", "soonest"), ("frim", "firm")])
def test_28_1_an_unknown_rule_gets_did_you_mean(cli: Cli, typed: str, meant: str) -> None:
    result = cli("config", "prompt", typed, code=2)
    assert f"did you mean {meant}" in result.stderr


# -------------------------------------------------------- 28.2: durations that cannot be misread


BARE_M = [
    ("changes", "--since", "10m"),
    ("check", FILM, "--changed-since", "5m"),
    ("check", FILM, "--due-within", "3m"),
    ("upcoming", "--within", "1m"),
    ("--at", "10m", "status"),
    ("status", "--at", "+3m"),
    ("timeline", FILM, "--at", "-2m"),
]


@pytest.mark.parametrize("args", BARE_M)
def test_28_2_a_bare_m_is_refused_with_did_you_mean(seeded: Cli, args: tuple[str, ...]) -> None:
    result = seeded(*args, code=2)
    assert result.stdout == ""
    assert "did you mean" in result.stderr
    number = next(re.sub(r"\D", "", a) for a in args if a.endswith("m"))
    assert f"{number}min" in result.stderr
    assert f"{number}mo" in result.stderr


def test_28_2_a_bare_m_is_refused_by_the_prompt(seeded: Cli) -> None:
    env = {**os.environ, "HSTRACK_HOME": str(seeded.home), "HSTRACK_NOW": NOW}
    done = subprocess.run(
        [str(SCRIPT), "prompt", "--at", "-10m"], capture_output=True, text=True, env=env, timeout=30, check=False
    )
    assert done.returncode == 2
    assert "did you mean" in done.stderr


@pytest.mark.parametrize("args", [("remind", FILM, "--lead", "10m"), ("config", "leads", "10m,1d")])
def test_28_2_a_bare_m_lead_time_says_did_you_mean(seeded: Cli, args: tuple[str, ...]) -> None:
    result = seeded(*args, code=2)
    assert "did you mean" in result.stderr


NOW_AT = moment(NOW)


@pytest.mark.parametrize(
    ("args", "field", "expected"),
    [
        (("changes", "--since", "10min"), "since", NOW_AT - timedelta(minutes=10)),
        (("changes", "--since", "90min"), "since", NOW_AT - timedelta(minutes=90)),
        (("upcoming", "--within", "30min"), "until", NOW_AT + timedelta(minutes=30)),
        (("status", "--at", "+45min"), "now", NOW_AT + timedelta(minutes=45)),
    ],
)
def test_28_2_min_is_minutes(seeded: Cli, args: tuple[str, ...], field: str, expected: datetime) -> None:
    assert moment(js(seeded, *args)[field]) == expected


@pytest.mark.parametrize(
    "args", [("check", FILM, "--changed-since", "10min"), ("check", FILM, "--due-within", "10min")]
)
def test_28_2_check_takes_minutes(seeded: Cli, args: tuple[str, ...]) -> None:
    assert seeded(*args, code=None).exit_code in (0, 1)


@pytest.mark.parametrize(
    ("args", "field", "expected"),
    [
        (("changes", "--since", "10mo"), "since", "2026-01-27T12:00:00+00:00"),
        (("upcoming", "--within", "2mo"), "until", "2027-01-27T12:00:00+00:00"),
        (("status", "--at", "+1mo"), "now", "2026-12-27T12:00:00+00:00"),
    ],
)
def test_28_2_mo_is_months(seeded: Cli, args: tuple[str, ...], field: str, expected: str) -> None:
    """Holds today: `mo` is read, as calendar months."""
    assert moment(js(seeded, *args)[field]) == moment(expected)


def test_28_2_check_takes_mo(seeded: Cli) -> None:
    """Holds today."""
    assert seeded("check", FILM, "--changed-since", "10mo").exit_code == 0
    seeded("add", "Soon", "--kind", "film")
    seeded("set", "soon", "release", "2027-01-10")  # 44 days after NOW
    assert seeded("check", "soon", "--due-within", "2mo").exit_code == 0
    assert seeded("check", "soon", "--due-within", "1mo", code=1).exit_code == 1


# ----------------------------------------------------------- 28.3: year-long windows in the calendar


def shaded_days(text: str) -> int:
    """Days of the grid shaded as inside a window (a day number followed by the shade)."""
    return len(re.findall(r"\d░", text))


@pytest.mark.parametrize(
    ("dates", "shown", "day"),
    [
        ([("a", "2027?"), ("b", "2027")], "spring 2027", "2027-04-10"),  # the issue's: two year-long releases
        ([("a", "2027")], "2027-04", "2027-04-10"),
        ([("a", "Q2 2027")], "2027-05", "2027-05-10"),  # a quarter is longer than the month shown
        ([("a", "H1 2027?")], "March 2027", "2027-03-10"),
        ([("a", "2027-02..2027-04"), ("b", "late 2026 to early 2027")], "2027-03", "2027-03-31"),  # spans of months
    ],
)
def test_28_3_a_window_longer_than_the_month_goes_under_the_grid(
    cli: Cli, dates: list[tuple[str, str]], shown: str, day: str
) -> None:
    for title_id, date in dates:
        cli("add", title_id.upper(), "--id", title_id, "--kind", "film")
        cli("set", title_id, "release", date)
    cli("set", "a", "trailer", day)  # a day among them is still marked
    text = cli("calendar", shown, COLUMNS="100").stdout
    assert shaded_days(text) == 0, text
    assert "◆" in text
    for title_id, _ in dates:
        assert f"{title_id.upper()} · release" in text  # the window is listed under the grid


@pytest.mark.parametrize(
    ("date", "days"),
    [("3–7 Apr 2027", 5), ("28 Mar–2 Apr 2027", 2), ("April 2027", 30), ("15 Mar–14 Apr 2027", 14),
     ("16 Mar–16 Apr 2027", 0)],  # 32 days: longer than a month
)  # fmt: skip
def test_28_3_a_window_within_the_month_is_still_shaded(cli: Cli, date: str, days: int) -> None:
    """A window of a month or less shades its days in the month shown."""
    cli("add", "A", "--kind", "film")
    cli("set", "a", "release", date)
    assert shaded_days(cli("calendar", "2027-04", COLUMNS="100").stdout) == days


# ------------------------------------------------------ 28.4: columns squeezed by one long date


def long_zoned_slate(cli: Cli, variant: str) -> None:
    if variant == "zone-in-next":  # the issue's: the zoned date is next, a tentative day the release
        cli("add", "Heartstopper Forever", "--id", "hsx", "--kind", "film")
        cli("set", "hsx", "trailer", "12 Jun 2027 00:00 America/Los_Angeles")
        cli("set", "hsx", "release", "2027-12-18", "--tentative")
    else:  # the zoned date is the release, tentative; a tentative day is next
        cli("add", "The Long Goodbye", "--id", "lg", "--kind", "film")
        cli("set", "lg", "release", "2027-06-12 00:00 America/Argentina/Buenos_Aires", "--tentative")
        cli("set", "lg", "trailer", "18 Dec 2026", "--tentative")


WIDTHS = (40, 50, 60, 64, 70, 76, 80, 100, 120, 160, 200)


def assert_readable(text: str, width: int) -> None:
    lines = text.splitlines()
    assert all(len(line) <= width for line in lines), max(lines, key=len)
    assert "…" not in text, "\n".join(line for line in lines if "…" in line)
    assert text.count("(tentativ") == text.count("(tentative)")


@pytest.mark.parametrize("width", WIDTHS)
def test_28_4_status_keeps_dates_and_tentative_whole_next_zone(cli: Cli, width: int) -> None:
    long_zoned_slate(cli, "zone-in-next")
    assert_readable(cli("status", COLUMNS=str(width)).stdout, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_28_4_status_keeps_dates_and_tentative_whole_release_zone(cli: Cli, width: int) -> None:
    long_zoned_slate(cli, "zone-in-release")
    assert_readable(cli("status", COLUMNS=str(width)).stdout, width)


NARNIA = "The Chronicles of Narnia: The Magician's Nephew"  # 47 cells


@pytest.mark.parametrize(("width", "most"), [(80, 4), (100, 3), (120, 2), (160, 1), (200, 1)])
@pytest.mark.parametrize("zone", ["America/Los_Angeles", "America/Argentina/Buenos_Aires"])
def test_28_4_a_long_name_is_not_starved_by_a_long_date(cli: Cli, width: int, most: int, zone: str) -> None:
    """The issue's 120 columns with a long name over six lines: the name and its id get
    room while the dates beside them can break before their zone."""
    cli("add", NARNIA, "--kind", "film")
    cli("set", "the-chronicles-of-narnia-the-magicians-nephew", "release", "2026-12-25")
    cli("add", "Dune: Part Three", "--kind", "film")
    cli("set", "dune-part-three", "release", f"2026-12-18 00:00 {zone}", "--tentative")
    lines = cli("status", COLUMNS=str(width)).stdout.splitlines()
    assert_readable("\n".join(lines), width)
    start = next(i for i, line in enumerate(lines) if line.startswith("The Chronicles"))
    header = lines[0]
    column = header.index("Last")
    name_lines = []
    for line in lines[start:]:
        cell = line[:column].strip()
        if cell.startswith("the-chronicles") or not cell:
            break
        name_lines.append(cell)
    assert " ".join(name_lines) == NARNIA
    assert len(name_lines) <= most, lines[start : start + 6]


@pytest.mark.parametrize("width", [60, 64, 70, 76, 80, 100, 120, 200])
@pytest.mark.parametrize("moved", [False, True])
def test_28_4_changes_does_not_starve_the_title(seeded: Cli, width: int, moved: bool) -> None:
    """The issue's `Heartstoppe` / `r Forever`: at 80 columns when a change's words hold the
    long zoned date twice over ("moved … (H2 2026 → 12 Jun 2027 00:00 America/Los_Angeles)")."""
    seeded("set", FILM, "release" if moved else "trailer", "12 Jun 2027 00:00 America/Los_Angeles")
    seeded("set", FILM, "premiere", "2027-12-18", "--tentative")
    text = seeded("changes", "--since", "1d", COLUMNS=str(width)).stdout
    assert text.count("Heartstopp") == text.count("Heartstopper"), text  # the name's word is not split
    assert_readable(text, width)


LONG_NAMES = (
    "The Extraordinarily Long-Winded Title of a Film Nobody Could Remember Properly",  # 79 cells
    "Pirates of the Caribbean: At World's End of the Map and Beyond the Sea",  # 70
)


def name_lines(text: str, first_word: str, header: str) -> list[str]:
    """The lines of the name column's cell that starts with ``first_word``."""
    lines = text.splitlines()
    start = lines[0].index(header)
    end = min(i for i in (lines[0].find(h, start + len(header)) for h in ("Milestone", "Last")) if i > 0)
    at = next(i for i, line in enumerate(lines) if line[start:end].strip().startswith(first_word))
    cells = [lines[at][start:end].strip()]
    for line in lines[at + 1 :]:
        cell = line[start:end].strip()
        if not cell or line[:start].strip()[:1].isdigit():  # a new row starts with its date
            break
        cells.append(cell)
    return cells


@pytest.mark.parametrize("name", LONG_NAMES)
@pytest.mark.parametrize(("width", "most"), [(80, 4), (100, 4), (120, 3), (200, 1)])
def test_28_4_a_name_takes_what_a_phrase_can_spare(cli: Cli, name: str, width: int, most: int) -> None:
    """`upcoming` with a long name and a long zoned date beside places' releases: the name
    column takes the cells the Milestone column can give by breaking `release (US
    streaming)`, rather than wrap the name over seven lines at 16 (as it did)."""
    cli("add", name, "--id", "long", "--kind", "film")
    cli("set", "long", "release", "2027-06-12 00:00 America/Los_Angeles")
    cli("add", "Narnia: The Magician's Nephew", "--id", "narnia", "--kind", "film")
    cli("set", "narnia", "release@US:digital", "2026-12-25")
    cli("set", "narnia", "release@GB:theatrical", "2026-12-18")
    text = cli("upcoming", "--within", "1y", "--region", "US", "--region", "GB", COLUMNS=str(width)).stdout
    assert_readable(text, width)
    cell = name_lines(text, name.split()[0], "Title")
    assert " ".join(cell) == name, text
    assert len(cell) <= most, text


# ----------------------------------------------------------- 28.5: places and meaning in lists


def places_slate(cli: Cli) -> None:
    cli("add", "Avengers: Doomsday", "--kind", "film")
    cli("set", "avengers-doomsday", "release@GB:theatrical", "2026-12-18")
    cli("set", "avengers-doomsday", "release@US:theatrical", "2026-12-18")
    cli("add", "Narnia", "--kind", "film")
    cli("set", "narnia", "release:digital", "2026-12-25")
    cli("set", "narnia", "premiere@FR", "2026-12-05")


@pytest.mark.parametrize("month", ["dec", "2026-12", "December 2026"])
def test_28_5_calendar_names_each_releases_place_as_upcoming_does(cli: Cli, month: str) -> None:
    places_slate(cli)
    calendar = cli("calendar", month, COLUMNS="120").stdout
    upcoming = cli("upcoming", COLUMNS="200").stdout
    for place in ("UK cinemas", "US cinemas", "worldwide streaming"):
        assert place in upcoming
        assert place in calendar, calendar
    lines = [line for line in calendar.splitlines() if "Avengers: Doomsday" in line]
    assert len(lines) == len(set(lines)) == 2  # two releases, two different lines


@pytest.mark.parametrize("view", [("status", "--chart"), ("timeline", "ann", "--chart")])
def test_28_5_the_charts_tentative_glyph_is_not_named_as_a_phase(cli: Cli, view: tuple[str, ...]) -> None:
    cli("add", "Ann", "--kind", "film")
    cli("set", "ann", "announced", "2026-10-01")
    cli("set", "ann", "production-start", "2026-11?")  # in production (tentatively): drawn ┄
    text = cli(*view, COLUMNS="100").stdout
    assert "┄" in text
    legend = re.search(r"┄ ([a-z-]+(?: [a-z-]+)?)", text)
    assert legend is not None
    phases = {"rumoured", "announced", "in production", "in-production", "post-production", "released", "cancelled"}
    assert legend.group(1) not in phases, legend.group(1)


@pytest.mark.parametrize(
    ("options", "says", "never"),
    [
        (("--note", "Netflix worldwide"), ("note", "Netflix worldwide"), "source or note"),
        (("--source", "https://example.org/n"), ("source",), "source or note"),
        (("--no-note",), ("note",), "source or note"),
    ],
)
def test_28_5_a_source_or_note_change_says_which_and_what(
    cli: Cli, options: tuple[str, ...], says: tuple[str, ...], never: str
) -> None:
    places_slate(cli)
    cli("set", "narnia", "release:digital", "--note", "first note")
    cli("set", "narnia", "release:digital", *options)
    summary = js(cli, "history", "narnia")["history"][-1]["summary"]
    for word in says:
        assert word in summary
    assert never not in summary


# ------------------------------------------------------------------------- 28.6: TV reads like TV


def tv_title(cli: Cli, kind: str, premiere: str = "3 Oct 2026", **more: str) -> str:
    title_id = cli("add", f"Slow Horses {kind}", "--kind", kind).stdout.strip()
    cli("set", title_id, "production-end", "2026-03-01")
    cli("set", title_id, "premiere", premiere)
    for key, date in more.items():
        cli("set", title_id, key.replace("_", "@"), date)
    return title_id


def the_title(cli: Cli, title_id: str, now: str) -> Any:
    return next(t for t in js(cli, "status", now=now)["titles"] if t["id"] == title_id)


@pytest.mark.parametrize("kind", ["series", "season"])
@pytest.mark.parametrize(("now", "phase"), [("2026-09-20T12:00:00+00:00", "post-production"),
                                            ("2026-10-03T12:00:00+00:00", "released"),
                                            ("2027-01-05T12:00:00+00:00", "released")])  # fmt: skip
def test_28_6_a_seasons_premiere_is_its_release(cli: Cli, kind: str, now: str, phase: str) -> None:
    title_id = tv_title(cli, kind)
    title = the_title(cli, title_id, now)
    assert title["phase"] == phase
    assert title["release"]["kind"] == "premiere"
    assert title["release"]["text"] == "3 Oct 2026"
    released = cli("check", title_id, "--released", now=now, code=None)
    assert released.exit_code == (0 if phase == "released" else 1)
    assert "premiere 3 Oct 2026" in released.stdout
    assert cli("check", title_id, "--reached", "release", "--quiet", now=now, code=None).exit_code == (
        0 if phase == "released" else 1
    )
    countdown = cli("countdown", title_id, "release", now=now).stdout
    assert countdown.startswith(f"Slow Horses {kind} · premiere ")
    assert "3 Oct 2026" in countdown
    lines = cli("status", now=now, COLUMNS="100").stdout.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(f"Slow Horses {kind}"))
    assert lines[first].rstrip().endswith("3 Oct 2026")  # the Release column reads the premiere's date


@pytest.mark.parametrize("kind", ["film", "special", "other"])
def test_28_6_a_films_premiere_is_not_its_release(cli: Cli, kind: str) -> None:
    title_id = tv_title(cli, kind)
    title = the_title(cli, title_id, "2026-10-05T12:00:00+00:00")
    assert title["phase"] == "post-production"
    assert title["release"] is None
    assert cli("countdown", title_id, "release", code=2).stderr


@pytest.mark.parametrize("kind", ["series", "season"])
def test_28_6_a_season_with_a_release_reads_as_a_film(cli: Cli, kind: str) -> None:
    """A festival screening of the first episodes ahead of the run: the release is the run."""
    title_id = tv_title(cli, kind, premiere="2026-09-10", release="2026-10-03")
    title = the_title(cli, title_id, "2026-09-20T12:00:00+00:00")
    assert title["phase"] == "post-production"
    assert title["release"]["kind"] == "release"


@pytest.mark.parametrize(("region", "expected"), [("GB", "2026-10-03"), ("FR", "2026-10-10"), ("JP", "2026-10-03")])
def test_28_6_a_placed_premiere_is_the_viewers_release(cli: Cli, region: str, expected: str) -> None:
    title_id = cli("add", "Slow Horses", "--kind", "season").stdout.strip()
    cli("set", title_id, "premiere@GB:tv", "2026-10-03")
    cli("set", title_id, "premiere@FR:digital", "2026-10-10")
    data = json.loads(cli("status", "--json", HSTRACK_REGION=region, now="2026-10-05T12:00:00+00:00").stdout)
    title = next(t for t in data["titles"] if t["id"] == title_id)
    assert title["release"]["earliest"] == expected
    assert title["phase"] == ("released" if expected == "2026-10-03" else "rumoured")


def test_28_6_the_prompt_and_the_chart_count_the_premiere(cli: Cli) -> None:
    title_id = tv_title(cli, "season")
    cli("pin", title_id, "release")
    assert prompt(cli, "2026-09-20T12:00:00+00:00").endswith(" · 13d")
    chart = cli("status", "--chart", "--title", title_id, now="2026-11-20T12:00:00+00:00", COLUMNS="80").stdout
    assert "█" in chart.splitlines()[2]  # released from the premiere on


# ------------------------------------------------------------------------- 28.7: small ones


@pytest.mark.parametrize(
    "args",
    [("countdown", "shrek-5", "relese"), ("unset", "shrek-5", "relese"), ("pin", "shrek-5", "relese")],
)
def test_28_7_a_typo_hint_never_names_an_option_the_command_lacks(cli: Cli, args: tuple[str, ...]) -> None:
    cli("add", "Shrek 5", "--kind", "film")
    cli("set", "shrek-5", "release", "2027-06-30")
    result = cli(*args, code=2)
    assert "did you mean release" in result.stderr
    assert "--new" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [("remind", "shrek-5", "relese", "--lead", "1d"), ("accept", "shrek-5", "relese"), ("reject", "shrek-5", "relese")],
)
def test_28_7_other_lookups_say_only_did_you_mean(cli: Cli, args: tuple[str, ...]) -> None:
    cli("add", "Shrek 5", "--kind", "film")
    cli("set", "shrek-5", "release", "2027-06-30")
    result = cli(*args, code=2)
    assert "did you mean release" in result.stderr
    assert "--new" not in result.stderr


def test_28_7_set_still_offers_new(cli: Cli) -> None:
    """set is the one command that can add a kind of one's own."""
    cli("add", "Shrek 5", "--kind", "film")
    result = cli("set", "shrek-5", "relese", "2027", code=2)
    assert "did you mean release" in result.stderr
    assert "--new" in result.stderr


@pytest.mark.parametrize("args", [("check", "shrek-5", "--reached", "relese"), ("upcoming", "--milestone", "relese")])
def test_28_7_lookups_without_new_already_say_only_did_you_mean(cli: Cli, args: tuple[str, ...]) -> None:
    """Holds today."""
    cli("add", "Shrek 5", "--kind", "film")
    result = cli(*args, code=2)
    assert "did you mean release" in result.stderr
    assert "--new" not in result.stderr


@pytest.mark.parametrize(
    ("args", "meant"),
    [
        (("add", "M", "--kind", "movie"), "film"),
        (("status", "--kind", "movie"), "film"),
        (("edit", FILM, "--kind", "movie"), "film"),
        (("add", "S", "--kind", "show"), "series"),
        (("add", "S", "--kind", "TV show"), "series"),
        (("status", "--kind", "miniseries"), "series"),
        (("add", "S", "--kind", "feature"), "film"),
        (("add", "S", "--kind", "tv-special"), "special"),
        (("edit", FILM, "--kind", "flim"), "film"),  # a misspelling is matched
        (("add", "S", "--kind", "seires"), "series"),
    ],
)
def test_28_7_an_unknown_kind_gets_did_you_mean(seeded: Cli, args: tuple[str, ...], meant: str) -> None:
    result = seeded(*args, code=2)
    assert "did you mean" in result.stderr
    assert meant in result.stderr.split("did you mean", 1)[1]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("spiderman", ["spider-man-beyond-the-spider-verse", "spider-man-brand-new-day"]),
        ("brandnewday", ["spider-man-brand-new-day"]),
        ("spiderverse", ["spider-man-beyond-the-spider-verse"]),
    ],
)
def test_28_7_an_unknown_id_suggests_ids_it_is_part_of(cli: Cli, typed: str, meant: list[str]) -> None:
    cli("add", "Spider-Man: Brand New Day", "--kind", "film")
    cli("add", "Spider-Man: Beyond the Spider-Verse", "--kind", "film")
    result = cli("show", typed, code=2)
    assert "did you mean" in result.stderr
    for title_id in meant:
        assert title_id in result.stderr


@pytest.mark.parametrize("typed", ["avengersdoomsday", "AvengersDoomsday", "doomsday", "avengers-doom"])
def test_28_7_an_unknown_id_suggests_titles_by_name(cli: Cli, typed: str) -> None:
    cli("add", "Avengers: Doomsday", "--id", "av5", "--kind", "film")
    result = cli("countdown", typed, code=2)
    assert "did you mean av5" in result.stderr


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Narnia: The Magician's Nephew", "narnia-the-magicians-nephew"),
        ("Don't Look Up 2", "dont-look-up-2"),
        ("Ocean's Fourteen", "oceans-fourteen"),  # as the curly apostrophe already gives
        ("Oceanʼs Fourteen", "oceans-fourteen"),  # the modifier letter apostrophe
        ("Ocean`s Fourteen", "oceans-fourteen"),
        ("Rock 'n' Roll Hall", "rock-n-roll-hall"),
        ("'Salem's Lot", "salems-lot"),
    ],
)
def test_28_7_an_apostrophe_does_not_split_an_id(cli: Cli, name: str, expected: str) -> None:
    assert cli("add", name, "--kind", "film").stdout.strip() == expected


def test_28_7_a_curly_apostrophe_does_not_split_an_id(cli: Cli) -> None:
    """Holds today: the curly apostrophe is dropped (the straight one should be too)."""
    assert cli("add", "Ocean’s Fourteen", "--kind", "film").stdout.strip() == "oceans-fourteen"


@pytest.mark.parametrize(("region", "leads"), [("GB", ("--lead", "14d", "--lead", "1d")), ("US", ("--lead", "2w"))])
def test_28_7_remind_says_not_your_release_under_title_leads(cli: Cli, region: str, leads: tuple[str, ...]) -> None:
    cli("add", "Narnia", "--kind", "film")
    cli("set", "narnia", "release@GB:theatrical", "2026-12-18")
    cli("set", "narnia", "release@US:theatrical", "2026-12-18")
    cli("set", "narnia", "release@FR:theatrical", "2026-12-20")
    cli("config", "region", region)
    cli("remind", "narnia", *leads)
    rows = [line.split("\t") for line in cli("remind", "narnia").stdout.splitlines()]
    others = [row for row in rows if row[1].startswith("release@") and f"@{region}" not in row[1]]
    assert len(others) == 2
    for row in others:
        assert row[2] == "off"
        assert "not your release" in row[3]


@pytest.mark.parametrize(("region", "mine"), [("GB", "premiere@GB"), ("FR", "premiere@FR"), ("JP", "premiere@FR")])
def test_28_7_remind_names_the_premieres_that_are_not_yours(cli: Cli, region: str, mine: str) -> None:
    """Of several premieres the viewer's is followed (their region's, else the earliest);
    the others are off, and the reason says why, whatever the title's own lead times."""
    cli("add", "Narnia", "--kind", "film")
    cli("set", "narnia", "premiere@GB", "2026-12-10")
    cli("set", "narnia", "premiere@FR", "2026-12-05")
    cli("config", "region", region)
    for leads in ((), ("--lead", "3d")):
        if leads:
            cli("remind", "narnia", *leads)
        rows = {row[1]: row for row in (line.split("\t") for line in cli("remind", "narnia").stdout.splitlines())}
        assert rows[mine][2] != "off"
        other = next(key for key in rows if key.startswith("premiere@") and key != mine)
        assert rows[other][2] == "off"
        assert "not your premiere" in rows[other][3]
    cli("remind", "narnia", "--off")
    rows = {row[1]: row for row in (line.split("\t") for line in cli("remind", "narnia").stdout.splitlines())}
    assert all(row[2] == "off" and row[3] == "off for the title" for row in rows.values())


def git_env(tmp_path: Path) -> dict[str, str]:
    return git_environment(tmp_path)


def run(args: list[str], env: dict[str, str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=True)


@pytest.mark.parametrize(
    "fresh",
    [
        True,
        False,
    ],
)
def test_28_7_git_setup_asks_for_a_commit_only_when_there_is_one(tmp_path: Path, fresh: bool) -> None:
    env = git_env(tmp_path)
    origin, first = tmp_path / "origin.git", tmp_path / "first"
    run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], env)
    run(["git", "clone", "-q", str(origin), str(first)], env)
    hs = {**env, "HSTRACK_HOME": str(first), "HSTRACK_NOW": NOW}
    run([str(SCRIPT), "status"], hs)
    setup = run([str(SCRIPT), "git", "setup"], hs)
    if not fresh:  # the first set-up wrote files to commit: it says so
        assert "commit" in setup.stderr
        return
    run(["git", "add", "-A"], env, first)
    run(["git", "commit", "-q", "-m", "store"], env, first)
    run(["git", "push", "-q", "origin", "HEAD:main"], env, first)
    clone = tmp_path / "clone"
    run(["git", "clone", "-q", str(origin), str(clone)], env)
    again = run([str(SCRIPT), "git", "setup"], {**hs, "HSTRACK_HOME": str(clone)})
    assert run(["git", "status", "--porcelain"], env, clone).stdout == ""
    assert "commit them" not in again.stderr
    assert "nothing to commit" in again.stderr


@pytest.mark.parametrize("damage", ["truncated", "empty", "not-json", "wrong-shape"])
def test_28_7_doctor_on_a_damaged_store_points_at_restore(seeded: Cli, damage: str) -> None:
    seeded("set", FILM, "trailer", "2027")
    text = seeded.store.read_text()
    seeded.store.write_text(
        {"truncated": text[:100], "empty": "", "not-json": "not json\n", "wrong-shape": '{"schema": 1, "titles": 5}'}[
            damage
        ]
    )
    result = seeded("doctor", code=1)
    assert "--restore" in result.stdout + result.stderr


def test_28_7_doctor_names_what_restore_would_put_back_or_that_nothing_can(seeded: Cli) -> None:
    seeded("set", FILM, "trailer", "2027")
    seeded.store.write_text("not json\n")
    said = seeded("doctor", code=1).stdout
    assert "hstrack doctor --restore puts back 0000" in said
    assert "(set heartstopper-film trailer 2027," in said
    for backup in (seeded.home / "store.json.backups").iterdir():
        backup.unlink()
    said = seeded("doctor", code=1).stdout
    assert "no good backup to restore" in said
    assert "--restore puts back" not in said


def test_28_7_store_naming_a_missing_path_is_created_and_said(cli: Cli, tmp_path: Path) -> None:
    """Decided: say so (a cron job's first run must not need an option the next runs do
    not): the store and the folders are made, and stderr names both."""
    path = tmp_path / "typo" / "deeper" / "store.json"
    result = cli("--store", str(path), "status", code=None)
    assert result.exit_code == 0
    assert f"created a new store at {path}" in result.stderr
    assert f"the folder {path.parent} did not exist" in result.stderr
    again = cli("--store", str(path), "status", code=None)
    assert "created" not in again.stderr
    other = tmp_path / "store2.json"  # in a folder that exists: only the store is new
    said = cli("--store", str(other), "status").stderr
    assert f"created a new store at {other}" in said
    assert "did not exist" not in said


@pytest.mark.parametrize("source", ["config", "locale"])
def test_28_7_an_empty_region_variable_reads_as_unset(cli: Cli, source: str) -> None:
    cli("add", "Narnia", "--kind", "film")
    cli("set", "narnia", "release@GB:theatrical", "2026-12-18")
    cli("set", "narnia", "release", "2027-01-10")
    env = {"LANG": "en_GB.UTF-8"} if source == "locale" else {}
    if source == "config":
        cli("config", "region", "GB")

    def the_release(**extra: str) -> str:  # status's one release for the viewer
        titles = js(cli, "status", "--title", "narnia", **env, **extra)["titles"]
        return titles[0]["release"]["key"]  # type: ignore[no-any-return]

    unset = the_release()
    empty = the_release(HSTRACK_REGION="")
    assert unset == "release@GB:theatrical"
    assert empty == unset


ABBREVIATIONS = [("CET", "+01:00"), ("PST", "-08:00"), ("JST", "+09:00"), ("IST", "+05:30"), ("AEST", "+10:00")]


@pytest.mark.parametrize(("abbreviation", "offset"), ABBREVIATIONS)
def test_28_7_a_zone_abbreviation_suggests_its_own_offset(cli: Cli, abbreviation: str, offset: str) -> None:
    cli("add", "X", "--kind", "film")
    result = cli("set", "x", "trailer", f"3 Oct 2026 8pm {abbreviation}", code=2)
    assert offset in result.stderr
    assert "-05:00" not in result.stderr


def test_28_7_est_suggests_minus_five(cli: Cli) -> None:
    """Holds today (the one abbreviation whose offset is -05:00)."""
    cli("add", "X", "--kind", "film")
    assert "-05:00" in cli("set", "x", "trailer", "3 Oct 2026 8pm EST", code=2).stderr


@pytest.mark.parametrize(
    ("typed", "inside", "within"),
    [
        ("Christmas 2026", "2026-12-25", ("2026-12-01", "2026-12-31")),
        ("end of 2027", "2027-12-31", ("2027-07-01", "2027-12-31")),
        ("2027/28", "2027-12-31", ("2027-01-01", "2028-12-31")),  # a TV season over two years
    ],
)
def test_28_7_press_forms_are_read(cli: Cli, typed: str, inside: str, within: tuple[str, str]) -> None:
    cli("add", "X", "--kind", "film")
    cli("set", "x", "release", typed)
    m = js(cli, "show", "x")["title"]["milestones"][0]
    assert m["earliest"][:10] <= inside <= m["latest"][:10]
    assert within[0] <= m["earliest"][:10]
    assert m["latest"][:10] <= within[1]
    if typed == "2027/28":
        assert m["earliest"][:4] == "2027"
        assert m["latest"][:4] == "2028"


@pytest.mark.parametrize("typed", ["3 Oct 2026 midnight Europe/London", "3 Oct 2026 at midnight Europe/London"])
def test_28_7_midnight_is_a_time(cli: Cli, typed: str) -> None:
    cli("add", "X", "--kind", "film")
    cli("set", "x", "release", typed)
    m = js(cli, "show", "x")["title"]["milestones"][0]
    assert m["precision"] == "instant"
    assert m["earliest"][10:16] == "T00:00"
    assert m["earliest"][:10] in ("2026-10-03", "2026-10-04")


# ----------------------------------------------------- 28.8: the README names what the tests need


def ci_packages() -> set[str]:
    """The Debian packages .ci/run installs: each tool, or the package its case maps it to."""
    text = (ROOT / ".ci" / "run").read_text()
    tools = re.search(r"for tool in ([^;]+); do", text)
    assert tools is not None
    mapping = dict(re.findall(r"(\S+)\) packages\+=\((\S+)\)", text))
    return {mapping.get(tool, tool) for tool in tools.group(1).split()}


def test_28_8_ci_installs_the_system_packages() -> None:
    """Holds today: the packages .ci/run installs, read from it."""
    assert ci_packages() >= {"bash", "zsh", "fish", "strace", "tmux", "util-linux", "git", "dbus", "taskwarrior"}


def test_28_8_the_readme_names_the_apt_get_line_next_to_the_test_command() -> None:
    lines = (ROOT / "README.md").read_text().splitlines()
    command = next(i for i, line in enumerate(lines) if ".venv/bin/python -m pytest" in line)
    near = lines[max(0, command - 12) : command + 12]
    apt = [line for line in near if "apt-get install" in line]
    assert len(apt) == 1, near
    named = set(apt[0].replace("`", " ").split())
    assert ci_packages() <= named, ci_packages() - named
