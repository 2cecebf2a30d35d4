"""Bringing a title's milestones up to date with what its linked sources say. Pure
functions of (document, answers, now): the fetching is done before, outside the store's
lock (``sources.fetching``), and this is applied under it (``Store.change``), so a sync is
one undoable change.

Who wins (the README's "Keeping dates current" says the same):

- A fact that came from a source (its milestone has an ``origin``) is updated by later
  syncs like any slip, recorded in the history with the sync as its maker.
- A fact a person typed is never overwritten silently. A source value inside its window
  ("2026" -> 3 Oct 2026), or any date for a typed TBA, firms it up: applied and recorded.
  One that contradicts it (outside the window, or overlapping only part of it) is held as
  a pending proposal on the title for ``hstrack accept`` or ``reject``. A coarser value
  that agrees ("2026" for a typed 3 Oct 2026) changes nothing; nor does a TBA.
- A milestone a person removed counts as typed: a source that still gives it proposes it.
- A rejected value is not proposed again; a new value is. A pending proposal goes when its
  source no longer says it: it gives another value (even one you rejected) or no date.
- Two sources that disagree are reported, never averaged: when one's window holds the
  other's, the narrower is taken (it is the same fact, better known); when they conflict,
  TMDb wins for releases and premieres (dates per country and medium are what its editors
  keep) and Wikidata for everything else.
- A synced date is kept when a source stops giving it (a deleted statement is as often
  vandalism as news): ``hstrack unset`` removes it. Nor does the other source's wider date
  that holds it undo it ("2027" from Wikidata for TMDb's 14 Feb 2027): the same fact, less
  well known. The source that set it is followed even when it comes to know less.
- But an episode carries one kind (``episodes.same_role``): when a source marks an episode
  anew (the season finale S2E08 is the series finale once the show has ended), the
  milestone it synced for that episode under the other kind is removed, recorded in the
  history, not kept beside it. One a person typed stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from hstrack.core.errors import UsageError
from hstrack.core.kinds import PLACED_KINDS
from hstrack.core.model.history import Change, Proposal
from hstrack.core.model.milestone import Milestone
from hstrack.core.references import SOURCE_NAMES
from hstrack.core.regions import split_key

if TYPE_CHECKING:
    from hstrack.core.dates.spec import DateSpec
    from hstrack.core.model.document import Document
    from hstrack.core.model.title import Title
    from hstrack.sources.facts import Fact, Fetched


@dataclass(frozen=True)
class Outcome:
    """One thing a sync did, or saw, for a title, in the history's words."""

    title: str
    what: str  # changed | proposed | withdrawn | disagreement
    key: str | None
    summary: str
    origin: str | None = None
    source: str | None = None
    change: Change | None = None

    @property
    def stored(self) -> bool:
        """Whether it changed the store (a disagreement is only reported)."""
        return self.what in ("changed", "proposed", "withdrawn")


def preferred(key: str) -> str:
    return "tmdb" if split_key(key)[0] in PLACED_KINDS else "wikidata"


def window(spec: DateSpec) -> tuple[date, date] | None:
    if spec.earliest is None or spec.latest is None:
        return None
    return spec.earliest, spec.latest


def inside(inner: DateSpec, outer: DateSpec) -> bool:
    """Whether ``inner``'s window lies within ``outer``'s (TBA holds every date)."""
    o, i = window(outer), window(inner)
    if o is None:
        return True
    return i is not None and o[0] <= i[0] and i[1] <= o[1]


