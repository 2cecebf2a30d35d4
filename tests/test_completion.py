"""Tab completion: the table against the real Typer app, every kind of word, the cache
beside the store and what hostile content in it does, what a Tab press imports, and
real bash, zsh and fish through a pty pressing Tab.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import ClassVar

import pytest

from hstrack.cli import COMMAND_AREA
from hstrack.core.kinds import MILESTONE_LADDER, TITLE_KINDS
from hstrack.core.report.assess import PHASES
from hstrack.shell import completion_table
from hstrack.shell.completion import answer
from hstrack.shell.quoting import bash_escape, for_bash, split_line

from .conftest import Cli, need

BIN = Path(sys.executable).with_name("hstrack")
ANSI = re.compile(r"\x1b\[[0-9;?]*[a-zA-Z]|\x1b\][^\x07]*\x07|\x1b[=>]")
IDS = {"heartstopper-film", "heartstopper-s3"}


def offered(*words: str) -> dict[str, str]:
    """What zsh and fish are offered after `hstrack WORDS...` (the last one at the
    cursor): value -> description. The mode line must be `words`."""
    lines = answer(["zsh", "--", *words]).splitlines()
    assert lines[0] == "words", lines[:1]
    return dict(([*line.split("\t", 1), ""])[:2] for line in lines[1:])  # type: ignore[misc]


def bash(line: str, word: str | None = None) -> list[str]:
    """What bash puts in COMPREPLY for `line` (up to the cursor); ``word`` is readline's
    own word, which by default is the last blank-separated one."""
    if word is None:
        word = "" if line.endswith(" ") else line.split(" ")[-1]
    out = answer(["bash", word, line]).splitlines()
    return out[1:] if out and out[0] == "words" else out


@pytest.fixture
def slate(seeded: Cli) -> Cli:
    """The seed, a milestone of the film's own kind, and a title on a platform with a space."""
    seeded("set", "heartstopper-film", "table-read", "2027-02", "--new")
    seeded("add", "Nick & Charlie", "--id", "nick-and-charlie", "--kind", "special", "--platform", "Apple TV+")
    return seeded


# ---------------------------------------------------------------------------- the table


def test_the_table_is_what_the_app_says() -> None:
    """The static table Tab answers from is the app's own: every command, every option
    (short names too), every positional, and the word lists, so it cannot drift. On a
    failure, regenerate it: python -m hstrack.cli.completion_spec."""
    from hstrack.cli.completion_spec import spec

    table = spec()
    assert list(completion_table.COMMANDS) == list(COMMAND_AREA)
    for name in COMMAND_AREA:
        assert completion_table.COMMANDS[name] == table["COMMANDS"][name], f"regenerate: {name} differs"
    assert table["GLOBAL_OPTIONS"] == completion_table.GLOBAL_OPTIONS
    assert completion_table.PHASES == PHASES
    assert completion_table.TITLE_KINDS == TITLE_KINDS
    assert completion_table.MILESTONES == MILESTONE_LADDER
    assert completion_table.HELP_TOPICS == ("dates",)


def test_every_typer_option_and_choice_is_in_the_table() -> None:
    """Independently of the generator: each option Click knows is a key of its command's
    options, and the fixed choices are the lists the commands check against."""
    from typer.main import get_command

    from hstrack.cli import app
    from hstrack.cli.prompt import SHELLS as PROMPT_SHELLS
    from hstrack.cli.shell import SHELLS
    from hstrack.views.export import FORMATS

    group = get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        options = completion_table.COMMANDS[name][1]
        for param in command.params:
            for opt in param.opts if param.param_type_name == "option" else ():
                assert opt in options, f"{name} {opt}"
        assert {"--help", "-h"} <= set(options)
    assert completion_table.COMMANDS["export"][1]["--format"][1] == "choice:" + "|".join(FORMATS)
    assert completion_table.COMMANDS["init"][2][0][0] == "choice:" + "|".join(PROMPT_SHELLS)
    assert completion_table.COMMANDS["completion"][2][0][0] == "choice:" + "|".join(SHELLS)


