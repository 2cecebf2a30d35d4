"""Changes to the document: add, set, unset, remove. Pure functions of (document, now).

Each returns a short description of what it did, which the store keeps for ``undo``.
"""

from __future__ import annotations

from datetime import datetime

from hstrack.dates import parse_date
from hstrack.errors import UsageError
from hstrack.model import (
    TITLE_KINDS,
    Change,
    Document,
    Milestone,
    Title,
    check_name,
    check_slug,
    check_text,
    resolve_milestone,
    slugify,
)


def check_kind(kind: str) -> str:
    if kind not in TITLE_KINDS:
        raise UsageError(f"kind {kind!r} is not one of {', '.join(TITLE_KINDS)}")
    return kind


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
) -> Change | None:
    """Add or change a milestone; None when it already says exactly this.

    ``when`` None keeps the date (to firm it up, or change its source or note). A *new*
    date replaces source, note and the tentative flag: a source backs one date, and
    carrying it over to a new date would claim a citation that never said so. The same
    date again keeps everything not given. ``source``/``note``: KEEP, CLEAR ("") or text;
    ``tentative``: None keeps the flag (False for a new date), True or False sets it.
    """
    title = doc.get(title_id)
    kind = resolve_milestone(kind, title.milestones, new)
    old = title.milestones.get(kind)
    if when is None:
        if old is None:
            raise UsageError(f"{title_id} has no {kind} milestone yet: give its date")
        spec = old.date
    else:
        spec = parse_date(when)
    if old is not None and old.date == spec:
        base_source, base_note, base_tentative, extra = old.source, old.note, old.tentative, dict(old.extra)
    else:
        base_source = base_note = None
        base_tentative, extra = False, {}
    new_milestone = Milestone(
        kind,
        spec,
        tentative=base_tentative if tentative is None else tentative,
        source=base_source if source is KEEP else check_text(source, "source"),
        note=base_note if note is KEEP else check_text(note, "note", multiline=True),
        extra=extra,
    )
    if old is not None and old.same_fact(new_milestone):
        return None
    title.milestones[kind] = new_milestone
    change = Change(recorded=now.isoformat(timespec="seconds"), milestone=kind, old=old, new=new_milestone)
    title.history.append(change)
    return change


def unset_milestone(doc: Document, title_id: str, kind: str, now: datetime) -> Change:
    title = doc.get(title_id)
    kind = resolve_milestone(kind, title.milestones)
    old = title.milestones.pop(kind, None)
    if old is None:
        have = ", ".join(title.milestones) or "none"
        raise UsageError(f"{title_id} has no milestone {kind!r} (it has: {have})")
    change = Change(recorded=now.isoformat(timespec="seconds"), milestone=kind, old=old, new=None)
    title.history.append(change)
    return change


def remove_title(doc: Document, title_id: str) -> Title:
    title = doc.get(title_id)
    del doc.titles[title_id]
    if doc.pin_title == title_id:  # a pin to a title that is gone would point at nothing
        doc.pin_title = doc.pin_milestone = None
    return title
