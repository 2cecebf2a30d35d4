"""Reading a store's JSON into the model, refusing anything that is not one.

Every value read from a file obeys the rules typed input obeys (``validation``); a fault
raises ``ShapeError`` naming where it is (``title 'x'.milestones[2].date``). This is the
hot loop of reading a large store, so the common path makes plain type checks and builds
messages only when something is wrong. An older schema is migrated here (``MIGRATIONS``).
"""

from __future__ import annotations

import functools
from sys import intern
from typing import Any

from hstrack.core.dates.grammar import parse_canonical
from hstrack.core.dates.spec import DateError, DateSpec
from hstrack.core.errors import UsageError
from hstrack.core.identity import is_uid
from hstrack.core.kinds import TITLE_KINDS
from hstrack.core.model.document import OLDEST_CURRENT, SCHEMA_VERSION, Conflict, Document
from hstrack.core.model.history import EDITABLE, ORIGINS, STAMPED, Change, Edit, Proposal
from hstrack.core.model.milestone import Milestone
from hstrack.core.model.places import _placed, _split_key
from hstrack.core.model.shape import ShapeError, _expect, _is_timestamp, _opt_str, _valid, shown
from hstrack.core.model.title import Title
from hstrack.core.model.unknown import _known
from hstrack.core.model.validation import (
    _CONTROL,
    _CONTROL_BUT_NEWLINE,
    MAX_LABEL,
    MAX_NAME,
    MAX_SLUG,
    MAX_TEXT,
    SLUG,
    _is_slug,
    check_name,
    check_text,
)


def _file_text(
    data: dict[str, Any], key: str, where: str, multiline: bool = False, limit: int = MAX_TEXT
) -> str | None:
    value = _opt_str(data, key, where)
    if value is not None and (len(value) > limit or (_CONTROL_BUT_NEWLINE if multiline else _CONTROL).search(value)):
        _valid(f"{where}.{key}", check_text, value, key, multiline, limit)
    return value


_MILESTONE_KEYS = frozenset(("kind", "region", "medium", "date", "tentative", "source", "note", "origin", "happened"))


@functools.lru_cache(maxsize=8192)
def _date(raw: str) -> DateSpec:
    # DateSpec is immutable, and a store repeats dates ("TBA", "2026", ...) constantly.
    return parse_canonical(raw)


def milestone_from_json(data: Any, where: str, kind: str | None = None, index: int | None = None) -> Milestone:
    # The hot loop of reading a large store: plain type checks, no helper calls on the
    # common path; _expect only builds the message when something is wrong.
    if index is not None:
        try:
            return milestone_from_json(data, where, kind)
        except ShapeError as exc:
            raise ShapeError(str(exc).replace(where, f"{where}[{index}]", 1)) from None
    if type(data) is not dict:
        _expect(data, dict, where)
    region = medium = None
    if kind is None:
        kind = data.get("kind")
        if type(kind) is not str:
            _expect(kind, str, f"{where}.kind")
        if not _is_slug(kind):
            raise ShapeError(f"{where}.kind: {shown(kind)} is not a slug")
        if "region" in data or "medium" in data:
            region, medium = _placed(kind, data.get("region"), data.get("medium"), where)
    elif not _is_slug(kind):  # a change's key, release@GB:theatrical
        kind, region, medium = _split_key(kind, where)
    raw = data.get("date")
    if type(raw) is not str:
        _expect(raw, str, f"{where}.date")
    try:
        if len(raw) > 80:  # no date is spelled longer; do not hand a huge value to the parser
            raise DateError(raw)
        spec = _date(raw)
    except DateError:
        raise ShapeError(f"{where}.date: {shown(raw)} is not a date") from None
    tentative = data.get("tentative", False)
    if type(tentative) is not bool:
        _expect(tentative, bool, f"{where}.tentative")
    if "?" in raw or "~" in raw or "%" in raw:  # never in hstrack's own spellings: a file typed by hand
        tentative = _marked(raw, data, where, tentative)
    source, note = data.get("source"), data.get("note")
    if source is not None:
        if type(source) is not str:
            _expect(source, str, f"{where}.source")
        if len(source) > MAX_TEXT or _CONTROL.search(source):
            _valid(f"{where}.source", check_text, source, "a source")
    if note is not None:
        if type(note) is not str:
            _expect(note, str, f"{where}.note")
        if len(note) > MAX_TEXT or _CONTROL_BUT_NEWLINE.search(note):
            _valid(f"{where}.note", check_text, note, "a note", True)
    origin = data.get("origin")
    if origin is not None and origin not in ORIGINS:
        raise ShapeError(f"{where}.origin: {shown(origin)} is not one of {', '.join(ORIGINS)}")
    happened = data.get("happened", False)
    if happened is not False and (happened is not True or not spec.is_tba):
        raise ShapeError(f"{where}.happened: only a TBA date can be marked as having happened (true)")
    # One string object per distinct value: a synced title repeats its source page and a
    # store its kinds and places in every milestone and change, each a new string from the
    # parser; shared, a store of 10,000 titles holds tens of MB less while it is reported on.
    return Milestone(
        intern(kind),
        spec,
        tentative,
        None if source is None else intern(source),
        None if note is None else intern(note),
        _known(data, _MILESTONE_KEYS),
        None if region is None else intern(region),
        None if medium is None else intern(medium),
        origin if origin is None else intern(origin),
        happened,
    )


