"""The command line: thin commands over the core.

Each command parses its arguments, calls the core (``tracker``, ``report``, ``store``) and
hands the result to the renderer chosen once by ``views.choose``. Errors from the core are
turned into one line on stderr and an exit code in exactly one place,
:meth:`HstrackGroup.invoke`.
"""

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from hstrack import __version__
from hstrack.clock import resolve_now
from hstrack.errors import HstrackError, UsageError
from hstrack.model import TITLE_KINDS, Document, normalize_milestone
from hstrack.store import Store
from hstrack.text import inert


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
            from click.exceptions import ClickException  # type: ignore[import-not-found, no-redef]
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

            from hstrack.text import inert_document

            shown = io.StringIO()
            exc.show(file=shown)
            sys.stderr.write(inert_document(shown.getvalue()))
            sys.exit(exc.exit_code)
        except Abort:
            sys.stderr.write("Aborted!\n")
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


# Commands are registered here and put on a Typer app by build_app(). Typer builds every
# registered command's parameters on each run (about 5 ms for twenty), so main() builds an
# app holding only the command being run; --help and the tests get them all.
_COMMANDS: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {}


def command(name: str | None = None, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        _COMMANDS[name or func.__name__] = (func, kwargs)
        return func

    return register


def build_app(only: str | None = None) -> typer.Typer:
    app = typer.Typer(
        cls=HstrackGroup,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
        help="Track upcoming films and shows and their production milestones, with dates as precise as they are known.",
    )
    app.callback()(root)
    for name, (func, kwargs) in _COMMANDS.items():
        if only is None or name == only:
            app.command(name, **kwargs)(func)
    return app


@dataclass
class Settings:
    """What the global options decided; "now" is read once, on first use."""

    store_path: Path | None
    at: str | None
    _nows: dict[str | None, datetime] = field(default_factory=dict, repr=False)
    _store: Store | None = field(default=None, repr=False)

    def now(self, at: str | None = None) -> datetime:
        """A command's own ``--at`` wins over the global one; each is read once."""
        key = at if at is not None else self.at
        if key not in self._nows:
            self._nows[key] = resolve_now(key)
        return self._nows[key]

    def path(self) -> Path:
        if self.store_path is not None:
            return self.store_path
        from hstrack.paths import default_store

        return default_store()

    def store(self) -> Store:
        """The store, created with the Heartstopper titles the first time any command runs."""
        if self._store is None:
            from hstrack.seed import seed_document

            store = Store(self.path())
            if store.ensure(seed_document, self.now()):
                typer.echo(
                    f"hstrack: created a new store at {inert(str(store.given))} with the Heartstopper film and its "
                    "sources; see it with hstrack status",
                    err=True,
                )
            self._store = store
        return self._store

    def read(self) -> Document:
        doc = self.store().read()
        if doc.newer:
            typer.echo(
                f"hstrack: {inert(str(self.path()))} was written by a newer hstrack (schema {doc.read_schema}); "
                "showing what this version understands; changes are refused until you upgrade",
                err=True,
            )
        return doc


def _settings(ctx: typer.Context) -> Settings:
    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    return settings


def _version(value: bool) -> None:
    if value:
        typer.echo(f"hstrack {__version__}")
        raise typer.Exit()


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (schema 1) instead of a table.")]
AtOpt = Annotated[
    str | None,
    typer.Option("--at", metavar="DATE", help="Show things as of this ISO 8601 date or time (default: now)."),
]
IdArg = Annotated[str, typer.Argument(metavar="ID", help="The title's id, as shown by hstrack status.")]


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


# ---------------------------------------------------------------------------- views


def _report(settings: Settings, title_id: str, at: str | None) -> Any:
    from hstrack.report import report_title

    doc = settings.read()
    return report_title(doc.get(title_id), settings.now(at))


def _renderer(settings: Settings, as_json: bool, at: str | None) -> Any:
    from hstrack.views import choose

    return choose(as_json, settings.now(at))


PlainOpt = Annotated[
    bool, typer.Option("--plain", help="One tab-separated line per item, fixed columns (see the README).")
]
HeaderOpt = Annotated[bool, typer.Option("--header", help="With --plain: print the column names first.")]


def _list_renderer(settings: Settings, as_json: bool, plain: bool, header: bool, at: str | None) -> Any:
    if as_json and plain:
        raise UsageError("choose one of --json and --plain")
    if header and not plain:
        raise UsageError("--header goes with --plain")
    if plain:
        from hstrack.views.plain import PlainRenderer

        return PlainRenderer(header)
    return _renderer(settings, as_json, at)


ChartOpt = Annotated[bool, typer.Option("--chart", help="Draw it on a time axis instead of a table.")]
SvgOpt = Annotated[
    Path | None, typer.Option("--svg", metavar="FILE", help="Also save what is shown as an SVG picture, in colour.")
]
HtmlOpt = Annotated[
    Path | None, typer.Option("--html", metavar="FILE", help="Also save what is shown as an HTML page, in colour.")
]


def _write_file(data: bytes, output: Path) -> None:
    """A regular file is replaced atomically (mode 0644 when new). A FIFO or a device
    (/dev/stdout, a named pipe a reader waits on) is written to, never replaced by a file;
    a folder is refused."""
    import stat

    from hstrack.store import write_atomic

    try:
        mode = os.stat(output).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise UsageError(f"{output} is a folder; give a file to write")
    if mode is not None and not stat.S_ISREG(mode):
        with open(output, "wb") as stream:
            stream.write(data)
        _done(f"wrote {output}")
        return
    target = Path(os.path.realpath(output))
    write_atomic(data, target, mode=None if mode is not None else 0o644)
    _done(f"wrote {output}")


def _picture_options(chart: bool, svg: Path | None, html: Path | None, *formats: tuple[bool, str]) -> None:
    """--chart, --svg and --html are about what a terminal shows: not with --json or --plain."""
    for given, option in formats:
        if given and chart:
            raise UsageError(f"--chart draws a picture; it does not go with {option}")
        if given and (svg is not None or html is not None):
            raise UsageError(f"--svg and --html save what a terminal shows; they do not go with {option}")


def _draw(renderer: Any, draw: Callable[[Any], None], svg: Path | None, html: Path | None, title: str) -> None:
    """Show a view, then save the same view as pictures: drawn again on a recording
    console at this terminal's width, in colour even when this terminal has none."""
    draw(renderer)
    if svg is None and html is None:
        return
    from hstrack.views.pictures import save_pictures
    from hstrack.views.terminal import TerminalRenderer

    now, width = renderer.now, renderer.console.width
    for path, data in save_pictures(lambda console: draw(TerminalRenderer(now, console)), width, title, svg, html):
        _write_file(data, path)


@command()
def status(
    ctx: typer.Context,
    as_json: JsonOpt = False,
    plain: PlainOpt = False,
    header: HeaderOpt = False,
    chart: ChartOpt = False,
    svg: SvgOpt = None,
    html: HtmlOpt = None,
    at: AtOpt = None,
) -> None:
    """Every title: its phase, the last milestone reached, the next one, the release."""
    from hstrack.report import status_report

    _picture_options(chart, svg, html, (as_json, "--json"), (plain, "--plain"))
    settings = _settings(ctx)
    renderer = _list_renderer(settings, as_json, plain, header, at)
    reports = status_report(settings.read(), settings.now(at))
    if chart:
        _draw(renderer, lambda r: r.status_chart(reports), svg, html, "hstrack status --chart")
    else:
        _draw(renderer, lambda r: r.status(reports), svg, html, "hstrack status")


@command()
def upcoming(
    ctx: typer.Context,
    within: Annotated[
        str, typer.Option("--within", metavar="DURATION", help="How far ahead: 12h, 7d, 2w, 3m, 1y.")
    ] = "90d",
    milestones: Annotated[
        list[str] | None, typer.Option("--milestone", metavar="KIND", help="Only these milestones (repeatable).")
    ] = None,
    title_ids: Annotated[
        list[str] | None, typer.Option("--title", metavar="ID", help="Only these titles (repeatable).")
    ] = None,
    as_json: JsonOpt = False,
    plain: PlainOpt = False,
    header: HeaderOpt = False,
    at: AtOpt = None,
) -> None:
    """Milestones across all titles starting (or open) within a span, soonest first."""
    from hstrack.dates import span_end
    from hstrack.model import check_filter_kind
    from hstrack.report import status_report
    from hstrack.report import upcoming as build_upcoming

    settings = _settings(ctx)
    renderer = _list_renderer(settings, as_json, plain, header, at)
    now = settings.now(at)
    end = span_end(within, now)
    doc = settings.read()
    everywhere = doc.milestone_kinds()
    kinds = {check_filter_kind(k, everywhere) for k in milestones} if milestones else None
    wanted = {doc.get(t).id for t in title_ids} if title_ids else None
    dated, tba = build_upcoming(status_report(doc, now), now, end, kinds, wanted)
    if plain:
        renderer.upcoming(dated, tba)
    else:
        renderer.upcoming(dated, tba, end)


@command()
def check(
    ctx: typer.Context,
    title_id: IdArg,
    released: Annotated[bool, typer.Option("--released", help="The title has been released.")] = False,
    reached: Annotated[
        list[str] | None, typer.Option("--reached", metavar="MILESTONE", help="This milestone has been reached.")
    ] = None,
    phase: Annotated[
        list[str] | None, typer.Option("--phase", metavar="PHASE", help="The title is in this phase.")
    ] = None,
    has_date: Annotated[
        list[str] | None,
        typer.Option("--has-date", metavar="MILESTONE", help="This milestone is dated to the day or better."),
    ] = None,
    due_within: Annotated[
        list[str] | None,
        typer.Option("--due-within", metavar="DURATION", help="The next milestone's window starts within 7d, 2w, 3m."),
    ] = None,
    changed_since: Annotated[
        list[str] | None,
        typer.Option(
            "--changed-since",
            metavar="DATE",
            help="A milestone's date changed since DATE (ISO 8601, or a span like 7d).",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing; only the exit code.")] = False,
    as_json: JsonOpt = False,
    at: AtOpt = None,
) -> None:
    """Test conditions on a title, like grep: exit 0 if all hold, 1 if one does not, 2 on error."""
    from hstrack.checks import Condition, run_checks, validate
    from hstrack.report import report_title

    settings = _settings(ctx)
    try:
        conditions = [Condition("--released")] if released else []
        for option, values in (
            ("--phase", phase), ("--reached", reached), ("--has-date", has_date),
            ("--due-within", due_within), ("--changed-since", changed_since),
        ):  # fmt: skip
            conditions += [Condition(option, v) for v in values or []]
        conditions = validate(conditions)
        now = settings.now(at)
        doc = settings.read()
        title = doc.get(title_id)
        conditions = validate(conditions, title.milestones.keys() | doc.milestone_kinds())
        report = report_title(title, now)
        verdicts = run_checks(report, conditions, now)
    except HstrackError as exc:
        # grep's convention: 1 means "false", so a broken store or bad input must be 2.
        raise CheckError(exc.message) from None
    if as_json:
        _renderer(settings, True, at).check(report, verdicts)
    elif not quiet:
        for v in verdicts:
            typer.echo(f"{'true' if v.holds else 'false'}: {inert(v.condition)}: {inert(v.reason)}")
    if not all(v.holds for v in verdicts):
        raise typer.Exit(1)


class CheckError(UsageError):
    """Any failure of `check` is exit 2, so that exit 1 always means "a condition is false"."""


@command()
def show(
    ctx: typer.Context,
    title_id: IdArg,
    as_json: JsonOpt = False,
    svg: SvgOpt = None,
    html: HtmlOpt = None,
    at: AtOpt = None,
) -> None:
    """A title in detail: kind, platform, credits, synopsis, notes, a chart and its timeline."""
    from hstrack.report import timeline as build_timeline

    _picture_options(False, svg, html, (as_json, "--json"))
    settings = _settings(ctx)
    report = _report(settings, title_id, at)
    line, title = build_timeline(report), f"hstrack show {report.title.name}"
    _draw(_renderer(settings, as_json, at), lambda r: r.show(report, line), svg, html, title)


@command()
def timeline(
    ctx: typer.Context,
    title_id: IdArg,
    as_json: JsonOpt = False,
    chart: ChartOpt = False,
    svg: SvgOpt = None,
    html: HtmlOpt = None,
    at: AtOpt = None,
) -> None:
    """A title's milestones in time order, the gaps between them and where today is."""
    from hstrack.report import timeline as build_timeline

    _picture_options(chart, svg, html, (as_json, "--json"))
    settings = _settings(ctx)
    line = build_timeline(_report(settings, title_id, at))
    renderer = _renderer(settings, as_json, at)
    title = f"hstrack timeline {line.report.title.name}"
    if chart:
        _draw(renderer, lambda r: r.timeline_chart(line), svg, html, title)
    else:
        _draw(renderer, lambda r: r.timeline(line), svg, html, title)


@command()
def calendar(
    ctx: typer.Context,
    month: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[MONTH]",
            help="2026-12, December 2026, a month name (this year), or a window: Q1 2027 shows its three months.",
        ),
    ] = None,
    months: Annotated[
        int | None, typer.Option("--months", "-n", metavar="N", min=1, max=36, help="How many months to show.")
    ] = None,
    as_json: JsonOpt = False,
    svg: SvgOpt = None,
    html: HtmlOpt = None,
    at: AtOpt = None,
) -> None:
    """A month grid with milestones on their days and windows shaded over their span."""
    from hstrack.month_calendar import month_calendar, parse_month
    from hstrack.report import status_report

    _picture_options(False, svg, html, (as_json, "--json"))
    settings = _settings(ctx)
    now = settings.now(at)
    first, span = parse_month(" ".join(month) if month else None, now.date())
    cal = month_calendar(status_report(settings.read(), now), now, first, months or span or 1)
    _draw(_renderer(settings, as_json, at), lambda r: r.calendar(cal), svg, html, f"hstrack calendar {first.iso}")


@command()
def countdown(
    ctx: typer.Context,
    title_id: IdArg,
    milestone: Annotated[
        str | None, typer.Argument(metavar="[MILESTONE]", help="Default: the next milestone not yet reached.")
    ] = None,
    as_json: JsonOpt = False,
    at: AtOpt = None,
) -> None:
    """How long until a milestone: days (and hours for a set time), or a window's range."""
    from hstrack.report import countdown as build_countdown

    settings = _settings(ctx)
    report = _report(settings, title_id, at)
    kind = _milestone_of(report.title, milestone) if milestone is not None else None
    _renderer(settings, as_json, at).countdown(build_countdown(report, kind))


def _milestone_of(title: Any, milestone: str) -> str:
    """One of the title's milestones, named by a person: a typo gets "did you mean"."""
    from hstrack.model import resolve_milestone

    kind = resolve_milestone(milestone, title.milestones)
    if kind not in title.milestones:
        have = ", ".join(title.milestones) or "none"
        raise UsageError(f"{title.id} has no milestone {kind!r} (it has: {have})")
    return kind


@command()
def history(ctx: typer.Context, title_id: IdArg, as_json: JsonOpt = False, at: AtOpt = None) -> None:
    """Every recorded change of a title's milestones: when, old → new, and the shift."""
    from hstrack.report import history as build_history

    settings = _settings(ctx)
    report = _report(settings, title_id, at)
    _renderer(settings, as_json, at).history(report, build_history(report.title, settings.now(at)))


@command()
def where(ctx: typer.Context) -> None:
    """Print the path of the store file."""
    _data(str(_settings(ctx).path()) + "\n")


# ---------------------------------------------------------------------------- changes


def _data(text: str) -> None:
    """Text that is data (a path, a shell snippet): exact in a pipe or a file, inert on a
    terminal, where a control character in a path must not be obeyed."""
    if sys.stdout.isatty():
        from hstrack.text import inert_document

        text = inert_document(text)
    sys.stdout.write(text)


def _done(message: str) -> None:
    typer.echo(f"hstrack: {inert(message)}", err=True)


@command()
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The title's name, e.g. 'Heartstopper (film)'.")],
    title_id: Annotated[
        str | None, typer.Option("--id", metavar="ID", help="A slug id (default: made from the name).")
    ] = None,
    kind: Annotated[
        str, typer.Option("--kind", metavar="|".join(TITLE_KINDS), help="What sort of title it is.")
    ] = "other",
    platform: Annotated[str | None, typer.Option("--platform", metavar="TEXT", help="Where it will be shown.")] = None,
) -> None:
    """Start tracking a title."""
    from hstrack.tracker import add_title

    settings = _settings(ctx)
    title = settings.store().change(
        lambda doc: add_title(doc, name, title_id, kind, platform, settings.now()),
        lambda t: f"add {t.id}",
        settings.now(),
    )
    _done(f"added {title.id}")


