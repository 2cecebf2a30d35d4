"""Titles, milestones and their history, and how they are read from and written to JSON.

The store is a person's data and may be kept in git, so the document is written in a
fixed key order with stable sorting, and any field or record this version does not know
is carried through untouched (``extra``) rather than dropped.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from hstrack.core.dates import MAX_YEAR, MIN_YEAR, DateError, DateSpec, parse_canonical, read_span
from hstrack.core.errors import UsageError

# The newest store schema this hstrack reads and writes. Schema 2 is schema 1 plus releases
# and premieres by region and medium: a store is written as 2 only when it holds one, since
# an hstrack that knows only schema 1 would take a UK release for the worldwide one. Every
# other store is still written as 1, byte-for-byte as before, and older versions keep
# reading and writing it. Schemas from OLDEST_CURRENT up need no migration.
SCHEMA_VERSION = 2
OLDEST_CURRENT = 1

TITLE_KINDS = ("film", "series", "season", "special", "other")
# The milestone kinds that may carry a region and a medium: where and how a title reaches
# people (see hstrack.core.regions).
PLACED_KINDS = ("premiere", "release")

# The production ladder, in order. A premiere (a festival or world premiere) is its own
# milestone, before the release; it does not make a title released.
MILESTONE_LADDER = ("announced", "production-start", "production-end", "trailer", "premiere", "release", "cancelled")
MILESTONE_ALIASES = {
    "confirmed": "announced",
    "filming": "production-start",
    "shooting": "production-start",
    "wrap": "production-end",
    "wrapped": "production-end",
    "canceled": "cancelled",
}

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SLUG = 64
MAX_NAME = 200
MAX_TEXT = 4000


# Latin letters that Unicode does not decompose into a base letter and a mark.
_LATIN = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "đ": "d",
                        "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D", "ı": "i",
                        "ħ": "h", "Ħ": "H"})  # fmt: skip


def slugify(name: str) -> str:
    """A default id from a name: "Heartstopper: The Film!" -> "heartstopper-the-film",
    "Amélie" -> "amelie". Empty when the name's letters are not Latin ("סדרה 2" would
    otherwise become "2"): an id that keeps only part of a name is worse than asking."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", name.translate(_LATIN))
    kept = []
    for ch in decomposed:
        if ch.isascii():
            kept.append(ch)
        elif ch == "\u2044":  # the fraction slash of a decomposed "½": "1-2", not "12"
            kept.append("-")
        elif unicodedata.category(ch)[0] in "LN":
            return ""  # a letter or digit with no ASCII spelling
    slug = re.sub(r"[^a-z0-9]+", "-", "".join(kept).lower()).strip("-")
    return slug[:MAX_SLUG].rstrip("-")


def check_slug(value: str, what: str) -> str:
    if not SLUG.fullmatch(value) or len(value) > MAX_SLUG:
        raise UsageError(
            f"{what} {value!r} is not a slug: use lowercase letters, digits and single hyphens, "
            f"at most {MAX_SLUG} characters (e.g. heartstopper-film)"
        )
    return value


def normalize_milestone(kind: str) -> str:
    """The canonical kind for a user's word: "Filming" -> "production-start"."""
    key = kind.strip().lower()
    key = MILESTONE_ALIASES.get(key, key)
    return check_slug(key, "milestone")


