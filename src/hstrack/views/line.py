"""One-line answers printed without Rich: ``countdown`` in a pipe or a script.

A terminal gets the sentence from the Rich renderer (broken between words to its width,
with colour). A stream that is not a terminal gets it on one line with no styles, which is
all Rich would write there; building that line here spares the command Rich's console
(about 20 ms of a 75 ms run: the issue's target puts ``countdown`` of one title at 1.5 ×
``task count``). ``TerminalRenderer.countdown`` builds its sentence with the same
function, so the two cannot drift apart; a test holds them to the same bytes.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from hstrack.core.text import inert
from hstrack.views.paragraphs import Glyphs, Para, chain, one_line, words

if TYPE_CHECKING:
    from hstrack.core.report.rows import Countdown

# What makes Rich treat a stream as a terminal whatever isatty() says (or as a notebook):
# with any of them set, Rich decides.
_RICH_DECIDES = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS", "JUPYTER_LINES")


def countdown_sentence(c: Countdown) -> Para:
    """ "Heartstopper Forever · release 3 Oct 2026 · in 3 weeks (21 days)": the name, then
    the sentence, never broken inside one of the title's dates."""
    return chain(words(inert(c.report.title.name), "bold"), words(inert(c.sentence), keep=_dates(c)))


def _dates(c: Countdown) -> list[str]:
    return [a.date.text for a in c.report.milestones]


def plain_encoding() -> str | None:
    """stdout's encoding when it is plainly not a terminal (not a TTY, and nothing tells
    Rich to treat it as one); None when Rich must decide."""
    if any(name in os.environ for name in _RICH_DECIDES):
        return None
    stream = sys.stdout
    try:
        if stream is None or stream.isatty():
            return None
    except (AttributeError, ValueError):  # closed, or not a real stream
        return None
    return (getattr(stream, "encoding", None) or "utf-8").lower()


def print_countdown(c: Countdown) -> bool:
    """Print the countdown as one plain line if stdout is plainly not a terminal; False
    (nothing printed) when the Rich renderer must print it."""
    encoding = plain_encoding()
    if encoding is None:
        return False
    line = one_line(countdown_sentence(c), Glyphs(encoding))
    if "\t" in line:  # Rich expands a tab; stored text never has one (it is shown inert)
        return False
    sys.stdout.write(line + "\n")
    return True