@command("set")
def set_(
    ctx: typer.Context,
    title_id: IdArg,
    milestone: Annotated[
        str,
        typer.Argument(
            help="announced, production-start (filming), production-end (wrap), trailer, premiere, release, "
            "cancelled, or a kind of your own with --new."
        ),
    ],
    when: Annotated[
        str | None,
        typer.Argument(
            metavar="[DATE]",
            help="TBA, 2026, Q3 2026, autumn 2026, 3 Oct 2026, ...; leave out to change only the options.",
        ),
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", metavar="URL", help="Where this date comes from ('' clears it).")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", metavar="TEXT", help="A note on this milestone.")] = None,
    no_source: Annotated[bool, typer.Option("--no-source", help="Clear the source.")] = False,
    no_note: Annotated[bool, typer.Option("--no-note", help="Clear the note.")] = False,
    tentative: Annotated[bool, typer.Option("--tentative", help="A rumoured or estimated date.")] = False,
    firm: Annotated[bool, typer.Option("--firm", help="Not tentative (any more): confirmed.")] = False,
    new: Annotated[bool, typer.Option("--new", help="A milestone kind of your own, not one hstrack knows.")] = False,
) -> None:
    """Add or change a milestone; a change keeps the old date in the history."""
    from hstrack.tracker import CLEAR, set_milestone

    for given, cleared, option in ((source, no_source, "--source"), (note, no_note, "--note")):
        if given is not None and cleared:
            raise UsageError(f"choose one of {option} and --no-{option[2:]}")
    if tentative and firm:
        raise UsageError("choose one of --tentative and --firm")
    settings = _settings(ctx)
    now = settings.now()
    flag = True if tentative else False if firm else None
    source = CLEAR if no_source else source
    note = CLEAR if no_note else note
    change = settings.store().change(
        lambda doc: set_milestone(doc, title_id, milestone, when, now, source, note, flag, new),
        lambda c: None if c is None else f"set {title_id} {c.milestone} {c.new.date.text if c.new else ''}",
        now,
    )
    if change is None:
        _done(f"{title_id}: nothing changed")
    elif change.new is not None:
        _done(
            f"{title_id}: {change.milestone} is {change.new.date.text}"
            + (" (tentative)" if change.new.tentative else "")
        )


