"""Sharing a store through git: finding the repository around the store by reading git's own
files (never starting git, which costs a process on every command), setting it up to merge
the store with hstrack's merge driver, and the driver itself (``hstrack merge-file``).

Git merges a file with a *merge driver* named in ``.gitattributes`` (committed: every clone
agrees the store merges this way) and defined in the repository's config (not committed:
each clone says what to run, so a fresh clone must run ``hstrack git setup``). The driver
gets three files, the common version, ours and theirs (``%O %A %B``), leaves the result in
ours and exits 0 when it merged cleanly or non-zero when it left a conflict, which git then
reports as it would any conflicted file.
"""

from __future__ import annotations

import os
import re
import struct
from pathlib import Path
from typing import TYPE_CHECKING

from hstrack.core.errors import HstrackError, StoreError, UsageError

if TYPE_CHECKING:
    from datetime import datetime

    from hstrack.core.model.document import Document
    from hstrack.sharing.merge.outcome import MergeResult
    from hstrack.store.doctor import Checkup
    from hstrack.store.store import Store

# Every command that reads the store asks ``setup_warning`` first, so this module loads only
# what finding the repository needs; setting up and merging import the rest when used.

DRIVER = "hstrack"
DRIVER_NAME = "hstrack store: titles and milestones, fact by fact"
IGNORE_HEADER = "# hstrack: machine-local files beside the store (written by hstrack git setup)"
ATTRIBUTES_HEADER = "# hstrack: merge the store title by title and fact by fact (written by hstrack git setup)"


# Every file read here goes through the store's one bounded reader. What a collaborator can
# commit (.gitattributes, .gitignore) is never followed through a symlink, as git 2.32+ never
# follows them; git's own files and your git config are yours (a dotfiles symlink is fine).
SMALL = 1 << 20  # .git, commondir, .gitattributes, .gitignore: lines of text
CONFIG = 4 << 20  # a git config file
INDEX = 256 << 20  # git's index of a large repository


def _read(path: Path, limit: int, follow: bool) -> bytes | None:
    """The file's bytes, or None when it is missing or cannot be used (see above)."""
    from hstrack.store.files import read_regular

    try:
        return read_regular(path, limit, follow)
    except OSError:
        return None


def _text(path: Path, limit: int, follow: bool) -> str | None:
    raw = _read(path, limit, follow)
    return None if raw is None else raw.decode("utf-8", errors="replace")


class Repository:
    """A git work tree: its top folder, its git folder, and the folder holding the config
    and index shared by all its worktrees. (Plain classes here, not dataclasses: every
    command that reads the store loads this module, and a dataclass costs ~0.7 ms to make.)"""

    __slots__ = ("common_dir", "git_dir", "top")

    def __init__(self, top: Path, git_dir: Path, common_dir: Path) -> None:
        self.top, self.git_dir, self.common_dir = top, git_dir, common_dir


def find_repository(folder: Path) -> Repository | None:
    """The work tree holding ``folder``, found the way git finds it (a ``.git`` folder, or
    a ``.git`` file naming one, in it or a folder above), without starting git."""
    try:
        here = folder.resolve()
    except (OSError, RuntimeError):
        return None
    for candidate in (here, *here.parents):
        dot_git = candidate / ".git"
        try:
            if dot_git.is_dir():
                git_dir = dot_git
            elif dot_git.is_file():
                text = (_text(dot_git, SMALL, follow=False) or "").strip()
                if not text.startswith("gitdir:"):
                    return None
                git_dir = (candidate / text.removeprefix("gitdir:").strip()).resolve()
            else:
                continue
            common = git_dir
            commondir = git_dir / "commondir"
            if commondir.is_file():  # a linked worktree: config and index of the main one
                common = (git_dir / (_text(commondir, SMALL, follow=True) or ".").strip()).resolve()
            return Repository(candidate, git_dir, common)
        except OSError:
            return None
    return None


# Patterns, compiled on first use (re caches them): `[merge "hstrack"]` or `[merge.hstrack]`.
_SECTION = r'(?i)^\s*\[\s*merge\s*"hstrack"\s*\]|^\s*\[\s*merge\.hstrack\s*\]'
_ANY_SECTION = r"^\s*\["
_DRIVER_KEY = r"(?i)^\s*driver\s*=\s*\S"


