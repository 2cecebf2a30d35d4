"""Changes to the document: add, edit, rename, set, unset, remove. Pure functions of
(document, now).

Each returns a short description of what it did, which the store keeps for ``undo``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from hstrack.core.dates.grammar import parse_typed
from hstrack.core.errors import UsageError
from hstrack.core.kinds import TITLE_KINDS
from hstrack.core.model.history import Change, Edit
from hstrack.core.model.milestone import Milestone
from hstrack.core.model.replay import field_then, latest_value, milestone_then, record_change, record_edit
from hstrack.core.model.title import Title
from hstrack.core.model.validation import MAX_LABEL, check_name, check_slug, check_text, resolve_key, slugify
from hstrack.core.regions import split_key
from hstrack.core.suggest import close_matches, did_you_mean

if TYPE_CHECKING:
    from hstrack.core.model.document import Document


def check_kind(kind: str) -> str:
    key = kind.strip().lower()
    if key not in TITLE_KINDS:
        hint = did_you_mean(close_matches(key, TITLE_KINDS))
        raise UsageError(f"kind {kind!r} is not one of {', '.join(TITLE_KINDS)}{hint}")
    return key


def add_title(
    doc: Document,
    name: str,
    title_id: str | None = None,
    kind: str = "other",
    platform: str | None = None,
    now: datetime | None = None,
) -> Title:
    name = check_name(name)
    if title_id is None:
        title_id = slugify(name)
        if not title_id:
            raise UsageError(
                f"cannot make an id from {name!r}: ids are Latin letters, digits and hyphens, and this name "
                "has none or letters without a Latin spelling; give one with --id (e.g. --id my-show)"
            )
    check_slug(title_id, "id")
    if title_id in doc.titles:
        raise UsageError(f"a title with id {title_id!r} already exists; choose another with --id")
    title = Title(id=title_id, name=name, kind=check_kind(kind), platform=check_text(platform, "platform"))
    if now is not None:
        for given in ("name", "kind", "platform"):
            if getattr(title, given) is not None:
                title.mark_edited(given, now)
    doc.titles[title_id] = title
    return title


# What an option on `set` asks for: leave the field as it is (KEEP), clear it (CLEAR), or
# set it to a value.
KEEP = None
CLEAR = ""


def set_milestone(
    doc: Document,
    title_id: str,
    kind: str,
    when: str | None,
    now: datetime,
    source: str | None = KEEP,
    note: str | None = KEEP,
    tentative: bool | None = None,
    new: bool = False,
    region: str | None = None,
    medium: str | None = None,
) -> Change | None:
    """Add or change a milestone; None when it already says exactly this.

    ``when`` None keeps the date (to firm it up, or change its source or note). A *new*
    date replaces source, note and the tentative flag: a source backs one date, and
    carrying it over to a new date would claim a citation that never said so. The same
    date again keeps everything not given. ``source``/``note``: KEEP, CLEAR ("") or text;
    ``tentative``: None keeps the flag (False for a new date), True or False sets it.
    """
    title = doc.get(title_id)
    kind = resolve_key(kind, title.milestones, new, region, medium)
    recorded = now.isoformat(timespec="seconds")
    old = milestone_then(title, kind, recorded)  # as it was then: now, unless backdated
    if when is None:
        if old is None:
            raise UsageError(f"{title_id} has no {kind} milestone yet: give its date")
        spec = old.date
    else:
        spec, marked = parse_typed(when)
        if marked:  # "summer 2027?": the date says it is not firm
            if tentative is False:
                raise UsageError(f"{when!r} is marked uncertain, so it cannot go with --firm")
            tentative = True
    if old is not None and old.date == spec:
        base_source, base_note, base_tentative, extra = old.source, old.note, old.tentative, dict(old.extra)
    else:
        base_source = base_note = None
        base_tentative, extra = False, {}
    base_kind, place, how = split_key(kind)
    new_milestone = Milestone(
        base_kind,
        spec,
        region=place,
        medium=how,
        tentative=base_tentative if tentative is None else tentative,
        source=base_source if source is KEEP else check_text(source, "source"),
        note=base_note if note is KEEP else check_text(note, "note", multiline=True),
        extra=extra,
    )
    if old is not None and old.same_fact(new_milestone):
        return None
    change = Change(recorded=recorded, milestone=kind, old=old, new=new_milestone)
    record_change(title, change)
    return change


def unset_milestone(
    doc: Document, title_id: str, kind: str, now: datetime, region: str | None = None, medium: str | None = None
) -> Change:
    title = doc.get(title_id)
    kind = resolve_key(kind, title.milestones, region=region, medium=medium)
    recorded = now.isoformat(timespec="seconds")
    old = milestone_then(title, kind, recorded)
    if old is None:
        have = ", ".join(title.milestones) or "none"
        when = "" if kind not in title.milestones else f" on {recorded}"
        raise UsageError(f"{title_id} has no milestone {kind!r}{when} (it has: {have})")
    change = Change(recorded=recorded, milestone=kind, old=old, new=None)
    record_change(title, change)
    return change


def remove_title(doc: Document, title_id: str) -> Title:
    title = doc.get(title_id)
    del doc.titles[title_id]
    if doc.pin_title == title_id:  # a pin to a title that is gone would point at nothing
        doc.pin_title = doc.pin_milestone = None
    doc.conflicts = [c for c in doc.conflicts if c.title != title_id]  # removing it settles it
    return title


def settle_conflict(doc: Document, title_id: str, keep: bool) -> Title:
    """Settle what a git merge left undecided about a title: keep it as the merge left it,
    or remove it (as the copy that removed it meant)."""
    if all(c.title != title_id for c in doc.conflicts):
        pending = ", ".join(c.title for c in doc.conflicts) or "none"
        raise UsageError(f"no merge conflict for {title_id!r} (pending: {pending})")
    if not keep:
        return remove_title(doc, title_id)
    doc.conflicts = [c for c in doc.conflicts if c.title != title_id]
    return doc.get(title_id)


# ---------------------------------------------------------------------------- a title's own fields

EDIT_FIELDS = ("name", "kind", "label", "platform", "synopsis", "notes")


def _checked_field(name: str, value: str) -> str | None:
    """A typed value for a title field; CLEAR ("") clears the fields that may be empty."""
    if name == "name":
        return check_name(value)
    if name == "kind":
        return check_kind(value)
    if name == "label":
        return None if not value.strip() else check_name(value, "a label", MAX_LABEL)
    if name == "platform":
        return check_text(value, "platform")
    if name in ("synopsis", "notes"):
        return check_text(value, name, multiline=True)
    raise UsageError(f"{name!r} is not a field edit can change ({', '.join(EDIT_FIELDS)})")


def _record(title: Title, name: str, old: object, new: object, now: datetime) -> Edit:
    """Record a field's edit at its time (``hstrack.core.model.replay``); the caller has set
    the field, and a backdated edit that a later one overrides puts the later value back."""
    edit = Edit(recorded=now.isoformat(timespec="seconds"), field=name, old=old, new=new)
    if not record_edit(title, edit) and name != "id":
        setattr(title, name, latest_value(title, name))
    if name != "id":
        stamp = title.edited.get(name)
        if stamp is None or stamp < edit.recorded:
            title.mark_edited(name, now)
    return edit


def edit_title(doc: Document, title_id: str, values: dict[str, str], now: datetime) -> list[Edit]:
    """Set a title's fields (``EDIT_FIELDS``); an empty value clears an optional one. Every
    field that really changes is recorded as an Edit; an empty list means nothing did.
    All values are checked before any is set, so a bad one changes nothing."""
    title = doc.get(title_id)
    checked = {name: _checked_field(name, value) for name, value in values.items()}
    recorded = now.isoformat(timespec="seconds")
    edits = []
    for name, new in checked.items():
        old = field_then(title, name, recorded)  # as it was then: now, unless backdated
        if old != new:
            setattr(title, name, new)
            edits.append(_record(title, name, old, new, now))
    return edits


def _role(title: Title, role: str) -> str:
    """A credit's role as typed, or as the title already spells it ("director" is "Director")."""
    role = check_name(role, "a credit's role")
    return next((r for r in title.credits if r.casefold() == role.casefold()), role)


