"""Merging copies of a store, fact by fact: ``import --merge`` (two copies) and the git merge
driver (two copies and the version both came from). One definition of merging serves both.

A copy can be older than the store (yesterday's export), newer (a friend's), or each newer
in some facts. So a merge never takes one side wholesale; it decides each fact:

- **With a common version** (git's merge base): a fact only one side changed is taken from
  that side, whatever it is (a new value, a cleared field, a removed milestone). Only a fact
  *both* sides changed, differently, is decided by time, as below; the git driver prints one
  line for each.
- **By time**, when both changed it or there is no common version (an import):
  - *Milestones.* A milestone's time is the ``recorded`` time of the last history entry for
    it on that side (edited by hand after that entry: newer than the entry). The side
    recorded later wins; the other side's entries stay in the history, so nothing typed is
    lost. A milestone one side lacks is kept, unless that side's history removed it later
    than the other set it.
  - *Title fields* (name, label, kind, platform, synopsis, notes, credits by role): a value
    one side lacks is kept (a copy that lacks a field never empties it, unless the common
    version shows it was cleared); when both have one and they differ, the side that set
    it later wins (``edited`` records when each field was last set); when neither records
    that, the side whose title was changed last.
  - *A tie* (neither side records a time, or both the same one): an import keeps the
    store's own and says so; the git driver, which has no "own" side (a rebase swaps them),
    takes the value that sorts last, so both orders give the same store.
- **History** (of milestones and of title fields): both sides' entries, each once, in
  recorded order; each side's own order is kept for entries recorded in the same second.
- **Links, proposals, rejections** are merged the same way: one page per source, one
  pending proposal per milestone and source (the later recorded wins), rejections joined.
- **Unknown fields** are carried through.
- **Titles.** A title only one side has is added, unless the common version had it and
  the other side removed it. A title one side renamed is merged under its new id. The
  one case no rule decides is a title removed on one side and changed on the other: the
  merge keeps the changed title and records a *conflict* in the store
  (``Document.conflicts``), which ``hstrack git resolve`` settles.

Every milestone a merge changes gets a history entry unless the side it came from already
has one saying how it got there, and every title field an edit, as ``set`` and ``edit``
would. The result lists per title what was done.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from hstrack.core.model import Change, Conflict, Document, Edit, Milestone, Proposal, Title

TITLE_FIELDS = ("name", "label", "kind", "platform", "synopsis", "notes")
_EARLIEST = datetime.min.replace(tzinfo=UTC)
CONFLICT_REASON = "removed in one copy and changed in the other; the changed title was kept"


@dataclass
class TitleOutcome:
    id: str
    action: str  # added | updated | kept | unchanged | removed | conflict
    details: list[str] = field(default_factory=list)
    # Facts both sides changed differently, and how each was decided (the git driver's lines).
    contested: list[str] = field(default_factory=list)


@dataclass
class MergeResult:
    titles: list[TitleOutcome] = field(default_factory=list)

    def ids(self, action: str) -> list[str]:
        return [t.id for t in self.titles if t.action == action]

    @property
    def changed(self) -> bool:
        return any(t.action in ("added", "updated", "removed", "conflict") for t in self.titles)

    @property
    def counts(self) -> str:
        parts = [f"{len(self.ids(a))} {a}" for a in ("added", "updated", "kept", "unchanged")]
        return ", ".join(parts)

    @property
    def contested(self) -> list[str]:
        return [f"{t.id}: {line}" for t in self.titles for line in t.contested]

    @property
    def conflicts(self) -> list[str]:
        return self.ids("conflict")


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


def canonical(value: Any) -> str:
    """A value as one comparable string: what "the same" and "sorts last" mean here."""
    if hasattr(value, "to_json"):
        value = value.to_json()
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _when(entry: _Entry) -> datetime:
    return recorded_at(entry.recorded) or _EARLIEST


def _numbered(entries: list[E]) -> list[str]:
    """Each entry's identity: its content and which repeat of that content it is (the same
    edit made twice in one second is two entries, on each side)."""
    seen: dict[str, int] = {}
    keys = []
    for entry in entries:
        key = canonical(entry)
        seen[key] = seen.get(key, 0) + 1
        keys.append(f"{seen[key]}\x00{key}")
    return keys


def joined_history(ours: list[E], theirs: list[E]) -> list[E]:
    """Both histories (of milestones, or of title fields), each entry once, in recorded
    order. The two lists are walked together like a merge sort: of the two next entries
    the earlier goes first, and of two recorded in the same second the one that sorts
    first, so swapping the sides gives the same list and each side's own order is kept."""
    keys_a, keys_b = _numbered(ours), _numbered(theirs)
    done: set[str] = set()
    joined: list[E] = []
    i = j = 0
    while True:
        while i < len(ours) and keys_a[i] in done:
            i += 1
        while j < len(theirs) and keys_b[j] in done:
            j += 1
        if i == len(ours) and j == len(theirs):
            break
        if j == len(theirs):
            take_ours = True
        elif i == len(ours):
            take_ours = False
        else:
            take_ours = (_when(ours[i]), keys_a[i]) <= (_when(theirs[j]), keys_b[j])
        if take_ours:
            joined.append(ours[i])
            done.add(keys_a[i])
        else:
            joined.append(copy.deepcopy(theirs[j]))
            done.add(keys_b[j])
    # A side written out of time order (by hand, or on a clock that went back) stays in its
    # own order: re-sorting would change a store merged with itself.
    return joined


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
    return (last or _EARLIEST, int(edited))


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


