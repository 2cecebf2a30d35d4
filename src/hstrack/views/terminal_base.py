"""What the terminal views share: the console and how lines reach it, the cells of the
tables (a milestone's date and countdown, a release with its place, a source), and the
styles and marks of phases and states.

Stored text is data: every string from the store goes through
:func:`hstrack.core.text.inert` and into a ``rich.text.Text`` object, never into markup,
so ``[link=…]`` or an escape sequence in a title's name prints literally.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from hstrack.core.dates.spec import format_day
from hstrack.core.text import inert
from hstrack.views.layout import (
    NEEDED,
    Glyphs,
    Para,
    Piece,
    atom,
    block,
    chain,
    date_text,
    joined,
    phrase,
    then,
    words,
)

if TYPE_CHECKING:  # types only: a command loads the modules it runs
    from hstrack.core.report.assess import Assessed
    from hstrack.core.report.titles import TitleReport


PHASE_STYLE = {
    "rumoured": "magenta",
    "announced": "cyan",
    "in-production": "bold yellow",
    "post-production": "bold blue",
    "released": "bold green",
    "cancelled": "bold red",
}
# Below this width no table is drawn: every row is a stacked block instead.
NARROW = 60
STATE_MARK = {"past": "✓", "today": "●", "open": "◐", "future": "○", "due": "◌", "tba": "?", "cancelled": "✕"}
STATE_STYLE = {
    "past": "green",
    "due": "bold magenta",
    "today": "bold green",
    "open": "yellow",
    "future": "cyan",
    "tba": "dim",
    "cancelled": "red",
}
NO_MILESTONES = "no milestones yet: hstrack set ID MILESTONE DATE"
# Stacked blocks: a block's first line at 0, its details at 2, their continuations at 4.
DETAIL, MORE = 2, 4


def name(value: str, style: str = "bold") -> Para:
    """A stored name, shown inert; it wraps between words."""
    return words(inert(value), style)


def sourced(source: str | None, origin: str | None) -> list[Para]:
    """A fact's source, and for a synced one the source it came from ("Wikidata: URL")."""
    if not source:
        return []
    if origin:
        from hstrack.core.references import SOURCE_NAMES

        source = f"{SOURCE_NAMES.get(origin, origin)}: {source}"  # a fixed name before stored text
    return stored(source, "dim")


def stored(value: str | None, style: str) -> list[Para]:
    """Stored free text (a source, a note, a synopsis), inert, one paragraph per line (a
    blank line stays one: empty paragraphs are dropped only under a table's row)."""
    return [words(inert(line), style) for line in value.strip("\n").split("\n")] if value else []


def _when(a: Assessed) -> Para:
    """A date is never broken: whole, or cut with "…"; a time's zone and "(tentative)" may
    go to the next line."""
    when = date_text(a.date.text, "bold" if a.state != "tba" else "dim", a.date.at is not None)
    if a.milestone.tentative:
        when = then(when, Para([Piece("(tentative)", "italic dim", whole=True)]))
    return when


def _countdown(a: Assessed) -> Para:
    return phrase(a.countdown if a.state != "tba" else "date TBA", STATE_STYLE[a.state])


def _milestone_cell(a: Assessed | None, empty: str) -> list[Para]:
    if a is None:
        return [phrase(empty, "dim")]
    cell = [phrase(a.named, STATE_STYLE[a.state]), _when(a)]
    if a.state != "tba":
        cell.append(_countdown(a))
    return cell


def _release_cell(a: Assessed | None, place: str | None = None) -> list[Para]:
    if a is None:
        return [phrase("not tracked", "dim")]
    cell = [_when(a), _countdown(a)] if a.state != "tba" else [_when(a)]
    if place is not None:  # which of several releases this is: "UK cinemas"
        cell.append(phrase(place, "dim"))
    return cell


def _last_and_next(r: TitleReport) -> tuple[Assessed | None, Assessed | None]:
    """What the Last and Next columns show: for a cancelled title, the cancellation in
    Next (it is what happened instead) and the last milestone reached before it in Last."""
    if r.cancellation is None:
        return r.last, r.next
    before = [a for a in r.milestones if a.reached and a.kind != "cancelled"]
    return (before[-1] if before else None), r.cancellation


def _heading(r: TitleReport) -> Para:
    return then(name(r.title.name), atom(r.phase, PHASE_STYLE.get(r.phase, "")), space=2)


def _dates(r: TitleReport) -> list[str]:
    """The dates a sentence about this title may name: never broken across lines."""
    return [a.date.text for a in r.milestones]


def _labelled(heading: str, *parts: Para) -> Para:
    """ "next: release · H2 2026 · window open, closes in 4 weeks": breaks after a "·"."""
    return then(atom(f"{heading}:"), chain(*parts), brk=NEEDED)


class TerminalBase:
    """The console a terminal view writes to, and how it writes."""

    def __init__(self, now: datetime, console: Console | None = None) -> None:
        from hstrack.core.report.freshness import STALE_AFTER

        self.now = now
        # How long an open window may go without news before status marks it (the
        # command sets the user's ``hstrack config stale``).
        self.stale = STALE_AFTER
        self.console = console or Console(highlight=False, markup=False, emoji=False)
        # What this stream can encode decides the characters before anything is measured.
        self.glyphs = Glyphs(self.console.encoding)

    @property
    def width(self) -> int:
        return self.console.width

    def _print(self, *renderables: object) -> None:
        self.console.print(*renderables)

    @property
    def _plain(self) -> bool:
        """Whether what is printed is the lines' text and nothing else (no colour, no
        recording for --svg/--html, not a dumb terminal)."""
        c = self.console
        return c.color_system is None and not c.record and not c.is_dumb_terminal

    def _lines(self, lines: Sequence[Text | str]) -> None:
        """Lines laid out to the width already: printed as they are, never re-wrapped.
        Lines given as text (``Table.plain_lines``) come only when ``_plain``."""
        if not lines:
            return
        c = self.console
        if self._plain:
            # Without colour, Rich writes what the lines say and nothing else: their
            # text, written here at once. Printing them as one Text through Rich takes
            # as long as laying them out, for a 10,000-title status (2 s). A tab is
            # left to Rich, which expands it (stored text has none: it is shown inert).
            text = "\n".join([line if isinstance(line, str) else line.plain for line in lines])
            if "\t" not in text:
                c.file.write(text + "\n")
                return
        c.print(joined([Text(line) if isinstance(line, str) else line for line in lines]), soft_wrap=True)

    def _block(self, paras: list[tuple[Para, int, int]]) -> list[Text]:
        return block(paras, self.width, self.glyphs)

    def _under(self, para: Para, indent: int) -> tuple[Para, int, int]:
        """A source or note in a stacked block: at its indent, or at the left edge when
        that keeps a link whole."""
        para.prepare(self.glyphs)
        at = indent if para.needs()[2] <= self.width - indent else 0
        return para, at, at

    def _today(self) -> str:
        return format_day(self.now.date())


def _moment(at: datetime) -> str:
    """A moment as a person reads it: the day, and the time unless it is midnight."""
    day = format_day(at.date())
    return day if (at.hour, at.minute) == (0, 0) else f"{day} {at:%H:%M}"
