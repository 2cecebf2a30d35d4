"""What a new store holds: the Heartstopper film and the season before it, as public
sources have told it, each fact a dated change with its source, and each title linked to
its TMDb page so ``hstrack sync`` keeps it current.

The seed is a replay: every fact below is applied as the change it was, recorded on the
day its source appeared, so ``history`` shows how the film got where it stands and
``status`` shows where that is. A store created "as of" an earlier day (``--at``) holds
only what was public by then, never a change recorded in its future. Nothing is guessed:
no release day that no source gave, and no id that could not be checked.

- Season 3: Netflix announced October 2024 on 20 March 2024, then the day, 3 October
  2024, on 13 May 2024.
- The film: first confirmed in April 2025; Netflix's announcement of 9 June 2025 said
  production had begun, release date TBA. Filming wrapped on 27 July 2025 after a 35-day
  shoot (Attitude, 28 July 2025); the same day Netflix announced the title Heartstopper
  Forever and a release in 2026 (Bleeding Cool). On 10 March 2026 Alice Oseman told
  Deadline "It won't be coming out before the book" (quoted by Radio Times); the final
  volume was due on 2 July 2026 in the UK, so the second half of 2026 (H2 2026 takes in
  1 July too; no finer window can be written). Bleeding Cool's "August or later" was its
  writer's inference, not her words, and is not recorded.
- The release, Friday 17 July 2026 on Netflix, rests on tertiary sources only: three
  independent release calendars in public code (one run on 16 July 2026 reads "Jul 17th
  ... Tomorrow", one cites Netflix Tudum, one plans the week of 14-19 July); no Netflix
  page or press report with the day was found. It is recorded on 16 July 2026, the day
  of the earliest of them, with a note saying how strong it is. It has no region
  (worldwide), as Netflix releases its own films, though no source says "worldwide".
- Links: the film is TMDb movie 1468683 (two independent public sources give that id for
  "Heartstopper Forever", 2026); season 3 is season 3 of TMDb tv 124834, "Heartstopper"
  (first aired 22 April 2022, GB; several independent sources). No Wikidata item could be
  checked for either, so none is linked (``hstrack link`` adds one).
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
# Oseman's own words (to Deadline, whose article was not found), as Radio Times quotes them.
NOT_BEFORE_THE_BOOK = "https://www.radiotimes.com/tv/drama/heartstopper-movie-update-release-strategy-newsupdate/"
RELEASE_CALENDARS = (
    'three independent release calendars, July 2026: releases.com (16 Jul: "Jul 17th ... Tomorrow"); '
    "a film calendar citing Netflix Tudum (https://www.netflix.com/tudum); a creator's planner for 14-19 Jul"
)
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
    Fact("2026-03-10T12:00:00+00:00", FILM, "release", "H2 2026", NOT_BEFORE_THE_BOOK,
         "Alice Oseman to Deadline: \"It won't be coming out before the book\"; the final volume is due on "
         "2 July 2026 (UK), so the second half of 2026. Bleeding Cool's \"August or later\" was its writer's "
         "inference, not her words"),
    Fact("2026-07-16T12:00:00+00:00", FILM, "release", "2026-07-17", RELEASE_CALENDARS,
         "Tertiary sources only: no Netflix announcement or press report with the day was found. No region "
         "(worldwide) is Netflix's way with its own films; no source says worldwide"),
)  # fmt: skip

# The pages sync keeps them current from (checked ids only: see the module's docstring).
LINKS = {FILM: ["tmdb:movie/1468683"], SEASON: ["tmdb:tv/124834/season/3"]}

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
    for title_id, links in LINKS.items():
        titles[title_id].links = list(links)
    for fact in FACTS:
        if not known(fact.recorded):
            continue
        title = titles[fact.title]
        old = title.milestones.get(fact.kind)
        new = Milestone(fact.kind, parse_date(fact.when), source=fact.source, note=fact.note)
        title.milestones[fact.kind] = new
        title.history.append(Change(recorded=fact.recorded, milestone=fact.kind, old=old, new=new))
    return Document(titles=titles)
