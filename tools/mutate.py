"""Mutation testing for hstrack's core: does the suite notice a small wrong change?

    .venv/bin/python tools/mutate.py                               # the core's dates, report, checks, model
    .venv/bin/python tools/mutate.py core.report --jobs 2          # one package (each of its modules)
    .venv/bin/python tools/mutate.py core.dates.grammar --only 120-140  # one module, some lines
    .venv/bin/python tools/mutate.py sharing.merge --sample 0.15   # 15 % of each module's mutants, at random

Each mutant is one small change to one module: a comparison swapped for its neighbour
(``<`` for ``<=``, ``==`` for ``!=``, ``in`` for ``not in``), a whole-number constant one up
or down, ``and`` for ``or``, ``+`` for ``-`` (and ``*``/``//`` likewise), ``True`` for
``False``, a ``not`` dropped, or a statement deleted. The module is rewritten into a copy of
``src/`` (never the working tree), and that module's tests run against it with ``-x``,
under an interpreter of the copy's own (a virtual environment beside it whose
``site-packages`` names the copy's ``src/`` before the project's): the tests' child
processes (``hstrack`` beside it, ``python -m hstrack``, the git merge driver git runs, a
``notify --exec`` command) run the mutant too, whatever environment a test gives them.
A mutant is *killed* when a test fails or the run times out.

Some mutants change nothing a program can observe (a cache bound, a branch that only
saves work); they are listed with the reason in ``tools/equivalent-mutants.txt`` and left
out of the score. The score is killed / (all - equivalent). Survivors are written to
``tools/survivors.txt`` for a person to read: each is a missing test or an equivalent
mutant to record. Not run in CI: a full run takes the better part of an hour on 2 cores.
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
EQUIVALENT = ROOT / "tools" / "equivalent-mutants.txt"
SURVIVORS = ROOT / "tools" / "survivors.txt"

# The tests that exercise each part of hstrack, fastest and most telling first; a module's
# tests are those of the longest name here that it starts with.
TESTS = {
    part: [f"tests/test_{name}.py" for name in names.split()]
    for part, names in {
        "core.dates": "core_edges dates date_forms oracle report properties cli semantics scripting store",
        "core.report": "core_edges report regions oracle cli scripting semantics chart everyday editing",
        "core.checks": "core_edges regions oracle scripting cli semantics everyday",
        "core.model": "core_edges store editing regions sources cli schema report scripting semantics properties",
        "core.text": "core_edges report oracle cli semantics",
        # The layers above the core whose mutants issue 25.12 sampled: their own tests, then the
        # real processes and git clones (which run the mutant: see ``interpreter``).
        "sharing.merge": "merge_facts merge_properties git",
        "store.index": "index store safety",
        "notify": "notify notify_process",
    }.items()
}
DEFAULT_MODULES = ("core.dates", "core.report", "core.checks", "core.model")


def module_path(module: str) -> Path:
    return SRC / "hstrack" / Path(*module.split(".")).with_suffix(".py")


def expand(names: list[str]) -> list[str]:
    """Module names from what was asked: a module, or a package (each of its modules but
    its ``__init__``, which only names what its modules define)."""
    found = []
    for name in names:
        folder = SRC / "hstrack" / Path(*name.split("."))
        if folder.is_dir():
            found += [f"{name}.{p.stem}" for p in sorted(folder.glob("*.py")) if p.name != "__init__.py"]
        elif module_path(name).exists():
            found.append(name)
        else:
            raise SystemExit(f"no module or package hstrack.{name}")
    return found


def tests_for(module: str) -> list[str]:
    best = max((part for part in TESTS if module == part or module.startswith(part + ".")), key=len, default=None)
    if best is None:
        raise SystemExit(f"no tests listed for hstrack.{module} in tools/mutate.py's TESTS")
    return TESTS[best]


COMPARE_SWAP: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq,
    ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
}  # fmt: skip
BINOP_SWAP: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.FloorDiv, ast.FloorDiv: ast.Mult, ast.Div: ast.Mult,
    ast.Mod: ast.FloorDiv,
}  # fmt: skip


@dataclass(frozen=True)
class Mutant:
    module: str
    index: int  # the n-th mutation site of the module
    line: int
    what: str
    code: str  # the line's text, stripped: what the mutant is known by
    occurrence: int = 1  # the n-th mutant of the module with this same what and code

    @property
    def key(self) -> str:
        """``module | what | the line``: by the line's text, not its number, so a list of
        equivalent mutants survives edits elsewhere in the module. A line that appears more
        than once (``return False``) gets `` | 2``, `` | 3``... after its first, so one
        equivalent mutant never excuses another that only looks like it."""
        base = f"{self.module} | {self.what} | {self.code}"
        return base if self.occurrence == 1 else f"{base} | {self.occurrence}"


def _annotation_nodes(tree: ast.AST) -> set[int]:
    """Nodes inside type annotations, docstrings and asserts: changing them changes no behaviour a
    test can see (asserts in hstrack only inform mypy)."""
    skip: set[int] = set()

    def mark(node: ast.AST | None) -> None:
        if node is not None:
            skip.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, ast.arg):
            mark(node.annotation)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            mark(node.returns)
            for decorator in node.decorator_list:
                mark(decorator)
        if isinstance(node, ast.AnnAssign):
            mark(node.annotation)
        if isinstance(node, (ast.Assert, ast.Import, ast.ImportFrom)):
            mark(node)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                mark(first)
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            mark(node)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and node.value.value is Ellipsis:
            mark(node)
    return skip


def sites(tree: ast.Module) -> Iterator[tuple[ast.AST, str, int]]:
    """Every place a mutation can go: (node, description, variant)."""
    skip = _annotation_nodes(tree)
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                if type(op) in COMPARE_SWAP:
                    yield node, f"{type(op).__name__}->{COMPARE_SWAP[type(op)].__name__} #{i}", i
        elif isinstance(node, ast.BinOp) and type(node.op) in BINOP_SWAP:
            yield node, f"{type(node.op).__name__}->{BINOP_SWAP[type(node.op)].__name__}", 0
        elif isinstance(node, ast.BoolOp):
            yield node, "and<->or", 0
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            yield node, "drop not", 0
        elif isinstance(node, ast.Constant) and type(node.value) is bool:
            yield node, f"{node.value}->{not node.value}", 0
        elif isinstance(node, ast.Constant) and type(node.value) is int:
            yield node, f"{node.value}->{node.value + 1}", 1
            yield node, f"{node.value}->{node.value - 1}", -1
        elif isinstance(node, ast.stmt) and not isinstance(
            node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom, ast.Pass,
                   ast.Global, ast.Nonlocal)
        ):  # fmt: skip
            yield node, f"delete {type(node).__name__}", 0


def mutate(source: str, index: int) -> tuple[str, int, str]:
    """The source with its ``index``-th mutation applied: (text, line, description)."""
    tree = ast.parse(source)
    for n, (node, what, variant) in enumerate(sites(tree)):
        if n != index:
            continue
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Compare):
            node.ops[variant] = COMPARE_SWAP[type(node.ops[variant])]()
        elif isinstance(node, ast.BinOp):
            node.op = BINOP_SWAP[type(node.op)]()
        elif isinstance(node, ast.BoolOp):
            node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        elif isinstance(node, ast.UnaryOp):
            _replace(tree, node, node.operand)
        elif isinstance(node, ast.Constant) and type(node.value) is bool:
            node.value = not node.value
        elif isinstance(node, ast.Constant):
            node.value = node.value + variant
        else:
            _replace(tree, node, ast.Pass())
        return ast.unparse(ast.fix_missing_locations(tree)), line, what
    raise IndexError(index)


def _replace(tree: ast.AST, old: ast.AST, new: ast.AST) -> None:
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, field, copy.copy(new) if isinstance(new, ast.Pass) else new)
                return
            if isinstance(value, list) and any(item is old for item in value):
                setattr(parent, field, [new if item is old else item for item in value])
                return


_SOURCES: dict[str, str] = {}


def source_of(module: str) -> str:
    """The module as it was when the run started: edits made while it runs change nothing."""
    if module not in _SOURCES:
        _SOURCES[module] = module_path(module).read_text()
    return _SOURCES[module]


def mutants(module: str) -> list[Mutant]:
    source = source_of(module)
    lines = source.splitlines()
    found = []
    seen: dict[tuple[str, str], int] = {}
    for index, (node, what, _) in enumerate(sites(ast.parse(source))):
        line = getattr(node, "lineno", 0)
        code = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        seen[what, code] = seen.get((what, code), 0) + 1
        found.append(Mutant(module, index, line, what, code, seen[what, code]))
    return found


def equivalent() -> dict[str, str]:
    """Mutants that change nothing observable: a key line (``module | what | code``), then
    an indented line saying why. Blank lines and ``#`` comments are skipped."""
    known: dict[str, str] = {}
    key = None
    if EQUIVALENT.exists():
        for raw in EQUIVALENT.read_text().splitlines():
            if not raw.strip() or raw.startswith("#"):
                continue
            if raw.startswith((" ", "\t")) and key is not None:
                known[key] = (known[key] + " " + raw.strip()).strip()
            else:
                key = raw.strip()
                known[key] = ""
    return known


