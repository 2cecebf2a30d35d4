"""The prompt widget, in real shells: bash, zsh and fish through a pty, processes counted
with strace, the clock really passing midnight, and hostile titles that must stay inert.

Midnight without fake clocks: TZ is set to a POSIX rule ("XXX-05:27:13") whose offset puts
local time a few seconds before midnight, and the test waits for the real clock to pass it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import tomllib
from datetime import date, datetime, timedelta, timezone
from datetime import time as dtime
from pathlib import Path
from typing import ClassVar

import pytest

from hstrack.core.dates.grammar import parse_date
from hstrack.core.model.document import Document
from hstrack.core.model.milestone import Milestone
from hstrack.core.model.title import Title
from hstrack.shell.prompt import parse, render
from hstrack.store.prompt_cache import Segment, _segment_for, build, day_number, pinned_segment

from .conftest import need

BIN = Path(sys.executable).with_name("hstrack")
ANSI = re.compile(r"\x1b\[[0-9;?]*[a-zA-Z]|\x1b\][^\x07]*\x07|\x1b[=>]")
HOSTILE = "100% %F{$(touch P1)} $(touch P2) `touch P3` \\u \\$ %n !"
# A label (at most 32 characters) with everything a prompt language could act on.
HOSTILE_LABEL = "%F{$(touch P1)}`touch P3`\\u\\$%n!"


def posix_tz(seconds_to_midnight: float) -> tuple[str, timezone]:
    """A TZ rule under which local midnight is `seconds_to_midnight` away right now."""
    offset = int(86400 - seconds_to_midnight - time.time() % 86400) % 86400
    h, rest = divmod(offset, 3600)
    # POSIX puts the sign the other way round: XXX-05:00 is five hours *ahead* of UTC.
    return f"XXX-{h:02d}:{rest // 60:02d}:{rest % 60:02d}", timezone(timedelta(seconds=offset))


def local_today(zone: timezone) -> date:
    return datetime.now(zone).date()


def env_for(home: Path, tz: str, **extra: str) -> dict[str, str]:
    return {
        "HOME": str(home.parent / "shell-home"),
        "PATH": f"{BIN.parent}:/usr/local/bin:/usr/bin:/bin",
        "TZ": tz,
        "HSTRACK_HOME": str(home),
        "LANG": "C.UTF-8",
        "TERM": "dumb",
        **extra,
    }


def hstrack(home: Path, tz: str, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(BIN), *args], env=env_for(home, tz), capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return result


def film_home(tmp_path: Path, tz: str, zone: timezone, days: int = 42) -> Path:
    home = tmp_path / "home"
    (tmp_path / "shell-home").mkdir(exist_ok=True)
    hstrack(home, tz, "set", "heartstopper-film", "release", (local_today(zone) + timedelta(days=days)).isoformat())
    hstrack(home, tz, "pin", "heartstopper-film")
    return home


class Shell:
    """An interactive shell on a pty whose prompt ends in 'PS> '."""

    # 'P''S> ' so that the echo of this very line does not look like a prompt.
    SETUP: ClassVar[dict[str, str]] = {
        "bash": "PS1='P''S> '; eval \"$(hstrack init bash)\"",
        "zsh": "PROMPT='P''S> '; eval \"$(hstrack init zsh)\"",
        "fish": "function fish_prompt; printf 'P''S> '; end; hstrack init fish | source",
    }
    ARGS: ClassVar[dict[str, list[str]]] = {
        "bash": ["--norc", "--noprofile", "-i"],
        "zsh": ["-f", "-i"],
        "fish": ["--no-config", "-i"],
    }

    def __init__(
        self, name: str, env: dict[str, str], cwd: Path, strace_log: Path | None = None, before: str = ""
    ) -> None:
        """``before``: a line of the user's own, run just before the snippet is evaluated."""
        import pexpect

        program = need(name)
        argv = [program, *self.ARGS[name]]
        if strace_log is not None:
            argv = [need("strace"), "-f", "-qq", "-e", "trace=process", "-o", str(strace_log), *argv]
        self.name = name
        self.count = 0
        setup = f"{before}; {self.SETUP[name]}" if before else self.SETUP[name]
        self.child = pexpect.spawn(argv[0], argv[1:], env=env, cwd=str(cwd), encoding="utf-8", timeout=20,
                                   dimensions=(40, 300))  # fmt: skip
        self.run(setup)

    def run(self, line: str) -> str:
        """Send a line; return the text the prompt after it shows before 'PS> '.

        fish repaints the prompt while a line is typed, so 'PS> ' alone does not mean the
        command has run. A builtin printf whose output ('SYNC-n') differs from its echo
        ('SYNC n') marks the point; the prompt after it is the one we read."""
        self.count += 1
        self.child.sendline(line)
        self.child.sendline(f"printf '%s-%s\\n' SYNC {self.count}")
        self.child.expect_exact(f"SYNC-{self.count}")
        self.child.expect_exact("PS> ")
        return self.segment()

    def segment(self) -> str:
        text = ANSI.sub("", self.child.before or "")
        last = text.replace("\r\n", "\n").split("\n")[-1]
        return last.split("\r")[-1].strip()

    def close(self) -> None:
        self.child.sendline("exit")
        self.child.expect(__import__("pexpect").EOF)


