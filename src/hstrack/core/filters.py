"""Which titles a view shows: `status --phase/--kind/--platform/--title/--active`.

Each option may be given more than once: a title is shown when it matches any value of
each option given (phase A or B, and kind C). A value that matches nothing anywhere is a
usage error with "did you mean", never an empty answer that looks like "nothing there".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hstrack.core.errors import UsageError
from hstrack.core.kinds import TITLE_KINDS
from hstrack.core.report.assess import PHASES
from hstrack.core.suggest import close_matches, did_you_mean

if TYPE_CHECKING:
    from hstrack.core.model.document import Document
    from hstrack.core.report.titles import TitleReport

# A title released more days ago than this is "long ago": --active leaves it out, with
# cancelled titles. 90 days is upcoming's default reach: what has been out for a season is
# no longer news.
LONG_AGO_DAYS = 90


@dataclass(frozen=True)
class TitleFilter:
    phases: frozenset[str] = field(default_factory=frozenset)
    kinds: frozenset[str] = field(default_factory=frozenset)
    platforms: frozenset[str] = field(default_factory=frozenset)  # casefolded
    titles: frozenset[str] = field(default_factory=frozenset)
    active: bool = False

    def matches(self, report: TitleReport) -> bool:
        title = report.title
        if self.phases and report.phase not in self.phases:
            return False
        if self.kinds and title.kind not in self.kinds:
            return False
        if self.platforms and (title.platform or "").casefold() not in self.platforms:
            return False
        if self.titles and title.id not in self.titles:
            return False
        return not (self.active and not is_active(report))


def is_active(report: TitleReport) -> bool:
    """Not cancelled, and not released more than ``LONG_AGO_DAYS`` ago."""
    if report.cancelled:
        return False
    release = report.release
    if report.phase == "released" and release is not None and release.days_since is not None:
        return release.days_since <= LONG_AGO_DAYS
    return True


def _one_of(value: str, known: Sequence[str], what: str) -> str:
    key = value.strip().lower()
    if key not in known:
        if what == "kind":
            from hstrack.core.suggest import kind_hint

            hint = kind_hint(key)
        else:
            hint = did_you_mean(close_matches(key, known))
        raise UsageError(f"{what} {value!r} is not one of {', '.join(known)}{hint}")
    return key


def title_filter(
    doc: Document,
    phases: Sequence[str] = (),
    kinds: Sequence[str] = (),
    platforms: Sequence[str] = (),
    titles: Sequence[str] = (),
    active: bool = False,
) -> TitleFilter:
    """The filter the options ask for, each value checked: phases and kinds against the
    lists hstrack knows, platforms against those the store holds, ids against its titles."""
    held = {t.platform.casefold(): t.platform for t in doc.titles.values() if t.platform}
    chosen_platforms = set()
    for value in platforms:
        key = value.strip().casefold()
        if key not in held:
            near = did_you_mean([held[k] for k in close_matches(key, held)])
            have = ", ".join(sorted(held.values())) or "none"
            raise UsageError(f"no title has the platform {value!r}{near} (platforms: {have})")
        chosen_platforms.add(key)
    return TitleFilter(
        phases=frozenset(_one_of(p, PHASES, "phase") for p in phases),
        kinds=frozenset(_one_of(k, TITLE_KINDS, "kind") for k in kinds),
        platforms=frozenset(chosen_platforms),
        titles=frozenset(doc.get(t.strip()).id for t in titles),
        active=active,
    )
