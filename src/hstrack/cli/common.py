"""What every command shares: the settings the global options decided, the options many
commands take, and how data and messages are printed."""

import contextlib
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from hstrack.core.clock import resolve_now
from hstrack.core.errors import HstrackError, UsageError
from hstrack.core.model.document import Document
from hstrack.core.model.title import Title
from hstrack.core.text import inert
from hstrack.store.store import Store


def _seed(now: datetime) -> Document:
    # The seed module (its titles and a dataclass, about 0.5 ms) is imported only when
    # there is no store to create it from, not on every run that checks.
    from hstrack.store.seed import seed_document

    return seed_document(now)


@dataclass
class Settings:
    """What the global options decided; "now" is read once, on first use."""

    store_path: Path | None
    at: str | None
    _nows: dict[str | None, datetime] = field(default_factory=dict, repr=False)
    _store: Store | None = field(default=None, repr=False)
    _pref: Any = field(default=None, repr=False)

    def pref(self) -> Any:
        """Where and how the user watches (regions.Preference): the environment, else
        ``hstrack config``, else the locale; read once, like the clock."""
        if self._pref is None:
            from hstrack.core.regions import REGION_VARIABLE, preference
            from hstrack.store import config

            saved = {} if REGION_VARIABLE in os.environ and "HSTRACK_MEDIUM" in os.environ else config.read()
            self._pref = preference(os.environ, saved)
        return self._pref

    def stale(self) -> str:
        """How long an open window may go without news before status marks the title:
        ``hstrack config stale``, else 90 days (see core.report.freshness)."""
        from hstrack.core.report.freshness import STALE_AFTER
        from hstrack.store import config

        return config.read().get("stale", STALE_AFTER)

    def pref_for(self, doc: Any) -> Any:
        """The viewer's preference when ``doc`` has releases in places, else None
        (worldwide): a plain store's views never read the settings."""
        return self.pref() if doc.has_places() else None

    def now(self, at: str | None = None) -> datetime:
        """A command's own ``--at`` wins over the global one; each is read once."""
        key = at if at is not None else self.at
        if key not in self._nows:
            self._nows[key] = resolve_now(key)
        return self._nows[key]

    def path(self) -> Path:
        if self.store_path is not None:
            return self.store_path
        from hstrack.store.paths import default_store

        return default_store()

    def store(self) -> Store:
        """The store, created with the Heartstopper titles the first time any command runs."""
        if self._store is None:
            store = Store(self.path())
            # A --store path that does not exist is made, and said so, folders and all (a
            # typo shows here, not as a store quietly elsewhere): a cron job's first run must
            # not need an option the next runs do not. (The data folder is expected to be made.)
            missing = _first_missing(store.path.parent) if self.store_path is not None else None
            if store.ensure(_seed, self.now()):
                folder = inert(str(store.path.parent))
                made = f" (the folder {folder} did not exist: it was made too)" if missing else ""
                typer.echo(
                    f"hstrack: created a new store at {inert(str(store.given))}{made} with the Heartstopper film and "
                    "its sources; where each fact comes from: hstrack show heartstopper-film",
                    err=True,
                )
            self._store = store
            self._warn_about_sharing(store)
        return self._store

    def _warn_about_sharing(self, store: Store) -> None:
        """Once per command: a store shared through git that git would merge line by line
        (read from git's own files; the prompt never comes here)."""
        from hstrack.sharing.git import setup_warning

        warning = setup_warning(store.path)
        if warning is not None:
            typer.echo(f"hstrack: warning: {inert(warning)}", err=True)

    def read(self, view: bool = False, history: bool = True) -> Document:
        """The whole store; ``view`` for a command that writes nothing, ``history=False``
        for one that never reads history either (see ``Store.read``)."""
        doc = self.store().read(history=history, view=view)
        if doc.newer:
            typer.echo(
                f"hstrack: {inert(str(self.path()))} was written by a newer hstrack (schema {doc.read_schema}); "
                "showing what this version understands; changes are refused until you upgrade",
                err=True,
            )
        _warn_conflicts([c.title for c in doc.conflicts])
        return doc

    def read_title(self, title_id: str) -> tuple[Title, Any]:
        """One title, and the whole store's facts a one-title command needs (``has_places()``
        and ``milestone_kinds()``, as a Document has them): through the store's index when it
        can answer (a title of 10,000 in a few ms), else from the whole store."""
        found = self.store().read_title(title_id)
        if found is not None:
            index, title = found
            if title is not None:
                _warn_conflicts(index.conflicts)
                return title, index
        doc = self.read()  # also names a mistyped id, with the titles' names to go by
        return doc.get(title_id), doc


