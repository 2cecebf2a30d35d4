"""Reproductions of issue 25 ("One truth per title"), through the command line only.

Every test drives hstrack as a user would: the `cli` fixture (in-process, as conftest
runs it) or the installed `hstrack` as a real process beside real git clones, so the
tests survive any reorganisation of hstrack's modules. A test that fails on today's code
is a strict xfail naming its case (issue 25.N); a fix flips it and the mark must go.
Each case is tested with its example and variants (other titles, renames, regions,
merge orders), since the issue asks for the class to be fixed, not the example.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, git_environment

SCRIPT = Path(sys.executable).with_name("hstrack")
FILM = "heartstopper-film"
S3 = "heartstopper-s3"
EARLY = "2025-06-10T12:00:00+01:00"


def at(hour: int, day: int = 27) -> str:
    """A moment on a November 2026 day, UTC: the clock of the changes in these tests."""
    return f"2026-11-{day:02d}T{hour:02d}:00:00+00:00"


def js(cli: Cli, *args: str, **kwargs: Any) -> Any:
    """A view's --json document (not schema-checked here: the suite's other tests do that,
    and checking costs more than the run)."""
    return json.loads(cli(*args, "--json", **kwargs).stdout)


def xfail(case: str, why: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=f"issue {case}: {why}")


# ------------------------------------------------------------------------ real git clones


class Clone:
    """One person's clone of the shared repository; its folder is their HSTRACK_HOME."""

    def __init__(self, path: Path, env: dict[str, str]) -> None:
        self.path = path
        self.env = env

    def hs(self, *args: str, now: str = at(12), code: int | None = 0) -> subprocess.CompletedProcess[str]:
        env = {**self.env, "HSTRACK_HOME": str(self.path), "HSTRACK_NOW": now}
        done = subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=60, check=False)
        assert "Traceback" not in done.stderr, done.stderr
        if code is not None:
            assert done.returncode == code, (args, done.returncode, done.stdout, done.stderr)
        return done

    def git(self, *args: str, code: int | None = 0) -> subprocess.CompletedProcess[str]:
        env = {**self.env, "HSTRACK_HOME": str(self.path), "HSTRACK_NOW": at(9, 28)}
        done = subprocess.run(
            ["git", *args], cwd=self.path, capture_output=True, text=True, env=env, timeout=60, check=False
        )
        assert "Traceback" not in done.stderr, done.stderr
        if code is not None:
            assert done.returncode == code, (args, done.returncode, done.stdout, done.stderr)
        return done

    def commit(self, message: str = "change") -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    def push(self) -> None:
        self.commit()
        self.git("push", "-q")

    def pull(self, mode: str = "merge", code: int | None = 0) -> subprocess.CompletedProcess[str]:
        flag = "--rebase" if mode == "rebase" else "--no-rebase"
        return self.git("pull", "-q", flag, "--no-edit", code=code)

    def titles(self) -> list[dict[str, Any]]:
        """Every title as `status --json` reports it."""
        return json.loads(self.hs("status", "--json", code=None).stdout)["titles"]  # type: ignore[no-any-return]

    def named(self, name: str) -> list[dict[str, Any]]:
        return [t for t in self.titles() if t["name"] == name]

    def dates(self, title: dict[str, Any]) -> dict[str, str]:
        return {m["key"]: m["date"] for m in title["milestones"]}


@pytest.fixture
def git_env(tmp_path: Path) -> dict[str, str]:
    return git_environment(tmp_path)


def make_team(root: Path, env: dict[str, str]) -> tuple[Clone, Clone]:
    """Two clones of one repository holding the seed store, each set up with `git setup`."""
    root.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(root / "origin.git")], env=env, check=True)
    clones = []
    for name in ("a", "b"):
        subprocess.run(
            ["git", "clone", "-q", str(root / "origin.git"), str(root / name)], env=env, check=True, capture_output=True
        )
        clone = Clone(root / name, env)
        clone.git("config", "pull.rebase", "false")
        if name == "a":
            clone.hs("status", now=EARLY)  # the seed, as on its first day
            clone.hs("git", "setup")
            clone.commit("a store")
            clone.git("push", "-q", "origin", "HEAD:main")
        else:
            clone.hs("git", "setup")
        clones.append(clone)
    return clones[0], clones[1]


@pytest.fixture
def team(tmp_path: Path, git_env: dict[str, str]) -> tuple[Clone, Clone]:
    return make_team(tmp_path / "team", git_env)


