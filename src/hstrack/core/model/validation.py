"""The rules typed input obeys: slugs, names, free text, milestone words.

Each rule raises ``UsageError`` with a message for a person. Text read from a file is held
to the same rules (``hstrack.core.model.reading``), so what hstrack stores is what a person
could have typed; refused too are control characters and the bidi overrides that would
make stored text display in another order than it is stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from hstrack.core.errors import UsageError
from hstrack.core.kinds import EPISODE_KINDS, MILESTONE_ALIASES, MILESTONE_LADDER, PLACED_KINDS

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SLUG = 64
MAX_NAME = 200
MAX_TEXT = 4000


# Latin letters that Unicode does not decompose into a base letter and a mark.
_LATIN = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "đ": "d",
                        "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D", "ı": "i",
                        "ħ": "h", "Ħ": "H"})  # fmt: skip


# Apostrophes, straight, curly, as a letter (ʼ) and as typed on some keyboards (` ´): a
# word's own ("Ocean's", "Don't"), so dropped rather than made a break ("oceans", not "ocean-s").
_APOSTROPHES = str.maketrans(dict.fromkeys("'\u2019\u2018\u02bc\u0060\u00b4\u2032", None))


def slugify(name: str) -> str:
    """A default id from a name: "Heartstopper: The Film!" -> "heartstopper-the-film",
    "Amélie" -> "amelie", "Ocean’s Fourteen" -> "oceans-fourteen". Empty when the name's
    letters are not Latin ("סדרה 2" would otherwise become "2"): an id that keeps only
    part of a name is worse than asking."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", name.translate(_APOSTROPHES).translate(_LATIN))
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


def resolve_milestone(kind: str, known_here: Iterable[str] = (), new: bool = False, adding: bool = False) -> str:
    """A milestone kind a person typed for a title: a kind hstrack knows (or an alias), one
    the title already has, or, only with ``new``, a kind of their own. A typo such as
    "relase" is a usage error that names what was meant, never a new milestone; ``adding``:
    the command can add one (``set``), so the error says how."""
    key = normalize_milestone(kind)
    here = set(known_here)
    if key in MILESTONE_LADDER or key in here or new:
        return key
    from hstrack.core.suggest import close_matches, did_you_mean  # only a mistake pays for it

    near = close_matches(key, [*MILESTONE_LADDER, *MILESTONE_ALIASES, *here])
    near = [MILESTONE_ALIASES.get(k, k) for k in near]
    hint = did_you_mean(list(dict.fromkeys(near)))
    how = "; to track a milestone of your own kind, add --new" if adding else ""
    raise UsageError(f"{key!r} is not a milestone hstrack knows{hint} (known: {', '.join(MILESTONE_LADDER)}){how}")


def resolve_key(
    typed: str,
    known_here: Iterable[str] = (),
    new: bool = False,
    region: str | None = None,
    medium: str | None = None,
    adding: bool = False,
) -> str:
    """A milestone as a person names it, with its place: ``release``, ``release@GB``,
    ``release@uk:cinemas``, ``premiere:theatrical``, or a kind with ``region``/``medium``
    given apart (``--region GB --medium theatrical``). Returns its key
    (``release@GB:theatrical``). Only a release or a premiere has a place."""
    text = typed.strip()
    rest, colon, typed_medium = text.partition(":")
    word, at, typed_region = rest.partition("@")
    if not (at or colon or region or medium):
        return resolve_milestone(text, known_here, new, adding)
    from hstrack.core.regions import check_medium, check_region, make_key

    kind = resolve_milestone(word, [k.partition(":")[0].partition("@")[0] for k in known_here], new, adding)
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
    if key in MILESTONE_LADDER or key in EPISODE_KINDS or key in seen:
        return key
    from hstrack.core.suggest import close_matches, did_you_mean  # only a mistake pays for it

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
