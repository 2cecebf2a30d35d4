"""Facts a merge must never lose (issue 25.12), through the commands: `import` (two copies,
no common version) and the git merge driver (`merge-file`, as git runs it, and real git
clones pulling with merge and rebase).

The class under test: a fact only one side changed is that side's, however far behind its
clock is; a fact both changed goes to the later change, where "later" is when that fact
was set, not when anything else about the title was; and nothing either side added
(a link, a proposal, a rejection, a pin, a conflict record, a field this hstrack does not
know) is dropped, nor anything one side refused brought back.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, git_environment
from tests.test_identity import at, make_team

FILM = "heartstopper-film"
S3 = "heartstopper-s3"
EARLY = "2025-06-10T12:00:00+01:00"
BEHIND = at(6, 28)  # the clock of the side whose change must be kept
AHEAD = at(18, 28)  # the other side, which changed something else later


def title_of(data: dict[str, Any], title_id: str) -> dict[str, Any]:
    return next(t for t in data["titles"] if t["id"] == title_id)


def patch(store: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """A change hstrack makes elsewhere (a sync's proposal, a newer hstrack's field),
    written into the store as that would leave it."""
    data = json.loads(store.read_text())
    change(data)
    store.write_text(json.dumps(data, indent=2))


def milestone(date: str) -> dict[str, Any]:
    return {"date": date, "tentative": False, "source": None, "note": None}


def _proposal(title_id: str, key: str, date: str, field: str = "proposals") -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        entry = {
            "recorded": "2026-11-28T06:00:00+00:00",
            "milestone": key,
            "origin": "wikidata",
            "new": milestone(date),
        }
        title_of(data, title_id).setdefault(field, []).append(entry)

    return change


def _conflict(title_id: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        uid = title_of(data, title_id)["uid"]
        data["conflicts"] = [{"title": title_id, "recorded": "2026-11-28T06:00:00+00:00",
                              "reason": "removed in one copy and changed in the other", "uid": uid}]  # fmt: skip

    return change


def _unknown(where: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        if where == "document":
            data["x-future"] = value
        elif where == "title":
            title_of(data, FILM)["x-rating"] = value
        else:
            title_of(data, FILM)["milestones"][0]["x-venue"] = value

    return change


# What one side does (at a clock hours behind the other's), and how to see it in a store.
Fact = tuple[list[tuple[str, ...]], Callable[[dict[str, Any]], None] | None, Callable[[dict[str, Any]], bool]]
FACTS: dict[str, Fact] = {
    "platform": ([("edit", FILM, "--platform", "BBC One")], None, lambda d: title_of(d, FILM)["platform"] == "BBC One"),
    "name": ([("edit", S3, "--name", "Heartstopper: Three")], None,
             lambda d: title_of(d, S3)["name"] == "Heartstopper: Three"),
    "cleared notes": ([("edit", FILM, "--notes", "old"), ("edit", FILM, "--no-notes")], None,
                      lambda d: not title_of(d, FILM)["notes"]),
    "credit": ([("credit", FILM, "Cast", "Kit Connor")], None,
               lambda d: "Kit Connor" in title_of(d, FILM)["credits"].get("Cast", [])),
    "milestone": ([("set", S3, "trailer", "2027-03")], None,
                  lambda d: any(m["kind"] == "trailer" for m in title_of(d, S3)["milestones"])),
    "removal": ([("unset", FILM, "announced")], None,
                lambda d: all(m["kind"] != "announced" for m in title_of(d, FILM)["milestones"])),
    "link": ([("link", FILM, "wikidata:Q42")], None, lambda d: "wikidata:Q42" in title_of(d, FILM).get("links", [])),
    "pin": ([("pin", S3, "release")], None, lambda d: d.get("pin", {}).get("title") == S3),
    "lead times": ([("remind", S3, "--lead", "3d")], None, lambda d: title_of(d, S3).get("notify") == {"*": ["3d"]}),
    "off": ([("remind", FILM, "--off")], None, lambda d: title_of(d, FILM).get("notify") == {"*": []}),
    "proposal": ([], _proposal(S3, "release", "2027-05-01"),
                 lambda d: [p["new"]["date"] for p in title_of(d, S3).get("proposals", [])] == ["2027-05-01"]),
    "rejection": ([], _proposal(S3, "release", "2027-05-02", "rejected"),
                  lambda d: [p["new"]["date"] for p in title_of(d, S3).get("rejected", [])] == ["2027-05-02"]),
    "conflict record": ([], _conflict(S3), lambda d: [c["title"] for c in d.get("conflicts", [])] == [S3]),
    "unknown field": ([], _unknown("document", {"a": 1}), lambda d: d.get("x-future") == {"a": 1}),
    "unknown title field": ([], _unknown("title", "PG"), lambda d: title_of(d, FILM).get("x-rating") == "PG"),
    "unknown milestone field": ([], _unknown("milestone", ["Leicester Square"]),
                                lambda d: title_of(d, FILM)["milestones"][0].get("x-venue") == ["Leicester Square"]),
}  # fmt: skip


def copies(cli: Cli, tmp_path: Path, *names: str) -> list[Path]:
    """Store folders holding the same seeded store: the common version and its copies."""
    cli("status", now=EARLY)
    homes = []
    for name in names:
        home = tmp_path / name
        home.mkdir()
        shutil.copy(cli.store, home / "store.json")
        homes.append(home)
    return homes


def run_all(cli: Cli, home: Path, commands: list[tuple[str, ...]], now: str) -> None:
    for command in commands:
        cli(*command, now=now, HSTRACK_HOME=str(home))


def driver(cli: Cli, tmp_path: Path, base: Path, ours: Path, theirs: Path) -> dict[str, Any]:
    """git's merge driver on three stores, as git runs it: the result replaces ours."""
    sides = []
    for name, store in (("O", base), ("A", ours), ("B", theirs)):
        shutil.copy(store, tmp_path / name)
        sides.append(str(tmp_path / name))
    cli("merge-file", *sides, "store.json", now=at(9, 29), code=None)
    return json.loads((tmp_path / "A").read_text())  # type: ignore[no-any-return]


