"""What a source says: a ``Fact`` (a milestone's key and date, with the page it came from),
a reference's whole answer (``Fetched``), and what ``find`` offers (``Candidate``).

Everything a source sends is untrusted text, checked as typed input is: ``clean_text``
refuses control characters and bidi overrides and cuts to the store's limits, and every
date goes through the date parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hstrack.core.errors import HstrackError

if TYPE_CHECKING:
    from hstrack.core.dates.spec import DateSpec
    from hstrack.core.references import Reference


class SourceError(HstrackError):
    """A source could not be asked or gave an answer hstrack cannot use: the network
    failed, the answer was malformed, the entity does not exist. A runtime failure (exit 1)."""


@dataclass(frozen=True)
class Fact:
    """What a source says of one milestone: its key (``release@GB:theatrical``), its date
    as precisely as the source knows it, and the page (with its revision) that says so."""

    key: str
    date: DateSpec
    source: str
    origin: str
    note: str | None = None
    tentative: bool = False
    happened: bool = False  # a TBA the source says has happened (a status: "In Production")


@dataclass
class Fetched:
    """One reference's answer: the facts it gives, what it calls the title and what kind of
    title it is, and what was left out and why (for ``sync --verbose``-like notes)."""

    reference: Reference
    name: str | None
    kind: str | None  # film, series, season (the title kinds)
    facts: list[Fact] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    country: str | None = None  # the title's country of origin (ISO 3166-1), when the source says one


@dataclass(frozen=True)
class Candidate:
    """One answer of ``find``: for a person to choose from, never linked by itself."""

    reference: str
    label: str
    year: int | None
    kind: str | None
    description: str | None
    source: str


# Text from a source obeys the store's rules (model.check_name, check_text); what breaks
# them is left out rather than stored or printed.
def clean_text(value: object, limit: int = 200) -> str | None:
    """Untrusted text from a source, as hstrack may store and print it: one line, no control
    characters or bidi overrides, at most ``limit`` characters (cut with an ellipsis);
    None when there is nothing usable."""
    from hstrack.core.model.validation import _CONTROL  # the very rule typed text is held to

    if not isinstance(value, str):
        return None
    text = " ".join(value[: limit * 4].split())
    if not text or _CONTROL.search(text):
        return None
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
