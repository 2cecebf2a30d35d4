"""Prompt integrations for bash, zsh, fish and starship, filled in by ``hstrack init``, and
Tab completion for bash, zsh and fish, filled in by ``hstrack completion``."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
from importlib import resources
from pathlib import Path

from hstrack.core.errors import HstrackError

FILES = {"bash": "bash.sh", "zsh": "zsh.zsh", "fish": "fish.fish", "starship": "starship.toml"}
COMPLETION_FILES = {"bash": "completion-bash.sh", "zsh": "completion-zsh.zsh", "fish": "completion-fish.fish"}


def executable() -> str:
    """The hstrack executable to call from a prompt, as an absolute path, so PATH changes
    (a virtualenv activated later, say) cannot change which program runs."""
    beside = Path(sys.executable).with_name("hstrack")
    if beside.exists():
        return str(beside)
    found = shutil.which("hstrack")
    if found:
        return os.path.abspath(found)
    raise HstrackError("cannot find the hstrack executable to call from the prompt; is it installed?")


def fish_quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def snippet(shell: str, store: Path) -> str:
    store_path = os.path.realpath(store)
    cache = store_path + ".prompt"
    binary = executable()
    template = resources.files(__package__).joinpath(FILES[shell]).read_text(encoding="utf-8")
    if shell == "fish":
        values = {"@BIN@": fish_quote(binary), "@STORE@": fish_quote(store_path), "@CACHE@": fish_quote(cache)}
    elif shell == "starship":
        # A TOML basic string (JSON's escaping is valid TOML) holding a shell-quoted path.
        values = {'"@BIN_SH@ prompt"': json.dumps(f"{shlex.quote(binary)} prompt --store {shlex.quote(store_path)}")}
    else:
        values = {"@BIN@": shlex.quote(binary), "@STORE@": shlex.quote(store_path), "@CACHE@": shlex.quote(cache)}
    for marker, value in values.items():
        template = template.replace(marker, value)
    return template


def completion_script(shell: str) -> str:
    """The Tab-completion script for a shell, calling this hstrack by its absolute path.
    The store is not written in: a Tab press uses the store the command itself would
    (``--store`` on the line, else HSTRACK_HOME as it is then)."""
    binary = executable()
    quoted = fish_quote(binary) if shell == "fish" else shlex.quote(binary)
    template = resources.files(__package__).joinpath(COMPLETION_FILES[shell]).read_text(encoding="utf-8")
    return template.replace("@BIN@", quoted)
