"""The view for people: tables on a terminal, plain text when piped or NO_COLOR.

The tables are laid out by :mod:`hstrack.views.layout`, each with the order in which its
columns give way; below ``NARROW`` columns, or when even their floors do not fit, each
row becomes a stacked block instead. The views are split by what they show, over one
base (``terminal_base``): the slate (``terminal_status``), one title (``terminal_title``)
and lists of changes and dates (``terminal_lists``).
"""

from __future__ import annotations

from hstrack.views.terminal_base import NARROW
from hstrack.views.terminal_lists import ListView
from hstrack.views.terminal_status import StatusView
from hstrack.views.terminal_title import TitleView

__all__ = ["NARROW", "TerminalRenderer"]


class TerminalRenderer(StatusView, TitleView, ListView):
    """Every command's view for a terminal (see ``hstrack.views.renderer``)."""