@pytest.mark.parametrize("fact", sorted(FACTS))
def test_git_keeps_a_fact_only_one_side_changed_however_far_behind_its_clock(
    cli: Cli, tmp_path: Path, fact: str
) -> None:
    commands, hand, holds = FACTS[fact]
    base, slow, fast = copies(cli, tmp_path, "base", "slow", "fast")
    run_all(cli, slow, commands, BEHIND)
    if hand is not None:
        patch(slow / "store.json", hand)
    # The other side changes the same titles, later, in every way but this one.
    run_all(cli, fast, [("set", FILM, "trailer", "2027-01"), ("edit", S3, "--notes", "later"),
                        ("set", S3, "release", "2027-06")], AHEAD)  # fmt: skip
    assert holds(json.loads((slow / "store.json").read_text()))
    for ours, theirs in ((slow, fast), (fast, slow)):
        merged = driver(cli, tmp_path, base / "store.json", ours / "store.json", theirs / "store.json")
        assert holds(merged), (fact, "ours" if ours == slow else "theirs")
        assert title_of(merged, S3)["notes"] == "later"  # and the other side's changes too


@pytest.mark.parametrize("fact", ["proposal", "rejection", "link", "lead times", "unknown title field"])
def test_git_drops_nothing_when_both_sides_changed_the_title_at_the_same_moment(
    cli: Cli, tmp_path: Path, fact: str
) -> None:
    """A tie in every clock: the fact only one side has is still kept, either way round."""
    commands, hand, holds = FACTS[fact]
    base, slow, fast = copies(cli, tmp_path, "base", "slow", "fast")
    run_all(cli, slow, [*commands, ("set", S3, "trailer", "2027-02")], AHEAD)
    if hand is not None:
        patch(slow / "store.json", hand)
    run_all(cli, fast, [("set", S3, "trailer", "2027-03")], AHEAD)
    for ours, theirs in ((slow, fast), (fast, slow)):
        assert holds(driver(cli, tmp_path, base / "store.json", ours / "store.json", theirs / "store.json"))