def shared_title(a: Clone, b: Clone, name: str, title_id: str, *sets: tuple[str, str]) -> None:
    """A title both clones hold before they diverge."""
    a.hs("add", name, "--id", title_id, "--kind", "film", now=at(10, 20))
    for milestone, date in sets:
        a.hs("set", title_id, milestone, date, now=at(10, 20))
    a.push()
    b.pull()


# ---------------------------------------------------------------- 25.1: a merge joins two titles


@pytest.mark.parametrize(
    ("mode", "renamer", "old", "new", "milestone", "theirs", "readded"),
    [
        ("merge", "a", FILM, "hs-film", "release", "2027-02-14", "2030"),
        ("rebase", "a", FILM, "hs-film", "release", "2027-02-14", "2030"),
        ("merge", "b", S3, "season-three", "trailer", "2024-09-01", "2031-05"),
        ("rebase", "b", FILM, "the-film", "trailer", "2027-01", "2029-Q2"),
    ],
)
def test_25_1_rename_and_readd_under_the_old_id_keeps_each_titles_facts(
    team: tuple[Clone, Clone], mode: str, renamer: str, old: str, new: str, milestone: str, theirs: str, readded: str
) -> None:
    """One clone renames a title and adds a different title under the old id; the other
    changes the original title. The change belongs to the renamed title; the new title
    keeps its own date."""
    a, b = team
    first, second = (a, b) if renamer == "a" else (b, a)
    editor = second

    def rename_and_readd(clone: Clone, hour: int) -> None:
        clone.hs("rename", old, new, now=at(hour))
        clone.hs("add", "Another Film", "--id", old, "--kind", "film", now=at(hour))
        clone.hs("set", old, milestone, readded, now=at(hour))

    if renamer == "a":
        rename_and_readd(first, 10)
        first.push()
        editor.hs("set", old, milestone, theirs, now=at(11))
        editor.commit()
        b.pull(mode)
    else:  # the clone that pulls is the one that renamed
        editor.hs("set", old, milestone, theirs, now=at(10))
        editor.push()
        rename_and_readd(first, 11)
        first.commit()
        b.pull(mode)
    by_id = {t["id"]: t for t in b.titles()}
    assert b.dates(by_id[new])[milestone] == theirs  # the change went to the title it was made to
    assert by_id[old]["name"] == "Another Film"
    assert b.dates(by_id[old])[milestone] == readded  # the new title keeps its own date


@pytest.mark.parametrize(("mode", "adder_pushes_first"), [("merge", False), ("rebase", False), ("merge", True)])
def test_25_1_rename_onto_an_id_the_other_side_added_keeps_both_titles(
    team: tuple[Clone, Clone], mode: str, adder_pushes_first: bool
) -> None:
    """A renames `dune` to `dune-2021` while B adds a different film as `dune-2021`:
    after the merge both films exist, each with its own date (whatever their ids)."""
    a, b = team
    shared_title(a, b, "Dune", "dune", ("release", "2021-10-22"))
    renamer, adder = (b, a) if adder_pushes_first else (a, b)
    renamer.hs("rename", "dune", "dune-2021", now=at(10))
    adder.hs("add", "Dune Remake", "--id", "dune-2021", "--kind", "film", now=at(11))
    adder.hs("set", "dune-2021", "release", "2031", now=at(11))
    pusher, puller = (adder, renamer) if adder_pushes_first else (renamer, adder)
    pusher.push()
    puller.commit()
    puller.pull(mode, code=None)
    original = puller.named("Dune")
    remake = puller.named("Dune Remake")
    assert len(original) == 1, [t["id"] for t in puller.titles()]
    assert puller.dates(original[0])["release"] == "2021-10-22"
    assert len(remake) == 1
    assert puller.dates(remake[0])["release"] == "2031"


@pytest.mark.parametrize(
    ("mode", "edit"),
    [
        ("merge", ("set", "dune", "trailer", "2021-07-22")),
        ("rebase", ("set", "dune", "trailer", "2021-07-22")),
        ("merge", ("edit", "dune", "--platform", "Cinemas")),
    ],
)
def test_25_1_remove_and_readd_against_an_edit_is_a_conflict_not_a_mix(
    team: tuple[Clone, Clone], mode: str, edit: tuple[str, ...]
) -> None:
    """A removes `dune` and adds another film as `dune`; B edits the old `dune`. That is
    a removal against a change (a conflict, as README's git section says), and the new
    film must not carry the old film's edit."""
    a, b = team
    shared_title(a, b, "Dune", "dune", ("release", "2021-10-22"))
    a.hs("remove", "dune", "--yes", now=at(10))
    a.hs("add", "Dune Part Three", "--id", "dune", "--kind", "film", now=at(10))
    a.hs("set", "dune", "release", "2026-12-18", now=at(10))
    a.push()
    b.hs(*edit, now=at(11))
    b.commit()
    pulled = b.pull(mode, code=None)
    new = b.named("Dune Part Three")
    assert len(new) == 1
    assert b.dates(new[0]) == {"release": "2026-12-18"}
    assert new[0]["platform"] is None
    assert pulled.returncode != 0  # git reports the conflict
    assert b.named("Dune"), "the edited old film is kept until the conflict is settled"


