"""`hstrack notify` as cron or a systemd timer runs it: the installed command as a real
process, with HSTRACK_NOW moving through the days. Each lead time is sent once, a slip
re-arms them, a missed week catches up once; two runs at once send each notification
once; --exec with a hostile title runs only the command given and gets exact JSON; the
desktop channel talks to a real session D-Bus (dbus-daemon, started here) and a
notification service of the test's own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import need, validate_output
from .test_process import SCRIPT

FILM = "big-film"
# What --exec runs in these tests: appends its stdin to a file, notes its argv, and may wait.
RECORDER = """\
import json, sys, time
data = sys.stdin.buffer.read()
with open(sys.argv[1], "ab") as out:
    out.write(data)
with open(sys.argv[1] + ".argv", "a") as out:
    out.write(json.dumps(sys.argv[2:]) + "\\n")
time.sleep(float(sys.argv[2]) if len(sys.argv) > 2 else 0)
"""


class Cron:
    """Runs the installed hstrack in one home, at a moment given per run."""

    def __init__(self, folder: Path) -> None:
        if not SCRIPT.exists():
            pytest.fail("the hstrack console script is not installed next to the test interpreter")
        self.folder = folder
        self.home = folder / "home"
        self.sent = folder / "sent.jsonl"
        self.recorder = folder / "recorder.py"
        self.recorder.write_text(RECORDER)
        (folder / "run").mkdir()
        self.cwd = folder

    def env(self, now: str, **extra: str) -> dict[str, str]:
        return {"PATH": os.environ.get("PATH", ""), "HSTRACK_HOME": str(self.home), "HSTRACK_NOW": now,
                "TZ": "Europe/London", "LANG": "C.UTF-8", "XDG_RUNTIME_DIR": str(self.folder / "run"),
                **extra}  # fmt: skip

    def __call__(self, *args: str, now: str, code: int | None = 0, **env: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, env=self.env(now, **env),
                              cwd=self.cwd, timeout=60, check=False)  # fmt: skip
        assert "Traceback" not in done.stderr, done.stderr
        if code is not None:
            assert done.returncode == code, (done.returncode, done.stdout, done.stderr)
        return done

    def exec_words(self, wait: float = 0) -> str:
        return f"{sys.executable} {self.recorder} {self.sent}" + (f" {wait}" if wait else "")

    def notify(self, now: str, wait: float = 0, code: int = 0) -> list[dict[str, Any]]:
        """One cron run sending through the recorder; what it sent, as the recorder got it."""
        before = self.received()
        self("notify", "--exec", self.exec_words(wait), now=now, code=code)
        return self.received()[len(before) :]

    def received(self) -> list[dict[str, Any]]:
        if not self.sent.exists():
            return []
        return [json.loads(line) for line in self.sent.read_text(encoding="utf-8").splitlines()]


def at(day: str, hour: str = "09:00") -> str:
    return f"2026-{day}T{hour}:00+01:00"


def words(sent: list[dict[str, Any]]) -> list[str]:
    return [f"{n['title']['id']} {n['milestone']} {n['lead'] or 'change'}" + (" late" if n["late"] else "")
            for n in sent]  # fmt: skip


@pytest.fixture
def cron(tmp_path: Path) -> Cron:
    cron = Cron(tmp_path)
    cron("add", "Big Film", "--kind", "film", now=at("09-01", "08:00"))
    cron("set", FILM, "release", "2026-10-03", now=at("09-01", "08:00"))
    first = cron("notify", "--exec", cron.exec_words(), now=at("09-01"))
    assert "first run:" in first.stderr
    return cron


def test_each_lead_fires_once_a_slip_re_arms_them_and_a_missed_week_catches_up_once(cron: Cron) -> None:
    days = [("09-25", []), ("09-26", [f"{FILM} release 7d"]), ("09-26", []), ("09-27", []),
            ("10-02", [f"{FILM} release 1d"])]  # fmt: skip
    for day, expected in days:
        assert words(cron.notify(at(day))) == expected, day
    # The release slips a week, on the day before: told at once, and its lead times re-armed.
    cron("set", FILM, "release", "2026-10-10", now=at("10-02", "12:00"))
    (change,) = cron.notify(at("10-02", "12:15"))
    assert change["summary"] == "release moved 7 days later (3 Oct 2026 → 10 Oct 2026)"
    assert words(cron.notify(at("10-03"))) == [f"{FILM} release 7d"]
    assert words(cron.notify(at("10-03", "18:00"))) == []
    # The machine is off from the 4th to the 11th: the 1d and the day itself were missed.
    assert words(cron.notify(at("10-11", "08:00"))) == [f"{FILM} release 0d late"]
    assert words(cron.notify(at("10-11", "08:15"))) == []
    assert words(cron.notify(at("10-12"))) == []
    assert [n["due"] for n in cron.received()][-1] == "2026-10-10T00:00:00+01:00"
    record = json.loads((cron.home / "store.json.notified").read_text())
    assert record["leads"] == []  # the release is long past: nothing kept for it


def test_two_runs_at_once_send_each_notification_once(cron: Cron) -> None:
    for i in range(3):
        cron("set", FILM, f"trailer-{i}", f"2026-09-0{3 + i}", "--new", now=at("09-01", "10:00"))
    # Each notification takes the recorder a quarter of a second: the runs overlap for sure.
    runs = [
        subprocess.Popen([str(SCRIPT), "notify", "--exec", cron.exec_words(0.25)], env=cron.env(at("09-02")),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]  # fmt: skip
    results = [(p.wait(timeout=60), *p.communicate()) for p in runs]
    assert [code for code, _, _ in results] == [0, 0, 0], results
    sent = words(cron.received())
    assert sorted(sent) == [f"{FILM} trailer-0 1d", f"{FILM} trailer-0 change late", f"{FILM} trailer-1 change late",
                            f"{FILM} trailer-2 change late"]  # fmt: skip
    assert sum(len(out.splitlines()) for _, out, _ in results) == len(sent)  # one run sent them, the others nothing


def test_exec_with_a_hostile_title_runs_only_the_command_given(tmp_path: Path) -> None:
    cron = Cron(tmp_path)
    trap = tmp_path / "trap"  # where the commands hidden in the name would leave their files
    trap.mkdir()
    cron.cwd = trap
    name = "$(touch 1) `touch 2` ; touch 3 | touch 4 && touch 5 > 6 '\"\\ %s %n {0} ${HOME} !! \\e[2J <b>&amp; 東京 -rf"
    cron("add", name, "--id", "hostile", "--kind", "film", now=at("09-01", "08:00"))
    cron("set", "hostile", "release", "2026-09-03", now=at("09-01", "08:00"))
    cron("notify", "--exec", cron.exec_words(), now=at("09-01"))  # the first run: nothing is due
    (got,) = cron.notify(at("09-02"))
    expected = {"change": None, "date": "2026-09-03", "due": "2026-09-02T00:00:00+01:00", "kind": "lead",
                "late": False, "lead": "1d", "milestone": "release", "origin": None, "schema": 1,
                "summary": "release 3 Sep 2026 · tomorrow", "tentative": False, "text": "3 Sep 2026",
                "title": {"id": "hostile", "name": name}}  # fmt: skip
    assert got == expected
    # The bytes on stdin: one line of JSON, keys sorted, UTF-8 as it is.
    assert cron.sent.read_bytes() == (json.dumps(expected, ensure_ascii=False, sort_keys=True) + "\n").encode()
    assert (cron.folder / "sent.jsonl.argv").read_text() == "[]\n"  # the recorder got only the words given
    assert sorted(os.listdir(trap)) == []
    validate_output({"schema": 1, "now": expected["due"], "dry_run": False, "baseline": False,
                     "channels": ["exec"], "notifications": [got], "unsent": [], "error": None}, "notify")  # fmt: skip
    # What cannot be typed (a line break, an escape, a bidi override) can still be put in the
    # file by hand: the store is then refused whole, with one line, and nothing runs.
    store = cron.home / "store.json"
    for evil in ("a\nb", "a\x1b]52;c;eA==\x07b", "a\u202eb"):
        doc = json.loads(store.read_text())
        doc["titles"] = [dict(t, name=evil) if t["id"] == "hostile" else t for t in doc["titles"]]
        store.write_text(json.dumps(doc))
        failed = cron("notify", "--exec", cron.exec_words(), now=at("09-03"), code=1)
        assert len(failed.stderr.splitlines()) == 1, failed.stderr
        assert "title 'hostile'.name" in failed.stderr
        assert "\x1b" not in failed.stderr
    assert len(cron.received()) == 1
    assert sorted(os.listdir(trap)) == []


def test_the_desktop_over_a_real_session_bus(tmp_path: Path) -> None:
    from .dbus_service import NotificationService, session_bus

    daemon = need("dbus-daemon")
    cron = Cron(tmp_path)
    cron("add", "Big <b>Film</b> & Co", "--id", FILM, "--kind", "film", now=at("09-01", "08:00"))
    cron("set", FILM, "release", "2026-10-03", now=at("09-01", "08:00"))
    cron("notify", now=at("09-01"))  # the baseline: nothing is due, so no bus is needed
    # No session bus at all: one line, exit 1, not marked sent.
    alone = cron("notify", now=at("09-26"), code=1)
    assert alone.stderr == (
        f"hstrack: notify: no desktop session bus: DBUS_SESSION_BUS_ADDRESS is not set and there is no "
        f"{tmp_path}/run/bus; 1 notification not sent, to be tried again at the next run\n"
    )
    with session_bus(tmp_path / "run", daemon) as address:
        # A bus, found where systemd puts it ($XDG_RUNTIME_DIR/bus), but no notification service on it.
        empty = cron("notify", now=at("09-26"), code=1)
        assert "no notification service on the desktop session bus" in empty.stderr
        assert len(empty.stderr.splitlines()) == 1
        service = NotificationService(address)
        try:
            sent = cron("notify", now=at("09-26", "10:00"), DBUS_SESSION_BUS_ADDRESS=address)
            assert sent.stdout == f"{FILM}: release 3 Oct 2026 · in 7 days\n"
            assert sent.stderr == "hstrack: sent 1 notification (desktop)\n"
            found = cron("notify", "--json", now=at("10-02"))  # by $XDG_RUNTIME_DIR/bus alone
            validate_output(json.loads(found.stdout), "notify")
            cron("notify", now=at("10-02", "10:00"))
            service.capabilities = ["body"]  # a server without markup
            cron("notify", now=at("10-03"))
        finally:
            service.close()
    assert service.calls == ["GetCapabilities", "Notify", "GetCapabilities", "Notify", "GetCapabilities", "Notify"]
    hints = {"urgency": ("y", 1), "category": ("s", "x-hstrack.lead")}
    assert service.received == [
        ("hstrack", 0, "", "Big <b>Film</b> & Co", "release 3 Oct 2026 · in 7 days", [], hints, -1),
        ("hstrack", 0, "", "Big <b>Film</b> & Co", "release 3 Oct 2026 · tomorrow", [], hints, -1),
        ("hstrack", 0, "", "Big <b>Film</b> & Co", "release 3 Oct 2026 · today", [], hints, -1),
    ]