@command()
def unset(
    ctx: typer.Context,
    title_id: IdArg,
    milestone: Annotated[str, typer.Argument(help="The milestone to remove.")],
) -> None:
    """Remove a milestone; the history keeps what it was."""
    from hstrack.tracker import unset_milestone

    settings = _settings(ctx)
    now = settings.now()
    change = settings.store().change(
        lambda doc: unset_milestone(doc, title_id, milestone, now),
        lambda c: f"unset {title_id} {c.milestone}",
        now,
    )
    _done(f"{title_id}: removed {change.milestone}")


@command()
def remove(
    ctx: typer.Context,
    title_id: IdArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Stop tracking a title (asks first unless --yes; hstrack undo brings it back)."""
    from hstrack.tracker import remove_title

    settings = _settings(ctx)
    store = settings.store()
    name = store.read().get(title_id).name
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError(f"not removing {title_id} without confirmation; add --yes")
        if not typer.confirm(f"Remove {inert(name)} ({title_id}) and its history?", err=True):
            raise typer.Exit(1)
    store.change(lambda doc: remove_title(doc, title_id), lambda t: f"remove {t.id}", settings.now())
    _done(f"removed {title_id}")


@command()
def undo(ctx: typer.Context) -> None:
    """Revert the last change to the store (repeat to go further back)."""
    settings = _settings(ctx)
    entry = settings.store().undo(settings.now())
    _done(f"undid: {entry.description} (recorded {entry.recorded})")


@command()
def doctor(
    ctx: typer.Context,
    restore: Annotated[
        bool, typer.Option("--restore", help="Put back the newest good backup, keeping the damaged file beside it.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Check the store and its backups; exit 1 if the store is damaged."""
    from hstrack.doctor import examine

    settings = _settings(ctx)
    store = Store(settings.path())  # never creates or seeds: doctor only looks
    checkup = examine(store)
    restored = None
    if restore and not checkup.healthy:
        version, kept_as = store.restore_newest_good(settings.now())
        restored = {
            "backup": str(version.path),
            "description": version.description,
            "recorded": version.recorded,
            "damaged_kept_as": str(kept_as) if kept_as else None,
        }
        checkup = examine(store)
    if as_json:
        from hstrack.views.data import to_text

        findings = [{"level": f.level, "message": f.message} for f in checkup.findings]
        data = {
            "schema": 1,
            "store": str(store.given),
            "healthy": checkup.healthy,
            "findings": findings,
            "restored": restored,
        }
        sys.stdout.write(to_text(data))
    else:
        for finding in checkup.findings:
            typer.echo(f"{finding.level}: {inert(finding.message)}")
        if restored:
            kept = f"; the damaged file is kept as {restored['damaged_kept_as']}" if restored["damaged_kept_as"] else ""
            _done(f"restored {restored['backup']} ({restored['description']}, {restored['recorded']}){kept}")
        elif restore:
            _done("the store is healthy; nothing to restore")
    if not checkup.healthy:
        raise typer.Exit(1)


@command()
def export(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="json|ics|csv", help="The file format.")] = "json",
    title_ids: Annotated[
        list[str] | None, typer.Option("--title", metavar="ID", help="Only these titles (repeatable).")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write here ('-' or none: stdout)."),
    ] = None,
    no_windows: Annotated[
        bool, typer.Option("--no-windows", help="ICS: leave out milestones not known to the day.")
    ] = False,
) -> None:
    """Export the store, or some titles, as JSON (the store's format), iCalendar or CSV."""
    from hstrack.export import FORMATS, select
    from hstrack.export import export as build_export

    if fmt not in FORMATS:
        raise UsageError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    settings = _settings(ctx)
    data = build_export(select(settings.read(), title_ids or []), fmt, settings.now(), windows=not no_windows)
    if output is None or str(output) == "-":
        if sys.stdout.isatty():
            # The data keeps every byte in a file or a pipe; a terminal must not obey any.
            from hstrack.text import inert_document

            data = inert_document(data.decode("utf-8")).encode("utf-8")
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        _write_file(data, output)