def test_git_does_not_bring_back_a_proposal_one_side_refused(cli: Cli, tmp_path: Path) -> None:
    """Both copies had the proposal; one rejected it (behind the other's clock): the merge
    keeps the rejection and the proposal stays gone, whichever side merges."""
    base, slow, fast = copies(cli, tmp_path, "base", "slow", "fast")
    for home in (base, slow, fast):
        patch(home / "store.json", _proposal(S3, "release", "2027-05-01"))
    cli("reject", S3, "release", now=BEHIND, HSTRACK_HOME=str(slow))
    run_all(cli, fast, [("set", S3, "trailer", "2027-03"), ("edit", S3, "--notes", "later")], AHEAD)
    for ours, theirs in ((slow, fast), (fast, slow)):
        merged = title_of(driver(cli, tmp_path, base / "store.json", ours / "store.json", theirs / "store.json"), S3)
        assert merged.get("proposals", []) == []
        assert [r["new"]["date"] for r in merged.get("rejected", [])] == ["2027-05-01"]


@pytest.mark.parametrize("where", ["document", "title", "milestone"])
def test_git_merges_unknown_fields_three_way(cli: Cli, tmp_path: Path, where: str) -> None:
    """A field a newer hstrack wrote: one side's change or removal is taken, the other's
    unchanged value does not undo it, and a field neither changed stays."""
    base, ours, theirs = copies(cli, tmp_path, "base", "ours", "theirs")
    for home in (base, ours, theirs):
        patch(home / "store.json", _unknown(where, "first"))
    patch(theirs / "store.json", _unknown(where, {"second": [1, 2]}))
    cli("set", FILM, "trailer", "2027-01", now=AHEAD, HSTRACK_HOME=str(ours))

    def value(data: dict[str, Any]) -> Any:
        if where == "document":
            return data.get("x-future")
        if where == "title":
            return title_of(data, FILM).get("x-rating")
        return title_of(data, FILM)["milestones"][0].get("x-venue")

    for a, b in ((ours, theirs), (theirs, ours)):
        assert value(driver(cli, tmp_path, base / "store.json", a / "store.json", b / "store.json")) == {
            "second": [1, 2]
        }

    def drop(data: dict[str, Any]) -> None:
        if where == "document":
            data.pop("x-future")
        elif where == "title":
            title_of(data, FILM).pop("x-rating")
        else:
            title_of(data, FILM)["milestones"][0].pop("x-venue")

    patch(theirs / "store.json", drop)
    for a, b in ((ours, theirs), (theirs, ours)):
        assert value(driver(cli, tmp_path, base / "store.json", a / "store.json", b / "store.json")) is None


# ---------------------------------------------------------------------------- import (two copies)


@pytest.mark.parametrize(("title_id", "key"), [(FILM, "announced"), (S3, "release"), (FILM, "production-start")])
def test_an_import_never_brings_back_a_date_removed_after_the_export(
    cli: Cli, tmp_path: Path, title_id: str, key: str
) -> None:
    cli("status", now=EARLY)
    cli("set", title_id, key, "2027-04-01", now=at(8))
    exported = tmp_path / "older.json"
    cli("export", "-o", str(exported), now=at(8))
    cli("unset", title_id, key, now=at(10))
    cli("import", str(exported), now=at(12))
    keys = [m["kind"] for m in title_of(json.loads(cli.store.read_text()), title_id)["milestones"]]
    assert key not in keys


