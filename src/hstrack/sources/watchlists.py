"""Watchlists exported by other services, read into ``Entry`` rows: documents in, entries
out, like the TMDb and Wikidata adapters beside it (no sockets, no store).

The shapes, as the services' real exports have them:

- **Letterboxd** (letterboxd.com/settings/data, a ZIP of CSV files): ``watchlist.csv``,
  ``watched.csv`` and ``likes/films.csv`` are ``Date,Name,Year,Letterboxd URI``;
  ``ratings.csv`` adds ``Rating``, ``diary.csv`` ``Rating,Rewatch,Tags,Watched Date``,
  ``reviews.csv`` ``Rating,Rewatch,Review,Tags,Watched Date``; a list (``lists/*.csv``,
  "Letterboxd list export v7") has a preamble, then ``Position,Name,Year,URL,Description``.
  Year may be empty; Letterboxd counts miniseries as films, so the kind is left open.
- **IMDb** list, watchlist and ratings CSV, in the three column sets seen since about 2014:
  v1 (lower-case, ``"const"``, ``"Title type"``), v2 (``Const``, camelCase title types such
  as ``tvMiniSeries``) and v3 (from mid-2024: ``Original Title`` added, title types as
  display words, ``TV Mini Series``). ``Release Date`` may be a month (``2010-03``).
- **Trakt** watchlist (``/sync/watchlist`` or the data export's ``lists-watchlist.json``):
  an array of items, each with ``type`` (movie, show, season, episode) and an object of
  that name with ``title``, ``year`` and ``ids`` (``trakt``, ``tmdb``, ``imdb``, ``tvdb``).

Everything in a file is untrusted: text obeys the rules typed text does (``clean_text``),
ids their grammar, and a file in no known shape, or a row that breaks it, is refused with
its line and why (``WatchlistError``), before anything is written.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

from hstrack.core.errors import UsageError
from hstrack.sources.facts import clean_text

SERVICES = ("letterboxd", "imdb", "trakt")
MAX_BYTES = 32 << 20  # a watchlist of 100,000 rows is about 20 MB as IMDb writes it
MAX_ROWS = 100_000
_IMDB_ID = re.compile(r"(?:tt)?([0-9]{7,10})")  # ASCII digits; Yamtrack re-adds a missing "tt"
_YEAR = re.compile(r"([0-9]{4})")
_DAY = re.compile(r"([0-9]{4})-([0-9]{2})(?:-([0-9]{2}))?")


class WatchlistError(UsageError):
    """A file that is not an export hstrack can read, or a row that breaks its shape."""


@dataclass
class Entry:
    """One title a watchlist names, as the file says it."""

    line: int  # where its row (or item) starts in the file, from 1
    name: str
    year: int | None = None
    kind: str | None = None  # film, series, season, special; None: the file does not say
    imdb: str | None = None  # "tt0111161"
    tmdb: str | None = None  # a TMDb reference's text ("tmdb:movie/550"), when the file gives it
    released: str | None = None  # the file's own release date (IMDb), ISO, a day or a month
    skip: str | None = None  # why it is not a title hstrack tracks (an episode, a game)

    @property
    def key(self) -> str:
        """Who it is, for a file of choices and for repeats: its IMDb id, its TMDb page, else its
        name and year."""
        return self.imdb or self.tmdb or (f"{self.name} ({self.year})" if self.year else self.name)

    @property
    def shown(self) -> str:
        return f"{self.name} ({self.year})" if self.year else self.name


def read(service: str, raw: bytes, where: str) -> list[Entry]:
    """The entries of an export of ``service``, or ``WatchlistError`` naming the line."""
    if len(raw) > MAX_BYTES:
        raise WatchlistError(f"{where} is larger than {MAX_BYTES >> 20} MB; no watchlist is that long")
    try:
        text = raw.decode("utf-8-sig")  # IMDb's and some tools' files may start with a BOM
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise WatchlistError(f"{where}: line {line}: not UTF-8 text (bad byte at offset {exc.start})") from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise WatchlistError(f"{where}: line {line}: a NUL byte; this is not a text export")
    if service == "trakt":
        return _trakt(text, where)
    rows = _rows(text, where)
    return _letterboxd(rows, where) if service == "letterboxd" else _imdb(rows, where)


# ---------------------------------------------------------------------------- CSV


def _rows(text: str, where: str) -> list[tuple[int, list[str]]]:
    """Each record with the line it starts on (a quoted field may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    out: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            out.append((start, row))
            start = reader.line_num + 1
            if len(out) > MAX_ROWS + 50:
                raise WatchlistError(f"{where}: more than {MAX_ROWS:,} rows; split the file")
    except csv.Error as exc:
        raise WatchlistError(f"{where}: line {start}: not CSV hstrack can read ({exc})") from None
    return [(n, r) for n, r in out if any(cell.strip() for cell in r)]


def _header(columns: list[str]) -> tuple[str, ...]:
    return tuple(c.strip().lower() for c in columns)


def _cell(row: list[str], index: dict[str, int], name: str) -> str:
    i = index.get(name)
    return row[i].strip() if i is not None and i < len(row) else ""


def _name(value: str, where: str, line: int, column: str) -> str:
    name = clean_text(value)
    if name is None or len(value.strip()) > 200:
        why = "is empty" if not value.strip() else "is not one line of at most 200 characters, free of controls"
        raise WatchlistError(f"{where}: line {line}: {column} {why}")
    return name


def _year(value: str, where: str, line: int, lenient: bool = False) -> int | None:
    """A year, or None when empty. IMDb's series give a run (``2013–2023``): its first year."""
    if not value:
        return None
    m = _YEAR.match(value) if lenient else _YEAR.fullmatch(value)
    if m is None or not 1870 <= int(m[1]) <= 2200:
        raise WatchlistError(f"{where}: line {line}: Year {clean_text(value, 20) or '?'!r} is not a year")
    return int(m[1])


def _check_width(rows: list[tuple[int, list[str]]], width: int, where: str) -> None:
    for line, row in rows:
        if len(row) != width:
            raise WatchlistError(f"{where}: line {line}: {len(row)} fields where the header has {width}")


LETTERBOXD = {
    ("date", "name", "year", "letterboxd uri"): "watchlist",  # also watched.csv, likes/films.csv
    ("date", "name", "year", "letterboxd uri", "rating"): "ratings",
    ("date", "name", "year", "letterboxd uri", "rating", "rewatch", "tags", "watched date"): "diary",
    ("date", "name", "year", "letterboxd uri", "rating", "rewatch", "review", "tags", "watched date"): "reviews",
}
LETTERBOXD_LIST = ("position", "name", "year", "url", "description")
_BOXD = re.compile(r"https://(?:boxd\.it/[A-Za-z0-9]{1,16}|letterboxd\.com/[A-Za-z0-9._/-]{1,200})")


def _letterboxd(rows: list[tuple[int, list[str]]], where: str) -> list[Entry]:
    if not rows:
        raise WatchlistError(f"{where}: line 1: empty; a Letterboxd export starts with Date,Name,Year,Letterboxd URI")
    line, first = rows[0]
    if _header(first) in LETTERBOXD:
        body, uri = rows[1:], "letterboxd uri"
        header = _header(first)
    elif first and first[0].strip().lower().startswith("letterboxd list export"):
        at = next((i for i, (_, r) in enumerate(rows) if _header(r) == LETTERBOXD_LIST), None)
        if at is None:
            raise WatchlistError(f"{where}: line {line}: a Letterboxd list with no Position,Name,Year,URL,Description")
        header, body, uri = LETTERBOXD_LIST, rows[at + 1 :], "url"
    else:
        raise WatchlistError(
            f"{where}: line {line}: not a Letterboxd export: its columns are {_said(first)}; expected "
            "Date,Name,Year,Letterboxd URI (watchlist.csv) or one of the export's other files"
        )
    _check_width(body, len(header), where)
    index = {name: i for i, name in enumerate(header)}
    out = []
    for n, row in body:
        link = _cell(row, index, uri)
        if link and not _BOXD.fullmatch(link):
            raise WatchlistError(f"{where}: line {n}: {clean_text(link, 40) or '?'!r} is not a Letterboxd address")
        name = _name(_cell(row, index, "name"), where, n, "Name")
        out.append(Entry(n, name, _year(_cell(row, index, "year"), where, n)))
    return out


# IMDb: the columns each generation names the fields hstrack reads by.
_IMDB_COLUMNS = {
    "const": ("const",), "title": ("title",), "type": ("title type",), "year": ("year",),
    "release": ("release date", "release date (month/day/year)"), "original": ("original title",),
}  # fmt: skip
IMDB_KINDS = {
    "movie": "film", "featurefilm": "film", "tvmovie": "film", "video": "film", "short": "film",
    "shortfilm": "film", "tvshort": "film", "documentary": "film",
    "tvspecial": "special",
    "tvseries": "series", "tvminiseries": "series", "mini-series": "series",
}  # fmt: skip
IMDB_SKIPPED = {
    "tvepisode": "an episode (watch its series instead)", "videogame": "a video game",
    "musicvideo": "a music video", "podcastseries": "a podcast", "podcastepisode": "a podcast episode",
}  # fmt: skip


def _imdb(rows: list[tuple[int, list[str]]], where: str) -> list[Entry]:
    if not rows:
        raise WatchlistError(f"{where}: line 1: empty; an IMDb export starts with Position,Const,Created,...")
    line, first = rows[0]
    header = _header(first)
    index: dict[str, int] = {}
    for field, names in _IMDB_COLUMNS.items():
        found = [header.index(n) for n in names if n in header]
        if found:
            index[field] = found[0]
    if not {"const", "title", "type", "year"} <= set(index) or ("position" not in header and "your rating" not in header
                                                                and "you rated" not in header):  # fmt: skip
        raise WatchlistError(
            f"{where}: line {line}: not an IMDb list, watchlist or ratings export: its columns are {_said(first)}; "
            "expected Position,Const,Created,Modified,Description,Title,... (or Const,Your Rating,... for ratings)"
        )
    body = rows[1:]
    _check_width(body, len(header), where)
    out = []
    for n, row in body:
        const = _cell(row, index, "const")
        m = _IMDB_ID.fullmatch(const)
        if m is None:
            raise WatchlistError(f"{where}: line {n}: Const {clean_text(const, 20) or '?'!r} is not an IMDb id (tt…)")
        raw_type = _cell(row, index, "type")
        kind_word = re.sub(r"\s+", "", raw_type).lower()
        name = _cell(row, index, "title") or _cell(row, index, "original")
        year = _year(_cell(row, index, "year"), where, n, lenient=True)
        entry = Entry(n, _name(name, where, n, "Title"), year, IMDB_KINDS.get(kind_word), imdb=f"tt{m[1]}",
                      released=_release(_cell(row, index, "release")))  # fmt: skip
        if entry.kind is None:
            entry.skip = IMDB_SKIPPED.get(kind_word) or f"not a film or show ({clean_text(raw_type, 30) or 'no type'})"
        out.append(entry)
    return out


def _release(value: str) -> str | None:
    """IMDb's Release Date as ISO (a day or a month); None when empty or unreadable."""
    m = _DAY.fullmatch(value)
    if m is None or not 1 <= int(m[2]) <= 12 or (m[3] is not None and not 1 <= int(m[3]) <= 31):
        return None
    return m[0]


def _said(columns: list[str]) -> str:
    shown = ",".join(clean_text(c, 30) or "?" for c in columns[:8]) + (",…" if len(columns) > 8 else "")
    return shown or "none"


# ---------------------------------------------------------------------------- Trakt JSON


def _trakt(text: str, where: str) -> list[Entry]:
    items = _json_items(text, where)
    out = []
    for i, (line, item) in enumerate(items):
        at = f"{where}: line {line} (item {i + 1})"
        kind = item.get("type") if isinstance(item, dict) else None
        if not isinstance(item, dict) or kind not in ("movie", "show", "season", "episode"):
            raise WatchlistError(f"{at}: not a Trakt list item (an object with type movie, show, season or episode)")
        if kind in ("season", "episode"):
            show = item.get("show")
            part = item.get(kind)
            if not isinstance(show, dict) or not isinstance(part, dict):
                raise WatchlistError(f"{at}: a {kind} item needs its show and its {kind}")
            entry = _trakt_work(show, at, line, "series")
            if kind == "episode":
                entry.skip = "an episode (watch its series instead)"
            else:
                number = part.get("number")
                if not isinstance(number, int) or isinstance(number, bool) or not 0 <= number < 10_000:
                    raise WatchlistError(f"{at}: the season has no number")
                entry.kind = "season"
                entry.name = clean_text(f"{entry.name} season {number}") or entry.name
                entry.tmdb = entry.tmdb + f"/season/{number}" if entry.tmdb else None
                entry.imdb = None  # the show's IMDb id is not the season's
            out.append(entry)
            continue
        work = item.get(kind)
        if not isinstance(work, dict):
            raise WatchlistError(f"{at}: a {kind} item has no {kind} object")
        out.append(_trakt_work(work, at, line, "film" if kind == "movie" else "series"))
    return out


def _trakt_work(work: dict[str, Any], at: str, line: int, kind: str) -> Entry:
    name = clean_text(work.get("title"))
    if name is None:
        raise WatchlistError(f"{at}: the title is missing or not one line of text")
    year = work.get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool) or not 1870 <= year <= 2200):
        raise WatchlistError(f"{at}: year {clean_text(str(year), 20)!r} is not a year")
    ids = work.get("ids")
    if not isinstance(ids, dict):
        raise WatchlistError(f"{at}: no ids")
    entry = Entry(line, name, year, kind)
    tmdb = ids.get("tmdb")
    if tmdb is not None:
        if not isinstance(tmdb, int) or isinstance(tmdb, bool) or not 0 < tmdb < 10**12:
            raise WatchlistError(f"{at}: ids.tmdb {clean_text(str(tmdb), 20)!r} is not a TMDb id")
        entry.tmdb = f"tmdb:{'movie' if kind == 'film' else 'tv'}/{tmdb}"
    imdb = ids.get("imdb")
    if imdb is not None and imdb != "":
        m = _IMDB_ID.fullmatch(imdb) if isinstance(imdb, str) and imdb.startswith("tt") else None
        if m is None:
            raise WatchlistError(f"{at}: ids.imdb {clean_text(str(imdb), 20)!r} is not an IMDb id (tt…)")
        entry.imdb = f"tt{m[1]}"
    return entry


