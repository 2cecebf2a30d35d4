"""The user's own settings, set once with ``hstrack config`` and kept in ``config.toml``:
in the platform's config folder (``~/.config/hstrack`` on Linux), or beside the store when
``HSTRACK_HOME`` names the data folder, so a test or a second setup never reads the real
one. The environment wins over the file (``HSTRACK_REGION``, ``HSTRACK_MEDIUM``).

The file is read as untrusted input: a value that breaks the rules of its setting is
reported with the file and key named, never used.
"""

from __future__ import annotations

import os
from pathlib import Path

from hstrack.core.errors import StoreError, UsageError
from hstrack.store.paths import HOME_VARIABLE

CONFIG_NAME = "config.toml"
MAX_SIZE = 64 * 1024  # a settings file of three keys; anything larger is not one
# Each setting, what it holds, and the check a value must pass (typed or read).
KEYS = {
    "region": "your country, ISO 3166-1 alpha-2 (GB, US, DE), or worldwide",
    "medium": "the media you watch, in order: theatrical, limited, digital, physical, tv (comma-separated)",
    "leads": "how long before a dated milestone hstrack notify tells you, unless a title says (7d,1d,0d)",
    "stale": "how long an open window may go without news before status marks the title (90d)",
    "prompt": "what the prompt shows when nothing is pinned: firm (the default), releases or soonest",
    "episodes": "which episodes of a series hstrack notify tells you of: key (premieres and finales) or all",
}
# A value that passes each setting's check, for naming a setting without a value (--unset).
EXAMPLES = {
    "region": "worldwide",
    "medium": "digital",
    "leads": "0d",
    "stale": "90d",
    "prompt": "firm",
    "episodes": "key",
}


def config_path() -> Path:
    if os.environ.get(HOME_VARIABLE):
        from hstrack.store.paths import data_home  # "~nobody": one line saying so, not a traceback

        return data_home() / CONFIG_NAME
    import platformdirs

    return platformdirs.user_config_path("hstrack") / CONFIG_NAME


def check(key: str, value: str) -> str:
    """A setting's value in its one spelling, or a usage error."""
    from hstrack.core.regions import check_medium, check_region

    if key not in KEYS:
        from hstrack.core.suggest import close_matches, did_you_mean

        raise UsageError(f"no setting {key!r}; settings: {', '.join(KEYS)}{did_you_mean(close_matches(key, KEYS))}")
    if key == "region":
        return "worldwide" if value.strip().lower() in ("worldwide", "none", "") else check_region(value)
    if key == "prompt":
        from hstrack.store.prompt_rule import RULES

        rule = value.strip().lower()
        if rule not in RULES:
            from hstrack.core.suggest import close_matches, did_you_mean

            hint = did_you_mean(close_matches(rule, RULES))
            raise UsageError(f"prompt {value[:40]!r} is not one of {', '.join(RULES)}{hint}")
        return rule
    if key == "leads":
        from hstrack.core.model.leads import check_leads

        if value.strip().lower() == "off":  # no lead times unless a title has its own; changes still come
            return "off"
        leads = check_leads([value])
        if not leads:
            raise UsageError("give at least one lead time (7d,1d,0d), or off")
        return ",".join(leads)
    if key == "stale":
        from hstrack.core.dates.spans import read_span

        n, unit = read_span(value)
        if n == 0 or unit == "h":
            raise UsageError(f"{value!r} is not a span to go without news: give days, weeks, months or years (90d)")
        return f"{n}{unit}"
    if key == "episodes":
        said = value.strip().lower()
        if said not in ("key", "all"):
            raise UsageError(f"{value[:20]!r} is not key (premieres and finales) or all (every episode)")
        return said
    media = [check_medium(m) for m in value.split(",") if m.strip()]
    if not media:
        raise UsageError("give at least one medium, or --unset")
    return ",".join(dict.fromkeys(media))


def read(path: Path | None = None) -> dict[str, str]:
    """The saved settings ({} when there is no file)."""
    where = config_path() if path is None else path
    raw = _read_raw(where)
    if raw is None:
        return {}
    import tomllib

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise StoreError(f"{where} is not valid TOML ({exc}); fix or remove it") from None
    saved: dict[str, str] = {}
    for key, value in data.items():
        if key not in KEYS:
            continue  # a setting of a newer hstrack: kept in the file, not used here
        if not isinstance(value, str):
            raise StoreError(f"{where}: {key} must be a string")
        try:
            saved[key] = check(key, value)
        except UsageError as exc:
            raise StoreError(f"{where}: {key}: {exc.message}") from None
    return saved


def _read_raw(where: Path) -> bytes | None:
    """The file's bytes, None when there is none. Your own file, so a symlink to it is
    followed (a dotfiles manager's); a FIFO, a device or a folder is refused at once, and
    a file over 64 KiB before it is read."""
    from hstrack.store.files import read_regular, refusal

    try:
        return read_regular(where, MAX_SIZE)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"cannot read {where}: {refusal(exc)}; fix or remove it") from None


def write(settings: dict[str, str], path: Path | None = None) -> Path:
    """Save the settings (replacing the file atomically). Values are checked spellings:
    codes and medium names, so they need no TOML escaping beyond quotes."""
    from hstrack.store.files import write_atomic

    where = config_path() if path is None else path
    keep: dict[str, object] = {}
    raw = _read_raw(where)
    if raw is not None:
        import tomllib

        try:
            keep = {k: v for k, v in tomllib.loads(raw.decode("utf-8")).items() if k not in KEYS}
        except (UnicodeDecodeError, tomllib.TOMLDecodeError):
            keep = {}
    import json

    lines = ["# hstrack settings: see hstrack config --help", *(f"{k} = {json.dumps(v)}" for k, v in settings.items())]
    for key, value in keep.items():  # another version's settings, carried as TOML scalars
        if isinstance(value, str | int | bool | float):
            lines.append(f"{key} = {json.dumps(value)}")
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot write {where}: {exc.strerror}; nothing was changed") from None
    # Through a symlink to its target (the link stays, as the store's does); atomically.
    write_atomic(("\n".join(lines) + "\n").encode("utf-8"), Path(os.path.realpath(where)), mode=None)
    return where
