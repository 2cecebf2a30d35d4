"""The prompt: the segment a shell shows, what it is pinned to, and each shell's snippet."""

from typing import Annotated

import typer

from hstrack.cli.common import AtOpt, IdArg, done, milestone_of, print_data, settings_of
from hstrack.cli.registry import command
from hstrack.core.errors import UsageError
from hstrack.core.model.document import Document


@command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    short_help="The short segment for a shell prompt.",
)
def prompt(
    ctx: typer.Context,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", metavar="FORMAT", help="Placeholders: {label} {phase} {milestone} {days} {window} {text}."
        ),
    ] = None,
    width: Annotated[int | None, typer.Option("--width", metavar="N", help="Cut the segment to N characters.")] = None,
    refresh: Annotated[bool, typer.Option("--refresh", help="Rebuild the prompt cache and print nothing.")] = False,
    at: AtOpt = None,
) -> None:
    """The short segment for a shell prompt; prints nothing (exit 0) when there is nothing to show."""
    from hstrack.shell.prompt import main as prompt_main

    settings = settings_of(ctx)
    argv = ["--store", str(settings.path())]
    argv += ["--format", fmt] if fmt is not None else []
    argv += ["--width", str(width)] if width is not None else []
    argv += ["--refresh"] if refresh else []
    when = at if at is not None else settings.at
    argv += ["--at", when] if when is not None else []
    raise typer.Exit(prompt_main(argv + list(ctx.args)))


@command(short_help="Choose the title (and milestone) the prompt shows.")
def pin(
    ctx: typer.Context,
    title_id: IdArg,
    milestone: Annotated[
        str | None, typer.Argument(metavar="[MILESTONE]", help="Default: the title's next dated milestone.")
    ] = None,
) -> None:
    """Choose what the prompt shows: a title, and optionally one of its milestones."""
    settings = settings_of(ctx)
    now = settings.now()
    kind = milestone.strip() if milestone is not None else None  # checked against the title below

    def apply(doc: Document) -> str | None:
        nonlocal kind
        title = doc.get(title_id)
        if milestone is not None:
            kind = milestone_of(title, milestone)
        if (doc.pin_title, doc.pin_milestone) == (title_id, kind):
            return None
        doc.pin_title, doc.pin_milestone = title_id, kind
        doc.pin_set = now.isoformat(timespec="seconds")  # a merge keeps the later of two pins
        return f"pin {title_id}" + (f" {kind}" if kind else "")

    settings.store().change(apply, lambda d: d, now)
    done(f"the prompt shows {title_id}" + (f" {kind}" if kind else ""))


@command(short_help="Let the prompt show the soonest milestone again.")
def unpin(ctx: typer.Context) -> None:
    """Let the prompt show the soonest dated milestone across all titles again."""
    settings = settings_of(ctx)
    now = settings.now()

    def apply(doc: Document) -> str | None:
        if doc.pin_title is None:
            return None
        doc.pin_title = doc.pin_milestone = None
        doc.pin_set = now.isoformat(timespec="seconds")  # unpinned, and when: a merge keeps the later
        return "unpin"

    settings.store().change(apply, lambda d: d, now)
    done("the prompt shows the soonest dated milestone")


SHELLS = ("bash", "zsh", "fish", "starship")


@command(short_help="Print a shell's prompt snippet.")
def init(
    ctx: typer.Context,
    shell: Annotated[str, typer.Argument(metavar="bash|zsh|fish|starship", help="Which shell to print a snippet for.")],
) -> None:
    """Print the prompt integration for a shell: eval "$(hstrack init bash)"."""
    from hstrack.shell.snippets import snippet

    if shell not in SHELLS:
        raise UsageError(f"shell {shell!r} is not one of {', '.join(SHELLS)}")
    print_data(snippet(shell, settings_of(ctx).path()))
