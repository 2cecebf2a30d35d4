"""The benchmark must keep working: one smoke run at the smallest size. It checks that the
tables come out, never the times (timed tests on shared machines only measure the noise)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"


def test_benchmark_smoke_run() -> None:
    result = subprocess.run([sys.executable, str(SCRIPT), "--sizes", "10", "--runs", "1"], capture_output=True,
                            text=True, timeout=300, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    for row in ("`python -c pass`", "`status --json`", "`status (Rich, piped)`", "`check`", "`set (one write)`",
                "`prompt`", "`export --format ics`", "`status --chart`", "`calendar`",
                "| bash |", "| zsh |"):  # fmt: skip
        assert row in result.stdout
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(data["results"]) == {"status --json", "status (Rich, piped)", "check", "set (one write)", "prompt",
                                    "export --format ics", "status --chart", "calendar"}  # fmt: skip
    assert all(value > 0 for value in data["floors"].values())