def choose(title_id: str, answers: list[Fetched]) -> tuple[list[Fact], list[Outcome]]:
    """One fact per milestone from all the answers, and the disagreements between sources."""
    from hstrack.core.report.assess import label

    reported: list[Outcome] = []
    by_key: dict[str, list[Fact]] = {}
    for answer in answers:
        for fact in answer.facts:
            kind = split_key(fact.key)[0]
            tmdb_releases = [f for a in answers for f in a.facts if f.origin == "tmdb" and split_key(f.key)[0] == kind]
            beside_tmdb = fact.origin == "wikidata" and tmdb_releases and kind in PLACED_KINDS
            if beside_tmdb and not _wikidata_release_stands(fact, tmdb_releases):
                if not _agrees_nowhere(fact, tmdb_releases):
                    continue  # the same release, which TMDb names more exactly
                a = min(_counterparts(fact, tmdb_releases), key=lambda f: window(f.date) or (date.max, date.max))
                said = f"TMDb says {a.date.text} ({label(a.key)}), Wikidata says {fact.date.text}"
                reported.append(Outcome(title_id, "disagreement", fact.key,
                                        f"{label(fact.key)}: the sources disagree: {said}; using TMDb",
                                        a.origin, a.source))  # fmt: skip
                continue
            by_key.setdefault(fact.key, []).append(fact)
    chosen: list[Fact] = []
    for key in sorted(by_key):
        facts = by_key[key]
        if len({f.origin for f in facts}) < 2:
            chosen.append(facts[0])
            continue
        a, b = sorted(facts, key=lambda f: f.origin != preferred(key))[:2]  # the preferred one first
        if inside(b.date, a.date) and b.date != a.date:
            chosen.append(b)  # the same fact, better known
        elif inside(a.date, b.date):
            chosen.append(a)
        else:
            chosen.append(a)
            said = f"{SOURCE_NAMES[a.origin]} says {a.date.text}, {SOURCE_NAMES[b.origin]} says {b.date.text}"
            reported.append(Outcome(title_id, "disagreement", key,
                                    f"{label(key)}: the sources disagree: {said}; using {SOURCE_NAMES[a.origin]}",
                                    a.origin, a.source))  # fmt: skip
    return chosen, reported


def _counterparts(fact: Fact, tmdb_releases: list[Fact]) -> list[Fact]:
    """TMDb's releases (or premieres) that speak of the same one as a Wikidata one: those in
    its country in any medium (Wikidata names no medium), or for a worldwide one, all."""
    region = split_key(fact.key)[1]
    return [f for f in tmdb_releases if region is None or split_key(f.key)[1] == region]


def _wikidata_release_stands(fact: Fact, tmdb_releases: list[Fact]) -> bool:
    """Whether a Wikidata release (or premiere) is kept beside TMDb's. One in a country TMDb
    dates by medium is TMDb's to give (kept out, reported when it conflicts with TMDb's
    first date there); a worldwide one (the first anywhere) is kept when it agrees with
    TMDb's first date."""
    same = _counterparts(fact, tmdb_releases)
    if not same or any(f.key == fact.key for f in same):
        return True  # nothing to compare, or the same key: settled below like any pair
    first = min(same, key=lambda f: window(f.date) or (date.max, date.max))
    agrees = inside(first.date, fact.date) or inside(fact.date, first.date)
    return agrees and split_key(fact.key)[1] is None


def _agrees_nowhere(fact: Fact, tmdb_releases: list[Fact]) -> bool:
    same = _counterparts(fact, tmdb_releases)
    first = min(same, key=lambda f: window(f.date) or (date.max, date.max))
    return not (inside(first.date, fact.date) or inside(fact.date, first.date))


def _removed_by_person(title: Title, key: str) -> bool:
    last = next((c for c in reversed(title.history) if c.milestone == key), None)
    return last is not None and last.new is None and last.origin is None


def _milestone(fact: Fact) -> Milestone:
    kind, region, medium = split_key(fact.key)
    return Milestone(kind, fact.date, fact.tentative, fact.source, fact.note, region=region, medium=medium,
                     origin=fact.origin, happened=fact.happened and fact.date.is_tba)  # fmt: skip


def _same_value(a: Milestone, b: Milestone) -> bool:
    return (a.date, a.tentative, a.happened) == (b.date, b.tentative, b.happened)


