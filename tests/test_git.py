"""Sharing a store through git, with real git: clones of one repository, each with its own
store folder, changing titles at once and pulling (merge and rebase) through hstrack's merge
driver, which git runs as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import git_environment

SCRIPT = Path(sys.executable).with_name("hstrack")
FILM = "heartstopper-film"


class Clone:
    """One person's clone: its folder is their HSTRACK_HOME."""

    def __init__(self, path: Path, env: dict[str, str]) -> None:
        self.path = path
        self.env = env

    @property
    def store(self) -> Path:
        return self.path / "store.json"

    def hs(
        self, *args: str, now: str = "2026-11-27T12:00:00+00:00", code: int | None = 0
    ) -> subprocess.CompletedProcess[str]:
        env = {**self.env, "HSTRACK_HOME": str(self.path), "HSTRACK_NOW": now}
        done = subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=120, check=False)
        assert "Traceback" not in done.stderr, done.stderr
        if code is not None:
            assert done.returncode == code, (args, done.returncode, done.stdout, done.stderr)
        return done

    def git(self, *args: str, code: int | None = 0) -> subprocess.CompletedProcess[str]:
        # The driver runs with git's environment: pin its clock like hstrack's.
        env = {**self.env, "HSTRACK_HOME": str(self.path), "HSTRACK_NOW": "2026-11-28T09:00:00+00:00"}
        done = subprocess.run(["git", *args], cwd=self.path, capture_output=True, text=True, env=env, timeout=120,
                              check=False)  # fmt: skip
        assert "Traceback" not in done.stderr, done.stderr
        if code is not None:
            assert done.returncode == code, (args, done.returncode, done.stdout, done.stderr)
        return done

    def commit(self, message: str) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    def data(self) -> dict:  # type: ignore[type-arg]
        return json.loads(self.store.read_text())

    def title(self, title_id: str) -> dict | None:  # type: ignore[type-arg]
        return next((t for t in self.data()["titles"] if t["id"] == title_id), None)

    def milestones(self, title_id: str) -> dict[str, str]:
        title = self.title(title_id)
        assert title is not None
        return {m["kind"]: m["date"] for m in title["milestones"]}

    def healthy(self) -> None:
        text = self.store.read_text()
        assert "<<<<<<<" not in text
        assert ">>>>>>>" not in text
        doctor = self.hs("doctor")  # exit 0: healthy
        assert "warning" not in doctor.stdout
        assert "merged by hstrack" in doctor.stdout
        assert self.hs("status", "--json").returncode == 0


@pytest.fixture
def git_env(tmp_path: Path) -> dict[str, str]:
    return git_environment(tmp_path)


def make_clone(tmp_path: Path, env: dict[str, str], name: str) -> Clone:
    subprocess.run(["git", "clone", "-q", str(tmp_path / "origin.git"), str(tmp_path / name)], env=env, check=True,
                   capture_output=True)  # fmt: skip
    clone = Clone(tmp_path / name, env)
    clone.git("config", "pull.rebase", "false")
    return clone


@pytest.fixture
def team(tmp_path: Path, git_env: dict[str, str]) -> list[Clone]:
    """Three clones of one repository holding a store, each set up with `hstrack git setup`."""
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(tmp_path / "origin.git")], env=git_env,
                   check=True)  # fmt: skip
    first = make_clone(tmp_path, git_env, "a")
    first.hs("status", now="2025-06-10T12:00:00+01:00")  # the seed, as on its first day
    first.hs("git", "setup")
    first.commit("a store")
    first.git("push", "-q", "origin", "HEAD:main")
    clones = [first]
    for name in ("b", "c"):
        clone = make_clone(tmp_path, git_env, name)
        clone.hs("git", "setup")
        clones.append(clone)
    return clones


@pytest.mark.parametrize("pull", ["merge", "rebase"])
def test_different_titles_and_milestones_merge_without_conflict(team: list[Clone], pull: str) -> None:
    a, b, _ = team
    a.hs("add", "Film A", "--id", "film-a", now="2026-11-27T10:00:00+00:00")
    a.hs("set", FILM, "trailer", "2026-12-05", now="2026-11-27T10:00:00+00:00")
    a.commit("a")
    a.git("push", "-q")
    b.hs("add", "Film B", "--id", "film-b", now="2026-11-27T11:00:00+00:00")
    b.hs("set", FILM, "release", "2027-02-14", now="2026-11-27T11:00:00+00:00")
    b.commit("b")
    pulled = b.git("pull", "-q", "--rebase" if pull == "rebase" else "--no-rebase", "--no-edit")
    assert "both changed" not in pulled.stderr  # nothing was changed by both
    ids = {t["id"] for t in b.data()["titles"]}
    assert {"film-a", "film-b", FILM} <= ids
    assert b.milestones(FILM)["trailer"] == "2026-12-05"
    assert b.milestones(FILM)["release"] == "2027-02-14"
    kinds = [h["milestone"] for h in b.title(FILM)["history"]]  # type: ignore[index]
    assert "trailer" in kinds
    assert "release" in kinds
    b.healthy()
    b.git("push", "-q")
    a.git("pull", "-q", "--no-edit")
    assert a.data()["titles"] == b.data()["titles"]


