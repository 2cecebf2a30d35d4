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
    normalize_milestone,
    slugify,
)


def check_kind(kind: str) -> str:
    if kind not in TITLE_KINDS:
        raise UsageError(f"kind {kind!r} is not one of {', '.join(TITLE_KINDS)}")
    return kind


def add_title(
    doc: Document, name: str, title_id: str | None = None, kind: str = "other", platform: str | None = None
) -> Title:
    name = check_name(name)
    if title_id is None:
        title_id = slugify(name)
        if not title_id:
            raise UsageError(f"cannot make an id from {name!r}; give one with --id")
    check_slug(title_id, "id")
    if title_id in doc.titles:
        raise UsageError(f"a title with id {title_id!r} already exists; choose another with --id")
    title = Title(id=title_id, name=name, kind=check_kind(kind), platform=check_text(platform, "platform"))
    doc.titles[title_id] = title
    return title


def set_milestone(
    doc: Document,
    title_id: str,
    kind: str,
    when: str,
    now: datetime,
    source: str | None = None,
    note: str | None = None,
    tentative: bool = False,
) -> Change | None:
    """Add or change a milestone; None when it already says exactly this.

    A new date replaces source, note and the tentative flag: a source backs one date,
    and carrying it over to a new date would claim a citation that never said so.
    Setting the same date again only updates what was given.
    """
    title = doc.get(title_id)
    kind = normalize_milestone(kind)
    spec = parse_date(when)
    source, note = check_text(source, "source"), check_text(note, "note", multiline=True)
    old = title.milestones.get(kind)
    if old is not None and old.date == spec:
        new = Milestone(
            kind,
            spec,
            tentative=tentative,
            source=source if source is not None else old.source,
            note=note if note is not None else old.note,
            extra=dict(old.extra),
        )
    else:
        new = Milestone(kind, spec, tentative=tentative, source=source, note=note)
    if old is not None and old.same_fact(new):
        return None
    title.milestones[kind] = new
    change = Change(recorded=now.isoformat(timespec="seconds"), milestone=kind, old=old, new=new)
    title.history.append(change)
    return change


def unset_milestone(doc: Document, title_id: str, kind: str, now: datetime) -> Change:
    title = doc.get(title_id)
    kind = normalize_milestone(kind)
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
    return title
