"""Going back: ``undo`` (one version back) and ``doctor --restore`` (the newest good
version over a damaged store).

Both run under the store's lock and only ever put back a version the store really held
(``hstrack.store.versions``), never one a newer hstrack wrote; restore keeps the damaged
file beside the store under a new name first, so nothing is lost by restoring.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from hstrack.core.errors import HstrackError, StoreError
from hstrack.core.model.document import SCHEMA_VERSION
from hstrack.store.codec import DOCTOR_HINT, declared_schema, parse_bytes
from hstrack.store.derived import refresh_all
from hstrack.store.files import NEW_STORE_MODE, read_regular, sha256, write_atomic
from hstrack.store.versions import UNDOING, Version, quiet_read, readable

if TYPE_CHECKING:
    from hstrack.store.derived import StoreParts


def undo(store: StoreParts, now: datetime, across: bool = False) -> Version:
    """Go back one version. Returns the version that was undone.

    Undo composes with sharing: it steps back only over this copy's own changes. A version
    whose facts came from elsewhere (found on disk after a pull or a merge, an import, a
    sync) is where it stops, saying so, since stepping back over it would write a state
    that drops another copy's facts; ``across`` steps back over it all the same."""
    with store.lock.held():
        current = store.read_raw()
        doc = parse_bytes(current, store.given)
        if doc.newer:
            raise StoreError(
                f"{store.given} was written by a newer hstrack (schema {doc.read_schema}); undo it with that "
                "hstrack. Nothing was changed"
            )
        store.kept.settle(current)
        versions = store.kept.committed()
        if not versions or versions[-1].digest != sha256(current):
            raise StoreError(
                f"{store.given} was changed outside hstrack since its last change; not undoing over that "
                "edit (the next hstrack change keeps it as a version of its own)"
            )
        if len(versions) < 2:
            raise HstrackError("nothing to undo")
        undone, previous = versions[-1], versions[-2]
        if undone.elsewhere and not across:
            what = (
                "was found on disk (pulled, merged, or copied in)"
                if undone.description.startswith("the store as found on disk")
                else f"came from elsewhere ({undone.description})"
            )
            raise HstrackError(
                f"undo stops here: the store as it is {what} on {undone.recorded}, and stepping back over it "
                "would drop facts this copy did not make; nothing was changed (hstrack undo --across steps "
                "back all the same)"
            )
        try:
            raw = previous.read()
        except OSError as exc:
            raise StoreError(f"cannot read the backup {previous.path}: {exc.strerror}{DOCTOR_HINT}") from None
        if sha256(raw) != previous.digest:
            raise StoreError(f"the backup {previous.path} is damaged; not restoring it{DOCTOR_HINT}")
        if parse_bytes(raw, previous.path).newer:  # never put back something unreadable or newer
            raise StoreError(f"the backup {previous.path} was written by a newer hstrack; not restoring it")
        store.kept.set_state(undone, UNDOING)
        write_atomic(raw, store.path)
        store.kept.forget(undone)
        refresh_all(store, None, now)
        return undone


def restore_newest_good(store: StoreParts, now: datetime) -> tuple[Version, Path | None]:
    """Put back the newest backup that reads cleanly, keeping the damaged store beside
    it under a new name. Refuses when the store is healthy, and anything written by a
    newer hstrack: a store that says so (it may only look damaged to this version),
    or a newest backup that says so (restoring an older one instead would quietly
    lose its changes)."""
    with store.lock.held():
        damaged: bytes | None = None
        present = store.path.exists() or store.path.is_symlink()
        try:
            damaged = read_regular(store.path)
        except FileNotFoundError:
            present = store.path.is_symlink()
        except OSError:
            damaged = None  # a FIFO, a folder, a device: kept aside like any damage
        if damaged is not None:
            try:
                parse_bytes(damaged, store.given)
            except StoreError:
                pass
            else:
                raise HstrackError(f"{store.given} is healthy; nothing to restore (hstrack undo steps back a change)")
            schema = declared_schema(damaged)
            if schema is not None and schema > SCHEMA_VERSION:
                raise StoreError(
                    f"{store.given} was written by a newer hstrack (schema {schema}); it may be whole to that "
                    "version. Upgrade hstrack rather than restore an older backup over it. Nothing was changed"
                )
        store.kept.settle(None)
        candidates = [v for v in reversed(store.kept.committed())]
        newest_schema = declared_schema(quiet_read(candidates[0])) if candidates else None
        if newest_schema is not None and newest_schema > SCHEMA_VERSION:
            raise StoreError(
                f"the newest backup, {candidates[0].path.name}, was written by a newer hstrack (schema "
                f"{newest_schema}); restore it with that hstrack. Nothing was changed"
            )
        good = next((v for v in candidates if readable(v)), None)
        if good is None:
            good = next((v for v in reversed(store.kept.recovered()) if readable(v)), None)
        if good is None:
            raise StoreError(f"no good backup in {store.backup_dir}; the store was left as it is")
        schema = parse_bytes(good.read(), good.path).read_schema
        if schema > SCHEMA_VERSION:
            raise StoreError(
                f"the newest good backup, {good.path.name}, was written by a newer hstrack (schema {schema}); "
                "restore it with that hstrack. Nothing was changed"
            )
        kept_as = None
        if present:
            stamp = now.strftime("%Y%m%dT%H%M%S")
            kept_as = store.folder / f"{store.path.name}.damaged-{stamp}"
            n = 1
            while kept_as.exists() or kept_as.is_symlink():
                n += 1
                kept_as = store.folder / f"{store.path.name}.damaged-{stamp}-{n}"
            try:
                if damaged is None:
                    os.rename(store.path, kept_as)  # not a file: move it aside whole
                else:
                    os.link(store.path, kept_as)  # keep it first; the store is replaced next
            except OSError:
                if damaged is None:
                    raise StoreError(f"cannot move {store.given} aside; nothing was changed") from None
                write_atomic(damaged, kept_as, mode=NEW_STORE_MODE)
        write_atomic(good.read(), store.path)
        refresh_all(store, None, now)
        return good, kept_as