def _kind(value: Any) -> Any:
    return None if value == "other" else value  # "other" is what a title is until someone says


@dataclass
class _Merge:
    """One merge's settings: when it happens (for the entries it records) and whether
    there is no "own" side (the git driver: ties go to the value that sorts last)."""

    now: datetime
    symmetric: bool

    def theirs_on_tie(self, ours: Any, theirs: Any) -> bool:
        return self.symmetric and canonical(theirs) > canonical(ours)


def merge_documents(ours: Document, theirs: Document, now: datetime, base: Document | None = None) -> MergeResult:
    """Merge ``theirs`` into ``ours`` (in place); see the module's rules. With ``base`` (the
    version both came from) it is git's three-way merge, symmetric in its two sides;
    without, an import's two-way merge, in which the store is ``ours``."""
    merge = _Merge(now, symmetric=base is not None)
    result = MergeResult()
    if base is not None:
        theirs, base = _follow_renames(ours, theirs, base)
    for title_id in sorted(set(ours.titles) | set(theirs.titles)):
        mine, incoming = ours.titles.get(title_id), theirs.titles.get(title_id)
        common = base.titles.get(title_id) if base is not None else None
        if mine is not None and incoming is not None:
            result.titles.append(_merge_title(merge, mine, incoming, common))
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


_MISSING: Any = object()