# ---------------------------------------------------------------------------- every kind of word


def test_commands_and_global_options(slate: Cli) -> None:
    commands = offered("")
    assert list(commands) == list(COMMAND_AREA)
    assert commands["status"].startswith("Every title")
    assert set(offered("-")) == {"--store", "--at", "--version", "--help"}
    assert bash("hstrack sta") == ["status"]
    assert bash("hstrack co") == ["countdown", "completion", "config"]
    assert answer(["zsh", "--", "--store", ""]).splitlines() == ["files"]
    assert offered("nosuchcommand", "") == {}


def test_options_of_a_command(slate: Cli) -> None:
    options = offered("status", "--")
    assert {"--phase", "--kind", "--platform", "--title", "--json", "--chart", "--at", "--help"} <= set(options)
    assert "-h" not in options  # long names only
    assert options["--json"] == "Print JSON (schema 1) instead of a table"
    # An option given once is not offered again; one that repeats is.
    again = offered("status", "--json", "--phase", "released", "--")
    assert "--json" not in again
    assert "--phase" in again
    assert bash("hstrack status --platf") == ["--platform"]
    assert set(offered("status", "")) == set(options)  # no positional left: what can be set


def test_option_values(slate: Cli) -> None:
    assert list(offered("status", "--phase", "")) == list(PHASES)
    assert list(offered("status", "--kind", "")) == list(TITLE_KINDS)
    assert list(offered("add", "X", "--kind", "")) == list(TITLE_KINDS)
    assert list(offered("export", "--format", "")) == ["json", "ics", "csv"]
    assert list(offered("export", "-f", "")) == ["json", "ics", "csv"]
    assert list(offered("export", "--format=")) == ["--format=json", "--format=ics", "--format=csv"]
    assert bash("hstrack export --format ic") == ["ics"]
    assert bash("hstrack export --format=cs", word="cs") == ["csv"]  # readline's word starts after =
    assert set(offered("status", "--platform", "")) == {"Netflix", "Apple TV+"}
    assert bash("hstrack status --platform App") == ["Apple\\ TV+"]
    assert bash('hstrack status --platform "App', word="App") == ["Apple TV+"]
    assert set(offered("status", "--title", "")) >= IDS
    assert answer(["zsh", "--", "export", "-o", ""]).splitlines() == ["files"]
    assert answer(["bash", "", "hstrack import "]).splitlines() == ["files"]
    assert offered("set", "heartstopper-film", "release", "2027", "--source", "") == {}
    assert list(offered("init", "")) == ["bash", "zsh", "fish", "starship"]
    assert list(offered("completion", "")) == ["bash", "zsh", "fish"]
    assert list(offered("help", ""))[:2] == ["dates", "status"]


def test_title_ids_with_their_names(slate: Cli) -> None:
    ids = offered("show", "")
    assert set(ids) == IDS | {"nick-and-charlie"}
    assert ids["heartstopper-film"] == "Heartstopper Forever"
    assert bash("hstrack show heartstopper-f") == ["heartstopper-film"]
    assert bash("hstrack timeline nick") == ["nick-and-charlie"]
    assert set(offered("check", "")) == set(ids)
    assert offered("show", "heartstopper-film", "") != ids  # one id only: then the options


