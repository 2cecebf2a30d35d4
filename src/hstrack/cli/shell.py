"""Your shell: the Tab-completion script for bash, zsh and fish."""

from typing import Annotated

import typer

from hstrack.cli.common import print_data
from hstrack.cli.registry import command
from hstrack.core.errors import UsageError

SHELLS = ("bash", "zsh", "fish")


@command(short_help="Print a shell's Tab-completion script.")
def completion(
    shell: Annotated[str, typer.Argument(metavar="bash|zsh|fish", help="Which shell to print the script for.")],
) -> None:
    """Print Tab completion for a shell: eval "$(hstrack completion bash)" in ~/.bashrc,
    the same with zsh in ~/.zshrc (after compinit), or hstrack completion fish >
    ~/.config/fish/completions/hstrack.fish. A Tab press starts no Typer and reads no
    store: it answers from a table and a small cache beside the store."""
    from hstrack.shell.snippets import completion_script

    if shell not in SHELLS:
        raise UsageError(f"shell {shell!r} is not one of {', '.join(SHELLS)}")
    print_data(completion_script(shell))