@pytest.mark.parametrize("later", ["a", "b"])
def test_the_same_milestone_changed_on_both_sides_the_later_recorded_wins(team: list[Clone], later: str) -> None:
    a, b, _ = team
    times = {"a": "2026-11-27T10:00:00+00:00", "b": "2026-11-27T10:00:00+00:00"}
    times[later] = "2026-11-27T15:00:00+00:00"
    a.hs("set", FILM, "release", "2027-03", "--source", "https://example.org/a", now=times["a"])
    a.commit("a")
    a.git("push", "-q")
    b.hs("set", FILM, "release", "2027-02-14", "--source", "https://example.org/b", now=times["b"])
    b.commit("b")
    pulled = b.git("pull", "--no-edit")
    winner = {"a": "2027-03", "b": "2027-02-14"}[later]
    loser = {"2027-03": "2027-02-14", "2027-02-14": "2027-03"}[winner]
    assert b.milestones(FILM)["release"] == winner
    release = next(m for m in b.title(FILM)["milestones"] if m["kind"] == "release")  # type: ignore[index]
    assert release["source"] == f"https://example.org/{later}"  # the winner's source, not a mix
    history = b.title(FILM)["history"]  # type: ignore[index]
    dates = [h["new"]["date"] for h in history if h["milestone"] == "release" and h["new"]]
    assert winner in dates
    assert loser in dates  # the other is kept in history
    assert dates[-1] == winner  # and the last entry says what the store holds
    recorded = [h["recorded"] for h in history]
    assert recorded == sorted(recorded)
    # one line for the fact both changed
    lines = [line for line in pulled.stderr.splitlines() if "both changed" in line]
    assert len(lines) == 1
    assert FILM in lines[0]
    assert "release" in lines[0]
    b.healthy()


def test_a_title_removed_on_one_side_and_changed_on_the_other_is_a_conflict_hstrack_can_read(
    team: list[Clone],
) -> None:
    a, b, _ = team
    a.hs("remove", "heartstopper-s3", "--yes", now="2026-11-27T10:00:00+00:00")
    a.commit("a removes season 3")
    a.git("push", "-q")
    b.hs("edit", "heartstopper-s3", "--notes", "still watching", now="2026-11-27T11:00:00+00:00")
    b.commit("b changes season 3")
    pulled = b.git("pull", "--no-edit", code=None)
    assert pulled.returncode != 0  # git reports the conflict
    assert "CONFLICT heartstopper-s3" in pulled.stderr
    assert "hstrack git resolve heartstopper-s3" in pulled.stderr
    assert "UU store.json" in b.git("status", "--short").stdout
    text = b.store.read_text()
    assert "<<<<<<<" not in text
    # hstrack reads it: the changed title is kept, and every command says what is pending
    status = b.hs("status", "--json")
    assert "heartstopper-s3" in status.stdout
    assert "undecided" in status.stderr
    listed = b.hs("git", "resolve")
    assert listed.stdout.startswith("heartstopper-s3\t")
    assert b.hs("git", "status", "--json").stdout.count('"title": "heartstopper-s3"') == 1
    assert "git resolve heartstopper-s3" in b.hs("doctor").stdout  # a warning, not damage: exit 0
    b.hs("git", "resolve", "heartstopper-s3", code=2)  # --keep or --remove
    b.hs("git", "resolve", FILM, "--keep", code=2)  # no conflict there
    settled = b.hs("git", "resolve", "heartstopper-s3", "--remove")
    assert "git add store.json" in settled.stderr
    assert b.title("heartstopper-s3") is None
    assert "conflicts" not in b.data()
    b.git("add", "store.json")
    b.git("commit", "-q", "--no-edit")
    b.healthy()
    assert "undecided" not in b.hs("status").stderr


def test_keeping_a_conflicted_title(team: list[Clone]) -> None:
    a, b, _ = team
    b.hs("set", "heartstopper-s3", "trailer", "2024-09-01", now="2026-11-27T10:00:00+00:00")
    b.commit("b")
    b.git("push", "-q")
    a.hs("remove", "heartstopper-s3", "--yes", now="2026-11-27T11:00:00+00:00")
    a.commit("a")
    a.git("pull", "--no-edit", code=None)
    a.hs("git", "resolve", "heartstopper-s3", "--keep")
    assert a.milestones("heartstopper-s3")["trailer"] == "2024-09-01"
    a.git("add", "store.json")
    a.git("commit", "-q", "--no-edit")
    a.healthy()


