"""Help beyond --help: topics that are not one command (the date forms), and
``hstrack help COMMAND`` for those who type it the way git and gh take it."""

from typing import Annotated

import typer

from hstrack.cli.common import print_data
from hstrack.cli.registry import COMMAND_AREA, command
from hstrack.core.errors import UsageError

TOPICS = {"dates": "every form of date hstrack reads, what each means and how it is stored"}


@command("help", short_help="Help on a topic (dates) or a command.")
def help_(
    topic: Annotated[str | None, typer.Argument(metavar="[TOPIC|COMMAND]", show_default=False)] = None,
) -> None:
    """Print help on a topic or a command; with neither, list both.

    Topics: dates (every form of date hstrack reads, what each means and how it is stored).
    """
    if topic is None:
        _run(["--help"])
        lines = ["", "Help topics (hstrack help TOPIC):"]
        lines += [f"  {name:<10}{summary}" for name, summary in TOPICS.items()]
        print_data("\n".join(lines) + "\n")
        return
    key = topic.strip().lower()
    if key == "dates":
        from hstrack.core.dates import forms as date_forms

        print_data(date_forms.render())
    elif key in COMMAND_AREA:
        _run([key, "--help"])
    else:
        from hstrack.core.suggest import close_matches, did_you_mean

        known = [*TOPICS, *COMMAND_AREA]
        raise UsageError(
            f"no help topic or command {topic!r}; topics: {', '.join(TOPICS)}{did_you_mean(close_matches(key, known))}"
        )


def _run(args: list[str]) -> None:
    """Click's own help for the app or one command, printed without leaving the process."""
    from hstrack.cli.application import build_app

    only = args[0] if args[0] in COMMAND_AREA else None
    try:
        build_app(only)(args=args, prog_name="hstrack")
    except SystemExit as done:
        if done.code not in (0, None):
            raise
