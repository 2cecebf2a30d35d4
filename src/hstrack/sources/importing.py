"""A watchlist brought in: each entry (``sources.watchlists``) matched to its pages at the
sources (``sources.lookup``), then added as a title linked to them, its dates synced.

Two steps, as ``sync`` has them: ``resolve`` asks the sources (outside the store's lock),
``apply`` changes a document (under it, or a copy for a dry run). What holds:

- **Idempotent**: an entry whose page (or IMDb id) a title is already linked to is
  ``tracked``, never added twice; so is an entry that names a page an earlier row took,
  and an ambiguous one of whose candidates a title is linked to (chosen before).
- **Never a guess**: an IMDb or TMDb id is followed; a name and a year are matched only
  when one candidate fits (``lookup.fitting``); anything else is ``ambiguous``, listed
  with its candidates for a file of choices or a prompt, and added only once chosen.
- **The network down** (no answer, a time-out, a 5xx): an entry with an id is added with
  its links, to be dated by the next ``sync``; one with only a name is ``unresolved``, and
  a later import finds it.
- **A tracker of what is coming**: a film, special or season already released is
  ``released`` and left out, unless ``keep_released``. With its dates fetched, "released"
  is the phase ``status`` gives it; without, the file's own date (a day or month past) or a
  year before this one says so, and without either it is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hstrack.core.references import parse_reference
from hstrack.sources.facts import Candidate, Fetched

if TYPE_CHECKING:
    from collections.abc import Callable

    from hstrack.core.model.document import Document
    from hstrack.core.model.title import Title
    from hstrack.core.references import Reference
    from hstrack.core.regions import Preference
    from hstrack.sources.fetching import Failed, Sources
    from hstrack.sources.watchlists import Entry

SKIP = "skip"  # a choice that leaves an entry out
ACTIONS = ("added", "tracked", "released", "ambiguous", "not-found", "unresolved", "skipped", "failed")


@dataclass
class Row:
    """What becomes of one entry."""

    entry: Entry
    action: str = "added"  # one of ACTIONS
    links: list[str] = field(default_factory=list)
    title: str | None = None  # the title added, or the one already tracking it
    why: str | None = None
    candidates: list[Candidate] = field(default_factory=list)
    dated: bool = False  # its dates came with it (else: the next sync brings them)
    left_out: bool = False  # skipped by the user's choice (kept in a file of choices)

    @property
    def fetchable(self) -> list[str]:
        return [link for link in self.links if not link.startswith("imdb:")]


def tracked_links(doc: Document) -> dict[str, str]:
    return {link: t.id for t in doc.titles.values() for link in t.links}


def resolve(
    entries: list[Entry],
    doc: Document,
    sources: Sources | None,
    choices: dict[str, str],
    progress: Callable[[int], None] | None = None,
) -> list[Row]:
    """Each entry matched to its pages; ``sources`` None: the network is not asked."""
    from hstrack.sources.http import FetchError
    from hstrack.sources.lookup import Malformed, fitting

    known = tracked_links(doc)
    seen: dict[str, int] = {}
    rows = []
    for entry in entries:
        row = Row(entry)
        rows.append(row)
        own = [f"imdb:{entry.imdb}"] if entry.imdb else []
        if entry.skip:
            row.action, row.why = "skipped", entry.skip
        elif entry.key in seen:
            row.action, row.why = "skipped", f"the file names it again (line {seen[entry.key]})"
        elif _tracked(row, [*([entry.tmdb] if entry.tmdb else []), *own], known):
            pass
        elif entry.key in choices:
            choose(row, choices[entry.key])
        elif entry.tmdb:
            row.links = [entry.tmdb, *own]
        elif sources is None:
            row.links = own
            if not own:
                row.action, row.why = "unresolved", "not searched (offline)"
        else:
            try:
                found = sources.by_imdb(entry.imdb) if entry.imdb else sources.search(entry.name)
            except FetchError as exc:
                down = _down(exc)
                row.links = own if down else []
                if not own or not down:
                    row.action = "unresolved" if down else "failed"
                row.why = f"{'could not ask' if down else 'refused'}: {exc.message}"
                if own and down:
                    row.why = f"could not ask ({exc.message}): linked by its IMDb id, dates with the next hstrack sync"
            except Malformed as exc:
                row.action, row.why = "failed", f"an answer hstrack cannot use: {exc}"
            else:
                fits = fitting(found, entry.name, None if entry.imdb else entry.year, entry.kind)
                if entry.imdb and not fits:
                    fits = found  # the id is the title's: its kind or year as a list says it may differ
                if len(fits) > 1 and (taken := [c for c in fits if c.reference in known]):
                    fits = taken[:1]  # chosen before (a file of choices, the prompt): tracked, not asked again
                if len(fits) == 1:
                    row.links = [fits[0].reference, *own]
                elif fits:
                    row.action, row.candidates = "ambiguous", fits
                    row.why = f"{len(fits)} candidates fit"
                else:
                    row.action = "not-found"
                    if entry.imdb:
                        row.why = f"no TMDb page or Wikidata item has the IMDb id {entry.imdb}"
                    else:
                        row.why = f"no {entry.kind or 'film or series'} of that name" + (
                            f" in {entry.year}" * bool(entry.year)
                        )
        if row.action == "added":
            _tracked(row, row.links, known)
        if row.action == "added":
            for link in row.links:
                known[link] = f"line {entry.line}"
        seen.setdefault(entry.key, entry.line)
        if progress is not None and sources is not None:
            progress(1)
    return rows


def choose(row: Row, reference: str) -> None:
    """Settle a row the user chose for (in a file of choices or at the prompt): linked to the
    candidate ``reference``, or left out (``SKIP``: its candidates are kept, so a file of
    choices still lists them)."""
    if reference == SKIP:
        row.action, row.why, row.left_out = "skipped", "you chose to leave it out", True
        return
    own = [f"imdb:{row.entry.imdb}"] if row.entry.imdb else []
    row.action, row.links, row.why, row.candidates = "added", [reference, *own], None, []


def _down(exc: Exception) -> bool:
    from hstrack.sources.fetching import Failed

    return Failed.of(exc).down


def _tracked(row: Row, links: list[str], known: dict[str, str]) -> bool:
    hit = next((known[link] for link in links if link in known), None)
    if hit is None:
        return False
    if hit.startswith("line "):
        row.action, row.why = "skipped", f"the same title as {hit}"
    else:
        row.action, row.title, row.why = "tracked", hit, "already tracked"
    return True


def apply(
    doc: Document,
    rows: list[Row],
    answers: dict[str, Fetched | Failed],
    now: datetime,
    keep_released: bool = False,
    pref: Preference | None = None,
) -> list[Row]:
    """Add the rows still to add; returns the rows, each with what became of it."""
    from hstrack.core.report.titles import report_title
    from hstrack.core.tracker import add_title
    from hstrack.sources.sync import link_title, reconcile

    known = tracked_links(doc)
    for row in rows:
        if row.action != "added":
            continue
        if _tracked(row, row.links, known):  # added meanwhile, by another hstrack
            continue
        got = [answers.get(link) for link in row.fetchable]
        fetched = [a for a in got if isinstance(a, Fetched)]
        refused = [str(a) for a in got if a is not None and not isinstance(a, Fetched) and not a.down]
        if refused:
            row.action, row.why = "failed", "; ".join(refused)
            continue
        entry = row.entry
        name = next((a.name for a in fetched if a.name), None) or entry.name
        kind = next((a.kind for a in fetched if a.kind), None) or entry.kind or "other"
        title = add_title(doc, name, _free_id(doc, name, entry, row.links), kind, None, now)
        for link in row.links:
            link_title(doc, title.id, link)
        if fetched:
            reconcile(doc, title.id, fetched, now)
        row.title, row.dated = title.id, bool(fetched) and len(fetched) == len(row.fetchable)
        if not keep_released and kind in ("film", "special", "season"):
            if row.dated:
                released = report_title(title, now, pref=pref).phase == "released"
            else:
                released = _released_by_file(entry, now)
            if released:
                del doc.titles[title.id]
                row.action, row.title, row.why = "released", None, "already released (--all keeps it)"
                continue
        for link in row.links:
            known[link] = title.id
    return rows


def _released_by_file(entry: Entry, now: datetime) -> bool:
    if entry.kind == "season" and not entry.released:
        return False  # a season item's year is its show's first (Trakt's), not the season's
    if entry.released:  # a day that has come, or a month that has ended
        today = now.date().isoformat()[: len(entry.released)]
        return entry.released <= today if len(entry.released) == 10 else entry.released < today
    return entry.year is not None and entry.year < now.year


def _free_id(doc: Document, name: str, entry: Entry, links: list[str]) -> str:
    """The title's id: its name's slug, then with its year, then numbered; a name without
    Latin letters is named by its page."""
    from hstrack.core.model.validation import slugify

    base = slugify(name)[:60].strip("-")
    if not base:
        ref = parse_reference(links[0]) if links else None
        base = f"{ref.source}-{ref.kind}-{ref.number}" if ref else f"line-{entry.line}"
    tries = [base, *([f"{base}-{entry.year}"] if entry.year else []), *(f"{base}-{n}" for n in range(2, 1000))]
    return next(t for t in tries if t not in doc.titles)


def imdb_links(
    sources: Sources, titles: list[Title], refs: dict[str, list[Reference]], failures: dict[str, str]
) -> dict[str, Reference]:
    """A title linked only to its IMDb id (a watchlist import with the network down) gets
    the page that id leads to (TMDb's /find, else Wikidata's P345), linked by this sync."""
    from hstrack.sources.access import reason
    from hstrack.sources.http import FetchError
    from hstrack.sources.lookup import Malformed, fitting

    out: dict[str, Reference] = {}
    for t in titles:
        imdb = next((link[5:] for link in t.links if link.startswith("imdb:")), None)
        if refs[t.id] or imdb is None:
            continue
        try:
            found = sources.by_imdb(imdb)
        except (FetchError, Malformed) as exc:
            failures[t.id] = f"IMDb ({imdb}): its page could not be looked up: {reason(exc)}"
            continue
        fits = fitting(found, t.name, None, t.kind if t.kind != "other" else None) or found
        if len(fits) != 1:
            said = f"{len(fits)} pages have it" if fits else "no TMDb page or Wikidata item has it"
            failures[t.id] = f"IMDb ({imdb}): {said}; link one with hstrack link {t.id} REF"
            continue
        out[t.id] = parse_reference(fits[0].reference)
        refs[t.id] = [out[t.id]]
    return out


# ---------------------------------------------------------------------------- choices


def write_choices(rows: list[Row], where: str, service: str, now: datetime) -> str:
    """The ambiguous rows as a file a person edits: an x in the box of the one it is."""
    lines = [
        f"# hstrack: titles of {where} ({service}) that need you to choose, written {now.date().isoformat()}.",
        "# Under each title, put an x in the box of the one it is ([x]), or of skip to leave it out; then run",
        f"# hstrack import --from {service} FILE --choices THIS-FILE. A title whose boxes are all empty waits.",
    ]
    for row in rows:
        if row.action != "ambiguous" and not row.left_out:
            continue  # those left out stay so: rewriting the file must not bring them back
        lines += ["", f"title\t{row.entry.key}\tline {row.entry.line}: {row.entry.shown}"]
        for c in row.candidates:
            fields = ["[ ]", c.reference, str(c.year or "-"), c.kind or "-", c.label, c.description or ""]
            lines.append("\t".join(fields).rstrip("\t"))
        lines.append(f"[{'x' if row.left_out else ' '}]\t{SKIP}")
    return "\n".join(lines) + "\n"


def read_choices(text: str, where: str) -> dict[str, str]:
    """Each decided title's key -> the reference chosen (or ``skip``)."""
    from hstrack.core.errors import UsageError

    out: dict[str, str] = {}
    key: str | None = None
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith("title\t"):
            key = line.split("\t")[1].strip()
            if not key:
                raise UsageError(f"{where}: line {n}: a title line with no title")
            continue
        box, _, rest = line.partition("\t")
        if key is None or box.strip().lower() not in ("[ ]", "[x]", "[]"):
            raise UsageError(f"{where}: line {n}: expected a title line or a box ([ ] or [x]) and a reference")
        if box.strip().lower() != "[x]":
            continue
        chosen = rest.split("\t")[0].strip()
        if chosen != SKIP:
            try:
                chosen = parse_reference(chosen).text
            except UsageError as exc:
                raise UsageError(f"{where}: line {n}: {exc.message}") from None
        if key in out and out[key] != chosen:
            raise UsageError(f"{where}: line {n}: a second choice for {key}; mark one")
        out[key] = chosen
    return out


def summary(rows: list[Row]) -> dict[str, Any]:
    return {a: sum(r.action == a for r in rows) for a in ACTIONS}
