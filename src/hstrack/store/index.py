"""The store's index: where each title sits in ``store.json``, so that a command about one
title reads that title and not the other 9,999.

``store.json`` stays the one canonical file; this is a derived, disposable file beside it
(``store.json.index``), modelled on git's index:

- It is written only from bytes that were read and validated in full as a store (by a
  writer, right after it wrote them; or by a reader that read the whole store anyway).
- It records the store's identity when those bytes were checked: device, inode, size,
  modification and change times in nanoseconds. It is trusted only while the store's
  identity is the same; any write to the store, in place or by replacing it, changes the
  change time, which nobody can set back. Otherwise it is ignored and rebuilt.
- Git's "racy" case: a file changed again within the same tick of the file system's clock
  keeps its times. So when the bytes were checked within a tick of the store's change time
  (see ``is_racy``), the index also holds their digest, and a reader hashes the store
  before it trusts the index (about 12 ms at 10,000 titles; a writer's own index is always
  racy, and the first reader after the tick writes a settled one).
- It only covers a store in hstrack's own layout (what hstrack writes): then a title is the
  lines between ``    {`` and ``    }`` in the titles array, since JSON text never holds a
  raw newline inside a string. A store edited by hand into another layout gets an index
  that says so, and is read in full until hstrack next writes it.
- A reader also checks the store's identity after reading a title: a store changed while
  it read is read again in full. Deleting the index loses nothing.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hstrack import __version__

if TYPE_CHECKING:
    from hstrack.core.model.document import Document
    from hstrack.core.model.title import Title
    from hstrack.store.layout import Layout
    from hstrack.store.locking import StoreLock

FORMAT = 1
# How long after the store's change time the index is "racy" (see above): longer than one
# tick of the clock the file system stamps times with. A store whose change time is a
# whole number of milliseconds may be on one with coarse times (FAT's two seconds, ext3's
# one, a millisecond NFS server): three seconds. Otherwise the times come from the
# kernel's clock, which moves every few milliseconds (a jiffy, at most 10 ms): 100 ms.
RACY_NS = 3_000_000_000
FINE_RACY_NS = 100_000_000
_TITLES_START = re.compile(rb'\n  "titles": \[\n')
_TITLES_END = re.compile(rb"\n  \]")
_TITLE_OPEN = re.compile(rb"\n    \{\n")
_TITLE_CLOSE = re.compile(rb"\n    \}")


Identity = tuple[int, int, int, int, int]


def identity_of(st: os.stat_result) -> Identity:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


class Index:
    """What one-title commands need to know of the whole store, and where each title is.

    A plain class, not a dataclass: it is made on the path of every one-title command,
    where creating a dataclass costs more than the whole look-up."""

    __slots__ = ("canonical", "checked_ns", "conflicts", "digest", "kinds", "places", "schema", "sha256", "spans",
                 "store")  # fmt: skip

    def __init__(
        self,
        store: Identity,
        checked_ns: int,
        digest: str | None,
        schema: int,
        places: bool,
        kinds: list[str],
        conflicts: list[str],
        spans: bytes,
        canonical: bool = False,
        sha256: str | None = None,
    ) -> None:
        self.store = store
        self.checked_ns = checked_ns
        self.digest = digest  # SHA-256 of the store's bytes, kept while the index is racy
        self.schema = schema
        self.places = places  # Document.has_places()
        self.kinds = kinds  # Document.milestone_kinds()
        self.conflicts = conflicts  # the titles of Document.conflicts
        # {"id":[offset,length],...} as JSON text, or b"null" for a store not in hstrack's
        # layout. Kept as text: a look-up finds one id in it (ids are slugs, so '"id":['
        # occurs once) instead of building 10,000 entries to use one.
        self.spans = spans
        # The store's bytes are exactly what hstrack writes for its content (a writer's own
        # bytes): only then can a change of one title be spliced into them (hstrack.store.splice)
        # and give the bytes a whole rewrite gives.
        self.canonical = canonical
        # The SHA-256 of the store's bytes, as the version a writer kept of them records it;
        # kept once the index is settled, so the next change need not hash 100 MB again to
        # tell whether the store is still its last version. None when not known.
        self.sha256 = sha256

    def has_places(self) -> bool:
        return self.places

    def milestone_kinds(self) -> set[str]:
        return set(self.kinds)

    @property
    def racy(self) -> bool:
        return is_racy(self.checked_ns, self.store[4])

    @property
    def locates(self) -> bool:
        return self.spans != b"null"

    def span(self, title_id: str) -> tuple[int, int] | None:
        """Where ``title_id`` is in the store: (offset, length); None when it is not there."""
        if not title_id.isascii() or '"' in title_id:
            return None  # not an id hstrack could have written (the whole store says so)
        at = self.spans.find(b'"' + title_id.encode() + b'":[')
        if at < 0:
            return None
        start = at + len(title_id) + 4
        end = self.spans.find(b"]", start)
        try:
            offset, length = (int(n) for n in self.spans[start:end].split(b","))
        except ValueError:
            return None
        return offset, length

    def located(self) -> list[tuple[str, int, int]] | None:
        """Every title's (id, offset, length), in the file's order, when the spans can
        describe the titles array of a store of the index's size, as hstrack writes one:
        whole numbers, each block right after the one before (a comma and a line break
        between), none past the end; None otherwise (the whole store then speaks for
        itself). An index that left a title out, or pointed one at a copy elsewhere in the
        file, must not answer."""
        import orjson

        try:
            spans = orjson.loads(self.spans)
        except orjson.JSONDecodeError:
            return None
        if type(spans) is not dict:
            return None
        located: list[tuple[str, int, int]] = []
        after = None
        for title_id, span in spans.items():
            if type(span) is not list or len(span) != 2 or any(type(n) is not int for n in span):
                return None
            offset, length = span
            if offset < 1 or length < 12 or (after is not None and offset != after + 2):
                return None
            after = offset + length
            located.append((title_id, offset, length))
        if after is not None and after > self.store[2]:
            return None
        return located

    def to_bytes(self) -> bytes:
        import orjson

        header = {"hstrack-index": FORMAT, "version": __version__, "store": list(self.store)}
        facts = {
            "checked_ns": self.checked_ns,
            "digest": self.digest,
            "schema": self.schema,
            "places": self.places,
            "kinds": self.kinds,
            "conflicts": self.conflicts,
            "canonical": self.canonical,
            "sha256": self.sha256,
        }
        return orjson.dumps(header) + b"\n" + orjson.dumps(facts) + b"\n" + self.spans + b"\n"


def is_racy(checked_ns: int, ctime_ns: int) -> bool:
    """Whether bytes checked at ``checked_ns`` may not be all a store changed at
    ``ctime_ns`` holds: a change within the same tick of the file system's clock keeps
    that change time."""
    return checked_ns - ctime_ns < (RACY_NS if ctime_ns % 1_000_000 == 0 else FINE_RACY_NS)


def digest_of(raw: bytes) -> str:
    """SHA-256 of the store's bytes: the digest the kept versions record, so a writer hashes
    what it wrote once, for both (``hstrack.store.files.sha256``, which avoids loading
    OpenSSL on the one-title commands' path)."""
    from hstrack.store.files import sha256

    return sha256(raw)


def index_path(store_path: Path) -> Path:
    return store_path.with_name(f"{store_path.name}.index")


def title_spans(raw: bytes, ids: list[str]) -> bytes:
    """Each title's offset and length in ``raw``, a store in hstrack's layout whose titles
    array holds ``ids`` in this order, as the index keeps them; b"null" when the layout is
    not that."""
    import orjson

    start = _TITLES_START.search(raw)
    end = _TITLES_END.search(raw, start.end() - 1) if start is not None else None
    if start is None or end is None:
        return b"null"
    opens = [m.start() + 1 for m in _TITLE_OPEN.finditer(raw, start.end() - 1, end.start() + 1)]
    closes = [m.end() for m in _TITLE_CLOSE.finditer(raw, start.end() - 1, end.start() + 1)]
    if len(opens) != len(ids) or len(closes) != len(ids):
        return b"null"
    return orjson.dumps({title_id: [o, c - o] for title_id, o, c in zip(ids, opens, closes, strict=True)})


def in_layout(raw: bytes, data: Any) -> bool:
    """Whether ``raw``, which parsed as ``data``, is in hstrack's own layout (what hstrack
    writes): checked by writing ``data`` again, which orjson does in ~20 ms at 10,000 titles."""
    import orjson

    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE) == raw
    except TypeError:
        return False


