"""The benchmark must keep working: one smoke run at the smallest size. It checks that the
tables come out, never the times (timed tests on shared machines only measure the noise)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"
COMMANDS = {"status --json", "status (Rich, piped)", "check", "countdown", "show", "set (one write)", "prompt",
            "export --format ics", "status --chart", "calendar"}  # fmt: skip
WHOLE_STORE = {"status --json", "status (Rich, piped)", "status --chart", "calendar", "set (one write)",
               "export --format ics"}  # fmt: skip
# The pairs with taskwarrior that issue 18 asks for: (hstrack row, taskwarrior row).
PAIRS = [("check", "task count"), ("countdown", "task count"), ("show", "task count"),
         ("set (one write)", "task add"), ("status --json", "task export")]  # fmt: skip


def smoke(*extra: str) -> tuple[str, dict]:
    result = subprocess.run([sys.executable, str(SCRIPT), "--sizes", "10", "--runs", "1", *extra],
                            capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout, json.loads(result.stdout.strip().splitlines()[-1])


def test_benchmark_smoke_run() -> None:
    out, data = smoke()
    for row in ("`python -c pass`", *(f"| `{name}` |" for name in COMMANDS), "| bash |", "| zsh |",
                "Over 150 MiB peak RSS", "Issue 30's targets in this run", "| *parse+encode (orjson)* |",
                "## Corpus `benchmark`", "## Corpus `realistic`"):  # fmt: skip
        assert row in out
    assert set(data["results"]) == COMMANDS
    # every command's memory, countdown, show and set included, and the parse+encode floor's beside them
    assert set(data["rss_mib"]) == COMMANDS | {"parse+encode (orjson)"}
    assert all(value > 0 for value in data["floors"].values())
    assert set(data["corpora"]) == {"benchmark", "realistic"}  # the realistic corpus beside the benchmark's own
    for corpus in data["corpora"].values():
        assert set(corpus["results"]) == COMMANDS
        assert set(corpus["parse_encode_ratios"]["10"]) == WHOLE_STORE  # each whole-store command beside the floor
    targets = [row["target"] for row in data["targets"]]
    assert len(targets) == 11  # five pairs, the parse+encode floor, four start-up floors and the memory limit
    assert any("`set (one write)` ≤ 1.4 × `import typer`" in target for target in targets)
    if shutil.which("task") is None:
        if os.environ.get("CI"):  # .ci/run installs it; without it the pairs would silently vanish there
            pytest.fail("task is not installed; .ci/run must install it (Debian package taskwarrior)")
        assert "hstrack beside taskwarrior: skipped (`task` is not installed" in out
        assert data["taskwarrior"]["pairs"] == {}
        return
    # The pairs appear at the largest size, here the only one, with both sides' memory.
    assert "hstrack beside taskwarrior" in out
    for name, other in PAIRS:
        assert f"| `{name}` | `{other}` |" in out
    assert set(data["taskwarrior"]["pairs"]["10"]) == {name for name, _ in PAIRS}
    assert set(data["taskwarrior"]["rss_mib"]) == {other for _, other in PAIRS}


def test_benchmark_without_taskwarrior_says_it_skipped() -> None:
    out, data = smoke("--no-taskwarrior")
    assert "hstrack beside taskwarrior: skipped (--no-taskwarrior)" in out
    assert "| `check` | `task count` |" not in out
    assert data["taskwarrior"]["pairs"] == {}
    assert "not measured (taskwarrior skipped" not in out  # at size 10 the reason is the size, not taskwarrior
