"""The files derived from the store, written through one seam: the index, the prompt's
cache and the Tab cache.

Each is built from a ``Document`` by a pure function (``hstrack.store.index.build``,
``hstrack.store.prompt_cache.build``, ``hstrack.store.tab_cache.build``) and is disposable:
a writer refreshes all three under the lock right after it replaced the store
(``refresh_all``), and a failure to write one never fails the change. A reader that finds
one stale (the prompt, a Tab press) rebuilds it from the store without waiting for the
lock, and writes it only if it can take the lock at once and the store is still the file
it read, so a rebuild from an older store never lands after a writer's newer cache.
"""

from __future__ import annotations

import contextlib
import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from hstrack.core.errors import StoreError
from hstrack.store.files import file_identity, regular_or_missing, write_atomic

if TYPE_CHECKING:
    from hstrack.core.model.document import Document
    from hstrack.core.regions import Preference
    from hstrack.store.layout import Layout
    from hstrack.store.locking import StoreLock
    from hstrack.store.versions import Versions


class StoreParts(Protocol):
    """What the store's parts (this seam, undo and restore) see of a ``Store``."""

    given: Path
    path: Path
    folder: Path
    backup_dir: Path
    layout: Layout

    @property
    def lock(self) -> StoreLock: ...
    @property
    def kept(self) -> Versions: ...

    def read(self, held: bool = False) -> Document: ...
    def read_raw(self) -> bytes: ...


def viewer() -> tuple[Preference, str]:
    """Whom the prompt's cache is built for: the region and media in effect (HSTRACK_REGION,
    hstrack config, the locale), and the rule that chooses what an unpinned prompt shows
    (hstrack config prompt). A setting that cannot be read is left out here, where the
    prompt must never fail, and reported by the commands."""
    from hstrack.core.errors import HstrackError
    from hstrack.core.regions import WORLDWIDE, preference
    from hstrack.store import config
    from hstrack.store.prompt_rule import DEFAULT_RULE

    try:
        saved = config.read()
    except HstrackError:
        saved = {}
    try:
        pref = preference(os.environ, saved)
    except HstrackError:
        pref = WORLDWIDE
    return pref, saved.get("prompt", DEFAULT_RULE)


def refresh_prompt_cache(
    store: StoreParts,
    doc: Document | None = None,
    now: datetime | None = None,
    write: bool = True,
    held: bool = False,
) -> str:
    """Write the prompt's cache for the store as it is now. A damaged or missing store gets
    a cache that shows nothing, so shells do not retry on every prompt.

    With ``doc`` (or ``held``) the caller is a writer holding the lock. Otherwise it is the
    prompt rebuilding a stale cache (see above)."""
    from hstrack.core.clock import resolve_now
    from hstrack.store.prompt_cache import build, build_empty, store_identity

    target = store.layout.prompt_cache_path
    now = now or resolve_now(None)
    pref, rule = viewer()
    try:
        st: os.stat_result | None = os.stat(store.path)
    except OSError:
        st = None
    identity = store_identity(st) if st is not None else ""
    # The cache takes the store's modification time, to the nanosecond: what the shell
    # snippets compare (see prompt_cache).
    times = (st.st_atime_ns, st.st_mtime_ns) if st is not None else None
    if doc is not None:
        text = build(doc, now, pref, identity, rule=rule)
        if write:
            write_atomic(text.encode("utf-8"), target, mode=None, times_ns=times)
        return text
    before = file_identity(store.path)
    try:
        doc = store.read()
    except StoreError:
        doc = None
    text = build(doc, now, pref, identity, rule=rule) if doc is not None else build_empty(now, identity)
    if write and held:
        write_atomic(text.encode("utf-8"), target, mode=None, times_ns=times)
    elif write:
        with store.lock.if_free() as free:
            if free and file_identity(store.path) == before:
                write_atomic(text.encode("utf-8"), target, mode=None, times_ns=times)
    return text


def refresh_completion_cache(store: StoreParts, doc: Document | None = None, held: bool = False) -> str:
    """Write the Tab-completion cache (``hstrack.store.tab_cache``) for the store as it is
    now, and return its text; a store that cannot be read gets one with no titles, so Tab
    presses do not retry it until it changes.

    ``held``: the caller is a writer holding the lock, just after replacing the store (with
    ``doc``, what it wrote). Otherwise it is a Tab press that found the cache stale."""
    from hstrack.store.tab_cache import build, identity

    target = store.layout.completion_cache_path
    before = identity(str(store.path))
    if before is None:
        return ""
    if doc is None:
        with contextlib.suppress(StoreError):
            doc = store.read()
    text = build(doc, before)
    if held:
        write_atomic(text.encode("utf-8"), target, mode=None)
        return text
    if not regular_or_missing(target):
        return text  # a FIFO or a folder there: never replaced from a Tab press (a write replaces it)
    with contextlib.suppress(StoreError), store.lock.if_free() as free:
        if free and identity(str(store.path)) == before:
            write_atomic(text.encode("utf-8"), target, mode=None)
    return text


def refresh_all(
    store: StoreParts, doc: Document | None, now: datetime, written: bytes | None = None, known: str | None = None
) -> None:
    """Under the lock, right after the store was replaced (with ``written``, by a change
    that holds ``doc``; ``known``: their SHA-256, as the kept version records it): every
    derived file. They are a convenience: a failure to write
    one must never fail a change."""
    if doc is None:  # undo, restore: read the store once for the caches (and the index)
        with contextlib.suppress(Exception):
            doc = store.read(held=True)
    elif written is not None:
        from hstrack.store.index import after_write

        with contextlib.suppress(OSError, StoreError):
            after_write(store.layout, written, doc, known)
    with contextlib.suppress(Exception):
        refresh_prompt_cache(store, doc, now, held=True)
    with contextlib.suppress(Exception):
        refresh_completion_cache(store, doc, held=True)
