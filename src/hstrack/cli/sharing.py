"""Sharing through git: setting a repository up, settling what a merge left, and the merge
driver git runs (hstrack.sharing.git)."""

import json
import shlex
from pathlib import Path
from typing import Annotated

import typer

from hstrack.cli.common import JsonOpt, done, print_data, settings_of
from hstrack.cli.registry import command
from hstrack.core.errors import UsageError
from hstrack.core.text import inert

ACTIONS = ("setup", "status", "resolve")


@command(short_help="Share the store through git: setup, status, resolve.")
def git(
    ctx: typer.Context,
    action: Annotated[str, typer.Argument(metavar="setup|status|resolve", help="What to do.")],
    title_id: Annotated[
        str | None, typer.Argument(metavar="[ID]", help="resolve: the title a merge left undecided.")
    ] = None,
    keep: Annotated[bool, typer.Option("--keep", help="resolve: keep the title as the merge left it.")] = False,
    remove: Annotated[bool, typer.Option("--remove", help="resolve: remove it, as the other copy did.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Share the store through git (see "Sharing through git" in the README).

    setup: in the repository holding the store, write .gitattributes (the store merges with
    hstrack), .gitignore (backups, lock, caches: machine-local) and this clone's git config
    naming the merge driver. Run it once per clone; running it again changes nothing.

    status: whether the store is in a repository, tracked, and merged by hstrack, and what
    a merge left undecided.

    resolve ID --keep|--remove: settle a title one copy removed and the other changed (the
    merge kept it); then finish the merge with git add and git commit."""
    from hstrack.sharing import git as sharing

    settings = settings_of(ctx)
    if action not in ACTIONS:
        raise UsageError(f"no git action {action!r}; choose one of {', '.join(ACTIONS)}")
    if action != "resolve" and (title_id is not None or keep or remove):
        raise UsageError(f"git {action} takes no ID, --keep or --remove")
    store_path = settings.path()
    if action == "setup":
        from hstrack.store.paths import data_home

        report = sharing.setup(store_path, data_home())
        for line in report.did:
            done(line)
        if not report.did:
            done(f"{report.repository} already merges {store_path.name} with hstrack; nothing to do")
        elif report.written:  # files every clone shares: they are news to commit
            folder = shlex.quote(str(store_path.parent))
            names = " ".join(shlex.quote(p.name) for p in report.written)
            done(
                f"commit them (git -C {folder} add {names} && git -C {folder} commit); "
                "every other clone runs hstrack git setup once"
            )
        else:  # only this clone's config: a fresh clone of a repository already set up
            done(f"this clone now merges {store_path.name} with hstrack; nothing to commit")
        return
    if action == "status":
        state = sharing.examine(store_path)
        doc = settings.store().read() if store_path.exists() else None
        conflicts = [c.to_json() for c in doc.conflicts] if doc is not None else []
        data = {
            "schema": 1,
            "store": str(store_path),
            "repository": str(state.repo.top) if state.repo is not None else None,
            "tracked": state.tracked or state.attributes,
            "attributes": state.attributes,
            "driver": state.driver,
            "set_up": state.set_up,
            "conflicts": conflicts,
        }
        if as_json:
            print_data(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        else:
            lines = [f"repository\t{data['repository'] or 'none'}"]
            lines += [f"{k}\t{'yes' if data[k] else 'no'}" for k in ("attributes", "driver", "set_up")]
            lines += [f"conflict\t{c['title']}\t{c['reason']}" for c in conflicts]
            print_data("\n".join(lines) + "\n")
        return
    _resolve(ctx, title_id, keep, remove, as_json)


def _resolve(ctx: typer.Context, title_id: str | None, keep: bool, remove: bool, as_json: bool) -> None:
    from hstrack.core.tracker import settle_conflict

    settings = settings_of(ctx)
    store = settings.store()
    if title_id is None:
        if keep or remove:
            raise UsageError("name the title: hstrack git resolve ID --keep")
        conflicts = store.read().conflicts
        if as_json:
            print_data(json.dumps([c.to_json() for c in conflicts], indent=2, ensure_ascii=False) + "\n")
        else:
            print_data("".join(f"{c.title}\t{c.recorded}\t{c.reason}\n" for c in conflicts))
        return
    if keep == remove:
        raise UsageError("choose one of --keep and --remove")
    verb = "keep" if keep else "remove"
    left = store.change(
        lambda doc: (settle_conflict(doc, title_id, keep), doc.conflicts)[1],
        lambda _: f"settle the merge of {title_id}: {verb}",
        settings.now(),
    )
    done(f"{title_id}: {'kept' if keep else 'removed'}")
    if left:
        done(f"still undecided: {', '.join(c.title for c in left)}")
    else:
        name = shlex.quote(store.path.name)
        done(f"every merge conflict is settled; if git still lists {name} as conflicted: git add {name} && git commit")


@command("merge-file", short_help="git's merge driver for the store (hstrack git setup names it).")
def merge_file(
    ctx: typer.Context,
    base: Annotated[Path, typer.Argument(metavar="BASE", help="The common version (git's %O).")],
    ours: Annotated[Path, typer.Argument(metavar="OURS", help="Ours, replaced by the result (git's %A).")],
    theirs: Annotated[Path, typer.Argument(metavar="THEIRS", help="Theirs (git's %B).")],
    name: Annotated[
        str | None, typer.Argument(metavar="[PATH]", help="The store's path in the repository (%P).")
    ] = None,
) -> None:
    """Merge three versions of a store, title by title and fact by fact (the rules are in
    the README's "Sharing through git"). The result replaces OURS. Exit 0 when merged
    cleanly; 1 when a title was removed in one copy and changed in the other (the merge
    keeps it, records the conflict in the store, and git reports the file as conflicted:
    settle it with hstrack git resolve), or when a version is not a store hstrack can
    read (OURS is left as it was)."""
    from hstrack.sharing.git import merge_files

    settings = settings_of(ctx)
    shown = inert(name or ours.name)
    outcome = merge_files(base, ours, theirs, settings.now())
    if outcome.problem is not None:
        done(f"{shown}: not merged: {outcome.problem}; fix that version, or merge it by hand")
        raise typer.Exit(1)
    for line in outcome.result.contested:
        done(f"{shown}: both changed {line}")
    conflicts = outcome.result.conflicts
    for title_id in conflicts:
        done(
            f"{shown}: CONFLICT {title_id} was removed in one copy and changed in the other; the changed title was "
            f"kept. Settle it: hstrack git resolve {title_id} --keep (or --remove), then git add and git commit"
        )
    if conflicts:
        raise typer.Exit(1)
