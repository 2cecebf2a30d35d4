"""The README and --help cannot drift from the commands (after sqlite-utils' test_docs)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.main import get_command

from hstrack.cli import app
from hstrack.core.dates.spec import Precision

from .conftest import Cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(get_command(app).commands)  # type: ignore[attr-defined]


def test_there_are_commands() -> None:
    assert {
        "status",
        "show",
        "timeline",
        "countdown",
        "history",
        "add",
        "set",
        "unset",
        "remove",
        "undo",
        "where",
    } <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_and_is_in_the_readme(cli: Cli, name: str) -> None:
    result = cli(name, "--help")
    assert result.stdout.startswith("Usage: hstrack " + name)
    command = get_command(app).commands[name]  # type: ignore[attr-defined]
    assert command.help
    assert command.help.strip()
    assert f"`hstrack {name}" in README


def test_ci_runs_exactly_the_readme_test_command() -> None:
    blocks = re.findall(r"```sh\n(.*?)\n```", README, re.S)
    assert len(blocks) >= 2
    install, test = blocks[0], blocks[1]
    assert "hstrack status" in install
    assert "pytest" in test
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test in ci.splitlines()


def test_readme_documents_every_precision_and_exit_code() -> None:
    for precision in [p.value for p in Precision]:
        assert f"| {precision} |" in README or f"`{precision}`" in README
    for code in ("| 0 |", "| 1 |", "| 2 |"):
        assert code in README


def _tour() -> list[tuple[str, list[str]]]:
    """The tour's commands and what the README says each prints (stderr, then stdout)."""
    section = README.split("## A short tour", 1)[1].split("\n## ", 1)[0]
    steps: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```\n(.*?)\n```", section, re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            else:
                steps[-1][1].append(line)
    return steps


def test_the_readme_tour_is_what_hstrack_prints(tmp_path: Path) -> None:
    import os
    import shutil
    import subprocess
    import sys

    bin_dir = Path(sys.executable).parent
    if not (bin_dir / "hstrack").exists() and shutil.which("hstrack") is None:
        pytest.fail("the hstrack console script is not installed next to the test interpreter")
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "HSTRACK_HOME": str(tmp_path),
        "HSTRACK_NOW": "2026-11-27T12:00:00+00:00",
        "TZ": "Europe/London",
        "COLUMNS": "80",
        "LANG": "C.UTF-8",
    }
    steps = _tour()
    assert len(steps) >= 6
    for command, said in steps:
        run = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=env, timeout=60, check=True)
        printed = (run.stderr + run.stdout).replace(str(tmp_path), "~/.local/share/hstrack")
        assert [line.rstrip() for line in printed.splitlines()] == said, command


def test_help_groups_every_command_by_area_each_on_one_line(cli: Cli) -> None:
    from hstrack.cli import AREAS, COMMAND_AREA

    assert sorted(COMMAND_AREA) == COMMANDS  # every command is in exactly one area
    assert sum(len(names) for _, _, names in AREAS) == len(COMMAND_AREA)
    lines = [*cli("--help", COLUMNS="80").stdout.splitlines(), ""]
    headings = [line[:-1] for line in lines if line.endswith(":") and not line.startswith(" ")]
    assert headings == ["Options", *(heading for _, heading, _ in AREAS)]
    listed = []
    for i, line in enumerate(lines):
        name = line.split()[0] if line.startswith("  ") and not line.startswith("   ") else None
        if name not in COMMANDS:
            continue
        listed.append(name)
        assert len(line) <= 80, line
        assert not line.rstrip().endswith("..."), line
        assert not lines[i + 1].startswith("   "), f"the summary of {name} wraps: {line!r}"
    assert sorted(listed) == COMMANDS
    order = [name for _, _, names in AREAS for name in names]
    assert listed == order


def test_hstrack_alone_shows_the_status(cli: Cli) -> None:
    alone = cli()
    assert alone.stdout == cli("status").stdout
    assert "Heartstopper" in alone.stdout
    assert cli("--at", "2026-12-01").stdout == cli("status", "--at", "2026-12-01").stdout


def test_every_capitalised_name_in_the_readme_exists() -> None:
    """An environment variable or placeholder the README names in capitals (HSTRACK_NOW,
    NEW_ID) is one the code or the tests use: a renamed variable, or a placeholder left
    to fill in, fails here."""
    sources = "\n".join(
        path.read_text(encoding="utf-8")
        for folder in ("src", "tests", ".ci", "bin", "benchmarks", "tools")
        for path in (ROOT / folder).rglob("*")
        if path.is_file()
        and path.suffix in ("", ".py", ".sh", ".zsh", ".fish", ".toml")
        and path.name != "test_docs.py"
        and ".egg-info" not in str(path)  # a built copy of this README
        and "__pycache__" not in path.parts
    )
    names = set(re.findall(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b", README))
    assert names
    assert sorted(n for n in names if n not in sources) == []
