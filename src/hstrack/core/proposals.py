"""Pending proposals: values a source gave for milestones a person typed differently.

A sync holds them on the title (``Title.proposals``) instead of overwriting the typed fact;
``accept`` applies one (recorded in the history as the person's change, the fact keeping
its source and origin, so later syncs keep it current), ``reject`` keeps the value in
``Title.rejected`` so the same value is never proposed again (a new one is).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from hstrack.core.errors import UsageError
from hstrack.core.model.history import Change, Proposal
from hstrack.core.model.replay import milestone_then, record_change
from hstrack.core.references import SOURCE_NAMES

if TYPE_CHECKING:
    from hstrack.core.model.document import Document
    from hstrack.core.model.title import Title


@dataclass(frozen=True)
class Pending:
    title: Title
    proposal: Proposal


def pending(doc: Document, title_id: str | None = None) -> list[Pending]:
    titles = [doc.get(title_id)] if title_id is not None else [doc.titles[k] for k in sorted(doc.titles)]
    return [Pending(t, p) for t in titles for p in t.proposals]


def _find(title: Title, key: str, origin: str | None) -> Proposal:
    from hstrack.core.model.validation import resolve_key
    from hstrack.core.suggest import did_you_mean

    want = resolve_key(key, [p.milestone for p in title.proposals] + list(title.milestones))
    found = [p for p in title.proposals if p.milestone == want and (origin is None or p.origin == origin)]
    if not found:
        have = ", ".join(dict.fromkeys(p.milestone for p in title.proposals))
        hint = did_you_mean([p.milestone for p in title.proposals if p.milestone.startswith(want)])
        raise UsageError(f"{title.id} has no pending proposal for {want}{hint} (pending: {have or 'none'})")
    if len(found) > 1:
        sources = " or ".join(p.origin for p in found)
        raise UsageError(f"{title.id} has proposals for {want} from {sources}: choose one with --source")
    return found[0]


def accept(doc: Document, title_id: str, key: str, now: datetime, origin: str | None = None) -> Change:
    title = doc.get(title_id)
    proposal = _find(title, key, origin)
    recorded = now.isoformat(timespec="seconds")
    old = milestone_then(title, proposal.milestone, recorded)
    change = Change(recorded=recorded, milestone=proposal.milestone, old=old, new=proposal.new)
    record_change(title, change)
    title.proposals = [p for p in title.proposals if p.milestone != proposal.milestone]
    return change


def reject(doc: Document, title_id: str, key: str, now: datetime, origin: str | None = None) -> Proposal:
    title = doc.get(title_id)
    proposal = _find(title, key, origin)
    title.proposals = [p for p in title.proposals if p is not proposal]
    title.rejected.append(Proposal(now.isoformat(timespec="seconds"), proposal.milestone, proposal.origin,
                                   proposal.new))  # fmt: skip
    return proposal


def describe(p: Proposal) -> str:
    from hstrack.core.report.assess import label

    return f"{label(p.milestone)} {p.new.date.text} from {SOURCE_NAMES[p.origin]}"
