"""Your data: where the store is, taking a change back, and checking and restoring it."""

import sys
from typing import Annotated

import typer

from hstrack.cli.common import JsonOpt, done, print_data, say_lines, settings_of
from hstrack.cli.registry import command
from hstrack.core.text import inert
from hstrack.store.store import Store


@command()
def where(ctx: typer.Context) -> None:
    """Print the path of the store file."""
    print_data(str(settings_of(ctx).path()) + "\n")


@command(short_help="Take back the last change (repeat to go further).")
def undo(
    ctx: typer.Context,
    across: Annotated[
        bool,
        typer.Option(
            "--across",
            help="Also step back over a change that came from elsewhere (a pull or merge, an import, a sync), "
            "dropping its facts from this copy.",
        ),
    ] = False,
) -> None:
    """Revert this copy's last change to the store (repeat to go further back). Undo stops
    at a change that came from elsewhere (a pull or merge, an import, a sync) and says so."""
    settings = settings_of(ctx)
    entry = settings.store().undo(settings.now(), across)
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
    from hstrack.sharing.git import check_sharing
    from hstrack.store.doctor import examine

    settings = settings_of(ctx)
    store = Store(settings.path())  # never creates or seeds: doctor only looks
    checkup = examine(store, [check_sharing])
    restored = None
    if restore and not checkup.healthy:
        version, kept_as = store.restore_newest_good(settings.now())
        restored = {
            "backup": str(version.path),
            "description": version.description,
            "recorded": version.recorded,
            "damaged_kept_as": str(kept_as) if kept_as else None,
        }
        checkup = examine(store, [check_sharing])
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


@command(short_help="Show or change your settings: region, media and lead times.")
def config(
    ctx: typer.Context,
    key: Annotated[str | None, typer.Argument(metavar="[KEY]", help="region, medium or leads.")] = None,
    value: Annotated[
        str | None, typer.Argument(metavar="[VALUE]", help="GB, US, worldwide; theatrical,digital; 7d,1d,0d or off.")
    ] = None,
    unset: Annotated[bool, typer.Option("--unset", help="Forget the setting (back to the default).")] = False,
) -> None:
    """Show your settings, or set one: hstrack config region GB; hstrack config medium digital,theatrical.

    The region picks "the" release for you in every single-answer view (status, countdown,
    the prompt, check --released): your country's own, else the worldwide one, else the
    earliest anywhere. HSTRACK_REGION and HSTRACK_MEDIUM win over what is saved here; with
    neither, the region is the country your locale names (LANG=en_GB.UTF-8: GB).

    leads are the lead times hstrack notify uses for a title that has none of its own
    (hstrack remind): 7d,1d,0d unless set here; off sends only the changes."""
    from hstrack.core.errors import UsageError
    from hstrack.core.model.leads import DEFAULT_LEADS
    from hstrack.store import config as settings_file

    settings = settings_of(ctx)
    saved = settings_file.read()
    if key is None:
        if unset or value is not None:
            raise UsageError("name the setting: hstrack config region GB")
        pref = settings.pref()
        lines = [
            f"region\t{pref.region or 'worldwide'}\t({_origin(pref.origin, pref.region)})",
            f"medium\t{','.join(pref.media) or 'any'}",
            f"leads\t{saved.get('leads', ','.join(DEFAULT_LEADS))}\t({'saved' if 'leads' in saved else 'the default'})",
            f"file\t{settings_file.config_path()}",
        ]
        print_data("\n".join(lines) + "\n")
        return
    name = key.strip().lower()
    if unset:
        if value is not None:
            raise UsageError("--unset takes no value")
        settings_file.check(name, settings_file.EXAMPLES.get(name, ""))  # a known key
        saved.pop(name, None)
        what = f"{name} unset"
    elif value is None:
        settings_file.check(name, settings_file.EXAMPLES.get(name, ""))
        print_data(f"{saved.get(name, '')}\n")
        return
    else:
        saved[name] = settings_file.check(name, value)
        what = f"{name} is {saved[name]}"
    where = settings_file.write(saved)
    # The prompt's cache says whose release it shows: rebuild it for the new setting.
    store = Store(settings.path())
    if store.path.exists():
        store.refresh_prompt_cache(held=False)
    done(f"{what} (saved in {inert(str(where))})")


def _origin(origin: str, region: str | None) -> str:
    if origin == "locale":
        return "from your locale" if region else "none set, and your locale names no country"
    return {"HSTRACK_REGION": "from HSTRACK_REGION", "config": "saved with hstrack config"}.get(origin, origin)
