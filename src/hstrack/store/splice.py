"""A change to one title, spliced into the store's bytes instead of rewriting all of them.

``set``, ``unset`` and the other changes of one title read and write a 100 MB store to
change a few hundred bytes of it. When the index (``hstrack.store.index``) vouches for the
bytes just read under the lock (their identity, and their digest while it is racy), and
says they are exactly what hstrack writes for their content (``canonical``: a writer's own
bytes), the change is made on that title alone:

- Only the title's bytes (located by the index, a whole ``    {`` … ``    }`` block) and
  the store's own fields around the titles are parsed and checked; the rest is vouched
  for by the index, which is written only from bytes validated in full.
- The change is applied to a document holding that one title. If it reached beyond it
  (another title, the store's own fields, a rename), nothing of it is kept: the caller
  reads the whole store and makes the change again.
- The new bytes are the old ones with the title's block replaced by its new text, encoded
  as ``dumps`` encodes it inside a store (``codec.title_text``): byte for byte what a whole
  rewrite writes (a property test holds it to that). Every other rule of a write (lock,
  backup, fsync, versions) is the caller's, unchanged.
- The derived files are brought up to date from what changed: the index's spans shift, the
  Tab cache's line for the title is replaced, and the prompt's cache, when it shows a
  pinned title, is rebuilt from that title. Whatever cannot be worked out from one title
  (an unpinned prompt, a fact the old title may have been alone in holding) is rebuilt
  from the whole store, as after any write.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from datetime import datetime
from typing import TYPE_CHECKING

from hstrack.core.errors import StoreError

if TYPE_CHECKING:
    from hstrack.core.model.document import Document
    from hstrack.core.model.title import Title
    from hstrack.store.derived import StoreParts
    from hstrack.store.index import Index
    from hstrack.store.layout import Layout


class Splice:
    """Where one title sits in the bytes read under the lock, and what it held before the
    change (made before the change is applied to it)."""

    def __init__(self, raw: bytes, st: os.stat_result, index: Index, spans: dict[str, list[int]],
                 title_id: str, shell: bytes, old: Title) -> None:  # fmt: skip
        self.raw, self.st, self.index, self.spans = raw, st, index, spans
        self.title_id, self.shell = title_id, shell
        self.offset, self.length = spans[title_id]
        self.old_kinds = {m.kind for m in old.milestones.values()}
        self.old_places = _has_places(old)
        self.old_instants = {int(m.date.at.timestamp()) for m in old.milestones.values() if m.date.at is not None}
        self.text = b""

    def pieces_after(self, doc: Document) -> list[bytes | memoryview] | None:
        """The store's new bytes in three pieces (before the title, its new text, after
        it: 100 MB never copied), or None when the change reached beyond the title."""
        from hstrack.store.codec import dumps

        if list(doc.titles) != [self.title_id] or doc.partial or dumps(_shell(doc)) != self.shell:
            return None
        self.text = _title_text(doc.titles[self.title_id])
        view = memoryview(self.raw)
        return [view[: self.offset], self.text, view[self.offset + self.length :]]

    @property
    def unchanged(self) -> bool:
        return self.text == self.raw[self.offset : self.offset + self.length]

    @property
    def size_after(self) -> int:
        return len(self.raw) + len(self.text) - self.length


def open_title(layout: Layout, raw: bytes, st: os.stat_result, title_id: str) -> tuple[Document, Splice] | None:
    """A document holding only ``title_id``, read from ``raw`` (the store's bytes, read
    under the lock, whose status was ``st``), and the splice to write it back; None when
    the index cannot vouch for ``raw`` or does not hold the title."""
    import orjson

    from hstrack.core.model.reading import document_from_json, title_from_json
    from hstrack.core.model.shape import ShapeError
    from hstrack.core.model.unknown import NumberWatch
    from hstrack.store.codec import dumps
    from hstrack.store.index import digest_of, identity_of, load

    index = load(layout.index_path)
    if index is None or not index.canonical or not index.locates or identity_of(st) != index.store:
        return None
    if len(raw) != st.st_size or (index.racy and digest_of(raw) != index.digest):
        return None
    # ``st`` was taken as the store was opened, before its bytes were read: a change made in
    # place while they were read (another tool's, which takes no lock) moved the change time
    # since, and what was read is then not what the index vouches for.
    if identity_of(os.stat(layout.path)) != index.store:
        return None
    located = index.located()
    if not located:
        return None
    spans = {key: [offset, length] for key, offset, length in located}
    if title_id not in spans:
        return None
    offset, length = spans[title_id]
    text = raw[offset : offset + length]
    if raw[offset - 1 : offset] != b"\n" or not (text.startswith(b"    {\n") and text.endswith(b"\n    }")):
        return None
    first, last = located[0][1], located[-1][1] + located[-1][2]
    try:
        NumberWatch.seen = False
        doc = document_from_json(orjson.loads(raw[:first] + raw[last:]))
        title = title_from_json(orjson.loads(text), f"title {title_id!r}")
    except (ValueError, TypeError, ShapeError, RecursionError):
        return None
    if NumberWatch.seen or doc.titles or title.id != title_id:
        return None
    shell = dumps(doc)
    doc.titles = {title_id: title}
    return doc, Splice(raw, st, index, spans, title_id, shell, title)


def _shell(doc: Document) -> Document:
    return dataclasses.replace(doc, titles={})


def _title_text(title: Title) -> bytes:
    from hstrack.store.codec import title_text

    return title_text(title)


def _has_places(title: Title) -> bool:
    return any(m.region is not None or m.medium is not None for m in title.milestones.values())


# ---------------------------------------------------------------------------- derived files


def refresh(store: StoreParts, splice: Splice, doc: Document, now: datetime, known: str) -> None:
    """The derived files after a spliced write (see the module's docstring; ``known``: the
    SHA-256 of ``written``): a failure to write one never fails the change."""
    from hstrack.store.derived import refresh_all

    title = doc.titles[splice.title_id]
    with contextlib.suppress(OSError, StoreError, ValueError):
        _index(store.layout, splice, title, known)
    tab = prompt = False
    with contextlib.suppress(OSError, StoreError, ValueError):
        tab = _tab(store.layout, splice, title)
    with contextlib.suppress(Exception):
        prompt = _prompt(store.layout, splice, doc, now)
    if not (tab and prompt):  # what one title cannot tell: from the whole store, as after any write
        whole = None
        with contextlib.suppress(Exception):
            whole = store.read(held=True)
        if whole is not None:
            if not prompt:
                with contextlib.suppress(Exception):
                    store_prompt(store, whole, now)
            if not tab:
                from hstrack.store.derived import refresh_completion_cache

                with contextlib.suppress(Exception):
                    refresh_completion_cache(store, whole, held=True)
        else:
            refresh_all(store, None, now)


def store_prompt(store: StoreParts, doc: Document, now: datetime) -> None:
    from hstrack.store.derived import refresh_prompt_cache

    refresh_prompt_cache(store, doc, now, held=True)


def _index(layout: Layout, splice: Splice, title: Title, known: str) -> None:
    """The index of the new bytes: the spans after the title shift by its change in length;
    the store's facts follow the title, unless the old title may have been alone in holding
    one (then no index is written, and the next reader builds it from the whole store)."""
    import orjson

    from hstrack.store.files import write_atomic
    from hstrack.store.index import Index, identity_of, index_path

    old = splice.index
    kinds = {m.kind for m in title.milestones.values()}
    places = _has_places(title)
    if not splice.old_kinds <= kinds or (old.places and splice.old_places and not places):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(index_path(layout.path))
        return
    st = os.stat(layout.path)
    if st.st_size != splice.size_after:
        return  # changed already by someone else: leave it to the next reader
    delta = len(splice.text) - splice.length
    spans = {
        key: [offset + delta, length] if offset > splice.offset else [offset, length]
        for key, (offset, length) in splice.spans.items()
    }
    spans[splice.title_id] = [splice.offset, len(splice.text)]
    store = identity_of(st)
    index = Index(store, store[4], known, old.schema, old.places or places, sorted(set(old.kinds) | kinds),
                  old.conflicts, orjson.dumps(spans), canonical=True, sha256=known)  # fmt: skip
    write_atomic(index.to_bytes(), layout.index_path, durable=False)


def _tab(layout: Layout, splice: Splice, title: Title) -> bool:
    """The Tab cache with the title's line replaced, if the cache was the old store's."""
    from hstrack.store.files import read_regular, write_atomic
    from hstrack.store.tab_cache import SEP, build, identity

    st = splice.st
    before = SEP.join(str(n) for n in (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
    try:
        lines = read_regular(layout.completion_cache_path).decode("utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return False
    if len(lines) < 3 or lines[1] != f"store{SEP}{before}" or lines[-1] != "":
        return False
    from hstrack.core.model.document import Document

    after = identity(str(layout.path))
    if after is None:
        return False
    own = build(Document(titles={title.id: title}), after).split("\n")
    at = [i for i, line in enumerate(lines) if line.startswith(title.id + SEP)]
    if len(at) != 1:
        return False
    lines[1], lines[at[0]] = own[1], own[2]
    write_atomic("\n".join(lines).encode("utf-8"), layout.completion_cache_path, mode=None)
    return True


def _prompt(layout: Layout, splice: Splice, doc: Document, now: datetime) -> bool:
    """The prompt's cache, when it shows a pinned title: rebuilt from that title, and from
    the old cache the first moment of another title's that makes it stale (``expires``),
    which one title's change can only bring forward. False when that cannot be known."""
    import orjson

    from hstrack.core.model.document import Document
    from hstrack.core.model.reading import title_from_json
    from hstrack.store.derived import viewer
    from hstrack.store.files import read_regular, write_atomic
    from hstrack.store.prompt_cache import SEP, _horizon, build, day_number, store_identity, zone_id

    pin = doc.pin_title
    if pin is None or pin not in splice.spans:
        return False
    if pin == splice.title_id:
        pinned = doc.titles[pin]
    else:
        offset, length = splice.spans[pin]  # another title: its bytes as they were, and are
        pinned = title_from_json(orjson.loads(splice.raw[offset : offset + length]), f"title {pin!r}")
    try:
        lines = read_regular(layout.prompt_cache_path).decode("utf-8").split("\n")
        _, _, built_from = lines[1].split(SEP)
        _, zone, expires = lines[2].split(SEP)
        first_day = int(lines[3].split(SEP)[0])
        before = int(expires)
    except (OSError, UnicodeDecodeError, ValueError, IndexError):
        return False
    horizon = _horizon(now)
    moment = now.timestamp()
    if built_from != store_identity(splice.st):
        return False  # built from another store than the one just changed
    if zone != zone_id() or first_day != day_number(now.date()) or (before and before <= moment):
        return False  # built for another zone or day (another horizon), or stale already
    if before and before in splice.old_instants:
        return False  # the title changed may have been the one that set it
    title = doc.titles[splice.title_id]
    mine = [
        int(m.date.at.timestamp())
        for m in title.milestones.values()
        if m.date.at is not None and m.date.at > now and m.date.at.astimezone(now.tzinfo).date() <= horizon
    ]
    soonest = min([*mine, *([before] if before else [])], default=0)
    one = Document(titles={pin: pinned}, pin_title=pin, pin_milestone=doc.pin_milestone)
    pref, rule = viewer()
    st = os.stat(layout.path)
    text = build(one, now, pref, store_identity(st), rule=rule, expires=soonest)
    # The store's modification time, to the nanosecond, as every writer gives the cache:
    # what the shell snippets compare (see ``hstrack.store.prompt_cache``).
    write_atomic(text.encode("utf-8"), layout.prompt_cache_path, mode=None, times_ns=(st.st_atime_ns, st.st_mtime_ns))
    return True