def _marked(raw: str, data: dict[str, Any], where: str, tentative: bool) -> bool:
    """A date that carries its own mark of uncertainty ("summer 2024?", "2099~", EDTF's
    "%") is tentative, as it is when typed to ``set``; beside ``"tentative": false`` it
    contradicts itself, and is refused rather than read one way or the other."""
    from hstrack.core.dates.grammar import parse_typed

    if not parse_typed(raw)[1]:
        return tentative
    if "tentative" in data and not tentative:
        raise ShapeError(f"{where}.date: {shown(raw)} is marked uncertain, but {where}.tentative is false")
    return True


_CHANGE_KEYS = frozenset(("recorded", "milestone", "old", "new", "origin"))


def change_from_json(data: Any, where: str) -> Change:
    _expect(data, dict, where)
    kind = _expect(data.get("milestone"), str, f"{where}.milestone")
    if not _is_slug(kind):
        _split_key(kind, f"{where}.milestone")  # release@GB:theatrical, or refused
    recorded = _expect(data.get("recorded"), str, f"{where}.recorded")
    if not _is_timestamp(recorded):
        raise ShapeError(f"{where}.recorded: {shown(recorded)} is not an ISO 8601 time with an offset")
    old, new = data.get("old"), data.get("new")
    if old is None and new is None:
        raise ShapeError(f"{where}: a change needs an old or a new milestone (both are null)")
    for side, value in (("old", old), ("new", new)):
        if isinstance(value, dict) and "kind" in value and value["kind"] != kind.partition(":")[0].partition("@")[0]:
            raise ShapeError(f"{where}.{side}.kind: {shown(value['kind'])} is not the change's milestone {kind!r}")
    return Change(
        recorded=intern(recorded),  # a sync records the same moment for every release it brings
        milestone=intern(kind),
        old=None if old is None else milestone_from_json(old, f"{where}.old", kind),
        new=None if new is None else milestone_from_json(new, f"{where}.new", kind),
        extra=_known(data, _CHANGE_KEYS),
        origin=_origin(data.get("origin"), f"{where}.origin"),
    )


def _origin(value: Any, where: str) -> str | None:
    if value is not None and value not in ORIGINS:
        raise ShapeError(f"{where}: {shown(value)} is not one of {', '.join(ORIGINS)}")
    return value  # type: ignore[no-any-return]


_PROPOSAL_KEYS = frozenset(("recorded", "milestone", "origin", "new"))


def proposal_from_json(data: Any, where: str) -> Proposal:
    """A held or rejected value from a source, by the rules of a change."""
    _expect(data, dict, where)
    key = _expect(data.get("milestone"), str, f"{where}.milestone")
    if not _is_slug(key):
        _split_key(key, f"{where}.milestone")
    recorded = _expect(data.get("recorded"), str, f"{where}.recorded")
    if not _is_timestamp(recorded):
        raise ShapeError(f"{where}.recorded: {shown(recorded)} is not an ISO 8601 time with an offset")
    origin = _origin(data.get("origin"), f"{where}.origin")
    if origin is None:
        raise ShapeError(f"{where}.origin: a proposal needs the source it came from")
    new = milestone_from_json(data.get("new"), f"{where}.new", key)
    new.origin = origin
    return Proposal(recorded, key, origin, new, _known(data, _PROPOSAL_KEYS))


