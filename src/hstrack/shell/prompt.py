"""``hstrack prompt``: the segment for a shell prompt, on a path that costs almost nothing.

This module runs before every prompt for starship and anyone who calls the command, so it
imports only ``os``, ``sys`` and ``time``: no Typer, Click, Rich or dateutil, and no store
parsing. It reads the small cache every store write refreshes (``prompt_cache``), and only
rebuilds it, importing the core, when it is missing, was built from another store file than
the one there now (its identity: device, inode, size and times in ns, never time alone), or
is past its horizon. It never takes the write lock, never prints to stdout on failure, and exits 0
whatever the store or the cache hold: a broken prompt is worse than an empty one. Only a
mistake on its own command line (an unknown option or placeholder, a bad ``--at``) is a
usage error, exit 2, since only a person typing it can make one. ``HSTRACK_PROMPT_FORMAT``
is read every prompt, so an unknown placeholder there is printed as written, not refused.

Placeholders for ``--format`` (and ``HSTRACK_PROMPT_FORMAT`` in the shell snippets):
``{label}`` the title's short label, ``{phase}`` its phase, ``{milestone}`` the milestone
shown, ``{days}`` days to go (empty unless counting down), ``{window}`` the milestone's
date as known ("Q3 2026", "3 Oct 2026"), ``{text}`` the short countdown: ``42d``,
``today``, a window such as ``Q3 2026``, or the phase.
"""

from __future__ import annotations

import os
import sys
import time

DEFAULT_FORMAT = "{label} · {text}"
DEFAULT_WIDTH = 40
CACHE_SUFFIX = ".prompt"
SEP = "\x1f"  # the cache's field separator (see prompt_cache)
_PLACEHOLDERS = ("label", "phase", "milestone", "days", "window", "text")


def store_path() -> str:
    """The store's path, as ``hstrack.store.paths`` decides it, without importing platformdirs
    unless no override is set."""
    override = os.environ.get("HSTRACK_HOME")
    if override:
        return os.path.join(os.path.expanduser(override), "store.json")
    from hstrack.store.paths import default_store

    return str(default_store())


def cache_path(store: str) -> str:
    return os.path.realpath(store) + CACHE_SUFFIX


def today_number() -> int:
    """Today's local day number (days since 1970-01-01), honouring TZ and HSTRACK_NOW."""
    fixed = os.environ.get("HSTRACK_NOW", "").strip()
    if len(fixed) == 10 and fixed[4] == "-" and fixed[7] == "-" and fixed.replace("-", "").isdigit():
        return days_from_civil(int(fixed[0:4]), int(fixed[5:7]), int(fixed[8:10]))  # a day: that day
    if len(fixed) > 10:
        # A moment (only tests and pinned runs set one, so the real prompt never pays for
        # datetime): the viewer's calendar day at that moment, as the rest of hstrack reads it.
        from datetime import datetime

        try:
            moment = datetime.fromisoformat(fixed)
        except ValueError:
            moment = None
        if moment is not None:
            local = moment.astimezone() if moment.tzinfo is not None else moment
            return days_from_civil(local.year, local.month, local.day)
    now = time.localtime()
    return days_from_civil(now.tm_year, now.tm_mon, now.tm_mday)


def next_midnight() -> int:
    """Epoch seconds of the next local midnight (mktime normalises day 32 and DST)."""
    now = time.localtime()
    return int(time.mktime((now.tm_year, now.tm_mon, now.tm_mday + 1, 0, 0, 0, 0, 0, -1)))


# The expiry of the cache the last segment() came from (0: none), for ``--until``.
_expiry = 0


def days_from_civil(y: int, m: int, d: int) -> int:
    """Howard Hinnant's algorithm; the shell snippets run the same arithmetic."""
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


MAX_CACHE = 1 << 20  # a cache has at most 32 short lines; anything larger is not one


class Cache:
    """A parsed cache: its lines, the zone it was built in, when it expires and the
    identity of the store file it was built from."""

    __slots__ = ("expires", "horizon", "lines", "store", "zone")

    def __init__(self, horizon: int, zone: str, expires: int, lines: list[list[str]], store: str = "") -> None:
        self.horizon, self.zone, self.expires, self.lines, self.store = horizon, zone, expires, lines, store

    def current(self, now: float) -> bool:
        """Built in this reader's zone and not past its expiry."""
        return self.zone == _clean_zone(os.environ.get("TZ", "")) and not (self.expires and now >= self.expires)


def _clean_zone(value: str) -> str:
    """As ``prompt_cache.zone_id`` keeps it (the writer's side of the comparison)."""
    return "".join(ch for ch in value if ch.isalnum() or ch in "/_+-:.,<>")


