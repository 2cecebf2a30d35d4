"""Where a store's files are: the canonical ``store.json`` and the files beside it.

Every path hstrack derives from the store is named here once: the write lock, the kept
versions, the index, and the prompt's and Tab's caches. The store is worked on through its
real path, so a symlinked store stays a symlink (its target changes) and two paths to one
store share one lock and one set of sidecars.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


class Layout:
    """The files of the store at ``path`` (as given, and resolved)."""

    def __init__(self, path: Path) -> None:
        self.given = path
        self.path = Path(os.path.realpath(path))
        self.folder = self.path.parent
        self.lock_path = self.beside("lock")
        self.backup_dir = self.beside("backups")
        self.index_path = self.beside("index")
        self.prompt_cache_path = self.beside("prompt")
        self.completion_cache_path = self.beside("complete")

    def beside(self, suffix: str) -> Path:
        """``store.json.SUFFIX`` in the store's folder."""
        return self.folder / f"{self.path.name}.{suffix}"

    def claims(self, output: Path, others: tuple[Path, ...] = ()) -> str | None:
        """What of the store's ``output`` is, after resolving every symlink (and, for a file
        that exists, by its device and inode, so a hard link is caught too): "the store",
        one of its sidecars or kept versions, or one of ``others`` (hstrack's own files
        elsewhere: config.toml, the HTTP cache); None when it is none of them."""
        real = Path(os.path.realpath(output))
        name = self.path.name
        if real == self.path:
            return "the store"
        if real.parent == self.folder and (real.name.startswith(f"{name}.") or real.name.startswith(f".{name}.")):
            return f"a file hstrack keeps beside the store ({real.name})"
        if self.backup_dir in real.parents:
            return "a kept version of the store"
        for other in others:
            mine = Path(os.path.realpath(other))
            if real == mine or mine in real.parents:
                return f"hstrack's own {mine.name}"
        try:
            st = os.stat(real)
        except OSError:
            return None
        mine_too = [self.path, *others]
        with contextlib.suppress(OSError):
            mine_too += [self.folder / n for n in os.listdir(self.folder) if n.startswith((f"{name}.", f".{name}."))]
        for path in mine_too:
            try:
                other_st = os.stat(path)
            except OSError:
                continue
            if (other_st.st_dev, other_st.st_ino) == (st.st_dev, st.st_ino):
                return f"another name of {'the store' if path == self.path else path.name}"
        return None