@pytest.mark.parametrize(("mode", "remover_pushes_first"), [("merge", False), ("rebase", False), ("merge", True)])
def test_25_1_rename_against_remove_is_a_conflict(
    team: tuple[Clone, Clone], mode: str, remover_pushes_first: bool
) -> None:
    a, b = team
    renamer, remover = (b, a) if remover_pushes_first else (a, b)
    renamer.hs("rename", S3, "hs-s3", now=at(10))
    remover.hs("remove", S3, "--yes", now=at(11))
    pusher, puller = (remover, renamer) if remover_pushes_first else (renamer, remover)
    pusher.push()
    puller.commit()
    pulled = puller.pull(mode, code=None)
    assert pulled.returncode != 0
    conflicts = json.loads(puller.hs("git", "status", "--json").stdout)["conflicts"]
    assert len(conflicts) == 1


@pytest.mark.parametrize(("mode", "with_changes"), [("merge", False), ("rebase", False), ("merge", True)])
def test_25_1_renamed_on_both_sides_stays_one_title(team: tuple[Clone, Clone], mode: str, with_changes: bool) -> None:
    a, b = team
    a.hs("rename", S3, "hs-s3", now=at(10))
    if with_changes:
        a.hs("set", "hs-s3", "trailer", "2024-09-01", now=at(10))
    a.push()
    b.hs("rename", S3, "season-3", now=at(11))
    if with_changes:
        b.hs("edit", "season-3", "--platform", "Netflix", now=at(11))
    b.commit()
    b.pull(mode, code=None)
    seasons = b.named("Heartstopper season 3")
    assert len(seasons) == 1, [t["id"] for t in seasons]
    if with_changes:
        assert b.dates(seasons[0])["trailer"] == "2024-09-01"
        assert seasons[0]["platform"] == "Netflix"


# ---------------------------------------------------------------- 25.2: two titles, one first id


def ics_uids(text: str) -> list[str]:
    unfolded = text.replace("\r\n ", "").replace("\n ", "")
    return [line.split(":", 1)[1].strip() for line in unfolded.splitlines() if line.startswith("UID:")]


@pytest.mark.parametrize(
    ("first", "chain"),
    [
        ("alpha", ["old-alpha"]),
        (S3, ["hs-s3"]),
        ("gamma", ["gamma-1", "gamma-2"]),  # renamed twice, a new title each time
    ],
)
def test_25_2_titles_sharing_a_first_id_have_distinct_ics_uids(cli: Cli, first: str, chain: list[str]) -> None:
    cli("status")
    if first != S3:
        cli("add", "First", "--id", first, "--kind", "film")
    cli("set", first, "release", "2027-03-05")
    current = first
    for i, new in enumerate(chain):
        cli("rename", current, new)
        cli("add", f"Another {i}", "--id", first, "--kind", "film")
        cli("set", first, "release", "2027-03-05")
        current = first
    uids = ics_uids(cli("export", "--format", "ics").stdout)
    assert len(uids) == len(set(uids)), sorted(uids)


def test_25_2_a_merge_of_two_renames_gives_no_duplicate_ics_uid(team: tuple[Clone, Clone]) -> None:
    a, b = team
    a.hs("rename", S3, "hs-s3", now=at(10))
    a.push()
    b.hs("rename", S3, "season-3", now=at(11))
    b.commit()
    b.pull(code=None)
    uids = ics_uids(b.hs("export", "--format", "ics").stdout)
    assert len(uids) == len(set(uids)), sorted(uids)


