"""The charts and tables on a real terminal screen: hstrack runs inside tmux (charts at
80×24 and 40×24, tables at 50, 60, 64 and 80 columns) and the screen is read back with
``capture-pane``.

What only a terminal can tell: whether a line fills the width and wraps (tmux marks a
wrapped line, and ``capture-pane -J`` joins it back), and what colour reaches the screen.
"""

from __future__ import annotations

import itertools
import os
import re
import shlex
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import EARLY, need
from .test_process import SCRIPT

DONE = "__HSTRACK_SCREEN_DONE__"
SCREENS = itertools.count()
COLOUR = re.compile(r"\x1b\[[0-9;]*(3[0-7]|9[0-7]|38;[0-9;]+)m")


@dataclass
class Screen:
    lines: list[str]  # the screen as text, trailing blank lines dropped
    joined: list[str]  # the same with wrapped lines joined back (capture-pane -J)
    escapes: str  # the screen with its colours and attributes (capture-pane -e)


@pytest.fixture(scope="module")
def tmux() -> str:
    return need("tmux")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    # The store as of 10 June 2025 (the film in production, its release TBA: an open end).
    env = {"PATH": os.environ["PATH"], "HSTRACK_HOME": str(home), "LANG": "C.UTF-8", "HSTRACK_NOW": EARLY}
    subprocess.run([str(SCRIPT), "status"], env=env, capture_output=True, check=True, timeout=60)  # seed it
    return home


def run_on_screen(tmux: str, home: Path, args: list[str], width: int, height: int = 24, **env: str) -> Screen:
    # A socket of its own for each screen: a server just killed on a reused path can still
    # be going away when the next one starts there ("server exited unexpectedly").
    socket = home.parent / f"tmux-{width}x{height}-{next(SCREENS)}.sock"
    base = [tmux, "-S", str(socket), "-f", "/dev/null"]
    client_env = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8", "TERM": "xterm-256color"}
    pane_env = {
        "HSTRACK_HOME": str(home),
        "HSTRACK_NOW": "2026-11-27T12:00:00+00:00",
        "TZ": "Europe/London",
        "LANG": "C.UTF-8",
        **env,
    }
    flags = [flag for name, value in pane_env.items() for flag in ("-e", f"{name}={value}")]
    if "NO_COLOR" not in env:
        flags += ["-e", "NO_COLOR="]  # an empty NO_COLOR is "not set" (no-color.org)
    # The pane stays open after hstrack exits, so the screen can be read at leisure.
    command = f"{shlex.join([str(SCRIPT), *args])}; printf '%s\\n' {DONE}; exec sleep 600"
    subprocess.run(
        [*base, "new-session", "-d", "-x", str(width), "-y", str(height), *flags, "sh", "-c", command],
        env=client_env,
        check=True,
        timeout=30,
    )
    try:

        def capture(*options: str) -> str:
            result = subprocess.run(
                [*base, "capture-pane", "-p", "-S", "-", "-E", "-", *options],
                env=client_env,
                capture_output=True,
                check=True,
                timeout=30,
            )
            return result.stdout.decode("utf-8")

        deadline = time.monotonic() + 30
        while DONE not in capture():
            assert time.monotonic() < deadline, capture()
            time.sleep(0.05)
        raw, joined, escapes = capture(), capture("-J"), capture("-e")
    finally:
        subprocess.run([*base, "kill-server"], env=client_env, check=False, timeout=30)

    def trim(text: str) -> list[str]:
        lines = text.split("\n")
        lines = lines[: next(i for i, line in enumerate(lines) if DONE in line)]
        return [line.rstrip() for line in lines]

    return Screen(trim(raw), trim(joined), escapes)


def assert_fits(screen: Screen, width: int) -> None:
    assert screen.lines == screen.joined, "a line wrapped on the terminal"
    assert all(len(line) <= width for line in screen.lines)
    assert screen.lines, "nothing on the screen"


def column_of_today(lines: list[str]) -> int:
    (line,) = [line for line in lines if "▲" in line]
    return line.index("▲")


