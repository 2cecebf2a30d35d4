"""Merging two documents: which titles each side has, renames followed, conflicts recorded,
and the document's own fields (the pin, unknown fields, recorded conflicts)."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hstrack.core.model.document import Conflict, Document
from hstrack.core.model.history import Edit
from hstrack.sharing.merge.history import canonical
from hstrack.sharing.merge.milestones import merge_milestones
from hstrack.sharing.merge.outcome import MergeResult, MergeSettings, TitleOutcome
from hstrack.sharing.merge.titles import (
    TitleMerge,
    merge_credits,
    merge_extra,
    merge_fields,
    merge_id,
    merge_leads,
    merge_sources,
    record_field_edits,
)

if TYPE_CHECKING:
    from hstrack.core.model.title import Title

CONFLICT_REASON = "removed in one copy and changed in the other; the changed title was kept"
_MISSING: Any = object()


def merge_documents(ours: Document, theirs: Document, now: datetime, base: Document | None = None) -> MergeResult:
    """Merge ``theirs`` into ``ours`` (in place); see the package's rules. Titles are matched
    by uid, never by id: a title renamed on one side is the same title, and a different
    title that took an id is a different title. With ``base`` (the version both came from)
    it is git's three-way merge, symmetric in its two sides; without, an import's two-way
    merge, in which the store is ``ours``."""
    merge = MergeSettings(now, symmetric=base is not None)
    result = MergeResult()
    pins = (_pin_of(ours), _pin_of(theirs), _pin_of(base) if base is not None else (None, None))
    mine_by, theirs_by = ours.by_uid(), theirs.by_uid()
    base_by = base.by_uid() if base is not None else {}
    recorded = now.isoformat(timespec="seconds")
    merged: dict[str, Title] = {}  # by uid
    for uid in sorted(set(mine_by) | set(theirs_by)):
        mine, incoming, common = mine_by.get(uid), theirs_by.get(uid), base_by.get(uid)
        if mine is not None and incoming is not None:
            result.titles.append(merge_title(merge, mine, incoming, common))
            merged[uid] = mine
            continue
        present = mine if mine is not None else incoming
        assert present is not None
        if base is None:  # an import never deletes
            merged[uid] = mine if mine is not None else copy.deepcopy(present)
            if mine is None:
                result.titles.append(TitleOutcome(present.id, "added"))
            continue
        if common is None:  # added on one side
            merged[uid] = mine if mine is not None else copy.deepcopy(present)
            if mine is None:
                result.titles.append(TitleOutcome(present.id, "added"))
            continue
        if canonical(present) == canonical(common):  # removed on one side, untouched on the other
            result.titles.append(TitleOutcome(present.id, "removed"))
            continue
        # Removed on one side, changed (renamed too) on the other: kept, and recorded.
        merged[uid] = mine if mine is not None else copy.deepcopy(present)
        _add_conflict(ours, Conflict(title=present.id, recorded=recorded, reason=CONFLICT_REASON, uid=uid))
        result.titles.append(TitleOutcome(present.id, "conflict", [CONFLICT_REASON]))
    _settle_ids(merged, base_by, recorded, result)
    ours.titles = {title.id: title for title in sorted(merged.values(), key=lambda t: t.id)}
    _merge_document_fields(ours, theirs, base, pins)
    result.titles.sort(key=lambda outcome: outcome.id)  # told by id, not by the uids' random order
    return result


def _settle_ids(merged: dict[str, Title], base_by: dict[str, Title], recorded: str, result: MergeResult) -> None:
    """Ids are names, unique in a store: when two titles end up with one (a rename on one
    side onto an id the other side gave a new title), the one that had it in the common
    version keeps it, else the one that had it first, else the first by uid (so both
    orders agree); the other becomes ID-2 (the first free), recorded as a rename."""
    holders: dict[str, list[Title]] = {}
    for title in merged.values():
        holders.setdefault(title.id, []).append(title)
    taken = set(holders)
    for title_id, titles in sorted(holders.items()):
        if len(titles) < 2:
            continue

        def claim(t: Title, title_id: str = title_id) -> tuple[int, str, str]:
            kept_from_base = 0 if base_by.get(t.uid) is not None and base_by[t.uid].id == title_id else 1
            renamed = next((e.recorded for e in reversed(t.edits) if e.field == "id" and e.new == title_id), None)
            since = renamed if renamed is not None else _created(t)
            return (kept_from_base, _sortable(since), t.uid)

        for other in sorted(titles, key=claim)[1:]:
            n = 2
            while f"{title_id}-{n}"[:64] in taken:
                n += 1
            new_id = f"{title_id[: 63 - len(str(n))]}-{n}"
            taken.add(new_id)
            other.edits.append(Edit(recorded=recorded, field="id", old=title_id, new=new_id))
            other.id = new_id
            line = f"two titles took the id {title_id} (they have different uids); this one is now {new_id}"
            result.titles.append(TitleOutcome(new_id, "updated", [line], [line]))


def _created(title: Title) -> str:
    """When a title was created, as far as it says: its first recorded change."""
    stamps = [(_sortable(c.recorded), c.recorded) for c in title.history]
    stamps += [(_sortable(e.recorded), e.recorded) for e in title.edits]
    return min(stamps)[1] if stamps else ""


def _sortable(stamp: str) -> str:
    """A recorded stamp as a key that sorts by time ("" first: never renamed, so it had the
    id from its creation, earliest of all)."""
    from hstrack.sharing.merge.history import recorded_at

    moment = recorded_at(stamp)
    return moment.isoformat() if moment is not None else ""


def _add_conflict(doc: Document, conflict: Conflict) -> None:
    if all((c.uid or c.title) != (conflict.uid or conflict.title) for c in doc.conflicts):
        doc.conflicts.append(conflict)


def _pin_of(doc: Document) -> tuple[str | None, str | None]:
    """The pin as what it points at: the pinned title's uid (ids change) and milestone; a
    pin to a title the store does not have (doctor warns of it) points at nothing."""
    title = doc.titles.get(doc.pin_title) if doc.pin_title is not None else None
    return (title.uid, doc.pin_milestone) if title is not None else (None, None)


Pin = tuple[str | None, str | None]


def _merge_pin(ours: Document, theirs: Document, pins: tuple[Pin, Pin, Pin], uid_to_id: dict[str, str]) -> None:
    """The pin is a fact of its own: a side that moved it (or unpinned) wins; when both
    moved it differently, the later ``set`` wins, and a tie goes to the one that sorts last,
    so a merge and a rebase agree."""
    mine, other, common = pins
    chosen = mine
    if mine == other:
        stamps = [s for s in (ours.pin_set, theirs.pin_set) if s is not None]
        stamp = max(stamps, key=_sortable) if stamps else None
    elif other == common:
        stamp = ours.pin_set
    elif mine == common:
        chosen, stamp = other, theirs.pin_set
    else:
        a, b = _sortable(ours.pin_set or ""), _sortable(theirs.pin_set or "")
        later_theirs = b > a or (a == b and canonical(list(other)) > canonical(list(mine)))
        chosen, stamp = (other, theirs.pin_set) if later_theirs else (mine, ours.pin_set)
    _pin_to(ours, chosen, uid_to_id)
    ours.pin_set = stamp


def _pin_to(doc: Document, pin: Pin, uid_to_id: dict[str, str]) -> None:
    uid, milestone = pin
    title_id = uid_to_id.get(uid) if uid is not None else None
    if title_id is None:  # unpinned, or the title it pointed at is not in the merged store
        doc.pin_title = doc.pin_milestone = None
    else:
        doc.pin_title, doc.pin_milestone = title_id, milestone


def _merge_document_fields(ours: Document, theirs: Document, base: Document | None, pins: tuple[Pin, Pin, Pin]) -> None:
    """The pin, unknown top-level fields, and recorded conflicts (settled on either side:
    settled)."""
    uid_to_id = {t.uid: t.id for t in ours.titles.values()}
    if base is None:
        _pin_to(ours, pins[0], uid_to_id)  # an import keeps the store's pin, following a rename
    else:
        _merge_pin(ours, theirs, pins, uid_to_id)
        for key in set(theirs.extra) | set(base.extra):
            b, t = base.extra.get(key, _MISSING), theirs.extra.get(key, _MISSING)
            if t != b and ours.extra.get(key, _MISSING) == b:
                if t is _MISSING:
                    ours.extra.pop(key, None)
                else:
                    ours.extra[key] = copy.deepcopy(t)

        # A conflict either side no longer lists was settled there (`hstrack git resolve`).
        def who(c: Conflict) -> str:
            return c.uid or c.title

        both = {who(c) for c in ours.conflicts} & {who(c) for c in theirs.conflicts}
        settled = {who(c) for c in base.conflicts} - both
        ours.conflicts = [c for c in ours.conflicts if who(c) not in settled]
        for conflict in theirs.conflicts:
            if who(conflict) not in settled:
                _add_conflict(ours, copy.deepcopy(conflict))
    for conflict in ours.conflicts:  # a conflict names its title by its id as the merge left it
        if conflict.uid is not None and conflict.uid in uid_to_id:
            conflict.title = uid_to_id[conflict.uid]
    ours.conflicts = [c for c in ours.conflicts if c.title in ours.titles]
    ours.conflicts.sort(key=lambda c: c.title)
    if base is None:
        for key, value in theirs.extra.items():
            ours.extra.setdefault(key, copy.deepcopy(value))


def merge_title(merge: MergeSettings, mine: Title, incoming: Title, base: Title | None) -> TitleOutcome:
    t = TitleMerge(merge, mine, incoming, base)
    merge_id(t)
    t.outcome.id = mine.id
    merge_fields(t)
    merge_credits(t)
    record_field_edits(t)
    merge_extra(t)
    merge_leads(t)
    merge_milestones(t)
    t.updated += merge_sources(merge, mine, incoming, base)
    outcome, updated, kept = t.outcome, t.updated, t.kept
    if updated:
        outcome.action = "updated"
    elif kept:
        outcome.action = "kept"
    elif len(mine.history) != len(t.original_history) or len(mine.edits) != t.original_edits:
        outcome.action = "updated"
        updated.append("history entries from the file")
    outcome.details = [f"took {u}" for u in updated] + [f"kept {k}" for k in kept]
    return outcome
