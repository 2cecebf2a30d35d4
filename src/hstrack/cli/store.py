"""Your data: where the store is, taking a change back, and checking and restoring it."""

import sys
from typing import Annotated

import typer

from hstrack.cli.application import command
from hstrack.cli.common import JsonOpt, done, print_data, say_lines, settings_of
from hstrack.store import Store
from hstrack.text import inert


@command()
def where(ctx: typer.Context) -> None:
    """Print the path of the store file."""
    print_data(str(settings_of(ctx).path()) + "\n")


@command(short_help="Take back the last change (repeat to go further).")
def undo(ctx: typer.Context) -> None:
    """Revert the last change to the store (repeat to go further back)."""
    settings = settings_of(ctx)
    entry = settings.store().undo(settings.now())
    done(f"undid: {entry.description} (recorded {entry.recorded})")


@command(short_help="Check the store and its backups; restore a good one.")
def doctor(
    ctx: typer.Context,
    restore: Annotated[
        bool, typer.Option("--restore", help="Put back the newest good backup, keeping the damaged file beside it.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Check the store and its backups; exit 1 if the store is damaged."""
    from hstrack.doctor import examine

    settings = settings_of(ctx)
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
        say_lines([f"{finding.level}: {inert(finding.message)}" for finding in checkup.findings])
        if restored:
            kept = f"; the damaged file is kept as {restored['damaged_kept_as']}" if restored["damaged_kept_as"] else ""
            done(f"restored {restored['backup']} ({restored['description']}, {restored['recorded']}){kept}")
        elif restore:
            done("the store is healthy; nothing to restore")
    if not checkup.healthy:
        raise typer.Exit(1)