def _merge_title(merge: _Merge, mine: Title, incoming: Title, base: Title | None) -> TitleOutcome:
    outcome = TitleOutcome(mine.id, "unchanged")
    updated: list[str] = []
    kept: list[str] = []
    recorded = merge.now.isoformat(timespec="seconds")
    mine_last, theirs_last = _last_recorded(mine.history), _last_recorded(incoming.history)
    original_history = list(mine.history)
    mine.history = joined_history(mine.history, incoming.history)
    original_edits = len(mine.edits)
    before_edits, before_edited = list(mine.edits), dict(mine.edited)
    mine.edits = joined_history(mine.edits, incoming.edits)
    before = {name: copy.deepcopy(getattr(mine, name)) for name in (*TITLE_FIELDS, "credits")}
    three_way = base is not None

    def title_newer(ours_value: Any, theirs_value: Any) -> bool:
        """Whether the file's title was changed last (its last recorded change)."""
        a, b = mine_last or _EARLIEST, theirs_last or _EARLIEST
        return b > a or (a == b and merge.theirs_on_tie(ours_value, theirs_value))

    def newer(name: str, ours_value: Any, theirs_value: Any) -> bool:
        """Whether their value of a field is the newer: by the time each side last set it,
        when either says; else by which title was changed last."""
        mine_at, theirs_at = recorded_at(before_edited.get(name, "")), recorded_at(incoming.edited.get(name, ""))
        if mine_at is None and theirs_at is None:
            return title_newer(ours_value, theirs_value)
        a, b = mine_at or _EARLIEST, theirs_at or _EARLIEST
        return b > a or (a == b and merge.theirs_on_tie(ours_value, theirs_value))

    def took(name: str) -> None:
        if name in incoming.edited:
            mine.edited[name] = incoming.edited[name]

    def decide(old: Any, new: Any, common: Any, when_both: Callable[[], bool]) -> bool | None:
        """Take theirs (True), keep ours (False), or nothing to decide (None); with a
        common version only a fact both changed goes to ``when_both``."""
        if old == new:
            return None
        if three_way:
            if new == common:
                return None
            if old == common:
                return True
        elif _empty(new):
            return None
        elif _empty(old):
            return True
        return when_both()

    for name in TITLE_FIELDS:
        old, new = getattr(mine, name), getattr(incoming, name)
        if name == "kind":
            old, new = _kind(old), _kind(new)
        common = _kind(getattr(base, name)) if base is not None and name == "kind" else getattr(base, name, None)
        contested = three_way and old not in (new, common) and new != common

        def field_newer(name: str = name, old: Any = old, new: Any = new) -> bool:
            return newer(name, old, new)

        choice = decide(old, new, common, field_newer)
        if choice is None:
            continue
        if choice:
            if name == "kind" and new is None:
                new = "other"
            if name != "name" or not _empty(new):
                setattr(mine, name, new)
                took(name)
                updated.append(f"{name} {'set' if _empty(old) else 'changed'} to {new!r}")
                if contested:
                    outcome.contested.append(f"{name}: took {new!r} (set later), kept {old!r} in the edits")
        else:
            kept.append(f"{name} (the store's {old!r} is newer than the file's {new!r})")
            if contested:
                outcome.contested.append(f"{name}: kept {old!r} (set later), {new!r} is in the edits")
    base_credits = base.credits if base is not None else {}
    for role in sorted(set(mine.credits) | set(incoming.credits) | set(base_credits)):
        old_names, new_names, common_names = mine.credits.get(role), incoming.credits.get(role), base_credits.get(role)

        def credits_newer(old: Any = old_names, new: Any = new_names) -> bool:
            return newer("credits", old, new)

        choice = decide(old_names, new_names, common_names, credits_newer)
        if choice is None:
            continue
        contested = three_way and old_names != common_names
        if choice:
            if _empty(new_names):
                mine.credits.pop(role, None)
            else:
                mine.credits[role] = list(new_names or [])
            took("credits")
            updated.append(f"credits for {role} {'added' if _empty(old_names) else 'changed'}")
            if contested:
                outcome.contested.append(f"credits for {role}: took theirs (set later)")
        else:
            kept.append(f"credits for {role} (the store's are newer)")
            if contested:
                outcome.contested.append(f"credits for {role}: kept ours (set later)")
    if merge.symmetric:
        # When each field was last set: the later of the two (the winner's, where they
        # differed), so both orders agree and a later merge still knows.
        for name in set(before_edited) | set(incoming.edited):
            stamps = [v for v in (before_edited.get(name), incoming.edited.get(name)) if v is not None]
            mine.edited[name] = max(stamps, key=lambda v: (recorded_at(v) or _EARLIEST, v))
        mine.edited = dict(sorted(mine.edited.items()))
    credit_anchor = list(base.credits) if base is not None else list(before["credits"])
    mine.credits = {
        role: mine.credits[role]
        for role in in_order(mine.credits, credit_anchor, str, list(before["credits"]), list(incoming.credits))
    }
    for name, old in before.items():
        # A field taken from the file is recorded as an edit, as `edit` would, unless the
        # file's own edits already say how it got there. In git's merge, where there is no
        # "own" side, every field the sides disagreed on ends with an edit saying what it
        # holds, from what the joined edits last said.
        new = getattr(mine, name)
        last_edit = next((e for e in reversed(mine.edits) if e.field == name), None)
        explained = last_edit is not None and last_edit.new == (new or None)
        if merge.symmetric:
            sides_differ = getattr(incoming, name) != old or _edits_of(incoming.edits, name) != _edits_of(
                before_edits, name
            )
            if sides_differ and not explained and (last_edit is not None or new != getattr(base, name, None)):
                was = last_edit.new if last_edit is not None else (getattr(base, name, None) or None)
                mine.edits.append(
                    Edit(recorded=recorded, field=name, old=copy.deepcopy(was), new=copy.deepcopy(new) or None)
                )
        elif new != old and not explained:
            mine.edits.append(Edit(recorded=recorded, field=name, old=old or None, new=copy.deepcopy(new) or None))
    base_extra = base.extra if base is not None else {}
    for key in sorted(set(incoming.extra) | set(base_extra)):
        old_value, new_value = mine.extra.get(key, _MISSING), incoming.extra.get(key, _MISSING)
        common_value = base_extra.get(key, _MISSING)
        if old_value == new_value or (three_way and new_value == common_value):
            continue
        if three_way and old_value != common_value:
            take = title_newer(old_value, new_value)
        else:
            take = old_value is _MISSING or (new_value is not _MISSING and title_newer(old_value, new_value))
            take = take or (three_way and old_value == common_value)
        if take:
            if new_value is _MISSING:
                mine.extra.pop(key, None)
            else:
                mine.extra[key] = copy.deepcopy(new_value)
            updated.append(f"field {key}")
    _merge_leads(mine, incoming, base, title_newer, updated)

    base_milestones = base.milestones if base is not None else {}
    every_key = sorted(set(mine.milestones) | set(incoming.milestones) | set(base_milestones))

    def story(history: list[Change], key: str) -> list[str]:
        return [canonical(c) for c in history if c.milestone == key]

    # Where the two sides differ at all (the milestone, or how it got there): after the
    # merge, each of these ends with a history entry saying what it holds. Decided from
    # both sides alike, so swapping them changes nothing.
    differ = [k for k in every_key if not _same(mine.milestones.get(k), incoming.milestones.get(k))]
    differ += [k for k in every_key if k not in differ and story(original_history, k) != story(incoming.history, k)]
    for kind in every_key:
        old, new = mine.milestones.get(kind), incoming.milestones.get(kind)
        if _same(old, new):
            continue
        if three_way:
            common_milestone = base_milestones.get(kind)
            if _same(new, common_milestone):
                continue
            if _same(old, common_milestone):
                _take_milestone(merge, mine, kind, old, new, updated)
                continue
        mine_time = _last_recorded(original_history, kind)
        theirs_time = _last_recorded(incoming.history, kind)
        shown_old = old.date.text if old is not None else "removed"
        shown_new = new.date.text if new is not None else "removed"
        if new is None:
            assert old is not None
            if _removed_after(incoming.history, kind, mine_time):
                _take_milestone(merge, mine, kind, old, new, updated, "(the file removed it later)")
                if three_way:
                    outcome.contested.append(f"{kind}: removed (recorded later), {shown_old} is in the history")
            else:
                kept.append(f"{kind} {old.date.text} (the file does not have it)")
                if three_way:
                    outcome.contested.append(f"{kind}: kept {shown_old} (recorded later than its removal)")
            continue
        if old is None and _removed_after(original_history, kind, theirs_time):
            kept.append(f"{kind} removed (the store removed it later than the file set it)")
            if three_way:
                outcome.contested.append(f"{kind}: removed (recorded later), {shown_new} is in the history")
            continue
        if old is not None:
            ours_as_of = _as_of(original_history, kind, old)
            theirs_as_of = _as_of(incoming.history, kind, new)
            if theirs_as_of < ours_as_of or (theirs_as_of == ours_as_of and not merge.theirs_on_tie(old, new)):
                unknown = theirs_time is None and mine_time is None
                why = "neither side records when it was set" if unknown else "newer or as new"
                kept.append(f"{kind} {old.date.text} (the store's is {why}; the file says {new.date.text})")
                if three_way:
                    outcome.contested.append(
                        f"{kind}: kept {shown_old} (recorded later), {shown_new} is in the history"
                    )
                continue
        _take_milestone(merge, mine, kind, old, new, updated)
        if three_way:
            outcome.contested.append(f"{kind}: took {shown_new} (recorded later), {shown_old} is in the history")

    if merge.symmetric:
        for key in sorted(differ):
            current = mine.milestones.get(key)
            last = next((c for c in reversed(mine.history) if c.milestone == key), None)
            if (last is None and current is not None) or (last is not None and not _same(last.new, current)):
                was = last.new if last is not None else None
                mine.history.append(Change(recorded=recorded, milestone=key, old=was, new=copy.deepcopy(current)))
    updated += _merge_sources(merge, mine, incoming, base)
    if updated:
        outcome.action = "updated"
    elif kept:
        outcome.action = "kept"
    elif len(mine.history) != len(original_history) or len(mine.edits) != original_edits:
        outcome.action = "updated"
        updated.append("history entries from the file")
    outcome.details = [f"took {u}" for u in updated] + [f"kept {k}" for k in kept]
    return outcome


