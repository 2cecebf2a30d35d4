"""The house by layer (README, "Architecture"): the code's own imports, read from its source,
keep the layers, form no circle, and no module or class outgrows what a reader can hold.

Every import counts: at module level, inside a function (hstrack imports lazily for start-up)
and under ``TYPE_CHECKING`` (a type is a dependency too). The layers, lowest first:

    core  <-  store  <-  sharing, sources, notify, views, shell  <-  cli  <-  entry

A layer may import itself and the layers below it; the five in the middle are siblings that
do not import each other; nothing imports ``cli`` but ``entry`` (and ``__main__``), and
anyone may import the root package (``hstrack.__version__``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "hstrack"

BELOW: dict[str, set[str]] = {
    "core": set(),
    "store": {"core"},
    "sharing": {"core", "store"},
    "sources": {"core", "store"},
    "notify": {"core", "store"},
    "views": {"core", "store"},
    "shell": {"core", "store"},
    "cli": {"core", "store", "sharing", "sources", "notify", "views", "shell"},
}
TOP = {"hstrack.entry", "hstrack.__main__"}  # the executable: it dispatches to shell and cli

# Arrows the layers would refuse, each with its reason. Keep this short: a new entry needs a
# reason a reviewer accepts, or the code should move.
EXCEPTIONS: dict[tuple[str, str], str] = {}

# A module of more lines than this is too big to read as one concept, but for generated tables.
MAX_MODULE_LINES = 500
MAX_CLASS_LINES = 250
GENERATED = {"hstrack.shell.completion_table"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str) -> Iterator[tuple[str, int]]:
    """The hstrack modules ``name`` imports, with the line of each import."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name and target.startswith("hstrack"):
                yield target, node.lineno


GRAPH = {name: sorted({t for t, _ in imports_of(name)}) for name in MODULES}


def layer_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in BELOW else None


def test_every_module_lives_in_a_layer() -> None:
    loose = [n for n in MODULES if layer_of(n) is None and n not in TOP and n != "hstrack"]
    assert loose == [], f"modules outside the layers' packages: {loose}"


def test_imports_follow_the_layers() -> None:
    wrong = []
    for name in MODULES:
        mine = layer_of(name)
        if mine is None:
            continue
        for target, line in imports_of(name):
            theirs = layer_of(target)
            if target == "hstrack" or theirs == mine or theirs in BELOW[mine]:
                continue
            if (name, target) not in EXCEPTIONS:
                wrong.append(f"{MODULES[name].relative_to(SRC)}:{line}: {name} ({mine}) imports {target} ({theirs})")
    assert wrong == [], "imports against the layers:\n" + "\n".join(wrong)


def test_nothing_but_the_executable_imports_the_command_layer() -> None:
    users = {n for n, targets in GRAPH.items() for t in targets if layer_of(t) == "cli" and layer_of(n) != "cli"}
    assert users <= TOP


def circles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, []):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circle() -> None:
    assert circles(GRAPH) == []


def test_the_circle_check_can_fail() -> None:
    """Positive control: the check sees a circle, even a long one."""
    assert circles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [["a", "b", "c"]]


@pytest.mark.parametrize("name", sorted(set(MODULES) - GENERATED))
def test_a_module_fits_in_a_reader_s_head(name: str) -> None:
    lines = len(MODULES[name].read_text().splitlines())
    assert lines <= MAX_MODULE_LINES, f"{name} has {lines} lines"


def test_no_class_outgrows_its_concept() -> None:
    big = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and node.end_lineno is not None:
                size = node.end_lineno - node.lineno + 1
                if size > MAX_CLASS_LINES:
                    big.append(f"{name}.{node.name}: {size} lines")
    assert big == []


def test_each_package_says_what_it_holds() -> None:
    """Every layer's package (and every package) opens with a docstring a reader can start
    from; a layer's package imports nothing, so loading one module of it loads no other."""
    for name, path in MODULES.items():
        if path.name != "__init__.py":
            continue
        tree = ast.parse(path.read_text())
        assert ast.get_docstring(tree), f"{name} has no docstring"
        if name.count(".") == 1 and name != "hstrack.cli":
            assert GRAPH[name] == [], f"{name} imports {GRAPH[name]}: a layer's package must stay empty"
