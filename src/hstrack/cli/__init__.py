"""The command line: thin commands over the core, a module per area.

``app`` holds the one exit point for errors and builds the Typer application; each area's
module (``views``, ``editing``, ``sources``, ``scripting``, ``notify``, ``prompt``, ``shell``,
``store``, ``sharing``, ``help``) registers its commands. A run imports only the area of the command it runs, so a
reader finds a command by where it belongs and a run pays only for its own.
"""

from typing import Any

# Areas in the order ``hstrack --help`` lists them, each with its heading and commands.
AREAS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("views", "Views", ("status", "show", "timeline", "countdown", "upcoming", "calendar", "history", "changes")),
    ("editing", "Editing", ("add", "set", "unset", "edit", "credit", "label", "rename", "remove")),
    ("sources", "Sources", ("find", "link", "unlink", "sync", "proposals", "accept", "reject")),
    ("scripting", "Scripting", ("check", "export", "import")),
    ("notify", "Notifications", ("notify", "remind")),
    ("prompt", "The prompt", ("prompt", "pin", "unpin", "init")),
    ("shell", "Shell completion", ("completion",)),
    ("store", "Your data", ("undo", "doctor", "where", "config")),
    ("sharing", "Sharing through git", ("git", "merge-file")),
    ("help", "Help", ("help",)),
)
COMMAND_AREA = {name: area for area, _, names in AREAS for name in names}


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
