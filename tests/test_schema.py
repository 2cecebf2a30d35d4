"""Schema versions: a fixture for every version the project has had, migration of older
stores on the first write, and refusal to write a newer one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import hstrack.store.store
from hstrack.core.errors import StoreError
from hstrack.core.model.document import SCHEMA_VERSION

from .conftest import Cli

FIXTURES = Path(__file__).with_name("fixtures")


def install(cli: Cli, name: str) -> bytes:
    cli.home.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / name, cli.store)
    return cli.store.read_bytes()


def test_there_is_a_fixture_for_every_schema_version() -> None:
    for version in range(1, SCHEMA_VERSION + 1):
        assert (FIXTURES / f"schema-{version}.json").exists()


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION + 1))
def test_every_schema_fixture_reads_and_survives_a_write(cli: Cli, version: int) -> None:
    install(cli, f"schema-{version}.json")
    data = cli.json("status")
    assert {t["id"] for t in data["titles"]} == {"every-precision", "minimal"}
    cli("set", "minimal", "release", "2028")
    after = json.loads(cli.store.read_text())
    assert after["schema"] == SCHEMA_VERSION  # every store is written as the newest: every title has a uid
    if version < 3:  # the uids a store without them gets are derived, the same on every clone
        assert [t["uid"] for t in after["titles"]] == [t["uid"] for t in json.loads(
            (FIXTURES / "schema-3.json").read_text())["titles"]]  # fmt: skip
    assert after["shared_by"] == "a field from a future version, to be kept"
    every = next(t for t in after["titles"] if t["id"] == "every-precision")
    assert every["rating"] == "15"
    assert next(m for m in every["milestones"] if m["kind"] == "festival")["venue"] == "unknown to hstrack"
    before = json.loads((FIXTURES / f"schema-{version}.json").read_text())
    assert every["history"] == next(t for t in before["titles"] if t["id"] == "every-precision")["history"]
    if version >= 2:  # releases in places, with their own fields, kept as they were
        placed = [m for m in every["milestones"] if "region" in m or "medium" in m]
        assert [(m["kind"], m.get("region"), m.get("medium")) for m in placed] == [
            ("premiere", "US", None), ("release", None, "digital"), ("release", "GB", "theatrical")
        ]  # fmt: skip
        assert placed[0]["venue"] == "a field of a placed premiere, to be kept"


def test_a_newer_store_is_read_but_never_written(cli: Cli) -> None:
    before = install(cli, "schema-99.json")
    result = cli("status", "--json")
    assert json.loads(result.stdout)["titles"][0]["id"] == "from-the-future"
    assert "newer hstrack (schema 99)" in result.stderr
    refused = cli("set", "from-the-future", "release", "2028", code=1)
    assert "written by a newer hstrack" in refused.stderr
    assert "upgrade" in refused.stderr
    cli("add", "Something", code=1)
    cli("undo", code=1)
    assert cli.store.read_bytes() == before


def test_a_newer_store_that_cannot_be_read_says_upgrade(cli: Cli) -> None:
    before = install(cli, "schema-99-unreadable.json")
    result = cli("status", code=1)
    assert "newer hstrack (schema 99" in result.stderr
    assert "upgrade hstrack" in result.stderr
    assert cli.store.read_bytes() == before


# Schema 3 gives every title its uid. Schemas 1 and 2 are migrated when read (uids derived
# from the id a title was created with and its first recorded change) and written as 3 on
# the first change, after a backup of the old file.


@pytest.mark.parametrize("version", [1, 2])
def test_an_older_store_is_migrated_on_the_first_write_after_a_backup(cli: Cli, version: int) -> None:
    old = install(cli, f"schema-{version}.json")
    cli("status")
    assert cli.store.read_bytes() == old  # reading never migrates the file
    cli("set", "minimal", "release", "2028")
    migrated = json.loads(cli.store.read_text())
    assert migrated["schema"] == 3
    assert all(len(t["uid"]) == 36 for t in migrated["titles"])
    store = hstrack.store.store.Store(cli.store)
    backups = store.versions()
    assert backups[0].read() == old
    assert backups[0].description == f"the store before migrating from schema {version}"
    once = cli.store.read_bytes()
    cli("set", "minimal", "release", "2028")  # the same again: nothing to change
    assert cli.store.read_bytes() == once
    cli("undo")
    assert cli.store.read_bytes() == old  # and the migration itself can be undone


def test_two_clones_that_migrate_apart_still_match_their_titles(cli: Cli, tmp_path: Path) -> None:
    """The same old store, migrated in two places after different changes, gives each
    title one uid: an import (or a git merge) of one into the other adds no title."""
    install(cli, "schema-1.json")
    cli("set", "minimal", "release", "2028")
    cli("rename", "every-precision", "all-of-them")
    other = tmp_path / "other.json"
    shutil.copy(FIXTURES / "schema-1.json", other)
    cli("--store", str(other), "set", "minimal", "trailer", "2027-05")
    here = {t["uid"]: t["id"] for t in json.loads(cli.store.read_text())["titles"]}
    there = {t["uid"]: t["id"] for t in json.loads(other.read_text())["titles"]}
    assert set(here) == set(there)
    cli("import", "--merge", str(other))
    merged = json.loads(cli.store.read_text())["titles"]
    assert sorted(t["id"] for t in merged) == ["all-of-them", "minimal"]
    minimal = next(t for t in merged if t["id"] == "minimal")
    assert {m["kind"] for m in minimal["milestones"]} >= {"release", "trailer"}


def test_a_title_renamed_before_the_migration_keeps_the_uid_of_its_first_id(cli: Cli, tmp_path: Path) -> None:
    """A title renamed by an older hstrack is known by the id it was created with, so a
    clone that has not seen the rename migrates it to the same uid."""
    data = json.loads((FIXTURES / "schema-1.json").read_text())
    renamed = json.loads(json.dumps(data))
    title = next(t for t in renamed["titles"] if t["id"] == "minimal")
    title["id"] = "smallest"
    title.setdefault("edits", []).append(
        {"recorded": "2026-12-01T12:00:00+00:00", "field": "id", "old": "minimal", "new": "smallest"}
    )
    cli.home.mkdir(parents=True)
    cli.store.write_text(json.dumps(renamed))
    first = {t["id"]: t["uid"] for t in cli.json("status")["titles"]}
    cli.store.write_text(json.dumps(data))
    second = {t["id"]: t["uid"] for t in cli.json("status")["titles"]}
    assert first["smallest"] == second["minimal"]


def test_a_store_that_cannot_be_migrated_writes_nothing(cli: Cli) -> None:
    data = json.loads((FIXTURES / "schema-1.json").read_text())
    data["titles"][1]["credits"] = ["not", "a", "mapping"]
    cli.home.mkdir(parents=True)
    cli.store.write_text(json.dumps(data))
    before = cli.store.read_bytes()
    result = cli("set", "every-precision", "release", "2028", code=1)
    assert "credits: expected dict" in result.stderr
    assert cli.store.read_bytes() == before
    assert not (cli.home / "store.json.backups").exists()


def test_a_title_s_uid_is_a_uuid_no_other_title_has(cli: Cli) -> None:
    """A title written without one (by hand) gets the uid a migration would give it; one
    that is not a UUID, or is another title's, is damage."""
    data = json.loads((FIXTURES / "schema-3.json").read_text())
    cli.home.mkdir(parents=True)
    missing = json.loads(json.dumps(data))
    missing["titles"][0].pop("uid")
    cli.store.write_text(json.dumps(missing))
    assert [t["uid"] for t in cli.json("status")["titles"]] != []
    assert {t["uid"] for t in cli.json("status")["titles"]} == {t["uid"] for t in data["titles"]}
    for change, says in (
        (lambda d: d["titles"][0].update(uid="not-a-uid"), "is not a UUID"),
        (lambda d: d["titles"][0].update(uid=7), "is not a UUID"),
        (lambda d: d["titles"][1].update(uid=d["titles"][0]["uid"]), "is another title's too"),
    ):
        broken = json.loads(json.dumps(data))
        change(broken)
        cli.store.write_text(json.dumps(broken))
        assert says in cli("status", code=1).stderr


def test_unknown_schema_value_is_damage_not_a_crash(cli: Cli) -> None:
    cli.home.mkdir(parents=True)
    cli.store.write_text('{"schema": 0, "titles": []}')
    assert "'schema' must be a whole number of at least 1" in cli("status", code=1).stderr
    with pytest.raises(StoreError):
        hstrack.store.store.Store(cli.store).read()
