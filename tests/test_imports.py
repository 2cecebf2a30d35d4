"""Import hygiene of the fast paths: what each command loads, measured, not timed.

Startup is a feature (issue: speed at every size): a command pays only for the libraries it
needs. Each case runs a real process with ``-X importtime`` and reads which modules it
loaded; the positive controls prove the check can fail.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("typer", "click", "rich", "dateutil", "icalendar", "filelock", "jsonschema", "pydantic", "hashlib")


def loaded(home: Path, *argv: str) -> set[str]:
    """The top-level packages a run imports."""
    return {name.split(".")[0] for name in loaded_modules(home, *argv)}


def loaded_modules(home: Path, *argv: str, **extra: str) -> set[str]:
    code = f"import sys; sys.argv = {['hstrack', *argv]!r}; from hstrack.entry import main; main()"
    env = {"HSTRACK_HOME": str(home), "HSTRACK_NOW": "2026-11-27T12:00:00+00:00", "TZ": "Europe/London",
           "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **extra}  # fmt: skip
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", code], env=env, capture_output=True,
                            text=True, check=False)  # fmt: skip
    assert result.returncode in (0, 1), result.stderr[-2000:]
    return {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("imports")
    subprocess.run([sys.executable, "-m", "hstrack", "status"], env={"HSTRACK_HOME": str(folder), "PATH": "/usr/bin"},
                   capture_output=True, check=True)  # fmt: skip
    return folder


@pytest.mark.parametrize(
    ("argv", "allowed"),
    [
        (["prompt"], set()),
        (["__complete", "bash", "", "hstrack show "], set()),  # a Tab press (see test_completion)
        (["status", "--json"], {"typer", "click"}),
        (["check", "heartstopper-film", "--released"], {"typer", "click"}),
        (["countdown", "heartstopper-film", "--json"], {"typer", "click"}),
        (["status"], {"typer", "click", "rich"}),
        (["show", "heartstopper-film"], {"typer", "click", "rich"}),
        # The write lock is hstrack.store.locking's own flock (filelock only its fallback); a write
        # hashes with the standard library's own SHA-256, not hashlib (OpenSSL).
        (["set", "heartstopper-film", "trailer", "2027-03-01"], {"typer", "click"}),
        (["set", "heartstopper-film", "trailer", "Q2 2027"], {"typer", "click"}),
    ],
)
def test_a_fast_path_loads_only_what_it_needs(home: Path, argv: list[str], allowed: set[str]) -> None:
    heavy = {m for m in loaded(home, *argv) if m in HEAVY} - allowed
    assert heavy == set(), f"hstrack {' '.join(argv)} loaded {sorted(heavy)}"


def test_the_libraries_load_where_they_are_needed(home: Path, tmp_path: Path) -> None:
    """Positive controls: the same check sees them when they are used."""
    assert "dateutil" in loaded(home, "set", "heartstopper-film", "trailer", "3-Oct-2027")  # only dateutil reads it
    # The ICS export writes its events itself; icalendar writes the VTIMEZONEs, so it is
    # loaded for a calendar with a time in a zone (in a copy: the store here is shared).
    zoned = tmp_path / "zoned"
    shutil.copytree(home, zoned)
    loaded(zoned, "set", "heartstopper-film", "trailer", "2027-03-01 09:00 Europe/London")
    assert "icalendar" in loaded(zoned, "export", "--format", "ics")
    assert "rich" in loaded(home, "status")
    assert "typer" not in loaded(home, "prompt")


PICTURES = {"hstrack.views.chart", "hstrack.views.calendar", "hstrack.views.pictures"}


@pytest.mark.parametrize("argv", [["status"], ["status", "--json"], ["timeline", "heartstopper-film"]])
def test_tables_and_json_do_not_load_the_charts(home: Path, argv: list[str]) -> None:
    assert loaded_modules(home, *argv) & PICTURES == set()


def test_charts_load_where_they_are_drawn(home: Path) -> None:
    assert {"hstrack.views.chart", "hstrack.views.pictures"} <= loaded_modules(home, "status", "--chart")
    assert "hstrack.views.calendar" in loaded_modules(home, "calendar", "--json")


NETWORK = {"urllib.request", "http.client", "ssl", "hstrack.sources.http", "hstrack.sources.fetching"}


@pytest.mark.parametrize(
    "argv",
    [["status"], ["status", "--json"], ["show", "heartstopper-film"], ["set", "heartstopper-film", "trailer", "2027"],
     ["proposals"], ["prompt"]],
)  # fmt: skip
def test_only_the_network_commands_load_the_http_client(home: Path, argv: list[str]) -> None:
    assert loaded_modules(home, *argv) & NETWORK == set()


def test_the_network_commands_load_it(tmp_path: Path) -> None:
    """Positive control: sync and find load it (offline with an empty cache, and against a
    loopback port nobody listens on: both fail with exit 1, which the check allows)."""
    env = {"HSTRACK_HOME": str(tmp_path), "PATH": "/usr/bin"}
    subprocess.run([sys.executable, "-m", "hstrack", "link", "heartstopper-film", "wikidata:Q1"], env=env,
                   capture_output=True, check=True)  # fmt: skip
    assert {"urllib.request", "hstrack.sources.http"} <= loaded_modules(tmp_path, "sync", "--offline")
    nobody = {"HSTRACK_WIKIDATA_URL": "http://127.0.0.1:9"}
    assert "hstrack.sources.http" in loaded_modules(tmp_path, "find", "x", "--source", "wikidata", **nobody)


@pytest.mark.parametrize("argv", [["status"], ["status", "--json"], ["check", "heartstopper-film", "--released"]])
def test_a_store_without_links_or_places_loads_neither_the_sources_nor_the_country_list(
    home: Path, argv: list[str]
) -> None:
    """The sources' references and the ISO 3166 list are read only for a title that has a
    link or a release with a region: the everyday views of a plain store pay for neither."""
    assert loaded_modules(home, *argv) & {"hstrack.sources", "iso3166", "tomllib"} == set()


def test_a_place_loads_the_country_list(home: Path) -> None:
    """Positive control: the same check sees it when a region is read."""
    subprocess.run([sys.executable, "-m", "hstrack", "set", "heartstopper-film", "release@GB", "2027"],
                   env={"HSTRACK_HOME": str(home), "PATH": "/usr/bin"}, capture_output=True, check=True)  # fmt: skip
    assert "iso3166" in loaded_modules(home, "status", "--json")


@pytest.mark.parametrize("argv", [["status"], ["status", "--json"]])
def test_a_plain_status_loads_neither_the_filters_nor_the_change_feed(home: Path, argv: list[str]) -> None:
    assert loaded_modules(home, *argv) & {"hstrack.core.filters", "hstrack.core.feed"} == set()
    assert "hstrack.core.filters" in loaded_modules(home, *argv, "--active")  # the same check sees it


# (hstrack.cli.notify itself is loaded by importlib, which -X importtime does not report;
# main() loads only the running command's area, and what that area loads is listed here.)
NOTIFY = {"hstrack.notify.planning", "hstrack.notify.channels", "jeepney", "apprise"}


@pytest.mark.parametrize(
    "argv",
    [["prompt"], ["__complete", "bash", "", "hstrack remind "], ["status"], ["status", "--json"],
     ["set", "heartstopper-film", "trailer", "2027"], ["check", "heartstopper-film", "--released"]],
)  # fmt: skip
def test_notify_adds_nothing_to_the_other_commands(home: Path, argv: list[str]) -> None:
    """notify's code, its D-Bus library and apprise load only for notify (and the prompt and
    a Tab press load none of it, nor the lead times' settings)."""
    assert loaded_modules(home, *argv) & NOTIFY == set()


