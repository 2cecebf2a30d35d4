"""Merging two documents: which titles each side has, renames followed, conflicts recorded,
and the document's own fields (the pin, unknown fields, recorded conflicts)."""

from __future__ import annotations

import copy
import dataclasses
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hstrack.core.model.document import Conflict, Document
from hstrack.sharing.merge.history import canonical
from hstrack.sharing.merge.milestones import merge_milestones
from hstrack.sharing.merge.outcome import MergeResult, MergeSettings, TitleOutcome
from hstrack.sharing.merge.titles import (
    TitleMerge,
    merge_credits,
    merge_extra,
    merge_fields,
    merge_leads,
    merge_sources,
    record_field_edits,
)

if TYPE_CHECKING:
    from hstrack.core.model.title import Title

CONFLICT_REASON = "removed in one copy and changed in the other; the changed title was kept"
_MISSING: Any = object()


def merge_documents(ours: Document, theirs: Document, now: datetime, base: Document | None = None) -> MergeResult:
    """Merge ``theirs`` into ``ours`` (in place); see the module's rules. With ``base`` (the
    version both came from) it is git's three-way merge, symmetric in its two sides;
    without, an import's two-way merge, in which the store is ``ours``."""
    merge = MergeSettings(now, symmetric=base is not None)
    result = MergeResult()
    if base is not None:
        theirs, base = _follow_renames(ours, theirs, base)
    for title_id in sorted(set(ours.titles) | set(theirs.titles)):
        mine, incoming = ours.titles.get(title_id), theirs.titles.get(title_id)
        common = base.titles.get(title_id) if base is not None else None
        if mine is not None and incoming is not None:
            result.titles.append(merge_title(merge, mine, incoming, common))
            continue
        if base is None:  # an import never deletes
            if mine is None and incoming is not None:
                ours.titles[title_id] = copy.deepcopy(incoming)
                result.titles.append(TitleOutcome(title_id, "added"))
            continue
        present = mine if mine is not None else incoming
        assert present is not None
        if common is None:  # added on one side
            if mine is None:
                ours.titles[title_id] = copy.deepcopy(present)
                result.titles.append(TitleOutcome(title_id, "added"))
            continue
        if canonical(present) == canonical(common):  # removed on one side, untouched on the other
            ours.titles.pop(title_id, None)
            result.titles.append(TitleOutcome(title_id, "removed"))
            continue
        ours.titles[title_id] = copy.deepcopy(present)
        recorded = now.isoformat(timespec="seconds")
        _add_conflict(ours, Conflict(title=title_id, recorded=recorded, reason=CONFLICT_REASON))
        result.titles.append(TitleOutcome(title_id, "conflict", [CONFLICT_REASON]))
    _merge_document_fields(ours, theirs, base)
    return result


def _renames(side: Document, base: Document) -> dict[str, str]:
    """Titles of the common version this side renamed (``hstrack rename``): old id → new."""
    found = {}
    for title in side.titles.values():
        for edit in title.edits:
            old = edit.old
            if edit.field == "id" and isinstance(old, str) and old in base.titles and old not in side.titles:
                found[old] = title.id
    return found


def _renamed(doc: Document, old: str, new: str) -> Document:
    """A copy of ``doc`` (its titles dict, not its titles) with one title under a new id."""
    titles = dict(doc.titles)
    title = copy.deepcopy(titles.pop(old))
    title.id = new
    titles[new] = title
    return dataclasses.replace(doc, titles=titles)


def _follow_renames(ours: Document, theirs: Document, base: Document) -> tuple[Document, Document]:
    """A title one side renamed and the other kept under its old id is the same title: the
    other side's copy (and the common version's) is merged under the new id. When both
    renamed it, to different ids, it stays two titles."""
    for old, new in sorted(_renames(ours, base).items()):
        if old in theirs.titles and new not in theirs.titles and new not in base.titles:
            theirs, base = _renamed(theirs, old, new), _renamed(base, old, new)
    for old, new in sorted(_renames(theirs, base).items()):
        if old in ours.titles and new not in ours.titles and new not in base.titles:
            ours.titles[new] = ours.titles.pop(old)
            ours.titles[new].id = new
            base = _renamed(base, old, new)
            if ours.pin_title == old:
                ours.pin_title = new
            for conflict in ours.conflicts:
                if conflict.title == old:
                    conflict.title = new
    return theirs, base


def _add_conflict(doc: Document, conflict: Conflict) -> None:
    if all(c.title != conflict.title for c in doc.conflicts):
        doc.conflicts.append(conflict)


def _merge_document_fields(ours: Document, theirs: Document, base: Document | None) -> None:
    """The pin (yours: when both moved it differently, ours stays), unknown top-level
    fields, and recorded conflicts (settled on either side: settled)."""
    if base is not None:
        pins = [(d.pin_title, d.pin_milestone) for d in (base, ours, theirs)]
        if pins[1] == pins[0] and pins[2] != pins[0]:
            ours.pin_title, ours.pin_milestone = pins[2]
        for key in set(theirs.extra) | set(base.extra):
            b, t = base.extra.get(key, _MISSING), theirs.extra.get(key, _MISSING)
            if t != b and ours.extra.get(key, _MISSING) == b:
                if t is _MISSING:
                    ours.extra.pop(key, None)
                else:
                    ours.extra[key] = copy.deepcopy(t)
        # A conflict either side no longer lists was settled there (`hstrack git resolve`).
        both = {c.title for c in ours.conflicts} & {c.title for c in theirs.conflicts}
        settled = {c.title for c in base.conflicts} - both
        ours.conflicts = [c for c in ours.conflicts if c.title not in settled]
        for conflict in theirs.conflicts:
            if conflict.title not in settled:
                _add_conflict(ours, copy.deepcopy(conflict))
        ours.conflicts = [c for c in ours.conflicts if c.title in ours.titles]
        ours.conflicts.sort(key=lambda c: c.title)
        return
    for key, value in theirs.extra.items():
        ours.extra.setdefault(key, copy.deepcopy(value))


def merge_title(merge: MergeSettings, mine: Title, incoming: Title, base: Title | None) -> TitleOutcome:
    t = TitleMerge(merge, mine, incoming, base)
    merge_fields(t)
    merge_credits(t)
    record_field_edits(t)
    merge_extra(t)
    merge_leads(mine, incoming, base, t.title_newer, t.updated)
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
