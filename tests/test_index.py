"""The store's index (hstrack.store.index): one-title commands read one title through it,
and never answer from a store that changed behind its back or is damaged.

Every test here changes the store the way the issue asks (in place with the same size and
modification time, truncated, damaged elsewhere, replaced, hand-formatted) and checks the
answer is the one the whole store gives, or the damage reported. A command run in the
same second as the write that made the index finds it "racy" (see store_index) and checks
the store's digest; ``settle`` makes it an index checked long after, trusted by identity
alone, which is what a command meets in everyday use.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from hstrack.store import index as store_index
from hstrack.store.store import Store
from tests.conftest import Cli

COMMANDS = [("check", "--has-date", "release"), ("countdown",), ("show",), ("timeline",), ("history",)]


@pytest.fixture
def slate(cli: Cli) -> Cli:
    """Four titles: dated, windowed, placed (a regional release makes the viewer's region
    matter) and TBA, with some history."""
    cli("add", "Alpha Film", "--kind", "film")
    cli("set", "alpha-film", "release", "2027-10-03")
    cli("set", "alpha-film", "trailer", "2027-05")
    cli("set", "alpha-film", "release", "2027-10-04")
    cli("add", "Beta Show", "--kind", "series")
    cli("set", "beta-show", "release", "autumn 2027")
    cli("add", "Gamma Film", "--kind", "film")
    cli("set", "gamma-film", "release", "2027-03-01", "--region", "GB")
    cli("set", "gamma-film", "release", "2027-04-01", "--region", "US")
    cli("add", "Delta Film", "--kind", "film")
    return cli


def settle(store: Path) -> None:
    """Make the index one checked well after the store last changed (as a command meets it
    a few seconds after any write): trusted by the store's identity alone."""
    path = store_index.index_path(store)
    index = store_index.load(path)
    assert index is not None, "the write left no usable index"
    st = os.stat(store)
    assert index.store == store_index.identity_of(st)
    index.checked_ns, index.digest = st.st_ctime_ns + store_index.RACY_NS + 1, None
    path.write_bytes(index.to_bytes())


def outputs(cli: Cli, ids: list[str], code: int | None = None) -> list[tuple[int, str, str]]:
    got = []
    for title_id in ids:
        for command, *rest in COMMANDS:
            result = cli(command, title_id, *rest, "--json", code=code)
            got.append((result.exit_code, result.stdout, result.stderr))
    return got


def answered_by_index(store: Path, title_id: str) -> bool:
    """Whether the index gave the title itself (not "no such title", which sends a
    command to the whole store anyway)."""
    found = Store(store).read_title(title_id)
    return found is not None and found[1] is not None and found[1].id == title_id


def rewrite_in_place(store: Path, old: bytes, new: bytes) -> None:
    """Replace bytes inside the store file itself (same inode), then put its modification
    time back: only the change time, which nobody can set, still shows the edit."""
    assert len(old) == len(new)
    st = os.stat(store)
    raw = store.read_bytes()
    at = raw.index(old)
    with open(store, "r+b") as handle:
        handle.seek(at)
        handle.write(new)
    os.utime(store, ns=(st.st_atime_ns, st.st_mtime_ns))
    after = os.stat(store)
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (st.st_ino, st.st_size, st.st_mtime_ns)


IDS = ["alpha-film", "beta-show", "gamma-film", "delta-film"]


def test_one_title_commands_answer_as_the_whole_store_does(slate: Cli) -> None:
    settle(slate.store)
    assert all(answered_by_index(slate.store, t) for t in IDS)
    through_index = outputs(slate, IDS)
    store_index.index_path(slate.store).unlink()
    assert not answered_by_index(slate.store, "alpha-film")
    assert outputs(slate, IDS) == through_index
    # The whole-store read just rebuilt it (racy: it was built in the same second).
    rebuilt = store_index.load(store_index.index_path(slate.store))
    assert rebuilt is not None
    assert rebuilt.locates
    assert rebuilt.places
    assert rebuilt.store == store_index.identity_of(os.stat(slate.store))


