"""Schema versions: a fixture for every version the project has had, migration of older
stores on the first write, and refusal to write a newer one."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

import hstrack.core.model.shape
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
    assert after["schema"] == version  # 1 stays 1: a store without placed releases is written as before
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


# Schemas 1 and 2 need no migration (2 is 1 plus placed releases, written only when a store
# holds one). The migration machinery is exercised against an imagined schema 3 in which
# credit roles are stored lowercase, which every store must then be migrated to.
def lowercase_roles(data: dict[str, Any]) -> dict[str, Any]:
    for title in data.get("titles", []):
        credits = title.get("credits") or {}
        if not isinstance(credits, dict):
            raise hstrack.core.model.shape.ShapeError(f"title {title.get('id')!r}: credits must be a mapping")
        title["credits"] = {role.lower(): names for role, names in credits.items()}
    data["schema"] = 3
    return data


@pytest.fixture
def schema_two(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every module that bound the constants (the model's document and reading, the store's
    # parts) sees the newer schema, as an hstrack of that version would.
    import hstrack.core.model.reading
    import hstrack.store.store

    for module in [m for name, m in sys.modules.items() if name.startswith("hstrack.")]:
        for name, value in (("SCHEMA_VERSION", 3), ("OLDEST_CURRENT", 3)):
            if hasattr(module, name):
                monkeypatch.setattr(module, name, value)
    monkeypatch.setattr(
        hstrack.core.model.reading, "MIGRATIONS", {1: lambda data: {**data, "schema": 2}, 2: lowercase_roles}
    )


@pytest.mark.usefixtures("schema_two")
def test_an_older_store_is_migrated_on_the_first_write_after_a_backup(cli: Cli) -> None:
    old = install(cli, "schema-1.json")
    cli("status")
    assert cli.store.read_bytes() == old  # reading never migrates
    cli("set", "minimal", "release", "2028")
    migrated = json.loads(cli.store.read_text())
    assert migrated["schema"] == 3
    assert next(t for t in migrated["titles"] if t["id"] == "every-precision")["credits"] == {"director": ["Someone"]}
    store = hstrack.store.store.Store(cli.store)
    backups = store.versions()
    assert backups[0].read() == old
    assert backups[0].description == "the store before migrating from schema 1"
    once = cli.store.read_bytes()
    cli("set", "minimal", "release", "2028")  # the same again: nothing to change
    assert cli.store.read_bytes() == once
    cli("undo")
    assert cli.store.read_bytes() == old  # and the migration itself can be undone


@pytest.mark.usefixtures("schema_two")
def test_a_migration_that_fails_writes_nothing(cli: Cli) -> None:
    data = json.loads((FIXTURES / "schema-1.json").read_text())
    data["titles"][1]["credits"] = ["not", "a", "mapping"]
    cli.home.mkdir(parents=True)
    cli.store.write_text(json.dumps(data))
    before = cli.store.read_bytes()
    result = cli("set", "every-precision", "release", "2028", code=1)
    assert "credits must be a mapping" in result.stderr
    assert cli.store.read_bytes() == before
    assert not (cli.home / "store.json.backups").exists()


def test_unknown_schema_value_is_damage_not_a_crash(cli: Cli) -> None:
    cli.home.mkdir(parents=True)
    cli.store.write_text('{"schema": 0, "titles": []}')
    assert "'schema' must be a whole number of at least 1" in cli("status", code=1).stderr
    with pytest.raises(StoreError):
        hstrack.store.store.Store(cli.store).read()
