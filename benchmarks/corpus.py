"""The benchmark's stores: its own synthetic shape, and a realistic corpus (issue 30).

``benchmark``: 5 short milestones a title, every precision, a slipped release in 1 of 4
(about 1.4 KB a title): the shape issue 18 measured.

``realistic``: titles shaped like the ones people track, each mix justified by a real
shape (deterministic: title n is the same in every run):

- 6 in 10 **hand-tracked**, like the seed's film (``store/seed.py``): a label, platform,
  synopsis and notes, credits (a director, seven executive producers), 4 milestones with a
  source and a note each, 6 history entries (the release slipping TBA, year, half, month,
  day), and the field edits a rename and a label leave (``edits``, ``edited``). About
  3.5 KB of JSON each, as the issue measured.
- 3 in 10 **synced from TMDb**: a film linked to TMDb and Wikidata whose
  ``/release_dates`` gave 10 to 60 regional releases (Fight Club's real document gives
  57; most films far fewer: 24 on average, the mix the issue measured), by region and medium (a premiere, cinemas,
  limited, streaming, disc, TV), each with its origin, the TMDb page as source and
  sometimes TMDb's note ("Sitges Film Festival"); history holds each release's arrival
  from the sync and, for 1 in 3 of them, a slip (the date moved by weeks); 1 in 5 such
  films holds a proposal (a source's date against one the person typed).
- 1 in 10 a **season of a series**: its premiere, weekly episodes (8 to 12, as user
  milestone kinds ``episode-1``…, each a day, the finale with a time and a zone), a
  trailer and a teaser, history of the premiere being announced as a season then a day.

A title's milestones are spread over the past year and the next two, every precision
that sources give.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

PRECISIONS = ["TBA", "2027", "H2 2027", "Q3 2027", "autumn 2027", "2027-10", "2027-10-03",
              "2027-10-03 08:00 Europe/London"]  # fmt: skip
KINDS = ["announced", "production-start", "production-end", "trailer", "release"]
REGIONS = ["US", "GB", "DE", "FR", "ES", "IT", "NL", "BE", "SE", "NO", "DK", "FI", "PL", "PT", "IE", "AT", "CH",
           "AU", "NZ", "CA", "BR", "MX", "AR", "CL", "CO", "JP", "KR", "HK", "TW", "SG", "IN", "TR", "GR", "CZ",
           "HU", "RO", "UA", "ZA", "IL", "AE", "SA", "TH", "PH", "ID", "MY", "VN", "EG", "NG", "PE", "IS"]  # fmt: skip
# TMDb's release types as (milestone kind, medium), weighted the way its documents run:
# mostly cinemas, then streaming and disc, a few premieres, limited and TV releases.
TMDB_PLACES = [("release", "theatrical")] * 5 + [("release", "digital")] * 3 + [("release", "physical")] * 2 + [
    ("premiere", None), ("release", "limited"), ("release", "tv")]  # fmt: skip
FESTIVALS = ["Sitges Film Festival", "Fantastic Fest", "Toronto International Film Festival", "Berlinale", None,
             None, None, None]  # fmt: skip
CREDITS = {
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
}
SYNOPSIS = (
    "Nick and Charlie are inseparable, but with Nick preparing to leave for university and Charlie finding new "
    "independence at school, the reality of a long-distance relationship begins to weigh on them."
)
NOTES = (
    "The finale of a streaming series, a film instead of a fourth season, adapting the sixth and final graphic "
    "novel. Announced as the film; titled on 28 July 2025."
)
SOURCES = [
    "https://www.attitude.co.uk/culture/kit-connor-and-joe-locke-heartstopper-film-489204/",
    "https://bleedingcool.com/tv/heartstopper-forever-finale-gets-official-title-2026-premiere-set",
    "https://qnews.com.au/major-announcement-for-heartstopper-season-three/",
    "Netflix announcement, 9 June 2025",
]


def _library() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def build_store(folder: Path, titles: int) -> Path:
    """The benchmark's own shape, written through the library as hstrack would write it."""
    _library()
    from hstrack.core.dates.grammar import parse_date
    from hstrack.core.model.document import Document
    from hstrack.core.model.history import Change
    from hstrack.core.model.milestone import Milestone
    from hstrack.core.model.title import Title
    from hstrack.store.codec import dumps

    doc = Document()
    today = date.today()
    for n in range(titles):
        t = Title(id=f"title-{n:05d}", name=f"Synthetic title {n}", kind="film", platform="Netflix")
        for j, kind in enumerate(KINDS):
            when = PRECISIONS[(n + j) % len(PRECISIONS)]
            if kind == "release" and n % 3 == 0:
                when = (today + timedelta(days=30 + n % 300)).isoformat()
            t.milestones[kind] = Milestone(kind, parse_date(when), source=f"https://example.org/{n}/{kind}")
        if n % 4 == 0:  # some history: a release that slipped
            old = Milestone("release", parse_date("2026"))
            t.history.append(Change("2026-01-01T10:00:00+00:00", "release", None, old))
            t.history.append(Change("2026-06-01T10:00:00+00:00", "release", old, t.milestones["release"]))
        doc.titles[t.id] = t
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "store.json").write_bytes(dumps(doc))
    return folder