def _merge_leads(
    mine: Title, incoming: Title, base: Title | None, title_newer: Callable[[Any, Any], bool], updated: list[str]
) -> None:
    """The lead times `hstrack notify` uses (``Title.notify``), milestone by milestone, as
    facts: one side's change is taken; when both changed one, the title changed last wins.
    Off (an empty list) is a setting, not an absence, so an import never drops it."""
    common = base.notify if base is not None else {}
    for key in sorted(set(mine.notify) | set(incoming.notify) | set(common)):
        old, new, was = mine.notify.get(key), incoming.notify.get(key), common.get(key)
        if old == new:
            continue
        if base is not None:
            if new == was:
                continue
            take = old == was or title_newer(old, new)
        else:
            take = new is not None and (old is None or title_newer(old, new))
        if take:
            if new is None:
                mine.notify.pop(key, None)
            else:
                mine.notify[key] = list(new)
            updated.append(f"lead times for {key}")
    mine.notify = dict(sorted(mine.notify.items()))


def _edits_of(edits: list[Edit], name: str) -> list[str]:
    return [canonical(e) for e in edits if e.field == name]


def _take_milestone(
    merge: _Merge,
    mine: Title,
    kind: str,
    old: Milestone | None,
    new: Milestone | None,
    updated: list[str],
    why: str = "",
) -> None:
    """Their milestone (or its removal) becomes ours, with a history entry unless the
    joined history already ends with one saying so."""
    recorded = merge.now.isoformat(timespec="seconds")
    if new is None:
        mine.milestones.pop(kind, None)
    else:
        mine.milestones[kind] = copy.deepcopy(new)
    last = next((c for c in reversed(mine.history) if c.milestone == kind), None)
    if last is None or not _same(last.new, new):
        # Their own history does not say how it came to this: record it now.
        mine.history.append(Change(recorded=recorded, milestone=kind, old=old, new=copy.deepcopy(new)))
    if new is None:
        updated.append(f"{kind} removed {why}".rstrip())
    else:
        was = f" (was {old.date.text})" if old is not None else ""
        updated.append(f"{kind} {new.date.text}{was}")