@pytest.mark.parametrize(("title_id", "key"), [(FILM, "announced"), (S3, "release")])
def test_an_import_takes_a_removal_made_after_the_stores_date(
    cli: Cli, tmp_path: Path, title_id: str, key: str
) -> None:
    other = tmp_path / "other"
    cli("status", now=EARLY)
    cli("set", title_id, key, "2027-04-01", now=at(8))
    exported = tmp_path / "copy.json"
    cli("export", "-o", str(exported), now=at(8))
    cli("import", str(exported), now=at(8), HSTRACK_HOME=str(other))
    cli("unset", title_id, key, now=at(10), HSTRACK_HOME=str(other))
    cli("export", "-o", str(exported), now=at(10), HSTRACK_HOME=str(other))
    cli("import", str(exported), now=at(12))
    keys = [m["kind"] for m in title_of(json.loads(cli.store.read_text()), title_id)["milestones"]]
    assert key not in keys
    # And a date set again after the removal wins over it.
    cli("set", title_id, key, "2027-05-01", now=at(14))
    cli("import", str(exported), now=at(15))
    dates = {m["kind"]: m["date"] for m in title_of(json.loads(cli.store.read_text()), title_id)["milestones"]}
    assert dates[key] == "2027-05-01"


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (("--lead", "3d"), ("--lead", "1d")),
        (("--off",), ("--lead", "1d")),
        (("--lead", "2w"), ("--off",)),
        (("--lead", "12h"), ("--default",)),
    ],
)
def test_an_older_export_never_reverts_lead_times_set_since(
    cli: Cli, tmp_path: Path, ours: tuple[str, ...], theirs: tuple[str, ...]
) -> None:
    """The copy's title changed after the store's in other ways (a date), but its lead
    times are older than the store's: the store's stay, and the copy's date comes."""
    other = tmp_path / "other"
    cli("status", now=EARLY)
    exported = tmp_path / "copy.json"
    cli("remind", S3, *theirs, now=at(8), HSTRACK_HOME=str(other))
    cli("set", S3, "trailer", "2027-02", now=at(9), HSTRACK_HOME=str(other))
    cli("export", "-o", str(exported), now=at(9), HSTRACK_HOME=str(other))
    cli("remind", S3, "--lead", "5d", now=at(9))
    cli("remind", S3, *ours, now=at(10))
    wanted = title_of(json.loads(cli.store.read_text()), S3).get("notify")
    cli("import", str(exported), now=at(12))
    merged = title_of(json.loads(cli.store.read_text()), S3)
    assert merged.get("notify") == wanted
    assert any(m["kind"] == "trailer" for m in merged["milestones"])
    if theirs == ("--default",):
        return  # forgetting a setting leaves nothing an import could take (git's merge sees it)
    # The other way round: lead times set after the store's are taken.
    cli("remind", S3, *theirs, now=at(13), HSTRACK_HOME=str(other))
    cli("export", "-o", str(exported), now=at(13), HSTRACK_HOME=str(other))
    cli("import", str(exported), now=at(14))
    assert title_of(json.loads(cli.store.read_text()), S3).get("notify") == title_of(
        json.loads((other / "store.json").read_text()), S3
    ).get("notify")


# ---------------------------------------------------------------------------- real git clones


GIT_FACTS = ("platform", "credit", "removal", "link", "pin", "lead times", "proposal", "conflict record",
             "unknown field", "unknown title field")  # fmt: skip


@pytest.mark.parametrize(("mode", "puller"), [("merge", "fast"), ("rebase", "slow")])
def test_a_pull_keeps_every_fact_the_side_with_the_slow_clock_changed(tmp_path: Path, mode: str, puller: str) -> None:
    slow, fast = make_team(tmp_path / "team", git_environment(tmp_path))
    fast.pull()
    for fact in GIT_FACTS:
        commands, hand, _ = FACTS[fact]
        for command in commands:
            slow.hs(*command, now=BEHIND)
        if hand is not None:
            patch(slow.path / "store.json", hand)
    fast.hs("set", FILM, "trailer", "2027-01", now=AHEAD)
    fast.hs("edit", S3, "--notes", "later", now=AHEAD)
    first, second = (slow, fast) if puller == "fast" else (fast, slow)
    first.push()
    second.commit()
    second.pull(mode, code=None)  # the conflict record makes git report the store as conflicted
    data = json.loads((second.path / "store.json").read_text())
    missing = [fact for fact in GIT_FACTS if not FACTS[fact][2](data)]
    assert missing == []
    assert title_of(data, S3)["notes"] == "later"
    assert {m["kind"]: m["date"] for m in title_of(data, FILM)["milestones"]}["trailer"] == "2027-01"