def build_realistic(folder: Path, titles: int) -> Path:
    """The realistic corpus (see the module's docstring), as hstrack would write it.

    Title 0 is hand-tracked and title 1 synced, so the commands about one title measure
    both; the ids are the benchmark's (``title-00000``…) so every command line is the same."""
    _library()
    import random

    from hstrack.core.dates.grammar import parse_date
    from hstrack.core.model.document import Document
    from hstrack.core.model.history import Change, Edit, Proposal
    from hstrack.core.model.milestone import Milestone
    from hstrack.core.model.title import Title
    from hstrack.store.codec import dumps

    today = date.today()
    doc = Document()
    for n in range(titles):
        rng = random.Random(n)
        shape = n % 10
        tid = f"title-{n:05d}"
        if shape in (0, 2, 4, 6, 7, 9):  # hand-tracked, like the seed's film (6 in 10)
            t = Title(id=tid, name=f"Realistic hand-tracked film {n}", label=f"HS{n}", kind="film",
                      platform="Netflix", synopsis=SYNOPSIS, notes=NOTES,
                      credits={k: list(v) for k, v in CREDITS.items()})  # fmt: skip
            t.edits.append(Edit("2025-07-28T12:00:00+00:00", "name", f"Realistic film {n}", t.name))
            t.edited = {"label": "2025-06-09T12:00:00+00:00", "name": "2025-07-28T12:00:00+00:00"}
            release = today + timedelta(days=rng.randrange(-120, 700))
            facts = [("announced", "2025-04"), ("production-start", "2025-06-09"), ("release", "TBA"),
                     ("production-end", "2025-07-27"), ("release", release.strftime("%Y")),
                     ("release", release.isoformat())]  # fmt: skip
            for i, (kind, when) in enumerate(facts):
                new = Milestone(kind, parse_date(when), source=SOURCES[i % 4], note=f"what source {i} said, in a line")
                t.history.append(Change(f"2025-0{i + 3}-09T12:00:00+00:00", kind, t.milestones.get(kind), new))
                t.milestones[kind] = new
        elif shape in (1, 5, 8):  # synced from TMDb (3 in 10)
            t = Title(id=tid, name=f"Realistic synced film {n}", kind="film", platform="Cinemas",
                      synopsis=SYNOPSIS, links=[f"tmdb:movie/{550 + n}", f"wikidata:Q{190050 + n}"])  # fmt: skip
            page = f"https://www.themoviedb.org/movie/{550 + n}/releases"
            # 10 to 60, most near the low end: 24 on average, as the measured mix.
            count = 10 + int(51 * rng.random() ** 2.5)
            first = today + timedelta(days=rng.randrange(-200, 400))
            places = set()
            while len(places) < count:
                kind, medium = rng.choice(TMDB_PLACES)
                places.add((kind, rng.choice(REGIONS), medium))
            for kind, region, medium in sorted(places, key=str):
                offset = {"premiere": -20, "theatrical": 0, "limited": 0, "digital": 90, "physical": 120, "tv": 300}
                day = first + timedelta(days=offset[medium or "premiere"] + rng.randrange(0, 30))
                m = Milestone(kind, parse_date(day.isoformat()), source=page, note=rng.choice(FESTIVALS),
                              region=region, medium=medium, origin="tmdb")  # fmt: skip
                key = m.key
                if rng.random() < 1 / 3:  # slipped: first announced weeks earlier
                    early = Milestone(kind, parse_date((day - timedelta(days=rng.randrange(7, 60))).isoformat()),
                                      source=page, region=region, medium=medium, origin="tmdb")  # fmt: skip
                    t.history.append(Change("2025-09-01T06:00:00+00:00", key, None, early, origin="tmdb"))
                    t.history.append(Change("2026-02-01T06:00:00+00:00", key, early, m, origin="tmdb"))
                else:
                    t.history.append(Change("2025-09-01T06:00:00+00:00", key, None, m, origin="tmdb"))
                t.milestones[key] = m
            t.history.sort(key=lambda c: c.recorded)
            if n % 5 == 1:
                key = next(iter(t.milestones))
                t.proposals.append(Proposal("2026-02-01T06:00:00+00:00", key, "tmdb", Milestone(
                    t.milestones[key].kind, parse_date(first.isoformat()), source=page, origin="tmdb")))  # fmt: skip
        else:  # a season of a series, with its episodes (1 in 10)
            t = Title(id=tid, name=f"Realistic series, season {n % 7 + 1}", label=f"S{n}", kind="season",
                      platform="Netflix", synopsis=SYNOPSIS)  # fmt: skip
            premiere = today + timedelta(days=rng.randrange(-60, 300))
            facts = [("release", premiere.strftime("%Y-%m")), ("release", premiere.isoformat()),
                     ("trailer", (premiere - timedelta(days=30)).isoformat()),
                     ("teaser", (premiere - timedelta(days=90)).strftime("%Y-%m"))]  # fmt: skip
            for i, (kind, when) in enumerate(facts):
                new = Milestone(kind, parse_date(when), source=SOURCES[i % 4])
                t.history.append(Change(f"2025-0{i + 5}-01T12:00:00+00:00", kind, t.milestones.get(kind), new))
                t.milestones[kind] = new
            episodes = rng.randint(8, 12)
            for e in range(1, episodes + 1):
                day = premiere + timedelta(weeks=e - 1)
                when = f"{day.isoformat()} 21:00 Europe/London" if e == episodes else day.isoformat()
                t.milestones[f"episode-{e}"] = Milestone(f"episode-{e}", parse_date(when), source=SOURCES[3])
        doc.titles[t.id] = t
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "store.json").write_bytes(dumps(doc))
    return folder


CORPORA = {"benchmark": build_store, "realistic": build_realistic}
