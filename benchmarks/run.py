"""hstrack's benchmark: medians and ratios measured in one run, never absolute targets.

    python benchmarks/run.py                  # sizes 10, 1000, 10000
    python benchmarks/run.py --sizes 10 --runs 5   # a quick smoke run

It builds synthetic stores (5 milestones per title, every precision, some history) in a
temp folder and times each command as a real process against the floor it cannot beat:
``python -c pass`` for ``prompt``; ``import typer`` for ``--json`` and ``check``;
``import typer, rich.console, rich.table`` for the Rich ``status``; and each size against
the 10-title store. It also measures peak RSS, the per-prompt cost of the bash and zsh
snippets over 1,000 renders (no process at all), and a Tab press (``hstrack __complete``,
what the completion scripts run) at every size, as paired ratios against ``python -c pass``
and ``hstrack prompt`` at 1,000 titles (``--tab-only`` measures just that).

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
from datetime import date, timedelta
from pathlib import Path

PYTHON = sys.executable
HSTRACK = str(Path(sys.executable).with_name("hstrack"))
PRECISIONS = ["TBA", "2027", "H2 2027", "Q3 2027", "autumn 2027", "2027-10", "2027-10-03",
              "2027-10-03 08:00 Europe/London"]  # fmt: skip
FLOORS = {
    "python -c pass": [PYTHON, "-c", "pass"],
    "import typer": [PYTHON, "-c", "import typer"],
    "import typer, rich": [PYTHON, "-c", "import typer, rich.console, rich.table"],
}
KINDS = ["announced", "production-start", "production-end", "trailer", "release"]
# Tab presses, as the completion scripts call them: (hstrack __complete arguments).
TABS = {
    "a command": ["bash", "st", "hstrack st"],
    "every title id (bash)": ["bash", "", "hstrack show "],
    "every title id, named (zsh)": ["zsh", "--", "show", ""],
    "a title's milestones": ["bash", "", "hstrack set title-00001 "],
    "a time zone": ["bash", "Eu", "hstrack set title-00001 release 2026-10-03 08:00 Eu"],
}
STALE_TAB = "title ids, first Tab after an outside edit"


def build_store(folder: Path, titles: int) -> Path:
    """A store of `titles` titles written through the library, as hstrack would write it."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    from hstrack.dates import parse_date
    from hstrack.model import Change, Document, Milestone, Title
    from hstrack.store import dumps

    doc = Document()
    today = date.today()
    for n in range(titles):
        t = Title(id=f"title-{n:05d}", name=f"Synthetic title {n}", kind="film", platform="Netflix")
        for j, kind in enumerate(KINDS):
            when = PRECISIONS[(n + j) % len(PRECISIONS)]
            if kind == "release" and n % 3 == 0:
                when = (today + timedelta(days=30 + n % 300)).isoformat()
            t.milestones[kind] = Milestone(kind, parse_date(when), source=f"https://example.org/{n}/{kind}")
        if n % 4 == 0:  # some history: a release that slipped
            old = Milestone("release", parse_date("2026"))
            t.history.append(Change("2026-01-01T10:00:00+00:00", "release", None, old))
            t.history.append(Change("2026-06-01T10:00:00+00:00", "release", old, t.milestones["release"]))
        doc.titles[t.id] = t
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "store.json").write_bytes(dumps(doc))
    return folder


