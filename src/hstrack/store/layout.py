"""Where a store's files are: the canonical ``store.json`` and the files beside it.

Every path hstrack derives from the store is named here once: the write lock, the kept
versions, the index, and the prompt's and Tab's caches. The store is worked on through its
real path, so a symlinked store stays a symlink (its target changes) and two paths to one
store share one lock and one set of sidecars.
"""

from __future__ import annotations

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
