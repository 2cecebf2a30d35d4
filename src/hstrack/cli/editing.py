"""Editing: titles and their milestones, added, changed and removed."""

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hstrack.cli.common import IdArg, MediumOpt, RegionOpt, done, settings_of
from hstrack.cli.registry import command
from hstrack.core.errors import UsageError
from hstrack.core.kinds import TITLE_KINDS
from hstrack.core.text import inert

if TYPE_CHECKING:
    from hstrack.core.model.document import Document
    from hstrack.core.model.history import Change
    from hstrack.core.model.milestone import Milestone


@command(short_help="Start tracking a title; prints its id.")
def add(
    ctx: typer.Context,
    name: Annotated[
        str | None,
        typer.Argument(metavar="[NAME]", help="The title's name, e.g. 'Heartstopper (film)'; with --link, optional."),
    ] = None,
    title_id: Annotated[
        str | None, typer.Option("--id", metavar="ID", help="A slug id (default: made from the name).")
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", metavar="|".join(TITLE_KINDS), help="What sort of title it is (default: other)."),
    ] = None,
    platform: Annotated[str | None, typer.Option("--platform", metavar="TEXT", help="Where it will be shown.")] = None,
    link: Annotated[
        str | None,
        typer.Option(
            "--link", metavar="REF", help="Start it from a source: wikidata:Q123, tmdb:movie/550 (fetches its dates)."
        ),
    ] = None,
) -> None:
    """Start tracking a title. Prints its id on stdout (id=$(hstrack add ...)); the rest
    of it can be set later with hstrack edit. With --link REF it starts from that page at a
    source: linked, named and kinded as the source says (unless given), its dates synced."""
    from hstrack.core.tracker import add_title

    settings = settings_of(ctx)
    now = settings.now()
    if link is not None:
        _add_linked(settings, name, title_id, kind, platform, link)
        return
    if name is None:
        raise UsageError("give the title's NAME, or --link REF to start it from a source")
    title = settings.store().change(
        lambda doc: add_title(doc, name, title_id, kind or "other", platform, now),
        lambda t: f"add {t.id}",
        now,
    )
    sys.stdout.write(title.id + "\n")
    hint = "" if title.kind != "other" else f"; its kind is other until you say (hstrack edit {title.id} --kind film)"
    done(f"added {title.id}{hint}")


def _add_linked(
    settings: Any, name: str | None, title_id: str | None, kind: str | None, platform: str | None, link: str
) -> None:
    """add --link: one fetch, then one change that adds, links and syncs the title. With
    the source down (not a wrong reference: that is refused), the title is added with its
    link and a name given, to be synced later."""
    from hstrack.cli.network import fetch_one, left_out
    from hstrack.core.references import SOURCE_NAMES, parse_reference
    from hstrack.core.tracker import add_title
    from hstrack.sources.facts import SourceError
    from hstrack.sources.fetching import Failed
    from hstrack.sources.sync import link_title, reconcile

    now = settings.now()
    ref = parse_reference(link)
    fetched = fetch_one(ref)
    where = f"{SOURCE_NAMES[ref.source]} ({ref.text})"
    if isinstance(fetched, Failed):
        if not fetched.down:  # it answered: the page does not exist, or the request was refused
            raise SourceError(f"{where}: {fetched.message}; nothing was changed")
        if name is None:
            raise SourceError(f"{where}: {fetched.message}; give the title's NAME to add it now and sync it "
                              f"later: hstrack add NAME --link {ref.text}")  # fmt: skip
    elif (name if name is not None else fetched.name) is None:
        raise UsageError(f"{ref.text} has no name hstrack can use; give one: hstrack add NAME --link {ref.text}")
    answer = None if isinstance(fetched, Failed) else fetched
    chosen = name if name is not None else answer.name if answer is not None else None
    assert chosen is not None

    def apply(doc: Any) -> Any:
        title = add_title(doc, chosen, title_id, kind or (answer.kind if answer else None) or "other", platform, now)
        link_title(doc, title.id, ref.text)
        return title, ([] if answer is None else reconcile(doc, title.id, [answer], now))

    title, outcomes = settings.store().change(apply, lambda r: f"add {r[0].id} {ref.text}", now)
    sys.stdout.write(title.id + "\n")
    done(f"added {title.id}, linked to {ref.text}")
    if answer is None:
        assert isinstance(fetched, Failed)
        done(f"{title.id}: {where} could not be asked ({fetched.message}); its dates come with hstrack sync {title.id}")
        return
    for o in outcomes:
        done(f"{title.id}: {o.summary}")
    for line in left_out([answer]):
        done(f"{title.id}: {line}")


