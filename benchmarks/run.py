"""hstrack's benchmark: medians and ratios measured in one run, never absolute targets.

    python benchmarks/run.py                  # sizes 10, 1000, 10000
    python benchmarks/run.py --sizes 10 --runs 5   # a quick smoke run

It builds synthetic stores (5 milestones per title, every precision, some history) in a
temp folder and times each command as a real process against the floor it cannot beat:
``python -c pass`` for ``prompt``; ``import typer`` for ``--json``, ``check``, ``countdown``,
``set`` and ``export``; ``import typer, rich.console, rich.table`` for what Rich draws even
when piped (``status``, ``status --chart``, ``calendar``, ``show``); and each size against
the 10-title store. It also measures peak RSS, the per-prompt cost of the bash and zsh
snippets over 1,000 renders (no process at all), and a Tab press (``hstrack __complete``,
what the completion scripts run) at every size, as paired ratios against ``python -c pass``
and ``hstrack prompt`` at 1,000 titles (``--tab-only`` measures just that).

Beside taskwarrior (issue 18): at every size of 1,000 or more, and at the largest size
always, it gives taskwarrior (``task``, Debian's ``taskwarrior``, 2.6) a store of as many
pending tasks, each with a description and a due date, loaded with one ``task import``,
and pairs hstrack's ``check``, ``countdown``, ``show``, ``set`` and ``status --json`` with
``task count``, ``task add`` and ``task export``, run alternately. Every ``task`` call gets
``TASKRC`` and ``TASKDATA`` pointing into the temp folder, so the user's ``~/.taskrc`` and
``~/.task`` are never read or written. The private taskrc is::

    data.location=<temp folder>   # where TASKDATA points too
    confirmation=off              # never stop to ask yes or no
    verbose=nothing               # no "Created task 1.", headers or override notes: data only
    hooks=off                     # hooks.location defaults to ~/.task/hooks, the user's hooks
    news.version=<task --version> # 2.6 asks to read "task news" until this matches
    color=off                     # plain text, like hstrack's piped output

``gc`` and ``recurrence`` keep their defaults (on): they are part of what every taskwarrior
command costs its users, and with only pending, non-recurring tasks they move, renumber
and create nothing. Without ``task`` (or with ``--no-taskwarrior``) the pairs are skipped,
with a note saying so and how to install it. A summary of issue 18's targets ends the run.

Machines here are noisy: read the ratios, which are taken within one run, not the times.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import CORPORA, build_realistic, build_store  # noqa: F401  (the tests build with it)

PYTHON = sys.executable
HSTRACK = str(Path(sys.executable).with_name("hstrack"))
FLOORS = {
    "python -c pass": [PYTHON, "-c", "pass"],
    "import typer": [PYTHON, "-c", "import typer"],
    "import typer, rich": [PYTHON, "-c", "import typer, rich.console, rich.table"],
}
# Tab presses, as the completion scripts call them: (hstrack __complete arguments).
TABS = {
    "a command": ["bash", "st", "hstrack st"],
    "every title id (bash)": ["bash", "", "hstrack show "],
    "every title id, named (zsh)": ["zsh", "--", "show", ""],
    "a title's milestones": ["bash", "", "hstrack set title-00001 "],
    "a time zone": ["bash", "Eu", "hstrack set title-00001 release 2026-10-03 08:00 Eu"],
}
STALE_TAB = "title ids, first Tab after an outside edit"
# The commands table: (arguments, floor). `set` gets its date per run from set_argv.
COMMANDS = {
    "status --json": (["status", "--json"], "import typer"),
    "status (Rich, piped)": (["status"], "import typer, rich"),
    "status --chart": (["status", "--chart"], "import typer, rich"),
    "calendar": (["calendar", "--months", "3"], "import typer, rich"),
    "check": (["check", "title-00000", "--has-date", "release"], "import typer"),
    "countdown": (["countdown", "title-00000"], "import typer"),
    # Piped, `show` still draws its chart and timeline with Rich (no colour), so Rich is its floor.
    "show": (["show", "title-00000"], "import typer, rich"),
    "set (one write)": (["set", "title-00001", "trailer"], "import typer"),
    "prompt": (["prompt"], "python -c pass"),
    "export --format ics": (["export", "--format", "ics"], "import typer"),
}
WRITE = "set (one write)"
# Two dates taken in turn, so that every timed `set` (and `task add`) really changes the store.
SET_DAYS = ("2027-05-01", "2027-05-02")
RSS_DAY = "2027-05-03"  # neither of SET_DAYS: the measured write is a real one too
# Issue 30's pairs: (hstrack command, taskwarrior command, target ratio at 10,000).
PAIRS = [
    ("check", "task count", 1.5),
    ("countdown", "task count", 1.5),
    ("show", "task count", 1.5),
    (WRITE, "task add", 3.0),
    ("status --json", "task export", 4.0),  # its output holds far more per item than an export
]
# The commands that read every title, each paired with the floor of merely parsing the
# same store and encoding it again with orjson (issue 30: how far each is from the limit).
WHOLE_STORE = ["status --json", "status (Rich, piped)", "status --chart", "calendar", WRITE, "export --format ics"]
PARSE_ENCODE = "parse+encode (orjson)"
PARSE_ENCODE_CODE = (
    "import orjson, sys; data = orjson.loads(open(sys.argv[1], 'rb').read()); "
    "sys.stdout.buffer.write(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))"
)
FLOOR_TARGET = ("status --json", 3.0)  # issue 30: at most 3 × the parse+encode floor at 10,000
TASK_ARGS: dict[str, Callable[[int], list[str]]] = {
    "task count": lambda i: ["count"],
    "task add": lambda i: ["add", "Synthetic task", f"due:{SET_DAYS[i % 2]}"],
    "task export": lambda i: ["export"],
}
TARGET_SIZE = 10_000  # where issues 18 and 30 set the taskwarrior and memory targets
# The start-up targets at 10 titles: (command, at most this × its floor).
FLOOR_TARGETS = [("status --json", 1.25), ("check", 1.25), (WRITE, 1.4), ("status (Rich, piped)", 1.25)]
RSS_LIMIT_MIB = 150
TASKRC = """data.location={data}
confirmation=off
verbose=nothing
hooks=off
news.version={version}
color=off
"""


def build_taskwarrior(folder: Path, tasks: int, task: str, version: str, env: dict[str, str]) -> dict[str, str]:
    """A taskwarrior store of `tasks` pending tasks, each with a description and a due date
    spread like the stores' releases, in one `task import`; returns the environment that
    points every `task` call at it (the private taskrc is in the module docstring)."""
    data = folder / "data"
    data.mkdir(parents=True)
    (folder / "taskrc").write_text(TASKRC.format(data=data, version=version), encoding="utf-8")
    today = date.today()
    rows = [{"uuid": f"00000000-0000-4000-8000-{n + 1:012x}", "status": "pending", "entry": "20260101T100000Z",
             "description": f"Synthetic task {n}",
             "due": (today + timedelta(days=30 + n % 300)).strftime("%Y%m%dT000000Z")}
            for n in range(tasks)]  # fmt: skip
    (folder / "tasks.json").write_text(json.dumps(rows), encoding="utf-8")
    task_env = {**env, "TASKRC": str(folder / "taskrc"), "TASKDATA": str(data)}
    # import lists every task it adds on stdout: nothing to read there.
    subprocess.run([task, "import", str(folder / "tasks.json")], env=task_env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE, check=True)  # fmt: skip
    counted = subprocess.run([task, "count"], env=task_env, capture_output=True, text=True, check=True).stdout
    if counted.strip() != str(tasks):
        raise RuntimeError(f"taskwarrior holds {counted.strip()!r} tasks, not {tasks}: the pairs would mislead")
    return task_env


def run_ms(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return (time.perf_counter() - start) * 1000


def median_of(argv_at: Callable[[int], list[str]], env: dict[str, str], runs: int) -> float:
    """The median of `runs` timed runs of argv_at(0), argv_at(1), …, after an untimed
    warm-up run of argv_at(-1)."""
    run_ms(argv_at(-1), env)
    return statistics.median(run_ms(argv_at(i), env) for i in range(runs))


def median_ms(argv: list[str], env: dict[str, str], runs: int) -> float:
    return median_of(lambda i: argv, env, runs)


def paired_runs(first: Callable[[int], list[str]], first_env: dict[str, str], second: Callable[[int], list[str]],
                second_env: dict[str, str], runs: int) -> tuple[float, float, float]:  # fmt: skip
    """Each side's median ms and the median of first/second ratios, the two run in
    alternation (after one warm-up each), so that the machine's drift during the run hits
    both sides of each ratio alike."""
    run_ms(first(-1), first_env)
    run_ms(second(-1), second_env)
    pairs = [(run_ms(first(i), first_env), run_ms(second(i), second_env)) for i in range(runs)]
    return (statistics.median(a for a, _ in pairs), statistics.median(b for _, b in pairs),
            statistics.median(a / b for a, b in pairs))  # fmt: skip


def paired_ratio(argv: list[str], floor: list[str], env: dict[str, str], runs: int) -> float:
    """The median of command/floor ratios taken in alternation."""
    return paired_runs(lambda i: argv, env, lambda i: floor, env, runs)[2]


def hstrack_argv(name: str) -> Callable[[int], list[str]]:
    """The command line of a COMMANDS row at run i; `set` takes SET_DAYS in turn so every
    run really writes (the warm-up, i = -1, takes the other date from run 0's)."""
    argv = [HSTRACK, *COMMANDS[name][0]]
    if name == WRITE:
        return lambda i: [*argv, SET_DAYS[i % 2]]
    return lambda i: argv


def task_argv(task: str, name: str) -> Callable[[int], list[str]]:
    return lambda i: [task, *TASK_ARGS[name](i)]


def taskwarrior() -> tuple[str | None, str, str]:
    """(path of `task`, its version, why the pairs are skipped: empty when they are not)."""
    task = shutil.which("task")
    if task is None:
        return None, "", ("`task` is not installed: install taskwarrior 2.6 (Debian and Ubuntu: "
                          "`apt-get install taskwarrior`) to measure the pairs")  # fmt: skip
    out = subprocess.run([task, "--version"], capture_output=True, text=True, check=False, env={"TASKRC": os.devnull})
    return task, out.stdout.strip(), ""


def peak_rss_mib(argv: list[str], env: dict[str, str]) -> float:
    """Peak RSS of one run, measured in a fresh helper so earlier children do not count."""
    code = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
        "stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([PYTHON, "-c", code, *argv], env=env, capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024


def shell_render_us(shell: str, env: dict[str, str]) -> float | None:
    """Microseconds per prompt for the bash or zsh snippet, over 1,000 renders."""
    if shutil.which(shell) is None:
        return None
    snippet = subprocess.run([HSTRACK, "init", shell], env=env, capture_output=True, text=True, check=True).stdout
    hook = "__hstrack_render" if shell == "bash" else "__hstrack_precmd"
    body = (
        f'eval "$HSTRACK_SNIPPET"; {"zmodload zsh/datetime; " if shell == "zsh" else ""}{hook}; '
        f"t0=$EPOCHREALTIME; for ((i=0;i<1000;i++)); do {hook}; done; t1=$EPOCHREALTIME; "
        'echo "$t0 $t1 $HSTRACK_PROMPT"'
    )
    args = ["--norc", "-c", body] if shell == "bash" else ["-f", "-c", body]
    out = subprocess.run([shell, *args], env={**env, "HSTRACK_SNIPPET": snippet}, capture_output=True, text=True,
                         check=True).stdout.split()  # fmt: skip
    if len(out) < 3:
        raise RuntimeError(f"{shell}: the snippet rendered nothing; the benchmark would measure nothing")
    return (float(out[1]) - float(out[0])) * 1000  # seconds per 1,000 renders -> µs per render


def stale_tab_ms(home: Path, env: dict[str, str], runs: int) -> float:
    """A Tab press that finds the cache older than the store (an edit outside hstrack):
    it rebuilds the cache from the store, once; each run touches the store first."""
    times = []
    for _ in range(runs):
        os.utime(home / "store.json")
        start = time.perf_counter()
        subprocess.run([HSTRACK, "__complete", *TABS["every title id (bash)"]], env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)  # fmt: skip
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def tab_results(home: Path, env: dict[str, str], runs: int, paired: bool) -> dict[str, dict[str, float]]:
    """Per Tab press: its median ms, and with ``paired`` its paired ratios to `python -c
    pass` and to `hstrack prompt`."""
    out: dict[str, dict[str, float]] = {}
    for name, argv in TABS.items():
        command = [HSTRACK, "__complete", *argv]
        out[name] = {"ms": median_ms(command, env, runs)}
        if paired:
            out[name]["pass"] = paired_ratio(command, FLOORS["python -c pass"], env, runs)
            out[name]["prompt"] = paired_ratio(command, [HSTRACK, "prompt"], env, runs)
    out[STALE_TAB] = {"ms": stale_tab_ms(home, env, max(3, runs // 3))}
    return out


def parse_encode_argv(home: Path) -> list[str]:
    return [PYTHON, "-c", PARSE_ENCODE_CODE, str(home / "store.json")]


def measure(corpus: str, sizes: list[int], runs: int, tmp: Path, task: str | None, task_version: str,
            args: argparse.Namespace, base_env: dict[str, str]) -> dict[str, object]:  # fmt: skip
    """Every measurement of one corpus at every size, taken in this run."""
    smallest, largest = min(sizes), max(sizes)
    tab_size = 1000 if 1000 in sizes else largest  # where the paired Tab ratios are taken
    # Taskwarrior beside hstrack at every size from 1,000, and at the largest always, so that
    # a quick run at one small size still shows the pairs.
    pair_sizes = [s for s in sizes if s >= 1000 or s == largest]
    names = [n for n in COMMANDS if not args.only or n in args.only]
    tabs: dict[int, dict[str, dict[str, float]]] = {}
    results: dict[str, dict[int, float]] = {name: {} for name in names}
    paired: dict[str, float] = {}
    rss: dict[str, float] = {}
    shells: dict[str, float | None] = {}
    pairs: dict[int, dict[str, dict[str, float]]] = {}
    task_rss: dict[str, float] = {}
    floor_ms: dict[int, float] = {}
    floor_ratio: dict[int, dict[str, float]] = {}
    megabytes: dict[int, float] = {}
    builder = CORPORA[corpus]
    for size in sizes:
        home = builder(tmp / f"{corpus}-{size}", size)
        megabytes[size] = (home / "store.json").stat().st_size / 1e6
        env = {**base_env, "HSTRACK_HOME": str(home)}
        subprocess.run([HSTRACK, "pin", "title-00000"], env=env, capture_output=True, check=True)
        if not args.only:
            tabs[size] = tab_results(home, env, runs, paired=size == tab_size)
        if args.tab_only:
            continue
        for name in names:
            results[name][size] = median_of(hstrack_argv(name), env, runs)
        floor = parse_encode_argv(home)
        floor_ms[size] = median_ms(floor, env, runs)
        if size in pair_sizes:  # each whole-store command beside the parse+encode floor, paired
            floor_ratio[size] = {
                name: paired_runs(hstrack_argv(name), env, lambda i, f=floor: f, env, runs)[2]
                for name in WHOLE_STORE
                if name in names
            }
        if size == largest:
            for name in names:
                argv = [HSTRACK, *COMMANDS[name][0], RSS_DAY] if name == WRITE else hstrack_argv(name)(0)
                rss[name] = peak_rss_mib(argv, env)
            rss[PARSE_ENCODE] = peak_rss_mib(floor, env)
        if size == smallest:
            shells = {shell: shell_render_us(shell, env) for shell in ("bash", "zsh")}
            for name in names:
                base = FLOORS[COMMANDS[name][1]]
                paired[name] = paired_runs(hstrack_argv(name), env, lambda i, base=base: base, env, runs)[2]
        if task is not None and size in pair_sizes:
            task_env = build_taskwarrior(tmp / f"task-{corpus}-{size}", size, task, task_version, base_env)
            pairs[size] = {}
            for name, other, _ in PAIRS:
                if name not in names:
                    continue
                ms, other_ms, ratio = paired_runs(hstrack_argv(name), env, task_argv(task, other), task_env, runs)
                pairs[size][name] = {"hstrack_ms": ms, "task_ms": other_ms, "ratio": ratio}
            if size == largest:
                for other, make in TASK_ARGS.items():
                    task_rss[other] = peak_rss_mib([task, *make(0)], task_env)
    return {"sizes": sizes, "tab_size": tab_size, "names": names, "tabs": tabs, "results": results,
            "paired": paired, "rss": rss, "shells": shells, "pairs": pairs, "task_rss": task_rss,
            "floor_ms": floor_ms, "floor_ratio": floor_ratio, "megabytes": megabytes}  # fmt: skip


def report(corpus: str, m: dict, runs: int, task_version: str, skipped: str, tab_only: bool) -> dict[str, object]:  # type: ignore[type-arg]
    """Print one corpus's tables; returns what goes into the run's JSON for it."""
    sizes: list[int] = m["sizes"]
    smallest, largest, tab_size = min(sizes), max(sizes), m["tab_size"]
    tabs, results, paired, rss, pairs = m["tabs"], m["results"], m["paired"], m["rss"], m["pairs"]
    names = m["names"]
    stores = ", ".join(f"{s:,}: {m['megabytes'][s]:.1f} MB" for s in sizes)
    print(f"\n## Corpus `{corpus}` (store sizes {stores})")
    header = " | ".join(f"{s:,} titles" for s in sizes)
    if tabs:
        ratios_header = f"× `python -c pass` ({tab_size:,}) | × `hstrack prompt` ({tab_size:,})"
        print(f"\n| Tab press offering | {header} | {ratios_header} |")
        print("| --- |" + " ---: |" * (len(sizes) + 2))
        for name in [*TABS, STALE_TAB]:
            times = " | ".join(f"{tabs[s][name]['ms']:.1f} ms" for s in sizes)
            ratios = tabs[tab_size][name]
            shown = " | ".join(f"{ratios[k]:.2f}" if k in ratios else "" for k in ("pass", "prompt"))
            print(f"| {name} | {times} | {shown} |")
    if tab_only:
        return {"tabs": {str(s): t for s, t in tabs.items()}}
    print(f"\n| command | floor | {header} | × floor ({smallest:,}) | {largest:,} ÷ {smallest:,} | "
          f"× {PARSE_ENCODE} ({largest:,}) | peak RSS at {largest:,} |")  # fmt: skip
    print("| --- | --- |" + " ---: |" * len(sizes) + " ---: | ---: | ---: | ---: |")
    times = " | ".join(f"{m['floor_ms'][s]:.1f} ms" for s in sizes)
    print(f"| *{PARSE_ENCODE}* | *the floor* | {times} |  |  |  | {rss[PARSE_ENCODE]:.0f} MiB |")
    for name in names:
        times = " | ".join(f"{results[name][s]:.1f} ms" for s in sizes)
        ratio = m["floor_ratio"].get(largest, {}).get(name)
        print(f"| `{name}` | `{COMMANDS[name][1]}` | {times} | {paired[name]:.2f} | "
              f"{results[name][largest] / results[name][smallest]:.2f} | {'' if ratio is None else f'{ratio:.2f}'} | "
              f"{rss[name]:.0f} MiB |")  # fmt: skip
    heavy = {name: mib for name, mib in rss.items() if mib > RSS_LIMIT_MIB and name != PARSE_ENCODE}
    listed = ", ".join(f"`{name}` {mib:.0f} MiB" for name, mib in heavy.items()) or "none"
    print(f"\nOver {RSS_LIMIT_MIB} MiB peak RSS at {largest:,} titles: {listed}.")
    if m["shells"]:
        print("\n| snippet | µs per prompt (1,000 renders, no process) |\n| --- | ---: |")
        for shell, us in m["shells"].items():
            print(f"| {shell} | {'not installed' if us is None else f'{us:.0f}'} |")

    if skipped:
        print(f"\nhstrack beside taskwarrior: skipped ({skipped}).")
    for size, row in pairs.items():
        with_rss = size == largest
        print(f"\nhstrack beside taskwarrior {task_version} · {size:,} titles and {size:,} pending tasks with due "
              f"dates · paired: each run of hstrack followed by one of task, {runs} pairs\n")  # fmt: skip
        rss_header = " peak RSS hstrack | peak RSS task |" if with_rss else ""
        print(f"| hstrack | taskwarrior | hstrack ms | task ms | ratio | target (issue 30, at {TARGET_SIZE:,}) | "
              f"result |{rss_header}")  # fmt: skip
        print("| --- | --- | ---: | ---: | ---: | ---: | --- |" + (" ---: | ---: |" if with_rss else ""))
        for name, other, target in PAIRS:
            if name not in row:
                continue
            got = row[name]
            memory = f" {rss[name]:.0f} MiB | {m['task_rss'][other]:.0f} MiB |" if with_rss else ""
            # The issue sets these ratios for 10,000 titles; at other sizes they are shown, not judged.
            result = (
                ("met" if got["ratio"] <= target else "not met")
                if size == TARGET_SIZE
                else f"(judged at {TARGET_SIZE:,})"
            )
            print(f"| `{name}` | `{other}` | {got['hstrack_ms']:.1f} | {got['task_ms']:.1f} | {got['ratio']:.2f} | "
                  f"≤ {target:g} | {result} |{memory}")  # fmt: skip

    targets: list[dict[str, object]] = []

    def target_row(text: str, measured: str, met: bool | None) -> None:
        result = {True: "met", False: "not met", None: "not measured"}[met]
        targets.append({"target": text, "measured": measured, "met": met, "result": result})

    for name, other, target in PAIRS:
        text = f"{TARGET_SIZE:,} titles: `{name}` ≤ {target:g} × `{other}`"
        if TARGET_SIZE in pairs and name in pairs[TARGET_SIZE]:
            ratio = pairs[TARGET_SIZE][name]["ratio"]
            target_row(text, f"{ratio:.2f}", ratio <= target)
        else:
            why = f"taskwarrior skipped: {skipped}" if TARGET_SIZE in sizes else f"needs {TARGET_SIZE:,} in --sizes"
            target_row(text, f"not measured ({why})", None)
    name, target = FLOOR_TARGET
    text = f"{TARGET_SIZE:,} titles: `{name}` ≤ {target:g} × {PARSE_ENCODE}"
    got = m["floor_ratio"].get(TARGET_SIZE, {}).get(name)
    if got is not None:
        target_row(text, f"{got:.2f}", got <= target)
    else:
        target_row(text, f"not measured (needs {TARGET_SIZE:,} in --sizes)", None)
    for name, target in FLOOR_TARGETS:
        floor = COMMANDS[name][1]
        text = f"10 titles: `{name}` ≤ {target:g} × `{floor}`"
        if smallest == 10 and name in paired:
            target_row(text, f"{paired[name]:.2f}", paired[name] <= target)
        else:
            target_row(text, "not measured (needs 10 in --sizes)", None)
    text = f"peak RSS ≤ {RSS_LIMIT_MIB} MiB for every command at {TARGET_SIZE:,} titles"
    if largest == TARGET_SIZE:
        mine = {k: v for k, v in rss.items() if k != PARSE_ENCODE}
        worst = max(mine, key=mine.__getitem__)
        target_row(text, f"{listed}; largest `{worst}` {rss[worst]:.0f} MiB" if heavy else
                   f"largest `{worst}` {rss[worst]:.0f} MiB", not heavy)  # fmt: skip
    else:
        target_row(text, f"not measured (needs {TARGET_SIZE:,} as the largest size)", None)
    print(f"\nIssue 30's targets in this run, corpus `{corpus}`\n\n| target | measured | result |\n| --- | --- | --- |")
    for row in targets:
        print(f"| {row['target']} | {row['measured']} | {row['result']} |")
    return {
        "results": {k: {str(s): v for s, v in d.items()} for k, d in results.items()},
        "parse_encode_ms": {str(s): v for s, v in m["floor_ms"].items()},
        "parse_encode_ratios": {str(s): v for s, v in m["floor_ratio"].items()},
        "store_mb": {str(s): v for s, v in m["megabytes"].items()},
        "rss_mib": rss,
        "shells_us": m["shells"],
        "tabs": {str(s): t for s, t in tabs.items()},
        "floor_ratios": paired,
        "rss_over_limit_mib": heavy,
        "taskwarrior": {
            "version": task_version or None,
            "skipped": skipped or None,
            "pairs": {str(s): p for s, p in pairs.items()},
            "rss_mib": m["task_rss"],
        },
        "targets": targets,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,1000,10000")
    parser.add_argument("--runs", type=int, default=15)
    stores = ", ".join(CORPORA)
    parser.add_argument(
        "--corpus", default="benchmark,realistic", help=f"which stores: {stores} (benchmarks/corpus.py)"
    )
    parser.add_argument("--only", default="", help="measure only these commands (comma-separated rows)")
    parser.add_argument("--tab-only", action="store_true", help="measure only the Tab presses")
    parser.add_argument("--no-taskwarrior", action="store_true", help="skip the pairs with taskwarrior")
    args = parser.parse_args()
    args.only = [n.strip() for n in args.only.split(",") if n.strip()]
    sizes = [int(s) for s in args.sizes.split(",")]
    corpora = [c.strip() for c in args.corpus.split(",") if c.strip()]
    if unknown := [c for c in [*corpora, *args.only] if c not in CORPORA and c not in COMMANDS]:
        parser.error(f"unknown corpus or command: {', '.join(unknown)}")
    base_env = {"PATH": os.environ.get("PATH", ""), "TZ": "Europe/London", "LANG": "C.UTF-8",
                "HOME": tempfile.gettempdir()}  # fmt: skip
    runs = args.runs
    task, task_version, skipped = taskwarrior()
    if args.no_taskwarrior:
        task, skipped = None, "--no-taskwarrior"

    floors = {name: median_ms(argv, base_env, runs) for name, argv in FLOORS.items()}
    measured = {}
    with tempfile.TemporaryDirectory() as tmp:
        for corpus in corpora:
            measured[corpus] = measure(corpus, sizes, runs, Path(tmp), task, task_version, args, base_env)

    print(f"hstrack benchmark · {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · "
          f"median of {runs} runs\n")  # fmt: skip
    print("| floor | ms |\n| --- | ---: |")
    for name, ms in floors.items():
        print(f"| `{name}` | {ms:.1f} |")
    out = {corpus: report(corpus, m, runs, task_version, skipped, args.tab_only) for corpus, m in measured.items()}
    first = out[corpora[0]]
    print("\n" + json.dumps({"floors": floors, **first, "corpora": out}))


if __name__ == "__main__":
    main()