def _json_items(text: str, where: str) -> list[tuple[int, Any]]:
    """The array's items, each with the line it starts on (the standard ``json`` parser,
    item by item, so a fault is named by its line)."""
    import json

    decoder = json.JSONDecoder(parse_constant=_refuse_constant)
    at = _skip_space(text, 0)
    if at >= len(text) or text[at] != "[":
        line = text[:at].count("\n") + 1
        raise WatchlistError(f"{where}: line {line}: not a Trakt list export (a JSON array of items)")
    at = _skip_space(text, at + 1)
    items: list[tuple[int, Any]] = []
    while at < len(text) and text[at] != "]":
        line = text.count("\n", 0, at) + 1
        try:
            item, at = decoder.raw_decode(text, at)
        except json.JSONDecodeError as exc:
            raise WatchlistError(f"{where}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
        except (RecursionError, ValueError) as exc:
            raise WatchlistError(f"{where}: line {line}: an item hstrack cannot read ({str(exc)[:60]})") from None
        items.append((line, item))
        if len(items) > MAX_ROWS:
            raise WatchlistError(f"{where}: more than {MAX_ROWS:,} items; split the file")
        at = _skip_space(text, at)
        if at < len(text) and text[at] == ",":
            at = _skip_space(text, at + 1)
        elif at < len(text) and text[at] != "]":
            raise WatchlistError(f"{where}: line {text.count(chr(10), 0, at) + 1}: not valid JSON (expected , or ])")
    if at >= len(text) or _skip_space(text, at + 1) != len(text):
        line = text.count("\n", 0, min(at, len(text))) + 1
        raise WatchlistError(f"{where}: line {line}: not valid JSON (the array is not closed, or text follows it)")
    return items


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")
