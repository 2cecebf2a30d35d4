"""Merging one title that both sides have: its fields, credits, unknown fields, lead times,
links and proposals here; its milestones in ``hstrack.sharing.merge.milestones``.

``TitleMerge`` holds what the parts share: both sides as they were, the common version,
and the rules of deciding a fact (``decide``: with a common version only a fact both sides
changed is decided by time; ``newer``: by when each side last set it).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hstrack.core.model.history import Change, Edit, Proposal
from hstrack.sharing.merge.history import (
    _EARLIEST,
    _last_recorded,
    _when,
    canonical,
    in_order,
    joined_history,
    recorded_at,
)
from hstrack.sharing.merge.outcome import MergeSettings, TitleOutcome

if TYPE_CHECKING:
    from hstrack.core.model.milestone import Milestone
    from hstrack.core.model.title import Title

TITLE_FIELDS = ("name", "label", "kind", "platform", "synopsis", "notes")
_MISSING: Any = object()


@dataclass
class TitleMerge:
    """One title's merge in progress: ``mine`` is changed in place, ``incoming`` read."""

    merge: MergeSettings
    mine: Title
    incoming: Title
    base: Title | None
    outcome: TitleOutcome = field(init=False)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        mine, incoming = self.mine, self.incoming
        self.outcome = TitleOutcome(mine.id, "unchanged")
        self.recorded = self.merge.now.isoformat(timespec="seconds")
        self.mine_last, self.theirs_last = _last_recorded(mine.history), _last_recorded(incoming.history)
        self.original_history = list(mine.history)
        mine.history = joined_history(mine.history, incoming.history)
        self.original_edits = len(mine.edits)
        self.before_edits, self.before_edited = list(mine.edits), dict(mine.edited)
        mine.edits = joined_history(mine.edits, incoming.edits)
        self.before = {name: copy.deepcopy(getattr(mine, name)) for name in (*TITLE_FIELDS, "credits")}
        self.three_way = self.base is not None

    def title_newer(self, ours_value: Any, theirs_value: Any) -> bool:
        """Whether the file's title was changed last (its last recorded change)."""
        a, b = self.mine_last or _EARLIEST, self.theirs_last or _EARLIEST
        return b > a or (a == b and self.merge.theirs_on_tie(ours_value, theirs_value))

    def newer(self, name: str, ours_value: Any, theirs_value: Any) -> bool:
        """Whether their value of a field is the newer: by the time each side last set it,
        when either says; else by which title was changed last."""
        mine_at = recorded_at(self.before_edited.get(name, ""))
        theirs_at = recorded_at(self.incoming.edited.get(name, ""))
        if mine_at is None and theirs_at is None:
            return self.title_newer(ours_value, theirs_value)
        a, b = mine_at or _EARLIEST, theirs_at or _EARLIEST
        return b > a or (a == b and self.merge.theirs_on_tie(ours_value, theirs_value))

    def took(self, name: str) -> None:
        if name in self.incoming.edited:
            self.mine.edited[name] = self.incoming.edited[name]

    def decide(
        self, old: Any, new: Any, common: Any, when_both: Callable[[], bool], name: str | None = None
    ) -> bool | None:
        """Take theirs (True), keep ours (False), or nothing to decide (None); with a
        common version only a fact both changed goes to ``when_both``. Without one (an
        import), an empty side has nothing to say unless it records clearing the field
        (``edited``): a clearing is a change like any other, and the later one wins."""
        if old == new:
            return None
        if self.three_way:
            if new == common:
                return None
            if old == common:
                return True
        elif _empty(new) and name not in self.incoming.edited:
            return None
        elif _empty(old) and name not in self.before_edited:
            return True
        return when_both()


def _last_rename(title: Title) -> str:
    return next((e.recorded for e in reversed(title.edits) if e.field == "id"), "")


def merge_id(t: TitleMerge) -> None:
    """The title's id, a name the sides may each have changed: one side's rename is taken;
    when both renamed it differently, the later rename wins (a tie: the id that sorts
    last). The joined edits then end with the rename that gives it, as the history rule
    asks."""
    mine, incoming = t.mine, t.incoming
    ours_at = recorded_at(next((e.recorded for e in reversed(t.before_edits) if e.field == "id"), "")) or _EARLIEST
    theirs_at = recorded_at(_last_rename(incoming)) or _EARLIEST
    old, new = mine.id, incoming.id
    if old != new:
        common = t.base.id if t.base is not None else None
        if t.three_way and new == common:
            take = False
        elif t.three_way and old == common:
            take = True
        else:
            take = theirs_at > ours_at or (theirs_at == ours_at and t.merge.theirs_on_tie(old, new))
            if t.three_way:
                kept, lost = (new, old) if take else (old, new)
                t.outcome.contested.append(f"id: both copies renamed it; {kept} (renamed later), not {lost}")
        if take:
            mine.id = new
            t.updated.append(f"id {new} (was {old})")
    last = next((e for e in reversed(mine.edits) if e.field == "id"), None)
    if last is not None and last.new != mine.id:
        mine.edits.append(Edit(recorded=t.recorded, field="id", old=last.new, new=mine.id))