# ---------------------------------------------------------------------------- what a merge says


def _apart(cli: Cli, tmp_path: Path) -> tuple[Path, Path, Path]:
    """The seeded store, and two copies of it changed apart: fact by fact, some on one
    side, some on the other, some on both (at different times)."""
    base, ours, theirs = copies(cli, tmp_path, "base", "ours", "theirs")
    for args, now in [
        (("edit", FILM, "--platform", "BBC", "--notes", "n"), at(10, 21)),
        (("set", FILM, "trailer", "2027-01"), at(10, 21)),
        (("unset", FILM, "announced"), at(10, 21)),
        (("credit", FILM, "Cast", "Kit Connor"), at(10, 21)),
        (("link", FILM, "wikidata:Q1"), at(10, 21)),
        (("remind", S3, "--lead", "3d"), at(10, 21)),
        (("add", "New One", "--id", "new-one"), at(10, 21)),
        (("set", S3, "release", "2027-06"), at(9, 20)),
        (("edit", S3, "--name", "Third"), at(9, 20)),
    ]:
        cli(*args, now=now, HSTRACK_HOME=str(theirs))
    for args, now in [
        (("set", S3, "release", "2027-05"), at(12, 20)),
        (("edit", S3, "--name", "S3"), at(12, 20)),
        (("set", FILM, "release", "2027-02-14"), at(12, 22)),
    ]:
        cli(*args, now=now, HSTRACK_HOME=str(ours))
    return base / "store.json", ours / "store.json", theirs / "store.json"


def test_an_import_says_fact_by_fact_what_it_took_and_what_it_kept(cli: Cli, tmp_path: Path) -> None:
    _, ours, theirs = _apart(cli, tmp_path)
    shutil.copy(ours, cli.store)
    said = cli("import", str(theirs), now=at(12, 23)).stderr
    assert said.splitlines()[1:] == [
        "  updated  heartstopper-film",
        "           took platform changed to 'BBC'",
        "           took notes set to 'n'",
        "           took credits for Cast: added Kit Connor",
        "           took announced removed (the file removed it later)",
        "           took trailer January 2027",
        "           took link wikidata:Q1",
        "           kept release 14 Feb 2027 (the store's is newer or as new; the file says TBA)",
        "  updated  heartstopper-s3",
        "           took lead times for *",
        "           kept name (the store's 'S3' is newer than the file's 'Third')",
        "           kept release May 2027 (the store's is newer or as new; the file says June 2027)",
        "  added    new-one",
    ]
    assert said.splitlines()[0].endswith(": 1 added, 2 updated, 0 kept, 0 unchanged")
    # The other way round: the store is the copy that changed more.
    shutil.copy(theirs, cli.store)
    said = cli("import", str(ours), now=at(12, 23)).stderr
    assert said.splitlines()[1:] == [
        "  updated  heartstopper-film",
        "           took release 14 Feb 2027 (was TBA)",
        "           kept platform (the store's 'BBC' is newer than the file's 'Netflix')",
        "           kept announced removed (the store removed it later than the file set it)",
        "           kept trailer January 2027 (the file does not have it)",
        "  updated  heartstopper-s3",
        "           took name changed to 'S3'",
        "           took release May 2027 (was June 2027)",
    ]
    assert said.splitlines()[0].endswith(": 0 added, 2 updated, 0 kept, 0 unchanged")
    again = cli("import", str(ours), now=at(12, 24)).stderr.splitlines()  # nothing more to take
    assert again[0].endswith(": 0 added, 0 updated, 1 kept, 1 unchanged")
    assert "  kept     heartstopper-film" in again


