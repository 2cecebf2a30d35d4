"""Lead times: which milestones of a title ``notify`` follows, how long before each it
tells (the title's own, else ``config leads``, else 7d, 1d and on the day), and the moment
each lead falls due where the viewer is."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING

from hstrack.core.dates.spans import span_start
from hstrack.core.errors import UsageError
from hstrack.core.feed import instant_of
from hstrack.core.model.leads import ALL_MILESTONES, DEFAULT_LEADS, check_leads
from hstrack.core.model.validation import resolve_key
from hstrack.core.report.history import recorded_order
from hstrack.notify.notification import OPEN

if TYPE_CHECKING:
    from hstrack.core.model.document import Document
    from hstrack.core.model.title import Title
    from hstrack.core.report.assess import Assessed

# ---------------------------------------------------------------------------- lead times


def leads_for(title: Title, key: str, defaults: tuple[str, ...]) -> list[str]:
    """The lead times of one milestone: its own, else the title's, else the defaults."""
    if key in title.notify:
        return title.notify[key]
    if ALL_MILESTONES in title.notify:
        return title.notify[ALL_MILESTONES]
    return list(defaults)


def follows(title: Title, key: str, own: set[str], every_episode: bool = False) -> bool:
    """Whether notify tells of a milestone at all: not when it (or its title) is off; of
    releases and premieres in several places, the viewer's own, and others only when lead
    times are set for them; a series' every episode only with ``config episodes all`` (or
    lead times set for it), its premieres and finales always."""
    from hstrack.core.kinds import EVERY_EPISODE

    if key in title.notify:
        return bool(title.notify[key])
    if title.notify.get(ALL_MILESTONES) == []:
        return False
    if key in EVERY_EPISODE and not every_episode:
        return False
    return ("@" not in key and ":" not in key) or key in own


def set_leads(
    doc: Document, title_id: str, milestone: str | None, leads: list[str] | None, now: datetime
) -> tuple[str, str]:
    """Set (a list), turn off ([]) or clear (None) the lead times of a title or one of its
    milestones, noting when (``edited``), so a merge keeps the later setting. Returns the
    milestone's key (or ALL_MILESTONES) and what it now says."""
    title = doc.get(title_id)
    key = ALL_MILESTONES if milestone is None else _milestone_key(title, milestone)
    if leads is None:
        title.notify.pop(key, None)
    else:
        title.notify[key] = check_leads(leads)
    title.mark_edited("notify", now)
    title.notify = dict(sorted(title.notify.items()))
    return key, describe_leads(title.notify.get(key))


def _milestone_key(title: Title, typed: str) -> str:
    """One of the title's milestones as a person names it: its key, or a shorter one that
    can mean only one (``release@US`` for ``release@US:theatrical``, ``release`` when the
    title has one release)."""
    key = resolve_key(typed, title.milestones)
    if key in title.milestones:
        return key
    from hstrack.core.regions import split_key

    kind, region, medium = split_key(key)
    near = [
        k
        for k, m in title.milestones.items()
        if m.kind == kind and region in (None, m.region) and medium in (None, m.medium)
    ]
    if len(near) == 1:
        return near[0]
    have = ", ".join(title.milestones) or "none"
    which = "say which" if near else "it has"
    raise UsageError(f"{title.id} has no milestone {key!r} ({which}: {', '.join(near) if near else have})")


def describe_leads(leads: list[str] | None) -> str:
    if leads is None:
        return "the default"
    return ",".join(leads) if leads else "off"


def default_leads(saved: dict[str, str]) -> tuple[str, ...]:
    """The lead times of a title with none of its own: ``hstrack config leads``, else 7d,1d,0d."""
    value = saved.get("leads")
    if value is None:
        return DEFAULT_LEADS
    return () if value == "off" else tuple(check_leads([value]))


def _start_of(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def _due(lead: str, anchor: datetime) -> datetime:
    return anchor if lead in (OPEN, "0d") else span_start(lead, anchor)


def _anchor(a: Assessed, tz: tzinfo) -> tuple[datetime, datetime] | None:
    """When a dated milestone happens (a day's start, a drop's moment, a window's opening)
    and when it is over; None for TBA."""
    if a.window is None:
        return None
    if a.date.at is not None:
        moment = a.date.at.astimezone(tz)
        return moment, moment
    return _start_of(a.window[0], tz), _start_of(a.window[1] + timedelta(days=1), tz)


def _leads_of(a: Assessed, leads: list[str]) -> list[str]:
    """A window is told once, when it opens; a day or a moment at each lead time."""
    if not leads:
        return []
    return list(leads) if a.date.is_exact else [OPEN]


def _dated_at(title: Title, key: str, a: Assessed) -> datetime | None:
    """When the milestone's current date was recorded (None: no entry says so)."""
    for change in reversed(recorded_order(title.history)):
        if change.milestone == key and change.date_changed:
            if change.new is not None and change.new.date == a.date:
                return instant_of(change.recorded)
            return None
    return None
