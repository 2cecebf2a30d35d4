"""A title's identity: a UUID given when it is created, never changed by a rename, kept by
export, import, merges and sync. The id (``heartstopper-film``) is a name people type; the
uid is what calendars (ICS UIDs), notify's record, merges and imports know a title by, so
two titles never share one, whatever ids they have had.

A new title gets a random UUID (version 4). A title from a store written before uids
(schema 1 or 2) gets one derived from the id it was first given (a UUID of version 8, RFC
9562, from SHA-256; see ``hstrack.core.model.migrations`` for titles that once shared an
id). Two clones of one store that migrate apart give each title the same uid, so their
later merge still matches it.
"""

from __future__ import annotations

import os

_HEX = frozenset("0123456789abcdef")


def _formatted(raw: bytes, version: int) -> str:
    data = bytearray(raw[:16])
    data[6] = (data[6] & 0x0F) | (version << 4)  # the version nibble
    data[8] = (data[8] & 0x3F) | 0x80  # the RFC 4122/9562 variant
    h = data.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def new_uid() -> str:
    """A random UUID (version 4), without importing ``uuid`` on every ``add``."""
    return _formatted(os.urandom(16), 4)


def derived_uid(first_id: str, tell: str = "") -> str:
    """The uid of a title that had none: from the id it was created with (and, when titles
    once shared that id, what tells them apart)."""
    try:
        from _sha256 import sha256  # type: ignore[import-not-found,unused-ignore]
    except ImportError:  # pragma: no cover - Python 3.12 names it _sha2
        try:
            from _sha2 import sha256  # type: ignore[import-not-found,no-redef,unused-ignore]
        except ImportError:
            from hashlib import sha256  # type: ignore[assignment,unused-ignore]
    digest = sha256(f"hstrack title\x00{first_id}\x00{tell}".encode()).digest()
    return _formatted(digest, 8)


def is_uid(value: str) -> bool:
    """A UUID in its canonical spelling: 36 lowercase hex digits and hyphens, 8-4-4-4-12."""
    if len(value) != 36 or value[8] != "-" or value[13] != "-" or value[18] != "-" or value[23] != "-":
        return False
    return _HEX.issuperset(value[:8] + value[9:13] + value[14:18] + value[19:23] + value[24:])
