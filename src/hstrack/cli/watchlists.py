"""``hstrack import --from letterboxd|imdb|trakt FILE``: a watchlist from another service,
read (``sources.watchlists``), matched (``sources.lookup``), fetched and added
(``sources.importing``). The sources are asked before the store is locked; the titles are
added under the lock, as one change ``undo`` takes back."""

import sys
from pathlib import Path
from typing import Any

import typer

from hstrack.cli.common import done, settings_of
from hstrack.core.errors import StoreError, UsageError
from hstrack.core.text import inert

VERBS = {"added": "add", "tracked": "already tracked", "released": "released", "ambiguous": "choose",
         "not-found": "not found", "unresolved": "not matched", "skipped": "skip", "failed": "failed"}  # fmt: skip


def import_watchlist(ctx: typer.Context, service: str, file: Path, dry_run: bool, keep_released: bool,
                     choices_path: Path | None, interactive: bool, as_json: bool) -> None:  # fmt: skip
    import copy

    from hstrack.cli.sources import _client, _progress
    from hstrack.sources import importing, watchlists

    service = service.strip().lower()
    if service not in watchlists.SERVICES:
        raise UsageError(f"{service!r} is not a service hstrack imports from: {', '.join(watchlists.SERVICES)}")
    if interactive and not (sys.stdin.isatty() and sys.stderr.isatty()):
        raise UsageError("--interactive asks on a terminal; use --choices FILE to choose in a file instead")
    settings = settings_of(ctx)
    now = settings.now()
    entries = watchlists.read(service, _read(file), str(file))
    choices = {} if choices_path is None or not choices_path.exists() else _choices(choices_path)
    store = settings.store()
    doc = settings.read()
    sources = _client()
    asked = [e for e in entries if not e.skip and not e.tmdb]
    with _progress(len(asked)) as bar:
        task = bar.add_task("matching", total=len(entries)) if bar is not None else None
        rows = importing.resolve(entries, doc, sources, choices,
                                 (lambda n: bar.advance(task, n)) if bar is not None else None)  # fmt: skip
    if interactive:
        _ask(rows)
    wanted = list(dict.fromkeys(link for r in rows if r.action == "added" for link in r.fetchable))
    from hstrack.core.references import parse_reference

    with _progress(len(wanted)) as bar:
        task = bar.add_task("fetching", total=len(wanted)) if bar is not None else None
        fetched = sources.fetch([parse_reference(link) for link in wanted],
                                (lambda n: bar.advance(task, n)) if bar is not None else None)  # fmt: skip
    answers = {ref.text: answer for ref, answer in fetched.items()}
    pref = settings.pref()

    def apply(document: Any) -> list[Any]:
        return importing.apply(document, rows, answers, now, keep_released, pref)

    def described(result: list[Any]) -> str | None:
        added = sum(r.action == "added" for r in result)
        return f"import --from {service} {file.name}: {added} added" if added else None

    if dry_run:
        apply(copy.deepcopy(doc))
    else:
        store.change(apply, described, now)
        if choices_path is not None and any(r.action == "ambiguous" for r in rows):
            _write_choices(choices_path, importing.write_choices(rows, file.name, service, now))
    _report(rows, service, file, dry_run, as_json, now, choices_path)
    if any(r.action == "failed" for r in rows):
        raise typer.Exit(1)


def _read(file: Path) -> bytes:
    from hstrack.sharing.imports import STDIN
    from hstrack.store.files import read_regular

    if file == STDIN:
        return sys.stdin.buffer.read()
    try:
        return read_regular(file)
    except IsADirectoryError:
        raise StoreError(f"cannot read {file}: it is not a regular file") from None
    except OSError as exc:
        raise StoreError(f"cannot read {file}: {exc.strerror}") from None


def _choices(path: Path) -> dict[str, str]:
    from hstrack.sources.importing import read_choices

    raw = _read(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text") from None
    return read_choices(text, str(path))


def _write_choices(path: Path, text: str) -> None:
    from hstrack.store.files import write_atomic

    try:
        write_atomic(text.encode("utf-8"), Path(path).absolute(), mode=0o644)
    except OSError as exc:
        raise StoreError(f"cannot write {path}: {exc.strerror}") from None


def _ask(rows: list[Any]) -> None:
    """On a terminal: which one each ambiguous title is (a number, or Enter to leave it)."""
    for row in rows:
        if row.action != "ambiguous":
            continue
        typer.echo(f"line {row.entry.line}: {inert(row.entry.shown)} could be:", err=True)
        for n, c in enumerate(row.candidates, 1):
            typer.echo(f"  {n}. {inert(c.reference)}  {c.year or '-'}  {c.kind or '-'}  {inert(c.label)}", err=True)
        answer = typer.prompt(f"which one (1-{len(row.candidates)}, or Enter to leave it for now)", default="",
                              show_default=False, err=True).strip()  # fmt: skip
        if answer.isdigit() and 1 <= int(answer) <= len(row.candidates):
            own = [f"imdb:{row.entry.imdb}"] if row.entry.imdb else []
            row.action, row.links, row.why = "added", [row.candidates[int(answer) - 1].reference, *own], None
            row.candidates = []


def _report(rows: list[Any], service: str, file: Path, dry_run: bool, as_json: bool, now: Any,
            choices_path: Path | None) -> None:  # fmt: skip
    from hstrack.sources.importing import summary

    if as_json:
        from hstrack.views.data import to_text

        data = {"schema": 1, "now": now.isoformat(timespec="seconds"), "dry_run": dry_run, "service": service,
                "counts": summary(rows), "rows": [_row_json(r) for r in rows]}  # fmt: skip
        sys.stdout.write(to_text(data))
    else:
        for r in rows:
            what = r.title or ", ".join(r.links) or "-"
            detail = r.why or ("" if r.dated or r.action != "added" else "dates with the next hstrack sync")
            fields = [f"line {r.entry.line}", VERBS[r.action], r.entry.shown, what, detail]
            sys.stdout.write("\t".join(inert(f) for f in fields).rstrip("\t") + "\n")
            for c in r.candidates:
                sys.stdout.write(inert(f"\t\t{c.reference}\t{c.year or '-'}\t{c.kind or '-'}\t{c.label}") + "\n")
    counts = summary(rows)
    said = ", ".join(f"{n} {VERBS[a]}" for a, n in counts.items() if n)
    done(f"{'dry run: ' if dry_run else ''}{file.name} ({service}): {said or 'nothing in it'}"
         + ("; nothing was written" if dry_run else ""))  # fmt: skip
    if counts["ambiguous"]:
        where = f"the choices written to {choices_path}" if choices_path is not None and not dry_run else (
            "--choices FILE (written with the open ones) or --interactive")  # fmt: skip
        done(f"{counts['ambiguous']} need you to choose: see {where}")
    if counts["added"] and not dry_run and any(not r.dated for r in rows if r.action == "added"):
        done("titles added without their dates get them with: hstrack sync")


def _row_json(r: Any) -> dict[str, Any]:
    return {
        "line": r.entry.line,
        "name": r.entry.name,
        "year": r.entry.year,
        "action": r.action,
        "id": r.title,
        "links": list(r.links),
        "dated": r.dated,
        "reason": r.why,
        "candidates": [_candidate(c) for c in r.candidates],
    }


def _candidate(c: Any) -> dict[str, Any]:
    return {"reference": c.reference, "label": c.label, "year": c.year, "kind": c.kind,
            "description": c.description, "source": c.source}  # fmt: skip
