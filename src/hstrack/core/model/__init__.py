"""Titles, milestones and their history, and how they are read from and written to JSON.

The store is a person's data and may be kept in git, so the document is written in a
fixed key order with stable sorting, and any field or record this version does not know
is carried through untouched (``extra``) rather than dropped.

One concept, a module per part: ``validation`` (the rules typed input obeys), ``leads``
(notify's lead times), ``unknown`` (fields carried through), ``milestone``, ``history``
(changes, edits, proposals), ``title``, ``document`` and ``reading`` (JSON in, checked).
This package's names are the model's public face; its modules import each other by their
own names, never through this one.
"""

from hstrack.core.kinds import MILESTONE_ALIASES, MILESTONE_LADDER, PLACED_KINDS, TITLE_KINDS, milestone_rank
from hstrack.core.model.document import OLDEST_CURRENT, SCHEMA_VERSION, Conflict, Document
from hstrack.core.model.history import EDITABLE, ORIGINS, TITLE_FIELDS, Change, Edit, Proposal
from hstrack.core.model.leads import ALL_MILESTONES, DEFAULT_LEADS, MAX_LEADS, check_lead, check_leads, lead_hours
from hstrack.core.model.milestone import Milestone, sorted_milestones
from hstrack.core.model.reading import (
    MIGRATIONS,
    change_from_json,
    conflict_from_json,
    document_from_json,
    edit_from_json,
    migrate,
    milestone_from_json,
    proposal_from_json,
    title_from_json,
)
from hstrack.core.model.shape import ShapeError, shown
from hstrack.core.model.title import Title, unknown_title
from hstrack.core.model.unknown import NumberWatch
from hstrack.core.model.validation import (
    MAX_LABEL,
    MAX_NAME,
    MAX_SLUG,
    MAX_TEXT,
    SLUG,
    check_filter_kind,
    check_name,
    check_slug,
    check_text,
    normalize_milestone,
    resolve_key,
    resolve_milestone,
    slugify,
)
from hstrack.core.suggest import close_matches, did_you_mean

__all__ = [
    "ALL_MILESTONES", "DEFAULT_LEADS", "EDITABLE", "MAX_LABEL", "MAX_LEADS", "MAX_NAME", "MAX_SLUG", "MAX_TEXT",
    "MIGRATIONS", "MILESTONE_ALIASES", "MILESTONE_LADDER", "OLDEST_CURRENT", "ORIGINS", "PLACED_KINDS",
    "SCHEMA_VERSION", "SLUG", "TITLE_FIELDS", "TITLE_KINDS", "Change", "Conflict", "Document", "Edit", "Milestone",
    "NumberWatch", "Proposal", "ShapeError", "Title", "change_from_json", "check_filter_kind", "check_lead",
    "check_leads", "check_name", "check_slug", "check_text", "close_matches", "conflict_from_json", "did_you_mean",
    "document_from_json", "edit_from_json", "lead_hours", "migrate", "milestone_from_json", "milestone_rank",
    "normalize_milestone", "proposal_from_json", "resolve_key", "resolve_milestone", "shown", "slugify",
    "sorted_milestones", "title_from_json", "unknown_title",
]  # fmt: skip