def test_the_driver_says_each_fact_both_sides_changed_and_how_it_was_decided(cli: Cli, tmp_path: Path) -> None:
    base, ours, theirs = _apart(cli, tmp_path)
    for a, b in ((ours, theirs), (theirs, ours)):
        sides = []
        for name, store in (("O", base), ("A", a), ("B", b)):
            shutil.copy(store, tmp_path / name)
            sides.append(str(tmp_path / name))
        said = cli("merge-file", *sides, "store.json", now=at(9, 29)).stderr
        word = "kept" if a == ours else "took"
        assert said.splitlines() == [
            f"hstrack: store.json: both changed heartstopper-s3: name: {word} 'S3' (set later), "
            + ("'Third' is in the edits" if word == "kept" else "kept 'Third' in the edits"),
            f"hstrack: store.json: both changed heartstopper-s3: release: {word} May 2027 (recorded later), "
            "June 2027 is in the history",
        ]
        merged = json.loads((tmp_path / "A").read_text())
        assert title_of(merged, S3)["name"] == "S3"
        assert title_of(merged, FILM)["platform"] == "BBC"


# ---------------------------------------------------------------------------- ties and edges


def _store(home: Path) -> dict[str, Any]:
    return json.loads((home / "store.json").read_text())  # type: ignore[no-any-return]


def _both_orders(cli: Cli, tmp_path: Path, base: Path, a: Path, b: Path) -> list[dict[str, Any]]:
    return [driver(cli, tmp_path, base / "store.json", x / "store.json", y / "store.json") for x, y in ((a, b), (b, a))]


@pytest.mark.parametrize(
    "change",
    [
        (("rename", S3, "season-3"), ("rename", S3, "s3")),
        (("edit", FILM, "--notes", "mine"), ("edit", FILM, "--notes", "yours")),
        (("edit", S3, "--name", "Zed"), ("edit", S3, "--name", "Alpha")),
        (("remind", FILM, "--lead", "3d"), ("remind", FILM, "--lead", "1w")),
    ],
)
def test_git_settles_a_tie_in_time_the_same_whichever_side_merges(
    cli: Cli, tmp_path: Path, change: tuple[tuple[str, ...], tuple[str, ...]]
) -> None:
    """Both sides changed one fact in the same second: the value that sorts last wins,
    so a merge and a rebase (which swaps the sides) give the same store."""
    base, a, b = copies(cli, tmp_path, "base", "a", "b")
    cli(*change[0], now=AHEAD, HSTRACK_HOME=str(a))
    cli(*change[1], now=AHEAD, HSTRACK_HOME=str(b))
    first, second = _both_orders(cli, tmp_path, base, a, b)
    assert first == second
    assert first != _store(a) or first != _store(b)


@pytest.mark.parametrize("field", ["notes", "platform", "synopsis"])
def test_an_import_keeps_the_stores_own_value_on_a_tie_and_never_empties_a_field(
    cli: Cli, tmp_path: Path, field: str
) -> None:
    other = tmp_path / "other"
    cli("status", now=EARLY)
    exported = tmp_path / "copy.json"
    cli("export", "-o", str(exported), now=EARLY)
    cli("import", str(exported), now=EARLY, HSTRACK_HOME=str(other))
    cli("edit", FILM, f"--{field}", "Ours", now=AHEAD)
    cli("edit", FILM, f"--{field}", "Theirs", now=AHEAD, HSTRACK_HOME=str(other))  # the same second
    cli("export", "-o", str(exported), now=AHEAD, HSTRACK_HOME=str(other))
    said = cli("import", str(exported), now=at(19, 28)).stderr
    assert title_of(_store(cli.home), FILM)[field] == "Ours"
    assert f"           kept {field} (the store's 'Ours' is newer than the file's 'Theirs')" in said.splitlines()
    # A file that merely lacks a value never empties the field.
    bare = json.loads(exported.read_text())
    for title in bare["titles"]:
        title.pop(field, None)
        title.pop("edited", None)
        title["edits"] = [e for e in title.get("edits", []) if e["field"] != field]
    lacking = tmp_path / "lacking.json"
    lacking.write_text(json.dumps(bare))
    cli("import", str(lacking), now=at(19, 28).replace("T19:00", "T19:30"))
    assert title_of(_store(cli.home), FILM)[field] == "Ours"
    # A file that cleared it, later than the store set it: a clearing is a change like any
    # other (as a removed milestone is), and the history explains the result.
    cli("edit", FILM, f"--no-{field}", now=at(20, 28), HSTRACK_HOME=str(other))
    cli("export", "-o", str(exported), now=at(20, 28), HSTRACK_HOME=str(other))
    cli("import", str(exported), now=at(21, 28))
    assert title_of(_store(cli.home), FILM).get(field) is None
    assert "does not explain" not in cli("doctor", now=at(21, 29)).stdout


