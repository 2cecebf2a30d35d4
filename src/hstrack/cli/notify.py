"""Notifications: `notify` sends what is due (from cron or a systemd timer) and `remind`
sets a title's lead times. The work is in ``hstrack.notify.planning`` (what is due, the record of
what was sent) and ``hstrack.notify.channels`` (the desktop, --exec, apprise)."""

import contextlib
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from hstrack.cli.common import AtOpt, Settings, done, print_data, settings_of
from hstrack.cli.registry import command
from hstrack.core.errors import UsageError
from hstrack.core.text import inert

PRINTABLE = ("crontab", "systemd-service", "systemd-timer")
UNIT = "hstrack-notify"


@command(short_help="Send the notifications that are due (from cron or a systemd timer).")
def notify(
    ctx: typer.Context,
    desktop: Annotated[
        bool, typer.Option("--desktop", help="On the desktop (the default without --exec or --apprise).")
    ] = False,
    commands: Annotated[
        list[str] | None,
        typer.Option("--exec", metavar="CMD", help="Run CMD per notification, its JSON on stdin (repeatable)."),
    ] = None,
    urls: Annotated[
        list[str] | None,
        typer.Option("--apprise", metavar="URL", help="To an apprise URL: ntfy://, tgram://, mailto:// (repeatable)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be sent; send and record nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="List what was sent as JSON (schema 1).")] = False,
    trust_clock: Annotated[
        bool,
        typer.Option("--trust-clock", help="Run though the clock is far past anything the store or record has seen."),
    ] = False,
    at: AtOpt = None,
    show: Annotated[
        str | None,
        typer.Option(
            "--print",
            metavar="crontab|systemd-service|systemd-timer",
            help="Print a crontab line or systemd unit that runs notify so, after a sync once a day.",
        ),
    ] = None,
) -> None:
    """Send one notification for each event that is due, and remember it: lead times before
    a dated milestone (7d, 1d and on the day unless hstrack remind or hstrack config leads
    says otherwise; a window when it opens, a drop time at its hour) and the changes
    recorded since the last run, in the history's words. Each is sent once; a date that
    moves is told again; a run missed while the machine was off catches up once, marked
    late. Run it from cron or a systemd user timer (--print gives one) every 15 minutes.
    Exit 0 when everything due was sent, 1 when a channel failed (that notification and
    the ones after it are tried again at the next run), 2 on a usage error."""
    settings = settings_of(ctx)
    if show is not None:
        print_data(_schedule(show, settings, desktop, commands or [], urls or []))
        return
    from hstrack.notify.channels import Apprise, Channel, Channels, Desktop, Exec
    from hstrack.notify.leads import default_leads
    from hstrack.notify.planning import run
    from hstrack.store import config

    chosen: list[Channel] = [Exec(c, lambda said: typer.echo(said, err=True)) for c in commands or []]
    if urls:
        chosen.append(Apprise(urls))
    if desktop or not chosen:
        chosen.insert(0, Desktop())
    channels = Channels(chosen)
    now = settings.now(at)
    store = settings.store()
    try:
        saved = config.read()
        every = saved.get("episodes") == "all"
        outcome = run(store, now, channels.send, default_leads(saved), settings.pref_for, dry_run, trust_clock, every)
    finally:
        channels.close()
    if as_json:
        from hstrack.views.data import to_text

        data = {
            "schema": 1,
            "now": now.isoformat(timespec="seconds"),
            "dry_run": dry_run,
            "baseline": outcome.first,
            "channels": channels.names,
            "notifications": [n.to_json() for n in outcome.sent],
            "unsent": [n.to_json() for n in outcome.unsent],
            "error": outcome.error,
        }
        sys.stdout.write(to_text(data))
    else:
        for n in outcome.sent:
            sys.stdout.write(inert(n.line) + "\n")
    if outcome.clock is not None:
        done(f"notify: {outcome.clock}")
    if outcome.first:
        if dry_run:
            done("dry run of the first run: it would take the history so far as the baseline, not sent")
        else:
            done("first run: the history so far is the baseline, not sent; from now on each change is sent once")
    count = f"{len(outcome.sent)} notification{'s' * (len(outcome.sent) != 1)}"
    if dry_run:
        done(
            f"dry run: {count} would be sent; nothing was sent or recorded"
            if outcome.sent
            else "dry run: nothing is due"
        )
    elif outcome.sent:
        done(f"sent {count} ({', '.join(channels.names)})")
    if outcome.error is not None:
        left = len(outcome.unsent)
        typer.echo(
            f"hstrack: notify: {inert(outcome.error)}; {left} notification{'s' * (left != 1)} not sent, to be tried "
            "again at the next run",
            err=True,
        )
        raise typer.Exit(1)


# ---------------------------------------------------------------------------- schedules


def _launcher(settings: Settings) -> list[str]:
    launcher = Path(sys.executable).with_name("hstrack")
    words = [str(launcher)] if launcher.is_file() else [sys.executable, "-m", "hstrack"]
    if settings.store_path is not None:
        words += ["--store", str(Path(settings.store_path).resolve())]
    return words


def _command_words(settings: Settings, desktop: bool, commands: list[str], urls: list[str]) -> list[str]:
    words = [*_launcher(settings), "notify"]
    if desktop and (commands or urls):
        words.append("--desktop")
    for cmd in commands:
        words += ["--exec", cmd]
    for url in urls:
        words += ["--apprise", url]
    for word in words:
        if any(ch in word for ch in "\n\r\x00"):
            raise UsageError("a command with a line break cannot be written into a crontab or a unit file")
    return words


# The scheduled sync: once a day at most (a schedule that runs every 15 minutes asks the
# sources on the first run a day after the last that reached one), only the titles still
# going (not cancelled, not released more than 90 days ago), before notify, so a moved date
# is told at once. Politeness: one request a title a day at most, revalidated from the
# cache; Wikidata in batches of 50 with maxlag; country codes kept a year.
SYNC_WORDS = ["sync", "--active", "--every", "1d"]


def _carried(settings: Settings) -> list[tuple[str, str]]:
    """The settings that decide answers, as this shell has them, for a job that runs with
    none of its environment: the store's folder, the zone (days are the viewer's), the
    region and media (which release is "the" one), the language the sources are asked in
    and the contact Wikimedia asks for. Never a secret: TMDb's token stays out of files."""
    from hstrack.core.regions import MEDIUM_VARIABLE, REGION_VARIABLE
    from hstrack.sources.access import CONTACT_VARIABLE

    pairs = []
    home = _home()
    if home is not None:
        pairs.append(("HSTRACK_HOME", home))
    zone = os.environ.get("TZ", "").strip()
    if zone:
        pairs.append(("TZ", zone))
    pref = settings.pref()
    pairs.append((REGION_VARIABLE, pref.region or "worldwide"))
    if pref.media:
        pairs.append((MEDIUM_VARIABLE, ",".join(pref.media)))
    for name in ("LC_ALL", "LANG"):
        value = os.environ.get(name, "").strip()
        if value:
            pairs.append(("LANG", value))
            break
    contact = os.environ.get(CONTACT_VARIABLE, "").strip()
    if contact:
        pairs.append((CONTACT_VARIABLE, contact))
    for name, value in pairs:
        if any(ch in value for ch in "\n\r\x00"):
            raise UsageError(f"{name} holds a line break: it cannot be written into a crontab or a unit file")
    return pairs


def _home() -> str | None:
    from hstrack.store.paths import HOME_VARIABLE

    home = os.environ.get(HOME_VARIABLE)
    return str(Path(home).expanduser().resolve()) if home else None


def _systemd_word(word: str, dollar: bool = True) -> str:
    """A word as systemd reads it in ExecStart= (``dollar``) or Environment=: its own quoting,
    with % (a specifier) doubled and, in ExecStart=, $ (a variable) doubled."""
    text = word.replace("%", "%%")
    if dollar:
        text = text.replace("$", "$$")
    if text and all(ch.isalnum() or ch in "-_./:=+@,%$" for ch in text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _schedule(what: str, settings: Settings, desktop: bool, commands: list[str], urls: list[str]) -> str:
    if what not in PRINTABLE:
        raise UsageError(f"--print takes {', '.join(PRINTABLE)}, not {what!r}")
    words = _command_words(settings, desktop, commands, urls)
    sync = [*_launcher(settings), *SYNC_WORDS]
    carried = _carried(settings)
    if what == "crontab":
        import shlex

        from hstrack.sources.http import cache_folder

        env = " ".join(f"{name}={shlex.quote(value)}" for name, value in carried)
        folder = cache_folder().parent
        with contextlib.suppress(OSError):  # the shell opens the log before the sync runs: it must exist
            folder.mkdir(parents=True, exist_ok=True)
        log = shlex.quote(str(folder / "sync.log"))
        line = f"{env} {shlex.join(sync)} >/dev/null 2>>{log}; {env} {shlex.join(words)} >/dev/null"
        line = line.replace("%", "\\%")  # cron reads a bare % as a line break
        return (
            "# hstrack every 15 minutes (add with crontab -e): a sync once a day at most, of the titles still\n"
            "# going, then notify. What notify sent goes to /dev/null, its errors to cron's mail; the sync's\n"
            f"# problems to {log}. TMDb's token is never written here: add a line\n"
            "#   HSTRACK_TMDB_TOKEN=your-token\n"
            "# above this one (crontab -e) for TMDb's titles. A run missed while the machine was off catches up\n"
            "# once, at the next one.\n"
            f"*/15 * * * * {line}\n"
        )
    if what == "systemd-service":
        environment = "".join(f"Environment={_systemd_word(f'{name}={value}', dollar=False)}\n"
                              for name, value in carried)  # fmt: skip
        return (
            f"# Save as ~/.config/systemd/user/{UNIT}.service, and the timer (hstrack notify --print\n"
            f"# systemd-timer) as {UNIT}.timer beside it; then\n"
            f"#   systemctl --user daemon-reload && systemctl --user enable --now {UNIT}.timer\n"
            "# Each run syncs first, once a day at most, the titles still going (a failed sync does not stop\n"
            "# notify); TMDb's token goes in ~/.config/hstrack/environment (HSTRACK_TMDB_TOKEN=..., chmod 600),\n"
            "# never in this file.\n"
            "[Unit]\n"
            "Description=hstrack: sync once a day, then send the notifications that are due\n"
            "\n"
            "[Service]\n"
            "Type=oneshot\n"
            f"{environment}"
            "EnvironmentFile=-%h/.config/hstrack/environment\n"
            f"ExecStartPre=-{' '.join(_systemd_word(w) for w in sync)}\n"
            f"ExecStart={' '.join(_systemd_word(w) for w in words)}\n"
        )
    return (
        f"# Save as ~/.config/systemd/user/{UNIT}.timer (see hstrack notify --print systemd-service).\n"
        "# Every 15 minutes; Persistent= runs a missed one at the next start, which catches up once.\n"
        "[Unit]\n"
        "Description=hstrack notify every 15 minutes\n"
        "\n"
        "[Timer]\n"
        "OnCalendar=*:0/15\n"
        "Persistent=true\n"
        "AccuracySec=1min\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )


# ---------------------------------------------------------------------------- lead times


@command(short_help="Set how long ahead notify tells you of a title, or turn it off.")
def remind(
    ctx: typer.Context,
    title_id: Annotated[
        str | None, typer.Argument(metavar="[ID]", help="The title (omit to list every title's own settings).")
    ] = None,
    milestone: Annotated[
        str | None, typer.Argument(metavar="[MILESTONE]", help="One of its milestones (default: the whole title).")
    ] = None,
    leads: Annotated[
        list[str] | None,
        typer.Option("--lead", metavar="SPAN", help="A lead time: 7d, 1d, 0d (on the day), 12h, 2w (repeatable)."),
    ] = None,
    off: Annotated[bool, typer.Option("--off", help="Tell nothing of it: no lead times, no changes.")] = False,
    default: Annotated[bool, typer.Option("--default", help="Forget its own setting (back to the default).")] = False,
) -> None:
    """Set the lead times hstrack notify uses for a title, or one of its milestones:
    hstrack remind ID release --lead 14d --lead 1d --lead 0d. --off tells nothing of it
    (neither lead times nor changes); --default forgets the setting. With no option, list
    what applies to each of the title's milestones; with no ID, every title's own settings.
    Stored with the title (undoable); titles without one use hstrack config leads, else
    7d,1d,0d."""
    settings = settings_of(ctx)
    chosen = [name for name, given in (("--lead", bool(leads)), ("--off", off), ("--default", default)) if given]
    if len(chosen) > 1:
        raise UsageError(f"choose one of --lead, --off and --default (got {' and '.join(chosen)})")
    if not chosen:
        if milestone is not None:
            raise UsageError("to change a milestone's lead times, add --lead SPAN, --off or --default")
        print_data(_listing(settings, title_id))
        return
    if title_id is None:
        raise UsageError("name the title: hstrack remind ID [MILESTONE] --lead 7d")
    from hstrack.core.model.leads import check_leads
    from hstrack.notify.leads import set_leads

    if leads and not check_leads(leads):
        raise UsageError("give a lead time (7d, 1d, 0d), or --off")
    wanted: list[str] | None = None if default else [] if off else list(leads or [])
    now = settings.now()
    key, said = settings.store().change(
        lambda doc: set_leads(doc, title_id, milestone, wanted, now),
        lambda result: f"remind {title_id} {result[0]} {result[1]}",
        now,
        title_id=title_id,
    )
    from hstrack.core.report.assess import label

    what = "the title" if key == "*" else label(key)
    done(f"{title_id}: lead times for {what}: {said}")


def _listing(settings: Settings, title_id: str | None) -> str:
    from hstrack.core.kinds import EVERY_EPISODE
    from hstrack.core.model.leads import ALL_MILESTONES
    from hstrack.core.report.titles import report_title
    from hstrack.notify.leads import default_leads, describe_leads, follows, leads_for
    from hstrack.store import config

    saved = config.read()
    defaults = default_leads(saved)
    every = saved.get("episodes") == "all"
    doc = settings.read()
    rows: list[list[str]] = []
    if title_id is None:
        origin = "hstrack config leads" if "leads" in saved else "built in"
        rows.append(["default", ALL_MILESTONES, describe_leads(list(defaults)), origin])
        for tid in sorted(doc.titles):
            title = doc.titles[tid]
            rows += [[tid, key, describe_leads(value), "set"] for key, value in title.notify.items()]
    else:
        title = doc.get(title_id)
        report = report_title(title, settings.now(), pref=settings.pref_for(doc))
        own = {a.key for a in report.applicable}
        for a in report.milestones:
            key = a.key
            # In the order follows() decides: its own setting, the title off, not yours
            # (a title's lead times do not reach another place's release), the title's.
            if key in title.notify:
                why = "set for it"
            elif title.notify.get(ALL_MILESTONES) == []:
                why = "off for the title"
            elif ("@" in key or ":" in key) and key not in own:
                why = f"not your {a.kind}: set lead times for it to follow it"
            elif ALL_MILESTONES in title.notify:
                why = "set for the title"
            elif key in EVERY_EPISODE and not every:
                why = "every episode: hstrack config episodes all, or set lead times for it"
            else:
                why = "the default"
            shown = describe_leads(leads_for(title, key, defaults)) if follows(title, key, own, every) else "off"
            if shown not in ("off", "") and not a.date.is_exact and not a.date.is_tba:
                shown = "when its window opens"
            rows.append([title.id, key, shown, why])
    return "".join("\t".join(inert(cell) for cell in row) + "\n" for row in rows)
