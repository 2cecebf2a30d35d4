"""Tables that fit (issue 13, items 11 and 12): every table hstrack prints, at every width
from 30 to 200 columns, with hostile names, dates and links, in UTF-8 and in encodings
that cannot take it.

What each line must hold: no wider than the terminal (in cells, as a terminal counts
them); no date broken across lines or cut without "…"; "(tentative)" whole; below 60
columns no table, only stacked blocks; and, where the stream is not UTF-8, every row's
columns at the same places as the header's.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import subprocess
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console

from hstrack.core.feed import change_feed
from hstrack.core.model.document import Document
from hstrack.core.report.history import title_history
from hstrack.core.report.rows import countdown, timeline, upcoming
from hstrack.core.report.titles import report_title, status_report
from hstrack.core.tracker import add_title, set_milestone
from hstrack.store.seed import seed_document
from hstrack.views.layout import Glyphs, atom, phrase, slug, words, wrap
from hstrack.views.terminal import NARROW, TerminalRenderer

from .conftest import Cli

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=ZoneInfo("Europe/London"))
EARLY = datetime(2025, 6, 10, 12, 0, tzinfo=ZoneInfo("Europe/London"))
RECORDED = datetime(2026, 6, 1, 9, 30, tzinfo=ZoneInfo("Europe/London"))
LINK = "https://www.example.org/news/2026/11/a-rather-long-path-to-an-announcement-page.html"  # 82 cells

# (name, release, tentative, source, note): every kind of text a cell can hold.
HOSTILE = [
    ("東京物語 🎬 映画の長い長い題名がここに続いて終わらないかもしれない", "Aug–Dec 2026", True, LINK, None),
    ("A" * 70, "28 Sep–3 Oct 2026", True, "Netflix announcement, 9 June 2025, and a citation that runs on", "n " * 40),
    ("Supercalifragilisticexpialidocious: The Return of the Very Long Word", "TBA", False, None, None),
    ("[bold]markup[/bold] [link=file:///etc/passwd]x[/link]", "2027-06-12 17:00 America/Los_Angeles", True,
     "https://www.attitude.co.uk/culture/kit-connor-and-joe-locke-heartstopper-film-489204/", None),
    ("Emoji 👨‍👩‍👧‍👦 family ❤️ title", "summer 2027", True, None, "a note\nof two lines"),
    ("Combining e\u0301e\u0301e\u0301 and zero\u200bwidth", "2026-12-03", False, None, None),
    ("Across the new year", "Nov 2026–Feb 2027", False, "x" * 300, None),
    ("Amélie — 東京", "3–7 October 2027", True, None, None),
]  # fmt: skip


def hostile_document() -> Document:
    doc = seed_document(EARLY)
    for i, (name, release, tentative, source, note) in enumerate(HOSTILE):
        title = add_title(doc, name, f"hostile{i}" + "-slug" * i, kind="film")
        set_milestone(doc, title.id, "announced", "2026-01", RECORDED, source=source)
        set_milestone(doc, title.id, "release", release, RECORDED, tentative=tentative, source=source, note=note)
        set_milestone(doc, title.id, "trailer", "2027-Q1", RECORDED, note=note)
    return doc


DOC = hostile_document()
REPORTS = status_report(DOC, NOW)
DATES = sorted({a.date.text for r in REPORTS for a in r.milestones}, key=len, reverse=True)
Draw = Callable[[TerminalRenderer], None]


def _title_views() -> dict[str, Draw]:
    views: dict[str, Draw] = {}
    for r in REPORTS:
        line = timeline(r)
        views[f"timeline {r.title.id}"] = lambda t, line=line: t.timeline(line)  # type: ignore[misc]
        views[f"show {r.title.id}"] = lambda t, r=r, line=line: t.show(r, line)  # type: ignore[misc]
        changes = title_history(r.title, NOW)
        views[f"history {r.title.id}"] = lambda t, r=r, changes=changes: t.history(r, changes)  # type: ignore[misc]
    return views


VIEWS: dict[str, Draw] = {
    "status": lambda t: t.status(REPORTS),
    "upcoming": lambda t: t.upcoming(*upcoming(REPORTS, NOW, NOW + timedelta(days=900)), NOW),
    "changes": lambda t: t.changes(change_feed(DOC, NOW, EARLY), EARLY),
    **_title_views(),
}
TABLES = ("status", "upcoming", "changes", "timeline", "show", "history")


def render(width: int, draw: Draw, encoding: str = "utf-8", terminal: bool = False) -> list[str]:
    """What a stream in ``encoding`` receives, decoded, as lines."""
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="\n")
    console = Console(file=stream, width=width, color_system=None, force_terminal=terminal, highlight=False,
                      markup=False, emoji=False, legacy_windows=False)  # fmt: skip
    draw(TerminalRenderer(NOW, console))
    stream.flush()
    return raw.getvalue().decode(encoding).splitlines()


def assert_dates_whole(lines: list[str], where: str) -> None:
    """A date is on one line (whole, or cut with "…"), never broken across two, but for a
    time's zone, which may go to the next line (issue 28.4)."""
    for date in DATES:
        zoned = re.search(r"\d\d:\d\d (\S+)$", date)
        for cut in range(4, len(date)):
            head = date[:cut]
            if head.endswith(" ") or any(d.startswith(head) and len(d) == cut for d in DATES):
                continue
            if zoned is not None and cut == zoned.start(1) - 1:
                continue  # "12 Jun 2027 17:00" / "America/Los_Angeles"
            rest = date[cut:].strip()
            for line, after in itertools.pairwise(lines):
                if line.rstrip().endswith(head) and after.strip().startswith(rest):
                    pytest.fail(f"{where}: {date!r} broken between {line!r} and {after!r}")
    for line in lines:
        for match in re.finditer(r"\(t[a-z]*", line):
            rest = line[match.start() :]
            assert rest.startswith(("(tentative)", "(t…")) or "…" in rest[:12], f"{where}: {line!r}"