def parse(text: str) -> Cache | None:
    """The cache, or None if it is not a cache this version can read."""
    rows = text.split("\n")
    if len(rows) < 3 or rows[0] != "hstrack-prompt 2" or not rows[1].startswith("horizon" + SEP):
        return None
    valid = rows[2].split(SEP)
    head = rows[1].split(SEP)
    try:
        horizon = int(head[1])
        if len(valid) != 3 or valid[0] != "valid":
            return None
        expires = int(valid[2])
    except (IndexError, ValueError):
        return None
    lines = [row.split(SEP) for row in rows[3:] if row]
    for fields in lines:
        if len(fields) != 8 or not (fields[0].isdigit() and fields[1].isdigit()):
            return None
        if not (fields[2].isdigit() or fields[2] == "-"):
            return None
    return Cache(horizon, valid[1], expires, lines, head[2] if len(head) > 2 else "")


def identity(st: os.stat_result) -> str:
    """As ``prompt_cache.store_identity`` records it (the writer's side of the comparison)."""
    return " ".join(str(n) for n in (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))


def now_seconds() -> float:
    """The moment, honouring HSTRACK_NOW (only tests and pinned runs set it)."""
    fixed = os.environ.get("HSTRACK_NOW", "").strip()
    if fixed:
        from datetime import datetime

        try:
            moment = datetime.fromisoformat(fixed)
            return (moment if moment.tzinfo else moment.astimezone()).timestamp()
        except (ValueError, OverflowError, OSError):
            pass
    return time.time()


def render(lines: list[list[str]], today: int, fmt: str = DEFAULT_FORMAT, width: int = DEFAULT_WIDTH) -> str | None:
    """The segment for ``today``; None when no line covers today (the cache is stale)."""
    for start, end, target, label, phase, milestone, window, text in lines:
        if not int(start) <= today <= int(end):
            continue
        if not label and not text:
            return ""
        days = ""
        if target != "-":
            count = int(target) - today
            days, text = str(count), "today" if count == 0 else f"{count}d"
        values = {"label": label, "phase": phase, "milestone": milestone, "days": days, "window": window, "text": text}
        out = fmt
        for key in _PLACEHOLDERS:
            out = out.replace("{" + key + "}", values[key])
        out = " ".join(out.split())  # one line, whatever the format held
        return out if len(out) <= width else out[: max(width - 1, 0)] + "…"
    return None


def read_cache(path: str) -> str | None:
    """The cache's text, or None. Read as ``store.files.read_bounded`` reads (without
    importing the store): anything but a regular file (a FIFO, a device, a folder, a
    symlink) is never read and never waited on, nor a file larger than a cache can be."""
    import stat

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_CACHE:
            return None
        data = os.read(fd, MAX_CACHE + 1)
        return None if len(data) > MAX_CACHE else data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    finally:
        os.close(fd)


def _regular_or_missing(path: str) -> bool:
    import stat

    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True


def refresh(store: str, write: bool = True) -> str | None:
    """Rebuild the cache from the store (the slow path, once per change). Returns the text.
    Written only when no writer holds the lock and the store did not change meanwhile, so
    a rebuild never replaces a cache made from a newer store."""
    try:
        from pathlib import Path

        from hstrack.store.store import Store

        return Store(Path(store)).refresh_prompt_cache(write=write)
    except Exception:  # a prompt must never fail: no store, a damaged one, a read-only disk
        return None


def segment(store: str, fmt: str, width: int) -> str:
    cache = cache_path(store)
    today = today_number()
    try:
        store_stat = os.stat(store)
    except OSError:
        return ""
    if not _regular_or_missing(cache):
        # Something else is where the cache goes: never read it, never replace it from
        # here; work out the segment from the store (a write of hstrack replaces it).
        fresh = refresh(store, write=False)
        parsed = parse(fresh) if fresh is not None else None
        return (render(parsed.lines, today, fmt, width) or "") if parsed is not None else ""
    text = read_cache(cache)
    parsed = parse(text) if text is not None else None
    if parsed is not None and (parsed.store != identity(store_stat) or not parsed.current(now_seconds())):
        parsed = None
    rendered = render(parsed.lines, today, fmt, width) if parsed is not None else None
    if rendered is None:
        fresh = refresh(store)
        parsed = parse(fresh) if fresh is not None else None
        rendered = render(parsed.lines, today, fmt, width) if parsed is not None else None
    global _expiry
    _expiry = parsed.expires if parsed is not None else 0
    return rendered or ""


USAGE = """\
Usage: hstrack prompt [--format FORMAT] [--width N] [--at DATE] [--store FILE] [--refresh]

  The short segment for a shell prompt; prints nothing (exit 0) when there is
  nothing to show.

Options:
  --format FORMAT  Placeholders: {label} {phase} {milestone} {days} {window} {text}
                   (default: HSTRACK_PROMPT_FORMAT, else "{label} · {text}").
  --width N        Cut the segment to N characters (default: HSTRACK_PROMPT_WIDTH, else 40).
  --at DATE        Show the segment as of this ISO 8601 date or time.
  --store FILE     Use this store file instead of $HSTRACK_HOME/store.json.
  --refresh        Rebuild the prompt cache and print nothing.
  -h, --help       Show this message and exit.
"""
_VALUED = ("--format", "--width", "--store", "--at")
_FLAGS = ("--refresh", "--until", "--help", "-h")


class PromptUsage(Exception):
    """A mistake on the command line of ``hstrack prompt``: exit 2, one line on stderr."""


