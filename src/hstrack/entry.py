"""The ``hstrack`` executable. ``hstrack prompt`` is dispatched before anything else is
imported, so a prompt pays for the interpreter and a small cache read, not for Typer."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:2] == ["prompt"]:
        from hstrack.prompt import main as prompt_main

        sys.exit(prompt_main(sys.argv[2:]))
    from hstrack.cli.application import main as cli_main

    cli_main()