def close_matches(word: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """The candidates a typo was probably meant to be, closest first."""
    import difflib  # lazy: only a mistake pays for it

    pool = sorted(set(candidates))
    # Closest first, ties alphabetically (difflib's own order for ties is not stable).
    scored = [(difflib.SequenceMatcher(None, word, c).ratio(), c) for c in pool]
    found = [c for score, c in sorted(scored, key=lambda sc: (-sc[0], sc[1])) if score >= 0.75][:n]
    # A prefix or a word inside counts too ("heartstopper" for "heartstopper-film").
    found += [c for c in pool if c not in found and len(word) >= 3 and (c.startswith(word) or word in c.split("-"))]
    return found[:n]


def did_you_mean(found: list[str]) -> str:
    if not found:
        return ""
    return f"; did you mean {' or '.join(found)}?"


def resolve_milestone(kind: str, known_here: Iterable[str] = (), new: bool = False) -> str:
    """A milestone kind a person typed for a title: a kind hstrack knows (or an alias), one
    the title already has, or, only with ``new``, a kind of their own. A typo such as
    "relase" is a usage error that names what was meant, never a new milestone."""
    key = normalize_milestone(kind)
    here = set(known_here)
    if key in MILESTONE_LADDER or key in here or new:
        return key
    near = close_matches(key, [*MILESTONE_LADDER, *MILESTONE_ALIASES, *here])
    near = [MILESTONE_ALIASES.get(k, k) for k in near]
    hint = did_you_mean(list(dict.fromkeys(near)))
    raise UsageError(
        f"{key!r} is not a milestone hstrack knows{hint} (known: {', '.join(MILESTONE_LADDER)}); "
        "to track a milestone of your own kind, add --new"
    )


def resolve_key(
    typed: str, known_here: Iterable[str] = (), new: bool = False, region: str | None = None, medium: str | None = None
) -> str:
    """A milestone as a person names it, with its place: ``release``, ``release@GB``,
    ``release@uk:cinemas``, ``premiere:theatrical``, or a kind with ``region``/``medium``
    given apart (``--region GB --medium theatrical``). Returns its key
    (``release@GB:theatrical``). Only a release or a premiere has a place."""
    text = typed.strip()
    rest, colon, typed_medium = text.partition(":")
    word, at, typed_region = rest.partition("@")
    if not (at or colon or region or medium):
        return resolve_milestone(text, known_here, new)
    from hstrack.core.regions import check_medium, check_region, make_key

    kind = resolve_milestone(word, [k.partition(":")[0].partition("@")[0] for k in known_here], new)
    if kind not in PLACED_KINDS:
        raise UsageError(f"only {' and '.join(PLACED_KINDS)} have a region or medium, not {kind}")
    place = {
        "region": [check_region(v) for v in (typed_region if at else None, region) if v is not None],
        "medium": [check_medium(v) for v in (typed_medium if colon else None, medium) if v is not None],
    }
    for what, values in place.items():
        if len(set(values)) > 1:
            raise UsageError(f"two {what}s given: {' and '.join(values)}")
    return make_key(kind, next(iter(place["region"]), None), next(iter(place["medium"]), None))


def check_filter_kind(kind: str, everywhere: Iterable[str]) -> str:
    """A milestone kind used to filter or test: fine when hstrack knows it or some title
    has it; a kind that exists nowhere is a usage error, not an empty answer."""
    key = normalize_milestone(kind)
    seen = set(everywhere)
    if key in MILESTONE_LADDER or key in seen:
        return key
    near = [MILESTONE_ALIASES.get(k, k) for k in close_matches(key, [*MILESTONE_LADDER, *MILESTONE_ALIASES, *seen])]
    raise UsageError(f"no title has a milestone {key!r} and hstrack knows none by that name{did_you_mean(near)}")


# Typed input may not hold control characters (a stray ESC from a paste, a NUL); stored
# text from elsewhere may, and is shown inert. Notes may span lines.
# Refused too: the bidi overrides and isolates that make text display in another order than
# it is stored ("Trojan Source"), and lone surrogates, which cannot be written as UTF-8 at all
# (a JSON file can hold "\ud800"; printing or saving it would end in a traceback).
_UNSAFE = "\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_CONTROL = re.compile(f"[\x00-\x1f{_UNSAFE}\u2028\u2029]")
_CONTROL_BUT_NEWLINE = re.compile(f"[\x00-\x09\x0b-\x1f{_UNSAFE}]")
MAX_LABEL = 32


def check_name(name: str, what: str = "a title's name", limit: int = MAX_NAME) -> str:
    """A display name: surrounding space trimmed, one line, not empty, not huge."""
    if len(name) > limit * 4:  # say it is too long before looking inside a huge value
        raise UsageError(f"{what} can be at most {limit} characters (got {len(name)})")
    cleaned = name.strip()
    if not cleaned:
        raise UsageError(f"{what} cannot be empty")
    if any(ch in cleaned for ch in "\r\n\x0b\x0c\x85\u2028\u2029"):
        raise UsageError(f"{what} must be one line")
    if _CONTROL.search(cleaned):
        raise UsageError(f"{what} cannot contain control characters")
    if len(cleaned) > limit:
        raise UsageError(f"{what} can be at most {limit} characters (got {len(cleaned)})")
    return cleaned


def check_text(value: str | None, what: str, multiline: bool = False, limit: int = MAX_TEXT) -> str | None:
    if value is None:
        return None
    if len(value) > limit * 4:
        raise UsageError(f"{what} can be at most {limit} characters (got {len(value)})")
    cleaned = value.strip()
    if (_CONTROL_BUT_NEWLINE if multiline else _CONTROL).search(cleaned):
        raise UsageError(f"{what} cannot contain control characters" + ("" if multiline else " or line breaks"))
    if len(cleaned) > limit:
        raise UsageError(f"{what} can be at most {limit} characters (got {len(cleaned)})")
    return cleaned or None


# Lead times: how long before a dated milestone `hstrack notify` tells you. Hours are
# elapsed hours; days and weeks are calendar days where you are. "0d" is on the day (for a
# drop time, at its hour). Kept on a title (``Title.notify``) per milestone, or for the
# whole title under ALL_MILESTONES; an empty list is "off".
DEFAULT_LEADS = ("7d", "1d", "0d")
MAX_LEADS = 10
ALL_MILESTONES = "*"
_LEAD_UNITS = {"h": (1, 24 * 366), "d": (24, 366), "w": (24 * 7, 52)}  # hours per unit, the most of it


def check_lead(value: str) -> str:
    """A lead time in its one spelling: "7d", "12h", "2w"; "0d" for on the day (or hour)."""
    try:
        n, unit = read_span(value)
    except UsageError:
        n, unit = -1, ""
    if unit not in _LEAD_UNITS:
        raise UsageError(
            f"cannot read lead time {value[:40]!r}: use a number and h, d or w (12h, 7d, 2w; 0d is on the day)"
        )
    if n > _LEAD_UNITS[unit][1]:
        raise UsageError(f"lead time {value[:40]!r} is more than a year ahead")
    return "0d" if n == 0 else f"{n}{unit}"


def lead_hours(lead: str) -> int:
    """A canonical lead's length in hours, to order leads (a day counts as 24)."""
    return int(lead[:-1]) * _LEAD_UNITS[lead[-1]][0]


def check_leads(values: Iterable[str]) -> list[str]:
    """Lead times in their spellings, each once, the longest first ("7d,1d,0d")."""
    leads = list(dict.fromkeys(check_lead(part) for value in values for part in value.split(",") if part.strip()))
    if len(leads) > MAX_LEADS:
        raise UsageError(f"at most {MAX_LEADS} lead times (got {len(leads)})")
    return sorted(leads, key=lambda lead: (-lead_hours(lead), lead))


def milestone_rank(kind: str) -> tuple[int, str]:
    """Ladder order for known kinds, then user kinds alphabetically."""
    if kind in MILESTONE_LADDER:
        return (MILESTONE_LADDER.index(kind), kind)
    return (len(MILESTONE_LADDER), kind)


@dataclass
class Milestone:
    kind: str
    date: DateSpec
    tentative: bool = False
    source: str | None = None
    note: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # Where and how (a release or premiere only): an ISO 3166-1 code, None for worldwide;
    # a medium (regions.MEDIA), None for any. Written only when set, so a store without
    # them is byte-for-byte what it was.
    region: str | None = None
    medium: str | None = None
    # Where the fact came from when a sync wrote it ("wikidata", "tmdb"; see hstrack.sources);
    # None for a fact a person typed. Written only when set, so a store without synced facts
    # is byte-for-byte what it was, and an older hstrack carries it as a field it does not know.
    origin: str | None = None

    @property
    def key(self) -> str:
        """What names it within its title: ``release``, ``release@GB:theatrical``."""
        if self.region is None and self.medium is None:
            return self.kind
        from hstrack.core.regions import make_key

        return make_key(self.kind, self.region, self.medium)

    def to_json(self) -> dict[str, Any]:
        if self.region is not None or self.medium is not None:
            placed: dict[str, Any] = {"kind": self.kind}
            if self.region is not None:
                placed["region"] = self.region
            if self.medium is not None:
                placed["medium"] = self.medium
            placed.update(self.dated_json())
            return placed
        return {"kind": self.kind, **self.dated_json()}

    def dated_json(self) -> dict[str, Any]:
        data = {
            "date": self.date.canonical,
            "tentative": self.tentative,
            "source": self.source,
            "note": self.note,
        }
        if self.origin is not None:
            data["origin"] = self.origin
        return {**data, **_extra(self.extra)}

    def same_fact(self, other: Milestone) -> bool:
        return (self.date, self.tentative, self.source, self.note, self.origin) == (
            other.date,
            other.tentative,
            other.source,
            other.note,
            other.origin,
        )


@dataclass
class Change:
    """One recorded change of one milestone: when, and the milestone before and after."""

    recorded: str
    milestone: str
    old: Milestone | None
    new: Milestone | None
    extra: dict[str, Any] = field(default_factory=dict)
    # The sync that made the change ("wikidata", "tmdb"); None when a person made it (set,
    # unset, import, accepting a proposal). Written only when set.
    origin: str | None = None

    @property
    def date_changed(self) -> bool:
        """The date appeared, moved or went: what history, checks and calendars care about
        (a note or source edit alone is not a change of date)."""
        return (self.old.date if self.old else None) != (self.new.date if self.new else None)

    def to_json(self) -> dict[str, Any]:
        data = {
            "recorded": self.recorded,
            "milestone": self.milestone,
            "old": _milestone_fields(self.old),
            "new": _milestone_fields(self.new),
        }
        if self.origin is not None:
            data["origin"] = self.origin
        return {**data, **_extra(self.extra)}


# What `edit`, `label`, `credit` and `rename` change on a title, each recorded as an Edit.
TITLE_FIELDS = ("name", "label", "kind", "platform", "synopsis", "notes", "credits")
EDITABLE = ("id", *TITLE_FIELDS)


@dataclass
class Edit:
    """One recorded change of a title's own field (its name, kind, credits, id, ...): when,
    and the value before and after (None: it had none). Milestones have ``Change``; these
    are kept apart, in the title's ``edits``, so a store without any reads as before."""

    recorded: str
    field: str
    old: Any  # str, or for credits {role: [names]}; None when not set
    new: Any
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)  # `field` is the attribute above

    def to_json(self) -> dict[str, Any]:
        return {"recorded": self.recorded, "field": self.field, "old": self.old, "new": self.new, **_extra(self.extra)}


