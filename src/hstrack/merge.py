"""Merging a store with another copy of it (``import --merge``), fact by fact.

A copy can be older than the store (yesterday's export), newer (a friend's), or each newer
in some facts. So a merge never takes one side wholesale; it decides each fact by when it
was recorded:

- **Milestones.** A milestone's time is the ``recorded`` time of the last history entry
  for it on that side. The side recorded later wins; the other side's entries stay in the
  history (both histories are joined, duplicates dropped, in recorded order), so nothing
  typed is lost. A milestone one side lacks is kept, unless that side's history removed
  it later than the other set it. When neither side records a time, or both the same
  one, the store keeps its own and says so.
- **Title fields** (name, label, kind, platform, synopsis, notes, credits by role): a value
  only one side has is kept (a copy that lacks a field never empties it); when both have
  one and they differ, the side that set it later wins (a title records when each field
  was last set, in ``edited``); when neither records that, the side whose title was
  changed last.
- **Unknown fields** are carried through; the store's own win a tie.

Every milestone that changes gets a history entry, as ``set`` would give it, and every
title field taken from the file an edit, as ``edit`` would. The result
lists per title what was done: added, updated (and what), kept because the store's is
newer, unchanged.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from hstrack.model import Change, Document, Edit, Milestone, Title

TITLE_FIELDS = ("name", "label", "kind", "platform", "synopsis", "notes")
_EARLIEST = datetime.min.replace(tzinfo=UTC)


@dataclass
class TitleOutcome:
    id: str
    action: str  # added | updated | kept | unchanged
    details: list[str] = field(default_factory=list)


@dataclass
class MergeResult:
    titles: list[TitleOutcome] = field(default_factory=list)

    def ids(self, action: str) -> list[str]:
        return [t.id for t in self.titles if t.action == action]

    @property
    def changed(self) -> bool:
        return any(t.action in ("added", "updated") for t in self.titles)

    @property
    def counts(self) -> str:
        parts = [f"{len(self.ids(a))} {a}" for a in ("added", "updated", "kept", "unchanged")]
        return ", ".join(parts)


def recorded_at(text: str) -> datetime | None:
    """A history entry's time as an instant (a time without an offset is read as UTC)."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _last_recorded(history: list[Change], kind: str | None = None) -> datetime | None:
    """When this side last recorded a change (of one milestone, or of anything)."""
    times = [recorded_at(c.recorded) for c in history if kind is None or c.milestone == kind]
    known = [t for t in times if t is not None]
    return max(known) if known else None


class _Entry(Protocol):
    recorded: str

    def to_json(self) -> dict[str, Any]: ...


E = TypeVar("E", bound=_Entry)


def _key(entry: _Entry) -> str:
    return json.dumps(entry.to_json(), sort_keys=True, ensure_ascii=False)


def joined_history(ours: list[E], theirs: list[E]) -> list[E]:
    """Both histories (of milestones, or of title fields), each entry once, in recorded
    order (ours first within a tie)."""
    seen = {_key(c) for c in ours}
    joined = list(ours) + [copy.deepcopy(c) for c in theirs if _key(c) not in seen]
    order = {id(c): i for i, c in enumerate(joined)}
    return sorted(joined, key=lambda c: (recorded_at(c.recorded) or datetime.min.replace(tzinfo=UTC), order[id(c)]))


