"""Files the store reads and writes, and their guarantees.

- A read never waits nor runs away: every file hstrack reads that it did not just write
  goes through ``read_bounded``: a FIFO, a device or a folder where a file should be is
  refused at once, a symlink too where the file comes from a shared place (a repository,
  a cache, a sidecar), and a file over its reader's bound before a byte is read.
- A write is atomic (``write_atomic``): a temp file in the same folder, fsynced, put in
  place with ``os.replace``, and the folder fsynced, so the target holds the old bytes or
  the new, never a mix, whatever interrupts it (a crash, Ctrl-C, a full disk).
- A digest (``sha256``) identifies a version's bytes without importing OpenSSL.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path

from hstrack.core.errors import StoreError

NEW_STORE_MODE = 0o600


def read_all(fd: int) -> bytes:
    chunks, offset = [], 0
    while chunk := os.pread(fd, 1 << 22, offset):
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


# A file's bytes, whole or in pieces (a change spliced into a large store is the bytes
# before it, the title's new bytes and the bytes after it: never joined, never copied).
Data = bytes | list[bytes | memoryview]


def sha256(raw: Data) -> str:
    # The standard library's own SHA-256 (``_sha256``; ``_sha2`` from 3.12) for small
    # stores: hashlib loads OpenSSL first, 2.5 ms of every write. A large store is hashed
    # through OpenSSL, whose SHA-256 uses the CPU's instructions for it: 0.5 s rather than
    # 3 s for 100 MB here. The same digest either way.
    if isinstance(raw, list) and sum(len(piece) for piece in raw) <= 1 << 20:
        raw = b"".join(raw)
    if isinstance(raw, list) or len(raw) > 1 << 20:
        from hashlib import sha256 as fast

        hashed = fast()
        for piece in [raw] if isinstance(raw, bytes) else raw:
            hashed.update(piece)
        return hashed.hexdigest()
    try:
        from _sha256 import sha256 as digest  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        try:
            from _sha2 import sha256 as digest  # type: ignore[import-not-found,no-redef,unused-ignore]
        except ImportError:
            from hashlib import sha256 as digest  # type: ignore[assignment,unused-ignore]
    return str(digest(raw).hexdigest())


MiB = 1 << 20
STORE_LIMIT = 256 * MiB  # a store, a kept version, an import: far past 100,000 titles
SIDECAR_LIMIT = 64 * MiB  # the index, notify's record, the Tab cache
SMALL_LIMIT = 1 * MiB  # the prompt's cache, a repository's .gitattributes and .gitignore


class NotAFile(IsADirectoryError):
    """What is there is not a regular file: ``kind`` says what it is ("a folder", "a FIFO",
    "a device", "a socket", "a symbolic link"). An IsADirectoryError (errno 21 for a
    folder, 19 for anything else) so that every reader's "not a file" branch takes it."""

    def __init__(self, kind: str) -> None:
        super().__init__(21 if kind == "a folder" else 19, f"it is {kind}, not a regular file")
        self.kind = kind


