"""Charts and calendars on a terminal: the layouts of ``hstrack.views.chart`` and
``hstrack.views.calendar`` given colour, and saved as SVG or HTML.

Every line is built to fit the console's width exactly, so a terminal never wraps one;
the glyphs carry the meaning and colour only adds to it (NO_COLOR loses nothing).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from hstrack.core.dates.spec import format_day
from hstrack.core.report.assess import label
from hstrack.core.text import inert
from hstrack.views.chart import BAND, DAY, TENTATIVE_DAY, Cell, Chart
from hstrack.views.layout import (
    ALWAYS,
    NEVER,
    STAND_INS,
    Glyphs,
    atom,
    chain,
    date_text,
    phrase,
    then,
    words,
    wrap,
)

if TYPE_CHECKING:
    from hstrack.views.calendar import Event, MonthCalendar

COLOUR = {
    "tentative": "magenta",
    "announced": "cyan",
    "in-production": "yellow",
    "post-production": "blue",
    "released": "green",
    "other": "white",
}
MARKER_STYLE = {
    "past": "bold green",
    "today": "bold green",
    "open": "bold yellow",
    "future": "bold cyan",
    "tentative": "magenta",
    "cancelled": "dim red",
}


def role_style(role: str) -> str:
    kind, _, arg = role.partition(":")
    if kind == "phase":
        return COLOUR[arg]
    if kind == "ahead":
        return f"{COLOUR[arg]} dim"
    if kind == "band":
        return COLOUR.get(arg, "white")
    if kind == "marker":
        return MARKER_STYLE.get(arg, "bold")
    if kind in ("today", "cancel"):
        return "bold red"
    if kind == "open":
        return "dim"
    # Plain text still gets a style ("default" is no colour at all), so it is a run of its
    # own and never merges with the blank cells before it (see `indented`).
    return "" if kind == "blank" else "default"


def indented(text: str, style: str) -> Text:
    """Text whose leading spaces carry no style. Rich writes an SVG line as one element
    per styled run placed at its column; spaces inside a styled run are kept only by
    renderers that respect non-breaking spaces, and some (librsvg) drop them."""
    body = text.lstrip(" ")
    return Text.assemble(text[: len(text) - len(body)], (body, style))


def cells_text(cells: list[Cell]) -> Text:
    """A row of cells as Text, one span per run of the same role."""
    out = Text()
    run, role = "", None
    for char, cell_role in cells:
        if cell_role != role and run:
            out.append_text(indented(run, role_style(role or "")))
            run = ""
        run, role = run + char, cell_role
    if run:
        out.append_text(indented(run, role_style(role or "")))
    out.rstrip()
    return out


def legend_lines(entries: list[tuple[str, str]], width: int) -> list[Text]:
    """Legend entries packed into lines that fit; an entry is never split."""
    lines: list[Text] = []
    line = Text()
    for glyph, meaning in entries:
        entry_len = len(glyph) + 1 + len(meaning)
        if line.cell_len and line.cell_len + 2 + entry_len > width:
            lines.append(line)
            line = Text()
        if line.cell_len:
            line.append("  ")
        line.append(glyph, style="default")
        line.append(" ")
        line.append(meaning, style="dim")
    if line.cell_len:
        lines.append(line)
    return lines


# For a terminal or pipe that cannot take UTF-8: each glyph has a distinct ASCII stand-in
# (the same the tables use when the stream lacks one).
ASCII = str.maketrans({
    glyph: STAND_INS[glyph] for glyph in "─━═█┄░◆◇│→✕▲▸…·–"
})  # fmt: skip


def _encoded(console: Console, parts: list[RenderableType]) -> Group:
    """The parts as a Group, in ASCII when the console's encoding cannot show the glyphs."""
    if not console.encoding.replace("-", "").replace("_", "").startswith("utf"):
        for part in parts:
            text = part.renderable if isinstance(part, Padding) else part
            if isinstance(text, Text):
                text.plain = text.plain.translate(ASCII)  # one character for one: styles stay put
    return Group(*parts)


def chart_renderable(chart: Chart, console: Console) -> Group:
    pad = " " * (chart.label_width + 1)
    lines: list[RenderableType] = [indented(pad + label, "dim") for label in chart.axis.labels()]
    glyphs = Glyphs(console.encoding)
    for row in chart.rows:
        # Labels are inert already; a Text, never markup; cut by cell width with an ellipsis,
        # after any character the stream cannot take is replaced, so the bars line up.
        label = Text(glyphs(row.label), style="bold")
        label.truncate(chart.label_width, overflow="ellipsis", pad=True)
        label.append(" ")
        label.append_text(cells_text(row.cells))
        lines.append(label)
    lines.append(indented(pad + chart.today, "bold red"))
    lines.extend(legend_lines(chart.legend, console.width))
    return _encoded(console, lines)


# ---------------------------------------------------------------------------- calendar

# Each day is four cells: a today mark, the day number, an event mark.
CELL = 4
WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
MONTH_GAP = 3


