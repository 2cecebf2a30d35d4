"""Sources: finding titles on Wikidata and TMDb, linking them, syncing their dates, and
the proposals a sync holds for you. The only area that touches the network; it imports
the HTTP client inside the commands that use it (find, sync, add --link)."""

import sys
from typing import Annotated, Any

import typer

from hstrack.cli.common import IdArg, JsonOpt, done, settings_of
from hstrack.cli.network import client, left_out, progress
from hstrack.cli.registry import command
from hstrack.core.errors import UsageError
from hstrack.core.text import inert

SourceOpt = Annotated[
    str | None,
    typer.Option("--source", metavar="wikidata|tmdb", help="Only this source (default: both, TMDb if a token is set)."),
]
RefArg = Annotated[
    str,
    typer.Argument(metavar="REF", help="wikidata:Q123, tmdb:movie/550, tmdb:tv/1399 or tmdb:tv/1399/season/2."),
]


def _source(value: str | None) -> str | None:
    from hstrack.core.references import SOURCES

    if value is None:
        return None
    word = value.strip().lower()
    if word not in SOURCES:
        raise UsageError(f"{value!r} is not a source: wikidata or tmdb")
    return word


@command(short_help="Look a title up on Wikidata and TMDb; prints candidates to link.")
def find(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="What the title is called.")],
    source: SourceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Look a title up on Wikidata (and on TMDb when HSTRACK_TMDB_TOKEN is set): one line
    per candidate, its reference first, then year, kind, label and description. Links
    nothing: choose one and run hstrack link ID REF."""
    from hstrack.core.model.validation import check_name
    from hstrack.sources.fetching import KEY_VARIABLE, TOKEN_VARIABLE

    query = check_name(name, "a name to find")
    chosen = _source(source)
    sources = client()
    which = [chosen] if chosen else ["wikidata", *(["tmdb"] if sources.token else [])]
    if chosen is None and sources.token is None:
        done(f"TMDb not asked: set {TOKEN_VARIABLE} to your API read access token (or {KEY_VARIABLE} to your API "
             "key) to search it too")  # fmt: skip
    found, failed = sources.find(query, which)
    if as_json:
        from hstrack.views.data import to_text

        candidates = [{"reference": c.reference, "label": c.label, "year": c.year, "kind": c.kind,
                       "description": c.description, "source": c.source} for c in found]  # fmt: skip
        now = settings_of(ctx).now().isoformat(timespec="seconds")
        sys.stdout.write(to_text({"schema": 1, "now": now, "query": query, "candidates": candidates,
                                  "errors": failed}))  # fmt: skip
    else:
        for c in found:
            fields = [c.reference, str(c.year or "-"), c.kind or "-", c.label, c.description or ""]
            sys.stdout.write("\t".join(inert(f) for f in fields).rstrip("\t") + "\n")
        if not found and not failed:
            done(f"no candidates for {query!r}")
    for line in failed:
        typer.echo(f"hstrack: find {inert(query)}: {inert(line)}", err=True)
    if failed:
        raise typer.Exit(1)


@command(short_help="Link a title to its page on Wikidata or TMDb, for sync.")
def link(ctx: typer.Context, title_id: IdArg, reference: RefArg) -> None:
    """Link a title to its page at a source, so hstrack sync keeps its dates current. A
    title has one page per source: linking another replaces it. Undoable."""
    from hstrack.sources.sync import link_title

    settings = settings_of(ctx)
    now = settings.now()
    ref, replaced = settings.store().change(
        lambda doc: link_title(doc, title_id, reference),
        lambda r: None if r[0] == r[1] else f"link {title_id} {r[0]}",
        now,
    )
    if replaced == ref:
        done(f"{title_id} is already linked to {ref}")
    else:
        done(f"{title_id}: linked to {ref}" + (f" (was {replaced})" if replaced else "") + f"; hstrack sync {title_id}")


@command(short_help="Remove a title's link to a source (its dates stay).")
def unlink(
    ctx: typer.Context,
    title_id: IdArg,
    which: Annotated[
        str | None, typer.Argument(metavar="[SOURCE|REF]", help="wikidata, tmdb or a reference; default: all.")
    ] = None,
) -> None:
    """Remove a title's link to a source (or all its links). The dates it synced stay, and
    its pending proposals from that source go. Undoable."""
    from hstrack.sources.sync import unlink_title

    settings = settings_of(ctx)
    gone = settings.store().change(
        lambda doc: unlink_title(doc, title_id, which), lambda g: f"unlink {title_id} {' '.join(g)}", settings.now()
    )
    done(f"{title_id}: unlinked {', '.join(gone)}")


@command(short_help="Fetch linked titles from their sources and bring dates up to date.")
def sync(
    ctx: typer.Context,
    title_ids: Annotated[
        list[str] | None, typer.Argument(metavar="[ID]...", help="The titles to sync (default: every linked one).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would change; write nothing.")] = False,
    offline: Annotated[
        bool, typer.Option("--offline", help="Use only the answers cached by earlier syncs; no network.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also say on stderr what a source gave that was left out, and why.")
    ] = False,
    stale: Annotated[
        bool,
        typer.Option(
            "--stale",
            help="Only the titles status marks as wanting news: a window due, unconfirmed, closing with no day, "
            "or open with no news for the stale span (hstrack config stale, 90d).",
        ),
    ] = False,
    active: Annotated[
        bool,
        typer.Option("--active", help="Leave out cancelled titles and those released more than 90 days ago."),
    ] = False,
    every: Annotated[
        str | None,
        typer.Option(
            "--every",
            metavar="DURATION",
            help="Do nothing if this machine's last sync that reached a source was less than DURATION ago (1d): "
            "for a schedule that runs more often than it should sync.",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Fetch every linked title (or those given) from its sources and bring its milestones
    up to date: what came from a source moves like any slip; what you typed is only firmed
    up, and a contradiction is held as a proposal (hstrack proposals). Prints what changed,
    per title, in the history's words, and records that the rest were confirmed. One
    undoable change. Exit 0 when every title synced (changed or not), 1 when a source failed
    for some title (the others are still synced; a source that timed out is not asked again
    this run), 2 on a usage error."""
    import copy

    from hstrack.core.references import SOURCE_NAMES, parse_reference
    from hstrack.sources.facts import Fetched
    from hstrack.sources.fetching import Failed
    from hstrack.sources.importing import imdb_links
    from hstrack.sources.sync import Outcome, confirm, link_title, reconcile

    settings = settings_of(ctx)
    now = settings.now()
    if every is not None and _ran_within(every, now):
        if as_json:
            _sync_json(now, [], {}, {}, dry_run, offline)
        return
    store = settings.store()
    doc = settings.read()
    if title_ids:
        titles = [doc.get(t) for t in dict.fromkeys(title_ids)]
        bare = [t.id for t in titles if not t.links]
        if bare:
            raise UsageError(f"{bare[0]} is not linked to a source; hstrack find NAME, then hstrack link {bare[0]} REF")
    else:
        titles = [doc.titles[k] for k in sorted(doc.titles) if doc.titles[k].links]
    linked = bool(titles)
    if stale or active:
        titles = _wanting(settings, doc, titles, now, stale, active)
    if not titles:
        if linked:
            done("no linked title " + ("wants news" if stale else "is active") + "; nothing to sync")
        else:
            done("no title is linked to a source; hstrack find NAME, then hstrack link ID REF")
        if as_json:
            _sync_json(now, [], {}, {}, dry_run, offline)
        return
    refs = {t.id: [parse_reference(link) for link in t.links if not link.startswith("imdb:")] for t in titles}
    sources = client(offline)
    failures: dict[str, str] = {}
    found_links = imdb_links(sources, titles, refs, failures)
    total = len({r for rs in refs.values() for r in rs})  # two titles linked to one page: one fetch
    # The stalest first: a run a source's deadline cuts short leaves the freshest for next time.
    order = sorted(titles, key=_confirmed_key)
    with progress(total) as bar:
        task = bar.add_task("syncing", total=total) if bar is not None else None
        answers = sources.fetch([r for t in order for r in refs[t.id]],
                                (lambda n: bar.advance(task, n)) if bar is not None else None)  # fmt: skip
    skipped: dict[str, list[str]] = {}  # a source that ran out of time -> the titles it was not asked for
    usable: dict[str, list[Fetched]] = {}
    for t in titles:
        if t.id in failures:
            continue
        got = [(r, answers[r]) for r in refs[t.id]]
        bad = [(r, a) for r, a in got if isinstance(a, Failed)]
        if bad:  # the store is left as it is for this title
            failures[t.id] = "; ".join(f"{SOURCE_NAMES[r.source]} ({r.text}): {a}" for r, a in bad)
            for _, a in bad:
                if a.skipped:
                    skipped.setdefault(a.message, []).append(t.id)
        else:
            usable[t.id] = [a for _, a in got if not isinstance(a, Failed)]

    def apply(document: Any) -> dict[str, list[Outcome]]:
        for tid, ref in found_links.items():  # the page its IMDb id led to
            if tid in usable and tid in document.titles:
                link_title(document, tid, ref.text)
        # Answers from the cache (--offline) confirm nothing: they are as old as the cache.
        outcomes = {tid: reconcile(document, tid, found, now) for tid, found in usable.items()}
        return outcomes if offline else {tid: confirm(document, tid, outs, now) for tid, outs in outcomes.items()}

    def described(result: dict[str, list[Outcome]]) -> str | None:
        touched = [tid for tid, outs in result.items() if any(o.stored for o in outs)]
        if touched:
            return f"sync {' '.join(touched)}"
        return f"sync {' '.join(result)} (confirmed, no change)" if result else None

    # A dry run applies the same rules to a copy; a real one applies them under the lock, to
    # the store as it is then (another hstrack may have changed it while the sources answered).
    outcomes = apply(copy.deepcopy(doc)) if dry_run else store.change(apply, described, now, elsewhere=True)
    if as_json:
        _sync_json(now, titles, outcomes, failures, dry_run, offline)
    else:
        for t in titles:
            for o in outcomes.get(t.id, []):
                origin = f" ({SOURCE_NAMES[o.origin]})" if o.what == "changed" and o.origin else ""
                sys.stdout.write(inert(f"{t.id}: {o.summary}{origin}") + "\n")
    if verbose:
        for tid, found in usable.items():
            for line in left_out(found):
                done(f"{tid}: {line}")
    alone = {tid for tids in skipped.values() for tid in tids if all(
        a.skipped for r in refs[tid] if isinstance(a := answers[r], Failed))}  # fmt: skip
    for tid, why in failures.items():
        if tid not in alone:
            typer.echo(f"hstrack: {tid}: {inert(why)}; {tid} was left as it was", err=True)
    for why, tids in skipped.items():  # one line for all a source did not get to
        shown = ", ".join(tids[:5]) + (f" and {len(tids) - 5} more" if len(tids) > 5 else "")
        typer.echo(f"hstrack: {inert(why.replace('not asked: ', ''))}: {len(tids)} title{'s' * (len(tids) != 1)} "
                   f"not asked ({inert(shown)}), left as they were; hstrack sync --stale asks them first next time",
                   err=True)  # fmt: skip
    if usable and not dry_run and not offline:
        _ran(now)  # a source answered: this machine's last sync, for --every
    changes = sum(o.what == "changed" for outs in outcomes.values() for o in outs)
    proposed = sum(o.what == "proposed" for outs in outcomes.values() for o in outs)
    said = f"{changes} change{'s' * (changes != 1)}, {proposed} new proposal{'s' * (proposed != 1)}"
    done(f"{'dry run: would sync' if dry_run else 'synced'} {len(usable)} of {len(titles)} "
         f"title{'s' * (len(titles) != 1)}: {said}" + ("; nothing was written" if dry_run else ""))  # fmt: skip
    if failures:
        raise typer.Exit(1)


