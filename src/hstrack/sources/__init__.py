"""Where dates come from besides a person: Wikidata and TMDb.

This package's ``__init__`` is what the store and the commands need without the network:
what a reference to a source looks like (``wikidata:Q123``, ``tmdb:movie/550``,
``tmdb:tv/1399/season/2``), what a source says (a ``Fact``: a milestone's key and date, with
the page it came from) and what ``find`` offers (a ``Candidate``). The adapters
(``wikidata``, ``tmdb``) turn the APIs' documents into facts and know nothing of sockets;
``http`` is the one seam to the network. Only the commands that use the network import
those.

Everything a source sends is untrusted text, checked as typed input is: ``clean_text``
refuses control characters and bidi overrides and cuts to the store's limits, and every
date goes through the date parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hstrack.core.dates import DateSpec
from hstrack.core.errors import HstrackError, UsageError

SOURCES = ("wikidata", "tmdb")
SOURCE_NAMES = {"wikidata": "Wikidata", "tmdb": "TMDb"}
TMDB_SITE = "https://www.themoviedb.org"  # the pages people read; the API's base is apart


class SourceError(HstrackError):
    """A source could not be asked or gave an answer hstrack cannot use: the network
    failed, the answer was malformed, the entity does not exist. A runtime failure (exit 1)."""


@dataclass(frozen=True)
class Reference:
    """A title's page at a source: ``wikidata:Q123``, ``tmdb:movie/550``, ``tmdb:tv/1399``,
    ``tmdb:tv/1399/season/2``."""

    source: str
    kind: str  # "item" (Wikidata), "movie", "tv", "season" (TMDb)
    number: int
    season: int | None = None

    @property
    def text(self) -> str:
        if self.source == "wikidata":
            return f"wikidata:Q{self.number}"
        if self.kind == "season":
            return f"tmdb:tv/{self.number}/season/{self.season}"
        return f"tmdb:{self.kind}/{self.number}"

    @property
    def qid(self) -> str:
        return f"Q{self.number}"

    def page(self, wikidata_base: str = "https://www.wikidata.org") -> str:
        """The page a person reads (without a revision)."""
        if self.source == "wikidata":
            return f"{wikidata_base}/wiki/{self.qid}"
        if self.kind == "season":
            return f"{TMDB_SITE}/tv/{self.number}/season/{self.season}"
        return f"{TMDB_SITE}/{self.kind}/{self.number}"


_NUMBER = r"[1-9][0-9]{0,11}"  # ASCII digits: \d would read "Q4٢" as Q42
_FORMS = (
    re.compile(rf"wikidata:(?P<q>q{_NUMBER})"),
    re.compile(rf"tmdb:(?P<kind>movie|tv)/(?P<n>{_NUMBER})(?:/season/(?P<s>0|{_NUMBER}))?"),
    # Pasted pages: https://www.wikidata.org/wiki/Q123, https://www.themoviedb.org/movie/550-fight-club
    re.compile(rf"https?://(?:www\.|m\.)?wikidata\.org/(?:wiki|entity)/(?P<q>q{_NUMBER})/?"),
    re.compile(
        rf"https?://(?:www\.)?themoviedb\.org/(?P<kind>movie|tv)/(?P<n>{_NUMBER})(?:-[a-z0-9-]*)?"
        rf"(?:/season/(?P<s>0|{_NUMBER}))?/?"
    ),
)
REFERENCE_FORMS = "wikidata:Q123, tmdb:movie/550, tmdb:tv/1399 or tmdb:tv/1399/season/2"


def parse_reference(value: str) -> Reference:
    """A reference as typed (or pasted as a page's address), in its one spelling."""
    text = value.strip()
    if len(text) > 200:
        raise UsageError(f"{text[:40]!r}… is not a reference to a source: use {REFERENCE_FORMS}")
    low = text.lower()
    if low.startswith(("https://", "http://")):
        low = re.split(r"[?#]", low, maxsplit=1)[0]  # a pasted page's query (?language=en-US) or fragment
    for form in _FORMS:
        m = form.fullmatch(low)
        if m is None:
            continue
        groups = m.groupdict()
        if groups.get("q"):
            return Reference("wikidata", "item", int(groups["q"][1:]))
        season = groups.get("s")
        if season is not None:
            if groups["kind"] != "tv":
                break
            return Reference("tmdb", "season", int(groups["n"]), int(season))
        return Reference("tmdb", groups["kind"], int(groups["n"]))
    raise UsageError(f"{text!r} is not a reference to a source: use {REFERENCE_FORMS}")


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


@dataclass
class Fetched:
    """One reference's answer: the facts it gives, what it calls the title and what kind of
    title it is, and what was left out and why (for ``sync --verbose``-like notes)."""

    reference: Reference
    name: str | None
    kind: str | None  # film, series, season (the title kinds)
    facts: list[Fact] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


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
