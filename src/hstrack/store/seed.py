"""What a new store holds: the Heartstopper film and the season before it, as public
sources have told it, each fact a dated change with its source.

The seed is a replay: every fact below is applied as the change it was, recorded on the
day its source appeared, so ``history`` shows how the film got where it stands and
``status`` shows where that is. A store created "as of" an earlier day (``--at``) holds
only what was public by then, never a change recorded in its future. Nothing is guessed:
no release day that no source gave.

- Season 3: Netflix announced October 2024 on 20 March 2024, then the day, 3 October
  2024, on 13 May 2024.
- The film: first confirmed in April 2025; Netflix's announcement of 9 June 2025 said
  production had begun, release date TBA. Filming wrapped on 27 July 2025 after a 35-day
  shoot (Attitude, 28 July 2025); the same day Netflix announced the title Heartstopper
  Forever and a release in 2026 (Bleeding Cool). On 10 March 2026 Alice Oseman said the
  film would not come before the final graphic-novel volume, so August 2026 or later
  (Bleeding Cool): with the 2026 already announced, that is the second half of 2026
  (H2 2026 takes in July too; no finer window can be written, and none is invented).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hstrack.core.dates.grammar import parse_date
from hstrack.core.model.document import Document
from hstrack.core.model.history import Change
from hstrack.core.model.milestone import Milestone
from hstrack.core.model.title import Title

FILM = "heartstopper-film"
SEASON = "heartstopper-s3"

ANNOUNCEMENT = "Netflix announcement, 9 June 2025"
WRAP = "https://www.attitude.co.uk/culture/kit-connor-and-joe-locke-heartstopper-film-489204/"
TITLE_2026 = "https://bleedingcool.com/tv/heartstopper-forever-finale-gets-official-title-2026-premiere-set"
AUGUST_OR_LATER = "https://bleedingcool.com/tv/heartstopper-creator-drops-big-forever-update-at-london-book-fair/"
S3_OCTOBER = "https://qnews.com.au/major-announcement-for-heartstopper-season-three/"
S3_DAY = "https://www.attitude.co.uk/culture/heartstopper-season-three-release-date-465415/"

SYNOPSIS = (
    "Nick and Charlie are inseparable, but with Nick preparing to leave for university and "
    "Charlie finding new independence at school, the reality of a long-distance relationship "
    "begins to weigh on them."
)


@dataclass(frozen=True)
class Fact:
    """One public fact: on ``recorded``, ``title``'s ``kind`` became ``when``, per ``source``."""

    recorded: str
    title: str
    kind: str
    when: str
    source: str
    note: str | None = None


FACTS = (
    Fact("2024-03-20T12:00:00+00:00", SEASON, "release", "2024-10", S3_OCTOBER, "Netflix: season 3 this October"),
    Fact("2024-05-13T12:00:00+00:00", SEASON, "release", "2024-10-03", S3_DAY),
    Fact("2025-06-09T12:00:00+00:00", FILM, "announced", "2025-04", ANNOUNCEMENT,
         "first confirmed about six months after season 3 was released"),
    Fact("2025-06-09T12:00:00+00:00", FILM, "production-start", "2025-06-09", ANNOUNCEMENT,
         "production had officially begun by this Monday"),
    Fact("2025-06-09T12:00:00+00:00", FILM, "release", "TBA", ANNOUNCEMENT),
    Fact("2025-07-28T12:00:00+00:00", FILM, "production-end", "2025-07-27", WRAP, "wrapped after a 35-day shoot"),
    Fact("2025-07-28T12:00:00+00:00", FILM, "release", "2026", TITLE_2026,
         "Netflix: the film is titled Heartstopper Forever and comes in 2026"),
    Fact("2026-03-10T12:00:00+00:00", FILM, "release", "H2 2026", AUGUST_OR_LATER,
         "Alice Oseman: not before the final graphic-novel volume, so August 2026 or later"),
)  # fmt: skip

# The film's name from the day Netflix gave it its title.
FILM_TITLED = "2025-07-28T12:00:00+00:00"


# The seed's titles have fixed uids: every store that starts from the seed knows the film as
# the same title, so two people's stores (an export, a merge) match it. They are what a
# store seeded before uids migrates to (``core.model.migrations``: from the id each was
# created with), so an old store and a new one match too. Never change them.
FILM_UID = "fe948d43-ae97-82d4-ac4f-156150f58fba"  # derived_uid("heartstopper-film")
SEASON_UID = "c401108f-17fe-8e7b-8f7e-6b741afc643d"  # derived_uid("heartstopper-s3")


def _film(titled: bool) -> Title:
    return Title(
        uid=FILM_UID,
        id=FILM,
        name="Heartstopper Forever" if titled else "Heartstopper (film)",
        label="HS film",
        kind="film",
        platform="Netflix",
        synopsis=SYNOPSIS,
        notes=(
            "The finale of Netflix's Heartstopper, a film instead of a fourth season, adapting the sixth and "
            "final graphic novel. Announced as the Heartstopper film; titled Heartstopper Forever on 28 July 2025."
        )
        if titled
        else None,
        credits={
            "Director": ["Wash Westmoreland"],
            "Executive producers": [
                "Kit Connor",
                "Joe Locke",
                "Alice Oseman",
                "Patrick Walters",
                "Ian Canning",
                "Emile Sherman",
                "Euros Lyn",
            ],
        },
    )


def seed_document(now: datetime | None = None) -> Document:
    """The seed as of ``now`` (every fact, when None): each fact recorded by then, applied
    in order as the change it was."""
    cutoff = now.timestamp() if now is not None else None

    def known(recorded: str) -> bool:
        return cutoff is None or datetime.fromisoformat(recorded).timestamp() <= cutoff

    film = _film(titled=known(FILM_TITLED))
    season = Title(uid=SEASON_UID, id=SEASON, name="Heartstopper season 3", label="HS s3", kind="season")
    titles = {FILM: film, SEASON: season}
    for fact in FACTS:
        if not known(fact.recorded):
            continue
        title = titles[fact.title]
        old = title.milestones.get(fact.kind)
        new = Milestone(fact.kind, parse_date(fact.when), source=fact.source, note=fact.note)
        title.milestones[fact.kind] = new
        title.history.append(Change(recorded=fact.recorded, milestone=fact.kind, old=old, new=new))
    return Document(titles=titles)
