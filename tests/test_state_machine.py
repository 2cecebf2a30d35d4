"""One truth per title (issue 25), tried by a model: random sequences of what people do to
their stores, on two copies and a shared remote, checked after every step.

The commands go through the command line (in-process, as ``hstrack`` runs them): add, set
(sometimes backdated with ``--at``), unset, rename, remove, credit, edit, undo, ``export``
and ``import --merge`` between copies, ``sync`` from a Wikidata answer on the loopback
address, and git's merge driver (``hstrack merge-file``) between a copy and the remote it
pulls from and pushes to. After every step, for every copy (README, "One truth per title"):

- every title has a uid no other title has, and keeps it through renames and merges;
- its history replays to its state (``hstrack.core.model.replay``), and doctor is healthy;
- ``undo`` gives back the bytes before this copy's own last change, or refuses at a change
  from elsewhere (a pull, an import, a sync);
- a merge keeps every title either side has (but one removed on one side and untouched on
  the other), and a merge and a rebase (the sides swapped) give the same store;
- the views agree on next, last and released: ``status --json``, ``countdown``, ``check``,
  ``timeline --json`` and the prompt's segment;
- a date reads the same through ``set``, ``import`` and ``sync``.

CI runs a bounded number of examples (``HSTRACK_MACHINE_EXAMPLES``, default 6); a long run
is documented in the README ("One truth per title").
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from hstrack.cli import app
from hstrack.core.model.reading import document_from_json
from hstrack.core.model.replay import disagreement

from . import source_documents as D

EXAMPLES = int(os.environ.get("HSTRACK_MACHINE_EXAMPLES", "6"))
STEPS = int(os.environ.get("HSTRACK_MACHINE_STEPS", "25"))
START = datetime(2026, 6, 1, 12, tzinfo=UTC)
IDS = ["dune", "dune-2021", "narnia", "shrek-5"]
KEYS = ["release", "trailer", "release@GB:theatrical", "release:digital", "premiere"]
DATES = ["2027", "Q3 2027", "2027-08", "2027-08-05", "TBA", "autumn 2027?", "2026-10-03T07:00Z",
         "2026-10-03T00:00-07:00", "2027-02-14"]  # fmt: skip
NAMES = ["Mike Myers", "Eddie Murphy", "Cameron Diaz"]
COPIES = ("a", "b")

SERVER = HTTPServer(host="127.0.0.1")


@pytest.fixture(scope="module", autouse=True)
def wikidata() -> Any:
    """Wikidata's answer for the film, on the loopback address, for every machine run."""
    import logging

    logging.getLogger("werkzeug").disabled = True  # its request log would land in a command's stderr
    SERVER.start()
    SERVER.expect_request("/w/api.php").respond_with_handler(_answer)
    yield
    SERVER.clear()
    SERVER.stop()


def _answer(request: Any) -> Any:
    from werkzeug import Response

    ids = request.args.get("ids", "")
    found = {qid: (D.film_entity() if qid == D.FILM else D.places().get(qid)) for qid in ids.split("|") if qid}
    return Response(json.dumps(D.entities_answer(found)), content_type="application/json")


def _difference(one: Any, other: Any, where: str = "") -> str:
    """Where two JSON values first differ, for a failure's message."""
    if isinstance(one, dict) and isinstance(other, dict):
        for key in sorted(set(one) | set(other)):
            if one.get(key) != other.get(key):
                return _difference(one.get(key), other.get(key), f"{where}.{key}")
    if isinstance(one, list) and isinstance(other, list) and len(one) == len(other):
        for i, (a, b) in enumerate(zip(one, other, strict=True)):
            if a != b:
                return _difference(a, b, f"{where}[{i}]")
    return f"{where}: {json.dumps(one)[:300]} != {json.dumps(other)[:300]}"