def apply_fact(title: Title, fact: Fact, now: datetime) -> list[Outcome]:
    from hstrack.core.model.replay import milestone_then, record_change
    from hstrack.core.report.assess import label
    from hstrack.core.report.history import history_row

    stamp = now.isoformat(timespec="seconds")
    key, new = fact.key, _milestone(fact)
    old = milestone_then(title, key, stamp)  # as it was then: now, unless the sync is backdated
    name = SOURCE_NAMES[fact.origin]

    def record() -> list[Outcome]:
        change = Change(recorded=stamp, milestone=key, old=old, new=new, origin=fact.origin)
        record_change(title, change)
        withdrawn = _withdraw(title, key)
        summary = history_row(change, now).summary
        return [Outcome(title.id, "changed", key, summary, fact.origin, fact.source, change), *withdrawn]

    if old is None:
        if not _removed_by_person(title, key):
            return record()
        return _propose(title, key, new, "you removed it", now)
    if old.origin is not None:
        # Synced before: updated like any slip. The same date from a newer revision keeps
        # the source it has (that revision said it too), so an unrelated edit of the entity
        # writes nothing. The other source's wider date that holds it is the same fact less
        # well known (its own source stopped giving it, and choose() would have kept it).
        if _same_value(old, new) or (old.origin != fact.origin and inside(old.date, fact.date)):
            return []
        return record()
    if new.happened and old.date.is_tba and not old.happened:
        return record()  # a typed TBA the source says has happened: firmed up, as a date would
    if fact.date.is_tba or old.date == fact.date or inside(old.date, fact.date):
        return _withdraw(title, key)  # agrees, or says less: the typed fact stands
    if old.date.is_tba or inside(fact.date, old.date):
        return record()  # firms it up
    return _propose(title, key, new, f"you have {old.date.text}", now, label(key), name)


def _withdraw(title: Title, key: str, origin: str | None = None) -> list[Outcome]:
    """Withdraw the pending proposals for ``key``: every source's, because the sources now
    agree with what you have; or only ``origin``'s, because it no longer says what it proposed."""
    from hstrack.core.report.assess import label

    gone = [p for p in title.proposals if p.milestone == key and origin in (None, p.origin)]
    if not gone:
        return []
    title.proposals = [p for p in title.proposals if not any(p is g for g in gone)]
    why = "the sources now agree with what you have" if origin is None else f"{SOURCE_NAMES[origin]} no longer says it"
    return [Outcome(title.id, "withdrawn", key,
                    f"{label(key)}: the proposal of {p.new.date.text} from {SOURCE_NAMES[p.origin]} is withdrawn: "
                    + why, p.origin, p.new.source)
            for p in gone]  # fmt: skip


def _propose(title: Title, key: str, new: Milestone, why: str, now: datetime, what: str | None = None,
             name: str | None = None) -> list[Outcome]:  # fmt: skip
    from hstrack.core.report.assess import label

    origin = new.origin
    assert origin is not None
    if any(r.milestone == key and r.origin == origin and r.same_value(new) for r in title.rejected):
        # Rejected before: not proposed again; and a value it proposed since is no longer what it says.
        return _withdraw(title, key, origin)
    pending = next((p for p in title.proposals if p.milestone == key and p.origin == origin), None)
    if pending is not None and pending.same_value(new):
        return []
    title.proposals = [p for p in title.proposals if not (p.milestone == key and p.origin == origin)]
    title.proposals.append(Proposal(now.isoformat(timespec="seconds"), key, origin, new))
    said = f"{what or label(key)}: {name or SOURCE_NAMES[origin]} says {new.date.text}, {why}"
    summary = f"{said}; hstrack accept {title.id} {key}, or reject"
    return [Outcome(title.id, "proposed", key, summary, origin, new.source)]