def _defines_driver(config: Path) -> bool:
    """Whether a git config file defines ``merge.hstrack.driver`` (the forms git writes)."""
    text = _text(config, CONFIG, follow=True)
    if text is None:
        return False
    inside = False
    for line in text.splitlines():
        if re.match(_ANY_SECTION, line):
            inside = bool(re.match(_SECTION, line))
        elif inside and re.match(_DRIVER_KEY, line):
            return True
    return False


def _config_files(repo: Repository) -> list[Path]:
    """Where git reads config for this repository: the user's files and the repository's."""
    found = [repo.common_dir / "config", repo.git_dir / "config.worktree"]
    home = Path(os.environ.get("HOME", "~")).expanduser()
    xdg = os.environ.get("XDG_CONFIG_HOME") or str(home / ".config")
    found += [Path(xdg) / "git" / "config", home / ".gitconfig"]
    if os.environ.get("GIT_CONFIG_GLOBAL"):
        found.append(Path(os.environ["GIT_CONFIG_GLOBAL"]))
    return found


def driver_configured(repo: Repository) -> bool:
    return any(_defines_driver(path) for path in _config_files(repo))


def _attribute_lines(folder: Path, repo: Repository) -> list[tuple[Path, str]]:
    files = [(repo.common_dir / "info" / "attributes", True)]
    for candidate in (folder, *folder.parents):
        files.append((candidate / ".gitattributes", False))  # committed: never followed
        if candidate == repo.top:
            break
    lines = []
    for path, follow in files:
        text = _text(path, SMALL, follow)
        if text is not None:
            lines += [(path.parent, line) for line in text.splitlines()]
    return lines


def attributes_name_driver(store: Path, repo: Repository) -> bool:
    """Whether a ``.gitattributes`` line for the store names the hstrack driver (the simple
    forms ``hstrack git setup`` and people write: the file's name or its path)."""
    folder = store.parent.resolve()
    for where, line in _attribute_lines(folder, repo):
        parts = line.split()
        if len(parts) < 2 or line.lstrip().startswith("#") or f"merge={DRIVER}" not in parts[1:]:
            continue
        pattern = parts[0]
        if pattern in (store.name, f"/{store.name}") and where == folder:
            return True
        try:
            relative = (folder / store.name).relative_to(where).as_posix()
        except ValueError:
            continue
        if pattern.lstrip("/") == relative or pattern == store.name:
            return True
    return False


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    """Git's offset varint (index version 4 path prefixes)."""
    byte = data[pos]
    pos += 1
    value = byte & 0x7F
    while byte & 0x80:
        value += 1
        byte = data[pos]
        pos += 1
        value = (value << 7) + (byte & 0x7F)
    return value, pos


