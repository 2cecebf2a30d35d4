"""The installed `hstrack` run as a real process, as a user or a cron job runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EARLY

# The console script installed next to this interpreter (the venv the tests run in).
SCRIPT = Path(sys.executable).with_name("hstrack")


def run(*args: str, home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HSTRACK_HOME": str(home),
        "HSTRACK_NOW": "2026-11-27T12:00:00+00:00",
        "TZ": "Europe/London",
        "LANG": "C.UTF-8",
        **env,
    }
    return subprocess.run(
        [*args], capture_output=True, text=True, encoding="utf-8", env=environment, timeout=60, check=False
    )


@pytest.fixture
def script() -> str:
    found = SCRIPT if SCRIPT.exists() else shutil.which("hstrack")
    if found is None:
        pytest.fail("the hstrack console script is not installed next to the test interpreter")
    return str(found)


def test_first_run_of_the_installed_script(script: str, tmp_path: Path) -> None:
    result = run(script, "status", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Heartstopper" in result.stdout
    assert "Forever" in result.stdout  # the seed is current: the film has its title
    assert "created a new store" in result.stderr
    assert "\x1b" not in result.stdout  # a pipe is not a terminal: no escape codes


def test_python_dash_m_and_json_and_exit_codes(script: str, tmp_path: Path) -> None:
    ok = run(sys.executable, "-m", "hstrack", "status", "--json", home=tmp_path)
    assert ok.returncode == 0
    assert json.loads(ok.stdout)["titles"][0]["id"] == "heartstopper-film"
    before = (tmp_path / "store.json").read_bytes()
    bad = run(script, "set", "heartstopper-film", "release", "2025-02-30", home=tmp_path)
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr.count("\n") == 1
    assert "Traceback" not in bad.stderr
    assert (tmp_path / "store.json").read_bytes() == before
    missing = run(script, "show", "nope", home=tmp_path)
    assert missing.returncode == 2


def test_damaged_store_exits_1_with_one_line(script: str, tmp_path: Path) -> None:
    (tmp_path / "store.json").write_bytes(b"\x00\x00\x00")
    result = run(script, "status", home=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("hstrack: ")
    assert result.stderr.count("\n") == 1
    assert (tmp_path / "store.json").read_bytes() == b"\x00\x00\x00"


def test_broken_pipe_is_quiet(script: str, tmp_path: Path) -> None:
    run(script, "status", home=tmp_path)
    shell = subprocess.run(
        f"'{script}' status --json | head -c 1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": os.environ.get("PATH", ""), "HSTRACK_HOME": str(tmp_path)},
    )
    assert "Traceback" not in shell.stderr


def run_bytes(*args: str, home: Path, **env: str) -> subprocess.CompletedProcess[bytes]:
    environment = {"PATH": os.environ.get("PATH", ""), "HSTRACK_HOME": str(home),
                   "HSTRACK_NOW": "2026-11-27T12:00:00+00:00", "TZ": "Europe/London", **env}  # fmt: skip
    return subprocess.run([*args], capture_output=True, env=environment, timeout=60, check=False)


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "cp1252"])
def test_a_stdout_without_utf8_gets_ascii_charts_and_exact_json(script: str, tmp_path: Path, encoding: str) -> None:
    """A Windows pipe (cp1252) or an old locale cannot take ◆ or ✓: no traceback, charts in
    ASCII stand-ins, tables with stand-ins too ("?" for what has none), JSON escaped but
    identical."""
    run_bytes(script, "status", home=tmp_path, HSTRACK_NOW=EARLY)  # the film's release TBA: an open end
    run_bytes(script, "add", "Amélie — 東京", "--id", "amelie", home=tmp_path)
    run_bytes(script, "set", "amelie", "release", "Q3 2027", home=tmp_path)
    env = {"PYTHONIOENCODING": encoding, "COLUMNS": "80"}
    for args in (("status", "--chart"), ("timeline", "heartstopper-film", "--chart"), ("calendar", "2025-06"),
                 ("status",), ("timeline", "heartstopper-film"), ("show", "amelie")):  # fmt: skip
        result = run_bytes(script, *args, home=tmp_path, **env)
        assert result.returncode == 0, (args, result.stderr.decode(errors="replace"))
        assert b"Traceback" not in result.stderr
        result.stdout.decode(encoding)  # nothing the stream could not take
    chart = run_bytes(script, "status", "--chart", home=tmp_path, **env).stdout.decode(encoding)
    assert "TBA >" in chart
    assert "*" in chart
    assert "^ today" in chart or "today 27 Nov 2026 ^" in chart
    escaped = run_bytes(script, "status", "--json", home=tmp_path, **env).stdout
    assert escaped.isascii()
    utf8 = run_bytes(script, "status", "--json", home=tmp_path).stdout
    assert json.loads(escaped) == json.loads(utf8)
    assert "Amélie — 東京" in {t["name"] for t in json.loads(escaped)["titles"]}
