"""A title's report: its milestones assessed, its phase, what it last reached and what
comes next, and the slate's order.

Tentative milestones are shown but never move a title's phase: a rumoured shoot does not
put a film in production, and a rumoured cancellation does not end a title. Cancelled
means over: once a title is cancelled, every milestone it had not reached is
``cancelled`` (no countdown, never "next", never upcoming); what was reached stays.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from hstrack.core.kinds import PLACED_KINDS, milestone_rank
from hstrack.core.report.assess import (
    _PHASE_OF,
    CANCELLED,
    DUE,
    Assessed,
    State,
    assess,
    confirmed,
    is_today,
    reach_key,
    time_key,
)

if TYPE_CHECKING:  # types only; the region matters only to a title with releases in places
    from hstrack.core.dates.spec import DateSpec
    from hstrack.core.model.document import Document
    from hstrack.core.model.title import Title
    from hstrack.core.regions import Preference


@dataclass(frozen=True)
class TitleReport:
    title: Title
    phase: str
    milestones: list[Assessed]  # in time order, TBA last
    last: Assessed | None  # the milestone reached most recently (``reach_key``), of those that apply
    next: Assessed | None  # the next milestone that applies: today's, or the first not yet reached
    release: Assessed | None  # "the" release for the viewer (see for_viewer): the title's phase
    cancellation: Assessed | None = None  # the cancellation that ended the title, when it is cancelled
    own: tuple[Assessed, ...] = ()  # one release and premiere, the viewer's own (for_viewer); all when empty
    applying: tuple[Assessed, ...] = ()  # every milestone that applies to the viewer (applies); all when empty

    @property
    def single(self) -> tuple[Assessed, ...] | list[Assessed]:
        """The milestones that speak for the title on one line (a status row, a bar of the
        slate's chart): all of them, but of its releases and premieres the viewer's own."""
        return self.own or self.milestones

    @property
    def applicable(self) -> tuple[Assessed, ...] | list[Assessed]:
        """Every milestone that applies to the viewer (``applies``): what next, countdown,
        ``check --due-within``, notifications and the prompt count."""
        return self.applying or self.milestones

    def find(self, key: str) -> Assessed | None:
        """A milestone by its key (``release@GB:theatrical``); a bare ``release`` or
        ``premiere`` is the viewer's own, when the title has several; a place typed short
        (``release@US``, ``release:digital``) is the one release it can mean, if only one."""
        pool = self.single
        if "@" not in key and ":" not in key:
            found = next((a for a in pool if a.kind == key), None)
            if found is not None or key in PLACED_KINDS:
                return found
        exact = next((a for a in self.milestones if a.key == key), None)
        if exact is not None or ("@" not in key and ":" not in key):
            return exact
        from hstrack.core.regions import split_key

        kind, region, medium = split_key(key)
        near = [
            a
            for a in self.milestones
            if a.kind == kind and region in (None, a.milestone.region) and medium in (None, a.milestone.medium)
        ]
        return near[0] if len(near) == 1 else None

    @property
    def cancelled(self) -> bool:
        return self.cancellation is not None

    @property
    def release_place(self) -> str | None:
        """Where and how the release shown is ("UK cinemas", "worldwide"), when there is a
        choice to say it of: the title has several releases, or its one has a place."""
        r = self.release
        if r is None:
            return None
        m = r.milestone
        if m.region is None and m.medium is None and sum(a.kind == "release" for a in self.milestones) == 1:
            return None
        from hstrack.core.regions import where

        return where(m.region, m.medium)

    @property
    def release_text(self) -> str:
        """The release as honestly as it is known: "autumn 2026 · in 10 to 14 weeks"."""
        r = self.release
        if r is None:
            return "not tracked"
        place = f" · {self.release_place}" if self.release_place else ""
        if r.state == "tba":
            return f"TBA{place}"
        return f"{r.date.text} · {r.countdown}{place}"


def phase_of(assessed: list[Assessed]) -> str:
    """The title's phase from its milestones; of its releases and premieres only the ones
    chosen for the viewer are given (see ``for_viewer``)."""
    firm = [a for a in assessed if not a.milestone.tentative]
    if any(a.kind == CANCELLED and (a.reached or a.state == "tba") for a in firm):
        return "cancelled"
    reached = {a.kind for a in firm if a.reached}
    for kind in ("release", "production-end", "production-start"):
        if kind in reached:
            return _PHASE_OF[kind]
    return "announced" if reached else "rumoured"


def _overtaken(a: Assessed) -> Assessed:
    """A milestone a cancellation overtook: it will not come, so it counts nothing down."""
    return replace(a, state=CANCELLED, days_until=None, days_since=None, seconds_until=None, since=None,
                   timing=a.state)  # fmt: skip


def _chosen(candidates: list[Assessed], pref: Preference) -> Assessed | None:
    """Of a title's releases (or premieres), the one for the viewer: their region's own,
    else the worldwide one, else the earliest anywhere; within each, a medium they prefer
    (in their order; one with no medium counts as any), else the earliest. ``candidates``
    come in time order, TBA last, so "the earliest" is the first."""
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    tiers = [
        [a for a in candidates if pref.region is not None and a.milestone.region == pref.region],
        [a for a in candidates if a.milestone.region is None],
        candidates,
    ]
    if pref.media:
        # A preferred medium first, in the viewer's order; then one with no medium (any).
        order = {m: i for i, m in enumerate(pref.media)}
        for tier in tiers:
            liked = [a for a in tier if a.milestone.medium is None or a.milestone.medium in order]
            if liked:  # min keeps the first of equals: the earliest
                return min(liked, key=lambda a: order.get(a.milestone.medium or "", len(order)))
    return next(tier[0] for tier in tiers if tier)


def for_viewer(assessed: list[Assessed], pref: Preference | None, country: str | None = None) -> list[Assessed]:
    """The milestones that give single answers (phase, next, last): all but the releases
    and premieres that are not the viewer's (a title with one of each: all of them).
    ``country``: the title's country of origin, whose release is "the" one of several on
    the same day (else the order of their keys would decide)."""
    chosen = {}
    for kind in PLACED_KINDS:
        mine = [a for a in assessed if a.kind == kind]
        if len(mine) > 1:
            if pref is None:
                from hstrack.core.regions import WORLDWIDE

                pref = WORLDWIDE
            if country is not None:  # a stable sort: time first, then the country of origin
                mine.sort(key=lambda a: (time_key(a)[:4], a.milestone.region != country))
            chosen[kind] = _chosen(mine, pref)
    if not chosen:
        return assessed
    return [a for a in assessed if a.kind not in chosen or a is chosen[a.kind]]


def applies(assessed: list[Assessed], chosen: list[Assessed], pref: Preference | None) -> list[Assessed]:
    """The milestones that apply to the viewer: every one without a place, every release
    or premiere in their region or with no region (worldwide), and "the" one chosen for
    them (``for_viewer``: with no region set, the earliest anywhere when there is no
    worldwide one). A UK viewer's next is the worldwide streaming date after the UK cinema
    date has passed; the US cinema date is not theirs."""
    region = pref.region if pref is not None else None
    mine = {id(a) for a in chosen}
    return [
        a
        for a in assessed
        if a.kind not in PLACED_KINDS
        or a.milestone.region is None
        or (region is not None and a.milestone.region == region)
        or id(a) in mine
    ]


def report_title(
    title: Title,
    now: datetime,
    memo: dict[int, tuple[DateSpec, State]] | None = None,
    pref: Preference | None = None,
) -> TitleReport:
    everything = sorted((assess(m, now, memo) for m in title.milestones.values()), key=time_key)
    if any(a.state == DUE for a in everything):
        everything = [confirmed(a) if a.state == DUE and _day_recorded(title, a) else a for a in everything]
    phase = phase_of(for_viewer(everything, pref, title.country))
    firm_end = next((a for a in everything if a.kind == CANCELLED and not a.milestone.tentative), None)
    cancellation = None
    if phase == "cancelled":
        cancellation = firm_end
        everything = [a if a.reached or a.kind == CANCELLED else _overtaken(a) for a in everything]
    elif firm_end is not None and firm_end.window is not None:
        # An end announced ahead: what would come after it will not come.
        end = firm_end.window[1]
        everything = [
            _overtaken(a) if a.kind != CANCELLED and not a.reached and a.window and a.window[0] > end else a
            for a in everything
        ]
    # "The" release (and the phase) is the viewer's own; next and last count every
    # milestone that applies to them. Both depend on places and time order alone, which
    # overtaking leaves as they were.
    chosen = for_viewer(everything, pref, title.country)
    assessed = applies(everything, chosen, pref)
    today = now.date()
    # A window that closed unconfirmed is still awaited: it comes first, being the oldest.
    ahead = [a for a in assessed if a.kind != CANCELLED and (a.state in ("future", "open", DUE) or is_today(a, today))]
    tba = sorted(
        (a for a in assessed if a.state == "tba" and a.kind != CANCELLED), key=lambda a: milestone_rank(a.kind)
    )
    # Next: today's milestone (known to the day or the moment) above all, then the first
    # still due, ahead or open, then the first TBA; nothing for a cancelled title.
    todays = [a for a in ahead if is_today(a, today)]
    candidates = todays or ahead or tba
    nxt = candidates[0] if candidates and cancellation is None else None
    # Last: of those reached before next is (or will be) reached, the one reached most
    # recently, by time, not by the list's order: a release on 3 Oct is the last reached
    # while a premiere window "October" that began before it is still open, and of two
    # milestones today the earlier is next and the one before it last.
    # A due next (its window closed unconfirmed) will be reached when it is confirmed, after
    # everything already reached: it limits nothing.
    limit = reach_key(nxt) if nxt is not None and nxt.state != DUE else None
    reached = [a for a in assessed if a.reached and a is not nxt and (limit is None or reach_key(a) <= limit)]
    return TitleReport(
        title=title,
        phase=phase,
        milestones=everything,
        last=max(reached, key=reach_key) if reached else None,
        next=nxt,
        release=next((a for a in chosen if a.kind == "release"), None),
        own=tuple(chosen) if len(chosen) != len(everything) else (),
        applying=tuple(assessed) if len(assessed) != len(everything) else (),
        cancellation=cancellation,
    )


def _day_recorded(title: Title, a: Assessed) -> bool:
    """Whether a day or a moment inside a due milestone's window was ever recorded for it:
    a date widened since (a source that came to know less) still said the day came."""
    spec = a.date
    assert spec.earliest is not None
    assert spec.latest is not None
    for change in title.history:
        new = change.new
        if change.milestone != a.key or new is None or not new.date.is_exact:
            continue
        day = new.date.earliest
        if day is not None and spec.earliest <= day <= spec.latest:
            return True
    return False


def _status_key(r: TitleReport) -> tuple[int, tuple[int, date, date, float, tuple[int, str]], str]:
    # Titles with something dated ahead first, soonest first; then those waiting on a TBA
    # date, then the released, then the cancelled, each group by name.
    if r.next is not None and r.next.state != "tba":
        return (0, time_key(r.next), r.title.name.lower())
    group = {"released": 2, "cancelled": 3}.get(r.phase, 1)
    return (group, (1, date.max, date.max, 0.0, (0, "")), r.title.name.lower())


def status_report(doc: Document, now: datetime, pref: Preference | None = None) -> list[TitleReport]:
    memo: dict[int, tuple[DateSpec, State]] = {}
    return sorted((report_title(t, now, memo, pref) for t in doc.titles.values()), key=_status_key)