def _same(a: Milestone | None, b: Milestone | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.same_fact(b) and a.extra == b.extra


def _as_of(history: list[Change], kind: str, current: Milestone | None) -> tuple[datetime, int]:
    """How recent a side's milestone is: the time of its last history entry, and whether
    the milestone was edited after it (by hand: it no longer says what that entry set),
    which makes it newer than the entry itself."""
    entries = [c for c in history if c.milestone == kind]
    last = _last_recorded(entries)
    edited = bool(entries) and not _same(max(entries, key=_when).new, current)
    if not entries and current is not None:
        edited = False  # never recorded at all: as old as can be
    return (last or datetime.min.replace(tzinfo=UTC), int(edited))


def _when(change: Change) -> datetime:
    return recorded_at(change.recorded) or datetime.min.replace(tzinfo=UTC)


def _removed_after(history: list[Change], kind: str, moment: datetime | None) -> bool:
    """This side's history removed the milestone later than ``moment``."""
    for change in history:
        if change.milestone == kind and change.new is None:
            when = recorded_at(change.recorded)
            if when is not None and (moment is None or when > moment):
                return True
    return False


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == {} or value == []


def merge_documents(ours: Document, theirs: Document, now: datetime) -> MergeResult:
    """Merge ``theirs`` into ``ours`` (in place); see the module's rules."""
    result = MergeResult()
    for title_id in sorted(theirs.titles):
        incoming = theirs.titles[title_id]
        mine = ours.titles.get(title_id)
        if mine is None:
            ours.titles[title_id] = copy.deepcopy(incoming)
            result.titles.append(TitleOutcome(title_id, "added"))
            continue
        result.titles.append(_merge_title(mine, incoming, now))
    for key, value in theirs.extra.items():
        ours.extra.setdefault(key, copy.deepcopy(value))
    return result


def _merge_title(mine: Title, incoming: Title, now: datetime) -> TitleOutcome:
    outcome = TitleOutcome(mine.id, "unchanged")
    updated: list[str] = []
    kept: list[str] = []
    recorded = now.isoformat(timespec="seconds")
    mine_last, theirs_last = _last_recorded(mine.history), _last_recorded(incoming.history)
    theirs_newer = theirs_last is not None and (mine_last is None or theirs_last > mine_last)
    original_history = list(mine.history)
    mine.history = joined_history(mine.history, incoming.history)
    original_edits = len(mine.edits)
    mine.edits = joined_history(mine.edits, incoming.edits)
    before = {name: copy.deepcopy(getattr(mine, name)) for name in (*TITLE_FIELDS, "credits")}

    def newer(name: str) -> bool:
        """Whether the file's value of a field is the newer: by the time each side last set
        it, when either says; else by which title was changed last."""
        mine_at, theirs_at = recorded_at(mine.edited.get(name, "")), recorded_at(incoming.edited.get(name, ""))
        if mine_at is None and theirs_at is None:
            return theirs_newer
        return (theirs_at or _EARLIEST) > (mine_at or _EARLIEST)

    def took(name: str) -> None:
        if name in incoming.edited:
            mine.edited[name] = incoming.edited[name]

    for name in TITLE_FIELDS:
        old, new = getattr(mine, name), getattr(incoming, name)
        if name == "kind":  # "other" is what a title is until someone says
            old, new = (None if v == "other" else v for v in (old, new))
        if old == new or _empty(new):
            continue
        if _empty(old) or newer(name):
            setattr(mine, name, new)
            took(name)
            updated.append(f"{name} {'set' if _empty(old) else 'changed'} to {new!r}")
        else:
            kept.append(f"{name} (the store's {old!r} is newer than the file's {new!r})")
    credits_newer = newer("credits")
    for role in sorted(set(mine.credits) | set(incoming.credits)):
        old_names, new_names = mine.credits.get(role), incoming.credits.get(role)
        if old_names == new_names or _empty(new_names):
            continue
        if _empty(old_names) or credits_newer:
            mine.credits[role] = list(new_names or [])
            took("credits")
            updated.append(f"credits for {role} {'added' if _empty(old_names) else 'changed'}")
        else:
            kept.append(f"credits for {role} (the store's are newer)")
    for name, old in before.items():
        # A field taken from the file is recorded as an edit, as `edit` would, unless the
        # file's own edits already say how it got there.
        new = getattr(mine, name)
        last_edit = next((e for e in reversed(mine.edits) if e.field == name), None)
        if new != old and (last_edit is None or last_edit.new != (new or None)):
            mine.edits.append(Edit(recorded=recorded, field=name, old=old or None, new=copy.deepcopy(new) or None))
    for key, value in incoming.extra.items():
        if key not in mine.extra or (theirs_newer and mine.extra[key] != value):
            mine.extra[key] = copy.deepcopy(value)
            updated.append(f"field {key}")

    for kind in sorted(set(mine.milestones) | set(incoming.milestones)):
        old, new = mine.milestones.get(kind), incoming.milestones.get(kind)
        if _same(old, new):
            continue
        mine_time = _last_recorded(original_history, kind)
        theirs_time = _last_recorded(incoming.history, kind)
        if new is None:
            assert old is not None
            if _removed_after(incoming.history, kind, mine_time):
                del mine.milestones[kind]
                updated.append(f"{kind} removed (the file removed it later)")
            else:
                kept.append(f"{kind} {old.date.text} (the file does not have it)")
            continue
        if old is None and _removed_after(original_history, kind, theirs_time):
            kept.append(f"{kind} removed (the store removed it later than the file set it)")
            continue
        if old is not None:
            ours_as_of = _as_of(original_history, kind, old)
            theirs_as_of = _as_of(incoming.history, kind, new)
            if theirs_as_of <= ours_as_of:
                unknown = theirs_time is None and mine_time is None
                why = "neither side records when it was set" if unknown else "newer or as new"
                kept.append(f"{kind} {old.date.text} (the store's is {why}; the file says {new.date.text})")
                continue
        taken = copy.deepcopy(new)
        mine.milestones[kind] = taken
        last = next((c for c in reversed(mine.history) if c.milestone == kind), None)
        if last is None or not _same(last.new, taken):
            # The file's own history does not say how it came to this: record it now.
            mine.history.append(Change(recorded=recorded, milestone=kind, old=old, new=copy.deepcopy(taken)))
        was = f" (was {old.date.text})" if old is not None else ""
        updated.append(f"{kind} {taken.date.text}{was}")

    updated += _merge_sources(mine, incoming)
    if updated:
        outcome.action = "updated"
    elif kept:
        outcome.action = "kept"
    elif len(mine.history) != len(original_history) or len(mine.edits) != original_edits:
        outcome.action = "updated"
        updated.append("history entries from the file")
    outcome.details = [f"took {u}" for u in updated] + [f"kept {k}" for k in kept]
    return outcome


def _merge_sources(mine: Title, incoming: Title) -> list[str]:
    """Links are joined (one page per source: the store's wins when both link one), and
    rejected values too (a value refused in either copy stays refused); a pending
    proposal is taken from the file when the store has none for that milestone and source,
    or an older one."""
    took = []
    sources = {link.partition(":")[0] for link in mine.links}
    for link in incoming.links:
        if link not in mine.links and link.partition(":")[0] not in sources:
            mine.links.append(link)
            took.append(f"link {link}")
    seen = [r.to_json() for r in mine.rejected]
    for r in incoming.rejected:
        if r.to_json() not in seen:
            mine.rejected.append(copy.deepcopy(r))
            took.append(f"rejected {r.milestone} from {r.origin}")
    for p in incoming.proposals:
        if any(r.milestone == p.milestone and r.origin == p.origin and r.same_value(p.new) for r in mine.rejected):
            continue
        same = next((q for q in mine.proposals if (q.milestone, q.origin) == (p.milestone, p.origin)), None)
        if same is None or (recorded_at(p.recorded) or _EARLIEST) > (recorded_at(same.recorded) or _EARLIEST):
            mine.proposals = [q for q in mine.proposals if q is not same] + [copy.deepcopy(p)]
            took.append(f"proposal {p.milestone} from {p.origin}")
    return took