# ---------------------------------------------------------------------------- the core of it


RELEASE_FIRST = ["release", "premiere", "trailer", "OWN", "announced", "production-end", "production-start"]


def expected_segment(doc: Document, now: datetime, rule: str = "firm") -> Segment:
    """The prompt's definition, written the plain way (README "In your prompt"): the pinned
    title, or else, among the dated milestones not yet past of titles not cancelled, the one
    the rule puts first on this day."""
    from hstrack.core.report.assess import assess, time_key
    from hstrack.core.report.titles import report_title

    if doc.pin_title is not None:
        return pinned_segment(doc.titles[doc.pin_title], doc.pin_milestone, now)

    def will_come(t: Title, m: Milestone) -> bool:
        report = report_title(t, now)
        return not report.cancelled and next(a for a in report.milestones if a.milestone is m).state != "cancelled"

    today = now.date()
    ahead = []
    for t in doc.titles.values():
        for m in t.milestones.values():
            if m.date.is_tba or m.kind == "cancelled" or not will_come(t, m):
                continue
            if rule == "releases" and m.kind not in ("release", "premiere"):
                continue
            window = m.date.local_window(now.tzinfo) if now.tzinfo else None
            if window is not None and window[1] >= today:
                ahead.append((t, m, window))
    if rule == "soonest":
        ahead.sort(key=lambda x: (time_key(assess(x[1], now)), x[0].name.lower()))
        return _segment_for(ahead[0][0], ahead[0][1], now) if ahead else Segment()

    def rank(x: tuple[Title, Milestone, tuple[date, date]]) -> tuple[object, ...]:
        t, m, (first, last) = x
        kind = RELEASE_FIRST.index(m.kind if m.kind in RELEASE_FIRST else "OWN")
        group = 0 if m.kind in ("release", "premiere") else 2 if m.kind.startswith("production") else 1
        moment = m.date.at.timestamp() if m.date.at else 0.0
        near = (first - today).days <= 90
        if (last - first).days >= 364:  # a year or longer: last of all
            tier: tuple[object, ...] = (6, m.tentative, group)
        elif m.tentative:
            tier = (3, 0) if near else (5, 1)
        elif m.date.is_exact:
            tier = (1, 0) if near else (4, 0)
        else:
            tier = (2, group) if near else (5, 0)
        return (*tier, first, last, kind, moment, t.name.lower())

    ahead.sort(key=rank)
    return _segment_for(ahead[0][0], ahead[0][1], now) if ahead else Segment()