ORIGINS = ("wikidata", "tmdb")  # the sources a synced fact can come from


@dataclass
class Proposal:
    """A value a source gave for a milestone the user typed differently: held for the user
    to accept or reject (``hstrack accept``/``reject``), never applied by itself. A rejected
    one is kept so the same value is not proposed again."""

    recorded: str
    milestone: str  # the key: release@GB:theatrical
    origin: str
    new: Milestone  # the source's value, with its source (URL) and origin
    extra: dict[str, Any] = field(default_factory=dict)

    def same_value(self, other: Milestone) -> bool:
        return (self.new.date, self.new.tentative) == (other.date, other.tentative)

    def to_json(self) -> dict[str, Any]:
        return {
            "recorded": self.recorded,
            "milestone": self.milestone,
            "origin": self.origin,
            "new": _milestone_fields(self.new),
            **_extra(self.extra),
        }


@dataclass
class Title:
    id: str
    name: str
    kind: str = "other"
    label: str | None = None  # the short name the prompt shows
    platform: str | None = None
    synopsis: str | None = None
    notes: str | None = None
    credits: dict[str, list[str]] = field(default_factory=dict)
    milestones: dict[str, Milestone] = field(default_factory=dict)
    history: list[Change] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    edits: list[Edit] = field(default_factory=list)  # changes of the fields above, in recorded order
    # When each title field (name, label, kind, platform, synopsis, notes, credits) was last
    # set, so a merge can keep the newer of two; written only once there is one, so a store
    # without any reads and writes as before (and an older hstrack carries it through).
    edited: dict[str, str] = field(default_factory=dict)
    # Sources this title is linked to ("wikidata:Q123", "tmdb:movie/550"; hstrack.sources),
    # the values a sync holds for the user to accept or reject (proposals), and those they
    # rejected, so the same value is not proposed again. Each written only when not empty.
    links: list[str] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    rejected: list[Proposal] = field(default_factory=list)
    # Lead times for `hstrack notify` (`hstrack remind`): a milestone's key, or ALL_MILESTONES
    # for the whole title, to its leads, longest first ([] is off). Written only when set.
    notify: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "label": self.label,
            "kind": self.kind,
            "platform": self.platform,
            "synopsis": self.synopsis,
            "notes": self.notes,
            "credits": self.credits,
            "milestones": [m.to_json() for m in sorted_milestones(self.milestones.values())],
            "history": [c.to_json() for c in self.history],
        }
        if self.edits:
            data["edits"] = [e.to_json() for e in self.edits]
        if self.edited:
            data["edited"] = _sorted(self.edited)
        if self.links:
            data["links"] = list(self.links)
        if self.proposals:
            data["proposals"] = [p.to_json() for p in self.proposals]
        if self.rejected:
            data["rejected"] = [p.to_json() for p in self.rejected]
        if self.notify:
            data["notify"] = {key: list(leads) for key, leads in _sorted(self.notify).items()}
        return {**data, **_extra(self.extra)}

    @property
    def first_id(self) -> str:
        """The id the title was created with, before any rename: what keeps its calendar
        events the same events (their UIDs are made from it)."""
        renames = [e.old for e in self.edits if e.field == "id" and isinstance(e.old, str)]
        return renames[0] if renames else self.id

    def mark_edited(self, name: str, now: datetime) -> None:
        self.edited[name] = now.isoformat(timespec="seconds")