class Stores(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="hstrack-machine-"))
        self.runner = CliRunner()
        self.clock = START
        self.uids: dict[str, str] = {}  # every uid ever seen -> the id it had then (never re-used)
        # Per copy: the bytes before each of its own changes since the last one from
        # elsewhere, which undo must give back in turn.
        self.undoable: dict[str, list[bytes]] = {c: [] for c in COPIES}
        self.synced: dict[str, bytes | None] = {c: None for c in COPIES}  # the remote as last pulled
        self.remote: bytes | None = None

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    # ------------------------------------------------------------------ running hstrack

    def store(self, copy: str) -> Path:
        return self.root / copy / "store.json"

    def hs(self, copy: str, *args: str, at: datetime | None = None, code: int | None = 0) -> Any:
        self.clock += timedelta(minutes=7)
        env = {
            "HSTRACK_HOME": str(self.root / copy),
            "HSTRACK_NOW": (at or self.clock).isoformat(),
            "TZ": "Europe/London",
            "NO_COLOR": "1",
            "HSTRACK_REGION": "GB",
            "HSTRACK_WIKIDATA_URL": SERVER.url_for("/").rstrip("/"),
            "HSTRACK_CONTACT": "machine@example.org",
        }
        result = self.runner.invoke(app, list(args), env=env, prog_name="hstrack")
        assert "Traceback" not in (result.stderr or ""), result.stderr
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        if code is not None:
            assert result.exit_code == code, (args, result.exit_code, result.stdout, result.stderr)
        return result

    def raw(self, copy: str) -> bytes:
        return self.store(copy).read_bytes()

    def doc(self, copy: str) -> Any:
        return document_from_json(json.loads(self.raw(copy)))

    def own(self, copy: str, *args: str, at: datetime | None = None) -> Any:
        """One of this copy's own changes: undo can take it back."""
        before = self.raw(copy)
        result = self.hs(copy, *args, at=at, code=None)
        assert result.exit_code in (0, 1, 2), result.stderr
        if self.raw(copy) != before:
            self.undoable[copy].append(before)
        return result

    def elsewhere(self, copy: str) -> None:
        """The store now holds facts from elsewhere: undo stops here."""
        self.undoable[copy] = []

    # ------------------------------------------------------------------ the rules

    @initialize()
    def start(self) -> None:
        for copy in COPIES:
            self.hs(copy, "status")  # each copy starts from the seed
        self.remote = self.raw("a")
        for copy in COPIES:
            shutil.copy(self.store("a"), self.store(copy)) if copy != "a" else None
            self.synced[copy] = self.remote
        for title in self.doc("a").titles.values():
            self.uids[title.uid] = title.id

    def _some_id(self, copy: str, data: st.DataObject) -> str:
        ids = sorted(self.doc(copy).titles) + IDS
        return str(data.draw(st.sampled_from(ids)))

    @rule(copy=st.sampled_from(COPIES), title=st.sampled_from(IDS))
    def add(self, copy: str, title: str) -> None:
        if self.own(copy, "add", title.replace("-", " ").title(), "--id", title, "--kind", "film").exit_code == 0:
            self.uids[self.doc(copy).titles[title].uid] = title

    @rule(copy=st.sampled_from(COPIES), data=st.data(), key=st.sampled_from(KEYS), date=st.sampled_from(DATES),
          back=st.sampled_from([0, 0, 0, 3, 40]))  # fmt: skip
    def set(self, copy: str, data: st.DataObject, key: str, date: str, back: int) -> None:
        title = self._some_id(copy, data)
        at = self.clock - timedelta(days=back) if back else None
        self.own(copy, "set", title, key, date, at=at)

    @rule(copy=st.sampled_from(COPIES), data=st.data(), key=st.sampled_from(KEYS), back=st.sampled_from([0, 0, 2]))
    def unset(self, copy: str, data: st.DataObject, key: str, back: int) -> None:
        at = self.clock - timedelta(days=back) if back else None
        self.own(copy, "unset", self._some_id(copy, data), key, at=at)

    @rule(copy=st.sampled_from(COPIES), data=st.data(), new=st.sampled_from(IDS))
    def rename(self, copy: str, data: st.DataObject, new: str) -> None:
        old = self._some_id(copy, data)
        before = self.doc(copy).titles.get(old)
        if self.own(copy, "rename", old, new).exit_code == 0:
            assert before is not None
            assert self.doc(copy).titles[new].uid == before.uid  # a rename keeps the identity

    @rule(copy=st.sampled_from(COPIES), data=st.data())
    def remove(self, copy: str, data: st.DataObject) -> None:
        self.own(copy, "remove", self._some_id(copy, data), "--yes")

    @rule(copy=st.sampled_from(COPIES), data=st.data(), name=st.sampled_from(NAMES),
          how=st.sampled_from(["", "--remove"]))  # fmt: skip
    def credit(self, copy: str, data: st.DataObject, name: str, how: str) -> None:
        self.own(copy, "credit", self._some_id(copy, data), "Cast", name, *([how] if how else []))

    @rule(copy=st.sampled_from(COPIES), data=st.data(), platform=st.sampled_from(["Netflix", "BBC", ""]))
    def edit(self, copy: str, data: st.DataObject, platform: str) -> None:
        self.own(copy, "edit", self._some_id(copy, data), "--platform", platform)

    @rule(copy=st.sampled_from(COPIES))
    def undo(self, copy: str) -> None:
        before = self.raw(copy)
        result = self.hs(copy, "undo", code=None)
        if not self.undoable[copy]:
            assert result.exit_code == 1, result.stdout  # nothing of its own to take back: it refuses
            assert self.raw(copy) == before
            return
        assert result.exit_code == 0, result.stderr
        assert self.raw(copy) == self.undoable[copy].pop()  # exactly the bytes before that change

    @rule(source=st.sampled_from(COPIES), into=st.sampled_from(COPIES))
    def import_merge(self, source: str, into: str) -> None:
        if source == into:
            return
        export = self.root / f"export-{source}.json"
        self.hs(source, "export", "-o", str(export))
        before = self.doc(into)
        theirs = self.doc(source)
        raw = self.raw(into)
        self.hs(into, "import", "--merge", str(export))
        after = self.doc(into).by_uid()
        assert set(before.by_uid()) | set(theirs.by_uid()) == set(after)  # an import never deletes
        for title in theirs.titles.values():  # a date reads the same through import
            for key, m in title.milestones.items():
                mine = before.by_uid().get(title.uid)
                if mine is not None and key in mine.milestones:
                    continue
                if key not in after[title.uid].milestones:  # only a removal here keeps theirs out
                    assert mine is not None, key
                    assert any(c.milestone == key and c.new is None for c in mine.history), key
                    continue
                assert after[title.uid].milestones[key].date.canonical == m.date.canonical
        if self.raw(into) != raw:  # an import that brings nothing is no change: undo goes past it
            self.elsewhere(into)

    @rule(copy=st.sampled_from(COPIES), data=st.data())
    def sync(self, copy: str, data: st.DataObject) -> None:
        title = self._some_id(copy, data)
        doc = self.doc(copy)
        if title not in doc.titles:
            return
        if (
            f"wikidata:{D.FILM}" not in doc.titles[title].links
            and self.own(copy, "link", title, f"wikidata:{D.FILM}").exit_code != 0
        ):
            return
        raw = self.raw(copy)
        result = self.hs(copy, "sync", title, code=None)
        assert result.exit_code in (0, 1), result.stderr
        if self.raw(copy) != raw:  # what the sync brought is from elsewhere; a sync that brings nothing is no change
            self.elsewhere(copy)

    @rule(copy=st.sampled_from(COPIES))
    def pull_and_push(self, copy: str) -> None:
        """git pull (three-way merge through hstrack's driver), then git push."""
        assert self.remote is not None
        base, theirs = self.synced[copy], self.remote
        assert base is not None
        if theirs != base and theirs != self.raw(copy):
            files = {name: self.root / f"{copy}-{name}.json" for name in ("base", "ours", "theirs", "swapped")}
            files["base"].write_bytes(base)
            files["ours"].write_bytes(self.raw(copy))
            files["theirs"].write_bytes(theirs)
            files["swapped"].write_bytes(theirs)
            ours_doc = self.doc(copy)
            merged = self.hs(copy, "merge-file", *(str(files[n]) for n in ("base", "ours", "theirs")), code=None)
            assert merged.exit_code in (0, 1), merged.stderr
            rebased = self.hs(copy, "merge-file", str(files["base"]), str(files["swapped"]), str(self.store(copy)),
                              code=None)  # fmt: skip
            one = json.loads(files["ours"].read_bytes())
            other = json.loads(files["swapped"].read_bytes())
            assert merged.exit_code == rebased.exit_code
            assert one == other, _difference(one, other)  # a merge and a rebase give the same store
            result = document_from_json(one).by_uid()
            common = document_from_json(json.loads(base)).by_uid()
            for side in (ours_doc, document_from_json(json.loads(theirs))):
                for uid, title in side.by_uid().items():
                    untouched = uid in common and json.dumps(title.to_json(), sort_keys=True) == json.dumps(
                        common[uid].to_json(), sort_keys=True
                    )
                    if not untouched:
                        assert uid in result, (uid, title.id)  # a merge keeps what either side changed or added
            self.store(copy).write_bytes(files["ours"].read_bytes())
            self.elsewhere(copy)
        elif theirs != base:  # a fast-forward
            self.store(copy).write_bytes(theirs)
            self.elsewhere(copy)
        self.remote = self.synced[copy] = self.raw(copy)

    # ------------------------------------------------------------------ what must always hold

    @invariant()
    def one_truth_per_title(self) -> None:
        for copy in COPIES:
            if not self.store(copy).exists():
                continue
            doc = self.doc(copy)
            uids = [t.uid for t in doc.titles.values()]
            assert len(uids) == len(set(uids))
            for title in doc.titles.values():
                assert title.uid in self.uids, title.id  # no uid is invented
                assert disagreement(title) is None, (copy, title.id, disagreement(title))

    @precondition(lambda self: self.store("a").exists())
    @invariant()
    def views_agree(self) -> None:
        copy = "a" if self.clock.minute % 2 else "b"
        status = json.loads(self.hs(copy, "status", "--json").stdout)
        doctor = self.hs(copy, "doctor", code=None)
        assert doctor.exit_code == 0, doctor.stdout
        assert "does not explain" not in doctor.stdout, doctor.stdout
        turn = (self.clock - START) // timedelta(minutes=7)
        for title in status["titles"][turn % max(1, len(status["titles"])) :][:1]:
            nxt, last = title["next"], title["last"]
            countdown = json.loads(self.hs(copy, "countdown", title["id"], "--json").stdout)
            assert (countdown["milestone"] or {}).get("key") == (nxt or {}).get("key"), (title["id"], countdown)
            released = self.hs(copy, "check", title["id"], "--released", code=None).exit_code
            assert (released == 0) == (title["phase"] == "released"), title
            shown = json.loads(self.hs(copy, "show", title["id"], "--json").stdout)["title"]
            assert (shown["next"] or {}).get("key") == (nxt or {}).get("key")
            assert (shown["last"] or {}).get("key") == (last or {}).get("key")
            assert shown["uid"] == title["uid"]


Stores.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)


@pytest.mark.usefixtures("wikidata")
class TestOneTruth(Stores.TestCase):  # type: ignore[misc,valid-type]
    pass
