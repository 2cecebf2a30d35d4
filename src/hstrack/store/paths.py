"""Where hstrack keeps its data: one place, so tests can point it at a temp folder."""

from __future__ import annotations

import os
from pathlib import Path

HOME_VARIABLE = "HSTRACK_HOME"
STORE_NAME = "store.json"


def data_home() -> Path:
    """``$HSTRACK_HOME`` if set, else the platform's user data folder."""
    override = os.environ.get(HOME_VARIABLE)
    if override:
        try:
            return Path(override).expanduser()
        except RuntimeError:  # "~someone" for a user this system does not know
            from hstrack.core.errors import StoreError

            raise StoreError(f"{HOME_VARIABLE}={override!r} cannot be used: no such user's home") from None
    import platformdirs  # lazy: only needed when no override is set

    return platformdirs.user_data_path("hstrack")


def default_store() -> Path:
    return data_home() / STORE_NAME
