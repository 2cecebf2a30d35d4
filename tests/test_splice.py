"""A change to one title is spliced into the store's bytes (hstrack.store.splice) only when
the index vouches for them, and writes exactly what a whole rewrite writes: the store, the
prompt's cache and the Tab cache, byte for byte, whatever the change."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hstrack.store.files import read_regular_stat
from hstrack.store.layout import Layout
from hstrack.store.prompt_cache import SEP as PROMPT_SEP
from hstrack.store.prompt_cache import store_identity
from hstrack.store.splice import open_title
from hstrack.store.tab_cache import SEP as TAB_SEP
from hstrack.store.tab_cache import identity as tab_identity
from tests.conftest import Cli
from tests.test_properties import EXTRAS

TITLES = [f"title-{n:05d}" for n in range(12)]
KEYS = ["release", "trailer", "announced", "teaser", "episode-3", "release@GB:theatrical", "premiere@US",
        "release@DE:digital", "production-end"]  # fmt: skip
DATES = ["2027-05-01", "TBA", "Q3 2027", "2026-12-24 20:00 Europe/London", "2027", "summer 2027?", "2026-11-28",
         "2026-11-27 18:30 America/New_York"]  # fmt: skip
NOWS = ["2026-11-27T12:00:00+00:00", "2026-11-27T12:00:05+00:00", "2026-11-20T09:00:00+00:00"]
COMMAND = st.one_of(
    st.tuples(st.just("set"), st.sampled_from(TITLES), st.sampled_from(KEYS), st.sampled_from(DATES)),
    st.tuples(st.just("unset"), st.sampled_from(TITLES), st.sampled_from(KEYS)),
    st.tuples(st.just("edit"), st.sampled_from(TITLES), st.sampled_from(["--name", "--label", "--notes"]),
              st.sampled_from(["A new name", "Ω", "HS film"])),
    st.tuples(st.just("edit"), st.sampled_from(TITLES), st.sampled_from(["--no-label", "--no-notes"])),
    st.tuples(st.just("credit"), st.sampled_from(TITLES), st.sampled_from(["Director", "Cast"]),
              st.sampled_from(["Someone", "Another One"])),
    st.tuples(st.just("label"), st.sampled_from(TITLES), st.sampled_from(["S1", "A label"])),
    st.tuples(st.just("remind"), st.sampled_from(TITLES), st.sampled_from(KEYS), st.just("--lead"),
              st.sampled_from(["7d", "1d", "0d"])),
    st.tuples(st.just("remind"), st.sampled_from(TITLES), st.just("--off")),
)  # fmt: skip


def corpus_store(folder: Path, titles: int) -> Path:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    try:
        import corpus
    finally:
        sys.path.pop(0)
    return corpus.build_realistic(folder, titles) / "store.json"


def derived(store: Path) -> tuple[bytes, list[str], list[str]]:
    """The store's bytes and its caches, each cache first checked to name the store as it
    is now (the identity a splice must give it, as a whole rewrite does), then without
    that identity, which differs between two files of the same content."""
    st = os.stat(store)
    prompt_path = store.parent / "store.json.prompt"
    prompt = prompt_path.read_text().split("\n")
    horizon = prompt[1].split(PROMPT_SEP)
    assert horizon[2] == store_identity(st)
    assert os.stat(prompt_path).st_mtime_ns == st.st_mtime_ns  # what the shell snippets compare
    tab = (store.parent / "store.json.complete").read_text().split("\n")
    assert tab[1] == f"store{TAB_SEP}{tab_identity(str(store))}"
    return store.read_bytes(), [prompt[0], PROMPT_SEP.join(horizon[:2]), *prompt[2:]], tab[:1] + tab[2:]


def as_built_for(copy: Path, original: Path) -> None:
    """A copied store's caches, made to name the copy (a new file, with another identity)
    as they named the original: what they would hold had they been built for the copy."""
    for name, old, new in (
        ("store.json.prompt", store_identity(os.stat(original)), store_identity(os.stat(copy))),
        ("store.json.complete", tab_identity(str(original)), tab_identity(str(copy))),
    ):
        cache = copy.parent / name
        times = os.stat(cache)
        assert old is not None
        assert new is not None
        cache.write_text(cache.read_text().replace(old, new))
        os.utime(cache, ns=(times.st_atime_ns, times.st_mtime_ns))


def spliceable(store: Path, title_id: str) -> bool:
    layout = Layout(store)
    raw, st = read_regular_stat(layout.path)
    return open_title(layout, raw, st, title_id) is not None


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.tuples(COMMAND, st.sampled_from(NOWS)), min_size=1, max_size=6), st.sampled_from([*TITLES[:3], None])
)
def test_a_spliced_change_writes_what_a_whole_rewrite_writes(cli: Cli, commands: list, pin: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        spliced = corpus_store(Path(tmp) / "spliced", len(TITLES))
        whole = Path(tmp) / "whole" / "store.json"
        if pin is not None:  # a write: the index is the writer's own, canonical
            cli("--store", str(spliced), "pin", pin)
        else:
            cli("--store", str(spliced), "pin", TITLES[0])
            cli("--store", str(spliced), "unpin")
        shutil.copytree(spliced.parent, whole.parent)
        as_built_for(whole, spliced)
        used = 0
        for (name, *args), now in commands:
            used += spliceable(spliced, args[0])
            (whole.parent / "store.json.index").unlink(missing_ok=True)  # a whole read and rewrite
            one = cli("--store", str(spliced), name, *args, now=now, code=None)
            other = cli("--store", str(whole), name, *args, now=now, code=None)
            assert (one.exit_code, one.stdout, one.stderr) == (other.exit_code, other.stdout, other.stderr)
            assert derived(spliced) == derived(whole)
        assert used  # the first change at least was spliced
        assert cli("--store", str(spliced), "doctor", code=None).exit_code == 0


def test_undo_of_a_spliced_change_puts_the_bytes_back(cli: Cli) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = corpus_store(Path(tmp) / "s", 8)
        cli("--store", str(store), "pin", "title-00001")
        before = store.read_bytes()
        assert spliceable(store, "title-00003")
        cli("--store", str(store), "set", "title-00003", "release", "2027-06-01")
        assert store.read_bytes() != before
        cli("--store", str(store), "undo")
        assert store.read_bytes() == before


def test_a_store_the_index_does_not_vouch_for_is_read_whole(cli: Cli) -> None:
    """Changed behind the index (in place, same size, the modification time put back), a
    store is never spliced: the whole store is read, and its damage reported."""
    with tempfile.TemporaryDirectory() as tmp:
        store = corpus_store(Path(tmp) / "s", 8)
        cli("--store", str(store), "pin", "title-00001")
        assert spliceable(store, "title-00003")
        raw = store.read_bytes()
        old = b'"recorded": "2025-09-01T06:00:00+00:00"'
        at = raw.index(old)
        st = os.stat(store)
        with open(store, "r+b") as handle:
            handle.seek(at)
            handle.write(old.replace(b"2025-09", b"2025-99"))
        os.utime(store, ns=(st.st_atime_ns, st.st_mtime_ns))
        assert not spliceable(store, "title-00003")
        damaged = store.read_bytes()
        result = cli("--store", str(store), "set", "title-00003", "release", "2027-06-01", code=1)
        assert "hstrack doctor" in result.stderr
        assert store.read_bytes() == damaged


def test_a_title_written_by_hand_in_another_spelling_is_not_spliced(cli: Cli) -> None:
    """An index built by a reader (a store not written by this hstrack) does not say the
    bytes are hstrack's own: the first change rewrites them whole, as before."""
    with tempfile.TemporaryDirectory() as tmp:
        store = corpus_store(Path(tmp) / "s", 8)
        cli("--store", str(store), "status", "--json")  # a reader's index
        assert not spliceable(store, "title-00003")
        cli("--store", str(store), "set", "title-00003", "release", "2027-06-01")
        assert spliceable(store, "title-00004")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(EXTRAS, EXTRAS), max_size=3), EXTRAS)