@pytest.mark.parametrize("width", [80, 40])
def test_timeline_chart_on_a_real_screen(tmux: str, home: Path, width: int) -> None:
    screen = run_on_screen(tmux, home, ["timeline", "heartstopper-film", "--chart"], width)
    assert_fits(screen, width)
    lines = screen.lines
    assert lines[0].startswith("Heartstopper (film)  in-production")
    phase = next(line for line in lines if line.startswith("phase "))
    announced = next(line for line in lines if line.startswith("announced "))
    start = next(line for line in lines if line.startswith("production s"))
    release = next(line for line in lines if line.startswith("release "))
    assert "━" in phase
    assert phase.endswith("TBA →")
    assert "░" in announced
    assert "April 2025" in announced
    assert "◆ 9 Jun 2025" in start
    assert release.endswith("TBA →")
    # The today line: the marker under the chart and the line through every row agree.
    today = column_of_today(lines)
    for row in (phase, announced, start, release):
        assert row[today] == "│", (row, today)
    # A real terminal gets colour (NO_COLOR unset) and the chart's glyphs are the same.
    assert COLOUR.search(screen.escapes)


@pytest.mark.parametrize("width", [80, 40])
def test_status_chart_on_a_real_screen(tmux: str, home: Path, width: int) -> None:
    screen = run_on_screen(tmux, home, ["status", "--chart"], width)
    assert_fits(screen, width)
    film = next(line for line in screen.lines if line.startswith("Heartstopper"))
    season = next(line for line in screen.lines if line.startswith("Heartstopper") and line != film)
    assert film.endswith("TBA →")
    assert "█" in season
    today = column_of_today(screen.lines)
    assert film[today] == "│"
    assert season[today] == "│"
    if width == 40:
        assert film.startswith("Heartstopper… ")  # a long name is cut with an ellipsis
    legend = " ".join(screen.lines[-3:])
    assert "in production" in legend
    assert "today" in legend


def test_no_color_loses_nothing_on_a_real_screen(tmux: str, home: Path) -> None:
    coloured = run_on_screen(tmux, home, ["status", "--chart"], 80)
    plain = run_on_screen(tmux, home, ["status", "--chart"], 80, NO_COLOR="1")
    assert COLOUR.search(coloured.escapes)
    assert not COLOUR.search(plain.escapes)
    assert plain.lines == coloured.lines


@pytest.mark.parametrize("width", [80, 40])
def test_calendar_on_a_real_screen(tmux: str, home: Path, width: int) -> None:
    screen = run_on_screen(tmux, home, ["calendar", "2025-06", "--months", "2"], width)
    assert_fits(screen, width)
    text = "\n".join(screen.lines)
    assert "June 2025" in text
    assert "July 2025" in text
    assert "  9◆" in text
    assert "Heartstopper (film) ·" in text
    # A milestone's name is not broken between lines when the line can break after a "·".
    assert "production start · 17 months ago" in text
    header = next(line for line in screen.lines if line.lstrip().startswith("Mo"))
    assert header.count("Mo") == (2 if width == 80 else 1)  # side by side when there is room


# ---------------------------------------------------------------------------- tables (issue 13, item 11)

LINK = "https://example.org/kyoto/announcement"
# Titles that once broke the tables between 60 and 80 columns: a long name, a CJK name, a
# tentative range, a span of days, a source and a note on a milestone.
SLATE = [
    ("add", "京都の物語 Kyoto Story", "--id", "kyoto", "--kind", "film"),
    ("set", "kyoto", "announced", "2026-01", "--source", "Netflix announcement, 9 June 2025"),
    ("set", "kyoto", "release", "Aug–Dec 2027", "--tentative", "--source", LINK,
     "--note", "the studio said late next year, nothing firmer"),
    ("add", "The Extraordinarily Long Return of the Midnight Gardeners", "--id", "gardeners", "--kind", "film"),
    ("set", "gardeners", "production-start", "2026-10-02"),
    ("set", "gardeners", "release", "28 Sep–3 Oct 2027", "--tentative"),
]  # fmt: skip
DATES = ["Aug–Dec 2027", "28 Sep–3 Oct 2027", "2 Oct 2026", "January 2026", "9 Jun 2025"]


