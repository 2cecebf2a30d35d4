"""The prompt cache: what the prompt shows, precomputed for every day until it changes.

A prompt runs before every command, so it must not parse the store. Every store write
(and ``hstrack prompt`` when the cache is missing or older than the store) writes
``store.json.prompt``: a few lines, each valid for a range of days, holding either fixed
text ("Q3 2026", "in production") or a day to count down to. Rendering a line needs only
today's date, which bash, zsh and fish can all get without starting a process.

Format (version 2), one record per line, fields separated by the ASCII unit separator
(0x1f): a tab would not do, because shells' ``read`` merges runs of whitespace
separators and so loses empty fields::

    hstrack-prompt 2
    horizon<US><day><US><store identity>
    valid<US><TZ><US><expires>
    <from><US><to><US><target|-><US><label><US><phase><US><milestone><US><window><US><text>

Days are day numbers (days since 1970-01-01, local calendar), ``from``/``to`` inclusive.
With a target, {days} is ``target - today`` and {text} is ``Nd`` (or ``today``); without,
{days} is empty and {text} is the fixed text. A line with empty label and text shows
nothing. Past the horizon the cache is stale and is rebuilt.

The cache is trusted by the store's identity, never by time alone: ``store identity`` is the
store file's device, inode, size, modification and change times in ns (space-separated) as
the cache was built from it, which ``hstrack prompt`` compares with the store's; and the
cache file's own modification time is set to the store's, to the nanosecond, so the shell
snippets tell without a process that it is the store's (neither file is newer than the
other). A store put back with an older time (``cp -p``, ``rsync -a``, ``tar``) differs.

Day numbers are the calendar of the zone the cache was built in, so ``valid`` names it (the
``TZ`` variable as the writer saw it, empty for the system's zone): a reader whose ``TZ``
differs (a cron job in UTC wrote it, a shell in Sydney reads it) rebuilds it for its own
zone. ``expires`` is the first moment (epoch seconds, 0 for none) at which something dated
to the minute happens after the cache was built: a drop or a cancellation at an hour can
change what the prompt shows in the middle of a day, so from then the cache is stale.

Every field is stripped of control characters here, so the shells only need to escape
what their own prompt languages treat specially (``%`` in zsh).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from hstrack.core.regions import WORLDWIDE, Preference
from hstrack.core.report.assess import is_today
from hstrack.core.report.assess import label as milestone_label
from hstrack.core.report.titles import report_title
from hstrack.core.values import Value
from hstrack.store.prompt_rule import DEFAULT_RULE, RELEASE_KINDS, Candidate, Chooser

if TYPE_CHECKING:
    from hstrack.core.model.document import Document
    from hstrack.core.model.milestone import Milestone
    from hstrack.core.model.title import Title

CACHE_VERSION = 2
HEADER = f"hstrack-prompt {CACHE_VERSION}"
HORIZON_DAYS = 400
MAX_LINES = 32
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
DEFAULT_LABEL_WIDTH = 16

SEP = "\x1f"
# Everything a terminal or a prompt language could act on: C0 (which includes SEP, so a
# field can never split), DEL, C1, bidi controls, and the line/paragraph separators.
_STRIP = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def clean(value: str) -> str:
    return _STRIP.sub("", value).strip()


def day_number(day: date) -> int:
    return day.toordinal() - EPOCH_ORDINAL


def default_label(title: Title) -> str:
    name = clean(title.name)
    return name if len(name) <= DEFAULT_LABEL_WIDTH else name[: DEFAULT_LABEL_WIDTH - 1].rstrip() + "…"


def label_of(title: Title) -> str:
    return clean(title.label) if title.label else default_label(title)


class Segment(Value):
    label: str
    phase: str
    milestone: str
    window: str
    text: str
    target: int | None  # a day number to count down to

    __match_args__ = ("label", "phase", "milestone", "window", "text", "target")
    __slots__ = __match_args__

    def __init__(
        self,
        label: str = "",
        phase: str = "",
        milestone: str = "",
        window: str = "",
        text: str = "",
        target: int | None = None,
    ) -> None:
        set_field = object.__setattr__  # Value refuses plain assignment
        set_field(self, "label", label)
        set_field(self, "phase", phase)
        set_field(self, "milestone", milestone)
        set_field(self, "window", window)
        set_field(self, "text", text)
        set_field(self, "target", target)

    def fields(self) -> list[str]:
        return [self.label, self.phase, self.milestone, self.window, self.text]


def _segment_for(title: Title, m: Milestone | None, now: datetime, pref: Preference = WORLDWIDE) -> Segment:
    """What the prompt shows for one milestone of a title, as ``report`` sees it: a day or
    a time counts down and is "today" all that day; a window shows as known; a milestone a
    cancellation overtook says so; one whose window closed unconfirmed says it is due;
    past, TBA or none, the phase."""
    report = report_title(title, now, pref=pref)
    phase = report.phase.replace("-", " ")
    label = label_of(title)
    a = next((x for x in report.milestones if x.milestone is m), None) if m is not None else None
    if a is None:
        return Segment(label, phase, text=phase)
    kind = milestone_label(a.key)
    window = clean(a.date.text)
    if a.state == "cancelled":
        return Segment(label, phase, kind, window, "cancelled")
    if a.state == "tba":
        return Segment(label, phase, kind, "TBA", f"{kind} TBA")
    if is_today(a, now.date()):
        return Segment(label, phase, kind, window, "", day_number(now.date()))
    if a.state == "past":
        return Segment(label, phase, kind, window, phase)
    if a.state == "due":  # its window closed with no day recorded: not past, not counting down
        return Segment(label, phase, kind, window, f"{kind} due, unconfirmed")
    if a.date.is_exact:
        assert a.window is not None
        return Segment(label, phase, kind, window, "", day_number(a.window[0]))
    return Segment(label, phase, kind, window, window)


def _dated_ahead(title: Title, now: datetime, pref: Preference = WORLDWIDE) -> Milestone | None:
    nxt = report_title(title, now, pref=pref).next
    return None if nxt is None or nxt.state == "tba" else nxt.milestone


def pinned_segment(title: Title, pinned: str | None, now: datetime, pref: Preference = WORLDWIDE) -> Segment:
    """What the prompt shows at ``now`` for a pinned title: the pinned milestone, or else
    the title's next dated one, or else its phase."""
    milestone = title.milestones.get(pinned) if pinned else None
    return _segment_for(title, milestone or _dated_ahead(title, now, pref), now, pref)


