"""``hstrack check``: conditions on a title that a script can test, like grep.

Each condition is evaluated from the same report the views use and gives a verdict and a
reason in words, so a cron job can both branch on the exit code and log why.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from hstrack.core.clock import parse_now
from hstrack.core.errors import UsageError
from hstrack.core.model.validation import check_filter_kind, normalize_milestone
from hstrack.core.report.assess import DUE, PHASES, Assessed, is_today
from hstrack.core.report.assess import label as milestone_label
from hstrack.core.values import Value

if TYPE_CHECKING:
    from hstrack.core.report.titles import TitleReport

# What a frozen __init__ sets its fields with (Value refuses plain assignment).
_set = object.__setattr__


class Verdict(Value):
    condition: str  # as the user wrote it, e.g. "--has-date release"
    holds: bool
    reason: str

    __match_args__ = ("condition", "holds", "reason")
    __slots__ = __match_args__

    def __init__(self, condition: str, holds: bool, reason: str) -> None:
        _set(self, "condition", condition)
        _set(self, "holds", holds)
        _set(self, "reason", reason)


class Condition(Value):
    """One condition: its option name and its argument ("" for flags)."""

    option: str
    argument: str

    __match_args__ = ("option", "argument")
    __slots__ = __match_args__

    def __init__(self, option: str, argument: str = "") -> None:
        _set(self, "option", option)
        _set(self, "argument", argument)

    @property
    def label(self) -> str:
        if self.option == "--phase":  # several phases are one condition: any of them
            return " ".join(f"--phase {p}" for p in self.argument.split("|"))
        return f"{self.option} {self.argument}".strip()


def _find(report: TitleReport, key: str) -> Assessed | None:
    """A milestone by its key; a bare ``release`` or ``premiere`` is the viewer's own."""
    return report.find(key)


def _describe(a: Assessed) -> str:
    text = f"{milestone_label(a.key)} {a.date.text}" + (" (tentative)" if a.milestone.tentative else "")
    return text if a.state == "tba" else f"{text} ({a.countdown})"


def _milestone_key(typed: str, kinds: set[str] | None) -> str:
    """A milestone a condition names: a kind, or a release or premiere with its place."""
    if "@" in typed or ":" in typed:
        from hstrack.core.model.validation import resolve_key

        return resolve_key(typed, kinds or ())
    return normalize_milestone(typed) if kinds is None else check_filter_kind(typed, kinds)


def validate(conditions: list[Condition], kinds: set[str] | None = None) -> list[Condition]:
    """Normalise and check arguments, so a typo is exit 2 and never a quiet "false".

    Several ``--phase`` conditions are one: the title is in any of those phases. With
    ``kinds`` (every milestone kind in the store), a milestone that exists nowhere and
    that hstrack does not know is refused, with the kind it was probably meant to be."""
    if not conditions:
        raise UsageError(
            "give at least one condition: --released, --reached M, --phase P, --has-date M, "
            "--due-within D, --changed-since DATE, --stale D"
        )
    checked: list[Condition] = []
    phases: list[str] = []
    phase_at = 0
    for c in conditions:
        arg = c.argument
        if c.option in ("--reached", "--has-date"):
            arg = _milestone_key(arg, kinds)
        elif c.option == "--phase":
            if not phases:
                phase_at = len(checked)
            for phase in arg.split("|"):  # "a|b": the condition as validate() built it before
                phase = phase.strip().lower()
                if phase not in PHASES:
                    from hstrack.core.suggest import close_matches, did_you_mean

                    hint = did_you_mean(close_matches(phase, PHASES))
                    raise UsageError(f"phase {c.argument!r} is not one of {', '.join(PHASES)}{hint}")
                if phase not in phases:
                    phases.append(phase)
            continue
        elif c.option in ("--due-within", "--stale"):
            from hstrack.core.dates.spans import read_span

            # A bad spelling is refused now, naming the option typed; one too long for the
            # calendar, when evaluated.
            read_span(arg, c.option)
        checked.append(Condition(c.option, arg))
    if phases:
        checked.insert(phase_at, Condition("--phase", "|".join(phases)))
    return checked


PRESUMED = "--presumed"  # counts a window that closed unconfirmed as reached


