"""Every test runs with its own HSTRACK_HOME, a pinned TZ and no clock from the caller."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from hstrack.cli import app

NOW = "2026-11-27T12:00:00+00:00"
SCHEMAS = Path(__file__).resolve().parent.parent / "schema"
OUTPUT_SCHEMA = json.loads((SCHEMAS / "output-1.schema.json").read_text())
STORE_SCHEMA = json.loads((SCHEMAS / "store-1.schema.json").read_text())


def validate_output(data: Any, command: str) -> None:
    """Every --json document must match its definition in schema/output-1.schema.json."""
    import jsonschema

    definition = {**OUTPUT_SCHEMA, "oneOf": [{"$ref": f"#/$defs/{command}"}]}
    jsonschema.validate(data, definition, format_checker=jsonschema.FormatChecker())
    jsonschema.validate(data, OUTPUT_SCHEMA)  # and it is one of the documented documents


def validate_store(data: Any) -> None:
    import jsonschema

    jsonschema.validate(data, STORE_SCHEMA)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    monkeypatch.setenv("HSTRACK_HOME", str(home))
    monkeypatch.setenv("TZ", "Europe/London")
    monkeypatch.delenv("HSTRACK_NOW", raising=False)
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    # Never let a test find the real user's data through platformdirs.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    # The sources: never the real ones, never a real token.
    for name in ("HSTRACK_TMDB_TOKEN", "HSTRACK_TMDB_URL", "HSTRACK_WIKIDATA_URL", "HSTRACK_CONTACT"):
        monkeypatch.delenv(name, raising=False)
    # The viewer's region comes from these (regions.preference): none, unless a test says.
    for name in ("HSTRACK_REGION", "HSTRACK_MEDIUM", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    # notify's desktop channel: never the real desktop's session bus (a test starts its own).
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    time.tzset()
    yield home
    monkeypatch.undo()
    time.tzset()


def _loopback(host: object) -> bool:
    import ipaddress

    if not isinstance(host, str):
        return False
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False  # a name: resolving it would already ask the network


@pytest.fixture(autouse=True)
def no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may open a connection beyond this machine (there is no internet here and
    none in CI, and a test that needs it is a broken test): a connection to anything but
    the loopback address fails the test on the spot. Unix sockets pass."""
    import socket

    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_create = socket.create_connection

    def check(family: int, address: Any) -> None:
        if family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address[0]):
            pytest.fail(f"a test tried to connect to {address!r}, which is not the loopback address")

    def connect(self: socket.socket, address: Any) -> None:
        check(self.family, address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        check(self.family, address)
        return real_connect_ex(self, address)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        if not _loopback(address[0]):
            pytest.fail(f"a test tried to connect to {address!r}, which is not the loopback address")
        return real_create(address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "create_connection", create_connection)


class Cli:
    """Runs hstrack in-process with a fixed now; keeps stdout and stderr apart."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.runner = CliRunner()

    @property
    def store(self) -> Path:
        return self.home / "store.json"

    def __call__(self, *args: str, now: str | None = NOW, code: int | None = 0, **env: str) -> Any:
        environment = {"HSTRACK_NOW": now} if now else {}
        environment.update(env)
        result = self.runner.invoke(app, list(args), env=environment, prog_name="hstrack")
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        if code is not None:
            assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
        return result

    def json(self, *args: str, **kwargs: Any) -> Any:
        data = json.loads(self(*args, "--json", **kwargs).stdout)
        command = next(a for a in args if not a.startswith("-") and a not in self._global_values(args))
        validate_output(data, command)
        return data

    @staticmethod
    def _global_values(args: tuple[str, ...]) -> set[str]:
        """Values of global options (--store FILE, --at DATE) that come before the command."""
        return {args[i + 1] for i, a in enumerate(args[:-1]) if a in ("--store", "--at")}


@pytest.fixture
def cli(isolated: Path) -> Cli:
    return Cli(isolated)


@pytest.fixture
def seeded(cli: Cli) -> Cli:
    cli("status")
    assert cli.store.exists()
    return cli


# The day a store made from the seed holds the film in production with its release TBA:
# the seed replays only what was public by the day the store is created.
EARLY = "2025-06-10T12:00:00+01:00"


@pytest.fixture
def early(cli: Cli) -> Cli:
    """A store as a new user got it on 10 June 2025 (the film in production, its release
    TBA); every command then runs on 27 November 2026, like any other test. For tests about
    mechanics (charts, scripting) that want a TBA release, not the film's later news."""
    cli("status", now=EARLY)
    assert cli.store.exists()
    return cli


# The day a store made from the seed holds the film's release as H2 2026: the July day was
# not yet public. Seen on 27 November 2026, that window is open, closing in 4 weeks.
JUNE = "2026-06-01T12:00:00+01:00"


@pytest.fixture
def june(cli: Cli) -> Cli:
    """A store as a new user got it on 1 June 2026 (the film in post-production, its
    release H2 2026); every command then runs on 27 November 2026, like any other test.
    For tests about an open window: the seed's film was released on 17 July 2026."""
    cli("status", now=JUNE)
    assert cli.store.exists()
    return cli


def need(program: str) -> str:
    """A program a test drives for real: missing fails in CI (which installs it), skips elsewhere."""
    import shutil

    found = shutil.which(program)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{program} is not installed; .ci/run must install it")
        pytest.skip(f"{program} is not installed here (CI installs it)")
    return found


def git_environment(tmp_path: Path) -> dict[str, str]:
    """An environment for real git: no one's ~/.gitconfig or system config, a fixed author,
    the house's zone and locale."""
    need("git")
    home = tmp_path / "user-home"
    home.mkdir(exist_ok=True)
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(home),  # no one's ~/.gitconfig
        "XDG_CONFIG_HOME": str(home / ".config"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "A",
        "GIT_AUTHOR_EMAIL": "a@example.org",
        "GIT_COMMITTER_NAME": "A",
        "GIT_COMMITTER_EMAIL": "a@example.org",
        "TZ": "Europe/London",
        "LANG": "C.UTF-8",
        "NO_COLOR": "1",
    }


# Hypothesis's profile (README, "Development"): HYPOTHESIS_PROFILE names one; otherwise CI
# (.ci/run sets CI=true) runs "ci" and a developer "dev". `examples` scales each test's own
# count by the profile, as an explicit max_examples wins over any profile's.
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
SCALE = {"ci": 0.5, "long": 10.0}


def examples(count: int) -> int:
    """A property test's number of examples: ``count`` as written, half in CI, ten times in
    the long profile (and as written under "mutation", whose runs were measured so)."""
    return max(min(count, 10), round(count * SCALE.get(PROFILE, 1.0)))


def pytest_configure(config: pytest.Config) -> None:
    from hypothesis import settings

    # No deadline anywhere: the suite runs in parallel workers on a shared 2-core machine,
    # where a single example's time measures the neighbours (benchmarks/ measures speed).
    settings.register_profile("dev", deadline=None)
    # CI clones afresh each run, so an example database would only be written, never read
    # (and its workers would share one folder); print_blob says how to replay a failure.
    settings.register_profile("ci", deadline=None, database=None, print_blob=True)
    settings.register_profile("long", deadline=None, max_examples=1000)
    # tools/mutate.py runs the suite once per mutant: fewer, repeatable examples there.
    settings.register_profile("mutation", max_examples=25, derandomize=True, deadline=None)
    settings.load_profile(PROFILE)


def by_id(events: dict[str, Any], store: Path) -> dict[str, Any]:
    """Calendar events keyed ``UID.milestone@hstrack`` (a title's uid, which no rename
    changes), keyed by the title's id as the store has it now, for tests to read."""
    ids = {t["uid"]: t["id"] for t in json.loads(store.read_text())["titles"]}
    found = {}
    for key, value in events.items():
        uid, _, rest = key.partition(".")
        found[f"{ids.get(uid, uid)}.{rest}"] = value
    return found


def on_pty_stderr(argv: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """Run with stderr on a pty, stdout a pipe: (exit code, stdout, what the terminal got)."""
    import pty
    import select

    primary, secondary = pty.openpty()
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=secondary, stdin=subprocess.DEVNULL,
                          env=env) as process:  # fmt: skip
        os.close(secondary)
        out = process.communicate(timeout=60)[0].decode()
        drawn = b""
        while select.select([primary], [], [], 0.5)[0]:
            try:
                piece = os.read(primary, 65536)
            except OSError:  # the terminal's other end closed
                break
            if not piece:
                break
            drawn += piece
    os.close(primary)
    return process.returncode, out, drawn.decode("utf-8", "replace")
