"""Faults and hostile input (issue 12), each through the installed command: what comes from
a file is held to the rules of what is typed, no input ends in a traceback, the
environment's values have rules, and long lists are summarised."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from .test_process import SCRIPT

NOW = "2026-11-27T12:00:00+00:00"


def run(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {"PATH": os.environ["PATH"], "HSTRACK_HOME": str(home), "HSTRACK_NOW": NOW, "TZ": "Europe/London",
                   "LANG": "C.UTF-8", **env}  # fmt: skip
    return subprocess.run([str(SCRIPT), *args], env=environment, capture_output=True, text=True, timeout=120,
                          check=False, stdin=subprocess.DEVNULL)  # fmt: skip


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    assert run(folder, "status").returncode == 0
    return folder


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def with_title(home: Path, **fields: object) -> dict[str, object]:
    data = json.loads((home / "store.json").read_text())
    data["titles"].append({"id": "odd", "name": "Odd", "kind": "film", **fields})
    return data


# ---------------------------------------------------------------------------- a file held to the typed rules


def test_a_huge_name_in_an_import_is_refused_at_once(home: Path, tmp_path: Path) -> None:
    before = (home / "store.json").read_bytes()
    file = tmp_path / "in.json"
    file.write_text(json.dumps(with_title(home, name="x" * 20_000_000)))
    started = time.monotonic()
    result = run(home, "import", str(file))
    assert result.returncode == 2
    line = one_line(result)
    assert "title 'odd'.name: a title's name can be at most 200 characters (got 20000000)" in line
    assert len(line) < 400
    assert time.monotonic() - started < 30
    assert (home / "store.json").read_bytes() == before


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"history": [{"recorded": "yesterday", "milestone": "release", "old": None, "new": {"date": "2027"}}]},
         "title 'odd'.history[0].recorded: 'yesterday' is not an ISO 8601 time with an offset"),
        ({"history": [{"recorded": NOW, "milestone": "\x1b]52;c;ZXZpbA==\x07", "old": None, "new": {"date": "2027"}}]},
         "title 'odd'.history[0].milestone: '\\x1b]52;c;ZXZpbA==\\x07' is not a slug"),
        ({"history": [{"recorded": "2026-11-27T12:00:00", "milestone": "release", "old": None,
                       "new": {"date": "2027"}}]}, "is not an ISO 8601 time with an offset"),
        ({"kind": "musical"}, "title 'odd'.kind: 'musical' is not one of film"),
        ({"label": "x" * 33}, "a label can be at most 32 characters"),
        ({"name": "\ud800"}, "holds a lone surrogate"),
        ({"milestones": [{"kind": "release", "date": "x" * 10_000}]}, "is not a date"),
        ({"edited": {"label": "soon"}}, "title 'odd'.edited.label: 'soon' is not an ISO 8601 time"),
        ({"credits": {"Cast": ["a\u202eb"]}}, "a credited name cannot contain control characters"),
    ],
)  # fmt: skip
def test_a_store_field_breaking_a_typed_rule_is_refused_everywhere(home: Path, fields: dict[str, object],
                                                                   says: str, tmp_path: Path) -> None:  # fmt: skip
    data = with_title(home, **fields)
    raw = json.dumps(data).encode("utf-8", "surrogatepass")
    file = tmp_path / "in.json"
    file.write_bytes(raw)
    before = (home / "store.json").read_bytes()
    imported = run(home, "import", str(file))
    assert imported.returncode == 2
    assert says in one_line(imported)
    assert (home / "store.json").read_bytes() == before  # "nothing is written"
    (home / "store.json").write_bytes(raw)
    for args in (("status",), ("status", "--json"), ("show", "odd"), ("export", "-f", "ics"),
                 ("check", "odd", "--changed-since", "1d"), ("set", "odd", "release", "2028")):  # fmt: skip
        result = run(home, *args)
        assert result.returncode == (2 if args[0] == "check" else 1), args
        assert says in one_line(result), args
        assert result.stdout == ""
    doctor = run(home, "doctor")
    assert doctor.returncode == 1
    assert says in doctor.stdout
    restored = run(home, "doctor", "--restore")
    assert restored.returncode == 0, restored.stderr
    assert run(home, "status").returncode == 0


# ---------------------------------------------------------------------------- no traceback


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b'{"schema": 1, "titles": [], "n": ' + b"9" * 5000 + b"}", "a number in it is too long to read"),
        (b'{"schema": ' + b"1" * 5000 + b', "titles": []}', "a number in it is too long to read"),
        (b'{"schema": 1, "titles": [], "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested too deeply"),
        (b'{"schema": 1, "titles": [{"id": "a", "name": "\\ud800"}]}', "holds a lone surrogate"),
        (b'{"schema": 1, "titles": [], "x": "\\udfff"}', "lone surrogate"),
        (b"\xff\xfe{}", "not UTF-8"),
    ],
)
def test_stores_and_imports_that_cannot_be_read_say_so_in_one_line(home: Path, tmp_path: Path, content: bytes,
                                                                    says: str) -> None:  # fmt: skip
    file = tmp_path / "in.json"
    file.write_bytes(content)
    before = (home / "store.json").read_bytes()
    imported = run(home, "import", str(file))
    assert imported.returncode == 2
    assert says in one_line(imported)
    assert (home / "store.json").read_bytes() == before
    (home / "store.json").write_bytes(content)
    for args in (("status",), ("set", "heartstopper-film", "release", "2028"), ("doctor",), ("undo",)):
        result = run(home, *args)
        assert result.returncode == 1, (args, result.stderr)
        assert "Traceback" not in result.stderr
    restored = run(home, "doctor", "--restore")
    assert restored.returncode == 0, restored.stderr
    assert run(home, "status").returncode == 0


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "1e400", "3601", "soon"])
def test_a_bad_lock_timeout_is_a_usage_error_not_a_wait(home: Path, value: str) -> None:
    started = time.monotonic()
    result = run(home, "set", "heartstopper-film", "release", "2028", HSTRACK_LOCK_TIMEOUT=value)
    assert result.returncode == 2
    assert "HSTRACK_LOCK_TIMEOUT" in one_line(result)
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("value", ["0", "2.5", "3600", ""])
def test_good_lock_timeouts(home: Path, value: str) -> None:
    assert run(home, "set", "heartstopper-film", "release", "2028", HSTRACK_LOCK_TIMEOUT=value).returncode == 0


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_every_view_works_at_both_ends_of_the_dates(tmp_path: Path, zone: str) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "store.json").write_text('{"schema": 1, "titles": []}\n')
    for args in (("add", "Low", "--id", "lo"), ("set", "lo", "release", "1000-01-01 00:00 Pacific/Kiritimati"),
                 ("set", "lo", "trailer", "1000-01-01"), ("add", "High", "--id", "hi"),
                 ("set", "hi", "release", "9998-12-31 23:59 Pacific/Pago_Pago"),
                 ("set", "hi", "premiere", "winter 9998"), ("set", "hi", "cancelled", "9998")):  # fmt: skip
        assert run(home, *args, TZ=zone).returncode == 0, args
    views = [("status",), ("status", "--chart"), ("show", "hi"), ("show", "lo"), ("timeline", "hi", "--chart"),
             ("countdown", "hi"), ("history", "hi"), ("upcoming",), ("calendar",), ("calendar", "9998-12", "--months",
             "36"), ("export", "-f", "ics"), ("export", "-f", "csv"), ("check", "hi", "--due-within", "1d"),
             ("prompt",)]  # fmt: skip
    for at in ("1000-01-01", "1000-01-01T00:00:00+14:00", "9998-12-31T23:59", "9998-12-31T23:59:00-12:00"):
        first = run(home, "--at", at, "status", TZ=zone)
        if first.returncode == 2:  # that moment is outside the years where this viewer is
            assert "outside the days hstrack works with" in one_line(first)
            continue
        for args in views:
            result = run(home, "--at", at, *args, TZ=zone)
            assert result.returncode in (0, 1), (at, args, result.stderr)
            assert "Traceback" not in result.stderr
    for at in ("0001-01-01", "9999-12-31", "0999-12-30T23:00:00-11:00"):
        result = run(home, "--at", at, "status", TZ=zone)
        assert result.returncode == 2
        assert "outside the days hstrack works with" in one_line(result)
        assert run(home, "prompt", "--at", at, TZ=zone).returncode == 2
    too_far = run(home, "--at", "9998-12-31", "upcoming", "--within", "2y", TZ=zone)
    assert too_far.returncode == 2
    assert "'2y' reaches past" in one_line(too_far)


def test_a_long_import_is_summarised(home: Path, tmp_path: Path) -> None:
    data = json.loads((home / "store.json").read_text())
    data["titles"] += [{"id": f"t{i:04d}", "name": f"T {i}", "kind": "film"} for i in range(3000)]
    file = tmp_path / "in.json"
    file.write_text(json.dumps(data))
    result = run(home, "import", str(file))
    assert result.returncode == 0
    lines = result.stderr.splitlines()
    assert len(lines) < 20
    assert "3000 added" in lines[0]
    assert lines[-1] == "  and 2990 more titles (2990 added, 0 updated, 0 kept)"