@dataclass
class Conflict:
    """A title a git merge could not decide (removed in one copy, changed in the other):
    the merge kept the changed title and records this until ``hstrack git resolve``."""

    title: str
    recorded: str
    reason: str
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "recorded": self.recorded, "reason": self.reason, **_extra(self.extra)}


@dataclass
class Document:
    """The whole store: titles by id, plus any top-level fields we do not know.

    ``read_schema`` is the version the file said; it differs from SCHEMA_VERSION when
    the file was older (and has been migrated in memory) or newer (read-only).
    """

    titles: dict[str, Title] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    read_schema: int = field(default_factory=lambda: SCHEMA_VERSION)
    pin_title: str | None = None  # what the prompt shows, when pinned
    pin_milestone: str | None = None
    # Titles a git merge left undecided (hstrack.sharing.merge); written only when there are any.
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def newer(self) -> bool:
        return self.read_schema > SCHEMA_VERSION

    def has_places(self) -> bool:
        """Whether any title has a release or premiere in a place: only then does the
        viewer's region matter (and the settings get read)."""
        return any(
            m.region is not None or m.medium is not None for t in self.titles.values() for m in t.milestones.values()
        )

    @property
    def schema(self) -> int:
        """The oldest schema that reads this document right (see SCHEMA_VERSION), and never
        one older than OLDEST_CURRENT, which a future migration raises."""
        for title in self.titles.values():
            if any(m.region is not None or m.medium is not None for m in title.milestones.values()):
                return max(OLDEST_CURRENT, 2)
            if any(not _is_slug(c.milestone) for c in title.history):
                return max(OLDEST_CURRENT, 2)
        if self.pin_milestone is not None and not _is_slug(self.pin_milestone):
            return max(OLDEST_CURRENT, 2)
        return OLDEST_CURRENT

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"schema": self.schema}
        if self.pin_title is not None:
            data["pin"] = {"title": self.pin_title, "milestone": self.pin_milestone}
        data["titles"] = [self.titles[key].to_json() for key in sorted(self.titles)]
        if self.conflicts:
            data["conflicts"] = [c.to_json() for c in self.conflicts]
        return {**data, **_extra(self.extra)}

    def get(self, title_id: str) -> Title:
        try:
            return self.titles[title_id]
        except KeyError:
            raise UsageError(unknown_title(title_id, self.titles)) from None

    def milestone_kinds(self) -> set[str]:
        return {m.kind for t in self.titles.values() for m in t.milestones.values()}


def unknown_title(title_id: str, titles: dict[str, Title]) -> str:
    """ "no title with id X" and the ids it was probably meant to be: close spellings, and
    titles whose name says what was typed; never a cut-off list that leaves them out."""
    if not titles:
        return f"no title with id {title_id!r} (none yet; add one with hstrack add)"
    typed = title_id.strip().lower()
    near = close_matches(typed, titles)
    words = slugify(typed)
    if words:
        near += [t.id for t in titles.values() if t.id not in near and words in slugify(t.name)]
    if near:
        return f"no title with id {title_id!r}{did_you_mean(near[:5])}"
    return f"no title with id {title_id!r}; hstrack status lists the {len(titles)} ids"


def sorted_milestones(items: Any) -> list[Milestone]:
    return sorted(items, key=lambda m: (*milestone_rank(m.kind), m.region or "", m.medium or ""))


def _sorted(extra: dict[str, Any]) -> dict[str, Any]:
    return {key: extra[key] for key in sorted(extra)}