def test_a_title_added_on_both_sides_with_one_id_stays_two_titles(team: list[Clone]) -> None:
    """Titles are known by their uid, never by their id: two titles added apart are two
    titles, even under one id (nothing tells the same film from another called alike); the
    one that took the id later gets the next free one, recorded as a rename, and the merge
    says so."""
    a, b, _ = team
    a.hs("add", "Nick and Charlie", "--id", "nick-and-charlie", now="2026-11-27T10:00:00+00:00")
    a.hs("set", "nick-and-charlie", "announced", "2026-11-20", now="2026-11-27T10:00:00+00:00")
    a.commit("a")
    a.git("push", "-q")
    b.hs("add", "Nick and Charlie", "--id", "nick-and-charlie", now="2026-11-27T11:00:00+00:00")
    b.hs("set", "nick-and-charlie", "release", "2027", now="2026-11-27T11:00:00+00:00")
    b.commit("b")
    pulled = b.git("pull", "-q", "--no-edit")
    assert "two titles took the id nick-and-charlie" in pulled.stderr
    # a's was made first (10:00) and keeps the id; b's own is now nick-and-charlie-2
    assert b.milestones("nick-and-charlie") == {"announced": "2026-11-20"}
    assert b.milestones("nick-and-charlie-2") == {"release": "2027"}
    renamed = b.title("nick-and-charlie-2")
    assert renamed is not None
    assert [(e["old"], e["new"]) for e in renamed["edits"] if e["field"] == "id"] == [
        ("nick-and-charlie", "nick-and-charlie-2")
    ]
    b.healthy()


def test_title_fields_merge_by_field(team: list[Clone]) -> None:
    a, b, c = team
    a.hs("edit", FILM, "--platform", "Netflix UK", now="2026-11-27T10:00:00+00:00")
    a.hs("credit", FILM, "Composer", "Oli Julian", now="2026-11-27T10:00:00+00:00")
    a.commit("a")
    a.git("push", "-q")
    b.hs("edit", FILM, "--synopsis", "The last chapter.", now="2026-11-27T11:00:00+00:00")
    b.hs("edit", FILM, "--platform", "Netflix", now="2026-11-27T09:00:00+00:00")  # earlier than a's
    b.commit("b")
    b.git("pull", "-q", "--no-edit")
    film = b.title(FILM)
    assert film is not None
    assert film["synopsis"] == "The last chapter."
    assert film["platform"] == "Netflix UK"  # set later
    assert film["credits"]["Composer"] == ["Oli Julian"]
    platforms = [e["new"] for e in film["edits"] if e["field"] == "platform"]
    assert "Netflix UK" in platforms  # both kept in the edits
    b.healthy()
    b.git("push", "-q")
    # a third clone that changed something else meanwhile
    c.hs("label", FILM, "HS", now="2026-11-27T12:00:00+00:00")
    c.commit("c")
    c.git("pull", "-q", "--rebase")
    film = c.title(FILM)
    assert film is not None
    assert (film["label"], film["platform"], film["synopsis"]) == ("HS", "Netflix UK", "The last chapter.")
    c.healthy()


def test_after_a_merge_the_prompt_refreshes_and_undo_does_not_step_over_it(team: list[Clone]) -> None:
    a, b, _ = team
    a.hs("add", "Soon", "--id", "soon", now="2026-11-27T10:00:00+00:00")
    a.hs("label", "soon", "SOON", now="2026-11-27T10:00:00+00:00")
    a.hs("set", "soon", "release", "2026-11-30", now="2026-11-27T10:00:00+00:00")
    a.commit("a")
    a.git("push", "-q")
    b.hs("set", FILM, "trailer", "2027-01", now="2026-11-27T11:00:00+00:00")
    before = b.hs("prompt").stdout
    assert "SOON" not in before
    b.commit("b")
    b.git("pull", "-q", "--no-edit")
    assert b.hs("prompt").stdout == "SOON · 3d\n"
    undo = b.hs("undo", code=1)
    assert "changed outside hstrack" in undo.stderr
    assert b.title("soon") is not None


def test_setup_is_idempotent_and_says_what_it_wrote(team: list[Clone]) -> None:
    a = team[0]
    files = {name: (a.path / name).read_bytes() for name in (".gitattributes", ".gitignore")}
    config = a.git("config", "--local", "--get-regexp", "merge.hstrack").stdout
    again = a.hs("git", "setup")
    assert "nothing to do" in again.stderr
    assert {name: (a.path / name).read_bytes() for name in files} == files
    assert a.git("config", "--local", "--get-regexp", "merge.hstrack").stdout == config
    assert "/store.json merge=hstrack" in files[".gitattributes"].decode()
    ignored = files[".gitignore"].decode()
    for name in ("/store.json.lock", "/store.json.prompt", "/store.json.backups/", "/store.json.complete",
                 "/store.json.notified", "/store.json.notified.lock"):  # fmt: skip
        assert name in ignored
    assert a.git("status", "--porcelain", "--ignored").stdout.count("!! store.json.backups/") == 1
    status = json.loads(a.hs("git", "status", "--json").stdout)
    assert status["set_up"] is True
    assert status["conflicts"] == []


