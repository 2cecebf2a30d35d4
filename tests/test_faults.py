"""Kept versions are only states the store held: a real writer is killed (SIGKILL, by strace's
fault injection) at every write, fsync, rename, chmod and unlink of a change and of an
undo, then the whole undo chain is walked and the store is damaged and restored. Every
state offered must be one the store really had."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hstrack.core.errors import HstrackError
from hstrack.store.store import Store

from .conftest import need
from .test_process import SCRIPT

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)
SYSCALLS = ("write", "fsync", "rename", "chmod", "unlink")


def env(home: Path) -> dict[str, str]:
    return {"PATH": os.environ["PATH"], "HSTRACK_HOME": str(home), "HSTRACK_NOW": "2026-11-27T12:00:00+00:00",
            "TZ": "Europe/London", "LANG": "C.UTF-8"}  # fmt: skip


def hstrack(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT), *args], env=env(home), capture_output=True, text=True, timeout=60, check=False)


def counts(strace: str, home: Path, *args: str) -> dict[str, int]:
    """How many times each syscall of interest runs in one uninterrupted command."""
    log = home.parent / "trace.log"
    subprocess.run([strace, "-f", "-o", str(log), "-e", "trace=" + ",".join(SYSCALLS), str(SCRIPT), *args],
                   env=env(home), capture_output=True, timeout=60, check=True)  # fmt: skip
    found = dict.fromkeys(SYSCALLS, 0)
    for line in log.read_text().splitlines():
        name = line.split(None, 1)[1].split("(", 1)[0] if " " in line else ""
        if name in found:
            found[name] += 1
    return found


def killed(strace: str, home: Path, syscall: str, nth: int, *args: str) -> int:
    result = subprocess.run(
        [strace, "-f", "-o", "/dev/null", "-e", f"trace={syscall}", "-e", f"inject={syscall}:signal=KILL:when={nth}",
         str(SCRIPT), *args],
        env=env(home), capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    return result.returncode


@pytest.fixture(scope="module")
def strace() -> str:
    return need("strace")


@pytest.fixture
def template(tmp_path: Path) -> tuple[Path, list[bytes]]:
    """A store with some history, and every state it held (as the bytes of the file)."""
    home = tmp_path / "template"
    home.mkdir()
    (home / "store.json").write_text('{"schema": 1, "titles": []}\n')
    held = [(home / "store.json").read_bytes()]
    for args in (("add", "Film", "--id", "film"), ("set", "film", "release", "2027"),
                 ("set", "film", "trailer", "2026-12")):  # fmt: skip
        assert hstrack(home, *args).returncode == 0
        held.append((home / "store.json").read_bytes())
    return home, held


def walk(home: Path, held: list[bytes]) -> list[bytes]:
    """Undo until it refuses, checking each state on the way is one the store held."""
    store = Store(home / "store.json")
    seen = []
    for _ in range(15):
        try:
            store.undo(NOW)
        except HstrackError:
            break
        state = store.path.read_bytes()
        assert state in held, "undo offered a state the store never held"
        seen.append(state)
    return seen


def settled(home: Path) -> bool:
    """No version is left pending or undoing by the kill."""
    return all(
        "state" not in json.loads(meta.read_text()) for meta in (home / "store.json.backups").glob("*.meta.json")
    )


def check_restore(home: Path, held: list[bytes], expected: bytes | None) -> None:
    damaged = home.parent / f"{home.name}-damaged"
    shutil.copytree(home, damaged)
    (damaged / "store.json").write_bytes(b'{"schema": 1, "tit')
    result = hstrack(damaged, "doctor", "--restore")
    assert result.returncode == 0, result.stderr
    restored = (damaged / "store.json").read_bytes()
    assert restored in held, "doctor --restore put back a state the store never held"
    if expected is not None:
        assert restored == expected
    shutil.rmtree(damaged)


@pytest.mark.parametrize("command", ["set", "undo"])
def test_a_writer_killed_at_any_step_leaves_only_states_the_store_held(
    strace: str, template: tuple[Path, list[bytes]], tmp_path: Path, command: str
) -> None:
    source, held_before = template
    args = ("set", "film", "release", "2028-03-01") if command == "set" else ("undo",)
    probe = tmp_path / "probe"
    shutil.copytree(source, probe)
    steps = counts(strace, probe, *args)
    assert steps["rename"] >= 3, steps  # the probe saw the write happen
    assert steps["fsync"] >= 3, steps
    intended = (probe / "store.json").read_bytes()
    tried = 0
    for syscall, total in steps.items():
        for nth in range(1, total + 1):
            home = tmp_path / f"{syscall}-{nth}"
            shutil.copytree(source, home)
            code = killed(strace, home, syscall, nth, *args)
            tried += 1
            state = (home / "store.json").read_bytes()
            # the store holds the state before the change or after it, nothing else
            assert state in (held_before[-1], intended), (syscall, nth, code)
            held = [*held_before, intended] if state == intended else list(held_before)
            if command == "undo":
                held = list(held_before)  # an undo only ever goes back to a state already held
            # What doctor offers after damage is a state the store held: the last one, unless
            # the kill fell in the instant between replacing the store and recording that it
            # did (then it cannot be told from the damaged store, and the one before is used).
            check_restore(home, held, state if settled(home) else None)
            # the next change and the whole undo chain see only held states
            assert hstrack(home, "set", "film", "production-start", "2026-01-05").returncode == 0
            held.append((home / "store.json").read_bytes())
            walk(home, held)
            doctor = json.loads(hstrack(home, "doctor", "--json").stdout)
            assert doctor["healthy"], doctor
            shutil.rmtree(home)
    assert tried >= 15


def _digest(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def test_a_pending_version_the_store_never_held_is_never_offered(template: tuple[Path, list[bytes]]) -> None:
    """The exact case the issue found: the new version saved, the store not replaced."""
    home, held = template
    store = Store(home / "store.json")
    orphan = held[-1].replace(b'"2026-12"', b'"2031-01"')
    store.kept.keep(orphan, "set film trailer 2031-01", NOW, state="pending")
    assert hstrack(home, "set", "film", "release", "2029").returncode == 0
    held.append((home / "store.json").read_bytes())
    seen = walk(home, held)
    assert orphan not in seen
    assert seen == list(reversed(held[:-1]))  # back through every state, in order


def test_a_backup_without_its_record_is_still_a_good_backup(template: tuple[Path, list[bytes]]) -> None:
    home, held = template
    backups = home / "store.json.backups"
    for meta in backups.glob("*.meta.json"):
        meta.unlink()
    (home / "store.json").write_bytes(b"\x00" * 10)
    doctor = hstrack(home, "doctor")
    assert "whose record is missing" in doctor.stdout
    restored = hstrack(home, "doctor", "--restore")
    assert restored.returncode == 0, restored.stderr
    assert (home / "store.json").read_bytes() == held[-1]


def test_undo_and_restore_refuse_a_newer_schema(template: tuple[Path, list[bytes]]) -> None:
    home, _ = template
    store_file = home / "store.json"
    data = json.loads(store_file.read_text())
    data["schema"] = 99
    store_file.write_text(json.dumps(data, indent=2) + "\n")
    before = store_file.read_bytes()
    result = hstrack(home, "undo")
    assert result.returncode == 1
    assert "newer hstrack" in result.stderr
    assert store_file.read_bytes() == before
    backups = sorted((home / "store.json.backups").glob("*.meta.json"))
    assert len(backups) == 4  # nothing deleted
    # a damaged store whose newest good backup is newer is not rolled back to an older one
    newest = sorted((home / "store.json.backups").glob("[0-9]*[0-9].json"))[-1]
    newer = json.loads(newest.read_text())
    newer["schema"] = 99
    newest.write_text(json.dumps(newer))
    meta = newest.with_name(newest.stem + ".meta.json")
    record = json.loads(meta.read_text())
    record["sha256"] = _digest(newest.read_bytes())
    meta.write_text(json.dumps(record))
    store_file.write_bytes(b"{")
    refused = hstrack(home, "doctor", "--restore")
    assert refused.returncode == 1
    assert "newer hstrack" in refused.stderr
    assert store_file.read_bytes() == b"{"