@command(short_help="Change a title's name, kind, label, platform or text.")
def edit(
    ctx: typer.Context,
    title_id: IdArg,
    name: Annotated[str | None, typer.Option("--name", metavar="TEXT", help="A new name.")] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", metavar="|".join(TITLE_KINDS), help="What sort of title it is.")
    ] = None,
    label: Annotated[
        str | None, typer.Option("--label", metavar="TEXT", help="The short label the prompt shows.")
    ] = None,
    platform: Annotated[str | None, typer.Option("--platform", metavar="TEXT", help="Where it will be shown.")] = None,
    synopsis: Annotated[str | None, typer.Option("--synopsis", metavar="TEXT", help="What it is about.")] = None,
    notes: Annotated[str | None, typer.Option("--notes", metavar="TEXT", help="Your own notes.")] = None,
    no_label: Annotated[bool, typer.Option("--no-label", help="Back to the default label.")] = False,
    no_platform: Annotated[bool, typer.Option("--no-platform", help="Clear the platform.")] = False,
    no_synopsis: Annotated[bool, typer.Option("--no-synopsis", help="Clear the synopsis.")] = False,
    no_notes: Annotated[bool, typer.Option("--no-notes", help="Clear the notes.")] = False,
) -> None:
    """Change a title's own fields; each change is kept in its history and can be undone.
    Credits have hstrack credit, the id hstrack rename."""
    from hstrack.core.tracker import edit_title

    values: dict[str, str] = {}
    for field, given, cleared in (
        ("name", name, False), ("kind", kind, False), ("label", label, no_label),
        ("platform", platform, no_platform), ("synopsis", synopsis, no_synopsis), ("notes", notes, no_notes),
    ):  # fmt: skip
        if given is not None and cleared:
            raise UsageError(f"choose one of --{field} and --no-{field}")
        if given is not None or cleared:
            values[field] = "" if cleared else str(given)
    if not values:
        raise UsageError("say what to change: --name, --kind, --label, --platform, --synopsis or --notes")
    settings = settings_of(ctx)
    now = settings.now()
    edits = settings.store().change(
        lambda doc: edit_title(doc, title_id, values, now),
        lambda made: f"edit {title_id} {' '.join(e.field for e in made)}" if made else None,
        now,
        title_id=title_id,
    )
    if not edits:
        done(f"{title_id}: nothing changed")
    for e in edits:
        done(f"{title_id}: {e.field} {'cleared' if e.new is None else 'is ' + repr(e.new)}")


@command(short_help="Add, replace or remove the names credited in a role.")
def credit(
    ctx: typer.Context,
    title_id: IdArg,
    role: Annotated[str, typer.Argument(metavar="ROLE", help="The role: Director, Writer, Cast, ...")],
    names: Annotated[list[str] | None, typer.Argument(metavar="[NAME]...", help="The names.")] = None,
    remove: Annotated[
        bool, typer.Option("--remove", help="Remove these names (or, with none, the whole role).")
    ] = False,
    replace: Annotated[bool, typer.Option("--replace", help="The role becomes exactly these names.")] = False,
) -> None:
    """Credits by role: add names (the default), --replace them all, or --remove some or
    the whole role. A role is matched whatever its case. Kept in history; undoable."""
    from hstrack.core.tracker import edit_credits

    if remove and replace:
        raise UsageError("choose one of --remove and --replace")
    mode = "remove" if remove else "replace" if replace else "add"
    settings = settings_of(ctx)
    now = settings.now()
    edit = settings.store().change(
        lambda doc: edit_credits(doc, title_id, role, names or [], mode, now),
        lambda e: None if e is None else f"credit {title_id} {role}",
        now,
        title_id=title_id,
    )
    if edit is None:
        done(f"{title_id}: nothing changed")
        return
    now_credited = edit.new or {}
    named = next((r for r in {**(edit.old or {}), **now_credited} if r.casefold() == role.strip().casefold()), role)
    names_now = now_credited.get(named)
    done(f"{title_id}: {named}: {', '.join(names_now)}" if names_now else f"{title_id}: {named} removed")


@command(short_help="Give a title a new id, keeping its history and pin.")
def rename(
    ctx: typer.Context,
    title_id: IdArg,
    new_id: Annotated[str, typer.Argument(metavar="NEW_ID", help="The new id: lowercase letters, digits, hyphens.")],
) -> None:
    """Give a title a new id. Its history, label and the prompt's pin go with it, and its
    calendar events keep their UIDs, so calendars update rather than duplicate them."""
    from hstrack.core.tracker import rename_title

    settings = settings_of(ctx)
    now = settings.now()
    settings.store().change(
        lambda doc: rename_title(doc, title_id, new_id, now), lambda e: f"rename {title_id} {new_id}", now
    )
    sys.stdout.write(new_id + "\n")
    done(f"renamed {title_id} to {new_id}")


