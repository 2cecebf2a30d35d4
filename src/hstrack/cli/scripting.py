"""Scripting: conditions a script can test, and the store exported and imported."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from hstrack.cli.common import (
    AtOpt,
    IdArg,
    JsonOpt,
    MediaOpt,
    RegionsOpt,
    done,
    places_of,
    renderer_for,
    say_lines,
    settings_of,
    write_file,
)
from hstrack.cli.registry import command
from hstrack.core.errors import HstrackError, UsageError
from hstrack.core.text import inert
from hstrack.store.store import Store


@command(short_help="Test conditions on a title; exit 0, 1 or 2, like grep.")
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
    from hstrack.core.checks import Condition, run_checks, validate
    from hstrack.core.report.titles import report_title

    settings = settings_of(ctx)
    try:
        conditions = [Condition("--released")] if released else []
        for option, values in (
            ("--phase", phase), ("--reached", reached), ("--has-date", has_date),
            ("--due-within", due_within), ("--changed-since", changed_since),
        ):  # fmt: skip
            conditions += [Condition(option, v) for v in values or []]
        conditions = validate(conditions)
        now = settings.now(at)
        title, whole = settings.read_title(title_id)
        conditions = validate(conditions, title.milestones.keys() | whole.milestone_kinds())
        report = report_title(title, now, pref=settings.pref_for(whole))
        verdicts = run_checks(report, conditions, now)
    except HstrackError as exc:
        # grep's convention: 1 means "false", so a broken store or bad input must be 2.
        raise CheckError(exc.message) from None
    if as_json:
        renderer_for(settings, True, at).check(report, verdicts)
    elif not quiet:
        lines = [f"{'true' if v.holds else 'false'}: {inert(v.condition)}: {inert(v.reason)}" for v in verdicts]
        say_lines(lines, keep=[a.date.text for a in report.milestones])
    if not all(v.holds for v in verdicts):
        raise typer.Exit(1)


class CheckError(UsageError):
    """Any failure of `check` is exit 2, so that exit 1 always means "a condition is false"."""


@command(short_help="Export as JSON (the store's format), iCalendar or CSV.")
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
    regions: RegionsOpt = None,
    media: MediaOpt = None,
) -> None:
    """Export the store, or some titles, as JSON (the store's format), iCalendar or CSV.

    ICS and CSV can hold only some releases: --region GB --medium theatrical --medium digital
    keeps UK cinema and streaming releases (and worldwide ones; other milestones stay)."""
    from hstrack.views.export import FORMATS, export_chunks, select

    fmt = fmt.strip().lower()  # ICS, Json: a format's name is not case-sensitive
    if fmt not in FORMATS:
        from hstrack.core.suggest import close_matches, did_you_mean

        raise UsageError(
            f"format {fmt!r} is not one of {', '.join(FORMATS)}{did_you_mean(close_matches(fmt, FORMATS))}"
        )
    settings = settings_of(ctx)
    places = places_of(regions, media)
    if places is not None and fmt == "json":
        raise UsageError(
            "--region and --medium choose what a calendar or a sheet holds; JSON export is the whole store"
        )
    chunks = export_chunks(
        select(settings.read(view=True), title_ids or []), fmt, settings.now(), windows=not no_windows, places=places
    )
    if output is None or str(output) == "-":
        from hstrack.core.text import inert_document

        # The data keeps every byte in a file or a pipe; a terminal must not obey any.
        terminal = sys.stdout.isatty()
        # Each piece is written as it is made, so a large store's export never sits whole
        # in memory; a piece always ends a line, so each can be made inert on its own.
        for chunk in chunks:
            sys.stdout.buffer.write(inert_document(chunk.decode("utf-8")).encode("utf-8") if terminal else chunk)
        sys.stdout.flush()
    else:
        write_file(chunks, output)


IMPORT_LINES = 10  # titles (and details of one) an import lists before it summarises


@command("import", short_help="Merge a JSON export into the store, or replace it.")
def import_(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="A JSON export (hstrack export --format json); - reads stdin.")
    ],
    merge: Annotated[
        bool, typer.Option("--merge", help="Merge fact by fact, the later recorded winning (default).")
    ] = False,
    replace: Annotated[bool, typer.Option("--replace", help="Make the store exactly the file.")] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="With --replace: do not ask before dropping titles.")
    ] = False,
) -> None:
    """Import a JSON export; the whole file is checked before anything is written."""
    from hstrack.core.model.document import Document
    from hstrack.sharing import imports

    if merge and replace:
        raise UsageError("choose one of --merge and --replace")
    settings = settings_of(ctx)
    if file == imports.STDIN and sys.stdin.isatty():
        typer.echo("hstrack: reading the export from standard input (end it with Ctrl-D)", err=True)
    incoming = imports.read_import(file)
    if file == imports.STDIN:
        file = Path("standard input")  # how the messages below name it
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
        elsewhere=True,  # its facts come from the file: undo stops before it
    )
    if result.replaced is not None:
        dropped_note = f", dropping {len(result.dropped)}" if result.dropped else ""
        done(f"replaced the store with {len(result.replaced)} titles from {file}{dropped_note}")
        return
    merged = result.merged
    done(f"imported {file}: {merged.counts}")
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
