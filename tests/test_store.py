"""The store file: deterministic, atomic, mode-preserving, lossless, undoable."""

from __future__ import annotations

import json
import os
import stat
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hstrack.core.errors import HstrackError, StoreError
from hstrack.core.model.document import Document
from hstrack.core.tracker import add_title, set_milestone
from hstrack.store.codec import dumps
from hstrack.store.seed import seed_document
from hstrack.store.store import Store

NOW = datetime(2026, 11, 27, 12, tzinfo=ZoneInfo("Europe/London"))


def make(tmp_path: Path) -> Store:
    store = Store(tmp_path / "store.json")
    assert store.ensure(seed_document, NOW)
    return store


def set_release(store: Store, when: str) -> None:
    store.change(
        lambda doc: set_milestone(doc, "heartstopper-film", "release", when, NOW),
        lambda c: f"set release {when}",
        NOW,
    )


def test_seed_is_created_once_with_mode_0600(tmp_path: Path) -> None:
    store = make(tmp_path)
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert not store.ensure(seed_document, NOW)
    doc = store.read()
    assert sorted(doc.titles) == ["heartstopper-film", "heartstopper-s3"]


def test_output_is_deterministic_and_readable(tmp_path: Path) -> None:
    store = make(tmp_path)
    raw = store.path.read_bytes()
    assert raw == dumps(store.read())
    assert raw.endswith(b"}\n")
    data = json.loads(raw)
    assert data["schema"] == 3
    assert list(data["titles"][0]) == [
        "id",
        "uid",
        "name",
        "label",
        "kind",
        "platform",
        "synopsis",
        "notes",
        "credits",
        "milestones",
        "history",
        "links",
    ]
    film = data["titles"][0]
    assert [m["date"] for m in film["milestones"]] == ["2025-04", "2025-06-09", "2025-07-27", "2026-07-17"]


def test_existing_mode_is_kept(tmp_path: Path) -> None:
    store = make(tmp_path)
    os.chmod(store.path, 0o640)
    set_release(store, "2027")
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o640


def test_symlinked_store_stays_a_symlink(tmp_path: Path) -> None:
    real = make(tmp_path / "real")
    link = tmp_path / "link.json"
    link.symlink_to(real.path)
    set_release(Store(link), "2027")
    assert link.is_symlink()
    assert json.loads(real.path.read_text())["titles"][0]["milestones"][-1]["date"] == "2027"


def test_no_temp_files_left_and_stale_ones_swept(tmp_path: Path) -> None:
    store = make(tmp_path)
    stale = tmp_path / ".store.json.abc123.tmp"
    stale.write_text("half a store from a killed writer")
    set_release(store, "2027")
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_unknown_fields_survive_a_write(tmp_path: Path) -> None:
    store = make(tmp_path)
    data = json.loads(store.path.read_text())
    data["future_top"] = {"kept": True}
    data["titles"][0]["rating"] = "12A"
    data["titles"][0]["milestones"][0]["confidence"] = 0.9
    store.path.write_text(json.dumps(data))
    set_release(store, "2027")
    after = json.loads(store.path.read_text())
    assert after["future_top"] == {"kept": True}
    assert after["titles"][0]["rating"] == "12A"
    assert after["titles"][0]["milestones"][0]["confidence"] == 0.9


@pytest.mark.parametrize(
    ("content", "fault"),
    [
        (b"", "is empty"),
        (b"\x00" * 4096, "only NUL bytes"),
        (b'{"schema": 1, "titles": [', "not valid JSON"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b"[]", "expected dict"),
        (b'{"schema": 99, "titles": [{"id": 5}]}', "newer hstrack (schema 99"),
        (b'{"schema": "1", "titles": []}', "'schema' must be a whole number"),
        (b'{"schema": 1, "titles": [{"id": "Bad Id", "name": "x"}]}', "not a slug"),
        (
            b'{"schema": 1, "titles": [{"id": "x", "name": "x", "milestones": [{"kind": "release", "date": "soon"}]}]}',
            "not a date",
        ),
    ],
)
def test_damaged_store_is_reported_and_never_rewritten(tmp_path: Path, content: bytes, fault: str) -> None:
    store = Store(tmp_path / "store.json")
    store.path.write_bytes(content)
    with pytest.raises(StoreError) as caught:
        store.read()
    assert fault in caught.value.message
    assert str(store.path) in caught.value.message
    with pytest.raises(StoreError):
        set_release(store, "2027")
    assert not store.ensure(seed_document, NOW)
    assert store.path.read_bytes() == content


