"""Text laid out to fit a terminal: paragraphs that break only where a reader expects,
tables whose columns give way in a set order, and what a stream can show.

Why not Rich's ``Table``: it shrinks every column in proportion, folds a date in the
middle ("October 2" over "026"), and when a column has a minimum width it widens the
column back after fitting and crops the row with no ellipsis. Here each table says which
columns give way first and how far, a date is never broken, and every line is built to
its exact width, so Rich only prints it.

A paragraph (:class:`Para`) is a list of pieces, each saying how freely a line may break
before it: ``ALWAYS`` (between the words of a name, after a hyphen of an id, between a
date and "(tentative)", after the comma of "window open, closes in 4 weeks"), ``NEEDED``
(inside a phrase, only when the paragraph does not fit otherwise) or ``NEVER`` (inside a
date). A piece wider than a whole line is folded onto the next when it may be (a name,
whose CJK characters may break anywhere) and otherwise cut with an ellipsis (a date, a
link), so nothing is ever cut without "…".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import chop_cells
from rich.text import Span, Text

from hstrack.views.paragraphs import ALWAYS as ALWAYS
from hstrack.views.paragraphs import NEEDED as NEEDED
from hstrack.views.paragraphs import NEVER as NEVER
from hstrack.views.paragraphs import SPLIT as SPLIT
from hstrack.views.paragraphs import STAND_INS as STAND_INS
from hstrack.views.paragraphs import Glyphs as Glyphs
from hstrack.views.paragraphs import Para as Para
from hstrack.views.paragraphs import Piece as Piece
from hstrack.views.paragraphs import Unit, units_at
from hstrack.views.paragraphs import atom as atom
from hstrack.views.paragraphs import chain as chain
from hstrack.views.paragraphs import date_text as date_text
from hstrack.views.paragraphs import phrase as phrase
from hstrack.views.paragraphs import slug as slug
from hstrack.views.paragraphs import then as then
from hstrack.views.paragraphs import unbroken as unbroken
from hstrack.views.paragraphs import words as words


def _between(before: str | None, after: str | None) -> str | None:
    """The style of the spaces between two pieces: theirs when they share one (so "Heartstopper
    season 3" is one run of text), none otherwise."""
    return before if before == after else None


def _unit_text(unit: Unit) -> Text:
    out = Text()
    for i, p in enumerate(unit.pieces):
        if i and p.space:
            out.append(" " * p.space, _between(unit.pieces[i - 1].style, p.style))
        out.append(p.text, p.style)
    return out


def _level(para: Para, width: int) -> tuple[list[Unit], bool]:
    """The runs to wrap with: breaking ALWAYS if each fits, else also where NEEDED; and
    whether each run fits (if not, the widest are folded or cut)."""
    units = units_at(para.pieces, ALWAYS)
    if all(u.width <= width for u in units):
        return units, True
    units = units_at(para.pieces, NEEDED)
    return units, all(u.width <= width for u in units)


def cut(text: Text, width: int, ellipsis: str) -> Text:
    """Text cut to ``width`` cells with a visible ellipsis."""
    if text.cell_len <= width:
        return text
    if width <= 0:
        return Text()
    out = text.copy()
    out.truncate(width - 1)
    out.rstrip()  # a wide character cut in half leaves a space
    out.append(ellipsis)
    return out


def wrap(para: Para, width: int, glyphs: Glyphs, indent: int = 0, hang: int | None = None) -> list[Text]:
    """The paragraph as lines of at most ``width`` cells: the first indented by
    ``indent``, the rest by ``hang`` (the same when not given)."""
    para.prepare(glyphs)
    hang = indent if hang is None else hang
    first, rest = max(width - indent, 1), max(width - hang, 1)
    units, _ = _level(para, min(first, rest))
    lines: list[Text] = []
    line, used = Text(), 0
    before: str | None = None
    for u in units:
        limit = rest if lines else first
        gap = u.space if used else 0
        if used + gap + u.width <= limit:
            if gap:
                line.append(" " * gap, _between(before, u.pieces[0].style))
            line.append_text(_unit_text(u))
            used += gap + u.width
            before = u.pieces[-1].style
            continue
        if used:
            lines.append(line)
            line, used, limit = Text(), 0, rest
        before = u.pieces[-1].style
        if u.width <= limit:
            line, used = _unit_text(u), u.width
        elif u.fold:
            text = _unit_text(u)
            head = chop_cells(text.plain, limit)[0]  # this line, then whole continuation lines
            chunks = [head, *chop_cells(text.plain[len(head) :], rest)]
            offsets, at = [], 0
            for chunk in chunks[:-1]:
                at += len(chunk)
                offsets.append(at)
            parts = list(text.divide(offsets))
            lines.extend(parts[:-1])
            line, used = parts[-1], parts[-1].cell_len
        elif any(p.brk == SPLIT for p in u.pieces):
            # A zone wider than the line: broken after its "/"s rather than cut.
            split = Para([Piece(p.text, p.style, ALWAYS if p.brk == SPLIT else p.brk, p.space) for p in u.pieces])
            parts = wrap(split.prepare(glyphs), min(limit, rest), glyphs)
            lines.extend(parts[:-1])
            line, used = parts[-1], parts[-1].cell_len
        else:
            lines.append(cut(_unit_text(u), limit, glyphs.ellipsis))
    if used or not lines:
        lines.append(line)
    out = []
    for i, text in enumerate(lines):
        pad = indent if i == 0 else hang
        out.append(_compact(Text.assemble(" " * pad, text) if pad else text))
    return out


def _compact(text: Text) -> Text:
    """One span for each run of one style: Rich writes an SVG run per span and drops the
    runs that are only spaces, which would leave "Heartstopper season 3" without its."""
    merged: list[Span] = []
    for span in text.spans:
        last = merged[-1] if merged else None
        if last is not None and last.end == span.start and last.style == span.style:
            merged[-1] = Span(last.start, span.end, last.style)
        else:
            merged.append(span)
    text.spans = merged
    return text


def measure(para: Para, width: int) -> int:
    """The widest line of the paragraph wrapped at ``width`` (at most ``width``)."""
    units, fits = _level(para, width)
    if not fits:
        return width
    widest = used = 0
    for u in units:
        gap = u.space if used else 0
        if used + gap + u.width <= width:
            used += gap + u.width
        else:
            widest, used = max(widest, used), u.width
    return max(widest, used)


# ---------------------------------------------------------------------------- tables


@dataclass
class Column:
    header: str
    floor: int  # narrower than this, the table gives way to the stacked layout
    # Prose (a name) wraps down to this width before the other columns break their
    # phrases, and narrower only after they have.
    comfort: int = 0


@dataclass
class _Row:
    cells: list[list[Para]]
    under: list[Para]


# How narrow a column may go at each step, in the order the steps are taken: on one line;
# wrapped between words (prose no narrower than its comfort); also inside phrases; then
# prose below its comfort; a long word folded; and the floor, where text is cut with "…".
NATURAL, AT_WORDS, IN_PHRASES, NARROW_AT_WORDS, NARROW_IN_PHRASES, FOLDED, FLOOR = range(7)
GAPS = (3, 2)  # columns three spaces apart, two when that keeps more text whole


class Table:
    """Columns that give way in a stated order: first each wraps where it reads well
    (``give_way``: groups, least needed first), then where it must, and only then does a
    long word fold or text get cut with "…" (``cuts``: least needed first); the columns
    needed most are the last to shrink, and room left over goes back to them first.
    Lines under a row (a source, a note) take the row's whole width."""

    def __init__(
        self, columns: Sequence[Column], give_way: Sequence[Sequence[int]], cuts: Sequence[int], under_at: int
    ) -> None:
        self.columns = list(columns)
        self.give_way = [list(group) for group in give_way]
        self.cuts = list(cuts)
        self.under_at = under_at  # the column lines under a row start at, when they fit there
        self.rows: list[_Row] = []

    def add(self, cells: Sequence[Para | list[Para]], under: Sequence[Para] = ()) -> None:
        self.rows.append(_Row([c if isinstance(c, list) else [c] for c in cells], [u for u in under if u]))

    def add_line(self, para: Para) -> None:
        """A line across the whole table between rows (the today marker)."""
        self.rows.append(_Row([], [para]))

    def _steps(self) -> list[tuple[list[int], int]]:
        # Wrapping loses nothing, so every column wraps before any is folded or cut; the
        # columns of one group wrap together, the widest first. Then the least needed
        # column folds (a long word) and is cut first.
        wrapping = [
            (group, level)
            for level in (AT_WORDS, IN_PHRASES, NARROW_AT_WORDS, NARROW_IN_PHRASES)
            for group in self.give_way
        ]
        return wrapping + [([c], level) for c in self.cuts for level in (FOLDED, FLOOR)]

    def lines(self, width: int, glyphs: Glyphs) -> list[Text] | None:
        """The table in lines of at most ``width`` cells, or None when even the floors do
        not fit (the caller stacks it instead)."""
        out: list[Text] = []
        return out if self._render(width, glyphs, out.append, lambda line: line) else None

    def plain_lines(self, width: int, glyphs: Glyphs) -> list[str] | None:
        """``lines`` as their text alone, for output without colour: each line is kept as
        text as soon as it is made, so a 10,000-row table never holds 40,000 styled lines
        at once (about 40 MB)."""
        out: list[str] = []
        return out if self._render(width, glyphs, out.append, lambda line: line.plain) else None

    def _render(self, width: int, glyphs: Glyphs, emit: Callable[[Any], None], keep: Callable[[Text], Any]) -> bool:
        headers = [words(c.header, "bold", fold=False, brk=NEEDED) for c in self.columns]
        columns: list[list[Para]] = [[h.prepare(glyphs)] for h in headers]
        for row in self.rows:
            for i, cell in enumerate(row.cells):  # a line across the table has none
                columns[i].extend(p.prepare(glyphs) for p in cell)
            for p in row.under:
                p.prepare(glyphs)
        needs = []
        for column, paras in zip(self.columns, columns, strict=True):
            natural, always, needed, unfolded, whole = (max(p.needs()[k] for p in paras) for k in range(5))
            # No wider than its widest word needs; never so narrow that a date is cut (the
            # table is stacked instead).
            floor = max(min(column.floor, needed), whole)
            if column.comfort:  # prose: a word of a name up to its comfort is never folded either
                floor = max(floor, min(needed, column.comfort))
            comfort = min(column.comfort, natural)
            # (see NATURAL … FLOOR); a word is never folded narrower than the floor
            needs.append(
                [natural, max(always, comfort), max(needed, comfort), always, needed, max(unfolded, floor), floor]
            )
        # The wider gap, unless the narrower one cuts less text or wraps less.
        plans = []
        for gap in GAPS:
            plan = self._allocate(needs, width - gap * (len(self.columns) - 1))
            if plan is not None:
                lost = sum(max(0, need[2] - w) for need, w in zip(needs, plan[1], strict=True))
                plans.append(((lost, plan[0], -gap), gap, plan[1]))
        if not plans:
            return False
        _, gap, widths = min(plans)
        widths = self._settle(columns, needs, widths, width - gap * (len(self.columns) - 1))
        widths = self._balance(headers, columns, needs, widths, glyphs)
        total = sum(widths) + gap * (len(widths) - 1)
        starts = [sum(widths[:i]) + gap * i for i in range(len(widths))]
        head = _join([wrap(h, w, glyphs) for h, w in zip(headers, widths, strict=True)], widths, gap)
        body: list[Any] = []
        widest = max([total, *(line.cell_len for line in head)])
        for row in self.rows:
            if not row.cells:
                made = wrap(row.under[0], width, glyphs)
            else:
                cells = [
                    [line for p in cell for line in wrap(p, w, glyphs)]
                    for cell, w in zip(row.cells, widths, strict=True)
                ]
                made = _join(cells, widths, gap)
                for para in row.under:
                    made.extend(wrap(para, width, glyphs, _under_indent(para, starts[: self.under_at + 1], width)))
            for line in made:
                widest = max(widest, line.cell_len)
                body.append(keep(line))
        # The rule under the headings spans the table, and the lines under its rows.
        for line in head:
            emit(keep(line))
        emit(keep(Text(glyphs("─") * widest)))
        for kept in body:
            emit(kept)
        return True

    def _allocate(self, needs: list[list[int]], room: int) -> tuple[int, list[int]] | None:
        """Widths from each column's natural width, giving way step by step only as far as
        needed; None if the floors do not fit. The first number is how many steps it took."""
        widths = [n[0] for n in needs]
        excess = sum(widths) - room
        taken = 0
        for step, (group, level) in enumerate(self._steps()):
            if excess <= 0:
                break
            excess = _narrow(widths, group, [needs[c][level] for c in group], excess)
            taken = step + 1
        return (taken, widths) if excess <= 0 else None

    def _settle(self, columns: list[list[Para]], needs: list[list[int]], widths: list[int], room: int) -> list[int]:
        """Each column as wide as what it shows at its width, then the room left over
        given back, to the columns needed most first."""
        widths = [max((measure(p, w) for p in col), default=0) for col, w in zip(columns, widths, strict=True)]
        free = room - sum(widths)
        # First so that no phrase is broken where it need not be, then up to one line each,
        # prose (a name, which wraps as a reader expects) after the rest.
        needed_most = list(reversed(self.cuts))
        prose_last = sorted(needed_most, key=lambda c: self.columns[c].comfort > 0)
        for want, order in ((AT_WORDS, needed_most), (NATURAL, prose_last)):
            for c in order:
                if free <= 0:
                    break
                if widths[c] < needs[c][want]:
                    trial = min(needs[c][want], widths[c] + free)
                    used = max(measure(p, trial) for p in columns[c])
                    if used > widths[c]:
                        free -= used - widths[c]
                        widths[c] = used
        return widths

    def _balance(
        self, headers: list[Para], columns: list[list[Para]], needs: list[list[int]], widths: list[int], glyphs: Glyphs
    ) -> list[int]:
        """A name's column takes cells another column can spare (breaking its phrases,
        never a date, nor a name below 16) for as long as that makes the table shorter:
        a long name is not wrapped over seven lines beside a phrase kept whole on one. Only
        for tables a person reads on a screen (up to BALANCE_ROWS rows)."""
        prose = [c for c, column in enumerate(self.columns) if column.comfort]
        if not prose or len(self.rows) > BALANCE_ROWS:
            return widths
        rows = [[[h] for h in headers], *(row.cells for row in self.rows if row.cells)]
        counted: dict[tuple[int, int], list[int]] = {}
        runs = {id(p): _runs(p) for row in rows for cell in row for p in cell}

        def heights(c: int, w: int) -> list[int]:
            if (c, w) not in counted:
                counted[c, w] = [sum(_count(runs[id(p)], p, w, glyphs) for p in row[c]) for row in rows]
            return counted[c, w]

        def total(ws: list[int]) -> tuple[int, int]:
            """The table's lines, then its cells' (fewer names and phrases broken)."""
            per = [heights(c, w) for c, w in enumerate(ws)]
            return sum(max(h[i] for h in per) for i in range(len(rows))), sum(map(sum, per))

        # The narrowest each column may give: phrases broken, but no zone, nothing folded
        # or cut, its heading on one line; a name no narrower than its comfort.
        lowest = [
            max(
                n[4],
                n[6],
                n[2] if col.comfort else 0,
                head.needs()[0],
                *(u.width for p in paras for u in units_at(p.pieces, NEEDED)),
            )
            for n, col, paras, head in zip(needs, self.columns, columns, headers, strict=True)
        ]
        widths = list(widths)
        best = total(widths)
        for _ in range(BALANCE_STEPS):
            found: tuple[tuple[int, int], int, list[int]] | None = None
            for r in prose:
                for d in range(len(widths)):
                    for give in range(1, min(widths[d] - lowest[d], needs[r][0] - widths[r], BALANCE_CELLS) + 1):
                        trial = list(widths)
                        trial[d] -= give
                        trial[r] += give
                        lines = total(trial)
                        if lines < best and (found is None or (lines, give) < (found[0], found[1])):
                            found = (lines, give, trial)
            if found is None:
                break
            best, _, widths = found
        return widths


# A table longer than this is left as the steps made it: balancing measures each column at
# many widths, and a long table is scrolled or piped rather than read whole.
BALANCE_ROWS = 100
BALANCE_STEPS = 6  # moves of up to BALANCE_CELLS cells each
BALANCE_CELLS = 12


_Runs = tuple[list[tuple[int, int]], list[tuple[int, int]]]


def _runs(para: Para) -> _Runs:
    """A prepared paragraph's runs as (space, width), breaking ALWAYS and where NEEDED."""
    always, needed = ([(u.space, u.width) for u in units_at(para.pieces, level)] for level in (ALWAYS, NEEDED))
    return always, needed


def _count(runs: _Runs, para: Para, width: int, glyphs: Glyphs) -> int:
    """How many lines ``wrap`` makes of the paragraph at ``width``, without making them
    (as ``_level`` picks its runs)."""
    units = next((level for level in runs if all(w <= width for _, w in level)), None)
    if units is None:
        return len(wrap(para, width, glyphs))
    lines, used = 1, 0
    for space, w in units:
        gap = space if used else 0
        if used + gap + w <= width:
            used += gap + w
        else:
            lines, used = lines + 1, w
    return lines


def _narrow(widths: list[int], group: list[int], targets: list[int], excess: int) -> int:
    """Narrow the group's widest columns first, none below its target, until ``excess``
    cells are taken or none can give more; the excess left."""
    floor = dict(zip(group, targets, strict=True))
    while excess > 0:
        live = [c for c in group if widths[c] > floor[c]]
        if not live:
            break
        top = max(widths[c] for c in live)
        widest = [c for c in live if widths[c] == top]
        below = [widths[c] for c in live if widths[c] < top]
        step = max(1, min(top - max(below, default=0), -(-excess // len(widest))))
        for c in widest:
            give = min(step, widths[c] - floor[c], excess)
            widths[c] -= give
            excess -= give
    return excess


def _under_indent(para: Para, starts: list[int], width: int) -> int:
    """Where a line under a row starts: under its column when each word fits there, else
    under the nearest column to its left where it does, else at the left edge. So a link is
    never cut while a whole line could hold it (and when even a whole line cannot, as much
    of it as possible is shown before the "…")."""
    widest = para.needs()[2]
    return next((start for start in reversed(starts) if widest <= width - start), 0)


def _join(cells: list[list[Text]], widths: list[int], gap: int) -> list[Text]:
    """Cells side by side, each padded to its column; no trailing spaces."""
    out = []
    for i in range(max((len(c) for c in cells), default=0)):
        line, owed = Text(), 0
        for lines, width in zip(cells, widths, strict=True):
            part = lines[i] if i < len(lines) else None
            if part is not None and part.plain:
                if owed:
                    line.append(" " * owed)
                line.append_text(part)
                owed = width - part.cell_len + gap
            else:
                owed += width + gap
        out.append(_compact(line))
    return out


def block(paras: Iterable[tuple[Para, int, int]], width: int, glyphs: Glyphs) -> list[Text]:
    """Stacked lines: each paragraph with its indent and the indent of its continuation."""
    return [line for para, indent, hang in paras for line in wrap(para, width, glyphs, indent, hang)]


def joined(lines: Iterable[Text]) -> Text:
    """Lines as one Text, to print without Rich wrapping or cropping anything."""
    return Text("\n").join(lines)
