"""Properties of the merge (hstrack.sharing.merge), over stores made by random edits of a common
version with the tracker's own operations, at times that often tie to the second."""

from __future__ import annotations

import copy
import json
import os
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hstrack.core.errors import HstrackError
from hstrack.core.model.document import Document
from hstrack.core.tracker import (
    add_title,
    edit_credits,
    edit_title,
    remove_title,
    rename_title,
    set_milestone,
    unset_milestone,
)
from hstrack.sharing.merge.documents import merge_documents
from hstrack.sharing.merge.history import canonical
from hstrack.store.codec import dumps, parse_bytes
from tests.conftest import validate_store

IDS = ("alpha", "beta", "gamma")
KINDS = ("announced", "trailer", "release", "release@GB", "release@US:theatrical")
DATES = ("2027", "2027-03", "2027-02-14", "summer 2027", "2027-02-14T20:00:00+00:00", "Q4 2026")
START = datetime(2026, 11, 1, 12, tzinfo=UTC)
NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)

# An edit: what to do, to which title, and when (a few distinct seconds, so ties happen).
operation = st.tuples(
    st.sampled_from(("add", "set", "set", "set", "unset", "edit", "credit", "remove", "rename")),
    st.sampled_from(IDS),
    st.sampled_from(KINDS),
    st.sampled_from(DATES),
    st.sampled_from(("Netflix", "BBC", "", "Apple TV+")),
    st.integers(min_value=0, max_value=5),
)


def apply(doc: Document, ops: list[tuple[str, str, str, str, str, int]], offset: int) -> Document:
    for what, title_id, kind, when, text, hours in ops:
        now = START + timedelta(hours=offset + hours)
        try:
            if what == "add":
                add_title(doc, title_id.title(), title_id, now=now)
            elif what == "set":
                set_milestone(doc, title_id, kind, when, now, source=f"https://example.org/{hours}", new=True)
            elif what == "unset":
                unset_milestone(doc, title_id, kind, now)
            elif what == "edit":
                edit_title(doc, title_id, {"platform": text, "notes": when}, now)
            elif what == "credit":
                edit_credits(doc, title_id, "Director" if hours % 2 else "Writer", [text or "Alice"], "add", now)
            elif what == "remove":
                remove_title(doc, title_id)
            elif what == "rename" and title_id + "-2" not in doc.titles and "-2" not in title_id:
                rename_title(doc, title_id, title_id + "-2", now)
        except HstrackError:
            continue  # an edit that does not apply here (no such title, no such milestone)
    return doc


stores = st.tuples(
    st.lists(operation, max_size=10), st.lists(operation, max_size=8), st.lists(operation, max_size=8)
).map(lambda t: _three(*t))


def _three(base_ops: list[Any], ours_ops: list[Any], theirs_ops: list[Any]) -> tuple[Document, Document, Document]:
    base = apply(Document(), [("add", i, "", "", "", 0) for i in IDS[:2]] + base_ops, 0)
    ours = apply(copy.deepcopy(base), ours_ops, 24)
    theirs = apply(copy.deepcopy(base), theirs_ops, 24)  # the same hours: ties across the sides
    return base, ours, theirs


def merged(base: Document | None, ours: Document, theirs: Document) -> Document:
    result = copy.deepcopy(ours)
    merge_documents(result, copy.deepcopy(theirs), NOW, base=copy.deepcopy(base) if base is not None else None)
    return result


def content(doc: Document) -> Any:
    return json.loads(dumps(doc))


# 150 examples each in CI (a few seconds); HSTRACK_MERGE_EXAMPLES=5000 for a longer hunt.
EXAMPLES = int(os.environ.get("HSTRACK_MERGE_EXAMPLES", "150"))
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(stores)
def test_merging_is_symmetric_in_content(three: tuple[Document, Document, Document]) -> None:
    base, ours, theirs = three
    one, other = merged(base, ours, theirs), merged(base, theirs, ours)
    assert content(one)["titles"] == content(other)["titles"]
    assert [c.title for c in one.conflicts] == [c.title for c in other.conflicts]