def _warn_conflicts(titles: list[str]) -> None:
    if titles:
        typer.echo(
            f"hstrack: warning: a git merge left {len(titles)} title(s) undecided ({inert(', '.join(titles))}): "
            "see hstrack git resolve",
            err=True,
        )


def settings_of(ctx: typer.Context) -> Settings:
    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    return settings


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (schema 1) instead of a table.")]


AtOpt = Annotated[
    str | None,
    typer.Option(
        "--at", metavar="DATE", help="Show things as of this date or time (2026-10-03, tomorrow, +7d; default: now)."
    ),
]


IdArg = Annotated[str, typer.Argument(metavar="ID", help="The title's id, as shown by hstrack status.")]


PlainOpt = Annotated[
    bool, typer.Option("--plain", help="One tab-separated line per item, fixed columns (see the README).")
]


HeaderOpt = Annotated[bool, typer.Option("--header", help="With --plain: print the column names first.")]


RegionsOpt = Annotated[
    list[str] | None,
    typer.Option("--region", metavar="CC", help="Only releases and premieres here (GB, US; repeatable)."),
]
MediaOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--medium",
        metavar="MEDIUM",
        help="Only releases and premieres in this medium (theatrical, digital; repeatable).",
    ),
]
RegionOpt = Annotated[
    str | None, typer.Option("--region", metavar="CC", help="A release or premiere in this country (GB, US, ...).")
]
MediumOpt = Annotated[
    str | None,
    typer.Option(
        "--medium", metavar="MEDIUM", help="A release or premiere in theatrical, limited, digital, physical or tv."
    ),
]


EpisodesOpt = Annotated[
    bool,
    typer.Option(
        "--episodes",
        help="Every episode of a series too (synced from TMDb); by default only its premieres and finales.",
    ),
]


def episodes_shown(episodes: bool, kinds: set[str] | frozenset[str] | None = None) -> Any:
    """Whether an item of this milestone kind is listed: the plain next episode only with
    --episodes, or when --milestone names it."""
    from hstrack.core.kinds import EVERY_EPISODE

    def shown(kind: str) -> bool:
        return episodes or kind not in EVERY_EPISODE or bool(kinds and kind in kinds)

    return shown


def places_of(regions: list[str] | None, media: list[str] | None) -> Any:
    """The --region/--medium filters, checked: (regions, media), each None for any."""
    if not regions and not media:
        return None
    from hstrack.core.regions import check_medium, check_region

    return (
        frozenset(check_region(r) for r in regions) if regions else None,
        frozenset(check_medium(m) for m in media) if media else None,
    )


def title_report(settings: Settings, title_id: str, at: str | None) -> Any:
    from hstrack.core.report.titles import report_title

    title, whole = settings.read_title(title_id)
    return report_title(title, settings.now(at), pref=settings.pref_for(whole))


def renderer_for(settings: Settings, as_json: bool, at: str | None) -> Any:
    from hstrack.views.renderer import choose

    renderer = choose(as_json, settings.now(at))
    renderer.stale = settings.stale()
    return renderer


def list_renderer(settings: Settings, as_json: bool, plain: bool, header: bool, at: str | None) -> Any:
    if as_json and plain:
        raise UsageError("choose one of --json and --plain")
    if header and not plain:
        raise UsageError("--header goes with --plain")
    if plain:
        from hstrack.views.plain import PlainRenderer

        return PlainRenderer(settings.now(at), header, settings.stale())
    return renderer_for(settings, as_json, at)


def _first_missing(folder: Path) -> Path | None:
    """The outermost folder on the way to ``folder`` that does not exist yet (None: all do)."""
    missing = None
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            break
        missing = candidate
    return missing


