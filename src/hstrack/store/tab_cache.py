"""The Tab-completion cache (``store.json.complete``): what a Tab press needs of the store,
in a file every store write refreshes, so a Tab press costs one small read.

It holds each title's id, its milestone kinds, its platform and its name. The store writes
it (``hstrack.store.derived``) with ``build``; the Tab path (``hstrack.shell.completion``)
reads it with ``parse``, importing nothing else of the store. This module imports only
``os``: it is on every Tab press.

The cache (version 1), fields separated by the ASCII unit separator (0x1f)::

    hstrack-complete 1
    store<US><device><US><inode><US><size><US><mtime_ns><US><ctime_ns>
    <id><US><kind> <kind>...<US><platform><US><name>

The ``store`` line is the identity of the store file the cache was built from: a store
with any other identity (edited outside hstrack, put back from a copy) makes the cache
stale, and that Tab press rebuilds it from the store, once. The file is untrusted text,
so everything read from it is checked again: ids and kinds must be slugs, names and
platforms lose their control characters and are cut short, and a line that fails is
dropped.
"""

from __future__ import annotations

import os

# Not `from typing import TYPE_CHECKING`: importing typing costs a Tab press about 7 ms
# (it pulls in re and contextlib). Type checkers read the name alone.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from hstrack.core.model.document import Document

HEADER = "hstrack-complete 1"
SUFFIX = ".complete"
SEP = "\x1f"
MAX_SLUG = 64
MAX_SHOWN = 60  # characters of a name or platform shown beside a candidate
_SLUG_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")

# id -> (its milestone kinds, space-separated, as the cache has them; platform; name), each
# checked or cleaned where it is used, so a Tab press that needs only ids pays for no more.
Titles = dict[str, tuple[str, str, str]]


# ---------------------------------------------------------------------------- checks


def is_slug(value: str) -> bool:
    """The model's slug rule (lowercase letters, digits, single inner hyphens), by hand:
    ``re`` costs a Tab press more than the rest of this check."""
    return (
        0 < len(value) <= MAX_SLUG
        and _SLUG_CHARS.issuperset(value)
        and not value.startswith("-")
        and not value.endswith("-")
        and "--" not in value
    )


def clean(value: str, limit: int | None = MAX_SHOWN) -> str:
    """Text to show or insert: no control characters (C0, DEL, C1), no bidi controls or
    line separators, one line, cut to ``limit``."""
    if not value.isprintable():  # rare: the store refuses these, but the cache is any file
        value = "".join(ch for ch in value if not _unsafe(ord(ch)))
        value = " ".join(value.split())
    if limit is None or len(value) <= limit:
        return value
    return value[: limit - 1].rstrip() + "…"


def _unsafe(code: int) -> bool:
    return (
        code < 0x20
        or 0x7F <= code <= 0x9F
        or 0x2028 <= code <= 0x202E
        or 0x2066 <= code <= 0x2069
        or 0xD800 <= code <= 0xDFFF
    )


# ---------------------------------------------------------------------------- the cache


def identity(path: str) -> str | None:
    """What tells one version of the store file from the next: device, inode, size, and
    modification and change times in ns (as the index and the prompt's cache record it)."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return SEP.join(str(n) for n in (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))


def build(doc: Document | None, store_identity: str) -> str:
    """The cache text for ``doc`` (None: a store that cannot be read, so no titles)."""
    from hstrack.core.model.milestone import sorted_milestones  # a writer's path, never a Tab press's

    lines = [HEADER, f"store{SEP}{store_identity}"]
    for title in doc.titles.values() if doc is not None else ():
        # In the store's order, not the order the milestones were set in: the same store
        # gives the same cache whether it was read whole or changed a title at a time.
        kinds = " ".join(k for k in (m.key for m in sorted_milestones(title.milestones.values())) if is_slug(k))
        platform, name = clean(title.platform or "", None), clean(title.name, None)
        lines.append(SEP.join((title.id, kinds, platform, name)))
    return "\n".join(lines) + "\n"


def parse(text: str, store_identity: str | None) -> Titles | None:
    """The titles in a cache built from the store with ``store_identity`` (None: any), or
    None if it is not such a cache. Lines that fail a check are dropped one by one."""
    lines = text.split("\n")
    if len(lines) < 2 or lines[0] != HEADER or not lines[1].startswith("store" + SEP):
        return None
    if store_identity is not None and lines[1][len("store" + SEP) :] != store_identity:
        return None
    titles: Titles = {}
    for line in lines[2:]:
        fields = line.split(SEP)
        if len(fields) != 4 or not is_slug(fields[0]):
            continue
        titles[fields[0]] = (fields[1], fields[2], fields[3])
    return titles


def kinds_of(entry: tuple[str, str, str]) -> list[str]:
    return [k for k in entry[0].split(" ") if is_slug(k)]