@pytest.fixture(scope="module")
def slate_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("slate") / "home"
    env = {"PATH": os.environ["PATH"], "HSTRACK_HOME": str(home), "LANG": "C.UTF-8", "TZ": "Europe/London"}
    subprocess.run([str(SCRIPT), "status"], env={**env, "HSTRACK_NOW": EARLY}, capture_output=True, check=True)
    for args in SLATE:
        env["HSTRACK_NOW"] = "2026-11-20T12:00:00+00:00"
        subprocess.run([str(SCRIPT), *args], env=env, capture_output=True, check=True, timeout=60)
    return home


def assert_whole(lines: list[str]) -> None:
    """Every date on one line, whole or cut with "…"; "(tentative)" never loses its bracket."""
    text = "\n".join(lines)
    for date in DATES:
        for line, after in itertools.pairwise(lines):
            for cut in range(4, len(date)):
                if line.endswith(date[:cut]) and after.strip().startswith(date[cut:].strip()):
                    pytest.fail(f"{date!r} broken: {line!r} / {after!r}")
    assert "(tentative" not in text.replace("(tentative)", "")


TABLE_VIEWS = {
    "status": ["status"],
    "show": ["show", "kyoto"],
    "timeline": ["timeline", "kyoto"],
    "upcoming": ["upcoming", "--within", "2y"],
    "history": ["history", "kyoto"],
}


@pytest.mark.parametrize("width", [60, 64, 80])
@pytest.mark.parametrize("view", sorted(TABLE_VIEWS))
def test_tables_on_a_real_screen(tmux: str, slate_home: Path, view: str, width: int) -> None:
    screen = run_on_screen(tmux, slate_home, TABLE_VIEWS[view], width, height=50)
    assert_fits(screen, width)
    lines = screen.lines
    table = any(line and set(line) == {"─"} for line in lines)
    # A table from 60 columns, unless its columns cannot hold each date whole: then the rows
    # are stacked (status here, below 67 columns: two 17-cell dates, a 15-cell word of a name).
    assert table or (view == "status" and width < 67), "a table at 60 columns and wider"
    assert "…" not in "\n".join(lines) or view not in ("status", "upcoming")  # no date cut
    assert_whole(lines)
    text = "\n".join(lines)
    if view in ("show", "timeline", "history"):  # the views that show sources
        assert LINK in text  # a link that fits on a line is never cut
    if view in ("show", "timeline"):
        # A milestone's source and note take the row's width: one line each at these widths.
        assert any(line.strip() == "Netflix announcement, 9 June 2025" for line in lines)
        assert any(line.strip() == "the studio said late next year, nothing firmer" for line in lines)
    if view in ("status", "upcoming"):
        assert "28 Sep–3 Oct 2027" in text
        words = text.split()
        assert all(word in words for word in ["The", "Extraordinarily", "Long", "Return", "Midnight", "Gardeners"])
    if width == 80:
        assert "…" not in text  # at 80 columns the other columns give way; nothing is cut


@pytest.mark.parametrize("view", ["status", "upcoming", "history", "timeline"])
def test_below_60_columns_a_real_screen_gets_stacked_blocks(tmux: str, slate_home: Path, view: str) -> None:
    screen = run_on_screen(tmux, slate_home, TABLE_VIEWS[view], 50, height=60)
    assert_fits(screen, 50)
    assert not any(line and set(line) == {"─"} for line in screen.lines)
    assert_whole(screen.lines)
    assert any(line.startswith("  ") for line in screen.lines)  # details indented under their block


def test_countdown_and_check_break_between_words_on_a_real_screen(tmux: str, slate_home: Path) -> None:
    for args in (["countdown", "gardeners"], ["check", "gardeners", "--due-within", "2w", "--has-date", "release"]):
        screen = run_on_screen(tmux, slate_home, args, 30)
        assert_fits(screen, 30)
        assert len(screen.lines) > 1
        for line, after in itertools.pairwise(screen.lines):
            if after.startswith("  "):  # a continuation: the line before ended at a word
                assert not line.endswith("-") or line.endswith(" -")
        assert_whole(screen.lines)
