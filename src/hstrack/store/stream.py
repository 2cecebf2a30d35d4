"""Reading every title for a view, a title at a time, through the index.

The views over every title (``status`` in every form, ``calendar``, ``upcoming``) need each
title's fields and milestones and little of its history, which in a synced store is most
of the bytes (a film whose 24 regional releases each arrived and slipped). This reader
gives them a ``Document`` with only the history they show (``export`` gets all of it),
read title by title, so neither the whole file nor its parsed JSON is ever held at once:

- It answers only when the index (``hstrack.store.index``) vouches for the store: the
  index is written only from bytes validated in full, and trusted only while the store's
  identity (device, inode, size, modification and change times) is the one it recorded
  and, while it is racy (a writer's own), the store's bytes still hash to its digest.
  Otherwise the caller reads the whole store, which validates every byte and reports any
  damage, as before.
- Each title is read from its span with ``os.pread``, parsed, and checked again by the
  same rules as a whole read (``title_from_json``), but for its history, which the index
  already vouches for; the store's own fields are read from the bytes around the titles.
  What a view reads of history is kept: the last change (how old the facts are) always,
  and all of it for a title with a date window (whether a closed window is due).
- The identity is checked again after the last title: a store changed during the read
  sends the caller to the whole store.
- A document without (all of its) history is marked ``partial``: it can be reported on, never
  written (``hstrack.store.codec.dumps`` refuses it).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hstrack.core.model.document import Document
    from hstrack.core.model.title import Title
    from hstrack.store.index import Index
    from hstrack.store.layout import Layout


def read_without_history(layout: Layout) -> Document | None:
    """Every title but its history, or None when the index cannot vouch for the store."""
    return read_streamed(layout, history=False)


def read_streamed(layout: Layout, history: bool) -> Document | None:
    """Every title (``history``: with its history, checked as a whole read checks it), or
    None when the index cannot vouch for the store."""
    import orjson

    from hstrack.core.model.reading import document_from_json
    from hstrack.core.model.shape import ShapeError
    from hstrack.core.model.unknown import NumberWatch
    from hstrack.store.index import identity_of, open_vouched

    opened = open_vouched(layout)  # the same rules as a one-title read, the store's bound among them
    if opened is None:
        return None
    index, fd, st = opened
    try:
        if index.racy and not _settled(layout, index, fd, st):
            return None
        located = index.located()
        if located is None:
            return None  # an index that does not describe these bytes: the whole store speaks
        try:
            size = index.store[2]
            if not located:  # no titles: the store is small, its own fields all there is
                skeleton = os.pread(fd, size, 0)
            else:
                first, last = located[0][1], located[-1][1] + located[-1][2]
                skeleton = os.pread(fd, first, 0) + os.pread(fd, size - last, last)
            NumberWatch.seen = False
            doc = document_from_json(orjson.loads(skeleton))
            titles: dict[str, Title] = {}
            for title_id, offset, length in located:
                # With the line break before it: a title is a whole block at the titles'
                # indent, never an object nested deeper that happens to hold the id.
                text = os.pread(fd, length + 1, offset - 1)
                if not (text.startswith(b"\n    {\n") and text.endswith(b"\n    }")):
                    return None
                title = _title(text[1:], title_id, history)
                if title is None:
                    return None
                titles[title_id] = title
        except (ValueError, TypeError, ShapeError, RecursionError, OSError):
            return None  # the whole store speaks for itself
        if NumberWatch.seen or doc.titles or identity_of(os.fstat(fd)) != index.store:
            return None
    finally:
        os.close(fd)
    doc.titles = titles  # in the file's order, as a whole read gives them
    doc.partial = not history
    return doc


def _settled(layout: Layout, index: Index, fd: int, st: os.stat_result) -> bool:
    """A racy index (a writer's own, until a command a tick later checks it): trusted once
    the store's bytes, hashed a megabyte at a time, are the ones it holds the digest of;
    then, as ``hstrack.store.index.read_title`` does, it is written settled."""
    import contextlib
    import time

    from hstrack.core.errors import StoreError
    from hstrack.store.files import read_all
    from hstrack.store.files import sha256 as small_sha256
    from hstrack.store.index import _write, is_racy

    read_ns = time.time_ns()
    if st.st_size <= 1 << 20:  # the standard library's own digest: no OpenSSL to load
        digest = small_sha256(read_all(fd))
    else:
        from hashlib import sha256

        hashed, offset = sha256(), 0
        while chunk := os.pread(fd, 1 << 20, offset):
            hashed.update(chunk)
            offset += len(chunk)
        digest = hashed.hexdigest()
    if digest != index.digest:
        return False
    if not is_racy(read_ns, st.st_ctime_ns):
        from hstrack.store.locking import StoreLock

        index.checked_ns, index.digest = read_ns, None
        with contextlib.suppress(OSError, StoreError):
            _write(layout, lambda: StoreLock(layout), index.to_bytes(), st, held=False)
    return True


_HISTORY = b'\n      "history": [\n'
_ENTRY = b"\n        {"
_CLOSE = b"\n      ]"


def _title(text: bytes, title_id: str, history: bool) -> Title | None:
    import orjson

    from hstrack.core.model.reading import title_from_json

    full = text
    if not history and (start := text.find(_HISTORY)) >= 0:
        # Not even parsed: in hstrack's layout a title's history is the lines from its key to
        # the first "]" at the title's fields' indent (its entries are indented further).
        # Its last entry is kept: how old a title's facts are (``core.report.freshness``)
        # is read from it.
        end = text.find(_CLOSE, start)
        if end < 0:
            return None
        last = text.rfind(_ENTRY, start, end)
        kept = text[last:end] if last >= 0 else b""
        text = text[:start] + b'\n      "history": [' + kept + _CLOSE + text[end + len(_CLOSE) :]
    data = orjson.loads(text)
    if type(data) is not dict or data.get("id") != title_id:
        return None
    title = title_from_json(data, f"title {title_id!r}")
    if text is not full and any(not m.date.is_exact and not m.date.is_tba for m in title.milestones.values()):
        # A window (autumn 2026) that closed is "due" unless a day inside it was ever
        # recorded (``core.report.titles``): only its history can say, so a title with a
        # window is read whole. Most are hand-tracked and small; synced releases are days.
        return _title(full, title_id, True)
    return title
