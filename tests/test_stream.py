"""Views over every title read a title at a time, without history (hstrack.store.stream),
only while the index vouches for the store; they answer as a whole read does, and the
document they read is never written."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from hstrack.core.errors import StoreError
from hstrack.store import index as store_index
from hstrack.store import stream
from hstrack.store.codec import dumps
from hstrack.store.index import index_path
from hstrack.store.store import Store
from tests.conftest import Cli
from tests.test_index import rewrite_in_place, settle

VIEWS = [("status", "--json"), ("export",), ("export", "-f", "ics"), ("export", "-f", "csv"), ("status",),
         ("status", "--plain"), ("status", "--chart"), ("calendar", "--json"),
         ("calendar", "-n", "3"), ("upcoming", "--json", "--within", "2y"),
         ("status", "--json", "--kind", "season")]  # fmt: skip


@pytest.fixture
def realistic(cli: Cli) -> Cli:
    """The benchmark's realistic corpus (hand-tracked, synced with regional releases and
    slips, seasons with episodes) at 30 titles, written as hstrack writes it."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    try:
        import corpus
    finally:
        sys.path.pop(0)
    corpus.build_realistic(cli.home, 30)
    cli("pin", "title-00001")  # a write: the index is the writer's, racy
    return cli


def answers(cli: Cli) -> list[tuple[int, str, str]]:
    return [(r.exit_code, r.stdout, r.stderr) for r in (cli(*view, code=None) for view in VIEWS)]


def test_views_through_the_stream_answer_as_the_whole_store_does(realistic: Cli) -> None:
    index_path(realistic.store).unlink()
    whole = answers(realistic)  # no index: the first view reads the whole store
    settle(realistic.store)
    doc = Store(realistic.store).read(history=False, view=True)
    assert doc.partial
    assert answers(realistic) == whole
    full = Store(realistic.store).read()
    assert not full.partial
    assert list(doc.titles) == list(full.titles)
    kept = {"last": 0, "all": 0}
    for title_id, title in doc.titles.items():
        assert {**vars_of(title), "history": []} == {**vars_of(full.titles[title_id]), "history": []}
        # What a view reads of history: the last change (how old the facts are), and all of
        # it for a title with a window (whether a window that closed is due).
        history = full.titles[title_id].history
        windows = any(not m.date.is_exact and not m.date.is_tba for m in title.milestones.values())
        assert title.history == (history if windows else history[-1:])
        kept["all" if windows and len(history) > 1 else "last"] += len(history) > 1
    assert kept["all"]  # the corpus holds titles with windows...
    assert kept["last"]  # ...and titles of days only


def test_what_views_read_of_history_comes_through_the_stream(cli: Cli) -> None:
    """A window that closed after a day inside it was recorded (and then widened) is not
    due; how old each title's facts are comes from its last change: through the stream as
    through a whole read, in every view."""
    for day, (command, *args) in enumerate([
        ("add", "Widened", "--kind", "film"), ("set", "widened", "release", "2026-08-14"),
        ("set", "widened", "release", "2026"), ("add", "Never Dated", "--kind", "film"),
        ("set", "never-dated", "release", "2026-08"), ("set", "never-dated", "release", "2026"),
        ("add", "Day Only", "--kind", "film"), ("set", "day-only", "release", "2026-09-01"),
        ("set", "day-only", "trailer", "2026-05-02", "--source", "https://example.org/trailer"),
    ], start=1):  # fmt: skip
        cli(command, *args, now=f"2026-01-{day:02d}T12:00:00+00:00")
    at = "2027-01-05T12:00:00+00:00"
    views = [("status", "--json"), ("status", "--plain"), ("status",), ("upcoming", "--json", "--within", "2y"),
             ("calendar", "--json"), ("status", "--chart")]  # fmt: skip
    index_path(cli.store).unlink()
    whole = [cli(*view, now=at).stdout for view in views]
    settle(cli.store)
    assert stream.read_without_history(Store(cli.store).layout) is not None  # the views below stream
    assert [cli(*view, now=at).stdout for view in views] == whole
    import json

    titles = {t["id"]: t for t in json.loads(whole[0])["titles"]}
    assert titles["widened"]["release"]["state"] != "due"
    assert titles["never-dated"]["release"]["state"] == "due"
    assert titles["day-only"]["last_confirmed"].startswith("2026-01-09")


def vars_of(title: object) -> dict[str, object]:
    from dataclasses import asdict

    return asdict(title)  # type: ignore[call-overload, no-any-return]


