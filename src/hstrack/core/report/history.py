"""The history as people read it: each recorded change of a milestone ("moved 94 days
later", "firmed up from 2027 to Q3 2027") or of a title's field, in recorded order."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from hstrack.core.report.assess import Assessed, _set, assess, label
from hstrack.core.text import plural
from hstrack.core.values import Value

if TYPE_CHECKING:  # types only: a command loads the modules it runs
    from hstrack.core.model.history import Change, Edit
    from hstrack.core.model.milestone import Milestone
    from hstrack.core.model.title import Title

# ---------------------------------------------------------------------------- history


class HistoryRow(Value):
    change: Change
    old: Assessed | None
    new: Assessed | None
    shift_days: tuple[int, int] | None  # how far the window moved, in the viewer's days: start, end

    __match_args__ = ("change", "old", "new", "shift_days")
    __slots__ = __match_args__

    def __init__(
        self, change: Change, old: Assessed | None, new: Assessed | None, shift_days: tuple[int, int] | None
    ) -> None:
        _set(self, "change", change)
        _set(self, "old", old)
        _set(self, "new", new)
        _set(self, "shift_days", shift_days)

    @property
    def recorded(self) -> str:
        return self.change.recorded

    @property
    def summary(self) -> str:
        """The change in words that keep their meaning: a date is said with "(tentative)"
        wherever it is; a narrower window inside the old one is "firmed up", a wider one
        holding the old one is "widened", and only a window that moved is "moved"."""
        kind, old, new = label(self.change.milestone), self.change.old, self.change.new
        if old is None and new is not None:
            return f"{kind} set to {said(new)}"
        if new is None and old is not None:
            return f"{kind} removed (was {said(old)})"
        assert old is not None
        assert new is not None
        if old.date == new.date:
            if old.tentative != new.tentative:
                return f"{kind} {'marked tentative' if new.tentative else 'confirmed'} ({new.date.text})"
            return f"{kind} source or note updated ({said(new)})"
        if old.date.is_tba:
            return f"{kind} dated: {said(new)} (was TBA)"
        if new.date.is_tba:
            return f"{kind} back to TBA (was {said(old)})"
        o = self.old.window if self.old else None
        n = self.new.window if self.new else None
        assert o is not None
        assert n is not None
        if o[0] <= n[0] and n[1] <= o[1] and o != n:
            return f"{kind} firmed up from {said(old)} to {said(new)}"
        if n[0] <= o[0] and o[1] <= n[1] and o != n:
            return f"{kind} widened from {said(old)} to {said(new)}"
        assert self.shift_days is not None
        low, high = sorted(self.shift_days)
        if low >= 0 or high <= 0:
            if low == high == 0:
                return f"{kind} changed from {said(old)} to {said(new)} (the same day)"
            direction = "later" if high > 0 else "earlier"
            near, far = sorted((abs(low), abs(high)))
            amount = plural(near, "day") if near == far else f"{near} to {far} days"
            return f"{kind} moved {amount} {direction} ({said(old)} → {said(new)})"
        return f"{kind} changed from {said(old)} to {said(new)}"

    @property
    def movement(self) -> str | None:
        """What the change did to the date, in one word a notification or a script can
        act on: set, removed, dated, undated, firmed, widened, moved, tentative, confirmed,
        or None when only a source or note changed."""
        old, new = self.change.old, self.change.new
        if old is None:
            return "set"
        if new is None:
            return "removed"
        if old.date == new.date:
            return None if old.tentative == new.tentative else ("tentative" if new.tentative else "confirmed")
        if old.date.is_tba:
            return "dated"
        if new.date.is_tba:
            return "undated"
        o, n = self.old.window if self.old else None, self.new.window if self.new else None
        if o is not None and n is not None and o != n:
            if o[0] <= n[0] and n[1] <= o[1]:
                return "firmed"
            if n[0] <= o[0] and o[1] <= n[1]:
                return "widened"
        return "moved"


def said(m: Milestone) -> str:
    """A milestone's date as every view says it: with "(tentative)" when it is."""
    return f"{m.date.text} (tentative)" if m.tentative else m.date.text


class _Recorded(Protocol):
    @property
    def recorded(self) -> str: ...


R = TypeVar("R", bound=_Recorded)


def recorded_order(changes: list[R]) -> list[R]:
    """Changes in the order they were recorded (by the instant, whatever offset each was
    written with); a merge can append an older change after a newer one. Ties keep their
    order."""
    try:
        keys = [datetime.fromisoformat(c.recorded) for c in changes]
        if any(k.tzinfo is None for k in keys):
            return list(changes)
        order = sorted(range(len(changes)), key=lambda i: keys[i].astimezone(UTC))
    except ValueError:
        return list(changes)
    return [changes[i] for i in order]


class EditRow(Value):
    """One recorded change of a title's own field, for the history."""

    edit: Edit

    __match_args__ = ("edit",)
    __slots__ = __match_args__

    def __init__(self, edit: Edit) -> None:
        _set(self, "edit", edit)

    @property
    def recorded(self) -> str:
        return self.edit.recorded

    @property
    def what(self) -> str:
        return "title id" if self.edit.field == "id" else self.edit.field

    @property
    def summary(self) -> str:
        name, old, new = self.edit.field, self.edit.old, self.edit.new
        if name == "credits":
            return credits_summary(old or {}, new or {})
        if name in ("synopsis", "notes"):  # long text: say what happened, not all of it
            return f"{name} {'set' if old is None else 'cleared' if new is None else 'changed'}"
        if old is None:
            return f"{name} set to {_quoted(new)}"
        if new is None:
            return f"{name} cleared (was {_quoted(old)})"
        return f"{name} changed from {_quoted(old)} to {_quoted(new)}"


def _quoted(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else str(value)


def credits_summary(old: dict[str, list[str]], new: dict[str, list[str]]) -> str:
    """What changed in the credits, role by role: "Director: added Euros Lyn"."""
    parts = []
    for role in [*old, *(r for r in new if r not in old)]:
        before, after = old.get(role, []), new.get(role, [])
        if before == after:
            continue
        if not after:
            parts.append(f"{role}: removed")
            continue
        added = [n for n in after if n not in before]
        removed = [n for n in before if n not in after]
        said = [f"added {', '.join(added)}"] if added else []
        said += [f"removed {', '.join(removed)}"] if removed else []
        parts.append(f"{role}: {'; '.join(said) or 'reordered'}")
    return "credits: " + ("; ".join(parts) if parts else "unchanged")


def title_history(title: Title, now: datetime) -> list[HistoryRow | EditRow]:
    """Every recorded change of a title, its milestones' and its own fields', in the order
    they were recorded."""
    rows: list[HistoryRow | EditRow] = [*history(title, now), *(EditRow(e) for e in title.edits)]
    return recorded_order(rows)


def history(title: Title, now: datetime) -> list[HistoryRow]:
    return [history_row(change, now) for change in recorded_order(title.history)]


def history_row(change: Change, now: datetime) -> HistoryRow:
    """One change as the history shows it (``summary`` is its words)."""
    old = assess(change.old, now) if change.old else None
    new = assess(change.new, now) if change.new else None
    shift = None
    if old is not None and new is not None and old.window is not None and new.window is not None:
        shift = ((new.window[0] - old.window[0]).days, (new.window[1] - old.window[1]).days)
    return HistoryRow(change, old, new, shift)