@pytest.mark.parametrize("rule", ["firm", "releases", "soonest"])
def test_cache_renders_what_the_core_computes_every_day(rule: str) -> None:
    """For 400 days, the cache line a shell would pick gives the same segment as asking
    the core directly for that day: the breakpoints are where they must be, for each rule
    (firm and tentative dates near and far, windows of every length, year-long ones, a
    release and a production start on one day, cancellations)."""
    zone = timezone(timedelta(hours=1))
    now = datetime(2026, 11, 27, 12, tzinfo=zone)
    doc = Document()
    specs = {"a": {"release": "2026-12-25"}, "b": {"trailer": "Q1 2027"}, "c": {"release": "2027-03-10 17:00 UTC"},
             "d": {"production-start": "autumn 2027"}, "e": {"release": "TBA"},
             # cancelled half-way through the cache's days: it leaves the prompt then
             "f": {"release": "2026-12-01", "premiere": "2026-12-20", "cancelled": "2026-12-10"},
             # the same calendar day in two zones: Chatham's early hour happens first
             "g": {"release": "2027-04-01 23:30 America/Los_Angeles"},
             "h": {"release": "2027-04-02 00:15 Pacific/Chatham"},
             "i": {"trailer": "2027-01", "cancelled": "2027"},
             # year-long windows, open and ahead; a tentative day; a production start on a release's day
             "j": {"release": "2026", "production-start": "2027"}, "k": {"release": "2027-06-01?"},
             "l": {"production-start": "2027-06-20", "release": "summer 2027"}, "m": {"release": "2027-06-20"},
             "n": {"production-end": "2027-09", "table-read": "2027-08-01",
                   "premiere": "2027-08..2028-07"}}  # fmt: skip
    for tid, milestones in specs.items():
        made = {}
        for k, w in milestones.items():
            spec = parse_date(w.rstrip("?"))
            made[k] = Milestone(k, spec, tentative=w.endswith("?"))
        doc.titles[tid] = Title(id=tid, name=f"Title {tid}", kind="film", milestones=made)
    for pin in (None, "a", "c", "f", "i"):
        doc.pin_title = pin
        parsed = parse(build(doc, now, rule=rule))
        assert parsed is not None
        lines = parsed.lines
        for offset in range(400):
            day = now.date() + timedelta(days=offset)
            moment = now if offset == 0 else datetime.combine(day, dtime(0), tzinfo=zone)
            seg = expected_segment(doc, moment, rule)
            expected_text = seg.text
            if seg.target is not None:
                count = seg.target - day_number(day)
                expected_text = "today" if count == 0 else f"{count}d"
            expected = "" if not seg.label and not expected_text else f"{seg.label} · {expected_text}"
            assert render(lines, day_number(day)) == expected, (pin, day)


