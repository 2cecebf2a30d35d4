"""`hstrack import --from …` on a terminal and off it (issue 29's gaps): `--interactive`
through a real pty (pexpect, as tests/test_prompt.py drives shells) against TMDb on
127.0.0.1 giving several candidates; the progress bar on a terminal and never on a pipe;
and a TMDb-linked watchlist imported with no TMDb token, said once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from .conftest import on_pty_stderr, validate_output, validate_store
from .test_watchlists import NOW, TMDb, _hit, _movie, _show

SCRIPT = Path(sys.executable).with_name("hstrack")
HEADER = "Date,Name,Year,Letterboxd URI\n"


@pytest.fixture
def served(httpserver: HTTPServer) -> TMDb:
    """TMDb with names several candidates fit (the same name and year: Letterboxd gives no
    kind), one that only one fits, and one that is already out."""
    tmdb = TMDb(httpserver)
    for number, name, day in [(7101, "Undertow", "2027-03-05"), (7103, "Glass Road", "2027-06-11"),
                              (7104, "Glass Road", "2027-09-17"), (7105, "Glass Road", "2027-10-01"),
                              (7106, "Kingfisher", "2027-04-23"), (7108, "Salt Lake", "2027-02-02")]:  # fmt: skip
        tmdb.movies[number] = _movie(number, name, day)
    tmdb.shows[7102] = _show(7102, "Undertow", "2027-05-07", "In Production")
    tmdb.shows[7107] = _show(7107, "Kingfisher", "2027-01-15", "Planned")
    tmdb.searches.update({
        "Undertow": [_hit("movie", 7101, "Undertow", "2027-03-05"), _hit("tv", 7102, "Undertow", "2027-05-07")],
        "Glass Road": [_hit("movie", n, "Glass Road", d) for n, d in
                       [(7103, "2027-06-11"), (7104, "2027-09-17"), (7105, "2027-10-01")]],
        "Kingfisher": [_hit("movie", 7106, "Kingfisher", "2027-04-23"), _hit("tv", 7107, "Kingfisher", "2027-01-15")],
        "Salt Lake": [_hit("movie", 7108, "Salt Lake", "2027-02-02")],
    })  # fmt: skip
    return tmdb


def environment(httpserver: HTTPServer, home: Path, **extra: str) -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", ""), "HSTRACK_HOME": str(home), "HSTRACK_NOW": NOW,
            "TZ": "Europe/London", "LANG": "C.UTF-8", "TERM": "xterm", "COLUMNS": "100", "NO_COLOR": "1",
            "HSTRACK_TMDB_URL": httpserver.url_for("/3"), "HSTRACK_TMDB_TOKEN": "t0ken",
            "HSTRACK_WIKIDATA_URL": httpserver.url_for("/").rstrip("/"), "HSTRACK_CONTACT": "tests@example.org",
            **extra}  # fmt: skip


def watchlist(tmp_path: Path, *names: str) -> Path:
    path = tmp_path / "watchlist.csv"
    path.write_text(HEADER + "".join(f"2026-0{n % 9 + 1}-01,{name},2027,https://boxd.it/a{n}\n"
                                     for n, name in enumerate(names)))  # fmt: skip
    return path


class Terminal:
    """`hstrack ARGS` with stdin and stderr on a pty, stdout to a file (what a user who
    pipes the import's lines on to a file sees and types)."""

    def __init__(self, env: dict[str, str], args: list[str], out: Path) -> None:
        import pexpect

        command = " ".join(["exec", str(SCRIPT), *(_quoted(a) for a in args), ">", _quoted(str(out))])
        self.out = out
        self.child = pexpect.spawn("/bin/sh", ["-c", command], env=env, encoding="utf-8", codec_errors="replace",
                                   timeout=20, dimensions=(40, 160))  # fmt: skip

    def asked(self) -> str:
        """Wait for the question; what came before it."""
        self.child.expect_exact("q to stop asking: ")
        return self.child.before or ""

    def answer(self, text: str) -> None:
        self.child.sendline(text)

    def finish(self) -> tuple[int, str]:
        import pexpect

        self.child.expect(pexpect.EOF)
        self.child.close()
        rest = self.child.before or ""
        assert "Traceback" not in rest
        return self.child.exitstatus if self.child.exitstatus is not None else 128 + self.child.signalstatus, rest


def _quoted(text: str) -> str:
    import shlex

    return shlex.quote(text)


def titles(home: Path) -> dict[str, Any]:
    data = json.loads((home / "store.json").read_text())
    validate_store(data)
    return {t["id"]: t for t in data["titles"]}


def _start(httpserver: HTTPServer, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    home = tmp_path / "home"
    home.mkdir()
    (home / "store.json").write_text('{"schema": 1, "titles": []}')
    return home, environment(httpserver, home)


@pytest.mark.skipif(not SCRIPT.exists(), reason="the console script is not installed")
def test_choosing_at_the_terminal_links_the_one_chosen_and_the_rest_wait_in_the_file(
    served: TMDb, httpserver: HTTPServer, tmp_path: Path
) -> None:
    home, env = _start(httpserver, tmp_path)
    file = watchlist(tmp_path, "Undertow", "Salt Lake", "Glass Road", "Kingfisher")
    choices = tmp_path / "choices.txt"
    args = ["import", "--from", "letterboxd", str(file), "--interactive", "--choices", str(choices)]
    term = Terminal(env, args, tmp_path / "out.txt")
    first = term.asked()
    assert "(1 of 3) line 2: Undertow (2027) could be:" in first
    assert "1. tmdb:movie/7101  2027  film  Undertow" in first
    assert "2. tmdb:tv/7102  2027  series  Undertow" in first
    term.answer("9")  # not one of them: asked again
    assert "'9' is not one of them: a number from 1 to 2" in term.asked()
    term.answer("\u00b2")  # a digit, but not an ASCII one
    assert "is not one of them" in term.asked()
    os.write(term.child.child_fd, b"\xff\x1b[31m\n")  # not UTF-8, and an escape: said inert, asked again
    again = term.asked()
    assert "is not one of them" in again
    assert "\x1b[31m" not in again
    term.answer("2")
    assert "(2 of 3) line 4: Glass Road (2027)" in term.asked()
    term.answer("s")
    assert "(3 of 3) line 5: Kingfisher (2027)" in term.asked()
    term.answer("")  # for later
    code, said = term.finish()
    assert code == 0, said
    assert "1 need you to choose: see the choices written to" in said
    out = (tmp_path / "out.txt").read_text()
    assert "could be" not in out
    assert "which one" not in out
    assert "line 2\tadd\tUndertow (2027)\tundertow" in out.splitlines()
    assert "line 4\tskip\tGlass Road (2027)\t-\tyou chose to leave it out" in out.splitlines()
    have = titles(home)
    assert have["undertow"]["links"] == ["tmdb:tv/7102"]
    assert have["undertow"]["kind"] == "series"
    assert have["salt-lake"]["links"] == ["tmdb:movie/7108"]  # the one only one fits, not asked
    assert "glass-road" not in have
    assert "kingfisher" not in have
    text = choices.read_text()
    assert "title\tGlass Road (2027)" in text
    assert "[x]\tskip" in text
    assert "title\tKingfisher (2027)" in text
    assert "[ ]\ttmdb:tv/7107" in text

    # Again: the one left out is not asked, the one for later is, and the file keeps the skip.
    again = Terminal(env, args, tmp_path / "out2.txt")
    assert "(1 of 1) line 5: Kingfisher (2027)" in again.asked()
    again.answer("1")
    code, said = again.finish()
    assert code == 0, said
    have = titles(home)
    assert have["kingfisher"]["links"] == ["tmdb:movie/7106"]
    assert "glass-road" not in have
    assert "line 4\tskip\tGlass Road (2027)\t-\tyou chose to leave it out" in (tmp_path / "out2.txt").read_text()


@pytest.mark.skipif(not SCRIPT.exists(), reason="the console script is not installed")
def test_ctrl_c_at_the_question_writes_nothing_and_ctrl_d_imports_what_was_chosen(
    served: TMDb, httpserver: HTTPServer, tmp_path: Path
) -> None:
    home, env = _start(httpserver, tmp_path)
    file = watchlist(tmp_path, "Glass Road", "Salt Lake", "Undertow")
    before = (home / "store.json").read_bytes()
    args = ["import", "--from", "letterboxd", str(file), "--interactive"]
    term = Terminal(env, args, tmp_path / "out.txt")
    term.asked()
    term.answer("3")
    term.asked()
    term.child.sendintr()  # Ctrl-C at the second question, after a choice
    code, said = term.finish()
    assert code == 130, said
    assert "interrupted: nothing was imported" in said
    assert (home / "store.json").read_bytes() == before
    assert (tmp_path / "out.txt").read_text() == ""

    term = Terminal(env, args, tmp_path / "out.txt")
    term.asked()
    term.answer("3")
    term.asked()
    term.child.sendeof()  # Ctrl-D: no more questions; what was chosen is imported
    code, said = term.finish()
    assert code == 0, said
    assert "stopped asking; 1 still to choose" in said
    have = titles(home)
    assert have["glass-road"]["links"] == ["tmdb:movie/7105"]
    assert "salt-lake" in have
    assert "undertow" not in have
    lines = (tmp_path / "out.txt").read_text().splitlines()
    assert "line 4\tchoose\tUndertow (2027)\t-\t2 candidates fit" in lines


def test_interactive_off_a_terminal_is_a_usage_error_and_writes_nothing(
    served: TMDb, httpserver: HTTPServer, tmp_path: Path
) -> None:
    home, env = _start(httpserver, tmp_path)
    file = watchlist(tmp_path, "Undertow")
    argv = [str(SCRIPT), "import", "--from", "letterboxd", str(file), "--interactive"]
    for typed in (None, "1\n"):  # stdin empty, or answers piped in: neither is a terminal to ask on
        done = subprocess.run(argv, input=typed, stdin=subprocess.DEVNULL if typed is None else None,
                              capture_output=True, text=True, env=env, timeout=60, check=False)  # fmt: skip
        assert done.returncode == 2
        assert done.stdout == ""
        assert "--interactive asks on a terminal" in done.stderr
        assert "--choices FILE" in done.stderr
        assert "Traceback" not in done.stderr
    assert titles(home) == {}
    assert not [p for p in served.asked if p.startswith("/3/search")]  # refused before asking anyone


# ---------------------------------------------------------------------------- the progress bar


def test_the_progress_bar_is_drawn_on_a_terminal_and_never_into_a_pipe(
    served: TMDb, httpserver: HTTPServer, tmp_path: Path
) -> None:
    home, env = _start(httpserver, tmp_path)
    names = ["Salt Lake", "Undertow", "Glass Road", "Kingfisher", "Nowhere At All"]
    file = watchlist(tmp_path, *names)
    argv = [str(SCRIPT), "import", "--from", "letterboxd", str(file), "--dry-run", "--json"]
    code, out, drawn = on_pty_stderr(argv, env)
    assert code == 0, drawn
    assert "matching" in drawn
    assert "100%" in drawn
    data = json.loads(out)  # stdout stays one JSON document
    validate_output(data, "watchlist_import")
    assert [r["line"] for r in data["rows"]] == [2, 3, 4, 5, 6]  # every row processed
    assert "\x1b" not in out

    piped = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60, check=False)
    assert piped.returncode == 0
    assert json.loads(piped.stdout) == data
    assert "\x1b" not in piped.stderr
    assert "\r" not in piped.stderr
    assert "matching" not in piped.stderr
    assert piped.stderr.splitlines() == [
        "hstrack: dry run: watchlist.csv (letterboxd): 1 add, 3 choose, 1 not found; nothing was written",
        "hstrack: 3 need you to choose: see --choices FILE (written with the open ones) or --interactive",
    ]
    assert titles(home) == {}


# ---------------------------------------------------------------------------- no TMDb token


def test_tmdb_linked_rows_with_no_token_are_said_once_as_text_and_as_data(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    TMDb(httpserver)
    home, env = _start(httpserver, tmp_path)
    del env["HSTRACK_TMDB_TOKEN"]
    items = [{"type": "movie", "movie": {"title": f"Film {n}", "year": 2027 + n % 2,
                                         "ids": {"trakt": n, "tmdb": 8800 + n, "imdb": f"tt{9900000 + n}"}},
              "listed_at": "2026-06-01T10:00:00.000Z"} for n in range(4)]  # fmt: skip
    items.append({"type": "show", "show": {"title": "Old Show", "year": 2009, "ids": {"trakt": 9, "tmdb": 8899}}})
    items.append({"type": "season", "season": {"number": 7, "ids": {"tmdb": 1}},
                  "show": {"title": "Old Show", "year": 2009, "ids": {"trakt": 9, "tmdb": 8899}}})  # fmt: skip
    items.append({"type": "movie", "movie": {"title": "Long Out", "year": 1999, "ids": {"tmdb": 8898}}})
    file = tmp_path / "lists-watchlist.json"
    file.write_text(json.dumps(items, indent=1))
    argv = [str(SCRIPT), "import", "--from", "trakt", str(file)]
    dry = subprocess.run([*argv, "--dry-run", "--json"], capture_output=True, text=True, env=env, timeout=60)
    data = json.loads(dry.stdout)
    validate_output(data, "watchlist_import")
    assert data["needs_token"] == 6  # 4 films, the show and its season 7 (the show's year is not the season's)
    undated = [r for r in data["rows"] if r["action"] == "added"]
    assert len(undated) == 6
    assert all("HSTRACK_TMDB_TOKEN" in r["reason"] for r in undated)
    told = [line for line in dry.stderr.splitlines() if "token" in line]
    assert told == ["hstrack: 6 titles would be linked to TMDb but cannot be dated until a TMDb token is set: "
                    "export HSTRACK_TMDB_TOKEN=YOUR-API-READ-ACCESS-TOKEN (themoviedb.org/settings/api; or "
                    "HSTRACK_TMDB_KEY with a v3 API key), then run hstrack sync"]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0
    assert sum("cannot be dated until a TMDb token is set" in line for line in done.stderr.splitlines()) == 1
    assert "6 titles were linked to TMDb" in done.stderr
    assert "get them with: hstrack sync" not in done.stderr  # a sync alone would not
    assert "token" not in done.stdout.replace("dated once a TMDb token is set", "")
    assert len(titles(home)) == 6
    # With a token (in-process, a home of its own): nothing to say.
    from typer.testing import CliRunner

    from hstrack.cli import app

    fresh = {**env, "HSTRACK_HOME": str(tmp_path / "other"), "HSTRACK_TMDB_TOKEN": "t0ken"}
    with_token = CliRunner().invoke(app, ["import", "--from", "trakt", str(file), "--dry-run", "--json"], env=fresh)
    assert json.loads(with_token.stdout)["needs_token"] == 0
    assert "token" not in with_token.stderr