def test_the_milestones_of_the_title_typed(slate: Cli) -> None:
    film = offered("countdown", "heartstopper-film", "")
    assert "table-read" in film  # its own kind
    assert film["release"] == "this title has it"
    assert "premiere" not in film  # countdown, unset and pin name one the title has
    assert "table-read" not in offered("countdown", "heartstopper-s3", "")
    assert bash("hstrack unset heartstopper-film tab") == ["table-read"]
    assert bash("hstrack pin heartstopper-film table") == ["table-read"]
    # set takes the title's own kinds and the standard ones
    assert set(offered("set", "heartstopper-film", "")) == set(MILESTONE_LADDER) | {"table-read"}
    assert set(offered("set", "heartstopper-s3", "")) == set(MILESTONE_LADDER)
    assert set(offered("set", "--note", "x", "heartstopper-film", "")) == set(MILESTONE_LADDER) | {"table-read"}
    assert "table-read" in offered("check", "heartstopper-film", "--reached", "")
    assert "table-read" not in offered("check", "heartstopper-s3", "--has-date", "")
    # across all titles
    assert set(offered("upcoming", "--milestone", "")) == set(MILESTONE_LADDER) | {"table-read"}
    # an id that is not there: the standard kinds
    assert set(offered("countdown", "no-such-title", "")) == set(MILESTONE_LADDER)


def test_zones_for_a_drop_time(slate: Cli) -> None:
    after = offered("set", "heartstopper-film", "release", "2026-10-03", "08:00", "")
    assert {"Europe/London", "America/New_York", "Asia/Kolkata", "UTC"} <= set(after)
    assert not {"EST", "Japan", "Etc/GMT+5", "posixrules", "zone.tab"} & set(after)
    assert bash("hstrack set heartstopper-film release 2026-10-03 08:00 Europe/Lond") == ["Europe/London"]
    assert bash("hstrack set heartstopper-film release 3 Oct 2026 8pm America/New_Y") == ["America/New_York"]
    assert bash("hstrack set heartstopper-film release 3 Oct 2026 8 p.m. Asia/Kolk") == ["Asia/Kolkata"]
    # quoted: the whole date is one word, and so is each candidate
    line = 'hstrack set heartstopper-film release "2026-10-03 08:00 Europe/Lond'
    assert bash(line, word="2026-10-03 08:00 Europe/Lond") == ["2026-10-03 08:00 Europe/London"]
    assert "2026-10-03T08:00 Europe/London" in offered("set", "heartstopper-film", "release", "2026-10-03T08:00 ")
    assert "2026-10-03 08:00 Europe/London" in offered("--at", "2026-10-03 08:00 ")
    assert "2026-11-01 20:00 Europe/Paris" in offered(
        "check", "heartstopper-film", "--changed-since", "2026-11-01 20:00 E"
    )
    # no time yet: nothing (a date has too many spellings to list)
    assert offered("set", "heartstopper-film", "release", "2026-10-03", "") == {}
    assert offered("set", "heartstopper-film", "release", "") == {}


def test_the_date_set_takes_as_words_is_the_date_quoted(slate: Cli) -> None:
    """What Tab completes unquoted is a command that works."""
    slate("set", "heartstopper-film", "trailer", "2026-10-03", "08:00", "Europe/London")
    words = slate("show", "heartstopper-film", "--json").stdout
    slate("set", "heartstopper-film", "trailer", "2026-10-03 08:00 Europe/London")
    assert slate("show", "heartstopper-film", "--json").stdout == words
    assert '"2026-10-03T08:00:00+01:00[Europe/London]"' in words


def test_end_of_options_and_the_store_on_the_line(slate: Cli, tmp_path: Path) -> None:
    after = offered("show", "--", "-")  # after --, a word with a dash is an id, not an option
    assert set(after) >= IDS
    assert "--json" not in after
    other = tmp_path / "other" / "store.json"
    slate("--store", str(other), "add", "Elsewhere", "--id", "elsewhere")
    assert "elsewhere" in offered("--store", str(other), "show", "")
    assert "elsewhere" in offered(f"--store={other}", "show", "")
    assert "elsewhere" not in offered("show", "")