def reconcile(doc: Document, title_id: str, answers: list[Fetched], now: datetime) -> list[Outcome]:
    """Bring one title up to date with its sources' answers; what was done, in order."""
    title = doc.titles.get(title_id)
    if title is None:
        return []  # removed while its sources were asked
    linked = set(title.links)
    answers = [a for a in answers if a.reference.text in linked]  # unlinked meanwhile: not applied
    facts, outcomes = choose(title_id, answers)
    for fact in facts:
        outcomes.extend(apply_fact(title, fact, now))
    outcomes.extend(_one_kind_per_episode(title, facts, now))
    if title.country is None:  # the country of origin, as TMDb (else Wikidata) says: kept once known
        said = [a.country for a in sorted(answers, key=lambda a: a.reference.source != "tmdb") if a.country]
        if said:
            title.country = said[0]
    # A source that answered without a date it once proposed no longer proposes it.
    given = {(a.reference.source, f.key) for a in answers for f in a.facts}
    answered = {a.reference.source for a in answers}
    for p in list(title.proposals):
        if p.origin in answered and (p.origin, p.milestone) not in given:
            outcomes.extend(_withdraw(title, p.milestone, p.origin))
    return outcomes


def _one_kind_per_episode(title: Title, facts: list[Fact], now: datetime) -> list[Outcome]:
    """Remove the milestones a source synced for an episode it now marks as another kind
    (a season finale that is now the series finale; a mid-season finale that became the
    finale). What a person typed stays: it is never removed silently."""
    from hstrack.core.model.replay import milestone_then, record_change
    from hstrack.core.report.assess import label
    from hstrack.core.report.history import history_row
    from hstrack.sources.episodes import same_role

    given = {f.key for f in facts}
    stamp = now.isoformat(timespec="seconds")
    out: list[Outcome] = []
    for key in sorted(title.milestones):
        old = title.milestones[key]
        if key in given or old.origin is None:
            continue
        new = next((f for f in facts if f.origin == old.origin and same_role(key, old.note, f.key, f.note)), None)
        if new is None:
            continue
        was = milestone_then(title, key, stamp)
        change = Change(recorded=stamp, milestone=key, old=was, new=None, origin=new.origin)
        record_change(title, change)
        summary = f"{history_row(change, now).summary}: {(new.note or '').split(' ')[0]} is the {label(new.key)}"
        out.append(Outcome(title.id, "changed", key, summary, new.origin, new.source, change))
    return out


def confirm(doc: Document, title_id: str, outcomes: list[Outcome], now: datetime) -> list[Outcome]:
    """Record that a sync heard back from every source of a title: its facts are confirmed
    as of now (``Title.synced``), unless a source contests one (a proposal is pending)."""
    title = doc.titles.get(title_id)
    if title is not None and not title.proposals:
        title.synced = now.isoformat(timespec="seconds")
    return outcomes


# ---------------------------------------------------------------------------- links


def link_title(doc: Document, title_id: str, typed: str) -> tuple[str, str | None]:
    """Link a title to a source's page; a title has at most one page per source, so a new
    one replaces the old (returned). Returns (the reference, what it replaced)."""
    from hstrack.core.references import parse_reference

    title = doc.get(title_id)
    ref = parse_reference(typed)
    if ref.text in title.links:
        return ref.text, ref.text
    same = [link for link in title.links if parse_reference(link).source == ref.source]
    title.links = [link for link in title.links if link not in same] + [ref.text]
    if same:  # another page: what the old one proposed is not what this one says
        title.proposals = [p for p in title.proposals if p.origin != ref.source]
    return ref.text, (same[0] if same else None)


def unlink_title(doc: Document, title_id: str, which: str | None) -> list[str]:
    """Remove a title's link to a source (``wikidata``, ``tmdb`` or a reference), or all of
    them. Its synced facts stay, as facts; its pending proposals from that source go."""
    from hstrack.core.references import LINKED, parse_reference

    title = doc.get(title_id)
    if which is None:
        gone = list(title.links)
    elif which.strip().lower() in LINKED:
        gone = [link for link in title.links if link.startswith(which.strip().lower() + ":")]
    else:
        ref = parse_reference(which).text
        gone = [ref] if ref in title.links else []
    if not gone:
        have = ", ".join(title.links) or "none"
        raise UsageError(f"{title_id} is not linked to {which or 'any source'} (links: {have})")
    title.links = [link for link in title.links if link not in gone]
    origins = {link.partition(":")[0] for link in gone}
    title.proposals = [p for p in title.proposals if p.origin not in origins]
    return gone