# (the milestones of titles A and B, the rule): which of the two the prompt shows on
# 27 Nov 2026. Each pair sits at one boundary of the rule (README "In your prompt").
RULE_CASES = [
    ({"release": "2026-12-20"}, {"release": "H2 2026"}, "firm", "A"),  # a firm day near beats an open window
    ({"release": "2027-03-20"}, {"release": "H1 2027"}, "firm", "B"),  # ... but not one beyond 90 days
    ({"release": "2027-02-20"}, {"release": "2027-02"}, "firm", "A"),  # 85 days: near
    ({"production-end": "2026-11"}, {"release": "Q1 2027"}, "firm", "B"),  # windows: a release first
    ({"trailer": "2026-11"}, {"premiere": "Q1 2027"}, "firm", "B"),  # a premiere counts as a release
    ({"production-start": "2026-11"}, {"trailer": "Q1 2027"}, "firm", "B"),  # production last
    ({"release": "2026-12-01?"}, {"release": "Q4 2026"}, "firm", "B"),  # tentative after a firm window
    ({"release": "2026-12-01?"}, {"release": "2027-05-01"}, "firm", "A"),  # ... before a firm day far off
    ({"release": "2027-05-01?"}, {"release": "2027-06-01"}, "firm", "B"),  # far off, firm first
    ({"release": "2027-05?"}, {"trailer": "2027-06"}, "firm", "B"),  # ... a firm window too
    ({"release": "2026"}, {"release": "2027-09-01?"}, "firm", "B"),  # a year-long window last
    ({"release": "2027?"}, {"production-start": "2027"}, "firm", "B"),  # year-long: firm first
    ({"production-start": "2027"}, {"release": "2027"}, "firm", "B"),  # ... then releases first
    ({"release": "2026-06..2027-05"}, {"release": "2027-02?"}, "firm", "B"),  # a year of months is year-long
    ({"release": "2026-07..2027-05"}, {"release": "2027-02?"}, "firm", "A"),  # eleven months is not
    ({"trailer": "2026-12-10"}, {"premiere": "2026-12-10"}, "firm", "B"),  # one day: a premiere first
    ({"premiere": "2026-12-10"}, {"release": "2026-12-10 20:00 UTC"}, "firm", "B"),  # ... a release before it
    ({"table-read": "2026-12-10"}, {"trailer": "2026-12-10"}, "firm", "B"),
    ({"announced": "2026-12-10"}, {"table-read": "2026-12-10"}, "firm", "B"),
    ({"production-end": "2026-12-10"}, {"announced": "2026-12-10"}, "firm", "B"),
    ({"production-start": "2026-12-10"}, {"production-end": "2026-12-10"}, "firm", "B"),
    ({"production-start": "2026-12-01"}, {"release": "2027"}, "releases", "B"),  # releases only
    ({"production-start": "2026-12-01"}, {"trailer": "2027-01-01"}, "releases", ""),
    ({"release": "2026"}, {"release": "2026-12-01"}, "soonest", "A"),  # the old rule: the first to open
    ({"production-start": "2026-12-01"}, {"release": "2026-12-05"}, "soonest", "A"),
]


@pytest.mark.parametrize(("a", "b", "rule", "shown"), RULE_CASES)
def test_the_unpinned_rule_at_each_boundary(a: dict[str, str], b: dict[str, str], rule: str, shown: str) -> None:
    now = datetime(2026, 11, 27, 12, tzinfo=timezone(timedelta(0)))
    doc = Document()
    for tid, milestones in (("a", a), ("b", b)):
        made = {k: Milestone(k, parse_date(w.rstrip("?")), tentative=w.endswith("?")) for k, w in milestones.items()}
        doc.titles[tid] = Title(id=tid, name=tid.upper(), kind="film", label=tid.upper(), milestones=made)
    parsed = parse(build(doc, now, rule=rule))
    assert parsed is not None
    segment = render(parsed.lines, day_number(now.date())) or ""
    assert segment.split(" · ")[0] == shown, segment
    assert expected_segment(doc, now, rule).label == shown  # the plain definition agrees


def test_placeholders_and_width(tmp_path: Path) -> None:
    tz, zone = posix_tz(43200)
    home = film_home(tmp_path, tz, zone, days=42)
    fmt = "[{label}|{phase}|{milestone}|{days}|{window}|{text}]"
    out = hstrack(home, tz, "prompt", "--format", fmt, "--width", "200").stdout
    when = local_today(zone) + timedelta(days=42)
    assert out == f"[HS film|post production|release|42|{when.day} {when:%b %Y}|42d]\n"
    assert hstrack(home, tz, "prompt", "--width", "8").stdout == "HS film…\n"
    hstrack(home, tz, "pin", "heartstopper-film", "production-start")
    assert hstrack(home, tz, "prompt").stdout == "HS film · post production\n"
    hstrack(home, tz, "unpin")
    assert hstrack(home, tz, "prompt").stdout == "HS film · 42d\n"


def test_prompt_never_breaks(tmp_path: Path) -> None:
    tz, _ = posix_tz(43200)
    home = tmp_path / "home"
    for setup in ("missing", "damaged", "garbage-cache", "empty-store"):
        if setup == "damaged":
            home.mkdir(exist_ok=True)
            (home / "store.json").write_text("{ not json")
        elif setup == "garbage-cache":
            (home / "store.json.prompt").write_text("\x00\x01garbage")
            os.utime(home / "store.json.prompt", (time.time() + 10, time.time() + 10))
        elif setup == "empty-store":
            (home / "store.json").write_text('{"schema": 1, "titles": []}\n')
        result = subprocess.run([str(BIN), "prompt"], env=env_for(home, tz), capture_output=True, text=True,
                                check=False)  # fmt: skip
        assert (result.returncode, result.stdout, result.stderr) == (0, "", ""), setup