def test_a_document_read_for_a_view_is_never_written(realistic: Cli) -> None:
    settle(realistic.store)
    doc = Store(realistic.store).read(history=False, view=True)
    assert doc.partial
    with pytest.raises(StoreError):
        dumps(doc)


def test_only_an_index_of_this_very_file_is_trusted(realistic: Cli) -> None:
    layout = Store(realistic.store).layout
    assert stream.read_without_history(layout) is not None  # the writer's own, racy: its digest checked
    raw = realistic.store.read_bytes()
    index = store_index.load(index_path(realistic.store))
    assert index is not None
    index.digest = "0" * 64  # racy, and the bytes are not the ones it vouches for
    index.checked_ns = index.store[4]
    index_path(realistic.store).write_bytes(index.to_bytes())
    assert stream.read_without_history(layout) is None
    assert realistic.store.read_bytes() == raw
    settle(realistic.store)
    assert stream.read_without_history(layout) is not None
    index_path(realistic.store).unlink()
    assert stream.read_without_history(layout) is None


@pytest.mark.parametrize("view", VIEWS[:3])
def test_damage_in_a_history_the_stream_skips_is_still_reported(realistic: Cli, view: tuple[str, ...]) -> None:
    """The history a view does not read is damaged in place, same size and modification
    time: the change time moves, the index no longer vouches, and the whole store speaks."""
    settle(realistic.store)
    raw = realistic.store.read_bytes()
    old = b'"recorded": "2025-09-01T06:00:00+00:00"'
    assert old in raw
    rewrite_in_place(realistic.store, old, old.replace(b"2025-09-01T06", b"2025-99-01T06"))
    before = realistic.store.read_bytes()
    result = realistic(*view, code=1)
    assert "hstrack doctor" in result.stderr
    assert result.stdout == ""
    assert realistic.store.read_bytes() == before


def test_a_store_replaced_under_the_same_name_is_read_whole(realistic: Cli) -> None:
    settle(realistic.store)
    raw = realistic.store.read_bytes()
    damaged = raw.replace(b'"recorded": "2025-09-01T06:00:00+00:00"', b'"recorded": "not a time at all, at all"', 1)
    assert len(damaged) == len(raw)
    temp = realistic.store.with_name("copy")
    temp.write_bytes(damaged)
    st = os.stat(realistic.store)
    os.utime(temp, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(temp, realistic.store)
    assert stream.read_without_history(Store(realistic.store).layout) is None
    realistic("status", "--json", code=1)


def _tampered(spans: dict[str, list[int]], how: str) -> object:
    ids = list(spans)
    if how == "a title left out":
        del spans[ids[len(ids) // 2]]
        return spans
    if how == "the first left out":
        del spans[ids[0]]
        return spans
    if how == "two swapped in order":
        a, b = ids[3], ids[4]
        return {key: spans[key] for key in [*ids[:3], b, a, *ids[5:]]}
    if how == "a list":
        return list(spans.values())
    if how == "text":
        return "spans"
    if how == "a span of floats":
        spans[ids[2]] = [float(n) for n in spans[ids[2]]]
        return spans
    assert how == "a span of three"
    spans[ids[2]] = [*spans[ids[2]], 1]
    return spans


HOWS = ["a title left out", "the first left out", "two swapped in order", "a list", "text", "a span of floats",
        "a span of three"]  # fmt: skip


def _tamper(store: Path, how: str) -> None:
    import json

    path = index_path(store)
    index = store_index.load(path)
    assert index is not None
    index.spans = json.dumps(_tampered(json.loads(index.spans), how), separators=(",", ":")).encode()
    path.write_bytes(index.to_bytes())


def test_an_index_whose_spans_do_not_describe_the_titles_is_not_believed(realistic: Cli) -> None:
    """An index that still names this very file (its identity) but whose spans were damaged
    or left from another layout: views never answer from it (a title left out would just
    be missing), nor fail on it; the whole store speaks."""
    settle(realistic.store)
    good = index_path(realistic.store).read_bytes()
    layout = Store(realistic.store).layout
    for how in HOWS:
        _tamper(realistic.store, how)
        assert stream.read_without_history(layout) is None, how
        index_path(realistic.store).write_bytes(good)
    assert stream.read_without_history(layout) is not None


@pytest.mark.parametrize("how", ["a title left out", "a list"])
def test_a_view_over_such_an_index_answers_as_the_whole_store(realistic: Cli, how: str) -> None:
    settle(realistic.store)
    whole = realistic("status", "--json").stdout
    _tamper(realistic.store, how)
    assert realistic("status", "--json").stdout == whole