def edit_credits(doc: Document, title_id: str, role: str, names: list[str], mode: str, now: datetime) -> Edit | None:
    """Credits by role. ``mode``: "add" (the names not there yet, in order), "replace" (the
    role becomes exactly these names), "remove" (these names, or with none the whole role).
    None when nothing changes."""
    title = doc.get(title_id)
    role = _role(title, role)
    wanted = list(dict.fromkeys(check_name(n, "a credited name") for n in names))
    then = field_then(title, "credits", now.isoformat(timespec="seconds"))  # now, unless backdated
    credits: dict[str, list[str]] = {r: list(v) for r, v in then.items()} if isinstance(then, dict) else {}
    current = list(credits.get(role, []))
    if mode == "remove":
        if role not in credits:
            hint = did_you_mean(close_matches(role, credits))
            have = ", ".join(credits) or "none"
            raise UsageError(f"{title_id} has no credits for {role!r}{hint} (it has: {have})")
        missing = [n for n in wanted if n not in current]
        if missing:
            hint = did_you_mean(close_matches(missing[0], current))
            raise UsageError(f"{missing[0]!r} is not credited as {role} on {title_id}{hint}")
        after = [n for n in current if n not in wanted] if wanted else []
    elif not wanted:
        raise UsageError(f"give the names to {mode} for {role}")
    elif mode == "add":
        after = current + [n for n in wanted if n not in current]
    elif mode == "replace":
        after = wanted
    else:
        raise UsageError(f"mode {mode!r} is not add, replace or remove")
    if after == current:
        return None
    old = {r: list(v) for r, v in credits.items()}
    if after:
        credits[role] = after
    else:
        del credits[role]
    title.credits = credits
    return _record(title, "credits", old or None, {r: list(v) for r, v in credits.items()} or None, now)


def rename_title(doc: Document, title_id: str, new_id: str, now: datetime) -> Edit:
    """Give a title a new id, keeping its history, label and pin."""
    title = doc.get(title_id)
    check_slug(new_id, "the new id")
    if new_id == title_id:
        raise UsageError(f"{title_id} already has that id")
    if new_id in doc.titles:
        raise UsageError(f"a title with id {new_id!r} already exists")
    recorded = now.isoformat(timespec="seconds")
    if field_then(title, "id", recorded) != title_id:  # a rename recorded later than this one
        raise UsageError(f"{title_id} was renamed after {recorded}; rename it as of now (without --at)")
    del doc.titles[title_id]
    title.id = new_id
    doc.titles[new_id] = title
    if doc.pin_title == title_id:
        doc.pin_title = new_id
    for conflict in doc.conflicts:
        if conflict.title == title_id:
            conflict.title = new_id
    return _record(title, "id", title_id, new_id, now)
