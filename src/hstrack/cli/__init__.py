"""The command line: thin commands over the core, a module per area.

``application`` holds the one exit point for errors and builds the Typer application from
``registry``, where each area's module (``views``, ``editing``, ``sources``, ``scripting``,
``notify``, ``prompt``, ``shell``, ``store``, ``sharing``, ``help``) registers its commands;
``common`` holds what the areas share (settings, options, output), ``network`` their way to
the sources (the client, the progress bar), ``watchlists`` ``import --from``. A run imports only the
area of the command it runs, so a reader finds a command by where it belongs and a run pays
only for its own. Nothing outside this package imports it but ``hstrack.entry``.
"""

from typing import Any

from hstrack.cli.registry import AREAS, COMMAND_AREA

__all__ = ["AREAS", "COMMAND_AREA", "main"]


def main() -> None:
    from hstrack.cli.application import main as run

    run()


def __getattr__(name: str) -> Any:
    # `from hstrack.cli import app` (tests, docs) gets the full app, built on first use,
    # so that an ordinary run never pays for building it.
    if name == "app":
        from hstrack.cli.application import build_app

        return build_app()
    raise AttributeError(name)