def build(
    raw: bytes,
    st: os.stat_result,
    doc: Document,
    order: list[str] | None,
    read_ns: int | None,
    canonical: bool = False,
    known: str | None = None,
) -> Index:
    """The index of ``raw``, the bytes of the store ``doc`` read in full and valid, whose
    identity was ``st`` when they were read. ``order``: the title ids in the order ``raw``
    holds them, when ``raw`` is in hstrack's own layout (see ``in_layout``); None when it
    is not, and no title is located. ``read_ns``: the time just before ``raw`` was read
    (a change after it moves the change time, unless it falls in the same tick); None for
    a writer's own bytes, which are racy by construction."""
    spans = title_spans(raw, order) if order is not None else b"null"
    store = identity_of(st)
    checked = store[4] if read_ns is None else read_ns
    digest = (known or digest_of(raw)) if is_racy(checked, store[4]) else None
    return Index(store, checked, digest, doc.read_schema, doc.has_places(), sorted(doc.milestone_kinds()),
                 [c.title for c in doc.conflicts], spans, canonical and spans != b"null", known)  # fmt: skip


def load(path: Path) -> Index | None:
    """The index at ``path``, or None when there is none or it cannot be used (another
    format or hstrack version, damage): a cache that is wrong is never an error."""
    import orjson

    from hstrack.store.files import SIDECAR_LIMIT, read_regular

    try:
        header_line, facts_line, spans, rest = read_regular(path, SIDECAR_LIMIT, follow=False).split(b"\n", 3)
        header, facts = orjson.loads(header_line), orjson.loads(facts_line)
    except (OSError, ValueError):
        return None
    try:
        if rest or header["hstrack-index"] != FORMAT or header["version"] != __version__:
            return None
        store = [int(n) for n in header["store"]]
        index = Index(
            store=(store[0], store[1], store[2], store[3], store[4]),
            checked_ns=int(facts["checked_ns"]),
            digest=facts["digest"] if isinstance(facts["digest"], str) else None,
            schema=int(facts["schema"]),
            places=bool(facts["places"]),
            kinds=[str(k) for k in facts["kinds"]],
            conflicts=[str(c) for c in facts["conflicts"]],
            spans=spans,
            canonical=facts.get("canonical") is True,
            sha256=facts["sha256"] if isinstance(facts.get("sha256"), str) else None,
        )
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        return None
    if len(store) != 5 or (index.racy and index.digest is None):
        return None
    return index