def notified(cli: Cli, now: str) -> list[dict[str, Any]]:
    return json.loads(cli("notify", "--exec", "true", "--json", now=now).stdout)["notifications"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("how", "milestone", "first"),
    [
        ("import", "release", "alpha"),
        ("backdated", "release", "alpha"),
        ("import", "trailer", "alpha"),
        ("import", "release", "beta"),  # the control: no shared first id, and the lead is told today
    ],
)
def test_25_2_notify_keeps_two_titles_with_one_first_id_apart(
    cli: Cli, tmp_path: Path, how: str, milestone: str, first: str
) -> None:
    """`alpha` is renamed `old-alpha` and told its "tomorrow"; a different title `alpha`,
    dated before that lead time came due, arrives later (an import, or a change recorded
    for an earlier time): its own "tomorrow" is still told. The control renames `beta`
    instead, so no first id is shared."""
    other = str(tmp_path / "other")
    cli("add", "Alpha Two", "--id", "alpha", "--kind", "film", now=at(12, 21), HSTRACK_HOME=other)
    cli("set", "alpha", milestone, "2026-11-28", now=at(12, 21), HSTRACK_HOME=other)
    exported = tmp_path / "alpha.json"
    cli("export", "--title", "alpha", "-o", str(exported), now=at(12, 21), HSTRACK_HOME=other)

    cli("add", "Alpha", "--id", first, "--kind", "film", now=at(12, 20))
    cli("set", first, milestone, "2026-11-28", now=at(12, 20))
    cli("rename", first, f"old-{first}", now=at(12, 20))
    notified(cli, at(12, 20))  # the first run: the baseline
    told = notified(cli, at(8))
    assert [(n["title"]["id"], n["lead"]) for n in told if n["kind"] == "lead"] == [(f"old-{first}", "1d")]
    if how == "import":
        cli("import", str(exported), now=at(9))
    else:
        cli("--at", at(12, 21), "add", "Alpha Two", "--id", "alpha", "--kind", "film", now=at(9))
        cli("--at", at(12, 21), "set", "alpha", milestone, "2026-11-28", now=at(9))
    second = notified(cli, at(10))
    leads = [(n["title"]["id"], n["milestone"], n["lead"]) for n in second if n["kind"] == "lead"]
    assert ("alpha", milestone, "1d") in leads, second


# ------------------------------------------------------------------ 25.3: undo never crosses a merge


def trailer_of(clone: Clone, title_id: str) -> str | None:
    shown = clone.hs("show", title_id, "--json", code=None)
    if shown.returncode != 0:
        return None
    dates = {m["key"]: m["date"] for m in json.loads(shown.stdout)["title"]["milestones"]}
    return dates.get("trailer")


@pytest.mark.parametrize(
    ("how", "theirs"), [("merge", "set"), ("rebase", "set"), ("fast-forward", "set"), ("merge", "add")]
)
def test_25_3_undo_never_drops_what_a_pull_brought(team: tuple[Clone, Clone], how: str, theirs: str) -> None:
    """B pulls A's change, makes one change of its own, then undoes again and again:
    B's change goes, A's never does (undo stops at the pull and says so)."""
    a, b = team
    shared_title(a, b, "Shrek 5", "shrek-5")
    if how == "fast-forward":  # B's own change was pushed before A's: the pull fast-forwards
        b.hs("set", FILM, "trailer", "2026-12", now=at(9))
        b.push()
        a.pull()
    if theirs == "set":
        a.hs("set", "shrek-5", "trailer", "Feb 2027", now=at(10))
    else:
        a.hs("add", "Puss in Boots 3", "--id", "puss-3", "--kind", "film", now=at(10))
    a.push()
    if how != "fast-forward":  # B has a change of its own, committed, so the pull merges
        b.hs("set", FILM, "trailer", "2026-12", now=at(10))
        b.commit()
    b.pull("rebase" if how == "rebase" else "merge")
    b.hs("set", "shrek-5", "release", "2027-06-30", now=at(11))
    b.hs("undo")  # B's own change
    codes = []
    for _ in range(3):
        codes.append(b.hs("undo", code=None).returncode)
        if theirs == "set":
            assert trailer_of(b, "shrek-5") == "2027-02"
        else:
            assert b.named("Puss in Boots 3")
    assert 1 in codes  # undo stops at the pull, and says so with exit 1


# ---------------------------------------------------------------- 25.4: list-like fields merge by item


def credits(clone: Clone, title_id: str) -> dict[str, list[str]]:
    return json.loads(clone.hs("show", title_id, "--json").stdout)["title"]["credits"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("mode", "role", "ours", "theirs"),
    [
        ("merge", "Cast", "Eddie Murphy", "Mike Myers"),
        ("rebase", "Cast", "Eddie Murphy", "Mike Myers"),
        ("merge", "Director", "Second Director", "Third Director"),  # a role both already had
    ],
)
def test_25_4_additions_to_a_role_on_both_sides_are_both_kept(
    team: tuple[Clone, Clone], mode: str, role: str, ours: str, theirs: str
) -> None:
    a, b = team
    a.hs("credit", FILM, role, theirs, now=at(10))
    a.push()
    b.hs("credit", FILM, role, ours, now=at(11))
    b.commit()
    b.pull(mode)
    names = credits(b, FILM)[role]
    assert ours in names
    assert theirs in names
    edits = json.loads(b.hs("history", FILM, "--json").stdout)["edits"]
    assert [e["field"] for e in edits].count("credits") >= 2  # history lists both, and the state agrees


