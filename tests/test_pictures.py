"""The charts, the calendar and their SVG/HTML pictures through the command line."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .conftest import Cli

SVG = "{http://www.w3.org/2000/svg}"


def svg_text(path: Path) -> str:
    """The text a browser would show: the SVG parsed as XML (so it must be well-formed)."""
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    return "".join(root.itertext()).replace("\xa0", " ")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(path: Path) -> tuple[str, list[str]]:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return "".join(parser.parts), parser.tags


@pytest.fixture
def seeded(early: Cli) -> Cli:
    """Charts of the film with its release still TBA (an open end): the store of 10 June 2025."""
    return early


def test_status_chart_draws_every_title_on_one_axis(seeded: Cli) -> None:
    out = seeded("status", "--chart", COLUMNS="80").stdout
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines)
    film = next(line for line in lines if line.startswith("Heartstopper (film)"))
    season = next(line for line in lines if line.startswith("Heartstopper season 3"))
    assert film.rstrip().endswith("TBA →")
    assert "━" in film
    assert "█" in season
    today = next(line for line in lines if "▲" in line and "today" in line)
    assert film[today.index("▲")] == "│"
    assert "27 Nov 2026" in today


def test_timeline_chart_and_show_chart(seeded: Cli) -> None:
    chart = seeded("timeline", "heartstopper-film", "--chart", COLUMNS="100").stdout
    assert re.search(r"^production start +◆ 9 Jun 2025", chart, re.M)
    assert re.search(r"^release .*TBA →$", chart, re.M)
    shown = seeded("show", "heartstopper-film", COLUMNS="100").stdout
    assert "◆ 9 Jun 2025" in shown
    assert "Wash Westmoreland" in shown


def test_chart_of_a_title_without_milestones(seeded: Cli) -> None:
    seeded("add", "Blank")
    out = seeded("timeline", "blank", "--chart").stdout
    assert "no milestones yet" in out


def test_charts_with_colour_forced_only_add_escape_codes(seeded: Cli) -> None:
    plain = seeded("status", "--chart", COLUMNS="90").stdout
    coloured = seeded("status", "--chart", COLUMNS="90", NO_COLOR="", FORCE_COLOR="1").stdout
    assert "\x1b[" in coloured
    assert re.sub("\x1b\\[[0-9;]*m", "", coloured) == plain


def test_stored_text_in_a_chart_is_inert(seeded: Cli) -> None:
    """Markup in a stored name prints as text (control characters are refused when the
    store is read, and shown inert by every view whatever gets through: test_safety)."""
    seeded("add", "[bold]Markup[/bold] name", "--id", "markup")
    seeded("set", "markup", "release", "2027-03-01")
    store = json.loads(seeded.store.read_text())
    title = next(t for t in store["titles"] if t["id"] == "markup")
    title["name"] = "Evil [link=x]y[/link] [/bad]"
    seeded.store.write_text(json.dumps(store))
    out = seeded("status", "--chart", COLUMNS="120").stdout
    assert "\x1b" not in out
    assert "Evil [link=x]y[/link] [/bad]" in out


def test_calendar_json_lists_the_same_events(seeded: Cli) -> None:
    data = seeded.json("calendar", "June", "2025")
    assert data["months"] == ["2025-06"]
    assert (data["first"], data["last"]) == ("2025-06-01", "2025-06-30")
    (event,) = data["events"]
    assert event["title"]["id"] == "heartstopper-film"
    assert event["milestone"]["kind"] == "production-start"
    assert (event["first"], event["last"]) == ("2025-06-09", "2025-06-09")
    text = seeded("calendar", "June", "2025").stdout
    assert "  9◆" in text
    assert "production start" in text


def test_calendar_defaults_to_this_month_and_marks_today(seeded: Cli) -> None:
    out = seeded("calendar").stdout
    assert "November 2026" in out
    assert "▸27" in out
    assert "No dated milestones in November 2026." in out
    data = seeded.json("calendar", "--months", "3")
    assert data["months"] == ["2026-11", "2026-12", "2027-01"]


def test_calendar_of_a_window_shows_its_months_and_lists_it(seeded: Cli) -> None:
    """A window longer than a month is listed under the grid, not shaded (issue 28.3); one
    of a month is shaded."""
    seeded("set", "heartstopper-film", "release", "Q1 2027")
    data = seeded.json("calendar", "Q1", "2027")
    assert data["months"] == ["2027-01", "2027-02", "2027-03"]
    assert [(e["first"], e["last"]) for e in data["events"]] == [("2027-01-01", "2027-03-31")]
    out = seeded("calendar", "2027-02", COLUMNS="80").stdout
    assert "░" not in out.split("\n\n")[0]
    assert "Q1 2027 (1 Jan – 31 Mar)" in out
    seeded("set", "heartstopper-film", "trailer", "February 2027")
    out = seeded("calendar", "2027-02", COLUMNS="80").stdout
    assert " 14░" in out


@pytest.mark.parametrize(
    "args",
    [
        ("status", "--chart", "--json"),
        ("status", "--chart", "--plain"),
        ("status", "--svg", "x.svg", "--json"),
        ("timeline", "heartstopper-film", "--chart", "--json"),
        ("timeline", "heartstopper-film", "--html", "x.html", "--json"),
        ("calendar", "--svg", "x.svg", "--json"),
        ("show", "heartstopper-film", "--svg", "x.svg", "--json"),
        ("calendar", "--months", "0"),
        ("calendar", "--months", "37"),
        ("calendar", "TBA"),
        ("calendar", "someday"),
    ],
)
def test_picture_usage_errors(seeded: Cli, args: tuple[str, ...], tmp_path: Path) -> None:
    files = [tmp_path / a for a in args if a.endswith((".svg", ".html"))]
    result = seeded(*(str(tmp_path / a) if a.endswith((".svg", ".html")) else a for a in args), code=2)
    assert "Traceback" not in result.stderr
    assert result.stdout == ""  # refused before anything is shown
    assert not any(f.exists() for f in files)


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (("status", "--chart"), "Heartstopper (film)"),
        (("status",), "Heartstopper season 3"),
        (("timeline", "heartstopper-film", "--chart"), "production start"),
        (("timeline", "heartstopper-film"), "Netflix announcement"),
        (("calendar", "2025-06"), "Heartstopper (film)"),
        (("show", "heartstopper-film"), "Wash Westmoreland"),
    ],
)
def test_svg_and_html_are_well_formed_and_hold_the_picture(
    seeded: Cli, tmp_path: Path, args: tuple[str, ...], name: str
) -> None:
    svg, html = tmp_path / "out.svg", tmp_path / "out.html"
    result = seeded(*args, "--svg", str(svg), "--html", str(html), COLUMNS="100")
    assert name in result.stdout  # still shown on the terminal
    assert f"wrote {svg}" in result.stderr
    assert name in svg_text(svg)
    assert "Heartstopper" in svg_text(svg)
    text, tags = html_text(html)
    assert name in text
    assert {"html", "body", "pre"} <= set(tags)
    # In colour whatever the terminal did (NO_COLOR is set in the tests).
    assert len(set(re.findall("fill: (#[0-9a-f]{6})", svg.read_text()))) >= 3
    assert len(set(re.findall("color: (#[0-9a-f]{6})", html.read_text()))) >= 3
    assert oct(svg.stat().st_mode & 0o777) == oct(0o644)
    # Rich places each styled run at its column; a run that starts with spaces relies on
    # the renderer keeping them (librsvg does not), so none may.
    texts = [t.text or "" for t in ET.parse(svg).getroot().iter(f"{SVG}text")]
    assert [t for t in texts if t.strip() and t[0] in " \xa0"] == []


def test_svg_of_hostile_names_is_still_well_formed(seeded: Cli, tmp_path: Path) -> None:
    seeded("add", "Tom & Jerry <script>alert(1)</script> \"quoted\" 'x'", "--id", "tom")
    seeded("set", "tom", "release", "2027-05-01")
    svg, html = tmp_path / "a.svg", tmp_path / "a.html"
    seeded("status", "--chart", "--svg", str(svg), "--html", str(html), COLUMNS="160")
    assert "Tom & Jerry <script>alert(1)</script>" in svg_text(svg)
    text, tags = html_text(html)
    assert "Tom & Jerry <script>" in text
    assert "script" not in tags


def test_an_unwritable_picture_is_a_runtime_error(seeded: Cli, tmp_path: Path) -> None:
    result = seeded("status", "--chart", "--svg", str(tmp_path / "missing" / "x.svg"), code=1)
    assert result.stderr.startswith("hstrack: cannot write")
    assert "Traceback" not in result.stderr