def interpreter(workdir: Path) -> Path:
    """A Python for ``workdir``, a copy of the project, that imports hstrack from the copy's
    ``src/`` and everything else from the project's environment: a virtual environment
    whose ``site-packages`` holds one ``.pth`` naming the copy first, then the project's own
    ``site-packages`` (which, being a site directory, adds the working tree's ``src`` after
    it). Its ``bin/`` holds the project's scripts (``hstrack``...) pointed at it. So a test's
    child process runs the mutant even with an environment built from nothing, which
    ``PYTHONPATH`` alone does not promise."""
    import sysconfig

    home = workdir / ".venv"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(home)
    python = home / "bin" / "python"
    paths = {"base": str(home), "platbase": str(home)}
    site = Path(sysconfig.get_path("purelib", vars=paths))
    ours = sysconfig.get_path("purelib")
    site.mkdir(parents=True, exist_ok=True)
    (site / "hstrack_mutant.pth").write_text(f"{workdir / 'src'}\nimport site; site.addsitedir({ours!r})\n")
    ours_bin = Path(sys.executable).parent
    for script in ours_bin.iterdir():
        target = home / "bin" / script.name
        if script.is_file() and not target.exists():
            first, newline, rest = script.read_bytes().partition(b"\n")
            if first.startswith(f"#!{ours_bin}/python".encode()):
                target.write_bytes(f"#!{python}".encode() + newline + rest)
                target.chmod(0o755)
    return python


