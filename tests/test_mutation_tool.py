"""tools/mutate.py tests the mutant, also in the tests' child processes: the merge driver git
runs, `notify --exec`, the installed `hstrack`, whatever environment a test builds for them
(issue 25.12: a `merge_documents` that raised once passed test_git, whose processes ran the
working tree's code)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).with_name("hstrack")


def mutate_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mutate_tool", ROOT / "tools" / "mutate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_a_mutant_runs_in_child_processes_given_no_pythonpath(tmp_path: Path) -> None:
    tool = mutate_tool()
    work = tmp_path / "copy"
    shutil.copytree(ROOT / "src", work / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    documents = work / "src" / "hstrack" / "sharing" / "merge" / "documents.py"
    text = documents.read_text()
    body = "    merge = MergeSettings(now, symmetric=base is not None)\n"
    assert body in text
    documents.write_text(text.replace(body, '    raise RuntimeError("the mutant ran")\n' + body))
    python = tool.interpreter(work)

    home = tmp_path / "home"
    env = {"PATH": "/usr/bin:/bin", "HSTRACK_HOME": str(home), "HSTRACK_NOW": "2026-11-27T12:00:00+00:00"}
    subprocess.run([str(SCRIPT), "status"], env=env, capture_output=True, check=True, timeout=60)  # a seeded store
    store = home / "store.json"

    def driver(*command: str) -> int:
        for side in "OAB":
            shutil.copy(store, tmp_path / side)
        sides = [str(tmp_path / side) for side in "OAB"]
        done = subprocess.run([*command, "merge-file", *sides, "store.json"], env=env, capture_output=True,
                              timeout=60, check=False)  # fmt: skip
        return done.returncode

    assert driver(str(SCRIPT)) == 0  # the project's own code merges
    # The mutant's interpreter, as `git setup` writes it into a clone's config, and its hstrack.
    assert driver(str(python), "-m", "hstrack") != 0
    assert driver(str(python.with_name("hstrack"))) != 0
    # ... and pytest under it imports the copy.
    probe = subprocess.run([str(python), "-c", "import hstrack; print(hstrack.__file__)"], env={},
                           capture_output=True, text=True, check=True, timeout=60)  # fmt: skip
    assert probe.stdout.strip() == str(work / "src" / "hstrack" / "__init__.py")


def test_every_layer_the_issue_names_has_its_tests_listed() -> None:
    tool = mutate_tool()
    for module in ("sharing.merge.documents", "sharing.merge.titles", "store.index", "notify.planning"):
        tests = tool.tests_for(module)
        assert tests
        assert all((ROOT / test).is_file() for test in tests)