@PROPERTY
@given(stores)
def test_merging_a_version_with_itself_changes_nothing(three: tuple[Document, Document, Document]) -> None:
    base, ours, _ = three
    assert dumps(merged(ours, ours, ours)) == dumps(ours)
    assert dumps(merged(base, ours, ours)) == dumps(ours)
    # Only one side changed: its facts, whichever side it is. (Its history may be longer: a
    # title removed and added again has lost its entries on that side, not in the union.)
    for result in (merged(base, base, ours), merged(base, ours, base)):
        assert facts(result) == facts(ours)
        for title_id, title in result.titles.items():
            assert {canonical(c) for c in ours.titles[title_id].history} <= {canonical(c) for c in title.history}


def facts(doc: Document) -> Any:
    """What a store says, without how it got there."""
    return [{k: v for k, v in t.items() if k not in ("history", "edits", "edited")} for t in content(doc)["titles"]]


@PROPERTY
@given(stores)
def test_a_merge_of_valid_stores_is_a_valid_store(three: tuple[Document, Document, Document]) -> None:
    base, ours, theirs = three
    result = merged(base, ours, theirs)
    raw = dumps(result)
    again = parse_bytes(raw, "merged")  # type: ignore[arg-type]
    assert dumps(again) == raw
    validate_store(json.loads(raw))
    assert {c.title for c in result.conflicts} <= set(result.titles)


@PROPERTY
@given(stores)
def test_no_history_entry_on_either_side_is_lost(three: tuple[Document, Document, Document]) -> None:
    base, ours, theirs = three
    result = merged(base, ours, theirs)
    # Every entry of a title either side has is somewhere in the result (a title renamed on
    # one side and re-made under its old id on the other may take it to either), unless
    # the title itself is gone: removed on one side and untouched on the other.
    have = {canonical(c) for t in result.titles.values() for c in t.history}
    edits = {canonical(e) for t in result.titles.values() for e in t.edits}
    for side, other in ((ours, theirs), (theirs, ours)):
        # the ids the other side renamed away since the common version (and did not use
        # again): merged into the new id
        renamed = {
            e.old for t in other.titles.values() if t.id not in base.titles for e in t.edits if e.field == "id"
        } - set(other.titles)
        for source in side.titles.values():
            if source.id in result.titles or source.id in renamed:
                assert {canonical(c) for c in source.history} <= have
                assert {canonical(e) for e in source.edits} <= edits

    def in_order(history: list[Any]) -> bool:
        times = [datetime.fromisoformat(c.recorded) for c in history]
        return times == sorted(times)

    for title_id, title in result.titles.items():
        ids = {title_id} | {e.old for e in title.edits if e.field == "id"}
        sources = [side.titles[i] for side in (ours, theirs) for i in ids if i in side.titles]
        if all(in_order(source.history) for source in sources):
            assert in_order(title.history)
        # what each milestone holds is what its last history entry says, as after `set`
        for key, milestone in title.milestones.items():
            last = [c for c in title.history if c.milestone == key][-1]
            assert last.new is not None
            assert canonical(last.new) == canonical(milestone)


@PROPERTY
@given(stores)
def test_an_import_never_deletes_and_never_loses_history(three: tuple[Document, Document, Document]) -> None:
    _, ours, theirs = three
    result = merged(None, ours, theirs)
    assert set(ours.titles) | set(theirs.titles) == set(result.titles)
    for title_id, title in result.titles.items():
        for side in (ours, theirs):
            if title_id in side.titles:
                assert {canonical(c) for c in side.titles[title_id].history} <= {canonical(c) for c in title.history}
    parse_bytes(dumps(result), "merged")  # type: ignore[arg-type]
