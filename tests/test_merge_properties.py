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
    st.sampled_from(("add", "set", "set", "set", "unset", "edit", "credit", "remove", "rename", "pin", "unpin")),
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
            elif what == "pin" and title_id in doc.titles:  # as `hstrack pin` does
                doc.pin_title, doc.pin_milestone = title_id, kind if kind in doc.titles[title_id].milestones else None
                doc.pin_set = now.isoformat(timespec="seconds")
            elif what == "unpin" and doc.pin_title is not None:
                doc.pin_title = doc.pin_milestone = None
                doc.pin_set = now.isoformat(timespec="seconds")
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
    assert content(one) == content(other)  # the titles, the pin, the conflicts: a merge and a rebase agree
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
        mine = ours.by_uid()
        for title in result.titles.values():
            assert {canonical(c) for c in mine[title.uid].history} <= {canonical(c) for c in title.history}


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


def gone(uid: str, base: Document, ours: Document, theirs: Document) -> bool:
    """A title the merge may drop: removed on one side, untouched on the other."""
    common = base.by_uid().get(uid)
    sides = [ours.by_uid().get(uid), theirs.by_uid().get(uid)]
    return common is not None and None in sides and all(s is None or canonical(s) == canonical(common) for s in sides)


@PROPERTY
@given(stores)
def test_titles_are_matched_by_uid_and_none_is_lost(three: tuple[Document, Document, Document]) -> None:
    """Every title either side has is in the result under its uid (with every history entry
    and edit of both sides), unless it was removed on one side and untouched on the other;
    no two titles share a uid or an id; and a title keeps its uid whatever its id becomes."""
    base, ours, theirs = three
    result = merged(base, ours, theirs)
    by_uid = result.by_uid()
    assert len(by_uid) == len(result.titles)
    for side in (ours, theirs):
        for source in side.titles.values():
            if gone(source.uid, base, ours, theirs):
                assert source.uid not in by_uid
                continue
            title = by_uid[source.uid]
            assert {canonical(c) for c in source.history} <= {canonical(c) for c in title.history}
            assert {canonical(e) for e in source.edits} <= {canonical(e) for e in title.edits}
    for uid in by_uid:  # nothing invented
        assert uid in ours.by_uid() or uid in theirs.by_uid()


@PROPERTY
@given(stores)
def test_the_merged_history_explains_the_merged_state(three: tuple[Document, Document, Document]) -> None:
    """What each milestone and field holds is what its last entry says (the history rule,
    hstrack.core.model.replay), in recorded order when both sides were."""
    from hstrack.core.model.replay import disagreement

    base, ours, theirs = three
    result = merged(base, ours, theirs)
    for title in result.titles.values():
        for key, milestone in title.milestones.items():
            last = [c for c in title.history if c.milestone == key][-1]
            assert last.new is not None
            assert canonical(last.new) == canonical(milestone)
        wrong = disagreement(title)
        sides = [s.by_uid().get(title.uid) for s in (ours, theirs)]
        if all(s is None or disagreement(s) is None for s in sides):
            assert wrong is None, wrong


@PROPERTY
@given(stores)
def test_additions_to_a_list_on_both_sides_are_both_kept(three: tuple[Document, Document, Document]) -> None:
    """Credits are a list: a name either side added since the common version is in the
    result, and one either side removed is not."""
    base, ours, theirs = three
    result = merged(base, ours, theirs)
    for title in result.titles.values():
        common = base.by_uid().get(title.uid)
        for side in (ours, theirs):
            mine = side.by_uid().get(title.uid)
            if mine is None:
                continue
            for role, names in mine.credits.items():
                before = common.credits.get(role, []) if common is not None else []
                for name in names:
                    if name not in before:
                        assert name in title.credits.get(role, []), (role, name)


@PROPERTY
@given(stores)
def test_an_import_never_deletes_and_never_loses_history(three: tuple[Document, Document, Document]) -> None:
    _, ours, theirs = three
    result = merged(None, ours, theirs)
    assert set(ours.by_uid()) | set(theirs.by_uid()) == set(result.by_uid())
    for title in result.titles.values():
        for side in (ours, theirs):
            source = side.by_uid().get(title.uid)
            if source is not None:
                assert {canonical(c) for c in source.history} <= {canonical(c) for c in title.history}
    parse_bytes(dumps(result), "merged")  # type: ignore[arg-type]
