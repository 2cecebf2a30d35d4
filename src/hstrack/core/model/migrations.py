"""Migrations of older stores, applied in order to the raw JSON before it is read.

Each step takes schema N to N+1 and must be idempotent on its own output; tests/fixtures/
keeps one store per schema version. A migrated store is read in full (the index covers only
current ones) and written as the current schema on its first change, after a backup of the
old file (``hstrack.store.store.Store.change``).

- 1 -> 2: nothing to do (schema 2 only added places, which a schema-1 store has none of).
- 2 -> 3: every title gets its ``uid`` (``hstrack.core.identity.derived_uid``), derived
  from the id it was created with (the first rename's old id, else its id); of titles
  created with one id (one renamed away, another given the id after it), the first to leave
  it gets that uid and each other one of the id and when it left it. Nothing but the
  titles' renames decides it, so two clones that migrate apart agree whatever else each
  changed; a merge conflict gets the uid of the title it is about. A store of a newer
  schema that has a title without one (read, never written) gets the same.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from hstrack.core.identity import derived_uid
from hstrack.core.model.shape import ShapeError


def _bump(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "schema": data["schema"] + 1}


def _instant(stamp: object) -> datetime | None:
    if not isinstance(stamp, str) or len(stamp) > 40:
        return None
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _renames(title: dict[str, Any]) -> list[dict[str, Any]]:
    edits = title.get("edits")
    return [e for e in (edits if isinstance(edits, list) else ()) if isinstance(e, dict) and e.get("field") == "id"]


def _first_id(title: dict[str, Any]) -> str:
    for edit in _renames(title):
        if isinstance(edit.get("old"), str):
            return str(edit["old"])
    return str(title.get("id"))


def _left(title: dict[str, Any]) -> tuple[int, datetime, str]:
    """When a title left its first id (its first rename); one that still has it is the
    newest title to have been given it."""
    for edit in _renames(title):
        moment = _instant(edit.get("recorded"))
        if moment is not None:
            return (0, moment, str(edit.get("recorded")))
    return (1, datetime.max.replace(tzinfo=UTC), f"~{title.get('id')}")


def _add_uids(data: dict[str, Any]) -> dict[str, Any]:
    """Every title gets the uid of the id it was created with; of titles that were created
    with one id (one renamed away, another given the id after), the first to leave it gets
    that uid and the others one of the id and when each left it. Nothing but the titles'
    own renames decides it, so two clones of one store agree whatever else they changed."""
    titles = data.get("titles")
    if isinstance(titles, list):
        by_first: dict[str, list[int]] = {}
        for i, title in enumerate(titles):
            if isinstance(title, dict) and "uid" not in title and isinstance(title.get("id"), str):
                by_first.setdefault(_first_id(title), []).append(i)
        fresh = list(titles)
        taken = {t["uid"] for t in titles if isinstance(t, dict) and isinstance(t.get("uid"), str)}
        for first, indexes in by_first.items():
            ordered = sorted(indexes, key=lambda i: (*_left(titles[i])[:2], str(titles[i]["id"])))
            for n, i in enumerate(ordered):
                uid = derived_uid(first, "" if n == 0 else _left(titles[i])[2])
                while uid in taken:  # never in practice; a hand-made store could force it
                    uid = derived_uid(first, uid)
                taken.add(uid)
                fresh[i] = {**titles[i], "uid": uid}
        data = {**data, "titles": fresh}
        by_id = {t["id"]: t["uid"] for t in fresh if isinstance(t, dict) and "uid" in t and isinstance(t["id"], str)}
        conflicts = data.get("conflicts")
        if isinstance(conflicts, list):
            data["conflicts"] = [
                {**c, "uid": by_id[c["title"]]}
                if isinstance(c, dict) and "uid" not in c and c.get("title") in by_id
                else c
                for c in conflicts
            ]
    return data


def _to_3(data: dict[str, Any]) -> dict[str, Any]:
    return _bump(_add_uids(data))


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _bump, 2: _to_3}


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