K = TypeVar("K")


def in_order(keys: Any, anchor: list[K], sort_key: Callable[[K], Any], ours: list[K], theirs: list[K]) -> list[K]:
    """The order a merged list is written in: the common version's (in an import, the
    store's), then what is new: in the order both sides agree on, else sorted. So swapping
    the sides gives the same list, and a merge that changes nothing keeps the order."""
    present = set(keys)
    first = [k for k in anchor if k in present]
    placed = set(first)
    new = [k for k in present if k not in placed]
    agreed = [k for k in ours if k in present and k not in placed]
    if agreed == [k for k in theirs if k in present and k not in placed] and len(agreed) == len(new):
        return first + agreed
    return first + sorted(new, key=sort_key)


def _source_of(link: str) -> str:
    return link.partition(":")[0]


def _merge_sources(merge: _Merge, mine: Title, incoming: Title, base: Title | None) -> list[str]:
    """Links: one page per source (with a common version, the side that changed it; else,
    or both changed it, the store's, or for the git driver the one that sorts last).
    Rejections are joined (a value refused in either copy stays refused). A pending
    proposal per milestone and source: the later recorded, never one refused."""
    took: list[str] = []
    ours_links = {_source_of(link): link for link in mine.links}
    theirs_links = {_source_of(link): link for link in incoming.links}
    base_links = {_source_of(link): link for link in base.links} if base is not None else {}
    for source in sorted(set(ours_links) | set(theirs_links) | set(base_links)):
        old, new, common = ours_links.get(source), theirs_links.get(source), base_links.get(source)
        if old == new or (base is not None and new == common):
            continue
        if base is not None and old == common:
            take = True
        elif old is None:
            take = base is None
        else:
            take = new is not None and merge.theirs_on_tie(old, new)
        if take:
            if new is None:
                ours_links.pop(source, None)
                took.append(f"unlinked {old}")
            else:
                ours_links[source] = new
                took.append(f"link {new}")
    # The common version's order (ours, in an import), then new sources by name: the same
    # list whichever side is which, and unchanged when nothing changed.
    anchor = [_source_of(link) for link in (base.links if base is not None else mine.links)]
    sides = [_source_of(link) for link in mine.links], [_source_of(link) for link in incoming.links]
    mine.links = [ours_links[s] for s in in_order(ours_links, anchor, str, *sides)]

    rejected = {canonical(r): r for r in mine.rejected}
    for r in incoming.rejected:
        if canonical(r) not in rejected:
            rejected[canonical(r)] = copy.deepcopy(r)
            took.append(f"rejected {r.milestone} from {r.origin}")
    if base is not None:  # one side took a rejection back (an older hstrack never does): gone
        both = {canonical(x) for x in mine.rejected} & {canonical(x) for x in incoming.rejected}
        for r in base.rejected:
            if canonical(r) not in both:
                rejected.pop(canonical(r), None)
    rejected_anchor = [canonical(r) for r in (base.rejected if base is not None else mine.rejected)]
    rejected_sides = [canonical(r) for r in mine.rejected], [canonical(r) for r in incoming.rejected]
    mine.rejected = [rejected[k] for k in in_order(rejected, rejected_anchor, str, *rejected_sides)]

    def refused(p: Proposal) -> bool:
        return any(r.milestone == p.milestone and r.origin == p.origin and r.same_value(p.new) for r in mine.rejected)

    def keyed(title: Title | None) -> dict[tuple[str, str], Proposal]:
        return {(p.milestone, p.origin): p for p in title.proposals} if title is not None else {}

    ours_p, theirs_p, base_p = keyed(mine), keyed(incoming), keyed(base)
    result: dict[tuple[str, str], Proposal] = {}
    for key in sorted(set(ours_p) | set(theirs_p) | set(base_p)):
        old_p, new_p, common_p = ours_p.get(key), theirs_p.get(key), base_p.get(key)
        pick = old_p
        same = (old_p is None and new_p is None) or (
            old_p is not None and new_p is not None and canonical(old_p) == canonical(new_p)
        )
        if not same:
            changed_theirs = base is None or canonical(new_p) != canonical(common_p)
            changed_ours = base is not None and canonical(old_p) != canonical(common_p)
            if changed_theirs and not changed_ours and base is not None:
                pick = new_p
            elif changed_theirs:
                a = _when(old_p) if old_p is not None else None
                b = _when(new_p) if new_p is not None else None
                if b is not None and (a is None or b > a or (a == b and merge.theirs_on_tie(old_p, new_p))):
                    pick = new_p
            if pick is new_p and new_p is not None:
                took.append(f"proposal {new_p.milestone} from {new_p.origin}")
        if pick is not None and not refused(pick):
            result[key] = pick if pick is old_p else copy.deepcopy(pick)
    proposal_anchor = [(p.milestone, p.origin) for p in (base.proposals if base is not None else mine.proposals)]
    proposal_sides = (
        [(p.milestone, p.origin) for p in mine.proposals],
        [(p.milestone, p.origin) for p in incoming.proposals],
    )
    mine.proposals = [result[k] for k in in_order(result, proposal_anchor, lambda k: k, *proposal_sides)]
    return took