LAST_SYNC = "last-sync"  # beside the HTTP cache: when this machine's last sync reached a source


def _last_sync_path() -> Any:
    from hstrack.sources.http import cache_folder

    return cache_folder().parent / LAST_SYNC


def _ran_within(every: str, now: Any) -> bool:
    """Whether this machine's last sync that reached a source was less than ``every`` ago
    (a clock put back, or a stamp from the future, counts as not: the sync runs)."""
    from datetime import datetime

    from hstrack.core.dates.spans import read_span, span_start

    read_span(every)  # a bad spelling is a usage error even when nothing would run
    path = _last_sync_path()
    try:
        if not path.is_file() or path.stat().st_size > 100:
            return False
        last = datetime.fromisoformat(path.read_text("utf-8").strip())
    except (OSError, ValueError):
        return False
    if last.tzinfo is None or last > now:
        return False
    return bool(last > span_start(every, now))


def _ran(now: Any) -> None:
    from hstrack.store.files import write_atomic

    path = _last_sync_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(now.isoformat(timespec="seconds").encode("ascii"), path)
    except Exception:  # a stamp that cannot be written only means the next run syncs again
        return


def _confirmed_key(title: Any) -> tuple[int, float, str]:
    """Never confirmed first, then the longest ago."""
    from hstrack.core.report.freshness import last_confirmed

    at = last_confirmed(title).at
    return (0 if at is None else 1, 0.0 if at is None else at.timestamp(), title.id)