def test_25_4_import_merge_keeps_credit_additions_from_both_copies(cli: Cli, tmp_path: Path) -> None:
    other = str(tmp_path / "other")
    cli("status")
    copy = tmp_path / "copy.json"
    cli("export", "-o", str(copy))
    cli("import", str(copy), HSTRACK_HOME=other)
    cli("credit", FILM, "Cast", "Mike Myers", now=at(10))
    cli("credit", FILM, "Cast", "Eddie Murphy", now=at(11), HSTRACK_HOME=other)
    cli("export", "-o", str(copy), HSTRACK_HOME=other)
    cli("import", str(copy), now=at(12))
    names = json.loads(cli("show", FILM, "--json").stdout)["title"]["credits"]["Cast"]
    assert sorted(names) == ["Eddie Murphy", "Mike Myers"]


# ------------------------------------------------------------ 25.5: history explains the state


def assert_history_explains(cli: Cli, title_id: str, milestone: str) -> None:
    """The entries of one milestone, as listed: in recorded order, each starting from
    what the one before left, the last ending in what the title holds now."""
    entries = [e for e in js(cli, "history", title_id)["history"] if e["milestone"] == milestone]
    moments = [datetime.fromisoformat(e["recorded"]) for e in entries]
    assert moments == sorted(moments), [e["recorded"] for e in entries]
    before = None
    for e in entries:
        old = e["old"]["date"] if e["old"] else None
        assert old == before, [(x["recorded"], x["summary"]) for x in entries]
        before = e["new"]["date"] if e["new"] else None
    shown = {m["key"]: m["date"] for m in js(cli, "show", title_id)["title"]["milestones"]}
    assert shown.get(milestone) == before, (shown, [(x["recorded"], x["summary"]) for x in entries])


@pytest.mark.parametrize(
    "steps",
    [
        # (when, command...): the example
        [(at(12), "set", "release", "2027"), ("2026-06-01", "set", "release", "Q3 2027")],
        # a backdated change between two others
        [
            (at(9, 1), "set", "trailer", "2027-03"),
            (at(9, 20), "set", "trailer", "2027-04"),
            (at(9, 10), "set", "trailer", "2027-05"),
        ],
        # a backdated removal before the date was set
        [(at(12), "set", "trailer", "2027-03"), ("2026-06-01", "unset", "trailer")],
    ],
)
def test_25_5_a_backdated_change_leaves_a_history_that_replays_to_the_value(
    cli: Cli, steps: list[tuple[str, ...]]
) -> None:
    cli("add", "Test Film", "--kind", "film")
    for when, command, milestone, *date in steps:
        cli("--at", when, command, "test-film", milestone, *date, code=None)
    assert_history_explains(cli, "test-film", steps[0][2])


def test_25_5_undated_changes_replay_to_the_value(cli: Cli) -> None:
    """The invariant on plain changes, which holds today (a guard for the fix)."""
    cli("add", "Test Film", "--kind", "film")
    for date in ("2027", "Q3 2027", "2027-08-14", "2027-09"):
        cli("set", "test-film", "release", date)
    cli("unset", "test-film", "release")
    cli("set", "test-film", "release", "2028")
    assert_history_explains(cli, "test-film", "release")


# ------------------------------------------------------------------- 25.6: one rule for "next"

# (region, the releases, the one that is next for that viewer, a span it is due within)
REGIONAL = {
    "gb-streaming-after-cinemas": (
        "GB",
        [
            ("release@GB:theatrical", "2026-11-26"),
            ("release@US:theatrical", "2026-11-26"),
            ("release:digital", "2026-12-25"),
        ],
        "release:digital",
        "30d",
    ),
    "us-disc-after-cinemas": (
        "US",
        [
            ("release@US:theatrical", "2026-11-20"),
            ("release@FR:theatrical", "2026-12-05"),
            ("release:physical", "2026-12-20"),
        ],
        "release:physical",
        "30d",
    ),
    "gb-streaming-before-cinemas": (
        "GB",
        [("release@GB:theatrical", "2027-01-20"), ("release:digital", "2026-12-10")],
        "release:digital",
        "14d",
    ),
}