def test_importing_the_stores_own_export_changes_nothing(cli: Cli, tmp_path: Path) -> None:
    cli("status", now=EARLY)
    for args in (("edit", FILM, "--notes", "n"), ("set", S3, "trailer", "2027-02"), ("credit", FILM, "Cast", "K"),
                 ("link", FILM, "wikidata:Q1"), ("remind", S3, "--lead", "2d"), ("rename", S3, "s3")):  # fmt: skip
        cli(*args, now=AHEAD)
    patch(cli.store, _proposal("s3", "release", "2027-05-01"))
    exported = tmp_path / "copy.json"
    cli("export", "-o", str(exported), now=AHEAD)
    before = cli.store.read_bytes()
    said = cli("import", str(exported), now=at(20, 28)).stderr
    assert said.splitlines()[0].endswith(": 0 added, 0 updated, 0 kept, 2 unchanged")
    assert json.loads(cli.store.read_bytes()) == json.loads(before)


def test_an_import_takes_a_proposal_and_says_so_and_keeps_the_history_it_brings(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "other"
    cli("status", now=EARLY)
    exported = tmp_path / "copy.json"
    cli("export", "-o", str(exported), now=EARLY)
    cli("import", str(exported), now=EARLY, HSTRACK_HOME=str(other))
    cli("set", S3, "trailer", "2027-02", now=AHEAD, HSTRACK_HOME=str(other))
    patch(other / "store.json", _proposal(S3, "release", "2027-05-01"))
    cli("export", "-o", str(exported), now=AHEAD, HSTRACK_HOME=str(other))
    said = cli("import", str(exported), now=at(20, 28)).stderr
    assert "           took proposal release from wikidata" in said.splitlines()
    merged = title_of(_store(cli.home), S3)
    assert [p["new"]["date"] for p in merged["proposals"]] == ["2027-05-01"]
    # The trailer came with the file's own entry saying so, and no second one.
    assert [c["recorded"] for c in merged["history"] if c["milestone"] == "trailer"] == [AHEAD]


def test_git_keeps_a_rejection_both_sides_still_hold_and_refuses_only_what_it_names(cli: Cli, tmp_path: Path) -> None:
    base, a, b = copies(cli, tmp_path, "base", "a", "b")
    for home in (base, a, b):
        patch(home / "store.json", _proposal(S3, "release", "2027-05-02", "rejected"))
    patch(b / "store.json", _proposal(S3, "trailer", "2027-05-03"))  # a proposal for another milestone
    patch(b / "store.json", _proposal(FILM, "release", "2027-05-02"))  # the same value, another title
    cli("set", S3, "trailer", "2027-01", now=AHEAD, HSTRACK_HOME=str(a))
    for merged in _both_orders(cli, tmp_path, base, a, b):
        s3 = title_of(merged, S3)
        assert [r["new"]["date"] for r in s3.get("rejected", [])] == ["2027-05-02"]
        assert [(p["milestone"], p["new"]["date"]) for p in s3.get("proposals", [])] == [("trailer", "2027-05-03")]
        assert [p["new"]["date"] for p in title_of(merged, FILM).get("proposals", [])] == ["2027-05-02"]