def test_the_process_path_imports_no_heavy_library(tmp_path: Path) -> None:
    tz, zone = posix_tz(43200)
    home = film_home(tmp_path, tz, zone)
    code = "import sys; sys.argv = ['hstrack', 'prompt']; from hstrack.entry import main; main()"
    banned = ("typer", "click", "rich", "dateutil", "icalendar", "filelock", "jsonschema")
    for state in ("fresh cache", "stale cache"):
        if state == "stale cache":
            (home / "store.json.prompt").unlink()
        result = subprocess.run([sys.executable, "-X", "importtime", "-c", code], env=env_for(home, tz),
                                capture_output=True, text=True, check=False)  # fmt: skip
        assert result.stdout == "HS film · 42d\n", state
        loaded = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
        heavy = sorted(m for m in loaded if m.split(".")[0] in banned)
        assert heavy == [], f"{state}: the prompt path imported {heavy}"
        if state == "fresh cache":
            # Nothing of the core either: only the cache is read.
            assert not {"hstrack.store.store", "hstrack.core.report", "hstrack.core.dates"} & loaded


def test_starship_module(tmp_path: Path) -> None:
    tz, zone = posix_tz(43200)
    home = film_home(tmp_path, tz, zone)
    config = tomllib.loads(hstrack(home, tz, "init", "starship").stdout)
    module = config["custom"]["hstrack"]
    assert "$output" in module["format"]
    assert module["when"] is True
    out = subprocess.run([*module["shell"], "-c", module["command"]], env=env_for(home, tz), capture_output=True,
                         text=True, check=False)  # fmt: skip
    assert out.stdout.strip() == "HS film · 42d"


# ---------------------------------------------------------------------------- real shells


@pytest.mark.parametrize("name", ["bash", "zsh", "fish"])
def test_segment_updates_after_set_and_across_midnight(tmp_path: Path, name: str) -> None:
    need(name)
    # Midnight comes a few seconds after the shell starts; where the machine is slower than
    # that (parallel workers on a busy machine), again with a longer run-up, not a failure.
    for attempt, run_up in enumerate((6, 12, 24)):
        tz, zone = posix_tz(run_up)
        midnight = datetime.combine(local_today(zone) + timedelta(days=1), dtime(0), tzinfo=zone)
        root = tmp_path / f"try-{attempt}"
        root.mkdir()
        home = film_home(root, tz, zone, days=42)
        shell = Shell(name, env_for(home, tz), root)
        first = shell.run("")
        soon = (local_today(zone) + timedelta(days=10)).isoformat()
        after_set = shell.run(f"hstrack set heartstopper-film release {soon} 2>/dev/null")
        if datetime.now(zone) < midnight:
            break  # both prompts came on the day before midnight
        shell.close()
    else:
        pytest.fail("the shell took too long to start: midnight passed before it was ready, three times")
    assert first == "HS film · 42d"
    assert after_set == "HS film · 10d"
    time.sleep(max(0.0, (midnight - datetime.now(zone)).total_seconds()) + 0.5)
    assert shell.run("") == "HS film · 9d"
    shell.close()


@pytest.mark.parametrize("name", ["bash", "zsh", "fish"])
def test_nothing_for_an_empty_store_or_none(tmp_path: Path, name: str) -> None:
    need(name)
    tz, _ = posix_tz(43200)
    home = tmp_path / "home"
    (tmp_path / "shell-home").mkdir()
    shell = Shell(name, env_for(home, tz), tmp_path)
    assert shell.run("") == ""  # no store at all
    home.mkdir()
    (home / "store.json").write_text('{"schema": 1, "titles": []}\n')
    assert shell.run("") == ""
    assert shell.run("echo $HSTRACK_PROMPT") == ""
    shell.close()


