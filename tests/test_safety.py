"""Data safety with real processes: concurrent writers, SIGKILL mid-write, readers during
writes, full and read-only disks (real kernel errors in a mount namespace), damaged stores
and `doctor --restore`, hostile stored text, and the write lock."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hstrack.core.dates.grammar import parse_date
from hstrack.core.model.document import Document
from hstrack.core.model.milestone import Milestone
from hstrack.core.model.title import Title
from hstrack.core.tracker import set_milestone
from hstrack.store.codec import dumps
from hstrack.store.store import Store

WORKERS = Path(__file__).with_name("workers.py")
NOW = "2026-11-27T12:00:00+00:00"
NOW_DT = datetime.fromisoformat(NOW).astimezone(ZoneInfo("Europe/London"))
# Raw control bytes a terminal would obey: C0 but newline, DEL, and C1 as UTF-8.
RAW_CONTROL = re.compile(rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")


def environment(home: Path, **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "HSTRACK_HOME": str(home),
        "HSTRACK_NOW": NOW,
        "TZ": "Europe/London",
        "LANG": "C.UTF-8",
        "HSTRACK_LOCK_TIMEOUT": "120",
        **extra,
    }


def hstrack(home: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "hstrack", *args],
        capture_output=True,
        env=environment(home, **extra),
        timeout=120,
        check=False,
    )


def worker(home: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, str(WORKERS), *args], env=environment(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def temp_files(home: Path) -> list[str]:
    return [str(p.relative_to(home)) for p in home.rglob("*.tmp")]


# ---------------------------------------------------------------------------- 1 and 3


def test_eight_writers_at_once_lose_nothing_while_a_reader_never_sees_a_torn_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert hstrack(home, "status").returncode == 0
    report = tmp_path / "reader.json"
    reader = worker(home, "reader", str(home / "store.json"), "120", str(report))
    writers = [worker(home, "writer", str(n), "25") for n in range(8)]
    for w in writers:
        _, err = w.communicate(timeout=180)
        assert w.returncode == 0, err.decode()
    (tmp_path / "reader.json.stop").touch()
    reader.communicate(timeout=60)
    seen = json.loads(report.read_text())
    assert seen["errors"] == []
    assert seen["reads"] > 10  # it really was reading while the writers ran

    doc = Store(home / "store.json").read()
    for n in range(8):
        for i in range(0, 25, 2):
            title = doc.titles[f"w{n}-t{i}"]
            if i + 1 < 25:
                assert title.milestones["release"].date.canonical == f"{2030 + n}-{((i + 1) % 12) + 1:02d}-15"
    assert len(doc.titles) == 2 + 8 * 13
    assert temp_files(home) == []


# ---------------------------------------------------------------------------- 2


def big_store(home: Path, titles: int = 2500) -> Document:
    precisions = [
        "TBA",
        "2027",
        "H2 2027",
        "Q3 2027",
        "autumn 2027",
        "2027-10",
        "2027-10-03",
        "2027-10-03 08:00 Europe/London",
    ]
    doc = Document()
    for n in range(titles):
        t = Title(
            id=f"title-{n:05d}",
            name=f"Synthetic title number {n} with a reasonably long name",
            kind="film",
            platform="Netflix",
            synopsis="A synopsis of some length. " * 4,
        )
        for j, kind in enumerate(("announced", "production-start", "production-end", "trailer", "release")):
            t.milestones[kind] = Milestone(
                kind, parse_date(precisions[(n + j) % len(precisions)]), source=f"https://example.org/{n}/{kind}"
            )
        doc.titles[t.id] = t
    doc.titles["counter"] = Title(
        id="counter", name="Counter", kind="film", milestones={"release": Milestone("release", parse_date("TBA"))}
    )
    store = Store(home / "store.json")
    store.ensure(lambda _now: doc, NOW_DT)
    return store.read()


def counter_value(doc: Document) -> int:
    spec = doc.titles["counter"].milestones["release"].date
    return 0 if spec.earliest is None else (spec.earliest - date(2030, 1, 1)).days + 1


def kill_mid_write(proc: subprocess.Popen[bytes], home: Path, nth: int, limit: float = 20.0) -> bool:
    """SIGKILL the writer as soon as its nth temp file appears; True if one was caught."""
    seen: set[str] = set()
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        for folder in (home, home / "store.json.backups"):
            try:
                names = os.listdir(folder)
            except OSError:
                continue
            seen.update(n for n in names if n.endswith(".tmp"))
        if len(seen) >= nth:
            proc.send_signal(signal.SIGKILL)
            return True
    proc.send_signal(signal.SIGKILL)
    return False


def test_writer_killed_at_random_moments_leaves_before_or_after(tmp_path: Path) -> None:
    """30 kills of a writer changing a 3 MB store: half at a random time, half the moment a
    temp file shows it is mid-write (a random time alone lands there only ~2% of the time)."""
    home = tmp_path / "home"
    expected = big_store(home)
    store_file = home / "store.json"
    assert store_file.stat().st_size > 2_000_000  # "a store of several MB"
    rng = random.Random(20261127)
    applied = 0
    left_temp_files = 0
    for attempt in range(30):
        proc = worker(home, "counter", str(applied), str(applied + 10_000))
        if attempt % 2:
            kill_mid_write(proc, home, nth=rng.choice((1, 2, 3, 4)))
        else:
            time.sleep(rng.uniform(0.3, 1.2))
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        left_temp_files += bool(temp_files(home))
        raw = store_file.read_bytes()
        doc = Store(store_file).read()  # always parses
        reached = counter_value(doc)
        assert reached >= applied
        for k in range(applied, reached):
            set_milestone(expected, "counter", "release", (date(2030, 1, 1) + timedelta(days=k)).isoformat(), NOW_DT)
        assert raw == dumps(expected), "the store is neither the state before nor after a change"
        applied = reached
    assert applied >= 5, "the writer never got a change in: the test proved nothing"
    assert left_temp_files >= 3, "no kill landed mid-write: the test proved nothing"
    # A later write cleans up whatever the killed writers left, and undo still works.
    proc = worker(home, "counter", str(applied), str(applied + 1))
    assert proc.wait(timeout=60) == 0
    assert temp_files(home) == []
    assert hstrack(home, "undo").returncode == 0


# ---------------------------------------------------------------------------- 4


def in_namespace(script: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a shell script as root of a new user and mount namespace (no real root needed)."""
    if shutil.which("unshare") is None:
        if os.environ.get("CI"):
            pytest.fail("unshare is missing; CI must be able to make a mount namespace")
        pytest.skip("unshare is not available to make a mount namespace")
    full_env = {**environment(Path(env.pop("HOME_DIR", "/nonexistent"))), **env}
    return subprocess.run(
        ["unshare", "-rm", "bash", "-c", script], capture_output=True, text=True, env=full_env, timeout=120, check=False
    )


