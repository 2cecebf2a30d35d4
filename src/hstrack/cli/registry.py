"""The registry of commands: every area's module registers its commands here with
``@command``, and ``application`` builds the Typer app from it. The areas import this
module, never ``application``, so no area and the application import each other."""

from collections.abc import Callable
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

_COMMANDS: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {}


def command(name: str | None = None, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        _COMMANDS[name or func.__name__] = (func, kwargs)
        return func

    return register


def registered(name: str) -> tuple[Callable[..., Any], dict[str, Any]]:
    """A command's function and its Typer options, once its area's module is imported."""
    return _COMMANDS[name]