# ---------------------------------------------------------------------------- the store's use of it


def after_read(
    layout: Layout,
    lock: Callable[[], StoreLock],
    raw: bytes,
    st: os.stat_result,
    read_ns: int,
    doc: Document,
    data: Any,
    held: bool,
) -> None:
    """``raw`` was read (from just after ``read_ns``) and validated in full: bring the
    index up to date if it is not."""
    from hstrack.core.model.document import OLDEST_CURRENT, SCHEMA_VERSION

    if not OLDEST_CURRENT <= doc.read_schema <= SCHEMA_VERSION:
        return  # a migrated or newer store is read in full, every time
    current = load(layout.index_path)
    if current is not None and current.store == identity_of(st):
        if not current.racy:
            return
        if is_racy(read_ns, st.st_ctime_ns):
            return  # still racy: it holds the digest readers check; nothing to settle yet
        if current.digest == digest_of(raw):
            current.checked_ns, current.digest = read_ns, None
            _write(layout, lock, current.to_bytes(), st, held)
            return
    order = list(doc.titles) if data is not None and in_layout(raw, data) else None
    _write(layout, lock, build(raw, st, doc, order, read_ns).to_bytes(), st, held)


def _write(layout: Layout, lock: Callable[[], StoreLock], text: bytes, st: os.stat_result, held: bool) -> None:
    """Write the index for the store as it was at ``st``: at once under the caller's
    lock, else only if the lock is free now and the store is still that file."""
    from hstrack.store.files import write_atomic

    if held:
        write_atomic(text, layout.index_path, durable=False)
        return
    with lock().if_free() as free:
        if free and identity_of(os.stat(layout.path)) == identity_of(st):
            write_atomic(text, layout.index_path, durable=False)