def regional(cli: Cli, scenario: str) -> tuple[str, str, str]:
    """A store holding only `narnia`, with the scenario's releases; the viewer's region set."""
    region, releases, expected, span = REGIONAL[scenario]
    cli("add", "Narnia", "--kind", "film", now=at(12, 1))
    cli("remove", FILM, "--yes", now=at(12, 1))
    cli("remove", S3, "--yes", now=at(12, 1))
    cli("label", "narnia", "NARNIA", now=at(12, 1))
    for key, date in releases:
        cli("set", "narnia", key, date, now=at(12, 1))
    cli("config", "region", region)
    return expected, span, dict(releases)[expected]


SCENARIOS = list(REGIONAL)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_25_6_status_and_countdown_count_a_worldwide_release(cli: Cli, scenario: str) -> None:
    expected, _, _ = regional(cli, scenario)
    title = js(cli, "status")["titles"][0]
    assert title["next"] is not None
    assert title["next"]["key"] == expected
    assert js(cli, "countdown", "narnia")["milestone"]["key"] == expected


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_25_6_check_due_within_counts_a_worldwide_release(cli: Cli, scenario: str) -> None:
    _, span, _ = regional(cli, scenario)
    cli("check", "narnia", "--due-within", span)  # exit 0: it holds


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_25_6_remind_and_notify_follow_a_worldwide_release(cli: Cli, scenario: str) -> None:
    expected, _, date = regional(cli, scenario)
    line = next(x for x in cli("remind", "narnia").stdout.splitlines() if x.split("\t")[1] == expected)
    assert "not your release" not in line
    assert "\toff\t" not in line
    notified(cli, at(12))  # the baseline
    week_before = datetime.fromisoformat(date).toordinal() - 7
    when = datetime.fromordinal(week_before).strftime("%Y-%m-%dT09:00:00+00:00")
    sent = notified(cli, when)
    assert (expected, "7d") in [(n["milestone"], n["lead"]) for n in sent if n["kind"] == "lead"], sent


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_25_6_the_prompt_counts_down_to_a_worldwide_release(cli: Cli, scenario: str) -> None:
    _, _, date = regional(cli, scenario)
    days = datetime.fromisoformat(date).toordinal() - datetime.fromisoformat(at(12)).toordinal()
    assert cli("prompt").stdout.strip() == f"NARNIA · {days}d"


# ------------------------------------------------------------ 25.7: words that keep their meaning


def last_summary(cli: Cli, title_id: str) -> str:
    return js(cli, "history", title_id)["history"][-1]["summary"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("milestone", "typed"),
    [
        ("trailer", ["spring 2027", "--tentative"]),
        ("premiere", ["summer 2027?"]),
        ("release", ["2027-03-05~"]),
        ("release", ["3 Oct 2027 20:00 America/New_York", "--tentative"]),
    ],
)
def test_25_7_tentative_is_said_in_history_and_changes(cli: Cli, milestone: str, typed: list[str]) -> None:
    cli("add", "X", "--kind", "film")
    cli("set", "x", milestone, *typed)
    assert "tentative" in last_summary(cli, "x")
    assert "tentative" in js(cli, "changes", "--since", "1d")["changes"][0]["summary"]
    assert "tentative" in cli("history", "x", COLUMNS="200").stdout


def test_25_7_tentative_is_said_in_a_notified_change(cli: Cli) -> None:
    cli("add", "X", "--kind", "film", now=at(10))
    notified(cli, at(10))  # the baseline
    cli("set", "x", "trailer", "spring 2027", "--tentative", now=at(11))
    sent = notified(cli, at(12))
    assert [n["summary"] for n in sent if n["kind"] == "change"]
    assert all("tentative" in n["summary"] for n in sent if n["kind"] == "change"), sent


WIDENINGS = [("2027-10-01", "Q4 2027"), ("Q4 2027", "2027"), ("2027-11-05", "2027-10..2027-12"), ("2027-06", "H1 2027")]


@pytest.mark.parametrize(("before", "after"), WIDENINGS)
def test_25_7_a_wider_window_that_holds_the_old_date_is_widened(cli: Cli, before: str, after: str) -> None:
    cli("add", "X", "--kind", "film")
    cli("set", "x", "release", before)
    cli("set", "x", "release", after)
    summary = last_summary(cli, "x")
    assert "widened" in summary
    assert "moved" not in summary


@pytest.mark.parametrize(
    ("before", "after"), [("2027", "Q4 2027"), ("2027-10..2027-12", "2027-11"), ("H2 2027", "2027-08-03")]
)
def test_25_7_a_narrower_window_inside_the_old_one_is_firmed_up(cli: Cli, before: str, after: str) -> None:
    """Holds today: narrowing reads "firmed up"."""
    cli("add", "X", "--kind", "film")
    cli("set", "x", "release", before)
    cli("set", "x", "release", after)
    summary = last_summary(cli, "x")
    assert "firmed up" in summary
    assert "moved" not in summary