IMPORT_LINES = 10  # titles (and details of one) an import lists before it summarises


@command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A JSON export (hstrack export --format json).")],
    merge: Annotated[
        bool, typer.Option("--merge", help="Merge fact by fact, the later recorded winning (default).")
    ] = False,
    replace: Annotated[bool, typer.Option("--replace", help="Make the store exactly the file.")] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="With --replace: do not ask before dropping titles.")
    ] = False,
) -> None:
    """Import a JSON export; the whole file is checked before anything is written."""
    from hstrack import imports
    from hstrack.model import Document

    if merge and replace:
        raise UsageError("choose one of --merge and --replace")
    settings = _settings(ctx)
    incoming = imports.read_import(file)
    # Importing into a store that does not exist yet starts from an empty one, not from
    # the Heartstopper seed: restoring an export should give back exactly the export.
    store = Store(settings.path())
    store.ensure(lambda _now: Document(), settings.now())
    now = settings.now()
    if replace and not yes:
        dropped = sorted(set(store.read().titles) - set(incoming.titles))
        if dropped:
            what = f"{len(dropped)} title{'s' if len(dropped) != 1 else ''} not in {file} ({', '.join(dropped[:5])}"
            what += ", ...)" if len(dropped) > 5 else ")"
            if not sys.stdin.isatty():
                raise UsageError(f"--replace would drop {what}; add --yes to replace anyway")
            if not typer.confirm(f"Replacing the store drops {inert(what)}. Go on?", err=True):
                raise typer.Exit(1)
    result = store.change(
        lambda doc: imports.replace(doc, incoming) if replace else imports.merge(doc, incoming, now),
        lambda r: r.describe,
        now,
    )
    if result.replaced is not None:
        dropped_note = f", dropping {len(result.dropped)}" if result.dropped else ""
        _done(f"replaced the store with {len(result.replaced)} titles from {file}{dropped_note}")
        return
    merged = result.merged
    _done(f"imported {file}: {merged.counts}")
    # A line per title touched, with what was done; a long import is summarised, not listed.
    touched = [o for o in merged.titles if o.action != "unchanged"]
    for outcome in touched[:IMPORT_LINES]:
        typer.echo(f"  {outcome.action:<8} {inert(outcome.id)}", err=True)
        for detail in outcome.details[:IMPORT_LINES]:
            typer.echo(f"           {inert(detail)}", err=True)
        if len(outcome.details) > IMPORT_LINES:
            typer.echo(f"           and {len(outcome.details) - IMPORT_LINES} more", err=True)
    if len(touched) > IMPORT_LINES:
        rest = touched[IMPORT_LINES:]
        counts = ", ".join(f"{sum(o.action == a for o in rest)} {a}" for a in ("added", "updated", "kept"))
        typer.echo(f"  and {len(rest)} more titles ({counts})", err=True)


