"""The command line: thin commands over the core.

Each command parses its arguments, calls the core (``tracker``, ``report``, ``store``) and
hands the result to the renderer chosen once by ``views.choose``. Errors from the core are
turned into one line on stderr and an exit code in exactly one place,
:meth:`HstrackGroup.invoke`.
"""

from __future__ import annotations

import sys
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


app = typer.Typer(
    cls=HstrackGroup,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Track upcoming films and shows and their production milestones, with dates as precise as they are known.",
)


@dataclass
class Settings:
    """What the global options decided; "now" is read once, on first use."""

    store_path: Path | None
    at: str | None
    _now: datetime | None = field(default=None, repr=False)
    _store: Store | None = field(default=None, repr=False)

    def now(self, at: str | None = None) -> datetime:
        if at is not None:
            return resolve_now(at)
        if self._now is None:
            self._now = resolve_now(self.at)
        return self._now

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
                    f"hstrack: created a new store at {store.given} with the Heartstopper film; "
                    "see it with hstrack status",
                    err=True,
                )
            self._store = store
        return self._store

    def read(self) -> Document:
        doc = self.store().read()
        if doc.newer:
            typer.echo(
                f"hstrack: {self.path()} was written by a newer hstrack (schema {doc.read_schema}); "
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


@app.callback()
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


@app.command()
def status(ctx: typer.Context, as_json: JsonOpt = False, at: AtOpt = None) -> None:
    """Every title: its phase, the last milestone reached, the next one, the release."""
    from hstrack.report import status_report

    settings = _settings(ctx)
    reports = status_report(settings.read(), settings.now(at))
    _renderer(settings, as_json, at).status(reports)


@app.command()
def show(ctx: typer.Context, title_id: IdArg, as_json: JsonOpt = False, at: AtOpt = None) -> None:
    """A title in detail: kind, platform, credits, synopsis, notes and its timeline."""
    from hstrack.report import timeline as build_timeline

    settings = _settings(ctx)
    report = _report(settings, title_id, at)
    _renderer(settings, as_json, at).show(report, build_timeline(report))


@app.command()
def timeline(ctx: typer.Context, title_id: IdArg, as_json: JsonOpt = False, at: AtOpt = None) -> None:
    """A title's milestones in time order, the gaps between them and where today is."""
    from hstrack.report import timeline as build_timeline

    settings = _settings(ctx)
    _renderer(settings, as_json, at).timeline(build_timeline(_report(settings, title_id, at)))


@app.command()
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
    kind = normalize_milestone(milestone) if milestone is not None else None
    if kind is not None and kind not in report.title.milestones:
        have = ", ".join(report.title.milestones) or "none"
        raise UsageError(f"{title_id} has no milestone {kind!r} (it has: {have})")
    _renderer(settings, as_json, at).countdown(build_countdown(report, kind))


@app.command()
def history(ctx: typer.Context, title_id: IdArg, as_json: JsonOpt = False, at: AtOpt = None) -> None:
    """Every recorded change of a title's milestones: when, old → new, and the shift."""
    from hstrack.report import history as build_history

    settings = _settings(ctx)
    report = _report(settings, title_id, at)
    _renderer(settings, as_json, at).history(report, build_history(report.title, settings.now(at)))


@app.command()
def where(ctx: typer.Context) -> None:
    """Print the path of the store file."""
    typer.echo(str(_settings(ctx).path()))


# ---------------------------------------------------------------------------- changes


def _done(message: str) -> None:
    typer.echo(f"hstrack: {inert(message)}", err=True)


@app.command()
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
        lambda doc: add_title(doc, name, title_id, kind, platform),
        lambda t: f"add {t.id}",
        settings.now(),
    )
    _done(f"added {title.id}")


@app.command("set")
def set_(
    ctx: typer.Context,
    title_id: IdArg,
    milestone: Annotated[
        str,
        typer.Argument(
            help="announced, production-start (filming), production-end (wrap), trailer, "
            "release (premiere), cancelled, or any slug."
        ),
    ],
    when: Annotated[str, typer.Argument(metavar="DATE", help="TBA, 2026, Q3 2026, autumn 2026, 3 Oct 2026, ...")],
    source: Annotated[str | None, typer.Option("--source", metavar="URL", help="Where this date comes from.")] = None,
    note: Annotated[str | None, typer.Option("--note", metavar="TEXT", help="A note on this milestone.")] = None,
    tentative: Annotated[bool, typer.Option("--tentative", help="A rumoured or estimated date.")] = False,
) -> None:
    """Add or change a milestone; a change keeps the old date in the history."""
    from hstrack.tracker import set_milestone

    settings = _settings(ctx)
    now = settings.now()
    change = settings.store().change(
        lambda doc: set_milestone(doc, title_id, milestone, when, now, source, note, tentative),
        lambda c: None if c is None else f"set {title_id} {c.milestone} {c.new.date.text if c.new else ''}",
        now,
    )
    if change is None:
        _done(f"{title_id}: nothing changed")
    elif change.new is not None:
        _done(f"{title_id}: {change.milestone} is {change.new.date.text}")


@app.command()
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


@app.command()
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


@app.command()
def undo(ctx: typer.Context) -> None:
    """Revert the last change to the store (repeat to go further back)."""
    settings = _settings(ctx)
    entry = settings.store().undo()
    _done(f"undid: {entry.description} (recorded {entry.recorded})")


@app.command()
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


def main() -> None:
    try:
        app(prog_name="hstrack")
    except BrokenPipeError:
        # `hstrack status | head -1`: the reader left; that is not an error worth a traceback.
        sys.stderr.close()
        sys.exit(1)