class NumberWatch:
    """Whether a field hstrack does not know holds a float (or an integer beyond 64 bits).

    The store reads and writes large files with orjson, which differs from json on exactly
    those numbers: it reads an integer beyond 64 bits as a float, and writes some floats
    differently (``1e-7`` where json writes ``1e-07``). hstrack's own fields hold only
    text and the schema number, so such numbers can only sit in unknown fields, and every
    unknown field passes through ``_known`` (reading) and ``_extra`` (writing). The store
    resets ``seen``, reads or writes, and takes json's exact path when it is set.
    A command runs on one thread, so one flag for the process is enough.
    """

    seen = False


def _extra(extra: dict[str, Any]) -> dict[str, Any]:
    """A record's unknown fields, in a fixed order, as they are written."""
    if not extra:
        return extra
    if not NumberWatch.seen and _has_inexact_number(extra):
        NumberWatch.seen = True
    return _sorted(extra)


def _has_inexact_number(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) or (type(item) is int and not -(2**63) <= item < 2**64):
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _milestone_fields(m: Milestone | None) -> dict[str, Any] | None:
    if m is None:
        return None
    return m.dated_json()  # the change's milestone key says which it is


# ---------------------------------------------------------------------------- reading


class ShapeError(ValueError):
    """The JSON parsed but is not an hstrack document; says where."""


