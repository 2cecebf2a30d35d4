"""History explains the state: the invariant, how every change keeps it, and its check.

**The invariant.** Taken in recorded order, a title's history replays to its state: the
last change of each milestone gives the milestone as it is (its removal: none), and the
last edit of each of the title's own fields gives the field as it is. Every milestone has
at least one change that says how it came to be.

**How it is kept.** Every change is recorded through ``record_change`` (milestones) or
``record_edit`` (fields): the entry goes where its time puts it, after every entry recorded
at or before that moment. A change recorded *now* goes last and decides the value, as it
always did. A change backdated (``--at`` a moment before entries already recorded for the
same milestone or field) is placed at its moment, says what the value was then (``old``),
and the entry after it is made to say it came from the backdated value; the later entry
still decides the value, so the history stays true and the state is what it replays to.

**The check.** ``disagreement`` names the first entry that does not replay to the state
(``hstrack doctor`` reports it); a store edited by hand, or written by an hstrack before
this rule, can hold one.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hstrack.core.model.history import Change, Edit
    from hstrack.core.model.milestone import Milestone
    from hstrack.core.model.title import Title


def instant(recorded: str) -> datetime | None:
    """A recorded stamp as an instant (UTC); None when it is not one (a store by hand)."""
    try:
        moment = datetime.fromisoformat(recorded)
    except (TypeError, ValueError):
        return None
    return moment.astimezone(UTC) if moment.tzinfo is not None else None


def _place(entries: list[Change] | list[Edit], recorded: str) -> int:
    """Where an entry recorded at ``recorded`` goes: after every entry recorded at or before
    it (entries of the same second keep the order they were made in)."""
    moment = instant(recorded)
    if moment is None:
        return len(entries)
    at = len(entries)
    while at > 0:
        before = instant(entries[at - 1].recorded)
        if before is None or before <= moment:
            break
        at -= 1
    return at


def milestone_then(title: Title, key: str, recorded: str) -> Milestone | None:
    """The milestone ``key`` as the history says it was just after ``recorded``: what a
    change recorded at that moment changes. Now (nothing recorded later), it is the
    milestone as it is."""
    at = _place(title.history, recorded)
    if not any(c.milestone == key for c in title.history[at:]):
        return title.milestones.get(key)
    last = next((c for c in reversed(title.history[:at]) if c.milestone == key), None)
    return copy.deepcopy(last.new) if last is not None else None


def record_change(title: Title, change: Change) -> bool:
    """Put a milestone's change in the history at its time and make the state what the
    history replays to. True when it decides the milestone (nothing of it recorded later)."""
    key = change.milestone
    at = _place(title.history, change.recorded)
    title.history.insert(at, change)
    later = next((c for c in title.history[at + 1 :] if c.milestone == key), None)
    if later is not None:
        later.old = copy.deepcopy(change.new)  # the later entry now comes from this one
        return False
    if change.new is None:
        title.milestones.pop(key, None)
    else:
        title.milestones[key] = change.new
    return True


def field_then(title: Title, name: str, recorded: str) -> object:
    """A title field's value just after ``recorded`` (see ``milestone_then``)."""
    at = _place(title.edits, recorded)
    if not any(e.field == name for e in title.edits[at:]):
        return getattr(title, name)
    last = next((e for e in reversed(title.edits[:at]) if e.field == name), None)
    if last is not None:
        return copy.deepcopy(last.new)
    first = next(e for e in title.edits[at:] if e.field == name)
    return copy.deepcopy(first.old)  # before its first edit it held what that edit changed


def latest_value(title: Title, name: str) -> object:
    """A field's value as its last edit gives it (credits: none is an empty mapping)."""
    last = next(e for e in reversed(title.edits) if e.field == name)
    if last.new is None:
        return {} if name == "credits" else None
    return copy.deepcopy(last.new)


def record_edit(title: Title, edit: Edit) -> bool:
    """Put a field's edit in the history at its time (see ``record_change``); the caller
    sets the field when this returns True."""
    at = _place(title.edits, edit.recorded)
    title.edits.insert(at, edit)
    later = next((e for e in title.edits[at + 1 :] if e.field == edit.field), None)
    if later is not None:
        later.old = copy.deepcopy(edit.new)
        return False
    return True


def _same(a: Milestone | None, b: Milestone | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.same_fact(b) and a.extra == b.extra


def _field_value(title: Title, name: str) -> object:
    value = getattr(title, name)
    return value or None  # an edit records "no value" as null: an empty name list, no text


def disagreement(title: Title) -> str | None:
    """The first way the title's history does not explain its state, in words; None when
    it does."""
    moments = [instant(c.recorded) for c in title.history]
    for i in range(1, len(moments)):
        a, b = moments[i - 1], moments[i]
        if a is not None and b is not None and b < a:
            change = title.history[i]
            return f"history entry {i + 1} ({change.milestone}, {change.recorded}) is recorded before the one above it"
    last: dict[str, Change] = {}
    for change in title.history:
        last[change.milestone] = change
    for key, change in last.items():
        if not _same(change.new, title.milestones.get(key)):
            now = title.milestones.get(key)
            says = change.new.date.text if change.new is not None else "removed"
            holds = now.date.text if now is not None else "none"
            return f"the last change of {key} ({change.recorded}) says {says}, but it holds {holds}"
    for key in title.milestones:
        if key not in last:
            return f"{key} has no change in the history saying how it came to be"
    fields: dict[str, Edit] = {}
    for edit in title.edits:
        fields[edit.field] = edit
    for name, edit in fields.items():
        if edit.field != "id" and _field_value(title, name) != (edit.new or None):
            return f"the last edit of {name} ({edit.recorded}) does not give its value"
    renamed = fields.get("id")
    if renamed is not None and renamed.new != title.id:
        return f"the last rename ({renamed.recorded}) gives the id {renamed.new!r}, but it is {title.id!r}"
    return None