# ---------------------------------------------------------------------------- every width


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_every_line_fits_at_every_width_and_no_date_is_broken(name: str) -> None:
    # Every width for the lists; every other one for each title's views (they share code).
    widths = range(30, 201) if name in ("status", "upcoming", "changes") else range(30, 201, 3)
    shown: list[int] = []
    stacked: list[int] = []
    for width in widths:
        lines = render(width, VIEWS[name])
        where = f"{name} at {width}"
        for line in lines:
            assert cell_len(line) <= width, f"{where}: {line!r}"
        assert_dates_whole(lines, where)
        rules = [line for line in lines if line and set(line) == {"─"}]
        table_shown = bool(rules)
        if width < NARROW:
            assert not table_shown, f"{where}: a table below {NARROW} columns"
        elif name.split()[0] in TABLES:
            # A table is stacked only while its columns cannot hold every date (or part of
            # one) whole: from some width on it is a table at every width (issue 28.4).
            shown.append(width) if table_shown else stacked.append(width)
            assert not table_shown or not cut_dates(lines), f"{where}: a date cut in a table: {cut_dates(lines)}"
    if name.split()[0] in TABLES:
        assert shown, name
        assert not stacked or max(stacked) < min(shown), f"{name}: stacked at {stacked}, a table at {shown}"
        assert min(shown) <= 76, f"{name}: a table only from {min(shown)} columns"


def cut_dates(lines: list[str]) -> list[str]:
    """Lines where a date (or a part of one the layout may put on a line) is cut with "…"."""
    parts = {part for date in DATES for part in (date, *re.split(r"(?<=\d\d:\d\d) |/", date))}
    return [line for line in lines for part in parts for k in range(4, len(part)) if part[:k] + "…" in line]


@pytest.mark.parametrize("width", [30, 45, 59])
def test_below_60_columns_every_table_is_stacked_blocks(width: int) -> None:
    status = render(width, VIEWS["status"])
    assert not any("Last reached" in line for line in status)
    film = next(i for i, line in enumerate(status) if line.startswith("Heartstopper (film)"))
    block = status[film : status.index("", film)]
    assert "  heartstopper-film" in block
    assert any(line.startswith("  last: production start ·") for line in block)
    assert all(line.startswith("  ") for line in block[1:])
    for name in ("upcoming", "changes", "history heartstopper-film", "timeline heartstopper-film"):
        lines = render(width, VIEWS[name])
        assert not any(line and set(line) == {"─"} for line in lines), name
        # Details are indented under the line that starts a block.
        assert any(line.startswith("  ") for line in lines), name


