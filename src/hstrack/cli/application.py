"""The application: the one exit point for errors, the registry of commands, and ``main``,
which builds only the command being run."""

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from hstrack import __version__
from hstrack.cli.common import AtOpt, Settings
from hstrack.cli.registry import AREAS, COMMAND_AREA, registered
from hstrack.core.errors import HstrackError
from hstrack.core.text import inert


class HstrackGroup(TyperGroup):
    """The one exit point for hstrack's own errors: a line on stderr, never a traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except HstrackError as exc:
            typer.echo(f"hstrack: {inert(exc.message)}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except OSError as exc:
            # What the system refused on a path (a name too long, a folder that cannot be
            # made) is a runtime failure with one line, never a traceback. A closed pipe is
            # left to main(), which stays quiet about it.
            if isinstance(exc, BrokenPipeError):
                raise
            where = f": {exc.filename}" if exc.filename else ""
            typer.echo(f"hstrack: {inert(exc.strerror or str(exc))}{inert(str(where))}", err=True)
            code = 2 if isinstance(ctx.invoked_subcommand, str) and ctx.invoked_subcommand == "check" else 1
            raise typer.Exit(code) from None

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The commands grouped by area, as `gh` lists its own, each with a summary that
        fits its line."""
        for _, heading, names in AREAS:
            rows = []
            for name in names:
                cmd = self.get_command(ctx, name)
                if cmd is not None and not cmd.hidden:
                    rows.append((name, cmd.get_short_help_str(limit=200)))
            if rows:
                with formatter.section(heading):
                    formatter.write_dl(rows)

    def main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """Click's own usage errors quote what was typed ("unexpected extra argument
        (…)"); they are printed inert too, so a pasted escape sequence never reaches the
        terminal raw."""
        try:
            from typer._click.exceptions import ClickException  # Typer 0.27+ carries its own Click
        except ImportError:  # pragma: no cover - an older Typer, over the click package
            # (the click package may be installed for something else, apprise's command line: then it
            # is found, and is another class than Typer's own)
            from click.exceptions import ClickException  # type: ignore[import-not-found, no-redef, assignment, unused-ignore]
        from typer.exceptions import Abort

        def run() -> Any:
            return super(HstrackGroup, self).main(
                args, prog_name, complete_var, standalone_mode=False, windows_expand_args=windows_expand_args, **extra
            )

        if not standalone_mode:
            return run()
        try:
            code = run()
        except ClickException as exc:
            import io

            from hstrack.core.text import inert_document

            shown = io.StringIO()
            exc.show(file=shown)
            sys.stderr.write(inert_document(shown.getvalue()))
            sys.exit(exc.exit_code)
        except Abort:
            sys.stderr.write("Aborted!\n")
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def build_app(only: str | None = None) -> typer.Typer:
    app = typer.Typer(
        cls=HstrackGroup,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
        help="Track upcoming films and shows and their production milestones, with dates as precise as they are known.",
    )
    app.callback(invoke_without_command=True)(root)
    import importlib

    for area in [COMMAND_AREA[only]] if only is not None else [area for area, _, _ in AREAS]:
        importlib.import_module(f"hstrack.cli.{area}")  # registers the area's commands
    for name in COMMAND_AREA:
        if only is None or name == only:
            func, kwargs = registered(name)
            app.command(name, **kwargs)(func)
    return app


def _version(value: bool) -> None:
    if value:
        typer.echo(f"hstrack {__version__}")
        raise typer.Exit()


def root(
    ctx: typer.Context,
    store: Annotated[
        Path | None,
        typer.Option("--store", metavar="FILE", help="Use this store file instead of $HSTRACK_HOME/store.json."),
    ] = None,
    at: AtOpt = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Track upcoming films and shows and their production milestones."""
    ctx.obj = Settings(store_path=store, at=at)
    if ctx.invoked_subcommand is None:
        # `hstrack` alone shows the status, as `git status` is what people want first.
        from hstrack.cli.views import status

        status(ctx)


def selected_command(argv: list[str]) -> str | None:
    """The command a command line runs, if it is plain enough to know without Typer."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("--store", "--at"):
            i += 2
        elif arg.startswith(("--store=", "--at=")):
            i += 1
        elif arg.startswith("-"):
            return None  # --help, --version, or a mistake Typer should explain
        else:
            return arg if arg in COMMAND_AREA else None
    return "status"  # no command: `hstrack` (or `hstrack --at DATE`) shows the status


def _never_fail_on_encoding() -> None:
    """A stream that cannot take UTF-8 (a Windows pipe in cp1252, PYTHONIOENCODING=ascii)
    shows "?" for a character it cannot encode instead of ending in a traceback; JSON is
    written as ASCII there (views.data), and charts draw in ASCII (views.pictures)."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("-", "").replace("_", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def main() -> None:
    _never_fail_on_encoding()
    try:
        build_app(selected_command(sys.argv[1:]))(prog_name="hstrack")
    except BrokenPipeError:
        # `hstrack status | head -1`: the reader left; that is not an error worth a traceback.
        sys.stderr.close()
        sys.exit(1)