def _day_mark(events: list[Event]) -> tuple[str, str]:
    """What a day shows: a firm date beats a tentative one, and either beats a window."""
    exact = [e for e in events if e.exact]
    firm = [e for e in exact if not e.item.milestone.tentative]
    if firm:
        return DAY, MARKER_STYLE[firm[0].item.state]
    if exact:
        return TENTATIVE_DAY, MARKER_STYLE["tentative"]
    if events:
        return BAND, "dim"
    return " ", ""


def _month_lines(cal: MonthCalendar, index: int, cell: int) -> list[Text]:
    """A month as lines; ``cell`` is 4 (a today mark, the day, an event mark) or, on a
    terminal narrower than 28 columns, 3 (no today mark: today is the reverse-video day,
    or "<" after it when nothing else is on that day)."""
    month = cal.months[index]
    lines = [indented(month.name.center(cell * 7).rstrip(), "bold")]
    lines.append(indented("".join(f"{' ' if cell == 4 else ''}{d} " for d in WEEKDAYS).rstrip(), "dim"))
    for week in month.weeks():
        line = Text()
        for day in week:
            if day is None:
                line.append(" " * cell)
                continue
            mark, mark_style = _day_mark(cal.on(day))
            is_today = day == cal.today
            if cell == 4:
                line.append("▸" if is_today else " ", style="bold red")
            elif is_today and mark == " ":
                mark, mark_style = "<", "bold red"
            number_style = "reverse bold" if is_today else ("bold" if mark not in (" ", BAND) else "default")
            line.append_text(indented(f"{day.day:>2}", number_style))
            line.append(mark, style=mark_style)
        line.rstrip()
        lines.append(line)
    return lines


def _side_by_side(blocks: list[list[Text]], block_width: int) -> list[Text]:
    out = []
    for i in range(max(len(b) for b in blocks)):
        line = Text()
        for j, block in enumerate(blocks):
            part = block[i] if i < len(block) else Text()
            if j:
                line.append(" " * MONTH_GAP)
            if j < len(blocks) - 1:
                part = part.copy()
                part.pad_right(block_width - part.cell_len)
            line.append_text(part)
        line.rstrip()
        out.append(line)
    return out


def _event_lines(e: Event, width: int, glyphs: Glyphs) -> list[Text]:
    """One line per event; when one would not fit, the date, then what, indented (a date
    is never broken: whole, or cut with "…")."""
    a = e.item
    mark, style = _day_mark([e])
    when = then(atom(mark, style), date_text(a.date.text, "bold" if e.exact else "", a.date.at is not None), brk=NEVER)
    # A window says which days it covers when its name does not ("Q1 2027" does not,
    # "December 2026" does).
    if not e.exact and a.date.precision.value not in ("month", "year"):
        when = then(when, atom(f"({e.first.day} {e.first:%b} – {e.last.day} {e.last:%b})"))
    if a.milestone.tentative:
        when = then(when, atom("(tentative)", "italic dim"))
    what = chain(
        words(inert(e.report.title.name), "bold"),
        phrase(label(a.key)),  # with its place, as upcoming names it: "release (UK cinemas)"
        phrase(a.countdown, MARKER_STYLE.get(a.state, "dim")),
    )
    one = then(when, what, brk=ALWAYS, space=2)
    one.prepare(glyphs)
    if one.needs()[0] <= width:
        return wrap(one, width, glyphs)
    return [*wrap(when, width, glyphs, 0, 4), *wrap(what, width, glyphs, 4, 6)]


def calendar_renderable(cal: MonthCalendar, console: Console) -> Group:
    width = console.width
    cell = CELL if width >= CELL * 7 else CELL - 1
    per_row = max(1, (width + MONTH_GAP) // (cell * 7 + MONTH_GAP))
    parts: list[RenderableType] = []
    for start in range(0, len(cal.months), per_row):
        if start:
            parts.append(Text())
        blocks = [_month_lines(cal, i, cell) for i in range(start, min(start + per_row, len(cal.months)))]
        parts.extend(_side_by_side(blocks, cell * 7))
    parts.append(Text())
    if not cal.events:
        shown = cal.months[0].name if len(cal.months) == 1 else f"{cal.months[0].name} to {cal.months[-1].name}"
        parts.append(Text(f"No dated milestones in {shown}.", style="dim"))
    glyphs = Glyphs(console.encoding)
    for e in cal.events:
        parts.extend(_event_lines(e, width, glyphs))
    parts.append(Text(f"{'▸' if cell == CELL else '<'} today {format_day(cal.today)}", style="dim"))
    return _encoded(console, parts)


# ---------------------------------------------------------------------------- pictures


def save_pictures(
    draw: Callable[[Console], None], width: int, title: str, svg: Path | None, html: Path | None
) -> list[tuple[Path, bytes]]:
    """Draw once more on a recording console, in colour whatever this terminal does, and
    return the SVG and HTML files to write."""
    console = Console(
        file=io.StringIO(),
        record=True,
        width=width,
        force_terminal=True,
        color_system="truecolor",
        highlight=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
    )
    draw(console)
    files = []
    if svg is not None:
        files.append((svg, console.export_svg(title=inert(title), clear=False).encode("utf-8")))
    if html is not None:
        files.append((html, console.export_html(clear=False).encode("utf-8")))
    return files
