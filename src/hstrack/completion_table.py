"""What Tab completion offers for commands, options and their values: generated from the
Typer app by ``python -m hstrack.cli.completion_spec`` (do not edit by hand), and held
equal to it by tests/test_completion.py. Plain literals, so that a Tab press loads it
without Typer.

COMMANDS: name -> (summary, options, positionals). Options: every name, short ones too,
-> (long name, value kind, repeatable, description); a value kind of "" is a flag.
Positionals: (value kind, takes several words). Value kinds: see completion_spec.
"""

GLOBAL_OPTIONS = {
    "--store": ("--store", "file", False, "Use this store file instead of $HSTRACK_HOME/store.json"),
    "--at": ("--at", "date", False, "Show things as of this date or time (2026-10-03, tomorrow,…"),
    "--version": ("--version", "", False, "Print the version and exit"),
    "--help": ("--help", "", False, "Show this message and exit"),
    "-h": ("--help", "", False, "Show this message and exit"),
}

COMMANDS = {
    "status": (
        "Every title: phase, last and next milestone, release.",
        {
            "--phase": ("--phase", "phase", True, "Only titles in this phase (repeatable)"),
            "--kind": ("--kind", "title-kind", True, "Only titles of this kind (repeatable)"),
            "--platform": ("--platform", "platform", True, "Only titles on this platform, any case (repeatable)"),
            "--title": ("--title", "id", True, "Only these titles (repeatable)"),
            "--active": ("--active", "", False, "Leave out cancelled titles and those released over 90 days…"),
            "--json": ("--json", "", False, "Print JSON (schema 1) instead of a table"),
            "--plain": ("--plain", "", False, "One tab-separated line per item, fixed columns (see the REA…"),
            "--header": ("--header", "", False, "With --plain: print the column names first"),
            "--chart": ("--chart", "", False, "Draw it on a time axis instead of a table"),
            "--svg": ("--svg", "file", False, "Also save what is shown as an SVG picture, in colour"),
            "--html": ("--html", "file", False, "Also save what is shown as an HTML page, in colour"),
            "--at": ("--at", "date", False, "Show things as of this date or time (2026-10-03, tomorrow,…"),
            "--help": ("--help", "", False, "Show this message and exit"),
            "-h": ("--help", "", False, "Show this message and exit"),
        },
        (),
    ),
    "show": (
        "One title in detail, with a chart and its timeline.",
        {
            "--json": ("--json", "", False, "Print JSON (schema 1) instead of a table"),
            "--svg": ("--svg", "file", False, "Also save what is shown as an SVG picture, in colour"),
            "--html": ("--html", "file", False, "Also save what is shown as an HTML page, in colour"),
            "--at": ("--at", "date", False, "Show things as of this date or time (2026-10-03, tomorrow,…"),
            "--help": ("--help", "", False, "Show this message and exit"),
            "-h": ("--help", "", False, "Show this message and exit"),
        },
        (("id", False),),
    ),
    "timeline": (
        "A title's milestones in time order, with gaps and today.",
        {
            "--json": ("--json", "", False, "Print JSON (schema 1) instead of a table"),
            "--chart": ("--chart", "", False, "Draw it on a time axis instead of a table"),
            "--svg": ("--svg", "file", False, "Also save what is shown as an SVG picture, in colour"),
            "--html": ("--html", "file", False, "Also save what is shown as an HTML page, in colour"),
            "--at": ("--at", "date", False, "Show things as of this date or time (2026-10-03, tomorrow,…"),
            "--help": ("--help", "", False, "Show this message and exit"),
            "-h": ("--help", "", False, "Show this message and exit"),
        },
        (("id", False),),
    ),
    "countdown": (
        "How long until a milestone (default: the next).",
        {
            "--json": ("--json", "", False, "Print JSON (schema 1) instead of a table"),
            "--at": ("--at", "date", False, "Show things as of this date or time (2026-10-03, tomorrow,…"),
            "--help": ("--help", "", False, "Show this message and exit"),
            "-h": ("--help", "", False, "Show this message and exit"),
        },
        (("id", False), ("title-milestone", False)),
    ),
    "upcoming": (
        "Milestones of all titles due within a span, soonest first.",
        {
            "--within": ("--within", "text", False, "How far ahead: 12h, 7d, 2w, 3m, 1y"),
            "--milestone": ("--milestone", "any-milestone", True, "Only these milestones (repeatable)"),
            "--title": ("--title", "id", True, "Only these titles (repeatable)"),
            "--json": ("--json", "", False, "Print JSON (schema 1) instead of a table"),
            "--plain": ("--plain", "", False, "One tab-separated line per item, fixed columns (see the REA…"),
            "--header": ("--header", "", False, "With --plain: print the column names first"),
            "--at": ("--at", "date", False, "Show things as of this date or time (2026-10-03, tomorrow,…"),
            "--help": ("--help", "", False, "Show this message and exit"),
            "-h": ("--help", "", False, "Show this message and exit"),
        },
        (),
    ),
    "calendar": (
        "A month grid with milestones on their days.",
        {
            "--months": ("--months", "text", False, "How many months to show"),
            "-n": ("--months", "text", False, "How many months to show"),
            "--json": ("--json", "", False, "Print JSON (schema 1) instead of a table"),
            "--svg": ("--svg", "file", False, "Also save what is shown as an SVG picture, in colour"),
            "--html": ("--html", "file", False, "Also save what is shown as an HTML page, in colour"),
            "--at": ("--at", "date", False, "Show things as of this date or time (2026-10-03, tomorrow,…"),
            "--help": ("--help", "", False, "Show this message and exit"),
            "-h": ("--help", "", False, "Show this message and exit"),
        },
        (("text", True),),
    ),
    "history": (
        "Every recorded change of one title.",
        {
            "--json": ("--json", "", False, "Print JSON (schema 1) instead of a table"),
            "--at": ("--at", "date", False, "Show things as of this date or time (2026-10-03, tomorrow,…"),
            "--help": ("--help", "", False, "Show this message and exit"),
            "-h": ("--help", "", False, "Show this message and exit"),
        },
        (("id", False),),
    ),
    "changes": (
        "What changed across all titles, newest first.",
        {
            "--since": ("--since", "date", False, "From when: 7d, 2w, yesterday, 2026-11-01 (default 7d)"),
            "--title": ("--title", "id", True, "Only these titles (repeatable)"),
            "--json": ("--json", "", False, "Print JSON (schema 1) instead of a table"),
            "--plain": ("--plain", "", False, "One tab-separated line per item, fixed columns (see the REA…"),
            "--header": ("--header", "", False, "With --plain: print the column names first"),
            "--at": ("--at", "date", False, "Show things as of this date or time (2026-10-03, tomorrow,…"),
            "--help": ("--help", "", False, "Show this message and exit"),
            "-h": ("--help", "", False, "Show this message and exit"),
        },
        (),
    ),
    "add": (
        "Start tracking a title; prints its id.",
        {
            "--id": ("--id", "id", False, "A slug id (default: made from the name)"),
            "--kind": ("--kind", "title-kind", False, "What sort of title it is (default: other)"),
            "--platform": ("--platform", "platform", False, "Where it will be shown"),
            "--help": ("--help", "", False, "Show this message and exit"),
            "-h": ("--help", "", False, "Show this message and exit"),
        },
        (("text", False),),
    ),
    "set": (
        "Add or change a milestone; history keeps the old date.",
        {
            "--source": ("--source", "text", False, "Where this date comes from ('' clears it)"),
            "--note": ("--note", "text", False, "A note on this milestone"),
            "--no-source": ("--no-source", "", False, "Clear the source"),
            "--no-note": ("--no-note", "", False, "Clear the note"),
            "--tentative": ("--tentative", "", False, "A rumoured or estimated date"),
            "--firm": ("--firm", "", False, "Not tentative (any more): confirmed"),
            "--new": ("--new", "", False, "A milestone kind of your own, not one hstrack knows"),
            "--help": ("--help", "", False, "Show this message and exit"),
            "-h": ("--help", "", False, "Show this message and exit"),
        },
        (("id", False), ("milestone", False), ("date", True)),
    ),
    "unset": (
        "Remove a milestone; the history keeps what it was.",
        {
            "--help": ("--help", "", False, "Show this message and exit"),
            "-h": ("--help", "", False, "Show this message and exit"),
        },
        (("id", False), ("title-milestone", False)),
    ),
    "edit": (
        "Change a title's name, kind, label, platform or text.",
        {
            "--name": ("--name", "text", False, "A new name"),
            "--kind": ("--kind", "title-kind", False, "What sort of title it is"),
            "--label": ("--label", "text", False, "The short label the prompt shows"),
            "--platform": ("--platform", "platform", False, "Where it will be shown"),
            "--synopsis": ("--synopsis", "text", False, "What it is about"),
            "--notes": ("--notes", "text", False, "Your own notes"),
            "--no-label": ("--no-label", "", False, "Back to the default label"),
            "--no-platform": ("--no-platform", "", False, "Clear the platform"),
            "--no-synopsis": ("--no-synopsis", "", False, "Clear the synopsis"),
            "--no-notes": ("--no-notes", "", False, "Clear the notes"),
            "--help": ("--help", "", False, "Show this message and exit"),
            "-h": ("--help", "", False, "Show this message and exit"),
        },
        (("id", False),),
    ),
    "credit": (
        "Add, replace or remove the names credited in a role.",
        {
            "--remove": ("--remove", "", False, "Remove these names (or, with none, the whole role)"),
            "--replace": ("--replace", "", False, "The role becomes exactly these names"),
            "--help": ("--help", "", False, "Show this message and exit"),
            "-h": ("--help", "", False, "Show this message and exit"),
        },
        (("id", False), ("text", False), ("text", True)),
    ),
    "label": (
        "Set the short label the prompt shows for a title.",
        {
            "--help": ("--help", "", False, "Show this message and exit"),
            "-h": ("--help", "", False, "Show this message and exit"),
        },
        (("id", False), ("text", False)),
    ),
    "rename": (
        "Give a title a new id, keeping its history and pin.",
        {
            "--help": ("--help", "", False, "Show this message and exit"),
            "-h": ("--help", "", False, "Show this message and exit"),
        },
        (("id", False), ("text", False)),
    ),
    "remove": (
        "Stop tracking a title (undo brings it back).",
        {
            "--yes": ("--yes", "", False, "Do not ask for confirmation"),
            "-y": ("--yes", "", False, "Do not ask for confirmation"),
            "--help": ("--help", "", False, "Show this message and exit"),
            "-h": ("--help", "", False, "Show this message and exit"),
        },
        (("id", False),),
    ),
    "check": (
        "Test conditions on a title; exit 0, 1 or 2, like grep.",
        {
            "--released": ("--released", "", False, "The title has been released"),
            "--reached": ("--reached", "milestone", True, "This milestone has been reached"),
            "--phase": ("--phase", "phase", True, "The title is in this phase"),
            "--has-date": ("--has-date", "milestone", True, "This milestone is dated to the day or better"),
            "--due-within": ("--due-within", "text", True, "The next milestone's window starts within 7d, 2w, 3m"),
            "--changed-since": (
                "--changed-since",
                "date",
                True,
                "A milestone's date changed since DATE (ISO 8601, or a span…",
            ),
            "--quiet": ("--quiet", "", False, "Print nothing"),
            "-q": ("--quiet", "", False, "Print nothing"),
            "--json": ("--json", "", False, "Print JSON (schema 1) instead of a table"),
            "--at": ("--at", "date", False, "Show things as of this date or time (2026-10-03, tomorrow,…"),
            "--help": ("--help", "", False, "Show this message and exit"),
            "-h": ("--help", "", False, "Show this message and exit"),
        },
        (("id", False),),
    ),
    "export": (
        "Export as JSON (the store's format), iCalendar or CSV.",
        {
            "--format": ("--format", "choice:json|ics|csv", False, "The file format"),
            "-f": ("--format", "choice:json|ics|csv", False, "The file format"),
            "--title": ("--title", "id", True, "Only these titles (repeatable)"),
            "--output": ("--output", "file", False, "Write here ('-' or none: stdout)"),
            "-o": ("--output", "file", False, "Write here ('-' or none: stdout)"),
            "--no-windows": ("--no-windows", "", False, "ICS: leave out milestones not known to the day"),
            "--help": ("--help", "", False, "Show this message and exit"),
            "-h": ("--help", "", False, "Show this message and exit"),
        },
        (),
    ),
    "import": (
        "Merge a JSON export into the store, or replace it.",
        {
            "--merge": ("--merge", "", False, "Merge fact by fact, the later recorded winning (default)"),
            "--replace": ("--replace", "", False, "Make the store exactly the file"),
            "--yes": ("--yes", "", False, "With --replace: do not ask before dropping titles"),
            "-y": ("--yes", "", False, "With --replace: do not ask before dropping titles"),
            "--help": ("--help", "", False, "Show this message and exit"),
            "-h": ("--help", "", False, "Show this message and exit"),
        },
        (("file", False),),
    ),
    "prompt": (
        "The short segment for a shell prompt.",
        {
            "--format": ("--format", "text", False, "Placeholders: {label} {phase} {milestone} {days} {window} {…"),
            "--width": ("--width", "text", False, "Cut the segment to N characters"),
            "--refresh": ("--refresh", "", False, "Rebuild the prompt cache and print nothing"),
            "--at": ("--at", "date", False, "Show things as of this date or time (2026-10-03, tomorrow,…"),
            "--help": ("--help", "", False, "Show this message and exit"),
            "-h": ("--help", "", False, "Show this message and exit"),
        },
        (),
    ),
    "pin": (
        "Choose the title (and milestone) the prompt shows.",
        {
            "--help": ("--help", "", False, "Show this message and exit"),
            "-h": ("--help", "", False, "Show this message and exit"),
        },
        (("id", False), ("title-milestone", False)),
    ),
    "unpin": (
        "Let the prompt show the soonest milestone again.",
        {
            "--help": ("--help", "", False, "Show this message and exit"),
            "-h": ("--help", "", False, "Show this message and exit"),
        },
        (),
    ),
    "init": (
        "Print a shell's prompt snippet.",
        {
            "--help": ("--help", "", False, "Show this message and exit"),
            "-h": ("--help", "", False, "Show this message and exit"),
        },
        (("choice:bash|zsh|fish|starship", False),),
    ),
    "completion": (
        "Print a shell's Tab-completion script.",
        {
            "--help": ("--help", "", False, "Show this message and exit"),
            "-h": ("--help", "", False, "Show this message and exit"),
        },
        (("choice:bash|zsh|fish", False),),
    ),
    "undo": (
        "Take back the last change (repeat to go further).",
        {
            "--help": ("--help", "", False, "Show this message and exit"),
            "-h": ("--help", "", False, "Show this message and exit"),
        },
        (),
    ),
    "doctor": (
        "Check the store and its backups; restore a good one.",
        {
            "--restore": ("--restore", "", False, "Put back the newest good backup, keeping the damaged file b…"),
            "--json": ("--json", "", False, "Print JSON (schema 1) instead of a table"),
            "--help": ("--help", "", False, "Show this message and exit"),
            "-h": ("--help", "", False, "Show this message and exit"),
        },
        (),
    ),
    "where": (
        "Print the path of the store file.",
        {
            "--help": ("--help", "", False, "Show this message and exit"),
            "-h": ("--help", "", False, "Show this message and exit"),
        },
        (),
    ),
    "help": (
        "Help on a topic (dates) or a command.",
        {
            "--help": ("--help", "", False, "Show this message and exit"),
            "-h": ("--help", "", False, "Show this message and exit"),
        },
        (("help-topic", False),),
    ),
}

PHASES = ("rumoured", "announced", "in-production", "post-production", "released", "cancelled")

TITLE_KINDS = ("film", "series", "season", "special", "other")

MILESTONES = ("announced", "production-start", "production-end", "trailer", "premiere", "release", "cancelled")

HELP_TOPICS = ("dates",)