def _wanting(settings: Any, doc: Any, titles: list[Any], now: Any, stale: bool, active: bool) -> list[Any]:
    """Of the linked titles, those status marks as wanting news (``--stale``) and those not
    finished with (``--active``)."""
    from hstrack.core.filters import is_active
    from hstrack.core.report.freshness import watch
    from hstrack.core.report.titles import report_title

    pref, span = settings.pref_for(doc), settings.stale()
    kept = []
    for t in titles:
        report = report_title(t, now, pref=pref)
        if (not stale or watch(report, now, span) is not None) and (not active or is_active(report)):
            kept.append(t)
    return kept


def _sync_json(now: Any, titles: list[Any], outcomes: dict[str, list[Any]], failures: dict[str, str],
               dry_run: bool, offline: bool) -> None:  # fmt: skip
    from hstrack.views.data import to_text

    rows = []
    for t in titles:
        outs = outcomes.get(t.id, [])
        rows.append({
            "id": t.id,
            "name": t.name,
            "outcomes": [{"type": o.what, "milestone": o.key, "summary": o.summary, "origin": o.origin,
                          "source": o.source} for o in outs],
            "error": failures.get(t.id),
        })  # fmt: skip
    changed = any(o.what == "changed" for outs in outcomes.values() for o in outs)
    sys.stdout.write(to_text({"schema": 1, "now": now.isoformat(timespec="seconds"), "dry_run": dry_run,
                              "offline": offline, "changed": changed, "titles": rows}))  # fmt: skip