@pytest.mark.parametrize(
    ("name", "setup"),
    [("bash", ""), ("zsh", ""), ("zsh", "setopt prompt_subst"), ("zsh", "setopt prompt_bang"),
     ("zsh", "setopt prompt_subst prompt_bang"), ("fish", "")],
)  # fmt: skip
def test_hostile_title_is_inert(tmp_path: Path, name: str, setup: str) -> None:
    need(name)
    tz, zone = posix_tz(43200)
    home = film_home(tmp_path, tz, zone)
    data = json.loads((home / "store.json").read_text())
    film = next(t for t in data["titles"] if t["id"] == "heartstopper-film")
    film["label"] = HOSTILE_LABEL
    (home / "store.json").write_text(json.dumps(data))  # an edit from outside, like an import
    work = tmp_path / "work"
    work.mkdir()
    env = env_for(home, tz, HSTRACK_PROMPT_FORMAT="{label}", HSTRACK_PROMPT_WIDTH="300")
    shell = Shell(name, env, work)
    if setup:
        shell.run(setup)
    for _ in range(3):
        assert shell.run("") == HOSTILE_LABEL  # every character as text, "!" too
    shell.close()
    assert sorted(p.name for p in work.iterdir()) == []  # P1, P2, P3 were never created


def strace_counts(log: Path, begin: str, end: str) -> dict[str, int]:
    """Process events between two marker commands (the fork that runs `end` included)."""
    lines = log.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if "execve(" in line and begin in line)
    stop = next(i for i, line in enumerate(lines) if "execve(" in line and end in line)
    counts = {"fork": 0, "execve": 0}
    for line in lines[start + 1 : stop]:
        if "CLONE_THREAD" in line:
            continue  # a thread inside the shell (fish's I/O pool), not a process
        if re.search(r"\b(clone3?|v?fork)\(", line):
            counts["fork"] += 1
        elif "execve(" in line:
            counts["execve"] += 1
    return counts


@pytest.mark.parametrize("name", ["bash", "zsh", "fish"])
def test_zero_processes_per_prompt(tmp_path: Path, name: str) -> None:
    need(name)
    tz, zone = posix_tz(43200)
    home = film_home(tmp_path, tz, zone)
    log = tmp_path / "strace.log"
    shell = Shell(name, env_for(home, tz), tmp_path, strace_log=log)
    assert shell.run("") == "HS film · 42d"
    shell.run("/bin/true begin-marker")
    for _ in range(40):
        assert shell.run("") == "HS film · 42d"
    shell.run("/bin/true end-marker")
    shell.close()
    counts = strace_counts(log, "begin-marker", "end-marker")
    # One fork: the one that runs /bin/true end-marker. None for 40 prompts.
    assert counts == {"fork": 1, "execve": 0}, counts


def test_fish_calls_hstrack_only_when_the_cache_changes(tmp_path: Path) -> None:
    need("fish")
    tz, zone = posix_tz(43200)
    home = film_home(tmp_path, tz, zone)
    log = tmp_path / "strace.log"
    shell = Shell("fish", env_for(home, tz), tmp_path, strace_log=log)
    shell.run("/bin/true begin-marker")
    later = (local_today(zone) + timedelta(days=5)).isoformat()
    assert shell.run(f"hstrack set heartstopper-film release {later} 2>/dev/null") == "HS film · 5d"
    for _ in range(10):
        assert shell.run("") == "HS film · 5d"
    shell.run("/bin/true end-marker")
    shell.close()
    lines = log.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if "begin-marker" in line)
    stop = next(i for i, line in enumerate(lines) if "end-marker" in line)
    execs = [line for line in lines[start + 1 : stop] if "execve(" in line]
    prompts = [line for line in execs if '"prompt"' in line]
    assert len(prompts) == 1, execs  # once, after the cache changed; not on the 10 prompts after


