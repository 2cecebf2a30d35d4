"""Paragraphs: text as pieces that say where a line may break, and what a stream can show.

The part of the layout (hstrack.views.layout) that needs no Rich beyond measuring cells:
a command that prints one line when it is not on a terminal (``countdown`` in a pipe)
builds its sentence with these and joins it with ``one_line``, without importing Rich's
console (about 20 ms of a 75 ms run). layout.py wraps the same paragraphs to a width and
lays out tables with them.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len

ALWAYS, NEEDED, NEVER = 0, 1, 9
# Inside a time's zone, after a "/" ("America/Argentina/" "Buenos_Aires"): only where the
# zone alone is wider than a whole line, rather than cut it.
SPLIT = 5

# hstrack's own glyphs, for a stream that cannot encode them: one character for one, so
# styled spans stay where they were, and each distinct (the charts use the same ones).
STAND_INS = {
    "✓": "+", "●": "*", "◐": "~", "○": "o", "✕": "x", "▶": ">", "→": ">", "—": "-", "–": "-", "·": "-",
    "…": "~", "─": "-", "━": "=", "═": "~", "█": "#", "┄": ".", "░": ":", "◆": "*", "◇": "o", "│": "|",
    "▲": "^", "▸": ">", "◌": "!",
}  # fmt: skip


class Glyphs:
    """What a stream can show. On a stream that cannot take UTF-8, every character its
    encoding lacks becomes a stand-in before anything is measured: hstrack's glyphs their
    ASCII twins, anything else "?", which is what Python would write for it anyway. So a
    wide character (東, an emoji), which the stream turns into one "?", is laid out as one
    column, not two, and the columns of a table still line up."""

    def __init__(self, encoding: str | None) -> None:
        self.encoding = encoding or "utf-8"
        self.utf = self.encoding.lower().replace("-", "").replace("_", "").startswith("utf")
        self._seen: dict[str, str] = {}
        self.ellipsis = self("…")

    def __call__(self, text: str) -> str:
        if self.utf or text.isascii():
            return text
        seen = self._seen
        out = []
        for char in text:
            shown = seen.get(char)
            if shown is None:
                shown = seen[char] = self._stand_in(char)
            out.append(shown)
        return "".join(out)

    def _stand_in(self, char: str) -> str:
        try:
            char.encode(self.encoding)
        except (UnicodeError, LookupError):
            return STAND_INS.get(char, "?")
        return char


def _is_link(word: str) -> bool:
    return "://" in word or word.startswith("www.")


class Piece:
    """A run of text that is never broken inside (unless it is wider than a whole line)."""

    __slots__ = ("brk", "fold", "space", "style", "text", "whole", "width")

    def __init__(
        self,
        text: str,
        style: str | None = None,
        brk: int = ALWAYS,
        space: int = 1,
        fold: bool = False,
        whole: bool = False,
    ) -> None:
        self.text = text
        # "default" (no colour) rather than no style: a run of text never starts with the
        # spaces that pad the cell before it, which some SVG renderers drop.
        self.style = style or "default"
        self.brk = brk  # how freely a line may break before it
        self.space = space  # the spaces before it when it follows on the same line
        self.fold = fold  # too wide for a line: continued on the next (else cut with "…")
        # A date's part or "(tentative)": a table gives its column at least this piece's
        # width, or is stacked, rather than cut it.
        self.whole = whole
        self.width = -1  # its cells, once shown (see Para.prepare)


class Para:
    """A paragraph: pieces that wrap to a width, each line ending where a reader expects."""

    __slots__ = ("_needs", "pieces")

    def __init__(self, pieces: list[Piece] | None = None) -> None:
        self.pieces = pieces or []
        self._needs: tuple[int, int, int, int, int] | None = None

    def __bool__(self) -> bool:
        return bool(self.pieces)

    def prepare(self, glyphs: Glyphs) -> Para:
        """Made showable on this stream and measured, once."""
        for p in self.pieces:
            if p.width < 0:
                p.text = glyphs(p.text)
                p.width = cell_len(p.text)
        return self

    def needs(self) -> tuple[int, int, int, int, int]:
        """(on one line, the widest run breaking ALWAYS, the widest breaking when NEEDED,
        the widest that cannot fold, the widest never cut): how narrow it can go at each
        step without cutting."""
        if self._needs is None:
            natural = sum(p.width + (p.space if i else 0) for i, p in enumerate(self.pieces))
            always = max((u.width for u in units_at(self.pieces, ALWAYS)), default=0)
            needed_units = units_at(self.pieces, NEEDED)
            needed = max((_split_width(u) for u in needed_units), default=0)
            unfolded = max((min(u.width, 2) if u.fold else _split_width(u) for u in needed_units), default=0)
            whole = max((u.width for u in units_at(self.pieces, SPLIT) if any(p.whole for p in u.pieces)), default=0)
            self._needs = (natural, always, needed, unfolded, whole)
        return self._needs


class Unit:
    """A run of pieces a line may not break inside (see ``units_at``)."""

    __slots__ = ("fold", "pieces", "space", "width")

    def __init__(self, piece: Piece) -> None:
        self.pieces = [piece]
        self.width = piece.width
        self.space = piece.space
        self.fold = piece.fold

    def add(self, piece: Piece) -> None:
        self.width += piece.width + piece.space
        self.pieces.append(piece)
        self.fold = self.fold and piece.fold


def _split_width(unit: Unit) -> int:
    """How narrow a run can go without a cut: a zone may break after its "/"s."""
    if not any(p.brk == SPLIT for p in unit.pieces):
        return unit.width
    return max(u.width for u in units_at(unit.pieces, SPLIT))


def units_at(pieces: list[Piece], level: int) -> list[Unit]:
    """The runs a line may not break inside, at this level."""
    units: list[Unit] = []
    for p in pieces:
        if units and p.brk > level:
            units[-1].add(p)
        else:
            units.append(Unit(p))
    return units


# ---------------------------------------------------------------------------- builders


def atom(text: str, style: str | None = None, brk: int = ALWAYS, space: int = 1) -> Para:
    """Text never broken: a date, a time; cut with "…" only when a whole line is too short."""
    return Para([Piece(text, style, brk, space)])


def date_text(text: str, style: str | None = None, zoned: bool = False) -> Para:
    """A date, never broken but for its time's zone, which may go to the next line as
    "(tentative)" may ("4 Dec 2026 08:00" / "Europe/London"), and, wider than a whole line,
    break after a "/". ``zoned``: the text is an instant's, its zone (a name or an offset,
    never with a space) last."""
    head, _, zone = text.rpartition(" ") if zoned else ("", "", "")
    if not head:
        return Para([Piece(text, style, whole=True)])
    parts = [part + "/" for part in zone.split("/")]
    parts[-1] = parts[-1][:-1]
    return Para(
        [
            Piece(head, style, whole=True),
            *(Piece(part, style, SPLIT if i else ALWAYS, 0 if i else 1, whole=True) for i, part in enumerate(parts)),
        ]
    )


def unbroken(text: str, zoned: bool = False) -> str:
    """The part of a date ``words`` must keep on one line (``keep``): all of it, or an
    instant's without its zone."""
    return text.rpartition(" ")[0] if zoned and " " in text else text