@command(short_help="List the values sources proposed against dates you typed.")
def proposals(
    ctx: typer.Context,
    title_id: Annotated[str | None, typer.Argument(metavar="[ID]", help="Only this title.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List pending proposals: dates a source gives that contradict what you typed. Take one
    with hstrack accept ID MILESTONE, or refuse it with hstrack reject ID MILESTONE."""
    from hstrack.core.proposals import pending
    from hstrack.core.references import SOURCE_NAMES

    settings = settings_of(ctx)
    items = pending(settings.read(), title_id)
    if as_json:
        from hstrack.views.data import proposal, to_text

        now = settings.now().isoformat(timespec="seconds")
        data = [{"title": {"id": i.title.id, "name": i.title.name}, **proposal(i.proposal, i.title)} for i in items]
        sys.stdout.write(to_text({"schema": 1, "now": now, "proposals": data}))
        return
    for i in items:
        p, current = i.proposal, i.title.milestones.get(i.proposal.milestone)
        have = current.date.text if current else "none (you removed it)"
        fields = [i.title.id, p.milestone, f"{SOURCE_NAMES[p.origin]} says {p.new.date.text}", f"you have {have}"]
        sys.stdout.write("\t".join(inert(f) for f in [*fields, p.new.source or ""]).rstrip("\t") + "\n")
    if not items:
        done("no pending proposals")


MilestoneArg = Annotated[
    str, typer.Argument(metavar="MILESTONE", help="The proposal's milestone (release@GB:theatrical).")
]


@command(short_help="Take a source's proposed date for a milestone.")
def accept(ctx: typer.Context, title_id: IdArg, milestone: MilestoneArg, source: SourceOpt = None) -> None:
    """Take a pending proposal: the source's date replaces yours, recorded in the history
    with its source, and later syncs keep it current. Undoable."""
    from hstrack.core.proposals import accept as take
    from hstrack.core.report.assess import label

    settings = settings_of(ctx)
    now = settings.now()
    change = settings.store().change(
        lambda doc: take(doc, title_id, milestone, now, _source(source)),
        lambda c: f"accept {title_id} {c.milestone}",
        now,
    )
    assert change.new is not None
    done(f"{title_id}: {label(change.milestone)} is {change.new.date.text}")


@command(short_help="Refuse a source's proposed date; it is not proposed again.")
def reject(ctx: typer.Context, title_id: IdArg, milestone: MilestoneArg, source: SourceOpt = None) -> None:
    """Refuse a pending proposal: your date stays, and the same value from that source is
    not proposed again (a different one will be). Undoable."""
    from hstrack.core.proposals import describe
    from hstrack.core.proposals import reject as refuse

    settings = settings_of(ctx)
    now = settings.now()
    gone = settings.store().change(
        lambda doc: refuse(doc, title_id, milestone, now, _source(source)),
        lambda p: f"reject {title_id} {p.milestone}",
        now,
    )
    done(f"{title_id}: rejected {describe(gone)}")
