"""The ``hstrack`` executable. ``hstrack prompt`` and ``hstrack __complete`` (a Tab press) are
dispatched before anything else is imported, so each pays for the interpreter and a small
cache read, not for Typer."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:2] == ["prompt"]:
        from hstrack.shell.prompt import main as prompt_main

        sys.exit(prompt_main(sys.argv[2:]))
    if sys.argv[1:2] == ["__complete"]:
        # A Tab press (the scripts `hstrack completion SHELL` prints): the same budget.
        from hstrack.shell.completion import main as complete_main

        sys.exit(complete_main(sys.argv[2:]))
    from hstrack.cli.application import main as cli_main

    cli_main()