def _links(value: Any, where: str) -> list[str]:
    from hstrack.core.references import parse_reference

    links = []
    for i, raw in enumerate(_expect(value, list, where)):
        text = _expect(raw, str, f"{where}[{i}]")
        try:
            ref = parse_reference(text)
        except UsageError as exc:
            raise ShapeError(f"{where}[{i}]: {exc.message}") from None
        if ref.text != text:
            raise ShapeError(f"{where}[{i}]: {shown(text)} is not written as hstrack writes it ({ref.text})")
        if text in links:
            raise ShapeError(f"{where}: {shown(text)} appears twice")
        links.append(text)
    return links


def _notify(value: Any, where: str) -> dict[str, list[str]]:
    """A title's lead times as a file holds them: keys are milestones (or "*"), values
    lead times in their one spelling, longest first."""
    from hstrack.core.model.leads import ALL_MILESTONES, check_leads  # only a title with lead times pays

    settings: dict[str, list[str]] = {}
    for key, leads in _expect(value, dict, where).items():
        if key != ALL_MILESTONES and not _is_slug(key):
            _split_key(key, f"{where}.{shown(key)}")  # release@GB:theatrical, or refused
        place = f"{where}.{key}"
        _expect(leads, list, place)
        for lead in leads:
            _expect(lead, str, place)
        try:
            spelled = check_leads(leads)
        except UsageError as exc:
            raise ShapeError(f"{place}: {exc.message}") from None
        if spelled != leads:
            raise ShapeError(f"{place}: {shown(leads)} is not written as hstrack writes it ({', '.join(spelled)})")
        settings[key] = spelled
    return settings


_TITLE_KEYS = frozenset(
    (*EDITABLE, "uid", "milestones", "history", "edits", "edited", "links", "proposals", "rejected", "notify",
     "synced", "country")
)  # fmt: skip
_EDIT_KEYS = frozenset(("recorded", "field", "old", "new"))


def _file_credits(value: Any, where: str) -> dict[str, list[str]]:
    credits: dict[str, list[str]] = _expect(value, dict, where)
    for role, names in credits.items():
        place = f"{where}.{shown(role)}"
        _valid(place, check_name, role, "a credit's role")
        for name in _expect(names, list, place):
            _expect(name, str, place)
            _valid(place, check_name, name, "a credited name")
    return credits


def _file_name(value: Any, where: str) -> str:
    name: str = _expect(value, str, where)
    if len(name) > MAX_NAME:  # padding counts in a file: what is stored is what is read
        raise ShapeError(f"{where}: a title's name can be at most {MAX_NAME} characters (got {len(name)})")
    if _CONTROL.search(name) or not name.strip():
        _valid(where, check_name, name)
    return name


def _file_value(name: str, value: Any, where: str) -> Any:
    """A title field's value as a file may hold it, by the rules of the field."""
    if name == "credits":
        return _file_credits(value, where)
    if name == "name":
        return _file_name(value, where)
    text = _expect(value, str, where)
    if name == "id":
        if len(text) > MAX_SLUG or not SLUG.fullmatch(text):
            raise ShapeError(f"{where}: {shown(text)} is not a slug")
    elif name == "label":
        _valid(where, check_name, text, "a label", MAX_LABEL)
    elif name == "kind":
        if text not in TITLE_KINDS:
            raise ShapeError(f"{where}: {shown(text)} is not one of {', '.join(TITLE_KINDS)}")
    elif len(text) > MAX_TEXT or (_CONTROL if name == "platform" else _CONTROL_BUT_NEWLINE).search(text):
        _valid(where, check_text, text, name, name != "platform")
    return text