class TooLarge(OSError):
    """A file larger than its reader's bound, refused before a byte of it is read."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(27, f"it is larger than {_size(limit)} ({_size(size)})")
        self.size, self.limit = size, limit


def _size(n: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", MiB), ("KiB", 1024)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} bytes"


def refusal(exc: OSError) -> str:
    """Why a file could not be read, as the end of a sentence "cannot read X: ..."."""
    if isinstance(exc, NotAFile | TooLarge):
        return str(exc.strerror)
    if isinstance(exc, IsADirectoryError):
        return "it is a folder" if exc.errno == 21 else "it is not a regular file"
    return str(exc.strerror or exc)


def read_bounded(path: Path | str, limit: int, follow: bool = True) -> tuple[bytes, os.stat_result]:
    """The one way hstrack reads a file it did not just write: opened without waiting (a
    FIFO never blocks), without following a symlink unless ``follow`` (a file from a shared
    place: a repository, a cache, a sidecar), checked to be a regular file, and read only
    if its size is within ``limit``, decided before a byte is read (a file that grows while
    it is read is cut at the bound and refused too). Returns the bytes and the file's
    status as opened (its identity). Raises FileNotFoundError, NotAFile, TooLarge or the
    OSError of the open."""
    fd = open_regular(path, follow)
    try:
        st = os.fstat(fd)
        if st.st_size > limit:
            raise TooLarge(st.st_size, limit)
        # One read of the size the file says (and a byte more, to see it grew): a 100 MB
        # store read in pieces and joined would be held twice over for a moment.
        chunks = [os.read(fd, st.st_size + 1)]
        size = len(chunks[0])
        while chunks[-1] and size <= limit and (chunk := os.read(fd, min(1 << 20, limit + 1 - size))):
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise TooLarge(size, limit)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks), st
    finally:
        os.close(fd)


def read_regular(path: Path, limit: int = STORE_LIMIT, follow: bool = True) -> bytes:
    """A file's bytes (``read_bounded``): a FIFO, a device or a folder in the store's
    place must never block a command or a prompt, nor a huge file exhaust memory."""
    return read_bounded(path, limit, follow)[0]


def read_regular_stat(path: Path, limit: int = STORE_LIMIT) -> tuple[bytes, os.stat_result]:
    """``read_regular``, and the file's status as it was opened (its identity for the index)."""
    return read_bounded(path, limit)


def open_regular(path: Path | str, follow: bool = True) -> int:
    """A descriptor of ``path`` opened for reading, never waiting on it; NotAFile when it
    is not a regular file (or, unless ``follow``, when it is a symlink)."""
    import stat

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if not follow and exc.errno == 40:  # ELOOP: O_NOFOLLOW met a symlink
            raise NotAFile("a symbolic link") from None
        raise
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotAFile(_kind(mode))
    except BaseException:
        os.close(fd)
        raise
    return fd


def _kind(mode: int) -> str:
    import stat

    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def file_identity(path: Path) -> tuple[int, int, int, int] | None:
    """What tells one version of a file from the next: inode, size, and change times."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def regular_or_missing(path: Path) -> bool:
    import stat

    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True


def write_atomic(
    data: bytes | Iterable[bytes | memoryview],
    target: Path,
    mode: int | None = None,
    durable: bool = True,
    times_ns: tuple[int, int] | None = None,
) -> None:
    """Temp file in the same folder, fsync, ``os.replace``, fsync the folder: the target
    holds the old bytes or the new, never a mix. Keeps an existing file's mode.

    ``data`` may come in pieces (an export of a large store, made while it is written):
    then a failure in making them, or a Ctrl-C, also removes the temp file and leaves the
    target as it was. ``durable=False`` skips the two fsyncs, for a file that is rebuilt
    whenever it is missing or does not read back whole (the index). ``times_ns``: the
    access and modification times the new file has when it appears (the prompt's cache
    takes the store's)."""
    if mode is None:
        # The mode of the file replaced, never of what a symlink in its place points at
        # (a sidecar linked to /dev/zero would make the new file 0666).
        import stat

        try:
            st = os.lstat(target)
            mode = st.st_mode & 0o7777 if stat.S_ISREG(st.st_mode) else NEW_STORE_MODE
        except FileNotFoundError:
            mode = NEW_STORE_MODE
    try:
        fd, temp = _temp_beside(target)
    except OSError as exc:
        raise StoreError(f"cannot write {target}: {exc.strerror}; nothing was changed") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in (data,) if isinstance(data, bytes) else data:
                handle.write(chunk)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(temp, mode)
        if times_ns is not None:
            os.utime(temp, ns=times_ns)
        os.replace(temp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise StoreError(f"cannot write {target}: {exc.strerror}; nothing was changed") from None
        raise
    if durable:
        _fsync_dir(target.parent)


def _temp_beside(target: Path) -> tuple[int, str]:
    """A new file ``.NAME.RANDOM.tmp`` beside ``target``, created exclusively with mode
    0600: what ``tempfile.mkstemp`` does, without importing tempfile (and random) on
    every write. The name is what the lock holder's sweep removes after a killed writer."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        temp = str(target.parent / f".{target.name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(temp, flags, 0o600), temp
        except FileExistsError:
            continue
    raise FileExistsError(17, "no free temporary name", str(target.parent))


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable; without this a crash can bring the old name back."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