def seeded_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    assert hstrack(home, "status").returncode == 0
    assert hstrack(home, "set", "heartstopper-film", "release", "autumn 2027").returncode == 0
    return home


def test_disk_full_keeps_the_store_and_leaves_no_temp_file(tmp_path: Path) -> None:
    home = seeded_home(tmp_path)
    disk = tmp_path / "disk"
    disk.mkdir()
    script = f"""
        set -u
        mount -t tmpfs -o size=128k tmpfs {disk} || exit 99
        cp -a {home}/. {disk}/
        sha_before=$(sha256sum {disk}/store.json)
        dd if=/dev/zero of={disk}/filler bs=4k >/dev/null 2>&1
        {sys.executable} -m hstrack --store {disk}/store.json set heartstopper-film release 2028-01-05 2>{disk}/../err
        echo "rc=$?"
        echo "err=$(cat {disk}/../err)"
        [ "$sha_before" = "$(sha256sum {disk}/store.json)" ] && echo same-bytes
        find {disk} -name '*.tmp' | sed 's/^/temp=/'
        rm {disk}/filler
        {sys.executable} -m hstrack --store {disk}/store.json set heartstopper-film release 2028-01-05 && echo recovered
    """
    result = in_namespace(script)
    if result.returncode == 99:
        pytest.skip("tmpfs cannot be mounted here")
    out = result.stdout
    assert "rc=1" in out, out + result.stderr
    assert "No space left on device" in out
    assert out.count("nothing was changed") == 1  # said once
    assert "same-bytes" in out
    assert "temp=" not in out
    assert "recovered" in out


