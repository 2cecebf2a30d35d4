"""The table Tab completion answers from, worked out from the Typer app itself.

A Tab press must not build the Typer app (that alone costs more than the whole answer
should), so ``hstrack.shell.completion_table`` holds this table as plain Python literals, and
``tests/test_completion.py`` holds it equal to what this module derives from the app: a
command or option added without regenerating the table fails the tests. Regenerate with

    .venv/bin/python -m hstrack.cli.completion_spec && .venv/bin/ruff format src/hstrack/shell/completion_table.py

What each option's value completes to is decided here, from its name and metavar, so a new
option with ``metavar="ID"`` or ``metavar="a|b|c"`` completes without further work.
"""

from __future__ import annotations

import pprint
from pathlib import Path
from typing import Any

# Value kinds (what completion offers for a value):
#   ""               a flag: takes no value
#   "text"           free text: nothing to offer
#   "file"           a path: the shell's own file completion
#   "id"             a title id
#   "title-milestone" a milestone kind the title already typed has
#   "milestone"      those and the standard kinds (what `set` and `check` take)
#   "any-milestone"  every kind any title has, and the standard kinds
#   "phase", "title-kind", "platform", "help-topic", "region" (ISO 3166-1 codes)
#   "date"           a date; after a time of day, a time zone
#   "choice:a|b|c"   one of these words
OPTION_KINDS = {
    "--kind": "title-kind",
    "--platform": "platform",
    "--title": "id",
    "--milestone": "any-milestone",
    "--reached": "milestone",
    "--has-date": "milestone",
    "--region": "region",
    "--medium": "choice:theatrical|limited|digital|physical|tv",
}
METAVAR_KINDS = {"ID": "id", "FILE": "file", "DATE": "date", "PHASE": "phase"}
HELP_WIDTH = 60


def _short(text: str | None) -> str:
    """An option's help as a one-line description: its first sentence, cut to fit."""
    line = " ".join((text or "").split())
    for end in (". ", "; "):
        if end in line:
            line = line.split(end, 1)[0]
    line = line.rstrip(".")
    return line if len(line) <= HELP_WIDTH else line[: HELP_WIDTH - 1].rstrip() + "…"


def _option_kind(param: Any) -> str:
    if getattr(param, "is_flag", False):
        return ""
    name = param.opts[0]
    metavar = param.metavar or ""
    if name in OPTION_KINDS:
        return OPTION_KINDS[name]
    if "|" in metavar:
        return "choice:" + metavar.strip("[]")
    return METAVAR_KINDS.get(metavar, "text")


def _argument_kind(command: str, param: Any) -> str:
    metavar = (param.metavar or "").strip("[].")
    if metavar == "ID":
        return "id"
    if param.name == "milestone":
        # `set` takes a new kind too; the others name one the title has.
        return "milestone" if command == "set" else "title-milestone"
    if param.name == "topic":
        return "help-topic"
    if "|" in metavar:
        return "choice:" + metavar
    return METAVAR_KINDS.get(metavar, "text")


def _options(params: list[Any]) -> dict[str, tuple[str, str, bool, str]]:
    """Every option name (short ones too, so a parser can skip their values) with its
    long name, value kind, whether it repeats, and its description."""
    table: dict[str, tuple[str, str, bool, str]] = {}
    for param in params:
        if param.param_type_name != "option":
            continue
        canonical = next((o for o in param.opts if o.startswith("--")), param.opts[0])
        entry = (canonical, _option_kind(param), bool(param.multiple), _short(param.help))
        for name in [*param.opts, *param.secondary_opts]:
            table[name] = entry
    help_entry = ("--help", "", False, "Show this message and exit")
    table["--help"] = table["-h"] = help_entry
    return table


def spec() -> dict[str, Any]:
    """The whole table: global options, commands, and the word lists values come from."""
    from typer.main import get_command

    from hstrack.cli.application import build_app
    from hstrack.cli.help import TOPICS
    from hstrack.cli.registry import COMMAND_AREA
    from hstrack.core.kinds import MILESTONE_LADDER, TITLE_KINDS
    from hstrack.core.report.assess import PHASES

    group: Any = get_command(build_app())
    commands: dict[str, Any] = {}
    for name in COMMAND_AREA:
        command = group.commands[name]
        positionals = tuple(
            (_argument_kind(name, p), p.nargs == -1) for p in command.params if p.param_type_name == "argument"
        )
        commands[name] = (command.get_short_help_str(limit=HELP_WIDTH), _options(command.params), positionals)
    return {
        "GLOBAL_OPTIONS": _options(group.params),
        "COMMANDS": commands,
        "PHASES": tuple(PHASES),
        "TITLE_KINDS": tuple(TITLE_KINDS),
        "MILESTONES": tuple(MILESTONE_LADDER),
        "HELP_TOPICS": tuple(TOPICS),
        # The region codes, from the iso3166 package, so that a Tab press need not load it.
        "REGIONS": tuple(sorted(_regions())),
    }


def _regions() -> frozenset[str]:
    import iso3166

    return frozenset(iso3166.countries_by_alpha2)


HEADER = '''\
"""What Tab completion offers for commands, options and their values: generated from the
Typer app by ``python -m hstrack.cli.completion_spec`` (do not edit by hand), and held
equal to it by tests/test_completion.py. Plain literals, so that a Tab press loads it
without Typer.

COMMANDS: name -> (summary, options, positionals). Options: every name, short ones too,
-> (long name, value kind, repeatable, description); a value kind of "" is a flag.
Positionals: (value kind, takes several words). Value kinds: see completion_spec.
"""

'''


def render() -> str:
    table = spec()
    parts = [HEADER]
    for name, value in table.items():
        parts.append(f"{name} = {pprint.pformat(value, width=110, sort_dicts=False)}\n")
    return "\n".join(parts)


def main() -> None:
    target = Path(__file__).resolve().parent.parent / "shell" / "completion_table.py"
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