@pytest.mark.parametrize(("before", "after"), [("2027-10-01", "2027-10-08"), ("Q4 2027", "Q1 2028")])
def test_25_7_a_window_that_moved_is_moved(cli: Cli, before: str, after: str) -> None:
    """Holds today: a date that really moved reads "moved"."""
    cli("add", "X", "--kind", "film")
    cli("set", "x", "release", before)
    cli("set", "x", "release", after)
    assert "moved" in last_summary(cli, "x")


@pytest.mark.parametrize(("before", "after"), WIDENINGS[:2])
def test_25_7_a_widened_date_is_not_notified_as_a_slip(cli: Cli, before: str, after: str) -> None:
    cli("add", "X", "--kind", "film", now=at(9))
    cli("set", "x", "release", before, now=at(9))
    notified(cli, at(9))  # the baseline
    cli("set", "x", "release", after, now=at(10))
    changes = [n["summary"] for n in notified(cli, at(11)) if n["kind"] == "change"]
    assert changes
    assert all("widened" in s and "moved" not in s for s in changes), changes


# --------------------------------------------------------- 25.8: merge and rebase give one store


def run_team(root: Path, env: dict[str, str], mode: str, scenario: str) -> dict[str, Any]:
    a, b = make_team(root, env)
    steps = {
        "pin-titles": ([("pin", FILM)], [("pin", S3)]),
        "pin-milestone-vs-title": ([("pin", S3, "release")], [("pin", FILM)]),
        "pin-later-on-the-pushing-side": ([("pin", S3)], [("pin", FILM)]),
        "credits": ([("credit", FILM, "Cast", "Mike Myers")], [("credit", FILM, "Cast", "Eddie Murphy")]),
        "same-second-dates": ([("set", FILM, "release", "2027-03")], [("set", FILM, "release", "2027-02-14")]),
    }[scenario]
    hours = (12, 11) if scenario == "pin-later-on-the-pushing-side" else (10, 11)
    if scenario == "same-second-dates":
        hours = (10, 10)
    for step in steps[0]:
        a.hs(*step, now=at(hours[0]))
    a.push()
    for step in steps[1]:
        b.hs(*step, now=at(hours[1]))
    b.commit()
    b.pull(mode)
    return json.loads((b.path / "store.json").read_text())  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "scenario",
    [
        "pin-titles",
        "pin-milestone-vs-title",
        "pin-later-on-the-pushing-side",
        "credits",  # holds today (both keep the later side's list; 25.4 is about losing one)
        "same-second-dates",
    ],
)
def test_25_8_merge_and_rebase_give_the_same_store(tmp_path: Path, git_env: dict[str, str], scenario: str) -> None:
    merged = run_team(tmp_path / "merge", git_env, "merge", scenario)
    rebased = run_team(tmp_path / "rebase", git_env, "rebase", scenario)
    assert merged == rebased


# ------------------------------------------------- 25.9: last reached inside an open window


@pytest.mark.parametrize(
    ("sets", "when", "expected"),
    [
        ([("premiere", "2026-10"), ("release", "2026-10-03")], "2026-10-10", "release"),
        ([("trailer", "H1 2026"), ("release", "2026-08-05"), ("premiere", "2026")], "2026-09-17", "release"),
        ([("trailer", "Q4 2026"), ("production-start", "2026-10-05")], "2026-10-20", "production-start"),
    ],
)
def test_25_9_last_reached_is_the_latest_reached_even_inside_an_open_window(
    cli: Cli, sets: list[tuple[str, str]], when: str, expected: str
) -> None:
    cli("add", "X", "--kind", "film", now="2026-01-01T12:00:00+00:00")
    for milestone, date in sets:
        cli("set", "x", milestone, date, now="2026-01-01T12:00:00+00:00")
    title = next(t for t in js(cli, "--at", when, "status")["titles"] if t["id"] == "x")
    assert title["last"] is not None
    assert title["last"]["key"] == expected
    assert title["last"]["reached"] is True


# ------------------------------------------------------ 25.10: an instant keeps its own offset


def strip_zone(date: str) -> str:
    """The date's moment as EDTF spells it: no zone name, UTC as Z."""
    return re.sub(r"[+-]00:00$", "Z", re.sub(r"\[[^]]*\]$", "", date))