def open_vouched(layout: Layout) -> tuple[Index, int, os.stat_result] | None:
    """The index, and the store opened (the caller closes the descriptor) with its status,
    when the index may speak for that very file: it locates titles, and the store's
    identity is the one it recorded and within the bound of a store (a reader of a title
    or of every title through the index, ``hstrack.store.stream``). None otherwise."""
    from hstrack.store.files import STORE_LIMIT, open_regular

    index = load(layout.index_path)
    if index is None or not index.locates:
        return None
    try:
        fd = open_regular(layout.path)
    except OSError:
        return None
    st = os.fstat(fd)
    if identity_of(st) != index.store or st.st_size > STORE_LIMIT:
        os.close(fd)
        return None
    return index, fd, st


def read_title(layout: Layout, lock: Callable[[], StoreLock], title_id: str) -> tuple[Index, Title | None] | None:
    """One title read through the index, with what the index knows of the whole store;
    the title is None when the store has no such id. None when the index cannot
    answer (missing, stale, racy and not matching, a layout it does not cover, the
    store changing while it is read): the caller reads the whole store instead, which
    also reports any damage."""
    from hstrack.core.errors import StoreError
    from hstrack.store.files import read_all

    opened = open_vouched(layout)
    if opened is None:
        return None
    index, fd, st = opened
    try:
        whole = None
        if index.racy:
            read_ns = time.time_ns()
            whole = read_all(fd)
            if digest_of(whole) != index.digest:
                return None
            if not is_racy(read_ns, st.st_ctime_ns):
                # Read a tick after the last change: any later change moves the change
                # time, so from now on the identity alone tells.
                index.checked_ns, index.digest = read_ns, None
                with contextlib.suppress(OSError, StoreError):
                    _write(layout, lock, index.to_bytes(), st, held=False)
        span = index.span(title_id)
        if span is None:
            return index, None
        offset, length = span
        if offset < 1 or length < 12 or offset + length > st.st_size:
            return None
        # With the newline before it: a title in hstrack's layout is a whole line "    {"
        # to a line "    }" (a deeper object, say one inside another title's unknown
        # field, is indented further), so a span that lies is caught even when the
        # object it points at has the id asked for.
        start = offset - 1
        text = whole[start : offset + length] if whole is not None else os.pread(fd, length + 1, start)
        if identity_of(os.fstat(fd)) != index.store:
            return None
        if not (text.startswith(b"\n    {\n") and text.endswith(b"\n    }")):
            return None
        text = text[1:]
    finally:
        os.close(fd)
    return _title_from(text, title_id, index)


def after_write(layout: Layout, written: bytes, doc: Document, known: str | None = None) -> None:
    """The index of what this writer just wrote: in hstrack's layout by construction,
    titles in id order (``Document.to_json``). Racy by construction too (see
    ``hstrack.store.index``), so it carries the digest readers check."""
    from hstrack.store.files import write_atomic

    st = os.stat(layout.path)
    if st.st_size != len(written):
        return  # changed already by someone else: leave it to the next reader
    index = build(written, st, doc, sorted(doc.titles), None, canonical=True, known=known)
    write_atomic(index.to_bytes(), layout.index_path, durable=False)


def _title_from(text: bytes, title_id: str, index: Index) -> tuple[Index, Title | None] | None:
    """The title in an index's span of the store, or None if the span does not hold it
    (then the whole store is read, and speaks for itself)."""
    import orjson

    from hstrack.core.model.reading import title_from_json
    from hstrack.core.model.shape import ShapeError
    from hstrack.core.model.unknown import NumberWatch

    NumberWatch.seen = False
    try:
        title = title_from_json(orjson.loads(text), f"title {title_id!r}")
    except (orjson.JSONDecodeError, ShapeError, RecursionError):
        return None
    if title.id != title_id or NumberWatch.seen:
        return None
    return index, title