def test_a_racy_index_answers_after_checking_the_digest(slate: Cli) -> None:
    index = store_index.load(store_index.index_path(slate.store))
    assert index is not None
    assert index.racy  # a writer's own index is racy by construction
    assert index.digest is not None
    assert answered_by_index(slate.store, "alpha-film")
    assert slate("countdown", "alpha-film", "release").stdout.startswith("Alpha Film · release 4 Oct 2027")


def test_changed_in_place_same_size_same_mtime(slate: Cli) -> None:
    settle(slate.store)
    rewrite_in_place(slate.store, b'"date": "2027-10-04"', b'"date": "2027-11-04"')
    assert not answered_by_index(slate.store, "alpha-film")
    assert "4 Nov 2027" in slate("countdown", "alpha-film", "release").stdout
    assert slate.json("countdown", "alpha-film", "release")["milestone"]["date"] == "2027-11-04"


def test_changed_in_the_same_tick_is_caught_by_the_digest(slate: Cli) -> None:
    """A change in the same tick of the file system's clock as the write keeps every
    time: simulated by recording the edited file's identity in the racy index the write
    left. The digest tells."""
    path = store_index.index_path(slate.store)
    rewrite_in_place(slate.store, b'"date": "2027-10-04"', b'"date": "2027-12-04"')
    index = store_index.load(path)
    assert index is not None
    assert index.racy
    index.store = store_index.identity_of(os.stat(slate.store))
    path.write_bytes(index.to_bytes())
    assert not answered_by_index(slate.store, "alpha-film")
    assert "4 Dec 2027" in slate("countdown", "alpha-film", "release").stdout


@pytest.mark.parametrize("where", ["before the title", "after the title", "half"])
def test_truncated_store_is_reported_not_answered(slate: Cli, where: str) -> None:
    settle(slate.store)
    raw = slate.store.read_bytes()
    start = raw.index(b'"id": "beta-show"')
    cut = {"before the title": start - 10, "after the title": raw.index(b'"id": "delta-film"'),
           "half": len(raw) // 2}[where]  # fmt: skip
    st = os.stat(slate.store)
    os.truncate(slate.store, cut)
    os.utime(slate.store, ns=(st.st_atime_ns, st.st_mtime_ns))
    for title_id in IDS:
        assert not answered_by_index(slate.store, title_id)
        for exit_code, stdout, stderr in outputs(slate, [title_id], code=None):
            assert exit_code in (1, 2), (title_id, stdout)
            assert not stdout, (title_id, stdout)
            assert "store.json" in stderr
            assert "doctor" in stderr


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b'"name": "Delta Film"', b'"name": "Delta Film'),  # bad JSON in another title
        (b'"kind": "series"', b'"kind": "serial"'),  # valid JSON, not a valid store
    ],
)
def test_damage_in_another_title_is_reported(slate: Cli, old: bytes, new: bytes) -> None:
    """Same size, same modification time, and the title asked about untouched: the store is
    still damaged, and a damaged store is never answered from."""
    settle(slate.store)
    new = new.ljust(len(old))
    rewrite_in_place(slate.store, old, new)
    result = slate("countdown", "alpha-film", "release", code=1)
    assert not result.stdout
    assert "store.json" in result.stderr
    assert "doctor" in result.stderr