def _expect(value: Any, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ShapeError(f"{where}: expected {names}, found {type(value).__name__}")
    return value


def _opt_str(data: dict[str, Any], key: str, where: str) -> str | None:
    value = data.get(key)
    return None if value is None else _expect(value, str, f"{where}.{key}")


def shown(value: object, limit: int = 40) -> str:
    """A value for a message: its repr, cut short (a file can hold a 100 MB string)."""
    text = repr(value[: limit + 1] if isinstance(value, str) else value)
    return text if len(text) <= limit + 2 else text[:limit] + "…"


def _valid(where: str, check: Callable[..., object], *args: Any) -> None:
    """Run a typed-input rule on a value read from a file; its refusal names the record."""
    try:
        check(*args)
    except UsageError as exc:
        raise ShapeError(f"{where}: {exc.message}") from None


def _file_text(
    data: dict[str, Any], key: str, where: str, multiline: bool = False, limit: int = MAX_TEXT
) -> str | None:
    value = _opt_str(data, key, where)
    if value is not None and (len(value) > limit or (_CONTROL_BUT_NEWLINE if multiline else _CONTROL).search(value)):
        _valid(f"{where}.{key}", check_text, value, key, multiline, limit)
    return value


MAX_DEPTH = 32  # how deep a field hstrack does not know may nest (its own go 6 deep)


def _known(data: dict[str, Any], keys: frozenset[str]) -> dict[str, Any]:
    """The fields we do not know, kept as they are (a set difference: most records have none).
    They are carried, never shown, but still checked to nest no deeper than ``MAX_DEPTH``:
    deeper data would break copying and writing it on a smaller stack."""
    unknown = data.keys() - keys
    if not unknown:
        return {}
    for key in unknown:
        if _too_deep(data[key]):
            raise ShapeError(f"field {shown(key)} nests deeper than {MAX_DEPTH} levels")
        if not NumberWatch.seen and _has_inexact_number(data[key]):
            NumberWatch.seen = True
    return {k: data[k] for k in data if k in unknown}


def _too_deep(value: Any) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > MAX_DEPTH:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


_MILESTONE_KEYS = frozenset(("kind", "region", "medium", "date", "tentative", "source", "note", "origin"))
_SLUGS_SEEN: set[str] = set()


def _is_slug(value: str) -> bool:
    # A store repeats the same few milestone kinds tens of thousands of times.
    if value in _SLUGS_SEEN:
        return True
    if SLUG.fullmatch(value) and len(value) <= MAX_SLUG:
        if len(_SLUGS_SEEN) < 10_000:
            _SLUGS_SEEN.add(value)
        return True
    return False


@functools.lru_cache(maxsize=8192)
def _date(raw: str) -> DateSpec:
    # DateSpec is immutable, and a store repeats dates ("TBA", "2026", ...) constantly.
    return parse_canonical(raw)


def milestone_from_json(data: Any, where: str, kind: str | None = None, index: int | None = None) -> Milestone:
    # The hot loop of reading a large store: plain type checks, no helper calls on the
    # common path; _expect only builds the message when something is wrong.
    if index is not None:
        try:
            return milestone_from_json(data, where, kind)
        except ShapeError as exc:
            raise ShapeError(str(exc).replace(where, f"{where}[{index}]", 1)) from None
    if type(data) is not dict:
        _expect(data, dict, where)
    region = medium = None
    if kind is None:
        kind = data.get("kind")
        if type(kind) is not str:
            _expect(kind, str, f"{where}.kind")
        if not _is_slug(kind):
            raise ShapeError(f"{where}.kind: {shown(kind)} is not a slug")
        if "region" in data or "medium" in data:
            region, medium = _placed(kind, data.get("region"), data.get("medium"), where)
    elif not _is_slug(kind):  # a change's key, release@GB:theatrical
        kind, region, medium = _split_key(kind, where)
    raw = data.get("date")
    if type(raw) is not str:
        _expect(raw, str, f"{where}.date")
    try:
        if len(raw) > 80:  # no date is spelled longer; do not hand a huge value to the parser
            raise DateError(raw)
        spec = _date(raw)
    except DateError:
        raise ShapeError(f"{where}.date: {shown(raw)} is not a date") from None
    tentative = data.get("tentative", False)
    if type(tentative) is not bool:
        _expect(tentative, bool, f"{where}.tentative")
    source, note = data.get("source"), data.get("note")
    if source is not None:
        if type(source) is not str:
            _expect(source, str, f"{where}.source")
        if len(source) > MAX_TEXT or _CONTROL.search(source):
            _valid(f"{where}.source", check_text, source, "a source")
    if note is not None:
        if type(note) is not str:
            _expect(note, str, f"{where}.note")
        if len(note) > MAX_TEXT or _CONTROL_BUT_NEWLINE.search(note):
            _valid(f"{where}.note", check_text, note, "a note", True)
    origin = data.get("origin")
    if origin is not None and origin not in ORIGINS:
        raise ShapeError(f"{where}.origin: {shown(origin)} is not one of {', '.join(ORIGINS)}")
    return Milestone(kind, spec, tentative, source, note, _known(data, _MILESTONE_KEYS), region, medium, origin)


def _placed(kind: str, region: Any, medium: Any, where: str) -> tuple[str | None, str | None]:
    """A milestone's region and medium as a file holds them, by the rules of typed input."""
    from hstrack.core.regions import MEDIA, is_region

    if kind not in PLACED_KINDS and (region is not None or medium is not None):
        raise ShapeError(f"{where}: only {' and '.join(PLACED_KINDS)} take a region or medium, not {kind!r}")
    if region is not None and not (isinstance(region, str) and is_region(region)):
        raise ShapeError(f"{where}.region: {shown(region)} is not an ISO 3166-1 alpha-2 code")
    if medium is not None and medium not in MEDIA:
        raise ShapeError(f"{where}.medium: {shown(medium)} is not one of {', '.join(MEDIA)}")
    return region, medium


def _split_key(key: str, where: str) -> tuple[str, str | None, str | None]:
    from hstrack.core.regions import make_key, split_key

    kind, region, medium = split_key(key)
    if region is None and medium is None:
        raise ShapeError(f"{where}: {shown(key)} is not a slug")
    if len(key) > MAX_SLUG + 20 or not _is_slug(kind):
        raise ShapeError(f"{where}: {shown(key)} is not a milestone")
    region, medium = _placed(kind, region, medium, where)
    if make_key(kind, region, medium) != key:
        raise ShapeError(f"{where}: {shown(key)} is not a milestone")
    return kind, region, medium


_CHANGE_KEYS = frozenset(("recorded", "milestone", "old", "new", "origin"))


def change_from_json(data: Any, where: str) -> Change:
    _expect(data, dict, where)
    kind = _expect(data.get("milestone"), str, f"{where}.milestone")
    if not _is_slug(kind):
        _split_key(kind, f"{where}.milestone")  # release@GB:theatrical, or refused
    recorded = _expect(data.get("recorded"), str, f"{where}.recorded")
    if not _is_timestamp(recorded):
        raise ShapeError(f"{where}.recorded: {shown(recorded)} is not an ISO 8601 time with an offset")
    old, new = data.get("old"), data.get("new")
    if old is None and new is None:
        raise ShapeError(f"{where}: a change needs an old or a new milestone (both are null)")
    for side, value in (("old", old), ("new", new)):
        if isinstance(value, dict) and "kind" in value and value["kind"] != kind.partition(":")[0].partition("@")[0]:
            raise ShapeError(f"{where}.{side}.kind: {shown(value['kind'])} is not the change's milestone {kind!r}")
    return Change(
        recorded=recorded,
        milestone=kind,
        old=None if old is None else milestone_from_json(old, f"{where}.old", kind),
        new=None if new is None else milestone_from_json(new, f"{where}.new", kind),
        extra=_known(data, _CHANGE_KEYS),
        origin=_origin(data.get("origin"), f"{where}.origin"),
    )


def _origin(value: Any, where: str) -> str | None:
    if value is not None and value not in ORIGINS:
        raise ShapeError(f"{where}: {shown(value)} is not one of {', '.join(ORIGINS)}")
    return value  # type: ignore[no-any-return]


_PROPOSAL_KEYS = frozenset(("recorded", "milestone", "origin", "new"))


def proposal_from_json(data: Any, where: str) -> Proposal:
    """A held or rejected value from a source, by the rules of a change."""
    _expect(data, dict, where)
    key = _expect(data.get("milestone"), str, f"{where}.milestone")
    if not _is_slug(key):
        _split_key(key, f"{where}.milestone")
    recorded = _expect(data.get("recorded"), str, f"{where}.recorded")
    if not _is_timestamp(recorded):
        raise ShapeError(f"{where}.recorded: {shown(recorded)} is not an ISO 8601 time with an offset")
    origin = _origin(data.get("origin"), f"{where}.origin")
    if origin is None:
        raise ShapeError(f"{where}.origin: a proposal needs the source it came from")
    new = milestone_from_json(data.get("new"), f"{where}.new", key)
    new.origin = origin
    return Proposal(recorded, key, origin, new, _known(data, _PROPOSAL_KEYS))


def _links(value: Any, where: str) -> list[str]:
    from hstrack.sources import parse_reference

    links = []
    for i, raw in enumerate(_expect(value, list, where)):
        text = _expect(raw, str, f"{where}[{i}]")
        try:
            ref = parse_reference(text)
        except UsageError as exc:
            raise ShapeError(f"{where}[{i}]: {exc.message}") from None
        if ref.text != text:
            raise ShapeError(f"{where}[{i}]: {shown(text)} is not written as hstrack writes it ({ref.text})")
        if text in links:
            raise ShapeError(f"{where}: {shown(text)} appears twice")
        links.append(text)
    return links


def _notify(value: Any, where: str) -> dict[str, list[str]]:
    """A title's lead times as a file holds them: keys are milestones (or "*"), values
    lead times in their one spelling, longest first."""
    settings: dict[str, list[str]] = {}
    for key, leads in _expect(value, dict, where).items():
        if key != ALL_MILESTONES and not _is_slug(key):
            _split_key(key, f"{where}.{shown(key)}")  # release@GB:theatrical, or refused
        place = f"{where}.{key}"
        _expect(leads, list, place)
        for lead in leads:
            _expect(lead, str, place)
        try:
            spelled = check_leads(leads)
        except UsageError as exc:
            raise ShapeError(f"{place}: {exc.message}") from None
        if spelled != leads:
            raise ShapeError(f"{place}: {shown(leads)} is not written as hstrack writes it ({', '.join(spelled)})")
        settings[key] = spelled
    return settings


def _is_timestamp(value: str) -> bool:
    """An ISO 8601 time with its offset, as hstrack records every change."""
    if len(value) > 40:
        return False
    try:
        moment = datetime.fromisoformat(value)
        utc = moment.astimezone(UTC) if moment.tzinfo is not None else None
    except (ValueError, OverflowError):
        return False
    return utc is not None and MIN_YEAR <= moment.year <= MAX_YEAR and MIN_YEAR <= utc.year <= MAX_YEAR


_TITLE_KEYS = frozenset(
    (*EDITABLE, "milestones", "history", "edits", "edited", "links", "proposals", "rejected", "notify")
)
_EDIT_KEYS = frozenset(("recorded", "field", "old", "new"))


def _file_credits(value: Any, where: str) -> dict[str, list[str]]:
    credits: dict[str, list[str]] = _expect(value, dict, where)
    for role, names in credits.items():
        place = f"{where}.{shown(role)}"
        _valid(place, check_name, role, "a credit's role")
        for name in _expect(names, list, place):
            _expect(name, str, place)
            _valid(place, check_name, name, "a credited name")
    return credits


def _file_name(value: Any, where: str) -> str:
    name: str = _expect(value, str, where)
    if len(name) > MAX_NAME:  # padding counts in a file: what is stored is what is read
        raise ShapeError(f"{where}: a title's name can be at most {MAX_NAME} characters (got {len(name)})")
    if _CONTROL.search(name) or not name.strip():
        _valid(where, check_name, name)
    return name


def _file_value(name: str, value: Any, where: str) -> Any:
    """A title field's value as a file may hold it, by the rules of the field."""
    if name == "credits":
        return _file_credits(value, where)
    if name == "name":
        return _file_name(value, where)
    text = _expect(value, str, where)
    if name == "id":
        if len(text) > MAX_SLUG or not SLUG.fullmatch(text):
            raise ShapeError(f"{where}: {shown(text)} is not a slug")
    elif name == "label":
        _valid(where, check_name, text, "a label", MAX_LABEL)
    elif name == "kind":
        if text not in TITLE_KINDS:
            raise ShapeError(f"{where}: {shown(text)} is not one of {', '.join(TITLE_KINDS)}")
    elif len(text) > MAX_TEXT or (_CONTROL if name == "platform" else _CONTROL_BUT_NEWLINE).search(text):
        _valid(where, check_text, text, name, name != "platform")
    return text


def edit_from_json(data: Any, where: str) -> Edit:
    _expect(data, dict, where)
    name = _expect(data.get("field"), str, f"{where}.field")
    if name not in EDITABLE:
        raise ShapeError(f"{where}.field: {shown(name)} is not one of {', '.join(EDITABLE)}")
    recorded = _expect(data.get("recorded"), str, f"{where}.recorded")
    if not _is_timestamp(recorded):
        raise ShapeError(f"{where}.recorded: {shown(recorded)} is not an ISO 8601 time with an offset")
    old, new = data.get("old"), data.get("new")
    if old is None and new is None:
        raise ShapeError(f"{where}: an edit needs an old or a new value (both are null)")
    return Edit(
        recorded=recorded,
        field=name,
        old=None if old is None else _file_value(name, old, f"{where}.old"),
        new=None if new is None else _file_value(name, new, f"{where}.new"),
        extra=_known(data, _EDIT_KEYS),
    )


def title_from_json(data: Any, where: str) -> Title:
    _expect(data, dict, where)
    title_id = _expect(data.get("id"), str, f"{where}.id")
    if len(title_id) > MAX_SLUG or not SLUG.fullmatch(title_id):
        raise ShapeError(f"{where}.id: {shown(title_id)} is not a slug")
    where = f"title {title_id!r}"
    raw_credits = data.get("credits")
    credits = {} if raw_credits is None else _file_credits(raw_credits, f"{where}.credits")
    milestones: dict[str, Milestone] = {}
    where_ms = f"{where}.milestones"
    for i, raw in enumerate(_expect(data.get("milestones", []), list, where_ms)):
        m = milestone_from_json(raw, where_ms, index=i)
        key = m.key
        if key in milestones:
            raise ShapeError(f"{where}: milestone {key!r} appears twice")
        milestones[key] = m
    history = [
        change_from_json(raw, f"{where}.history[{i}]")
        for i, raw in enumerate(_expect(data.get("history", []), list, f"{where}.history"))
    ]
    name = _file_name(data.get("name"), f"{where}.name")
    edits = [
        edit_from_json(raw, f"{where}.edits[{i}]")
        for i, raw in enumerate(_expect(data.get("edits", []), list, f"{where}.edits"))
    ]
    label = _opt_str(data, "label", where)
    if label is not None:
        _valid(f"{where}.label", check_name, label, "a label", MAX_LABEL)
    kind = _expect(data.get("kind", "other"), str, f"{where}.kind")
    if kind not in TITLE_KINDS:
        raise ShapeError(f"{where}.kind: {shown(kind)} is not one of {', '.join(TITLE_KINDS)}")
    raw_edited = data.get("edited")
    edited = {} if raw_edited is None else _expect(raw_edited, dict, f"{where}.edited")
    for key, stamp in edited.items():
        if key not in TITLE_FIELDS:
            raise ShapeError(f"{where}.edited: {shown(key)} is not one of {', '.join(TITLE_FIELDS)}")
        if not isinstance(stamp, str) or not _is_timestamp(stamp):
            raise ShapeError(f"{where}.edited.{key}: {shown(stamp)} is not an ISO 8601 time with an offset")
    proposals = {
        name: [
            proposal_from_json(raw, f"{where}.{name}[{i}]")
            for i, raw in enumerate(_expect(data.get(name, []), list, f"{where}.{name}"))
        ]
        for name in ("proposals", "rejected")
    }
    return Title(
        # Only a title that has links pays for the sources module (and its patterns).
        links=_links(data["links"], f"{where}.links") if "links" in data else [],
        notify=_notify(data["notify"], f"{where}.notify") if "notify" in data else {},
        proposals=proposals["proposals"],
        rejected=proposals["rejected"],
        edited=dict(edited),
        id=title_id,
        name=name,
        label=label,
        kind=kind,
        platform=_file_text(data, "platform", where),
        synopsis=_file_text(data, "synopsis", where, multiline=True),
        notes=_file_text(data, "notes", where, multiline=True),
        credits=credits,
        milestones=milestones,
        history=history,
        edits=edits,
        extra=_known(data, _TITLE_KEYS),
    )


# Migrations from schema N to N+1, applied in order to the raw JSON before it is read.
# Each takes and returns plain JSON data and must be idempotent on its own output. The
# project has only ever had schema 1, so this is empty; tests/fixtures/ keeps one store
# per schema version, and each new version adds its migration here and its fixture there.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def migrate(data: dict[str, Any], target: int | None = None) -> dict[str, Any]:
    target = OLDEST_CURRENT if target is None else target
    version = data.get("schema")
    while isinstance(version, int) and version < target:
        step = MIGRATIONS.get(version)
        if step is None:
            raise ShapeError(f"schema {version} cannot be migrated (no migration from it)")
        data = step(dict(data))
        if data.get("schema") != version + 1:
            raise ShapeError(f"the migration from schema {version} did not produce schema {version + 1}")
        version = data["schema"]
    return data


def document_from_json(data: Any) -> Document:
    """Read a store document; an older schema is migrated, a newer one read as far as
    its shape allows (the store refuses to write it)."""
    _expect(data, dict, "top level")
    schema = data.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        raise ShapeError(f"'schema' must be a whole number of at least 1, found {shown(schema)}")
    if schema < OLDEST_CURRENT:
        data = migrate(data)
    try:
        titles: dict[str, Title] = {}
        for i, raw in enumerate(_expect(data.get("titles", []), list, "titles")):
            title = title_from_json(raw, f"titles[{i}]")
            if title.id in titles:
                raise ShapeError(f"title id {title.id!r} appears twice")
            titles[title.id] = title
    except ShapeError as exc:
        if schema > SCHEMA_VERSION:
            raise ShapeError(
                f"it was written by a newer hstrack (schema {schema}, this one reads {SCHEMA_VERSION}) and "
                f"cannot be read ({exc}); upgrade hstrack"
            ) from None
        raise
    pin = data.get("pin")
    pin_title = pin_milestone = None
    if pin is not None:
        _expect(pin, dict, "pin")
        pin_title = _expect(pin.get("title"), str, "pin.title")
        pin_milestone = _opt_str(pin, "milestone", "pin")
        if not _is_slug(pin_title):
            raise ShapeError(f"pin.title: {shown(pin_title)} is not a slug")
        if pin_milestone is not None and not _is_slug(pin_milestone):
            _split_key(pin_milestone, "pin.milestone")  # release@GB:theatrical, or refused
    conflicts = [
        conflict_from_json(c, f"conflicts[{i}]")
        for i, c in enumerate(_expect(data.get("conflicts", []), list, "conflicts"))
    ]
    return Document(
        titles=titles,
        extra=_known(data, frozenset(("schema", "titles", "pin", "conflicts"))),
        read_schema=schema,
        pin_title=pin_title,
        pin_milestone=pin_milestone,
        conflicts=conflicts,
    )


_CONFLICT_KEYS = frozenset(("title", "recorded", "reason"))


def conflict_from_json(data: Any, where: str) -> Conflict:
    _expect(data, dict, where)
    title = _expect(data.get("title"), str, f"{where}.title")
    if not _is_slug(title):
        raise ShapeError(f"{where}.title: {shown(title)} is not a slug")
    recorded = _expect(data.get("recorded"), str, f"{where}.recorded")
    if not _is_timestamp(recorded):
        raise ShapeError(f"{where}.recorded: {shown(recorded)} is not an ISO 8601 time with an offset")
    reason = _expect(data.get("reason"), str, f"{where}.reason")
    _valid(f"{where}.reason", check_text, reason, "a reason")
    return Conflict(title, recorded, reason, _known(data, _CONFLICT_KEYS))