def median_ms(argv: list[str], env: dict[str, str], runs: int) -> float:
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)  # warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def paired_ratio(argv: list[str], floor: list[str], env: dict[str, str], runs: int) -> float:
    """The median of command/floor ratios taken in alternation, so that the machine's
    drift during the run hits both sides of each ratio alike."""
    ratios = []
    for _ in range(runs):
        cmd, base = median_ms(argv, env, 1), median_ms(floor, env, 1)
        ratios.append(cmd / base)
    return statistics.median(ratios)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,1000,10000")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--tab-only", action="store_true", help="measure only the Tab presses")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    tab_size = 1000 if 1000 in sizes else max(sizes)  # where the paired Tab ratios are taken
    base_env = {"PATH": os.environ.get("PATH", ""), "TZ": "Europe/London", "LANG": "C.UTF-8",
                "HOME": tempfile.gettempdir()}  # fmt: skip
    runs = args.runs

    floors = {name: median_ms(argv, base_env, runs) for name, argv in FLOORS.items()}
    tabs: dict[int, dict[str, dict[str, float]]] = {}
    commands = {
        "status --json": (["status", "--json"], "import typer"),
        "status (Rich, piped)": (["status"], "import typer, rich"),
        "status --chart": (["status", "--chart"], "import typer, rich"),
        "calendar": (["calendar", "--months", "3"], "import typer, rich"),
        "check": (["check", "title-00000", "--has-date", "release"], "import typer"),
        "set (one write)": (["set", "title-00001", "trailer", "2027-05-01"], "import typer"),
        "prompt": (["prompt"], "python -c pass"),
        "export --format ics": (["export", "--format", "ics"], "import typer"),
    }
    results: dict[str, dict[int, float]] = {name: {} for name in commands}
    paired: dict[str, float] = {}
    rss: dict[str, float] = {}
    shells: dict[str, float | None] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            home = build_store(Path(tmp) / f"store-{size}", size)
            env = {**base_env, "HSTRACK_HOME": str(home)}
            subprocess.run([HSTRACK, "pin", "title-00000"], env=env, capture_output=True, check=True)
            tabs[size] = tab_results(home, env, runs, paired=size == tab_size)
            if args.tab_only:
                continue
            for name, (argv, _) in commands.items():
                if name.startswith("set"):
                    # Alternate two dates so every run really writes.
                    times = []
                    for i in range(runs):
                        day = "2027-05-01" if i % 2 else "2027-05-02"
                        start = time.perf_counter()
                        subprocess.run([HSTRACK, "set", "title-00001", "trailer", day], env=env,
                                       capture_output=True, check=True)  # fmt: skip
                        times.append((time.perf_counter() - start) * 1000)
                    results[name][size] = statistics.median(times)
                else:
                    results[name][size] = median_ms([HSTRACK, *argv], env, runs)
            if size == max(sizes):
                for name, (argv, _) in commands.items():
                    rss[name] = peak_rss_mib([HSTRACK, *argv], env)
            if size == min(sizes):
                shells = {shell: shell_render_us(shell, env) for shell in ("bash", "zsh")}
                for name, (argv, floor) in commands.items():
                    if not name.startswith("set"):  # a write changes the store; its floor ratio is shown plain
                        paired[name] = paired_ratio([HSTRACK, *argv], FLOORS[floor], env, runs)

    smallest, largest = min(sizes), max(sizes)
    print(f"hstrack benchmark · {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · "
          f"median of {runs} runs\n")  # fmt: skip
    print("| floor | ms |\n| --- | ---: |")
    for name, ms in floors.items():
        print(f"| `{name}` | {ms:.1f} |")
    header = " | ".join(f"{s:,} titles" for s in sizes)
    ratios_header = f"× `python -c pass` ({tab_size:,}) | × `hstrack prompt` ({tab_size:,})"
    print(f"\n| Tab press offering | {header} | {ratios_header} |")
    print("| --- |" + " ---: |" * (len(sizes) + 2))
    for name in [*TABS, STALE_TAB]:
        times = " | ".join(f"{tabs[s][name]['ms']:.1f} ms" for s in sizes)
        ratios = tabs[tab_size][name]
        shown = " | ".join(f"{ratios[k]:.2f}" if k in ratios else "" for k in ("pass", "prompt"))
        print(f"| {name} | {times} | {shown} |")
    if args.tab_only:
        print("\n" + json.dumps({"floors": floors, "tabs": {str(s): t for s, t in tabs.items()}}))
        return
    header = " | ".join(f"{s:,} titles" for s in sizes)
    print(f"\n| command | floor | {header} | × floor ({smallest:,}) | {largest:,} ÷ {smallest:,} | "
          f"peak RSS at {largest:,} |")  # fmt: skip
    print("| --- | --- |" + " ---: |" * len(sizes) + " ---: | ---: | ---: |")
    for name, (_, floor) in commands.items():
        times = " | ".join(f"{results[name][s]:.1f} ms" for s in sizes)
        ratio = paired.get(name, results[name][smallest] / floors[floor])
        print(f"| `{name}` | `{floor}` | {times} | {ratio:.2f} | "
              f"{results[name][largest] / results[name][smallest]:.2f} | {rss.get(name, 0):.0f} MiB |")  # fmt: skip
    print("\n| snippet | µs per prompt (1,000 renders, no process) |\n| --- | ---: |")
    for shell, us in shells.items():
        print(f"| {shell} | {'not installed' if us is None else f'{us:.0f}'} |")
    print(
        "\n"
        + json.dumps(
            {
                "floors": floors,
                "results": {k: {str(s): v for s, v in d.items()} for k, d in results.items()},
                "rss_mib": rss,
                "shells_us": shells,
                "tabs": {str(s): t for s, t in tabs.items()},
            }
        )
    )


if __name__ == "__main__":
    main()
