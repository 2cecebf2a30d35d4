"""Migrations of older stores, applied in order to the raw JSON before it is read.

Each step takes schema N to N+1 and must be idempotent on its own output; tests/fixtures/
keeps one store per schema version. A migrated store is read in full (the index covers only
current ones) and written as the current schema on its first change, after a backup of the
old file (``hstrack.store.store.Store.change``).

- 1 -> 2: nothing to do (schema 2 only added places, which a schema-1 store has none of).
- 2 -> 3: every title gets its ``uid`` (``hstrack.core.identity.derived_uid``), derived
  from the id it was created with (the first rename's old id, else its id) and its first
  recorded change, so two clones that migrate apart agree; a merge conflict gets the uid
  of the title it is about.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from hstrack.core.identity import derived_uid, is_uid
from hstrack.core.model.shape import ShapeError


def _bump(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "schema": data["schema"] + 1}


def _first_recorded(title: dict[str, Any]) -> str:
    """The title's first recorded change (of a milestone or a field), as it is spelled; ""
    when it has none."""
    stamps: list[tuple[datetime, str]] = []
    for name in ("history", "edits"):
        entries = title.get(name)
        for entry in entries if isinstance(entries, list) else ():
            stamp = entry.get("recorded") if isinstance(entry, dict) else None
            if isinstance(stamp, str) and len(stamp) <= 40:
                try:
                    moment = datetime.fromisoformat(stamp)
                    stamps.append((moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC), stamp))
                except ValueError:
                    continue
    return min(stamps)[1] if stamps else ""


def _first_id(title: dict[str, Any]) -> str:
    edits = title.get("edits")
    for edit in edits if isinstance(edits, list) else ():
        if isinstance(edit, dict) and edit.get("field") == "id" and isinstance(edit.get("old"), str):
            return str(edit["old"])
    return str(title.get("id"))


def _add_uids(data: dict[str, Any]) -> dict[str, Any]:
    titles = data.get("titles")
    if isinstance(titles, list):
        taken: set[str] = {t["uid"] for t in titles if isinstance(t, dict) and is_uid(str(t.get("uid", "")))}
        fresh = []
        for title in titles:
            if isinstance(title, dict) and "uid" not in title and isinstance(title.get("id"), str):
                first, created = _first_id(title), _first_recorded(title)
                uid = derived_uid(first, created)
                if uid in taken:  # two titles first named alike in the same second: the id tells them apart
                    uid = derived_uid(first, f"{created}\x00{title['id']}")
                taken.add(uid)
                title = {**title, "uid": uid}
            fresh.append(title)
        data = {**data, "titles": fresh}
        by_id = {
            t["id"]: t["uid"] for t in fresh if isinstance(t, dict) and "uid" in t and isinstance(t.get("id"), str)
        }
        conflicts = data.get("conflicts")
        if isinstance(conflicts, list):
            data["conflicts"] = [
                {**c, "uid": by_id[c["title"]]}
                if isinstance(c, dict) and "uid" not in c and c.get("title") in by_id
                else c
                for c in conflicts
            ]
    return _bump(data)


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _bump, 2: _add_uids}


def migrate(data: dict[str, Any], target: int | None = None) -> dict[str, Any]:
    from hstrack.core.model.document import OLDEST_CURRENT

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