def _speaking(title: Title, now: datetime, pref: Preference) -> Iterable[Milestone]:
    """The milestones that speak for a title on the prompt: all of them, but of releases
    and premieres in several places only those that apply to the viewer (in their region
    or worldwide: ``report.titles.applies``)."""
    ms = title.milestones
    if not any(m.region is not None or m.medium is not None for m in ms.values()):
        return ms.values()
    return [a.milestone for a in report_title(title, now, pref=pref).applicable]


def _end_ahead(title: Title, now: datetime) -> date:
    """The last day a milestone of the title can start on and still come: a firm
    cancellation's last day (what starts after an end announced will not come, as
    ``report`` says), or date.max."""
    m = title.milestones.get("cancelled")
    window = m.date.local_window(now.tzinfo) if m is not None and not m.tentative and now.tzinfo else None
    return date.max if window is None else window[1]


def _cancelled_from(title: Title, now: datetime) -> date | None:
    """The first of the viewer's days whose line shows the title cancelled: a firm
    cancellation's first day (a cancellation is reported once it has happened, so a
    window cancels from its start), or always for one dated TBA. A cancellation at an hour
    shows from the day after, or today once its moment has passed; within its own day
    the cache expires at that moment (see ``_expires``), and is rebuilt from then."""
    m = title.milestones.get("cancelled")
    if m is None or m.tentative:
        return None
    window = m.date.local_window(now.tzinfo) if now.tzinfo else None
    if window is None:
        return date.min
    if m.date.at is not None and m.date.at > now:
        return window[0] + timedelta(days=1)
    return min(window[0], now.date()) if m.date.at is not None else window[0]


def _midnight(day: date, now: datetime) -> datetime:
    return now if day == now.date() else datetime.combine(day, time(0, 0), tzinfo=now.tzinfo)


def _boundaries(title: Title, now: datetime, pref: Preference = WORLDWIDE) -> list[date]:
    """Days on which something about this title can change: a window opening or closing."""
    days = []
    for m in _speaking(title, now, pref):
        window = m.date.local_window(now.tzinfo) if now.tzinfo else None
        if window is not None:
            days += [window[0], window[1] + timedelta(days=1)]
    return days


def _pinned_rows(doc: Document, title: Title, now: datetime, horizon: date, pref: Preference) -> list[list[str]]:
    rows = []
    days = sorted({d for d in _boundaries(title, now, pref) if now.date() < d <= horizon} | {now.date()})
    for i, day in enumerate(days[:MAX_LINES]):
        until = days[i + 1] - timedelta(days=1) if i + 1 < len(days) else horizon
        rows.append(_row(day, until, pinned_segment(title, doc.pin_milestone, _midnight(day, now), pref)))
    return rows


