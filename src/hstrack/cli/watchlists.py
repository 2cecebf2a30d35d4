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

    from hstrack.cli.network import client, progress
    from hstrack.sources import importing, watchlists

    service = service.strip().lower()
    if service not in watchlists.SERVICES:
        raise UsageError(f"{service!r} is not a service hstrack imports from: {', '.join(watchlists.SERVICES)}")
    if interactive and not (sys.stdin.isatty() and sys.stderr.isatty()):
        raise UsageError("--interactive asks on a terminal, and stdin or stderr is not one; use --choices FILE "
                         "to choose in a file instead")  # fmt: skip
    settings = settings_of(ctx)
    now = settings.now()
    entries = watchlists.read(service, _read(file), str(file))
    choices = {} if choices_path is None or not choices_path.exists() else _choices(choices_path)
    store = settings.store()
    doc = settings.read()
    sources = client()
    asked = [e for e in entries if not e.skip and not e.tmdb]
    with progress(len(asked)) as bar:
        task = bar.add_task("matching", total=len(entries)) if bar is not None else None
        rows = importing.resolve(entries, doc, sources, choices,
                                 (lambda n: bar.advance(task, n)) if bar is not None else None)  # fmt: skip
    if interactive:
        _ask(rows)
    wanted = list(dict.fromkeys(link for r in rows if r.action == "added" for link in r.fetchable))
    from hstrack.core.references import parse_reference

    with progress(len(wanted)) as bar:
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
        if choices_path is not None and any(r.action == "ambiguous" or r.left_out for r in rows):
            _write_choices(choices_path, importing.write_choices(rows, file.name, service, now))
    tokenless = _needing_token(rows, sources)
    _report(rows, service, file, dry_run, as_json, now, choices_path, len(tokenless))
    if tokenless:
        _say_token(len(tokenless), dry_run, sources.credential_problem)
    if any(r.action == "failed" for r in rows):
        raise typer.Exit(1)


def _needing_token(rows: list[Any], sources: Any) -> list[Any]:
    """The rows added (or, in a dry run, to be) linked to a TMDb page that no sync can date
    while TMDb has no credentials: each is told so, and the import says it once."""
    from hstrack.sources.access import TOKEN_VARIABLE

    if sources.credentials:
        return []
    found = [r for r in rows if r.action == "added" and not r.dated
             and any(link.startswith("tmdb:") for link in r.fetchable)]  # fmt: skip
    for row in found:
        row.why = f"dated once a TMDb token is set ({TOKEN_VARIABLE}), then hstrack sync"
    return found


def _say_token(count: int, dry_run: bool, problem: str | None) -> None:
    from hstrack.sources.access import KEY_VARIABLE, TOKEN_VARIABLE

    were = ("would be" if dry_run else "were") if count != 1 else ("would be" if dry_run else "was")
    why = f" ({problem})" if problem else ""
    done(f"{count} title{'s' * (count != 1)} {were} linked to TMDb but cannot be dated until a TMDb token is "
         f"set{why}: export {TOKEN_VARIABLE}=YOUR-API-READ-ACCESS-TOKEN (themoviedb.org/settings/api; or "
         f"{KEY_VARIABLE} with a v3 API key), then run hstrack sync")  # fmt: skip


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
    """On a terminal, which one each ambiguous title is: a number links that candidate, s
    leaves the title out, Enter leaves it for later (with --choices, in the file), q or
    Ctrl-D stops asking and imports what was chosen, as ``git add -p`` does. Ctrl-C ends the
    import with nothing written (exit 130). Asked on stderr, read from stdin, so stdout
    stays the import's data."""
    from hstrack.sources.importing import SKIP, choose

    open_rows = [r for r in rows if r.action == "ambiguous"]
    for at, row in enumerate(open_rows, 1):
        count = len(row.candidates)
        _say(f"({at} of {len(open_rows)}) line {row.entry.line}: {row.entry.shown} could be:")
        for n, c in enumerate(row.candidates, 1):
            about = f" - {c.description}" if c.description else ""
            _say(f"  {n}. {c.reference}  {c.year or '-'}  {c.kind or '-'}  {c.label}{about}"[:160])
        while True:
            answer = _answer(f"which one? 1-{count}, s to leave it out, Enter for later, q to stop asking: ")
            if answer is None or answer.lower() in ("q", "quit"):
                left = sum(r.action == "ambiguous" for r in open_rows)
                done(f"stopped asking; {left} still to choose" + " (--choices FILE keeps them)" * bool(left))
                return
            if answer.isascii() and answer.isdigit() and 1 <= int(answer) <= count:
                choose(row, row.candidates[int(answer) - 1].reference)
            elif answer.lower() in ("s", "skip"):
                choose(row, SKIP)
            elif answer:
                _say(f"{answer[:20]!r} is not one of them: a number from 1 to {count}, s, Enter or q")
                continue
            break


def _say(line: str) -> None:
    sys.stderr.write(inert(line) + "\n")
    sys.stderr.flush()


def _answer(prompt: str) -> str | None:
    """One line typed at the prompt, or None at end of input (Ctrl-D)."""
    sys.stderr.write(prompt)
    sys.stderr.flush()
    try:
        line = sys.stdin.buffer.readline().decode("utf-8", "replace")  # bytes that are not UTF-8: asked again
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        done("interrupted: nothing was imported")
        raise typer.Exit(130) from None
    if not line:
        sys.stderr.write("\n")
        return None
    return line.strip()


def _report(rows: list[Any], service: str, file: Path, dry_run: bool, as_json: bool, now: Any,
            choices_path: Path | None, needs_token: int) -> None:  # fmt: skip
    from hstrack.sources.importing import summary

    if as_json:
        from hstrack.views.data import to_text

        data = {"schema": 1, "now": now.isoformat(timespec="seconds"), "dry_run": dry_run, "service": service,
                "counts": summary(rows), "needs_token": needs_token, "rows": [_row_json(r) for r in rows]}  # fmt: skip
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
    waiting = sum(not r.dated for r in rows if r.action == "added") - needs_token
    if waiting > 0 and not dry_run:
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