def words(text: str, style: str | None = None, keep: Iterable[str] = (), fold: bool = True, brk: int = ALWAYS) -> Para:
    """Prose (a name, a source, a note, a summary): it breaks between words, but never inside
    any of ``keep`` (the dates a summary names). A word too wide for a whole line is folded
    (a CJK name has no spaces), except a link, which is cut with "…"."""
    spans = []
    for kept in keep:
        at = text.find(kept) if kept and " " in kept else -1
        while at >= 0:
            spans.append((at, at + len(kept)))
            at = text.find(kept, at + len(kept))
    pieces: list[Piece] = []
    pos, end = 0, 0
    for word in text.split(" "):
        start, pos = pos, pos + len(word) + 1
        if not word:
            continue
        if pieces and any(a < end and b > start for a, b in spans):  # the space is inside a date
            pieces[-1].text += " " * (start - end) + word
            pieces[-1].fold = False
            pieces[-1].whole = True
        else:
            pieces.append(Piece(word, style, brk if pieces else ALWAYS, 1, fold and not _is_link(word)))
        end = start + len(word)
    return Para(pieces)


def phrase(text: str, style: str | None = None) -> Para:
    """A countdown, a gap, a milestone's name ("window open, closes in 4 weeks"): broken
    after a comma first, at any other space only when needed; a word is never folded."""
    pieces: list[Piece] = []
    for i, word in enumerate(text.split(" ")):
        if not word:
            continue
        after_comma = i > 0 and pieces and pieces[-1].text.endswith(",")
        pieces.append(Piece(word, style, ALWAYS if after_comma or not pieces else NEEDED, 1))
    return Para(pieces)


def slug(text: str, style: str | None = None) -> Para:
    """An id or a phase: one word, broken only after a hyphen (as a name is between words)."""
    parts = text.split("-")
    pieces = [Piece(part + ("-" if i < len(parts) - 1 else ""), style, ALWAYS, 0, True) for i, part in enumerate(parts)]
    pieces = [p for p in pieces if p.text] or [Piece("", style)]
    pieces[0].brk, pieces[0].space = ALWAYS, 1
    return Para(pieces)


def chain(*paras: Para, sep: str = "·") -> Para:
    """Paragraphs on one line, ``sep`` between them; a line breaks after a separator."""
    pieces: list[Piece] = []
    for i, para in enumerate(p for p in paras if p):
        if i:
            pieces.append(Piece(sep, None, NEVER, 1, fold=True))  # a name before it may still fold
            para = Para([*para.pieces])
            first = para.pieces[0]
            para.pieces[0] = Piece(first.text, first.style, ALWAYS, 1, first.fold, first.whole)
        pieces.extend(para.pieces)
    return Para(pieces)


def then(a: Para, b: Para, brk: int = ALWAYS, space: int = 1) -> Para:
    """``b`` after ``a`` on the same line when it fits; ``brk`` says how freely it may move
    to the next."""
    if not b.pieces:
        return a
    first = b.pieces[0]
    return Para([*a.pieces, Piece(first.text, first.style, brk, space, first.fold, first.whole), *b.pieces[1:]])


def one_line(para: Para, glyphs: Glyphs) -> str:
    """The paragraph on one line, never broken: what a stream that is not a terminal gets
    (the text of the pieces as shown on it, a space between them as each asks)."""
    return "".join((" " * p.space if i else "") + glyphs(p.text) for i, p in enumerate(para.pieces))