def parse_args(argv: list[str]) -> dict[str, str]:
    """The options, strictly: an unknown one or a missing value is a usage error. (Typos
    here are the user's, at a terminal; the shell snippets never pass options.)"""
    options: dict[str, str] = {}
    i = 0
    while i < len(argv):
        arg = argv[i]
        name, eq, value = arg.partition("=")
        if name in _VALUED:
            if not eq:
                if i + 1 >= len(argv):
                    raise PromptUsage(f"option {name} needs a value")
                i += 1
                value = argv[i]
            options[name] = value
        elif arg in _FLAGS:
            options[arg] = ""
        else:
            raise PromptUsage(f"no such option: {arg!r} (hstrack prompt --help lists them)")
        i += 1
    if "--format" in options:
        check_format(options["--format"])
    if "--width" in options:
        width = options["--width"]
        if not _whole(width) or not 1 <= int(width) <= 10_000:
            raise PromptUsage(f"--width takes a whole number of characters, 1 to 10000 (got {width[:20]!r})")
    return options


def _inert(text: str) -> str:
    """Control and bidi characters shown, not obeyed (as ``hstrack.core.text.inert``, without
    importing ``re`` on the prompt's path)."""
    out = []
    for ch in text:
        code = ord(ch)
        if code < 0x20:
            out.append("^" + chr(code + 0x40))
        elif code == 0x7F:
            out.append("^?")
        elif 0x80 <= code <= 0x9F or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
            out.append(f"<U+{code:04X}>")
        else:
            out.append(ch)
    return "".join(out)


def _whole(text: str) -> bool:
    """ASCII digits, and few of them ("²" is a digit to str.isdigit, and 5,000 digits are
    more than int() will read)."""
    return text.isascii() and text.isdigit() and len(text) <= 6


def check_format(fmt: str) -> None:
    """Every ``{name}`` in a format must be a placeholder the prompt knows."""
    rest = fmt
    while "{" in rest:
        rest = rest[rest.index("{") + 1 :]
        name = rest.split("}", 1)[0] if "}" in rest else None
        if name is not None and name not in _PLACEHOLDERS:
            known = " ".join("{" + p + "}" for p in _PLACEHOLDERS)
            raise PromptUsage(f"unknown placeholder {{{name}}} in --format; the placeholders are {known}")


def segment_at(store: str, at: str, fmt: str, width: int) -> str:
    """The segment as of ``--at``: computed from the store itself, without the cache (which
    holds what the prompt shows from today on) and without writing anything."""
    from datetime import date
    from pathlib import Path

    from hstrack.core.clock import resolve_now
    from hstrack.core.errors import HstrackError
    from hstrack.store.prompt_cache import build, day_number
    from hstrack.store.store import Store

    try:
        now = resolve_now(at)
    except HstrackError as exc:
        raise PromptUsage(exc.message) from None
    if not os.path.exists(store):
        return ""
    try:
        doc = Store(Path(store)).read()
    except Exception:  # a damaged store shows nothing, as on every prompt
        return ""
    parsed = parse(build(doc, now))
    day = day_number(date(now.year, now.month, now.day))
    return (render(parsed.lines, day, fmt, width) or "") if parsed else ""


def main(argv: list[str]) -> int:
    """``hstrack prompt [--format F] [--width N] [--at DATE] [--store FILE] [--refresh] [--until]``.

    Never breaks a prompt: whatever goes wrong reading the store or the cache prints
    nothing and exits 0. Only a mistake on its own command line is exit 2."""
    try:
        options = parse_args(argv)
    except PromptUsage as exc:
        sys.stderr.write(f"hstrack prompt: {_inert(str(exc))}\n")
        return 2
    if "--help" in options or "-h" in options:
        sys.stdout.write(USAGE)
        return 0
    try:
        store = options.get("--store") or store_path()
        if "--refresh" in options:
            refresh(store)
            return 0
        fmt = options.get("--format") or os.environ.get("HSTRACK_PROMPT_FORMAT") or DEFAULT_FORMAT
        # HSTRACK_PROMPT_WIDTH: a whole number of characters, at least 1; anything else is the default.
        raw_width = options.get("--width") or os.environ.get("HSTRACK_PROMPT_WIDTH", "").strip()
        width = int(raw_width) if _whole(raw_width) and 0 < int(raw_width) <= 10_000 else DEFAULT_WIDTH
        at = options.get("--at")
        out = segment(store, fmt, width) if at is None else segment_at(store, at, fmt, width)
        if "--until" in options:
            # For fish: the text, then the moment (epoch seconds) the day turns, after
            # which the text must be asked for again.
            until = min(next_midnight(), _expiry) if _expiry else next_midnight()
            sys.stdout.write(f"{out}\n{until}\n")
        elif out:
            sys.stdout.write(out + "\n")
    except PromptUsage as exc:
        sys.stderr.write(f"hstrack prompt: {_inert(str(exc))}\n")
        return 2
    except Exception:  # never break a prompt: empty output is the documented failure
        return 0
    return 0
