"""The rules of issue 26 beyond its reproductions: the one bounded reader, the knobs checked
like typed input, output over hstrack's files by any name, git setup and symlinks, notify's
clock in both directions, a hook's output cut with a note. In-process (CliRunner) where no
process is needed; the hostile surfaces themselves are in tests/test_hostile_surfaces.py."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from hstrack.core.errors import UsageError
from hstrack.core.seconds import seconds
from hstrack.store.files import NotAFile, TooLarge, read_bounded, refusal

from .conftest import Cli, need

FILM = "heartstopper-film"


# ---------------------------------------------------------------------------- the one reader


def test_the_reader_refuses_what_is_no_regular_file_at_once(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"x" * 10)
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "folder").mkdir()
    (tmp_path / "link").symlink_to("file")
    assert read_bounded(tmp_path / "file", 10)[0] == b"x" * 10
    assert read_bounded(tmp_path / "link", 10)[0] == b"x" * 10  # your own file may be a link
    for name, kind in (("fifo", "a FIFO"), ("folder", "a folder"), ("/dev/zero", "a device")):
        with pytest.raises(NotAFile) as caught:
            read_bounded(tmp_path / name, 1 << 20)
        assert caught.value.kind == kind
        assert kind in refusal(caught.value)
    with pytest.raises(NotAFile, match="symbolic link"):
        read_bounded(tmp_path / "link", 10, follow=False)  # from a shared place: never followed
    with pytest.raises(TooLarge, match="larger than 9 bytes"):
        read_bounded(tmp_path / "file", 9)  # decided from the size, before a byte is read
    with pytest.raises(FileNotFoundError):
        read_bounded(tmp_path / "missing", 10)


@pytest.mark.parametrize("raw", ["nan", "inf", "-1", "1e400", "0", "x", "3601", "1" * 100])
def test_a_wait_knob_is_checked_like_typed_input(raw: str) -> None:
    with pytest.raises(UsageError, match="is not a number of seconds"):
        seconds({"K": raw}, "K", 60, 0.1, 3600)
    assert seconds({}, "K", 60, 0.1, 3600) == 60
    assert seconds({"K": " 2.5 "}, "K", 60, 0.1, 3600) == 2.5


@pytest.mark.parametrize(
    ("variable", "args"),
    [
        ("HSTRACK_HTTP_TIMEOUT", ["add", "--link", "wikidata:Q123"]),
        ("HSTRACK_HTTP_DEADLINE", ["find", "Heartstopper"]),
        ("HSTRACK_EXEC_TIMEOUT", ["notify", "--exec", "true"]),
    ],
)
def test_a_bad_wait_knob_is_a_usage_error(seeded: Cli, variable: str, args: list[str]) -> None:
    result = seeded(*args, code=2, **{variable: "nan", "HSTRACK_WIKIDATA_URL": "http://127.0.0.1:9"})
    assert variable in result.stderr


# ---------------------------------------------------------------------------- output over hstrack's files


@pytest.mark.parametrize("how", ["hard link", "config.toml", "cache", "temp name", "link to a backup"])
def test_output_over_hstracks_own_files_by_any_name_is_refused(seeded: Cli, how: str) -> None:
    home = seeded.home
    seeded("config", "region", "GB")
    if how == "hard link":
        os.link(seeded.store, home / "other-name.json")
        target = home / "other-name.json"
    elif how == "config.toml":
        target = home / "config.toml"
    elif how == "cache":
        target = home / "cache" / "http" / "x.body"
    elif how == "temp name":
        target = home / ".store.json.abc.tmp"
    else:
        backup = sorted((home / "store.json.backups").glob("*.json"))[0]
        (home / "elsewhere.json").symlink_to(backup)
        target = home / "elsewhere.json"
    before = {p: p.read_bytes() for p in home.rglob("*") if p.is_file() and not p.name.endswith(".lock")}
    result = seeded("export", "-o", str(target), code=2)
    assert "own files" in result.stderr
    for path, data in before.items():
        if "backups" in path.parts or path.name in ("store.json", "config.toml"):
            assert path.read_bytes() == data, path


def test_output_beside_the_store_under_another_name_is_written(seeded: Cli) -> None:
    seeded("export", "-o", str(seeded.home / "export.json"))
    assert json.loads((seeded.home / "export.json").read_text())["titles"]


# ---------------------------------------------------------------------------- git setup and symlinks


@pytest.mark.parametrize("name", [".gitattributes", ".gitignore"])
def test_git_setup_refuses_a_symlinked_file_and_names_it(seeded: Cli, name: str) -> None:
    subprocess.run([need("git"), "init", "-q", str(seeded.home)], check=True)
    (seeded.home.parent / "theirs.txt").write_text("x\n")
    (seeded.home / name).symlink_to("../theirs.txt")
    result = seeded("git", "setup", code=1)
    assert name in result.stderr
    assert "symbolic link" in result.stderr
    assert (seeded.home.parent / "theirs.txt").read_text() == "x\n"


def test_git_setup_writes_its_files_atomically_keeping_their_mode(seeded: Cli) -> None:
    subprocess.run([need("git"), "init", "-q", str(seeded.home)], check=True)
    (seeded.home / ".gitignore").write_text("/mine\n")
    os.chmod(seeded.home / ".gitignore", 0o640)
    seeded("git", "setup")
    text = (seeded.home / ".gitignore").read_text()
    assert text.startswith("/mine\n")
    assert "/store.json.prompt" in text
    assert (seeded.home / ".gitignore").stat().st_mode & 0o777 == 0o640
    assert not list(seeded.home.glob(".*.tmp"))


# ---------------------------------------------------------------------------- notify's clock


def _sent(cli: Cli, now: str, *extra: str, code: int = 0) -> tuple[list[dict[str, object]], str]:
    result = cli("notify", "--exec", "true", "--json", *extra, now=now, code=code)
    return (json.loads(result.stdout)["notifications"] if result.stdout else []), result.stderr


def test_a_run_far_ahead_is_refused_then_trusted_when_asked(seeded: Cli) -> None:
    seeded("set", FILM, "release", "2027-06-10")
    _, said = _sent(seeded, "2028-01-01T12:00:00+00:00", code=1)
    assert "--trust-clock" in said
    assert not (seeded.home / "store.json.notified").exists()  # nothing moved
    _sent(seeded, "2028-01-01T12:00:00+00:00", "--trust-clock")
    record = json.loads((seeded.home / "store.json.notified").read_text())
    assert record["last_run"].startswith("2028-01-01")
    _sent(seeded, "2028-01-02T12:00:00+00:00")  # from then on, the record vouches for the clock


def test_a_run_behind_the_record_sends_changes_but_no_lead_and_moves_nothing(seeded: Cli) -> None:
    seeded("set", FILM, "release", "2026-12-20")
    _sent(seeded, "2026-12-12T12:00:00+00:00")
    sent, _ = _sent(seeded, "2026-12-20T12:00:00+00:00")  # the day itself
    assert [n["lead"] for n in sent] == ["0d"]
    seeded("set", FILM, "trailer", "2026-12-30", now="2026-12-15T09:00:00+00:00")  # recorded "earlier"
    sent, said = _sent(seeded, "2026-12-16T12:00:00+00:00")  # the clock was put back
    assert "behind notify's last run" in said
    assert [(n["kind"], n["milestone"]) for n in sent] == [("change", "trailer")]
    record = json.loads((seeded.home / "store.json.notified").read_text())
    assert record["last_run"].startswith("2026-12-20")


# ---------------------------------------------------------------------------- hooks


def test_a_hooks_output_is_cut_with_a_note(seeded: Cli, tmp_path: Path) -> None:
    seeded("set", FILM, "release", "2026-11-27")
    script = tmp_path / "hook.sh"
    script.write_text("cat >/dev/null\nhead -c 100000 /dev/zero | tr '\\000' y\n")
    result = seeded("notify", "--exec", f"sh {script}", now="2026-11-27T12:00:00+00:00")
    assert "more bytes of its output not shown" in result.stderr
    assert result.stderr.count("y") < 20_000