def test_links_are_never_cut_when_a_whole_line_holds_them() -> None:
    for width in range(30, 201):
        for name in ("timeline hostile0", "show hostile0", "history hostile0", "changes"):
            lines = render(width, VIEWS[name])
            shown = [line.strip() for line in lines if "example.org/news" in line]
            assert shown, (name, width)
            for line in shown:
                if len(LINK) <= width:
                    assert line == LINK, (name, width, line)
                else:
                    assert line.endswith("…"), (name, width, line)
                    assert LINK.startswith(line[:-1]), (name, width, line)


def test_sources_and_notes_take_the_rows_width_in_show_and_timeline() -> None:
    """The issue's example: "Netflix announcement, 9 June 2025" over two lines in a narrow
    column while the gap and countdown columns stood half empty."""
    doc = seed_document()
    report = report_title(doc.titles["heartstopper-film"], NOW)
    for width in (64, 80, 120):
        for draw in (lambda t: t.timeline(timeline(report)), lambda t: t.show(report, timeline(report))):
            lines = render(width, draw)
            source = [line for line in lines if line.strip().startswith("Netflix announcement")]
            assert source, width
            assert all(line.strip() == "Netflix announcement, 9 June 2025" for line in source), (width, source)
            assert any(line.strip() == "first confirmed about six months after season 3 was released" for line in lines)


def test_name_next_and_release_keep_their_text_at_80_columns() -> None:
    """The other columns give way first: at 80 columns the name, the next milestone and
    the release are whole when the Last reached column can wrap."""
    doc = seed_document(EARLY)
    name = "The Extraordinarily Long Return of the Midnight Gardeners of Kew"
    title = add_title(doc, name, "gardeners", kind="film")
    set_milestone(doc, title.id, "production-start", "2026-01-05", RECORDED)
    set_milestone(doc, title.id, "release", "28 Sep–3 Oct 2027", RECORDED, tentative=True)
    reports = status_report(doc, NOW)
    for width in (80, 100, 200):
        lines = render(width, lambda t: t.status(reports))
        assert not any("…" in line for line in lines), lines
        tokens = " ".join(lines).split()
        assert all(word in tokens for word in name.split())
        row = [line for line in lines if "28 Sep–3 Oct 2027" in line]
        assert len(row) == 2  # Next and Release, each whole on its line
        assert sum(line.count("(tentative)") for line in lines) == 2
        if width == 200:
            assert all("28 Sep–3 Oct 2027 (tentative)" in line for line in row)
            assert any(line.startswith(name + " ") for line in lines)
    # At 60 no table holds both dates whole: the rows are stacked, nothing cut.
    lines = render(60, lambda t: t.status(reports))
    assert not is_table(lines)
    assert not any("…" in line for line in lines)
    # At 70 the Last reached column has given way more than the ones people need most.
    lines = render(70, lambda t: t.status(reports))
    header = lines[0]
    widths = [header.index("Next") - header.index("Last"), header.index("Release") - header.index("Next")]
    assert widths[0] <= widths[1]


def test_countdown_is_one_line_in_a_pipe_and_broken_between_words_on_a_terminal() -> None:
    for r in REPORTS:
        c = countdown(r, None)
        piped = render(30, lambda t, c=c: t.countdown(c))
        assert len(piped) == 1
        shown = render(30, lambda t, c=c: t.countdown(c), terminal=True)
        assert all(cell_len(line) <= 30 for line in shown), shown
        assert all(line.startswith("  ") for line in shown[1:])
        if not any("…" in line for line in shown):  # (a link in a name is cut, never folded)
            assert " ".join(line.strip() for line in shown).replace(" ", "") == piped[0].replace(" ", "")


# ---------------------------------------------------------------------------- encodings


def column_starts(lines: list[str], headings: list[str]) -> tuple[int, list[int]]:
    """The header line's index and where each heading starts."""
    for i, line in enumerate(lines):
        if all(h in line for h in headings):
            return i, [line.index(h) for h in headings]
    raise AssertionError(f"no header {headings} in {lines}")


