"""``hstrack import``: bring in a JSON export, validated whole before anything is written.

``merge`` (the default) adds titles that are new and updates ones that differ, recording
each changed milestone in the title's history as any ``set`` would; it never deletes.
``replace`` makes the store exactly the file. Either way the store's previous version is
kept, so ``undo`` takes an import back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from hstrack.errors import StoreError, UsageError
from hstrack.model import Change, Document, ShapeError, Title, document_from_json


@dataclass
class ImportResult:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    replaced: bool = False

    @property
    def describe(self) -> str | None:
        if self.replaced:
            return f"import (replace): {len(self.added)} titles"
        if not self.added and not self.changed:
            return None
        return f"import: {len(self.added)} added, {len(self.changed)} changed"


def read_import(path: Path) -> Document:
    """The whole file, parsed and validated; any fault is a usage error naming the record."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path} is not UTF-8 text (bad byte at offset {exc.start}); nothing was imported") from None
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{path} is not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); nothing was imported"
        ) from None
    try:
        doc = document_from_json(data)
    except ShapeError as exc:
        raise UsageError(f"{path}: {exc}; nothing was imported") from None
    if doc.newer:
        raise UsageError(f"{path} was written by a newer hstrack (schema {doc.read_schema}); upgrade to import it")
    return doc


def _same_title_fields(a: Title, b: Title) -> bool:
    keys = ("name", "label", "kind", "platform", "synopsis", "notes", "credits", "extra")
    return all(getattr(a, k) == getattr(b, k) for k in keys)


def merge(doc: Document, incoming: Document, now: datetime) -> ImportResult:
    result = ImportResult()
    recorded = now.isoformat(timespec="seconds")
    for title_id in sorted(incoming.titles):
        new = incoming.titles[title_id]
        old = doc.titles.get(title_id)
        if old is None:
            doc.titles[title_id] = new
            result.added.append(title_id)
            continue
        changed = not _same_title_fields(old, new)
        for attr in ("name", "label", "kind", "platform", "synopsis", "notes", "credits"):
            setattr(old, attr, getattr(new, attr))
        old.extra.update(new.extra)
        for kind, milestone in new.milestones.items():
            before = old.milestones.get(kind)
            if before is not None and before.same_fact(milestone) and before.extra == milestone.extra:
                continue
            old.milestones[kind] = milestone
            old.history.append(Change(recorded=recorded, milestone=kind, old=before, new=milestone))
            changed = True
        (result.changed if changed else result.unchanged).append(title_id)
    doc.extra.update(incoming.extra)
    return result


def replace(doc: Document, incoming: Document) -> ImportResult:
    doc.titles = dict(incoming.titles)
    doc.extra = dict(incoming.extra)
    doc.pin_title, doc.pin_milestone = incoming.pin_title, incoming.pin_milestone
    return ImportResult(added=sorted(incoming.titles), replaced=True)
