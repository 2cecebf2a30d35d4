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

The cache (version 1), fields separated by the ASCII unit separator (0x1f)::

    hstrack-complete 1
    store<US><inode><US><size><US><mtime_ns><US><ctime_ns>
    <id><US><kind> <kind>...<US><platform><US><name>

The ``store`` line is the identity of the store file the cache was built from: a store
with any other identity (edited outside hstrack, put back from a copy) makes the cache
stale, and that Tab press rebuilds it from the store, once. The file is untrusted text,
so everything read from it is checked again: ids and kinds must be slugs, names and
platforms lose their control characters and are cut short, and a line that fails is
dropped.
"""

from __future__ import annotations

import os
import sys

# Not `from typing import TYPE_CHECKING`: importing typing costs a Tab press about 7 ms
# (it pulls in re and contextlib). Type checkers read the name alone.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from hstrack.core.model import Document

HEADER = "hstrack-complete 1"
SUFFIX = ".complete"
SEP = "\x1f"
MAX_CACHE_BYTES = 32 << 20  # 10,000 titles take about 0.7 MB; past this it is not ours
MAX_SLUG = 64
MAX_SHOWN = 60  # characters of a name or platform shown beside a candidate
_SLUG_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")
# Characters bash would read as syntax in an unquoted word (`=` and `:` are fine there).
_BASH_SPECIAL = frozenset(" \t\n\"'\\$`!&|;()<>*?[]{}")

# id -> (its milestone kinds, space-separated, as the cache has them; platform; name), each
# checked or cleaned where it is used, so a Tab press that needs only ids pays for no more.
Titles = dict[str, tuple[str, str, str]]


# ---------------------------------------------------------------------------- checks


def is_slug(value: str) -> bool:
    """The model's slug rule (lowercase letters, digits, single inner hyphens), by hand:
    ``re`` costs a Tab press more than the rest of this check."""
    return (
        0 < len(value) <= MAX_SLUG
        and _SLUG_CHARS.issuperset(value)
        and not value.startswith("-")
        and not value.endswith("-")
        and "--" not in value
    )


def clean(value: str, limit: int | None = MAX_SHOWN) -> str:
    """Text to show or insert: no control characters (C0, DEL, C1), no bidi controls or
    line separators, one line, cut to ``limit``."""
    if not value.isprintable():  # rare: the store refuses these, but the cache is any file
        value = "".join(ch for ch in value if not _unsafe(ord(ch)))
        value = " ".join(value.split())
    if limit is None or len(value) <= limit:
        return value
    return value[: limit - 1].rstrip() + "…"


def _unsafe(code: int) -> bool:
    return (
        code < 0x20
        or 0x7F <= code <= 0x9F
        or 0x2028 <= code <= 0x202E
        or 0x2066 <= code <= 0x2069
        or 0xD800 <= code <= 0xDFFF
    )


# ---------------------------------------------------------------------------- the cache


def identity(path: str) -> str | None:
    """What tells one version of the store file from the next (as ``store._identity``)."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return SEP.join(str(n) for n in (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))


def build(doc: Document | None, store_identity: str) -> str:
    """The cache text for ``doc`` (None: a store that cannot be read, so no titles)."""
    lines = [HEADER, f"store{SEP}{store_identity}"]
    for title in doc.titles.values() if doc is not None else ():
        kinds = " ".join(k for k in title.milestones if is_slug(k))
        platform, name = clean(title.platform or "", None), clean(title.name, None)
        lines.append(SEP.join((title.id, kinds, platform, name)))
    return "\n".join(lines) + "\n"


def parse(text: str, store_identity: str | None) -> Titles | None:
    """The titles in a cache built from the store with ``store_identity`` (None: any), or
    None if it is not such a cache. Lines that fail a check are dropped one by one."""
    lines = text.split("\n")
    if len(lines) < 2 or lines[0] != HEADER or not lines[1].startswith("store" + SEP):
        return None
    if store_identity is not None and lines[1][len("store" + SEP) :] != store_identity:
        return None
    titles: Titles = {}
    for line in lines[2:]:
        fields = line.split(SEP)
        if len(fields) != 4 or not is_slug(fields[0]):
            continue
        titles[fields[0]] = (fields[1], fields[2], fields[3])
    return titles


def kinds_of(entry: tuple[str, str, str]) -> list[str]:
    return [k for k in entry[0].split(" ") if is_slug(k)]


def read_small(path: str) -> str | None:
    """A regular file's text, if it is one and not huge; never waits on a FIFO."""
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
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


# ---------------------------------------------------------------------------- the shells


def split_line(line: str) -> tuple[list[str], str, str, str]:
    """A bash command line up to the cursor, as bash would split it: the finished words
    (quotes and backslashes removed), the word at the cursor likewise, the quote still
    open in it ('' if none), and that word as typed."""
    words: list[str] = []
    chars: list[str] = []
    quote, in_word, start, i = "", False, 0, 0
    while i < len(line):
        ch = line[i]
        if quote == "'":
            if ch == "'":
                quote = ""
            else:
                chars.append(ch)
        elif quote == '"':
            if ch == '"':
                quote = ""
            elif ch == "\\" and line[i + 1 : i + 2] in ("\\", '"', "$", "`"):
                i += 1
                chars.append(line[i])
            else:
                chars.append(ch)
        elif ch in " \t\n":
            if in_word:
                words.append("".join(chars))
                chars, in_word = [], False
        else:
            if not in_word:
                in_word, start = True, i
            if ch in "'\"":
                quote = ch
            elif ch == "\\":
                if i + 1 < len(line):
                    i += 1
                    chars.append(line[i])
            else:
                chars.append(ch)
        i += 1
    if not in_word:
        return words, "", "", ""
    return words, "".join(chars), quote, line[start:]


def bash_escape(value: str) -> str:
    """A word as it can be typed unquoted in bash."""
    if _BASH_SPECIAL.isdisjoint(value) and value[:1] not in ("~", "#"):
        return value  # ids, kinds, zones: as they are
    out = "".join("\\" + ch if ch in _BASH_SPECIAL else ch for ch in value)
    return "\\" + out if out[:1] in ("~", "#") else out


def for_bash(found: list[tuple[str, str]], current: str, quote: str, raw: str, word: str) -> list[str]:
    """Candidates for COMPREPLY. Readline replaces only its own word, which starts after
    an open quote, or after the last ``=`` or ``:`` in an unquoted word (COMP_WORDBREAKS);
    so each candidate is cut to that part, and escaped unless a quote is open."""
    typed = current if quote else raw
    cut = len(typed) - len(word) if typed.endswith(word) else 0
    head = typed[:cut]
    out = []
    for value, _ in found:
        if value.startswith(current) and value.isprintable():
            text = value if quote else bash_escape(value)
            if text.startswith(head):
                out.append(text[cut:])
    return out


def fish_token(raw: str) -> str:
    """The token at the cursor as fish hands it over (as typed) with its quoting removed."""
    if raw[:1] in ("'", '"'):
        return raw[1:].rstrip(raw[0])
    out, i = [], 0
    while i < len(raw):
        if raw[i] == "\\" and i + 1 < len(raw):
            i += 1
        out.append(raw[i])
        i += 1
    return "".join(out)


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