def test_read_only_folder_keeps_the_store_and_still_reads(tmp_path: Path) -> None:
    home = seeded_home(tmp_path)
    before = (home / "store.json").read_bytes()
    script = f"""
        mount --bind {home} {home} && mount -o remount,bind,ro {home} || exit 99
        {sys.executable} -m hstrack set heartstopper-film release 2028-01-05; echo "set-rc=$?"
        {sys.executable} -m hstrack status --json >/dev/null; echo "status-rc=$?"
    """
    result = in_namespace(script, HOME_DIR=str(home))
    if result.returncode == 99:
        pytest.skip("a read-only bind mount cannot be made here")
    assert "set-rc=1" in result.stdout, result.stdout + result.stderr
    assert "status-rc=0" in result.stdout, result.stdout + result.stderr
    assert "Read-only file system" in result.stderr
    assert result.stderr.count("nothing was changed") == 1
    assert "Traceback" not in result.stderr
    assert (home / "store.json").read_bytes() == before
    assert temp_files(home) == []


# ---------------------------------------------------------------------------- 5


DAMAGE = {
    "empty": lambda good: b"",
    "truncated": lambda good: good[: len(good) // 2],
    "nul-bytes": lambda good: b"\x00" * len(good),
    "not-utf8": lambda good: b"\xff\xfe" + good,
    "not-json": lambda good: b"{ this is not json",
    "wrong-shape-list": lambda good: b"[1, 2, 3]\n",
    "wrong-shape-titles": lambda good: b'{"schema": 1, "titles": {"heartstopper-film": {}}}\n',
    "bad-date": lambda good: good.replace(b'"autumn 2027"', b'"whenever"'),
}


@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_damaged_store_exit_1_untouched_and_doctor_restores(tmp_path: Path, case: str) -> None:
    home = seeded_home(tmp_path)
    store_file = home / "store.json"
    good = store_file.read_bytes()
    damaged = DAMAGE[case](good)
    store_file.write_bytes(damaged)
    for args in (
        ("status",),
        ("status", "--json"),
        ("show", "heartstopper-film"),
        ("set", "heartstopper-film", "release", "2028"),
        ("undo",),
    ):
        result = hstrack(home, *args)
        assert result.returncode == 1, (args, result.stderr)
        lines = result.stderr.decode().splitlines()
        assert len(lines) == 1, lines
        assert str(store_file) in lines[0]
        assert "hstrack doctor" in lines[0]
        assert result.stdout == b""
        assert store_file.read_bytes() == damaged
    check = hstrack(home, "doctor")
    assert check.returncode == 1
    assert b"error:" in check.stdout
    assert store_file.read_bytes() == damaged
    restore = hstrack(home, "doctor", "--restore")
    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert store_file.read_bytes() == good  # the last good state
    kept = list(home.glob("store.json.damaged-*"))
    assert len(kept) == 1
    assert kept[0].read_bytes() == damaged
    assert hstrack(home, "status").returncode == 0
    again = hstrack(home, "doctor", "--restore")
    assert again.returncode == 0
    assert b"nothing to restore" in again.stderr


def test_doctor_json_on_a_healthy_store(tmp_path: Path) -> None:
    home = seeded_home(tmp_path)
    result = hstrack(home, "doctor", "--json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["healthy"] is True
    assert data["restored"] is None
    assert {f["level"] for f in data["findings"]} <= {"ok", "warning"}


# ---------------------------------------------------------------------------- 6


HOSTILE = [
    "osc52 \x1b]52;c;ZXZpbA==\x07",
    "osc8 \x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "clear \x1b[2J\x1b[H",
    "c1 csi \x9b2J",
    "bel \x07 del \x7f nul \x00",
    "lone cr\rover",
    "[link=file:///etc/passwd]x[/link]",
    "[blink]blink[/blink] [/bad] [bold",
    "bidi \u202egnp.exe",
]


FIELDS = ("name", "label", "platform", "synopsis", "notes", "credit role", "credited name", "source", "note",
          "history milestone", "history source")  # fmt: skip


def hostile_title(i: int, nasty: str, field: str) -> dict[str, object]:
    """A title with ``nasty`` in one field, everything else ordinary."""
    title: dict[str, object] = {"id": f"hostile-{i}", "name": "Fine", "kind": "film", "credits": {},
                                "milestones": [{"kind": "release", "date": "2027-10-03"}], "history": []}  # fmt: skip
    if field in ("name", "label", "platform", "synopsis", "notes"):
        title[field] = nasty
    elif field == "credit role":
        title["credits"] = {nasty: ["X"]}
    elif field == "credited name":
        title["credits"] = {"Cast": [nasty]}
    elif field in ("source", "note"):
        title["milestones"] = [{"kind": "release", "date": "2027-10-03", field: nasty}]
    elif field == "history milestone":
        title["history"] = [{"recorded": NOW, "milestone": nasty, "old": None, "new": {"date": "2027"}}]
    else:
        title["history"] = [{"recorded": NOW, "milestone": "release", "old": None,
                             "new": {"date": "2027", "source": nasty}}]  # fmt: skip
    return title


@pytest.mark.parametrize("field", FIELDS)
def test_control_characters_in_a_stored_field_are_refused_with_the_record_named(tmp_path: Path, field: str) -> None:
    """A store (hand-edited, pulled from git) is held to the rules of typed input: a field
    with a control character is refused, every command says which, and nothing raw
    reaches the terminal on the way."""
    home = seeded_home(tmp_path)
    store_file = home / "store.json"
    data = json.loads(store_file.read_text())
    controls = [h for h in HOSTILE if RAW_CONTROL.search(h.encode()) or "\u202e" in h]
    for i, nasty in enumerate(controls):
        data["titles"].append(hostile_title(i, nasty, field))
        store_file.write_text(json.dumps(data))
        before = store_file.read_bytes()
        for args in (("status",), ("status", "--json"), ("set", "heartstopper-film", "trailer", "2027"),
                     ("doctor",)):  # fmt: skip
            result = hstrack(home, *args)
            assert result.returncode == 1, (field, nasty, args)
            assert RAW_CONTROL.search(result.stdout + result.stderr) is None, (field, nasty, args)
            message = (result.stderr if args[0] != "doctor" else result.stdout).decode()
            assert f"hostile-{i}" in message, (field, message)
            assert store_file.read_bytes() == before
        data["titles"].pop()
    # An import is refused the same way, and nothing is written.
    data["titles"].append(hostile_title(0, HOSTILE[0], field))
    (tmp_path / "in.json").write_text(json.dumps(data))
    result = hstrack(home, "import", str(tmp_path / "in.json"))
    assert result.returncode == 2
    assert b"hostile-0" in result.stderr
    assert RAW_CONTROL.search(result.stderr) is None


def test_markup_and_shell_text_in_a_store_prints_literally(tmp_path: Path) -> None:
    """What is allowed in a field but means something to Rich or a shell stays text."""
    home = seeded_home(tmp_path)
    store_file = home / "store.json"
    data = json.loads(store_file.read_text())
    literal = [h for h in HOSTILE if not (RAW_CONTROL.search(h.encode()) or "\u202e" in h)]
    every = " | ".join(literal)
    data["titles"].append({"id": "marked", "name": every[:200], "kind": "film", "platform": every,
                           "synopsis": every, "notes": every, "credits": {"Cast": [every[:200]]},
                           "milestones": [{"kind": "release", "date": "2027-10-03", "source": every,
                                           "note": every}]})  # fmt: skip
    store_file.write_text(json.dumps(data))
    for args in (("status",), ("show", "marked"), ("timeline", "marked"), ("countdown", "marked")):
        for columns in ("120", "40"):
            result = hstrack(home, *args, COLUMNS=columns)
            assert result.returncode == 0, (args, result.stderr)
            assert RAW_CONTROL.search(result.stdout) is None, (args, result.stdout)
    shown = hstrack(home, "show", "marked", COLUMNS="400").stdout.decode()
    assert "[link=file:///etc/passwd]x[/link]" in shown
    assert "[blink]blink[/blink] [/bad] [bold" in shown


def test_every_view_shows_control_characters_inert_whatever_validation_let_through() -> None:
    """Defence in depth: a document built in memory, past every validation, with control
    characters in every field, rendered by every view and export: nothing raw comes out."""
    import io

    from rich.console import Console

    from hstrack.core.model.document import Document
    from hstrack.core.model.history import Change
    from hstrack.core.model.milestone import Milestone
    from hstrack.core.model.title import Title
    from hstrack.core.report.history import history
    from hstrack.core.report.rows import countdown, timeline
    from hstrack.core.report.titles import report_title, status_report
    from hstrack.core.text import inert_document
    from hstrack.views.calendar import Month, month_calendar
    from hstrack.views.export import export
    from hstrack.views.terminal import TerminalRenderer

    every = " | ".join(HOSTILE)
    doc = Document()
    for i, nasty in enumerate([*HOSTILE, every]):
        release = Milestone("release", parse_date("2026-12-03"), source=nasty, note=nasty)
        doc.titles[f"h{i}"] = Title(
            id=f"h{i}", name=nasty, label=nasty, kind="film", platform=nasty, synopsis=nasty, notes=nasty,
            credits={nasty: [nasty]},
            milestones={"release": release, "trailer": Milestone("trailer", parse_date("TBA"))},
            history=[Change(NOW, "release", None, release)],
        )  # fmt: skip
    raw = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
    for width in (120, 40):
        out = io.StringIO()
        renderer = TerminalRenderer(
            NOW_DT, Console(file=out, width=width, force_terminal=True, color_system="standard")
        )
        reports = status_report(doc, NOW_DT)
        renderer.status(reports)
        renderer.status_chart(reports)
        renderer.calendar(month_calendar(reports, NOW_DT, Month(2026, 12), 1))
        for report in reports:
            renderer.show(report, timeline(report))
            renderer.timeline_chart(timeline(report))
            renderer.countdown(countdown(report, None))
            renderer.history(report, history(report.title, NOW_DT))
        text = re.sub("\x1b\\[[0-9;]*m", "", out.getvalue())  # Rich's own colour codes
        assert raw.search(text.replace("\n", "")) is None
    for fmt in ("csv", "ics", "json"):
        data = export(doc, fmt, NOW_DT).decode("utf-8")
        assert raw.search(inert_document(data).replace("\n", "").replace("\r", "").replace("\t", "")) is None
    assert report_title(doc.titles["h0"], NOW_DT).title.name == HOSTILE[0]


# ---------------------------------------------------------------------------- the lock


def test_a_lock_held_too_long_fails_cleanly(tmp_path: Path) -> None:
    home = seeded_home(tmp_path)
    before = (home / "store.json").read_bytes()
    holder = worker(home, "hold-lock", str(home / "store.json.lock"))
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == b"locked\n"
        result = hstrack(home, "set", "heartstopper-film", "release", "2028", HSTRACK_LOCK_TIMEOUT="0.5")
        assert result.returncode == 1
        assert str(home / "store.json.lock") in result.stderr.decode()
        assert (home / "store.json").read_bytes() == before
        assert hstrack(home, "status").returncode == 0  # readers never wait for the lock
    finally:
        holder.kill()
        holder.wait()


def test_a_lock_left_by_a_killed_process_does_not_block(tmp_path: Path) -> None:
    home = seeded_home(tmp_path)
    holder = worker(home, "hold-lock", str(home / "store.json.lock"))
    assert holder.stdout is not None
    assert holder.stdout.readline() == b"locked\n"
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert (home / "store.json.lock").exists()
    result = hstrack(home, "set", "heartstopper-film", "release", "2028", HSTRACK_LOCK_TIMEOUT="2")
    assert result.returncode == 0, result.stderr