def merge_fields(t: TitleMerge) -> None:
    """The title's own fields (name, label, kind, platform, synopsis, notes)."""
    for name in TITLE_FIELDS:
        old, new = getattr(t.mine, name), getattr(t.incoming, name)
        if name == "kind":
            old, new = _kind(old), _kind(new)
        common = _kind(getattr(t.base, name)) if t.base is not None and name == "kind" else getattr(t.base, name, None)
        contested = t.three_way and old not in (new, common) and new != common

        def field_newer(name: str = name, old: Any = old, new: Any = new) -> bool:
            return t.newer(name, old, new)

        choice = t.decide(old, new, common, field_newer, name)
        if choice is None:
            continue
        if choice:
            if name == "kind" and new is None:
                new = "other"
            if name != "name" or not _empty(new):
                setattr(t.mine, name, new)
                t.took(name)
                t.updated.append(
                    f"{name} cleared" if _empty(new) else f"{name} {'set' if _empty(old) else 'changed'} to {new!r}"
                )
                if contested:
                    t.outcome.contested.append(f"{name}: took {new!r} (set later), kept {old!r} in the edits")
        else:
            t.kept.append(f"{name} (the store's {_said(old)} is newer than the file's {_said(new)})")
            if contested:
                t.outcome.contested.append(f"{name}: kept {old!r} (set later), {new!r} is in the edits")


def merge_credits(t: TitleMerge) -> None:
    """Credits, name by name within each role: a list, not one fact. With a common
    version, a name either side added is kept and one either side removed goes; without
    (an import), the names of both. So two additions to a role on two sides are both kept,
    and the history's edits (both additions) explain the credits the merge leaves."""
    base_credits = t.base.credits if t.base is not None else {}
    merged: dict[str, list[str]] = {}
    for role in sorted(set(t.mine.credits) | set(t.incoming.credits) | set(base_credits)):
        ours, theirs = t.mine.credits.get(role, []), t.incoming.credits.get(role, [])
        common = base_credits.get(role, [])
        if t.three_way:
            keep = {n for n in common if n in ours and n in theirs} | (set(ours) - set(common))
            keep |= set(theirs) - set(common)
        else:  # both sides' names, but one a side lacks and records removing after the other added it
            keep = {n for n in set(ours) | set(theirs)
                    if (n in ours and n in theirs)  # both hold it: whatever either removed once, it came back
                    or not _removed_later(role, n, t.before_edits if n not in ours else t.incoming.edits,
                                          t.incoming.edits if n not in ours else t.before_edits)}  # fmt: skip
        names = in_order(keep, common if t.three_way else ours, str, ours, theirs)
        if names:
            merged[role] = names
        if names != ours:
            added = [n for n in names if n not in ours]
            gone = [n for n in ours if n not in names]
            t.updated.append(
                f"credits for {role}: " + "; ".join(
                    part for part in (f"added {', '.join(added)}" if added else "",
                                      f"removed {', '.join(gone)}" if gone else "") if part
                ) if added or gone else f"credits for {role} reordered"
            )  # fmt: skip
    if merged != t.mine.credits:
        t.mine.credits = merged
        t.took("credits")
    if t.merge.symmetric:
        # When each field was last set: the later of the two (the winner's, where they
        # differed), so both orders agree and a later merge still knows.
        for name in set(t.before_edited) | set(t.incoming.edited):
            stamps = [v for v in (t.before_edited.get(name), t.incoming.edited.get(name)) if v is not None]
            t.mine.edited[name] = max(stamps, key=lambda v: (recorded_at(v) or _EARLIEST, v))
        t.mine.edited = dict(sorted(t.mine.edited.items()))
    credit_anchor = list(t.base.credits) if t.base is not None else list(t.before["credits"])
    t.mine.credits = {
        role: t.mine.credits[role]
        for role in in_order(t.mine.credits, credit_anchor, str, list(t.before["credits"]), list(t.incoming.credits))
    }


def record_field_edits(t: TitleMerge) -> None:
    """A field taken from the file is recorded as an edit, as `edit` would, unless the
    file's own edits already say how it got there. In git's merge, where there is no
    "own" side, every field the sides disagreed on ends with an edit saying what it
    holds, from what the joined edits last said."""
    for name, old in t.before.items():
        # A field taken from the file is recorded as an edit, as `edit` would, unless the
        # file's own edits already say how it got there. In git's merge, where there is no
        # "own" side, every field the sides disagreed on ends with an edit saying what it
        # holds, from what the joined edits last said.
        new = getattr(t.mine, name)
        last_edit = next((e for e in reversed(t.mine.edits) if e.field == name), None)
        explained = last_edit is not None and last_edit.new == (new or None)
        if t.merge.symmetric:
            sides_differ = getattr(t.incoming, name) != old or _edits_of(t.incoming.edits, name) != _edits_of(
                t.before_edits, name
            )
            if sides_differ and not explained and (last_edit is not None or new != getattr(t.base, name, None)):
                was = last_edit.new if last_edit is not None else (getattr(t.base, name, None) or None)
                t.mine.edits.append(
                    Edit(recorded=t.recorded, field=name, old=copy.deepcopy(was), new=copy.deepcopy(new) or None)
                )
        elif not explained and (new != old or last_edit is not None):
            # Taken from the file, or kept while the joined edits (theirs among them) end
            # saying otherwise: an edit says what the field holds now, from what they said.
            was = old if new != old or last_edit is None else last_edit.new
            t.mine.edits.append(Edit(recorded=t.recorded, field=name, old=copy.deepcopy(was) or None,
                                     new=copy.deepcopy(new) or None))  # fmt: skip