def test_setup_keeps_what_the_files_held(tmp_path: Path, git_env: dict[str, str]) -> None:
    folder = tmp_path / "repo"
    folder.mkdir()
    subprocess.run(["git", "init", "-q", str(folder)], env=git_env, check=True)
    (folder / ".gitignore").write_text("*.pyc")  # no final newline
    clone = Clone(folder, git_env)
    clone.hs("git", "setup")
    text = (folder / ".gitignore").read_text()
    assert text.startswith("*.pyc\n")
    assert text.endswith("\n")
    clone.hs("git", "setup")
    assert (folder / ".gitignore").read_text() == text


def test_setup_outside_a_repository_says_how(tmp_path: Path, git_env: dict[str, str]) -> None:
    clone = Clone(tmp_path / "plain", git_env)
    result = clone.hs("git", "setup", code=2)
    assert "git -C" in result.stderr
    assert "init" in result.stderr
    assert clone.hs("git", "frobnicate", code=2).stdout == ""


def test_a_clone_without_the_driver_is_warned_once_and_the_prompt_never(
    tmp_path: Path, git_env: dict[str, str]
) -> None:
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(tmp_path / "origin.git")], env=git_env,
                   check=True)  # fmt: skip
    a = make_clone(tmp_path, git_env, "a")
    quiet = a.hs("status")  # a store in a repository but not shared (not tracked): no warning
    assert "warning" not in quiet.stderr
    a.commit("a store, tracked without the driver")
    warned = a.hs("status")
    assert warned.stderr.count("hstrack git setup") == 1
    assert a.hs("prompt").stderr == ""
    a.hs("git", "setup")
    a.commit("set up")
    a.git("push", "-q", "origin", "HEAD:main")
    b = make_clone(tmp_path, git_env, "b")  # a fresh clone: the attributes came, the config did not
    fresh = b.hs("show", FILM)
    assert fresh.stderr.count("merge driver is not configured") == 1
    assert b.hs("prompt").stderr == ""
    b.hs("git", "setup")
    assert "warning" not in b.hs("status").stderr


def test_the_driver_leaves_ours_when_a_version_cannot_be_read(tmp_path: Path, git_env: dict[str, str]) -> None:
    clone = Clone(tmp_path / "home", git_env)
    clone.hs("status")
    good = clone.store.read_bytes()
    ours, theirs, base = tmp_path / "ours.json", tmp_path / "theirs.json", tmp_path / "base.json"
    ours.write_bytes(good)
    base.write_bytes(good)
    theirs.write_text("<<<<<<< HEAD\n{\n=======\n}\n>>>>>>> x\n")
    result = clone.hs("merge-file", str(base), str(ours), str(theirs), "store.json", code=1)
    assert "their version" in result.stderr
    assert ours.read_bytes() == good
    theirs.write_text(json.dumps({"schema": 99, "titles": []}))
    assert "newer hstrack" in clone.hs("merge-file", str(base), str(ours), str(theirs), code=1).stderr
    assert ours.read_bytes() == good
    missing = clone.hs("merge-file", str(base), str(tmp_path / "nowhere.json"), str(theirs), code=1)
    assert "cannot read our version" in missing.stderr
    assert clone.hs("merge-file", str(base), str(ours), str(tmp_path), code=1).stderr.count("\n") == 1
    assert ours.read_bytes() == good
    # an empty common version (added on both sides): merged as two copies
    base.write_bytes(b"")
    theirs.write_bytes(good)
    clone.hs("merge-file", str(base), str(ours), str(theirs))
    assert ours.read_bytes() == good


def test_a_title_renamed_on_one_side_and_changed_on_the_other_is_one_title(team: list[Clone]) -> None:
    a, b, _ = team
    a.hs("rename", "heartstopper-s3", "heartstopper-season-3", now="2026-11-27T10:00:00+00:00")
    a.commit("a renames")
    a.git("push", "-q")
    b.hs("set", "heartstopper-s3", "trailer", "2024-09-01", now="2026-11-27T11:00:00+00:00")
    b.commit("b changes")
    b.git("pull", "-q", "--no-edit")
    assert b.title("heartstopper-s3") is None
    assert b.milestones("heartstopper-season-3")["trailer"] == "2024-09-01"
    b.healthy()