def _unpinned_rows(
    doc: Document, now: datetime, horizon: date, pref: Preference, rule: str = DEFAULT_RULE
) -> list[list[str]]:
    """Walk from breakpoint to breakpoint, showing on each day what ``rule`` chooses
    (``prompt_rule``): the lists are sorted once and read from their heads, so this
    takes a few steps even when the store holds 50,000 milestones."""
    tz, today = now.tzinfo, now.date()
    candidates: list[Candidate[tuple[Title, Milestone]]] = []
    for title in doc.titles.values():
        name = title.name.lower()
        ends = _cancelled_from(title, now) or date.max
        if ends <= today:
            continue
        last_possible = _end_ahead(title, now)
        for m in _speaking(title, now, pref):
            spec = m.date
            if spec.earliest is None or spec.latest is None or m.kind == "cancelled":
                continue
            if rule == "releases" and m.kind not in RELEASE_KINDS:
                continue
            # local_window() and report.time_key(), inlined: this loop sees every milestone.
            if spec.at is None:
                first, last = spec.earliest, spec.latest
            else:
                first = last = spec.at.astimezone(tz).date()
            if last >= today and first <= last_possible:
                moment = spec.at.timestamp() if spec.at else 0.0
                candidates.append(
                    Candidate((title, m), m.kind, first, last, moment, m.tentative, spec.is_exact, name, ends,
                              len(candidates))
                )  # fmt: skip
    chooser = Chooser(candidates, rule)
    rows: list[list[str]] = []
    day = today
    while day <= horizon and len(rows) < MAX_LINES:
        shown, change = chooser.choose(day)
        if shown is not None:
            title, m = shown.payload
            seg = _segment_for(title, m, _midnight(day, now), pref)
            following = min([d for d in _boundaries(title, now, pref) if d > day] + [change])
        else:
            seg, following = Segment(), change
        until = min(following - timedelta(days=1), horizon) if following <= horizon else horizon
        row = _row(day, until, seg)
        if rows and rows[-1][2:] == row[2:]:
            rows[-1][1] = row[1]  # the same segment on: one longer line, not another of the few
        else:
            rows.append(row)
        day = until + timedelta(days=1)
    if rows and day <= horizon:
        rows[-1][1] = str(day_number(day) - 1)  # stop where the lines stop: stale after
    return rows


def _row(day: date, until: date, seg: Segment) -> list[str]:
    target = "-" if seg.target is None else str(seg.target)
    return [str(day_number(day)), str(day_number(until)), target, *seg.fields()]


def zone_id(value: str | None = None) -> str:
    """The zone a cache is built in, as readers can tell it: the TZ variable (empty when the
    system's zone is used), kept to the characters a zone or a POSIX rule is written with
    (letters, digits, / _ + - : . , < >), so that anything else in it can never break the
    cache's line, and the shells can filter their own TZ the same way without a process."""
    import os

    raw = os.environ.get("TZ", "") if value is None else value
    return "".join(ch for ch in raw if ch.isalnum() or ch in "/_+-:.,<>")


def _expires(doc: Document, now: datetime, horizon: date) -> int:
    """The first moment after ``now`` (epoch seconds) at which a milestone dated to the
    minute happens, up to the horizon; 0 when there is none."""
    moments = [
        m.date.at.timestamp()
        for t in doc.titles.values()
        for m in t.milestones.values()
        if m.date.at is not None and m.date.at > now and m.date.at.astimezone(now.tzinfo).date() <= horizon
    ]
    return int(min(moments)) if moments else 0


def build(
    doc: Document,
    now: datetime,
    pref: Preference = WORLDWIDE,
    store: str = "",
    *,
    rule: str = DEFAULT_RULE,
    expires: int | None = None,
) -> str:
    """The cache text for ``doc`` as of ``now`` (an aware datetime in the viewer's zone),
    for a viewer with ``pref`` (their region and media: which release is theirs), built
    from the store file whose identity is ``store`` (``store_identity``), showing what
    ``rule`` (``prompt_rule``) chooses when nothing is pinned. ``expires``: the moment it
    goes stale, when the caller knows it from titles ``doc`` does not hold (a change
    spliced into one title, ``hstrack.store.splice``)."""
    assert now.tzinfo is not None
    horizon = _horizon(now)
    pinned = doc.titles.get(doc.pin_title) if doc.pin_title else None
    if pinned is not None:
        rows = _pinned_rows(doc, pinned, now, horizon, pref)
    else:
        rows = _unpinned_rows(doc, now, horizon, pref, rule)
    merged: list[list[str]] = []
    for row in rows:
        if merged and merged[-1][2:] == row[2:] and int(merged[-1][1]) + 1 == int(row[0]):
            merged[-1][1] = row[1]  # the same as the day before: one longer line
        else:
            merged.append(row)
    last = int(merged[-1][1]) if merged else day_number(horizon)
    valid = f"valid{SEP}{zone_id()}{SEP}{_expires(doc, now, horizon) if expires is None else expires}"
    lines = [HEADER, f"horizon{SEP}{last}{SEP}{store}", valid, *(SEP.join(row) for row in merged)]
    return "\n".join(lines) + "\n"


def _horizon(now: datetime) -> date:
    # The last day a date can be is in 9999; a "now" near it keeps the horizon inside.
    return min(now.date() + timedelta(days=HORIZON_DAYS), date(9999, 12, 31)) if now.year < 9999 else now.date()


def store_identity(st: os.stat_result) -> str:
    """What tells one version of the store file from the next, as the cache records it."""
    return " ".join(str(n) for n in (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))


def build_empty(now: datetime, store: str = "") -> str:
    """A cache that shows nothing until the horizon (no store, or a damaged one)."""
    start = day_number(now.date())
    horizon = day_number(_horizon(now))
    line = SEP.join([str(start), str(horizon), "-", *Segment().fields()])
    return f"{HEADER}\nhorizon{SEP}{horizon}{SEP}{store}\nvalid{SEP}{zone_id()}{SEP}0\n{line}\n"