def edit_from_json(data: Any, where: str) -> Edit:
    _expect(data, dict, where)
    name = _expect(data.get("field"), str, f"{where}.field")
    if name not in EDITABLE:
        raise ShapeError(f"{where}.field: {shown(name)} is not one of {', '.join(EDITABLE)}")
    recorded = _expect(data.get("recorded"), str, f"{where}.recorded")
    if not _is_timestamp(recorded):
        raise ShapeError(f"{where}.recorded: {shown(recorded)} is not an ISO 8601 time with an offset")
    old, new = data.get("old"), data.get("new")
    if old is None and new is None:
        raise ShapeError(f"{where}: an edit needs an old or a new value (both are null)")
    return Edit(
        recorded=recorded,
        field=name,
        old=None if old is None else _file_value(name, old, f"{where}.old"),
        new=None if new is None else _file_value(name, new, f"{where}.new"),
        extra=_known(data, _EDIT_KEYS),
    )


def title_from_json(data: Any, where: str) -> Title:
    _expect(data, dict, where)
    title_id = _expect(data.get("id"), str, f"{where}.id")
    if len(title_id) > MAX_SLUG or not SLUG.fullmatch(title_id):
        raise ShapeError(f"{where}.id: {shown(title_id)} is not a slug")
    where = f"title {title_id!r}"
    uid = data.get("uid")
    if type(uid) is not str or not is_uid(uid):
        raise ShapeError(f"{where}.uid: {shown(uid)} is not a UUID")
    raw_credits = data.get("credits")
    credits = {} if raw_credits is None else _file_credits(raw_credits, f"{where}.credits")
    milestones: dict[str, Milestone] = {}
    where_ms = f"{where}.milestones"
    for i, raw in enumerate(_expect(data.get("milestones", []), list, where_ms)):
        m = milestone_from_json(raw, where_ms, index=i)
        key = m.key
        if key in milestones:
            raise ShapeError(f"{where}: milestone {key!r} appears twice")
        milestones[key] = m
    history = [
        change_from_json(raw, f"{where}.history[{i}]")
        for i, raw in enumerate(_expect(data.get("history", []), list, f"{where}.history"))
    ]
    name = _file_name(data.get("name"), f"{where}.name")
    edits = [
        edit_from_json(raw, f"{where}.edits[{i}]")
        for i, raw in enumerate(_expect(data.get("edits", []), list, f"{where}.edits"))
    ]
    label = _opt_str(data, "label", where)
    if label is not None:
        _valid(f"{where}.label", check_name, label, "a label", MAX_LABEL)
    kind = _expect(data.get("kind", "other"), str, f"{where}.kind")
    if kind not in TITLE_KINDS:
        raise ShapeError(f"{where}.kind: {shown(kind)} is not one of {', '.join(TITLE_KINDS)}")
    raw_edited = data.get("edited")
    edited = {} if raw_edited is None else _expect(raw_edited, dict, f"{where}.edited")
    for key, stamp in edited.items():
        if key not in STAMPED:
            raise ShapeError(f"{where}.edited: {shown(key)} is not one of {', '.join(STAMPED)}")
        if not isinstance(stamp, str) or not _is_timestamp(stamp):
            raise ShapeError(f"{where}.edited.{key}: {shown(stamp)} is not an ISO 8601 time with an offset")
    synced = data.get("synced")
    if synced is not None and (not isinstance(synced, str) or not _is_timestamp(synced)):
        raise ShapeError(f"{where}.synced: {shown(synced)} is not an ISO 8601 time with an offset")
    country = data.get("country")
    if country is not None:
        from hstrack.core.regions import is_region

        if not isinstance(country, str) or not is_region(country):
            raise ShapeError(f"{where}.country: {shown(country)} is not an ISO 3166-1 alpha-2 code")
    proposals = {
        name: [
            proposal_from_json(raw, f"{where}.{name}[{i}]")
            for i, raw in enumerate(_expect(data.get(name, []), list, f"{where}.{name}"))
        ]
        for name in ("proposals", "rejected")
    }
    return Title(
        uid=uid,
        # Only a title that has links pays for the sources module (and its patterns).
        links=_links(data["links"], f"{where}.links") if "links" in data else [],
        notify=_notify(data["notify"], f"{where}.notify") if "notify" in data else {},
        proposals=proposals["proposals"],
        rejected=proposals["rejected"],
        edited=dict(edited),
        synced=synced,
        country=country,
        id=title_id,
        name=name,
        label=label,
        kind=kind,
        platform=_file_text(data, "platform", where),
        synopsis=_file_text(data, "synopsis", where, multiline=True),
        notes=_file_text(data, "notes", where, multiline=True),
        credits=credits,
        milestones=milestones,
        history=history,
        edits=edits,
        extra=_known(data, _TITLE_KEYS),
    )


