"""Tab completion: what a Tab press offers, answered without Typer, Rich or the store.

The scripts ``hstrack completion SHELL`` prints run ``hstrack __complete`` on every Tab
press, and ``entry`` sends that here before anything else is imported. Commands, options
and their fixed values come from ``completion_table`` (generated from the Typer app; a
test holds the two equal); title ids, each title's milestone kinds and the platforms come
from a small cache beside the store (``store.json.complete``) that every store write
refreshes. A Tab press so costs an interpreter start and one small file read, whatever
the store's size, and reads nothing at all for a command or an option.

Whatever goes wrong (no store, a damaged one, a hostile cache, a command line this cannot
follow) ends in no candidates, exit 0 and nothing on stderr: completion must never put a
traceback on someone's command line.

How the shells call it::

    hstrack __complete bash WORD LINE        # readline's word ($2) and the line up to the cursor
    hstrack __complete zsh|fish -- WORD... CURRENT   # the words after `hstrack`, then the one at the cursor

It prints a mode line, ``words`` or ``files`` (the shell's own path completion), then one
candidate a line: for bash ready to insert (escaped, and cut to the part of the word
readline replaces, which stops at ``=`` and ``:``), for zsh and fish ``value<TAB>description``
for the shell to match and show.

The cache's format and its checks live with the store that writes it
(``hstrack.store.tab_cache``); this module reads it.
"""

from __future__ import annotations

import os
import sys

from hstrack.shell.quoting import fish_token, for_bash, split_line
from hstrack.store.tab_cache import SUFFIX, Titles, clean, identity, kinds_of, parse

MAX_CACHE_BYTES = 32 << 20  # 10,000 titles take about 0.7 MB; past this it is not ours


def read_small(path: str) -> str | None:
    """A regular file's text, if it is one and not huge; never waits on a FIFO, never
    follows a symlink (as ``store.files.read_bounded`` reads a sidecar, without importing it)."""
    import stat

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except (OSError, ValueError):
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_CACHE_BYTES:
            return None
        chunks, size = [], 0
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_CACHE_BYTES:  # it grew while being read
                return None
        return b"".join(chunks).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    finally:
        os.close(fd)


def load_titles(store: str) -> Titles:
    """The titles for completion: from the cache when it was built from this very store
    file, else rebuilt from the store (the slow path, once per outside change)."""
    real = os.path.realpath(store)
    current = identity(real)
    if current is None:
        return {}  # no store: nothing to offer, and nothing is created by a Tab press
    text = read_small(real + SUFFIX)
    titles = parse(text, current) if text is not None else None
    if titles is None:
        from pathlib import Path

        from hstrack.store.store import Store

        titles = parse(Store(Path(real)).refresh_completion_cache(), None)
    return titles or {}


# ---------------------------------------------------------------------------- time zones


def _looks_like_a_time(word: str) -> bool:
    """08:00, 8:30:15, 2026-10-03T08:00, 8pm, 8:30p.m., or the "pm" of "8 pm"."""
    word = word.lower()
    for suffix in ("a.m.", "p.m.", "a.m", "p.m", "am", "pm"):
        if word.endswith(suffix):
            head = word[: -len(suffix)]
            return head == "" or head[-1].isdigit()
    if "t" in word:
        word = word.rsplit("t", 1)[1]  # 2026-10-03T08:00
    parts = word.split(":")
    return 2 <= len(parts) <= 3 and all(p.isdigit() and 1 <= len(p) <= 2 for p in parts)


def _zone_roots() -> list[str]:
    """Where zoneinfo looks for zone files: PYTHONTZPATH, else the usual places (what
    ``zoneinfo.TZPATH`` holds on Linux, without importing zoneinfo and datetime)."""
    configured = os.environ.get("PYTHONTZPATH")
    if configured:
        return [p for p in configured.split(os.pathsep) if os.path.isabs(p)]
    return ["/usr/share/zoneinfo", "/usr/lib/zoneinfo", "/usr/share/lib/zoneinfo", "/etc/zoneinfo"]