def milestone_of(title: Any, milestone: str) -> str:
    """One of the title's milestones, named by a person: a typo gets "did you mean"."""
    from hstrack.core.model.validation import resolve_key

    kind = resolve_key(milestone, title.milestones)
    if kind == "release" and kind not in title.milestones:
        from hstrack.core.kinds import release_kind

        kind = release_kind(title.kind, {m.kind for m in title.milestones.values()})  # a season's premiere
    if kind not in title.milestones and any(m.kind == kind for m in title.milestones.values()):
        return str(kind)  # a bare release with only placed ones: the viewer's (report.find)
    if kind not in title.milestones and ("@" in kind or ":" in kind):
        # release@US when the title has only release@US:theatrical: the one it must mean.
        from hstrack.core.regions import split_key

        want = split_key(kind)
        near = [
            k
            for k, m in title.milestones.items()
            if m.kind == want[0] and want[1] in (None, m.region) and want[2] in (None, m.medium)
        ]
        if len(near) == 1:
            return str(near[0])
    if kind not in title.milestones:
        have = ", ".join(title.milestones) or "none"
        raise UsageError(f"{title.id} has no milestone {kind!r} (it has: {have})")
    return kind


def write_file(data: bytes | Iterable[bytes], output: Path) -> None:
    """A regular file is replaced atomically (mode 0644 when new). A FIFO or a device
    (/dev/stdout, a named pipe a reader waits on) is written to, never replaced by a file;
    a folder is refused. ``data`` may come in pieces (an export of a large store), written
    as they come."""
    import stat

    _refuse_own_files(output)
    chunks = (data,) if isinstance(data, bytes) else data
    try:
        mode = os.stat(output).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise UsageError(f"{output} is a folder; give a file to write")
    if mode is not None and not stat.S_ISREG(mode):
        with open(output, "wb") as stream:
            for chunk in chunks:
                stream.write(chunk)
        done(f"wrote {output}")
        return
    from hstrack.store.files import write_atomic

    write_atomic(chunks, Path(os.path.realpath(output)), mode=None if mode is not None else 0o644)
    done(f"wrote {output}")


def _refuse_own_files(output: Path) -> None:
    """An output path over the store, a sidecar, a kept version, config.toml or the HTTP
    cache, directly or through a link, is a usage error: a view written there would replace
    the store without its lock or a backup, or a sidecar with what is not one."""
    import click

    from hstrack.store.config import config_path
    from hstrack.store.layout import Layout
    from hstrack.store.paths import HOME_VARIABLE, data_home

    ctx = click.get_current_context(silent=True)
    settings = ctx.find_object(Settings) if ctx is not None else None
    try:
        store = settings.path() if settings is not None else data_home() / "store.json"
        others: tuple[Path, ...] = (config_path(),)
        if os.environ.get(HOME_VARIABLE):
            others += (data_home() / "cache",)
    except HstrackError:
        return
    what = Layout(store).claims(output, others)
    if what is not None:
        raise UsageError(f"{output} is {what}; hstrack never writes output over its own files: give another path")


def print_data(text: str) -> None:
    """Text that is data (a path, a shell snippet): exact in a pipe or a file, inert on a
    terminal, where a control character in a path must not be obeyed."""
    if sys.stdout.isatty():
        from hstrack.core.text import inert_document

        text = inert_document(text)
    sys.stdout.write(text)


def say_lines(lines: list[str], keep: list[str] | None = None) -> None:
    """Lines for people on stdout (check's verdicts, doctor's findings): one line each in
    a pipe, where a script may read them; on a terminal, broken between words to its
    width, so the terminal never breaks one in the middle of a word (or of a date in
    ``keep``)."""
    if not sys.stdout.isatty():
        for line in lines:
            typer.echo(line)
        return
    import shutil

    from hstrack.core.text import broken

    width = shutil.get_terminal_size().columns
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    for line in lines:
        typer.echo("\n".join(broken(line, width, encoding, keep=keep or ())))


def done(message: str) -> None:
    typer.echo(f"hstrack: {inert(message)}", err=True)


@contextlib.contextmanager
def whole_store_view() -> Iterator[None]:
    """Reporting on and drawing every title with Python's cycle collector paused (see
    hstrack.core.collector): at 10,000 titles the collector's full passes were a third of the
    time of ``status --json`` after the read."""
    from hstrack.core.collector import paused

    with paused():
        yield