def test_replaced_by_another_store_of_the_same_size(slate: Cli, tmp_path: Path) -> None:
    settle(slate.store)
    raw = slate.store.read_bytes()
    other = raw.replace(b'"date": "2027-10-04"', b'"date": "2027-10-05"')
    assert len(other) == len(raw)
    st = os.stat(slate.store)
    temp = tmp_path / "other.json"
    temp.write_bytes(other)
    os.utime(temp, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(temp, slate.store)
    assert "5 Oct 2027" in slate("countdown", "alpha-film", "release").stdout


@pytest.mark.parametrize(
    "index_text",
    [
        b"",
        b"garbage",
        b'{"hstrack-index": 1}\n{}\nnull\n',
        b"\xff\xfe\n\n\n",
        b"[]\n[]\n[]\n",
    ],
)
def test_a_broken_index_is_ignored_and_rebuilt(slate: Cli, index_text: bytes) -> None:
    expected = outputs(slate, IDS)
    path = store_index.index_path(slate.store)
    path.write_bytes(index_text)
    assert outputs(slate, IDS) == expected
    assert store_index.load(path) is not None  # the whole-store read wrote a good one


def test_spans_that_point_elsewhere_are_not_believed(slate: Cli) -> None:
    """An index whose spans were damaged (one title's span naming another's bytes, or the
    middle of one) makes the command read the whole store, never show the wrong title."""
    expected = outputs(slate, IDS)
    settle(slate.store)
    path = store_index.index_path(slate.store)
    index = store_index.load(path)
    assert index is not None
    spans = json.loads(index.spans)
    spans["alpha-film"], spans["beta-show"] = spans["beta-show"], [spans["alpha-film"][0] + 7, 40]
    index.spans = json.dumps(spans).replace(" ", "").encode()
    path.write_bytes(index.to_bytes())
    assert not answered_by_index(slate.store, "alpha-film")
    assert not answered_by_index(slate.store, "beta-show")
    assert outputs(slate, IDS) == expected


@pytest.mark.parametrize("layout", ["compact", "indented, no final newline"])
def test_a_store_in_another_layout_is_read_whole(slate: Cli, layout: str) -> None:
    """Only hstrack's own layout is located, even one as close as its indent without the
    final newline."""
    expected = outputs(slate, IDS)
    data = json.loads(slate.store.read_bytes())
    if layout == "compact":
        other = json.dumps(data, ensure_ascii=False)
    else:
        other = json.dumps(data, indent=2, ensure_ascii=False)
    slate.store.write_bytes(other.encode())
    assert outputs(slate, IDS) == expected
    index = store_index.load(store_index.index_path(slate.store))
    assert index is not None
    assert not index.locates
    slate("set", "delta-film", "release", "2028")  # hstrack writes its own layout back
    settle(slate.store)
    assert answered_by_index(slate.store, "delta-film")


def test_an_unknown_id_still_gets_did_you_mean(slate: Cli) -> None:
    settle(slate.store)
    result = slate("countdown", "alpha-flim", code=2)
    assert "did you mean alpha-film" in result.stderr
    result = slate("check", "Alpha Film", "--released", code=2)
    assert "alpha-film" in result.stderr


def test_the_index_follows_every_write(slate: Cli) -> None:
    """set, undo, a rename and a removal each leave an index that answers like the store."""
    for change in (
        ("set", "beta-show", "release", "2027-09-09"),
        ("undo",),
        ("rename", "delta-film", "delta-movie"),
        ("remove", "gamma-film", "--yes"),
    ):
        slate(*change)
        settle(slate.store)
        ids = sorted(json.loads(slate.store.read_bytes())["titles"][i]["id"] for i in range(3))
        through_index = outputs(slate, ids)
        store_index.index_path(slate.store).unlink()
        assert outputs(slate, ids) == through_index, change


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_an_index_path_that_is_not_a_file_blocks_nothing(slate: Cli, kind: str) -> None:
    path = store_index.index_path(slate.store)
    path.unlink()
    if kind == "folder":
        path.mkdir()
    else:
        os.mkfifo(path)
    expected_countdown = "Alpha Film · release 4 Oct 2027"
    assert slate("countdown", "alpha-film", "release").stdout.startswith(expected_countdown)
    slate("set", "beta-show", "release", "2027-09-10")
    assert slate("countdown", "beta-show").stdout.startswith("Beta Show · release 10 Sep 2027")


def test_a_one_title_command_still_warns_of_undecided_titles(slate: Cli) -> None:
    """The index carries the store's conflicts (a git merge's undecided titles), so a
    command answered from one title warns of them as a whole-store read does."""
    data = json.loads(slate.store.read_bytes())
    data["conflicts"] = [{"title": "beta-show", "recorded": "2026-11-27T12:00:00+00:00",
                          "reason": "removed in one copy and changed in the other"}]  # fmt: skip
    slate.store.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    whole = slate("countdown", "alpha-film").stderr
    assert "undecided (beta-show)" in whole
    settle(slate.store)
    assert answered_by_index(slate.store, "alpha-film")
    assert slate("countdown", "alpha-film").stderr == whole


def test_racy_is_one_tick_of_the_file_systems_clock() -> None:
    """A change time with sub-millisecond digits comes from the kernel's clock (a tick of
    at most 10 ms): racy for 100 ms. A whole number of milliseconds may be a file system
    with coarse times (FAT: two seconds): racy for three seconds."""
    fine = 1_795_836_665_967_575_241
    assert store_index.is_racy(fine + 99_999_999, fine)
    assert not store_index.is_racy(fine + 100_000_000, fine)
    coarse = 1_795_836_666_000_000_000
    assert store_index.is_racy(coarse + 2_999_999_999, coarse)
    assert not store_index.is_racy(coarse + 3_000_000_000, coarse)
    assert store_index.is_racy(coarse - 5, coarse)  # a clock set back: racy, never trusted on times alone


@pytest.mark.parametrize("reader", [("countdown", "alpha-film", "release"), ("status",)])
def test_the_first_read_a_tick_after_a_write_settles_the_index(slate: Cli, reader: tuple[str, ...]) -> None:
    """A writer's index is racy (its digest is checked on every read); the first reader
    a tick later, of one title or of the whole store, checks it once more and writes it
    settled, trusted by identity alone."""
    import time

    path = store_index.index_path(slate.store)
    written = store_index.load(path)
    assert written is not None
    assert written.racy
    ctime = os.stat(slate.store).st_ctime_ns
    while store_index.is_racy(time.time_ns(), ctime):
        time.sleep(0.02)
    assert "Alpha Film" in slate(*reader).stdout
    settled = store_index.load(path)
    assert settled is not None
    assert not settled.racy
    assert settled.digest is None
    assert settled.store == written.store


def test_a_span_to_a_nested_copy_with_the_same_id_is_not_believed(slate: Cli) -> None:
    """A title can carry a field hstrack does not know holding anything, even an object
    that looks like another title with its id. An index whose span pointed there (damaged
    or forged) must not be believed: only a whole line "    {" to "    }" is a title."""
    data = json.loads(slate.store.read_bytes())
    beta = next(t for t in data["titles"] if t["id"] == "beta-show")
    alpha = next(t for t in data["titles"] if t["id"] == "alpha-film")
    fake = {**alpha, "name": "Not Alpha"}
    fake["milestones"] = [{"kind": "release", "date": "2031-01-01", "tentative": False, "source": None, "note": None}]
    fake["history"] = []
    beta["x-archive"] = fake
    slate.store.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    expected = outputs(slate, IDS)
    settle(slate.store)
    path = store_index.index_path(slate.store)
    index = store_index.load(path)
    assert index is not None
    raw = slate.store.read_bytes()
    nested = raw.index(b'"x-archive": {') + len(b'"x-archive": ')
    end = raw.index(b"\n      }", nested) + len(b"\n      }")
    spans = json.loads(index.spans)
    spans["alpha-film"] = [nested, end - nested]
    index.spans = json.dumps(spans).replace(" ", "").encode()
    path.write_bytes(index.to_bytes())
    from hstrack.core.model.reading import title_from_json

    assert title_from_json(json.loads(raw[nested:end]), "x").id == "alpha-film"  # it would parse as alpha
    assert not answered_by_index(slate.store, "alpha-film")
    assert outputs(slate, IDS) == expected


def wait_a_tick(store: Path) -> None:
    """Until the store's last change is a tick of the file system's clock behind."""
    import time

    ctime = os.stat(store).st_ctime_ns
    while store_index.is_racy(time.time_ns(), ctime):
        time.sleep(0.02)


def test_reads_leave_a_trusted_index_as_it_is(slate: Cli) -> None:
    """An index trusted by the store's identity is neither rewritten by a one-title command
    nor by one that reads the whole store: reading writes nothing it need not. (A tick
    after the last write, so that no read is still inside it.)"""
    settle(slate.store)
    wait_a_tick(slate.store)
    path = store_index.index_path(slate.store)
    before = path.read_bytes()
    slate("countdown", "alpha-film", "release")
    slate("status")
    slate("upcoming")
    assert path.read_bytes() == before


def test_a_whole_read_within_the_tick_keeps_the_digest(slate: Cli) -> None:
    """A reader in the same tick as the last write cannot know the store is settled: the
    index it leaves still carries the digest every reader checks."""
    import time

    from hstrack.store.codec import parse_with_data

    store = Store(slate.store)
    raw = slate.store.read_bytes()
    # As an edit that sets the modification time back leaves it (rewrite_in_place): the
    # change time is what says when the store last changed.
    hour_ago = time.time_ns() - 3600 * 10**9
    os.utime(slate.store, ns=(hour_ago, hour_ago))
    st = os.stat(slate.store)
    doc, data = parse_with_data(raw, slate.store, "")
    for read_ns in (st.st_ctime_ns, st.st_ctime_ns + 50_000_000):
        store_index.after_read(store.layout, lambda: store.lock, raw, st, read_ns, doc, data, held=True)
        index = store_index.load(store_index.index_path(slate.store))
        assert index is not None
        assert index.racy
        assert index.digest == store_index.digest_of(raw)


def test_a_change_in_the_same_tick_is_rebuilt_not_blessed(slate: Cli) -> None:
    """An edit in the same tick as the write keeps the store's identity; the racy index's
    digest no longer matches, so the first whole read a tick later writes the index of the
    bytes it read, never the old one marked as settled. The edit here leaves hstrack's
    layout (same size), so the right index locates no title."""
    path = store_index.index_path(slate.store)
    rewrite_in_place(slate.store, b'"date": "2027-10-04"', b'"date":"2027-10-04" ')
    index = store_index.load(path)
    assert index is not None
    assert index.racy
    index.store = store_index.identity_of(os.stat(slate.store))
    path.write_bytes(index.to_bytes())
    wait_a_tick(slate.store)
    slate("status")
    rebuilt = store_index.load(path)
    assert rebuilt is not None
    assert not rebuilt.locates
    assert not answered_by_index(slate.store, "alpha-film")
    assert "4 Oct 2027" in slate("countdown", "alpha-film", "release").stdout


@pytest.mark.parametrize("damage", ["racy without digest", "six numbers"])
def test_an_index_that_cannot_be_checked_is_not_loaded(slate: Cli, damage: str) -> None:
    """A racy index is believed only with its digest; an identity is five numbers."""
    path = store_index.index_path(slate.store)
    index = store_index.load(path)
    assert index is not None
    if damage == "racy without digest":
        index.digest = None
        path.write_bytes(index.to_bytes())
    else:
        settle(slate.store)
        header, facts, spans, _ = path.read_bytes().split(b"\n")
        head = json.loads(header)
        head["store"].append(0)
        path.write_bytes(b"\n".join([json.dumps(head).encode(), facts, spans, b""]))
    assert store_index.load(path) is None
    assert not answered_by_index(slate.store, "alpha-film")
    assert "4 Oct 2027" in slate("countdown", "alpha-film", "release").stdout


def test_a_reader_writes_no_index_while_the_store_is_locked(slate: Cli) -> None:
    """The lock's holder is about to replace the store (and sweeps temp files beside it):
    a reader then leaves the index alone, neither a whole read's rebuild nor the settling
    of a racy one a tick after the write."""
    path = store_index.index_path(slate.store)
    racy = path.read_bytes()
    wait_a_tick(slate.store)
    with Store(slate.store).locked():
        assert "4 Oct 2027" in slate("countdown", "alpha-film", "release").stdout
        assert path.read_bytes() == racy
        path.unlink()
        assert "Alpha Film" in slate("status").stdout
        assert not path.exists()
    slate("status")
    assert store_index.load(path) is not None


@pytest.mark.parametrize("where", ["at 0", "past the end", "too short", "not numbers", "two titles", "at the brace"])
def test_spans_out_of_the_store_are_not_believed(slate: Cli, where: str) -> None:
    """Spans that cannot be a title: outside the file, too short, not numbers, two whole
    titles at once (each line check passes; the JSON does not), or one starting at the
    title's brace rather than its line (the JSON would parse: only whole lines count)."""
    expected = outputs(slate, ["alpha-film"])
    settle(slate.store)
    path = store_index.index_path(slate.store)
    index = store_index.load(path)
    assert index is not None
    spans = json.loads(index.spans)
    offset, length = spans["alpha-film"]
    size = os.stat(slate.store).st_size
    beta_offset, beta_length = spans["beta-show"]
    spans["alpha-film"] = {"at 0": [0, length], "past the end": [size - 3, length], "too short": [offset, 5],
                           "not numbers": ["a", length],
                           "two titles": [offset, beta_offset + beta_length - offset],
                           "at the brace": [offset + 4, length - 4]}[where]  # fmt: skip
    index.spans = json.dumps(spans).replace(" ", "").encode()
    path.write_bytes(index.to_bytes())
    assert not answered_by_index(slate.store, "alpha-film")
    assert outputs(slate, ["alpha-film"]) == expected


def test_a_store_changed_while_its_title_is_read_is_read_again(slate: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another writer changes the store between the identity check and the read of the
    title's bytes (made to happen here by doing that change from inside the read): the
    identity checked after the read tells, and the title is not taken from the index."""
    settle(slate.store)
    real_pread = os.pread

    def pread_then_edit(fd: int, length: int, offset: int) -> bytes:
        text = real_pread(fd, length, offset)
        rewrite_in_place(slate.store, b'"date": "2027-10-04"', b'"date": "2027-11-04"')
        return text

    with monkeypatch.context() as patched:
        patched.setattr(store_index.os, "pread", pread_then_edit)
        found = Store(slate.store).read_title("alpha-film")
    assert found is None
    assert "4 Nov 2027" in slate("countdown", "alpha-film", "release").stdout


def test_a_store_from_a_newer_hstrack_warns_on_one_title_commands_too(cli: Cli) -> None:
    """A newer schema is read in full every time (no index is made of it), so every
    command says it was written by a newer hstrack."""
    data = json.loads((Path(__file__).parent / "fixtures" / "schema-99.json").read_text())
    cli.store.parent.mkdir(parents=True, exist_ok=True)
    cli.store.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    title_id = data["titles"][0]["id"]
    for _ in range(2):
        result = cli("show", title_id)
        assert "newer hstrack" in result.stderr
    wait_a_tick(cli.store)
    assert "newer hstrack" in cli("show", title_id).stderr
    assert not store_index.index_path(cli.store).exists()


def test_a_read_of_another_store_does_not_stop_the_index_answering(slate: Cli, tmp_path: Path) -> None:
    """A store whose unknown field holds a float is read on json's exact path, which marks
    the process; a one-title read afterwards (in the same process, as in ``hstrack shell``
    or a library user's loop) is still answered through its own store's index."""
    data = json.loads(slate.store.read_bytes())
    data["titles"][0]["x-rating"] = 0.1
    other = tmp_path / "other.json"
    other.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    settle(slate.store)
    Store(other).read()
    assert answered_by_index(slate.store, "alpha-film")


def test_a_store_emptied_of_titles_still_gets_its_index(cli: Cli) -> None:
    """Removing the last title leaves an empty titles array ("[]"), which locates
    nothing: the write still succeeds and leaves an index, and a title added after is
    found through it."""
    cli("status")
    for title_id in [t["id"] for t in json.loads(cli.store.read_bytes())["titles"]]:
        cli("remove", title_id, "--yes")
    assert json.loads(cli.store.read_bytes())["titles"] == []
    index = store_index.load(store_index.index_path(cli.store))
    assert index is not None
    assert cli("countdown", "nothing-here", code=2).stderr
    cli("add", "Epsilon Film", "--kind", "film")
    assert answered_by_index(cli.store, "epsilon-film")


@pytest.mark.parametrize("change", ["another version", "another format", "a line more"])
def test_an_index_from_another_hstrack_is_not_believed(slate: Cli, change: str) -> None:
    """An index written by another version (or in another format) may mean something
    else by the same fields: it is ignored, and rebuilt by the next whole read."""
    settle(slate.store)
    path = store_index.index_path(slate.store)
    header, facts, spans, _ = path.read_bytes().split(b"\n")
    head = json.loads(header)
    rest = b""
    if change == "another version":
        head["version"] = "0.0.1"
    elif change == "another format":
        head["hstrack-index"] = store_index.FORMAT + 1
    else:
        rest = b"{}\n"
    path.write_bytes(b"\n".join([json.dumps(head).encode(), facts, spans, rest]))
    assert store_index.load(path) is None
    assert not answered_by_index(slate.store, "alpha-film")
    assert "4 Oct 2027" in slate("countdown", "alpha-film", "release").stdout
    assert store_index.load(path) is not None


def test_one_title_reads_leave_no_file_open(slate: Cli) -> None:
    """Through the index as through the whole store: a process that answers many
    commands (hstrack shell) does not run out of descriptors."""
    settle(slate.store)
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        pytest.skip("no /proc/self/fd here")
    before = len(list(fds.iterdir()))
    for _ in range(20):
        assert answered_by_index(slate.store, "beta-show")
        assert Store(slate.store).read_title("no-such-title") is not None
    assert len(list(fds.iterdir())) == before


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_a_store_that_is_no_longer_a_file_is_reported(slate: Cli, kind: str) -> None:
    """The index is still there, the store file is not (a folder or a FIFO in its place):
    a one-title command says so, as any other does, with no traceback."""
    settle(slate.store)
    slate.store.unlink()
    if kind == "folder":
        slate.store.mkdir()
    else:
        os.mkfifo(slate.store)
    assert Store(slate.store).read_title("alpha-film") is None
    result = slate("countdown", "alpha-film", code=1)
    assert not result.stdout
    assert "store.json" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_index_behind_a_symlink_is_not_followed(slate: Cli, tmp_path: Path) -> None:
    """A sidecar beside the store is never read through a symlink (README, "Your data is
    safe"), even one to a copy of the right index."""
    settle(slate.store)
    path = store_index.index_path(slate.store)
    elsewhere = tmp_path / "index-copy"
    elsewhere.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(elsewhere)
    assert store_index.load(path) is None
    assert not answered_by_index(slate.store, "alpha-film")
    assert "4 Oct 2027" in slate("countdown", "alpha-film", "release").stdout


def test_a_one_title_command_through_the_index_follows_the_viewers_region(slate: Cli) -> None:
    """The index says whether the store has releases in places, which is when a viewer's
    region chooses their release: a title read through it is shown for that region."""
    settle(slate.store)
    assert answered_by_index(slate.store, "gamma-film")
    for region, day in (("GB", "1 Mar 2027"), ("US", "1 Apr 2027")):
        shown = slate("countdown", "gamma-film", HSTRACK_REGION=region).stdout
        assert day in shown, (region, shown)


def test_a_store_whose_modification_time_was_set_back_is_indexed_too(slate: Cli) -> None:
    """The identity is five numbers read back as they were written: a store whose
    modification time differs from its change time (touched back, restored from a
    backup) gets an index trusted like any other."""
    hour_ago = os.stat(slate.store).st_mtime_ns - 3600 * 10**9
    os.utime(slate.store, ns=(hour_ago, hour_ago))
    slate("status")
    settle(slate.store)
    assert answered_by_index(slate.store, "alpha-film")


def test_an_id_no_title_can_have_is_not_looked_up(slate: Cli) -> None:
    """An id with a quote could match across two entries of the spans text (here built
    to do so): it is "no such title" at once, never another title's span."""
    settle(slate.store)
    index = store_index.load(store_index.index_path(slate.store))
    assert index is not None
    spans = json.loads(index.spans)
    across = 'alpha-film":[{},{}],"beta-show'.format(*spans["alpha-film"])
    assert index.spans.find(b'"' + across.encode() + b'":[') >= 0
    found = Store(slate.store).read_title(across)
    assert found is not None
    assert found[1] is None


def test_a_store_of_exactly_the_size_limit_is_read_through_its_index(
    slate: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """STORE_LIMIT is the largest store read; one of exactly that size (the limit lowered
    here to the store's size) is still answered through its index."""
    from hstrack.store import files

    settle(slate.store)
    monkeypatch.setattr(files, "STORE_LIMIT", os.stat(slate.store).st_size)
    assert answered_by_index(slate.store, "alpha-film")