def test_notify_loads_a_channel_only_to_send(home: Path) -> None:
    """Positive control, and the promise that a run with nothing due opens no channel: the
    desktop's D-Bus library loads only when something is sent, apprise only with --apprise."""
    quiet = loaded_modules(home, "notify")  # the first run: a baseline, nothing due
    assert {"hstrack.notify.planning", "hstrack.notify.channels"} <= quiet
    assert quiet & {"jeepney", "apprise"} == set()
    assert "apprise" not in loaded_modules(home, "notify", "--dry-run", "--exec", "true")


@pytest.mark.parametrize("argv", [["status"], ["status", "--json"], ["set", "heartstopper-film", "trailer", "2027"]])
def test_a_run_with_a_store_loads_neither_the_seed_nor_the_checks(home: Path, argv: list[str]) -> None:
    """The seed is read only to create a store, and the checks only by ``check``: each
    module's class creation is paid for by every run that imports it (issue 18)."""
    assert loaded_modules(home, *argv) & {"hstrack.store.seed", "hstrack.core.checks"} == set()
    assert "hstrack.core.checks" in loaded_modules(home, "check", "heartstopper-film", "--released")  # it can see them


def test_a_write_takes_the_lock_without_filelock(home: Path) -> None:
    """hstrack.store.locking's own flock; filelock is only its fallback where flock is missing."""
    modules = loaded_modules(home, "set", "heartstopper-film", "trailer", "2027")
    assert "hstrack.store.locking" in modules
    assert "filelock" not in {m.split(".")[0] for m in modules}