# ---------------------------------------------------------------------------- the prompt


@command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
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
    from hstrack.prompt import main as prompt_main

    settings = _settings(ctx)
    argv = ["--store", str(settings.path())]
    argv += ["--format", fmt] if fmt is not None else []
    argv += ["--width", str(width)] if width is not None else []
    argv += ["--refresh"] if refresh else []
    when = at if at is not None else settings.at
    argv += ["--at", when] if when is not None else []
    raise typer.Exit(prompt_main(argv + list(ctx.args)))


@command()
def pin(
    ctx: typer.Context,
    title_id: IdArg,
    milestone: Annotated[
        str | None, typer.Argument(metavar="[MILESTONE]", help="Default: the title's next dated milestone.")
    ] = None,
) -> None:
    """Choose what the prompt shows: a title, and optionally one of its milestones."""
    settings = _settings(ctx)
    kind = normalize_milestone(milestone) if milestone is not None else None

    def apply(doc: Document) -> str | None:
        nonlocal kind
        title = doc.get(title_id)
        if milestone is not None:
            kind = _milestone_of(title, milestone)
        if (doc.pin_title, doc.pin_milestone) == (title_id, kind):
            return None
        doc.pin_title, doc.pin_milestone = title_id, kind
        return f"pin {title_id}" + (f" {kind}" if kind else "")

    settings.store().change(apply, lambda d: d, settings.now())
    _done(f"the prompt shows {title_id}" + (f" {kind}" if kind else ""))