def evaluate(report: TitleReport, condition: Condition, now: datetime, presumed: bool = False) -> Verdict:
    """One condition's verdict. ``presumed``: a milestone whose window closed with no day
    recorded (due, unconfirmed) counts as reached for ``--released`` and ``--reached``;
    without it, only a day or a moment that has come does (or a window of a kind reported
    after the fact)."""
    option, arg = condition.option, condition.argument
    label = condition.label
    if option == "--released":
        release = _find(report, "release")
        if report.phase == "released":
            return Verdict(label, True, f"released: {_describe(release)}" if release else "released")
        why = "no release milestone" if release is None else _describe(release)
        if release is not None and release.state == DUE:
            if presumed:
                return Verdict(label, True, f"presumed released: {why}")
            return Verdict(label, False, f"not confirmed released (phase {report.phase}; {why}); "
                                         f"{PRESUMED} counts it")  # fmt: skip
        return Verdict(label, False, f"not released (phase {report.phase}; {why})")
    if option == "--phase":
        return Verdict(label, report.phase in arg.split("|"), f"phase is {report.phase}")
    if option == "--reached":
        found = _find(report, arg)
        if found is None:
            return Verdict(label, False, f"no {milestone_label(arg)} milestone")
        if found.state == "cancelled":
            return Verdict(label, False, f"{_describe(found)}: will not come, the title was cancelled")
        if found.state == DUE:
            if presumed:
                return Verdict(label, True, f"presumed reached: {_describe(found)}")
            return Verdict(label, False, f"{_describe(found)}: not confirmed; {PRESUMED} counts it")
        return Verdict(label, found.reached, f"{_describe(found)}" + ("" if found.reached else ": not reached yet"))
    if option == "--has-date":
        found = _find(report, arg)
        if found is None:
            return Verdict(label, False, f"no {milestone_label(arg)} milestone")
        precise = found.date.is_exact
        detail = "" if precise or found.date.is_tba else f", known only to the {found.date.precision.value}"
        return Verdict(label, precise, f"{milestone_label(arg)} is {found.date.text}{detail}")
    if option == "--due-within":
        return _due_within(report, condition, now)
    if option == "--changed-since":
        return _changed_since(report, condition, now)
    if option == "--stale":
        from hstrack.core.report.freshness import describe, is_stale, last_confirmed

        confirmed = last_confirmed(report.title)
        return Verdict(label, is_stale(confirmed, now, arg), describe(confirmed, now))
    raise UsageError(f"unknown condition {option}")


def _due_within(report: TitleReport, condition: Condition, now: datetime) -> Verdict:
    """The next milestone is today, or its window starts (or is open) before the span ends.
    Hours are elapsed hours; a cancelled title has nothing due."""
    nxt = report.next
    label = condition.label
    if report.cancellation is not None:
        c = report.cancellation
        return Verdict(label, False, f"cancelled {c.date.text} ({c.countdown}): nothing is due")
    if nxt is None:
        return Verdict(label, False, "nothing ahead")
    if nxt.state == "tba":
        return Verdict(label, False, f"next is {milestone_label(nxt.key)}, date TBA")
    if nxt.reached or nxt.state == DUE or is_today(nxt, now.date()):  # due already, or today
        return Verdict(label, True, f"next is {_describe(nxt)}")
    from hstrack.core.dates.spans import span_end

    end = span_end(condition.argument, now, "--due-within")
    if nxt.date.at is not None:
        holds = nxt.date.at.astimezone(UTC) <= end.astimezone(UTC)
    else:
        assert nxt.window is not None
        holds = nxt.window[0] <= end.date()
    return Verdict(label, holds, f"next is {_describe(nxt)}")


def _changed_since(report: TitleReport, condition: Condition, now: datetime) -> Verdict:
    """A milestone's *date* changed at or after the given time (a note edit does not count).
    The argument is a date or time (ISO 8601), or a span back from now such as 7d."""
    label = condition.label
    tz = now.tzinfo
    assert tz is not None
    from hstrack.core.report.history import history

    since = parse_now(condition.argument, tz, base=now, what="--changed-since")  # a bare span (7d) counts back
    # A date appearing, moving or being removed all count; a note or source edit does not.
    changes = [
        row
        for row in history(report.title, now)
        if row.change.date_changed
        and datetime.fromisoformat(row.change.recorded).astimezone(UTC) >= since.astimezone(UTC)
    ]
    if not changes:
        return Verdict(label, False, f"no milestone date changed since {since.isoformat(timespec='minutes')}")
    last = changes[-1]
    more = f" (and {len(changes) - 1} earlier)" if len(changes) > 1 else ""
    return Verdict(label, True, f"{last.summary} on {last.change.recorded[:10]}{more}")


def run_checks(report: TitleReport, conditions: list[Condition], now: datetime,
               presumed: bool = False) -> list[Verdict]:  # fmt: skip
    return [evaluate(report, c, now, presumed) for c in conditions]