def zone_names() -> list[str]:
    """IANA zone names a date accepts: every ``Area/Location`` in the system's zone files
    (listed, not opened, so this takes about a millisecond) and UTC. Names without an
    area (EST, Japan) and Etc/GMT±N are left out: hstrack refuses them (see dates)."""
    allowed = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-")
    names: set[str] = set()
    for root in _zone_roots():
        try:
            areas = [e for e in os.scandir(root) if e.is_dir() and e.name[:1].isupper() and e.name != "Etc"]
        except OSError:
            continue
        for area in areas:
            for folder, subfolders, files in os.walk(area.path):
                rel = os.path.relpath(folder, root)
                names.update(f"{rel}/{f}" for f in files if f[:1].isupper() and allowed.issuperset(f))
                subfolders[:] = [d for d in subfolders if d[:1].isupper()]
        if names:
            break
    if not names:  # no system zone files: the tzdata package's list (slower, it opens each)
        import zoneinfo

        names = {n for n in zoneinfo.available_timezones() if "/" in n and not n.startswith("Etc/")}
    return [*sorted(n for n in names if allowed.issuperset(n)), "UTC"]


def date_candidates(typed: str, earlier: list[str]) -> list[str]:
    """After a time of day, a zone: ``typed`` is the date word at the cursor (it may hold
    spaces, when quoted), ``earlier`` the words of the same date before it (``set`` takes
    a date unquoted). Nothing is offered for the date itself: there are too many."""
    pieces = typed.split(" ")
    before = [w for word in earlier for w in word.split()] + [p for p in pieces[:-1] if p]
    if not before or not _looks_like_a_time(before[-1]):
        return []
    head = typed[: len(typed) - len(pieces[-1])]
    return [head + zone for zone in zone_names()]


# ---------------------------------------------------------------------------- the command line


class Line:
    """What the words before the cursor say: the command, its positionals, an option
    waiting for its value, and the store a ``--store`` names."""

    def __init__(self, words: list[str]) -> None:
        from hstrack.shell.completion_table import COMMANDS, GLOBAL_OPTIONS

        self.command: str | None = None
        self.unknown = False  # a command this table does not know: offer nothing
        self.options: dict[str, tuple[str, str, bool, str]] = GLOBAL_OPTIONS
        self.positionals: list[str] = []
        self.used: set[str] = set()
        self.pending: tuple[str, str, bool, str] | None = None  # an option whose value is next
        self.values: dict[str, str] = {}
        self.end_of_options = False
        for word in words:
            if self.pending is not None:
                self.values[self.pending[0]] = word
                self.pending = None
            elif not self.end_of_options and word == "--":
                self.end_of_options = True
            elif not self.end_of_options and word.startswith("-") and word != "-":
                name, eq, value = word.partition("=")
                spec = self.options.get(name)
                if spec is not None:
                    self.used.add(spec[0])
                    if spec[1] and eq:
                        self.values[spec[0]] = value
                    elif spec[1]:
                        self.pending = spec
            elif self.command is None and not self.unknown:
                if word in COMMANDS:
                    self.command, self.options = word, COMMANDS[word][1]
                else:
                    self.unknown = True
            else:
                self.positionals.append(word)
        self.store = self.values.get("--store")  # a global option: the titles come from there

    def positional_slot(self) -> tuple[str, list[str]]:
        """The value kind of the next positional, and the earlier words of a slot that
        takes several (a date in words)."""
        from hstrack.shell.completion_table import COMMANDS

        assert self.command is not None
        slots = COMMANDS[self.command][2]
        index = len(self.positionals)
        if index < len(slots):
            return slots[index][0], []
        if slots and slots[-1][1]:
            return slots[-1][0], self.positionals[len(slots) - 1 :]
        return "", []


