"""countdown in a pipe prints its line without Rich (views.line): the same bytes the Rich
renderer writes to a stream that is not a terminal, for any name, any date and any
encoding; and it loads no Rich."""

from __future__ import annotations

import io
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from hstrack.core.errors import UsageError
from hstrack.core.model.document import Document
from hstrack.core.report.rows import countdown
from hstrack.core.report.titles import report_title
from hstrack.core.tracker import add_title, set_milestone
from hstrack.views.line import print_countdown
from hstrack.views.terminal import TerminalRenderer

from .conftest import examples
from .test_imports import loaded_modules

NOW = datetime(2026, 11, 27, 12, tzinfo=ZoneInfo("Europe/London"))
WHEN = st.sampled_from(["TBA", "2027", "Q3 2027", "autumn 2027", "2027-10", "2026-11-27", "2026-12-03",
                        "2026-11-27 18:00 Europe/London", "2026-11-28 09:30 America/New_York",
                        "2025-06-09"])  # fmt: skip
NAMES = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60)


def stream(encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="strict", newline="", write_through=True)


@settings(max_examples=examples(300), deadline=None)
@given(NAMES, WHEN, st.sampled_from(["release", "trailer", "production-start"]),
       st.sampled_from(["utf-8", "ascii", "latin-1", "cp1252"]))  # fmt: skip
def test_the_plain_line_is_what_rich_writes(name: str, when: str, kind: str, encoding: str) -> None:
    doc = Document()
    try:
        title_id = add_title(doc, name, now=NOW).id
    except UsageError:
        return  # a name hstrack refuses is never stored
    set_milestone(doc, title_id, kind, when, NOW)
    found = countdown(report_title(doc.titles[title_id], NOW), None)
    through_rich = stream(encoding)
    TerminalRenderer(NOW, Console(file=through_rich, highlight=False, markup=False, emoji=False)).countdown(found)
    plain = stream(encoding)
    with pytest.MonkeyPatch.context() as patch:
        for variable in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
            patch.delenv(variable, raising=False)
        patch.setattr(sys, "stdout", plain)
        assert print_countdown(found)
    assert plain.buffer.getvalue() == through_rich.buffer.getvalue()  # type: ignore[attr-defined]


def test_a_variable_that_makes_rich_decide_leaves_it_to_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = Document()
    title_id = add_title(doc, "A Film", now=NOW).id
    found = countdown(report_title(doc.titles[title_id], NOW), None)
    monkeypatch.setattr(sys, "stdout", stream("utf-8"))
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert not print_countdown(found)


def test_countdown_in_a_pipe_loads_no_rich_console(tmp_path: Path) -> None:
    """Only Rich's cell widths (paragraphs measure text with them), never its console or
    its styled text; a positive control sees them loaded for show."""
    home = tmp_path / "home"
    assert loaded_modules(home, "countdown", "heartstopper-film") & {"rich.console", "rich.text"} == set()
    assert "rich.console" in loaded_modules(home, "show", "heartstopper-film")