def merge_extra(t: TitleMerge) -> None:
    """Fields this version does not know, key by key."""
    base_extra = t.base.extra if t.base is not None else {}
    for key in sorted(set(t.incoming.extra) | set(base_extra)):
        old_value, new_value = t.mine.extra.get(key, _MISSING), t.incoming.extra.get(key, _MISSING)
        common_value = base_extra.get(key, _MISSING)
        if old_value == new_value or (t.three_way and new_value == common_value):
            continue
        if t.three_way and old_value != common_value:
            take = t.title_newer(old_value, new_value)
        else:
            take = old_value is _MISSING or (new_value is not _MISSING and t.title_newer(old_value, new_value))
            take = take or (t.three_way and old_value == common_value)
        if take:
            if new_value is _MISSING:
                t.mine.extra.pop(key, None)
            else:
                t.mine.extra[key] = copy.deepcopy(new_value)
            t.updated.append(f"field {key}")


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


def _credit_moments(edits: list[Edit], role: str, name: str, added: bool) -> list[datetime]:
    """When a side's credit edits added (or removed) a name in a role."""
    out = []
    for e in edits:
        if e.field != "credits":
            continue
        was = name in ((e.old or {}).get(role) or [])
        now = name in ((e.new or {}).get(role) or [])
        when = recorded_at(e.recorded)
        if when is not None and was != now and now == added:
            out.append(when)
    return out


def _removed_later(role: str, name: str, lacking: list[Edit], having: list[Edit]) -> bool:
    """Whether the side without a credited name removed it after the other side last added
    it (an import has no common version to tell a removal from a name never there)."""
    removed = _credit_moments(lacking, role, name, added=False)
    if not removed:
        return False
    added = _credit_moments(having, role, name, added=True)
    return max(removed) > max(added, default=_EARLIEST)


def _said(value: Any) -> str:
    return "clearing" if _empty(value) else repr(value)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == {} or value == []


def _kind(value: Any) -> Any:
    return None if value == "other" else value  # "other" is what a title is until someone says


def merge_leads(t: TitleMerge) -> None:
    """The lead times `hstrack notify` uses (``Title.notify``), milestone by milestone, as
    facts: one side's change is taken; when both changed one (in an import: both have one),
    the side that set its lead times later wins (``edited``, which `remind` stamps; for a
    copy that does not say, the title changed last), never the side whose title merely
    changed later in other ways. Off (an empty list) is a setting, not an absence, so an
    import never drops it."""
    mine, incoming, base = t.mine, t.incoming, t.base
    common = base.notify if base is not None else {}
    took = False
    for key in sorted(set(mine.notify) | set(incoming.notify) | set(common)):
        old, new, was = mine.notify.get(key), incoming.notify.get(key), common.get(key)
        if old == new:
            continue
        if base is not None:
            if new == was:
                continue
            take = old == was or t.newer("notify", old, new)
        else:
            take = new is not None and (old is None or t.newer("notify", old, new))
        if take:
            if new is None:
                mine.notify.pop(key, None)
            else:
                mine.notify[key] = list(new)
            took = True
            t.updated.append(f"lead times for {key}")
    mine.notify = dict(sorted(mine.notify.items()))
    theirs_set = t.incoming.edited.get("notify")
    if took and not t.merge.symmetric and theirs_set is not None:
        # An import took some of the file's: the store's settings are now as recent as the
        # later of the two (git's merge already keeps the later stamp of every field).
        ours_set = t.before_edited.get("notify")
        later = ours_set is not None and (recorded_at(ours_set) or _EARLIEST) > (recorded_at(theirs_set) or _EARLIEST)
        mine.edited["notify"] = ours_set if later and ours_set is not None else theirs_set
        mine.edited = dict(sorted(mine.edited.items()))


def _edits_of(edits: list[Edit], name: str) -> list[str]:
    return [canonical(e) for e in edits if e.field == name]


def _source_of(link: str) -> str:
    return link.partition(":")[0]


def merge_sources(merge: MergeSettings, mine: Title, incoming: Title, base: Title | None) -> list[str]:
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
    # The later confirmation by a sync: each copy's says its facts were current then.
    if incoming.synced is not None and (
        mine.synced is None or datetime.fromisoformat(incoming.synced) > datetime.fromisoformat(mine.synced)
    ):
        mine.synced = incoming.synced
        took.append(f"confirmed by a sync on {incoming.synced[:10]}")
    if mine.country is None and incoming.country is not None:  # what a source said, where one copy knows it
        mine.country = incoming.country
        took.append(f"country {incoming.country}")
    return took