class Completer:
    """Candidates, with descriptions, for the word at the cursor."""

    def __init__(self, words: list[str], current: str) -> None:
        self.line = Line(words)
        self.current = current
        self.store_given = self.line.store
        self._titles: Titles | None = None

    @property
    def titles(self) -> Titles:
        if self._titles is None:
            if self.store_given:
                store = os.path.expanduser(self.store_given)
            else:
                from hstrack.shell.prompt import store_path

                store = store_path()
            self._titles = load_titles(store)
        return self._titles

    def title(self) -> str | None:
        """The title the command line names, if its first positional is an id."""
        from hstrack.shell.completion_table import COMMANDS

        line = self.line
        if line.command is None or not line.positionals or not COMMANDS[line.command][2]:
            return None
        return line.positionals[0] if COMMANDS[line.command][2][0][0] == "id" else None

    def run(self) -> tuple[str, list[tuple[str, str]]]:
        """("words" or "files", [(value, description)])."""
        from hstrack.shell.completion_table import COMMANDS

        line, current = self.line, self.current
        if line.unknown:
            return "words", []
        if line.pending is not None:
            return self.values(line.pending[1], current, [])
        if not line.end_of_options and current.startswith("-"):
            name, eq, value = current.partition("=")
            spec = line.options.get(name)
            if eq and spec is not None and spec[1]:
                mode, found = self.values(spec[1], value, [])
                return mode, [(f"{name}={v}", d) for v, d in found]
            return "words", self.option_names()
        if line.command is None:
            return "words", [(name, entry[0]) for name, entry in COMMANDS.items()]
        kind, earlier = line.positional_slot()
        if not kind:
            return "words", self.option_names()  # nothing more to name: show what can be set
        return self.values(kind, current, earlier)

    def option_names(self) -> list[tuple[str, str]]:
        """Long names of the options still open (one that repeats stays open)."""
        out = []
        for name, (canonical, _, multiple, description) in self.line.options.items():
            if name == canonical and (multiple or canonical not in self.line.used):
                out.append((name, description))
        return out

    def values(self, kind: str, typed: str, earlier: list[str]) -> tuple[str, list[tuple[str, str]]]:
        from hstrack.shell.completion_table import COMMANDS, HELP_TOPICS, MILESTONES, PHASES, REGIONS, TITLE_KINDS

        words: list[tuple[str, str]] = []
        if kind == "file":
            return "files", []
        if kind == "id":
            words = [(tid, name) for tid, (_, _, name) in self.titles.items()]
        elif kind in ("title-milestone", "milestone"):
            entry = self.titles.get(self.title() or "")
            own = kinds_of(entry) if entry is not None else []
            words = [(k, "this title has it") for k in own]
            if kind == "milestone" or entry is None:
                words += [(k, "") for k in MILESTONES if k not in own]
        elif kind == "any-milestone":
            seen = dict.fromkeys(k for entry in self.titles.values() for k in kinds_of(entry))
            words = [(k, "") for k in dict.fromkeys([*MILESTONES, *seen])]
        elif kind == "phase":
            words = [(p, "") for p in PHASES]
        elif kind == "title-kind":
            words = [(k, "") for k in TITLE_KINDS]
        elif kind == "platform":
            platforms = dict.fromkeys(clean(p, None) for _, p, _ in self.titles.values())
            words = [(p, "platform") for p in platforms if p]
        elif kind == "help-topic":
            words = [(t, "help topic") for t in HELP_TOPICS] + [(c, e[0]) for c, e in COMMANDS.items()]
        elif kind == "region":
            words = [(r, "") for r in REGIONS]
        elif kind.startswith("choice:"):
            words = [(c, "") for c in kind[len("choice:") :].split("|")]
        elif kind == "date":
            words = [(z, "") for z in date_candidates(typed, earlier)]
        return "words", words


def answer(argv: list[str]) -> str:
    """The text to print for ``hstrack __complete ARGV``."""
    if len(argv) == 3 and argv[0] == "bash":
        word, line = argv[1], argv[2]
        words, current, quote, raw = split_line(line)
        # The words after the command's own name (an assignment such as TZ=UTC may come first).
        start = next((i for i, w in enumerate(words) if w.rsplit("/", 1)[-1] == "hstrack"), 0)
        mode, found = Completer(words[start + 1 :], current).run()
        return "\n".join([mode, *for_bash(found, current, quote, raw, word)]) + "\n"
    if len(argv) >= 3 and argv[0] in ("zsh", "fish") and argv[1] == "--":
        words, current = argv[2:-1], argv[-1]
        if argv[0] == "fish":
            current = fish_token(current)
        mode, found = Completer(words, current).run()
        lines = [mode]
        for value, description in found:
            if value and value.isprintable():  # one line, and nothing a terminal would obey
                lines.append(f"{value}\t{clean(description)}" if description else value)
        return "\n".join(lines) + "\n"
    return ""


def main(argv: list[str]) -> int:
    """Print the candidates; exit 0 whatever happens, saying nothing on stderr."""
    try:
        text = answer(argv)
        sys.stdout.buffer.write(text.encode("utf-8", "surrogateescape"))
        sys.stdout.flush()
    except BaseException:  # anything, ^C too: a Tab press never shows a traceback
        try:
            # Whatever could not be written must not be flushed again (and fail loudly)
            # at exit: point stdout at nothing.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
    return 0
