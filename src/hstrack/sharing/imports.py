"""``hstrack import``: bring in a JSON export, validated whole before anything is written.

``merge`` (the default) adds titles that are new and merges the others fact by fact,
keeping whichever side recorded each fact later (``hstrack.sharing.merge``); it never deletes a
title and never empties a field the file lacks. ``replace`` makes the store exactly the
file. Either way the store's previous version is kept, so ``undo`` takes an import back.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from hstrack.core.errors import StoreError, UsageError
from hstrack.core.model.reading import document_from_json
from hstrack.core.model.shape import ShapeError
from hstrack.sharing.merge.documents import merge_documents
from hstrack.sharing.merge.outcome import MergeResult
from hstrack.store.codec import decode_json
from hstrack.store.files import read_regular, refusal

if TYPE_CHECKING:
    from hstrack.core.model.document import Document


@dataclass
class ImportResult:
    merged: MergeResult = field(default_factory=MergeResult)
    replaced: list[str] | None = None  # the file's titles, when the store was replaced
    dropped: list[str] = field(default_factory=list)  # titles a replace removed

    @property
    def describe(self) -> str | None:
        if self.replaced is not None:
            return f"import (replace): {len(self.replaced)} titles"
        if not self.merged.changed:
            return None
        return f"import: {len(self.merged.ids('added'))} added, {len(self.merged.ids('updated'))} updated"


STDIN = Path("-")


def read_import(path: Path) -> Document:
    """The whole file (``-``: standard input, read to its end), parsed and validated; any
    fault is a usage error naming the record."""
    if path == STDIN:
        path = Path("standard input")  # how the messages name it
        raw = sys.stdin.buffer.read()
    else:
        raw = _read_file(path)
    try:
        data = decode_json(raw, path, "; nothing was imported")
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    try:
        doc = document_from_json(data)
    except ShapeError as exc:
        raise UsageError(f"{path}: {exc}; nothing was imported") from None
    if doc.newer:
        raise UsageError(f"{path} was written by a newer hstrack (schema {doc.read_schema}); upgrade to import it")
    return doc


def _read_file(path: Path) -> bytes:
    try:
        return read_regular(path)
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {refusal(exc)}; nothing was imported") from None


def merge(doc: Document, incoming: Document, now: datetime) -> ImportResult:
    return ImportResult(merged=merge_documents(doc, incoming, now))


def replace(doc: Document, incoming: Document) -> ImportResult:
    dropped = sorted(set(doc.titles) - set(incoming.titles))
    doc.titles = dict(incoming.titles)
    doc.extra = dict(incoming.extra)
    doc.pin_title, doc.pin_milestone = incoming.pin_title, incoming.pin_milestone
    return ImportResult(replaced=sorted(incoming.titles), dropped=dropped)