def tracked_paths(repo: Repository) -> set[str]:
    """The paths git's index holds (versions 2 to 4), read without starting git. Empty when
    there is no index or it cannot be read (nothing committed yet, a format we do not know)."""
    data = _read(repo.git_dir / "index", INDEX, follow=False)
    if data is None:
        return set()
    paths: set[str] = set()
    try:
        signature, version, count = struct.unpack(">4sII", data[:12])
        if signature != b"DIRC" or version not in (2, 3, 4):
            return set()
        pos, previous = 12, b""
        for _ in range(count):
            (flags,) = struct.unpack(">H", data[pos + 60 : pos + 62])
            start = pos + 62 + (2 if version >= 3 and flags & 0x4000 else 0)
            if version == 4:
                strip, start = _varint(data, start)
                end = data.index(b"\0", start)
                name = previous[: len(previous) - strip] + data[start:end]
                pos = end + 1
            else:
                end = data.index(b"\0", start)
                name = data[start:end]
                pos += ((end - pos) // 8 + 1) * 8
            previous = name
            paths.add(name.decode("utf-8", errors="replace"))
    except (struct.error, ValueError, IndexError):
        return paths
    return paths


class Sharing:
    """What hstrack knows of the git repository around a store."""

    __slots__ = ("attributes", "driver", "repo", "tracked")

    def __init__(
        self, repo: Repository | None, tracked: bool = False, attributes: bool = False, driver: bool = False
    ) -> None:
        self.repo, self.tracked, self.attributes, self.driver = repo, tracked, attributes, driver

    @property
    def set_up(self) -> bool:
        return self.repo is not None and self.attributes and self.driver

    @property
    def needs_setup(self) -> bool:
        """In a work tree that shares the store (tracked, or named in .gitattributes) but
        does not merge it with hstrack: a `git pull` would merge it line by line."""
        return self.repo is not None and (self.tracked or self.attributes) and not self.set_up


def examine(store: Path) -> Sharing:
    repo = find_repository(store.parent)
    if repo is None:
        return Sharing(None)
    attributes = attributes_name_driver(store, repo)
    driver = driver_configured(repo)
    tracked = False
    if not (attributes and driver):
        try:
            relative = store.parent.resolve().relative_to(repo.top).as_posix()
        except (OSError, ValueError):
            relative = ""
        path = f"{relative}/{store.name}" if relative not in ("", ".") else store.name
        tracked = path in tracked_paths(repo)
    return Sharing(repo, tracked=tracked, attributes=attributes, driver=driver)


def setup_warning(store: Path) -> str | None:
    """One line for stderr when the store is shared through git without hstrack's driver."""
    try:
        sharing = examine(store)
    except Exception:  # a warning must never be what breaks a command
        return None
    if not sharing.needs_setup or sharing.repo is None:
        return None
    missing = "the merge driver is not configured in this clone" if sharing.attributes else "it is not set up"
    return (
        f"{store.name} is in the git repository {sharing.repo.top}, but {missing}, so git would merge it line by "
        "line; run: hstrack git setup"
    )


# ---------------------------------------------------------------------------- setup


def driver_command() -> str:
    """What git runs: this interpreter and this hstrack, whatever PATH a git hook has."""
    import shlex
    import sys

    return f"{shlex.quote(sys.executable)} -m hstrack merge-file %O %A %B %P"


def ignore_lines(store: Path, data_home: Path | None) -> list[str]:
    """Machine-local files beside the store: never shared."""
    name = store.name
    lines = [f"/{name}.lock", f"/{name}.prompt", f"/{name}.complete", f"/{name}.index", f"/{name}.backups/",
             f"/{name}.damaged-*",
             f"/.{name}.*.tmp",
             f"/{name}.notified", f"/{name}.notified.lock"]  # what this machine's notify sent  # fmt: skip
    if data_home is not None and data_home.resolve() == store.parent.resolve():
        lines += ["/cache/", "/config.toml", "/.config.toml.*.tmp"]  # your region and your HTTP cache
    return lines


def _ensure_lines(path: Path, header: str, wanted: list[str]) -> list[str]:
    """Add the lines a file lacks (under a header), replacing the file atomically; returns
    those added. A symlink there is refused, never written through: git does not follow
    one (so its lines would not count), and it may point anywhere."""
    from hstrack.store.files import NotAFile, read_regular, refusal, write_atomic

    existed = True
    try:
        text = read_regular(path, SMALL, follow=False).decode("utf-8")
    except FileNotFoundError:
        text, existed = "", False
    except NotAFile as exc:
        raise StoreError(
            f"cannot set up {path}: {exc.strerror}, which git does not read; replace it with a file and run this again"
        ) from None
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {refusal(exc)}") from None
    except UnicodeDecodeError:
        raise StoreError(f"cannot read {path}: it is not UTF-8 text") from None
    have = {line.strip() for line in text.splitlines()}
    missing = [line for line in wanted if line not in have]
    if not missing:
        return []
    block = ([header] if header not in have else []) + missing
    prefix = "" if not text or text.endswith("\n") else "\n"
    gap = "\n" if text.strip() and header not in have else ""
    new = text + prefix + gap + "\n".join(block) + "\n"
    write_atomic(new.encode("utf-8"), path, mode=None if existed else 0o644)
    return missing


def _git(repo: Repository, *args: str) -> str:
    import subprocess

    try:
        done = subprocess.run(
            ["git", "-C", str(repo.top), *args], capture_output=True, text=True, check=False, timeout=60
        )
    except FileNotFoundError:
        raise HstrackError("git is not installed (or not on PATH)") from None
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise HstrackError(f"cannot run git: {exc}") from None
    if done.returncode not in (0, 1):
        raise HstrackError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout.strip() if done.returncode == 0 else ""


class SetupReport:
    __slots__ = ("did", "repository")

    def __init__(self, repository: Path) -> None:
        self.repository = repository
        self.did: list[str] = []


def setup(store: Path, data_home: Path | None) -> SetupReport:
    """Make the repository around the store merge it with hstrack (idempotent)."""
    repo = find_repository(store.parent)
    if repo is None:
        import shlex

        folder = shlex.quote(str(store.parent))
        raise UsageError(f"{store.parent} is not in a git repository; make one first: git -C {folder} init")
    report = SetupReport(repo.top)
    attributes = store.parent / ".gitattributes"
    if _ensure_lines(attributes, ATTRIBUTES_HEADER, [f"/{store.name} merge={DRIVER}"]):
        report.did.append(f"{attributes}: {store.name} merges with hstrack")
    ignored = _ensure_lines(store.parent / ".gitignore", IGNORE_HEADER, ignore_lines(store, data_home))
    if ignored:
        report.did.append(f"{store.parent / '.gitignore'}: ignores {', '.join(ignored)}")
    for key, value in ((f"merge.{DRIVER}.name", DRIVER_NAME), (f"merge.{DRIVER}.driver", driver_command())):
        if _git(repo, "config", "--local", "--get", key) != value:
            _git(repo, "config", "--local", key, value)
            report.did.append(f"git config {key} = {value}")
    return report


# ---------------------------------------------------------------------------- the driver


class FileMerge:
    __slots__ = ("problem", "result", "written")

    def __init__(self, result: MergeResult, written: bool, problem: str | None = None) -> None:
        self.result, self.written = result, written
        self.problem = problem  # why nothing was merged (the file was left as ours)


def _read_side(path: Path, what: str, empty_ok: bool = False) -> Document | None:
    from hstrack.core.model.reading import document_from_json
    from hstrack.core.model.shape import ShapeError
    from hstrack.store.codec import decode_json
    from hstrack.store.files import read_regular, refusal

    try:
        raw = read_regular(path)
    except OSError as exc:
        raise StoreError(f"cannot read {what} ({path}): {refusal(exc)}") from None
    if not raw.strip() and empty_ok:
        return None
    try:
        doc = document_from_json(decode_json(raw, what))
    except (ValueError, ShapeError) as exc:
        raise StoreError(f"{what} is not a store hstrack can read ({exc})") from None
    if doc.newer:
        raise StoreError(f"{what} was written by a newer hstrack (schema {doc.read_schema}); merge it with that one")
    return doc


def merge_files(base: Path, ours: Path, theirs: Path, now: datetime) -> FileMerge:
    """Git's three-way merge of the store: the result replaces ``ours``, written whole and
    canonical, or not at all. A side that cannot be read leaves ``ours`` as it is."""
    from hstrack.core.model.document import Document
    from hstrack.sharing.merge.documents import merge_documents
    from hstrack.sharing.merge.outcome import MergeResult
    from hstrack.store.codec import dumps, parse_bytes
    from hstrack.store.files import write_atomic

    try:
        ours_doc = _read_side(ours, "our version")
        theirs_doc = _read_side(theirs, "their version")
        try:
            base_doc = _read_side(base, "the common version", empty_ok=True)
        except StoreError:
            base_doc = None  # merged as two copies added on both sides
    except StoreError as exc:
        return FileMerge(MergeResult(), written=False, problem=exc.message)
    assert ours_doc is not None
    assert theirs_doc is not None
    result = merge_documents(ours_doc, theirs_doc, now, base=base_doc or Document())
    data = dumps(ours_doc)
    parse_bytes(data, ours)  # never leave a store hstrack would refuse
    write_atomic(data, ours)
    return FileMerge(result, written=True)


def check_sharing(store: Store, checkup: Checkup) -> None:
    """doctor's findings about sharing: whether the store is shared through git, and merged
    by hstrack's driver (``hstrack.store.doctor.examine`` runs it after the store's own)."""
    sharing = examine(store.path)
    if sharing.repo is None:
        return
    if sharing.set_up:
        checkup.add("ok", f"shared through git in {sharing.repo.top}, merged by hstrack")
    elif sharing.needs_setup:
        checkup.add(
            "warning", f"tracked by git in {sharing.repo.top} without hstrack's merge driver: hstrack git setup"
        )
