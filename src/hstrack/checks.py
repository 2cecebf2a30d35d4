"""``hstrack check``: conditions on a title that a script can test, like grep.

Each condition is evaluated from the same report the views use and gives a verdict and a
reason in words, so a cron job can both branch on the exit code and log why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from hstrack.clock import parse_now
from hstrack.dates import span_end
from hstrack.errors import UsageError
from hstrack.model import normalize_milestone
from hstrack.report import PHASES, Assessed, TitleReport, history


@dataclass(frozen=True)
class Verdict:
    condition: str  # as the user wrote it, e.g. "--has-date release"
    holds: bool
    reason: str


@dataclass(frozen=True)
class Condition:
    """One condition: its option name and its argument ("" for flags)."""

    option: str
    argument: str = ""

    @property
    def label(self) -> str:
        return f"{self.option} {self.argument}".strip()


def _find(report: TitleReport, kind: str) -> Assessed | None:
    return next((a for a in report.milestones if a.kind == kind), None)


def _describe(a: Assessed) -> str:
    text = f"{a.kind} {a.date.text}"
    return text if a.state == "tba" else f"{text} ({a.countdown})"


def validate(conditions: list[Condition]) -> list[Condition]:
    """Normalise and check arguments before anything is read, so a typo is exit 2."""
    if not conditions:
        raise UsageError(
            "give at least one condition: --released, --reached M, --phase P, --has-date M, "
            "--due-within D, --changed-since DATE"
        )
    checked = []
    for c in conditions:
        arg = c.argument
        if c.option in ("--reached", "--has-date"):
            arg = normalize_milestone(arg)
        elif c.option == "--phase":
            arg = arg.strip().lower()
            if arg not in PHASES:
                raise UsageError(f"phase {c.argument!r} is not one of {', '.join(PHASES)}")
        elif c.option == "--due-within":
            span_end(arg, datetime(2000, 1, 1, tzinfo=UTC))  # refuses a bad duration now
        checked.append(Condition(c.option, arg))
    return checked


def evaluate(report: TitleReport, condition: Condition, now: datetime) -> Verdict:
    option, arg = condition.option, condition.argument
    label = condition.label
    if option == "--released":
        release = _find(report, "release")
        if report.phase == "released":
            return Verdict(label, True, f"released: {_describe(release)}" if release else "released")
        why = "no release milestone" if release is None else _describe(release)
        return Verdict(label, False, f"not released (phase {report.phase}; {why})")
    if option == "--phase":
        return Verdict(label, report.phase == arg, f"phase is {report.phase}")
    if option == "--reached":
        found = _find(report, arg)
        if found is None:
            return Verdict(label, False, f"no {arg} milestone")
        return Verdict(label, found.reached, f"{_describe(found)}" + ("" if found.reached else ": not reached yet"))
    if option == "--has-date":
        found = _find(report, arg)
        if found is None:
            return Verdict(label, False, f"no {arg} milestone")
        precise = found.date.is_exact
        detail = "" if precise or found.date.is_tba else f", known only to the {found.date.precision.value}"
        return Verdict(label, precise, f"{arg} is {found.date.text}{detail}")
    if option == "--due-within":
        return _due_within(report, condition, now)
    if option == "--changed-since":
        return _changed_since(report, condition, now)
    raise UsageError(f"unknown condition {option}")


def _due_within(report: TitleReport, condition: Condition, now: datetime) -> Verdict:
    nxt = report.next
    label = condition.label
    if nxt is None:
        return Verdict(label, False, "nothing ahead")
    if nxt.state == "tba":
        return Verdict(label, False, f"next is {nxt.kind}, date TBA")
    end = span_end(condition.argument, now)
    if nxt.date.at is not None:
        holds = nxt.date.at.astimezone(UTC) <= end.astimezone(UTC)
    else:
        assert nxt.date.earliest is not None
        holds = nxt.date.earliest <= end.date()
    return Verdict(label, holds, f"next is {_describe(nxt)}")


def _changed_since(report: TitleReport, condition: Condition, now: datetime) -> Verdict:
    """A milestone's *date* changed at or after the given time (a note edit does not count).
    The argument is a date or time (ISO 8601), or a span back from now such as 7d."""
    label = condition.label
    tz = now.tzinfo
    assert tz is not None
    try:
        since = parse_now(condition.argument, tz)
    except UsageError:
        span = span_end(condition.argument, now)
        since = now - (span - now)
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


def run_checks(report: TitleReport, conditions: list[Condition], now: datetime) -> list[Verdict]:
    return [evaluate(report, c, now) for c in conditions]
