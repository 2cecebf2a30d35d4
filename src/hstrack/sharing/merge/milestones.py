"""Merging one title's milestones: each decided as a fact (with a common version, the side
that changed it; else, or when both did, the side that recorded it later), every side's
history kept, and in git's merge every milestone the sides disagreed on ending with a
history entry that says what it holds."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from hstrack.core.model.history import Change
from hstrack.sharing.merge.history import (
    _last_recorded,
    canonical,
)
from hstrack.sharing.merge.titles import TitleMerge, _as_of, _removed_after, _same

if TYPE_CHECKING:
    from hstrack.core.model.milestone import Milestone
    from hstrack.core.model.title import Title
    from hstrack.sharing.merge.outcome import MergeSettings


def merge_milestones(t: TitleMerge) -> None:
    base_milestones = t.base.milestones if t.base is not None else {}
    every_key = sorted(set(t.mine.milestones) | set(t.incoming.milestones) | set(base_milestones))

    def story(history: list[Change], key: str) -> list[str]:
        return [canonical(c) for c in history if c.milestone == key]

    # Where the two sides differ at all (the milestone, or how it got there): after the
    # merge, each of these ends with a history entry saying what it holds. Decided from
    # both sides alike, so swapping them changes nothing.
    differ = [k for k in every_key if not _same(t.mine.milestones.get(k), t.incoming.milestones.get(k))]
    differ += [k for k in every_key if k not in differ and story(t.original_history, k) != story(t.incoming.history, k)]
    for kind in every_key:
        old, new = t.mine.milestones.get(kind), t.incoming.milestones.get(kind)
        if _same(old, new):
            continue
        if t.three_way:
            common_milestone = base_milestones.get(kind)
            if _same(new, common_milestone):
                continue
            if _same(old, common_milestone):
                _take_milestone(t.merge, t.mine, kind, old, new, t.updated)
                continue
        mine_time = _last_recorded(t.original_history, kind)
        theirs_time = _last_recorded(t.incoming.history, kind)
        shown_old = old.date.text if old is not None else "removed"
        shown_new = new.date.text if new is not None else "removed"
        if new is None:
            assert old is not None
            if _removed_after(t.incoming.history, kind, mine_time):
                _take_milestone(t.merge, t.mine, kind, old, new, t.updated, "(the file removed it later)")
                if t.three_way:
                    t.outcome.contested.append(f"{kind}: removed (recorded later), {shown_old} is in the history")
            else:
                t.kept.append(f"{kind} {old.date.text} (the file does not have it)")
                if t.three_way:
                    t.outcome.contested.append(f"{kind}: kept {shown_old} (recorded later than its removal)")
            continue
        if old is None and _removed_after(t.original_history, kind, theirs_time):
            t.kept.append(f"{kind} removed (the store removed it later than the file set it)")
            if t.three_way:
                t.outcome.contested.append(f"{kind}: removed (recorded later), {shown_new} is in the history")
            continue
        if old is not None:
            ours_as_of = _as_of(t.original_history, kind, old)
            theirs_as_of = _as_of(t.incoming.history, kind, new)
            if theirs_as_of < ours_as_of or (theirs_as_of == ours_as_of and not t.merge.theirs_on_tie(old, new)):
                unknown = theirs_time is None and mine_time is None
                why = "neither side records when it was set" if unknown else "newer or as new"
                t.kept.append(f"{kind} {old.date.text} (the store's is {why}; the file says {new.date.text})")
                if t.three_way:
                    t.outcome.contested.append(
                        f"{kind}: kept {shown_old} (recorded later), {shown_new} is in the history"
                    )
                continue
        _take_milestone(t.merge, t.mine, kind, old, new, t.updated)
        if t.three_way:
            t.outcome.contested.append(f"{kind}: took {shown_new} (recorded later), {shown_old} is in the history")

    if t.merge.symmetric:
        for key in sorted(differ):
            current = t.mine.milestones.get(key)
            last = next((c for c in reversed(t.mine.history) if c.milestone == key), None)
            if (last is None and current is not None) or (last is not None and not _same(last.new, current)):
                was = last.new if last is not None else None
                t.mine.history.append(Change(recorded=t.recorded, milestone=key, old=was, new=copy.deepcopy(current)))


def _take_milestone(
    merge: MergeSettings,
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