def test_the_bash_line_is_split_as_bash_splits_it() -> None:
    assert split_line("hstrack show ") == (["hstrack", "show"], "", "", "")
    assert split_line("hstrack show hea") == (["hstrack", "show"], "hea", "", "hea")
    assert split_line('a "b c" d\\ e \'f') == (["a", "b c", "d e"], "f", "'", "'f")
    assert split_line('a "x \\" y') == (["a"], 'x " y', '"', '"x \\" y')
    assert bash_escape("Apple TV+") == "Apple\\ TV+"
    assert bash_escape("~x") == "\\~x"
    assert for_bash([("--format=csv", "")], "--format=c", "", "--format=c", "c") == ["csv"]


@pytest.mark.parametrize(
    "argv",
    [[], ["bash"], ["bash", "x"], ["zsh"], ["zsh", "x", "y"], ["fish", "--"], ["tcsh", "--", "a", ""]],
)
def test_a_call_it_does_not_understand_offers_nothing(argv: list[str]) -> None:
    assert answer(argv) == ""


# ---------------------------------------------------------------------------- the cache


def run_complete(home: Path, *argv: str, timeout: float = 10) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "HSTRACK_HOME": str(home), "TZ": "Europe/London", "LANG": "C.UTF-8"}
    return subprocess.run([str(BIN), "__complete", *argv], env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)  # fmt: skip


def ids_offered(home: Path) -> list[str]:
    result = run_complete(home, "zsh", "--", "show", "")
    assert (result.returncode, result.stderr) == (0, "")
    return [line.split("\t")[0] for line in result.stdout.splitlines()[1:]]


def test_every_write_refreshes_the_cache(slate: Cli) -> None:
    cache = slate.home / "store.json.complete"
    text = cache.read_text()
    assert text.startswith("hstrack-complete 1\nstore\x1f")
    assert "nick-and-charlie\x1f\x1fApple TV+\x1fNick & Charlie" in text
    slate("remove", "nick-and-charlie", "--yes")
    assert "nick-and-charlie" not in cache.read_text()
    slate("undo")
    assert "nick-and-charlie" in cache.read_text()
    before = cache.stat().st_mtime_ns
    assert "nick-and-charlie" in ids_offered(slate.home)
    assert cache.stat().st_mtime_ns == before  # a fresh cache is only read


def test_an_edit_outside_hstrack_is_seen_at_the_next_tab(slate: Cli) -> None:
    store = slate.home / "store.json"
    data = json.loads(store.read_text())
    data["titles"][0]["id"] = "renamed-by-hand"
    store.write_text(json.dumps(data))
    assert "renamed-by-hand" in ids_offered(slate.home)  # rebuilt from the store...
    assert "renamed-by-hand" in (slate.home / "store.json.complete").read_text()  # ...and kept


def test_a_damaged_or_missing_store_offers_no_titles(slate: Cli, tmp_path: Path) -> None:
    (slate.home / "store.json").write_text("{ not json")
    assert ids_offered(slate.home) == []
    assert ids_offered(tmp_path / "nowhere") == []
    assert not (tmp_path / "nowhere").exists()  # a Tab press creates nothing


def valid_header(home: Path) -> str:
    from hstrack.store.tab_cache import identity

    ident = identity(str(home / "store.json"))
    assert ident is not None
    return f"hstrack-complete 1\nstore\x1f{ident}\n"


HOSTILE_LINES = [
    "evil\x1b]0;owned\x07\x1f\x1f\x1fEscape",  # an id with a terminal escape
    "ok-id\x1frelease \x1b[31mred\x1fNet\x1bflix\x1fName\x07 with \u202e bidi",
    "UPPER\x1f\x1f\x1fnot a slug",
    "a--b\x1f\x1f\x1fnot a slug",
    "-lead\x1f\x1f\x1fnot a slug",
    "x" * 65 + "\x1f\x1f\x1ftoo long",
    "$(touch pwned)\x1f\x1f\x1fcommand",
    "too\x1ffew",
    "new\nline\x1f\x1f\x1f",
]