def assert_aligned(lines: list[str], headings: list[str], width: int, where: str) -> None:
    """Every run of text in a row starts where a column starts (or at the left edge, for
    the lines under a row): a character the stream replaced never shifts a column."""
    header, starts = column_starts(lines, headings)
    starts = [cell_len(lines[header][:at]) for at in starts]
    allowed = {0, *starts}
    for line in lines[header + 2 :]:
        if line.startswith(("Date TBA:", "as of ")):  # the lines after the table
            break
        assert cell_len(line) <= width, f"{where}: {line!r}"
        for run in re.finditer(r"\S+(?: \S+)*", line):
            at = cell_len(line[: run.start()])  # where a terminal shows it
            assert at in allowed, f"{where}: {line!r} has text at {at}, columns at {sorted(allowed)}"


def is_table(lines: list[str]) -> bool:
    """A table's rule under its headings (in any encoding's stand-in) is among the lines."""
    return any(len(line) >= 20 and set(line) in ({"─"}, {"-"}) for line in lines)


HEADINGS = {
    "status": ["Title", "Last reached", "Next", "Release"],
    "upcoming": ["When", "Title", "Milestone", "Countdown"],
    "changes": ["Recorded", "Title", "Milestone", "What changed"],
    "history": ["Recorded", "Milestone", "What changed"],
    "timeline": ["When", "Milestone", "Gap", "Countdown"],
}


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "cp1252", "utf-8"])
def test_columns_line_up_in_every_encoding(encoding: str) -> None:
    for width in (60, 64, 80, 100, 137, 200):
        for name, headings in HEADINGS.items():
            views = [v for v in VIEWS if v.split()[0] == name]
            for view in views:
                lines = render(width, VIEWS[view], encoding)
                if width < 80 and not is_table(lines):
                    continue  # stacked: a date would not fit whole (see the test above)
                assert_aligned(lines, headings, width, f"{view} at {width} in {encoding}")
                if encoding != "utf-8":
                    assert "\ufffd" not in "".join(lines)


def test_a_wide_character_the_stream_cannot_take_is_one_column() -> None:
    glyphs = Glyphs("ascii")
    assert glyphs("東京 ✓ ◐ ○ ✕ ▶ → — · …") == "?? + ~ o x > > - - ~"
    assert glyphs.ellipsis == "~"
    assert Glyphs("cp1252")("— · … 東") == "— · … ?"  # cp1252 has these three
    assert Glyphs("latin-1")("Amélie — 東京") == "Amélie - ??"
    assert Glyphs("utf-8")("東京") == "東京"
    lines = render(80, VIEWS["status"], "ascii")
    row = next(line for line in lines if line.startswith("????"))
    assert row.index("announced") == lines[0].index("Last reached")


# ---------------------------------------------------------------------------- paragraphs


@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=120),
    st.integers(min_value=2, max_value=60),
)
def test_a_paragraph_never_exceeds_its_width_and_loses_nothing_it_does_not_mark(text: str, width: int) -> None:
    glyphs = Glyphs("utf-8")
    lines = wrap(words(text), width, glyphs, 0, 2 if width > 4 else 0)
    assert all(line.cell_len <= width for line in lines)
    shown = "".join(line.plain.replace(" ", "") for line in lines)
    if "…" not in shown:  # folded, not cut: every character is there, in order
        assert shown == text.replace(" ", "")


def test_a_date_a_summary_names_is_never_broken() -> None:
    glyphs = Glyphs("utf-8")
    summary = "release moved 94 days later (3 Oct 2027 → 5 Jan 2028)"
    for width in range(12, 60):
        lines = [line.plain for line in wrap(words(summary, keep=["3 Oct 2027", "5 Jan 2028"]), width, glyphs)]
        assert any("3 Oct 2027" in line for line in lines)
        assert any("5 Jan 2028" in line for line in lines)


