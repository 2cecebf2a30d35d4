"""What a new store holds: the Heartstopper film and the season before it.

Only facts from Netflix's announcement of 9 June 2025 are here; nothing is guessed.
The film was first confirmed in April 2025, about six months after season 3 was released
(so October 2024); production had officially begun by Monday 9 June 2025; the release
date is TBA.
"""

from __future__ import annotations

from hstrack.dates import parse_date
from hstrack.model import Document, Milestone, Title

ANNOUNCEMENT = "Netflix announcement, 9 June 2025"

SYNOPSIS = (
    "Nick and Charlie are inseparable, but with Nick preparing to leave for university and "
    "Charlie finding new independence at school, the reality of a long-distance relationship "
    "begins to weigh on them."
)


def _milestone(kind: str, when: str, note: str | None = None) -> Milestone:
    return Milestone(kind=kind, date=parse_date(when), source=ANNOUNCEMENT, note=note)


def seed_document() -> Document:
    film = Title(
        id="heartstopper-film",
        name="Heartstopper (film)",
        label="HS film",
        kind="film",
        platform="Netflix",
        synopsis=SYNOPSIS,
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
        milestones={
            "announced": _milestone(
                "announced", "2025-04", "first confirmed about six months after season 3 was released"
            ),
            "production-start": _milestone(
                "production-start", "2025-06-09", "production had officially begun by this Monday"
            ),
            "release": _milestone("release", "TBA"),
        },
    )
    season = Title(
        id="heartstopper-s3",
        name="Heartstopper season 3",
        label="HS s3",
        kind="season",
        milestones={
            "release": _milestone("release", "2024-10", "released about six months before the film was confirmed"),
        },
    )
    return Document(titles={film.id: film, season.id: season})