@pytest.mark.parametrize("name", ["bash", "zsh"])
def test_users_hooks_keep_working_and_the_variable_turns_it_off(tmp_path: Path, name: str) -> None:
    """A PROMPT_COMMAND or precmd hook the user had before still runs at every prompt."""
    need(name)
    tz, zone = posix_tz(43200)
    home = film_home(tmp_path, tz, zone)
    hook = {
        "bash": "user_hook() { user_count=$((user_count+1)); }; PROMPT_COMMAND=user_hook; user_count=0",
        "zsh": "user_hook() { user_count=$((user_count+1)) }; precmd_functions=(user_hook); user_count=0",
    }[name]
    shell = Shell(name, env_for(home, tz), tmp_path, before=hook)
    assert shell.run("") == "HS film · 42d"

    def count() -> int:
        shell.child.sendline("printf 'count=%s\\n' $user_count")
        shell.child.expect(r"count=(\d+)")
        value = int(shell.child.match.group(1))
        shell.child.expect_exact("PS> ")
        return value

    first = count()
    for _ in range(3):
        assert shell.run("") == "HS film · 42d"
    assert count() >= first + 3  # the user's own hook ran at every prompt, ours too
    assert shell.run("HSTRACK_PROMPT_DISABLE=1") == ""
    assert shell.run("unset HSTRACK_PROMPT_DISABLE") == "HS film · 42d"
    shell.close()


# ---------------------------------------------------------------------------- never blocks, never stale


@pytest.mark.parametrize("name", ["bash", "zsh", "fish"])
def test_a_fifo_where_the_cache_goes_never_blocks_a_shell(tmp_path: Path, name: str) -> None:
    """A FIFO (or any non-file) at store.json.prompt is never read, and no process starts
    for it; once an hstrack write replaces it, the segment is back."""
    need(name)
    tz, zone = posix_tz(43200)
    home = film_home(tmp_path, tz, zone)
    cache = home / "store.json.prompt"
    cache.unlink()
    os.mkfifo(cache)
    log = tmp_path / "strace.log"
    shell = Shell(name, env_for(home, tz), tmp_path, strace_log=log)
    assert shell.run("") == ""
    shell.run("/bin/true begin-marker")
    for _ in range(5):
        assert shell.run("") == ""
    shell.run("/bin/true end-marker")
    later = (local_today(zone) + timedelta(days=7)).isoformat()
    assert shell.run(f"hstrack set heartstopper-film release {later} 2>/dev/null") == "HS film · 7d"
    shell.close()
    assert cache.is_file()
    counts = strace_counts(log, "begin-marker", "end-marker")
    assert counts == {"fork": 1, "execve": 0}, counts


@pytest.mark.parametrize("kind", ["fifo", "folder", "symlink to a fifo"])
def test_hstrack_prompt_never_waits_on_a_cache_that_is_not_a_file(tmp_path: Path, kind: str) -> None:
    tz, zone = posix_tz(43200)
    home = film_home(tmp_path, tz, zone)
    cache = home / "store.json.prompt"
    cache.unlink()
    if kind == "folder":
        cache.mkdir()
    elif kind == "fifo":
        os.mkfifo(cache)
    else:
        os.mkfifo(tmp_path / "elsewhere")
        cache.symlink_to(tmp_path / "elsewhere")
    result = subprocess.run([str(BIN), "prompt"], env=env_for(home, tz), capture_output=True, text=True, timeout=10,
                            check=False)  # fmt: skip
    assert (result.returncode, result.stdout) == (0, "HS film · 42d\n")
    assert not cache.is_file()  # ignored, not replaced by a prompt


