"""Scripting: conditions a script can test, and the store exported and imported."""

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from hstrack.cli.common import (
    AtOpt,
    EpisodesOpt,
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
        typer.Option(
            "--due-within", metavar="DURATION", help="The next milestone's window starts within 12h, 7d, 2w, 3mo."
        ),
    ] = None,
    changed_since: Annotated[
        list[str] | None,
        typer.Option(
            "--changed-since",
            metavar="DATE",
            help="A milestone's date changed since DATE (ISO 8601, or a span back: 7d, 3mo, 30min).",
        ),
    ] = None,
    stale: Annotated[
        list[str] | None,
        typer.Option(
            "--stale",
            metavar="DURATION",
            help="The title's facts were last confirmed (a change recorded, or a sync that found none) more than "
            "DURATION ago, or never: 90d, 3m.",
        ),
    ] = None,
    presumed: Annotated[
        bool,
        typer.Option(
            "--presumed",
            help="Count a window that ended with no day recorded (due, unconfirmed) as reached, for "
            "--released and --reached.",
        ),
    ] = False,
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
            ("--due-within", due_within), ("--changed-since", changed_since), ("--stale", stale),
        ):  # fmt: skip
            conditions += [Condition(option, v) for v in values or []]
        conditions = validate(conditions)
        now = settings.now(at)
        title, whole = settings.read_title(title_id)
        conditions = validate(conditions, title.milestones.keys() | whole.milestone_kinds())
        report = report_title(title, now, pref=settings.pref_for(whole))
        verdicts = run_checks(report, conditions, now, presumed)
    except HstrackError as exc:
        # grep's convention: 1 means "false", so a broken store or bad input must be 2.
        raise CheckError(exc.message) from None
    if as_json:
        renderer_for(settings, True, at).check(report, verdicts)
    elif not quiet:
        lines = [f"{'true' if v.holds else 'false'}: {inert(v.condition)}: {inert(v.reason)}" for v in verdicts]
        from hstrack.core.report.freshness import last_confirmed

        day = last_confirmed(report.title).day
        say_lines(lines, keep=[a.date.text for a in report.milestones] + ([day] if day else []))
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
    all_day: Annotated[bool, typer.Option("--all-day", help="ICS: every event as a day (a set time too).")] = False,
    refresh: Annotated[
        str | None,
        typer.Option(
            "--refresh", metavar="SPAN", help="ICS: how often a subscribed calendar should fetch it (12h, 1d)."
        ),
    ] = None,
    kinds: Annotated[
        list[str] | None,
        typer.Option("--kind", metavar="KIND", help="ICS: only titles of this kind: film, series… (repeatable)."),
    ] = None,
    milestones: Annotated[
        list[str] | None,
        typer.Option("--milestone", metavar="KIND", help="ICS: only these milestones: premiere… (repeatable)."),
    ] = None,
    episodes: EpisodesOpt = False,
    past: Annotated[
        int | None, typer.Option("--past", metavar="DAYS", min=0, max=36500, help="ICS: only events this recent.")
    ] = None,
    future: Annotated[
        int | None, typer.Option("--future", metavar="DAYS", min=0, max=36500, help="ICS: only events this near.")
    ] = None,
) -> None:
    """Export the store, or some titles, as JSON (the store's format), iCalendar or CSV.

    ICS and CSV can hold only some releases: --region GB --medium theatrical --medium digital
    keeps UK cinema and streaming releases (and worldwide ones; other milestones stay). A
    calendar feed to subscribe to: --all-day, --refresh 1d, --kind series, --milestone
    season-premiere, --episodes, --past 30 --future 365."""
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
    doc = select(settings.read(view=True), title_ids or [])
    feed = _feed(fmt, doc, all_day, refresh, kinds, milestones, episodes, past, future)
    chunks = export_chunks(doc, fmt, settings.now(), windows=not no_windows, places=places, feed=feed)
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


def _feed(fmt: str, doc: Any, all_day: bool, refresh: str | None, kinds: list[str] | None,
          milestones: list[str] | None, episodes: bool, past: int | None, future: int | None) -> Any:  # fmt: skip
    """The calendar feed's choices, checked: ICS only."""
    asked = {"--all-day": all_day, "--refresh": refresh is not None, "--kind": bool(kinds),
             "--milestone": bool(milestones), "--episodes": episodes, "--past": past is not None,
             "--future": future is not None}  # fmt: skip
    given = [name for name, value in asked.items() if value]
    if fmt != "ics":
        if given:
            raise UsageError(f"{', '.join(given)}: options of a calendar feed (--format ics)")
        return None
    from hstrack.core.kinds import TITLE_KINDS
    from hstrack.core.model.validation import check_filter_kind
    from hstrack.views.ics_feed import Feed, refresh_duration

    for kind in kinds or []:
        if kind.strip().lower() not in TITLE_KINDS:
            raise UsageError(f"--kind {kind[:20]!r} is not a kind of title: {', '.join(TITLE_KINDS)}")
    chosen = {check_filter_kind(k, doc.milestone_kinds()) for k in milestones} if milestones else None
    return Feed(
        all_day=all_day,
        refresh=refresh_duration(refresh) if refresh is not None else None,
        title_kinds=frozenset(k.strip().lower() for k in kinds) if kinds else None,
        milestones=frozenset(chosen) if chosen else None,
        episodes=episodes,
        past=past,
        future=future,
    )


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
    service: Annotated[
        str | None,
        typer.Option("--from", metavar="letterboxd|imdb|trakt", help="FILE is a watchlist exported by this service."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="With --from: say what would be added, skipped and asked; write nothing.")
    ] = False,
    keep_released: Annotated[
        bool, typer.Option("--all", help="With --from: keep films already released (left out by default).")
    ] = False,
    choices: Annotated[
        Path | None,
        typer.Option("--choices", metavar="FILE", help="With --from: choices read from FILE; open ones written to it."),
    ] = None,
    interactive: Annotated[
        bool, typer.Option("--interactive", "-i", help="With --from: ask on the terminal which an ambiguous title is.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="With --from: what became of each row, as JSON.")] = False,
) -> None:
    """Import a JSON export; the whole file is checked before anything is written. With
    --from letterboxd|imdb|trakt, FILE is a watchlist: each film or show in it is matched
    to its TMDb or Wikidata page and added, linked, with its dates (see the README)."""
    from hstrack.core.model.document import Document
    from hstrack.sharing import imports

    if service is not None:
        if merge or replace or yes:
            raise UsageError("--from imports a watchlist; --merge, --replace and --yes are for hstrack's own exports")
        from hstrack.cli.watchlists import import_watchlist

        import_watchlist(ctx, service, file, dry_run, keep_released, choices, interactive, as_json)
        return
    if dry_run or keep_released or choices is not None or interactive or as_json:
        raise UsageError("--dry-run, --all, --choices, --interactive and --json go with --from SERVICE")
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