@command("set", short_help="Add or change a milestone; history keeps the old date.")
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
    words: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[DATE]",
            help="TBA, 2026, Q3 2026, autumn 2026, 3 Oct 2026, 2026-10-03 08:00 Europe/London, ...; quoted or "
            "not; leave out to change only the options.",
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
    region: RegionOpt = None,
    medium: MediumOpt = None,
) -> None:
    """Add or change a milestone; a change keeps the old date in the history.

    A release or premiere may have a place: --region GB --medium theatrical, or in one
    word, release@GB:theatrical (release@US, release:digital)."""
    from hstrack.core.report.assess import label as milestone_label
    from hstrack.core.tracker import CLEAR, set_milestone

    # A date is often several words (3 Oct 2026 20:00 America/New_York): taken quoted or
    # not, as calendar takes its month, so Tab completion can offer a zone as a word.
    when = " ".join(words) if words else None
    for given, cleared, option in ((source, no_source, "--source"), (note, no_note, "--note")):
        if given is not None and cleared:
            raise UsageError(f"choose one of {option} and --no-{option[2:]}")
    if tentative and firm:
        raise UsageError("choose one of --tentative and --firm")
    settings = settings_of(ctx)
    now = settings.now()
    flag = True if tentative else False if firm else None
    source = CLEAR if no_source else source
    note = CLEAR if no_note else note

    def apply(doc: "Document") -> "tuple[Change, Milestone | None] | None":
        change = set_milestone(doc, title_id, milestone, when, now, source, note, flag, new, region, medium)
        return None if change is None else (change, doc.get(title_id).milestones.get(change.milestone))

    result = settings.store().change(
        apply,
        lambda r: None if r is None else f"set {title_id} {r[0].milestone} {r[0].new.date.text if r[0].new else ''}",
        now,
        title_id=title_id,
    )
    if result is None:
        done(f"{title_id}: nothing changed")
        return
    from hstrack.core.report.history import said

    change, holds = result
    named = milestone_label(change.milestone)
    if change.new is not None and holds is change.new:
        done(f"{title_id}: {named} is {said(change.new)}")
    else:
        _backdated(title_id, named, change, holds)


@command()
def unset(
    ctx: typer.Context,
    title_id: IdArg,
    milestone: Annotated[str, typer.Argument(help="The milestone to remove (release@GB:theatrical for a placed one).")],
    region: RegionOpt = None,
    medium: MediumOpt = None,
) -> None:
    """Remove a milestone; the history keeps what it was."""
    from hstrack.core.report.assess import label as milestone_label
    from hstrack.core.tracker import unset_milestone

    settings = settings_of(ctx)
    now = settings.now()

    def apply(doc: "Document") -> "tuple[Change, Milestone | None]":
        change = unset_milestone(doc, title_id, milestone, now, region, medium)
        return change, doc.get(title_id).milestones.get(change.milestone)

    change, holds = settings.store().change(
        apply, lambda r: f"unset {title_id} {r[0].milestone}", now, title_id=title_id
    )
    if holds is None:
        done(f"{title_id}: removed {milestone_label(change.milestone)}")
    else:
        _backdated(title_id, milestone_label(change.milestone), change, holds)


def _backdated(title_id: str, named: str, change: "Change", holds: "Milestone | None") -> None:
    """A change recorded as of a moment before later changes of the same milestone: it
    takes its place in the history, and the later change still decides the value."""
    from hstrack.core.report.history import said

    what = f"{named} {said(change.new)}" if change.new is not None else f"the removal of {named}"
    now_holds = f"{named} is {said(holds)}" if holds is not None else f"{named} stays removed"
    done(f"{title_id}: recorded {what} as of {change.recorded}; a change recorded later decides: {now_holds}")


@command(short_help="Stop tracking a title (undo brings it back).")
def remove(
    ctx: typer.Context,
    title_id: IdArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Stop tracking a title (asks first unless --yes; hstrack undo brings it back)."""
    from hstrack.core.tracker import remove_title

    settings = settings_of(ctx)
    store = settings.store()
    name = store.read().get(title_id).name
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError(f"not removing {title_id} without confirmation; add --yes")
        if not typer.confirm(f"Remove {inert(name)} ({title_id}) and its history?", err=True):
            raise typer.Exit(1)
    store.change(lambda doc: remove_title(doc, title_id), lambda t: f"remove {t.id}", settings.now())
    done(f"removed {title_id}")


@command(short_help="Set the short label the prompt shows for a title.")
def label(
    ctx: typer.Context,
    title_id: IdArg,
    text: Annotated[
        str | None, typer.Argument(metavar="[TEXT]", help="The short label; omit to use the default.")
    ] = None,
) -> None:
    """Set the short label the prompt shows for a title (e.g. 'HS film'); the same as
    hstrack edit ID --label TEXT."""
    from hstrack.core.tracker import edit_title

    settings = settings_of(ctx)
    now = settings.now()
    edits = settings.store().change(
        lambda doc: edit_title(doc, title_id, {"label": text or ""}, now),
        lambda made: f"label {title_id}" if made else None,
        now,
        title_id=title_id,
    )
    cleaned = edits[0].new if edits else settings.read().get(title_id).label
    done(f"{title_id}: label {'is ' + repr(cleaned) if cleaned else 'reset to the default'}")