def test_a_cache_built_in_another_zone_is_rebuilt_for_the_readers(tmp_path: Path) -> None:
    """A cron job in UTC writes the store; a shell in another zone reads it. The day numbers
    in the cache are the writer's calendar, so the reader rebuilds it for its own."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "store.json").write_text('{"schema": 1, "titles": []}\n')

    def run(tz: str, now: str, *args: str) -> str:
        environment = {"PATH": os.environ["PATH"], "HSTRACK_HOME": str(home), "TZ": tz, "HSTRACK_NOW": now}
        result = subprocess.run([str(BIN), *args], env=environment, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
        return result.stdout

    run("UTC", "2026-11-26T12:00:00Z", "add", "T", "--id", "t")
    run("UTC", "2026-11-26T12:00:00Z", "set", "t", "release", "2026-11-28T00:15 Pacific/Chatham")
    chatham = "2026-11-28T08:00:00+13:45"
    assert run("Pacific/Chatham", chatham, "prompt") == "T · today\n"
    assert "valid\x1fPacific/Chatham\x1f" in (home / "store.json.prompt").read_text()
    assert run("UTC", "2026-11-27T18:00:00Z", "prompt") == "T · today\n"  # 00:15 Chatham is 10:30 UTC on the 27th


def test_a_cancellation_at_an_hour_changes_the_prompt_at_that_hour(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "store.json").write_text('{"schema": 1, "titles": []}\n')

    def run(now: str, *args: str) -> str:
        environment = {"PATH": os.environ["PATH"], "HSTRACK_HOME": str(home), "TZ": "Europe/London",
                       "HSTRACK_NOW": now}  # fmt: skip
        result = subprocess.run([str(BIN), *args], env=environment, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
        return result.stdout

    morning = "2026-11-27T10:00:00Z"
    for tid, when in (("a", "2026-11-27 21:00 Europe/London"), ("b", "2027-03-01")):
        run(morning, "add", tid.upper(), "--id", tid)
        run(morning, "set", tid, "trailer" if tid == "a" else "release", when)
    run(morning, "set", "a", "release", "2027-01-10")  # after the end below: it will not come
    run(morning, "set", "a", "cancelled", "2026-11-27 23:00 Europe/London")
    assert run("2026-11-27T12:00:00Z", "prompt") == "A · today\n"  # the trailer tonight, as status says
    assert run("2026-11-27T23:30:00Z", "prompt") == "B · 94d\n"  # the cache expired at 21:00 and 23:00
    run("2026-11-27T22:00:00Z", "pin", "a")
    assert run("2026-11-27T22:00:00Z", "prompt") == "A · today\n"
    assert run("2026-11-27T23:30:00Z", "prompt") == "A · cancelled\n"  # the cache expired at 23:00


def test_a_rebuild_never_replaces_a_cache_made_from_a_newer_store(tmp_path: Path) -> None:
    """The prompt rebuilds a stale cache without waiting for the lock; a writer that
    finishes meanwhile must win. Here the store changes while the prompt is building (a
    stand-in for a writer), and the lock is held by another process: nothing is written."""
    from hstrack.store.store import Store

    tz, zone = posix_tz(43200)
    home = film_home(tmp_path, tz, zone)
    store = Store(home / "store.json")
    cache = home / "store.json.prompt"
    written = cache.read_text()
    # 1: a writer holds the lock: the prompt computes, prints, and writes nothing
    import fcntl

    with open(home / "store.json.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        os.utime(home / "store.json")  # the cache is now stale
        cache.write_text("stale")
        result = subprocess.run([str(BIN), "prompt"], env=env_for(home, tz), capture_output=True, text=True,
                                timeout=10, check=False)  # fmt: skip
        assert result.stdout == "HS film · 42d\n"
        assert cache.read_text() == "stale"
    # 2: the store changes between reading it and writing the cache: nothing is written
    original = store.read

    def read_then_change() -> object:
        doc = original()
        os.utime(home / "store.json", ns=(1, 1))
        return doc

    store.read = read_then_change  # type: ignore[method-assign]
    store.refresh_prompt_cache()
    assert cache.read_text() == "stale"
    store.read = original  # type: ignore[method-assign]
    store.refresh_prompt_cache()  # nothing in the way: written
    assert cache.read_text().startswith("hstrack-prompt 2\n")
    assert written.startswith("hstrack-prompt 2\n")