def test_hostile_cache_lines_are_dropped_and_nothing_unsafe_is_printed(slate: Cli, tmp_path: Path) -> None:
    cache = slate.home / "store.json.complete"
    cache.write_text(valid_header(slate.home) + "\n".join(HOSTILE_LINES) + "\n")
    for argv in (["zsh", "--", "show", ""], ["bash", "", "hstrack show "], ["fish", "--", "countdown", "ok-id", ""],
                 ["zsh", "--", "status", "--platform", ""]):  # fmt: skip
        result = run_complete(slate.home, *argv)
        assert (result.returncode, result.stderr) == (0, ""), argv
        printed = result.stdout.replace("\t", "").replace("\n", "")
        assert printed.isprintable(), (argv, result.stdout)
        assert "\u202e" not in printed
        values = [line.split("\t")[0] for line in result.stdout.splitlines()[1:]]
        assert set(values) <= {"ok-id", "line", "release", "Netflix", *MILESTONE_LADDER}, values
    assert ids_offered(slate.home) == ["ok-id", "line"]
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("content", ["garbage", "json", "binary", "huge", "empty", "header only"])
def test_a_cache_that_is_not_one_is_rebuilt_from_the_store(slate: Cli, content: str) -> None:
    cache = slate.home / "store.json.complete"
    header = valid_header(slate.home)
    if content == "garbage":
        cache.write_text("\x00\x01\x1b[2J garbage\n" * 100)
    elif content == "json":
        cache.write_text(json.dumps({"titles": [{"id": "evil"}]}))
    elif content == "binary":
        cache.write_bytes(header.encode() + b"\xff\xfe\x00evil\x1f\x1f\x1f\n")
    elif content == "huge":
        with cache.open("w") as out:  # 40 MB of valid-looking lines: past what is ever read
            out.write(header)
            line = "spam\x1f\x1f\x1f" + "x" * 200 + "\n"
            out.write(line * (40_000_000 // len(line)))
    elif content == "empty":
        cache.write_text("")
    else:
        cache.write_text(header.split("\n")[0] + "\n")
    start = time.monotonic()
    assert set(ids_offered(slate.home)) == IDS | {"nick-and-charlie"}
    assert time.monotonic() - start < 5
    assert "evil" not in cache.read_text()[:1000]
    assert cache.stat().st_size < 10_000  # replaced by the real one


def test_a_fifo_where_the_cache_goes_never_blocks(slate: Cli) -> None:
    cache = slate.home / "store.json.complete"
    cache.unlink()
    os.mkfifo(cache)
    assert set(ids_offered(slate.home)) == IDS | {"nick-and-charlie"}  # from the store
    assert not cache.is_file()  # a Tab press never replaces it...
    slate("set", "heartstopper-film", "trailer", "2027-01")
    assert cache.is_file()  # ...a write does


def test_a_tab_press_never_waits_for_a_writer(slate: Cli) -> None:
    """The lock held by a writer: the stale cache is rebuilt in memory, answered from,
    and not written."""
    import fcntl

    store = slate.home / "store.json"
    cache = slate.home / "store.json.complete"
    with open(slate.home / "store.json.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        os.utime(store)  # the cache is now stale
        old = cache.read_text()
        start = time.monotonic()
        assert "nick-and-charlie" in ids_offered(slate.home)
        assert time.monotonic() - start < 5
        assert cache.read_text() == old


# ---------------------------------------------------------------------------- what a Tab press loads


def loaded_by(home: Path, *argv: str) -> set[str]:
    code = f"import sys; sys.argv = {['hstrack', '__complete', *argv]!r}; from hstrack.entry import main; main()"
    env = {"HSTRACK_HOME": str(home), "TZ": "Europe/London", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", code], env=env, capture_output=True,
                            text=True, check=False)  # fmt: skip
    assert result.returncode == 0
    assert result.stdout.startswith(("words\n", "files\n")), result.stdout
    return {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}


HEAVY = {"typer", "click", "rich", "dateutil", "icalendar", "filelock", "jsonschema", "typing", "re"}
CORE = {"hstrack.cli", "hstrack.store.store", "hstrack.core.model", "hstrack.core.dates", "hstrack.core.report"}


@pytest.mark.parametrize(
    "argv",
    [
        ["bash", "st", "hstrack st"],
        ["zsh", "--", "status", "--"],
        ["bash", "", "hstrack show "],
        ["fish", "--", "countdown", "heartstopper-film", ""],
        ["zsh", "--", "status", "--platform", ""],
        ["bash", "Eu", "hstrack set heartstopper-film release 2026-10-03 08:00 Eu"],
    ],
)
def test_a_tab_press_loads_no_typer_rich_or_core(slate: Cli, argv: list[str]) -> None:
    loaded = loaded_by(slate.home, *argv)
    top = {name.split(".")[0] for name in loaded}
    assert top & HEAVY == set(), sorted(top & HEAVY)
    assert {name for name in loaded if name.startswith(tuple(CORE))} == set()


def test_a_stale_cache_loads_the_store_to_rebuild_it(slate: Cli) -> None:
    """The positive control: the same check sees the core when it is used."""
    (slate.home / "store.json.complete").unlink()
    loaded = loaded_by(slate.home, "bash", "", "hstrack show ")
    assert {"hstrack.store.store", "hstrack.core.model"} <= loaded
    assert "typer" not in {name.split(".")[0] for name in loaded}


# ---------------------------------------------------------------------------- real shells


def shell_env(home: Path, tmp_path: Path) -> dict[str, str]:
    (tmp_path / "shell-home").mkdir(exist_ok=True)
    return {
        "HOME": str(tmp_path / "shell-home"),
        "PATH": f"{BIN.parent}:/usr/local/bin:/usr/bin:/bin",
        "TZ": "Europe/London",
        "HSTRACK_HOME": str(home),
        "LANG": "C.UTF-8",
        "TERM": "dumb",
    }


class TabShell:
    """An interactive shell on a pty with hstrack's completion installed. ``tab(text)``
    types the text and a Tab, then reads the command line back: it moves to the start of
    the line and puts `printf 'W<%s>'` in front, so the shell itself prints each word of
    what is on the line, exactly as it would pass them to hstrack."""

    SETUP: ClassVar[dict[str, str]] = {
        "bash": "PS1='P''S> '; eval \"$(hstrack completion bash)\"",
        "zsh": "PROMPT='P''S> '; bindkey -e; eval \"$(hstrack completion zsh)\"",
        "fish": "function fish_prompt; printf 'P''S> '; end; hstrack completion fish | source",
    }
    ARGS: ClassVar[dict[str, list[str]]] = {
        "bash": ["--norc", "--noprofile", "-i"],
        "zsh": ["-f", "-i"],
        "fish": ["--no-config", "-i"],
    }

    def __init__(self, name: str, env: dict[str, str], cwd: Path, setup: str | None = None) -> None:
        import pexpect

        self.child = pexpect.spawn(need(name), self.ARGS[name], env=env, cwd=str(cwd), encoding="utf-8",
                                   timeout=20, dimensions=(40, 300))  # fmt: skip
        self.count = 0
        self.child.sendline(setup or self.SETUP[name])
        self.sync()

    def sync(self) -> str:
        self.count += 1
        self.child.sendline(f"printf '%s-%s\\n' SYNC {self.count}")
        self.child.expect_exact(f"SYNC-{self.count}")
        before = self.child.before or ""
        self.child.expect_exact("PS> ")
        return before

    def tab(self, text: str) -> list[str]:
        self.child.send(text + "\t")
        time.sleep(0.1)  # the completion runs a process; keys typed meanwhile queue behind it anyway
        self.child.send("\x01printf 'W<%s>\\n' \r")
        return re.findall(r"^W<(.*)>\r?$", ANSI.sub("", self.sync()), re.M)

    def close(self) -> None:
        import pexpect

        self.child.sendline("exit")
        self.child.expect(pexpect.EOF)


CASES = [
    ("hstrack sta", ["hstrack", "status"]),  # a command
    ("hstrack status --platf", ["hstrack", "status", "--platform"]),  # an option
    ("hstrack status --platform Net", ["hstrack", "status", "--platform", "Netflix"]),  # a platform in the store
    ("hstrack show heartstopper-f", ["hstrack", "show", "heartstopper-film"]),  # a title id
    ("hstrack countdown heartstopper-film table", ["hstrack", "countdown", "heartstopper-film", "table-read"]),
    ("hstrack export --format ic", ["hstrack", "export", "--format", "ics"]),  # a format
    ("hstrack export --format=cs", ["hstrack", "export", "--format=csv"]),
    ("hstrack set heartstopper-film release 2026-10-03 08:00 Europe/Lond",
     ["hstrack", "set", "heartstopper-film", "release", "2026-10-03", "08:00", "Europe/London"]),
    ('hstrack set heartstopper-film release "2026-10-03 08:00 Europe/Lond',
     ["hstrack", "set", "heartstopper-film", "release", "2026-10-03 08:00 Europe/London"]),
    ("hstrack status --platform App", ["hstrack", "status", "--platform", "Apple TV+"]),
    ("hstrack import ./exp", ["hstrack", "import", "./export.json"]),  # a file
]  # fmt: skip


@pytest.mark.parametrize("name", ["bash", "zsh", "fish"])
def test_tab_in_a_real_shell(slate: Cli, tmp_path: Path, name: str) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "export.json").write_text("{}")
    shell = TabShell(name, shell_env(slate.home, tmp_path), work)
    for typed, expected in CASES:
        assert shell.tab(typed) == expected, typed
    # the milestone kinds are the typed title's: heartstopper-s3 has no table-read
    assert shell.tab("hstrack countdown heartstopper-s3 table") == ["hstrack", "countdown", "heartstopper-s3", "table"]
    shell.close()


@pytest.mark.parametrize("name", ["zsh", "fish"])
def test_the_script_saved_where_the_shell_loads_it(slate: Cli, tmp_path: Path, name: str) -> None:
    """Saved as a file (zsh's _hstrack on $fpath, fish's completions folder), it is
    loaded by the shell on the first Tab, as the README says to install it."""
    folder = tmp_path / "completions"
    folder.mkdir()
    script = subprocess.run([str(BIN), "completion", name], capture_output=True, text=True, check=True).stdout
    (folder / ("_hstrack" if name == "zsh" else "hstrack.fish")).write_text(script)
    setup = {
        "zsh": f"PROMPT='P''S> '; bindkey -e; fpath=({folder} $fpath); autoload -Uz compinit; compinit -D",
        "fish": f"function fish_prompt; printf 'P''S> '; end; set -g fish_complete_path {folder} $fish_complete_path",
    }[name]
    shell = TabShell(name, shell_env(slate.home, tmp_path), tmp_path, setup=setup)
    assert shell.tab("hstrack show heartstopper-f") == ["hstrack", "show", "heartstopper-film"]
    assert shell.tab("hstrack countdown heartstopper-film table") == [
        "hstrack", "countdown", "heartstopper-film", "table-read"
    ]  # fmt: skip
    shell.close()


def test_the_completion_command(cli: Cli) -> None:
    for shell in ("bash", "zsh", "fish"):
        script = cli("completion", shell).stdout
        assert str(BIN) in script
        assert "__complete" in script
    assert cli("completion", "tcsh", code=2).stderr.startswith("hstrack: shell 'tcsh' is not one of bash, zsh, fish")
    assert not cli.store.exists()  # printing a script touches no store