def run_one(mutant: Mutant, workdir: Path, timeout: float) -> str:
    """killed, survived or error (the mutant does not even parse)."""
    text, _, _ = mutate(source_of(mutant.module), mutant.index)
    target = workdir / "src" / module_path(mutant.module).relative_to(SRC)
    target.write_text(text)
    env = {**os.environ, "PYTHONPATH": str(workdir / "src"), "HSTRACK_ORACLE_CASES": "12",
           "HSTRACK_MERGE_EXAMPLES": "40", "HYPOTHESIS_PROFILE": "mutation",
           "PYTHONDONTWRITEBYTECODE": "1"}  # fmt: skip
    python = str(workdir / ".venv" / "bin" / "python")
    command = [python, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "--no-header",
               "-o", "addopts=", *tests_for(mutant.module)]  # fmt: skip
    try:
        result = subprocess.run(command, cwd=workdir, env=env, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return "killed"
    finally:
        target.write_text(source_of(mutant.module))
    return "survived" if result.returncode == 0 else "killed"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", default=list(DEFAULT_MODULES))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--only", help="lines FROM-TO")
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument(
        "--sample",
        type=float,
        help="run this share (0.2: a fifth) of each module's mutants, drawn at random; the same share and "
        "--seed draw the same ones, so --again after a sample needs them too",
    )
    parser.add_argument("--seed", type=int, default=25)
    parser.add_argument("--survivors", type=Path, default=SURVIVORS, help="where survivors are written and --again "
                        "reads them (default tools/survivors.txt; runs side by side need one each)")  # fmt: skip
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument(
        "--again",
        action="store_true",
        help="run only the survivors of the last full run (tools/survivors.txt), after tests were added; "
        "the code must be what that run saw. Scores count every other mutant as killed, as it was.",
    )
    args = parser.parse_args(argv)
    args.modules = expand(args.modules)
    known = equivalent()
    chosen = [m for module in args.modules for m in mutants(module)]
    if args.sample is not None:
        drawn = random.Random(args.seed)
        drawn_ones = []
        for module in args.modules:
            mine = [m for m in chosen if m.module == module]
            drawn_ones += sorted(drawn.sample(mine, round(len(mine) * min(args.sample, 1.0))), key=lambda m: m.index)
        chosen = drawn_ones
    previous: set[str] | None = None
    if args.again:
        previous = {line.strip() for line in args.survivors.read_text().splitlines() if line and not line[0].isspace()}
        missing = previous - {m.key for m in chosen} - known.keys()
        if any(key.split(" | ")[0] in args.modules for key in missing):
            print(f"the code changed since the last run ({len(missing)} survivors are no longer mutants): run it all")
            return 2
    if args.only:
        low, high = (int(x) for x in args.only.split("-"))
        chosen = [m for m in chosen if low <= m.line <= high]
    if args.list:
        for m in chosen:
            print(m.key, "(equivalent)" if m.key in known else "")
        return 0
    todo = [m for m in chosen if m.key not in known and (previous is None or m.key in previous)]
    skipped = "not survivors last time" if previous is not None else "known equivalent"
    print(f"{len(chosen)} mutants, {len(chosen) - len(todo)} {skipped}, running {len(todo)} with {args.jobs} jobs")
    # Each job works in a copy of the project as it was when the run started (code, tests,
    # schema, README): the working tree can change while a run takes its hour.
    work = Path(tempfile.mkdtemp(prefix="hstrack-mutants-"))
    snapshot = work / "snapshot"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".venv", ".git", ".hypothesis", "*_cache")
    shutil.copytree(ROOT, snapshot, ignore=ignore)
    for module in args.modules:
        (snapshot / "src" / module_path(module).relative_to(SRC)).write_text(source_of(module))
    dirs = []
    for j in range(args.jobs):
        d = work / f"w{j}"
        shutil.copytree(snapshot, d)
        interpreter(d)
        dirs.append(d)
    free = list(dirs)
    results: dict[Mutant, str] = {}
    started = time.monotonic()

    def job(m: Mutant) -> tuple[Mutant, str]:
        d = free.pop()
        try:
            return m, run_one(m, d, args.timeout)
        finally:
            free.append(d)

    with ThreadPoolExecutor(args.jobs) as pool:
        for done, (m, verdict) in enumerate(pool.map(job, todo), 1):
            results[m] = verdict
            if verdict != "killed":
                print(f"  survived {m.key}", flush=True)
            if done % 25 == 0:
                print(f"  {done}/{len(todo)} in {time.monotonic() - started:.0f} s", flush=True)
    shutil.rmtree(work, ignore_errors=True)
    survivors = [m for m, v in results.items() if v != "killed"]
    lines = []
    for module in args.modules:
        mine = [m for m in chosen if m.module == module]
        counted = [m for m in mine if m.key not in known]
        # With --again, a mutant not rerun was killed by the full run before it.
        killed = sum(1 for m in counted if results.get(m, "killed" if previous is not None else None) == "killed")
        score = 100.0 * killed / len(counted) if counted else 100.0
        lines.append(f"{module:8} {killed:5} killed of {len(counted):5} ({len(mine) - len(counted)} equivalent): "
                     f"{score:.1f} %")  # fmt: skip
    total = [m for m in chosen if m.key not in known]
    killed_all = sum(1 for m in total if results.get(m, "killed" if previous is not None else None) == "killed")
    lines.append(f"{'all':8} {killed_all:5} killed of {len(total):5}: {100.0 * killed_all / max(len(total), 1):.1f} %")
    print("\n".join(lines))
    if not args.only:
        with args.survivors.open("w") as out:
            for m in sorted(survivors, key=lambda m: (m.module, m.line)):
                out.write(f"{m.key}\n    (line {m.line})\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