def test_a_title_s_text_is_its_bytes_in_the_whole_store(titles: list[tuple[dict[str, object], dict[str, object]]],
                                                        top: dict[str, object]) -> None:  # fmt: skip
    """The encoder a splice and a streamed export use gives, title by title, the bytes
    ``dumps`` writes for the whole store, whatever fields hstrack does not know hold
    (floats and huge integers take json's exact path, title by title)."""
    import json

    from hstrack.core.model.reading import document_from_json
    from hstrack.store.codec import dumps, dumps_pieces, title_text

    data = {
        "schema": 3,
        "titles": [
            {"id": f"t-{i}", "name": f"T {i}", "kind": "film",
             "milestones": [{"kind": "release", "date": "2027-10", **milestone_extra}], **title_extra}
            for i, (title_extra, milestone_extra) in enumerate(titles)
        ],
        **top,
    }  # fmt: skip
    try:
        doc = document_from_json(json.loads(json.dumps(data)))
    except ValueError:
        return  # an unknown field nested too deep: refused, not this test's business
    whole = dumps(doc)
    assert b"".join(dumps_pieces(doc)) == whole
    for title in doc.titles.values():
        text = b"\n" + title_text(title)
        assert text + b",\n" in whole or text + b"\n  ]" in whole


def test_bytes_changed_in_place_while_they_were_read_are_not_spliced(cli: Cli) -> None:
    """The store's status is taken as it is opened, its bytes read after: another tool that
    rewrites it in place meanwhile (no lock, same size, the modification time put back)
    moves only the change time. Those bytes, damage and all, are not what the index
    vouches for, so they are never spliced (written on unchecked): the whole store is read."""
    from tests.test_index import rewrite_in_place, settle

    with tempfile.TemporaryDirectory() as tmp:
        store = corpus_store(Path(tmp) / "s", 8)
        cli("--store", str(store), "pin", "title-00001")
        settle(store)  # a command seconds after the last write: the identity alone vouches
        layout = Layout(store)
        st = os.stat(store)  # as the store was opened...
        old = b'"recorded": "2025-09-01T06:00:00+00:00"'
        rewrite_in_place(store, old, old.replace(b"2025-09", b"2025-99"))
        raw = store.read_bytes()  # ...and its bytes, read after the other tool wrote
        assert len(raw) == st.st_size
        assert open_title(layout, raw, st, "title-00003") is None
        assert open_title(layout, raw, os.stat(store), "title-00003") is None  # the index never named these
