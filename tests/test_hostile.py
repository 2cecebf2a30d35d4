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

from .conftest import Cli
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


# ---------------------------------------------------------------------------- from a second adversarial pass


def versions_of(home: Path) -> list[Path]:
    return sorted(p for p in (home / "store.json.backups").glob("[0-9]*.json") if not p.name.endswith(".meta.json"))


def test_restore_never_rolls_back_a_store_a_newer_hstrack_wrote(home: Path) -> None:
    newer = b'{"schema": 4, "titles": [{"id": "foo", "name": "Foo", "milestones": {}}]}\n'
    (home / "store.json").write_bytes(newer)
    result = run(home, "doctor", "--restore")
    assert result.returncode == 1
    assert "newer hstrack (schema 4)" in one_line(result)
    assert (home / "store.json").read_bytes() == newer
    # nor falls back to an older backup when the newest backup is a newer one it cannot read
    (home / "store.json").write_bytes(b"{")
    newest = versions_of(home)[-1]
    newest.write_bytes(newer)
    meta = newest.with_name(newest.stem + ".meta.json")
    record = json.loads(meta.read_text())
    import hashlib

    record["sha256"] = hashlib.sha256(newer).hexdigest()
    meta.write_text(json.dumps(record))
    result = run(home, "doctor", "--restore")
    assert result.returncode == 1
    assert "newer hstrack" in one_line(result)
    assert (home / "store.json").read_bytes() == b"{"


def test_undo_past_a_lost_backup_has_no_traceback(home: Path) -> None:
    for day in range(10, 14):
        assert run(home, "set", "heartstopper-film", "release", f"2027-01-{day}").returncode == 0
    versions_of(home)[2].unlink()  # a version's data gone (a kill while rotating, or by hand)
    codes = []
    for _ in range(8):
        result = run(home, "undo")
        assert "Traceback" not in result.stderr
        codes.append(result.returncode)
    assert codes[0] == 0
    assert set(codes) <= {0, 1}
    assert run(home, "doctor").returncode == 0


def test_a_backup_whose_record_is_unreadable_is_still_restorable(home: Path) -> None:
    held = (home / "store.json").read_bytes()
    for meta in (home / "store.json.backups").glob("*.meta.json"):
        meta.write_text("x")
    (home / "store.json").write_text("{")
    assert "whose record is missing" in run(home, "doctor").stdout
    assert run(home, "doctor", "--restore").returncode == 0
    assert (home / "store.json").read_bytes() == held


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"recorded": "9999-12-31T23:59:59-14:00", "milestone": "release", "old": None, "new": {"date": "2027"}},
         "is not an ISO 8601 time"),
        ({"recorded": NOW, "milestone": "release", "old": None, "new": None}, "both are null"),
        ({"recorded": NOW, "milestone": "release", "old": None, "new": {"date": "2027", "kind": "trailer"}},
         "is not the change's milestone"),
    ],
)  # fmt: skip
def test_history_entries_that_cannot_be_shown_are_refused(home: Path, change: dict[str, object], says: str) -> None:
    data = with_title(home, history=[change])
    (home / "store.json").write_text(json.dumps(data))
    for args in (("history", "odd"), ("export", "-f", "ics"), ("check", "odd", "--changed-since", "7d")):
        result = run(home, *args)
        assert result.returncode == (2 if args[0] == "check" else 1)
        assert says in one_line(result)


@pytest.mark.parametrize(
    "content",
    [
        '{"schema": 1, "titles": [], "x": ' + "[" * 500 + "]" * 500 + "}",
        '{"schema": 1, "titles": [{"id": "a", "name": "A", "x": ' + "[" * 40 + "]" * 40 + "}]}",
        '{"schema": 1, "titles": [], "x": NaN}',
        '{"schema": 1, "titles": [], "x": 1e999}',
        '{"schema": 1, "titles": [], "x": -Infinity}',
    ],
)
def test_unknown_fields_too_deep_or_not_numbers_are_refused(home: Path, tmp_path: Path, content: str) -> None:
    file = tmp_path / "in.json"
    file.write_text(content)
    result = run(home, "import", str(file))
    assert result.returncode == 2
    assert "nests deeper" in one_line(result) or "number JSON does not allow" in one_line(result)


def test_odd_environments_and_paths_give_one_line(home: Path, tmp_path: Path) -> None:
    assert run(home, "status", TZ="XXX-99").returncode == 0
    assert "no such user" in one_line(run(home, "status", HSTRACK_HOME="~nouser/x"))
    long = str(tmp_path / ("a" * 300))
    for args, env in (((), {"HSTRACK_HOME": long}), (("--store", long + "/s.json"), {})):
        result = run(home, *args, "status", **env)
        assert result.returncode == 1
        assert "File name too long" in one_line(result)
    result = run(home, "export", "-o", long + "/x")
    assert (result.returncode, "File name too long" in one_line(result)) == (1, True)
    result = run(home, "check", "heartstopper-film", "--released", HSTRACK_HOME=long)
    assert result.returncode == 2  # check: anything broken is 2, never "false"
    run(home, "pin", "heartstopper-film")  # the seed's film is out: pinned, the prompt says so
    for width in ("²", "9" * 5000):
        bad = run(home, "prompt", "--width", width)
        assert bad.returncode == 2
        assert "--width" in one_line(bad)
        assert run(home, "prompt", HSTRACK_PROMPT_WIDTH=width).stdout.endswith("\n")


def test_paths_with_control_characters_are_shown_inert(tmp_path: Path) -> None:
    odd = tmp_path / "x\x1b[2Jy"
    result = run(odd, "status")
    assert result.returncode == 0
    assert "\x1b" not in result.stderr
    assert "^[[2J" in result.stderr
    assert "\x1b" not in run(odd, "prompt", "--format", "{\x1b]0;X\x07}").stderr


def test_export_writes_into_a_fifo_or_device_rather_than_replacing_it(home: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    result = run(home, "export", "-o", str(fifo))
    out, _ = reader.communicate(timeout=30)
    assert result.returncode == 0
    assert json.loads(out)["schema"] == 3
    assert fifo.is_fifo()
    assert run(home, "export", "-o", "/dev/null").returncode == 0
    assert run(home, "export", "-o", str(tmp_path)).returncode == 2  # a folder


def test_a_dangling_pin_is_ignored_and_remove_clears_the_pin(home: Path) -> None:
    assert run(home, "add", "Gone", "--id", "gone").returncode == 0
    assert run(home, "pin", "gone").returncode == 0
    assert run(home, "remove", "gone", "--yes").returncode == 0
    assert "title" not in json.loads((home / "store.json").read_text()).get("pin", {})  # unpinned (and when)
    data = json.loads((home / "store.json").read_text())
    data["pin"] = {"title": "nowhere", "milestone": None}
    (home / "store.json").write_text(json.dumps(data))
    assert run(home, "status").returncode == 0
    assert "pinned to something the store no longer has" in run(home, "doctor").stdout


@pytest.mark.parametrize("month", ["²", "1" + "0" * 5000, "٣", "007", "13"])
def test_a_month_no_int_can_read_is_a_usage_error(seeded: Cli, month: str) -> None:
    """calendar's bare month number: digits int() refuses ("²", 5,000 of them) were a
    traceback; every one is a usage error with the value cut short."""
    result = seeded("calendar", month, code=2)
    assert "cannot show" in result.stderr
    assert len(result.stderr) < 300