def document_from_json(data: Any) -> Document:
    """Read a store document; an older schema is migrated, a newer one read as far as
    its shape allows (the store refuses to write it)."""
    _expect(data, dict, "top level")
    schema = data.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        raise ShapeError(f"'schema' must be a whole number of at least 1, found {shown(schema)}")
    if schema < OLDEST_CURRENT:
        from hstrack.core.model.migrations import migrate

        data = migrate(data)
    raw_titles = data.get("titles")
    if isinstance(raw_titles, list) and any(type(t) is dict and "uid" not in t for t in raw_titles):
        # A title without its uid (a file written by hand, an import typed up, a newer
        # store read as far as its shape allows) gets the one a migration would give it.
        from hstrack.core.model.migrations import _add_uids

        data = _add_uids(data)
    try:
        titles: dict[str, Title] = {}
        uids: set[str] = set()
        for i, raw in enumerate(_expect(data.get("titles", []), list, "titles")):
            title = title_from_json(raw, f"titles[{i}]")
            if title.id in titles:
                raise ShapeError(f"title id {title.id!r} appears twice")
            if title.uid in uids:
                raise ShapeError(f"title {title.id!r}: uid {title.uid} is another title's too")
            titles[title.id] = title
            uids.add(title.uid)
    except ShapeError as exc:
        if schema > SCHEMA_VERSION:
            raise ShapeError(
                f"it was written by a newer hstrack (schema {schema}, this one reads {SCHEMA_VERSION}) and "
                f"cannot be read ({exc}); upgrade hstrack"
            ) from None
        raise
    pin = data.get("pin")
    pin_title = pin_milestone = pin_set = None
    if pin is not None:
        _expect(pin, dict, "pin")
        pin_set = _opt_str(pin, "set", "pin")
        if pin_set is not None and not _is_timestamp(pin_set):
            raise ShapeError(f"pin.set: {shown(pin_set)} is not an ISO 8601 time with an offset")
        if "title" in pin or pin_set is None:  # {"set": ...} alone: unpinned, and when
            pin_title = _expect(pin.get("title"), str, "pin.title")
            pin_milestone = _opt_str(pin, "milestone", "pin")
            if not _is_slug(pin_title):
                raise ShapeError(f"pin.title: {shown(pin_title)} is not a slug")
            if pin_milestone is not None and not _is_slug(pin_milestone):
                _split_key(pin_milestone, "pin.milestone")  # release@GB:theatrical, or refused
    conflicts = [
        conflict_from_json(c, f"conflicts[{i}]")
        for i, c in enumerate(_expect(data.get("conflicts", []), list, "conflicts"))
    ]
    return Document(
        titles=titles,
        extra=_known(data, frozenset(("schema", "titles", "pin", "conflicts"))),
        read_schema=schema,
        pin_title=pin_title,
        pin_milestone=pin_milestone,
        pin_set=pin_set,
        conflicts=conflicts,
    )


_CONFLICT_KEYS = frozenset(("title", "recorded", "reason", "uid"))


def conflict_from_json(data: Any, where: str) -> Conflict:
    _expect(data, dict, where)
    title = _expect(data.get("title"), str, f"{where}.title")
    if not _is_slug(title):
        raise ShapeError(f"{where}.title: {shown(title)} is not a slug")
    recorded = _expect(data.get("recorded"), str, f"{where}.recorded")
    if not _is_timestamp(recorded):
        raise ShapeError(f"{where}.recorded: {shown(recorded)} is not an ISO 8601 time with an offset")
    reason = _expect(data.get("reason"), str, f"{where}.reason")
    _valid(f"{where}.reason", check_text, reason, "a reason")
    uid = data.get("uid")
    if uid is not None and (type(uid) is not str or not is_uid(uid)):
        raise ShapeError(f"{where}.uid: {shown(uid)} is not a UUID")
    return Conflict(title, recorded, reason, _known(data, _CONFLICT_KEYS), uid)