@command()
def unpin(ctx: typer.Context) -> None:
    """Let the prompt show the soonest dated milestone across all titles again."""
    settings = _settings(ctx)

    def apply(doc: Document) -> str | None:
        if doc.pin_title is None:
            return None
        doc.pin_title = doc.pin_milestone = None
        return "unpin"

    settings.store().change(apply, lambda d: d, settings.now())
    _done("the prompt shows the soonest dated milestone")


@command()
def label(
    ctx: typer.Context,
    title_id: IdArg,
    text: Annotated[
        str | None, typer.Argument(metavar="[TEXT]", help="The short label; omit to use the default.")
    ] = None,
) -> None:
    """Set the short label the prompt shows for a title (e.g. 'HS film')."""
    from hstrack.model import MAX_LABEL, check_name

    settings = _settings(ctx)
    cleaned = None if text is None or not text.strip() else check_name(text, "a label", MAX_LABEL)

    def apply(doc: Document) -> str | None:
        title = doc.get(title_id)
        if title.label == cleaned:
            return None
        title.label = cleaned
        title.mark_edited("label", settings.now())
        return f"label {title_id}"

    settings.store().change(apply, lambda d: d, settings.now())
    _done(f"{title_id}: label {'is ' + repr(cleaned) if cleaned else 'reset to the default'}")


SHELLS = ("bash", "zsh", "fish", "starship")


@command()
def init(
    ctx: typer.Context,
    shell: Annotated[str, typer.Argument(metavar="bash|zsh|fish|starship", help="Which shell to print a snippet for.")],
) -> None:
    """Print the prompt integration for a shell: eval "$(hstrack init bash)"."""
    from hstrack.shells import snippet

    if shell not in SHELLS:
        raise UsageError(f"shell {shell!r} is not one of {', '.join(SHELLS)}")
    _data(snippet(shell, _settings(ctx).path()))


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
            return arg if arg in _COMMANDS else None
    return None


def __getattr__(name: str) -> Any:
    # `from hstrack.cli import app` (tests, docs) gets the full app, built on first use,
    # so that an ordinary run never pays for building it.
    if name == "app":
        return build_app()
    raise AttributeError(name)


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