def test_undo_walks_back_and_refuses_over_outside_edits(tmp_path: Path) -> None:
    store = make(tmp_path)
    original = store.path.read_bytes()
    set_release(store, "2027")
    second = store.path.read_bytes()
    set_release(store, "Q3 2027")
    assert store.undo(NOW).description == "set release Q3 2027"
    assert store.path.read_bytes() == second
    assert store.undo(NOW).description == "set release 2027"
    assert store.path.read_bytes() == original
    with pytest.raises(HstrackError, match="nothing to undo"):
        store.undo(NOW)
    set_release(store, "2028")
    store.path.write_bytes(store.path.read_bytes().replace(b'"2028"', b'"2029"'))
    with pytest.raises(StoreError, match="changed outside hstrack"):
        store.undo(NOW)
    # The next change keeps the hand edit as a version of its own, so undo returns to it.
    hand_edited = store.path.read_bytes()
    set_release(store, "2030")
    store.undo(NOW)
    assert store.path.read_bytes() == hand_edited


def test_newest_backup_always_equals_the_store(tmp_path: Path) -> None:
    store = make(tmp_path)
    for year in range(2030, 2045):
        set_release(store, str(year))
        assert store.versions()[-1].read() == store.path.read_bytes()
    assert len(store.versions()) == 10  # rotated: the last KEEP versions


def test_version_written_but_store_not_replaced_is_dropped_by_undo(tmp_path: Path) -> None:
    """A writer killed between keeping its version and replacing the store leaves it
    pending: never offered, and removed by the next writer."""
    store = make(tmp_path)
    set_release(store, "2027")
    current = store.path.read_bytes()
    orphan = store.kept.keep(current.replace(b'"2027"', b'"2031"'), "never landed", NOW, state="pending")
    assert [v.description for v in store.versions()][-1] == "set release 2027"
    assert store.undo(NOW).description == "set release 2027"
    assert store.path.read_bytes() != current
    assert not orphan.path.exists()


def test_a_version_committed_only_by_the_store_holding_it(tmp_path: Path) -> None:
    """Killed after replacing the store but before committing: the store holds it, so the
    next writer commits it and undo can go back past it."""
    store = make(tmp_path)
    set_release(store, "2027")
    data = store.path.read_bytes().replace(b'"2027"', b'"2031"')
    version = store.kept.keep(data, "set release 2031", NOW, state="pending")
    from hstrack.store.files import write_atomic

    write_atomic(data, store.path)
    set_release(store, "2032")
    assert [v.description for v in store.versions()][-3:] == ["set release 2027", "set release 2031",
                                                               "set release 2032"]  # fmt: skip
    assert version.path.exists()


def test_no_change_no_write(tmp_path: Path) -> None:
    store = make(tmp_path)
    set_release(store, "2027")
    before = store.path.stat().st_mtime_ns, len(store.versions())
    set_release(store, "2027")
    assert (store.path.stat().st_mtime_ns, len(store.versions())) == before


def test_round_trip_of_every_precision() -> None:
    doc = Document()
    add_title(doc, "All", "all")
    for i, when in enumerate(
        [
            "TBA",
            "2026",
            "H2 2026",
            "Q3 2026",
            "winter 2026",
            "2026-10",
            "2026-10-03",
            "2026-10-03 08:00 Europe/London",
            "2026-10-03T00:00-07:00",
        ]
    ):
        set_milestone(doc, "all", f"m{i}", when, NOW, new=True)
    from hstrack.core.model.reading import document_from_json

    again = document_from_json(json.loads(dumps(doc)))
    assert dumps(again) == dumps(doc)
    assert again.titles["all"].milestones == doc.titles["all"].milestones