def test_breaks_come_where_a_reader_expects_them() -> None:
    glyphs = Glyphs("utf-8")

    def at(para: object, width: int) -> list[str]:
        return [line.plain for line in wrap(para, width, glyphs)]  # type: ignore[arg-type]

    assert at(phrase("window open, closes in 4 weeks"), 20) == ["window open,", "closes in 4 weeks"]
    assert at(phrase("window open, closes in 4 weeks"), 12) == ["window open,", "closes in 4", "weeks"]
    assert at(slug("a-rather-long-id"), 10) == ["a-rather-", "long-id"]
    assert at(atom("4 Dec 2026 08:00 Europe/London"), 20) == ["4 Dec 2026 08:00 Eu…"]
    assert at(words(LINK), 40) == [LINK[:39] + "…"]  # a link is cut, never folded
    assert at(words("東京物語東京物語"), 6) == ["東京物", "語東京", "物語"]  # a name is folded


# ---------------------------------------------------------------------------- the installed command


@pytest.fixture(scope="module")
def installed_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from .test_process import SCRIPT

    home = tmp_path_factory.mktemp("encodings") / "home"
    env = {"PATH": os.environ["PATH"], "HSTRACK_HOME": str(home), "TZ": "Europe/London", "LANG": "C.UTF-8",
           "HSTRACK_NOW": "2026-11-20T12:00:00+00:00"}  # fmt: skip
    for args in (
        ("status",),
        ("add", "東京物語 🎬 映画", "--id", "tokyo", "--kind", "film"),
        ("set", "tokyo", "announced", "2026-02", "--source", "https://example.org/東京"),
        ("set", "tokyo", "release", "Aug–Dec 2027", "--tentative"),
        ("add", "Amélie — 東京 and a longer name", "--id", "amelie", "--kind", "film"),
        ("set", "amelie", "release", "28 Sep–3 Oct 2027", "--source", "Le Monde — 3 octobre"),
    ):
        subprocess.run([str(SCRIPT), *args], env=env, capture_output=True, check=True, timeout=60)
    return home


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "cp1252"])
def test_the_installed_command_lines_up_columns_in_every_encoding(installed_home: Path, encoding: str) -> None:
    """Through a real process and a real stream: PYTHONIOENCODING makes stdout ASCII or
    Latin-1; each table's rows start their columns where its header does."""
    from .test_process import SCRIPT

    views = {"status": ["status"], "upcoming": ["upcoming", "--within", "2y"], "changes": ["changes", "--since", "1w"],
             "history": ["history", "tokyo"], "timeline": ["timeline", "amelie"]}  # fmt: skip
    for width in (60, 64, 80, 120):
        for name, args in views.items():
            env = {"PATH": os.environ["PATH"], "HSTRACK_HOME": str(installed_home), "TZ": "Europe/London",
                   "HSTRACK_NOW": "2026-11-27T12:00:00+00:00", "PYTHONIOENCODING": encoding,
                   "COLUMNS": str(width)}  # fmt: skip
            result = subprocess.run([str(SCRIPT), *args], env=env, capture_output=True, timeout=60, check=False)
            assert result.returncode == 0, result.stderr
            lines = result.stdout.decode(encoding).splitlines()  # nothing the stream could not take
            if width < 80 and not is_table(lines):
                continue  # stacked: a date would not fit whole
            headings = [h.replace("·", "-" if encoding == "ascii" else "·") for h in HEADINGS[name]]
            assert_aligned(lines, headings, width, f"{name} at {width} in {encoding}")
            if name == "status":
                row = next(line for line in lines if line.startswith("????"))  # 東京物語: four columns
                assert row.index("announced") == lines[0].index("Last reached")


def test_a_synopsis_or_notes_over_several_lines_keep_their_lines(cli: Cli) -> None:
    """Notes and a synopsis may span lines: each line a paragraph (a blank one kept), not
    one line with "^J" in it; a control character is still shown inert."""
    cli("status")
    cli("edit", "heartstopper-film", "--notes", "first line\n\nthird line", "--synopsis", "one\ntwo")
    for width in ("40", "100"):
        lines = cli("show", "heartstopper-film", COLUMNS=width).stdout.splitlines()
        start = lines.index("one")
        assert lines[start : start + 6] == ["one", "two", "", "first line", "", "third line"]
        assert "^J" not in "\n".join(lines)