def instants(data: Any) -> list[tuple[str, str]]:
    """(date, edtf) of every instant milestone object anywhere in a JSON document."""
    found = []
    if isinstance(data, dict):
        if data.get("precision") == "instant" and "edtf" in data:
            found.append((data["date"], data["edtf"]))
        for value in data.values():
            found += instants(value)
    elif isinstance(data, list):
        for value in data:
            found += instants(value)
    return found


@pytest.mark.parametrize(
    "sets",
    [
        pytest.param([("x", "trailer", "2026-10-03T07:00Z"), ("x", "release", "2026-10-03T00:00-07:00")]),
        pytest.param([("x", "release", "2026-10-03T00:00-07:00"), ("x", "trailer", "2026-10-03T07:00Z")]),
        # holds today: an instant in a named zone keeps its offset beside a UTC one
        [("x", "trailer", "2026-10-03 08:00 Europe/London"), ("x", "release", "2026-10-03T07:00Z")],
        # two titles: the moment is shared across the whole store
        pytest.param([("x", "trailer", "2026-10-03T07:00Z"), ("y", "release", "2026-10-03T16:00+09:00")]),
    ],
)
def test_25_10_an_instant_keeps_its_own_offset_in_every_view(cli: Cli, sets: list[tuple[str, str, str]]) -> None:
    cli("add", "X", "--kind", "film", now="2026-09-27T12:00:00+00:00")
    cli("add", "Y", "--kind", "film", now="2026-09-27T12:00:00+00:00")
    for title, milestone, date in sets:
        cli("set", title, milestone, date, now="2026-09-27T12:00:00+00:00")
    now = "2026-09-27T12:00:00+00:00"
    seen: list[tuple[str, str]] = []
    for args in (("status",), ("show", "x"), ("timeline", "x"), ("upcoming",), ("show", "y")):
        seen += instants(js(cli, *args, now=now))
    rows = csv.DictReader(io.StringIO(cli("export", "--format", "csv", now=now).stdout))
    seen += [(r["date"], r["edtf"]) for r in rows if r["precision"] == "instant"]
    assert len(seen) >= 8
    wrong = sorted({(d, e) for d, e in seen if strip_zone(d) != e})
    assert wrong == []


# --------------------------------------------------- 25.11: import keeps a date's own mark


def import_one(cli: Cli, tmp_path: Path, date: str, tentative: bool | None, code: int | None = 0) -> Any:
    milestone: dict[str, Any] = {"kind": "release", "date": date}
    if tentative is not None:
        milestone["tentative"] = tentative
    document = {
        "schema": 1,
        "titles": [{"id": "x", "name": "X", "kind": "film", "milestones": [milestone], "history": []}],
    }
    path = tmp_path / "in.json"
    path.write_text(json.dumps(document, ensure_ascii=False))
    return cli("import", str(path), code=code)


MARKED = ["summer 2024?", "2099~", "3–7 Oct 2008?", "2027-26%"]


@pytest.mark.parametrize("date", MARKED)
def test_25_11_import_reads_a_dates_own_mark_as_tentative(cli: Cli, tmp_path: Path, date: str) -> None:
    import_one(cli, tmp_path, date, None)
    shown = js(cli, "show", "x")["title"]["milestones"]
    assert [m["tentative"] for m in shown] == [True]
    cli("add", "Y", "--kind", "film")
    cli("set", "y", "release", date)
    by_set = js(cli, "show", "y")["title"]["milestones"][0]
    assert (shown[0]["date"], shown[0]["tentative"]) == (by_set["date"], by_set["tentative"])


@pytest.mark.parametrize("date", MARKED)
def test_25_11_import_refuses_a_mark_beside_tentative_false(cli: Cli, tmp_path: Path, date: str) -> None:
    """README, Date forms: a mark "marks the milestone tentative, as set --tentative does
    (--firm with a marked date is a usage error)". The record's `"tentative": false` is the
    import's --firm, so the contradiction is refused like any bad record: exit 2, the record
    named, nothing written (README, Export and import)."""
    cli("status")
    before = cli.store.read_bytes()
    result = import_one(cli, tmp_path, date, False, code=2)
    assert "x" in result.stderr
    assert cli.store.read_bytes() == before


@pytest.mark.parametrize("date", MARKED)
def test_25_11_import_of_a_mark_beside_tentative_true_is_tentative(cli: Cli, tmp_path: Path, date: str) -> None:
    """Holds today: a mark that agrees with the record's flag."""
    import_one(cli, tmp_path, date, True)
    assert [m["tentative"] for m in js(cli, "show", "x")["title"]["milestones"]] == [True]
